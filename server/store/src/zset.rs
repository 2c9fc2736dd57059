//! The sorted set value type: members ordered by (score, member bytes).
//!
//! Two encodings, as in Redis:
//! - `listpack` (small sets): one packed byte buffer of
//!   `[varint len][member][f64 score]` entries kept in order. Every operation
//!   is a linear walk, which is what Redis does for at most
//!   `zset-max-listpack-entries` (128) members of at most
//!   `zset-max-listpack-value` (64) bytes.
//! - `skiplist` (the name OBJECT ENCODING reports for large sets): an
//!   order-statistic B+tree plus a member → element hash, O(log n) insert,
//!   delete, rank and rank lookup.
//!
//! The large encoding keeps each member once, in a slab of elements indexed
//! by a `u32` id. The B+tree's leaves hold `(score, id)` pairs, so ordering
//! by score touches only the leaf and the member is read only to break score
//! ties; inner nodes keep per-child counts (for ranks) and separators (the
//! first entry of each child but the first). The hash is an open-addressing
//! table of ids (4 bytes a slot) with linear probing and backward-shift
//! deletion. Slab ids are stable for an element's lifetime, which makes them
//! the ZSCAN cursor: an element present for a whole scan is returned exactly
//! once.
//!
//! Lex and score ranges are turned into half-open rank intervals (two
//! descents), and every range operation then works on ranks.

use std::cmp::Ordering;
use std::fmt;

use bytes::Bytes;

use crate::key::Key;

/// Redis's defaults for `zset-max-listpack-entries` / `-value`.
pub const DEFAULT_MAX_LISTPACK_ENTRIES: usize = 128;
pub const DEFAULT_MAX_LISTPACK_VALUE: usize = 64;

/// The conversion thresholds (from the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: usize,
    pub max_value: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: DEFAULT_MAX_LISTPACK_ENTRIES, max_value: DEFAULT_MAX_LISTPACK_VALUE }
    }
}

impl Limits {
    /// Would a set of `len` members whose longest member is `max_len` bytes
    /// fit the small encoding?
    pub fn fits_small(&self, len: usize, max_len: usize) -> bool {
        self.max_entries > 0 && len <= self.max_entries && max_len <= self.max_value
    }
}

/// A score interval (`ZRANGEBYSCORE` bounds, `(` for exclusive).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub minex: bool,
    pub maxex: bool,
}

impl ScoreRange {
    pub fn gte_min(&self, s: f64) -> bool {
        if self.minex {
            s > self.min
        } else {
            s >= self.min
        }
    }
    pub fn lte_max(&self, s: f64) -> bool {
        if self.maxex {
            s < self.max
        } else {
            s <= self.max
        }
    }
    /// Can nothing be in this range (Redis's early "empty range" check)?
    pub fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.minex || self.maxex))
    }
}

/// One end of a lex range: `-`, `+`, `[member` or `(member`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexBound {
    NegInf,
    PosInf,
    Incl(Vec<u8>),
    Excl(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexRange {
    pub min: LexBound,
    pub max: LexBound,
}

impl LexRange {
    pub fn gte_min(&self, m: &[u8]) -> bool {
        match &self.min {
            LexBound::NegInf => true,
            LexBound::PosInf => false,
            LexBound::Incl(b) => m >= &b[..],
            LexBound::Excl(b) => m > &b[..],
        }
    }
    pub fn lte_max(&self, m: &[u8]) -> bool {
        match &self.max {
            LexBound::NegInf => false,
            LexBound::PosInf => true,
            LexBound::Incl(b) => m <= &b[..],
            LexBound::Excl(b) => m < &b[..],
        }
    }
    /// Can nothing be in this range?
    pub fn is_empty(&self) -> bool {
        use LexBound::*;
        match (&self.min, &self.max) {
            (PosInf, _) | (_, NegInf) => true,
            (NegInf, _) | (_, PosInf) => false,
            (Incl(a), Incl(b)) => a > b,
            (Incl(a) | Excl(a), Incl(b) | Excl(b)) => a >= b,
        }
    }
}

/// ZADD's condition flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddFlags {
    pub nx: bool,
    pub xx: bool,
    pub gt: bool,
    pub lt: bool,
    pub incr: bool,
}

/// What [`ZSet::add`] did (Redis's zsetAdd out flags).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AddOutcome {
    /// A new member with this score.
    Added(f64),
    /// The score of an existing member changed to this.
    Updated(f64),
    /// Processed, nothing changed (same score); the current score.
    Unchanged(f64),
    /// Not processed because of NX/XX/GT/LT.
    Skipped,
    /// INCR would make the score NaN; nothing changed.
    Nan,
}

fn cmp_key(s1: f64, m1: &[u8], s2: f64, m2: &[u8]) -> Ordering {
    match s1.partial_cmp(&s2) {
        Some(Ordering::Equal) | None => m1.cmp(m2),
        Some(o) => o,
    }
}

// ---- the small encoding ----------------------------------------------------------

/// The packed small encoding.
#[derive(Clone, Default)]
struct Pack {
    buf: Vec<u8>,
    len: usize,
}

