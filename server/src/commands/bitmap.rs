//! Bitmap commands over string values: SETBIT, GETBIT, BITCOUNT, BITPOS,
//! BITOP (AND/OR/XOR/NOT and Redis 8.2's DIFF/DIFF1/ANDOR/ONE), BITFIELD and
//! BITFIELD_RO.
//!
//! Bits are numbered from the most significant bit of the first byte, as in
//! Redis. Argument checks happen in Redis's order (Redis 8: BITCOUNT and
//! BITPOS validate their arguments before looking the key up). Writes go
//! through the `WriteGuard` and store the raw encoding; a command that only
//! has to "unshare" the value (Redis's dbUnshareStringValue: int/embstr
//! becomes raw) without changing it does so without signalling a
//! modification, as Redis does.

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};
use gears_store::notify::{GENERIC, STRING};
use gears_store::{Str, Value};

use crate::args::{eq_ic, parse_i64};
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::Ctx;

const BIT_OFFSET_ERR: ErrorReply = ErrorReply::new_static("ERR bit offset is not an integer or out of range");
const BIT_VALUE_ERR: ErrorReply = ErrorReply::new_static("ERR bit is not an integer or out of range");
const BITFIELD_TYPE_ERR: ErrorReply = ErrorReply::new_static(
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
);

// ---- helpers -------------------------------------------------------------------

/// Redis's getBitOffsetFromArgument: a non-negative integer whose byte index
/// stays under proto-max-bulk-len; with `bits` > 0, `#n` means n * bits.
fn parse_bit_offset(arg: &[u8], bits: u32, max_bulk: u64) -> Result<u64, ErrorReply> {
    let hash = bits > 0 && arg.first() == Some(&b'#');
    let digits = if hash { &arg[1..] } else { arg };
    let mut n = gears_store::parse_canonical_i64(digits).ok_or(BIT_OFFSET_ERR)?;
    if hash {
        // Wraps like Redis's signed multiply would on any real machine.
        n = n.wrapping_mul(bits as i64);
    }
    if n < 0 || (n as u64 >> 3) >= max_bulk {
        return Err(BIT_OFFSET_ERR);
    }
    Ok(n as u64)
}

/// The string at `key` as Redis's lookupKeyRead + checkType see it.
fn with_read_str<R>(ctx: &mut Ctx, key: &[u8], f: impl FnOnce(Option<&[u8]>) -> R) -> Result<R, ErrorReply> {
    match ctx.read(key) {
        None => Ok(f(None)),
        Some(e) => match e.value.as_str() {
            Some(s) => Ok(f(Some(&s.as_bytes()))),
            None => Err(ErrorReply::wrong_type()),
        },
    }
}

/// Converts the string at `key` to the raw encoding without counting as a
/// modification (Redis's dbUnshareStringValue when nothing else changes).
pub(crate) fn unshare_quiet(ctx: &mut Ctx, key: &[u8]) {
    let db = ctx.client.db;
    if let Some(e) = ctx.sh.ks.lookup_mut(db, key, false, false) {
        if let Value::Str(s) = &mut e.value {
            if !matches!(s, Str::Growable(_)) {
                s.make_growable();
            }
        }
    }
}

fn bit_at(p: &[u8], bit: u64) -> u8 {
    match p.get((bit >> 3) as usize) {
        Some(b) => (b >> (7 - (bit & 7))) & 1,
        None => 0,
    }
}

fn popcount(p: &[u8]) -> u64 {
    let mut chunks = p.chunks_exact(8);
    let mut n: u64 = 0;
    for c in &mut chunks {
        n += u64::from_ne_bytes(c.try_into().expect("8 bytes")).count_ones() as u64;
    }
    n + chunks.remainder().iter().map(|b| b.count_ones() as u64).sum::<u64>()
}

/// Parses BYTE|BIT (case-insensitive); anything else is a syntax error.
fn parse_unit(arg: &[u8]) -> Result<bool, ErrorReply> {
    if eq_ic(arg, "bit") {
        Ok(true)
    } else if eq_ic(arg, "byte") {
        Ok(false)
    } else {
        Err(ErrorReply::syntax())
    }
}

// ---- SETBIT / GETBIT -------------------------------------------------------------

