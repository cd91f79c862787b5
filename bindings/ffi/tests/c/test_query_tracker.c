/* The query tracker through the C ABI: grouping by fingerprint, the efficiency score, slow
 * detection and its callback, cache counters, suggestions, snapshots merged across trackers, reset,
 * the fingerprint bound, the MySQL slow log and pg_stat_statements importers (tests/fixtures/query),
 * and many threads recording at once. Runs under AddressSanitizer and UBSan. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cognition.h"
#include "json_mini.h"
#include "query_util.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/query/"
#endif

static int near(double got, double want, double tolerance) { return fabs(got - want) <= tolerance; }

static void statements_of_one_shape_are_grouped(void) {
    cog_query_tracker *t = new_tracker(NULL);
    jval stats;
    EXPECT_STATUS(record(t, "SELECT * FROM orders WHERE id = 1", 250.0, 10000, 1, -1, 1000), COG_STATUS_OK);
    EXPECT_STATUS(record(t, "select * from orders where id=2", 150.0, 10000, 1, -1, 2000), COG_STATUS_OK);
    EXPECT_STATUS(record(t, "SELECT 1", 0.2, 0, 1, -1, 3000), COG_STATUS_OK);
    stats = stats_of(t);
    EXPECT(stats.type == J_ARR && stats.len == 2, "two fingerprints");
    if (stats.len == 2) {
        const jval *top = &stats.items[0];
        EXPECT(str_is(top, "normalized", "select * from orders where id = ?"), "normalized text of the top shape");
        EXPECT(str_is(top, "kind", "SELECT"), "kind");
        EXPECT(num(top, "calls") == 2, "two calls");
        EXPECT(num(top, "mean_ms") == 200.0, "mean of 250 and 150");
        EXPECT(num(top, "min_ms") == 150.0 && num(top, "max_ms") == 250.0, "min and max");
        EXPECT(num(top, "rows_examined") == 20000, "rows examined summed");
        EXPECT(num(top, "first_seen_ms") == 1000 && num(top, "last_seen_ms") == 2000, "first and last seen");
        EXPECT(str_is(top, "example", "SELECT * FROM orders WHERE id = 1"), "the slowest statement is the example");
    }
    j_free(&stats);
    cog_query_tracker_free(t);
}

static void efficiency_reproduces_the_issue_figures(void) {
    cog_query_tracker *t = new_tracker(NULL);
    jval stats;
    size_t i;
    EXPECT_STATUS(record(t, "SELECT a FROM wide WHERE b = 1", 50.0, 1000, 100, -1, 0), COG_STATUS_OK);
    EXPECT_STATUS(record(t, "SELECT a FROM narrow WHERE b = 1", 10.0, 100, 100, -1, 0), COG_STATUS_OK);
    stats = stats_of(t);
    for (i = 0; i < stats.len; i++) {
        const jval *s = &stats.items[i];
        if (str_is(s, "normalized", "select a from wide where b = ?"))
            EXPECT(near(num(s, "efficiency"), 0.067, 0.0005), "1000 examined / 100 returned / 50 ms -> 0.067");
        else
            EXPECT(near(num(s, "efficiency"), 0.91, 0.005), "100 / 100 / 10 ms -> 0.91");
    }
    EXPECT(stats.len == 2, "two shapes");
    j_free(&stats);
    cog_query_tracker_free(t);
}

static void cache_hits_are_tri_state(void) {
    cog_query_tracker *t = new_tracker(NULL);
    jval stats;
    EXPECT_STATUS(record(t, "SELECT 1", 1.0, 0, 1, 1, 0), COG_STATUS_OK);
    EXPECT_STATUS(record(t, "SELECT 1", 1.0, 0, 1, 1, 0), COG_STATUS_OK);
    EXPECT_STATUS(record(t, "SELECT 1", 1.0, 0, 1, 0, 0), COG_STATUS_OK);
    EXPECT_STATUS(record(t, "SELECT 1", 1.0, 0, 1, -1, 0), COG_STATUS_OK);
    stats = stats_of(t);
    EXPECT(stats.len == 1 && num(&stats.items[0], "calls") == 4, "four calls");
    EXPECT(stats.len == 1 && num(&stats.items[0], "cache_hits") == 2, "two hits");
    EXPECT(stats.len == 1 && num(&stats.items[0], "cache_misses") == 1, "one miss; unknown counts as neither");
    j_free(&stats);
    cog_query_tracker_free(t);
}

static void default_options_are_the_documented_ones_and_round_trip(void) {
    cog_string out = {NULL, 0};
    cog_query_tracker *t = NULL;
    jval options;
    const jval *suggest;
    EXPECT_STATUS(cog_query_tracker_default_options_json(&out), COG_STATUS_OK);
    EXPECT_STATUS(cog_query_tracker_default_options_json(NULL), COG_STATUS_NULL_ARGUMENT);
    /* Feeding the defaults back in is accepted as is. */
    EXPECT_STATUS(cog_query_tracker_new(u8(out.ptr), out.len, NULL, NULL, &t), COG_STATUS_OK);
    cog_query_tracker_free(t);
    options = take_json(&out);
    EXPECT(num(&options, "max_fingerprints") == 5000, "5000 fingerprints, like pg_stat_statements.max");
    EXPECT(num(&options, "slow_ms") == 1000 && num(&options, "slow_min_calls") == 10, "slow: mean > 1000 ms over >= 10 calls");
    EXPECT(j_get(&options, "slow_p95_ms") && j_get(&options, "slow_p95_ms")->type == J_NULL, "no p95 rule by default");
    suggest = j_get(&options, "suggest");
    EXPECT(suggest && num(suggest, "index_min_calls") == 10 && num(suggest, "low_efficiency") == 0.2,
           "the suggestion thresholds");
    j_free(&options);
}

