//! HyperLogLog in Redis's own string format, so that a value written by
//! Redis (through DUMP/RESTORE, an RDB, or plain GET/SET) counts the same
//! here, and the reverse.
//!
//! Layout: a 16-byte header — `"HYLL"`, one encoding byte (0 = dense,
//! 1 = sparse), three unused bytes, and the cached cardinality as a 64-bit
//! little-endian number whose top bit set means "stale" — followed by the
//! registers. There are 16384 registers (the low 14 bits of the hash pick
//! one) holding the length of the run of zeros in the other 50 bits, plus
//! one.
//!
//! * Dense: 16384 six-bit registers packed least significant bit first,
//!   12288 bytes.
//! * Sparse: run-length opcodes. `00xxxxxx` = 1..64 zero registers,
//!   `01xxxxxx yyyyyyyy` = 1..16384 zero registers, `1vvvvvxx` = 1..4
//!   registers holding the value 1..32. A sparse value is promoted to dense
//!   when a register needs more than 32 or when the value would grow past
//!   `hll-sparse-max-bytes`. Edits follow Redis's algorithm step by step, so
//!   the bytes stay identical to what Redis would hold after the same adds.
//!
//! The hash is MurmurHash64A with Redis's seed, and the estimate is Otmar
//! Ertl's improved estimator over the register histogram, as in Redis 5+.

/// Header size in bytes.
pub const HDR_SIZE: usize = 16;
/// Index bits.
pub const P: u32 = 14;
/// Hash bits used for the run of zeros.
pub const Q: u32 = 64 - P;
pub const REGISTERS: usize = 1 << P;
const P_MASK: u64 = REGISTERS as u64 - 1;
const BITS: usize = 6;
const REGISTER_MAX: u8 = (1 << BITS) - 1;
/// Byte size of a dense value (header included).
pub const DENSE_SIZE: usize = HDR_SIZE + (REGISTERS * BITS).div_ceil(8);

pub const DENSE: u8 = 0;
pub const SPARSE: u8 = 1;
const MAX_ENCODING: u8 = 1;

const SPARSE_VAL_MAX_VALUE: u8 = 32;
const SPARSE_VAL_MAX_LEN: usize = 4;
const SPARSE_ZERO_MAX_LEN: usize = 64;
const SPARSE_XZERO_MAX_LEN: usize = 16384;

const MAGIC: &[u8; 4] = b"HYLL";
const SEED: u64 = 0xadc8_3b19;

/// The register data is not a valid sparse sequence (Redis's
/// "INVALIDOBJ Corrupted HLL object detected").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

// ---- hashing -----------------------------------------------------------------

