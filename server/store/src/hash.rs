//! The hash value type, with per-field expiration (Redis 7.4+).
//!
//! Two encodings, as in Redis:
//! - `listpack`: small hashes live in one contiguous byte buffer of
//!   length-prefixed field/value pairs, in insertion order: one header byte
//!   per pair when both strings are short, LEB128 lengths otherwise. A
//!   3-field hash of short strings costs one 32-byte allocation.
//! - `hashtable`: past `hash-max-listpack-entries` fields, or once a field or
//!   value is longer than `hash-max-listpack-value`, the hash converts (for
//!   good, as Redis never converts back) to a [`Dict`] of field -> value, which
//!   gives HSCAN Redis's reverse-binary cursor guarantees and O(1) random
//!   picks for HRANDFIELD.
//!
//! Field TTLs live in the hashtable encoding only: setting the first TTL on a
//! listpack hash converts it (Redis uses a `listpackex` encoding there). The
//! table counts its volatile fields and keeps a lower bound of their earliest
//! expiry, so that "is anything expired?" is O(1) and reclaiming is one pass
//! over the fields when something is.
//!
//! Nothing here reads the clock: callers pass `now` (unix ms) to
//! [`Hash::purge_expired`]; a field is expired when `expire_at <= now`.

use rand::Rng;

use crate::dict::{Dict, Key};

/// The listpack thresholds (`hash-max-listpack-entries`, `hash-max-listpack-value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: usize,
    pub max_value: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: 128, max_value: 64 }
    }
}

/// A hash value.
pub struct Hash {
    repr: Repr,
}

enum Repr {
    /// Field/value pairs, each string prefixed by its LEB128 length.
    Pack(Box<[u8]>),
    Table(Box<Table>),
}

struct Table {
    map: Dict<Field>,
    /// Fields with a TTL.
    volatile: usize,
    /// A lower bound of the earliest field expiry (u64::MAX when none).
    min_expire: u64,
}

struct Field {
    val: Box<[u8]>,
    /// Unix ms; 0 = no TTL.
    expire_at: u64,
}

// ---- listpack helpers ---------------------------------------------------------
//
// Each pair starts with one header byte: `flen << 4 | vlen` when both lengths
// are at most 14 (the common small hash: one byte of overhead per pair), or
// LONG_PAIR followed by both lengths as LEB128 varints; then field bytes,
// then value bytes.

const SHORT_MAX: usize = 14;
const LONG_PAIR: u8 = 0xff;

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

#[inline]
fn get_len(buf: &[u8], pos: &mut usize) -> usize {
    let mut n = 0usize;
    let mut shift = 0;
    loop {
        let b = buf[*pos];
        *pos += 1;
        n |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            return n;
        }
        shift += 7;
    }
}

/// One pair of a listpack: byte ranges of the whole entry, the field and the value.
struct PackEntry {
    start: usize,
    end: usize,
    field: (usize, usize),
    val: (usize, usize),
}

fn pack_next(buf: &[u8], pos: usize) -> Option<PackEntry> {
    if pos >= buf.len() {
        return None;
    }
    let h = buf[pos];
    let mut p = pos + 1;
    let (fl, vl) = if h == LONG_PAIR {
        let fl = get_len(buf, &mut p);
        let vl = get_len(buf, &mut p);
        (fl, vl)
    } else {
        ((h >> 4) as usize, (h & 0x0f) as usize)
    };
    let field = (p, p + fl);
    let val = (p + fl, p + fl + vl);
    Some(PackEntry { start: pos, end: val.1, field, val })
}

fn pack_find(buf: &[u8], field: &[u8]) -> Option<PackEntry> {
    let mut pos = 0;
    while let Some(e) = pack_next(buf, pos) {
        if &buf[e.field.0..e.field.1] == field {
            return Some(e);
        }
        pos = e.end;
    }
    None
}

fn pack_push(out: &mut Vec<u8>, field: &[u8], val: &[u8]) {
    if field.len() <= SHORT_MAX && val.len() <= SHORT_MAX {
        out.push(((field.len() as u8) << 4) | val.len() as u8);
    } else {
        out.push(LONG_PAIR);
        put_len(out, field.len());
        put_len(out, val.len());
    }
    out.extend_from_slice(field);
    out.extend_from_slice(val);
}

