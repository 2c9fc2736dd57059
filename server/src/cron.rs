//! The server cron, `hz` times a second: active expiry, incremental rehash,
//! and the samples behind INFO's instantaneous rates and peak memory.
//!
//! Active expiry follows Redis's adaptive cycle (sample 20 keys with a TTL
//! per db, repeat while more than 25% were expired, within a time budget),
//! but releases the lock between rounds so clients are never held up for
//! more than one round.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::state::{unix_ms, Server};
use crate::stats::Stats;

const SAMPLES: usize = 20;

pub async fn run(srv: Arc<Server>) {
    let mut shutdown = srv.shutdown_tx.subscribe();
    loop {
        let hz = srv.shared.lock().config.hz.clamp(1, 500);
        let period = Duration::from_millis(1000 / hz);
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = shutdown.changed() => return,
        }
        active_expire(&srv, period);
        let mut sh = srv.shared.lock();
        sh.clock.resync();
        let now = unix_ms();
        sh.ks.now_ms = now;
        // activerehashing: move rehash work along for ~1ms worth of buckets.
        sh.ks.rehash_some(1000);
        let processed = sh.stats.total_commands_processed;
        Stats::sample(&mut sh.stats.ops_samples, now, processed);
        let nin = srv.net_input_bytes.load(Ordering::Relaxed);
        let nout = srv.net_output_bytes.load(Ordering::Relaxed);
        Stats::sample(&mut sh.stats.net_samples_in, now, nin);
        Stats::sample(&mut sh.stats.net_samples_out, now, nout);
        close_idle_clients(&srv, &sh, now);
        crate::persist::cron(&srv, &mut sh);
        let used = crate::memory::used_memory();
        if used > sh.stats_peak_memory {
            sh.stats_peak_memory = used;
        }
    }
}

/// `timeout`: disconnects clients idle for longer, except subscribers and
/// monitors (as Redis's clientsCron does). Reading the setting here means a
/// CONFIG SET applies to clients that are already idle.
fn close_idle_clients(srv: &Server, sh: &crate::state::Shared, now: u64) {
    let timeout_ms = sh.config.timeout * 1000;
    if timeout_ms == 0 {
        return;
    }
    for c in sh.clients.map.values() {
        let exempt = c.flags.monitor || c.sub + c.psub + c.ssub > 0;
        if !exempt && now.saturating_sub(c.last_interaction_ms) > timeout_ms {
            srv.logger.verbose(&format!("Closing idle client id={} addr={}", c.id, c.addr));
            let _ = c.tx.send(crate::client::ConnMsg::Kill);
        }
    }
}

fn active_expire(srv: &Server, period: Duration) {
    let started = Instant::now();
    // Redis gives the slow cycle 25% of the cron period.
    let budget = period / 4;
    let dbs = srv.shared.lock().ks.db_count();
    for db in 0..dbs {
        hash_field_expire(srv, db);
        loop {
            let (sampled, expired) = {
                let mut sh = srv.shared.lock();
                if !sh.config.active_expire_enabled || sh.ks.loading {
                    return;
                }
                sh.ks.now_ms = unix_ms();
                let r = sh.ks.expire_sample(db, SAMPLES);
                if r.1 > 0 {
                    crate::pubsub::deliver_keyspace_events(&mut sh, None);
                    crate::persist::propagate_deletions(&mut sh);
                    crate::persist::flush(srv, &mut sh);
                }
                r
            };
            if sampled == 0 || expired * 4 <= sampled {
                break;
            }
            if started.elapsed() > budget {
                let mut sh = srv.shared.lock();
                sh.ks.stats.expired_time_cap_reached_count += 1;
                return;
            }
        }
    }
}

/// Active expiry of hash fields with a TTL (Redis 7.4+): sampling rounds on
/// `db` while more than a quarter of the visited hashes had expired fields,
/// releasing the lock between rounds, within a few ms.
fn hash_field_expire(srv: &Server, db: usize) {
    let started = Instant::now();
    loop {
        let (visited, reclaimed) = {
            let mut sh = srv.shared.lock();
            if !sh.config.active_expire_enabled || sh.ks.loading {
                return;
            }
            sh.ks.now_ms = unix_ms();
            let r = sh.ks.hash_field_expire_sample(db, SAMPLES);
            if r.1 > 0 {
                crate::pubsub::deliver_keyspace_events(&mut sh, None);
                crate::persist::flush(srv, &mut sh);
            }
            r
        };
        if visited == 0 || reclaimed * 4 <= visited || started.elapsed() > Duration::from_millis(5) {
            return;
        }
    }
}
