package cognition

import "time"

// DefaultTolerance is how far a signed timestamp may be from now, in either direction, before
// verification fails: 300 seconds, Stripe's default.
const DefaultTolerance = 300 * time.Second

// Option adjusts a verification (VerifyWebhook, VerifyStandardWebhook, ConstructEvent).
type Option func(*options)

type options struct {
	tolerance time.Duration
	now       time.Time
	hasNow    bool
}

// WithTolerance sets how far the signed timestamp may be from now in either direction
// (default [DefaultTolerance]). 0 disables the age check; the signature is still checked.
// The library counts whole seconds: a fraction is dropped, and a positive tolerance under one
// second counts as one second so that it never disables the check. A negative tolerance makes
// verification fail with [CodeInvalidArgument].
func WithTolerance(d time.Duration) Option {
	return func(o *options) { o.tolerance = d }
}

// WithNow sets the time the timestamp is compared with (default time.Now()), for tests and for
// replaying stored deliveries. Only whole Unix seconds count.
func WithNow(t time.Time) Option {
	return func(o *options) { o.now, o.hasNow = t, true }
}

// resolve applies opts and returns the tolerance in whole seconds and now in Unix seconds.
func resolve(opts []Option) (tolerance uint64, now int64, err error) {
	o := options{tolerance: DefaultTolerance}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.tolerance < 0 {
		return 0, 0, &Error{
			Code:    CodeInvalidArgument,
			Message: "tolerance must not be negative (use 0 to disable the age check)",
		}
	}
	tolerance = uint64(o.tolerance / time.Second)
	if tolerance == 0 && o.tolerance > 0 {
		tolerance = 1
	}
	if !o.hasNow {
		o.now = time.Now()
	}
	return tolerance, o.now.Unix(), nil
}
