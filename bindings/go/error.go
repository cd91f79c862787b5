package cognition

import (
	"fmt"
	"strconv"
)

// ErrorCode is the stable number of a failure, equal to the C ABI's cog_status and to the Rust
// core's ErrorCode: 1–99 general, 100–149 webhook signatures, 150–199 event parsing, 200–299
// idempotency stores, 300–399 revenue analytics, 400–499 context memory and packing, 500–599 code
// validation. Codes are never renumbered.
type ErrorCode uint32

// The error codes, one per cog_status value except COG_STATUS_OK.
const (
	// CodeNullArgument: a required pointer argument was NULL (a bug in this package if seen).
	CodeNullArgument ErrorCode = 1
	// CodeInvalidUTF8: a string argument was not valid UTF-8.
	CodeInvalidUTF8 ErrorCode = 2
	// CodePanic: a panic was caught inside the library (a bug; the call had no effect).
	CodePanic ErrorCode = 3
	// CodeInvalidArgument: an argument was outside its documented range.
	CodeInvalidArgument ErrorCode = 4

	// CodeMalformedHeader: the signature header could not be parsed.
	CodeMalformedHeader ErrorCode = 100
	// CodeNoSignatureForScheme: no signature with the expected scheme (v1) was present.
	CodeNoSignatureForScheme ErrorCode = 101
	// CodeSignatureMismatch: no signature matched the payload under any secret.
	CodeSignatureMismatch ErrorCode = 102
	// CodeTimestampOutsideTolerance: the signed timestamp was outside the tolerance.
	CodeTimestampOutsideTolerance ErrorCode = 103
	// CodeEmptySecret: a secret was empty, or no secret was given.
	CodeEmptySecret ErrorCode = 104
	// CodeHeaderTooLarge: the header was over the size limit (8 KiB).
	CodeHeaderTooLarge ErrorCode = 105
	// CodePayloadTooLarge: the payload was over the size limit (16 MiB).
	CodePayloadTooLarge ErrorCode = 106
	// CodeInvalidSecret: a secret was not in the expected form (Standard Webhooks: whsec_<base64>).
	CodeInvalidSecret ErrorCode = 107
	// CodeMissingHeader: a required header was missing or empty.
	CodeMissingHeader ErrorCode = 108

	// CodeEventInvalidJSON: the event payload was not valid JSON.
	CodeEventInvalidJSON ErrorCode = 150
	// CodeEventMissingField: a required event field was missing.
	CodeEventMissingField ErrorCode = 151
	// CodeEventWrongType: an event field had the wrong type.
	CodeEventWrongType ErrorCode = 152

	// CodeInvalidKey: an idempotency key was empty or over 1024 bytes.
	CodeInvalidKey ErrorCode = 200
	// CodeStaleToken: a lease token was stale; another worker took the key over.
	CodeStaleToken ErrorCode = 201
	// CodeRecordNotFound: no record has the key.
	CodeRecordNotFound ErrorCode = 202
	// CodeInvalidState: the operation does not apply to the record's status.
	CodeInvalidState ErrorCode = 203
	// CodeInvalidResult: a result was not valid JSON.
	CodeInvalidResult ErrorCode = 204
	// CodeFingerprintConflict: the key was already used with a different payload.
	CodeFingerprintConflict ErrorCode = 205
	// CodeStoreCorrupt: the store's data is corrupt or from a newer schema.
	CodeStoreCorrupt ErrorCode = 206
	// CodeStoreBackend: the store's backend failed.
	CodeStoreBackend ErrorCode = 207

	// CodeContextBudgetTooSmall: the CRITICAL entries do not fit the token budget, even compressed.
	CodeContextBudgetTooSmall ErrorCode = 400
	// CodeContextUnknownEncoding: an encoding name was not one of the bundled encodings (`o200k_base`, `cl100k_base`).
	CodeContextUnknownEncoding ErrorCode = 401
	// CodeContextSensitiveContent: content held secrets or personal data and the masking mode is `reject`.
	CodeContextSensitiveContent ErrorCode = 402
	// CodeContextEntryNotFound: no entry of the tenant has the id.
	CodeContextEntryNotFound ErrorCode = 403
	// CodeContextInvalidTenant: a tenant was empty, too long or contained control characters.
	CodeContextInvalidTenant ErrorCode = 404
	// CodeContextEntryTooLarge: an entry's content or summary was over the size limit.
	CodeContextEntryTooLarge ErrorCode = 405
	// CodeContextEmptyContent: an entry's content was empty.
	CodeContextEmptyContent ErrorCode = 406
	// CodeContextDuplicateId: the tenant already has an entry with the id.
	CodeContextDuplicateId ErrorCode = 407
	// CodeContextInvalidImportance: an importance name was not critical, high, medium, low or trivial.
	CodeContextInvalidImportance ErrorCode = 408
	// CodeContextStoreBackend: the long-term context store failed.
	CodeContextStoreBackend ErrorCode = 409
	// CodeContextLimitExceeded: a context argument was over a documented limit (query, id, entry count).
	CodeContextLimitExceeded ErrorCode = 410
	// CodeContextTokenizerFailed: a user-supplied tokenizer failed (raised, or returned something that is not a count).
	CodeContextTokenizerFailed ErrorCode = 411
	// CodeRevenueInvalidSubscription: a subscription's fields contradict each other or are out of range.
	CodeRevenueInvalidSubscription ErrorCode = 300
	// CodeRevenueUnknownCurrency: a currency code is not a supported ISO 4217 code.
	CodeRevenueUnknownCurrency ErrorCode = 301
	// CodeRevenueMissingFXRate: a reporting-currency figure needs an FX rate the table does not have.
	CodeRevenueMissingFXRate ErrorCode = 302
	// CodeRevenueInvalidFXRate: an FX rate is not a positive decimal with at most 12 decimal places.
	CodeRevenueInvalidFXRate ErrorCode = 303
	// CodeRevenueMalformedCSV: rows of a subscriptions CSV could not be read; nothing was loaded.
	CodeRevenueMalformedCSV ErrorCode = 304
	// CodeRevenueMalformedStripeObject: a Stripe subscription object or event payload is malformed.
	CodeRevenueMalformedStripeObject ErrorCode = 305
	// CodeRevenueEventOutOfOrder: an event is older than one already applied to the subscription.
	CodeRevenueEventOutOfOrder ErrorCode = 306
	// CodeRevenueDuplicateID: a subscription id is already in the ledger.
	CodeRevenueDuplicateID ErrorCode = 307
	// CodeRevenueAmountOutOfRange: an amount or a sum is beyond what the ledger computes exactly.
	CodeRevenueAmountOutOfRange ErrorCode = 308
	// CodeValidationInputTooLarge: the source to validate exceeded the size limit (16 MiB).
	CodeValidationInputTooLarge ErrorCode = 500
	// CodeValidationInvalidUTF8: the source to validate was not valid UTF-8.
	CodeValidationInvalidUTF8 ErrorCode = 501
	// CodeValidationUnknownLevel: the level was not basic, standard, strict or paranoid.
	CodeValidationUnknownLevel ErrorCode = 502
	// CodeValidationPathIO: a path given to validate could not be read or listed.
	CodeValidationPathIO ErrorCode = 503
	// CodeValidationTestRunner: the test runner (PARANOID) could not run the tests at all.
	CodeValidationTestRunner ErrorCode = 504
)

