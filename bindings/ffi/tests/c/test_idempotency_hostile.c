/* Bad input to the idempotency C ABI: NULL handles and pointers, hostile keys, invalid JSON, bad
 * policies, a corrupt SQLite file. Every call returns a status, leaves its out-parameters untouched
 * and changes nothing. Runs under AddressSanitizer and UBSan. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cognition.h"
#include "idempotency_util.h"




static const char SECRET[] = "whsec_hostile";

static int32_t noop_handler(void *user_data, const uint8_t *event_json, size_t len, cog_handler_reply *reply) {
    (void)user_data;
    (void)event_json;
    (void)len;
    (void)reply;
    return COG_HANDLER_SUCCESS;
}

static void null_arguments(cog_store *store) {
    cog_string out = {NULL, 0};
    cog_store *no_store = (cog_store *)(uintptr_t)1; /* sentinel: must stay untouched */
    cog_processor *processor = (cog_processor *)(uintptr_t)1;
    cog_str secret = {u8(SECRET), sizeof SECRET - 1};
    uint64_t purged = 77;

    EXPECT_STATUS(cog_memory_store_new(NULL, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_sqlite_store_open(NULL, 4, NULL, &no_store), COG_STATUS_NULL_ARGUMENT);
    EXPECT(no_store == (cog_store *)(uintptr_t)1, "out_store untouched");
    EXPECT_STATUS(cog_sqlite_store_open(u8(""), 0, NULL, &no_store), COG_STATUS_INVALID_ARGUMENT);

    EXPECT_STATUS(cog_store_claim(NULL, u8("k"), 1, u8("t"), 1, u8("b"), 1, 0, 1000, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_claim(store, u8("k"), 1, u8("t"), 1, u8("b"), 1, 0, 1000, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_claim(store, NULL, 5, u8("t"), 1, u8("b"), 1, 0, 1000, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_claim(store, u8("k"), 1, NULL, 3, u8("b"), 1, 0, 1000, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_claim(store, u8("k"), 1, u8("t"), 1, NULL, 9, 0, 1000, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT(out.ptr == NULL, "out_claim_json untouched");
    EXPECT_STATUS(cog_store_complete(NULL, u8("k"), 1, 1, NULL, 0, 0), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_ignore(NULL, u8("k"), 1, 1, 0), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_fail(store, u8("k"), 1, 1, u8("e"), 1, true, 0, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_get(store, u8("k"), 1, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_get(NULL, u8("k"), 1, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_list(NULL, NULL, 0, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_stats(NULL, 0, 1, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_due_for_retry(NULL, 0, 1, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_requeue(NULL, u8("k"), 1, 0), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_purge(store, 0, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_store_purge(NULL, 0, &purged), COG_STATUS_NULL_ARGUMENT);
    EXPECT(purged == 77, "out_purged untouched");
    EXPECT(out.ptr == NULL, "no string written on failure");

    EXPECT_STATUS(cog_processor_new(&secret, 1, NULL, 300, 0, &processor), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_new(NULL, 1, store, 300, 0, &processor), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_new(&secret, 1, store, 300, 0, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_new(NULL, 0, store, 300, 0, &processor), COG_STATUS_EMPTY_SECRET);
    EXPECT_STATUS(cog_processor_new(&secret, 1, store, 300, -5, &processor), COG_STATUS_INVALID_ARGUMENT);
    EXPECT(processor == (cog_processor *)(uintptr_t)1, "out_processor untouched");

    processor = NULL;
    EXPECT_STATUS(cog_processor_new(&secret, 1, store, 300, 0, &processor), COG_STATUS_OK);
    EXPECT_STATUS(cog_processor_on(processor, u8("invoice.paid"), 12, NULL, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_on(NULL, u8("invoice.paid"), 12, noop_handler, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_on(processor, NULL, 12, noop_handler, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_on(processor, u8(""), 0, noop_handler, NULL), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_processor_on(processor, u8("\xff"), 1, noop_handler, NULL), COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(cog_processor_process(NULL, u8("{}"), 2, u8("t=1"), 3, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_process(processor, u8("{}"), 2, u8("t=1"), 3, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_process(processor, u8("{}"), 2, u8("t=1"), 3, &out), COG_STATUS_NO_SIGNATURE_FOR_SCHEME);
    EXPECT_STATUS(cog_processor_retry_due(NULL, 10, &out), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_retry_due(processor, 10, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_requeue_dead(NULL, u8("k"), 1), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_use_manual_clock(NULL, 0), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_processor_advance_clock(processor, 1000), COG_STATUS_INVALID_STATE);
    EXPECT_STATUS(cog_handler_reply_set_result(NULL, u8("1"), 1), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_handler_reply_set_error(NULL, u8("e"), 1), COG_STATUS_NULL_ARGUMENT);
    EXPECT(out.ptr == NULL, "no string written on failure");
    cog_processor_free(processor);

    cog_store_free(NULL);
    cog_processor_free(NULL);
}

static void hostile_keys(cog_store *store) {
    cog_string out = {NULL, 0};
    size_t big = 10 * 1024;
    char *key = (char *)malloc(big);
    memset(key, 'k', big);
    EXPECT_STATUS(cog_store_claim(store, u8(key), big, u8("t"), 1, u8("b"), 1, 0, 1000, &out), COG_STATUS_INVALID_KEY);
    EXPECT(strstr(cog_last_error_message(), "1024") != NULL, "the message names the limit");
    EXPECT_STATUS(cog_store_claim(store, u8(key), 1025, u8("t"), 1, u8("b"), 1, 0, 1000, &out), COG_STATUS_INVALID_KEY);
    EXPECT_STATUS(cog_store_claim(store, u8(key), 1024, u8("t"), 1, u8("b"), 1, 0, 1000, &out), COG_STATUS_OK);
    cog_string_free(&out);
    EXPECT_STATUS(cog_store_claim(store, u8(""), 0, u8("t"), 1, u8("b"), 1, 0, 1000, &out), COG_STATUS_INVALID_KEY);
    EXPECT_STATUS(cog_store_claim(store, NULL, 0, u8("t"), 1, u8("b"), 1, 0, 1000, &out), COG_STATUS_INVALID_KEY);
    EXPECT_STATUS(cog_store_claim(store, u8("\xff\xfe"), 2, u8("t"), 1, u8("b"), 1, 0, 1000, &out),
                  COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(cog_store_claim(store, u8("ok"), 2, u8("t"), 1, u8("b"), 1, 0, 0, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_store_claim(store, u8("ok"), 2, u8(key), big, u8("b"), 1, 0, 1000, &out),
                  COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_store_get(store, u8(key), big, &out), COG_STATUS_INVALID_KEY);
    EXPECT_STATUS(cog_store_requeue(store, u8("\xc3"), 1, 0), COG_STATUS_INVALID_UTF8);
    EXPECT(out.ptr == NULL, "no string written on failure");
    free(key);
}

static void invalid_json_and_arguments(cog_store *store) {
    cog_string out = {NULL, 0};
    jval claim;
    uint64_t generation;
    EXPECT_STATUS(cog_store_claim(store, u8("json"), 4, u8("t"), 1, u8("b"), 1, 0, 1000, &out), COG_STATUS_OK);
    claim = j_parse_cog(&out);
    generation = (uint64_t)j_get(j_get(&claim, "token"), "generation")->integer;
    j_free(&claim);
    cog_string_free(&out);
    EXPECT_STATUS(cog_store_complete(store, u8("json"), 4, generation, u8("{oops"), 5, 1), COG_STATUS_INVALID_RESULT);
    EXPECT_STATUS(cog_store_complete(store, u8("json"), 4, generation, u8("1 2"), 3, 1), COG_STATUS_INVALID_RESULT);
    EXPECT_STATUS(cog_store_complete(store, u8("json"), 4, generation + 1, u8("1"), 1, 1), COG_STATUS_STALE_TOKEN);
    EXPECT_STATUS(cog_store_get(store, u8("json"), 4, &out), COG_STATUS_OK);
    EXPECT(strstr(out.ptr, "\"processing\"") != NULL, "nothing changed by the failed calls");
    cog_string_free(&out);
    EXPECT_STATUS(cog_store_complete(store, u8("json"), 4, generation, u8("{\"a\":[1,2]}"), 11, 1), COG_STATUS_OK);
    EXPECT_STATUS(cog_store_complete(store, u8("json"), 4, generation, NULL, 0, 2), COG_STATUS_STALE_TOKEN);

    EXPECT_STATUS(cog_store_list(store, u8("[1]"), 3, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_store_list(store, u8("{\"colour\":1}"), 12, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_store_list(store, u8("{\"status\":\"nope\"}"), 17, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_store_list(store, u8("{\"limit\":0}"), 11, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_store_list(store, u8("{\"cursor\":\"garbage\"}"), 20, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_store_list(store, u8("{oops"), 5, &out), COG_STATUS_INVALID_ARGUMENT);
    EXPECT(out.ptr == NULL, "no string written on failure");
    EXPECT_STATUS(cog_store_list(store, NULL, 0, &out), COG_STATUS_OK);
    cog_string_free(&out);
}

static void bad_policies(void) {
    cog_store *store = NULL;
    cog_retry_policy policy = cog_retry_policy_default();
    policy.max_attempts = 0;
    EXPECT_STATUS(cog_memory_store_new(&policy, &store), COG_STATUS_INVALID_ARGUMENT);
    policy = cog_retry_policy_default();
    policy.factor = 0.5;
    EXPECT_STATUS(cog_memory_store_new(&policy, &store), COG_STATUS_INVALID_ARGUMENT);
    policy = cog_retry_policy_default();
    policy.initial_delay_millis = -1;
    EXPECT_STATUS(cog_memory_store_new(&policy, &store), COG_STATUS_INVALID_ARGUMENT);
    policy = cog_retry_policy_default();
    policy.max_delay_millis = 0;
    EXPECT_STATUS(cog_sqlite_store_open(u8(":memory:"), 8, &policy, &store), COG_STATUS_INVALID_ARGUMENT);
    EXPECT(store == NULL, "no store on failure");
}

static void corrupt_sqlite_file(void) {
    static const char junk[] = "this is not a SQLite database, just text long enough to look like a header....";
    char path[256], back[sizeof junk + 16];
    cog_store *store = NULL;
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "/tmp/cog-c-corrupt-%ld.db", (long)getpid());
    f = fopen(path, "wb");
    fwrite(junk, 1, sizeof junk - 1, f);
    fclose(f);
    EXPECT_STATUS(cog_sqlite_store_open(u8(path), strlen(path), NULL, &store), COG_STATUS_STORE_CORRUPT);
    EXPECT(store == NULL, "no store for a corrupt file");
    f = fopen(path, "rb");
    n = fread(back, 1, sizeof back, f);
    fclose(f);
    EXPECT(n == sizeof junk - 1 && !memcmp(back, junk, n), "the corrupt file is unchanged");
    unlink(path);
}

int main(void) {
    cog_store *memory = NULL;
    cog_store *sqlite = NULL;
    EXPECT_STATUS(cog_memory_store_new(NULL, &memory), COG_STATUS_OK);
    EXPECT_STATUS(cog_sqlite_store_open(u8(":memory:"), 8, NULL, &sqlite), COG_STATUS_OK);
    null_arguments(memory);
    hostile_keys(memory);
    hostile_keys(sqlite);
    invalid_json_and_arguments(memory);
    invalid_json_and_arguments(sqlite);
    bad_policies();
    corrupt_sqlite_file();
    cog_store_free(memory);
    cog_store_free(sqlite);
    printf("test_idempotency_hostile: %d passed, %d failed\n", passed, failures);
    return failures ? 1 : 0;
}
