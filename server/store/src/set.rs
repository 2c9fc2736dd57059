//! The set value type, in Redis's three encodings (Redis 7.2+ rules):
//!
//! - `intset`: a sorted array of i64 while every member is a canonical integer
//!   (Redis's string2ll) and there are at most `set-max-intset-entries` of them;
//! - `listpack`: a packed byte buffer (varint length + bytes per member, in
//!   insertion order) while there are at most `set-max-listpack-entries`
//!   members of at most `set-max-listpack-value` bytes;
//! - `hashtable`: the keyspace's own chained [`Dict`], so that SSCAN keeps
//!   Redis's guarantee (every member present for the whole iteration is
//!   returned) across resizes.
//!
//! Conversions follow t_set.c: a set is created from its first member and a
//! size hint (setTypeCreate), an intset that receives a non-integer becomes a
//! listpack when that is safe and a hashtable otherwise, an intset or listpack
//! that grows past its limits becomes a hashtable, and a hashtable never goes
//! back (except where Redis rebuilds a set: SINTERSTORE results and SPOP's
//! "keep the remaining few" strategy).
//!
//! The store knows nothing about configuration: callers pass [`SetLimits`].

use std::fmt;

use rand::Rng;

use crate::dict::{Dict, Key};
use crate::value::parse_canonical_i64;

/// The encoding limits (`set-max-intset-entries`, `set-max-listpack-entries`,
/// `set-max-listpack-value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetLimits {
    pub max_intset_entries: usize,
    pub max_listpack_entries: usize,
    pub max_listpack_value: usize,
}

impl Default for SetLimits {
    fn default() -> Self {
        SetLimits { max_intset_entries: 512, max_listpack_entries: 128, max_listpack_value: 64 }
    }
}

impl SetLimits {
    /// intset internals cap it at 1G entries.
    fn intset_max(&self) -> usize {
        self.max_intset_entries.min(1 << 30)
    }
}

/// A member as the set holds it: an integer (intset) or bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl Member<'_> {
    /// Calls `f` with the member's bytes (integers in decimal).
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match *self {
            Member::Int(n) => f(itoa::Buffer::new().format(n).as_bytes()),
            Member::Str(s) => f(s),
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        self.with_bytes(|b| b.to_vec())
    }

    /// The member as an integer, if it is a canonical one.
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            Member::Int(n) => Some(n),
            Member::Str(s) => parse_canonical_i64(s),
        }
    }
}

// ---- listpack --------------------------------------------------------------------

/// Members packed one after the other as `varint(len) bytes`, in insertion order.
#[derive(Clone, Default)]
struct Listpack {
    buf: Vec<u8>,
    len: usize,
}

fn put_varint(buf: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        buf.push((n as u8) | 0x80);
        n >>= 7;
    }
    buf.push(n as u8);
}

#[inline]
fn get_varint(buf: &[u8], mut pos: usize) -> (usize, usize) {
    let mut n = 0usize;
    let mut shift = 0;
    loop {
        let b = buf[pos];
        pos += 1;
        n |= ((b & 0x7f) as usize) << shift;
        if b < 0x80 {
            return (n, pos);
        }
        shift += 7;
    }
}

struct LpIter<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for LpIter<'a> {
    /// (entry start offset, member bytes)
    type Item = (usize, &'a [u8]);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let start = self.pos;
        let (n, p) = get_varint(self.buf, start);
        self.pos = p + n;
        Some((start, &self.buf[p..p + n]))
    }
}

impl Listpack {
    fn iter(&self) -> LpIter<'_> {
        LpIter { buf: &self.buf, pos: 0 }
    }

    /// Byte range of the entry holding `m`.
    fn find(&self, m: &[u8]) -> Option<(usize, usize)> {
        let mut it = self.iter();
        while let Some((start, v)) = it.next() {
            if v == m {
                return Some((start, it.pos));
            }
        }
        None
    }

    fn push(&mut self, m: &[u8]) {
        put_varint(&mut self.buf, m.len());
        self.buf.extend_from_slice(m);
        self.len += 1;
    }

    fn remove_range(&mut self, start: usize, end: usize) {
        self.buf.drain(start..end);
        self.len -= 1;
    }

    fn nth(&self, i: usize) -> &[u8] {
        self.iter().nth(i).expect("index within listpack").1
    }
}