static void masked_examples_hold_no_literals(void) {
    cog_query_tracker *t = new_tracker("{\"mask_examples\": true}");
    jval stats;
    EXPECT_STATUS(record(t, "SELECT * FROM users WHERE email = 'ann@example.com'", 5.0, 1, 1, -1, 0), COG_STATUS_OK);
    stats = stats_of(t);
    EXPECT(stats.len == 1 && str_is(&stats.items[0], "example", "select * from users where email = ?"),
           "the example is the normalised text");
    j_free(&stats);
    cog_query_tracker_free(t);
}

static void a_p95_threshold_also_makes_a_query_slow(void) {
    cog_query_tracker *t = new_tracker("{\"slow_ms\": 1000, \"slow_min_calls\": 10, \"slow_p95_ms\": 200}");
    cog_string out = {NULL, 0};
    jval slow;
    int i;
    for (i = 0; i < 20; i++) EXPECT_STATUS(record(t, "SELECT a FROM t", i < 17 ? 10.0 : 900.0, 0, 1, -1, i), COG_STATUS_OK);
    EXPECT_STATUS(cog_query_tracker_slow_queries_json(t, &out), COG_STATUS_OK);
    slow = take_json(&out);
    EXPECT(slow.len == 1, "mean 143.5 ms is under slow_ms, but p95 900 ms is over slow_p95_ms");
    j_free(&slow);
    cog_query_tracker_free(t);
}

typedef struct {
    int calls;
    char normalized[128];
} slow_seen;

static void on_slow(void *user_data, const uint8_t *stats_json, size_t len) {
    slow_seen *seen = (slow_seen *)user_data;
    jval stats;
    const jval *normalized;
    seen->calls++;
    if (!j_parse_text((const char *)stats_json, len, &stats)) return;
    normalized = j_get(&stats, "normalized");
    if (normalized && normalized->type == J_STR) snprintf(seen->normalized, sizeof seen->normalized, "%s", normalized->str);
    j_free(&stats);
}