fn setbit(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let max = ctx.sh.config.proto_max_bulk_len;
    let offset = match parse_bit_offset(&args[2], 0, max) {
        Ok(o) => o,
        Err(e) => return e.into(),
    };
    let on = match parse_i64(&args[3]) {
        Ok(v) if v & !1 == 0 => v as u8,
        _ => return BIT_VALUE_ERR.into(),
    };
    let key = &args[1][..];
    let byte = (offset >> 3) as usize;
    let shift = 7 - (offset & 7) as u8;
    let mut g = ctx.write(key);
    let (old, grow) = match g.get().map(|e| e.value.as_str()) {
        None => {
            let mut buf = vec![0u8; byte + 1];
            buf[byte] |= on << shift;
            g.set(Value::Str(Str::Growable(Box::new(buf))), false);
            g.notify(STRING, "setbit");
            return Reply::Int(0);
        }
        Some(None) => return ErrorReply::wrong_type().into(),
        Some(Some(s)) => {
            let len = s.len();
            let old = if byte < len { (s.as_bytes()[byte] >> shift) & 1 } else { 0 };
            (old, byte >= len)
        }
    };
    if grow || old != on {
        let Some(s) = g.get_mut().and_then(|e| e.value.as_str_mut()) else {
            return ErrorReply::wrong_type().into();
        };
        let buf = s.make_growable();
        if buf.len() <= byte {
            buf.resize(byte + 1, 0);
        }
        buf[byte] = (buf[byte] & !(1 << shift)) | (on << shift);
        g.notify(STRING, "setbit");
    } else {
        drop(g);
        unshare_quiet(ctx, key);
    }
    Reply::Int(old as i64)
}

fn getbit(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let max = ctx.sh.config.proto_max_bulk_len;
    let offset = match parse_bit_offset(&args[2], 0, max) {
        Ok(o) => o,
        Err(e) => return e.into(),
    };
    match with_read_str(ctx, &args[1], |p| p.map_or(0, |p| bit_at(p, offset))) {
        Ok(b) => Reply::Int(b as i64),
        Err(e) => e.into(),
    }
}

// ---- BITCOUNT / BITPOS -------------------------------------------------------------

/// Normalises a start/end pair the way BITCOUNT/BITPOS do, over `total`
/// units (bytes or bits). None = empty range.
fn clamp_range(total: i64, mut start: i64, mut end: i64) -> Option<(i64, i64)> {
    if start < 0 {
        start = start.saturating_add(total);
    }
    if end < 0 {
        end = end.saturating_add(total);
    }
    start = start.max(0);
    end = end.max(0);
    if end >= total {
        end = total - 1;
    }
    (start <= end).then_some((start, end))
}

/// Counts set bits between bit positions `from..=to`.
fn count_bits(p: &[u8], from: u64, to: u64) -> u64 {
    let (fb, lb) = ((from >> 3) as usize, (to >> 3) as usize);
    let mut n = popcount(&p[fb..=lb]);
    // Take out the bits of the edge bytes that lie outside the range.
    let head_mask = !(0xffu8 >> (from & 7));
    let tail_mask = (1u16 << (7 - (to & 7))) as u8 - 1;
    n -= (p[fb] & head_mask).count_ones() as u64;
    n -= (p[lb] & tail_mask).count_ones() as u64;
    n
}

fn bitcount(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let range = match args.len() {
        2 => None,
        4 | 5 => {
            let (start, end) = match (parse_i64(&args[2]), parse_i64(&args[3])) {
                (Ok(s), Ok(e)) => (s, e),
                (Err(e), _) | (_, Err(e)) => return e.into(),
            };
            let isbit = match args.get(4).map(|a| parse_unit(a)).transpose() {
                Ok(b) => b.unwrap_or(false),
                Err(e) => return e.into(),
            };
            Some((start, end, isbit))
        }
        _ => return ErrorReply::syntax().into(),
    };
    let r = with_read_str(ctx, &args[1], |p| {
        let Some(p) = p else { return 0 };
        let len = p.len() as i64;
        let (from, to) = match range {
            None if len == 0 => return 0,
            None => (0, len as u64 * 8 - 1),
            Some((start, end, isbit)) => {
                if start < 0 && end < 0 && start > end {
                    return 0;
                }
                let total = if isbit { len * 8 } else { len };
                let Some((s, e)) = clamp_range(total, start, end) else { return 0 };
                if isbit {
                    (s as u64, e as u64)
                } else {
                    (s as u64 * 8, e as u64 * 8 + 7)
                }
            }
        };
        count_bits(p, from, to)
    });
    match r {
        Ok(n) => Reply::Int(n as i64),
        Err(e) => e.into(),
    }
}

