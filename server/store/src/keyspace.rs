//! The keyspace: numbered databases of entries, lazy expiry, WATCH bookkeeping,
//! the event stream, and the `WriteGuard` through which every write passes.
//!
//! The server holds one `Keyspace` behind its one lock. Nothing here reads the
//! clock: the server stamps `now_ms` before each command, so a command (and a
//! whole MULTI/EXEC) sees one instant, as in Redis.

use std::collections::{HashMap, HashSet};

use bytes::Bytes;

use crate::dict::{Dict, Key, Lookup};
use crate::notify::{self, KeyEvent};
use crate::value::Value;

pub type ClientId = u64;

/// A value with its metadata. `expire_at` is a unix time in ms, 0 = no TTL.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub value: Value,
    expire_at: u64,
    /// LRU: unix seconds of the last access. LFU: minutes(16 bits) << 8 | counter.
    access: u32,
}

impl Entry {
    pub fn expire_at(&self) -> Option<u64> {
        (self.expire_at != 0).then_some(self.expire_at)
    }
    fn expired(&self, now_ms: u64) -> bool {
        self.expire_at != 0 && self.expire_at <= now_ms
    }
    pub fn access_stamp(&self) -> u32 {
        self.access
    }
    /// Sets the LRU/LFU stamp (see [`Keyspace::stamp_idle`], [`Keyspace::stamp_freq`]).
    pub fn set_access(&mut self, access: u32) {
        self.access = access;
    }
}

#[derive(Default)]
pub struct Db {
    pub(crate) main: Dict<Entry>,
    /// Keys that have a TTL: what active expiry and volatile-* eviction sample.
    pub(crate) volatile: Dict<()>,
    /// Hashes that have fields with a TTL: what active field expiry samples.
    /// Entries may be stale (key gone or no volatile field left); sampling prunes them.
    pub(crate) hash_ttl: Dict<()>,
    watched: HashMap<Key, Vec<ClientId>>,
}

impl Db {
    pub fn len(&self) -> usize {
        self.main.len()
    }
    pub fn is_empty(&self) -> bool {
        self.main.is_empty()
    }
    pub fn expires(&self) -> usize {
        self.volatile.len()
    }
    /// Raw access for iteration (SCAN/KEYS): callers must skip expired entries.
    pub fn dict(&self) -> &Dict<Entry> {
        &self.main
    }
    /// Average TTL left (ms) over keys with a TTL, sampled cheaply, for INFO keyspace.
    pub fn avg_ttl(&self, now_ms: u64) -> u64 {
        let mut sum = 0u64;
        let mut n = 0u64;
        for _ in 0..self.volatile.len().min(16) {
            if let Some((k, _)) = self.volatile.random_entry() {
                if let Some(e) = self.main.get(k) {
                    sum += e.expire_at.saturating_sub(now_ms);
                    n += 1;
                }
            }
        }
        sum.checked_div(n).unwrap_or(0)
    }
}

/// Counters that INFO stats reports.
#[derive(Debug, Default, Clone)]
pub struct KeyspaceStats {
    pub expired_keys: u64,
    pub evicted_keys: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub expired_stale_perc: f64,
    pub expired_time_cap_reached_count: u64,
    pub expire_cycle_cpu_milliseconds: u64,
}

/// How reads update the access stamp (follows maxmemory-policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccessTracking {
    #[default]
    Lru,
    Lfu,
}

pub struct Keyspace {
    dbs: Vec<Db>,
    /// The command's instant, stamped by the server before each command.
    pub now_ms: u64,
    /// Pending events; the server drains them after each command.
    pub events: Vec<KeyEvent>,
    /// Classes recorded into `events` (0 = record nothing).
    event_mask: u32,
    /// Changes since the last save (INFO persistence rdb_changes_since_last_save).
    pub dirty: u64,
    pub stats: KeyspaceStats,
    cas_dirty: HashSet<ClientId>,
    pub tracking: AccessTracking,
    pub lfu_log_factor: u32,
    pub lfu_decay_time: u32,
    /// Keys some client is blocked on (BLPOP & co.), with how many waiters.
    blocking_keys: HashMap<(usize, Key), usize>,
    /// Keys with waiters that were written since the server last looked.
    ready_keys: Vec<(usize, Key)>,
    /// When set, keys the server removed by itself (expired, evicted) are
    /// recorded here, so they can be propagated as DEL (AOF, replicas).
    pub deleted_log: Option<Vec<(usize, Key)>>,
    /// Set while an AOF is replayed: nothing expires.
    pub loading: bool,
}

