/* Runs every scenario of tests/vectors/idempotency.json through the C ABI, against a memory store
 * and a SQLite store (a fresh file under /tmp per scenario, removed afterwards). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cognition.h"
#include "idempotency_util.h"

#ifndef VECTORS_PATH
#define VECTORS_PATH "tests/vectors/idempotency.json"
#endif

static int failures = 0;
static int passed = 0;
static const char *store_kind = "";
static const char *scenario = "";
static size_t step_no = 0;

static void fail(const char *what, const char *detail) {
    fprintf(stderr, "FAIL %s/%s step %zu: %s%s%s\n", store_kind, scenario, step_no, what, detail ? ": " : "",
            detail ? detail : "");
    failures++;
}

static void check(int ok, const char *what, const char *detail) {
    if (ok) passed++;
    else fail(what, detail);
}

/* Lease generations seen per key: the first acquired and the latest. */
typedef struct {
    char *key;
    uint64_t first;
    uint64_t last;
} lease;

static lease leases[64];
static size_t lease_count = 0;

static void leases_reset(void) {
    size_t i;
    for (i = 0; i < lease_count; i++) free(leases[i].key);
    lease_count = 0;
}

static void lease_note(const char *key, uint64_t generation) {
    size_t i;
    for (i = 0; i < lease_count; i++) {
        if (!strcmp(leases[i].key, key)) { leases[i].last = generation; return; }
    }
    if (lease_count == sizeof leases / sizeof leases[0]) { fprintf(stderr, "too many keys\n"); exit(2); }
    leases[lease_count].key = strdup(key);
    leases[lease_count].first = generation;
    leases[lease_count].last = generation;
    lease_count++;
}

static uint64_t lease_pick(const char *key, long long which) {
    size_t i;
    for (i = 0; i < lease_count; i++) {
        if (!strcmp(leases[i].key, key)) return which == 0 ? leases[i].first : leases[i].last;
    }
    return 0;
}

/* The step's key: "key", or "key_repeat": [s, n] (s repeated n times). Malloc'd. */
static char *key_of(const jval *step, size_t *len) {
    const jval *key = j_get(step, "key");
    const jval *rep = j_get(step, "key_repeat");
    char *out;
    if (key) {
        out = (char *)malloc(key->len + 1);
        memcpy(out, key->str, key->len + 1);
        *len = key->len;
        return out;
    }
    if (rep) {
        const jval *s = &rep->items[0];
        size_t n = (size_t)rep->items[1].integer, i;
        out = (char *)malloc(s->len * n + 1);
        for (i = 0; i < n; i++) memcpy(out + i * s->len, s->str, s->len);
        out[s->len * n] = 0;
        *len = s->len * n;
        return out;
    }
    out = (char *)calloc(1, 1);
    *len = 0;
    return out;
}

static long long int_of(const jval *step, const char *name) {
    const jval *v = j_get(step, name);
    return v ? (v->type == J_INT ? v->integer : (long long)v->number) : 0;
}

static const uint8_t *u8(const char *s) { return (const uint8_t *)s; }

/* Compare the call's status with expect.error, or require OK. Returns 1 if the step should go on
 * to check the output. */
static int check_status(const jval *expect, cog_status status) {
    const jval *want = j_get(expect, "error");
    char detail[512];
    if (want) {
        snprintf(detail, sizeof detail, "want %s, got %s (%s)", want->str, status_name(status),
                 status == COG_STATUS_OK ? "" : cog_last_error_message());
        check(!strcmp(want->str, status_name(status)), "error code", detail);
        return 0;
    }
    if (status != COG_STATUS_OK) {
        snprintf(detail, sizeof detail, "%s: %s", status_name(status), cog_last_error_message());
        fail("unexpected failure", detail);
        return 0;
    }
    return 1;
}

