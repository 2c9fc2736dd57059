//! `Dict`: the keyspace hash table, a chained table with incremental rehashing,
//! like Redis's `dict.c`.
//!
//! Why not `hashbrown`: SCAN must return every key that is present for the
//! whole iteration even while the table grows or shrinks between calls. Redis
//! gets that from power-of-two bucket arrays walked with a reverse-binary
//! cursor; that needs stable bucket indexes, which open addressing does not
//! give. Chaining also keeps `random_entry` (RANDOMKEY, eviction sampling,
//! active expiry) cheap. Rehashing moves a few buckets per operation (and more
//! from the server cron), so growing a million-key table never stalls clients.

use rand::Rng;

pub use crate::key::Key;

struct Node<V> {
    next: Option<Box<Node<V>>>,
    key: Key,
    val: V,
}

struct Table<V> {
    buckets: Vec<Option<Box<Node<V>>>>,
    used: usize,
}

impl<V> Table<V> {
    fn empty() -> Self {
        Table { buckets: Vec::new(), used: 0 }
    }
    fn with_size(n: usize) -> Self {
        let mut buckets = Vec::with_capacity(n);
        buckets.resize_with(n, || None);
        Table { buckets, used: 0 }
    }
    fn mask(&self) -> usize {
        self.buckets.len().wrapping_sub(1)
    }
}

/// Result of [`Dict::lookup_mut_unless`].
pub enum Lookup<'a, V> {
    Found(&'a mut V),
    /// The entry matched the predicate and was unlinked.
    Removed(Key, V),
    Missing,
}

pub struct Dict<V> {
    ht: [Table<V>; 2],
    /// Next bucket of `ht[0]` to move into `ht[1]`; `None` when not rehashing.
    rehash_idx: Option<usize>,
    hasher: ahash::RandomState,
}

const INITIAL_SIZE: usize = 4;

impl<V> Default for Dict<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V> Dict<V> {
    pub fn new() -> Self {
        Dict { ht: [Table::empty(), Table::empty()], rehash_idx: None, hasher: ahash::RandomState::new() }
    }

    pub fn len(&self) -> usize {
        self.ht[0].used + self.ht[1].used
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Buckets in the main table (INFO/DEBUG HTSTATS style figures).
    pub fn buckets(&self) -> usize {
        self.ht[0].buckets.len() + self.ht[1].buckets.len()
    }

    pub fn is_rehashing(&self) -> bool {
        self.rehash_idx.is_some()
    }

    fn hash(&self, key: &[u8]) -> usize {
        self.hasher.hash_one(key) as usize
    }

    /// Moves up to `n` buckets from the old table to the new one. Returns true
    /// while rehashing still has work left.
    pub fn rehash(&mut self, n: usize) -> bool {
        let Some(mut idx) = self.rehash_idx else { return false };
        let mut empty_visits = n * 10;
        let mut n = n;
        while n > 0 && self.ht[0].used > 0 {
            while self.ht[0].buckets[idx].is_none() {
                idx += 1;
                empty_visits -= 1;
                if empty_visits == 0 {
                    self.rehash_idx = Some(idx);
                    return true;
                }
            }
            let mut chain = self.ht[0].buckets[idx].take();
            while let Some(mut node) = chain {
                chain = node.next.take();
                let h = self.hasher.hash_one(&*node.key) as usize & self.ht[1].mask();
                node.next = self.ht[1].buckets[h].take();
                self.ht[1].buckets[h] = Some(node);
                self.ht[0].used -= 1;
                self.ht[1].used += 1;
            }
            idx += 1;
            n -= 1;
        }
        if self.ht[0].used == 0 {
            self.ht[0] = std::mem::replace(&mut self.ht[1], Table::empty());
            self.rehash_idx = None;
            return false;
        }
        self.rehash_idx = Some(idx);
        true
    }

    #[inline]
    fn rehash_step(&mut self) {
        if self.rehash_idx.is_some() {
            self.rehash(1);
        }
    }

    fn resize_to(&mut self, size: usize) {
        let size = size.max(INITIAL_SIZE).next_power_of_two();
        if self.is_rehashing() || size == self.ht[0].buckets.len() {
            return;
        }
        if self.ht[0].buckets.is_empty() {
            self.ht[0] = Table::with_size(size);
            return;
        }
        self.ht[1] = Table::with_size(size);
        self.rehash_idx = Some(0);
    }

    fn expand_if_needed(&mut self) {
        if self.is_rehashing() {
            return;
        }
        if self.ht[0].buckets.is_empty() {
            self.resize_to(INITIAL_SIZE);
        } else if self.ht[0].used >= self.ht[0].buckets.len() {
            self.resize_to(self.ht[0].used + 1);
        }
    }

    /// Shrinks the table when it is under 10% full, as Redis's cron does.
    pub fn shrink_if_needed(&mut self) {
        if self.is_rehashing() {
            return;
        }
        let size = self.ht[0].buckets.len();
        let used = self.ht[0].used;
        if size > INITIAL_SIZE && used * 100 / size < 10 {
            if used == 0 {
                self.ht[0] = Table::empty();
            } else {
                self.resize_to(used);
            }
        }
    }

    fn find_in(&self, t: usize, h: usize, key: &[u8]) -> Option<&Node<V>> {
        let table = &self.ht[t];
        if table.buckets.is_empty() {
            return None;
        }
        let mut cur = table.buckets[h & table.mask()].as_deref();
        while let Some(node) = cur {
            if &*node.key == key {
                return Some(node);
            }
            cur = node.next.as_deref();
        }
        None
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        if self.is_empty() {
            return None;
        }
        let h = self.hash(key);
        self.find_in(0, h, key)
            .or_else(|| if self.is_rehashing() { self.find_in(1, h, key) } else { None })
            .map(|n| &n.val)
    }

    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        match self.lookup_mut_unless(key, |_| false) {
            Lookup::Found(v) => Some(v),
            _ => None,
        }
    }