/// The first bit equal to `bit` in positions `from..=to`.
fn find_bit(p: &[u8], from: u64, to: u64, bit: u8) -> Option<u64> {
    let skip = if bit == 1 { 0x00u8 } else { 0xff };
    let mut pos = from;
    while pos <= to {
        if pos & 7 == 0 && pos + 7 <= to {
            let i = (pos >> 3) as usize;
            // Whole bytes: skip the ones that cannot match, eight at a time.
            let last = (to >> 3) as usize - usize::from((to & 7) != 7);
            let mut j = i;
            while j + 8 <= last + 1 && p[j..j + 8].iter().all(|&b| b == skip) {
                j += 8;
            }
            while j <= last && p[j] == skip {
                j += 1;
            }
            if j > last {
                pos = (last as u64 + 1) * 8;
                continue;
            }
            let b = if bit == 1 { p[j] } else { !p[j] };
            return Some(j as u64 * 8 + b.leading_zeros() as u64);
        }
        if bit_at(p, pos) == bit {
            return Some(pos);
        }
        pos += 1;
    }
    None
}

fn bitpos(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let bit = match parse_i64(&args[2]) {
        Ok(b @ (0 | 1)) => b as u8,
        Ok(_) => return ErrorReply::new_static("ERR The bit argument must be 1 or 0.").into(),
        Err(e) => return e.into(),
    };
    let mut start = 0i64;
    let mut end: Option<i64> = None;
    let mut isbit = false;
    match args.len() {
        3 => {}
        4..=6 => {
            start = match parse_i64(&args[3]) {
                Ok(v) => v,
                Err(e) => return e.into(),
            };
            if args.len() == 6 {
                isbit = match parse_unit(&args[5]) {
                    Ok(b) => b,
                    Err(e) => return e.into(),
                };
            }
            if args.len() >= 5 {
                end = match parse_i64(&args[4]) {
                    Ok(v) => Some(v),
                    Err(e) => return e.into(),
                };
            }
        }
        _ => return ErrorReply::syntax().into(),
    }
    let ranged = args.len() > 3;
    let r = with_read_str(ctx, &args[1], |p| -> i64 {
        let Some(p) = p else { return if bit == 1 { -1 } else { 0 } };
        let len = p.len() as i64;
        let total = if isbit { len * 8 } else { len };
        let e = match end {
            Some(e) => e,
            None if ranged => total - 1,
            None => len - 1,
        };
        let s = if ranged { start } else { 0 };
        let Some((s, e)) = clamp_range(total, s, e) else { return -1 };
        let (from, to) = if isbit { (s as u64, e as u64) } else { (s as u64 * 8, e as u64 * 8 + 7) };
        match find_bit(p, from, to, bit) {
            Some(pos) => pos as i64,
            None if bit == 1 || end.is_some() => -1,
            // Looking for a clear bit with no explicit end: the string is
            // considered padded with zeros on the right.
            None => to as i64 + 1,
        }
    });
    match r {
        Ok(n) => Reply::Int(n),
        Err(e) => e.into(),
    }
}

// ---- BITOP ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
    Diff,
    Diff1,
    AndOr,
    One,
}