impl Keyspace {
    pub fn new(databases: usize) -> Self {
        Keyspace {
            dbs: (0..databases.max(1)).map(|_| Db::default()).collect(),
            now_ms: 0,
            events: Vec::new(),
            event_mask: 0,
            dirty: 0,
            stats: KeyspaceStats::default(),
            cas_dirty: HashSet::new(),
            tracking: AccessTracking::Lru,
            lfu_log_factor: 10,
            lfu_decay_time: 1,
            blocking_keys: HashMap::new(),
            ready_keys: Vec::new(),
            deleted_log: None,
            loading: false,
        }
    }

    pub fn db_count(&self) -> usize {
        self.dbs.len()
    }

    pub fn db(&self, i: usize) -> &Db {
        &self.dbs[i]
    }

    pub fn dbs(&self) -> &[Db] {
        &self.dbs
    }

    /// Which event classes to record (from notify-keyspace-events, plus
    /// whatever internal subscribers need).
    pub fn set_event_mask(&mut self, mask: u32) {
        self.event_mask = mask;
    }

    pub fn event_mask(&self) -> u32 {
        self.event_mask
    }

    pub fn notify(&mut self, db: usize, class: u32, event: &'static str, key: &[u8]) {
        if self.event_mask & class != 0 {
            self.events.push(KeyEvent { db, class, event, key: Bytes::copy_from_slice(key) });
        }
    }

    fn fresh_access(&self) -> u32 {
        match self.tracking {
            AccessTracking::Lru => lru_stamp(self.now_ms),
            AccessTracking::Lfu => lfu_stamp(self.now_ms, LFU_INIT_VAL),
        }
    }

    // ---- reads -------------------------------------------------------------

    /// Looks a key up for reading: expired keys are deleted on the spot and
    /// reported missing. `touch` updates the LRU/LFU stamp; `stats` counts a
    /// keyspace hit or miss.
    pub fn lookup(&mut self, db: usize, key: &[u8], touch: bool, stats: bool) -> Option<&Entry> {
        self.lookup_mut(db, key, touch, stats).map(|e| &*e)
    }

    /// As [`Keyspace::lookup`], with mutable access to the entry.
    pub fn lookup_mut(&mut self, db: usize, key: &[u8], touch: bool, stats: bool) -> Option<&mut Entry> {
        let now = self.now_ms;
        let tracking = self.tracking;
        let (log_factor, decay) = (self.lfu_log_factor, self.lfu_decay_time);
        let dict: *mut Dict<Entry> = &mut self.dbs[db].main;
        // SAFETY: `dict` points into `self.dbs`, which outlives the returned
        // borrow (tied to `&mut self`). The pointer only detaches the borrow of
        // the lookup from the arms that do not return it (the borrow checker
        // cannot yet see that `Removed`/`Missing` hold no reference into the
        // dict); in those arms the dict is not touched through the pointer again.
        let exp_now = self.expiry_now();
        match unsafe { &mut *dict }.lookup_mut_unless(key, |e| e.expired(exp_now)) {
            Lookup::Found(e) => {
                if touch {
                    e.access = match tracking {
                        AccessTracking::Lru => lru_stamp(now),
                        AccessTracking::Lfu => lfu_touch(e.access, now, log_factor, decay),
                    };
                }
                if stats {
                    self.stats.keyspace_hits += 1;
                }
                Some(e)
            }
            Lookup::Removed(k, _) => {
                self.after_expired(db, &k);
                if stats {
                    self.stats.keyspace_misses += 1;
                    self.notify(db, notify::KEY_MISS, "keymiss", key);
                }
                None
            }
            Lookup::Missing => {
                if stats {
                    self.stats.keyspace_misses += 1;
                    self.notify(db, notify::KEY_MISS, "keymiss", key);
                }
                None
            }
        }
    }

    /// A read that counts stats and touches the access time (GET and friends).
    pub fn get(&mut self, db: usize, key: &[u8]) -> Option<&Entry> {
        self.lookup(db, key, true, true)
    }

    /// Does `key` exist (expired keys are deleted first)? No stats, no touch.
    pub fn exists(&mut self, db: usize, key: &[u8]) -> bool {
        self.lookup(db, key, false, false).is_some()
    }

    /// Is `key` present but past its TTL (not yet reclaimed)? Used by EXEC for
    /// watched keys.
    pub fn is_logically_expired(&self, db: usize, key: &[u8]) -> bool {
        self.dbs[db].main.get(key).is_some_and(|e| e.expired(self.expiry_now()))
    }

