package cognition_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

const (
	testSecret  = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
	testPayload = `{"id": "evt_1", "object": "event", "type": "invoice.paid"}`
	testHeader  = "t=1700000000,v1=fd711674d75021c541989b49076cf8ad37957e1c90dda207f1fd255e3484d518"
)

var testNow = cognition.WithNow(time.Unix(1700000000, 0))

func TestErrorsIsMatchesTheSentinelOfTheSameCodeOnly(t *testing.T) {
	_, err := cognition.VerifyWebhook([]byte("tampered"), testHeader, []string{testSecret}, testNow)
	if !errors.Is(err, cognition.ErrSignatureMismatch) {
		t.Fatalf("errors.Is(%v, ErrSignatureMismatch) = false", err)
	}
	if errors.Is(err, cognition.ErrMalformedHeader) {
		t.Fatal("a mismatch also matched ErrMalformedHeader")
	}
	wrapped := fmt.Errorf("handling delivery: %w", err)
	if !errors.Is(wrapped, cognition.ErrSignatureMismatch) {
		t.Fatal("errors.Is does not see through wrapping")
	}
}

func TestErrorsAsExposesCodeAndMessage(t *testing.T) {
	_, err := cognition.VerifyWebhook([]byte(testPayload), "v1=abc", []string{testSecret}, testNow)
	var cerr *cognition.Error
	if !errors.As(fmt.Errorf("wrapped: %w", err), &cerr) {
		t.Fatalf("errors.As(*Error) failed on %T", err)
	}
	if cerr.Code != cognition.CodeMalformedHeader {
		t.Fatalf("code: want MALFORMED_HEADER, got %v", cerr.Code)
	}
	if cerr.Message == "" {
		t.Fatal("empty message from cog_last_error_message")
	}
	if !strings.Contains(err.Error(), cerr.Message) || !strings.Contains(err.Error(), "MALFORMED_HEADER") {
		t.Fatalf("Error() = %q lacks the message or the code name", err.Error())
	}
}

