package cognition_test

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

func standardHeaders(id, timestamp, signature string) http.Header {
	h := http.Header{}
	h.Set(cognition.HeaderWebhookID, id)
	h.Set(cognition.HeaderWebhookTimestamp, timestamp)
	h.Set(cognition.HeaderWebhookSignature, signature)
	return h
}

func TestSignThenVerifyRoundTrips(t *testing.T) {
	payload := []byte(`{"id":"evt_round_trip","object":"event"}`)
	at := time.Unix(1712345678, 0)
	header, err := cognition.SignWebhook(payload, testSecret, at)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cognition.VerifyWebhook(payload, header, []string{testSecret}, cognition.WithNow(at.Add(time.Minute)))
	if err != nil {
		t.Fatalf("verifying our own signature: %v", err)
	}
	if !got.Equal(at) || got.Location() != time.UTC {
		t.Fatalf("want %v in UTC, got %v", at.UTC(), got)
	}
}

func TestStandardSignThenVerifyRoundTrips(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	payload := []byte(`{"type":"invoice.paid"}`)
	at := time.Unix(1712345678, 0)
	sig, err := cognition.SignStandardWebhook("msg_round_trip", at, payload, secret)
	if err != nil {
		t.Fatal(err)
	}
	headers := standardHeaders("msg_round_trip", fmt.Sprint(at.Unix()), sig)
	got, err := cognition.VerifyStandardWebhook(payload, headers, []string{secret}, cognition.WithNow(at))
	if err != nil {
		t.Fatalf("verifying our own signature: %v", err)
	}
	if !got.Equal(at) {
		t.Fatalf("want %v, got %v", at, got)
	}
}

func TestEmptyPayloadSignsAndVerifies(t *testing.T) {
	for _, payload := range [][]byte{nil, {}} {
		at := time.Unix(1700000000, 0)
		header, err := cognition.SignWebhook(payload, testSecret, at)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cognition.VerifyWebhook(payload, header, []string{testSecret}, cognition.WithNow(at)); err != nil {
			t.Fatalf("payload %#v: %v", payload, err)
		}
	}
}

func TestNilAndEmptySecretsAreEmptySecret(t *testing.T) {
	for _, secrets := range [][]string{nil, {}, {""}} {
		_, err := cognition.VerifyWebhook([]byte(testPayload), testHeader, secrets, testNow)
		if !errors.Is(err, cognition.ErrEmptySecret) {
			t.Errorf("secrets %#v: want EMPTY_SECRET, got %v", secrets, err)
		}
		_, err = cognition.ConstructEvent([]byte(testPayload), testHeader, secrets, testNow)
		if !errors.Is(err, cognition.ErrEmptySecret) {
			t.Errorf("ConstructEvent secrets %#v: want EMPTY_SECRET, got %v", secrets, err)
		}
		_, err = cognition.VerifyStandardWebhook([]byte("{}"), standardHeaders("msg_1", "1700000000", "v1,AAAA"), secrets, testNow)
		if !errors.Is(err, cognition.ErrEmptySecret) {
			t.Errorf("standard secrets %#v: want EMPTY_SECRET, got %v", secrets, err)
		}
	}
	if _, err := cognition.SignWebhook([]byte("{}"), "", time.Unix(1700000000, 0)); !errors.Is(err, cognition.ErrEmptySecret) {
		t.Errorf("SignWebhook with an empty secret: want EMPTY_SECRET, got %v", err)
	}
}

func TestNilHeadersAreMissingHeader(t *testing.T) {
	_, err := cognition.VerifyStandardWebhook([]byte("{}"), nil, []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, testNow)
	if !errors.Is(err, cognition.ErrMissingHeader) {
		t.Fatalf("want MISSING_HEADER, got %v", err)
	}
}

func TestSeveralSignatureHeaderLinesAreJoined(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	payload := []byte(`{}`)
	at := time.Unix(1700000000, 0)
	sig, err := cognition.SignStandardWebhook("msg_1", at, payload, secret)
	if err != nil {
		t.Fatal(err)
	}
	headers := standardHeaders("msg_1", "1700000000", "v1,bm90LXRoaXMtb25l")
	headers.Add(cognition.HeaderWebhookSignature, sig)
	if _, err := cognition.VerifyStandardWebhook(payload, headers, []string{secret}, cognition.WithNow(at)); err != nil {
		t.Fatalf("the second line's signature was not seen: %v", err)
	}
}

func TestSubSecondToleranceStillChecksAge(t *testing.T) {
	_, err := cognition.VerifyWebhook([]byte(testPayload), testHeader, []string{testSecret},
		cognition.WithNow(time.Unix(1700003600, 0)), cognition.WithTolerance(time.Millisecond))
	if !errors.Is(err, cognition.ErrTimestampOutsideTolerance) {
		t.Fatalf("a 1 ms tolerance disabled the age check: %v", err)
	}
}

func TestDefaultToleranceRejectsAnOldDeliveryAgainstTheSystemClock(t *testing.T) {
	// The vector header is from November 2023, far outside 300 s of the real clock.
	_, err := cognition.VerifyWebhook([]byte(testPayload), testHeader, []string{testSecret})
	if !errors.Is(err, cognition.ErrTimestampOutsideTolerance) {
		t.Fatalf("want TIMESTAMP_OUTSIDE_TOLERANCE, got %v", err)
	}
	fresh, err := cognition.SignWebhook([]byte(testPayload), testSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cognition.VerifyWebhook([]byte(testPayload), fresh, []string{testSecret}); err != nil {
		t.Fatalf("a fresh signature failed against the system clock: %v", err)
	}
}

func TestConcurrentVerificationFrom16Goroutines(t *testing.T) {
	const goroutines, rounds = 16, 200
	var wg sync.WaitGroup
	failures := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				// Alternate passes and failures so that thread-local messages are exercised.
				if (g+i)%2 == 0 {
					if _, err := cognition.VerifyWebhook([]byte(testPayload), testHeader, []string{testSecret}, testNow); err != nil {
						failures <- fmt.Errorf("goroutine %d round %d: %w", g, i, err)
						return
					}
					continue
				}
				_, err := cognition.VerifyWebhook([]byte("tampered"), testHeader, []string{testSecret}, testNow)
				var cerr *cognition.Error
				if !errors.As(err, &cerr) || cerr.Code != cognition.CodeSignatureMismatch || cerr.Message == "" {
					failures <- fmt.Errorf("goroutine %d round %d: want a SIGNATURE_MISMATCH with a message, got %v", g, i, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Error(err)
	}
}

func TestParseEventRejectsInvalidJSON(t *testing.T) {
	for _, payload := range [][]byte{nil, []byte("{"), []byte("\xff")} {
		ev, err := cognition.ParseEvent(payload)
		if !errors.Is(err, cognition.ErrEventInvalidJSON) || ev != nil {
			t.Errorf("payload %q: want EVENT_INVALID_JSON, got %v, %v", payload, ev, err)
		}
	}
}

func TestEventKindStringIsTheWireType(t *testing.T) {
	if got := cognition.EventKindInvoicePaid.String(); got != "invoice.paid" {
		t.Errorf("EventKindInvoicePaid = %q", got)
	}
	if got := cognition.EventKindSubscriptionTrialWillEnd.String(); got != "customer.subscription.trial_will_end" {
		t.Errorf("EventKindSubscriptionTrialWillEnd = %q", got)
	}
	if got := cognition.EventKind(999).String(); got != "other" {
		t.Errorf("EventKind(999) = %q", got)
	}
}
