/* Bad input through the C ABI: NULLs, zero lengths, invalid UTF-8, huge and hostile values.
 * Every call must return a status (never crash), leave out-parameters untouched on failure and
 * explain itself through cog_last_error_message(). Runs under AddressSanitizer and UBSan. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cognition.h"




static const char SECRET[] = "whsec_hostile_input_secret";
static const char BODY[] = "{\"id\":\"evt_1\",\"type\":\"invoice.paid\",\"created\":1,\"livemode\":false,\"data\":{\"object\":{}}}";
static const int64_t NOW = 1700000000;

static cog_string signed_header(void) {
    cog_string header = {NULL, 0};
    if (cog_webhook_sign(u8(BODY), strlen(BODY), u8(SECRET), strlen(SECRET), NOW, &header) != COG_STATUS_OK) {
        fprintf(stderr, "signing failed: %s\n", cog_last_error_message());
        exit(1);
    }
    return header;
}

static void null_out_pointers_are_rejected(void) {
    cog_str secret = {u8(SECRET), strlen(SECRET)};
    cog_string header = signed_header();
    EXPECT_STATUS(cog_webhook_sign(u8(BODY), strlen(BODY), u8(SECRET), strlen(SECRET), NOW, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_webhook_verify(u8(BODY), strlen(BODY), u8(header.ptr), header.len, &secret, 1, 300, NOW, NULL),
                  COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_webhook_construct_event(u8(BODY), strlen(BODY), u8(header.ptr), header.len, &secret, 1, 300, NOW, NULL),
                  COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_event_parse(u8(BODY), strlen(BODY), NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT(strstr(cog_last_error_message(), "out_event") != NULL, "the message names the NULL argument");
    cog_string_free(&header);
}

static void null_inputs_with_a_length_are_rejected(void) {
    cog_str secret = {u8(SECRET), strlen(SECRET)};
    cog_str null_secret = {NULL, 5};
    int64_t ts = 42;
    EXPECT_STATUS(cog_webhook_verify(NULL, 10, u8("t=1"), 3, &secret, 1, 300, NOW, &ts), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_webhook_verify(u8(BODY), 3, NULL, 3, &secret, 1, 300, NOW, &ts), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_webhook_verify(u8(BODY), 3, u8("t=1"), 3, NULL, 1, 300, NOW, &ts), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_webhook_verify(u8(BODY), 3, u8("t=1"), 3, &null_secret, 1, 300, NOW, &ts), COG_STATUS_NULL_ARGUMENT);
    EXPECT(ts == 42, "out_timestamp untouched on failure");
}

static void zero_lengths_are_empty_strings(void) {
    cog_str secret = {u8(SECRET), strlen(SECRET)};
    cog_str empty_secret = {NULL, 0};
    cog_string header = {NULL, 0};
    int64_t ts = 0;
    EXPECT_STATUS(cog_webhook_sign(NULL, 0, u8(SECRET), strlen(SECRET), NOW, &header), COG_STATUS_OK);
    EXPECT_STATUS(cog_webhook_verify(NULL, 0, u8(header.ptr), header.len, &secret, 1, 300, NOW, &ts), COG_STATUS_OK);
    EXPECT(ts == NOW, "an empty payload verifies");
    EXPECT_STATUS(cog_webhook_verify(NULL, 0, NULL, 0, &secret, 1, 300, NOW, &ts), COG_STATUS_MALFORMED_HEADER);
    EXPECT_STATUS(cog_webhook_verify(NULL, 0, u8(header.ptr), header.len, NULL, 0, 300, NOW, &ts), COG_STATUS_EMPTY_SECRET);
    EXPECT_STATUS(cog_webhook_verify(NULL, 0, u8(header.ptr), header.len, &empty_secret, 1, 300, NOW, &ts),
                  COG_STATUS_EMPTY_SECRET);
    EXPECT_STATUS(cog_webhook_sign(NULL, 0, NULL, 0, NOW, &header), COG_STATUS_EMPTY_SECRET);
    cog_string_free(&header);
}

static void invalid_utf8_is_reported(void) {
    const char bad[] = "t=1,v1=\xff\xfe";
    cog_str secret = {u8(SECRET), strlen(SECRET)};
    cog_string out = {NULL, 0};
    int64_t ts = 0;
    EXPECT_STATUS(cog_webhook_verify(u8(BODY), 3, u8(bad), strlen(bad), &secret, 1, 300, NOW, &ts), COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(cog_webhook_sign(u8(BODY), 3, u8("\xc3\x28"), 2, NOW, &out), COG_STATUS_INVALID_UTF8);
    EXPECT_STATUS(cog_standard_webhook_sign(u8("\xff"), 1, NOW, u8(BODY), 3, u8(SECRET), strlen(SECRET), &out),
                  COG_STATUS_INVALID_UTF8);
    EXPECT(out.ptr == NULL, "out string untouched on failure");
    /* Non-UTF-8 secrets are bytes like any other for Stripe verification: just a mismatch. */
    {
        cog_str binary_secret = {u8("\xff\x00\x01"), 3};
        cog_string header = signed_header();
        EXPECT_STATUS(cog_webhook_verify(u8(BODY), strlen(BODY), u8(header.ptr), header.len, &binary_secret, 1, 300, NOW, &ts),
                      COG_STATUS_SIGNATURE_MISMATCH);
        cog_string_free(&header);
    }
}