// ---- the set ---------------------------------------------------------------------

enum Enc {
    /// Sorted ascending, no duplicates.
    Intset(Vec<i64>),
    Listpack(Listpack),
    Hashtable(Dict<()>),
}

/// A set value.
pub struct Set {
    enc: Enc,
}

impl Default for Set {
    fn default() -> Self {
        Self::new()
    }
}

/// Iterates the members of a set in its encoding's order (ascending for an
/// intset, insertion order for a listpack, bucket order for a hashtable).
pub struct Iter<'a> {
    inner: IterInner<'a>,
}

enum IterInner<'a> {
    Ints(std::slice::Iter<'a, i64>),
    Lp(LpIter<'a>),
    Ht(Box<dyn Iterator<Item = (&'a [u8], &'a ())> + 'a>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = Member<'a>;
    #[inline]
    fn next(&mut self) -> Option<Member<'a>> {
        match &mut self.inner {
            IterInner::Ints(it) => it.next().map(|n| Member::Int(*n)),
            IterInner::Lp(it) => it.next().map(|(_, s)| Member::Str(s)),
            IterInner::Ht(it) => it.next().map(|(k, _)| Member::Str(k)),
        }
    }
}

fn digits10(n: i64) -> usize {
    itoa::Buffer::new().format(n).len()
}

impl Set {
    /// An empty intset (Redis's createIntsetObject).
    pub fn new() -> Self {
        Set { enc: Enc::Intset(Vec::new()) }
    }

    /// An empty listpack (createSetListpackObject).
    pub fn new_listpack() -> Self {
        Set { enc: Enc::Listpack(Listpack::default()) }
    }

    /// A set that can hold `first`, sized for about `size_hint` members
    /// (Redis's setTypeCreate). `first` is not added.
    pub fn create(first: &[u8], size_hint: usize, lim: &SetLimits) -> Self {
        if size_hint <= lim.max_intset_entries && parse_canonical_i64(first).is_some() {
            Set::new()
        } else if size_hint <= lim.max_listpack_entries {
            Set::new_listpack()
        } else {
            Set { enc: Enc::Hashtable(Dict::new()) }
        }
    }

    /// Converts to a hashtable if `size_hint` more members would not fit the
    /// compact encoding (setTypeMaybeConvert, before a multi-member SADD).
    pub fn maybe_convert(&mut self, size_hint: usize, lim: &SetLimits) {
        if self.would_convert(size_hint, lim) {
            self.convert_to_hashtable();
        }
    }

    /// Would [`Set::maybe_convert`] change the encoding?
    pub fn would_convert(&self, size_hint: usize, lim: &SetLimits) -> bool {
        match &self.enc {
            Enc::Listpack(_) => size_hint > lim.max_listpack_entries,
            Enc::Intset(_) => size_hint > lim.max_intset_entries,
            Enc::Hashtable(_) => false,
        }
    }

    pub fn len(&self) -> usize {
        match &self.enc {
            Enc::Intset(v) => v.len(),
            Enc::Listpack(lp) => lp.len,
            Enc::Hashtable(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// OBJECT ENCODING's answer.
    pub fn encoding(&self) -> &'static str {
        match &self.enc {
            Enc::Intset(_) => "intset",
            Enc::Listpack(_) => "listpack",
            Enc::Hashtable(_) => "hashtable",
        }
    }

    pub fn is_hashtable(&self) -> bool {
        matches!(self.enc, Enc::Hashtable(_))
    }

    /// Approximate heap bytes held (MEMORY USAGE).
    pub fn heap_size(&self) -> usize {
        match &self.enc {
            Enc::Intset(v) => v.capacity() * 8,
            Enc::Listpack(lp) => lp.buf.capacity(),
            // bucket pointers + one node (next, inline key) per member
            Enc::Hashtable(d) => d.buckets() * 8 + d.len() * 32,
        }
    }

    pub fn iter(&self) -> Iter<'_> {
        let inner = match &self.enc {
            Enc::Intset(v) => IterInner::Ints(v.iter()),
            Enc::Listpack(lp) => IterInner::Lp(lp.iter()),
            Enc::Hashtable(d) => IterInner::Ht(Box::new(d.iter())),
        };
        Iter { inner }
    }

    fn convert_to_hashtable(&mut self) {
        let mut d = Dict::new();
        for m in self.iter() {
            m.with_bytes(|b| {
                d.insert_new(Key::from(b), ());
            });
        }
        self.enc = Enc::Hashtable(d);
    }

    fn convert_to_listpack(&mut self) {
        let mut lp = Listpack::default();
        for m in self.iter() {
            m.with_bytes(|b| lp.push(b));
        }
        self.enc = Enc::Listpack(lp);
    }

    // ---- membership ----------------------------------------------------------------

    pub fn contains(&self, m: &[u8]) -> bool {
        match &self.enc {
            Enc::Intset(v) => parse_canonical_i64(m).is_some_and(|n| v.binary_search(&n).is_ok()),
            Enc::Listpack(lp) => lp.find(m).is_some(),
            Enc::Hashtable(d) => d.contains_key(m),
        }
    }

    pub fn contains_member(&self, m: Member) -> bool {
        match (m, &self.enc) {
            (Member::Int(n), Enc::Intset(v)) => v.binary_search(&n).is_ok(),
            (m, _) => m.with_bytes(|b| self.contains(b)),
        }
    }

    /// Adds `m`; false if it was already a member. Converts the encoding as
    /// Redis's setTypeAdd does.
    pub fn add(&mut self, m: &[u8], lim: &SetLimits) -> bool {
        match &mut self.enc {
            Enc::Hashtable(d) => {
                if d.contains_key(m) {
                    return false;
                }
                d.insert_new(Key::from(m), ());
                true
            }
            Enc::Listpack(lp) => {
                if lp.find(m).is_some() {
                    return false;
                }
                if lp.len < lim.max_listpack_entries && m.len() <= lim.max_listpack_value {
                    lp.push(m);
                } else {
                    self.convert_to_hashtable();
                    self.add(m, lim);
                }
                true
            }
            Enc::Intset(v) => {
                if let Some(n) = parse_canonical_i64(m) {
                    return self.add_int(n, lim);
                }
                let maxelelen = match (v.first(), v.last()) {
                    (Some(&lo), Some(&hi)) => digits10(lo).max(digits10(hi)),
                    _ => 0,
                };
                if v.len() < lim.max_listpack_entries
                    && m.len() <= lim.max_listpack_value
                    && maxelelen <= lim.max_listpack_value
                {
                    self.convert_to_listpack();
                } else {
                    self.convert_to_hashtable();
                }
                // A non-integer is never in an intset: this add always succeeds.
                match &mut self.enc {
                    Enc::Listpack(lp) => lp.push(m),
                    Enc::Hashtable(d) => {
                        d.insert_new(Key::from(m), ());
                    }
                    Enc::Intset(_) => unreachable!("converted above"),
                }
                true
            }
        }
    }

    /// Adds `m`, known not to be a member (the caller just checked): saves
    /// the second lookup on the SADD fast path.
    pub fn add_new(&mut self, m: &[u8], lim: &SetLimits) {
        match &mut self.enc {
            Enc::Hashtable(d) => {
                debug_assert!(!d.contains_key(m));
                d.insert_new(Key::from(m), ());
            }
            Enc::Listpack(lp) if lp.len < lim.max_listpack_entries && m.len() <= lim.max_listpack_value => {
                lp.push(m);
            }
            _ => {
                self.add(m, lim);
            }
        }
    }

    fn add_int(&mut self, n: i64, lim: &SetLimits) -> bool {
        match &mut self.enc {
            Enc::Intset(v) => match v.binary_search(&n) {
                Ok(_) => false,
                Err(i) => {
                    v.insert(i, n);
                    if v.len() > lim.intset_max() {
                        self.convert_to_hashtable();
                    }
                    true
                }
            },
            _ => self.add(itoa::Buffer::new().format(n).as_bytes(), lim),
        }
    }

    /// Adds a member taken from another set.
    pub fn add_member(&mut self, m: Member, lim: &SetLimits) -> bool {
        match m {
            Member::Int(n) => self.add_int(n, lim),
            Member::Str(s) => self.add(s, lim),
        }
    }

    /// Removes `m`; false if it was not a member.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match &mut self.enc {
            Enc::Intset(v) => match parse_canonical_i64(m).map(|n| v.binary_search(&n)) {
                Some(Ok(i)) => {
                    v.remove(i);
                    true
                }
                _ => false,
            },
            Enc::Listpack(lp) => match lp.find(m) {
                Some((s, e)) => {
                    lp.remove_range(s, e);
                    true
                }
                None => false,
            },
            Enc::Hashtable(d) => {
                let found = d.remove(m).is_some();
                if found {
                    d.shrink_if_needed();
                }
                found
            }
        }
    }

    pub fn remove_member(&mut self, m: Member) -> bool {
        match (m, &mut self.enc) {
            (Member::Int(n), Enc::Intset(v)) => match v.binary_search(&n) {
                Ok(i) => {
                    v.remove(i);
                    true
                }
                Err(_) => false,
            },
            (m, _) => m.with_bytes(|b| self.remove(b)),
        }
    }

    // ---- randomness ------------------------------------------------------------------

    /// A random member of a non-empty set.
    pub fn random(&self) -> Member<'_> {
        let mut rng = rand::thread_rng();
        match &self.enc {
            Enc::Intset(v) => Member::Int(v[rng.gen_range(0..v.len())]),
            Enc::Listpack(lp) => Member::Str(lp.nth(rng.gen_range(0..lp.len))),
            Enc::Hashtable(d) => Member::Str(d.random_entry().expect("non-empty set").0),
        }
    }

    /// Removes and returns a random member of a non-empty set.
    pub fn pop_random(&mut self) -> Vec<u8> {
        let m = self.random().to_vec();
        self.remove(&m);
        m
    }

    /// `count` distinct members (count <= len) chosen uniformly, returned in
    /// the set's iteration order (Redis's lpNextRandom selection sampling).
    pub fn sample_in_order(&self, count: usize) -> Vec<Member<'_>> {
        let mut rng = rand::thread_rng();
        let mut left = self.len();
        let mut want = count.min(left);
        let mut out = Vec::with_capacity(want);
        for m in self.iter() {
            if want == 0 {
                break;
            }
            if rng.gen_range(0..left) < want {
                out.push(m);
                want -= 1;
            }
            left -= 1;
        }
        out
    }

    /// SPOP with a count smaller than the set: removes `count` random members
    /// and returns them in reply order. Uses Redis's two strategies: pop one
    /// by one while what remains is large, otherwise rebuild the set from the
    /// few members that stay (which may change the encoding, as in Redis).
    pub fn pop_many(&mut self, count: usize, lim: &SetLimits) -> Vec<Vec<u8>> {
        let size = self.len();
        debug_assert!(count < size);
        let remaining = size - count;
        if remaining * 5 > count {
            if let Enc::Listpack(_) = self.enc {
                let picked: Vec<Vec<u8>> = self.sample_in_order(count).iter().map(Member::to_vec).collect();
                for m in &picked {
                    self.remove(m);
                }
                return picked;
            }
            return (0..count).map(|_| self.pop_random()).collect();
        }
        // Keep `remaining` random members in a new set; reply with the rest.
        let mut newset: Option<Set> = None;
        if let Enc::Listpack(_) = self.enc {
            let mut ns = Set::new_listpack();
            let kept: Vec<Vec<u8>> = self.sample_in_order(remaining).iter().map(Member::to_vec).collect();
            for m in &kept {
                ns.add(m, lim);
                self.remove(m);
            }
            newset = Some(ns);
        } else {
            for _ in 0..remaining {
                let m = self.random();
                let ns = newset.get_or_insert_with(|| match m {
                    Member::Str(_) => Set::new_listpack(),
                    Member::Int(_) => Set::new(),
                });
                ns.add_member(m, lim);
                let owned = m.to_vec();
                self.remove(&owned);
            }
        }
        let popped: Vec<Vec<u8>> = self.iter().map(|m| m.to_vec()).collect();
        *self = newset.unwrap_or_default();
        popped
    }

    // ---- whole-set helpers -------------------------------------------------------------

    /// Converts to an intset when every member is an integer and there are
    /// few enough of them (Redis's maybeConvertToIntset, for SINTERSTORE).
    pub fn maybe_convert_to_intset(&mut self, lim: &SetLimits) {
        if matches!(self.enc, Enc::Intset(_)) || self.len() > lim.intset_max() {
            return;
        }
        let mut v = Vec::with_capacity(self.len());
        for m in self.iter() {
            match m.as_int() {
                Some(n) => v.push(n),
                None => return,
            }
        }
        v.sort_unstable();
        self.enc = Enc::Intset(v);
    }

    /// Frees spare capacity (after building a result set).
    pub fn shrink_to_fit(&mut self) {
        match &mut self.enc {
            Enc::Intset(v) => v.shrink_to_fit(),
            Enc::Listpack(lp) => lp.buf.shrink_to_fit(),
            Enc::Hashtable(_) => {}
        }
    }

    /// One SSCAN call: a hashtable is walked bucket by bucket with Redis's
    /// reverse-binary cursor until `count` members were emitted or 10*count
    /// buckets visited; a compact set is returned whole with cursor 0.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(Member)) -> u64 {
        match &self.enc {
            Enc::Hashtable(d) => {
                let mut cursor = cursor;
                let mut emitted = 0usize;
                let mut max_iter = count.saturating_mul(10);
                loop {
                    cursor = d.scan(cursor, &mut |k: &[u8], _: &()| {
                        emitted += 1;
                        f(Member::Str(k));
                    });
                    if cursor == 0 || max_iter == 0 || emitted >= count {
                        return cursor;
                    }
                    max_iter -= 1;
                }
            }
            _ => {
                self.iter().for_each(f);
                0
            }
        }
    }
}

