/* Revenue analytics through the C ABI: load subscriptions (JSON, CSV, Stripe objects, events),
 * read the report JSON, and get a typed status (never a crash) for bad input. Runs under
 * AddressSanitizer and UBSan. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cognition.h"

static const char SUBS[] =
    "[{\"id\":\"s1\",\"customer_id\":\"c1\",\"plan_id\":\"pro\",\"tier\":\"PRO\",\"status\":\"active\","
    "\"unit_amount\":\"24000\",\"currency\":\"USD\",\"interval\":\"year\",\"interval_count\":2,"
    "\"start\":\"2024-01-01\"},"
    "{\"id\":\"s2\",\"customer_id\":\"c2\",\"plan_id\":\"team\",\"tier\":\"TEAM\",\"status\":\"active\","
    "\"unit_amount\":\"1000\",\"currency\":\"USD\",\"interval\":\"month\",\"quantity\":5,"
    "\"start\":\"2024-02-01\",\"discounts\":[{\"off\":{\"type\":\"percent\",\"value\":\"20\"},\"end\":\"2024-04-01\"}]}]";

static const char CSV[] =
    "id,customer_id,plan_id,tier,status,unit_amount,currency,interval,start\n"
    "s3,c3,pro,PRO,active,500,USD,month,2024-03-01\n";

static const char EVENT[] =
    "{\"id\":\"evt_1\",\"type\":\"customer.subscription.created\",\"created\":1706745600,\"livemode\":false,"
    "\"data\":{\"object\":{\"id\":\"sub_9\",\"object\":\"subscription\",\"customer\":\"cus_9\",\"status\":\"active\","
    "\"created\":1706745600,\"start_date\":1706745600,\"items\":{\"data\":[{\"id\":\"si_1\",\"quantity\":1,"
    "\"price\":{\"id\":\"price_1\",\"currency\":\"usd\",\"unit_amount\":2000,"
    "\"recurring\":{\"interval\":\"month\",\"interval_count\":1}}}]}}}}";

static cog_revenue_ledger *new_ledger(void) {
    cog_revenue_ledger *ledger = NULL;
    EXPECT_STATUS(cog_revenue_ledger_new(NULL, 0, &ledger), COG_STATUS_OK);
    return ledger;
}

static void loads_every_source_and_reports_exact_mrr(void) {
    cog_revenue_ledger *ledger = new_ledger();
    size_t loaded = 0;
    bool applied = false;
    cog_string json = {NULL, 0};
    EXPECT_STATUS(cog_revenue_add_subscriptions_json(ledger, u8(SUBS), strlen(SUBS)), COG_STATUS_OK);
    EXPECT_STATUS(cog_revenue_load_csv(ledger, u8(CSV), strlen(CSV), &loaded), COG_STATUS_OK);
    EXPECT(loaded == 1, "one CSV row loaded");
    EXPECT_STATUS(cog_revenue_apply_event_json(ledger, u8(EVENT), strlen(EVENT), &applied), COG_STATUS_OK);
    EXPECT(applied, "the subscription event changed the ledger");
    /* 24000/24 + 5 x 1000 + 500 + 2000 = 8500 cents on 2024-04-30 (the discount ended on April 1). */
    EXPECT_STATUS(cog_revenue_report_json(ledger, u8("2024-04-30"), 10, &json), COG_STATUS_OK);
    EXPECT(json.ptr != NULL && strstr(json.ptr, "\"mrr\":{\"amount\":\"8500\",\"currency\":\"USD\"}") != NULL,
           "report snapshot MRR is 8500 USD cents");
    EXPECT(json.ptr != NULL && strstr(json.ptr, "\"paying_customers\":4") != NULL, "four paying customers");
    cog_string_free(&json);
    cog_revenue_ledger_free(ledger);
}