static void huge_and_hostile_values_are_bounded(void) {
    size_t big = 17u * 1024u * 1024u;
    uint8_t *payload = (uint8_t *)calloc(big, 1);
    char *header = (char *)malloc(70000);
    cog_str secret = {u8(SECRET), strlen(SECRET)};
    cog_str many[40];
    cog_event *event = NULL;
    int64_t ts = 0;
    size_t i;
    char *deep;
    EXPECT_STATUS(cog_webhook_verify(payload, big, u8("t=1,v1=00"), 9, &secret, 1, 300, NOW, &ts), COG_STATUS_PAYLOAD_TOO_LARGE);
    memset(header, 'a', 69999);
    header[69999] = '\0';
    memcpy(header, "t=1,v1=", 7);
    EXPECT_STATUS(cog_webhook_verify(u8(BODY), 3, u8(header), strlen(header), &secret, 1, 300, NOW, &ts), COG_STATUS_HEADER_TOO_LARGE);
    for (i = 0; i < 40; i++) many[i] = secret;
    EXPECT_STATUS(cog_webhook_verify(u8(BODY), 3, u8("t=1,v1=00"), 9, many, 40, 300, NOW, &ts), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_webhook_verify(u8(BODY), 3, u8("t=1,v1=00"), 9, many, SIZE_MAX, 300, NOW, &ts), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_webhook_verify(u8(BODY), 3, u8("t=1,v1=00"), 9, &secret, 1, UINT64_MAX, INT64_MIN, &ts),
                  COG_STATUS_SIGNATURE_MISMATCH);
    /* 100 000 nested arrays: a recursion limit, not a stack overflow. */
    deep = (char *)malloc(200001);
    memset(deep, '[', 100000);
    memset(deep + 100000, ']', 100000);
    deep[200000] = '\0';
    EXPECT_STATUS(cog_event_parse(u8(deep), 200000, &event), COG_STATUS_EVENT_INVALID_JSON);
    EXPECT(event == NULL, "out_event untouched on failure");
    free(deep);
    free(header);
    free(payload);
}

static void null_handles_are_safe(void) {
    cog_string s = {NULL, 0};
    int64_t created = 7;
    bool livemode = true;
    cog_string_free(NULL);
    cog_string_free(&s);
    cog_event_free(NULL);
    EXPECT(cog_event_kind_of(NULL) == COG_EVENT_KIND_OTHER, "kind of NULL is OTHER");
    EXPECT_STATUS(cog_event_id(NULL, &s), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_event_created(NULL, &created), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_event_livemode(NULL, &livemode), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_event_to_json(NULL, &s), COG_STATUS_NULL_ARGUMENT);
    EXPECT(created == 7 && livemode, "outs untouched");
}