impl Clone for Set {
    /// Keeps the encoding, as Redis's setTypeDup (COPY).
    fn clone(&self) -> Self {
        let enc = match &self.enc {
            Enc::Intset(v) => Enc::Intset(v.clone()),
            Enc::Listpack(lp) => Enc::Listpack(lp.clone()),
            Enc::Hashtable(d) => {
                let mut nd = Dict::new();
                for (k, _) in d.iter() {
                    nd.insert_new(Key::from(k), ());
                }
                Enc::Hashtable(nd)
            }
        };
        Set { enc }
    }
}

impl PartialEq for Set {
    /// Same members, whatever the encodings.
    fn eq(&self, other: &Set) -> bool {
        self.len() == other.len() && self.iter().all(|m| other.contains_member(m))
    }
}

impl fmt::Debug for Set {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut l = f.debug_set();
        for m in self.iter().take(32) {
            match m {
                Member::Int(n) => l.entry(&n),
                Member::Str(s) => l.entry(&String::from_utf8_lossy(s)),
            };
        }
        l.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn lim() -> SetLimits {
        SetLimits::default()
    }

    fn members(s: &Set) -> Vec<Vec<u8>> {
        s.iter().map(|m| m.to_vec()).collect()
    }

    fn sadd(s: &mut Set, items: &[&str]) -> usize {
        items.iter().filter(|m| s.add(m.as_bytes(), &lim())).count()
    }

