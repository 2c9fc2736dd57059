//! Text form of doubles in replies, as Redis 7.2+ prints them (util.c's
//! `d2string`): integral values within ±2^62 print as integers; everything
//! else prints the shortest round-trip digits laid out by `fpconv_dtoa`
//! (plain notation for decimal exponents roughly -6..=-1 and up to
//! digits+6, else `d.ddde+X` with an unpadded exponent). Redis 7.0 used
//! `%.17g`, so e.g. 1.1 printed as "1.1000000000000001" there; newer Redis
//! prints "1.1", and so do we.

/// Formats `d` the way Redis replies with a double.
pub fn format_double(d: f64) -> String {
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // double2ll: integral values within ±LLONG_MAX/2 print as integers.
    const LIM: f64 = (i64::MAX / 2) as f64;
    if (-LIM..=LIM).contains(&d) && d.fract() == 0.0 {
        return itoa::Buffer::new().format(d as i64).to_string();
    }
    // `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let sci = format!("{:e}", d.abs());
    let (mant, exp) = sci.split_once('e').expect("{:e} always has an exponent");
    let e10: i32 = exp.parse().expect("exponent is an integer");
    let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    let nd = digits.len() as i32;
    // value = digits * 10^k
    let k = e10 - nd + 1;
    let mut out = String::with_capacity(nd as usize + 8);
    if d < 0.0 {
        out.push('-');
    }
    let exp = e10.abs();
    let digits_str = std::str::from_utf8(&digits).expect("ascii digits");
    if k >= 0 && exp < nd + 7 {
        out.push_str(digits_str);
        for _ in 0..k {
            out.push('0');
        }
    } else if k < 0 && (k > -7 || exp < 4) {
        let offset = nd + k;
        if offset <= 0 {
            out.push_str("0.");
            for _ in 0..-offset {
                out.push('0');
            }
            out.push_str(digits_str);
        } else {
            out.push_str(&digits_str[..offset as usize]);
            out.push('.');
            out.push_str(&digits_str[offset as usize..]);
        }
    } else {
        out.push_str(&digits_str[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits_str[1..]);
        }
        out.push('e');
        out.push(if e10 < 0 { '-' } else { '+' });
        out.push_str(itoa::Buffer::new().format(exp));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_double;

    #[test]
    fn like_redis() {
        assert_eq!(format_double(1.5), "1.5");
        assert_eq!(format_double(3.0), "3");
        assert_eq!(format_double(-2.25), "-2.25");
        assert_eq!(format_double(0.1), "0.1");
        assert_eq!(format_double(1.1), "1.1");
        assert_eq!(format_double(0.0001), "0.0001");
        assert_eq!(format_double(0.00001), "0.00001");
        assert_eq!(format_double(0.000001), "0.000001");
        assert_eq!(format_double(0.0000015), "1.5e-6");
        assert_eq!(format_double(1e-7), "1e-7");
        assert_eq!(format_double(1.2345678), "1.2345678");
        assert_eq!(format_double(1e16), "10000000000000000");
        assert_eq!(format_double(1e17), "100000000000000000");
        assert_eq!(format_double(4e18), "4000000000000000000");
        assert_eq!(format_double(5e18), "5e+18");
        assert_eq!(format_double(-5e18), "-5e+18");
        assert_eq!(format_double(1.5e20), "1.5e+20");
        assert_eq!(format_double(12345678901234567e3), "12345678901234567000");
        assert_eq!(format_double(1.23e300), "1.23e+300");
        assert_eq!(format_double(1e-300), "1e-300");
        assert_eq!(format_double(123456.789), "123456.789");
        assert_eq!(format_double(f64::INFINITY), "inf");
        assert_eq!(format_double(f64::NEG_INFINITY), "-inf");
        assert_eq!(format_double(-0.0), "-0");
    }
}
