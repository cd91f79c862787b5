package cognition_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

// The shared cases in tests/vectors/webhook.json, run by every face.
type vectorFile struct {
	StripeVerify   []verifyCase         `json:"stripe_verify"`
	StripeSign     []stripeSignCase     `json:"stripe_sign"`
	StandardVerify []standardVerifyCase `json:"standard_verify"`
	StandardSign   []standardSignCase   `json:"standard_sign"`
	ConstructEvent []constructEventCase `json:"construct_event"`
}

type payloadField struct {
	Payload       *string `json:"payload"`
	PayloadBase64 *string `json:"payload_base64"`
}

func (p payloadField) bytes(t testing.TB) []byte {
	t.Helper()
	switch {
	case p.Payload != nil:
		return []byte(*p.Payload)
	case p.PayloadBase64 != nil:
		b, err := base64.StdEncoding.DecodeString(*p.PayloadBase64)
		if err != nil {
			t.Fatalf("payload_base64: %v", err)
		}
		return b
	}
	t.Fatal("case has neither payload nor payload_base64")
	return nil
}

type verifyExpect struct {
	Timestamp *int64 `json:"timestamp"`
	Error     string `json:"error"`
}

type verifyCase struct {
	Name string `json:"name"`
	payloadField
	Header    string       `json:"header"`
	Secrets   []string     `json:"secrets"`
	Tolerance int64        `json:"tolerance"`
	Now       int64        `json:"now"`
	Expect    verifyExpect `json:"expect"`
}

type stripeSignCase struct {
	Name string `json:"name"`
	payloadField
	Secret    string `json:"secret"`
	Timestamp int64  `json:"timestamp"`
	Header    string `json:"header"`
}

type standardVerifyCase struct {
	Name string `json:"name"`
	payloadField
	Headers   map[string]string `json:"headers"`
	Secrets   []string          `json:"secrets"`
	Tolerance int64             `json:"tolerance"`
	Now       int64             `json:"now"`
	Expect    verifyExpect      `json:"expect"`
}

type standardSignCase struct {
	Name string `json:"name"`
	payloadField
	MsgID     string `json:"msg_id"`
	Timestamp int64  `json:"timestamp"`
	Secret    string `json:"secret"`
	Signature string `json:"signature"`
}

type constructEventCase struct {
	Name string `json:"name"`
	payloadField
	Header    string   `json:"header"`
	Secrets   []string `json:"secrets"`
	Tolerance int64    `json:"tolerance"`
	Now       int64    `json:"now"`
	Expect    struct {
		Error              string         `json:"error"`
		ID                 string         `json:"id"`
		Type               string         `json:"type"`
		KnownType          bool           `json:"known_type"`
		Created            int64          `json:"created"`
		Livemode           bool           `json:"livemode"`
		APIVersion         *string        `json:"api_version"`
		ObjectID           string         `json:"object_id"`
		PreviousAttributes map[string]any `json:"previous_attributes"`
	} `json:"expect"`
}

var (
	vectorsOnce sync.Once
	vectorsData vectorFile
	vectorsErr  error
)

func vectors(t testing.TB) *vectorFile {
	t.Helper()
	vectorsOnce.Do(func() {
		raw, err := os.ReadFile("../../tests/vectors/webhook.json")
		if err != nil {
			vectorsErr = err
			return
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber() // as Event decodes, so previous_attributes compare exactly
		vectorsErr = dec.Decode(&vectorsData)
	})
	if vectorsErr != nil {
		t.Fatalf("loading vectors: %v", vectorsErr)
	}
	return &vectorsData
}

func verifyOptions(tolerance, now int64) []cognition.Option {
	return []cognition.Option{
		cognition.WithTolerance(time.Duration(tolerance) * time.Second),
		cognition.WithNow(time.Unix(now, 0)),
	}
}

// checkOutcome compares a verification result with a vector's expect.
func checkOutcome(t *testing.T, got time.Time, err error, want verifyExpect) {
	t.Helper()
	if want.Error != "" {
		var cerr *cognition.Error
		if !errors.As(err, &cerr) {
			t.Fatalf("want error %s, got %v (%T)", want.Error, err, err)
		}
		if cerr.Code.String() != want.Error {
			t.Fatalf("want error %s, got %s: %v", want.Error, cerr.Code, err)
		}
		return
	}
	if want.Timestamp == nil {
		t.Fatal("vector expects neither timestamp nor error")
	}
	if err != nil {
		t.Fatalf("want timestamp %d, got error %v", *want.Timestamp, err)
	}
	if got.Unix() != *want.Timestamp {
		t.Fatalf("want timestamp %d, got %d", *want.Timestamp, got.Unix())
	}
}

func TestStripeVerifyVectors(t *testing.T) {
	cases := vectors(t).StripeVerify
	if len(cases) == 0 {
		t.Fatal("no stripe_verify cases")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := cognition.VerifyWebhook(c.bytes(t), c.Header, c.Secrets, verifyOptions(c.Tolerance, c.Now)...)
			checkOutcome(t, got, err, c.Expect)
		})
	}
}

