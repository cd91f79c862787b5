/* Hostile input to every validation entry point of the C ABI: NULLs, lengths no buffer can have,
 * every kind of invalid UTF-8, NUL bytes, oversized sources, structures far deeper than any real
 * file, and paths that are not regular files (a FIFO that would block a read forever, devices).
 * Each gets a result or a typed status, never a crash or a hang. Runs under ASan and UBSan. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cognition.h"

static const uint8_t *SRC = (const uint8_t *)"x = 1\n";

static void null_outputs_and_null_data_are_null_argument(void) {
    cog_string out = {NULL, 0};
    cog_str nul_item[1] = {{NULL, 3}};
    EXPECT_STATUS(cog_validate_sarif(SRC, 6, NULL, 0, 0, NULL, 0, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_validate_sarif(NULL, 6, NULL, 0, 0, NULL, 0, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_validation_fix(SRC, 6, NULL, 0, 0, NULL, 0, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_validation_fix(NULL, 6, NULL, 0, 0, NULL, 0, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_validate(SRC, 6, NULL, 4, 0, NULL, 0, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_validate(SRC, 6, NULL, 0, 0, NULL, 4, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_validate_paths(NULL, 0, NULL, 0, 0, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_validate_paths(nul_item, 1, NULL, 0, 0, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT(out.ptr == NULL, "nothing written on failure");
    /* No paths at all is an empty list, not an error. */
    EXPECT_STATUS(cog_validate_paths(NULL, 0, NULL, 0, 0, &out), COG_STATUS_OK);
    EXPECT(out.ptr && !strcmp(out.ptr, "[]"), "no paths, no reports");
    cog_string_free(&out);
}

