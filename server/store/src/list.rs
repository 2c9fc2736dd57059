//! The list value type: a deque of compact chunks, as Redis's quicklist.
//!
//! Design:
//! - A list is a `VecDeque` of chunks. A chunk is one contiguous byte buffer
//!   holding elements in Redis's listpack entry format (an encoding header,
//!   the payload, and a "backlen" so it can be walked both ways); canonical
//!   integers are stored as integers (1..9 bytes), like listpack does. So a
//!   chunk's size is exactly the size of the listpack Redis would hold, and
//!   OBJECT ENCODING can follow Redis's `listpack`/`quicklist` rules
//!   (`list-max-listpack-size`, its half-limit for converting back).
//! - Each chunk keeps free space at both ends (`start..end` is the used part),
//!   so pushing and popping at either end is amortised O(1): no memmove of
//!   the whole node as listpack's prepend does. A chunk that stops being an
//!   end chunk is shrunk to fit.
//! - In `listpack` encoding the list is one chunk of any size within the
//!   limit; in `quicklist` encoding new chunks are started exactly where
//!   Redis starts new quicklist nodes (the node size limit plus its 8-byte
//!   estimate), and an element larger than the limit gets a chunk of its own
//!   ("plain" node).
//! - Middle operations (LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS) are O(n) as
//!   in Redis: they walk chunk counts, then entries inside one chunk.
//!
//! The keyspace-level operations at the bottom ([`push`], [`pop`], [`lmove`])
//! are what the list commands (and the blocking ones) call: they check the
//! type, create the key on first push, emit Redis's keyspace events and delete
//! the key when the list becomes empty.

use std::collections::VecDeque;
use std::fmt;

use bytes::Bytes;

use crate::keyspace::{Keyspace, WriteGuard};
use crate::notify::{GENERIC, LIST};
use crate::value::{parse_canonical_i64, Value};

/// One end of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The left end (LPUSH, LPOP, LEFT).
    Head,
    /// The right end (RPUSH, RPOP, RIGHT).
    Tail,
}

/// One element as stored: bytes, or an integer that was pushed as canonical text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elem<'a> {
    Str(&'a [u8]),
    Int(i64),
}

impl Elem<'_> {
    /// Calls `f` with the element's bytes (integers are formatted on the stack).
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Elem::Str(s) => f(s),
            Elem::Int(n) => f(itoa::Buffer::new().format(*n).as_bytes()),
        }
    }

    pub fn to_bytes(&self) -> Bytes {
        self.with_bytes(Bytes::copy_from_slice)
    }

    pub fn to_vec(&self) -> Vec<u8> {
        self.with_bytes(|b| b.to_vec())
    }

    pub fn is_int(&self) -> bool {
        matches!(self, Elem::Int(_))
    }

    /// The element as an integer: ints, and strings that are canonical integers.
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            Elem::Int(n) => Some(n),
            Elem::Str(s) => crate::value::parse_canonical_i64(s),
        }
    }

    /// Does the element equal `n` (Redis's lpCompare)?
    pub fn matches(&self, n: &Needle) -> bool {
        match self {
            Elem::Str(s) => *s == n.bytes,
            Elem::Int(v) => n.int == Some(*v),
        }
    }
}

/// A value to compare elements against, with its integer form precomputed.
pub struct Needle<'a> {
    bytes: &'a [u8],
    int: Option<i64>,
}

impl<'a> Needle<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Needle { bytes, int: parse_canonical_i64(bytes) }
    }
}

// ---- limits (Redis's quicklistNodeLimit & co) -------------------------------------

/// Bytes of a listpack's header (total bytes + count) and end marker.
const LP_OVERHEAD: usize = 7;
/// `SIZE_SAFETY_LIMIT`: the node size cap for count-based fills.
const SIZE_SAFETY_LIMIT: usize = 8192;
/// `SIZE_ESTIMATE_OVERHEAD`: what quicklist adds to an element's length when
/// deciding whether it still fits a node.
const SIZE_ESTIMATE_OVERHEAD: usize = 8;
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];

/// (size limit, count limit) of one node for a `list-max-listpack-size` value.
fn node_limit(fill: i32) -> (usize, usize) {
    if fill >= 0 {
        (usize::MAX, if fill == 0 { 1 } else { fill as usize })
    } else {
        let offset = ((-(fill as i64)) - 1).min(OPTIMIZATION_LEVEL.len() as i64 - 1) as usize;
        (OPTIMIZATION_LEVEL[offset], usize::MAX)
    }
}

fn exceeds_limit(fill: i32, new_sz: usize, new_count: usize) -> bool {
    let (sz, count) = node_limit(fill);
    if sz != usize::MAX {
        new_sz > sz
    } else {
        new_sz > SIZE_SAFETY_LIMIT || new_count > count
    }
}

/// An element that gets a node of its own (quicklist "plain" node).
fn is_large(len: usize, fill: i32) -> bool {
    if fill >= 0 {
        len > SIZE_SAFETY_LIMIT
    } else {
        len > node_limit(fill).0
    }
}

/// How far a chunk's buffer may grow ahead of need.
fn soft_cap(fill: i32) -> usize {
    match node_limit(fill).0 {
        usize::MAX => SIZE_SAFETY_LIMIT,
        n => n,
    }
}

// ---- entry codec (listpack's entry format) ----------------------------------------

fn int_enc_len(v: i64) -> usize {
    if (0..=127).contains(&v) {
        1
    } else if (-4096..=4095).contains(&v) {
        2
    } else if (-32768..=32767).contains(&v) {
        3
    } else if (-8_388_608..=8_388_607).contains(&v) {
        4
    } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
        5
    } else {
        9
    }
}

fn str_enc_len(len: usize) -> usize {
    if len < 64 {
        1 + len
    } else if len < 4096 {
        2 + len
    } else {
        5 + len
    }
}

fn backlen_size(l: usize) -> usize {
    if l <= 127 {
        1
    } else if l < 16383 {
        2
    } else if l < 2_097_151 {
        3
    } else if l < 268_435_455 {
        4
    } else {
        5
    }
}

/// An element ready to be written: its integer form (if canonical) and sizes.
#[derive(Clone, Copy)]
struct Enc<'a> {
    s: &'a [u8],
    int: Option<i64>,
    enc_len: usize,
}