static void event_accessors_read_the_envelope(void) {
    cog_event *event = NULL;
    cog_string s = {NULL, 0};
    EXPECT_STATUS(cog_event_parse(u8(BODY), strlen(BODY), &event), COG_STATUS_OK);
    EXPECT(cog_event_kind_of(event) == COG_EVENT_KIND_INVOICE_PAID, "kind is INVOICE_PAID");
    EXPECT_STATUS(cog_event_type(event, &s), COG_STATUS_OK);
    EXPECT(strcmp(s.ptr, "invoice.paid") == 0, "type string is NUL-terminated");
    cog_string_free(&s);
    cog_event_free(event);
}

static void status_names_and_versions(void) {
    EXPECT(strcmp(cog_status_name(COG_STATUS_OK), "OK") == 0, "OK name");
    EXPECT(strcmp(cog_status_name(COG_STATUS_SIGNATURE_MISMATCH), "SIGNATURE_MISMATCH") == 0, "mismatch name");
    EXPECT(strcmp(cog_status_name(99999), "UNKNOWN") == 0, "unknown number");
    EXPECT(strcmp(cog_version(), COGNITION_VERSION) == 0, "header and library versions agree");
    EXPECT(cog_unix_now() > 1600000000, "system clock");
    {
        cog_string table = {NULL, 0};
        EXPECT_STATUS(cog_error_codes_json(&table), COG_STATUS_OK);
        EXPECT(table.ptr != NULL && strstr(table.ptr, "\"SIGNATURE_MISMATCH\":102") != NULL, "code table lists the codes");
        EXPECT(table.ptr != NULL && strstr(table.ptr, "\"STORE_BACKEND\":207") != NULL, "code table covers stores");
        cog_string_free(&table);
        EXPECT_STATUS(cog_error_codes_json(NULL), COG_STATUS_NULL_ARGUMENT);
    }
}

static void *fail_in_thread(void *arg) {
    int64_t ts = 0;
    cog_str secret = {u8(SECRET), strlen(SECRET)};
    (void)arg;
    /* A fresh thread has no message yet, whatever other threads did. */
    if (cog_last_error_message()[0] != '\0') return (void *)1;
    cog_webhook_verify(u8(BODY), 3, u8("t=x"), 3, &secret, 1, 300, NOW, &ts);
    return strstr(cog_last_error_message(), "malformed") ? NULL : (void *)1;
}

static void last_error_is_per_thread(void) {
    pthread_t threads[4];
    void *result;
    int i, ok = 1;
    int64_t ts = 0;
    cog_str secret = {u8(SECRET), strlen(SECRET)};
    cog_webhook_verify(u8(BODY), 3, u8("t=1,v1=00"), 9, &secret, 1, 300, NOW, &ts); /* mismatch here */
    for (i = 0; i < 4; i++) pthread_create(&threads[i], NULL, fail_in_thread, NULL);
    for (i = 0; i < 4; i++) {
        pthread_join(threads[i], &result);
        ok = ok && result == NULL;
    }
    EXPECT(ok, "each thread sees its own last error");
    EXPECT(strstr(cog_last_error_message(), "no signature matches") != NULL, "main thread keeps its message");
    EXPECT(strstr(cog_last_error_message(), SECRET) == NULL, "the message never contains the secret");
}

int main(void) {
    null_out_pointers_are_rejected();
    null_inputs_with_a_length_are_rejected();
    zero_lengths_are_empty_strings();
    invalid_utf8_is_reported();
    huge_and_hostile_values_are_bounded();
    null_handles_are_safe();
    event_accessors_read_the_envelope();
    status_names_and_versions();
    last_error_is_per_thread();
    printf("hostile inputs: %d passed, %d failed\n", passed, failures);
    return failures == 0 ? 0 : 1;
}