    #[test]
    fn intset_stays_sorted_and_unique() {
        let mut s = Set::create(b"5", 3, &lim());
        assert_eq!(sadd(&mut s, &["5", "-3", "10", "5"]), 3);
        assert_eq!(s.encoding(), "intset");
        assert_eq!(members(&s), vec![b"-3".to_vec(), b"5".to_vec(), b"10".to_vec()]);
        assert!(s.contains(b"10"));
        assert!(!s.contains(b"010"));
        assert!(!s.contains(b"x"));
        assert!(s.remove(b"5"));
        assert!(!s.remove(b"5"));
        assert!(!s.remove(b"05"));
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn create_picks_the_encoding_from_first_member_and_hint() {
        assert_eq!(Set::create(b"1", 1, &lim()).encoding(), "intset");
        assert_eq!(Set::create(b"01", 1, &lim()).encoding(), "listpack");
        assert_eq!(Set::create(b"a", 128, &lim()).encoding(), "listpack");
        assert_eq!(Set::create(b"a", 129, &lim()).encoding(), "hashtable");
        assert_eq!(Set::create(b"1", 512, &lim()).encoding(), "intset");
        assert_eq!(Set::create(b"1", 513, &lim()).encoding(), "hashtable");
    }

    #[test]
    fn intset_to_listpack_to_hashtable() {
        let mut s = Set::create(b"1", 1, &lim());
        sadd(&mut s, &["1", "2", "3"]);
        assert_eq!(s.encoding(), "intset");
        assert!(s.add(b"abc", &lim()));
        assert_eq!(s.encoding(), "listpack");
        // The ints keep their sorted order, the string is appended.
        assert_eq!(members(&s), vec![b"1".to_vec(), b"2".to_vec(), b"3".to_vec(), b"abc".to_vec()]);
        assert!(!s.add(b"2", &lim()));
        assert!(s.add(b"4", &lim()));
        assert_eq!(s.encoding(), "listpack");
        // A value longer than 64 bytes forces a hashtable.
        assert!(s.add(&[b'x'; 65], &lim()));
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 6);
        assert!(s.contains(b"4") && s.contains(b"abc") && s.contains(&[b'x'; 65]));
    }

