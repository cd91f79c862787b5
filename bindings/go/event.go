package cognition

// #include "cognition.h"
import "C"

import (
	"bytes"
	"encoding/json"
	"runtime"
	"time"
)

// EventKind is the typed kind of a billing event, mirroring cog_event_kind; [EventKindOther]
// for every type without one (read [Event.Type] for those). Values are stable.
type EventKind uint32

// The event kinds, with their wire types.
const (
	EventKindOther                      EventKind = 0  // any other type
	EventKindPaymentIntentSucceeded     EventKind = 1  // payment_intent.succeeded
	EventKindPaymentIntentPaymentFailed EventKind = 2  // payment_intent.payment_failed
	EventKindSubscriptionCreated        EventKind = 3  // customer.subscription.created
	EventKindSubscriptionUpdated        EventKind = 4  // customer.subscription.updated
	EventKindSubscriptionDeleted        EventKind = 5  // customer.subscription.deleted
	EventKindSubscriptionTrialWillEnd   EventKind = 6  // customer.subscription.trial_will_end
	EventKindInvoicePaid                EventKind = 7  // invoice.paid
	EventKindInvoicePaymentFailed       EventKind = 8  // invoice.payment_failed
	EventKindInvoiceFinalized           EventKind = 9  // invoice.finalized
	EventKindCustomerCreated            EventKind = 10 // customer.created
	EventKindCustomerUpdated            EventKind = 11 // customer.updated
	EventKindCustomerDeleted            EventKind = 12 // customer.deleted
	EventKindPaymentMethodAttached      EventKind = 13 // payment_method.attached
	EventKindPaymentMethodDetached      EventKind = 14 // payment_method.detached
)

var eventKindTypes = [...]string{
	EventKindOther:                      "other",
	EventKindPaymentIntentSucceeded:     "payment_intent.succeeded",
	EventKindPaymentIntentPaymentFailed: "payment_intent.payment_failed",
	EventKindSubscriptionCreated:        "customer.subscription.created",
	EventKindSubscriptionUpdated:        "customer.subscription.updated",
	EventKindSubscriptionDeleted:        "customer.subscription.deleted",
	EventKindSubscriptionTrialWillEnd:   "customer.subscription.trial_will_end",
	EventKindInvoicePaid:                "invoice.paid",
	EventKindInvoicePaymentFailed:       "invoice.payment_failed",
	EventKindInvoiceFinalized:           "invoice.finalized",
	EventKindCustomerCreated:            "customer.created",
	EventKindCustomerUpdated:            "customer.updated",
	EventKindCustomerDeleted:            "customer.deleted",
	EventKindPaymentMethodAttached:      "payment_method.attached",
	EventKindPaymentMethodDetached:      "payment_method.detached",
}

// String returns the kind's wire type ("invoice.paid", …), or "other".
func (k EventKind) String() string {
	if int(k) < len(eventKindTypes) {
		return eventKindTypes[k]
	}
	return "other"
}

// Event is a parsed Stripe event envelope. It is a plain value holding no C memory.
type Event struct {
	// ID is the event id, e.g. "evt_…".
	ID string
	// Type is the wire type, e.g. "invoice.paid", also for types without a typed Kind.
	Type string
	// KnownType reports whether Type has a typed Kind (Kind != EventKindOther).
	KnownType bool
	// Kind is the typed kind, or EventKindOther.
	Kind EventKind
	// Created is when the event happened (UTC, whole seconds).
	Created time.Time
	// Livemode is false for test-mode events.
	Livemode bool
	// APIVersion is the API version the event was rendered with, or "" when absent.
	APIVersion string
	// Data holds the object the event is about.
	Data EventData
}

// EventData is the envelope's "data". Numbers decode as json.Number so that amounts stay exact.
type EventData struct {
	// Object is the object the event is about (a subscription, an invoice, …).
	Object map[string]any
	// PreviousAttributes holds the changed fields' old values on *.updated events, else nil.
	PreviousAttributes map[string]any
	// Raw is the object's JSON, to unmarshal into a struct of your own.
	Raw json.RawMessage
}

