//! The stream type: entries ordered by ID, stored compactly, plus consumer
//! groups with their pending entries lists (PELs).
//!
//! Entries live in macro-nodes kept in a `BTreeMap` keyed by the node's
//! master ID (the ID of the first entry ever put in the node), like Redis's
//! rax of listpacks. A node is one packed buffer:
//!
//! ```text
//! header:  varint nfields, then nfields x (varint len, bytes)   -- the master fields
//! entry:   flags(1) varint(ms - master.ms) varint(seq)
//!          flags & SAME: nfields x (varint len, value bytes)
//!          else:         varint n, then n x (field, value) as (varint len, bytes)
//! ```
//!
//! Deleted entries are only flagged (as in Redis); a node whose live entries
//! all went is dropped. A node holds at most [`NODE_MAX_ENTRIES`] entries
//! (deleted ones included) and about [`NODE_MAX_BYTES`] bytes, Redis's
//! `stream-node-max-entries`/`-bytes` defaults, so approximate trimming
//! (`MAXLEN ~`) removes the same whole nodes Redis would.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub const NODE_MAX_ENTRIES: u32 = 100;
pub const NODE_MAX_BYTES: usize = 4096;

const F_DELETED: u8 = 1;
const F_SAME: u8 = 2;

/// A stream entry ID: `<ms>-<seq>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    pub const MAX: StreamId = StreamId { ms: u64::MAX, seq: u64::MAX };

    pub const fn new(ms: u64, seq: u64) -> Self {
        StreamId { ms, seq }
    }

    pub fn is_zero(&self) -> bool {
        self.ms == 0 && self.seq == 0
    }

    /// The next ID, None past the maximum.
    pub fn incr(self) -> Option<StreamId> {
        if self.seq == u64::MAX {
            if self.ms == u64::MAX {
                None
            } else {
                Some(StreamId::new(self.ms + 1, 0))
            }
        } else {
            Some(StreamId::new(self.ms, self.seq + 1))
        }
    }

    /// The previous ID, None before 0-0.
    pub fn decr(self) -> Option<StreamId> {
        if self.seq == 0 {
            if self.ms == 0 {
                None
            } else {
                Some(StreamId::new(self.ms - 1, u64::MAX))
            }
        } else {
            Some(StreamId::new(self.ms, self.seq - 1))
        }
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[inline]
fn get_varint(b: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let c = b[*pos];
        *pos += 1;
        v |= ((c & 0x7f) as u64) << shift;
        if c < 0x80 {
            return v;
        }
        shift += 7;
    }
}

#[inline]
fn get_bytes<'a>(b: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let n = get_varint(b, pos) as usize;
    let s = &b[*pos..*pos + n];
    *pos += n;
    s
}

fn varint_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

#[derive(Debug, Clone, PartialEq)]
struct Node {
    buf: Vec<u8>,
    /// Where the entries start (after the master fields).
    hdr: u32,
    live: u32,
    total: u32,
}

/// One decoded entry of a node.
struct Raw<'a> {
    id: StreamId,
    deleted: bool,
    fields: Vec<&'a [u8]>,
}

impl Node {
    fn new(fields: &[&[u8]]) -> Node {
        let mut buf = Vec::with_capacity(64);
        let nf = fields.len() / 2;
        put_varint(&mut buf, nf as u64);
        for i in 0..nf {
            put_varint(&mut buf, fields[2 * i].len() as u64);
            buf.extend_from_slice(fields[2 * i]);
        }
        let hdr = buf.len() as u32;
        Node { buf, hdr, live: 0, total: 0 }
    }

    fn master_fields(&self) -> Vec<&[u8]> {
        let mut pos = 0;
        let n = get_varint(&self.buf, &mut pos) as usize;
        (0..n).map(|_| get_bytes(&self.buf, &mut pos)).collect()
    }

    fn same_fields(&self, fields: &[&[u8]]) -> bool {
        let mut pos = 0;
        let b = &self.buf;
        let n = get_varint(b, &mut pos) as usize;
        if n * 2 != fields.len() {
            return false;
        }
        (0..n).all(|i| get_bytes(b, &mut pos) == fields[2 * i])
    }

