//! Waits a server asks for (`Retry-After`), bounded.
//!
//! A delay comes from the other side of the network, so no value of it may stop a worker: a
//! misbehaving proxy answering `Retry-After: inf` (or `1e30`, `-5`, `nan`, a date in 3000) must
//! cost one bounded wait, not the worker.

use hyper::header::{HeaderMap, RETRY_AFTER};
use std::time::{Duration, SystemTime};

/// The longest wait one server answer can impose (5 minutes); longer asks, infinite ones
/// included, wait this long.
pub const MAX_SERVER_DELAY: Duration = Duration::from_secs(300);

/// `seconds` a server asked for as a wait: negative is no wait, beyond
/// [`MAX_SERVER_DELAY`] (or infinite) is that cap, `NaN` is no wait.
pub fn server_delay(seconds: f64) -> Duration {
    if seconds.is_nan() || seconds <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(seconds).map_or(MAX_SERVER_DELAY, |delay| delay.min(MAX_SERVER_DELAY))
}

/// The seconds a `Retry-After` header asks for (a number of seconds or an HTTP date), already
/// bounded to `0..=MAX_SERVER_DELAY`; `None` when absent or unreadable (`nan` included).
pub(super) fn retry_after_seconds(headers: &HeaderMap) -> Option<f64> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return (!seconds.is_nan()).then(|| server_delay(seconds).as_secs_f64());
    }
    let at = httpdate::parse_http_date(text).ok()?;
    let wait = at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO);
    Some(wait.min(MAX_SERVER_DELAY).as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn header(text: &str) -> Option<f64> {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(text).unwrap());
        retry_after_seconds(&headers)
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        assert_eq!(header("2.5"), Some(2.5));
        let later = SystemTime::now() + Duration::from_secs(120);
        let seconds = header(&httpdate::fmt_http_date(later)).unwrap();
        assert!((100.0..=121.0).contains(&seconds), "{seconds}");
        assert_eq!(
            header("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(0.0),
            "a date in the past means now"
        );
        assert_eq!(header("soon"), None);
        assert_eq!(retry_after_seconds(&HeaderMap::new()), None);
    }

    #[test]
    fn hostile_retry_after_values_are_bounded() {
        let cap = MAX_SERVER_DELAY.as_secs_f64();
        for (text, expected) in [
            ("inf", Some(cap)),
            ("Infinity", Some(cap)),
            ("1e30", Some(cap)),
            ("1e400", Some(cap)),
            ("301", Some(cap)),
            ("-5", Some(0.0)),
            ("-inf", Some(0.0)),
            ("nan", None),
            ("NaN", None),
            ("Wed, 01 Jan 3000 00:00:00 GMT", Some(cap)),
        ] {
            assert_eq!(header(text), expected, "Retry-After: {text}");
        }
    }

    #[test]
    fn server_delays_never_panic_and_stay_within_the_cap() {
        for seconds in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            1e30,
            -1.0,
            0.0,
            1.5,
        ] {
            assert!(server_delay(seconds) <= MAX_SERVER_DELAY, "{seconds}");
        }
        assert_eq!(server_delay(1.5), Duration::from_millis(1500));
        assert_eq!(server_delay(f64::INFINITY), MAX_SERVER_DELAY);
        assert_eq!(server_delay(f64::NAN), Duration::ZERO);
    }
}
