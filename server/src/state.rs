//! The server: state under the one keyspace lock (`Shared`), and what lives
//! outside it (`Server`: identity, start time, logger, shutdown signal).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use gears_store::Keyspace;
use parking_lot::Mutex;
use tokio::sync::watch;

use crate::client::Clients;
use crate::config::{Config, MaxmemoryPolicy};
use crate::log::Logger;
use crate::pubsub::PubSub;
use crate::stats::Stats;

/// SLOWLOG entries.
pub struct SlowEntry {
    pub id: u64,
    pub time: u64,
    pub usec: u64,
    pub args: Vec<Bytes>,
    pub addr: String,
    pub name: Bytes,
}

#[derive(Default)]
pub struct SlowLog {
    pub entries: std::collections::VecDeque<SlowEntry>,
}

/// One latency event's recent spikes as (unix secs, ms), and its all-time max ms.
pub type LatencySeries = (Vec<(u64, u64)>, u64);

/// LATENCY monitor: per event, its latest spikes.
#[derive(Default)]
pub struct Latency {
    pub events: std::collections::BTreeMap<&'static str, LatencySeries>,
}

impl Latency {
    pub fn add(&mut self, event: &'static str, now_s: u64, ms: u64) {
        let e = self.events.entry(event).or_default();
        if let Some(last) = e.0.last_mut() {
            if last.0 == now_s {
                last.1 = last.1.max(ms);
                e.1 = e.1.max(ms);
                return;
            }
        }
        e.0.push((now_s, ms));
        if e.0.len() > 160 {
            e.0.remove(0);
        }
        e.1 = e.1.max(ms);
    }
}

/// Wall-clock milliseconds derived from one monotonic reading, so a command
/// costs two clock reads (start and end) instead of three. The cron re-syncs
/// the base every tick, so wall-clock adjustments show within 1/hz seconds.
pub struct Clock {
    base_unix_ms: u64,
    base: Instant,
}

impl Clock {
    pub fn new() -> Clock {
        Clock { base_unix_ms: unix_ms(), base: Instant::now() }
    }
    pub fn unix_ms_at(&self, t: Instant) -> u64 {
        self.base_unix_ms + t.saturating_duration_since(self.base).as_millis() as u64
    }
    pub fn resync(&mut self) {
        *self = Clock::new();
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

/// Reply bytes copied out of the keyspace (GET and friends) are carved from
/// shared chunks instead of one allocation per reply; a chunk is freed once
/// the replies cut from it have been written.
#[derive(Default)]
pub struct ReplyArena {
    buf: bytes::BytesMut,
}

impl ReplyArena {
    const CHUNK: usize = 64 * 1024;

    pub fn copy(&mut self, b: &[u8]) -> Bytes {
        if b.len() > Self::CHUNK / 8 {
            return Bytes::copy_from_slice(b);
        }
        if self.buf.capacity() - self.buf.len() < b.len() {
            // Reclaims the old chunk in place when every reply cut from it is gone.
            self.buf.reserve(Self::CHUNK);
        }
        self.buf.extend_from_slice(b);
        self.buf.split().freeze()
    }
}

/// Everything guarded by the one keyspace lock (the "Redis GIL").
pub struct Shared {
    pub blocking: crate::blocking::Blocking,
    pub clock: Clock,
    pub arena: ReplyArena,
    pub ks: Keyspace,
    pub config: Config,
    pub clients: Clients,
    pub pubsub: PubSub,
    pub stats: Stats,
    pub slowlog: SlowLog,
    pub latency: Latency,
    /// Highest used_memory seen by the cron (INFO used_memory_peak).
    pub stats_peak_memory: u64,
    pub persist: crate::persist::State,
}

pub struct Server {
    pub shared: Mutex<Shared>,
    pub started: Instant,
    pub start_unix_ms: u64,
    pub run_id: String,
    pub config_file: Option<PathBuf>,
    pub executable: String,
    pub logger: Logger,
    pub next_client_id: AtomicU64,
    /// The TCP port actually listened on.
    pub port: AtomicU16,
    pub net_input_bytes: AtomicU64,
    pub net_output_bytes: AtomicU64,
    pub shutdown_tx: watch::Sender<bool>,
    pub shutting_down: AtomicBool,
    /// The process exit code once the listeners return (1 after a failed load).
    pub exit_code: std::sync::atomic::AtomicI32,
    /// used_memory right after initialisation (INFO used_memory_startup).
    pub startup_memory: u64,
}

pub fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

pub fn unix_us() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as u64).unwrap_or(0)
}

impl Server {
    pub fn new(config: Config, config_file: Option<PathBuf>, executable: String) -> std::io::Result<Server> {
        let logger = Logger::new(config.loglevel, &config.logfile)?;
        let mut ks = Keyspace::new(config.databases);
        ks.now_ms = unix_ms();
        let run_id: String = (0..40).map(|_| format!("{:x}", rand::random::<u8>() % 16)).collect();
        let (shutdown_tx, _) = watch::channel(false);
        let ncmds = crate::command::registry().len();
        let port = config.port;
        let mut shared = Shared {
            blocking: Default::default(),
            clock: Clock::new(),
            arena: ReplyArena::default(),
            ks,
            config,
            clients: Clients::default(),
            pubsub: PubSub::default(),
            stats: Stats::new(ncmds),
            slowlog: SlowLog::default(),
            latency: Latency::default(),
            stats_peak_memory: 0,
            persist: crate::persist::State::new(unix_ms() / 1000),
        };
        shared.apply_runtime_config();
        Ok(Server {
            shared: Mutex::new(shared),
            started: Instant::now(),
            start_unix_ms: unix_ms(),
            run_id,
            config_file,
            executable,
            logger,
            next_client_id: AtomicU64::new(1),
            port: AtomicU16::new(port),
            net_input_bytes: AtomicU64::new(0),
            net_output_bytes: AtomicU64::new(0),
            shutdown_tx,
            shutting_down: AtomicBool::new(false),
            exit_code: std::sync::atomic::AtomicI32::new(0),
            startup_memory: crate::memory::used_memory(),
        })
    }

    /// Asks every task to stop; the process exits once the listeners return.
    pub fn request_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
        // send_replace: `send` drops the value when nobody has subscribed yet
        // (a load that fails before the listeners start).
        self.shutdown_tx.send_replace(true);
    }
}

impl Shared {
    /// Pushes config values that other components cache (event mask, access tracking).
    pub fn apply_runtime_config(&mut self) {
        let c = &self.config;
        let mask = if c.notify_keyspace_events & (gears_store::notify::KEYSPACE | gears_store::notify::KEYEVENT) != 0 {
            c.notify_keyspace_events
        } else {
            0
        };
        self.ks.set_event_mask(mask);
        let lfu = matches!(c.maxmemory_policy, MaxmemoryPolicy::AllkeysLfu | MaxmemoryPolicy::VolatileLfu);
        self.ks.set_tracking(if lfu { gears_store::AccessTracking::Lfu } else { gears_store::AccessTracking::Lru });
        self.ks.lfu_log_factor = c.lfu_log_factor as u32;
        self.ks.lfu_decay_time = c.lfu_decay_time as u32;
    }
}