func TestStripeSignVectors(t *testing.T) {
	cases := vectors(t).StripeSign
	if len(cases) == 0 {
		t.Fatal("no stripe_sign cases")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := cognition.SignWebhook(c.bytes(t), c.Secret, time.Unix(c.Timestamp, 0))
			if err != nil {
				t.Fatal(err)
			}
			if got != c.Header {
				t.Fatalf("want %q, got %q", c.Header, got)
			}
		})
	}
}

func TestStandardVerifyVectors(t *testing.T) {
	cases := vectors(t).StandardVerify
	if len(cases) == 0 {
		t.Fatal("no standard_verify cases")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			// Keys exactly as the vector spells them (not canonicalised by Header.Set), so the
			// case-insensitive lookup is exercised.
			headers := http.Header{}
			for k, v := range c.Headers {
				headers[k] = []string{v}
			}
			got, err := cognition.VerifyStandardWebhook(c.bytes(t), headers, c.Secrets, verifyOptions(c.Tolerance, c.Now)...)
			checkOutcome(t, got, err, c.Expect)
		})
	}
}

func TestStandardSignVectors(t *testing.T) {
	cases := vectors(t).StandardSign
	if len(cases) == 0 {
		t.Fatal("no standard_sign cases")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := cognition.SignStandardWebhook(c.MsgID, time.Unix(c.Timestamp, 0), c.bytes(t), c.Secret)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.Signature {
				t.Fatalf("want %q, got %q", c.Signature, got)
			}
		})
	}
}

func TestConstructEventVectors(t *testing.T) {
	cases := vectors(t).ConstructEvent
	if len(cases) == 0 {
		t.Fatal("no construct_event cases")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			ev, err := cognition.ConstructEvent(c.bytes(t), c.Header, c.Secrets, verifyOptions(c.Tolerance, c.Now)...)
			checkEvent(t, ev, err, c)
		})
	}
}

// ParseEvent must agree with ConstructEvent on every vector whose signature is good.
func TestParseEventMatchesConstructEventVectors(t *testing.T) {
	for _, c := range vectors(t).ConstructEvent {
		if c.Expect.Error == "SIGNATURE_MISMATCH" {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			ev, err := cognition.ParseEvent(c.bytes(t))
			checkEvent(t, ev, err, c)
		})
	}
}

func checkEvent(t *testing.T, ev *cognition.Event, err error, c constructEventCase) {
	t.Helper()
	want := c.Expect
	if want.Error != "" {
		var cerr *cognition.Error
		if !errors.As(err, &cerr) {
			t.Fatalf("want error %s, got %v (%T)", want.Error, err, err)
		}
		if cerr.Code.String() != want.Error {
			t.Fatalf("want error %s, got %s: %v", want.Error, cerr.Code, err)
		}
		if ev != nil {
			t.Fatal("an event came back with the error")
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if ev.ID != want.ID || ev.Type != want.Type || ev.KnownType != want.KnownType ||
		ev.Created.Unix() != want.Created || ev.Livemode != want.Livemode {
		t.Fatalf("envelope mismatch: got %+v, want %+v", ev, want)
	}
	if ev.KnownType != (ev.Kind != cognition.EventKindOther) {
		t.Fatalf("KnownType %v disagrees with Kind %v", ev.KnownType, ev.Kind)
	}
	if ev.KnownType && ev.Kind.String() != ev.Type {
		t.Fatalf("Kind %v names another type than %q", ev.Kind, ev.Type)
	}
	wantAPI := ""
	if want.APIVersion != nil {
		wantAPI = *want.APIVersion
	}
	if ev.APIVersion != wantAPI {
		t.Fatalf("APIVersion: want %q, got %q", wantAPI, ev.APIVersion)
	}
	if id, _ := ev.Data.Object["id"].(string); id != want.ObjectID {
		t.Fatalf("data.object.id: want %q, got %q", want.ObjectID, id)
	}
	var raw struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(ev.Data.Raw, &raw); err != nil || raw.ID != want.ObjectID {
		t.Fatalf("Data.Raw: want object %q, got %q (%v)", want.ObjectID, raw.ID, err)
	}
	if !reflect.DeepEqual(ev.Data.PreviousAttributes, want.PreviousAttributes) {
		t.Fatalf("previous_attributes: want %#v, got %#v", want.PreviousAttributes, ev.Data.PreviousAttributes)
	}
}