static void bad_input_gets_a_typed_status(void) {
    cog_revenue_ledger *ledger = new_ledger();
    size_t loaded = 7;
    bool applied = false;
    cog_string json = {NULL, 0};
    const char *negative = "{\"id\":\"n\",\"customer_id\":\"c\",\"plan_id\":\"p\",\"status\":\"active\","
                           "\"unit_amount\":\"-1\",\"currency\":\"USD\",\"interval\":\"month\",\"start\":\"2024-01-01\"}";
    const char *unknown = "{\"id\":\"u\",\"customer_id\":\"c\",\"plan_id\":\"p\",\"status\":\"active\","
                          "\"unit_amount\":\"1\",\"currency\":\"XYZ\",\"interval\":\"month\",\"start\":\"2024-01-01\"}";
    const char *bad_csv = "id,customer_id,plan_id,status,unit_amount,currency,interval,start\n"
                          "a,c,p,active,ten,USD,month,2024-01-01\n";
    EXPECT_STATUS(cog_revenue_add_subscriptions_json(ledger, u8(negative), strlen(negative)),
                  COG_STATUS_REVENUE_INVALID_SUBSCRIPTION);
    EXPECT_STATUS(cog_revenue_add_subscriptions_json(ledger, u8(unknown), strlen(unknown)),
                  COG_STATUS_REVENUE_UNKNOWN_CURRENCY);
    EXPECT_STATUS(cog_revenue_add_subscriptions_json(ledger, u8("{not json"), 9), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_revenue_load_csv(ledger, u8(bad_csv), strlen(bad_csv), &loaded), COG_STATUS_REVENUE_MALFORMED_CSV);
    EXPECT(strstr(cog_last_error_message(), "line 2, column `unit_amount`") != NULL, "the CSV error names line and column");
    EXPECT(loaded == 7, "out_loaded untouched on failure");
    const char *no_items = "{\"id\":\"sub_1\",\"customer\":\"c\",\"status\":\"active\",\"created\":1}";
    EXPECT_STATUS(cog_revenue_add_stripe_json(ledger, u8(no_items), strlen(no_items)), COG_STATUS_REVENUE_MALFORMED_STRIPE_OBJECT);
    EXPECT(strstr(cog_last_error_message(), "items.data") != NULL, "the Stripe error names the JSON path");
    EXPECT_STATUS(cog_revenue_apply_event_json(ledger, u8("{}"), 2, &applied), COG_STATUS_EVENT_MISSING_FIELD);
    EXPECT_STATUS(cog_revenue_apply_event_json(ledger, u8(EVENT), strlen(EVENT), &applied), COG_STATUS_OK);
    EXPECT_STATUS(cog_revenue_report_json(ledger, u8("2024-02-30"), 10, &json), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_revenue_report_json(ledger, u8("\xff"), 1, &json), COG_STATUS_INVALID_UTF8);
    EXPECT(json.ptr == NULL, "out_json untouched on failure");
    EXPECT_STATUS(cog_revenue_report_json(NULL, u8("2024-01-01"), 10, &json), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_revenue_report_json(ledger, u8("2024-01-01"), 10, NULL), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_revenue_ledger_new(u8("{\"fx\":{\"reporting\":\"ABC\"}}"), 26, NULL), COG_STATUS_NULL_ARGUMENT);
    cog_revenue_ledger_free(ledger);
    cog_revenue_ledger_free(NULL);
}

static void missing_fx_rates_are_errors_naming_the_currency(void) {
    const char *config = "{\"fx\":{\"reporting\":\"USD\",\"rates\":[]}}";
    const char *eur = "{\"id\":\"e\",\"customer_id\":\"c\",\"plan_id\":\"p\",\"status\":\"active\","
                      "\"unit_amount\":\"100\",\"currency\":\"EUR\",\"interval\":\"month\",\"start\":\"2024-01-01\"}";
    cog_revenue_ledger *ledger = NULL;
    cog_string json = {NULL, 0};
    EXPECT_STATUS(cog_revenue_ledger_new(u8(config), strlen(config), &ledger), COG_STATUS_OK);
    EXPECT_STATUS(cog_revenue_add_subscriptions_json(ledger, u8(eur), strlen(eur)), COG_STATUS_OK);
    EXPECT_STATUS(cog_revenue_report_json(ledger, u8("2024-02-01"), 10, &json), COG_STATUS_REVENUE_MISSING_FX_RATE);
    EXPECT(strstr(cog_last_error_message(), "EUR") != NULL, "the message names EUR");
    cog_revenue_ledger_free(ledger);
}

static cog_status query(cog_revenue_ledger *ledger, const char *q, cog_string *out) {
    return cog_revenue_query_json(ledger, u8(q), strlen(q), out);
}

