//! Memory accounting (jemalloc's own statistics) and maxmemory eviction.

use gears_resp::ErrorReply;
use gears_store::EvictScore;
use tikv_jemalloc_ctl::{epoch, stats};

use crate::config::MaxmemoryPolicy;
use crate::state::Shared;

/// Bytes currently allocated, as jemalloc counts them (INFO used_memory).
pub fn used_memory() -> u64 {
    let _ = epoch::advance();
    stats::allocated::read().unwrap_or(0) as u64
}

/// (active, resident) bytes from jemalloc.
pub fn allocator_active_resident() -> (u64, u64) {
    let _ = epoch::advance();
    (stats::active::read().unwrap_or(0) as u64, stats::resident::read().unwrap_or(0) as u64)
}

/// Resident set size from /proc (INFO used_memory_rss).
pub fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()))
        .map(|pages| pages * 4096)
        .unwrap_or(0)
}

pub const OOM: ErrorReply = ErrorReply::new_static("OOM command not allowed when used memory > 'maxmemory'.");

/// Evicts keys until used memory is under `maxmemory`, following the policy.
/// Returns false if memory is still over the limit (the caller then refuses
/// DENYOOM commands).
pub fn perform_evictions(sh: &mut Shared) -> bool {
    let max = sh.config.maxmemory;
    if max == 0 {
        return true;
    }
    let mut used = used_memory();
    if used <= max {
        return true;
    }
    let (volatile, score) = match sh.config.maxmemory_policy {
        MaxmemoryPolicy::Noeviction => return false,
        MaxmemoryPolicy::AllkeysLru => (false, EvictScore::Idle),
        MaxmemoryPolicy::AllkeysLfu => (false, EvictScore::LeastFrequent),
        MaxmemoryPolicy::AllkeysRandom => (false, EvictScore::Random),
        MaxmemoryPolicy::VolatileLru => (true, EvictScore::Idle),
        MaxmemoryPolicy::VolatileLfu => (true, EvictScore::LeastFrequent),
        MaxmemoryPolicy::VolatileRandom => (true, EvictScore::Random),
        MaxmemoryPolicy::VolatileTtl => (true, EvictScore::SoonestTtl),
    };
    let samples = sh.config.maxmemory_samples as usize;
    let started = std::time::Instant::now();
    while used > max {
        // Evict a small batch between (comparatively costly) memory readings.
        for _ in 0..8 {
            let Some((db, key)) = sh.ks.eviction_candidate(volatile, samples, score) else {
                return used_memory() <= max;
            };
            sh.ks.evict(db, &key);
        }
        used = used_memory();
        // Like Redis, never spend too long in one go: eviction is making
        // progress, so let the command run and continue before the next one.
        if started.elapsed().as_micros() > 500 {
            return true;
        }
    }
    true
}