/// MurmurHash2, 64-bit version, reading 8-byte blocks little-endian (Redis's
/// endian-neutral variant).
pub fn murmur64a(data: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (data.len() as u64).wrapping_mul(M);
    let mut blocks = data.chunks_exact(8);
    for b in &mut blocks {
        let mut k = u64::from_le_bytes(b.try_into().expect("8-byte chunk"));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= (b as u64) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// The register an element goes to and the value it proposes (1..=Q+1).
pub fn pattern(ele: &[u8]) -> (usize, u8) {
    let hash = murmur64a(ele, SEED);
    let index = (hash & P_MASK) as usize;
    // A sentinel bit at Q makes the count stop at Q+1.
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

// ---- header ------------------------------------------------------------------

/// A new, empty HLL: sparse, one XZERO opcode covering every register.
pub fn new_sparse() -> Vec<u8> {
    let mut v = Vec::with_capacity(64);
    v.extend_from_slice(MAGIC);
    v.push(SPARSE);
    v.extend_from_slice(&[0; 11]);
    let mut left = REGISTERS;
    while left > 0 {
        let n = left.min(SPARSE_XZERO_MAX_LEN);
        let mut op = [0u8; 2];
        xzero_set(&mut op, n);
        v.extend_from_slice(&op);
        left -= n;
    }
    v
}

/// Is `b` something PFADD/PFCOUNT/PFMERGE accept (Redis's isHLLObjectOrReply)?
pub fn is_valid(b: &[u8]) -> bool {
    b.len() >= HDR_SIZE && &b[..4] == MAGIC && b[4] <= MAX_ENCODING && (b[4] != DENSE || b.len() == DENSE_SIZE)
}

pub fn is_dense(b: &[u8]) -> bool {
    b[4] == DENSE
}

/// The cached cardinality, if it is valid.
pub fn cached_card(b: &[u8]) -> Option<u64> {
    if b[15] & 0x80 != 0 {
        return None;
    }
    Some(u64::from_le_bytes(b[8..16].try_into().expect("8 bytes")))
}

pub fn set_cached_card(b: &mut [u8], card: u64) {
    b[8..16].copy_from_slice(&card.to_le_bytes());
}

pub fn invalidate_cache(b: &mut [u8]) {
    b[15] |= 0x80;
}

// ---- dense registers ---------------------------------------------------------

/// Register `i` of a packed 6-bit array. The byte after the array reads as 0
/// (Redis relies on the sds terminator there).
fn dense_get(regs: &[u8], i: usize) -> u8 {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let b0 = regs[byte] as u16;
    let b1 = regs.get(byte + 1).copied().unwrap_or(0) as u16;
    (((b0 >> fb) | (b1 << (8 - fb))) & REGISTER_MAX as u16) as u8
}

fn dense_put(regs: &mut [u8], i: usize, val: u8) {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let v = val as u16;
    regs[byte] &= !((REGISTER_MAX as u16) << fb) as u8;
    regs[byte] |= (v << fb) as u8;
    if let Some(next) = regs.get_mut(byte + 1) {
        let fb8 = 8 - fb;
        *next &= !((REGISTER_MAX as u16) >> fb8) as u8;
        *next |= (v >> fb8) as u8;
    }
}

/// Raises register `i` to `count`; true if it changed.
fn dense_raise(regs: &mut [u8], i: usize, count: u8) -> bool {
    if count > dense_get(regs, i) {
        dense_put(regs, i, count);
        true
    } else {
        false
    }
}

// ---- sparse opcodes ------------------------------------------------------------

fn is_zero(b: u8) -> bool {
    b & 0xc0 == 0
}
fn is_xzero(b: u8) -> bool {
    b & 0xc0 == 0x40
}
fn is_val(b: u8) -> bool {
    b & 0x80 != 0
}
fn zero_len(b: u8) -> usize {
    (b & 0x3f) as usize + 1
}
fn xzero_len(b0: u8, b1: u8) -> usize {
    ((((b0 & 0x3f) as usize) << 8) | b1 as usize) + 1
}
fn val_value(b: u8) -> u8 {
    ((b >> 2) & 0x1f) + 1
}
fn val_len(b: u8) -> usize {
    (b & 0x3) as usize + 1
}
fn val_op(value: u8, len: usize) -> u8 {
    (((value - 1) << 2) | (len as u8 - 1)) | 0x80
}
fn zero_op(len: usize) -> u8 {
    (len - 1) as u8
}
fn xzero_set(out: &mut [u8], len: usize) {
    let l = len - 1;
    out[0] = ((l >> 8) as u8) | 0x40;
    out[1] = (l & 0xff) as u8;
}

/// One decoded sparse opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Zero(usize),
    XZero(usize),
    Val(u8, usize),
}

/// Decodes the opcodes of a sparse body (after the header).
fn ops(body: &[u8]) -> impl Iterator<Item = Result<Op, Corrupt>> + '_ {
    let mut p = 0;
    std::iter::from_fn(move || {
        let b = *body.get(p)?;
        Some(if is_zero(b) {
            p += 1;
            Ok(Op::Zero(zero_len(b)))
        } else if is_xzero(b) {
            match body.get(p + 1) {
                Some(&b1) => {
                    p += 2;
                    Ok(Op::XZero(xzero_len(b, b1)))
                }
                None => {
                    p = body.len();
                    Err(Corrupt)
                }
            }
        } else {
            p += 1;
            Ok(Op::Val(val_value(b), val_len(b)))
        })
    })
}

/// Expands a sparse body into one byte per register.
fn sparse_registers(body: &[u8], out: &mut [u8; REGISTERS], merge: bool) -> Result<(), Corrupt> {
    let mut idx = 0usize;
    for op in ops(body) {
        match op? {
            Op::Zero(n) | Op::XZero(n) => {
                idx += n;
                if idx > REGISTERS {
                    return Err(Corrupt);
                }
            }
            Op::Val(v, n) => {
                if idx + n > REGISTERS {
                    return Err(Corrupt);
                }
                for r in &mut out[idx..idx + n] {
                    if !merge || v > *r {
                        *r = v;
                    }
                }
                idx += n;
            }
        }
    }
    if idx == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// Converts a sparse HLL to dense in place (the header, cached cardinality
/// included, is kept). No-op for a dense one.
pub fn to_dense(h: &mut Vec<u8>) -> Result<(), Corrupt> {
    if is_dense(h) {
        return Ok(());
    }
    let mut regs = Box::new([0u8; REGISTERS]);
    sparse_registers(&h[HDR_SIZE..], &mut regs, false)?;
    let mut dense = vec![0u8; DENSE_SIZE];
    dense[..HDR_SIZE].copy_from_slice(&h[..HDR_SIZE]);
    dense[4] = DENSE;
    for (i, &v) in regs.iter().enumerate() {
        if v != 0 {
            dense_put(&mut dense[HDR_SIZE..], i, v);
        }
    }
    *h = dense;
    Ok(())
}

/// Promotes to dense and raises register `index` (Redis's `promote:` path).
fn promote_and_set(h: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    to_dense(h)?;
    Ok(dense_raise(&mut h[HDR_SIZE..], index, count))
}

/// Raises register `index` of a sparse HLL to `count` (Redis's hllSparseSet):
/// Ok(true) if it changed. May promote the value to dense.
fn sparse_set(h: &mut Vec<u8>, index: usize, count: u8, max_bytes: usize) -> Result<bool, Corrupt> {
    if count > SPARSE_VAL_MAX_VALUE {
        return promote_and_set(h, index, count);
    }
    // Step 1: find the opcode covering `index`.
    let end = h.len();
    let mut p = HDR_SIZE;
    let mut first = 0usize;
    let mut prev: Option<usize> = None;
    let mut span = 0usize;
    while p < end {
        let b = h[p];
        let oplen;
        if is_zero(b) {
            span = zero_len(b);
            oplen = 1;
        } else if is_val(b) {
            span = val_len(b);
            oplen = 1;
        } else {
            let b1 = *h.get(p + 1).ok_or(Corrupt)?;
            span = xzero_len(b, b1);
            oplen = 2;
        }
        if index < first + span {
            break;
        }
        prev = Some(p);
        p += oplen;
        first += span;
    }
    if span == 0 || p >= end {
        return Err(Corrupt);
    }
    let b = h[p];
    let (zero, xzero) = (is_zero(b), is_xzero(b));
    let runlen = span;

    // Step 2: the trivial cases.
    let mut updated_in_place = false;
    if is_val(b) {
        if val_value(b) >= count {
            return Ok(false);
        }
        if runlen == 1 {
            h[p] = val_op(count, 1);
            updated_in_place = true;
        }
    }
    if !updated_in_place && zero && runlen == 1 {
        h[p] = val_op(count, 1);
        updated_in_place = true;
    }

    // Step 3: split the opcode into up to three.
    if !updated_in_place {
        let mut seq: Vec<u8> = Vec::with_capacity(5);
        let last = first + span - 1;
        let push_zero = |seq: &mut Vec<u8>, len: usize| {
            if len > SPARSE_ZERO_MAX_LEN {
                let mut op = [0u8; 2];
                xzero_set(&mut op, len);
                seq.extend_from_slice(&op);
            } else {
                seq.push(zero_op(len));
            }
        };
        if zero || xzero {
            if index != first {
                push_zero(&mut seq, index - first);
            }
            seq.push(val_op(count, 1));
            if index != last {
                push_zero(&mut seq, last - index);
            }
        } else {
            let cur = val_value(b);
            if index != first {
                seq.push(val_op(cur, index - first));
            }
            seq.push(val_op(count, 1));
            if index != last {
                seq.push(val_op(cur, last - index));
            }
        }
        let oldlen = if xzero { 2 } else { 1 };
        if seq.len() > oldlen && h.len() + (seq.len() - oldlen) > max_bytes {
            return promote_and_set(h, index, count);
        }
        h.splice(p..p + oldlen, seq);
    }

    // Step 4: merge adjacent VAL opcodes of equal value, scanning up to five
    // opcodes from the one before the change.
    let mut p = prev.unwrap_or(HDR_SIZE);
    let mut scan = 5;
    while p < h.len() && scan > 0 {
        scan -= 1;
        let b = h[p];
        if is_xzero(b) {
            p += 2;
            continue;
        } else if is_zero(b) {
            p += 1;
            continue;
        }
        if p + 1 < h.len() && is_val(h[p + 1]) {
            let (v1, v2) = (val_value(b), val_value(h[p + 1]));
            if v1 == v2 {
                let len = val_len(b) + val_len(h[p + 1]);
                if len <= SPARSE_VAL_MAX_LEN {
                    h[p + 1] = val_op(v1, len);
                    h.remove(p);
                    continue;
                }
            }
        }
        p += 1;
    }
    Ok(true)
}

/// The current value of register `index`.
pub fn register(h: &[u8], index: usize) -> Result<u8, Corrupt> {
    if is_dense(h) {
        return Ok(dense_get(&h[HDR_SIZE..], index));
    }
    let mut first = 0usize;
    for op in ops(&h[HDR_SIZE..]) {
        let (v, n) = match op? {
            Op::Zero(n) | Op::XZero(n) => (0, n),
            Op::Val(v, n) => (v, n),
        };
        if index < first + n {
            return Ok(v);
        }
        first += n;
    }
    Err(Corrupt)
}

/// Raises register `index` to `count` in either encoding; true if it changed.
/// Does not touch the cached cardinality.
pub fn set_register(h: &mut Vec<u8>, index: usize, count: u8, max_bytes: usize) -> Result<bool, Corrupt> {
    if is_dense(h) {
        Ok(dense_raise(&mut h[HDR_SIZE..], index, count))
    } else {
        sparse_set(h, index, count, max_bytes)
    }
}

/// Adds one element (Redis's hllAdd): true if a register changed.
pub fn add(h: &mut Vec<u8>, ele: &[u8], max_bytes: usize) -> Result<bool, Corrupt> {
    let (index, count) = pattern(ele);
    set_register(h, index, count, max_bytes)
}

/// Would adding `ele` change anything? (Err if the sparse data is corrupt
/// where the element lands.)
pub fn would_change(h: &[u8], ele: &[u8]) -> Result<bool, Corrupt> {
    let (index, count) = pattern(ele);
    Ok(count > register(h, index)?)
}

/// Folds `h` into `max` (register-wise maximum), as PFCOUNT with several
/// keys and PFMERGE do.
pub fn merge_into(max: &mut [u8; REGISTERS], h: &[u8]) -> Result<(), Corrupt> {
    if is_dense(h) {
        let regs = &h[HDR_SIZE..];
        for (i, m) in max.iter_mut().enumerate() {
            let v = dense_get(regs, i);
            if v > *m {
                *m = v;
            }
        }
        Ok(())
    } else {
        sparse_registers(&h[HDR_SIZE..], max, true)
    }
}

/// All registers, one byte each.
pub fn registers(h: &[u8]) -> Result<Box<[u8; REGISTERS]>, Corrupt> {
    let mut out = Box::new([0u8; REGISTERS]);
    merge_into(&mut out, h)?;
    Ok(out)
}

// ---- estimation --------------------------------------------------------------

fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let prev = z;
        z += x * y;
        y += y;
        if prev == z {
            return z;
        }
    }
}

fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let prev = z;
        y *= 0.5;
        let d = 1.0 - x;
        z -= d * d * y;
        if prev == z {
            return z / 3.0;
        }
    }
}

/// Ertl's estimator over a register-value histogram.
fn estimate(histo: &[u32; 64]) -> u64 {
    const ALPHA_INF: f64 = 0.721_347_520_444_481_7;
    let m = REGISTERS as f64;
    let q = Q as usize;
    let mut z = m * tau((m - histo[q + 1] as f64) / m);
    for j in (1..=q).rev() {
        z += histo[j] as f64;
        z *= 0.5;
    }
    z += m * sigma(histo[0] as f64 / m);
    (ALPHA_INF * m * m / z).round() as u64
}

/// The estimated cardinality of one HLL (ignores the cache).
pub fn count(h: &[u8]) -> Result<u64, Corrupt> {
    let mut histo = [0u32; 64];
    if is_dense(h) {
        let regs = &h[HDR_SIZE..];
        for i in 0..REGISTERS {
            histo[dense_get(regs, i) as usize] += 1;
        }
    } else {
        let mut idx = 0usize;
        for op in ops(&h[HDR_SIZE..]) {
            let (v, n) = match op? {
                Op::Zero(n) | Op::XZero(n) => (0, n),
                Op::Val(v, n) => (v, n),
            };
            histo[v as usize] += n as u32;
            idx += n;
        }
        if idx != REGISTERS {
            return Err(Corrupt);
        }
    }
    Ok(estimate(&histo))
}