impl<'a> Enc<'a> {
    fn new(s: &'a [u8]) -> Self {
        let int = parse_canonical_i64(s);
        let enc_len = match int {
            Some(v) => int_enc_len(v),
            None => str_enc_len(s.len()),
        };
        Enc { s, int, enc_len }
    }

    fn total(&self) -> usize {
        self.enc_len + backlen_size(self.enc_len)
    }

    /// Writes the entry at the start of `out` (exactly `total()` bytes).
    fn write(&self, out: &mut [u8]) {
        let mut p = match self.int {
            Some(v) => write_int(out, v),
            None => {
                let len = self.s.len();
                let h = if len < 64 {
                    out[0] = 0x80 | len as u8;
                    1
                } else if len < 4096 {
                    out[0] = 0xE0 | (len >> 8) as u8;
                    out[1] = (len & 0xff) as u8;
                    2
                } else {
                    out[0] = 0xF0;
                    out[1..5].copy_from_slice(&(len as u32).to_le_bytes());
                    5
                };
                out[h..h + len].copy_from_slice(self.s);
                h + len
            }
        };
        debug_assert_eq!(p, self.enc_len);
        let l = self.enc_len;
        match backlen_size(l) {
            1 => out[p] = l as u8,
            n => {
                // Leftmost byte: the high bits, no flag; then 7-bit groups flagged with 128.
                for i in 0..n {
                    let shift = 7 * (n - 1 - i);
                    let bits = ((l >> shift) & 127) as u8;
                    out[p + i] = if i == 0 { bits } else { bits | 128 };
                }
            }
        }
        p += backlen_size(l);
        debug_assert_eq!(p, self.total());
    }

    fn to_vec(self) -> Vec<u8> {
        let mut v = vec![0u8; self.total()];
        self.write(&mut v);
        v
    }
}

fn write_int(out: &mut [u8], v: i64) -> usize {
    match int_enc_len(v) {
        1 => {
            out[0] = v as u8;
            1
        }
        2 => {
            let u = (v as u16) & 0x1fff;
            out[0] = 0xC0 | (u >> 8) as u8;
            out[1] = (u & 0xff) as u8;
            2
        }
        3 => {
            out[0] = 0xF1;
            out[1..3].copy_from_slice(&(v as i16).to_le_bytes());
            3
        }
        4 => {
            out[0] = 0xF2;
            out[1..4].copy_from_slice(&(v as i32).to_le_bytes()[..3]);
            4
        }
        5 => {
            out[0] = 0xF3;
            out[1..5].copy_from_slice(&(v as i32).to_le_bytes());
            5
        }
        _ => {
            out[0] = 0xF4;
            out[1..9].copy_from_slice(&v.to_le_bytes());
            9
        }
    }
}

/// Decodes the entry starting at `p`: the element and the entry's total size.
#[inline]
fn decode(buf: &[u8], p: usize) -> (Elem<'_>, usize) {
    let b = buf[p];
    let (e, enc_len) = if b & 0x80 == 0 {
        (Elem::Int(b as i64), 1)
    } else if b & 0xC0 == 0x80 {
        let len = (b & 0x3f) as usize;
        (Elem::Str(&buf[p + 1..p + 1 + len]), 1 + len)
    } else if b & 0xE0 == 0xC0 {
        let u = (((b & 0x1f) as i64) << 8) | buf[p + 1] as i64;
        (Elem::Int(if u >= 1 << 12 { u - (1 << 13) } else { u }), 2)
    } else if b & 0xF0 == 0xE0 {
        let len = (((b & 0x0f) as usize) << 8) | buf[p + 1] as usize;
        (Elem::Str(&buf[p + 2..p + 2 + len]), 2 + len)
    } else {
        match b {
            0xF0 => {
                let len = u32::from_le_bytes(buf[p + 1..p + 5].try_into().unwrap()) as usize;
                (Elem::Str(&buf[p + 5..p + 5 + len]), 5 + len)
            }
            0xF1 => (Elem::Int(i16::from_le_bytes([buf[p + 1], buf[p + 2]]) as i64), 3),
            0xF2 => {
                let v = i32::from_le_bytes([0, buf[p + 1], buf[p + 2], buf[p + 3]]) >> 8;
                (Elem::Int(v as i64), 4)
            }
            0xF3 => (Elem::Int(i32::from_le_bytes(buf[p + 1..p + 5].try_into().unwrap()) as i64), 5),
            _ => (Elem::Int(i64::from_le_bytes(buf[p + 1..p + 9].try_into().unwrap())), 9),
        }
    };
    (e, enc_len + backlen_size(enc_len))
}

/// The start of the entry that ends at `end` (exclusive), read from its backlen.
#[inline]
fn prev_start(buf: &[u8], end: usize) -> usize {
    let mut i = end - 1;
    let mut val = 0usize;
    let mut shift = 0;
    loop {
        let c = buf[i];
        val |= ((c & 127) as usize) << shift;
        if c & 128 == 0 {
            break;
        }
        shift += 7;
        i -= 1;
    }
    i - val
}

// ---- chunk ---------------------------------------------------------------------

/// A run of entries in `buf[start..end]`, with free space on both sides.
#[derive(Clone, Default)]
struct Chunk {
    buf: Box<[u8]>,
    start: u32,
    end: u32,
    count: u32,
    /// Holds one element larger than the node limit (a quicklist plain node).
    plain: bool,
}

