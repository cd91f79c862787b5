//! Retry policy: exponential backoff with full jitter, deterministic under a seed.

use super::{StoreError, UnixMillis};

/// What happens after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Another attempt is due at this time.
    RetryAt(UnixMillis),
    /// That was the last attempt: the record is dead-lettered.
    DeadLettered,
    /// The failure was permanent: no retry.
    Failed,
}

/// Exponential backoff with "full jitter" (AWS Architecture Blog, *Exponential Backoff And Jitter*):
/// the delay before attempt `n + 1` is uniform in `[0, min(max_delay, initial × factor^(n-1))]`.
///
/// The jitter is drawn from SplitMix64 over `(seed, key, attempt)` rather than a shared RNG stream,
/// so a record's schedule is reproducible whatever order threads fail in. Defaults: initial 1 s,
/// factor 2, max delay 1 h, 5 attempts, seed 0.
///
/// # Example
/// ```
/// use cognition_core::idempotency::{RetryDecision, RetryPolicy};
///
/// let policy = RetryPolicy::default().max_attempts(3)?.jitter(false);
/// assert_eq!(policy.decide("evt_1", 1, 0), RetryDecision::RetryAt(1_000));
/// assert_eq!(policy.decide("evt_1", 2, 0), RetryDecision::RetryAt(2_000));
/// assert_eq!(policy.decide("evt_1", 3, 0), RetryDecision::DeadLettered);
/// # Ok::<(), cognition_core::idempotency::StoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    initial_delay_millis: i64,
    factor: f64,
    max_delay_millis: i64,
    max_attempts: u32,
    seed: u64,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            initial_delay_millis: 1_000,
            factor: 2.0,
            max_delay_millis: 3_600_000,
            max_attempts: 5,
            seed: 0,
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// Set the first delay (before jitter).
    ///
    /// # Errors
    /// [`StoreError::InvalidArgument`] unless positive.
    pub fn initial_delay_millis(mut self, millis: i64) -> Result<Self, StoreError> {
        if millis <= 0 {
            return Err(StoreError::InvalidArgument(
                "initial delay must be positive".into(),
            ));
        }
        self.initial_delay_millis = millis;
        Ok(self)
    }

    /// Set the growth factor per attempt.
    ///
    /// # Errors
    /// [`StoreError::InvalidArgument`] unless finite and ≥ 1.
    pub fn factor(mut self, factor: f64) -> Result<Self, StoreError> {
        if !factor.is_finite() || factor < 1.0 {
            return Err(StoreError::InvalidArgument(
                "factor must be finite and at least 1".into(),
            ));
        }
        self.factor = factor;
        Ok(self)
    }

    /// Cap the delay.
    ///
    /// # Errors
    /// [`StoreError::InvalidArgument`] unless positive.
    pub fn max_delay_millis(mut self, millis: i64) -> Result<Self, StoreError> {
        if millis <= 0 {
            return Err(StoreError::InvalidArgument(
                "max delay must be positive".into(),
            ));
        }
        self.max_delay_millis = millis;
        Ok(self)
    }

    /// Set how many attempts a record gets before it is dead-lettered (1 = no retry).
    ///
    /// # Errors
    /// [`StoreError::InvalidArgument`] for 0.
    pub fn max_attempts(mut self, attempts: u32) -> Result<Self, StoreError> {
        if attempts == 0 {
            return Err(StoreError::InvalidArgument(
                "max attempts must be at least 1".into(),
            ));
        }
        self.max_attempts = attempts;
        Ok(self)
    }

    /// Seed the jitter.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Turn jitter off (exact exponential delays), e.g. for documentation and tests.
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// Return the configured maximum attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Return the upper bound of the delay after failed attempt `attempt` (1-based), before jitter.
    pub fn ceiling_millis(&self, attempt: u32) -> i64 {
        let exponent = attempt.saturating_sub(1).min(1_000) as i32;
        let delay = self.initial_delay_millis as f64 * self.factor.powi(exponent);
        if delay.is_finite() && delay < self.max_delay_millis as f64 {
            delay as i64
        } else {
            self.max_delay_millis
        }
    }

    /// Decide what follows failed attempt `attempt` of `key` at `now`.
    pub fn decide(&self, key: &str, attempt: u32, now: UnixMillis) -> RetryDecision {
        if attempt >= self.max_attempts {
            return RetryDecision::DeadLettered;
        }
        let ceiling = self.ceiling_millis(attempt);
        let delay = if self.jitter {
            let draw = splitmix64(self.seed ^ fnv1a(key.as_bytes()) ^ u64::from(attempt));
            (draw % (ceiling as u64 + 1)) as i64
        } else {
            ceiling
        };
        RetryDecision::RetryAt(now.saturating_add(delay))
    }
}

/// FNV-1a: a stable (platform- and version-independent) hash of the key for the jitter draw.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// SplitMix64's output function (Steele, Lea & Flood 2014): a well-mixed 64-bit value per input.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jittered_delays_stay_within_the_ceiling_and_depend_on_the_seed() {
        let a = RetryPolicy::default().seed(1);
        let b = RetryPolicy::default().seed(2);
        let mut differ = false;
        for attempt in 1..5 {
            for key in ["a", "b", "evt_123"] {
                let RetryDecision::RetryAt(at) = a.decide(key, attempt, 0) else {
                    panic!()
                };
                assert!((0..=a.ceiling_millis(attempt)).contains(&at));
                differ |= a.decide(key, attempt, 0) != b.decide(key, attempt, 0);
                assert_eq!(a.decide(key, attempt, 0), a.decide(key, attempt, 0));
            }
        }
        assert!(differ);
    }

    #[test]
    fn delays_are_capped_at_max_delay() {
        let policy = RetryPolicy::default()
            .max_attempts(100)
            .unwrap()
            .max_delay_millis(5_000)
            .unwrap();
        assert_eq!(policy.ceiling_millis(60), 5_000);
        assert_eq!(policy.ceiling_millis(u32::MAX), 5_000);
    }

    #[test]
    fn bad_settings_are_rejected() {
        assert!(RetryPolicy::default().max_attempts(0).is_err());
        assert!(RetryPolicy::default().factor(f64::NAN).is_err());
        assert!(RetryPolicy::default().factor(0.5).is_err());
        assert!(RetryPolicy::default().initial_delay_millis(0).is_err());
    }
}