/// Iterates the pairs of a listpack.
pub struct PackIter<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for PackIter<'a> {
    type Item = (&'a [u8], &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        let e = pack_next(self.buf, self.pos)?;
        self.pos = e.end;
        Some((&self.buf[e.field.0..e.field.1], &self.buf[e.val.0..e.val.1]))
    }
}

/// Iterates the (field, value) pairs of a hash, in no particular order.
pub enum HashIter<'a> {
    Pack(PackIter<'a>),
    Table(Box<dyn Iterator<Item = (&'a [u8], &'a [u8])> + 'a>),
}

impl<'a> Iterator for HashIter<'a> {
    type Item = (&'a [u8], &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            HashIter::Pack(p) => p.next(),
            HashIter::Table(t) => t.next(),
        }
    }
}

/// Answer of [`Hash::field_ttl`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldTtl {
    NoField,
    NoTtl,
    At(u64),
}

impl Table {
    fn new() -> Self {
        Table { map: Dict::new(), volatile: 0, min_expire: u64::MAX }
    }

    fn recompute_min(&mut self) {
        self.min_expire = if self.volatile == 0 {
            u64::MAX
        } else {
            self.map.iter().filter(|(_, f)| f.expire_at != 0).map(|(_, f)| f.expire_at).min().unwrap_or(u64::MAX)
        };
    }
}

impl Default for Hash {
    fn default() -> Self {
        Self::new()
    }
}

impl Hash {
    pub fn new() -> Self {
        Hash { repr: Repr::Pack(Box::default()) }
    }

