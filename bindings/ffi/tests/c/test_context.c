/* Context memory and token counting through the C ABI: the token vectors of
 * tests/vectors/context.json, the masking vectors through cog_mask, a memory's window, stateless
 * packing of the caller's entries, masking on insert, and hostile arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json_mini.h"

#ifndef VECTORS_PATH
#define VECTORS_PATH "tests/vectors/context.json"
#endif

#define T0 1700000000000LL

static void run_token_vectors(const jval *cases) {
    static const char *encodings[] = {"o200k_base", "cl100k_base"};
    size_t i, e;
    EXPECT(cases && cases->type == J_ARR && cases->len > 0, "tokens section present");
    if (!cases) return;
    for (i = 0; i < cases->len; i++) {
        const jval *c = &cases->items[i];
        const jval *text = j_get(c, "text");
        for (e = 0; e < 2; e++) {
            size_t count = 0;
            const jval *want = j_get(c, encodings[e]);
            EXPECT_STATUS(cog_count_tokens(u8(text->str), text->len, u8(encodings[e]), strlen(encodings[e]), &count),
                          COG_STATUS_OK);
            if (count != (size_t)want->integer) {
                fprintf(stderr, "FAIL tokens/%s/%s: %zu, want %lld\n", j_get(c, "name")->str, encodings[e], count,
                        want->integer);
                failures++;
            } else {
                passed++;
            }
        }
    }
}

static cog_context_memory *new_memory(const char *mode) {
    cog_context_memory *memory = NULL;
    EXPECT_STATUS(cog_context_memory_new(u8("o200k_base"), 10, 0, 0, u8(mode), strlen(mode), &memory), COG_STATUS_OK);
    return memory;
}

static void add(cog_context_memory *memory, const char *tenant, const char *content, const char *importance) {
    cog_string id = {NULL, 0};
    EXPECT_STATUS(cog_context_memory_add(memory, u8(tenant), strlen(tenant), u8(content), strlen(content),
                                         u8(importance), strlen(importance), NULL, 0, T0, &id),
                  COG_STATUS_OK);
    EXPECT(id.ptr != NULL && id.len > 0, "an id is returned");
    cog_string_free(&id);
}

static void test_window_packs_the_tenants_entries_within_budget(void) {
    cog_context_memory *memory = new_memory("");
    cog_string json = {NULL, 0};
    size_t tokens = 0;
    jval window;
    jparser ps;
    add(memory, "acme", "Billing contact: ada@example.com", "critical");
    add(memory, "acme", "Refunds are possible within 30 days.", "");
    add(memory, "globex", "Globex refunds never.", "high");
    EXPECT_STATUS(cog_context_memory_build_window(memory, u8("acme"), 4, u8("refund"), 6, 100, 20, T0, &json),
                  COG_STATUS_OK);
    ps.p = json.ptr;
    ps.end = json.ptr + json.len;
    ps.failed = 0;
    EXPECT(j_parse_value(&ps, &window), "the window is JSON");
    EXPECT(!strcmp(j_get(&window, "text")->str,
                   "Billing contact: [EMAIL]\n\nRefunds are possible within 30 days."),
           "the tenant's entries, critical first, secrets masked");
    EXPECT(strstr(json.ptr, "Globex") == NULL, "never another tenant's entry");
    EXPECT_STATUS(cog_count_tokens(u8(j_get(&window, "text")->str), j_get(&window, "text")->len, NULL, 0, &tokens),
                  COG_STATUS_OK);
    EXPECT(tokens == (size_t)j_get(&window, "tokens")->integer, "tokens are the exact count of the text");
    EXPECT(tokens <= 80, "within max_tokens - reserve_output_tokens");
    EXPECT(j_get(&window, "entries")->len == 2, "two entries explained");
    j_free(&window);
    cog_string_free(&json);
    cog_context_memory_free(memory);
}

static void test_critical_entries_that_do_not_fit_are_an_error(void) {
    cog_context_memory *memory = new_memory("mask");
    cog_string json = {NULL, 0};
    add(memory, "acme", "A critical rule that is far too long for a three-token window.", "critical");
    EXPECT_STATUS(cog_context_memory_build_window(memory, u8("acme"), 4, NULL, 0, 3, 0, T0, &json),
                  COG_STATUS_CONTEXT_BUDGET_TOO_SMALL);
    EXPECT(strstr(cog_last_error_message(), "tokens short") != NULL, "the message says by how many tokens");
    EXPECT(json.ptr == NULL, "no output on failure");
    cog_context_memory_free(memory);
}

static void test_reject_mode_refuses_secrets(void) {
    cog_context_memory *memory = new_memory("reject");
    cog_string id = {NULL, 0};
    const char *secret = "key AKIAIOSFODNN7EXAMPLE";
    EXPECT_STATUS(cog_context_memory_add(memory, u8("t"), 1, u8(secret), strlen(secret), NULL, 0, NULL, 0, T0, &id),
                  COG_STATUS_CONTEXT_SENSITIVE_CONTENT);
    EXPECT(strstr(cog_last_error_message(), "AKIA") == NULL, "the message never echoes the secret");
    cog_context_memory_free(memory);
}

static void test_hostile_arguments_are_typed_errors(void) {
    cog_context_memory *memory = NULL;
    cog_string out = {NULL, 0};
    size_t count = 0;
    const uint8_t bad_utf8[] = {0xff, 0xfe};
    EXPECT_STATUS(cog_context_memory_new(u8("p50k_base"), 9, 0, 0, NULL, 0, &memory), COG_STATUS_CONTEXT_UNKNOWN_ENCODING);
    EXPECT_STATUS(cog_context_memory_new(NULL, 0, 0, 0, u8("scramble"), 8, &memory), COG_STATUS_CONTEXT_LIMIT_EXCEEDED);
    EXPECT_STATUS(cog_context_memory_new(NULL, 0, 0, 0, NULL, 0, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_count_tokens(bad_utf8, 2, NULL, 0, &count), COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(cog_count_tokens(NULL, 5, NULL, 0, &count), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_count_tokens(NULL, 0, NULL, 0, &count), COG_STATUS_OK);
    EXPECT(count == 0, "empty text has no tokens");
    memory = new_memory("");
    EXPECT_STATUS(cog_context_memory_add(NULL, u8("t"), 1, u8("x"), 1, NULL, 0, NULL, 0, T0, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_context_memory_add(memory, NULL, 0, u8("x"), 1, NULL, 0, NULL, 0, T0, &out),
                  COG_STATUS_CONTEXT_INVALID_TENANT);
    EXPECT_STATUS(cog_context_memory_add(memory, u8("t"), 1, u8("  "), 2, NULL, 0, NULL, 0, T0, &out),
                  COG_STATUS_CONTEXT_EMPTY_CONTENT);
    EXPECT_STATUS(cog_context_memory_add(memory, u8("t"), 1, u8("x"), 1, u8("urgent"), 6, NULL, 0, T0, &out),
                  COG_STATUS_CONTEXT_INVALID_IMPORTANCE);
    EXPECT_STATUS(cog_context_memory_build_window(memory, u8("t"), 1, NULL, 0, 10, 11, T0, &out),
                  COG_STATUS_CONTEXT_LIMIT_EXCEEDED);
    EXPECT(out.ptr == NULL, "no output on failure");
    cog_context_memory_free(memory);
    cog_context_memory_free(NULL);
}

/* Every masking vector through cog_mask: the masked text, and each finding's kind in order. */
static void run_masking_vectors(const jval *cases) {
    size_t i, k;
    EXPECT(cases && cases->type == J_ARR && cases->len > 0, "masking section present");
    if (!cases) return;
    for (i = 0; i < cases->len; i++) {
        const jval *c = &cases->items[i];
        const jval *input = j_get(c, "input");
        const jval *kinds = j_get(c, "kinds");
        const char *name = j_get(c, "name")->str;
        cog_string out = {NULL, 0};
        jval result;
        EXPECT_STATUS(cog_mask(u8(input->str), input->len, &out), COG_STATUS_OK);
        if (out.ptr == NULL || !j_parse_text(out.ptr, out.len, &result)) {
            fprintf(stderr, "FAIL masking/%s: no JSON\n", name);
            failures++;
            cog_string_free(&out);
            continue;
        }
        const jval *text = j_get(&result, "text");
        const jval *findings = j_get(&result, "findings");
        EXPECT(text && strcmp(text->str, j_get(c, "text")->str) == 0, name);
        EXPECT(findings && findings->len == kinds->len, name);
        for (k = 0; findings && k < findings->len && k < kinds->len; k++) {
            const jval *f = &findings->items[k];
            EXPECT(strcmp(j_get(f, "kind")->str, kinds->items[k].str) == 0, name);
            EXPECT(j_get(f, "start")->integer < j_get(f, "end")->integer, "a finding spans bytes");
            EXPECT((size_t)j_get(f, "end")->integer <= input->len, "a finding lies inside the input");
        }
        j_free(&result);
        cog_string_free(&out);
    }
}