fn put_varint(out: &mut Vec<u8>, mut n: usize) {
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

fn encoded_len(member_len: usize) -> usize {
    let mut n = member_len;
    let mut v = 1;
    while n >= 0x80 {
        n >>= 7;
        v += 1;
    }
    v + member_len + 8
}

struct PackIter<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for PackIter<'a> {
    /// (offset of the entry, member, score)
    type Item = (usize, &'a [u8], f64);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let start = self.pos;
        let mut n = 0usize;
        let mut shift = 0;
        loop {
            let b = self.buf[self.pos];
            self.pos += 1;
            n |= ((b & 0x7f) as usize) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        let m = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        let s = f64::from_le_bytes(self.buf[self.pos..self.pos + 8].try_into().expect("8 bytes"));
        self.pos += 8;
        Some((start, m, s))
    }
}

impl Pack {
    fn iter(&self) -> PackIter<'_> {
        PackIter { buf: &self.buf, pos: 0 }
    }

    fn find(&self, member: &[u8]) -> Option<(usize, usize, f64)> {
        self.iter().enumerate().find(|(_, (_, m, _))| *m == member).map(|(i, (off, _, s))| (i, off, s))
    }

    fn entry_end(&self, off: usize) -> usize {
        let mut it = PackIter { buf: &self.buf, pos: off };
        it.next();
        it.pos
    }

    /// Inserts a member known to be absent, in order; returns its rank.
    fn insert(&mut self, member: &[u8], score: f64) -> usize {
        // Redis's listpack stores integral scores as integers: -0 reads back as 0.
        let score = if score == 0.0 { 0.0 } else { score };
        let mut at = self.buf.len();
        let mut rank = self.len;
        for (i, (off, m, s)) in self.iter().enumerate() {
            if cmp_key(s, m, score, member) == Ordering::Greater {
                at = off;
                rank = i;
                break;
            }
        }
        let mut enc = Vec::with_capacity(encoded_len(member.len()));
        put_varint(&mut enc, member.len());
        enc.extend_from_slice(member);
        enc.extend_from_slice(&score.to_le_bytes());
        self.buf.splice(at..at, enc);
        self.len += 1;
        rank
    }

    fn remove_at_offset(&mut self, off: usize) {
        let end = self.entry_end(off);
        self.buf.drain(off..end);
        self.len -= 1;
    }

    /// Byte offsets of entries at ranks `lo..hi`, plus the end offset.
    fn offsets(&self, lo: usize, hi: usize) -> (usize, usize) {
        let mut start = self.buf.len();
        let mut end = self.buf.len();
        for (i, (off, _, _)) in self.iter().enumerate() {
            if i == lo {
                start = off;
            }
            if i == hi {
                end = off;
                break;
            }
        }
        (start, end)
    }

    fn count_while(&self, mut pred: impl FnMut(&[u8], f64) -> bool) -> usize {
        self.iter().take_while(|(_, m, s)| pred(m, *s)).count()
    }
}

// ---- the large encoding ----------------------------------------------------------

/// Max entries of a leaf and max children of an inner node.
const LEAF_CAP: usize = 64;
const INNER_CAP: usize = 64;
const EMPTY: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Ent {
    score: f64,
    id: u32,
}

#[derive(Clone)]
struct Elem {
    member: Key,
    /// NaN marks a free slab slot.
    score: f64,
}

#[derive(Clone)]
enum Node {
    Leaf(Vec<Ent>),
    Inner(Box<Inner>),
}

#[derive(Clone)]
struct Inner {
    /// `keys[i]` is the first entry of `kids[i + 1]`.
    keys: Vec<Ent>,
    kids: Vec<Node>,
    counts: Vec<usize>,
}

impl Node {
    fn width(&self) -> usize {
        match self {
            Node::Leaf(v) => v.len(),
            Node::Inner(n) => n.kids.len(),
        }
    }

    fn first(&self) -> Ent {
        match self {
            Node::Leaf(v) => v[0],
            Node::Inner(n) => n.kids[0].first(),
        }
    }

    fn count_before(&self, before: &mut impl FnMut(Ent) -> bool) -> usize {
        match self {
            Node::Leaf(v) => v.partition_point(|e| before(*e)),
            Node::Inner(n) => {
                let i = n.keys.partition_point(|e| before(*e));
                n.counts[..i].iter().sum::<usize>() + n.kids[i].count_before(before)
            }
        }
    }

    fn nth(&self, mut r: usize) -> Ent {
        let mut node = self;
        loop {
            match node {
                Node::Leaf(v) => return v[r],
                Node::Inner(n) => {
                    let mut i = 0;
                    while r >= n.counts[i] {
                        r -= n.counts[i];
                        i += 1;
                    }
                    node = &n.kids[i];
                }
            }
        }
    }

    /// Calls `f` for the entries at ranks `lo..hi` of this subtree, in order.
    fn walk(&self, lo: usize, hi: usize, f: &mut impl FnMut(Ent)) {
        match self {
            Node::Leaf(v) => v[lo..hi].iter().for_each(|e| f(*e)),
            Node::Inner(n) => {
                let mut base = 0;
                for (kid, &c) in n.kids.iter().zip(&n.counts) {
                    let (a, b) = (base, base + c);
                    base = b;
                    if b <= lo {
                        continue;
                    }
                    if a >= hi {
                        break;
                    }
                    kid.walk(lo.saturating_sub(a), hi.min(b) - a, f);
                }
            }
        }
    }