impl Chunk {
    fn used(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// The listpack size Redis would hold for this node (`node->sz`).
    fn lp_bytes(&self) -> usize {
        self.used() + LP_OVERHEAD
    }

    fn data(&self) -> &[u8] {
        &self.buf[self.start as usize..self.end as usize]
    }

    /// Makes room for `n` bytes at the front or the back.
    fn reserve(&mut self, n: usize, front: bool, soft_max: usize) {
        let (start, end, cap) = (self.start as usize, self.end as usize, self.buf.len());
        if (front && start >= n) || (!front && cap - end >= n) {
            return;
        }
        let used = end - start;
        let need = used + n;
        let mut new_cap = (need + need / 2).max(16);
        if new_cap > soft_max {
            new_cap = soft_max.max(need);
        }
        let free = new_cap - need;
        let new_start = if front { n + free - free / 4 } else { free / 4 };
        if new_cap == cap {
            self.buf.copy_within(start..end, new_start);
        } else {
            let mut b = vec![0u8; new_cap].into_boxed_slice();
            b[new_start..new_start + used].copy_from_slice(&self.buf[start..end]);
            self.buf = b;
        }
        self.start = new_start as u32;
        self.end = (new_start + used) as u32;
    }

    fn shrink_to_fit(&mut self) {
        let used = self.used();
        if self.buf.len() - used > 16 {
            self.buf = self.data().into();
            self.start = 0;
            self.end = used as u32;
        }
    }

    fn push(&mut self, e: &Enc, end: End, soft_max: usize) {
        let n = e.total();
        match end {
            End::Tail => {
                self.reserve(n, false, soft_max);
                let p = self.end as usize;
                e.write(&mut self.buf[p..p + n]);
                self.end += n as u32;
            }
            End::Head => {
                self.reserve(n, true, soft_max);
                let p = self.start as usize - n;
                e.write(&mut self.buf[p..p + n]);
                self.start = p as u32;
            }
        }
        self.count += 1;
    }

    /// Absolute offset of the `i`-th entry, walking from the nearer end.
    fn seek(&self, i: usize) -> usize {
        let count = self.count as usize;
        if i <= count / 2 {
            let mut p = self.start as usize;
            for _ in 0..i {
                p += decode(&self.buf, p).1;
            }
            p
        } else {
            let mut p = self.end as usize;
            for _ in 0..count - i {
                p = prev_start(&self.buf, p);
            }
            p
        }
    }

    /// Replaces `buf[a..b]` (absolute offsets) with `new`.
    fn splice(&mut self, a: usize, b: usize, new: &[u8], soft_max: usize) {
        let (start, end) = (self.start as usize, self.end as usize);
        if new.len() <= b - a {
            // Shrinks or keeps: move the tail left.
            self.buf[a..a + new.len()].copy_from_slice(new);
            self.buf.copy_within(b..end, a + new.len());
            self.end = (end - (b - a - new.len())) as u32;
            return;
        }
        let grow = new.len() - (b - a);
        if self.buf.len() - end >= grow {
            self.buf.copy_within(b..end, b + grow);
            self.buf[a..a + new.len()].copy_from_slice(new);
            self.end = (end + grow) as u32;
            return;
        }
        let used = end - start + grow;
        let cap = used + 64.min(soft_max.saturating_sub(used));
        let mut nb = vec![0u8; cap].into_boxed_slice();
        let head = a - start;
        nb[..head].copy_from_slice(&self.buf[start..a]);
        nb[head..head + new.len()].copy_from_slice(new);
        nb[head + new.len()..used].copy_from_slice(&self.buf[b..end]);
        self.buf = nb;
        self.start = 0;
        self.end = used as u32;
    }

    /// Offsets of all entries (start, size), in order.
    fn entries(&self) -> Vec<(usize, usize)> {
        let mut v = Vec::with_capacity(self.count as usize);
        let mut p = self.start as usize;
        while p < self.end as usize {
            let sz = decode(&self.buf, p).1;
            v.push((p, sz));
            p += sz;
        }
        v
    }

    /// Removes the entries at the given (sorted) positions of `entries()`.
    fn remove_entries(&mut self, all: &[(usize, usize)], del: &[usize]) {
        if del.is_empty() {
            return;
        }
        let mut w = all[del[0]].0;
        let mut di = 0;
        for (i, &(p, sz)) in all.iter().enumerate().skip(del[0]) {
            if di < del.len() && del[di] == i {
                di += 1;
                continue;
            }
            self.buf.copy_within(p..p + sz, w);
            w += sz;
        }
        self.end = w as u32;
        self.count -= del.len() as u32;
    }

    /// A chunk holding the given encoded entries.
    fn from_bytes(bytes: &[u8], count: usize) -> Chunk {
        Chunk { buf: bytes.into(), start: 0, end: bytes.len() as u32, count: count as u32, plain: false }
    }
}

// ---- the list ------------------------------------------------------------------

/// A list value.
#[derive(Clone, Default)]
pub struct List {
    chunks: VecDeque<Chunk>,
    len: usize,
    /// `quicklist` encoding (else `listpack`: at most one chunk).
    quick: bool,
}

impl List {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// OBJECT ENCODING's answer.
    pub fn encoding(&self) -> &'static str {
        if self.quick {
            "quicklist"
        } else {
            "listpack"
        }
    }

    /// Approximate heap bytes held (MEMORY USAGE).
    pub fn heap_size(&self) -> usize {
        self.chunks.capacity() * std::mem::size_of::<Chunk>() + self.chunks.iter().map(|c| c.buf.len()).sum::<usize>()
    }

    /// Number of chunks (quicklist nodes).
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    fn lp_bytes(&self) -> usize {
        self.chunks.front().map_or(LP_OVERHEAD, |c| c.lp_bytes())
    }

    /// Redis's listTypeTryConversionAppend: before adding `add_count` elements
    /// of `add_bytes` total length, a listpack that would outgrow one node
    /// becomes a quicklist.
    pub fn convert_for_growth(&mut self, add_bytes: usize, add_count: usize, fill: i32) {
        if !self.quick && exceeds_limit(fill, self.lp_bytes() + add_bytes, self.len + add_count) {
            self.quick = true;
            if self.chunks.front().is_some_and(|c| c.count == 0) {
                self.chunks.clear();
            }
        }
    }

    /// Redis's LIST_CONV_SHRINKING: a quicklist down to one node under half
    /// the limit becomes a listpack again.
    pub fn convert_after_shrink(&mut self, fill: i32) {
        if !self.quick || self.chunks.len() != 1 || self.chunks[0].plain {
            return;
        }
        let (sz, count) = node_limit(fill);
        let c = &self.chunks[0];
        if c.lp_bytes() <= sz / 2 && (c.count as usize) <= count / 2 {
            self.quick = false;
        }
    }

    /// Pushes several elements (LPUSH/RPUSH order: each at `end` in turn),
    /// converting the encoding first as Redis does.
    pub fn push_all<T: AsRef<[u8]>>(&mut self, end: End, items: &[T], fill: i32) {
        let add: usize = items.iter().map(|i| i.as_ref().len()).sum();
        self.convert_for_growth(add, items.len(), fill);
        for it in items {
            self.push_raw(end, it.as_ref(), fill);
        }
    }

    /// Pushes one element. `counted_len` is what Redis counts for the
    /// encoding check (the length, or 0 for an integer-encoded object).
    pub fn push_one(&mut self, end: End, s: &[u8], counted_len: usize, fill: i32) {
        self.convert_for_growth(counted_len, 1, fill);
        self.push_raw(end, s, fill);
    }

