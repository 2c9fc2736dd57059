//! Redis's listpack: the compact list encoding inside RDB values (hash, zset,
//! set and list nodes, stream nodes).
//!
//! ```text
//! <total-bytes u32 LE> <num-elements u16 LE (65535 = unknown)> <entry>* <0xFF>
//! entry = <encoding+data> <backlen: length of encoding+data, 1..5 bytes>
//! ```
//! Encodings: `0xxxxxxx` 7-bit uint; `10LLLLLL` string up to 63 bytes;
//! `110xxxxx yyyyyyyy` 13-bit signed int; `1110LLLL LLLLLLLL` string up to
//! 4095 bytes; `0xF0 <len u32 LE>` longer string; `0xF1`/`0xF2`/`0xF3`/`0xF4`
//! 16/24/32/64-bit signed ints (LE). The backlen stores the entry length 7
//! bits per byte, read right to left: the rightmost byte holds the low bits,
//! and bit 7 set on a byte means another byte follows to its left.
//!
//! [`LpBuilder`] writes Redis's smallest encodings (a string that is a
//! canonical integer is stored as an integer, as `lpAppend` does);
//! [`decode`] validates everything and never panics on hostile input.

use gears_store::parse_canonical_i64;

pub const HEADER_SIZE: usize = 6;
pub const EOF: u8 = 0xFF;
/// The element count value meaning "count unknown, walk to find out".
pub const COUNT_UNKNOWN: u16 = u16::MAX;

/// One listpack element: the store's list element (bytes or an integer).
pub use gears_store::list::Elem;

/// Builds a listpack by appending elements.
#[derive(Debug, Clone)]
pub struct LpBuilder {
    buf: Vec<u8>,
    count: usize,
}

impl Default for LpBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl LpBuilder {
    pub fn new() -> Self {
        let mut buf = Vec::with_capacity(64);
        buf.extend_from_slice(&[0; HEADER_SIZE]);
        LpBuilder { buf, count: 0 }
    }

    /// Elements appended so far.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The size the finished listpack will have.
    pub fn bytes(&self) -> usize {
        self.buf.len() + 1
    }

    /// Appends a string; canonical integers are stored as integers (lpAppend).
    pub fn push_str(&mut self, s: &[u8]) {
        if s.len() <= 20 {
            if let Some(v) = parse_canonical_i64(s) {
                self.push_int(v);
                return;
            }
        }
        let start = self.buf.len();
        let n = s.len();
        if n < 64 {
            self.buf.push(0x80 | n as u8);
        } else if n < 4096 {
            self.buf.push(0xE0 | (n >> 8) as u8);
            self.buf.push((n & 0xff) as u8);
        } else {
            self.buf.push(0xF0);
            self.buf.extend_from_slice(&(n as u32).to_le_bytes());
        }
        self.buf.extend_from_slice(s);
        self.finish_entry(start);
    }

    /// Appends an element as decoded from another listpack.
    pub fn push_elem(&mut self, e: Elem) {
        match e {
            Elem::Int(v) => self.push_int(v),
            Elem::Str(s) => self.push_str(s),
        }
    }

    /// Appends an integer in the smallest encoding.
    pub fn push_int(&mut self, v: i64) {
        let start = self.buf.len();
        if (0..=127).contains(&v) {
            self.buf.push(v as u8);
        } else if (-4096..=4095).contains(&v) {
            let u = (v as u16) & 0x1fff;
            self.buf.push(0xC0 | (u >> 8) as u8);
            self.buf.push((u & 0xff) as u8);
        } else if (-32768..=32767).contains(&v) {
            self.buf.push(0xF1);
            self.buf.extend_from_slice(&(v as i16).to_le_bytes());
        } else if (-8_388_608..=8_388_607).contains(&v) {
            self.buf.push(0xF2);
            self.buf.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
        } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
            self.buf.push(0xF3);
            self.buf.extend_from_slice(&(v as i32).to_le_bytes());
        } else {
            self.buf.push(0xF4);
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
        self.finish_entry(start);
    }

    fn finish_entry(&mut self, start: usize) {
        let l = self.buf.len() - start;
        push_backlen(&mut self.buf, l);
        self.count += 1;
    }