    /// Present and not expired, without deleting anything (SCAN/KEYS filter).
    pub fn is_live(&self, db: usize, e: &Entry) -> bool {
        let _ = db;
        !e.expired(self.expiry_now())
    }

    /// The instant keys are expired against: never while loading (Redis's
    /// expireIfNeeded returns early then), so a replayed AOF applies its
    /// commands to keys whose TTL passed just as the original run did.
    fn expiry_now(&self) -> u64 {
        if self.loading {
            0
        } else {
            self.now_ms
        }
    }

    fn log_deleted(&mut self, db: usize, key: &[u8]) {
        if let Some(log) = self.deleted_log.as_mut() {
            log.push((db, key.into()));
        }
    }

    fn after_expired(&mut self, db: usize, key: &[u8]) {
        self.log_deleted(db, key);
        self.dbs[db].volatile.remove(key);
        self.stats.expired_keys += 1;
        self.touch_watched(db, key);
        self.dirty += 1;
        self.notify(db, notify::EXPIRED, "expired", key);
    }

    // ---- writes ------------------------------------------------------------

    /// The one way to change a key. Dropping the guard invalidates WATCHes on
    /// the key and bumps `dirty` if anything was modified.
    pub fn write<'a>(&'a mut self, db: usize, key: &'a [u8]) -> WriteGuard<'a> {
        WriteGuard { ks: self, db, key, modified: false }
    }

    /// Deletes every key of `db` (FLUSHDB); returns how many were removed.
    pub fn flush_db(&mut self, db: usize) -> usize {
        let (n, old) = self.take_db(db);
        drop(old);
        n
    }

    /// Empties `db` like [`Keyspace::flush_db`] but hands back its contents,
    /// so the caller can free them elsewhere (FLUSHDB ASYNC). Returns how many
    /// keys it held.
    pub fn take_db(&mut self, db: usize) -> (usize, Db) {
        self.touch_all_watched(db, None);
        let mut d = std::mem::take(&mut self.dbs[db]);
        let n = d.main.len();
        self.dbs[db].watched = std::mem::take(&mut d.watched);
        self.dirty += n as u64;
        (n, d)
    }

    /// Replaces every database's contents with `loaded`'s (DEBUG RELOAD,
    /// a full sync): watchers of keys in either version are invalidated.
    pub fn adopt_data(&mut self, mut loaded: Keyspace) {
        for (db, new) in loaded.dbs.iter_mut().enumerate().take(self.dbs.len()) {
            self.touch_all_watched(db, None);
            let d = &mut self.dbs[db];
            std::mem::swap(&mut d.main, &mut new.main);
            std::mem::swap(&mut d.volatile, &mut new.volatile);
            std::mem::swap(&mut d.hash_ttl, &mut new.hash_ttl);
            self.touch_all_watched(db, None);
        }
    }

    /// Swaps two databases (SWAPDB). Watchers of keys present in either are invalidated.
    pub fn swap_db(&mut self, a: usize, b: usize) {
        self.touch_all_watched(a, Some(b));
        self.touch_all_watched(b, Some(a));
        if a == b {
            return;
        }
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let (left, right) = self.dbs.split_at_mut(hi);
        let (x, y) = (&mut left[lo], &mut right[0]);
        std::mem::swap(&mut x.main, &mut y.main);
        std::mem::swap(&mut x.volatile, &mut y.volatile);
        std::mem::swap(&mut x.hash_ttl, &mut y.hash_ttl);
        self.dirty += 1;
        // Waiters on keys that now exist in a swapped db get another chance.
        let waiting: Vec<(usize, Key)> = self
            .blocking_keys
            .keys()
            .filter(|(d, k)| (*d == a || *d == b) && self.dbs[*d].main.contains_key(k))
            .cloned()
            .collect();
        for (d, k) in waiting {
            self.signal_ready(d, &k);
        }
    }

    // ---- WATCH -------------------------------------------------------------

    pub fn watch(&mut self, client: ClientId, db: usize, key: &[u8]) {
        let list = self.dbs[db].watched.entry(key.into()).or_default();
        if !list.contains(&client) {
            list.push(client);
        }
    }

    pub fn unwatch(&mut self, client: ClientId, db: usize, key: &[u8]) {
        let w = &mut self.dbs[db].watched;
        if let Some(list) = w.get_mut(key) {
            list.retain(|c| *c != client);
            if list.is_empty() {
                w.remove(key);
            }
        }
        self.cas_dirty.remove(&client);
    }

