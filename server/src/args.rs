//! Argument parsing helpers shared by command handlers, with Redis's error texts.

use bytes::Bytes;
use gears_resp::ErrorReply;

/// Case-insensitive comparison of an argument with an ASCII keyword.
#[inline]
pub fn eq_ic(arg: &[u8], kw: &str) -> bool {
    arg.eq_ignore_ascii_case(kw.as_bytes())
}

/// An integer argument, with Redis's string2ll rules (no spaces, no '+', no leading zeros).
pub fn parse_i64(arg: &[u8]) -> Result<i64, ErrorReply> {
    gears_store::parse_canonical_i64(arg).ok_or(ErrorReply::not_integer())
}

/// A non-negative integer that must fit a `usize`-like range.
pub fn parse_u64(arg: &[u8]) -> Result<u64, ErrorReply> {
    let n = parse_i64(arg)?;
    u64::try_from(n).map_err(|_| ErrorReply::not_integer())
}

/// A double argument as Redis's strtold-based parsing accepts it: decimal or
/// exponent notation, "inf"/"-inf", no spaces, no NaN.
pub fn parse_f64(arg: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(arg).ok()?;
    if s.is_empty() || s.starts_with(|c: char| c.is_whitespace()) || s.ends_with(|c: char| c.is_whitespace()) {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let v = match lower.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        _ => {
            if !lower.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'-' | b'+')) {
                return None;
            }
            lower.parse::<f64>().ok()?
        }
    };
    if v.is_nan() {
        return None;
    }
    Some(v)
}

/// A SCAN-family cursor as Redis 7 parses it (strtoul, base 10): an optional
/// sign ('-' negates modulo 2^64), digits to the end, no overflow; "" is 0.
/// `None` means "ERR invalid cursor".
pub fn parse_scan_cursor(arg: &[u8]) -> Option<u64> {
    let (neg, digits) = match arg.first() {
        None => return Some(0),
        Some(b'-') => (true, &arg[1..]),
        Some(b'+') => (false, &arg[1..]),
        Some(_) => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

/// Lossy UTF-8 view of an argument, for messages.
pub fn lossy(b: &Bytes) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats() {
        assert_eq!(parse_f64(b"1.5"), Some(1.5));
        assert_eq!(parse_f64(b"5.0e3"), Some(5000.0));
        assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64(b" 1"), None);
        assert_eq!(parse_f64(b"nan"), None);
        assert_eq!(parse_f64(b"abc"), None);
        assert_eq!(parse_f64(b""), None);
    }
}