static void slow_queries_are_flagged_and_the_callback_fires_once(void) {
    static const char options[] = "{\"slow_ms\": 100, \"slow_min_calls\": 3}";
    slow_seen seen = {0, ""};
    cog_query_tracker *t = NULL;
    cog_string out = {NULL, 0};
    jval slow;
    int i;
    EXPECT_STATUS(cog_query_tracker_new(u8(options), sizeof options - 1, on_slow, &seen, &t), COG_STATUS_OK);
    if (!t) return;
    for (i = 0; i < 2; i++) EXPECT_STATUS(record(t, "SELECT * FROM big WHERE x = 1", 500.0, 0, 1, -1, i), COG_STATUS_OK);
    EXPECT(seen.calls == 0, "not slow before slow_min_calls");
    for (i = 0; i < 5; i++) EXPECT_STATUS(record(t, "SELECT * FROM big WHERE x = 2", 500.0, 0, 1, -1, i), COG_STATUS_OK);
    EXPECT_STATUS(record(t, "SELECT 1", 1.0, 0, 1, -1, 0), COG_STATUS_OK);
    EXPECT(seen.calls == 1, "the callback fires once per fingerprint");
    EXPECT(!strcmp(seen.normalized, "select * from big where x = ?"), "with the slow fingerprint's statistics");

    EXPECT_STATUS(cog_query_tracker_slow_queries_json(t, &out), COG_STATUS_OK);
    slow = take_json(&out);
    EXPECT(slow.type == J_ARR && slow.len == 1, "one slow query");
    if (slow.len == 1) {
        const jval *flag = j_get(&slow.items[0], "is_slow");
        EXPECT(flag && flag->type == J_BOOL && flag->boolean, "is_slow is set");
    }
    j_free(&slow);
    cog_query_tracker_free(t);
}

static void suggestions_come_from_tracked_statements(void) {
    cog_query_tracker *t = new_tracker(NULL);
    cog_string out = {NULL, 0};
    char sql[96];
    jval advice;
    int i;
    for (i = 0; i < 20; i++) {
        snprintf(sql, sizeof sql, "SELECT id FROM orders WHERE customer_id = %d", i);
        EXPECT_STATUS(record(t, sql, 120.0, 100000, 2, -1, i), COG_STATUS_OK);
    }
    EXPECT_STATUS(cog_query_tracker_suggestions_json(t, &out), COG_STATUS_OK);
    advice = take_json(&out);
    EXPECT(advice.type == J_ARR && advice.len >= 1, "advice for the inefficient statement");
    if (advice.len >= 1) {
        const jval *s = &advice.items[0];
        const jval *evidence = j_get(s, "evidence");
        EXPECT(str_is(s, "strategy", "INDEX_HINT"), "an index hint");
        EXPECT(str_is(s, "statement", "CREATE INDEX idx_orders_customer_id ON orders (customer_id)"), "its statement");
        EXPECT(str_is(s, "table", "orders"), "its table");
        EXPECT(evidence && num(evidence, "calls") == 20, "evidence counts the calls");
        EXPECT(num(s, "confidence") > 0.0 && num(s, "confidence") <= 1.0, "a confidence in (0, 1]");
    }
    j_free(&advice);
    cog_query_tracker_free(t);
}

static void suggest_thresholds_come_from_the_options(void) {
    static const char options[] = "{\"suggest\": {\"index_min_calls\": 1000}}";
    cog_query_tracker *t = new_tracker(options);
    cog_string out = {NULL, 0};
    jval advice;
    int i;
    for (i = 0; i < 20; i++) EXPECT_STATUS(record(t, "SELECT id FROM orders WHERE customer_id = 1", 120.0, 100000, 2, -1, i), COG_STATUS_OK);
    EXPECT_STATUS(cog_query_tracker_suggestions_json(t, &out), COG_STATUS_OK);
    advice = take_json(&out);
    EXPECT(advice.type == J_ARR && advice.len == 0, "20 calls are below index_min_calls 1000");
    j_free(&advice);
    cog_query_tracker_free(t);
}

static void snapshots_merge_exactly_across_trackers(void) {
    cog_query_tracker *a = new_tracker(NULL), *b = new_tracker(NULL);
    cog_string snap = {NULL, 0};
    jval stats;
    EXPECT_STATUS(record(a, "SELECT * FROM t WHERE id = 1", 10.0, 5, 1, 1, 100), COG_STATUS_OK);
    EXPECT_STATUS(record(a, "SELECT * FROM t WHERE id = 2", 30.0, 5, 1, 0, 200), COG_STATUS_OK);
    EXPECT_STATUS(record(b, "SELECT * FROM t WHERE id = 3", 20.0, 5, 1, -1, 50), COG_STATUS_OK);
    EXPECT_STATUS(cog_query_tracker_snapshot_json(a, &snap), COG_STATUS_OK);
    EXPECT(snap.ptr && !strncmp(snap.ptr, "{\"version\":1,", 13), "a versioned snapshot");
    EXPECT_STATUS(cog_query_tracker_merge_json(b, u8(snap.ptr), snap.len), COG_STATUS_OK);
    cog_string_free(&snap);
    stats = stats_of(b);
    EXPECT(stats.len == 1, "one shape after the merge");
    if (stats.len == 1) {
        const jval *s = &stats.items[0];
        EXPECT(num(s, "calls") == 3, "calls add up");
        EXPECT(num(s, "total_ms") == 60.0 && num(s, "mean_ms") == 20.0, "times add up");
        EXPECT(num(s, "min_ms") == 10.0 && num(s, "max_ms") == 30.0, "min and max");
        EXPECT(num(s, "rows_examined") == 15, "rows add up");
        EXPECT(num(s, "cache_hits") == 1 && num(s, "cache_misses") == 1, "cache counters add up");
        EXPECT(num(s, "first_seen_ms") == 50 && num(s, "last_seen_ms") == 200, "first and last seen span both");
    }
    j_free(&stats);
    cog_query_tracker_free(a);
    cog_query_tracker_free(b);
}