/* Check that expect[name] (when present) equals got[name]. */
static void check_field(const jval *expect, const char *name, const jval *got, const char *got_name) {
    const jval *want = j_get(expect, name);
    const jval *have = j_get(got, got_name ? got_name : name);
    jbuf a = {NULL, 0, 0}, b = {NULL, 0, 0};
    char detail[1024];
    jval null_value;
    if (!want) return;
    memset(&null_value, 0, sizeof null_value);
    if (!have) have = &null_value;
    j_dump(&a, want);
    j_dump(&b, have);
    snprintf(detail, sizeof detail, "want %s, got %s", a.buf, b.buf);
    check(j_equal(want, have), name, detail);
    free(a.buf);
    free(b.buf);
}

static void run_step(cog_store *store, const jval *step) {
    const jval *op = j_get(step, "op");
    const jval *expect = j_get(step, "expect");
    size_t key_len;
    char *key = key_of(step, &key_len);
    cog_string out = {NULL, 0};
    cog_status status;
    jval got;

    if (!strcmp(op->str, "claim")) {
        const jval *type = j_get(step, "event_type");
        const jval *body = j_get(step, "body");
        status = cog_store_claim(store, u8(key), key_len, u8(type->str), type->len, u8(body->str), body->len,
                                 int_of(step, "now"), int_of(step, "lease_millis"), &out);
        if (check_status(expect, status)) {
            got = j_parse_cog(&out);
            check_field(expect, "claim", &got, NULL);
            if (!strcmp(j_get(&got, "claim")->str, "acquired")) {
                const jval *token = j_get(&got, "token");
                check(!strcmp(j_get(token, "key")->str, key), "token key", NULL);
                lease_note(key, (uint64_t)j_get(token, "generation")->integer);
            }
            check_field(expect, "attempt", &got, NULL);
            check_field(expect, "status", &got, NULL);
            check_field(expect, "result", &got, NULL);
            check_field(expect, "lease_expires_at", &got, NULL);
            check_field(expect, "stored", &got, NULL);
            check_field(expect, "last_error", &got, NULL);
            j_free(&got);
        }
    } else if (!strcmp(op->str, "complete")) {
        jbuf result = {NULL, 0, 0};
        j_dump(&result, j_get(step, "result"));
        status = cog_store_complete(store, u8(key), key_len, lease_pick(key, int_of(step, "token")),
                                    u8(result.buf), result.len, int_of(step, "now"));
        if (check_status(expect, status)) check(j_get(expect, "ok") != NULL, "ok", NULL);
        free(result.buf);
    } else if (!strcmp(op->str, "ignore")) {
        status = cog_store_ignore(store, u8(key), key_len, lease_pick(key, int_of(step, "token")), int_of(step, "now"));
        if (check_status(expect, status)) check(j_get(expect, "ok") != NULL, "ok", NULL);
    } else if (!strcmp(op->str, "fail")) {
        const jval *error = j_get(step, "error");
        const jval *retryable = j_get(step, "retryable");
        status = cog_store_fail(store, u8(key), key_len, lease_pick(key, int_of(step, "token")), u8(error->str),
                                error->len, retryable->boolean != 0, int_of(step, "now"), &out);
        if (check_status(expect, status)) {
            got = j_parse_cog(&out);
            check_field(expect, "decision", &got, NULL);
            check_field(expect, "at", &got, NULL);
            j_free(&got);
        }
    } else if (!strcmp(op->str, "get")) {
        status = cog_store_get(store, u8(key), key_len, &out);
        if (check_status(expect, status)) {
            got = j_parse_cog(&out);
            if (j_get(expect, "missing")) {
                check(got.type == J_NULL, "missing", out.ptr);
            } else {
                check(got.type == J_OBJ, "record present", out.ptr);
                check_field(expect, "status", &got, NULL);
                check_field(expect, "attempts", &got, NULL);
                check_field(expect, "processed_at", &got, NULL);
                check_field(expect, "last_error", &got, NULL);
            }
            j_free(&got);
        }
    } else if (!strcmp(op->str, "due")) {
        status = cog_store_due_for_retry(store, int_of(step, "now"), (size_t)int_of(step, "limit"), &out);
        if (check_status(expect, status)) {
            const jval *want = j_get(expect, "keys");
            size_t i;
            got = j_parse_cog(&out);
            check(got.type == J_ARR && got.len == want->len, "due count", out.ptr);
            for (i = 0; got.type == J_ARR && i < got.len && i < want->len; i++) {
                check(j_equal(j_get(&got.items[i], "key"), &want->items[i]), "due key", out.ptr);
            }
            j_free(&got);
        }
    } else if (!strcmp(op->str, "requeue")) {
        status = cog_store_requeue(store, u8(key), key_len, int_of(step, "now"));
        if (check_status(expect, status)) check(j_get(expect, "ok") != NULL, "ok", NULL);
    } else if (!strcmp(op->str, "purge")) {
        uint64_t purged = 999;
        status = cog_store_purge(store, int_of(step, "before"), &purged);
        if (check_status(expect, status)) {
            check((long long)purged == int_of(expect, "purged"), "purged", NULL);
        }
    } else {
        fail("unknown op", op->str);
    }
    cog_string_free(&out);
    free(key);
}