static void test_pack_takes_the_callers_own_entries(void) {
    const char *entries =
        "[{\"content\":\"The office dog is called Biscuit.\",\"importance\":\"low\"},"
        "{\"content\":\"Refunds are possible within 30 days.\",\"importance\":\"high\",\"id\":\"refunds\","
        "\"tags\":[\"billing\"],\"created_at\":1700000000000},"
        "{\"content\":\"The customer is on the Pro plan.\",\"importance\":\"critical\"}]";
    cog_string out = {NULL, 0};
    jval window;
    EXPECT_STATUS(cog_context_pack(u8(entries), strlen(entries), u8("refund"), 6, 20, 0, u8(""), 0, T0, &out),
                  COG_STATUS_OK);
    if (out.ptr == NULL || !j_parse_text(out.ptr, out.len, &window)) {
        EXPECT(0, "pack writes window JSON");
        cog_string_free(&out);
        return;
    }
    {
        const jval *chosen = j_get(&window, "entries");
        size_t i;
        int has_critical = 0, has_refunds = 0;
        EXPECT(j_get(&window, "tokens")->integer <= 20, "the window fits the budget");
        for (i = 0; chosen && i < chosen->len; i++) {
            const char *id = j_get(&chosen->items[i], "id")->str;
            has_critical |= strcmp(id, "2") == 0; /* no id: its position */
            has_refunds |= strcmp(id, "refunds") == 0;
        }
        EXPECT(has_critical, "the CRITICAL entry is always in");
        EXPECT(has_refunds, "the entry matching the query is in");
    }
    j_free(&window);
    cog_string_free(&out);
}