    fn entry_size(&self, master: StreamId, id: StreamId, fields: &[&[u8]], same: bool) -> usize {
        let mut n = 1 + varint_len(id.ms - master.ms) + varint_len(id.seq);
        if !same {
            n += varint_len(fields.len() as u64 / 2);
        }
        for (i, f) in fields.iter().enumerate() {
            if same && i % 2 == 0 {
                continue;
            }
            n += varint_len(f.len() as u64) + f.len();
        }
        n
    }

    fn push(&mut self, master: StreamId, id: StreamId, fields: &[&[u8]]) {
        let same = self.same_fields(fields);
        let need = self.entry_size(master, id, fields, same);
        if self.buf.capacity() - self.buf.len() < need {
            let want = (self.buf.len() + need).next_power_of_two().min(NODE_MAX_BYTES + need);
            self.buf.reserve_exact(want - self.buf.len());
        }
        let b = &mut self.buf;
        b.push(if same { F_SAME } else { 0 });
        put_varint(b, id.ms - master.ms);
        put_varint(b, id.seq);
        if !same {
            put_varint(b, fields.len() as u64 / 2);
        }
        for (i, f) in fields.iter().enumerate() {
            if same && i % 2 == 0 {
                continue;
            }
            put_varint(b, f.len() as u64);
            b.extend_from_slice(f);
        }
        self.live += 1;
        self.total += 1;
    }

    /// Decodes every entry (deleted ones included), in order.
    fn entries(&self, master: StreamId) -> Vec<Raw<'_>> {
        let b = &self.buf;
        let mf = self.master_fields();
        let mut pos = self.hdr as usize;
        let mut out = Vec::with_capacity(self.total as usize);
        while pos < b.len() {
            let flags = b[pos];
            pos += 1;
            let ms = master.ms + get_varint(b, &mut pos);
            let seq = get_varint(b, &mut pos);
            let mut fields = Vec::new();
            if flags & F_SAME != 0 {
                for f in &mf {
                    fields.push(*f);
                    fields.push(get_bytes(b, &mut pos));
                }
            } else {
                let n = get_varint(b, &mut pos) as usize;
                for _ in 0..2 * n {
                    fields.push(get_bytes(b, &mut pos));
                }
            }
            out.push(Raw { id: StreamId::new(ms, seq), deleted: flags & F_DELETED != 0, fields });
        }
        out
    }

    /// Only the IDs (and offsets/deleted flags), without collecting fields.
    fn ids(&self, master: StreamId) -> Vec<(usize, StreamId, bool)> {
        let b = &self.buf;
        let mut pos = 0;
        let nmf = get_varint(b, &mut pos) as usize;
        pos = self.hdr as usize;
        let mut out = Vec::with_capacity(self.total as usize);
        while pos < b.len() {
            let at = pos;
            let flags = b[pos];
            pos += 1;
            let ms = master.ms + get_varint(b, &mut pos);
            let seq = get_varint(b, &mut pos);
            let n = if flags & F_SAME != 0 { nmf } else { 2 * get_varint(b, &mut pos) as usize };
            for _ in 0..n {
                let l = get_varint(b, &mut pos) as usize;
                pos += l;
            }
            out.push((at, StreamId::new(ms, seq), flags & F_DELETED != 0));
        }
        out
    }
}

/// A pending entry: delivered to `consumer`, not yet acknowledged.
#[derive(Debug, Clone, PartialEq)]
pub struct Nack {
    pub delivery_time: u64,
    pub delivery_count: u64,
    pub consumer: Box<[u8]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Consumer {
    /// Last attempted interaction (read, claim).
    pub seen_time: u64,
    /// Last successful interaction; None if never.
    pub active_time: Option<u64>,
    pub pel: BTreeSet<StreamId>,
}

impl Consumer {
    pub fn new(now: u64) -> Self {
        Consumer { seen_time: now, active_time: None, pel: BTreeSet::new() }
    }
}

/// `entries_read` when unknown.
pub const INVALID_ENTRIES_READ: i64 = -1;

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub last_id: StreamId,
    pub entries_read: i64,
    pub pel: BTreeMap<StreamId, Nack>,
    pub consumers: BTreeMap<Box<[u8]>, Consumer>,
}

impl Group {
    pub fn new(last_id: StreamId, entries_read: i64) -> Self {
        Group { last_id, entries_read, pel: BTreeMap::new(), consumers: BTreeMap::new() }
    }

