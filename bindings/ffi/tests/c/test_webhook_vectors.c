/* Runs every case of tests/vectors/webhook.json through the C ABI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cognition.h"
#include "json_mini.h"

#ifndef VECTORS_PATH
#define VECTORS_PATH "tests/vectors/webhook.json"
#endif

static int failures = 0;
static int passed = 0;

static void fail(const char *section, const jval *c, const char *what) {
    const jval *name = j_get(c, "name");
    fprintf(stderr, "FAIL %s/%s: %s\n", section, name ? name->str : "?", what);
    failures++;
}

static int b64_value(char ch) {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
}

/* The case's payload bytes (malloc'd; caller frees). */
static unsigned char *payload_of(const jval *c, size_t *len) {
    const jval *text = j_get(c, "payload");
    const jval *b64 = j_get(c, "payload_base64");
    unsigned char *out;
    size_t i, n = 0;
    unsigned long acc = 0;
    int bits = 0;
    if (text) {
        out = (unsigned char *)malloc(text->len + 1);
        memcpy(out, text->str, text->len);
        *len = text->len;
        return out;
    }
    out = (unsigned char *)malloc(b64->len + 1);
    for (i = 0; i < b64->len; i++) {
        int v = b64_value(b64->str[i]);
        if (v < 0) continue; /* padding */
        acc = (acc << 6) | (unsigned long)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)((acc >> bits) & 0xFF);
        }
    }
    *len = n;
    return out;
}

/* The case's secrets as a cog_str array (borrowing the JSON strings; caller frees the array). */
static cog_str *secrets_of(const jval *c, size_t *count) {
    const jval *arr = j_get(c, "secrets");
    cog_str *out = (cog_str *)calloc(arr->len + 1, sizeof(cog_str));
    size_t i;
    for (i = 0; i < arr->len; i++) {
        out[i].ptr = (const uint8_t *)arr->items[i].str;
        out[i].len = arr->items[i].len;
    }
    *count = arr->len;
    return out;
}

static const uint8_t *u8(const char *s) { return (const uint8_t *)s; }

/* Compare a status (+ timestamp) with the case's "expect". */
static void check_expect(const char *section, const jval *c, cog_status status, int64_t timestamp) {
    const jval *expect = j_get(c, "expect");
    const jval *want_ts = j_get(expect, "timestamp");
    const jval *want_err = j_get(expect, "error");
    char buf[256];
    if (want_ts) {
        if (status != COG_STATUS_OK) {
            snprintf(buf, sizeof buf, "expected timestamp, got %s (%s)", cog_status_name(status), cog_last_error_message());
            fail(section, c, buf);
        } else if (timestamp != want_ts->integer) {
            snprintf(buf, sizeof buf, "expected timestamp %lld, got %lld", want_ts->integer, (long long)timestamp);
            fail(section, c, buf);
        } else {
            passed++;
        }
    } else if (status == COG_STATUS_OK || strcmp(cog_status_name(status), want_err->str) != 0) {
        snprintf(buf, sizeof buf, "expected %s, got %s", want_err->str, cog_status_name(status));
        fail(section, c, buf);
    } else if (cog_last_error_message()[0] == '\0') {
        fail(section, c, "failure without a last error message");
    } else {
        passed++;
    }
}

static void run_stripe_verify(const jval *cases) {
    size_t i;
    for (i = 0; i < cases->len; i++) {
        const jval *c = &cases->items[i];
        const jval *header = j_get(c, "header");
        size_t plen, nsecrets;
        unsigned char *payload = payload_of(c, &plen);
        cog_str *secrets = secrets_of(c, &nsecrets);
        int64_t ts = -1;
        cog_status st = cog_webhook_verify(payload, plen, u8(header->str), header->len, secrets, nsecrets,
                                           (uint64_t)j_get(c, "tolerance")->integer, j_get(c, "now")->integer, &ts);
        check_expect("stripe_verify", c, st, ts);
        free(payload);
        free(secrets);
    }
}

static void run_stripe_sign(const jval *cases) {
    size_t i;
    for (i = 0; i < cases->len; i++) {
        const jval *c = &cases->items[i];
        const jval *secret = j_get(c, "secret");
        const jval *want = j_get(c, "header");
        size_t plen;
        unsigned char *payload = payload_of(c, &plen);
        cog_string header = {NULL, 0};
        cog_status st = cog_webhook_sign(payload, plen, u8(secret->str), secret->len, j_get(c, "timestamp")->integer, &header);
        if (st != COG_STATUS_OK || header.len != want->len || memcmp(header.ptr, want->str, want->len) != 0) {
            fail("stripe_sign", c, "header differs from the vector");
        } else {
            passed++;
        }
        cog_string_free(&header);
        free(payload);
    }
}

