/* The webhook processor through the C ABI: exactly-once under 8 threads with duplicate deliveries
 * (memory and SQLite stores), stored results for duplicates, retry schedule on a manual clock to
 * dead-letter and re-queue, handler misbehaviour (bad return values, invalid result JSON). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cognition.h"
#include "idempotency_util.h"




#define EVENTS 4000
#define THREADS 8
static const char SECRET[] = "whsec_c_processor_test";
static const int64_t NOW_SECS = 1700000000;
static const int64_t NOW_MS = 1700000000000LL;


/* ---------------------------------------------------------------- handlers */

typedef struct {
    pthread_mutex_t lock;
    int counts[EVENTS];
    int calls;
    int mode; /* what the scripted handler does: see scripted_handler */
} handler_state;

/* The number after "evt_" in the event JSON. */
static int event_number(const uint8_t *json, size_t len) {
    char buf[4096];
    const char *p;
    size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
    memcpy(buf, json, n);
    buf[n] = 0;
    p = strstr(buf, "\"evt_");
    return p ? atoi(p + 5) : -1;
}

static int32_t counting_handler(void *user_data, const uint8_t *event_json, size_t len, cog_handler_reply *reply) {
    handler_state *state = (handler_state *)user_data;
    int n = event_number(event_json, len);
    char result[64];
    pthread_mutex_lock(&state->lock);
    if (n >= 0 && n < EVENTS) state->counts[n]++;
    state->calls++;
    pthread_mutex_unlock(&state->lock);
    snprintf(result, sizeof result, "{\"n\":%d}", n);
    if (cog_handler_reply_set_result(reply, u8(result), strlen(result)) != COG_STATUS_OK) return COG_HANDLER_PERMANENT;
    return COG_HANDLER_SUCCESS;
}

enum { MODE_SUCCEED, MODE_RETRYABLE, MODE_PERMANENT, MODE_BAD_CODE, MODE_BAD_JSON };

static int32_t scripted_handler(void *user_data, const uint8_t *event_json, size_t len, cog_handler_reply *reply) {
    handler_state *state = (handler_state *)user_data;
    static const char bad_json[] = "{not json";
    (void)event_json;
    (void)len;
    pthread_mutex_lock(&state->lock);
    state->calls++;
    pthread_mutex_unlock(&state->lock);
    switch (state->mode) {
    case MODE_RETRYABLE:
        cog_handler_reply_set_error(reply, u8("downstream is down"), strlen("downstream is down"));
        return COG_HANDLER_RETRYABLE;
    case MODE_PERMANENT:
        cog_handler_reply_set_error(reply, u8("bad data"), strlen("bad data"));
        return COG_HANDLER_PERMANENT;
    case MODE_BAD_CODE:
        return 7;
    case MODE_BAD_JSON:
        if (cog_handler_reply_set_result(reply, u8(bad_json), strlen(bad_json)) != COG_STATUS_INVALID_RESULT) {
            return COG_HANDLER_RETRYABLE;
        }
        return COG_HANDLER_SUCCESS;
    default:
        cog_handler_reply_set_result(reply, u8("{\"ok\":true}"), strlen("{\"ok\":true}"));
        return COG_HANDLER_SUCCESS;
    }
}

/* ---------------------------------------------------------------- helpers */

typedef struct {
    char body[256];
    size_t body_len;
    cog_string header;
} delivery;

static void make_event(delivery *d, const char *id, const char *type, const char *object_id) {
    snprintf(d->body, sizeof d->body,
             "{\"id\":\"%s\",\"type\":\"%s\",\"created\":1700000000,\"livemode\":false,"
             "\"data\":{\"object\":{\"id\":\"%s\"}}}",
             id, type, object_id);
    d->body_len = strlen(d->body);
    d->header.ptr = NULL;
    d->header.len = 0;
    if (cog_webhook_sign(u8(d->body), d->body_len, u8(SECRET), strlen(SECRET), NOW_SECS, &d->header) != COG_STATUS_OK) {
        fprintf(stderr, "signing failed: %s\n", cog_last_error_message());
        exit(1);
    }
}

static cog_processor *new_processor(cog_store *store) {
    cog_str secret = {u8(SECRET), sizeof SECRET - 1};
    cog_processor *processor = NULL;
    if (cog_processor_new(&secret, 1, store, 300, 30000, &processor) != COG_STATUS_OK) {
        fprintf(stderr, "cog_processor_new: %s\n", cog_last_error_message());
        exit(1);
    }
    EXPECT_STATUS(cog_processor_use_manual_clock(processor, NOW_MS), COG_STATUS_OK);
    return processor;
}

