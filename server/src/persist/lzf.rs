//! LZF compression in liblzf's format, as Redis uses it for RDB strings.
//!
//! The stream is a sequence of chunks, each starting with a control byte:
//! - `000LLLLL`: a run of `L + 1` literal bytes follows (1..=32);
//! - `LLLOOOOO [EEEEEEEE] OOOOOOOO`: a back reference of length `LLL + 2`
//!   (when `LLL == 7`, one more byte `E` adds to it: up to 264) at distance
//!   `OOOOO:OOOOOOOO + 1` (up to 8192) behind the output position.
//!
//! The compressor is a greedy single-probe hash matcher (like liblzf's
//! default mode); any stream it produces decodes with liblzf. The
//! decompressor checks every bound and returns `None` on malformed input.

const HLOG: u32 = 14;
const MAX_LIT: usize = 32;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3); // 264

#[inline]
fn hash3(a: u8, b: u8, c: u8) -> usize {
    let v = (a as u32) << 16 | (b as u32) << 8 | c as u32;
    (v.wrapping_mul(2_654_435_761) >> (32 - HLOG)) as usize
}

fn push_literals(out: &mut Vec<u8>, lits: &[u8]) {
    for chunk in lits.chunks(MAX_LIT) {
        out.push((chunk.len() - 1) as u8);
        out.extend_from_slice(chunk);
    }
}

/// Compresses `input`. Returns `None` if the result would be longer than
/// `max_out` bytes (liblzf's `lzf_compress` returning 0), or if `input` is empty.
pub fn lzf_compress(input: &[u8], max_out: usize) -> Option<Vec<u8>> {
    Compressor::new().compress(input, max_out)
}

/// A compressor that keeps its hash table between calls, so compressing
/// many small strings does not pay for a fresh table each time. Stale table
/// entries are harmless: a candidate is only used after checking that it lies
/// before the current position and that its bytes really match.
pub struct Compressor {
    table: Vec<u32>,
}

impl Default for Compressor {
    fn default() -> Self {
        Self::new()
    }
}

impl Compressor {
    pub fn new() -> Self {
        Compressor { table: vec![0u32; 1 << HLOG] }
    }

    /// Like [`lzf_compress`].
    pub fn compress(&mut self, input: &[u8], max_out: usize) -> Option<Vec<u8>> {
        let n = input.len();
        if n == 0 || n >= u32::MAX as usize {
            return None;
        }
        let table = &mut self.table;
        let mut out = Vec::with_capacity(max_out.min(n + n / 32 + 2));
        let mut lit_start = 0usize;
        let mut i = 0usize;
        while i + 2 < n {
            let h = hash3(input[i], input[i + 1], input[i + 2]);
            let cand = table[h] as usize;
            table[h] = (i + 1) as u32;
            if cand != 0 && cand - 1 < i {
                let r = cand - 1;
                let dist = i - r;
                if dist <= MAX_OFF && input[r..r + 3] == input[i..i + 3] {
                    let max_len = MAX_REF.min(n - i);
                    let mut len = 3;
                    while len < max_len && input[r + len] == input[i + len] {
                        len += 1;
                    }
                    push_literals(&mut out, &input[lit_start..i]);
                    let off = dist - 1;
                    let l = len - 2;
                    if l < 7 {
                        out.push(((l << 5) | (off >> 8)) as u8);
                    } else {
                        out.push(((7 << 5) | (off >> 8)) as u8);
                        out.push((l - 7) as u8);
                    }
                    out.push((off & 0xff) as u8);
                    // Index the positions inside the match so later data can refer to them.
                    let end = i + len;
                    let mut j = i + 1;
                    while j < end && j + 2 < n {
                        table[hash3(input[j], input[j + 1], input[j + 2])] = (j + 1) as u32;
                        j += 1;
                    }
                    i = end;
                    lit_start = i;
                    if out.len() > max_out {
                        return None;
                    }
                    continue;
                }
            }
            i += 1;
            if out.len() + (i - lit_start) > max_out + MAX_LIT {
                return None;
            }
        }
        push_literals(&mut out, &input[lit_start..]);
        if out.len() > max_out {
            return None;
        }
        Some(out)
    }
}

