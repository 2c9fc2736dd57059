//! The key order of dicts RedisGears 1.2 builds in C (reader records, hash
//! values, group outputs): a Redis-5 dict with a zero SipHash-1-2 seed, four
//! initial buckets, doubling at load 1, incremental rehash of one bucket per
//! find/add and head insertion in chains. Its iteration order is the order in
//! which we insert keys into the Python dict, so str(record) reads exactly as
//! in RedisGears (see shared/reference/gears_dict_order.py).

fn siphash12(data: &[u8]) -> u64 {
    let (k0, k1) = (0u64, 0u64);
    let mut v0 = 0x736f6d6570736575u64 ^ k0;
    let mut v1 = 0x646f72616e646f6du64 ^ k1;
    let mut v2 = 0x6c7967656e657261u64 ^ k0;
    let mut v3 = 0x7465646279746573u64 ^ k1;
    macro_rules! round {
        () => {
            v0 = v0.wrapping_add(v1);
            v1 = v1.rotate_left(13);
            v1 ^= v0;
            v0 = v0.rotate_left(32);
            v2 = v2.wrapping_add(v3);
            v3 = v3.rotate_left(16);
            v3 ^= v2;
            v0 = v0.wrapping_add(v3);
            v3 = v3.rotate_left(21);
            v3 ^= v0;
            v2 = v2.wrapping_add(v1);
            v1 = v1.rotate_left(17);
            v1 ^= v2;
            v2 = v2.rotate_left(32);
        };
    }
    let n = data.len();
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let m = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        v3 ^= m;
        round!();
        v0 ^= m;
    }
    let mut b = ((n as u64) & 0xff) << 56;
    for (i, &ch) in chunks.remainder().iter().enumerate() {
        b |= (ch as u64) << (8 * i);
    }
    v3 ^= b;
    round!();
    v0 ^= b;
    v2 ^= 0xff;
    round!();
    round!();
    v0 ^ v1 ^ v2 ^ v3
}

struct Table {
    buckets: Vec<Vec<usize>>,
    used: usize,
}

impl Table {
    fn new(size: usize) -> Table {
        Table { buckets: vec![Vec::new(); size], used: 0 }
    }
    fn size(&self) -> usize {
        self.buckets.len()
    }
}

/// Simulates the C dict over key indexes; `hashes[i]` is key i's hash.
struct Sim<'a> {
    hashes: &'a [u64],
    keys: &'a [&'a [u8]],
    t: [Table; 2],
    rehashidx: Option<usize>,
}

impl Sim<'_> {
    fn rehash_step(&mut self) {
        let Some(mut idx) = self.rehashidx else { return };
        let mut empty = 10;
        if self.t[0].used > 0 {
            while self.t[0].buckets[idx].is_empty() {
                idx += 1;
                empty -= 1;
                if empty == 0 {
                    self.rehashidx = Some(idx);
                    return;
                }
            }
            let chain = std::mem::take(&mut self.t[0].buckets[idx]);
            let mask = self.t[1].size() - 1;
            for k in chain {
                let b = (self.hashes[k] as usize) & mask;
                self.t[1].buckets[b].insert(0, k);
                self.t[0].used -= 1;
                self.t[1].used += 1;
            }
            idx += 1;
        }
        self.rehashidx = Some(idx);
        if self.t[0].used == 0 {
            self.t.swap(0, 1);
            self.t[1] = Table::new(0);
            self.rehashidx = None;
        }
    }

    fn position(&self, k: usize) -> Option<(usize, usize, usize)> {
        for i in 0..2 {
            let tb = &self.t[i];
            if tb.size() > 0 {
                let b = (self.hashes[k] as usize) & (tb.size() - 1);
                if let Some(p) = tb.buckets[b].iter().position(|&x| self.keys[x] == self.keys[k]) {
                    return Some((i, b, p));
                }
            }
            if self.rehashidx.is_none() {
                break;
            }
        }
        None
    }

    fn expand(&mut self, size: usize) {
        if self.rehashidx.is_some() || self.t[0].used > size {
            return;
        }
        let mut real = 4;
        while real < size {
            real *= 2;
        }
        if real == self.t[0].size() {
            return;
        }
        if self.t[0].size() == 0 {
            self.t[0] = Table::new(real);
        } else {
            self.t[1] = Table::new(real);
            self.rehashidx = Some(0);
        }
    }

    /// RG_HashSetRecordSet: find (a rehash step), delete if present (another
    /// step), then add (another step).
    fn set(&mut self, k: usize) {
        if self.t[0].used + self.t[1].used > 0 {
            self.rehash_step();
            if self.position(k).is_some() {
                self.rehash_step();
                if let Some((i, b, p)) = self.position(k) {
                    self.t[i].buckets[b].remove(p);
                    self.t[i].used -= 1;
                }
            }
        }
        self.rehash_step();
        if self.rehashidx.is_none() {
            if self.t[0].size() == 0 {
                self.expand(4);
            } else if self.t[0].used >= self.t[0].size() {
                self.expand(self.t[0].used * 2);
            }
        }
        let ti = if self.rehashidx.is_some() { 1 } else { 0 };
        let tb = &mut self.t[ti];
        let b = (self.hashes[k] as usize) & (tb.size() - 1);
        tb.buckets[b].insert(0, k);
        tb.used += 1;
    }
}

/// The iteration order (as indexes into `keys`) of a Gears dict filled with
/// `keys` in this order. Duplicate keys keep their last position's index.
pub fn gears_order(keys: &[&[u8]]) -> Vec<usize> {
    let hashes: Vec<u64> = keys.iter().map(|k| siphash12(k)).collect();
    let mut sim = Sim { hashes: &hashes, keys, t: [Table::new(0), Table::new(0)], rehashidx: None };
    for k in 0..keys.len() {
        sim.set(k);
    }
    let mut out = Vec::with_capacity(keys.len());
    for i in 0..2 {
        for chain in &sim.t[i].buckets {
            out.extend_from_slice(chain);
        }
        if sim.rehashidx.is_none() {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(keys: &[&str]) -> Vec<String> {
        let b: Vec<&[u8]> = keys.iter().map(|k| k.as_bytes()).collect();
        gears_order(&b).into_iter().map(|i| keys[i].to_string()).collect()
    }

    #[test]
    fn matches_the_published_orders() {
        // Outputs of shared/reference/gears_dict_order.py, which were checked
        // against real RedisGears replies.
        assert_eq!(names(&["key", "value", "type", "event"]), ["event", "key", "type", "value"]);
        assert_eq!(names(&["key", "event"]), ["event", "key"]);
        assert_eq!(names(&["id", "value", "key"]), ["key", "id", "value"]);
        assert_eq!(names(&["name", "age"]), ["age", "name"]);
    }

    #[test]
    fn many_keys_keep_every_key_once() {
        let owned: Vec<String> = (0..1000).map(|i| format!("k{i}")).collect();
        let keys: Vec<&[u8]> = owned.iter().map(|s| s.as_bytes()).collect();
        let mut order = gears_order(&keys);
        order.sort();
        assert_eq!(order, (0..1000).collect::<Vec<_>>());
    }
}