func TestErrorCodeNamesMatchTheLibrary(t *testing.T) {
	want := map[cognition.ErrorCode]string{
		cognition.CodeNullArgument:                 "NULL_ARGUMENT",
		cognition.CodeInvalidUTF8:                  "INVALID_UTF8",
		cognition.CodePanic:                        "PANIC",
		cognition.CodeInvalidArgument:              "INVALID_ARGUMENT",
		cognition.CodeMalformedHeader:              "MALFORMED_HEADER",
		cognition.CodeNoSignatureForScheme:         "NO_SIGNATURE_FOR_SCHEME",
		cognition.CodeSignatureMismatch:            "SIGNATURE_MISMATCH",
		cognition.CodeTimestampOutsideTolerance:    "TIMESTAMP_OUTSIDE_TOLERANCE",
		cognition.CodeEmptySecret:                  "EMPTY_SECRET",
		cognition.CodeHeaderTooLarge:               "HEADER_TOO_LARGE",
		cognition.CodePayloadTooLarge:              "PAYLOAD_TOO_LARGE",
		cognition.CodeInvalidSecret:                "INVALID_SECRET",
		cognition.CodeMissingHeader:                "MISSING_HEADER",
		cognition.CodeEventInvalidJSON:             "EVENT_INVALID_JSON",
		cognition.CodeEventMissingField:            "EVENT_MISSING_FIELD",
		cognition.CodeEventWrongType:               "EVENT_WRONG_TYPE",
		cognition.CodeInvalidKey:                   "INVALID_KEY",
		cognition.CodeStaleToken:                   "STALE_TOKEN",
		cognition.CodeRecordNotFound:               "RECORD_NOT_FOUND",
		cognition.CodeInvalidState:                 "INVALID_STATE",
		cognition.CodeInvalidResult:                "INVALID_RESULT",
		cognition.CodeFingerprintConflict:          "FINGERPRINT_CONFLICT",
		cognition.CodeStoreCorrupt:                 "STORE_CORRUPT",
		cognition.CodeStoreBackend:                 "STORE_BACKEND",
		cognition.CodeContextBudgetTooSmall:        "CONTEXT_BUDGET_TOO_SMALL",
		cognition.CodeContextUnknownEncoding:       "CONTEXT_UNKNOWN_ENCODING",
		cognition.CodeContextSensitiveContent:      "CONTEXT_SENSITIVE_CONTENT",
		cognition.CodeContextEntryNotFound:         "CONTEXT_ENTRY_NOT_FOUND",
		cognition.CodeContextInvalidTenant:         "CONTEXT_INVALID_TENANT",
		cognition.CodeContextEntryTooLarge:         "CONTEXT_ENTRY_TOO_LARGE",
		cognition.CodeContextEmptyContent:          "CONTEXT_EMPTY_CONTENT",
		cognition.CodeContextDuplicateId:           "CONTEXT_DUPLICATE_ID",
		cognition.CodeContextInvalidImportance:     "CONTEXT_INVALID_IMPORTANCE",
		cognition.CodeContextStoreBackend:          "CONTEXT_STORE_BACKEND",
		cognition.CodeContextLimitExceeded:         "CONTEXT_LIMIT_EXCEEDED",
		cognition.CodeContextTokenizerFailed:       "CONTEXT_TOKENIZER_FAILED",
		cognition.CodeRevenueInvalidSubscription:   "REVENUE_INVALID_SUBSCRIPTION",
		cognition.CodeRevenueUnknownCurrency:       "REVENUE_UNKNOWN_CURRENCY",
		cognition.CodeRevenueMissingFXRate:         "REVENUE_MISSING_FX_RATE",
		cognition.CodeRevenueInvalidFXRate:         "REVENUE_INVALID_FX_RATE",
		cognition.CodeRevenueMalformedCSV:          "REVENUE_MALFORMED_CSV",
		cognition.CodeRevenueMalformedStripeObject: "REVENUE_MALFORMED_STRIPE_OBJECT",
		cognition.CodeRevenueEventOutOfOrder:       "REVENUE_EVENT_OUT_OF_ORDER",
		cognition.CodeRevenueDuplicateID:           "REVENUE_DUPLICATE_ID",
		cognition.CodeRevenueAmountOutOfRange:      "REVENUE_AMOUNT_OUT_OF_RANGE",
		cognition.CodeValidationInputTooLarge:      "VALIDATION_INPUT_TOO_LARGE",
		cognition.CodeValidationInvalidUTF8:        "VALIDATION_INVALID_UTF8",
		cognition.CodeValidationUnknownLevel:       "VALIDATION_UNKNOWN_LEVEL",
		cognition.CodeValidationPathIO:             "VALIDATION_PATH_IO",
		cognition.CodeValidationTestRunner:         "VALIDATION_TEST_RUNNER",
	}
	for code, name := range want {
		if got := code.String(); got != name {
			t.Errorf("ErrorCode(%d).String() = %q, want %q", uint32(code), got, name)
		}
	}
	if got := cognition.ErrorCode(99).String(); got != "UNKNOWN" {
		t.Errorf("ErrorCode(99).String() = %q, want UNKNOWN", got)
	}
	library, err := cognition.ErrorCodes()
	if err != nil {
		t.Fatal(err)
	}
	for name, code := range library {
		if want[code] != name {
			t.Errorf("the library's %s (%d) has no Go constant", name, uint32(code))
		}
	}
	if len(library) != len(want) {
		t.Errorf("the library has %d codes, Go has %d", len(library), len(want))
	}
}

