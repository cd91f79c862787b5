/* Code validation through the C ABI: the shared vectors (tests/vectors/validation.json), paths,
 * fixes, SARIF, and bad input (NULLs, invalid UTF-8, unknown levels, deep nesting, huge lines).
 * Runs under AddressSanitizer and UBSan. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cognition.h"
#include "json_mini.h"

#ifndef VECTORS_PATH
#define VECTORS_PATH "tests/vectors/validation.json"
#endif

/* Parse a JSON string the library returned. */
static jval parse_json(const cog_string *s) {
    jparser ps;
    jval v;
    ps.p = s->ptr;
    ps.end = s->ptr + s->len;
    ps.failed = 0;
    if (!j_parse_value(&ps, &v)) {
        fprintf(stderr, "invalid JSON from the library: %.200s\n", s->ptr);
        exit(2);
    }
    return v;
}

static cog_status validate_str(const char *source, size_t len, const char *level, cog_string *out) {
    return cog_validate(u8(source), len, u8(level), strlen(level), 0, NULL, 0, out);
}

static void every_vector_gives_its_expected_findings(const jval *cases) {
    size_t i, k;
    for (i = 0; i < cases->len; i++) {
        const jval *c = &cases->items[i];
        const jval *name = j_get(c, "name");
        const jval *level = j_get(c, "level");
        const jval *source = j_get(c, "source");
        const jval *expected = j_get(c, "expected");
        cog_string out = {NULL, 0};
        jval report;
        const jval *issues;
        int same;
        if (validate_str(source->str, source->len, level->str, &out) != COG_STATUS_OK) {
            failures++;
            fprintf(stderr, "FAIL %s: %s\n", name->str, cog_last_error_message());
            continue;
        }
        report = parse_json(&out);
        issues = j_get(&report, "issues");
        same = issues && issues->len == expected->len;
        for (k = 0; same && k < expected->len; k++) {
            const jval *want = &expected->items[k];
            const jval *got = &issues->items[k];
            same = !strcmp(j_get(got, "rule")->str, j_get(want, "rule")->str) &&
                   j_get(got, "line")->integer == j_get(want, "line")->integer;
        }
        if (same) {
            passed++;
        } else {
            failures++;
            fprintf(stderr, "FAIL vector %s: got %.300s\n", name->str, out.ptr);
        }
        j_free(&report);
        cog_string_free(&out);
    }
}

static void a_snippet_gets_findings_score_and_verdict(void) {
    const char *src = "import os\nq = 'SELECT * FROM t WHERE id = %s' % uid\nos.system(q)  \n";
    cog_string out = {NULL, 0};
    jval report;
    EXPECT_STATUS(validate_str(src, strlen(src), "STRICT", &out), COG_STATUS_OK);
    report = parse_json(&out);
    EXPECT(!strcmp(j_get(&report, "level")->str, "strict"), "level is reported in lower case");
    EXPECT(j_get(&report, "passed")->boolean == 0, "an injection fails STRICT");
    EXPECT(j_get(&report, "score")->integer == 100 - 25 - 10 - 1, "score = 100 - weights");
    EXPECT(!strcmp(j_get(&j_get(&report, "issues")->items[0], "rule")->str, "S608"), "S608 first");
    j_free(&report);
    cog_string_free(&out);
}