    /// Pushes without the listpack→quicklist check (the caller did it).
    fn push_raw(&mut self, end: End, s: &[u8], fill: i32) {
        let e = Enc::new(s);
        let soft = soft_cap(fill);
        self.len += 1;
        if !self.quick {
            if self.chunks.is_empty() {
                self.chunks.reserve_exact(1);
                self.chunks.push_back(Chunk::default());
            }
            self.chunks[0].push(&e, end, soft);
            return;
        }
        let large = is_large(s.len(), fill);
        let target = match end {
            End::Head => self.chunks.front_mut(),
            End::Tail => self.chunks.back_mut(),
        };
        if let Some(c) = target {
            if !large
                && !c.plain
                && !exceeds_limit(fill, c.lp_bytes() + s.len() + SIZE_ESTIMATE_OVERHEAD, c.count as usize + 1)
            {
                c.push(&e, end, soft);
                return;
            }
            c.shrink_to_fit();
        }
        let mut c = Chunk { plain: large, ..Chunk::default() };
        c.push(&e, end, if large { 0 } else { soft });
        match end {
            End::Head => self.chunks.push_front(c),
            End::Tail => self.chunks.push_back(c),
        }
    }

    /// Pops one element, handing it to `f` while it is still in place.
    #[inline]
    pub fn pop_with<R>(&mut self, end: End, f: impl FnOnce(Elem<'_>) -> R) -> Option<R> {
        let (r, empty) = match end {
            End::Head => {
                let c = self.chunks.front_mut()?;
                let (e, sz) = decode(&c.buf, c.start as usize);
                let r = f(e);
                c.start += sz as u32;
                c.count -= 1;
                (r, c.count == 0)
            }
            End::Tail => {
                let c = self.chunks.back_mut()?;
                let p = prev_start(&c.buf, c.end as usize);
                let r = f(decode(&c.buf, p).0);
                c.end = p as u32;
                c.count -= 1;
                (r, c.count == 0)
            }
        };
        if empty {
            match end {
                End::Head => self.chunks.pop_front(),
                End::Tail => self.chunks.pop_back(),
            };
        }
        self.len -= 1;
        Some(r)
    }

    /// Pops one element as bytes.
    pub fn pop(&mut self, end: End) -> Option<Bytes> {
        self.pop_with(end, |e| e.to_bytes())
    }

    /// Element at `index` (negative counts from the tail).
    pub fn get(&self, index: i64) -> Option<Elem<'_>> {
        let i = self.normalize(index)?;
        let (ci, off) = self.locate(i);
        let c = &self.chunks[ci];
        Some(decode(&c.buf, c.seek(off)).0)
    }

    fn normalize(&self, index: i64) -> Option<usize> {
        let len = self.len as i64;
        let i = if index < 0 { len.checked_add(index)? } else { index };
        (0..len).contains(&i).then_some(i as usize)
    }

    /// (chunk, index inside it) of element `i < len`, walking from the nearer end.
    fn locate(&self, i: usize) -> (usize, usize) {
        if i < self.len / 2 {
            let mut left = i;
            for (ci, c) in self.chunks.iter().enumerate() {
                if left < c.count as usize {
                    return (ci, left);
                }
                left -= c.count as usize;
            }
        } else {
            let mut from_end = self.len - i;
            for ci in (0..self.chunks.len()).rev() {
                let n = self.chunks[ci].count as usize;
                if from_end <= n {
                    return (ci, n - from_end);
                }
                from_end -= n;
            }
        }
        unreachable!("index {i} within length {}", self.len)
    }