static void each_metric_can_be_asked_for_alone(void) {
    cog_revenue_ledger *ledger = new_ledger();
    cog_string json = {NULL, 0};
    EXPECT_STATUS(cog_revenue_add_subscriptions_json(ledger, u8(SUBS), strlen(SUBS)), COG_STATUS_OK);
    /* s2: 5 x 1000 less 20 % = 4000 in February and March, 5000 from April 1: expansion of 1000. */
    EXPECT_STATUS(query(ledger, "{\"metric\":\"movements\",\"start\":\"2024-02-01\",\"end\":\"2024-04-30\","
                                "\"by_currency\":false}", &json), COG_STATUS_OK);
    EXPECT(json.ptr != NULL && strstr(json.ptr, "\"expansion\":\"1000\"") != NULL, "April expansion of 1000");
    EXPECT(json.ptr != NULL && strstr(json.ptr, "\"by_currency\":[]") != NULL, "no per-currency tables");
    cog_string_free(&json);
    EXPECT_STATUS(query(ledger, "{\"metric\":\"snapshot\",\"as_of\":\"2024-04-30\"}", &json), COG_STATUS_OK);
    EXPECT(json.ptr != NULL && strstr(json.ptr, "\"mrr\":{\"amount\":\"6000\",\"currency\":\"USD\"}") != NULL,
           "snapshot MRR 1000 + 5000");
    cog_string_free(&json);
    EXPECT_STATUS(query(ledger, "{\"metric\":\"cohorts\",\"as_of\":\"2024-04-30\",\"period\":\"quarter\"}", &json),
                  COG_STATUS_OK);
    EXPECT(json.ptr != NULL && strstr(json.ptr, "\"period\":\"quarter\"") != NULL, "quarterly cohorts");
    cog_string_free(&json);
    EXPECT_STATUS(query(ledger, "{\"metric\":\"forecast\",\"as_of\":\"2024-04-30\",\"months\":2}", &json),
                  COG_STATUS_OK);
    EXPECT(json.ptr != NULL && strstr(json.ptr, "\"points\"") != NULL, "a forecast with points");
    cog_string_free(&json);
    cog_revenue_ledger_free(ledger);
}

static void bad_metric_queries_get_a_typed_status(void) {
    cog_revenue_ledger *ledger = new_ledger();
    cog_string json = {NULL, 0};
    static const char *const refused[] = {
        "",
        "not json",
        "[]",
        "{\"metric\":\"moon\",\"as_of\":\"2024-01-01\"}",
        "{\"metric\":\"ltv\",\"as_of\":\"2024-01-01\",\"window\":3}",
        "{\"metric\":\"ltv\",\"as_of\":\"2024-01-01\",\"window_months\":0}",
        "{\"metric\":\"churn\",\"month\":\"2024-02-30\"}",
        "{\"metric\":\"movements\",\"start\":\"2024-05-01\",\"end\":\"2024-01-01\"}",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        EXPECT_STATUS(query(ledger, refused[i], &json), COG_STATUS_INVALID_ARGUMENT);
        EXPECT(json.ptr == NULL, "nothing written on error");
    }
    EXPECT_STATUS(cog_revenue_query_json(ledger, u8("{\"metric\":\"\xff\"}"), 13, &json), COG_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(cog_revenue_query_json(NULL, u8("{}"), 2, &json), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_revenue_query_json(ledger, NULL, 2, &json), COG_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(cog_revenue_query_json(ledger, u8("{}"), 2, NULL), COG_STATUS_NULL_ARGUMENT);
    /* A megabyte of nesting is a JSON error, not a stack overflow. */
    size_t deep = 1 << 20;
    char *nested = malloc(deep);
    memset(nested, '[', deep);
    EXPECT_STATUS(cog_revenue_query_json(ledger, u8(nested), deep, &json), COG_STATUS_INVALID_ARGUMENT);
    free(nested);
    cog_revenue_ledger_free(ledger);
}

int main(void) {
    loads_every_source_and_reports_exact_mrr();
    bad_input_gets_a_typed_status();
    missing_fx_rates_are_errors_naming_the_currency();
    each_metric_can_be_asked_for_alone();
    bad_metric_queries_get_a_typed_status();
    printf("test_revenue: %d passed, %d failed\n", passed, failures);
    return failures == 0 ? 0 : 1;
}