    /// Has a key watched by `client` been touched since WATCH?
    pub fn watch_dirty(&self, client: ClientId) -> bool {
        self.cas_dirty.contains(&client)
    }

    pub fn clear_watch_dirty(&mut self, client: ClientId) {
        self.cas_dirty.remove(&client);
    }

    fn touch_watched(&mut self, db: usize, key: &[u8]) {
        let w = &self.dbs[db].watched;
        if w.is_empty() {
            return;
        }
        if let Some(list) = w.get(key) {
            self.cas_dirty.extend(list.iter().copied());
        }
    }

    /// Marks watchers of keys that exist in `db` (or in `other`, for SWAPDB).
    fn touch_all_watched(&mut self, db: usize, other: Option<usize>) {
        if self.dbs[db].watched.is_empty() {
            return;
        }
        let mut hit = Vec::new();
        for (k, clients) in &self.dbs[db].watched {
            let exists = self.dbs[db].main.contains_key(k) || other.is_some_and(|o| self.dbs[o].main.contains_key(k));
            if exists {
                hit.extend(clients.iter().copied());
            }
        }
        self.cas_dirty.extend(hit);
    }

    /// Marks a key modified without a value change (Redis's signalModifiedKey).
    pub fn signal_modified(&mut self, db: usize, key: &[u8]) {
        self.touch_watched(db, key);
    }

    // ---- blocking operations ----------------------------------------------------

    /// A client starts waiting on `key` (BLPOP and friends).
    pub fn block_on(&mut self, db: usize, key: &[u8]) {
        *self.blocking_keys.entry((db, Key::from(key))).or_default() += 1;
    }

    /// A client stops waiting on `key`.
    pub fn unblock_on(&mut self, db: usize, key: &[u8]) {
        let k = (db, Key::from(key));
        if let Some(n) = self.blocking_keys.get_mut(&k) {
            *n -= 1;
            if *n == 0 {
                self.blocking_keys.remove(&k);
            }
        }
    }

    /// Records that `key` changed; if someone waits on it the server will
    /// retry their commands after the current one.
    pub fn signal_ready(&mut self, db: usize, key: &[u8]) {
        if self.blocking_keys.is_empty() {
            return;
        }
        let k = (db, Key::from(key));
        if self.blocking_keys.contains_key(&k) && !self.ready_keys.contains(&k) {
            self.ready_keys.push(k);
        }
    }

    /// Keys with waiters written since the last call, in the order they became ready.
    pub fn take_ready_keys(&mut self) -> Vec<(usize, Key)> {
        std::mem::take(&mut self.ready_keys)
    }

    pub fn has_ready_keys(&self) -> bool {
        !self.ready_keys.is_empty()
    }

    // ---- expiry & eviction support -------------------------------------------

    /// One active-expiry pass over `db`: samples up to `samples` keys with a
    /// TTL and deletes the expired ones. Returns (sampled, expired).
    pub fn expire_sample(&mut self, db: usize, samples: usize) -> (usize, usize) {
        let now = self.now_ms;
        let mut expired_keys: Vec<Key> = Vec::new();
        let d = &self.dbs[db];
        let n = samples.min(d.volatile.len());
        for _ in 0..n {
            if let Some((k, _)) = d.volatile.random_entry() {
                if d.main.get(k).is_some_and(|e| e.expired(now)) && !expired_keys.iter().any(|x| **x == *k) {
                    expired_keys.push(k.into());
                }
            }
        }
        let count = expired_keys.len();
        for k in expired_keys {
            if self.dbs[db].main.remove(&k).is_some() {
                self.after_expired(db, &k);
            }
        }
        (n, count)
    }