    /// The finished listpack bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(EOF);
        let total = self.buf.len() as u32;
        self.buf[0..4].copy_from_slice(&total.to_le_bytes());
        let count = if self.count < COUNT_UNKNOWN as usize { self.count as u16 } else { COUNT_UNKNOWN };
        self.buf[4..6].copy_from_slice(&count.to_le_bytes());
        self.buf
    }
}

/// Appends the backlen of an entry of `l` bytes (lpEncodeBacklen).
fn push_backlen(out: &mut Vec<u8>, l: usize) {
    if l <= 127 {
        out.push(l as u8);
    } else if l < 16_383 {
        out.extend_from_slice(&[(l >> 7) as u8, (l & 127) as u8 | 128]);
    } else if l < 2_097_151 {
        out.extend_from_slice(&[(l >> 14) as u8, ((l >> 7) & 127) as u8 | 128, (l & 127) as u8 | 128]);
    } else if l < 268_435_455 {
        out.extend_from_slice(&[
            (l >> 21) as u8,
            ((l >> 14) & 127) as u8 | 128,
            ((l >> 7) & 127) as u8 | 128,
            (l & 127) as u8 | 128,
        ]);
    } else {
        out.extend_from_slice(&[
            (l >> 28) as u8,
            ((l >> 21) & 127) as u8 | 128,
            ((l >> 14) & 127) as u8 | 128,
            ((l >> 7) & 127) as u8 | 128,
            (l & 127) as u8 | 128,
        ]);
    }
}