fn bitop_compute(op: BitOp, srcs: &[Option<Vec<u8>>]) -> Vec<u8> {
    let maxlen = srcs.iter().map(|s| s.as_ref().map_or(0, |v| v.len())).max().unwrap_or(0);
    let padded = |i: usize| -> Vec<u8> {
        let mut v = srcs[i].clone().unwrap_or_default();
        v.resize(maxlen, 0);
        v
    };
    let fold = |res: &mut Vec<u8>, from: usize, f: fn(&mut u8, u8)| {
        for s in srcs[from..].iter() {
            let s = s.as_deref().unwrap_or(&[]);
            for (j, r) in res.iter_mut().enumerate() {
                f(r, s.get(j).copied().unwrap_or(0));
            }
        }
    };
    match op {
        BitOp::And => {
            let mut res = padded(0);
            fold(&mut res, 1, |r, b| *r &= b);
            res
        }
        BitOp::Or => {
            let mut res = padded(0);
            fold(&mut res, 1, |r, b| *r |= b);
            res
        }
        BitOp::Xor => {
            let mut res = padded(0);
            fold(&mut res, 1, |r, b| *r ^= b);
            res
        }
        BitOp::Not => padded(0).into_iter().map(|b| !b).collect(),
        BitOp::Diff | BitOp::Diff1 | BitOp::AndOr => {
            let mut disj = vec![0u8; maxlen];
            fold(&mut disj, 1, |r, b| *r |= b);
            let first = padded(0);
            first
                .iter()
                .zip(disj)
                .map(|(&x, d)| match op {
                    BitOp::Diff => x & !d,
                    BitOp::Diff1 => !x & d,
                    _ => x & d,
                })
                .collect()
        }
        BitOp::One => {
            let mut res = padded(0);
            let mut common = vec![0u8; maxlen];
            for s in &srcs[1..] {
                let s = s.as_deref().unwrap_or(&[]);
                for (j, r) in res.iter_mut().enumerate() {
                    let b = s.get(j).copied().unwrap_or(0);
                    common[j] |= *r & b;
                    *r ^= b;
                }
            }
            res.iter_mut().zip(common).for_each(|(r, c)| *r &= !c);
            res
        }
    }
}

fn bitop(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let name = &args[1][..];
    let op = if eq_ic(name, "and") {
        BitOp::And
    } else if eq_ic(name, "or") {
        BitOp::Or
    } else if eq_ic(name, "xor") {
        BitOp::Xor
    } else if eq_ic(name, "not") {
        BitOp::Not
    } else if eq_ic(name, "diff") {
        BitOp::Diff
    } else if eq_ic(name, "diff1") {
        BitOp::Diff1
    } else if eq_ic(name, "andor") {
        BitOp::AndOr
    } else if eq_ic(name, "one") {
        BitOp::One
    } else {
        return ErrorReply::syntax().into();
    };
    if op == BitOp::Not && args.len() != 4 {
        return ErrorReply::new_static("ERR BITOP NOT must be called with a single source key.").into();
    }
    if matches!(op, BitOp::Diff | BitOp::Diff1 | BitOp::AndOr) && args.len() < 5 {
        let upper = String::from_utf8_lossy(name).to_ascii_uppercase();
        return ErrorReply::err(format_args!("BITOP {upper} must be called with at least two source keys.")).into();
    }
    let mut srcs = Vec::with_capacity(args.len() - 3);
    for key in &args[3..] {
        match with_read_str(ctx, key, |p| p.map(|p| p.to_vec())) {
            Ok(v) => srcs.push(v),
            Err(e) => return e.into(),
        }
    }
    let res = bitop_compute(op, &srcs);
    let len = res.len();
    let mut g = ctx.write(&args[2]);
    if len > 0 {
        g.set(Value::Str(Str::Growable(Box::new(res))), false);
        g.notify(STRING, "set");
    } else if g.delete().is_some() {
        g.notify(GENERIC, "del");
    }
    Reply::Int(len as i64)
}

// ---- BITFIELD --------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldOp {
    Get,
    Set,
    IncrBy,
}

#[derive(Clone, Copy)]
struct Field {
    op: FieldOp,
    offset: u64,
    value: i64,
    bits: u32,
    signed: bool,
    overflow: Overflow,
}

/// `i1`..`i64` or `u1`..`u63` (lowercase prefix; the number is read up to
/// the first NUL byte, as Redis's strlen-based parse does).
fn parse_field_type(arg: &[u8]) -> Result<(bool, u32), ErrorReply> {
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(BITFIELD_TYPE_ERR),
    };
    let rest = &arg[1..];
    let rest = &rest[..rest.iter().position(|&c| c == 0).unwrap_or(rest.len())];
    match gears_store::parse_canonical_i64(rest) {
        Some(n) if n >= 1 && ((signed && n <= 64) || (!signed && n <= 63)) => Ok((signed, n as u32)),
        _ => Err(BITFIELD_TYPE_ERR),
    }
}