/* Process one delivery; returns the parsed result (caller j_free's) or a J_NULL on failure. */
static jval process(cog_processor *processor, const delivery *d, cog_status *status_out) {
    cog_string out = {NULL, 0};
    jval result;
    cog_status status = cog_processor_process(processor, u8(d->body), d->body_len, u8(d->header.ptr), d->header.len, &out);
    memset(&result, 0, sizeof result);
    if (status_out) *status_out = status;
    if (status == COG_STATUS_OK) result = j_parse_cog(&out);
    cog_string_free(&out);
    return result;
}

static int str_is(const jval *v, const char *want) { return v && v->type == J_STR && !strcmp(v->str, want); }

/* ---------------------------------------------------------------- exactly once */

typedef struct {
    cog_processor *processor;
    delivery *events;
    int *order;
    size_t count;
    int thread;
    int errors;
    int bad_status;
} worker;

static void *work(void *arg) {
    worker *w = (worker *)arg;
    size_t i;
    for (i = (size_t)w->thread; i < w->count; i += THREADS) {
        cog_status status;
        jval r = process(w->processor, &w->events[w->order[i]], &status);
        const jval *st;
        if (status != COG_STATUS_OK) {
            w->errors++;
            continue;
        }
        st = j_get(&r, "status");
        if (!str_is(st, "processed") && !str_is(st, "duplicate") && !str_is(st, "in_progress")) w->bad_status++;
        j_free(&r);
    }
    return NULL;
}