static void impossible_lengths_are_rejected_without_reading(void) {
    cog_string out = {NULL, 0};
    size_t huge = SIZE_MAX;
    EXPECT_STATUS(cog_validate(SRC, huge, NULL, 0, 0, NULL, 0, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_validate_sarif(SRC, huge, NULL, 0, 0, NULL, 0, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_validation_fix(SRC, huge, NULL, 0, 0, NULL, 0, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_validate(SRC, 6, u8("strict"), huge, 0, NULL, 0, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_validate_paths((const cog_str *)SRC, huge, NULL, 0, 0, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT(out.ptr == NULL, "nothing written on failure");
}

static void every_kind_of_invalid_utf8_is_a_typed_status(void) {
    /* 0xFF; a truncated 2-byte sequence at the end; an overlong '/'; a UTF-16 surrogate; a code
     * point above U+10FFFF; a lone continuation byte. */
    static const char *bad[] = {"x = '\xff'\n", "x = 1 # \xc3", "x = '\xc0\xaf'\n",
                                "x = '\xed\xa0\x80'\n", "x = '\xf4\x90\x80\x80'\n", "\x80"};
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cog_string out = {NULL, 0};
        const uint8_t *s = u8(bad[i]);
        size_t n = strlen(bad[i]);
        EXPECT_STATUS(cog_validate(s, n, NULL, 0, 0, NULL, 0, &out), COG_STATUS_VALIDATION_INVALID_UTF8);
        EXPECT_STATUS(cog_validate_sarif(s, n, NULL, 0, 0, NULL, 0, &out), COG_STATUS_VALIDATION_INVALID_UTF8);
        EXPECT_STATUS(cog_validation_fix(s, n, NULL, 0, 0, NULL, 0, &out), COG_STATUS_VALIDATION_INVALID_UTF8);
        EXPECT(out.ptr == NULL, "nothing written on failure");
        /* The same bytes as a file name or level are the generic INVALID_UTF8. */
        EXPECT_STATUS(cog_validate(SRC, 6, NULL, 0, 0, s, n, &out), COG_STATUS_INVALID_UTF8);
        EXPECT_STATUS(cog_validation_fix(SRC, 6, NULL, 0, 0, s, n, &out), COG_STATUS_INVALID_UTF8);
        EXPECT_STATUS(cog_validate(SRC, 6, s, n, 0, NULL, 0, &out), COG_STATUS_INVALID_UTF8);
    }
}

static void nul_bytes_and_control_characters_get_a_report(void) {
    static const char src[] = "x = 1\0\0\x01\x02\x1b[31m\ndef f(:\n\t\x7f\n";
    cog_string out = {NULL, 0};
    EXPECT_STATUS(cog_validate(u8(src), sizeof src - 1, u8("strict"), 6, 0, NULL, 0, &out), COG_STATUS_OK);
    EXPECT(out.ptr && strstr(out.ptr, "E999") != NULL, "control bytes are a syntax error");
    EXPECT(out.ptr && strlen(out.ptr) == out.len, "the JSON has no raw NUL: they are escaped");
    cog_string_free(&out);
    EXPECT_STATUS(cog_validation_fix(u8(src), sizeof src - 1, NULL, 0, 0, NULL, 0, &out), COG_STATUS_OK);
    cog_string_free(&out);
}

static void oversized_sources_are_input_too_large_everywhere(void) {
    size_t len = 16u * 1024u * 1024u + 1u;
    char *src = (char *)malloc(len);
    cog_string out = {NULL, 0};
    memset(src, ' ', len);
    EXPECT_STATUS(cog_validate_sarif(u8(src), len, NULL, 0, 0, NULL, 0, &out), COG_STATUS_VALIDATION_INPUT_TOO_LARGE);
    EXPECT_STATUS(cog_validation_fix(u8(src), len, NULL, 0, 0, NULL, 0, &out), COG_STATUS_VALIDATION_INPUT_TOO_LARGE);
    EXPECT_STATUS(cog_validate_with_tests(u8(src), len, NULL, 0, NULL, 0, 0, NULL, 0, NULL, 0, 0, &out, NULL),
                  COG_STATUS_VALIDATION_INPUT_TOO_LARGE);
    EXPECT_STATUS(cog_validate_with_tests(SRC, 6, u8(src), len, NULL, 0, 0, NULL, 0, NULL, 0, 0, &out, NULL),
                  COG_STATUS_VALIDATION_INPUT_TOO_LARGE);
    EXPECT(out.ptr == NULL, "nothing written on failure");
    free(src);
}

/* Repeat `unit` n times between `head` and `tail` in a fresh buffer. */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail, size_t *len) {
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
    char *buf = (char *)malloc(hl + ul * n + tl + 1);
    memcpy(buf, head, hl);
    for (i = 0; i < n; i++) memcpy(buf + hl + i * ul, unit, ul);
    memcpy(buf + hl + ul * n, tail, tl + 1);
    *len = hl + ul * n + tl;
    return buf;
}

static void structures_far_deeper_than_real_code_do_not_crash(void) {
    struct {
        const char *what, *head, *unit, *tail;
        size_t n;
        int syntax_error;
    } cases[] = {
        {"100,000 unclosed parentheses", "x = ", "(", "\n", 100000, 1},
        {"100,000 unclosed brackets and braces", "x = ", "[{", "\n", 50000, 1},
        {"a 100,000-term operator chain", "x = 1", " + a", "\n", 100000, 0},
        {"50,000 nested lambdas", "f = ", "lambda: ", "0\n", 50000, 0},
        {"50,000 chained calls", "x = f", "()", "\n", 50000, 0},
        {"100,000 chained attributes", "x = a", ".b", "\n", 100000, 0},
        {"20,000 string concatenations", "q = 'SELECT ' ", "+ x ", "\n", 20000, 0},
        {"1,000 nested if blocks", "", "if x:\n", "", 1000, 1},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *src = repeat(cases[i].head, cases[i].unit, cases[i].n, cases[i].tail, &len);
        cog_string out = {NULL, 0};
        cog_status status = cog_validate(u8(src), len, u8("strict"), 6, 0, NULL, 0, &out);
        EXPECT(status == COG_STATUS_OK, cases[i].what);
        if (status == COG_STATUS_OK) {
            int has_e999 = strstr(out.ptr, "E999") != NULL;
            EXPECT(has_e999 == cases[i].syntax_error, cases[i].what);
        }
        cog_string_free(&out);
        free(src);
    }
}

static void paths_that_are_not_regular_files_do_not_block(void) {
    char dir[] = "/tmp/cog-validation-hostile-XXXXXX";
    char fifo[128], sub[128];
    cog_str paths[1];
    cog_str dev[1] = {{u8("/dev/zero"), 9}};
    cog_str with_nul[1] = {{u8("/tmp\0/x.py"), 10}};
    cog_string out = {NULL, 0};
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(2); }
    snprintf(fifo, sizeof fifo, "%s/pipe.py", dir);
    snprintf(sub, sizeof sub, "%s/empty_dir.py", dir);
    if (mkfifo(fifo, 0600) != 0 || mkdir(sub, 0700) != 0) { perror("mkfifo/mkdir"); exit(2); }
    paths[0].ptr = u8(dir);
    paths[0].len = strlen(dir);
    /* A FIFO named *.py would block a read forever: a walk skips it, like a directory *.py. */
    EXPECT_STATUS(cog_validate_paths(paths, 1, NULL, 0, 0, &out), COG_STATUS_OK);
    EXPECT(out.ptr && !strcmp(out.ptr, "[]"), "no regular file, no reports");
    cog_string_free(&out);
    /* Given directly, it is an error entry, not opened. */
    paths[0].ptr = u8(fifo);
    paths[0].len = strlen(fifo);
    EXPECT_STATUS(cog_validate_paths(paths, 1, NULL, 0, 0, &out), COG_STATUS_OK);
    EXPECT(out.ptr && strstr(out.ptr, "\"code\":503") != NULL && strstr(out.ptr, "not a regular file") != NULL,
           "the FIFO gets a VALIDATION_PATH_IO entry");
    cog_string_free(&out);
    /* A device given directly would never end: it is an error entry, not an endless read. */
    EXPECT_STATUS(cog_validate_paths(dev, 1, NULL, 0, 0, &out), COG_STATUS_OK);
    EXPECT(out.ptr && strstr(out.ptr, "\"code\":503") != NULL, "/dev/zero gets a VALIDATION_PATH_IO entry");
    cog_string_free(&out);
    EXPECT_STATUS(cog_validate_paths(with_nul, 1, NULL, 0, 0, &out), COG_STATUS_VALIDATION_PATH_IO);
    unlink(fifo);
    rmdir(sub);
    rmdir(dir);
}

int main(void) {
    null_outputs_and_null_data_are_null_argument();
    impossible_lengths_are_rejected_without_reading();
    every_kind_of_invalid_utf8_is_a_typed_status();
    nul_bytes_and_control_characters_get_a_report();
    oversized_sources_are_input_too_large_everywhere();
    structures_far_deeper_than_real_code_do_not_crash();
    paths_that_are_not_regular_files_do_not_block();
    printf("validation (hostile): %d passed, %d failed\n", passed, failures);
    return failures ? 1 : 0;
}
