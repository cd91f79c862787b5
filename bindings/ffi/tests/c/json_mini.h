/*
 * A minimal JSON reader for the C tests, so they can run the shared vector files like every other face.
 * Strict enough for our own generated files: objects, arrays, strings (all escapes, \u surrogate
 * pairs, embedded NULs kept via the length), integers, doubles, true/false/null.
 */
#ifndef JSON_MINI_H
#define JSON_MINI_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { J_NULL, J_BOOL, J_INT, J_DOUBLE, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval {
    jtype type;
    int boolean;
    long long integer;
    double number;
    char *str; /* J_STR: decoded bytes, NUL-terminated, `len` bytes (may contain NUL) */
    size_t len;
    struct jval *items; /* J_ARR, J_OBJ: `len` values */
    char **keys;        /* J_OBJ: `len` keys */
} jval;

typedef struct {
    const char *p;
    const char *end;
    int failed;
} jparser;

static void j_skip(jparser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t')) {
        ps->p++;
    }
}

static int j_parse_value(jparser *ps, jval *out);

static void j_put_utf8(char *buf, size_t *n, unsigned long cp) {
    if (cp < 0x80) {
        buf[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        buf[(*n)++] = (char)(0xC0 | (cp >> 6));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        buf[(*n)++] = (char)(0xE0 | (cp >> 12));
        buf[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        buf[(*n)++] = (char)(0xF0 | (cp >> 18));
        buf[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        buf[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static int j_hex4(jparser *ps, unsigned long *out) {
    unsigned long v = 0;
    int i;
    if (ps->end - ps->p < 4) return 0;
    for (i = 0; i < 4; i++) {
        char c = *ps->p++;
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned long)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

static int j_parse_string(jparser *ps, char **out, size_t *out_len) {
    /* Decoded output is never longer than the escaped input. */
    const char *start = ++ps->p;
    size_t cap = 0, n = 0;
    char *buf;
    while (start + cap < ps->end && start[cap] != '"') cap += (start[cap] == '\\') ? 2 : 1;
    buf = (char *)malloc(cap + 8);
    if (!buf) return 0;
    while (ps->p < ps->end && *ps->p != '"') {
        char c = *ps->p++;
        if (c != '\\') {
            buf[n++] = c;
            continue;
        }
        if (ps->p >= ps->end) break;
        c = *ps->p++;
        switch (c) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned long cp, lo;
            if (!j_hex4(ps, &cp)) { free(buf); return 0; }
            if (cp >= 0xD800 && cp <= 0xDBFF && ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u') {
                ps->p += 2;
                if (!j_hex4(ps, &lo)) { free(buf); return 0; }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            j_put_utf8(buf, &n, cp);
            break;
        }
        default: free(buf); return 0;
        }
    }
    if (ps->p >= ps->end) { free(buf); return 0; }
    ps->p++; /* closing quote */
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return 1;
}

static int j_parse_container(jparser *ps, jval *out, int is_object) {
    size_t cap = 8;
    char close = is_object ? '}' : ']';
    out->type = is_object ? J_OBJ : J_ARR;
    out->len = 0;
    out->items = (jval *)calloc(cap, sizeof(jval));
    out->keys = is_object ? (char **)calloc(cap, sizeof(char *)) : NULL;
    ps->p++;
    j_skip(ps);
    if (ps->p < ps->end && *ps->p == close) { ps->p++; return 1; }
    for (;;) {
        if (out->len == cap) {
            cap *= 2;
            out->items = (jval *)realloc(out->items, cap * sizeof(jval));
            if (is_object) out->keys = (char **)realloc(out->keys, cap * sizeof(char *));
        }
        memset(&out->items[out->len], 0, sizeof(jval));
        j_skip(ps);
        if (is_object) {
            size_t klen;
            if (ps->p >= ps->end || *ps->p != '"' || !j_parse_string(ps, &out->keys[out->len], &klen)) return 0;
            j_skip(ps);
            if (ps->p >= ps->end || *ps->p != ':') { free(out->keys[out->len]); return 0; }
            ps->p++;
        }
        if (!j_parse_value(ps, &out->items[out->len])) {
            if (is_object) free(out->keys[out->len]);
            return 0;
        }
        out->len++;
        j_skip(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (ps->p < ps->end && *ps->p == close) { ps->p++; return 1; }
        return 0;
    }
}

static int j_parse_value(jparser *ps, jval *out) {
    j_skip(ps);
    memset(out, 0, sizeof(*out));
    if (ps->p >= ps->end) return 0;
    switch (*ps->p) {
    case '{': return j_parse_container(ps, out, 1);
    case '[': return j_parse_container(ps, out, 0);
    case '"': out->type = J_STR; return j_parse_string(ps, &out->str, &out->len);
    case 't': if (ps->end - ps->p >= 4 && !strncmp(ps->p, "true", 4)) { ps->p += 4; out->type = J_BOOL; out->boolean = 1; return 1; } return 0;
    case 'f': if (ps->end - ps->p >= 5 && !strncmp(ps->p, "false", 5)) { ps->p += 5; out->type = J_BOOL; return 1; } return 0;
    case 'n': if (ps->end - ps->p >= 4 && !strncmp(ps->p, "null", 4)) { ps->p += 4; out->type = J_NULL; return 1; } return 0;
    default: {
        char *endp;
        const char *q = ps->p;
        int is_double = 0;
        while (q < ps->end && strchr("+-0123456789.eE", *q)) { if (strchr(".eE", *q)) is_double = 1; q++; }
        if (q == ps->p) return 0;
        if (is_double) { out->type = J_DOUBLE; out->number = strtod(ps->p, &endp); }
        else { out->type = J_INT; out->integer = strtoll(ps->p, &endp, 10); }
        ps->p = q;
        return 1;
    }
    }
}

static void j_free(jval *v) {
    size_t i;
    if (!v) return;
    if (v->type == J_STR) free(v->str);
    if (v->type == J_ARR || v->type == J_OBJ) {
        for (i = 0; i < v->len; i++) {
            j_free(&v->items[i]);
            if (v->keys) free(v->keys[i]);
        }
        free(v->items);
        free(v->keys);
    }
}

/* Parse `len` bytes of JSON text (e.g. a cog_string the library returned) into `*out`; returns 1 on
 * success (free with j_free), 0 on invalid JSON or trailing bytes. */
static inline int j_parse_text(const char *text, size_t len, jval *out) {
    jparser ps;
    ps.p = text;
    ps.end = text + len;
    ps.failed = 0;
    if (!j_parse_value(&ps, out)) return 0;
    j_skip(&ps);
    if (ps.p != ps.end) { j_free(out); return 0; }
    return 1;
}

/* Read and parse a whole file; exits the test on failure. Free with j_free. */
static inline jval j_load(const char *path) {
    FILE *f = fopen(path, "rb");
    long size;
    char *text;
    jparser ps;
    jval root;
    if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(2); }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = (char *)malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) { fprintf(stderr, "cannot read %s\n", path); exit(2); }
    fclose(f);
    ps.p = text;
    ps.end = text + size;
    ps.failed = 0;
    if (!j_parse_value(&ps, &root)) { fprintf(stderr, "invalid JSON in %s\n", path); exit(2); }
    free(text);
    return root;
}

/* The member `key` of object `v`, or NULL. */
static inline const jval *j_get(const jval *v, const char *key) {
    size_t i;
    if (!v || v->type != J_OBJ) return NULL;
    for (i = 0; i < v->len; i++) {
        if (!strcmp(v->keys[i], key)) return &v->items[i];
    }
    return NULL;
}

#endif /* JSON_MINI_H */