// String returns the code's stable name as used in the shared test vectors
// ("SIGNATURE_MISMATCH", …), or "UNKNOWN" for a number that is no code.
func (c ErrorCode) String() string {
	return statusName(uint32(c))
}

// Sentinels for errors.Is: an error matches a sentinel when their codes are equal.
var (
	ErrNullArgument              = &Error{Code: CodeNullArgument}
	ErrInvalidUTF8               = &Error{Code: CodeInvalidUTF8}
	ErrPanic                     = &Error{Code: CodePanic}
	ErrInvalidArgument           = &Error{Code: CodeInvalidArgument}
	ErrMalformedHeader           = &Error{Code: CodeMalformedHeader}
	ErrNoSignatureForScheme      = &Error{Code: CodeNoSignatureForScheme}
	ErrSignatureMismatch         = &Error{Code: CodeSignatureMismatch}
	ErrTimestampOutsideTolerance = &Error{Code: CodeTimestampOutsideTolerance}
	ErrEmptySecret               = &Error{Code: CodeEmptySecret}
	ErrHeaderTooLarge            = &Error{Code: CodeHeaderTooLarge}
	ErrPayloadTooLarge           = &Error{Code: CodePayloadTooLarge}
	ErrInvalidSecret             = &Error{Code: CodeInvalidSecret}
	ErrMissingHeader             = &Error{Code: CodeMissingHeader}
	ErrEventInvalidJSON          = &Error{Code: CodeEventInvalidJSON}
	ErrEventMissingField         = &Error{Code: CodeEventMissingField}
	ErrEventWrongType            = &Error{Code: CodeEventWrongType}
	ErrInvalidKey                = &Error{Code: CodeInvalidKey}
	ErrStaleToken                = &Error{Code: CodeStaleToken}
	ErrRecordNotFound            = &Error{Code: CodeRecordNotFound}
	ErrInvalidState              = &Error{Code: CodeInvalidState}
	ErrInvalidResult             = &Error{Code: CodeInvalidResult}
	ErrFingerprintConflict       = &Error{Code: CodeFingerprintConflict}
	ErrStoreCorrupt              = &Error{Code: CodeStoreCorrupt}
	ErrStoreBackend              = &Error{Code: CodeStoreBackend}
	ErrContextBudgetTooSmall     = &Error{Code: CodeContextBudgetTooSmall}
	ErrContextUnknownEncoding    = &Error{Code: CodeContextUnknownEncoding}
	ErrContextSensitiveContent   = &Error{Code: CodeContextSensitiveContent}
	ErrContextEntryNotFound      = &Error{Code: CodeContextEntryNotFound}
	ErrContextInvalidTenant      = &Error{Code: CodeContextInvalidTenant}
	ErrContextEntryTooLarge      = &Error{Code: CodeContextEntryTooLarge}
	ErrContextEmptyContent       = &Error{Code: CodeContextEmptyContent}
	ErrContextDuplicateId        = &Error{Code: CodeContextDuplicateId}
	ErrContextInvalidImportance  = &Error{Code: CodeContextInvalidImportance}
	ErrContextStoreBackend       = &Error{Code: CodeContextStoreBackend}
	ErrContextLimitExceeded      = &Error{Code: CodeContextLimitExceeded}
	ErrContextTokenizerFailed    = &Error{Code: CodeContextTokenizerFailed}

	ErrRevenueInvalidSubscription   = &Error{Code: CodeRevenueInvalidSubscription}
	ErrRevenueUnknownCurrency       = &Error{Code: CodeRevenueUnknownCurrency}
	ErrRevenueMissingFXRate         = &Error{Code: CodeRevenueMissingFXRate}
	ErrRevenueInvalidFXRate         = &Error{Code: CodeRevenueInvalidFXRate}
	ErrRevenueMalformedCSV          = &Error{Code: CodeRevenueMalformedCSV}
	ErrRevenueMalformedStripeObject = &Error{Code: CodeRevenueMalformedStripeObject}
	ErrRevenueEventOutOfOrder       = &Error{Code: CodeRevenueEventOutOfOrder}
	ErrRevenueDuplicateID           = &Error{Code: CodeRevenueDuplicateID}
	ErrRevenueAmountOutOfRange      = &Error{Code: CodeRevenueAmountOutOfRange}
	ErrValidationInputTooLarge      = &Error{Code: CodeValidationInputTooLarge}
	ErrValidationInvalidUTF8        = &Error{Code: CodeValidationInvalidUTF8}
	ErrValidationUnknownLevel       = &Error{Code: CodeValidationUnknownLevel}
	ErrValidationPathIO             = &Error{Code: CodeValidationPathIO}
	ErrValidationTestRunner         = &Error{Code: CodeValidationTestRunner}
)

// Error is every failure this package returns. Message says what was wrong and what was
// expected; it never contains a secret.
type Error struct {
	Code    ErrorCode
	Message string
}

// Error formats the error as "cognition: <message> (<CODE_NAME>)".
func (e *Error) Error() string {
	name := e.Code.String()
	if name == "UNKNOWN" {
		name = "code " + strconv.FormatUint(uint64(e.Code), 10)
	}
	if e.Message == "" {
		return "cognition: " + name
	}
	return fmt.Sprintf("cognition: %s (%s)", e.Message, name)
}

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, ErrSignatureMismatch) works whatever the message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && e != nil && t.Code == e.Code
}