    /// Active expiry of hash fields (Redis 7.4+ HFE): visits up to `samples`
    /// hashes that have fields with a TTL and reclaims their expired fields,
    /// emitting `hexpired`, and `del` when the last field goes. Stale index
    /// entries are pruned. Returns (visited, hashes with reclaimed fields).
    pub fn hash_field_expire_sample(&mut self, db: usize, samples: usize) -> (usize, usize) {
        let now = self.now_ms;
        let d = &self.dbs[db];
        let mut picked: Vec<Key> = Vec::new();
        if d.hash_ttl.len() <= samples {
            picked.extend(d.hash_ttl.iter().map(|(k, _)| Key::from(k)));
        } else {
            for _ in 0..samples {
                if let Some((k, _)) = d.hash_ttl.random_entry() {
                    if !picked.iter().any(|x| **x == *k) {
                        picked.push(k.into());
                    }
                }
            }
        }
        let mut reclaimed = 0;
        for k in &picked {
            let state = match self.lookup(db, k, false, false).map(|e| &e.value) {
                Some(Value::Hash(h)) => Some((h.volatile_fields() > 0, h.may_have_expired(now))),
                _ => None,
            };
            match state {
                Some((true, true)) => {
                    let mut g = self.write(db, k);
                    let (mut purged, mut emptied, mut still_volatile) = (0, false, false);
                    if let Some(Value::Hash(h)) = g.get_mut().map(|e| &mut e.value) {
                        purged = h.purge_expired(now);
                        emptied = h.is_empty();
                        still_volatile = h.volatile_fields() > 0;
                    }
                    if purged > 0 {
                        reclaimed += 1;
                        g.notify(notify::HASH, "hexpired");
                    }
                    if emptied {
                        g.delete();
                        g.notify(notify::GENERIC, "del");
                    }
                    drop(g);
                    if !still_volatile {
                        self.dbs[db].hash_ttl.remove(k);
                    }
                }
                Some((true, false)) => {}
                _ => {
                    self.dbs[db].hash_ttl.remove(k);
                }
            }
        }
        self.dbs[db].hash_ttl.shrink_if_needed();
        (picked.len(), reclaimed)
    }

    /// Moves rehash work forward on every table (the cron's activerehashing).
    pub fn rehash_some(&mut self, buckets: usize) {
        for d in &mut self.dbs {
            d.main.rehash(buckets);
            d.volatile.rehash(buckets);
            d.main.shrink_if_needed();
            d.volatile.shrink_if_needed();
        }
    }

    /// A random live key of `db` (RANDOMKEY). Expired keys met on the way are reclaimed.
    pub fn random_key(&mut self, db: usize) -> Option<Bytes> {
        // Give up on expired candidates after a while, as Redis does when all keys have a TTL.
        for _ in 0..100 {
            let (k, expired) = {
                let (k, e) = self.dbs[db].main.random_entry()?;
                (Bytes::copy_from_slice(k), e.expired(self.now_ms))
            };
            if !expired {
                return Some(k);
            }
            self.lookup(db, &k, false, false);
        }
        None
    }

    /// Picks an eviction victim across all databases with `samples` samples per
    /// db: `volatile` restricts to keys with a TTL; the score picks the best.
    pub fn eviction_candidate(&self, volatile: bool, samples: usize, score: EvictScore) -> Option<(usize, Key)> {
        let mut best: Option<(u64, usize, Key)> = None;
        let mut rng_pick = |db: usize, k: &[u8], e: &Entry| {
            let s = match score {
                EvictScore::Random => return Some((u64::MAX, db, Key::from(k))),
                EvictScore::Idle => self.idle_ms(e),
                EvictScore::LeastFrequent => 255 - lfu_counter(e.access, self.now_ms, self.lfu_decay_time) as u64,
                EvictScore::SoonestTtl => u64::MAX - e.expire_at,
            };
            if best.as_ref().is_none_or(|(b, _, _)| s > *b) {
                best = Some((s, db, Key::from(k)));
            }
            None
        };
        for (i, d) in self.dbs.iter().enumerate() {
            let pool = if volatile { d.volatile.len() } else { d.main.len() };
            if pool == 0 {
                continue;
            }
            for _ in 0..samples {
                let picked = if volatile {
                    d.volatile.random_entry().and_then(|(k, _)| d.main.get(k).map(|e| (k, e)))
                } else {
                    d.main.random_entry()
                };
                if let Some((k, e)) = picked {
                    if let Some(found) = rng_pick(i, k, e) {
                        return Some((found.1, found.2));
                    }
                }
            }
        }
        best.map(|(_, db, k)| (db, k))
    }

    /// Evicts `key` (maxmemory): emits `evicted`, invalidates WATCH.
    pub fn evict(&mut self, db: usize, key: &[u8]) -> bool {
        if self.dbs[db].main.remove(key).is_none() {
            return false;
        }
        self.dbs[db].volatile.remove(key);
        self.log_deleted(db, key);
        self.stats.evicted_keys += 1;
        self.touch_watched(db, key);
        self.dirty += 1;
        self.notify(db, notify::EVICTED, "evicted", key);
        true
    }

    /// Idle time in ms estimated from the LRU stamp (OBJECT IDLETIME is this / 1000).
    pub fn idle_ms(&self, e: &Entry) -> u64 {
        match self.tracking {
            AccessTracking::Lru => lru_stamp(self.now_ms).wrapping_sub(e.access) as u64 * LRU_RESOLUTION_MS,
            AccessTracking::Lfu => 0,
        }
    }