    /// Iterates from the head.
    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0)
    }

    /// Iterates from element `i` (0-based) toward the tail.
    pub fn iter_from(&self, i: usize) -> Iter<'_> {
        if i >= self.len {
            return Iter { list: self, ci: 0, pos: 0, remaining: 0 };
        }
        let (ci, off) = self.locate(i);
        Iter { list: self, ci, pos: self.chunks[ci].seek(off), remaining: self.len - i }
    }

    /// Iterates from the tail toward the head.
    pub fn iter_rev(&self) -> RevIter<'_> {
        match self.chunks.back() {
            Some(c) => RevIter { list: self, ci: self.chunks.len() - 1, pos: c.end as usize, remaining: self.len },
            None => RevIter { list: self, ci: 0, pos: 0, remaining: 0 },
        }
    }

    /// LRANGE's index arithmetic: the (start, count) of `start..=stop`.
    pub fn range_bounds(&self, start: i64, stop: i64) -> (usize, usize) {
        let len = self.len as i64;
        let mut start = if start < 0 { len.saturating_add(start) } else { start };
        let mut end = if stop < 0 { len.saturating_add(stop) } else { stop };
        if start < 0 {
            start = 0;
        }
        if start > end || start >= len {
            return (0, 0);
        }
        if end >= len {
            end = len - 1;
        }
        (start as usize, (end - start + 1) as usize)
    }

    /// LSET: replaces element `index`; false if out of range.
    /// As Redis, a listpack that the new value could outgrow becomes a
    /// quicklist first, even if the index turns out to be out of range.
    pub fn set(&mut self, index: i64, s: &[u8], fill: i32) -> bool {
        self.convert_for_growth(s.len(), 1, fill);
        let Some(i) = self.normalize(index) else { return false };
        let (ci, off) = self.locate(i);
        let e = Enc::new(s);
        let soft = soft_cap(fill);
        let large = is_large(s.len(), fill);
        let c = &mut self.chunks[ci];
        let p = c.seek(off);
        let old = decode(&c.buf, p).1;
        let fits = !self.quick
            || (!large
                && !c.plain
                && !exceeds_limit(fill, c.lp_bytes() - old + s.len() + SIZE_ESTIMATE_OVERHEAD, c.count as usize));
        if fits {
            c.splice(p, p + old, &e.to_vec(), soft);
            c.plain = false;
            return true;
        }
        // Split around the element and give the new value a node of its own.
        let right = Chunk::from_bytes(&c.buf[p + old..c.end as usize], c.count as usize - off - 1);
        c.end = p as u32;
        c.count = off as u32;
        let mut mid = Chunk { plain: large, ..Chunk::default() };
        mid.push(&e, End::Tail, if large { 0 } else { soft });
        let mut at = ci + 1;
        if self.chunks[ci].count == 0 {
            self.chunks.remove(ci);
            at = ci;
        } else {
            self.chunks[ci].shrink_to_fit();
        }
        self.chunks.insert(at, mid);
        if right.count > 0 {
            self.chunks.insert(at + 1, right);
        }
        true
    }

    /// LINSERT: inserts `s` before or after the first element equal to
    /// `pivot`. Returns false if there is no such element.
    /// As Redis, a listpack that the new value could outgrow becomes a
    /// quicklist first, even if the pivot is not found.
    pub fn insert(&mut self, pivot: &[u8], s: &[u8], after: bool, fill: i32) -> bool {
        self.convert_for_growth(s.len(), 1, fill);
        let needle = Needle::new(pivot);
        let Some(i) = self.iter().position(|e| e.matches(&needle)) else { return false };
        let (ci, off) = self.locate(i);
        let e = Enc::new(s);
        let soft = soft_cap(fill);
        let large = is_large(s.len(), fill);
        self.len += 1;
        let allow = |c: &Chunk| {
            !large
                && !c.plain
                && !exceeds_limit(fill, c.lp_bytes() + s.len() + SIZE_ESTIMATE_OVERHEAD, c.count as usize + 1)
        };
        let c = &self.chunks[ci];
        let (count, full) = (c.count as usize, !allow(c));
        if !self.quick || !full {
            let c = &mut self.chunks[ci];
            let p = c.seek(off);
            let at = if after { p + decode(&c.buf, p).1 } else { p };
            c.splice(at, at, &e.to_vec(), soft);
            c.count += 1;
            return true;
        }
        let at_tail = after && off == count - 1;
        let at_head = !after && off == 0;
        if at_tail && self.chunks.get(ci + 1).is_some_and(allow) {
            self.chunks[ci + 1].push(&e, End::Head, soft);
        } else if at_head && ci > 0 && allow(&self.chunks[ci - 1]) {
            self.chunks[ci - 1].push(&e, End::Tail, soft);
        } else if at_tail || at_head {
            let mut n = Chunk { plain: large, ..Chunk::default() };
            n.push(&e, End::Tail, if large { 0 } else { soft });
            self.chunks.insert(if at_tail { ci + 1 } else { ci }, n);
        } else {
            // Split the node at the pivot; the new element joins the new half.
            let c = &mut self.chunks[ci];
            let split = if after { off + 1 } else { off };
            let p = c.seek(split);
            let mut right = Chunk::from_bytes(&c.buf[p..c.end as usize], count - split);
            c.end = p as u32;
            c.count = split as u32;
            if large {
                c.shrink_to_fit();
                let mut n = Chunk { plain: true, ..Chunk::default() };
                n.push(&e, End::Tail, 0);
                self.chunks.insert(ci + 1, n);
                self.chunks.insert(ci + 2, right);
            } else {
                if after {
                    right.push(&e, End::Head, soft);
                } else {
                    c.push(&e, End::Tail, soft);
                }
                self.chunks[ci].shrink_to_fit();
                self.chunks.insert(ci + 1, right);
            }
        }
        true
    }

    /// LREM: removes up to |count| elements equal to `s` (all if 0), from
    /// the head (count > 0) or the tail (count < 0). Returns how many.
    pub fn remove(&mut self, count: i64, s: &[u8]) -> usize {
        let needle = Needle::new(s);
        let limit = if count == 0 { usize::MAX } else { count.unsigned_abs() as usize };
        let mut removed = 0;
        let order: Vec<usize> =
            if count >= 0 { (0..self.chunks.len()).collect() } else { (0..self.chunks.len()).rev().collect() };
        for ci in order {
            if removed == limit {
                break;
            }
            let c = &mut self.chunks[ci];
            let all = c.entries();
            let mut del: Vec<usize> = Vec::new();
            let mut consider = |i: usize| {
                if removed < limit && decode(&c.buf, all[i].0).0.matches(&needle) {
                    del.push(i);
                    removed += 1;
                }
            };
            if count >= 0 {
                (0..all.len()).for_each(&mut consider);
            } else {
                (0..all.len()).rev().for_each(&mut consider);
                del.reverse();
            }
            c.remove_entries(&all, &del);
        }
        self.chunks.retain(|c| c.count > 0);
        self.len -= removed;
        removed
    }

    /// Removes `n` elements from one end.
    pub fn drain(&mut self, end: End, mut n: usize) {
        n = n.min(self.len);
        self.len -= n;
        while n > 0 {
            let c = match end {
                End::Head => self.chunks.front_mut(),
                End::Tail => self.chunks.back_mut(),
            }
            .expect("counted");
            let cnt = c.count as usize;
            if cnt <= n {
                n -= cnt;
                match end {
                    End::Head => self.chunks.pop_front(),
                    End::Tail => self.chunks.pop_back(),
                };
                continue;
            }
            match end {
                End::Head => c.start = c.seek(n) as u32,
                End::Tail => c.end = c.seek(cnt - n) as u32,
            }
            c.count -= n as u32;
            n = 0;
        }
    }

    /// LTRIM: keeps `start..=stop`. Returns the number of elements removed.
    pub fn trim(&mut self, start: i64, stop: i64) -> usize {
        let len = self.len;
        let (s, n) = self.range_bounds(start, stop);
        let (ltrim, rtrim) = if n == 0 { (len, 0) } else { (s, len - s - n) };
        self.drain(End::Head, ltrim);
        self.drain(End::Tail, rtrim);
        ltrim + rtrim
    }

    /// LPOS: indexes of matches. `rank` is 1-based from the head (negative:
    /// from the tail), `count` 0 = all (1 for a plain LPOS), `maxlen` 0 = no limit.
    pub fn positions(&self, s: &[u8], rank: i64, count: usize, maxlen: usize) -> Vec<usize> {
        let needle = Needle::new(s);
        let skip = rank.unsigned_abs() as usize - 1;
        let limit = if maxlen == 0 { usize::MAX } else { maxlen };
        let mut out = Vec::new();
        let mut matches = 0usize;
        let mut visit = |idx: usize, e: Elem| {
            if e.matches(&needle) {
                matches += 1;
                if matches > skip {
                    out.push(idx);
                    if count != 0 && out.len() >= count {
                        return false;
                    }
                }
            }
            true
        };
        if rank > 0 {
            for (i, e) in self.iter().enumerate().take(limit) {
                if !visit(i, e) {
                    break;
                }
            }
        } else {
            for (i, e) in self.iter_rev().enumerate().take(limit) {
                if !visit(self.len - 1 - i, e) {
                    break;
                }
            }
        }
        out
    }

    /// Checks the internal invariants (tests).
    #[doc(hidden)]
    pub fn check(&self) {
        let mut total = 0;
        for c in &self.chunks {
            assert!(c.count > 0, "empty chunk");
            assert_eq!(c.entries().len(), c.count as usize);
            total += c.count as usize;
        }
        assert_eq!(total, self.len);
        if !self.quick {
            assert!(self.chunks.len() <= 1);
        }
    }
}

impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl fmt::Debug for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(|e| String::from_utf8_lossy(&e.to_vec()).into_owned())).finish()
    }
}

impl<T: AsRef<[u8]>> FromIterator<T> for List {
    /// Builds a list (RDB load, SORT STORE, tests) with the default node size.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut l = List::new();
        for it in iter {
            l.push_one(End::Tail, it.as_ref(), it.as_ref().len(), -2);
        }
        l
    }
}

/// Head-to-tail iterator.
pub struct Iter<'a> {
    list: &'a List,
    ci: usize,
    pos: usize,
    remaining: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Elem<'a>;

    #[inline]
    fn next(&mut self) -> Option<Elem<'a>> {
        if self.remaining == 0 {
            return None;
        }
        let mut c = &self.list.chunks[self.ci];
        if self.pos >= c.end as usize {
            self.ci += 1;
            c = &self.list.chunks[self.ci];
            self.pos = c.start as usize;
        }
        let (e, sz) = decode(&c.buf, self.pos);
        self.pos += sz;
        self.remaining -= 1;
        Some(e)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

/// Tail-to-head iterator.
pub struct RevIter<'a> {
    list: &'a List,
    /// The current chunk; `pos` is the end of the next entry to yield in it.
    ci: usize,
    pos: usize,
    remaining: usize,
}

impl<'a> Iterator for RevIter<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        if self.remaining == 0 {
            return None;
        }
        let mut c = &self.list.chunks[self.ci];
        if self.pos <= c.start as usize {
            self.ci -= 1;
            c = &self.list.chunks[self.ci];
            self.pos = c.end as usize;
        }
        let p = prev_start(&c.buf, self.pos);
        self.pos = p;
        self.remaining -= 1;
        Some(decode(&c.buf, p).0)
    }
}

// ---- keyspace-level operations ----------------------------------------------------

/// The key holds another type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongType;

/// Is the guard's key a list? `Ok(None)` if missing.
pub fn check_list(g: &mut WriteGuard) -> Result<Option<usize>, WrongType> {
    match g.get() {
        None => Ok(None),
        Some(e) => match &e.value {
            Value::List(l) => Ok(Some(l.len())),
            _ => Err(WrongType),
        },
    }
}

/// The list under the guard (call after [`check_list`] said it is one);
/// counts as a modification.
pub fn list_mut<'g>(g: &'g mut WriteGuard<'_>) -> Option<&'g mut List> {
    match &mut g.get_mut()?.value {
        Value::List(l) => Some(l),
        _ => None,
    }
}

fn push_event(end: End) -> &'static str {
    match end {
        End::Head => "lpush",
        End::Tail => "rpush",
    }
}

fn pop_event(end: End) -> &'static str {
    match end {
        End::Head => "lpop",
        End::Tail => "rpop",
    }
}

/// LPUSH/RPUSH (and with `only_existing`, LPUSHX/RPUSHX) on the guard's key:
/// creates the list on first push, pushes every element in turn, emits
/// `lpush`/`rpush`. Returns the new length (0: missing key with
/// `only_existing`). The caller then signals blocked clients.
pub fn push<T: AsRef<[u8]>>(
    g: &mut WriteGuard,
    end: End,
    items: &[T],
    fill: i32,
    only_existing: bool,
) -> Result<usize, WrongType> {
    if check_list(g)?.is_none() {
        if only_existing {
            return Ok(0);
        }
        g.set(Value::List(Box::default()), false);
    }
    let l = list_mut(g).expect("checked");
    l.push_all(end, items, fill);
    let n = l.len();
    g.notify(LIST, push_event(end));
    Ok(n)
}