    #[test]
    fn intset_with_long_numbers_goes_to_hashtable_when_listpack_value_is_small() {
        let l = SetLimits { max_listpack_value: 3, ..lim() };
        let mut s = Set::new();
        assert!(s.add(b"12345", &l));
        assert!(s.add(b"ab", &l));
        assert_eq!(s.encoding(), "hashtable");
        let mut s = Set::new();
        assert!(s.add(b"-12", &l));
        assert!(s.add(b"ab", &l));
        assert_eq!(s.encoding(), "listpack");
    }

    #[test]
    fn size_limits_convert() {
        let mut s = Set::new();
        for i in 0..512 {
            assert!(s.add(i.to_string().as_bytes(), &lim()));
        }
        assert_eq!(s.encoding(), "intset");
        assert!(s.add(b"512", &lim()));
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 513);

        let mut s = Set::new_listpack();
        for i in 0..128 {
            assert!(s.add(format!("m{i}").as_bytes(), &lim()));
        }
        assert_eq!(s.encoding(), "listpack");
        assert!(s.add(b"one-more", &lim()));
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 129);

        // An intset of 128+ entries takes a string straight into a hashtable.
        let mut s = Set::new();
        for i in 0..128 {
            s.add(i.to_string().as_bytes(), &lim());
        }
        s.add(b"x", &lim());
        assert_eq!(s.encoding(), "hashtable");
    }

    #[test]
    fn maybe_convert_by_hint() {
        let mut s = Set::new_listpack();
        s.add(b"a", &lim());
        s.maybe_convert(128, &lim());
        assert_eq!(s.encoding(), "listpack");
        s.maybe_convert(129, &lim());
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"a"));
    }

    #[test]
    fn listpack_remove_keeps_others_in_order() {
        let mut s = Set::new_listpack();
        sadd(&mut s, &["a", "bb", "", "ccc"]);
        assert!(s.contains(b""));
        assert!(s.remove(b"bb"));
        assert_eq!(members(&s), vec![b"a".to_vec(), b"".to_vec(), b"ccc".to_vec()]);
        // Long members need multi-byte lengths.
        let long = vec![b'z'; 300];
        let l = SetLimits { max_listpack_value: 1000, ..lim() };
        assert!(s.add(&long, &l));
        assert!(s.contains(&long));
        assert!(s.remove(b"a"));
        assert_eq!(members(&s), vec![b"".to_vec(), b"ccc".to_vec(), long.clone()]);
    }

    #[test]
    fn random_and_pop() {
        for enc in ["ints", "strs", "big"] {
            let mut s = Set::new();
            let n = if enc == "big" { 1000 } else { 50 };
            for i in 0..n {
                let m = if enc == "ints" { i.to_string() } else { format!("m{i}") };
                s.add(m.as_bytes(), &lim());
            }
            let all: HashSet<Vec<u8>> = members(&s).into_iter().collect();
            assert!(all.contains(&s.random().to_vec()));
            let sample = s.sample_in_order(10);
            assert_eq!(sample.len(), 10);
            let uniq: HashSet<Vec<u8>> = sample.iter().map(Member::to_vec).collect();
            assert_eq!(uniq.len(), 10);
            let popped = s.pop_random();
            assert!(all.contains(&popped) && !s.contains(&popped));
            // Few popped (one by one), then most popped (rebuild).
            let few = s.pop_many(3, &lim());
            assert_eq!(few.len(), 3);
            let left = s.len();
            let most = s.pop_many(left - 2, &lim());
            assert_eq!(most.len(), left - 2);
            assert_eq!(s.len(), 2);
            let mut seen: HashSet<Vec<u8>> = HashSet::new();
            for m in few.iter().chain(most.iter()).chain(members(&s).iter()).chain([&popped]) {
                assert!(all.contains(m));
                assert!(seen.insert(m.clone()), "duplicate");
            }
            assert_eq!(seen.len(), n);
        }
    }

    #[test]
    fn rebuilt_set_after_spop_is_compact() {
        let mut s = Set::new();
        for i in 0..1000 {
            s.add(format!("m{i}").as_bytes(), &lim());
        }
        assert_eq!(s.encoding(), "hashtable");
        s.pop_many(990, &lim());
        assert_eq!(s.encoding(), "listpack");
        let mut s = Set::new();
        for i in 0..1000 {
            s.add(i.to_string().as_bytes(), &lim());
        }
        // Members of a hashtable are strings, so Redis rebuilds a listpack
        // even when they are all integers.
        s.pop_many(990, &lim());
        assert_eq!(s.encoding(), "listpack");
        let mut s = Set::new();
        for i in 0..500 {
            s.add(i.to_string().as_bytes(), &lim());
        }
        s.pop_many(490, &lim());
        assert_eq!(s.encoding(), "intset");
    }

    #[test]
    fn convert_to_intset_when_all_ints() {
        let mut s = Set::new_listpack();
        sadd(&mut s, &["3", "1", "2"]);
        s.maybe_convert_to_intset(&lim());
        assert_eq!(s.encoding(), "intset");
        assert_eq!(members(&s), vec![b"1".to_vec(), b"2".to_vec(), b"3".to_vec()]);
        let mut s = Set::new_listpack();
        sadd(&mut s, &["3", "x"]);
        s.maybe_convert_to_intset(&lim());
        assert_eq!(s.encoding(), "listpack");
    }

    #[test]
    fn scan_returns_everything_across_resizes() {
        let mut s = Set::new();
        for i in 0..2000 {
            s.add(format!("m{i}").as_bytes(), &lim());
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut calls = 0;
        loop {
            cursor = s.scan(cursor, 10, |m| {
                seen.insert(m.to_vec());
            });
            calls += 1;
            if calls == 20 {
                for i in 2000..10_000 {
                    s.add(format!("m{i}").as_bytes(), &lim());
                }
            }
            if calls == 400 {
                for i in 2000..10_000 {
                    s.remove(format!("m{i}").as_bytes());
                }
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..2000 {
            assert!(seen.contains(format!("m{i}").as_bytes()), "m{i} missed");
        }
        // Compact sets come back whole.
        let mut c = Set::new();
        sadd(&mut c, &["1", "2"]);
        let mut n = 0;
        assert_eq!(c.scan(12345, 1, |_| n += 1), 0);
        assert_eq!(n, 2);
    }

    #[test]
    fn clone_keeps_encoding_and_eq_ignores_it() {
        let mut a = Set::new();
        sadd(&mut a, &["1", "2", "x"]);
        let b = a.clone();
        assert_eq!(b.encoding(), "listpack");
        assert_eq!(a, b);
        let mut h = a.clone();
        h.maybe_convert(1000, &lim());
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h, a);
        assert_eq!(h.clone().encoding(), "hashtable");
        h.remove(b"x");
        assert_ne!(h, a);
    }
}