static cog_retry_policy policy_of(const jval *scenario_value) {
    const jval *p = j_get(scenario_value, "retry_policy");
    cog_retry_policy policy = cog_retry_policy_default();
    const jval *factor = j_get(p, "factor");
    policy.max_attempts = (uint32_t)int_of(p, "max_attempts");
    policy.initial_delay_millis = int_of(p, "initial_delay_millis");
    policy.max_delay_millis = int_of(p, "max_delay_millis");
    if (factor) policy.factor = j_number(factor);
    policy.jitter = false;
    return policy;
}

static void remove_db(const char *path) {
    char extra[600];
    unlink(path);
    snprintf(extra, sizeof extra, "%s-wal", path);
    unlink(extra);
    snprintf(extra, sizeof extra, "%s-shm", path);
    unlink(extra);
    snprintf(extra, sizeof extra, "%s-journal", path);
    unlink(extra);
}

static void run_scenario(const jval *s, int sqlite, int index) {
    const jval *steps = j_get(s, "steps");
    cog_retry_policy policy = policy_of(s);
    cog_store *store = NULL;
    char path[512];
    cog_status status;
    size_t i;
    store_kind = sqlite ? "sqlite" : "memory";
    scenario = j_get(s, "name")->str;
    step_no = 0;
    if (sqlite) {
        snprintf(path, sizeof path, "/tmp/cog-c-idem-%ld-%d.db", (long)getpid(), index);
        remove_db(path);
        status = cog_sqlite_store_open(u8(path), strlen(path), &policy, &store);
    } else {
        status = cog_memory_store_new(&policy, &store);
    }
    if (status != COG_STATUS_OK) {
        fail("store", cog_last_error_message());
        return;
    }
    for (i = 0; i < steps->len; i++) {
        step_no = i;
        run_step(store, &steps->items[i]);
    }
    cog_store_free(store);
    leases_reset();
    if (sqlite) remove_db(path);
}

int main(void) {
    jval root = j_load(VECTORS_PATH);
    const jval *scenarios = j_get(&root, "scenarios");
    size_t i;
    if (!scenarios || scenarios->len == 0) {
        fprintf(stderr, "no scenarios in %s\n", VECTORS_PATH);
        return 1;
    }
    for (i = 0; i < scenarios->len; i++) {
        run_scenario(&scenarios->items[i], 0, (int)i);
        run_scenario(&scenarios->items[i], 1, (int)i);
    }
    printf("test_idempotency_vectors: %zu scenarios x 2 stores, %d checks passed, %d failed\n", scenarios->len, passed,
           failures);
    j_free(&root);
    return failures ? 1 : 0;
}