fn backlen_size(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16_382 => 2,
        16_383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

/// Decodes the entry at `p` (which must be before the terminator at `end`):
/// the element and the entry's total size including its backlen.
fn decode_entry(b: &[u8], p: usize, end: usize) -> Result<(Elem<'_>, usize), &'static str> {
    let avail = end - p;
    let need = |n: usize| if n <= avail { Ok(()) } else { Err("entry runs past the end") };
    let c = b[p];
    let (elem, hdr_data) = if c & 0x80 == 0 {
        (Elem::Int((c & 0x7f) as i64), 1)
    } else if c & 0xC0 == 0x80 {
        let n = (c & 0x3f) as usize;
        need(1 + n)?;
        (Elem::Str(&b[p + 1..p + 1 + n]), 1 + n)
    } else if c & 0xE0 == 0xC0 {
        need(2)?;
        let u = (((c & 0x1f) as u16) << 8) | b[p + 1] as u16;
        let v = if u >= 1 << 12 { u as i64 - (1 << 13) } else { u as i64 };
        (Elem::Int(v), 2)
    } else if c & 0xF0 == 0xE0 {
        need(2)?;
        let n = (((c & 0x0f) as usize) << 8) | b[p + 1] as usize;
        need(2 + n)?;
        (Elem::Str(&b[p + 2..p + 2 + n]), 2 + n)
    } else {
        match c {
            0xF0 => {
                need(5)?;
                let n = u32::from_le_bytes([b[p + 1], b[p + 2], b[p + 3], b[p + 4]]) as usize;
                need(5usize.checked_add(n).ok_or("bad length")?)?;
                (Elem::Str(&b[p + 5..p + 5 + n]), 5 + n)
            }
            0xF1 => {
                need(3)?;
                (Elem::Int(i16::from_le_bytes([b[p + 1], b[p + 2]]) as i64), 3)
            }
            0xF2 => {
                need(4)?;
                let v = i32::from_le_bytes([0, b[p + 1], b[p + 2], b[p + 3]]) >> 8;
                (Elem::Int(v as i64), 4)
            }
            0xF3 => {
                need(5)?;
                (Elem::Int(i32::from_le_bytes([b[p + 1], b[p + 2], b[p + 3], b[p + 4]]) as i64), 5)
            }
            0xF4 => {
                need(9)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(&b[p + 1..p + 9]);
                (Elem::Int(i64::from_le_bytes(a)), 9)
            }
            0xFF => return Err("terminator in the middle"),
            _ => return Err("unknown entry encoding"),
        }
    };
    let bl = backlen_size(hdr_data);
    need(hdr_data + bl)?;
    let mut expect = Vec::with_capacity(5);
    push_backlen(&mut expect, hdr_data);
    if b[p + hdr_data..p + hdr_data + bl] != expect[..] {
        return Err("bad entry backlen");
    }
    Ok((elem, hdr_data + bl))
}

/// Validates a whole listpack (header, every entry, backlens, terminator,
/// element count) and returns its elements.
pub fn decode(lp: &[u8]) -> Result<Vec<Elem<'_>>, &'static str> {
    if lp.len() < HEADER_SIZE + 1 {
        return Err("too short");
    }
    let total = u32::from_le_bytes([lp[0], lp[1], lp[2], lp[3]]) as usize;
    if total != lp.len() {
        return Err("header size does not match");
    }
    let count = u16::from_le_bytes([lp[4], lp[5]]);
    let end = lp.len() - 1;
    if lp[end] != EOF {
        return Err("missing terminator");
    }
    let mut out = Vec::with_capacity(if count == COUNT_UNKNOWN { 16 } else { count as usize });
    let mut p = HEADER_SIZE;
    while p < end {
        let (e, sz) = decode_entry(lp, p, end)?;
        out.push(e);
        p += sz;
    }
    if count != COUNT_UNKNOWN && count as usize != out.len() {
        return Err("element count does not match");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints() -> Vec<i64> {
        vec![
            0,
            1,
            127,
            128,
            -1,
            -4096,
            4095,
            4096,
            -4097,
            32767,
            -32768,
            32768,
            8_388_607,
            -8_388_608,
            8_388_608,
            i32::MAX as i64,
            i32::MIN as i64,
            i32::MAX as i64 + 1,
            i64::MAX,
            i64::MIN,
        ]
    }

    #[test]
    fn round_trip_all_encodings() {
        let mut b = LpBuilder::new();
        for v in ints() {
            b.push_int(v);
        }
        let long63 = vec![b'a'; 63];
        let long64 = vec![b'b'; 64];
        let long4095 = vec![b'c'; 4095];
        let long4096 = vec![b'd'; 4096];
        let huge = vec![b'e'; 300_000];
        for s in [&b""[..], b"hello", &long63, &long64, &long4095, &long4096, &huge, b"007", b"-0"] {
            b.push_str(s);
        }
        b.push_str(b"12345");
        let n = b.len();
        let lp = b.finish();
        let got = decode(&lp).unwrap();
        assert_eq!(got.len(), n);
        let mut it = got.into_iter();
        for v in ints() {
            assert_eq!(it.next(), Some(Elem::Int(v)));
        }
        for s in [&b""[..], b"hello", &long63, &long64, &long4095, &long4096, &huge, b"007", b"-0"] {
            assert_eq!(it.next(), Some(Elem::Str(s)));
        }
        assert_eq!(it.next(), Some(Elem::Int(12345)));
    }

    #[test]
    fn known_bytes() {
        // lpNew + lpAppend("a") + lpAppend("1024") as Redis lays them out.
        let mut b = LpBuilder::new();
        b.push_str(b"a");
        b.push_str(b"1024");
        let lp = b.finish();
        assert_eq!(lp, vec![13, 0, 0, 0, 2, 0, 0x81, b'a', 2, 0xC4, 0x00, 2, 0xFF]);
        assert_eq!(decode(&[7, 0, 0, 0, 0, 0, 0xFF]).unwrap(), vec![]);
    }

    #[test]
    fn bad_input_never_panics() {
        let mut b = LpBuilder::new();
        for i in 0..50 {
            b.push_str(format!("value-{i}").as_bytes());
            b.push_int(i * 1000);
        }
        let good = b.finish();
        assert!(decode(&good).is_ok());
        for cut in 0..good.len() {
            assert!(decode(&good[..cut]).is_err());
        }
        for i in 0..good.len() {
            for x in [0x00, 0xFF, 0x80, 0xF0, 0x5A] {
                let mut bad = good.clone();
                bad[i] ^= x;
                let _ = decode(&bad);
            }
        }
        let mut bad = good.clone();
        bad[4] = 7; // wrong count
        assert_eq!(decode(&bad), Err("element count does not match"));
        let mut unknown = good.clone();
        unknown[4] = 0xFF;
        unknown[5] = 0xFF;
        assert_eq!(decode(&unknown).unwrap().len(), 100);
    }
}
