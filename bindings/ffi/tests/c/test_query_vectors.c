/* Runs the shared query vectors through the C ABI: every case of tests/vectors/query_fingerprint.json
 * (pinned id, normalized text, kind, and pt-query-digest's Query ID) and every case of
 * tests/vectors/query_suggestions.json (strategies in order, CREATE INDEX statements, reason
 * substrings). Runs under AddressSanitizer and UBSan. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cognition.h"
#include "json_mini.h"

#ifndef FINGERPRINT_VECTORS
#define FINGERPRINT_VECTORS "tests/vectors/query_fingerprint.json"
#endif
#ifndef SUGGESTION_VECTORS
#define SUGGESTION_VECTORS "tests/vectors/query_suggestions.json"
#endif

/* 1 if the string member `key` of `obj` equals `want` (a J_STR), byte for byte. */
static int same_member(const jval *obj, const char *key, const jval *want) {
    const jval *got = j_get(obj, key);
    return got && want && got->type == J_STR && want->type == J_STR && got->len == want->len &&
           memcmp(got->str, want->str, want->len) == 0;
}

static void case_failed(const char *section, const jval *c, const char *what) {
    const jval *name = j_get(c, "name");
    failures++;
    fprintf(stderr, "FAIL %s/%s: %s\n", section, name ? name->str : "?", what);
}

static void run_fingerprint_case(const jval *c) {
    const jval *sql = j_get(c, "sql");
    cog_string out = {NULL, 0};
    jval fp;
    uint64_t id = 0;
    char hex[17];
    cog_status st = cog_fingerprint(u8(sql->str), sql->len, &out);
    if (st != COG_STATUS_OK) {
        case_failed("fingerprint", c, cog_last_error_message());
        return;
    }
    if (!j_parse_text(out.ptr, out.len, &fp)) {
        case_failed("fingerprint", c, "the result is not JSON");
        cog_string_free(&out);
        return;
    }
    cog_string_free(&out);
    if (!same_member(&fp, "id", j_get(c, "id"))) case_failed("fingerprint", c, "id differs");
    else if (!same_member(&fp, "normalized", j_get(c, "normalized"))) case_failed("fingerprint", c, "normalized differs");
    else if (!same_member(&fp, "kind", j_get(c, "kind"))) case_failed("fingerprint", c, "kind differs");
    else if (!same_member(&fp, "query_id", j_get(c, "pt_query_id"))) case_failed("fingerprint", c, "query_id differs");
    else passed++;
    j_free(&fp);

    /* The typed id is the same number as the JSON's 16 hex digits. */
    EXPECT_STATUS(cog_fingerprint_id(u8(sql->str), sql->len, &id), COG_STATUS_OK);
    snprintf(hex, sizeof hex, "%016" PRIx64, id);
    if (strcmp(hex, j_get(c, "id")->str) != 0) case_failed("fingerprint_id", c, "typed id differs from the vector");
    else passed++;
}

/* Append `text` to the buffer, growing it. */
static void put(char **buf, size_t *len, size_t *cap, const char *text) {
    size_t n = strlen(text);
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = (char *)realloc(*buf, *cap);
    }
    memcpy(*buf + *len, text, n + 1);
    *len += n;
}

/* The vector's evidence object (flat, numbers only) as JSON text. Malloc'd. */
static char *evidence_text(const jval *e, size_t *len) {
    char *buf = NULL, num[64];
    size_t cap = 0, i;
    *len = 0;
    put(&buf, len, &cap, "{");
    for (i = 0; i < e->len; i++) {
        if (i) put(&buf, len, &cap, ",");
        put(&buf, len, &cap, "\"");
        put(&buf, len, &cap, e->keys[i]);
        put(&buf, len, &cap, "\":");
        if (e->items[i].type == J_INT) snprintf(num, sizeof num, "%lld", e->items[i].integer);
        else snprintf(num, sizeof num, "%.17g", e->items[i].number);
        put(&buf, len, &cap, num);
    }
    put(&buf, len, &cap, "}");
    return buf;
}

static void run_suggestion_case(const jval *doc, const jval *c) {
    const jval *sql = j_get(c, "sql");
    const jval *evidence = j_get(j_get(doc, "evidence"), j_get(c, "evidence")->str);
    const jval *want_strategies = j_get(c, "strategies");
    const jval *want_statements = j_get(c, "statements");
    const jval *needles = j_get(c, "reason_contains");
    cog_string out = {NULL, 0};
    size_t elen, i, k, statements = 0;
    char *etext = evidence_text(evidence, &elen);
    jval advice;
    int ok = 1;
    cog_status st = cog_query_suggest(u8(sql->str), sql->len, u8(etext), elen, NULL, 0, &out);
    free(etext);
    if (st != COG_STATUS_OK) {
        case_failed("suggest", c, cog_last_error_message());
        return;
    }
    if (!j_parse_text(out.ptr, out.len, &advice) || advice.type != J_ARR) {
        case_failed("suggest", c, "the result is not a JSON array");
        cog_string_free(&out);
        return;
    }
    if (advice.len != want_strategies->len) ok = 0;
    for (i = 0; ok && i < advice.len; i++) {
        const jval *s = &advice.items[i];
        const jval *statement = j_get(s, "statement");
        if (!same_member(s, "strategy", &want_strategies->items[i])) ok = 0;
        if (statement && statement->type == J_STR) {
            if (statements >= want_statements->len || !same_member(s, "statement", &want_statements->items[statements]))
                ok = 0;
            statements++;
        }
    }
    if (ok && statements != want_statements->len) ok = 0;
    if (!ok) {
        fprintf(stderr, "  got %.*s\n", (int)out.len, out.ptr);
        case_failed("suggest", c, "strategies or statements differ");
    } else {
        passed++;
    }
    for (k = 0; k < needles->len; k++) {
        int found = 0;
        for (i = 0; i < advice.len && !found; i++) {
            const jval *reason = j_get(&advice.items[i], "reason");
            found = reason && reason->type == J_STR && strstr(reason->str, needles->items[k].str) != NULL;
        }
        if (found) passed++;
        else case_failed("suggest", c, needles->items[k].str);
    }
    j_free(&advice);
    cog_string_free(&out);
}

int main(void) {
    jval fingerprints = j_load(FINGERPRINT_VECTORS);
    jval suggestions = j_load(SUGGESTION_VECTORS);
    const jval *cases = j_get(&fingerprints, "cases");
    size_t i;

    EXPECT(cases && cases->type == J_ARR && cases->len >= 100, "fingerprint vectors have cases");
    for (i = 0; cases && i < cases->len; i++) run_fingerprint_case(&cases->items[i]);

    cases = j_get(&suggestions, "cases");
    EXPECT(cases && cases->type == J_ARR && cases->len >= 20, "suggestion vectors have cases");
    for (i = 0; cases && i < cases->len; i++) run_suggestion_case(&suggestions, &cases->items[i]);

    j_free(&fingerprints);
    j_free(&suggestions);
    printf("test_query_vectors: %d passed, %d failed\n", passed, failures);
    return failures ? 1 : 0;
}
