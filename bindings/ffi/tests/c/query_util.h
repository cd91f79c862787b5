/* Helpers shared by the query C tests: take a returned JSON string, read numbers, record. */
#ifndef QUERY_UTIL_H
#define QUERY_UTIL_H

#include <math.h>
#include <string.h>

#include "check.h"
#include "cognition.h"
#include "json_mini.h"

/* Parse and free a JSON string the library returned; exits on invalid JSON (a library bug). */
static inline jval take_json(cog_string *s) {
    jval v;
    if (!j_parse_text(s->ptr, s->len, &v)) {
        fprintf(stderr, "the library returned invalid JSON: %.*s\n", (int)s->len, s->ptr ? s->ptr : "");
        exit(2);
    }
    cog_string_free(s);
    return v;
}

/* A number member as a double (integers too); NAN when missing. */
static inline double num(const jval *obj, const char *key) {
    const jval *v = j_get(obj, key);
    if (!v) return NAN;
    if (v->type == J_INT) return (double)v->integer;
    if (v->type == J_DOUBLE) return v->number;
    return NAN;
}

/* 1 if the string member `key` equals `want`. */
static inline int str_is(const jval *obj, const char *key, const char *want) {
    const jval *v = j_get(obj, key);
    return v && v->type == J_STR && strcmp(v->str, want) == 0;
}

/* Record a NUL-terminated statement. */
static inline cog_status record(const cog_query_tracker *t, const char *sql, double ms, uint64_t examined, uint64_t returned,
                         int32_t cache_hit, int64_t now_ms) {
    return cog_query_tracker_record(t, u8(sql), strlen(sql), ms, examined, returned, cache_hit, now_ms);
}

/* A new tracker with the given options (NUL-terminated JSON, or NULL for the defaults); exits on failure. */
static inline cog_query_tracker *new_tracker(const char *options) {
    cog_query_tracker *t = NULL;
    if (cog_query_tracker_new(options ? u8(options) : NULL, options ? strlen(options) : 0, NULL, NULL, &t) !=
        COG_STATUS_OK) {
        fprintf(stderr, "cog_query_tracker_new failed: %s\n", cog_last_error_message());
        exit(2);
    }
    return t;
}

/* The tracker's statistics, parsed (a J_ARR). */
static inline jval stats_of(const cog_query_tracker *t) {
    cog_string out = {NULL, 0};
    if (cog_query_tracker_stats_json(t, &out) != COG_STATUS_OK) {
        fprintf(stderr, "cog_query_tracker_stats_json failed: %s\n", cog_last_error_message());
        exit(2);
    }
    return take_json(&out);
}

#endif /* QUERY_UTIL_H */