/// Pops up to `count` (>= 1) elements from the guard's key, handing each to
/// `f` in pop order; emits `lpop`/`rpop`, then `del` if the list is now
/// empty (and deletes it). Returns how many were popped, `None` if the key
/// is missing.
pub fn pop(
    g: &mut WriteGuard,
    end: End,
    count: usize,
    fill: i32,
    mut f: impl FnMut(Elem<'_>),
) -> Result<Option<usize>, WrongType> {
    if check_list(g)?.is_none() {
        return Ok(None);
    }
    let l = list_mut(g).expect("checked");
    let mut n = 0;
    while n < count && l.pop_with(end, &mut f).is_some() {
        n += 1;
    }
    let empty = l.is_empty();
    if !empty {
        l.convert_after_shrink(fill);
    }
    g.notify(LIST, pop_event(end));
    if empty {
        g.delete();
        g.notify(GENERIC, "del");
    }
    Ok(Some(n))
}

/// After a middle operation (LREM, LTRIM, LSET): deletes the key if the list
/// became empty (emitting `del`), else lets the encoding shrink.
pub fn after_removal(g: &mut WriteGuard, fill: i32) {
    let Some(l) = list_mut(g) else { return };
    if l.is_empty() {
        g.delete();
        g.notify(GENERIC, "del");
    } else {
        l.convert_after_shrink(fill);
    }
}

/// LMOVE/RPOPLPUSH (and BLMOVE once served): pops from `src`'s `from` end and
/// pushes onto `dst`'s `to` end, creating `dst` if needed. Events, as Redis:
/// `lpush`/`rpush` on dst, then `lpop`/`rpop` on src, then `del` if src is
/// empty. `Ok(None)` if `src` is missing; WRONGTYPE if either key holds
/// another type (checked before anything changes). The caller then signals
/// blocked clients on `dst`.
pub fn lmove(
    ks: &mut Keyspace,
    db: usize,
    src: &[u8],
    dst: &[u8],
    from: End,
    to: End,
    fill: i32,
) -> Result<Option<Bytes>, WrongType> {
    let src_quick = {
        let mut g = ks.write(db, src);
        if check_list(&mut g)?.is_none() {
            return Ok(None);
        }
        matches!(g.get().map(|e| &e.value), Some(Value::List(l)) if l.quick)
    };
    check_list(&mut ks.write(db, dst))?;
    let (value, is_int) = {
        let mut g = ks.write(db, src);
        let l = list_mut(&mut g).expect("checked");
        l.pop_with(from, |e| (e.to_bytes(), e.is_int())).expect("lists are never empty")
    };
    {
        let mut g = ks.write(db, dst);
        if check_list(&mut g).ok().flatten().is_none() {
            g.set(Value::List(Box::default()), false);
        }
        let l = list_mut(&mut g).expect("checked");
        // Redis counts the popped object's length only if it is a string
        // object (a quicklist pops integers as integer objects).
        let counted = if src_quick && is_int { 0 } else { value.len() };
        l.push_one(to, &value, counted, fill);
        g.notify(LIST, push_event(to));
    }
    let mut g = ks.write(db, src);
    g.notify(LIST, pop_event(from));
    after_removal(&mut g, fill);
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn strs(l: &List) -> Vec<Vec<u8>> {
        l.iter().map(|e| e.to_vec()).collect()
    }

    #[test]
    fn codec_round_trips() {
        let samples: Vec<Vec<u8>> = [
            "0",
            "1",
            "127",
            "128",
            "-1",
            "4095",
            "-4096",
            "4096",
            "32767",
            "-32768",
            "32768",
            "8388607",
            "-8388608",
            "8388608",
            "2147483647",
            "-2147483648",
            "2147483648",
            "9223372036854775807",
            "-9223372036854775808",
            "01",
            "-0",
            "+1",
            "",
            "abc",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .chain([vec![b'x'; 63], vec![b'x'; 64], vec![b'y'; 4095], vec![b'z'; 4096], vec![b'w'; 20000]])
        .collect();
        for s in &samples {
            let e = Enc::new(s);
            let v = e.to_vec();
            let (d, sz) = decode(&v, 0);
            assert_eq!(sz, v.len(), "{:?}", String::from_utf8_lossy(s));
            assert_eq!(d.to_vec(), *s);
            assert_eq!(prev_start(&v, v.len()), 0);
        }
        // Integer forms and sizes are listpack's.
        assert_eq!(Enc::new(b"5").total(), 2);
        assert_eq!(Enc::new(b"1000").total(), 3);
        assert_eq!(Enc::new(b"100000").total(), 5);
        assert_eq!(Enc::new(b"hello").total(), 7);
        assert_eq!(Enc::new(&[b'a'; 64]).total(), 67);
    }

    #[test]
    fn push_pop_both_ends() {
        let mut l = List::new();
        l.push_all(End::Tail, &["a", "b", "c"], -2);
        l.push_all(End::Head, &["1", "2"], -2);
        assert_eq!(strs(&l), [b"2".to_vec(), b"1".to_vec(), b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        assert_eq!(l.pop(End::Head).unwrap(), "2");
        assert_eq!(l.pop(End::Tail).unwrap(), "c");
        assert_eq!(l.get(0), Some(Elem::Int(1)));
        assert_eq!(l.get(-1), Some(Elem::Str(b"b")));
        assert_eq!(l.get(3), None);
        assert_eq!(l.get(-4), None);
        assert_eq!(l.encoding(), "listpack");
        l.check();
    }

    #[test]
    fn encoding_follows_redis_limits() {
        // 8192-byte listpack: 7 header bytes; "x"*64 entries take 67 bytes each.
        let mut l = List::new();
        let v = vec![b'x'; 64];
        for _ in 0..121 {
            l.push_all(End::Tail, &[&v], -2);
        }
        // 7 + 121*67 = 8114; adding 64 more bytes -> 8178 <= 8192: still listpack.
        assert_eq!(l.encoding(), "listpack");
        l.push_all(End::Tail, &[&v], -2);
        assert_eq!(l.encoding(), "listpack");
        // 7 + 122*67 = 8181, + 64 = 8245 > 8192.
        l.push_all(End::Tail, &[&v], -2);
        assert_eq!(l.encoding(), "quicklist");
        // Shrinks back only as one node under half the limit (4096 bytes).
        while l.len() > 62 {
            l.pop(End::Tail);
            l.convert_after_shrink(-2);
        }
        // 62 * 67 + 7 = 4161 > 4096.
        assert_eq!(l.encoding(), "quicklist");
        l.pop(End::Tail);
        l.convert_after_shrink(-2);
        // 61 * 67 + 7 = 4094 <= 4096.
        assert_eq!(l.encoding(), "listpack");
        l.check();
        // A count-based fill.
        let mut l = List::new();
        l.push_all(End::Tail, &["a", "b", "c"], 3);
        assert_eq!(l.encoding(), "listpack");
        l.push_all(End::Tail, &["d"], 3);
        assert_eq!(l.encoding(), "quicklist");
        assert_eq!(l.chunk_count(), 2);
    }

    #[test]
    fn large_elements_get_their_own_node() {
        let mut l = List::new();
        let big = vec![b'b'; 10_000];
        l.push_all(End::Tail, &["a"], -2);
        l.push_all(End::Tail, &[&big], -2);
        assert_eq!(l.encoding(), "quicklist");
        l.push_all(End::Tail, &["c"], -2);
        assert_eq!(l.chunk_count(), 3);
        assert_eq!(l.get(1).unwrap().to_vec(), big);
        l.check();
    }

    #[test]
    fn middle_operations() {
        let mut l: List = ["a", "b", "c", "b", "d"].into_iter().collect();
        assert!(l.insert(b"b", b"X", false, -2));
        assert!(l.insert(b"d", b"Y", true, -2));
        assert!(!l.insert(b"nope", b"Z", true, -2));
        assert_eq!(strs(&l), ["a", "X", "b", "c", "b", "d", "Y"].map(|s| s.as_bytes().to_vec()));
        assert_eq!(l.remove(-1, b"b"), 1);
        assert_eq!(strs(&l), ["a", "X", "b", "c", "d", "Y"].map(|s| s.as_bytes().to_vec()));
        assert!(l.set(-1, b"100", -2));
        assert_eq!(l.get(-1), Some(Elem::Int(100)));
        assert!(!l.set(6, b"x", -2));
        assert_eq!(l.positions(b"c", 1, 1, 0), vec![3]);
        assert_eq!(l.trim(1, -2), 2);
        assert_eq!(strs(&l), ["X", "b", "c", "d"].map(|s| s.as_bytes().to_vec()));
        assert_eq!(l.trim(5, 10), 4);
        assert!(l.is_empty());
        l.check();
    }

    /// Random operations against a VecDeque model, with small nodes so that
    /// chunk boundaries are crossed all the time.
    #[test]
    fn randomized_against_vecdeque() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for fill in [-2, -1, 1, 2, 5, 16] {
            let mut l = List::new();
            let mut m: VecDeque<Vec<u8>> = VecDeque::new();
            for step in 0..6000 {
                let val: Vec<u8> = match rng.gen_range(0..5) {
                    0 => rng.gen_range(-70000i64..70000).to_string().into_bytes(),
                    1 => vec![b'a' + rng.gen_range(0..3u8)],
                    2 => vec![b'x'; rng.gen_range(0..300)],
                    3 => vec![b'L'; rng.gen_range(4000..9000)],
                    _ => rng.gen_range(0..5u8).to_string().into_bytes(),
                };
                let len = m.len() as i64;
                match rng.gen_range(0..13) {
                    0..=2 => {
                        l.push_all(End::Head, &[&val], fill);
                        m.push_front(val);
                    }
                    3..=5 => {
                        l.push_all(End::Tail, &[&val], fill);
                        m.push_back(val);
                    }
                    6 => {
                        assert_eq!(l.pop(End::Head).map(|b| b.to_vec()), m.pop_front());
                        l.convert_after_shrink(fill);
                    }
                    7 => {
                        assert_eq!(l.pop(End::Tail).map(|b| b.to_vec()), m.pop_back());
                        l.convert_after_shrink(fill);
                    }
                    8 if len > 0 => {
                        let i = rng.gen_range(-len..len);
                        let mi = if i < 0 { (len + i) as usize } else { i as usize };
                        assert!(l.set(i, &val, fill));
                        m[mi] = val;
                    }
                    9 if len > 0 => {
                        let pivot = m[rng.gen_range(0..m.len())].clone();
                        let after = rng.gen_bool(0.5);
                        assert!(l.insert(&pivot, &val, after, fill));
                        let at = m.iter().position(|x| *x == pivot).unwrap();
                        m.insert(if after { at + 1 } else { at }, val);
                    }
                    10 => {
                        let target = vec![b'a' + rng.gen_range(0..3u8)];
                        let count = rng.gen_range(-3i64..=3);
                        let removed = l.remove(count, &target);
                        let mut want = 0;
                        let limit = if count == 0 { usize::MAX } else { count.unsigned_abs() as usize };
                        if count >= 0 {
                            let mut i = 0;
                            while i < m.len() {
                                if want < limit && m[i] == target {
                                    m.remove(i);
                                    want += 1;
                                } else {
                                    i += 1;
                                }
                            }
                        } else {
                            let mut i = m.len();
                            while i > 0 {
                                i -= 1;
                                if want < limit && m[i] == target {
                                    m.remove(i);
                                    want += 1;
                                }
                            }
                        }
                        assert_eq!(removed, want);
                        l.convert_after_shrink(fill);
                    }
                    11 if step % 50 == 0 => {
                        let s = rng.gen_range(-len - 2..len + 2);
                        let e = rng.gen_range(-len - 2..len + 2);
                        let (a, n) = l.range_bounds(s, e);
                        l.trim(s, e);
                        let kept: VecDeque<Vec<u8>> = m.iter().skip(a).take(n).cloned().collect();
                        m = kept;
                    }
                    12 if len > 0 => {
                        let i = rng.gen_range(-len..len);
                        let mi = if i < 0 { (len + i) as usize } else { i as usize };
                        assert_eq!(l.get(i).unwrap().to_vec(), m[mi]);
                        let from = rng.gen_range(0..m.len());
                        let got: Vec<Vec<u8>> = l.iter_from(from).take(5).map(|e| e.to_vec()).collect();
                        let want: Vec<Vec<u8>> = m.iter().skip(from).take(5).cloned().collect();
                        assert_eq!(got, want);
                    }
                    _ => {}
                }
                assert_eq!(l.len(), m.len());
                if step % 97 == 0 {
                    l.check();
                    assert_eq!(strs(&l), m.iter().cloned().collect::<Vec<_>>());
                    let rev: Vec<Vec<u8>> = l.iter_rev().map(|e| e.to_vec()).collect();
                    assert_eq!(rev, m.iter().rev().cloned().collect::<Vec<_>>());
                }
            }
        }
    }

    #[test]
    fn keyspace_ops_events_and_deletion() {
        let mut ks = Keyspace::new(1);
        ks.set_event_mask(crate::notify::ALL | crate::notify::NEW);
        {
            let mut g = ks.write(0, b"src");
            assert_eq!(push(&mut g, End::Tail, &["a", "b"], -2, false), Ok(2));
        }
        assert_eq!(push(&mut ks.write(0, b"none"), End::Tail, &["a"], -2, true), Ok(0));
        assert_eq!(lmove(&mut ks, 0, b"src", b"dst", End::Head, End::Tail, -2).unwrap().unwrap(), "a");
        assert_eq!(lmove(&mut ks, 0, b"src", b"dst", End::Head, End::Tail, -2).unwrap().unwrap(), "b");
        assert!(!ks.exists(0, b"src"));
        let mut got = vec![];
        let n = pop(&mut ks.write(0, b"dst"), End::Tail, 5, -2, |e| got.push(e.to_vec())).unwrap();
        assert_eq!(n, Some(2));
        assert_eq!(got, [b"b".to_vec(), b"a".to_vec()]);
        assert!(!ks.exists(0, b"dst"));
        let ev: Vec<_> = ks.events.iter().map(|e| (e.event, String::from_utf8_lossy(&e.key).into_owned())).collect();
        let want = [
            ("new", "src"),
            ("rpush", "src"),
            ("new", "dst"),
            ("rpush", "dst"),
            ("lpop", "src"),
            ("rpush", "dst"),
            ("lpop", "src"),
            ("del", "src"),
            ("rpop", "dst"),
            ("del", "dst"),
        ];
        let want: Vec<_> = want.iter().map(|(a, b)| (*a, b.to_string())).collect();
        assert_eq!(ev, want);
        {
            let mut g = ks.write(0, b"s");
            g.set(Value::str_from(b"x"), false);
        }
        assert_eq!(push(&mut ks.write(0, b"s"), End::Tail, &["a"], -2, false), Err(WrongType));
        assert_eq!(lmove(&mut ks, 0, b"s", b"d", End::Head, End::Tail, -2), Err(WrongType));
    }
}
