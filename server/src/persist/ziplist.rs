//! Decoding of Redis's ziplist (RDB files from Redis < 7.0 store small
//! hashes, zsets and list nodes this way). Decode only, fully validated.
//!
//! ```text
//! <zlbytes u32 LE> <zltail u32 LE> <zllen u16 LE (65535 = unknown)> <entry>* <0xFF>
//! entry = <prevlen: 1 byte < 254, or 0xFE + u32 LE> <encoding> <data>
//! ```
//! Encodings: `00LLLLLL` / `01LLLLLL LLLLLLLL` (BE) / `0x80 + u32 BE` strings;
//! `0xC0` i16, `0xD0` i32, `0xE0` i64, `0xF0` i24, `0xFE` i8 (all LE);
//! `0xF1..=0xFD` an immediate 0..=12.

use super::listpack::Elem;

const HEADER_SIZE: usize = 10;

/// Validates a ziplist and returns its elements.
pub fn decode(zl: &[u8]) -> Result<Vec<Elem<'_>>, &'static str> {
    if zl.len() < HEADER_SIZE + 1 {
        return Err("too short");
    }
    let total = u32::from_le_bytes([zl[0], zl[1], zl[2], zl[3]]) as usize;
    if total != zl.len() {
        return Err("header size does not match");
    }
    let tail = u32::from_le_bytes([zl[4], zl[5], zl[6], zl[7]]) as usize;
    let count = u16::from_le_bytes([zl[8], zl[9]]);
    let end = zl.len() - 1;
    if zl[end] != 0xFF {
        return Err("missing terminator");
    }
    let mut out = Vec::with_capacity(if count == u16::MAX { 16 } else { count as usize });
    let mut p = HEADER_SIZE;
    let mut prev_len = 0usize;
    let mut last_start = HEADER_SIZE;
    let chk = |p: usize, n: usize| {
        if p.checked_add(n).is_some_and(|e| e <= end) {
            Ok(())
        } else {
            Err("entry runs past the end")
        }
    };
    while p < end {
        let start = p;
        // prevlen
        let (prevlen, n) = if zl[p] < 254 {
            (zl[p] as usize, 1)
        } else if zl[p] == 254 {
            chk(p, 5)?;
            (u32::from_le_bytes([zl[p + 1], zl[p + 2], zl[p + 3], zl[p + 4]]) as usize, 5)
        } else {
            return Err("bad prevlen");
        };
        if prevlen != prev_len {
            return Err("prevlen does not match the previous entry");
        }
        p += n;
        chk(p, 1)?;
        let c = zl[p];
        let elem = match c >> 6 {
            0 => {
                let len = (c & 0x3f) as usize;
                p += 1;
                chk(p, len)?;
                let s = &zl[p..p + len];
                p += len;
                Elem::Str(s)
            }
            1 => {
                chk(p, 2)?;
                let len = (((c & 0x3f) as usize) << 8) | zl[p + 1] as usize;
                p += 2;
                chk(p, len)?;
                let s = &zl[p..p + len];
                p += len;
                Elem::Str(s)
            }
            2 => {
                if c != 0x80 {
                    return Err("bad string encoding");
                }
                chk(p, 5)?;
                let len = u32::from_be_bytes([zl[p + 1], zl[p + 2], zl[p + 3], zl[p + 4]]) as usize;
                p += 5;
                chk(p, len)?;
                let s = &zl[p..p + len];
                p += len;
                Elem::Str(s)
            }
            _ => {
                let size = match c {
                    0xC0 => 2,
                    0xD0 => 4,
                    0xE0 => 8,
                    0xF0 => 3,
                    0xFE => 1,
                    0xF1..=0xFD => 0,
                    _ => return Err("bad integer encoding"),
                };
                chk(p, 1 + size)?;
                let d = &zl[p + 1..p + 1 + size];
                let v = match c {
                    0xC0 => i16::from_le_bytes([d[0], d[1]]) as i64,
                    0xD0 => i32::from_le_bytes([d[0], d[1], d[2], d[3]]) as i64,
                    0xE0 => i64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]),
                    0xF0 => (i32::from_le_bytes([0, d[0], d[1], d[2]]) >> 8) as i64,
                    0xFE => d[0] as i8 as i64,
                    _ => (c & 0x0f) as i64 - 1,
                };
                p += 1 + size;
                Elem::Int(v)
            }
        };
        out.push(elem);
        prev_len = p - start;
        last_start = start;
    }
    if tail != last_start {
        return Err("tail offset does not match");
    }
    if count != u16::MAX && count as usize != out.len() {
        return Err("element count does not match");
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a ziplist the way Redis's ziplistPush does (test fixture).
    pub(crate) fn build(items: &[Elem]) -> Vec<u8> {
        let mut body = Vec::new();
        let mut prev = 0usize;
        let mut last = HEADER_SIZE;
        for it in items {
            let start = HEADER_SIZE + body.len();
            let mut e = Vec::new();
            if prev < 254 {
                e.push(prev as u8);
            } else {
                e.push(254);
                e.extend_from_slice(&(prev as u32).to_le_bytes());
            }
            match *it {
                Elem::Str(s) => {
                    if s.len() < 64 {
                        e.push(s.len() as u8);
                    } else if s.len() < 16384 {
                        e.push(0x40 | (s.len() >> 8) as u8);
                        e.push(s.len() as u8);
                    } else {
                        e.push(0x80);
                        e.extend_from_slice(&(s.len() as u32).to_be_bytes());
                    }
                    e.extend_from_slice(s);
                }
                Elem::Int(v) => {
                    if (0..=12).contains(&v) {
                        e.push(0xF1 + v as u8);
                    } else if (-128..=127).contains(&v) {
                        e.push(0xFE);
                        e.push(v as i8 as u8);
                    } else if (-32768..=32767).contains(&v) {
                        e.push(0xC0);
                        e.extend_from_slice(&(v as i16).to_le_bytes());
                    } else if (-8_388_608..=8_388_607).contains(&v) {
                        e.push(0xF0);
                        e.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
                    } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
                        e.push(0xD0);
                        e.extend_from_slice(&(v as i32).to_le_bytes());
                    } else {
                        e.push(0xE0);
                        e.extend_from_slice(&v.to_le_bytes());
                    }
                }
            }
            prev = e.len();
            last = start;
            body.extend_from_slice(&e);
        }
        let mut zl = Vec::new();
        zl.extend_from_slice(&((HEADER_SIZE + body.len() + 1) as u32).to_le_bytes());
        zl.extend_from_slice(&(last as u32).to_le_bytes());
        zl.extend_from_slice(&(items.len().min(65535) as u16).to_le_bytes());
        zl.extend_from_slice(&body);
        zl.push(0xFF);
        zl
    }

    #[test]
    fn decodes_every_encoding() {
        let big = vec![b'x'; 300];
        let huge = vec![b'y'; 20_000];
        let items = vec![
            Elem::Str(b"hello"),
            Elem::Int(0),
            Elem::Int(12),
            Elem::Int(13),
            Elem::Int(-5),
            Elem::Int(1000),
            Elem::Int(-70_000),
            Elem::Int(5_000_000_000),
            Elem::Int(i64::MIN),
            Elem::Str(&big),
            Elem::Str(&huge),
            Elem::Str(b""),
        ];
        let zl = build(&items);
        assert_eq!(decode(&zl).unwrap(), items);
        assert_eq!(decode(&build(&[])).unwrap(), vec![]);
    }

    #[test]
    fn bad_input_never_panics() {
        let items: Vec<Elem> =
            (0..40).map(|i| if i % 2 == 0 { Elem::Str(b"abc") } else { Elem::Int(i * 999) }).collect();
        let good = build(&items);
        for cut in 0..good.len() {
            assert!(decode(&good[..cut]).is_err());
        }
        for i in 0..good.len() {
            for x in [0xFF, 0x01, 0x80, 0x40] {
                let mut bad = good.clone();
                bad[i] ^= x;
                let _ = decode(&bad);
            }
        }
    }
}