func TestSentinelsCarryTheirCodes(t *testing.T) {
	sentinels := map[*cognition.Error]cognition.ErrorCode{
		cognition.ErrMalformedHeader:              cognition.CodeMalformedHeader,
		cognition.ErrNoSignatureForScheme:         cognition.CodeNoSignatureForScheme,
		cognition.ErrSignatureMismatch:            cognition.CodeSignatureMismatch,
		cognition.ErrTimestampOutsideTolerance:    cognition.CodeTimestampOutsideTolerance,
		cognition.ErrEmptySecret:                  cognition.CodeEmptySecret,
		cognition.ErrHeaderTooLarge:               cognition.CodeHeaderTooLarge,
		cognition.ErrPayloadTooLarge:              cognition.CodePayloadTooLarge,
		cognition.ErrInvalidSecret:                cognition.CodeInvalidSecret,
		cognition.ErrMissingHeader:                cognition.CodeMissingHeader,
		cognition.ErrEventInvalidJSON:             cognition.CodeEventInvalidJSON,
		cognition.ErrEventMissingField:            cognition.CodeEventMissingField,
		cognition.ErrEventWrongType:               cognition.CodeEventWrongType,
		cognition.ErrInvalidArgument:              cognition.CodeInvalidArgument,
		cognition.ErrInvalidUTF8:                  cognition.CodeInvalidUTF8,
		cognition.ErrNullArgument:                 cognition.CodeNullArgument,
		cognition.ErrPanic:                        cognition.CodePanic,
		cognition.ErrRevenueInvalidSubscription:   cognition.CodeRevenueInvalidSubscription,
		cognition.ErrRevenueUnknownCurrency:       cognition.CodeRevenueUnknownCurrency,
		cognition.ErrRevenueMissingFXRate:         cognition.CodeRevenueMissingFXRate,
		cognition.ErrRevenueInvalidFXRate:         cognition.CodeRevenueInvalidFXRate,
		cognition.ErrRevenueMalformedCSV:          cognition.CodeRevenueMalformedCSV,
		cognition.ErrRevenueMalformedStripeObject: cognition.CodeRevenueMalformedStripeObject,
		cognition.ErrRevenueEventOutOfOrder:       cognition.CodeRevenueEventOutOfOrder,
		cognition.ErrRevenueDuplicateID:           cognition.CodeRevenueDuplicateID,
		cognition.ErrRevenueAmountOutOfRange:      cognition.CodeRevenueAmountOutOfRange,
	}
	for sentinel, code := range sentinels {
		if sentinel.Code != code {
			t.Errorf("sentinel for %v has code %v", code, sentinel.Code)
		}
		if !errors.Is(&cognition.Error{Code: code, Message: "any"}, sentinel) {
			t.Errorf("errors.Is fails for %v", code)
		}
	}
}

func TestErrorMessageNeverContainsTheSecret(t *testing.T) {
	const secret = "whsec_SuperSecretValueNeverEchoed9f8e7d"
	const standardBad = "whsec_%%%SuperSecretNotBase64%%%"
	var errs []error
	_, err := cognition.VerifyWebhook([]byte("tampered"), testHeader, []string{secret}, testNow)
	errs = append(errs, err)
	_, err = cognition.VerifyWebhook([]byte(testPayload), testHeader, []string{secret, ""}, testNow)
	errs = append(errs, err)
	_, err = cognition.ConstructEvent([]byte("{"), testHeader, []string{secret}, testNow)
	errs = append(errs, err)
	_, err = cognition.SignStandardWebhook("msg_1", time.Unix(1700000000, 0), []byte("{}"), standardBad)
	errs = append(errs, err)
	_, err = cognition.VerifyStandardWebhook([]byte("{}"), standardHeaders("msg_1", "1700000000", "v1,AAAA"),
		[]string{standardBad}, testNow)
	errs = append(errs, err)
	_, err = cognition.SignWebhook([]byte("{}"), "whsec_\xffSuperSecretInvalidUTF8", time.Unix(1700000000, 0))
	errs = append(errs, err)

	for i, err := range errs {
		if err == nil {
			t.Fatalf("case %d: expected an error", i)
		}
		msg := err.Error()
		for _, leak := range []string{"SuperSecret", secret, standardBad} {
			if strings.Contains(msg, leak) {
				t.Errorf("case %d: message %q contains the secret", i, msg)
			}
		}
	}
}

func TestNegativeToleranceIsInvalidArgument(t *testing.T) {
	_, err := cognition.VerifyWebhook([]byte(testPayload), testHeader, []string{testSecret},
		testNow, cognition.WithTolerance(-time.Second))
	if !errors.Is(err, cognition.ErrInvalidArgument) {
		t.Fatalf("want INVALID_ARGUMENT, got %v", err)
	}
	_, err = cognition.ConstructEvent([]byte(testPayload), testHeader, []string{testSecret},
		testNow, cognition.WithTolerance(-time.Second))
	if !errors.Is(err, cognition.ErrInvalidArgument) {
		t.Fatalf("ConstructEvent: want INVALID_ARGUMENT, got %v", err)
	}
}

func TestMoreThan32SecretsIsInvalidArgument(t *testing.T) {
	secrets := make([]string, 33)
	for i := range secrets {
		secrets[i] = testSecret
	}
	_, err := cognition.VerifyWebhook([]byte(testPayload), testHeader, secrets, testNow)
	if !errors.Is(err, cognition.ErrInvalidArgument) {
		t.Fatalf("want INVALID_ARGUMENT, got %v", err)
	}
}