    /// The `lru:` field of DEBUG OBJECT: Redis's 24-bit seconds clock (LRU),
    /// or the raw LFU field.
    pub fn debug_lru_field(&self, e: &Entry) -> u32 {
        match self.tracking {
            AccessTracking::Lru => ((e.access as u64 * LRU_RESOLUTION_MS / 1000) & 0xFF_FFFF) as u32,
            AccessTracking::Lfu => e.access,
        }
    }

    /// The access stamp of a key idle for `idle_secs` (RDB IDLE opcode,
    /// RESTORE IDLETIME), under LRU tracking; LFU gets a fresh stamp.
    pub fn stamp_idle(&self, idle_secs: u64) -> u32 {
        match self.tracking {
            AccessTracking::Lru => lru_stamp(self.now_ms.saturating_sub(idle_secs.saturating_mul(1000))),
            AccessTracking::Lfu => lfu_stamp(self.now_ms, LFU_INIT_VAL),
        }
    }

    /// The access stamp of a key with LFU counter `freq` (RDB FREQ opcode,
    /// RESTORE FREQ), under LFU tracking; LRU gets a fresh stamp.
    pub fn stamp_freq(&self, freq: u8) -> u32 {
        match self.tracking {
            AccessTracking::Lfu => lfu_stamp(self.now_ms, freq),
            AccessTracking::Lru => lru_stamp(self.now_ms),
        }
    }

    /// The LFU counter as OBJECT FREQ reports it (decayed to now).
    pub fn lfu_freq(&self, e: &Entry) -> u8 {
        lfu_counter(e.access, self.now_ms, self.lfu_decay_time)
    }

    /// Re-stamps every entry when the tracking mode changes (LRU <-> LFU).
    pub fn set_tracking(&mut self, t: AccessTracking) {
        self.tracking = t;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvictScore {
    Random,
    Idle,
    LeastFrequent,
    SoonestTtl,
}

const LFU_INIT_VAL: u8 = 5;

/// The LRU clock ticks every 100 ms (Redis: 1 s) so that keys touched in the
/// same second are still ordered; a u32 of ticks wraps after 13 years and idle
/// times are computed with wrapping arithmetic.
const LRU_RESOLUTION_MS: u64 = 100;

fn lru_stamp(now_ms: u64) -> u32 {
    (now_ms / LRU_RESOLUTION_MS) as u32
}

fn lfu_minutes(now_ms: u64) -> u32 {
    ((now_ms / 60_000) & 0xffff) as u32
}

fn lfu_stamp(now_ms: u64, counter: u8) -> u32 {
    (lfu_minutes(now_ms) << 8) | counter as u32
}

/// Decays the counter by the minutes elapsed / decay time (Redis's LFUDecrAndReturn).
fn lfu_counter(access: u32, now_ms: u64, decay_time: u32) -> u8 {
    let then = access >> 8;
    let counter = (access & 0xff) as u8;
    let now = lfu_minutes(now_ms);
    let elapsed = if now >= then { now - then } else { 65535 - then + now };
    let periods = elapsed.checked_div(decay_time).unwrap_or(0);
    if periods as u64 > counter as u64 {
        0
    } else {
        counter - periods as u8
    }
}

/// Decay, then a logarithmic increment (Redis's LFULogIncr).
fn lfu_touch(access: u32, now_ms: u64, log_factor: u32, decay_time: u32) -> u32 {
    let mut c = lfu_counter(access, now_ms, decay_time);
    if c < 255 {
        let base = c.saturating_sub(LFU_INIT_VAL) as f64;
        let p = 1.0 / (base * log_factor as f64 + 1.0);
        if rand::random::<f64>() < p {
            c += 1;
        }
    }
    lfu_stamp(now_ms, c)
}

/// Write access to one key. Every mutation of the keyspace goes through a
/// guard: on drop it invalidates WATCH on the key and bumps the dirty
/// counter if anything changed. Events are recorded with [`WriteGuard::notify`].
pub struct WriteGuard<'a> {
    ks: &'a mut Keyspace,
    db: usize,
    key: &'a [u8],
    modified: bool,
}

impl WriteGuard<'_> {
    pub fn key(&self) -> &[u8] {
        self.key
    }

    pub fn db(&self) -> usize {
        self.db
    }

    pub fn now_ms(&self) -> u64 {
        self.ks.now_ms
    }