    /// Inserts `e` at rank `r` (at a boundary between children it goes to the
    /// end of the left one, so separators stay valid). Returns the new right
    /// sibling (and its separator) when the node splits.
    fn insert(&mut self, r: usize, e: Ent) -> Option<(Ent, Node)> {
        match self {
            Node::Leaf(v) => {
                if v.len() < LEAF_CAP {
                    v.insert(r, e);
                    return None;
                }
                // Appends keep the left leaf full (sequential loads pack
                // densely); inserts at the front likewise; else halves.
                let mid = if r == LEAF_CAP {
                    LEAF_CAP
                } else if r == 0 {
                    0
                } else {
                    LEAF_CAP / 2
                };
                let mut right = Vec::with_capacity(LEAF_CAP);
                right.extend_from_slice(&v[mid..]);
                v.truncate(mid);
                if r <= mid && mid < LEAF_CAP {
                    v.insert(r, e);
                } else {
                    right.insert(r - mid, e);
                }
                Some((right[0], Node::Leaf(right)))
            }
            Node::Inner(n) => {
                let mut i = 0;
                let mut r = r;
                while i + 1 < n.kids.len() && r > n.counts[i] {
                    r -= n.counts[i];
                    i += 1;
                }
                n.counts[i] += 1;
                let (sep, new) = n.kids[i].insert(r, e)?;
                let new_count = new_count(&new);
                n.counts[i] -= new_count;
                n.keys.insert(i, sep);
                n.kids.insert(i + 1, new);
                n.counts.insert(i + 1, new_count);
                if n.kids.len() <= INNER_CAP {
                    return None;
                }
                // Split an overfull inner node (INNER_CAP + 1 kids).
                let mid = if i + 1 == INNER_CAP {
                    INNER_CAP
                } else if i == 0 {
                    1
                } else {
                    INNER_CAP.div_ceil(2)
                };
                let kids = n.kids.split_off(mid);
                let counts = n.counts.split_off(mid);
                let mut keys = n.keys.split_off(mid - 1);
                let sep = keys.remove(0);
                Some((sep, Node::Inner(Box::new(Inner { keys, kids, counts }))))
            }
        }
    }

    /// Removes the entry at rank `r`. Returns it, and whether this subtree's
    /// first entry changed.
    fn remove(&mut self, r: usize) -> (Ent, bool) {
        match self {
            Node::Leaf(v) => (v.remove(r), r == 0),
            Node::Inner(n) => {
                let mut i = 0;
                let mut r = r;
                while r >= n.counts[i] {
                    r -= n.counts[i];
                    i += 1;
                }
                let (e, changed) = n.kids[i].remove(r);
                n.counts[i] -= 1;
                let mut my_changed = false;
                if changed {
                    if i == 0 {
                        my_changed = true;
                    } else if n.counts[i] > 0 {
                        n.keys[i - 1] = n.kids[i].first();
                    }
                }
                n.rebalance(i);
                (e, my_changed)
            }
        }
    }
}

fn new_count(n: &Node) -> usize {
    match n {
        Node::Leaf(v) => v.len(),
        Node::Inner(n) => n.counts.iter().sum(),
    }
}

impl Inner {
    /// After a removal under kid `i`: drops it if empty, or merges it with a
    /// neighbour when it is under a quarter full and both fit in one node.
    fn rebalance(&mut self, i: usize) {
        if self.counts[i] == 0 {
            self.kids.remove(i);
            self.counts.remove(i);
            if i > 0 {
                self.keys.remove(i - 1);
            } else if !self.keys.is_empty() {
                self.keys.remove(0);
            }
            return;
        }
        let (cap, w) = match &self.kids[i] {
            Node::Leaf(v) => (LEAF_CAP, v.len()),
            Node::Inner(n) => (INNER_CAP, n.kids.len()),
        };
        if w >= cap / 4 || self.kids.len() < 2 {
            return;
        }
        let l = if i + 1 < self.kids.len() { i } else { i - 1 };
        if self.kids[l].width() + self.kids[l + 1].width() > cap {
            return;
        }
        let right = self.kids.remove(l + 1);
        let rc = self.counts.remove(l + 1);
        let sep = self.keys.remove(l);
        self.counts[l] += rc;
        match (&mut self.kids[l], right) {
            (Node::Leaf(a), Node::Leaf(b)) => a.extend_from_slice(&b),
            (Node::Inner(a), Node::Inner(b)) => {
                let b = *b;
                a.keys.push(sep);
                a.keys.extend(b.keys);
                a.kids.extend(b.kids);
                a.counts.extend(b.counts);
            }
            _ => unreachable!("siblings have the same height"),
        }
    }
}

const PAGE_BITS: u32 = 8;
const PAGE: usize = 1 << PAGE_BITS;

/// The element slab, in fixed pages so that growing it neither copies
/// everything nor leaves up to half of a doubled buffer unused.
#[derive(Clone, Default)]
struct Slab {
    pages: Vec<Box<[Elem]>>,
    /// Slots handed out so far (live or free).
    len: usize,
}

impl Slab {
    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, e: Elem) {
        if self.len == self.pages.len() * PAGE {
            let free = Elem { member: Key::from(&b""[..]), score: f64::NAN };
            self.pages.push(vec![free; PAGE].into_boxed_slice());
        }
        let i = self.len;
        self.len += 1;
        self[i] = e;
    }

    fn clear(&mut self) {
        self.pages.clear();
        self.len = 0;
    }

    fn iter(&self) -> impl Iterator<Item = &Elem> {
        self.pages.iter().flat_map(|p| p.iter()).take(self.len)
    }

    fn capacity(&self) -> usize {
        self.pages.len() * PAGE
    }
}

impl std::ops::Index<usize> for Slab {
    type Output = Elem;
    #[inline]
    fn index(&self, i: usize) -> &Elem {
        &self.pages[i >> PAGE_BITS][i & (PAGE - 1)]
    }
}

impl std::ops::IndexMut<usize> for Slab {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut Elem {
        &mut self.pages[i >> PAGE_BITS][i & (PAGE - 1)]
    }
}

/// The large encoding: slab + B+tree + hash.
#[derive(Clone)]
struct Big {
    slab: Slab,
    free: Vec<u32>,
    root: Node,
    len: usize,
    /// Open-addressing table of slab ids (`EMPTY` = free slot).
    table: Vec<u32>,
    hasher: ahash::RandomState,
}