static void exactly_once(cog_store *store, const char *label) {
    static delivery events[EVENTS];
    static handler_state state;
    cog_processor *processor = new_processor(store);
    pthread_t threads[THREADS];
    worker workers[THREADS];
    int *order;
    size_t total = 0, i;
    uint64_t rng = 0x2545F4914F6CDD1DULL;
    int errors = 0, bad = 0, once = 1, k;
    char id[32], obj[32];
    cog_status status;
    jval r;

    memset(&state, 0, sizeof state);
    pthread_mutex_init(&state.lock, NULL);
    EXPECT_STATUS(cog_processor_on(processor, u8("invoice.paid"), strlen("invoice.paid"), counting_handler, &state),
                  COG_STATUS_OK);
    for (k = 0; k < EVENTS; k++) {
        snprintf(id, sizeof id, "evt_%d", k);
        snprintf(obj, sizeof obj, "in_%d", k);
        make_event(&events[k], id, "invoice.paid", obj);
        total += 1 + (size_t)(k * 7 % 5);
    }
    order = (int *)malloc(total * sizeof(int));
    total = 0;
    for (k = 0; k < EVENTS; k++) {
        int copies = 1 + k * 7 % 5, c;
        for (c = 0; c < copies; c++) order[total++] = k;
    }
    for (i = total - 1; i > 0; i--) { /* Fisher–Yates with xorshift64 */
        size_t j;
        int tmp;
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        j = (size_t)(rng % (i + 1));
        tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    for (k = 0; k < THREADS; k++) {
        workers[k].processor = processor;
        workers[k].events = events;
        workers[k].order = order;
        workers[k].count = total;
        workers[k].thread = k;
        workers[k].errors = 0;
        workers[k].bad_status = 0;
        pthread_create(&threads[k], NULL, work, &workers[k]);
    }
    for (k = 0; k < THREADS; k++) {
        pthread_join(threads[k], NULL);
        errors += workers[k].errors;
        bad += workers[k].bad_status;
    }
    for (k = 0; k < EVENTS; k++) {
        if (state.counts[k] != 1) {
            if (once) fprintf(stderr, "%s: evt_%d handled %d times\n", label, k, state.counts[k]);
            once = 0;
        }
    }
    EXPECT(errors == 0, "no delivery failed");
    EXPECT(bad == 0, "every delivery was processed, a duplicate or in progress");
    EXPECT(once, "every event was handled exactly once");
    EXPECT(state.calls == EVENTS, "the handler ran once per event");
    printf("%s: %zu deliveries of %d events on %d threads, %d handler calls\n", label, total, EVENTS, THREADS,
           state.calls);

    /* A duplicate returns the stored result without calling the handler. */
    r = process(processor, &events[17], &status);
    EXPECT_STATUS(status, COG_STATUS_OK);
    EXPECT(str_is(j_get(&r, "status"), "duplicate"), "a redelivery is a duplicate");
    EXPECT(j_get(&r, "duplicate") && j_get(&r, "duplicate")->boolean, "duplicate flag");
    EXPECT(j_get(j_get(&r, "result"), "n") && j_get(j_get(&r, "result"), "n")->integer == 17, "stored result returned");
    EXPECT(j_get(&r, "http_status")->integer == 200, "HTTP 200 for a duplicate");
    EXPECT(state.calls == EVENTS, "no handler call for the duplicate");
    j_free(&r);

    /* The store answers queries about what happened. */
    {
        cog_string out = {NULL, 0};
        jval stats, page;
        EXPECT_STATUS(cog_store_stats(store, INT64_MIN, INT64_MAX, &out), COG_STATUS_OK);
        stats = j_parse_cog(&out);
        EXPECT(j_get(&stats, "total")->integer == EVENTS, "stats total");
        EXPECT(j_get(j_get(&stats, "by_status"), "processed")->integer == EVENTS, "stats processed");
        j_free(&stats);
        cog_string_free(&out);
        EXPECT_STATUS(cog_store_list(store, u8("{\"status\":\"processed\",\"limit\":10}"),
                                     strlen("{\"status\":\"processed\",\"limit\":10}"), &out),
                      COG_STATUS_OK);
        page = j_parse_cog(&out);
        EXPECT(j_get(&page, "records")->len == 10, "a page of 10");
        EXPECT(j_get(&page, "next_cursor")->type == J_STR, "with a cursor");
        j_free(&page);
        cog_string_free(&out);
    }

    cog_processor_free(processor);
    for (k = 0; k < EVENTS; k++) cog_string_free(&events[k].header);
    free(order);
    pthread_mutex_destroy(&state.lock);
}

/* ---------------------------------------------------------------- retries */

static void retries_then_dead_then_requeue(void) {
    cog_retry_policy policy = cog_retry_policy_default();
    cog_store *store = NULL;
    cog_processor *processor;
    handler_state state;
    delivery d;
    cog_string out = {NULL, 0};
    cog_status status;
    jval r, list;

    policy.max_attempts = 3;
    policy.jitter = false;
    EXPECT_STATUS(cog_memory_store_new(&policy, &store), COG_STATUS_OK);
    processor = new_processor(store);
    memset(&state, 0, sizeof state);
    pthread_mutex_init(&state.lock, NULL);
    state.mode = MODE_RETRYABLE;
    EXPECT_STATUS(cog_processor_on(processor, u8("invoice.payment_failed"), 22, scripted_handler, &state), COG_STATUS_OK);
    make_event(&d, "evt_retry", "invoice.payment_failed", "in_r");

    r = process(processor, &d, &status);
    EXPECT(str_is(j_get(&r, "status"), "retrying"), "first failure is retrying");
    EXPECT(j_get(&r, "attempt")->integer == 1, "attempt 1");
    EXPECT(j_get(&r, "next_retry_at")->integer == NOW_MS + 1000, "retry after 1 s");
    EXPECT(str_is(j_get(&r, "error"), "downstream is down"), "the handler's message");
    j_free(&r);

    EXPECT_STATUS(cog_processor_retry_due(processor, 10, &out), COG_STATUS_OK);
    list = j_parse_cog(&out);
    EXPECT(list.type == J_ARR && list.len == 0, "nothing due before the delay");
    j_free(&list);
    cog_string_free(&out);

    EXPECT_STATUS(cog_processor_advance_clock(processor, 1000), COG_STATUS_OK);
    EXPECT_STATUS(cog_processor_retry_due(processor, 10, &out), COG_STATUS_OK);
    list = j_parse_cog(&out);
    EXPECT(list.len == 1 && str_is(j_get(&list.items[0], "status"), "retrying"), "second attempt retrying");
    EXPECT(list.len == 1 && j_get(&list.items[0], "attempt")->integer == 2, "attempt 2");
    EXPECT(list.len == 1 && j_get(&list.items[0], "next_retry_at")->integer == NOW_MS + 3000, "then after 2 s");
    j_free(&list);
    cog_string_free(&out);

    EXPECT_STATUS(cog_processor_advance_clock(processor, 2000), COG_STATUS_OK);
    EXPECT_STATUS(cog_processor_retry_due(processor, 10, &out), COG_STATUS_OK);
    list = j_parse_cog(&out);
    EXPECT(list.len == 1 && str_is(j_get(&list.items[0], "status"), "dead"), "third failure dead-letters");
    j_free(&list);
    cog_string_free(&out);
    EXPECT(state.calls == 3, "three attempts");

    r = process(processor, &d, &status);
    EXPECT(str_is(j_get(&r, "status"), "dead") && j_get(&r, "duplicate")->boolean, "redelivery of a dead event");
    j_free(&r);
    EXPECT(state.calls == 3, "no attempt for a dead event");

    state.mode = MODE_SUCCEED;
    EXPECT_STATUS(cog_processor_requeue_dead(processor, u8("evt_retry"), 9), COG_STATUS_OK);
    EXPECT_STATUS(cog_processor_requeue_dead(processor, u8("evt_retry"), 9), COG_STATUS_INVALID_STATE);
    EXPECT_STATUS(cog_processor_requeue_dead(processor, u8("evt_nope"), 8), COG_STATUS_RECORD_NOT_FOUND);
    EXPECT_STATUS(cog_processor_retry_due(processor, 10, &out), COG_STATUS_OK);
    list = j_parse_cog(&out);
    EXPECT(list.len == 1 && str_is(j_get(&list.items[0], "status"), "processed"), "requeued event processed");
    j_free(&list);
    cog_string_free(&out);

    EXPECT_STATUS(cog_store_get(store, u8("evt_retry"), 9, &out), COG_STATUS_OK);
    r = j_parse_cog(&out);
    EXPECT(str_is(j_get(&r, "status"), "processed"), "record processed");
    EXPECT(j_get(j_get(&r, "result"), "ok") != NULL, "result stored");
    j_free(&r);
    cog_string_free(&out);

    cog_string_free(&d.header);
    cog_processor_free(processor);
    cog_store_free(store);
    pthread_mutex_destroy(&state.lock);
}

/* ---------------------------------------------------------------- misbehaving handlers */

static void misbehaving_handlers(void) {
    cog_store *store = NULL;
    cog_processor *processor;
    handler_state state;
    delivery d;
    cog_status status;
    jval r;
    const jval *err;

    EXPECT_STATUS(cog_memory_store_new(NULL, &store), COG_STATUS_OK);
    processor = new_processor(store);
    memset(&state, 0, sizeof state);
    pthread_mutex_init(&state.lock, NULL);
    EXPECT_STATUS(cog_processor_on(processor, u8("customer.created"), 16, scripted_handler, &state), COG_STATUS_OK);

    state.mode = MODE_BAD_JSON;
    make_event(&d, "evt_badjson", "customer.created", "cus_1");
    r = process(processor, &d, &status);
    EXPECT_STATUS(status, COG_STATUS_OK);
    err = j_get(&r, "error");
    EXPECT(str_is(j_get(&r, "status"), "failed"), "invalid result JSON fails the event");
    EXPECT(err && err->type == J_STR && strstr(err->str, "not valid JSON"), "with a clear message");
    j_free(&r);
    cog_string_free(&d.header);

    state.mode = MODE_BAD_CODE;
    make_event(&d, "evt_badcode", "customer.created", "cus_2");
    r = process(processor, &d, &status);
    err = j_get(&r, "error");
    EXPECT(str_is(j_get(&r, "status"), "retrying"), "an unknown return value is a retryable failure");
    EXPECT(err && err->type == J_STR && strstr(err->str, "returned 7"), "naming the value");
    j_free(&r);
    cog_string_free(&d.header);

    state.mode = MODE_PERMANENT;
    make_event(&d, "evt_perm", "customer.created", "cus_3");
    r = process(processor, &d, &status);
    EXPECT(str_is(j_get(&r, "status"), "failed"), "a permanent failure is failed");
    EXPECT(str_is(j_get(&r, "error"), "bad data"), "with the handler's message");
    j_free(&r);
    cog_string_free(&d.header);

    make_event(&d, "evt_unhandled", "plan.created", "plan_1");
    r = process(processor, &d, &status);
    EXPECT(str_is(j_get(&r, "status"), "ignored"), "an unregistered type is ignored");
    j_free(&r);
    cog_string_free(&d.header);

    /* Same id, different body: a fingerprint conflict is an error. */
    make_event(&d, "evt_perm", "customer.created", "cus_other");
    r = process(processor, &d, &status);
    EXPECT_STATUS(status, COG_STATUS_FINGERPRINT_CONFLICT);
    cog_string_free(&d.header);

    /* A forged signature never reaches the store. */
    make_event(&d, "evt_forged", "customer.created", "cus_4");
    d.body[d.body_len - 3] = 'X';
    r = process(processor, &d, &status);
    EXPECT_STATUS(status, COG_STATUS_SIGNATURE_MISMATCH);
    cog_string_free(&d.header);

    cog_processor_free(processor);
    cog_store_free(store);
    pthread_mutex_destroy(&state.lock);
}

int main(void) {
    cog_retry_policy policy = cog_retry_policy_default();
    cog_store *store = NULL;
    char path[256];

    EXPECT_STATUS(cog_memory_store_new(&policy, &store), COG_STATUS_OK);
    exactly_once(store, "memory");
    cog_store_free(store);

    snprintf(path, sizeof path, "/tmp/cog-c-processor-%ld.db", (long)getpid());
    store = NULL;
    EXPECT_STATUS(cog_sqlite_store_open(u8(path), strlen(path), NULL, &store), COG_STATUS_OK);
    if (store) {
        char extra[300];
        exactly_once(store, "sqlite");
        cog_store_free(store);
        unlink(path);
        snprintf(extra, sizeof extra, "%s-wal", path);
        unlink(extra);
        snprintf(extra, sizeof extra, "%s-shm", path);
        unlink(extra);
    }

    retries_then_dead_then_requeue();
    misbehaving_handlers();

    printf("test_idempotency_processor: %d passed, %d failed\n", passed, failures);
    return failures ? 1 : 0;
}