    /// The live entry, if any (lazily expiring it). Does not count as a modification.
    pub fn get(&mut self) -> Option<&Entry> {
        self.ks.lookup(self.db, self.key, true, false)
    }

    /// Mutable access to the live entry; counts as a modification.
    pub fn get_mut(&mut self) -> Option<&mut Entry> {
        let e = self.ks.lookup_mut(self.db, self.key, true, false)?;
        self.modified = true;
        Some(e)
    }

    /// Stores `value`. `keep_ttl` keeps an existing TTL (KEEPTTL, SETRANGE,
    /// APPEND, INCR...); otherwise any TTL is cleared. Emits `new` for a
    /// created key. Returns true if the key was created.
    pub fn set(&mut self, value: Value, keep_ttl: bool) -> bool {
        self.modified = true;
        if matches!(&value, Value::Hash(h) if h.volatile_fields() > 0) {
            // A hash with field TTLs arriving whole (COPY, RENAME, MOVE, ...).
            self.track_hash_field_ttl();
        }
        let access = self.ks.fresh_access();
        let now = self.ks.expiry_now();
        let db = &mut self.ks.dbs[self.db];
        match db.main.lookup_mut_unless(self.key, |e| e.expired(now)) {
            Lookup::Found(e) => {
                e.value = value;
                if !keep_ttl && e.expire_at != 0 {
                    e.expire_at = 0;
                    db.volatile.remove(self.key);
                }
                false
            }
            other => {
                let was_expired = matches!(other, Lookup::Removed(..));
                db.main.insert_new(self.key.into(), Entry { value, expire_at: 0, access });
                if was_expired {
                    db.volatile.remove(self.key);
                    self.ks.log_deleted(self.db, self.key);
                    // An expired key overwritten is still an expiry that happened.
                    self.ks.stats.expired_keys += 1;
                    self.ks.notify(self.db, notify::EXPIRED, "expired", self.key);
                }
                self.ks.notify(self.db, notify::NEW, "new", self.key);
                true
            }
        }
    }

    /// Inserts a whole entry (MOVE/COPY/RENAME), keeping its TTL and access stamp.
    pub fn put_entry(&mut self, entry: Entry) -> bool {
        let (expire_at, access) = (entry.expire_at, entry.access);
        let created = self.set(entry.value, false);
        if expire_at != 0 {
            self.set_expire_at(expire_at);
        }
        if let Some(e) = self.ks.dbs[self.db].main.get_mut(self.key) {
            e.access = access;
        }
        created
    }

    /// Removes the key; returns its entry.
    pub fn delete(&mut self) -> Option<Entry> {
        let now = self.ks.expiry_now();
        let db = &mut self.ks.dbs[self.db];
        let (k, e) = db.main.remove(self.key)?;
        if e.expire_at != 0 {
            db.volatile.remove(self.key);
        }
        if e.expired(now) {
            self.ks.after_expired(self.db, &k);
            return None;
        }
        self.modified = true;
        Some(e)
    }

    /// Sets an absolute expiry in unix ms on an existing key.
    pub fn set_expire_at(&mut self, at_ms: u64) -> bool {
        let Some(e) = self.get_mut() else { return false };
        let had = e.expire_at != 0;
        e.expire_at = at_ms.max(1);
        if !had {
            self.ks.dbs[self.db].volatile.insert(self.key.into(), ());
        }
        true
    }

    /// Removes the TTL; true if there was one.
    pub fn persist(&mut self) -> bool {
        let had = self.get().is_some_and(|e| e.expire_at != 0);
        if !had {
            return false;
        }
        if let Some(e) = self.get_mut() {
            e.expire_at = 0;
        }
        self.ks.dbs[self.db].volatile.remove(self.key);
        true
    }

    /// Registers this key as a hash with field TTLs, for active field expiry.
    pub fn track_hash_field_ttl(&mut self) {
        let idx = &mut self.ks.dbs[self.db].hash_ttl;
        if !idx.contains_key(self.key) {
            idx.insert_new(self.key.into(), ());
        }
    }

    /// Records a keyspace event for this key (sent after the command).
    pub fn notify(&mut self, class: u32, event: &'static str) {
        self.ks.notify(self.db, class, event, self.key);
    }

    /// Counts as a modification without changing anything (e.g. SET to an equal value).
    pub fn mark_modified(&mut self) {
        self.modified = true;
    }
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        if self.modified {
            self.ks.touch_watched(self.db, self.key);
            self.ks.signal_ready(self.db, self.key);
            self.ks.dirty += 1;
        }
    }
}