static void reset_forgets_everything_and_the_bound_evicts(void) {
    cog_query_tracker *t = new_tracker("{\"max_fingerprints\": 2, \"shards\": 1}");
    size_t len = 99;
    uint64_t evictions = 99;
    EXPECT_STATUS(record(t, "SELECT a FROM x", 100.0, 0, 1, -1, 0), COG_STATUS_OK);
    EXPECT_STATUS(record(t, "SELECT b FROM x", 1.0, 0, 1, -1, 0), COG_STATUS_OK);
    EXPECT_STATUS(record(t, "SELECT c FROM x", 50.0, 0, 1, -1, 0), COG_STATUS_OK);
    EXPECT_STATUS(cog_query_tracker_counts(t, &len, &evictions), COG_STATUS_OK);
    EXPECT(len == 2 && evictions == 1, "the third shape evicts one");
    {
        jval stats = stats_of(t);
        size_t i;
        int kept_b = 0;
        for (i = 0; i < stats.len; i++) kept_b |= str_is(&stats.items[i], "normalized", "select b from x");
        EXPECT(!kept_b, "the least total time was evicted");
        j_free(&stats);
    }
    EXPECT_STATUS(cog_query_tracker_reset(t), COG_STATUS_OK);
    EXPECT_STATUS(cog_query_tracker_counts(t, &len, &evictions), COG_STATUS_OK);
    EXPECT(len == 0 && evictions == 0, "reset empties the tracker and the eviction count");
    cog_query_tracker_free(t);
}

static void load(cog_status (*loader)(const cog_query_tracker *, const uint8_t *, size_t, int64_t, cog_string *),
                 const cog_query_tracker *t, const char *path, jval *report) {
    cog_string out = {NULL, 0};
    EXPECT_STATUS(loader(t, u8(path), strlen(path), 1700000000000, &out), COG_STATUS_OK);
    *report = out.ptr ? take_json(&out) : (jval){0};
}

static void the_mysql_slow_log_fixture_imports_with_errors_by_line(void) {
    cog_query_tracker *t = new_tracker(NULL);
    jval report, stats;
    const jval *errors;
    load(cog_query_tracker_load_mysql_slow_log, t, FIXTURES "mysql-slow.log", &report);
    EXPECT(num(&report, "imported") == 6 && num(&report, "calls") == 6, "six entries imported");
    errors = j_get(&report, "errors");
    EXPECT(errors && errors->len == 3, "three malformed entries reported");
    if (errors && errors->len == 3) {
        EXPECT(num(&errors->items[0], "line") == 34 && num(&errors->items[1], "line") == 37 &&
                   num(&errors->items[2], "line") == 41,
               "at lines 34, 37 and 41");
        EXPECT(strstr(j_get(&errors->items[0], "message")->str, "Query_time") != NULL, "the message says what was wrong");
    }
    EXPECT(j_get(&report, "summary") && !strncmp(j_get(&report, "summary")->str, "6 queries imported", 18), "a summary");
    stats = stats_of(t);
    EXPECT(stats.len == 6, "six shapes tracked");
    if (stats.len >= 1) EXPECT(num(&stats.items[0], "total_ms") == 3100.0, "the slowest entry first");
    j_free(&stats);
    j_free(&report);
    cog_query_tracker_free(t);
}