/// The estimated cardinality of raw registers (one byte each).
pub fn count_registers(regs: &[u8; REGISTERS]) -> u64 {
    let mut histo = [0u32; 64];
    for &v in regs.iter() {
        histo[(v & 63) as usize] += 1;
    }
    estimate(&histo)
}

/// PFDEBUG DECODE's rendering of a sparse HLL: `Z:n` (XZERO), `z:n` (ZERO),
/// `v:value,n` (VAL), space separated. None for a dense one.
pub fn decode_sparse(h: &[u8]) -> Option<String> {
    if is_dense(h) {
        return None;
    }
    let mut parts = Vec::new();
    for op in ops(&h[HDR_SIZE..]) {
        match op {
            Ok(Op::Zero(n)) => parts.push(format!("z:{n}")),
            Ok(Op::XZero(n)) => parts.push(format!("Z:{n}")),
            Ok(Op::Val(v, n)) => parts.push(format!("v:{v},{n}")),
            Err(_) => break,
        }
    }
    Some(parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: usize = 3000;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn empty_value_layout() {
        let h = new_sparse();
        assert_eq!(h, b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff");
        assert!(is_valid(&h));
        assert_eq!(count(&h), Ok(0));
        assert_eq!(cached_card(&h), Some(0));
    }

    #[test]
    fn validity() {
        assert!(!is_valid(b"HYLL"));
        assert!(!is_valid(b"HYLX\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff"));
        assert!(!is_valid(b"HYLL\x02\0\0\0\0\0\0\0\0\0\0\0\x7f\xff"));
        // Dense must have the exact size.
        assert!(!is_valid(b"HYLL\x00\0\0\0\0\0\0\0\0\0\0\0\x7f\xff"));
        let mut d = new_sparse();
        to_dense(&mut d).unwrap();
        assert_eq!(d.len(), DENSE_SIZE);
        assert!(is_valid(&d));
    }

    #[test]
    fn murmur_matches_redis() {
        // Registers Redis picked for "a", "b", "c" (PFDEBUG DECODE after
        // PFADD h a b c: Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603).
        let mut h = new_sparse();
        for e in [&b"a"[..], b"b", b"c"] {
            assert!(add(&mut h, e, MAX).unwrap());
        }
        assert_eq!(decode_sparse(&h).unwrap(), "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
    }

    /// Bytes captured from Redis 7.0.15: `PFADD k e0 .. e199` then GET k,
    /// and its PFCOUNT (the cache holds it).
    const REDIS_200: &str = concat!(
        "48594c4c01000000c800000000000000368421801980409f8408a40e88409084406c9c0190018812883884409480411c",
        "8817884055800080407a80411d8812804075800d842a8040638440768c404684414880098040d5800980409480407e90",
        "40738040628440a280408384405d84148040cb8407840d8040f080405e80068427844081803c844047840780404e8040",
        "8f84039404844043840c842684406e80407380404084409d84198019802a8441028c088441298010801c884060801080",
        "404b8c4052881b8040b080406e8040bc802b8c40f58040618c1a840380407e80408080404580088440fd80405a804066",
        "84409f8040468c108c018401841e8811802384407d8440de84406280308812844065840784198040de84404684408b88",
        "14802988008402800a8840578041a79011842e844070801f840180189440f98440848c168421813c881d801380368410",
        "804089844044804147800380228040b88440bb88404684168040c684404980048440e680404380388c405c8040558440",
        "9980268005800380405480409e88404c882e8840448040b080198408841f880380405b841b803f804044804055800d88",
        "128440d380405988408b800290407e800784407b801d841d8040af8418840f844045803384404f80288440a784407680",
        "40578419844048800e9022840a80406a840d8039801380409a8828804046844044",
    );

    #[test]
    fn same_bytes_and_count_as_redis() {
        let want = hex(REDIS_200.trim());
        let mut h = new_sparse();
        for i in 0..200 {
            add(&mut h, format!("e{i}").as_bytes(), MAX).unwrap();
        }
        // Redis's bytes carry the cached count written by PFCOUNT.
        let card = cached_card(&want).expect("fixture has a valid cache");
        assert_eq!(&h[HDR_SIZE..], &want[HDR_SIZE..]);
        assert_eq!(count(&want), Ok(card));
        assert_eq!(count(&h), Ok(card));
    }

    #[test]
    fn registers_roundtrip() {
        let mut regs = vec![0u8; DENSE_SIZE - HDR_SIZE];
        let mut shadow = vec![0u8; REGISTERS];
        let mut x: u64 = 0x1234_5678;
        for _ in 0..3 {
            for (i, slot) in shadow.iter_mut().enumerate() {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let v = (x >> 58) as u8 & REGISTER_MAX;
                dense_put(&mut regs, i, v);
                *slot = v;
            }
            for (i, &s) in shadow.iter().enumerate() {
                assert_eq!(dense_get(&regs, i), s);
            }
        }
    }

    fn error_of(n: u64, tag: &str) -> f64 {
        let mut h = new_sparse();
        for i in 0..n {
            add(&mut h, format!("{tag}:{i}").as_bytes(), MAX).unwrap();
        }
        let c = count(&h).unwrap() as f64;
        (c - n as f64).abs() / n as f64
    }

    #[test]
    fn error_under_one_percent() {
        // The standard error with 16384 registers is 1.04/sqrt(16384) = 0.81%:
        // the mean error over independent sets is well under 1%, and no
        // single set strays past three standard errors.
        for n in [1_000u64, 100_000, 1_000_000] {
            let tags = ["a", "b", "c", "d", "e"];
            let errs: Vec<f64> = tags.iter().map(|t| error_of(n, t)).collect();
            let mean = errs.iter().sum::<f64>() / errs.len() as f64;
            eprintln!("n={n} errors={errs:?} mean={mean}");
            assert!(mean < 0.01, "n={n} mean error {mean}");
            assert!(errs.iter().all(|e| *e < 0.025), "n={n} {errs:?}");
        }
    }

    /// Redis 7.0.15, `PFADD k d0 .. d4999`: dense, PFCOUNT 5037; the digest
    /// is murmur64a(registers, seed 0) of the bytes GET returned.
    #[test]
    fn dense_bytes_match_redis() {
        let mut h = new_sparse();
        for i in 0..5000 {
            add(&mut h, format!("d{i}").as_bytes(), MAX).unwrap();
        }
        assert!(is_dense(&h));
        assert_eq!(murmur64a(&h[HDR_SIZE..], 0), 0xf490_6227_7adb_b6d9);
        assert_eq!(count(&h), Ok(5037));
    }

    #[test]
    fn sparse_promotes_to_dense_and_agrees() {
        let mut sparse = new_sparse();
        let mut dense = new_sparse();
        to_dense(&mut dense).unwrap();
        let mut promoted_at = None;
        for i in 0..20_000u32 {
            let e = format!("elem:{i}");
            let a = add(&mut sparse, e.as_bytes(), MAX).unwrap();
            let b = add(&mut dense, e.as_bytes(), MAX).unwrap();
            assert_eq!(a, b, "same change at {i}");
            if promoted_at.is_none() && is_dense(&sparse) {
                promoted_at = Some(i);
            } else if !is_dense(&sparse) {
                assert!(sparse.len() <= MAX);
                if i % 97 == 0 {
                    assert_eq!(count(&sparse), count(&dense));
                }
            }
        }
        assert!(promoted_at.is_some());
        assert_eq!(sparse, dense);
    }

    #[test]
    fn small_max_bytes_promotes_early() {
        let mut h = new_sparse();
        for i in 0..10 {
            add(&mut h, format!("{i}").as_bytes(), 30).unwrap();
        }
        assert!(is_dense(&h));
    }

    #[test]
    fn merge_is_union() {
        let (mut a, mut b, mut all) = (new_sparse(), new_sparse(), new_sparse());
        to_dense(&mut b).unwrap();
        for i in 0..50_000u32 {
            let e = i.to_be_bytes();
            if i % 2 == 0 {
                add(&mut a, &e, MAX).unwrap();
            } else {
                add(&mut b, &e, MAX).unwrap();
            }
            add(&mut all, &e, MAX).unwrap();
        }
        let mut max = Box::new([0u8; REGISTERS]);
        merge_into(&mut max, &a).unwrap();
        merge_into(&mut max, &b).unwrap();
        assert_eq!(count_registers(&max), count(&all).unwrap());
        assert_eq!(*registers(&all).unwrap(), *max);
    }

    #[test]
    fn corrupt_sparse_is_detected() {
        let mut h = new_sparse();
        h.truncate(HDR_SIZE + 1);
        assert_eq!(count(&h), Err(Corrupt));
        let mut h = new_sparse();
        h.push(0x00); // one register too many
        assert_eq!(count(&h), Err(Corrupt));
        let mut m = Box::new([0u8; REGISTERS]);
        assert_eq!(merge_into(&mut m, &h), Err(Corrupt));
        assert!(to_dense(&mut h).is_err());
    }
}