static void run_standard_verify(const jval *cases) {
    size_t i;
    for (i = 0; i < cases->len; i++) {
        const jval *c = &cases->items[i];
        const jval *headers = j_get(c, "headers");
        const char *names[3] = {"webhook-id", "webhook-timestamp", "webhook-signature"};
        const jval *values[3] = {NULL, NULL, NULL};
        size_t plen, nsecrets, h, k;
        unsigned char *payload;
        cog_str *secrets;
        int64_t ts = -1;
        cog_status st;
        /* Header names are case-insensitive: find each one. */
        for (h = 0; h < 3; h++) {
            for (k = 0; k < headers->len; k++) {
                const char *a = headers->keys[k];
                const char *b = names[h];
                size_t m = 0;
                while (a[m] && b[m] && (a[m] | 0x20) == (b[m] | 0x20)) m++;
                if (a[m] == '\0' && b[m] == '\0') values[h] = &headers->items[k];
            }
        }
        payload = payload_of(c, &plen);
        secrets = secrets_of(c, &nsecrets);
        st = cog_standard_webhook_verify(payload, plen,
                                         values[0] ? u8(values[0]->str) : NULL, values[0] ? values[0]->len : 0,
                                         values[1] ? u8(values[1]->str) : NULL, values[1] ? values[1]->len : 0,
                                         values[2] ? u8(values[2]->str) : NULL, values[2] ? values[2]->len : 0,
                                         secrets, nsecrets, (uint64_t)j_get(c, "tolerance")->integer,
                                         j_get(c, "now")->integer, &ts);
        check_expect("standard_verify", c, st, ts);
        free(payload);
        free(secrets);
    }
}

static void run_standard_sign(const jval *cases) {
    size_t i;
    for (i = 0; i < cases->len; i++) {
        const jval *c = &cases->items[i];
        const jval *id = j_get(c, "msg_id");
        const jval *secret = j_get(c, "secret");
        const jval *want = j_get(c, "signature");
        size_t plen;
        unsigned char *payload = payload_of(c, &plen);
        cog_string sig = {NULL, 0};
        cog_status st = cog_standard_webhook_sign(u8(id->str), id->len, j_get(c, "timestamp")->integer, payload, plen,
                                                  u8(secret->str), secret->len, &sig);
        if (st != COG_STATUS_OK || sig.len != want->len || memcmp(sig.ptr, want->str, want->len) != 0) {
            fail("standard_sign", c, "signature differs from the vector");
        } else {
            passed++;
        }
        cog_string_free(&sig);
        free(payload);
    }
}

static int same_string(cog_string *got, const jval *want) {
    int same = want && want->type == J_STR && got->len == want->len && memcmp(got->ptr, want->str, want->len) == 0;
    cog_string_free(got);
    return same;
}

static void check_event(const jval *c, const cog_event *event) {
    const jval *expect = j_get(c, "expect");
    cog_string s = {NULL, 0};
    int64_t created = 0;
    bool livemode = true;
    int known = cog_event_kind_of(event) != COG_EVENT_KIND_OTHER;
    if (cog_event_id(event, &s) != COG_STATUS_OK || !same_string(&s, j_get(expect, "id"))) {
        fail("construct_event", c, "id differs");
        return;
    }
    if (cog_event_type(event, &s) != COG_STATUS_OK || !same_string(&s, j_get(expect, "type"))) {
        fail("construct_event", c, "type differs");
        return;
    }
    if (known != j_get(expect, "known_type")->boolean) {
        fail("construct_event", c, "kind differs");
        return;
    }
    if (cog_event_created(event, &created) != COG_STATUS_OK || created != j_get(expect, "created")->integer) {
        fail("construct_event", c, "created differs");
        return;
    }
    if (cog_event_livemode(event, &livemode) != COG_STATUS_OK || (int)livemode != j_get(expect, "livemode")->boolean) {
        fail("construct_event", c, "livemode differs");
        return;
    }
    if (cog_event_to_json(event, &s) != COG_STATUS_OK || s.len == 0 || s.ptr[s.len] != '\0' || s.ptr[0] != '{') {
        cog_string_free(&s);
        fail("construct_event", c, "to_json is not a NUL-terminated object");
        return;
    }
    cog_string_free(&s);
    passed++;
}

static void run_construct_event(const jval *cases) {
    size_t i;
    for (i = 0; i < cases->len; i++) {
        const jval *c = &cases->items[i];
        const jval *header = j_get(c, "header");
        size_t plen, nsecrets;
        unsigned char *payload = payload_of(c, &plen);
        cog_str *secrets = secrets_of(c, &nsecrets);
        cog_event *event = NULL;
        cog_status st = cog_webhook_construct_event(payload, plen, u8(header->str), header->len, secrets, nsecrets,
                                                    (uint64_t)j_get(c, "tolerance")->integer, j_get(c, "now")->integer,
                                                    &event);
        if (j_get(j_get(c, "expect"), "error")) {
            check_expect("construct_event", c, st, 0);
            if (event != NULL) fail("construct_event", c, "out_event written on failure");
        } else if (st != COG_STATUS_OK) {
            fail("construct_event", c, cog_last_error_message());
        } else {
            check_event(c, event);
        }
        cog_event_free(event);
        free(payload);
        free(secrets);
    }
}

int main(int argc, char **argv) {
    jval root = j_load(argc > 1 ? argv[1] : VECTORS_PATH);
    run_stripe_verify(j_get(&root, "stripe_verify"));
    run_stripe_sign(j_get(&root, "stripe_sign"));
    run_standard_verify(j_get(&root, "standard_verify"));
    run_standard_sign(j_get(&root, "standard_sign"));
    run_construct_event(j_get(&root, "construct_event"));
    j_free(&root);
    printf("webhook vectors: %d passed, %d failed\n", passed, failures);
    return failures == 0 && passed > 0 ? 0 : 1;
}