    /// Finds `key`; if `remove_if` holds for its value the entry is unlinked and
    /// returned instead. One hash and one walk of the chain either way (every
    /// read and write of the keyspace goes through here, with lazy expiry as
    /// the predicate).
    pub fn lookup_mut_unless(&mut self, key: &[u8], remove_if: impl FnOnce(&V) -> bool) -> Lookup<'_, V> {
        if self.is_empty() {
            return Lookup::Missing;
        }
        self.rehash_step();
        let h = self.hash(key);
        let rehashing = self.rehash_idx.is_some();
        let mut remove_if = Some(remove_if);
        let [t0, t1] = &mut self.ht;
        for (i, table) in [t0, t1].into_iter().enumerate() {
            if (i == 1 && !rehashing) || table.buckets.is_empty() {
                continue;
            }
            let mask = table.mask();
            let mut link = &mut table.buckets[h & mask];
            while link.as_ref().is_some_and(|n| &*n.key != key) {
                link = &mut link.as_mut().expect("checked Some").next;
            }
            let Some(node) = link.as_mut() else { continue };
            let pred = remove_if.take().expect("called once: the key is in one table only");
            if pred(&node.val) {
                let mut node = link.take().expect("checked Some");
                *link = node.next.take();
                table.used -= 1;
                let Node { key, val, .. } = *node;
                return Lookup::Removed(key, val);
            }
            return Lookup::Found(&mut link.as_mut().expect("checked Some").val);
        }
        Lookup::Missing
    }

    /// Inserts or replaces; returns the previous value.
    pub fn insert(&mut self, key: Key, val: V) -> Option<V> {
        if let Some(slot) = self.get_mut(&key) {
            return Some(std::mem::replace(slot, val));
        }
        self.insert_new(key, val);
        None
    }

    /// Inserts a key known to be absent.
    pub fn insert_new(&mut self, key: Key, val: V) -> &mut V {
        self.expand_if_needed();
        self.rehash_step();
        let t = if self.is_rehashing() { 1 } else { 0 };
        let h = self.hash(&key) & self.ht[t].mask();
        let next = self.ht[t].buckets[h].take();
        self.ht[t].buckets[h] = Some(Box::new(Node { next, key, val }));
        self.ht[t].used += 1;
        &mut self.ht[t].buckets[h].as_mut().expect("just set").val
    }

    pub fn remove(&mut self, key: &[u8]) -> Option<(Key, V)> {
        match self.lookup_mut_unless(key, |_| true) {
            Lookup::Removed(k, v) => Some((k, v)),
            _ => None,
        }
    }

    pub fn clear(&mut self) {
        // Drop chains iteratively: a long chain dropped recursively could blow the stack.
        for t in &mut self.ht {
            for b in t.buckets.iter_mut() {
                let mut cur = b.take();
                while let Some(mut n) = cur {
                    cur = n.next.take();
                }
            }
        }
        self.ht = [Table::empty(), Table::empty()];
        self.rehash_idx = None;
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.ht.iter().flat_map(|t| {
            t.buckets.iter().flat_map(|b| {
                let mut cur = b.as_deref();
                std::iter::from_fn(move || {
                    let n = cur?;
                    cur = n.next.as_deref();
                    Some((&*n.key, &n.val))
                })
            })
        })
    }

    fn visit_bucket(&self, t: usize, b: usize, f: &mut impl FnMut(&[u8], &V)) {
        let mut cur = self.ht[t].buckets[b].as_deref();
        while let Some(n) = cur {
            f(&n.key, &n.val);
            cur = n.next.as_deref();
        }
    }

    /// One SCAN step from `cursor`, calling `f` for every entry of the visited
    /// buckets; returns the next cursor (0 when the iteration is complete).
    /// Uses Redis's reverse-binary cursor so that entries present for the whole
    /// iteration are returned at least once across resizes.
    pub fn scan(&self, cursor: u64, f: &mut impl FnMut(&[u8], &V)) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let mut v = cursor as usize;
        if !self.is_rehashing() {
            let m0 = self.ht[0].mask();
            self.visit_bucket(0, v & m0, f);
            v |= !m0;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
        } else {
            let (t0, t1) = if self.ht[0].buckets.len() <= self.ht[1].buckets.len() { (0, 1) } else { (1, 0) };
            let m0 = self.ht[t0].mask();
            let m1 = self.ht[t1].mask();
            self.visit_bucket(t0, v & m0, f);
            loop {
                self.visit_bucket(t1, v & m1, f);
                v |= !m1;
                v = v.reverse_bits().wrapping_add(1).reverse_bits();
                if v & (m0 ^ m1) == 0 {
                    break;
                }
            }
        }
        v as u64
    }

    /// A random entry (not uniformly fair for long chains, like Redis's dictGetRandomKey).
    pub fn random_entry(&self) -> Option<(&[u8], &V)> {
        if self.is_empty() {
            return None;
        }
        let mut rng = rand::thread_rng();
        let total0 = self.ht[0].buckets.len();
        let total = total0 + if self.is_rehashing() { self.ht[1].buckets.len() } else { 0 };
        let start0 = self.rehash_idx.unwrap_or(0);
        loop {
            let i = rng.gen_range(start0..total);
            let (t, b) = if i < total0 { (0, i) } else { (1, i - total0) };
            let Some(head) = self.ht[t].buckets[b].as_deref() else { continue };
            let mut len = 0;
            let mut cur = Some(head);
            while let Some(n) = cur {
                len += 1;
                cur = n.next.as_deref();
            }
            let mut pick = rng.gen_range(0..len);
            let mut cur = head;
            while pick > 0 {
                cur = cur.next.as_deref().expect("within chain length");
                pick -= 1;
            }
            return Some((&cur.key, &cur.val));
        }
    }
}