// ConstructEvent verifies a Stripe-signed delivery exactly as [VerifyWebhook] does, then parses
// its envelope. Parse only what you have verified: this is the function for webhook handlers.
//
// Errors: those of [VerifyWebhook], then [CodeEventInvalidJSON], [CodeEventMissingField] and
// [CodeEventWrongType] (the message names the field).
func ConstructEvent(payload []byte, header string, secrets []string, opts ...Option) (*Event, error) {
	tolerance, now, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	cs, csn, release := cSecrets(secrets)
	defer release()
	var handle *C.cog_event
	err = call(func() C.cog_status {
		p, pn := bytesIn(payload)
		h, hn := strIn(header)
		return C.cog_webhook_construct_event(p, pn, h, hn, cs, csn,
			C.uint64_t(tolerance), C.int64_t(now), &handle)
	})
	runtime.KeepAlive(payload)
	runtime.KeepAlive(header)
	if err != nil {
		return nil, err
	}
	return eventFromHandle(handle)
}

// ParseEvent parses an event envelope from a payload you have already verified (for example
// one taken from your own queue). Errors: [CodeEventInvalidJSON], [CodeEventMissingField],
// [CodeEventWrongType].
func ParseEvent(payload []byte) (*Event, error) {
	var handle *C.cog_event
	err := call(func() C.cog_status {
		p, pn := bytesIn(payload)
		return C.cog_event_parse(p, pn, &handle)
	})
	runtime.KeepAlive(payload)
	if err != nil {
		return nil, err
	}
	return eventFromHandle(handle)
}

// eventJSON is the schema of cog_event_to_json.
type eventJSON struct {
	ID         string  `json:"id"`
	Type       string  `json:"type"`
	KnownType  bool    `json:"known_type"`
	Created    int64   `json:"created"`
	Livemode   bool    `json:"livemode"`
	APIVersion *string `json:"api_version"`
	Data       struct {
		Object             json.RawMessage `json:"object"`
		PreviousAttributes json.RawMessage `json:"previous_attributes"`
	} `json:"data"`
}

// eventFromHandle decodes a handle into an Event and frees the handle.
func eventFromHandle(handle *C.cog_event) (*Event, error) {
	defer C.cog_event_free(handle)
	kind := EventKind(C.cog_event_kind_of(handle))
	var out C.cog_string
	if err := call(func() C.cog_status { return C.cog_event_to_json(handle, &out) }); err != nil {
		return nil, err
	}
	return eventFromJSON(takeBytes(&out), kind)
}

// kindOf returns the typed kind of a wire type, or EventKindOther.
func kindOf(eventType string) EventKind {
	for k, t := range eventKindTypes {
		if k != int(EventKindOther) && t == eventType {
			return EventKind(k)
		}
	}
	return EventKindOther
}

// eventFromJSON decodes the JSON of cog_event_to_json (also what processor handlers receive).
func eventFromJSON(raw []byte, kind EventKind) (*Event, error) {
	var env eventJSON
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, internalError("event JSON", err)
	}
	ev := &Event{
		ID:        env.ID,
		Type:      env.Type,
		KnownType: env.KnownType,
		Kind:      kind,
		Created:   time.Unix(env.Created, 0).UTC(),
		Livemode:  env.Livemode,
		Data:      EventData{Raw: env.Data.Object},
	}
	if env.APIVersion != nil {
		ev.APIVersion = *env.APIVersion
	}
	var err error
	if ev.Data.Object, err = decodeObject(env.Data.Object); err != nil {
		return nil, internalError("data.object", err)
	}
	if ev.Data.PreviousAttributes, err = decodeObject(env.Data.PreviousAttributes); err != nil {
		return nil, internalError("data.previous_attributes", err)
	}
	return ev, nil
}

// decodeObject decodes a JSON object keeping numbers exact; absent or null gives nil.
func decodeObject(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// internalError reports JSON from the library that does not match its documented schema: a bug
// in the library or a header/library version mismatch, never the caller's input.
func internalError(what string, err error) error {
	return &Error{Code: CodePanic, Message: "the library's " + what + " did not decode: " + err.Error()}
}
