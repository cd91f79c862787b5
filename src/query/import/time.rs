//! Timestamps in logs: ISO 8601 / RFC 3339 date-times to Unix milliseconds, without a clock.

/// Parse `YYYY-MM-DD[T ]HH:MM:SS[.fraction](Z|±HH[:MM]|±HHMM)` into Unix milliseconds.
///
/// MySQL 5.7+ writes `# Time: 2024-03-05T10:15:42.123456Z` (or with `+01:00` under
/// `log_timestamps = SYSTEM`). A time without a zone (MySQL ≤ 5.6's `240305 10:15:42`, local
/// time) gives `None`: guessing the server's zone would be wrong somewhere.
pub(super) fn parse_iso8601_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if b[10] != b'T' && b[10] != b' ' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut rest = &b[19..];
    let mut millis = 0i64;
    if let Some((b'.', frac)) = rest.split_first() {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let mut scale = 100;
        for &d in &frac[..n.min(3)] {
            millis += i64::from(d - b'0') * scale;
            scale /= 10;
        }
        rest = &frac[n..];
    }
    let offset_minutes = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), zone @ ..] => {
            let (h, m) = match zone {
                [h1, h2] => (digits(&[*h1, *h2])?, 0),
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                    (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
                }
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

fn digits(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0i64, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_iso8601_ms;

    #[test]
    fn utc_and_offsets() {
        assert_eq!(parse_iso8601_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_iso8601_ms("2024-03-05T10:15:42.123456Z"),
            Some(1_709_633_742_123)
        );
        assert_eq!(
            parse_iso8601_ms("2024-03-05T11:15:42.123+01:00"),
            Some(1_709_633_742_123)
        );
        assert_eq!(
            parse_iso8601_ms("2024-03-05 05:15:42-0500"),
            Some(1_709_633_742_000)
        );
        assert_eq!(
            parse_iso8601_ms("2000-02-29T00:00:00+00"),
            Some(951_782_400_000)
        );
    }

    #[test]
    fn no_zone_or_garbage_is_none() {
        assert_eq!(parse_iso8601_ms("240305 10:15:42"), None);
        assert_eq!(parse_iso8601_ms("2024-03-05T10:15:42"), None);
        assert_eq!(parse_iso8601_ms("2024-13-05T10:15:42Z"), None);
        assert_eq!(parse_iso8601_ms("2024-03-05T10:15:42.Z"), None);
        assert_eq!(parse_iso8601_ms("２０24-03-05T10:15:42Z"), None);
    }
}