static void test_pack_and_mask_refuse_hostile_input(void) {
    cog_string out = {NULL, 0};
    static const char *const invalid[] = {
        "", "not json", "{\"content\":\"x\"}", "[1]", "[{}]", "[{\"content\":\"x\",\"importanse\":\"high\"}]",
        "[{\"content\":\"x\",\"created_at\":1.5}]",
    };
    size_t i;
    for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        EXPECT_STATUS(cog_context_pack(u8(invalid[i]), strlen(invalid[i]), u8(""), 0, 100, 0, u8(""), 0, T0, &out),
                      COG_STATUS_INVALID_ARGUMENT);
        EXPECT(out.ptr == NULL, "nothing written on error");
    }
    EXPECT_STATUS(cog_context_pack(u8("[{\"content\":\"x\",\"importance\":\"urgent\"}]"), 39, u8(""), 0, 100, 0, u8(""),
                                   0, T0, &out),
                  COG_STATUS_CONTEXT_INVALID_IMPORTANCE);
    EXPECT_STATUS(cog_context_pack(u8("[{\"content\":\"\"}]"), 16, u8(""), 0, 100, 0, u8(""), 0, T0, &out),
                  COG_STATUS_CONTEXT_EMPTY_CONTENT);
    EXPECT_STATUS(cog_context_pack(u8("[{\"content\":\"x\",\"importance\":\"critical\"}]"), 41, u8(""), 0, 0, 0, u8(""),
                                   0, T0, &out),
                  COG_STATUS_CONTEXT_BUDGET_TOO_SMALL);
    EXPECT_STATUS(cog_context_pack(u8("[]"), 2, u8(""), 0, 100, 0, u8("gpt2"), 4, T0, &out),
                  COG_STATUS_CONTEXT_UNKNOWN_ENCODING);
    EXPECT_STATUS(cog_context_pack(u8("[]"), 2, u8("\xff"), 1, 100, 0, u8(""), 0, T0, &out), COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(cog_context_pack(NULL, 2, u8(""), 0, 100, 0, u8(""), 0, T0, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_context_pack(u8("[]"), 2, u8(""), 0, 100, 0, u8(""), 0, T0, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_mask(u8("\xff\xfe"), 2, &out), COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(cog_mask(NULL, 1, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_mask(u8("x"), 1, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_mask(u8(""), 0, &out), COG_STATUS_OK);
    EXPECT(out.ptr != NULL && strcmp(out.ptr, "{\"text\":\"\",\"findings\":[]}") == 0, "empty text, no findings");
    cog_string_free(&out);
    {
        /* A megabyte of '[' is a JSON error, not a stack overflow. */
        size_t deep = 1 << 20;
        char *nested = malloc(deep);
        memset(nested, '[', deep);
        EXPECT_STATUS(cog_context_pack(u8(nested), deep, u8(""), 0, 100, 0, u8(""), 0, T0, &out),
                      COG_STATUS_INVALID_ARGUMENT);
        free(nested);
    }
}

int main(int argc, char **argv) {
    jval root = j_load(argc > 1 ? argv[1] : VECTORS_PATH);
    run_token_vectors(j_get(&root, "tokens"));
    run_masking_vectors(j_get(&root, "masking"));
    j_free(&root);
    test_window_packs_the_tenants_entries_within_budget();
    test_critical_entries_that_do_not_fit_are_an_error();
    test_reject_mode_refuses_secrets();
    test_hostile_arguments_are_typed_errors();
    test_pack_takes_the_callers_own_entries();
    test_pack_and_mask_refuse_hostile_input();
    printf("context: %d passed, %d failed\n", passed, failures);
    return failures == 0 && passed > 0 ? 0 : 1;
}
