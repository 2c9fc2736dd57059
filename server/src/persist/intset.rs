//! Decoding of Redis's intset (RDB type 11, SET_INTSET): validated.
//!
//! ```text
//! <encoding u32 LE: 2, 4 or 8> <length u32 LE> <length x int of that width, LE, strictly ascending>
//! ```

/// Validates an intset blob and returns its members (ascending).
pub fn decode(b: &[u8]) -> Result<Vec<i64>, &'static str> {
    if b.len() < 8 {
        return Err("too short");
    }
    let enc = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    if !matches!(enc, 2 | 4 | 8) {
        return Err("bad encoding");
    }
    let len = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    if (b.len() - 8) != len.checked_mul(enc).ok_or("bad length")? {
        return Err("length does not match the size");
    }
    let mut out = Vec::with_capacity(len);
    for c in b[8..].chunks_exact(enc) {
        let v = match enc {
            2 => i16::from_le_bytes([c[0], c[1]]) as i64,
            4 => i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64,
            _ => i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
        };
        if out.last().is_some_and(|&p| p >= v) {
            return Err("members not sorted or duplicated");
        }
        out.push(v);
    }
    Ok(out)
}

/// Encodes ascending, distinct integers as an intset (the smallest width).
pub fn encode(sorted: &[i64]) -> Vec<u8> {
    let enc: usize = if sorted.iter().all(|&v| (i16::MIN as i64..=i16::MAX as i64).contains(&v)) {
        2
    } else if sorted.iter().all(|&v| (i32::MIN as i64..=i32::MAX as i64).contains(&v)) {
        4
    } else {
        8
    };
    let mut out = Vec::with_capacity(8 + enc * sorted.len());
    out.extend_from_slice(&(enc as u32).to_le_bytes());
    out.extend_from_slice(&(sorted.len() as u32).to_le_bytes());
    for &v in sorted {
        match enc {
            2 => out.extend_from_slice(&(v as i16).to_le_bytes()),
            4 => out.extend_from_slice(&(v as i32).to_le_bytes()),
            _ => out.extend_from_slice(&v.to_le_bytes()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_widths() {
        for set in [vec![], vec![-3, 0, 7], vec![-40_000, 1, 70_000], vec![i64::MIN, 0, i64::MAX]] {
            assert_eq!(decode(&encode(&set)).unwrap(), set);
        }
        assert_eq!(encode(&[1, 2]), vec![2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0]);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(decode(&[]).is_err());
        assert!(decode(&[3, 0, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(decode(&[2, 0, 0, 0, 2, 0, 0, 0, 1, 0]).is_err());
        assert!(decode(&[2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0]).is_err());
        assert!(decode(&[2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1, 0]).is_err());
        assert!(decode(&[8, 0, 0, 0, 255, 255, 255, 255]).is_err());
    }
}