/// Decompresses `input`, which must expand to exactly `out_len` bytes.
/// Returns `None` on malformed input or a length mismatch (never panics).
pub fn lzf_decompress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    // Each input byte yields at most 88 output bytes (3 bytes -> 264); refuse
    // absurd claimed lengths before allocating anything.
    if out_len > input.len().saturating_mul(88) + 32 {
        return None;
    }
    let mut out: Vec<u8> = Vec::with_capacity(out_len);
    let mut ip = 0usize;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let run = ctrl + 1;
            if ip + run > input.len() || out.len() + run > out_len {
                return None;
            }
            out.extend_from_slice(&input[ip..ip + run]);
            ip += run;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                len += *input.get(ip)? as usize;
                ip += 1;
            }
            len += 2;
            let low = *input.get(ip)? as usize;
            ip += 1;
            let back = ((ctrl & 0x1f) << 8) + low + 1;
            if back > out.len() || out.len() + len > out_len {
                return None;
            }
            let start = out.len() - back;
            if back >= len {
                out.extend_from_within(start..start + len);
            } else {
                for k in 0..len {
                    let b = out[start + k];
                    out.push(b);
                }
            }
        }
    }
    (out.len() == out_len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(data: &[u8]) {
        let c = lzf_compress(data, data.len() + data.len() / 16 + 64).expect("fits");
        assert_eq!(lzf_decompress(&c, data.len()).as_deref(), Some(data));
    }

    #[test]
    fn round_trips() {
        round_trip(b"a");
        round_trip(b"abcabcabcabcabcabcabcabcabcabcabcabc");
        round_trip(&[b'x'; 10_000]);
        let text: Vec<u8> =
            (0..50_000u32).flat_map(|i| format!("key:{} value:{};", i % 977, i % 13).into_bytes()).collect();
        round_trip(&text);
        let mut x = 12345u64;
        let noise: Vec<u8> = (0..5000)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                (x >> 56) as u8
            })
            .collect();
        round_trip(&noise);
        assert!(lzf_compress(&[b'z'; 100], 10).is_some());
        assert!(lzf_compress(&noise, noise.len() - 4).is_none());
        assert!(lzf_compress(b"", 10).is_none());
        // A reused compressor gives the same (decodable) output for every input.
        let mut c = Compressor::new();
        for data in [&text[..], &noise[..], b"abcabcabcabcabcabcabcabcabc", &text[..100]] {
            let z = c.compress(data, data.len() + data.len() / 16 + 64).unwrap();
            assert_eq!(lzf_decompress(&z, data.len()).as_deref(), Some(data));
        }
    }

    #[test]
    fn known_liblzf_stream() {
        // "aaaaaaaaaa" as liblzf encodes it: literal 'a', then a back reference
        // of length 9 at distance 1 (ctrl = (7 << 5) | 0, extra 0, offset 0).
        let c = [0x00, b'a', 0xe0, 0x00, 0x00];
        assert_eq!(lzf_decompress(&c, 10).unwrap(), b"aaaaaaaaaa");
    }

    #[test]
    fn garbage_never_panics() {
        let mut x = 99u64;
        for round in 0..2000 {
            let len = round % 64;
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (x >> 56) as u8
                })
                .collect();
            for out_len in [0, 1, 10, 100, 1000, usize::MAX] {
                let _ = lzf_decompress(&data, out_len);
            }
        }
        assert!(lzf_decompress(&[0x20, 0x00], 3).is_none()); // reference before the start
        assert!(lzf_decompress(&[0x05, b'a'], 6).is_none()); // truncated literal run
        assert!(lzf_decompress(&[0x00, b'a'], 2).is_none()); // length mismatch
    }
}
