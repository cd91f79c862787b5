/* Bad input to the query C ABI: NULL handles and pointers, invalid UTF-8, megabyte statements,
 * NaN/infinite/negative durations, bad cache flags, bad options and evidence JSON, malformed
 * snapshots to merge, missing and hostile files. Every call returns a status, leaves its
 * out-parameters untouched and changes nothing. Runs under AddressSanitizer and UBSan. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cognition.h"
#include "json_mini.h"
#include "query_util.h"

static const char BAD_UTF8[] = "SELECT '\xff\xfe' FROM t";
static const char GARBAGE_SQL[] = ")) '' /* ((( \"unterminated";

static size_t tracked(const cog_query_tracker *t) {
    size_t len = 0;
    uint64_t evictions = 0;
    cog_query_tracker_counts(t, &len, &evictions);
    return len;
}

static void null_arguments(const cog_query_tracker *t) {
    cog_string out = {NULL, 0};
    cog_query_tracker *no_tracker = (cog_query_tracker *)(uintptr_t)1; /* sentinel: must stay untouched */
    uint64_t id = 77;
    size_t len = 77;
    uint64_t evictions = 77;

    EXPECT_STATUS(cog_fingerprint(u8("SELECT 1"), 8, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_fingerprint(NULL, 8, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_fingerprint_id(NULL, 3, &id), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_fingerprint_id(u8("x"), 1, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT(id == 77, "out_id untouched");
    EXPECT_STATUS(cog_query_suggest(u8("SELECT 1"), 8, u8("{}"), 2, NULL, 0, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_suggest(NULL, 8, u8("{}"), 2, NULL, 0, &out), COG_STATUS_NULL_ARGUMENT);

    EXPECT_STATUS(cog_query_tracker_new(NULL, 0, NULL, NULL, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_new(NULL, 5, NULL, NULL, &no_tracker), COG_STATUS_NULL_ARGUMENT);
    EXPECT(no_tracker == (cog_query_tracker *)(uintptr_t)1, "out_tracker untouched");
    EXPECT_STATUS(cog_query_tracker_record(NULL, u8("SELECT 1"), 8, 1.0, 0, 0, -1, 0), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_record(t, NULL, 8, 1.0, 0, 0, -1, 0), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_stats_json(NULL, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_stats_json(t, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_slow_queries_json(NULL, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_slow_queries_json(t, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_suggestions_json(NULL, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_suggestions_json(t, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_snapshot_json(NULL, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_snapshot_json(t, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_merge_json(NULL, u8("{}"), 2), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_merge_json(t, NULL, 2), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_reset(NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_counts(NULL, &len, &evictions), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_counts(t, NULL, &evictions), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_counts(t, &len, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT(len == 77 && evictions == 77, "counts untouched");
    EXPECT_STATUS(cog_query_tracker_load_mysql_slow_log(NULL, u8("/tmp/x"), 6, 0, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_load_mysql_slow_log(t, NULL, 6, 0, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_load_mysql_slow_log(t, u8("/tmp/x"), 6, 0, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_load_pg_stat_statements(NULL, u8("/tmp/x"), 6, 0, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_load_pg_stat_statements(t, u8("/tmp/x"), 6, 0, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT(out.ptr == NULL, "no string written on failure");
    EXPECT(cog_last_error_message()[0] != '\0', "a failure leaves a message");
    cog_query_tracker_free(NULL);
}

static void empty_and_invalid_utf8_text(const cog_query_tracker *t) {
    cog_string out = {NULL, 0};
    jval fp;
    uint64_t id = 77;
    EXPECT_STATUS(cog_fingerprint(u8(BAD_UTF8), sizeof BAD_UTF8 - 1, &out), COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(cog_fingerprint_id(u8(BAD_UTF8), sizeof BAD_UTF8 - 1, &id), COG_STATUS_INVALID_UTF8);
    EXPECT(id == 77 && out.ptr == NULL, "nothing written");
    EXPECT_STATUS(record(t, BAD_UTF8, 1.0, 0, 0, -1, 0), COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(cog_query_suggest(u8(BAD_UTF8), sizeof BAD_UTF8 - 1, u8("{}"), 2, NULL, 0, &out),
                  COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(cog_query_tracker_merge_json(t, u8("\xff"), 1), COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(cog_query_tracker_load_mysql_slow_log(t, u8("/tmp/\xff"), 6, 0, &out), COG_STATUS_INVALID_UTF8);
    EXPECT(tracked(t) == 0, "nothing recorded");

    /* Empty, garbage and embedded-NUL statements still get a fingerprint. */
    EXPECT_STATUS(cog_fingerprint(NULL, 0, &out), COG_STATUS_OK);
    fp = take_json(&out);
    EXPECT(str_is(&fp, "normalized", "") && str_is(&fp, "kind", "OTHER"), "the empty statement is OTHER");
    j_free(&fp);
    EXPECT_STATUS(cog_fingerprint(u8("SELECT 'a\0b' FROM t"), 19, &out), COG_STATUS_OK);
    fp = take_json(&out);
    EXPECT(str_is(&fp, "normalized", "select ? from t"), "an embedded NUL stays inside its literal");
    j_free(&fp);
    EXPECT_STATUS(cog_fingerprint(u8(GARBAGE_SQL), strlen(GARBAGE_SQL), &out), COG_STATUS_OK);
    cog_string_free(&out);
}

static void megabyte_statements(const cog_query_tracker *t) {
    size_t n = 1u << 20, i;
    char *sql = (char *)malloc(n + 64);
    cog_string out = {NULL, 0};
    jval stats;
    strcpy(sql, "SELECT * FROM t WHERE id IN (");
    for (i = strlen(sql); i < n; i += 2) memcpy(sql + i, "1,", 2);
    memcpy(sql + n, "1)", 3);
    EXPECT_STATUS(cog_fingerprint(u8(sql), n + 2, &out), COG_STATUS_OK);
    {
        jval fp = take_json(&out);
        EXPECT(str_is(&fp, "normalized", "select * from t where id in(?+)"), "a 1 MB IN list collapses");
        j_free(&fp);
    }
    EXPECT_STATUS(cog_query_tracker_record(t, u8(sql), n + 2, 5.0, 1, 1, -1, 0), COG_STATUS_OK);
    stats = stats_of(t);
    EXPECT(stats.len == 1, "recorded");
    if (stats.len == 1) EXPECT(j_get(&stats.items[0], "example")->len <= 4096, "the example is bounded");
    j_free(&stats);
    cog_query_tracker_reset(t);
    free(sql);
}

static void bad_numbers_record_nothing(const cog_query_tracker *t) {
    EXPECT_STATUS(record(t, "SELECT 1", NAN, 0, 0, -1, 0), COG_STATUS_INVALID_ARGUMENT);
    EXPECT(strstr(cog_last_error_message(), "duration_ms") != NULL, "the message names the argument");
    EXPECT_STATUS(record(t, "SELECT 1", INFINITY, 0, 0, -1, 0), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(record(t, "SELECT 1", -1.0, 0, 0, -1, 0), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(record(t, "SELECT 1", 1.0, 0, 0, 2, 0), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(record(t, "SELECT 1", 1.0, 0, 0, -2, 0), COG_STATUS_INVALID_ARGUMENT);
    EXPECT(tracked(t) == 0, "nothing recorded");
    /* Extremes that are valid: saturating rows, a huge duration clamped, any timestamp. */
    EXPECT_STATUS(record(t, "SELECT 1", 1e300, UINT64_MAX, UINT64_MAX, -1, INT64_MIN), COG_STATUS_OK);
    EXPECT_STATUS(record(t, "SELECT 1", 0.0, UINT64_MAX, UINT64_MAX, -1, INT64_MAX), COG_STATUS_OK);
    {
        jval stats = stats_of(t);
        EXPECT(stats.len == 1 && num(&stats.items[0], "max_ms") == 86400000.0, "clamped to one day");
        EXPECT(stats.len == 1 && num(&stats.items[0], "efficiency") >= 0.0, "the score stays a number");
        j_free(&stats);
    }
    cog_query_tracker_reset(t);
}

static void bad_options(void) {
    static const char *bad[] = {
        "{", "[]", "42", "{\"max_fingerprints\": 0}", "{\"max_fingerprints\": -5}", "{\"slow_ms\": -1}",
        "{\"slow_ms\": \"fast\"}", "{\"slow_min_calls\": 0}", "{\"shards\": 1000}", "{\"mask_examples\": 1}",
        "{\"suggest\": []}", "{\"suggest\": {\"low_efficiency\": 3}}", "{\"suggest\": {\"nope\": 1}}",
        "{\"colour\": \"red\"}",
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cog_query_tracker *t = (cog_query_tracker *)(uintptr_t)1;
        EXPECT_STATUS(cog_query_tracker_new(u8(bad[i]), strlen(bad[i]), NULL, NULL, &t), COG_STATUS_INVALID_ARGUMENT);
        EXPECT(t == (cog_query_tracker *)(uintptr_t)1, bad[i]);
    }
}

static void bad_evidence(void) {
    static const char *bad[] = {"", "{", "[1]", "{\"calls\": -1}", "{\"efficiency\": 2}", "{\"mean_ms\": \"x\"}",
                                "{\"rows\": 1}"};
    cog_string out = {NULL, 0};
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT_STATUS(cog_query_suggest(u8("SELECT 1"), 8, u8(bad[i]), strlen(bad[i]), NULL, 0, &out),
                      COG_STATUS_INVALID_ARGUMENT);
    }
    EXPECT_STATUS(cog_query_suggest(u8("SELECT 1"), 8, u8("{}"), 2, u8("{\"x\":1}"), 7, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT(out.ptr == NULL, "nothing written");
}

static void malformed_snapshots_merge_nothing(const cog_query_tracker *t) {
    static const char *bad[] = {
        "",
        "{",
        "null",
        "[]",
        "{\"version\": 2, \"histogram_significant_digits\": 2, \"evictions\": 0, \"queries\": []}",
        "{\"version\": 1}",
        "{\"version\": 1, \"histogram_significant_digits\": 3, \"evictions\": 0, \"queries\": []}",
        "{\"version\": 1, \"histogram_significant_digits\": 2, \"evictions\": 0, \"queries\": [{\"id\": \"zz\"}]}",
    };
    cog_query_tracker *source = new_tracker(NULL);
    cog_string snap = {NULL, 0};
    char *zero_calls, *at;
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT_STATUS(cog_query_tracker_merge_json(t, u8(bad[i]), strlen(bad[i])), COG_STATUS_INVALID_ARGUMENT);
    }
    /* A real snapshot edited to hold an impossible figure. */
    EXPECT_STATUS(record(source, "SELECT 1", 2.0, 0, 1, -1, 0), COG_STATUS_OK);
    EXPECT_STATUS(cog_query_tracker_snapshot_json(source, &snap), COG_STATUS_OK);
    zero_calls = (char *)malloc(snap.len + 1);
    memcpy(zero_calls, snap.ptr, snap.len + 1);
    at = strstr(zero_calls, "\"calls\":1");
    EXPECT(at != NULL, "the snapshot holds calls");
    if (at) {
        at[8] = '0';
        EXPECT_STATUS(cog_query_tracker_merge_json(t, u8(zero_calls), strlen(zero_calls)), COG_STATUS_INVALID_ARGUMENT);
    }
    /* Truncated at every tenth byte: never a crash, never a partial merge. */
    for (i = 0; i < snap.len; i += 10) {
        cog_status st = cog_query_tracker_merge_json(t, u8(snap.ptr), i);
        EXPECT(st == COG_STATUS_INVALID_ARGUMENT, "a truncated snapshot is rejected");
    }
    EXPECT(tracked(t) == 0, "nothing merged");
    free(zero_calls);
    cog_string_free(&snap);
    cog_query_tracker_free(source);
}

static void missing_and_hostile_files(const cog_query_tracker *t) {
    static const char garbage_path[] = "/tmp/cog_query_hostile_garbage.log";
    cog_string out = {NULL, 0};
    FILE *f;
    size_t i;
    jval report;
    EXPECT_STATUS(cog_query_tracker_load_mysql_slow_log(t, u8("/nonexistent/slow.log"), 21, 0, &out),
                  COG_STATUS_INVALID_ARGUMENT);
    EXPECT(strstr(cog_last_error_message(), "/nonexistent/slow.log") != NULL, "the message names the file");
    EXPECT_STATUS(cog_query_tracker_load_pg_stat_statements(t, u8("/nonexistent/pg.csv"), 19, 0, &out),
                  COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_load_mysql_slow_log(t, u8(""), 0, 0, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_load_mysql_slow_log(t, u8("/tmp"), 4, 0, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_query_tracker_load_pg_stat_statements(t, u8("/tmp"), 4, 0, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT(out.ptr == NULL, "no report on failure");

    /* Binary garbage is read, reported by line, and records nothing it cannot read. */
    f = fopen(garbage_path, "wb");
    if (!f) return;
    for (i = 0; i < 4096; i++) fputc((int)((i * 7919u) & 0xFF), f);
    fputs("\n# Query_time: x\n", f);
    fclose(f);
    EXPECT_STATUS(cog_query_tracker_load_mysql_slow_log(t, u8(garbage_path), strlen(garbage_path), 0, &out),
                  COG_STATUS_OK);
    report = take_json(&out);
    EXPECT(j_get(&report, "errors") && j_get(&report, "errors")->len >= 1, "garbage is reported");
    EXPECT(num(&report, "imported") == 0, "nothing imported from garbage");
    j_free(&report);
    EXPECT_STATUS(cog_query_tracker_load_pg_stat_statements(t, u8(garbage_path), strlen(garbage_path), 0, &out),
                  COG_STATUS_OK);
    report = take_json(&out);
    EXPECT(j_get(&report, "errors") && j_get(&report, "errors")->len >= 1, "garbage CSV is reported");
    EXPECT(num(&report, "imported") == 0, "nothing imported from a garbage CSV");
    j_free(&report);
    EXPECT(tracked(t) == 0, "nothing recorded from garbage");
    unlink(garbage_path);
}

int main(void) {
    cog_query_tracker *t = new_tracker(NULL);
    null_arguments(t);
    empty_and_invalid_utf8_text(t);
    megabyte_statements(t);
    bad_numbers_record_nothing(t);
    bad_options();
    bad_evidence();
    malformed_snapshots_merge_nothing(t);
    missing_and_hostile_files(t);
    cog_query_tracker_free(t);
    printf("test_query_hostile: %d passed, %d failed\n", passed, failures);
    return failures ? 1 : 0;
}