impl Big {
    fn new() -> Self {
        Big {
            slab: Slab::default(),
            free: Vec::new(),
            root: Node::Leaf(Vec::with_capacity(LEAF_CAP)),
            len: 0,
            table: Vec::new(),
            hasher: ahash::RandomState::new(),
        }
    }

    fn member(&self, id: u32) -> &[u8] {
        &self.slab[id as usize].member
    }

    fn hash(&self, m: &[u8]) -> usize {
        self.hasher.hash_one(m) as usize
    }

    fn find(&self, m: &[u8]) -> Option<u32> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut i = self.hash(m) & mask;
        loop {
            let id = self.table[i];
            if id == EMPTY {
                return None;
            }
            if self.member(id) == m {
                return Some(id);
            }
            i = (i + 1) & mask;
        }
    }

    fn table_put(table: &mut [u32], h: usize, id: u32) {
        let mask = table.len() - 1;
        let mut i = h & mask;
        while table[i] != EMPTY {
            i = (i + 1) & mask;
        }
        table[i] = id;
    }

    fn resize_table(&mut self, size: usize) {
        let mut t = vec![EMPTY; size];
        for &id in &self.table {
            if id != EMPTY {
                Self::table_put(&mut t, self.hash(self.member(id)), id);
            }
        }
        self.table = t;
    }

    fn table_insert(&mut self, id: u32) {
        if (self.len + 1) * 4 > self.table.len() * 3 {
            self.resize_table((self.table.len() * 2).max(8));
        }
        let h = self.hash(self.member(id));
        Self::table_put(&mut self.table, h, id);
    }

    fn table_remove(&mut self, m: &[u8]) -> Option<u32> {
        let mask = self.table.len().checked_sub(1)?;
        let mut i = self.hash(m) & mask;
        loop {
            let id = self.table[i];
            if id == EMPTY {
                return None;
            }
            if self.member(id) == m {
                break;
            }
            i = (i + 1) & mask;
        }
        let found = self.table[i];
        self.table[i] = EMPTY;
        // Backward-shift: pull later entries of the probe run into the hole.
        let mut hole = i;
        let mut j = (i + 1) & mask;
        while self.table[j] != EMPTY {
            let id = self.table[j];
            let home = self.hash(self.member(id)) & mask;
            // Move if the hole lies cyclically within [home, j).
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(hole) & mask) {
                self.table[hole] = id;
                self.table[j] = EMPTY;
                hole = j;
            }
            j = (j + 1) & mask;
        }
        // `self.len` still counts the member being removed.
        let left = self.len - 1;
        if self.table.len() > 64 && left * 8 < self.table.len() {
            self.resize_table((left * 2).next_power_of_two().max(64));
        }
        Some(found)
    }

    fn alloc(&mut self, member: &[u8], score: f64) -> u32 {
        let elem = Elem { member: Key::from(member), score };
        match self.free.pop() {
            Some(id) => {
                self.slab[id as usize] = elem;
                id
            }
            None => {
                self.slab.push(elem);
                (self.slab.len() - 1) as u32
            }
        }
    }

    fn release(&mut self, id: u32) {
        if self.len == 0 {
            self.slab.clear();
            self.free.clear();
            return;
        }
        self.slab[id as usize] = Elem { member: Key::from(&b""[..]), score: f64::NAN };
        self.free.push(id);
    }

    /// Number of entries ordered before (score, member).
    fn rank_of_key(&self, score: f64, member: &[u8]) -> usize {
        self.root.count_before(&mut |e: Ent| cmp_key(e.score, self.member(e.id), score, member) == Ordering::Less)
    }

    fn tree_insert(&mut self, e: Ent) {
        let r = self.rank_of_key(e.score, self.member(e.id));
        if let Some((sep, right)) = self.root.insert(r, e) {
            let left = std::mem::replace(&mut self.root, Node::Leaf(Vec::new()));
            let (lc, rc) = (new_count(&left), new_count(&right));
            self.root = Node::Inner(Box::new(Inner { keys: vec![sep], kids: vec![left, right], counts: vec![lc, rc] }));
        }
    }

    fn tree_remove_at(&mut self, r: usize) -> Ent {
        let (e, _) = self.root.remove(r);
        // Collapse a root with a single child.
        loop {
            match &mut self.root {
                Node::Inner(n) if n.kids.len() == 1 => {
                    let kid = n.kids.pop().expect("one kid");
                    self.root = kid;
                }
                Node::Inner(n) if n.kids.is_empty() => {
                    self.root = Node::Leaf(Vec::with_capacity(LEAF_CAP));
                }
                _ => break,
            }
        }
        e
    }

    fn insert_new(&mut self, member: &[u8], score: f64) {
        let id = self.alloc(member, score);
        self.table_insert(id);
        self.len += 1;
        self.tree_insert(Ent { score, id });
    }

    fn rank(&self, id: u32) -> usize {
        let el = &self.slab[id as usize];
        self.rank_of_key(el.score, &el.member)
    }

    fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let id = self.find(member)?;
        let r = self.rank(id);
        self.tree_remove_at(r);
        self.table_remove(member);
        self.len -= 1;
        let score = self.slab[id as usize].score;
        self.release(id);
        Some(score)
    }

    fn set_score(&mut self, id: u32, score: f64) {
        let r = self.rank(id);
        self.tree_remove_at(r);
        self.slab[id as usize].score = score;
        self.tree_insert(Ent { score, id });
    }

    fn remove_rank(&mut self, r: usize) -> (Key, f64) {
        let e = self.tree_remove_at(r);
        let member = self.slab[e.id as usize].member.clone();
        self.table_remove(&member);
        self.len -= 1;
        self.release(e.id);
        (member, e.score)
    }
}