    /// Creates the consumer if missing; true if created.
    pub fn create_consumer(&mut self, name: &[u8], now: u64) -> bool {
        if self.consumers.contains_key(name) {
            return false;
        }
        self.consumers.insert(name.into(), Consumer::new(now));
        true
    }

    /// Deletes a consumer and its pending entries; returns how many it had.
    pub fn delete_consumer(&mut self, name: &[u8]) -> Option<usize> {
        let c = self.consumers.remove(name)?;
        for id in &c.pel {
            self.pel.remove(id);
        }
        Some(c.pel.len())
    }

    /// Acknowledges `id`; true if it was pending.
    pub fn ack(&mut self, id: StreamId) -> bool {
        match self.pel.remove(&id) {
            Some(n) => {
                if let Some(c) = self.consumers.get_mut(&n.consumer) {
                    c.pel.remove(&id);
                }
                true
            }
            None => false,
        }
    }

    /// Makes `id` pending for `consumer` (moving it from another consumer).
    pub fn assign(&mut self, id: StreamId, consumer: &[u8], now: u64, count: u64) {
        if let Some(old) = self.pel.get(&id) {
            if &*old.consumer != consumer {
                let prev = old.consumer.clone();
                if let Some(c) = self.consumers.get_mut(&prev) {
                    c.pel.remove(&id);
                }
            }
        }
        self.pel.insert(id, Nack { delivery_time: now, delivery_count: count, consumer: consumer.into() });
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pel.insert(id);
        }
    }
}

/// How to trim (XADD/XTRIM MAXLEN or MINID).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trim {
    MaxLen(u64),
    MinId(StreamId),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stream {
    nodes: BTreeMap<StreamId, Node>,
    length: u64,
    pub last_id: StreamId,
    pub first_id: StreamId,
    pub max_deleted_id: StreamId,
    pub entries_added: u64,
    pub groups: BTreeMap<Box<[u8]>, Group>,
}

impl Stream {
    pub fn new() -> Self {
        Stream::default()
    }