impl<V> Drop for Dict<V> {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn k(i: usize) -> Key {
        Key::from(format!("key:{i}").as_bytes())
    }

    #[test]
    fn insert_get_remove_through_rehash() {
        let mut d = Dict::new();
        for i in 0..10_000 {
            assert!(d.insert(k(i), i).is_none());
        }
        assert_eq!(d.len(), 10_000);
        for i in 0..10_000 {
            assert_eq!(d.get(&k(i)), Some(&i));
        }
        for i in (0..10_000).step_by(2) {
            assert_eq!(d.remove(&k(i)).map(|(_, v)| v), Some(i));
        }
        assert_eq!(d.len(), 5_000);
        assert_eq!(d.insert(k(1), 7), Some(1));
        assert_eq!(d.iter().count(), 5_000);
    }

    #[test]
    fn scan_survives_growth_and_shrink() {
        let mut d = Dict::new();
        for i in 0..1000 {
            d.insert(k(i), ());
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut step = 0;
        loop {
            cursor = d.scan(cursor, &mut |key, _| {
                seen.insert(key.to_vec());
            });
            step += 1;
            // Grow the table mid-iteration, then shrink it: keys 0..1000 stay throughout.
            if step == 20 {
                for i in 1000..20_000 {
                    d.insert(k(i), ());
                }
            }
            if step == 200 {
                for i in 1000..20_000 {
                    d.remove(&k(i));
                }
                d.shrink_if_needed();
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1000 {
            assert!(seen.contains(&*k(i)), "key {i} missed");
        }
    }

    #[test]
    fn lookup_unless_removes() {
        let mut d = Dict::new();
        d.insert(k(1), 1);
        d.insert(k(2), 2);
        assert!(matches!(d.lookup_mut_unless(&k(1), |v| *v == 1), Lookup::Removed(_, 1)));
        assert!(matches!(d.lookup_mut_unless(&k(2), |v| *v == 1), Lookup::Found(_)));
        assert!(matches!(d.lookup_mut_unless(&k(3), |_| true), Lookup::Missing));
        assert_eq!(d.len(), 1);
        assert!(d.random_entry().is_some());
    }
}
