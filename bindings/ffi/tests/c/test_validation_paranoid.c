/* PARANOID validation through the C ABI (cog_validate_with_tests): a real pytest run in the
 * sandbox with a failing test, and the cases that must not run the tests at all. Needs a Python
 * with pytest: COGNITION_PYTHON (the Makefile points it at .venv/bin/python), else python3.
 * Runs under AddressSanitizer and UBSan. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cognition.h"
#include "json_mini.h"

static const char *SOURCE = "def add(a: int, b: int) -> int:\n    return a + b\n";
static const char *TESTS =
    "from solution import add\n\n"
    "def test_add():\n    assert add(1, 2) == 3\n\n"
    "def test_add_wrong():\n    assert add(2, 2) == 5\n";
/* An interpreter that does not exist: any attempt to run the tests fails with TEST_RUNNER. */
static const char *NO_PYTHON = "/nonexistent/cognition/python3";

static const char *python(void) {
    const char *p = getenv("COGNITION_PYTHON");
    return p && *p ? p : "python3";
}

static cog_status run(const char *source, const char *level, const char *py, cog_string *json,
                      cog_string *sarif) {
    return cog_validate_with_tests(u8(source), strlen(source), u8(TESTS), strlen(TESTS), u8(level),
                                   strlen(level), 0, u8("calc.py"), 7, u8(py), strlen(py), 20000,
                                   json, sarif);
}

static jval parse(const cog_string *s) {
    jval v;
    if (!j_parse_text(s->ptr, s->len, &v)) {
        fprintf(stderr, "invalid JSON from the library: %.200s\n", s->ptr);
        exit(2);
    }
    return v;
}

static void a_failing_test_is_a_high_issue_named_after_it(void) {
    cog_string json = {NULL, 0}, sarif = {NULL, 0};
    jval report, sarif_doc;
    const jval *issues;
    EXPECT_STATUS(run(SOURCE, "paranoid", python(), &json, &sarif), COG_STATUS_OK);
    if (!json.ptr) return;
    report = parse(&json);
    issues = j_get(&report, "issues");
    EXPECT(issues && issues->len == 1, "one issue: the failing test");
    if (issues && issues->len == 1) {
        const jval *issue = &issues->items[0];
        EXPECT(!strcmp(j_get(issue, "rule")->str, "CG301"), "CG301 test failed");
        EXPECT(!strcmp(j_get(issue, "severity")->str, "HIGH"), "a failing test is HIGH");
        EXPECT(strstr(j_get(issue, "message")->str, "test_add_wrong") != NULL, "named after the test");
    }
    EXPECT(j_get(&report, "passed")->boolean == 0, "a failing test fails PARANOID");
    EXPECT(!strcmp(j_get(&report, "filename")->str, "calc.py"), "the filename is reported");
    sarif_doc = parse(&sarif);
    EXPECT(!strcmp(j_get(&sarif_doc, "version")->str, "2.1.0"), "the SARIF log of the same run");
    EXPECT(strstr(sarif.ptr, "CG301") != NULL, "the SARIF log has the test failure");
    j_free(&report);
    j_free(&sarif_doc);
    cog_string_free(&json);
    cog_string_free(&sarif);
}

static void tests_run_only_at_paranoid_on_code_that_compiles(void) {
    cog_string json = {NULL, 0};
    /* With an interpreter that does not exist, success proves the tests were not run. */
    EXPECT_STATUS(run(SOURCE, "strict", NO_PYTHON, &json, NULL), COG_STATUS_OK);
    EXPECT(json.ptr && strstr(json.ptr, "\"passed\":true") != NULL, "STRICT ignores the tests");
    cog_string_free(&json);
    EXPECT_STATUS(run("def add(a, b)\n", "paranoid", NO_PYTHON, &json, NULL), COG_STATUS_OK);
    EXPECT(json.ptr && strstr(json.ptr, "E999") != NULL, "a syntax error is reported, tests skipped");
    cog_string_free(&json);
}

static void a_missing_interpreter_is_a_test_runner_error(void) {
    cog_string json = {NULL, 0};
    EXPECT_STATUS(run(SOURCE, "paranoid", NO_PYTHON, &json, NULL), COG_STATUS_VALIDATION_TEST_RUNNER);
    EXPECT(strstr(cog_last_error_message(), "nonexistent") != NULL, "the message names the interpreter");
    EXPECT(json.ptr == NULL, "out_json untouched on failure");
}

static void bad_arguments_get_typed_statuses(void) {
    cog_string json = {NULL, 0};
    const char bad[] = "x = '\xff'\n";
    EXPECT_STATUS(run(SOURCE, "paranoid", NO_PYTHON, NULL, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_validate_with_tests(NULL, 3, NULL, 0, NULL, 0, 0, NULL, 0, NULL, 0, 0, &json, NULL),
                  COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_validate_with_tests(u8(bad), strlen(bad), NULL, 0, NULL, 0, 0, NULL, 0, NULL, 0, 0,
                                          &json, NULL),
                  COG_STATUS_VALIDATION_INVALID_UTF8);
    EXPECT_STATUS(cog_validate_with_tests(u8(SOURCE), strlen(SOURCE), u8(bad), strlen(bad), NULL, 0, 0, NULL,
                                          0, NULL, 0, 0, &json, NULL),
                  COG_STATUS_INVALID_UTF8);
    EXPECT(strstr(cog_last_error_message(), "tests") != NULL, "the message names the tests");
    EXPECT_STATUS(cog_validate_with_tests(u8(SOURCE), strlen(SOURCE), NULL, 0, NULL, 0, 0, NULL, 0, u8(bad),
                                          strlen(bad), 0, &json, NULL),
                  COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(run(SOURCE, "extreme", NO_PYTHON, &json, NULL), COG_STATUS_VALIDATION_UNKNOWN_LEVEL);
    EXPECT_STATUS(cog_validate_with_tests(u8(SOURCE), strlen(SOURCE), NULL, 0, u8("paranoid"), 8, 0, NULL, 0,
                                          u8(NO_PYTHON), strlen(NO_PYTHON), UINT64_MAX, &json, NULL),
                  COG_STATUS_INVALID_ARGUMENT);
    EXPECT(json.ptr == NULL, "out_json untouched on failure");
}

int main(void) {
    a_failing_test_is_a_high_issue_named_after_it();
    tests_run_only_at_paranoid_on_code_that_compiles();
    a_missing_interpreter_is_a_test_runner_error();
    bad_arguments_get_typed_statuses();
    printf("validation (paranoid): %d passed, %d failed\n", passed, failures);
    return failures ? 1 : 0;
}