fn parse_fields(args: &[Bytes], max_bulk: u64) -> Result<Vec<Field>, ErrorReply> {
    let mut fields = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < args.len() {
        let remaining = args.len() - j - 1;
        let sub = &args[j][..];
        let op = if eq_ic(sub, "get") && remaining >= 2 {
            FieldOp::Get
        } else if eq_ic(sub, "set") && remaining >= 3 {
            FieldOp::Set
        } else if eq_ic(sub, "incrby") && remaining >= 3 {
            FieldOp::IncrBy
        } else if eq_ic(sub, "overflow") && remaining >= 1 {
            let t = &args[j + 1][..];
            overflow = if eq_ic(t, "wrap") {
                Overflow::Wrap
            } else if eq_ic(t, "sat") {
                Overflow::Sat
            } else if eq_ic(t, "fail") {
                Overflow::Fail
            } else {
                return Err(ErrorReply::new_static("ERR Invalid OVERFLOW type specified"));
            };
            j += 2;
            continue;
        } else {
            return Err(ErrorReply::syntax());
        };
        let (signed, bits) = parse_field_type(&args[j + 1])?;
        let offset = parse_bit_offset(&args[j + 2], bits, max_bulk)?;
        let value = if op == FieldOp::Get { 0 } else { parse_i64(&args[j + 3])? };
        fields.push(Field { op, offset, value, bits, signed, overflow });
        j += if op == FieldOp::Get { 3 } else { 4 };
    }
    Ok(fields)
}

/// A view of the string being edited: the stored bytes plus the writes of
/// the operations so far, zero-padded on the right.
struct Overlay<'a> {
    base: &'a [u8],
    writes: std::collections::BTreeMap<usize, u8>,
}

impl Overlay<'_> {
    fn byte(&self, i: usize) -> u8 {
        self.writes.get(&i).copied().unwrap_or_else(|| self.base.get(i).copied().unwrap_or(0))
    }

    fn get_unsigned(&self, offset: u64, bits: u32) -> u64 {
        let mut v = 0u64;
        for k in 0..bits as u64 {
            let pos = offset + k;
            let b = (self.byte((pos >> 3) as usize) >> (7 - (pos & 7))) & 1;
            v = (v << 1) | b as u64;
        }
        v
    }

    fn get_signed(&self, offset: u64, bits: u32) -> i64 {
        let mut v = self.get_unsigned(offset, bits);
        if bits < 64 && v & (1u64 << (bits - 1)) != 0 {
            v |= u64::MAX << bits;
        }
        v as i64
    }

    fn set(&mut self, offset: u64, bits: u32, value: u64) {
        for k in 0..bits as u64 {
            let pos = offset + k;
            let i = (pos >> 3) as usize;
            let mask = 1u8 << (7 - (pos & 7));
            let bit = (value >> (bits as u64 - 1 - k)) & 1 == 1;
            let b = self.byte(i);
            self.writes.insert(i, if bit { b | mask } else { b & !mask });
        }
    }
}

/// Redis's checkUnsignedBitfieldOverflow: (overflowed, value to store).
fn unsigned_overflow(value: u64, incr: i64, bits: u32, ow: Overflow) -> (bool, u64) {
    let max: u64 = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
    let maxincr = max.wrapping_sub(value) as i64;
    let minincr = (value as i64).wrapping_neg();
    let wrap = || value.wrapping_add(incr as u64) & !(u64::MAX.checked_shl(bits).unwrap_or(0));
    if value > max || (incr > 0 && incr > maxincr) {
        match ow {
            Overflow::Wrap => (true, wrap()),
            Overflow::Sat => (true, max),
            Overflow::Fail => (true, 0),
        }
    } else if incr < 0 && incr < minincr {
        match ow {
            Overflow::Wrap => (true, wrap()),
            Overflow::Sat => (true, 0),
            Overflow::Fail => (true, 0),
        }
    } else {
        (false, value.wrapping_add(incr as u64))
    }
}

/// Redis's checkSignedBitfieldOverflow: (overflowed, value to store).
fn signed_overflow(value: i64, incr: i64, bits: u32, ow: Overflow) -> (bool, i64) {
    let max: i64 = if bits == 64 { i64::MAX } else { (1i64 << (bits - 1)) - 1 };
    let min = -max - 1;
    let maxincr = (max as u64).wrapping_sub(value as u64) as i64;
    let minincr = min.wrapping_sub(value);
    let wrap = || {
        let mut c = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            let mask = u64::MAX << bits;
            if c & (1u64 << (bits - 1)) != 0 {
                c |= mask;
            } else {
                c &= !mask;
            }
        }
        c as i64
    };
    if value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
        match ow {
            Overflow::Wrap => (true, wrap()),
            Overflow::Sat => (true, max),
            Overflow::Fail => (true, 0),
        }
    } else if value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr) {
        match ow {
            Overflow::Wrap => (true, wrap()),
            Overflow::Sat => (true, min),
            Overflow::Fail => (true, 0),
        }
    } else {
        (false, value.wrapping_add(incr))
    }
}