    /// Builds a hash from pairs (tests, loaders); later duplicates overwrite.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a [u8], &'a [u8])>, limits: Limits) -> Self {
        let mut h = Hash::new();
        for (f, v) in pairs {
            h.set(f, v, false, limits);
        }
        h
    }

    /// Number of fields (expired fields not yet reclaimed included).
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Pack(b) => {
                let mut n = 0;
                let mut pos = 0;
                while let Some(e) = pack_next(b, pos) {
                    n += 1;
                    pos = e.end;
                }
                n
            }
            Repr::Table(t) => t.map.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match &self.repr {
            Repr::Pack(b) => b.is_empty(),
            Repr::Table(t) => t.map.is_empty(),
        }
    }

    /// OBJECT ENCODING's answer.
    pub fn encoding(&self) -> &'static str {
        match &self.repr {
            Repr::Pack(_) => "listpack",
            Repr::Table(_) => "hashtable",
        }
    }

    /// Approximate heap bytes held (MEMORY USAGE).
    pub fn heap_size(&self) -> usize {
        match &self.repr {
            Repr::Pack(b) => b.len(),
            Repr::Table(t) => {
                std::mem::size_of::<Table>()
                    + t.map.buckets() * 8
                    + t.map
                        .iter()
                        .map(|(k, f)| 64 + if k.len() > 22 { k.len() } else { 0 } + f.val.len())
                        .sum::<usize>()
            }
        }
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match &self.repr {
            Repr::Pack(b) => pack_find(b, field).map(|e| &b[e.val.0..e.val.1]),
            Repr::Table(t) => t.map.get(field).map(|f| &*f.val),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    fn make_table(&mut self) -> &mut Table {
        if let Repr::Pack(b) = &self.repr {
            let mut t = Table::new();
            for (f, v) in (PackIter { buf: b, pos: 0 }) {
                t.map.insert_new(Key::from(f), Field { val: v.into(), expire_at: 0 });
            }
            self.repr = Repr::Table(Box::new(t));
        }
        match &mut self.repr {
            Repr::Table(t) => t,
            Repr::Pack(_) => unreachable!("converted above"),
        }
    }

    /// Sets `field` to `val`; returns true if the field was created. An
    /// overwrite drops the field's TTL unless `keep_ttl` (HINCRBY, HSETEX
    /// KEEPTTL keep it; HSET does not).
    pub fn set(&mut self, field: &[u8], val: &[u8], keep_ttl: bool, limits: Limits) -> bool {
        if let Repr::Pack(b) = &mut self.repr {
            if field.len() <= limits.max_value && val.len() <= limits.max_value {
                let mut out = Vec::with_capacity(b.len() + field.len() + val.len() + 4);
                let created = match pack_find(b, field) {
                    Some(e) => {
                        out.extend_from_slice(&b[..e.start]);
                        pack_push(&mut out, field, val);
                        out.extend_from_slice(&b[e.end..]);
                        false
                    }
                    None => {
                        out.extend_from_slice(b);
                        pack_push(&mut out, field, val);
                        true
                    }
                };
                *b = out.into_boxed_slice();
                if created && self.len() > limits.max_entries {
                    self.make_table();
                }
                return created;
            }
        }
        let t = self.make_table();
        match t.map.get_mut(field) {
            Some(f) => {
                f.val = val.into();
                if !keep_ttl && f.expire_at != 0 {
                    f.expire_at = 0;
                    t.volatile -= 1;
                    if t.volatile == 0 {
                        t.min_expire = u64::MAX;
                    }
                }
                false
            }
            None => {
                t.map.insert_new(Key::from(field), Field { val: val.into(), expire_at: 0 });
                true
            }
        }
    }

    /// Removes `field`; true if it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Pack(b) => match pack_find(b, field) {
                Some(e) => {
                    let mut out = Vec::with_capacity(b.len() - (e.end - e.start));
                    out.extend_from_slice(&b[..e.start]);
                    out.extend_from_slice(&b[e.end..]);
                    *b = out.into_boxed_slice();
                    true
                }
                None => false,
            },
            Repr::Table(t) => match t.map.remove(field) {
                Some((_, f)) => {
                    if f.expire_at != 0 {
                        t.volatile -= 1;
                        if t.volatile == 0 {
                            t.min_expire = u64::MAX;
                        }
                    }
                    t.map.shrink_if_needed();
                    true
                }
                None => false,
            },
        }
    }

    /// The TTL state of `field` (expired fields count as present: reclaim first).
    pub fn field_ttl(&self, field: &[u8]) -> FieldTtl {
        match &self.repr {
            Repr::Pack(b) => {
                if pack_find(b, field).is_some() {
                    FieldTtl::NoTtl
                } else {
                    FieldTtl::NoField
                }
            }
            Repr::Table(t) => match t.map.get(field) {
                None => FieldTtl::NoField,
                Some(f) if f.expire_at == 0 => FieldTtl::NoTtl,
                Some(f) => FieldTtl::At(f.expire_at),
            },
        }
    }

    /// Sets the expiry (unix ms, > 0) of an existing field; false if absent.
    pub fn set_field_expire(&mut self, field: &[u8], at: u64) -> bool {
        if !self.contains(field) {
            return false;
        }
        let at = at.max(1);
        let t = self.make_table();
        let Some(f) = t.map.get_mut(field) else { return false };
        if f.expire_at == 0 {
            t.volatile += 1;
        }
        f.expire_at = at;
        t.min_expire = t.min_expire.min(at);
        true
    }

    /// Removes the TTL of `field`; true if it had one.
    pub fn persist_field(&mut self, field: &[u8]) -> bool {
        let Repr::Table(t) = &mut self.repr else { return false };
        match t.map.get_mut(field) {
            Some(f) if f.expire_at != 0 => {
                f.expire_at = 0;
                t.volatile -= 1;
                if t.volatile == 0 {
                    t.min_expire = u64::MAX;
                }
                true
            }
            _ => false,
        }
    }

    /// Number of fields with a TTL.
    pub fn volatile_fields(&self) -> usize {
        match &self.repr {
            Repr::Pack(_) => 0,
            Repr::Table(t) => t.volatile,
        }
    }

    /// A lower bound of the earliest field expiry, if any field has a TTL.
    #[inline]
    pub fn next_expire(&self) -> Option<u64> {
        match &self.repr {
            Repr::Table(t) if t.volatile > 0 => Some(t.min_expire),
            _ => None,
        }
    }

    /// True if some field may be expired at `now` (then call [`Hash::purge_expired`]).
    #[inline]
    pub fn may_have_expired(&self, now: u64) -> bool {
        self.next_expire().is_some_and(|t| t <= now)
    }

    /// Deletes the fields expired at `now`; returns how many.
    pub fn purge_expired(&mut self, now: u64) -> usize {
        let Repr::Table(t) = &mut self.repr else { return 0 };
        if t.volatile == 0 || t.min_expire > now {
            return 0;
        }
        let dead: Vec<Key> =
            t.map.iter().filter(|(_, f)| f.expire_at != 0 && f.expire_at <= now).map(|(k, _)| Key::from(k)).collect();
        for k in &dead {
            t.map.remove(k);
        }
        t.volatile -= dead.len();
        t.recompute_min();
        t.map.shrink_if_needed();
        dead.len()
    }

    pub fn iter(&self) -> HashIter<'_> {
        match &self.repr {
            Repr::Pack(b) => HashIter::Pack(PackIter { buf: b, pos: 0 }),
            Repr::Table(t) => HashIter::Table(Box::new(t.map.iter().map(|(k, f)| (k, &*f.val)))),
        }
    }

    /// One random pair (HRANDFIELD without count).
    pub fn random_pair(&self) -> Option<(&[u8], &[u8])> {
        match &self.repr {
            Repr::Pack(_) => {
                let n = self.len();
                if n == 0 {
                    return None;
                }
                let i = rand::thread_rng().gen_range(0..n);
                self.iter().nth(i)
            }
            Repr::Table(t) => t.map.random_entry().map(|(k, f)| (k, &*f.val)),
        }
    }

    /// `count` random pairs, repetitions allowed (HRANDFIELD with a negative count).
    pub fn random_pairs_with_repeats(&self, count: usize) -> Vec<(&[u8], &[u8])> {
        let mut out = Vec::with_capacity(count.min(4096));
        match &self.repr {
            Repr::Pack(_) => {
                let all: Vec<_> = self.iter().collect();
                if all.is_empty() {
                    return out;
                }
                let mut rng = rand::thread_rng();
                for _ in 0..count {
                    out.push(all[rng.gen_range(0..all.len())]);
                }
            }
            Repr::Table(t) => {
                for _ in 0..count {
                    match t.map.random_entry() {
                        Some((k, f)) => out.push((k, &*f.val)),
                        None => break,
                    }
                }
            }
        }
        out
    }

    /// Up to `count` distinct random pairs (HRANDFIELD with a positive count).
    /// The whole hash, in its order, when `count >= len`.
    pub fn random_distinct_pairs(&self, count: usize) -> Vec<(&[u8], &[u8])> {
        let size = self.len();
        if count >= size {
            return self.iter().collect();
        }
        let mut rng = rand::thread_rng();
        match &self.repr {
            Repr::Table(t) if count * 3 <= size => {
                let mut seen = std::collections::HashSet::with_capacity(count);
                let mut out = Vec::with_capacity(count);
                while out.len() < count {
                    let Some((k, f)) = t.map.random_entry() else { break };
                    if seen.insert(k.as_ptr()) {
                        out.push((k, &*f.val));
                    }
                }
                out
            }
            _ => {
                let mut all: Vec<_> = self.iter().collect();
                while all.len() > count {
                    let i = rng.gen_range(0..all.len());
                    all.swap_remove(i);
                }
                all
            }
        }
    }

    /// One HSCAN step: calls `f` for the pairs of the visited buckets and
    /// returns the next cursor (0 when done). A listpack is returned whole.
    pub fn scan(&self, cursor: u64, f: &mut impl FnMut(&[u8], &[u8])) -> u64 {
        match &self.repr {
            Repr::Pack(_) => {
                for (k, v) in self.iter() {
                    f(k, v);
                }
                0
            }
            Repr::Table(t) => t.map.scan(cursor, &mut |k: &[u8], fl: &Field| f(k, &fl.val)),
        }
    }

    /// True if the hash uses the dict encoding (HSCAN steps through it by cursor).
    pub fn is_table(&self) -> bool {
        matches!(self.repr, Repr::Table(_))
    }
}