/// Builds an entry (for tests and loaders).
pub fn entry(value: Value, expire_at: Option<u64>) -> Entry {
    Entry { value, expire_at: expire_at.unwrap_or(0), access: 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Str;

    fn ks() -> Keyspace {
        let mut k = Keyspace::new(16);
        k.now_ms = 1_000_000;
        k.set_event_mask(notify::ALL | notify::NEW);
        k
    }

    #[test]
    fn set_get_expire_lazily() {
        let mut k = ks();
        {
            let mut w = k.write(0, b"a");
            assert!(w.set(Value::str_from(b"1"), false));
            assert!(w.set_expire_at(1_000_500));
        }
        assert_eq!(k.db(0).expires(), 1);
        assert!(k.get(0, b"a").is_some());
        k.now_ms = 1_000_500;
        assert!(k.get(0, b"a").is_none());
        assert_eq!(k.db(0).len(), 0);
        assert_eq!(k.db(0).expires(), 0);
        assert_eq!(k.stats.expired_keys, 1);
        let names: Vec<_> = k.events.iter().map(|e| e.event).collect();
        assert_eq!(names, ["new", "expired"]);
    }

    #[test]
    fn watch_is_invalidated_by_write_and_flush() {
        let mut k = ks();
        k.watch(7, 0, b"w");
        {
            let mut w = k.write(0, b"other");
            w.set(Value::str_from(b"x"), false);
        }
        assert!(!k.watch_dirty(7));
        {
            let mut w = k.write(0, b"w");
            w.set(Value::Str(Str::from_bytes(b"x")), false);
        }
        assert!(k.watch_dirty(7));
        k.clear_watch_dirty(7);
        k.flush_db(0);
        assert!(k.watch_dirty(7));
        k.clear_watch_dirty(7);
        // FLUSHDB of a db where the watched key does not exist does not touch it.
        k.flush_db(0);
        assert!(!k.watch_dirty(7));
    }

    #[test]
    fn set_clears_ttl_unless_kept() {
        let mut k = ks();
        let mut w = k.write(0, b"a");
        w.set(Value::str_from(b"1"), false);
        w.set_expire_at(2_000_000);
        w.set(Value::str_from(b"2"), true);
        assert_eq!(w.get().unwrap().expire_at(), Some(2_000_000));
        w.set(Value::str_from(b"3"), false);
        assert_eq!(w.get().unwrap().expire_at(), None);
        drop(w);
        assert_eq!(k.db(0).expires(), 0);
    }

    #[test]
    fn put_entry_keeps_ttl_and_access_stamp() {
        let mut k = ks();
        {
            let mut w = k.write(0, b"src");
            w.set(Value::str_from(b"v"), false);
            w.set_expire_at(5_000_000);
        }
        let stamp = k.db(0).dict().get(b"src").unwrap().access_stamp();
        k.now_ms = 1_900_000;
        let e = k.write(0, b"src").delete().unwrap();
        assert!(k.write(0, b"dst").put_entry(e));
        let moved = k.db(0).dict().get(b"dst").unwrap();
        assert_eq!(moved.expire_at(), Some(5_000_000));
        assert_eq!(moved.access_stamp(), stamp);
        assert_eq!(k.db(0).expires(), 1);
        assert!(k.db(0).dict().get(b"src").is_none());
    }

    #[test]
    fn nothing_expires_while_loading() {
        let mut k = ks();
        {
            let mut w = k.write(0, b"a");
            w.set(Value::str_from(b"v"), false);
            w.set_expire_at(1_000_001);
        }
        k.now_ms = 2_000_000;
        k.loading = true;
        assert!(k.get(0, b"a").is_some(), "a replayed command still sees the key");
        assert!(!k.write(0, b"a").set(Value::str_from(b"w"), true), "overwritten in place, TTL kept");
        k.loading = false;
        assert!(k.get(0, b"a").is_none(), "expired once loading is over");
        assert_eq!(k.stats.expired_keys, 1);
    }

    #[test]
    fn active_expiry_reclaims() {
        let mut k = ks();
        for i in 0..100 {
            let key = format!("k{i}");
            let mut w = k.write(0, key.as_bytes());
            w.set(Value::str_from(b"v"), false);
            w.set_expire_at(1_000_001);
        }
        k.now_ms = 2_000_000;
        let mut total = 0;
        while k.db(0).expires() > 0 {
            total += k.expire_sample(0, 20).1;
        }
        assert_eq!(total, 100);
        assert_eq!(k.db(0).len(), 0);
    }
}