/// Runs the operations over `ov`: the replies and how many writes changed
/// something (a write to a grown string always counts, as in Redis).
fn run_fields(ov: &mut Overlay, fields: &[Field], grew: bool) -> (Vec<Reply>, u64) {
    let mut out = Vec::with_capacity(fields.len());
    let mut changes = 0;
    for f in fields {
        if f.op == FieldOp::Get {
            out.push(Reply::Int(if f.signed {
                ov.get_signed(f.offset, f.bits)
            } else {
                ov.get_unsigned(f.offset, f.bits) as i64
            }));
            continue;
        }
        let incr = f.op == FieldOp::IncrBy;
        let (failed, ret, old, new) = if f.signed {
            let old = ov.get_signed(f.offset, f.bits);
            let (of, v) = if incr {
                signed_overflow(old, f.value, f.bits, f.overflow)
            } else {
                let (of, w) = signed_overflow(f.value, 0, f.bits, f.overflow);
                (of, if of { w } else { f.value })
            };
            let failed = of && f.overflow == Overflow::Fail;
            (failed, if incr { v } else { old }, old as u64, v as u64)
        } else {
            let old = ov.get_unsigned(f.offset, f.bits);
            let (of, v) = if incr {
                unsigned_overflow(old, f.value, f.bits, f.overflow)
            } else {
                let (of, w) = unsigned_overflow(f.value as u64, 0, f.bits, f.overflow);
                (of, if of { w } else { f.value as u64 })
            };
            let failed = of && f.overflow == Overflow::Fail;
            (failed, if incr { v as i64 } else { old as i64 }, old, v)
        };
        if failed {
            out.push(Reply::Null);
            continue;
        }
        out.push(Reply::Int(ret));
        ov.set(f.offset, f.bits, new);
        if grew || old != new {
            changes += 1;
        }
    }
    (out, changes)
}

fn bitfield_generic(ctx: &mut Ctx, args: &[Bytes], readonly_cmd: bool) -> Reply {
    let max = ctx.sh.config.proto_max_bulk_len;
    let fields = match parse_fields(args, max) {
        Ok(f) => f,
        Err(e) => return e.into(),
    };
    let key = &args[1][..];
    let writes = fields.iter().any(|f| f.op != FieldOp::Get);
    if !writes {
        let r = with_read_str(ctx, key, |p| {
            let mut ov = Overlay { base: p.unwrap_or(&[]), writes: Default::default() };
            run_fields(&mut ov, &fields, false).0
        });
        return match r {
            Ok(v) => Reply::Array(v),
            Err(e) => e.into(),
        };
    }
    if readonly_cmd {
        return ErrorReply::new_static("ERR BITFIELD_RO only supports the GET subcommand").into();
    }
    let highest = fields.iter().filter(|f| f.op != FieldOp::Get).map(|f| f.offset + f.bits as u64 - 1).max();
    let need = (highest.unwrap_or(0) >> 3) as usize + 1;
    let mut g = ctx.write(key);
    let (replies, changes, old_len, exists) = {
        let cur = match g.get().map(|e| e.value.as_str()) {
            None => None,
            Some(None) => return ErrorReply::wrong_type().into(),
            Some(Some(s)) => Some(s.as_bytes()),
        };
        let base: &[u8] = cur.as_deref().unwrap_or(&[]);
        let grew = base.len() < need;
        let mut ov = Overlay { base, writes: Default::default() };
        let (replies, changes) = run_fields(&mut ov, &fields, grew);
        let writes: Vec<(usize, u8)> = ov.writes.into_iter().collect();
        ((replies, writes), changes, base.len(), cur.is_some())
    };
    let (replies, writes) = replies;
    if !exists || old_len < need || changes > 0 {
        if !exists {
            g.set(Value::Str(Str::Growable(Box::new(vec![0u8; need]))), false);
        }
        let Some(s) = g.get_mut().and_then(|e| e.value.as_str_mut()) else {
            return ErrorReply::wrong_type().into();
        };
        let buf = s.make_growable();
        if buf.len() < need {
            buf.resize(need, 0);
        }
        for (i, b) in writes {
            buf[i] = b;
        }
        if changes > 0 {
            g.notify(STRING, "setbit");
        }
    } else {
        drop(g);
        unshare_quiet(ctx, key);
    }
    Reply::Array(replies)
}