impl Clone for Hash {
    fn clone(&self) -> Self {
        match &self.repr {
            Repr::Pack(b) => Hash { repr: Repr::Pack(b.clone()) },
            Repr::Table(t) => {
                let mut n = Table::new();
                for (k, f) in t.map.iter() {
                    n.map.insert_new(Key::from(k), Field { val: f.val.clone(), expire_at: f.expire_at });
                }
                n.volatile = t.volatile;
                n.min_expire = t.min_expire;
                Hash { repr: Repr::Table(Box::new(n)) }
            }
        }
    }
}

impl PartialEq for Hash {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self.iter().all(|(k, v)| other.get(k) == Some(v))
            && self.iter().all(|(k, _)| self.field_ttl(k) == other.field_ttl(k))
    }
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in self.iter() {
            m.entry(&String::from_utf8_lossy(k), &String::from_utf8_lossy(v));
        }
        m.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Limits = Limits { max_entries: 4, max_value: 8 };

    #[test]
    fn compact_layout() {
        // The value enum boxes a Hash: keep it at two words.
        assert_eq!(std::mem::size_of::<Hash>(), 16);
        let h =
            Hash::from_pairs([(&b"name"[..], &b"user1"[..]), (b"age", b"42"), (b"country", b"de")], Limits::default());
        assert_eq!(h.encoding(), "listpack");
        assert_eq!(h.heap_size(), 4 + 5 + 3 + 2 + 7 + 2 + 3);
    }

    #[test]
    fn listpack_set_get_remove() {
        let mut h = Hash::new();
        assert!(h.is_empty());
        assert!(h.set(b"a", b"1", false, L));
        assert!(h.set(b"b", b"2", false, L));
        assert!(!h.set(b"a", b"10", false, L));
        assert_eq!(h.get(b"a"), Some(&b"10"[..]));
        assert_eq!(h.len(), 2);
        assert_eq!(h.iter().collect::<Vec<_>>(), vec![(&b"a"[..], &b"10"[..]), (b"b", b"2")]);
        assert!(h.remove(b"a"));
        assert!(!h.remove(b"a"));
        assert_eq!(h.len(), 1);
        assert!(h.remove(b"b"));
        assert!(h.is_empty());
        // Longer strings take the escaped header with varint lengths.
        let big = Limits { max_entries: 10, max_value: 1000 };
        let long = vec![b'x'; 200];
        let mut h = Hash::new();
        h.set(&long, b"v", false, big);
        h.set(b"", b"", false, big);
        h.set(b"fifteen-chars!!", b"0123456789abcd", false, big);
        h.set(b"01234567890123", b"", false, big);
        assert_eq!(h.get(&long), Some(&b"v"[..]));
        assert_eq!(h.get(b""), Some(&b""[..]));
        assert_eq!(h.get(b"fifteen-chars!!"), Some(&b"0123456789abcd"[..]));
        assert_eq!(h.get(b"01234567890123"), Some(&b""[..]));
        assert_eq!(h.len(), 4);
        assert!(h.remove(b""));
        assert_eq!(h.iter().count(), 3);
        assert_eq!(h.encoding(), "listpack");
    }

    #[test]
    fn converts_past_the_thresholds() {
        let mut h = Hash::new();
        for i in 0..4 {
            h.set(format!("f{i}").as_bytes(), b"v", false, L);
        }
        assert_eq!(h.encoding(), "listpack");
        h.set(b"f4", b"v", false, L);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 5);
        let mut h = Hash::new();
        h.set(b"f", b"123456789", false, L);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.get(b"f"), Some(&b"123456789"[..]));
    }

    #[test]
    fn field_ttls() {
        let mut h = Hash::from_pairs([(&b"a"[..], &b"1"[..]), (b"b", b"2"), (b"c", b"3")], L);
        assert_eq!(h.field_ttl(b"a"), FieldTtl::NoTtl);
        assert_eq!(h.field_ttl(b"z"), FieldTtl::NoField);
        assert!(!h.set_field_expire(b"z", 100));
        assert!(h.set_field_expire(b"a", 100));
        assert!(h.set_field_expire(b"b", 200));
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.field_ttl(b"a"), FieldTtl::At(100));
        assert_eq!(h.next_expire(), Some(100));
        assert!(!h.may_have_expired(99));
        assert_eq!(h.purge_expired(99), 0);
        assert_eq!(h.purge_expired(100), 1);
        assert_eq!(h.next_expire(), Some(200));
        assert!(h.persist_field(b"b"));
        assert!(!h.persist_field(b"b"));
        assert_eq!(h.next_expire(), None);
        assert_eq!(h.purge_expired(1000), 0);
        assert_eq!(h.len(), 2);
        // HSET drops a TTL, HINCRBY-style keep_ttl keeps it.
        h.set_field_expire(b"b", 300);
        h.set(b"b", b"x", true, L);
        assert_eq!(h.field_ttl(b"b"), FieldTtl::At(300));
        h.set(b"b", b"y", false, L);
        assert_eq!(h.field_ttl(b"b"), FieldTtl::NoTtl);
        assert_eq!(h.volatile_fields(), 0);
        h.set_field_expire(b"c", 50);
        assert!(h.remove(b"c"));
        assert_eq!(h.volatile_fields(), 0);
    }

    #[test]
    fn random_and_scan() {
        let small = Hash::from_pairs([(&b"a"[..], &b"1"[..]), (b"b", b"2"), (b"c", b"3")], L);
        assert_eq!(small.random_distinct_pairs(2).len(), 2);
        assert_eq!(small.random_distinct_pairs(5).len(), 3);
        assert_eq!(small.random_pairs_with_repeats(10).len(), 10);
        assert!(small.random_pair().is_some());
        let mut seen = 0;
        assert_eq!(small.scan(0, &mut |_, _| seen += 1), 0);
        assert_eq!(seen, 3);

        let mut big = Hash::new();
        for i in 0..1000 {
            big.set(format!("f{i}").as_bytes(), b"v", false, L);
        }
        let d = big.random_distinct_pairs(10);
        let uniq: std::collections::HashSet<_> = d.iter().map(|p| p.0).collect();
        assert_eq!(uniq.len(), 10);
        assert_eq!(big.random_distinct_pairs(900).len(), 900);
        let mut all = std::collections::HashSet::new();
        let mut cursor = 0;
        loop {
            cursor = big.scan(cursor, &mut |k, _| {
                all.insert(k.to_vec());
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(all.len(), 1000);
        let c = big.clone();
        assert_eq!(c, big);
    }

    #[test]
    fn active_field_expiry_through_the_keyspace() {
        use crate::keyspace::Keyspace;
        use crate::notify;
        use crate::value::Value;
        let mut ks = Keyspace::new(2);
        ks.now_ms = 1_000;
        ks.set_event_mask(notify::ALL);
        for (key, ttl_fields) in [(&b"one"[..], 1), (b"all", 2), (b"none", 0)] {
            let mut h = Hash::from_pairs([(&b"a"[..], &b"1"[..]), (b"b", b"2")], L);
            for f in [&b"a"[..], b"b"].iter().take(ttl_fields) {
                h.set_field_expire(f, 1_500);
            }
            let mut g = ks.write(0, key);
            g.set(Value::Hash(Box::new(h)), false);
        }
        assert_eq!(ks.hash_field_expire_sample(0, 20), (2, 0));
        ks.now_ms = 2_000;
        assert_eq!(ks.hash_field_expire_sample(0, 20), (2, 2));
        assert!(ks.exists(0, b"one"));
        assert!(!ks.exists(0, b"all"));
        let names: Vec<_> = ks.events.iter().map(|e| (e.event, &e.key[..])).collect();
        assert!(names.contains(&("hexpired", &b"all"[..])) && names.contains(&("del", &b"all"[..])));
        // Nothing volatile is left: the index is empty.
        assert_eq!(ks.hash_field_expire_sample(0, 20), (0, 0));
    }
}