    pub fn len(&self) -> u64 {
        self.length
    }

    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    pub fn encoding(&self) -> &'static str {
        "stream"
    }

    /// Number of macro-nodes (XINFO's radix-tree-keys).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn heap_size(&self) -> usize {
        let nodes: usize = self.nodes.values().map(|n| n.buf.capacity() + 56).sum();
        let groups: usize =
            self.groups.iter().map(|(k, g)| k.len() + 64 + g.pel.len() * 64 + g.consumers.len() * 64).sum();
        nodes + groups
    }

    /// The ID `XADD *` would use now, None if the stream is exhausted.
    pub fn next_auto_id(&self, now_ms: u64) -> Option<StreamId> {
        if now_ms > self.last_id.ms {
            Some(StreamId::new(now_ms, 0))
        } else {
            self.last_id.incr()
        }
    }

    /// Appends an entry; `id` must be greater than `last_id` and `fields`
    /// an even, non-empty list of field, value, ...
    pub fn append(&mut self, id: StreamId, fields: &[&[u8]]) {
        debug_assert!(id > self.last_id || (self.last_id.is_zero() && self.entries_added == 0));
        let need_new = match self.nodes.iter_mut().next_back() {
            None => true,
            Some((_, n)) => {
                let full = n.total >= NODE_MAX_ENTRIES
                    || n.buf.len() + 16 + fields.iter().map(|f| f.len() + 1).sum::<usize>() > NODE_MAX_BYTES;
                if full {
                    n.buf.shrink_to_fit();
                }
                full
            }
        };
        if need_new {
            self.nodes.insert(id, Node::new(fields));
        }
        let (master, node) = self.nodes.iter_mut().next_back().expect("a node");
        node.push(*master, id, fields);
        if self.length == 0 {
            self.first_id = id;
        }
        self.length += 1;
        self.entries_added += 1;
        self.last_id = id;
    }

    /// The master ID of the node that may hold `id`.
    fn node_key_for(&self, id: StreamId) -> Option<StreamId> {
        self.nodes.range(..=id).next_back().map(|(k, _)| *k)
    }

    /// The fields of entry `id`, if present.
    pub fn get(&self, id: StreamId) -> Option<Vec<&[u8]>> {
        let k = self.node_key_for(id)?;
        let n = &self.nodes[&k];
        n.entries(k).into_iter().find(|e| e.id == id && !e.deleted).map(|e| e.fields)
    }

    pub fn exists(&self, id: StreamId) -> bool {
        let Some(k) = self.node_key_for(id) else { return false };
        self.nodes[&k].ids(k).iter().any(|(_, i, d)| *i == id && !d)
    }

    /// Calls `f` for live entries with IDs in `start..=end`, ascending (or
    /// descending when `rev`), at most `count` of them (0 = all). Returns how
    /// many were visited.
    pub fn range(
        &self,
        start: StreamId,
        end: StreamId,
        rev: bool,
        count: usize,
        mut f: impl FnMut(StreamId, &[&[u8]]),
    ) -> usize {
        if start > end {
            return 0;
        }
        let mut n = 0;
        let first_key = self.node_key_for(start).unwrap_or(start);
        if !rev {
            for (k, node) in self.nodes.range(first_key..=end) {
                for e in node.entries(*k) {
                    if e.deleted || e.id < start {
                        continue;
                    }
                    if e.id > end {
                        return n;
                    }
                    f(e.id, &e.fields);
                    n += 1;
                    if count != 0 && n >= count {
                        return n;
                    }
                }
            }
        } else {
            for (k, node) in self.nodes.range(first_key..=end).rev() {
                for e in node.entries(*k).into_iter().rev() {
                    if e.deleted || e.id > end {
                        continue;
                    }
                    if e.id < start {
                        return n;
                    }
                    f(e.id, &e.fields);
                    n += 1;
                    if count != 0 && n >= count {
                        return n;
                    }
                }
            }
        }
        n
    }

    /// The first (or last) live entry.
    pub fn edge_entry(&self, last: bool) -> Option<(StreamId, Vec<&[u8]>)> {
        let mut out = None;
        if last {
            for (k, node) in self.nodes.iter().rev() {
                if let Some(e) = node.entries(*k).into_iter().rev().find(|e| !e.deleted) {
                    out = Some((e.id, e.fields));
                    break;
                }
            }
        } else {
            for (k, node) in self.nodes.iter() {
                if let Some(e) = node.entries(*k).into_iter().find(|e| !e.deleted) {
                    out = Some((e.id, e.fields));
                    break;
                }
            }
        }
        out
    }

    /// The ID of the last live entry (Redis's streamLastValidID), 0-0 when empty.
    pub fn last_valid_id(&self) -> StreamId {
        for (k, node) in self.nodes.iter().rev() {
            if let Some((_, id, _)) = node.ids(*k).into_iter().rev().find(|e| !e.2) {
                return id;
            }
        }
        StreamId::MIN
    }

    fn first_live_id(&self) -> StreamId {
        for (k, node) in self.nodes.iter() {
            if let Some((_, id, _)) = node.ids(*k).into_iter().find(|e| !e.2) {
                return id;
            }
        }
        StreamId::MIN
    }

    /// Deletes entry `id` (XDEL): true if it was there. Updates the first ID
    /// and the max deleted ID.
    pub fn delete(&mut self, id: StreamId) -> bool {
        let Some(k) = self.node_key_for(id) else { return false };
        let node = self.nodes.get_mut(&k).expect("node");
        let Some((at, _, _)) = node.ids(k).into_iter().find(|(_, i, d)| *i == id && !d) else { return false };
        node.buf[at] |= F_DELETED;
        node.live -= 1;
        if node.live == 0 {
            self.nodes.remove(&k);
        }
        self.length -= 1;
        if id > self.max_deleted_id {
            self.max_deleted_id = id;
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if id == self.first_id {
            self.first_id = self.first_live_id();
        }
        true
    }

    /// Trims the stream (Redis's streamTrim); `limit` caps the entries
    /// removed (0 = no cap). `approx` only removes whole nodes. Returns how
    /// many entries were removed.
    pub fn trim(&mut self, how: Trim, approx: bool, limit: u64) -> u64 {
        let mut deleted = 0u64;
        loop {
            if let Trim::MaxLen(m) = how {
                if self.length <= m {
                    break;
                }
            }
            let Some((&k, node)) = self.nodes.iter_mut().next() else { break };
            let entries = node.live as u64;
            if limit != 0 && deleted + entries > limit {
                break;
            }
            let remove_node = match how {
                Trim::MaxLen(m) => self.length - entries >= m,
                Trim::MinId(min) => {
                    let last = node.ids(k).last().map(|e| e.1).unwrap_or(k);
                    last < min
                }
            };
            if remove_node {
                self.nodes.remove(&k);
                self.length -= entries;
                deleted += entries;
                continue;
            }
            if approx {
                break;
            }
            for (at, id, del) in node.ids(k) {
                if del {
                    continue;
                }
                let stop = match how {
                    Trim::MaxLen(m) => self.length <= m,
                    Trim::MinId(min) => id >= min,
                };
                if stop {
                    break;
                }
                node.buf[at] |= F_DELETED;
                node.live -= 1;
                self.length -= 1;
                deleted += 1;
            }
            if node.live == 0 {
                self.nodes.remove(&k);
            }
            break;
        }
        if deleted > 0 {
            self.first_id = if self.length == 0 { StreamId::MIN } else { self.first_live_id() };
        }
        deleted
    }

    /// Redis's streamRangeHasTombstones.
    pub fn range_has_tombstones(&self, start: StreamId, end: StreamId) -> bool {
        if self.length == 0 || self.max_deleted_id.is_zero() {
            return false;
        }
        if self.first_id > self.max_deleted_id {
            return false;
        }
        start <= self.max_deleted_id && self.max_deleted_id <= end
    }

    /// Redis's streamEstimateDistanceFromFirstEverEntry: how many entries
    /// were added up to `id`, if that can be known.
    pub fn estimate_distance(&self, id: StreamId) -> Option<u64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        if self.length == 0 && id <= self.last_id {
            return Some(self.entries_added);
        }
        if id == self.last_id {
            return Some(self.entries_added);
        }
        if id > self.last_id {
            return None;
        }
        if self.max_deleted_id.is_zero() || self.max_deleted_id < self.first_id {
            if id < self.first_id {
                return Some(self.entries_added - self.length);
            }
            if id == self.first_id {
                return Some(self.entries_added - self.length + 1);
            }
        }
        None
    }

    /// The lag of a group (XINFO), None when it cannot be computed.
    pub fn group_lag(&self, g: &Group) -> Option<u64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        if g.entries_read != INVALID_ENTRIES_READ && !self.range_has_tombstones(g.last_id, StreamId::MAX) {
            return Some(self.entries_added.saturating_sub(g.entries_read as u64));
        }
        self.estimate_distance(g.last_id).map(|r| self.entries_added.saturating_sub(r))
    }

    /// A group's bookkeeping when it is handed entry `id` past its last ID.
    pub fn advance_group(&self, g: &mut Group, id: StreamId) {
        if g.entries_read != INVALID_ENTRIES_READ && !self.range_has_tombstones(id, StreamId::MAX) {
            g.entries_read += 1;
        } else if self.entries_added != 0 {
            g.entries_read = self.estimate_distance(id).map(|v| v as i64).unwrap_or(INVALID_ENTRIES_READ);
        }
        g.last_id = id;
    }

    /// Is `id` still referenced by some group (pending, or not yet delivered)?
    pub fn referenced(&self, id: StreamId) -> bool {
        self.groups.values().any(|g| g.last_id < id || g.pel.contains_key(&id))
    }

    /// Drops `id` from every group's PEL (DELREF).
    pub fn unref(&mut self, id: StreamId) {
        for g in self.groups.values_mut() {
            g.ack(id);
        }
    }

    /// Up to `max` live IDs greater than `after` (from the start if None), ascending.
    pub fn ids_from(&self, after: Option<StreamId>, max: usize) -> Vec<StreamId> {
        let mut v = Vec::new();
        let start = match after {
            None => StreamId::MIN,
            Some(a) => match a.incr() {
                Some(n) => n,
                None => return v,
            },
        };
        let first_key = self.node_key_for(start).unwrap_or(start);
        for (k, n) in self.nodes.range(first_key..) {
            for (_, id, del) in n.ids(*k) {
                if del || id < start {
                    continue;
                }
                if v.len() >= max {
                    return v;
                }
                v.push(id);
            }
        }
        v
    }

    /// IDs of all live entries, ascending.
    pub fn ids(&self) -> Vec<StreamId> {
        let mut v = Vec::new();
        for (k, n) in &self.nodes {
            v.extend(n.ids(*k).into_iter().filter(|e| !e.2).map(|e| e.1));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(s: &mut Stream, id: StreamId, f: &[&str]) {
        let v: Vec<&[u8]> = f.iter().map(|x| x.as_bytes()).collect();
        s.append(id, &v);
    }

    fn all(s: &Stream, rev: bool) -> Vec<(StreamId, Vec<Vec<u8>>)> {
        let mut out = vec![];
        s.range(StreamId::MIN, StreamId::MAX, rev, 0, |id, f| out.push((id, f.iter().map(|x| x.to_vec()).collect())));
        out
    }

    #[test]
    fn append_and_range() {
        let mut s = Stream::new();
        for i in 1..=250u64 {
            if i % 3 == 0 {
                add(&mut s, StreamId::new(i, 0), &["g", "x", "h", "y"]);
            } else {
                add(&mut s, StreamId::new(i, 0), &["f", &i.to_string()]);
            }
        }
        assert_eq!(s.len(), 250);
        assert_eq!(s.node_count(), 3);
        let a = all(&s, false);
        assert_eq!(a.len(), 250);
        assert_eq!(a[0].1, vec![b"f".to_vec(), b"1".to_vec()]);
        assert_eq!(a[2].1, vec![b"g".to_vec(), b"x".to_vec(), b"h".to_vec(), b"y".to_vec()]);
        let r = all(&s, true);
        assert_eq!(r[0].0, StreamId::new(250, 0));
        let mut got = vec![];
        s.range(StreamId::new(99, 0), StreamId::new(102, 5), false, 3, |id, _| got.push(id.ms));
        assert_eq!(got, vec![99, 100, 101]);
        let mut got = vec![];
        s.range(StreamId::new(99, 0), StreamId::new(102, 5), true, 0, |id, _| got.push(id.ms));
        assert_eq!(got, vec![102, 101, 100, 99]);
        assert_eq!(s.get(StreamId::new(5, 0)).unwrap(), vec![b"f" as &[u8], b"5"]);
        assert!(s.get(StreamId::new(5, 1)).is_none());
    }

    #[test]
    fn delete_and_trim() {
        let mut s = Stream::new();
        for i in 1..=300u64 {
            add(&mut s, StreamId::new(i, 0), &["f", "v"]);
        }
        assert!(s.delete(StreamId::new(1, 0)));
        assert!(!s.delete(StreamId::new(1, 0)));
        assert_eq!(s.first_id, StreamId::new(2, 0));
        assert_eq!(s.max_deleted_id, StreamId::new(1, 0));
        assert_eq!(s.trim(Trim::MaxLen(250), true, 0), 0);
        assert_eq!(s.trim(Trim::MaxLen(200), true, 0), 99);
        assert_eq!(s.len(), 200);
        assert_eq!(s.trim(Trim::MaxLen(150), false, 0), 50);
        assert_eq!(s.first_id, StreamId::new(151, 0));
        assert_eq!(s.trim(Trim::MinId(StreamId::new(160, 0)), false, 0), 9);
        assert_eq!(s.len(), 141);
        assert_eq!(s.last_valid_id(), StreamId::new(300, 0));
        assert_eq!(s.entries_added, 300);
    }

    #[test]
    fn ids_incr_decr() {
        assert_eq!(StreamId::new(1, u64::MAX).incr(), Some(StreamId::new(2, 0)));
        assert_eq!(StreamId::MAX.incr(), None);
        assert_eq!(StreamId::new(2, 0).decr(), Some(StreamId::new(1, u64::MAX)));
        assert_eq!(StreamId::MIN.decr(), None);
        assert_eq!(StreamId::new(5, 7).to_string(), "5-7");
    }

    #[test]
    fn groups_pel() {
        let mut g = Group::new(StreamId::MIN, 0);
        g.create_consumer(b"a", 1);
        g.create_consumer(b"b", 1);
        g.assign(StreamId::new(1, 0), b"a", 5, 1);
        g.assign(StreamId::new(1, 0), b"b", 6, 2);
        assert!(g.consumers[&b"a"[..]].pel.is_empty());
        assert_eq!(g.consumers[&b"b"[..]].pel.len(), 1);
        assert!(g.ack(StreamId::new(1, 0)));
        assert!(g.pel.is_empty());
        assert_eq!(g.delete_consumer(b"b"), Some(0));
    }
}