// ---- the public type ---------------------------------------------------------------

#[derive(Clone)]
enum Repr {
    Pack(Pack),
    Big(Box<Big>),
}

/// A sorted set value.
#[derive(Clone)]
pub struct ZSet {
    repr: Repr,
}

impl Default for ZSet {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for ZSet {
    fn eq(&self, other: &ZSet) -> bool {
        self.len() == other.len() && self.range(0, self.len(), false) == other.range(0, other.len(), false)
    }
}

impl fmt::Debug for ZSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ZSet({} members, {})", self.len(), self.encoding())
    }
}

impl ZSet {
    /// An empty set in the small encoding.
    pub fn new() -> Self {
        ZSet { repr: Repr::Pack(Pack::default()) }
    }

    /// An empty set in the encoding Redis's zsetTypeCreate picks for an
    /// expected `size` members, the longest `max_len` bytes.
    pub fn with_hint(size: usize, max_len: usize, limits: Limits) -> Self {
        if limits.fits_small(size, max_len) {
            Self::new()
        } else {
            ZSet { repr: Repr::Big(Box::new(Big::new())) }
        }
    }

    /// Builds a set from distinct members, in the encoding their count and
    /// length call for.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a [u8], f64)>, limits: Limits) -> Self {
        let pairs: Vec<(&[u8], f64)> = pairs.into_iter().collect();
        let max_len = pairs.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
        let mut z = Self::with_hint(pairs.len(), max_len, limits);
        for (m, s) in pairs {
            z.insert(m, s, limits);
        }
        z
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Pack(p) => p.len,
            Repr::Big(b) => b.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// OBJECT ENCODING's answer.
    pub fn encoding(&self) -> &'static str {
        match &self.repr {
            Repr::Pack(_) => "listpack",
            Repr::Big(_) => "skiplist",
        }
    }

    /// Approximate heap bytes held (MEMORY USAGE).
    pub fn heap_size(&self) -> usize {
        match &self.repr {
            Repr::Pack(p) => p.buf.capacity(),
            Repr::Big(b) => {
                let heap_members: usize = b.slab.iter().filter(|e| e.member.len() > 22).map(|e| e.member.len()).sum();
                b.slab.capacity() * std::mem::size_of::<Elem>()
                    + b.table.capacity() * 4
                    + b.free.capacity() * 4
                    + heap_members
                    + b.len.div_ceil(LEAF_CAP / 2) * LEAF_CAP * std::mem::size_of::<Ent>()
            }
        }
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Pack(p) => p.find(member).map(|(_, _, s)| s),
            Repr::Big(b) => b.find(member).map(|id| b.slab[id as usize].score),
        }
    }

    fn convert_to_big(&mut self) {
        if let Repr::Pack(p) = &self.repr {
            let mut b = Big::new();
            for (_, m, s) in p.iter() {
                b.insert_new(m, s);
            }
            self.repr = Repr::Big(Box::new(b));
        }
    }

    /// Converts a large set back to the small encoding when it fits.
    pub fn shrink_if_fits(&mut self, limits: Limits) {
        if let Repr::Big(b) = &self.repr {
            let max_len = b.slab.iter().filter(|e| !e.score.is_nan()).map(|e| e.member.len()).max().unwrap_or(0);
            if limits.fits_small(b.len, max_len) {
                let mut p = Pack::default();
                for (m, s) in self.range(0, self.len(), false) {
                    p.insert(&m, s);
                }
                self.repr = Repr::Pack(p);
            }
        }
    }

    /// Sets `member` to `score` unconditionally; true if it was added.
    pub fn insert(&mut self, member: &[u8], score: f64, limits: Limits) -> bool {
        !matches!(
            self.add(member, score, AddFlags::default(), limits),
            AddOutcome::Updated(_) | AddOutcome::Unchanged(_)
        )
    }

    /// Redis's zsetAdd: adds or updates `member` under NX/XX/GT/LT/INCR.
    /// `score` is the increment with INCR. Never stores a NaN.
    pub fn add(&mut self, member: &[u8], score: f64, f: AddFlags, limits: Limits) -> AddOutcome {
        match self.score(member) {
            Some(cur) => {
                if f.nx {
                    return AddOutcome::Skipped;
                }
                let new = if f.incr { cur + score } else { score };
                if new.is_nan() {
                    return AddOutcome::Nan;
                }
                if (f.lt && new >= cur) || (f.gt && new <= cur) {
                    return AddOutcome::Skipped;
                }
                if new == cur {
                    return AddOutcome::Unchanged(cur);
                }
                match &mut self.repr {
                    Repr::Pack(p) => {
                        let (_, off, _) = p.find(member).expect("present");
                        p.remove_at_offset(off);
                        p.insert(member, new);
                    }
                    Repr::Big(b) => {
                        let id = b.find(member).expect("present");
                        b.set_score(id, new);
                    }
                }
                AddOutcome::Updated(new)
            }
            None => {
                if f.xx {
                    return AddOutcome::Skipped;
                }
                if let Repr::Pack(p) = &self.repr {
                    if !limits.fits_small(p.len + 1, member.len()) {
                        self.convert_to_big();
                    }
                }
                match &mut self.repr {
                    Repr::Pack(p) => {
                        p.insert(member, score);
                    }
                    Repr::Big(b) => b.insert_new(member, score),
                }
                AddOutcome::Added(score)
            }
        }
    }

    /// Removes `member`; true if it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Pack(p) => match p.find(member) {
                Some((_, off, _)) => {
                    p.remove_at_offset(off);
                    true
                }
                None => false,
            },
            Repr::Big(b) => b.remove(member).is_some(),
        }
    }

    /// 0-based rank of `member` (from the highest score when `rev`), and its score.
    pub fn rank(&self, member: &[u8], rev: bool) -> Option<(usize, f64)> {
        let (r, s) = match &self.repr {
            Repr::Pack(p) => p.find(member).map(|(i, _, s)| (i, s))?,
            Repr::Big(b) => {
                let id = b.find(member)?;
                (b.rank(id), b.slab[id as usize].score)
            }
        };
        Some((if rev { self.len() - 1 - r } else { r }, s))
    }

    /// Number of members ordered before the first one for which `before`
    /// turns false (`before` must be monotone over the order).
    fn count_while(&self, mut before: impl FnMut(&[u8], f64) -> bool) -> usize {
        match &self.repr {
            Repr::Pack(p) => p.count_while(before),
            Repr::Big(b) => b.root.count_before(&mut |e: Ent| before(b.member(e.id), e.score)),
        }
    }

    /// The half-open rank interval of the members within `r`.
    pub fn score_ranks(&self, r: &ScoreRange) -> (usize, usize) {
        if r.is_empty() {
            return (0, 0);
        }
        let lo = self.count_while(|_, s| !r.gte_min(s));
        let hi = self.count_while(|_, s| r.lte_max(s));
        (lo, hi.max(lo))
    }

    /// The half-open rank interval of the members within `r` (meaningful when
    /// all scores are equal, as in Redis). With mixed scores the small
    /// encoding answers exactly as Redis's listpack walk does: from the first
    /// member >= min, while members are <= max.
    pub fn lex_ranks(&self, r: &LexRange) -> (usize, usize) {
        self.lex_ranks_dir(r, false)
    }

    /// As [`ZSet::lex_ranks`], walking from the top for reverse queries (the
    /// two differ only for a small set with mixed scores, as in Redis).
    pub fn lex_ranks_dir(&self, r: &LexRange, rev: bool) -> (usize, usize) {
        if r.is_empty() {
            return (0, 0);
        }
        if let (Repr::Pack(p), true) = (&self.repr, rev) {
            let all: Vec<&[u8]> = p.iter().map(|(_, m, _)| m).collect();
            let hi = all.len() - all.iter().rev().take_while(|m| !r.lte_max(m)).count();
            let lo = hi - all[..hi].iter().rev().take_while(|m| r.gte_min(m)).count();
            return (lo, hi);
        }
        let lo = self.count_while(|m, _| !r.gte_min(m));
        let hi = match &self.repr {
            Repr::Pack(p) => lo + p.iter().skip(lo).take_while(|(_, m, _)| r.lte_max(m)).count(),
            Repr::Big(_) => self.count_while(|m, _| r.lte_max(m)),
        };
        (lo, hi.max(lo))
    }

    /// Calls `f` with the members at ranks `lo..hi`, in order, or from
    /// `hi - 1` down to `lo` when `rev`.
    pub fn for_each_in(&self, lo: usize, hi: usize, rev: bool, mut f: impl FnMut(&[u8], f64)) {
        let hi = hi.min(self.len());
        if lo >= hi {
            return;
        }
        match &self.repr {
            Repr::Pack(p) => {
                let items = p.iter().skip(lo).take(hi - lo);
                if rev {
                    let v: Vec<_> = items.collect();
                    v.iter().rev().for_each(|(_, m, s)| f(m, *s));
                } else {
                    items.for_each(|(_, m, s)| f(m, s));
                }
            }
            Repr::Big(b) => {
                if rev {
                    let mut ids = Vec::with_capacity(hi - lo);
                    b.root.walk(lo, hi, &mut |e: Ent| ids.push(e));
                    ids.iter().rev().for_each(|e| f(b.member(e.id), e.score));
                } else {
                    b.root.walk(lo, hi, &mut |e: Ent| f(b.member(e.id), e.score));
                }
            }
        }
    }

    /// The members at ranks `lo..hi` (reversed when `rev`), copied out.
    pub fn range(&self, lo: usize, hi: usize, rev: bool) -> Vec<(Bytes, f64)> {
        let mut out = Vec::with_capacity(hi.min(self.len()).saturating_sub(lo));
        self.for_each_in(lo, hi, rev, |m, s| out.push((Bytes::copy_from_slice(m), s)));
        out
    }

    /// The member at rank `r` (ascending).
    pub fn nth(&self, r: usize) -> Option<(Bytes, f64)> {
        if r >= self.len() {
            return None;
        }
        Some(match &self.repr {
            Repr::Pack(p) => {
                let (_, m, s) = p.iter().nth(r).expect("in range");
                (Bytes::copy_from_slice(m), s)
            }
            Repr::Big(b) => {
                let e = b.root.nth(r);
                (Bytes::copy_from_slice(b.member(e.id)), e.score)
            }
        })
    }

    /// Removes the members at ranks `lo..hi`; returns how many went.
    pub fn remove_ranks(&mut self, lo: usize, hi: usize) -> usize {
        let hi = hi.min(self.len());
        if lo >= hi {
            return 0;
        }
        match &mut self.repr {
            Repr::Pack(p) => {
                let (a, z) = p.offsets(lo, hi);
                p.buf.drain(a..z);
                p.len -= hi - lo;
            }
            Repr::Big(b) => {
                for _ in lo..hi {
                    b.remove_rank(lo);
                }
            }
        }
        hi - lo
    }

    /// Pops up to `count` members with the lowest scores (or the highest when
    /// `max`), in pop order: the helper behind ZPOPMIN/ZPOPMAX/ZMPOP and
    /// their blocking forms.
    pub fn pop(&mut self, count: usize, max: bool) -> Vec<(Bytes, f64)> {
        let n = count.min(self.len());
        let (lo, hi) = if max { (self.len() - n, self.len()) } else { (0, n) };
        let out = self.range(lo, hi, max);
        self.remove_ranks(lo, hi);
        out
    }

    /// Calls `f` for every member, in order.
    pub fn for_each(&self, f: impl FnMut(&[u8], f64)) {
        self.for_each_in(0, self.len(), false, f);
    }

    /// One ZSCAN step. The small encoding returns everything at once (cursor
    /// 0 next), as Redis does. The large one walks slab ids from `cursor`,
    /// visiting at least `count` live members (or the rest); returns the next
    /// cursor, 0 when done.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], f64)) -> u64 {
        match &self.repr {
            Repr::Pack(_) => {
                self.for_each(f);
                0
            }
            Repr::Big(b) => {
                let mut i = cursor as usize;
                let mut seen = 0;
                while i < b.slab.len() && seen < count.max(1) {
                    let e = &b.slab[i];
                    if !e.score.is_nan() {
                        f(&e.member, e.score);
                        seen += 1;
                    }
                    i += 1;
                }
                if i >= b.slab.len() {
                    0
                } else {
                    i as u64
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn big_limits() -> Limits {
        Limits { max_entries: 0, max_value: 0 }
    }

    /// The model: a sorted vector of (score, member).
    fn model_sorted(m: &std::collections::HashMap<Vec<u8>, f64>) -> Vec<(Vec<u8>, f64)> {
        let mut v: Vec<(Vec<u8>, f64)> = m.iter().map(|(k, s)| (k.clone(), *s)).collect();
        v.sort_by(|a, b| cmp_key(a.1, &a.0, b.1, &b.0));
        v
    }

    fn check_against_model(z: &ZSet, model: &std::collections::HashMap<Vec<u8>, f64>, rng: &mut impl Rng) {
        let sorted = model_sorted(model);
        assert_eq!(z.len(), sorted.len());
        let all = z.range(0, z.len(), false);
        assert_eq!(all.len(), sorted.len());
        for (a, b) in all.iter().zip(&sorted) {
            assert_eq!(&a.0[..], &b.0[..]);
            assert_eq!(a.1, b.1);
        }
        for _ in 0..20 {
            if sorted.is_empty() {
                break;
            }
            let r = rng.gen_range(0..sorted.len());
            let (m, s) = &sorted[r];
            assert_eq!(z.rank(m, false), Some((r, *s)));
            assert_eq!(z.rank(m, true), Some((sorted.len() - 1 - r, *s)));
            assert_eq!(z.nth(r).map(|(m, _)| m.to_vec()), Some(m.clone()));
            assert_eq!(z.score(m), Some(*s));
            let lo = rng.gen_range(-5.0..105.0f64).floor();
            let hi = lo + rng.gen_range(0.0..30.0f64).floor();
            let range = ScoreRange { min: lo, max: hi, minex: rng.gen(), maxex: rng.gen() };
            let want: Vec<usize> =
                (0..sorted.len()).filter(|&i| range.gte_min(sorted[i].1) && range.lte_max(sorted[i].1)).collect();
            let (a, b) = z.score_ranks(&range);
            assert_eq!(b - a, want.len(), "{range:?}");
            if let Some(first) = want.first() {
                assert_eq!(a, *first);
            }
        }
        assert_eq!(z.rank(b"absent-member", false), None);
    }

    /// Checks the B+tree's counts and separators; returns the subtree size.
    fn validate(n: &Node) -> usize {
        match n {
            Node::Leaf(v) => v.len(),
            Node::Inner(inner) => {
                assert_eq!(inner.keys.len() + 1, inner.kids.len());
                assert_eq!(inner.counts.len(), inner.kids.len());
                for (k, c) in inner.kids.iter().zip(&inner.counts) {
                    assert!(*c > 0);
                    assert_eq!(validate(k), *c);
                }
                for (sep, kid) in inner.keys.iter().zip(&inner.kids[1..]) {
                    assert_eq!(sep.id, kid.first().id);
                }
                inner.counts.iter().sum()
            }
        }
    }

    fn randomized(limits: Limits, seed: u64, ops: usize) {
        randomized_over(limits, seed, ops, 2000)
    }

    fn randomized_over(limits: Limits, seed: u64, ops: usize, space: usize) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut z = ZSet::new();
        let mut model = std::collections::HashMap::new();
        for step in 0..ops {
            let m = format!("m{}", rng.gen_range(0..space)).into_bytes();
            match rng.gen_range(0..10) {
                0..=5 => {
                    let s = rng.gen_range(0..100) as f64;
                    let added = z.insert(&m, s, limits);
                    assert_eq!(added, model.insert(m, s).is_none());
                }
                6..=7 => assert_eq!(z.remove(&m), model.remove(&m).is_some()),
                8 => {
                    if !model.is_empty() {
                        let lo = rng.gen_range(0..model.len());
                        let hi = (lo + rng.gen_range(0..20)).min(model.len());
                        let sorted = model_sorted(&model);
                        for (m, _) in &sorted[lo..hi] {
                            model.remove(m);
                        }
                        assert_eq!(z.remove_ranks(lo, hi), hi - lo);
                    }
                }
                _ => {
                    let max = rng.gen();
                    let n = rng.gen_range(0..5);
                    let sorted = model_sorted(&model);
                    let popped = z.pop(n, max);
                    let want: Vec<_> =
                        if max { sorted.iter().rev().take(n).collect() } else { sorted.iter().take(n).collect() };
                    assert_eq!(popped.len(), want.len());
                    for (p, w) in popped.iter().zip(want) {
                        assert_eq!(&p.0[..], &w.0[..]);
                        model.remove(&w.0);
                    }
                }
            }
            if step % 997 == 0 {
                check_against_model(&z, &model, &mut rng);
                if let Repr::Big(b) = &z.repr {
                    assert_eq!(validate(&b.root), b.len);
                }
            }
        }
        check_against_model(&z, &model, &mut rng);
    }

    #[test]
    fn randomized_small_encoding() {
        randomized(Limits { max_entries: 100_000, max_value: 64 }, 1, 3000);
    }

    #[test]
    fn randomized_large_encoding() {
        randomized(big_limits(), 2, 40_000);
        randomized(big_limits(), 3, 20_000);
        randomized_over(big_limits(), 5, 200_000, 30_000);
    }

    #[test]
    fn randomized_with_conversion() {
        randomized(Limits::default(), 4, 20_000);
    }

    #[test]
    fn sequential_and_reverse_loads() {
        for rev in [false, true] {
            let mut z = ZSet::new();
            let n = 20_000;
            for i in 0..n {
                let i = if rev { n - 1 - i } else { i };
                z.insert(format!("m{i}").as_bytes(), i as f64, Limits::default());
            }
            assert_eq!(z.encoding(), "skiplist");
            assert_eq!(z.len(), n);
            for i in (0..n).step_by(333) {
                assert_eq!(z.rank(format!("m{i}").as_bytes(), false), Some((i, i as f64)));
            }
            let (lo, hi) = z.score_ranks(&ScoreRange { min: 100.0, max: 200.0, minex: true, maxex: false });
            assert_eq!((lo, hi), (101, 201));
            // Delete most of it from the front: the tree must stay consistent.
            assert_eq!(z.remove_ranks(0, n - 10), n - 10);
            assert_eq!(z.nth(0).unwrap().1, (n - 10) as f64);
            assert_eq!(z.pop(100, true).len(), 10);
            assert!(z.is_empty());
        }
    }

    #[test]
    fn conversion_thresholds() {
        let l = Limits::default();
        let mut z = ZSet::new();
        for i in 0..128 {
            z.insert(format!("{i}").as_bytes(), i as f64, l);
        }
        assert_eq!(z.encoding(), "listpack");
        z.insert(b"x", 0.0, l);
        assert_eq!(z.encoding(), "skiplist");
        let mut z = ZSet::new();
        z.insert(&[b'a'; 64], 1.0, l);
        assert_eq!(z.encoding(), "listpack");
        z.insert(&[b'b'; 65], 1.0, l);
        assert_eq!(z.encoding(), "skiplist");
        assert_eq!(z.rank(&[b'b'; 65], false), Some((1, 1.0)));
        z.shrink_if_fits(Limits { max_entries: 128, max_value: 100 });
        assert_eq!(z.encoding(), "listpack");
        assert_eq!(z.len(), 2);
    }

    #[test]
    fn add_flags() {
        let l = Limits::default();
        let mut z = ZSet::new();
        let f = AddFlags::default();
        assert_eq!(z.add(b"a", 1.0, f, l), AddOutcome::Added(1.0));
        assert_eq!(z.add(b"a", 1.0, f, l), AddOutcome::Unchanged(1.0));
        assert_eq!(z.add(b"a", 2.0, AddFlags { nx: true, ..f }, l), AddOutcome::Skipped);
        assert_eq!(z.add(b"b", 2.0, AddFlags { xx: true, ..f }, l), AddOutcome::Skipped);
        assert_eq!(z.add(b"a", 0.5, AddFlags { gt: true, ..f }, l), AddOutcome::Skipped);
        assert_eq!(z.add(b"a", 3.0, AddFlags { gt: true, ..f }, l), AddOutcome::Updated(3.0));
        assert_eq!(z.add(b"a", 2.0, AddFlags { incr: true, ..f }, l), AddOutcome::Updated(5.0));
        z.insert(b"i", f64::INFINITY, l);
        assert_eq!(z.add(b"i", f64::NEG_INFINITY, AddFlags { incr: true, ..f }, l), AddOutcome::Nan);
    }

    #[test]
    fn lex_ranges() {
        for limits in [Limits::default(), big_limits()] {
            let mut z = ZSet::new();
            for m in ["a", "b", "c", "d", "e", "f", "g"] {
                z.insert(m.as_bytes(), 0.0, limits);
            }
            let r = |min: LexBound, max: LexBound| z.lex_ranks(&LexRange { min, max });
            assert_eq!(r(LexBound::NegInf, LexBound::Incl(b"c".to_vec())), (0, 3));
            assert_eq!(r(LexBound::NegInf, LexBound::Excl(b"c".to_vec())), (0, 2));
            assert_eq!(r(LexBound::Incl(b"aaa".to_vec()), LexBound::Excl(b"g".to_vec())), (1, 6));
            assert_eq!(r(LexBound::PosInf, LexBound::PosInf), (0, 0));
            assert_eq!(r(LexBound::Excl(b"c".to_vec()), LexBound::Incl(b"c".to_vec())), (0, 0));
        }
    }

    #[test]
    fn scan_returns_everything_once() {
        let mut z = ZSet::new();
        for i in 0..1000 {
            z.insert(format!("m{i}").as_bytes(), i as f64, Limits::default());
        }
        for i in (0..1000).step_by(3) {
            z.remove(format!("m{i}").as_bytes());
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        loop {
            cursor = z.scan(cursor, 10, |m, _| assert!(seen.insert(m.to_vec())));
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), z.len());
    }
}
