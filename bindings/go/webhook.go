package cognition

// #include "cognition.h"
import "C"

import (
	"net/http"
	"runtime"
	"strings"
	"time"
)

// SignWebhook signs payload as Stripe does at timestamp and returns the Stripe-Signature header
// value ("t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">"). Use it to test your own
// webhook handlers.
//
// Errors: [CodeEmptySecret], [CodeInvalidUTF8] (secret), [CodePayloadTooLarge],
// [CodeInvalidArgument] (timestamp before 1970).
func SignWebhook(payload []byte, secret string, timestamp time.Time) (string, error) {
	var out C.cog_string
	err := call(func() C.cog_status {
		p, pn := bytesIn(payload)
		s, sn := strIn(secret)
		return C.cog_webhook_sign(p, pn, s, sn, C.int64_t(timestamp.Unix()), &out)
	})
	runtime.KeepAlive(payload)
	runtime.KeepAlive(secret)
	if err != nil {
		return "", err
	}
	return takeString(&out), nil
}

// VerifyWebhook checks a Stripe-Signature header against the raw request body and returns the
// signed time (UTC). Any v1 signature matching under any of secrets passes, so during a secret
// rotation pass both the new and the old secret (at most 32); comparison is constant-time.
// Options: [WithTolerance] (default 300 s) and [WithNow] (default time.Now()).
//
// Errors: [CodeMalformedHeader], [CodeNoSignatureForScheme], [CodeSignatureMismatch],
// [CodeTimestampOutsideTolerance], [CodeEmptySecret] (no secrets, or an empty one),
// [CodeHeaderTooLarge], [CodePayloadTooLarge], [CodeInvalidUTF8] (header),
// [CodeInvalidArgument] (negative tolerance, over 32 secrets).
func VerifyWebhook(payload []byte, header string, secrets []string, opts ...Option) (time.Time, error) {
	tolerance, now, err := resolve(opts)
	if err != nil {
		return time.Time{}, err
	}
	cs, csn, release := cSecrets(secrets)
	defer release()
	var ts C.int64_t
	err = call(func() C.cog_status {
		p, pn := bytesIn(payload)
		h, hn := strIn(header)
		return C.cog_webhook_verify(p, pn, h, hn, cs, csn, C.uint64_t(tolerance), C.int64_t(now), &ts)
	})
	runtime.KeepAlive(payload)
	runtime.KeepAlive(header)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(int64(ts), 0).UTC(), nil
}

// SignStandardWebhook signs a Standard Webhooks message and returns the webhook-signature
// header value ("v1,<base64>"). secret is "whsec_<base64>".
//
// Errors: [CodeEmptySecret], [CodeInvalidSecret], [CodeMissingHeader] (empty msgID),
// [CodeInvalidUTF8], [CodePayloadTooLarge], [CodeInvalidArgument] (timestamp before 1970).
func SignStandardWebhook(msgID string, timestamp time.Time, payload []byte, secret string) (string, error) {
	var out C.cog_string
	err := call(func() C.cog_status {
		m, mn := strIn(msgID)
		p, pn := bytesIn(payload)
		s, sn := strIn(secret)
		return C.cog_standard_webhook_sign(m, mn, C.int64_t(timestamp.Unix()), p, pn, s, sn, &out)
	})
	runtime.KeepAlive(msgID)
	runtime.KeepAlive(payload)
	runtime.KeepAlive(secret)
	if err != nil {
		return "", err
	}
	return takeString(&out), nil
}

// Standard Webhooks header names.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// VerifyStandardWebhook verifies a Standard Webhooks delivery from its webhook-id,
// webhook-timestamp and webhook-signature headers (names matched case-insensitively, also in a
// header map built by hand) and returns its timestamp (UTC). The timestamp is checked first, then
// any v1 signature must match under any of secrets ("whsec_<base64>"). Several
// webhook-signature lines are joined with spaces, as the specification delimits signatures.
// Options as [VerifyWebhook].
//
// Errors: as [VerifyWebhook], plus [CodeMissingHeader] and [CodeInvalidSecret].
func VerifyStandardWebhook(payload []byte, headers http.Header, secrets []string, opts ...Option) (time.Time, error) {
	tolerance, now, err := resolve(opts)
	if err != nil {
		return time.Time{}, err
	}
	id := headerValues(headers, HeaderWebhookID)
	timestamp := headerValues(headers, HeaderWebhookTimestamp)
	signature := headerValues(headers, HeaderWebhookSignature)
	var idv, tsv string
	if len(id) > 0 {
		idv = id[0]
	}
	if len(timestamp) > 0 {
		tsv = timestamp[0]
	}
	sigv := strings.Join(signature, " ")

	cs, csn, release := cSecrets(secrets)
	defer release()
	var ts C.int64_t
	err = call(func() C.cog_status {
		p, pn := bytesIn(payload)
		i, in := strIn(idv)
		t, tn := strIn(tsv)
		s, sn := strIn(sigv)
		return C.cog_standard_webhook_verify(p, pn, i, in, t, tn, s, sn, cs, csn,
			C.uint64_t(tolerance), C.int64_t(now), &ts)
	})
	runtime.KeepAlive(payload)
	runtime.KeepAlive(idv)
	runtime.KeepAlive(tsv)
	runtime.KeepAlive(sigv)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(int64(ts), 0).UTC(), nil
}

// headerValues looks name up in h: first under its canonical form (what net/http stores),
// then under any key equal to it ignoring case, for maps not built through Header.Set.
func headerValues(h http.Header, name string) []string {
	if v := h.Values(name); len(v) > 0 {
		return v
	}
	for key, v := range h {
		if len(v) > 0 && strings.EqualFold(key, name) {
			return v
		}
	}
	return nil
}
