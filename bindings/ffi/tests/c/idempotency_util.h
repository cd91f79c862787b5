/*
 * Helpers shared by the idempotency C tests: parse library JSON with json_mini.h, compare JSON
 * values structurally, and write a parsed value back out as JSON text.
 */
#ifndef IDEMPOTENCY_UTIL_H
#define IDEMPOTENCY_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cognition.h"
#include "json_mini.h"

/* Parse a cog_string the library returned (does not free it). Exits on invalid JSON. */
static jval j_parse_cog(const cog_string *s) {
    jval v;
    if (!j_parse_text(s->ptr, s->len, &v)) {
        fprintf(stderr, "library returned invalid JSON: %.*s\n", (int)s->len, s->ptr);
        exit(2);
    }
    return v;
}

static int j_is_number(const jval *v) { return v && (v->type == J_INT || v->type == J_DOUBLE); }

static double j_number(const jval *v) { return v->type == J_INT ? (double)v->integer : v->number; }

/* Structural equality; numbers compare by value (1 == 1.0); object member order does not matter. */
static int j_equal(const jval *a, const jval *b) {
    size_t i;
    if (!a || !b) return a == b;
    if (j_is_number(a) && j_is_number(b)) {
        if (a->type == J_INT && b->type == J_INT) return a->integer == b->integer;
        return j_number(a) == j_number(b);
    }
    if (a->type != b->type) return 0;
    switch (a->type) {
    case J_NULL: return 1;
    case J_BOOL: return !a->boolean == !b->boolean;
    case J_STR: return a->len == b->len && !memcmp(a->str, b->str, a->len);
    case J_ARR:
        if (a->len != b->len) return 0;
        for (i = 0; i < a->len; i++) {
            if (!j_equal(&a->items[i], &b->items[i])) return 0;
        }
        return 1;
    case J_OBJ:
        if (a->len != b->len) return 0;
        for (i = 0; i < a->len; i++) {
            if (!j_equal(&a->items[i], j_get(b, a->keys[i]))) return 0;
        }
        return 1;
    default: return 0;
    }
}

/* A growable text buffer. */
typedef struct {
    char *buf;
    size_t len, cap;
} jbuf;

static void jb_put(jbuf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->buf = (char *)realloc(b->buf, b->cap);
        if (!b->buf) { fprintf(stderr, "out of memory\n"); exit(2); }
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

static void jb_puts(jbuf *b, const char *s) { jb_put(b, s, strlen(s)); }

static void j_dump_string(jbuf *b, const char *s, size_t n) {
    size_t i;
    char esc[8];
    jb_puts(b, "\"");
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; jb_put(b, esc, 2); }
        else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); jb_puts(b, esc); }
        else jb_put(b, (const char *)&s[i], 1);
    }
    jb_puts(b, "\"");
}

/* Append `v` as JSON text. */
static void j_dump(jbuf *b, const jval *v) {
    char num[64];
    size_t i;
    switch (v->type) {
    case J_NULL: jb_puts(b, "null"); break;
    case J_BOOL: jb_puts(b, v->boolean ? "true" : "false"); break;
    case J_INT: snprintf(num, sizeof num, "%lld", v->integer); jb_puts(b, num); break;
    case J_DOUBLE: snprintf(num, sizeof num, "%.17g", v->number); jb_puts(b, num); break;
    case J_STR: j_dump_string(b, v->str, v->len); break;
    case J_ARR:
        jb_puts(b, "[");
        for (i = 0; i < v->len; i++) { if (i) jb_puts(b, ","); j_dump(b, &v->items[i]); }
        jb_puts(b, "]");
        break;
    case J_OBJ:
        jb_puts(b, "{");
        for (i = 0; i < v->len; i++) {
            if (i) jb_puts(b, ",");
            j_dump_string(b, v->keys[i], strlen(v->keys[i]));
            jb_puts(b, ":");
            j_dump(b, &v->items[i]);
        }
        jb_puts(b, "}");
        break;
    }
}

static const char *status_name(cog_status s) { return cog_status_name((uint32_t)s); }

/* Not every test uses every helper: reference them all once so -Wunused-function stays quiet. */
#if defined(__GNUC__)
__attribute__((unused))
#endif
static void idempotency_util_keep(void) {
    (void)j_load;
    (void)j_equal;
    (void)j_dump;
    (void)j_parse_cog;
    (void)status_name;
}

#endif /* IDEMPOTENCY_UTIL_H */