fn bitfield(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    bitfield_generic(ctx, args, false)
}

fn bitfield_ro(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    bitfield_generic(ctx, args, true)
}

// ---- table ---------------------------------------------------------------------

const G: &str = "bitmap";
const K1: Keys = Keys::Range { first: 1, last: 1, step: 1 };

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.",
        since: "2.2.0",
        complexity: "O(1)",
        ..CommandSpec::new("setbit", 4, WRITE | DENYOOM, K1, G, setbit)
    },
    CommandSpec {
        summary: "Returns a bit value by offset.",
        since: "2.2.0",
        complexity: "O(1)",
        ..CommandSpec::new("getbit", 3, READONLY | FAST, K1, G, getbit)
    },
    CommandSpec {
        summary: "Counts the number of set bits (population counting) in a string.",
        since: "2.6.0",
        complexity: "O(N)",
        ..CommandSpec::new("bitcount", -2, READONLY, K1, G, bitcount)
    },
    CommandSpec {
        summary: "Finds the first set (1) or clear (0) bit in a string.",
        since: "2.8.7",
        complexity: "O(N)",
        ..CommandSpec::new("bitpos", -3, READONLY, K1, G, bitpos)
    },
    CommandSpec {
        summary: "Performs bitwise operations on multiple strings, and stores the result.",
        since: "2.6.0",
        complexity: "O(N)",
        ..CommandSpec::new("bitop", -4, WRITE | DENYOOM, Keys::Range { first: 2, last: -1, step: 1 }, G, bitop)
    },
    CommandSpec {
        summary: "Performs arbitrary bitfield integer operations on strings.",
        since: "3.2.0",
        complexity: "O(1) for each subcommand specified",
        ..CommandSpec::new("bitfield", -2, WRITE | DENYOOM, K1, G, bitfield)
    },
    CommandSpec {
        summary: "Performs arbitrary read-only bitfield integer operations on strings.",
        since: "6.0.0",
        complexity: "O(1) for each subcommand specified",
        ..CommandSpec::new("bitfield_ro", -2, READONLY | FAST, K1, G, bitfield_ro)
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_bit_edges() {
        let p = [0x00u8, 0x00, 0x01, 0xff];
        assert_eq!(find_bit(&p, 0, 31, 1), Some(23));
        assert_eq!(find_bit(&p, 24, 31, 0), None);
        assert_eq!(find_bit(&p, 3, 22, 1), None);
        assert_eq!(find_bit(&[0u8; 40], 0, 319, 1), None);
        let mut big = vec![0u8; 100];
        big[77] = 0x10;
        assert_eq!(find_bit(&big, 5, 799, 1), Some(77 * 8 + 3));
        assert_eq!(find_bit(&[0xffu8; 20], 0, 159, 0), None);
    }

    #[test]
    fn count_bits_edges() {
        let p = [0xffu8, 0xff];
        assert_eq!(count_bits(&p, 0, 15), 16);
        assert_eq!(count_bits(&p, 3, 3), 1);
        assert_eq!(count_bits(&p, 3, 12), 10);
        assert_eq!(count_bits(&p, 8, 15), 8);
    }

    #[test]
    fn overflow_rules() {
        assert_eq!(unsigned_overflow(255, 1, 8, Overflow::Wrap), (true, 0));
        assert_eq!(unsigned_overflow(255, 1, 8, Overflow::Sat), (true, 255));
        assert_eq!(unsigned_overflow(0, -1, 8, Overflow::Sat), (true, 0));
        assert_eq!(unsigned_overflow(0, -1, 8, Overflow::Wrap), (true, 255));
        assert_eq!(signed_overflow(127, 1, 8, Overflow::Wrap), (true, -128));
        assert_eq!(signed_overflow(-128, -1, 8, Overflow::Sat), (true, -128));
        assert_eq!(signed_overflow(i64::MAX, 1, 64, Overflow::Wrap), (true, i64::MIN));
        assert_eq!(signed_overflow(i64::MAX, 1, 64, Overflow::Sat), (true, i64::MAX));
        assert_eq!(signed_overflow(5, -3, 4, Overflow::Fail), (false, 2));
    }
}