static void bad_input_gets_typed_statuses(void) {
    cog_string out = {NULL, 0};
    const char bad_utf8[] = "x = '\xff'\n";
    EXPECT_STATUS(validate_str("x = 1\n", 6, "standard", NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_validate(NULL, 5, NULL, 0, 0, NULL, 0, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(validate_str(bad_utf8, strlen(bad_utf8), "standard", &out), COG_STATUS_VALIDATION_INVALID_UTF8);
    EXPECT(strstr(cog_last_error_message(), "UTF-8") != NULL, "the message says UTF-8");
    EXPECT_STATUS(validate_str("x = 1\n", 6, "extreme", &out), COG_STATUS_VALIDATION_UNKNOWN_LEVEL);
    EXPECT(out.ptr == NULL, "out_json untouched on failure");
    EXPECT_STATUS(cog_validate(u8("x = 1\n"), 6, u8("\xff"), 1, 0, NULL, 0, &out), COG_STATUS_INVALID_UTF8);
    /* Empty source, NULL level: defaults. */
    EXPECT_STATUS(cog_validate(NULL, 0, NULL, 0, 0, NULL, 0, &out), COG_STATUS_OK);
    EXPECT(strstr(out.ptr, "\"score\":100") != NULL, "an empty source scores 100");
    cog_string_free(&out);
}

static void deep_nesting_and_huge_lines_are_handled(void) {
    size_t n = 10000, i, len;
    char *src = (char *)malloc(2 * n + 16);
    cog_string out = {NULL, 0};
    memcpy(src, "x = ", 4);
    len = 4;
    for (i = 0; i < n; i++) src[len++] = '(';
    src[len++] = '1';
    for (i = 0; i < n; i++) src[len++] = ')';
    src[len++] = '\n';
    EXPECT_STATUS(validate_str(src, len, "strict", &out), COG_STATUS_OK);
    /* Like CPython's tokenizer: the 201st nested bracket is "too many nested parentheses". */
    EXPECT(strstr(out.ptr, "too many nested parentheses") != NULL,
           "10,000 nested parentheses are a syntax error, not a crash");
    cog_string_free(&out);
    free(src);

    len = 10u * 1024u * 1024u;
    src = (char *)malloc(len + 8);
    memcpy(src, "x = '", 5);
    memset(src + 5, 'a', len);
    memcpy(src + 5 + len, "'\n", 2);
    EXPECT_STATUS(validate_str(src, len + 7, "strict", &out), COG_STATUS_OK);
    EXPECT(strstr(out.ptr, "E501") != NULL, "a 10 MB line is one E501");
    cog_string_free(&out);
    free(src);

    len = 17u * 1024u * 1024u;
    src = (char *)calloc(len, 1);
    memset(src, '#', len);
    EXPECT_STATUS(validate_str(src, len, "basic", &out), COG_STATUS_VALIDATION_INPUT_TOO_LARGE);
    free(src);
}

static void fixes_and_sarif(void) {
    const char *src = "if x:\n\ty = 1   \n  \nz = 2";
    cog_string out = {NULL, 0};
    jval doc;
    EXPECT_STATUS(cog_validation_fix(u8(src), strlen(src), u8("standard"), 8, 0, u8("app.py"), 6, &out), COG_STATUS_OK);
    doc = parse_json(&out);
    EXPECT(!strcmp(j_get(&doc, "source")->str, "if x:\n        y = 1\n\nz = 2\n"), "whitespace fixed");
    EXPECT(j_get(&doc, "applied")->len == 4, "four fixes applied");
    EXPECT(!strcmp(j_get(j_get(&doc, "report"), "filename")->str, "app.py"), "the report is named");
    j_free(&doc);
    cog_string_free(&out);
    EXPECT_STATUS(cog_validate_sarif(u8("eval(x)\n"), 8, u8("strict"), 6, 0, u8("app.py"), 6, &out), COG_STATUS_OK);
    doc = parse_json(&out);
    EXPECT(!strcmp(j_get(&doc, "version")->str, "2.1.0"), "SARIF 2.1.0");
    j_free(&doc);
    cog_string_free(&out);
}

static void paths_are_validated_in_order(void) {
    char dir[] = "/tmp/cog-validation-XXXXXX";
    char a[128], b[128];
    FILE *f;
    cog_str paths[1];
    cog_str missing[1] = {{u8("/nonexistent/cognition"), 22}};
    cog_string out = {NULL, 0};
    jval doc;
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(2); }
    snprintf(a, sizeof a, "%s/a.py", dir);
    snprintf(b, sizeof b, "%s/b.py", dir);
    f = fopen(a, "w"); fputs("eval(x)\n", f); fclose(f);
    f = fopen(b, "w"); fputs("\xff\n", f); fclose(f);
    paths[0].ptr = u8(dir);
    paths[0].len = strlen(dir);
    EXPECT_STATUS(cog_validate_paths(paths, 1, u8("strict"), 6, 0, &out), COG_STATUS_OK);
    doc = parse_json(&out);
    EXPECT(doc.type == J_ARR && doc.len == 2, "two files");
    EXPECT(j_get(&doc.items[0], "report")->type == J_OBJ, "a.py has a report");
    EXPECT(j_get(j_get(&doc.items[1], "error"), "code")->integer == COG_STATUS_VALIDATION_INVALID_UTF8,
           "b.py has the invalid UTF-8 code");
    j_free(&doc);
    cog_string_free(&out);
    EXPECT_STATUS(cog_validate_paths(missing, 1, NULL, 0, 0, &out), COG_STATUS_VALIDATION_PATH_IO);
    EXPECT_STATUS(cog_validate_paths(NULL, 1, NULL, 0, 0, &out), COG_STATUS_NULL_ARGUMENT);
    unlink(a);
    unlink(b);
    rmdir(dir);
}

int main(int argc, char **argv) {
    jval root = j_load(argc > 1 ? argv[1] : VECTORS_PATH);
    every_vector_gives_its_expected_findings(j_get(&root, "cases"));
    a_snippet_gets_findings_score_and_verdict();
    bad_input_gets_typed_statuses();
    deep_nesting_and_huge_lines_are_handled();
    fixes_and_sarif();
    paths_are_validated_in_order();
    j_free(&root);
    printf("validation: %d passed, %d failed\n", passed, failures);
    return failures ? 1 : 0;
}
