package cognition_test

import (
	"errors"
	"testing"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

// FuzzVerifyWebhook feeds arbitrary payloads, headers, secrets and clocks to VerifyWebhook: it
// must never crash, every failure must be an *Error with a known code other than PANIC, and a
// success must return the header's own timestamp. `go test` runs the seeds (every
// stripe_verify vector); `go test -fuzz FuzzVerifyWebhook` explores further.
func FuzzVerifyWebhook(f *testing.F) {
	for _, c := range vectors(f).StripeVerify {
		secret := ""
		if len(c.Secrets) > 0 {
			secret = c.Secrets[0]
		}
		f.Add(c.bytes(f), c.Header, secret, c.Tolerance, c.Now)
	}
	f.Fuzz(func(t *testing.T, payload []byte, header, secret string, tolerance, now int64) {
		if tolerance < 0 {
			tolerance = -tolerance
		}
		got, err := cognition.VerifyWebhook(payload, header, []string{secret},
			cognition.WithTolerance(time.Duration(tolerance%(1<<32))*time.Second),
			cognition.WithNow(time.Unix(now, 0)))
		if err != nil {
			var cerr *cognition.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("error is %T, not *cognition.Error: %v", err, err)
			}
			if name := cerr.Code.String(); name == "UNKNOWN" || name == "OK" || cerr.Code == cognition.CodePanic {
				t.Fatalf("unexpected code %d (%s): %v", uint32(cerr.Code), name, err)
			}
			if cerr.Message == "" {
				t.Fatalf("error %s has no message", cerr.Code)
			}
			return
		}
		if got.Unix() < 0 {
			t.Fatalf("verified a negative timestamp %v", got)
		}
		// What passed must re-sign to a header the verifier accepts again.
		resigned, err := cognition.SignWebhook(payload, secret, got)
		if err != nil {
			t.Fatalf("re-signing a verified payload: %v", err)
		}
		if _, err := cognition.VerifyWebhook(payload, resigned, []string{secret}, cognition.WithTolerance(0)); err != nil {
			t.Fatalf("re-signed header failed: %v", err)
		}
	})
}