static void the_pg_stat_statements_fixture_imports_clean(void) {
    cog_query_tracker *t = new_tracker(NULL);
    jval report, stats;
    size_t i;
    double calls = 0;
    load(cog_query_tracker_load_pg_stat_statements, t, FIXTURES "pg_stat_statements.csv", &report);
    EXPECT(num(&report, "imported") == 4, "four rows imported");
    EXPECT(num(&report, "calls") == 1200 + 48 + 310 + 75, "their calls");
    EXPECT(j_get(&report, "errors") && j_get(&report, "errors")->len == 0, "no errors");
    stats = stats_of(t);
    for (i = 0; i < stats.len; i++) calls += num(&stats.items[i], "calls");
    EXPECT(stats.len == 4 && calls == 1633, "the tracker holds every call");
    j_free(&stats);
    j_free(&report);
    cog_query_tracker_free(t);
}

#define THREADS 4
#define PER_THREAD 2000

typedef struct {
    const cog_query_tracker *tracker;
    int index;
    int failures;
} worker;

static void *record_many(void *arg) {
    worker *w = (worker *)arg;
    char sql[96];
    int i;
    for (i = 0; i < PER_THREAD; i++) {
        snprintf(sql, sizeof sql, "SELECT * FROM t%d WHERE id = %d", i % 10, w->index * PER_THREAD + i);
        if (record(w->tracker, sql, (double)(i % 7), 10, 1, i % 3 - 1, i) != COG_STATUS_OK) w->failures++;
        if (i % 500 == 0) {
            cog_string out = {NULL, 0};
            if (cog_query_tracker_stats_json(w->tracker, &out) != COG_STATUS_OK) w->failures++;
            cog_string_free(&out);
        }
    }
    return NULL;
}

static pthread_mutex_t slow_lock = PTHREAD_MUTEX_INITIALIZER;

static void count_slow(void *user_data, const uint8_t *stats_json, size_t len) {
    (void)stats_json;
    (void)len;
    pthread_mutex_lock(&slow_lock);
    (*(int *)user_data)++;
    pthread_mutex_unlock(&slow_lock);
}

static void threads_record_concurrently_without_losing_calls(void) {
    static const char options[] = "{\"slow_ms\": 0, \"slow_min_calls\": 1}";
    int slow_calls = 0;
    cog_query_tracker *t = NULL;
    pthread_t threads[THREADS];
    worker workers[THREADS];
    jval stats;
    double calls = 0;
    size_t i;
    EXPECT_STATUS(cog_query_tracker_new(u8(options), sizeof options - 1, count_slow, &slow_calls, &t), COG_STATUS_OK);
    if (!t) return;
    for (i = 0; i < THREADS; i++) {
        workers[i].tracker = t;
        workers[i].index = (int)i;
        workers[i].failures = 0;
        EXPECT(pthread_create(&threads[i], NULL, record_many, &workers[i]) == 0, "thread started");
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        EXPECT(workers[i].failures == 0, "every record succeeded");
    }
    stats = stats_of(t);
    for (i = 0; i < stats.len; i++) calls += num(&stats.items[i], "calls");
    EXPECT(stats.len == 10, "ten shapes (digits in table names stay)");
    EXPECT(calls == THREADS * PER_THREAD, "every call counted");
    EXPECT(slow_calls == 10, "the slow callback fired exactly once per shape across threads");
    j_free(&stats);
    cog_query_tracker_free(t);
}

int main(void) {
    statements_of_one_shape_are_grouped();
    efficiency_reproduces_the_issue_figures();
    cache_hits_are_tri_state();
    default_options_are_the_documented_ones_and_round_trip();
    masked_examples_hold_no_literals();
    a_p95_threshold_also_makes_a_query_slow();
    slow_queries_are_flagged_and_the_callback_fires_once();
    suggestions_come_from_tracked_statements();
    suggest_thresholds_come_from_the_options();
    snapshots_merge_exactly_across_trackers();
    reset_forgets_everything_and_the_bound_evicts();
    the_mysql_slow_log_fixture_imports_with_errors_by_line();
    the_pg_stat_statements_fixture_imports_clean();
    threads_record_concurrently_without_losing_calls();
    printf("test_query_tracker: %d passed, %d failed\n", passed, failures);
    return failures ? 1 : 0;
}
