//! INFO: the server's report, section by section, with Redis's field names
//! and layout (`# Section` headers, `name:value` lines, CRLF, a blank line
//! between sections) so that monitoring tools parse it unchanged.
//!
//! Persistence and replication do not exist yet: their fields report what
//! is true of this server (nothing loading, nothing saved, a master without
//! replicas).

use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::sync::OnceLock;

use bytes::Bytes;

use crate::client::Client;
use crate::command::registry;
use crate::commands::connection::REDIS_VERSION;
use crate::persist::ChildKind;
use crate::state::{unix_ms, unix_us, Server, Shared};
use crate::stats::Stats;

/// Every section, in the order Redis prints them.
const ORDER: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "commandstats",
    "errorstats",
    "cluster",
    "keyspace",
    "rg",
];

/// What `INFO` (and `INFO default`) prints.
const DEFAULT: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "errorstats",
    "cluster",
    "keyspace",
];

/// Which sections `args` (INFO's arguments) select: none means "default";
/// "all" and "everything" add commandstats; unknown names select nothing.
pub fn select_sections(args: &[Bytes]) -> Vec<&'static str> {
    if args.is_empty() {
        return DEFAULT.to_vec();
    }
    let mut want = std::collections::HashSet::new();
    let mut all = false;
    let mut everything = false;
    for a in args {
        let s = String::from_utf8_lossy(a).to_ascii_lowercase();
        match s.as_str() {
            "default" => want.extend(DEFAULT.iter().copied()),
            "all" => all = true,
            "everything" => {
                all = true;
                everything = true;
            }
            "module_list" => {
                want.insert("modules");
            }
            other => {
                if let Some(n) = ORDER.iter().find(|n| **n == other) {
                    want.insert(*n);
                }
            }
        }
    }
    // Module sections (rg) come with `everything` or by name, not with `all`.
    ORDER.iter().copied().filter(|s| want.contains(s) || (all && (*s != "rg" || everything))).collect()
}

/// The INFO text for the selected sections.
pub fn render(srv: &Server, sh: &mut Shared, client: &Client, sections: &[&str]) -> String {
    let mut out = String::with_capacity(4096);
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        let mut w = Section { out: &mut out };
        match *s {
            "server" => server(&mut w, srv, sh),
            "clients" => clients(&mut w, sh, client),
            "memory" => memory(&mut w, srv, sh),
            "persistence" => persistence(&mut w, srv, sh),
            "stats" => stats(&mut w, srv, sh),
            "replication" => replication(&mut w),
            "cpu" => cpu(&mut w),
            "modules" => {
                w.header("Modules");
                w.field("module", "name=rg,ver=10213,api=1,filters=0,usedby=[],using=[],options=[]");
            }
            "rg" => {
                w.header("rg");
                w.out.push_str(&crate::commands::gears::info_section());
            }
            "commandstats" => commandstats(&mut w, sh),
            "errorstats" => errorstats(&mut w, sh),
            "cluster" => {
                w.header("Cluster");
                w.field("cluster_enabled", 0);
            }
            "keyspace" => keyspace(&mut w, sh),
            _ => {}
        }
    }
    out
}

struct Section<'a> {
    out: &'a mut String,
}

impl Section<'_> {
    fn header(&mut self, name: &str) {
        let _ = write!(self.out, "# {name}\r\n");
    }
    fn field(&mut self, name: &str, v: impl std::fmt::Display) {
        let _ = write!(self.out, "{name}:{v}\r\n");
    }
}

/// Redis's bytesToHuman: "1023B", "1.44M", "23.54G".
pub fn human_bytes(n: u64) -> String {
    const UNITS: [(u64, &str); 5] = [(1 << 50, "P"), (1 << 40, "T"), (1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")];
    if n < 1024 {
        return format!("{n}B");
    }
    if n >= 1 << 60 {
        return format!("{n}B");
    }
    for (div, unit) in UNITS {
        if n >= div {
            return format!("{:.2}{unit}", n as f64 / div as f64);
        }
    }
    format!("{n}B")
}

/// "Linux 6.1.0 x86_64", from uname(2).
fn os_name() -> String {
    static OS: OnceLock<String> = OnceLock::new();
    OS.get_or_init(|| {
        // SAFETY: utsname is plain data; uname fills it with NUL-terminated strings.
        unsafe {
            let mut u: libc::utsname = std::mem::zeroed();
            if libc::uname(&mut u) != 0 {
                return std::env::consts::OS.to_string();
            }
            let f = |p: &[libc::c_char]| std::ffi::CStr::from_ptr(p.as_ptr()).to_string_lossy().into_owned();
            format!("{} {} {}", f(&u.sysname), f(&u.release), f(&u.machine))
        }
    })
    .clone()
}

/// A build id in Redis's style (hex), derived from our name and version.
fn build_id() -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in concat!(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")).bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:x}")
}

static REPLID: parking_lot::Mutex<String> = parking_lot::Mutex::new(String::new());

/// The replication id: random per process, like Redis's master_replid.
pub fn master_replid() -> String {
    let mut id = REPLID.lock();
    if id.is_empty() {
        *id = random_replid();
    }
    id.clone()
}

fn random_replid() -> String {
    (0..40).map(|_| format!("{:x}", rand::random::<u8>() % 16)).collect()
}

/// DEBUG CHANGE-REPL-ID: a new replication id.
pub fn change_replid() {
    *REPLID.lock() = random_replid();
}

fn server(w: &mut Section, srv: &Server, sh: &Shared) {
    let up = srv.started.elapsed().as_secs();
    w.header("Server");
    w.field("redis_version", REDIS_VERSION);
    w.field("redis_git_sha1", "00000000");
    w.field("redis_git_dirty", 0);
    w.field("redis_build_id", build_id());
    w.field("redis_mode", "standalone");
    w.field("os", os_name());
    w.field("arch_bits", usize::BITS);
    w.field("monotonic_clock", "POSIX clock_gettime");
    w.field("multiplexing_api", "epoll");
    w.field("atomicvar_api", "c11-builtin");
    w.field("gcc_version", "0.0.0");
    w.field("process_id", std::process::id());
    w.field("process_supervised", "no");
    w.field("run_id", &srv.run_id);
    w.field("tcp_port", srv.port.load(Ordering::Relaxed));
    w.field("server_time_usec", unix_us());
    w.field("uptime_in_seconds", up);
    w.field("uptime_in_days", up / 86400);
    w.field("hz", sh.config.hz);
    w.field("configured_hz", sh.config.hz);
    w.field("lru_clock", (unix_ms() / 1000) & 0xFF_FFFF);
    w.field("executable", &srv.executable);
    w.field("config_file", srv.config_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default());
    w.field("io_threads_active", 0);
}

fn clients(w: &mut Section, sh: &Shared, me: &Client) {
    let mut pubsub = 0;
    let mut watching = 0;
    let mut watched_keys = 0;
    let mut max_qbuf = 0;
    for c in sh.clients.map.values() {
        // The registry copy of the calling client is refreshed after its batch.
        let (subs, watch) = if c.id == me.id {
            (me.subscriptions() + me.shard_channels.len(), me.watched.len())
        } else {
            (c.sub + c.psub + c.ssub, c.watch)
        };
        if subs > 0 {
            pubsub += 1;
        }
        if watch > 0 {
            watching += 1;
        }
        watched_keys += watch;
        max_qbuf = max_qbuf.max(c.qbuf);
    }
    w.header("Clients");
    w.field("connected_clients", sh.clients.len());
    w.field("cluster_connections", 0);
    w.field("maxclients", sh.config.maxclients);
    w.field("client_recent_max_input_buffer", max_qbuf);
    w.field("client_recent_max_output_buffer", 0);
    w.field("blocked_clients", sh.blocking.clients.len());
    w.field("tracking_clients", 0);
    w.field("pubsub_clients", pubsub);
    w.field("watching_clients", watching);
    w.field("clients_in_timeout_table", sh.blocking.clients.len());
    w.field("total_watched_keys", watched_keys);
    w.field("total_blocking_keys", sh.blocking.keys());
    w.field("total_blocking_keys_on_nokey", 0);
}

/// Memory figures shared by INFO memory and MEMORY STATS.
pub struct MemoryReport {
    pub used: u64,
    pub peak: u64,
    pub startup: u64,
    pub rss: u64,
    pub allocator_allocated: u64,
    pub allocator_active: u64,
    pub allocator_resident: u64,
    pub clients_normal: u64,
    /// Per non-empty db: (index, main table overhead, expires table overhead).
    pub db_overhead: Vec<(usize, u64, u64)>,
    pub overhead: u64,
    pub dataset: u64,
    pub keys: u64,
}

impl MemoryReport {
    /// Gathers the figures; also raises the recorded peak (as Redis does).
    pub fn gather(srv: &Server, sh: &mut Shared) -> MemoryReport {
        let used = crate::memory::used_memory();
        if used > sh.stats_peak_memory {
            sh.stats_peak_memory = used;
        }
        let (active, resident) = crate::memory::allocator_active_resident();
        let clients_normal: u64 = sh.clients.map.values().map(|c| 16384 + c.qbuf as u64 + c.omem as u64).sum();
        let mut db_overhead = vec![];
        let mut keys = 0u64;
        for (i, db) in sh.ks.dbs().iter().enumerate() {
            if db.is_empty() {
                continue;
            }
            keys += db.len() as u64;
            let main = db.dict().buckets() as u64 * 8 + db.len() as u64 * 24;
            let exp = db.expires() as u64;
            let expires = if exp == 0 { 0 } else { exp.next_power_of_two() * 8 + exp * 24 };
            db_overhead.push((i, main, expires));
        }
        let startup = srv.startup_memory;
        let overhead = startup + clients_normal + db_overhead.iter().map(|(_, a, b)| a + b).sum::<u64>();
        MemoryReport {
            used,
            peak: sh.stats_peak_memory,
            startup,
            rss: crate::memory::rss(),
            allocator_allocated: used,
            allocator_active: active,
            allocator_resident: resident,
            clients_normal,
            db_overhead,
            overhead,
            dataset: used.saturating_sub(overhead),
            keys,
        }
    }

    pub fn net_usage(&self) -> u64 {
        self.used.saturating_sub(self.startup).max(1)
    }

    pub fn dataset_perc(&self) -> f64 {
        self.dataset as f64 * 100.0 / self.net_usage() as f64
    }

    pub fn peak_perc(&self) -> f64 {
        self.used as f64 * 100.0 / self.peak.max(1) as f64
    }

    fn ratio(a: u64, b: u64) -> f64 {
        if b == 0 {
            0.0
        } else {
            a as f64 / b as f64
        }
    }

    pub fn allocator_frag(&self) -> (f64, i64) {
        (
            Self::ratio(self.allocator_active, self.allocator_allocated),
            self.allocator_active as i64 - self.allocator_allocated as i64,
        )
    }

    pub fn allocator_rss(&self) -> (f64, i64) {
        (
            Self::ratio(self.allocator_resident, self.allocator_active),
            self.allocator_resident as i64 - self.allocator_active as i64,
        )
    }

    pub fn rss_overhead(&self) -> (f64, i64) {
        (Self::ratio(self.rss, self.allocator_resident), self.rss as i64 - self.allocator_resident as i64)
    }

    pub fn fragmentation(&self) -> (f64, i64) {
        (Self::ratio(self.rss, self.used), self.rss as i64 - self.used as i64)
    }
}

fn total_system_memory() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let (pages, size) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
    if pages <= 0 || size <= 0 {
        0
    } else {
        pages as u64 * size as u64
    }
}

/// "jemalloc-5.3.0".
pub fn allocator_name() -> String {
    let v = tikv_jemalloc_ctl::version::read().unwrap_or("unknown");
    let v = v.split('-').next().unwrap_or(v);
    format!("jemalloc-{v}")
}

fn memory(w: &mut Section, srv: &Server, sh: &mut Shared) {
    let m = MemoryReport::gather(srv, sh);
    let sys = total_system_memory();
    let maxmemory = sh.config.maxmemory;
    let policy = crate::config::find_param("maxmemory-policy").map(|p| p.get(&sh.config)).unwrap_or_default();
    w.header("Memory");
    w.field("used_memory", m.used);
    w.field("used_memory_human", human_bytes(m.used));
    w.field("used_memory_rss", m.rss);
    w.field("used_memory_rss_human", human_bytes(m.rss));
    w.field("used_memory_peak", m.peak);
    w.field("used_memory_peak_human", human_bytes(m.peak));
    w.field("used_memory_peak_perc", format!("{:.2}%", m.peak_perc()));
    w.field("used_memory_overhead", m.overhead);
    w.field("used_memory_startup", m.startup);
    w.field("used_memory_dataset", m.dataset);
    w.field("used_memory_dataset_perc", format!("{:.2}%", m.dataset_perc()));
    w.field("allocator_allocated", m.allocator_allocated);
    w.field("allocator_active", m.allocator_active);
    w.field("allocator_resident", m.allocator_resident);
    w.field("total_system_memory", sys);
    w.field("total_system_memory_human", human_bytes(sys));
    // No scripting engine yet: nothing is used by it.
    w.field("used_memory_lua", 0);
    w.field("used_memory_vm_eval", 0);
    w.field("used_memory_lua_human", "0B");
    w.field("used_memory_scripts_eval", 0);
    w.field("number_of_cached_scripts", 0);
    w.field("number_of_functions", 0);
    w.field("number_of_libraries", 0);
    w.field("used_memory_vm_functions", 0);
    w.field("used_memory_vm_total", 0);
    w.field("used_memory_vm_total_human", "0B");
    w.field("used_memory_functions", 0);
    w.field("used_memory_scripts", 0);
    w.field("used_memory_scripts_human", "0B");
    w.field("maxmemory", maxmemory);
    w.field("maxmemory_human", human_bytes(maxmemory));
    w.field("maxmemory_policy", policy);
    let (r, b) = m.allocator_frag();
    w.field("allocator_frag_ratio", format!("{r:.2}"));
    w.field("allocator_frag_bytes", b);
    let (r, b) = m.allocator_rss();
    w.field("allocator_rss_ratio", format!("{r:.2}"));
    w.field("allocator_rss_bytes", b);
    let (r, b) = m.rss_overhead();
    w.field("rss_overhead_ratio", format!("{r:.2}"));
    w.field("rss_overhead_bytes", b);
    let (r, b) = m.fragmentation();
    w.field("mem_fragmentation_ratio", format!("{r:.2}"));
    w.field("mem_fragmentation_bytes", b);
    w.field("mem_not_counted_for_evict", 0);
    w.field("mem_replication_backlog", 0);
    w.field("mem_total_replication_buffers", 0);
    w.field("mem_clients_slaves", 0);
    w.field("mem_clients_normal", m.clients_normal);
    w.field("mem_cluster_links", 0);
    w.field("mem_aof_buffer", 0);
    w.field("mem_allocator", allocator_name());
    w.field("active_defrag_running", 0);
    w.field("lazyfree_pending_objects", crate::lazyfree::pending());
    w.field("lazyfreed_objects", crate::lazyfree::freed());
}

fn persistence(w: &mut Section, srv: &Server, sh: &Shared) {
    let _ = srv;
    let p = &sh.persist;
    let child_secs =
        |kind| p.child.as_ref().filter(|c| c.kind == kind).map(|c| c.started.elapsed().as_secs() as i64).unwrap_or(-1);
    let rdb_child = p.child_running(ChildKind::Rdb);
    let aof_child = p.child_running(ChildKind::Aof);
    w.header("Persistence");
    w.field("loading", p.loading.is_some() as u8);
    w.field("async_loading", 0);
    if let Some(l) = &p.loading {
        use std::sync::atomic::Ordering::Relaxed;
        let (total, loaded) = (l.total.load(Relaxed), l.loaded.load(Relaxed));
        let elapsed = l.started.elapsed().as_secs_f64();
        let perc = if total > 0 { loaded as f64 * 100.0 / total as f64 } else { 0.0 };
        let eta = if loaded > 0 && total > loaded { (total - loaded) as f64 * elapsed / loaded as f64 } else { 1.0 };
        w.field("loading_start_time", l.started_unix);
        w.field("loading_total_bytes", total);
        w.field("loading_rdb_used_mem", 0);
        w.field("loading_loaded_bytes", loaded);
        w.field("loading_loaded_perc", format!("{perc:.2}"));
        w.field("loading_eta_seconds", eta as u64);
    }
    w.field("current_cow_peak", 0);
    w.field("current_cow_size", 0);
    w.field("current_cow_size_age", 0);
    w.field("current_fork_perc", "0.00");
    w.field("current_save_keys_processed", 0);
    w.field("current_save_keys_total", 0);
    w.field("rdb_changes_since_last_save", sh.ks.dirty);
    w.field("rdb_bgsave_in_progress", rdb_child as u8);
    w.field("rdb_last_save_time", p.lastsave);
    w.field("rdb_last_bgsave_status", if p.lastbgsave_ok { "ok" } else { "err" });
    w.field("rdb_last_bgsave_time_sec", p.last_bgsave_secs);
    w.field("rdb_current_bgsave_time_sec", child_secs(ChildKind::Rdb));
    w.field("rdb_saves", p.rdb_saves);
    w.field("rdb_last_cow_size", 0);
    w.field("rdb_last_load_keys_expired", p.keys_expired_on_load);
    w.field("rdb_last_load_keys_loaded", p.keys_loaded);
    let a = &p.aof;
    w.field("aof_enabled", a.enabled() as u8);
    w.field("aof_rewrite_in_progress", aof_child as u8);
    w.field("aof_rewrite_scheduled", a.rewrite_scheduled as u8);
    w.field("aof_last_rewrite_time_sec", a.last_rewrite_secs);
    w.field("aof_current_rewrite_time_sec", child_secs(ChildKind::Aof));
    w.field("aof_last_bgrewrite_status", if a.last_rewrite_ok { "ok" } else { "err" });
    w.field("aof_rewrites", a.rewrites);
    w.field("aof_rewrites_consecutive_failures", a.consecutive_failures);
    w.field("aof_last_write_status", if a.last_write_ok { "ok" } else { "err" });
    w.field("aof_last_cow_size", 0);
    w.field("module_fork_in_progress", 0);
    w.field("module_fork_last_cow_size", 0);
    if a.enabled() {
        w.field("aof_current_size", a.current_size());
        w.field("aof_base_size", a.base_size);
        w.field("aof_pending_rewrite", a.rewrite_scheduled as u8);
        w.field("aof_buffer_length", 0);
        w.field("aof_pending_bio_fsync", 0);
        w.field("aof_delayed_fsync", a.delayed_fsync());
    }
}

fn stats(w: &mut Section, srv: &Server, sh: &Shared) {
    let st = &sh.stats;
    let ks = &sh.ks.stats;
    let kbps = |s: &[(u64, u64)]| format!("{:.2}", Stats::rate(s) as f64 / 1024.0);
    w.header("Stats");
    w.field("total_connections_received", st.total_connections_received);
    w.field("total_commands_processed", st.total_commands_processed);
    w.field("instantaneous_ops_per_sec", Stats::rate(&st.ops_samples));
    w.field("total_net_input_bytes", srv.net_input_bytes.load(Ordering::Relaxed));
    w.field("total_net_output_bytes", srv.net_output_bytes.load(Ordering::Relaxed));
    w.field("total_net_repl_input_bytes", 0);
    w.field("total_net_repl_output_bytes", 0);
    w.field("instantaneous_input_kbps", kbps(&st.net_samples_in));
    w.field("instantaneous_output_kbps", kbps(&st.net_samples_out));
    w.field("instantaneous_input_repl_kbps", "0.00");
    w.field("instantaneous_output_repl_kbps", "0.00");
    w.field("rejected_connections", st.rejected_connections);
    w.field("sync_full", 0);
    w.field("sync_partial_ok", 0);
    w.field("sync_partial_err", 0);
    w.field("expired_keys", ks.expired_keys);
    w.field("expired_stale_perc", format!("{:.2}", ks.expired_stale_perc));
    w.field("expired_time_cap_reached_count", ks.expired_time_cap_reached_count);
    w.field("expire_cycle_cpu_milliseconds", ks.expire_cycle_cpu_milliseconds);
    w.field("evicted_keys", ks.evicted_keys);
    w.field("evicted_clients", 0);
    w.field("total_eviction_exceeded_time", 0);
    w.field("current_eviction_exceeded_time", 0);
    w.field("keyspace_hits", ks.keyspace_hits);
    w.field("keyspace_misses", ks.keyspace_misses);
    w.field("pubsub_channels", sh.pubsub.channels.len());
    w.field("pubsub_patterns", sh.pubsub.patterns.len());
    w.field("pubsubshard_channels", sh.pubsub.shard_channels.len());
    w.field("latest_fork_usec", sh.persist.latest_fork_usec);
    w.field("total_forks", sh.persist.total_forks);
    w.field("migrate_cached_sockets", 0);
    w.field("slave_expires_tracked_keys", 0);
    w.field("active_defrag_hits", 0);
    w.field("active_defrag_misses", 0);
    w.field("active_defrag_key_hits", 0);
    w.field("active_defrag_key_misses", 0);
    w.field("total_active_defrag_time", 0);
    w.field("current_active_defrag_time", 0);
    w.field("tracking_total_keys", 0);
    w.field("tracking_total_items", 0);
    w.field("tracking_total_prefixes", 0);
    w.field("unexpected_error_replies", st.unexpected_error_replies);
    w.field("total_error_replies", st.total_error_replies);
    w.field("dump_payload_sanitizations", 0);
    w.field("io_threaded_reads_processed", 0);
    w.field("io_threaded_writes_processed", 0);
    w.field("client_query_buffer_limit_disconnections", st.query_limit_disconnections);
    w.field(
        "client_output_buffer_limit_disconnections",
        crate::client::OUTPUT_LIMIT_DISCONNECTIONS.load(std::sync::atomic::Ordering::Relaxed),
    );
}

fn replication(w: &mut Section) {
    w.header("Replication");
    w.field("role", "master");
    w.field("connected_slaves", 0);
    w.field("master_failover_state", "no-failover");
    w.field("master_replid", master_replid());
    w.field("master_replid2", "0000000000000000000000000000000000000000");
    w.field("master_repl_offset", 0);
    w.field("second_repl_offset", -1);
    w.field("repl_backlog_active", 0);
    w.field("repl_backlog_size", 1048576);
    w.field("repl_backlog_first_byte_offset", 0);
    w.field("repl_backlog_histlen", 0);
}

fn rusage(who: libc::c_int) -> (String, String) {
    // SAFETY: getrusage only writes into the struct we pass.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut ru);
        ru
    };
    let t = |tv: libc::timeval| format!("{}.{:06}", tv.tv_sec, tv.tv_usec);
    (t(ru.ru_stime), t(ru.ru_utime))
}

fn cpu(w: &mut Section) {
    let (sys, user) = rusage(libc::RUSAGE_SELF);
    let (csys, cuser) = rusage(libc::RUSAGE_CHILDREN);
    w.header("CPU");
    w.field("used_cpu_sys", sys);
    w.field("used_cpu_user", user);
    w.field("used_cpu_sys_children", csys);
    w.field("used_cpu_user_children", cuser);
}

fn commandstats(w: &mut Section, sh: &Shared) {
    w.header("Commandstats");
    for c in &registry().all {
        let st = &sh.stats.commands[c.idx];
        if st.calls == 0 && st.failed_calls == 0 && st.rejected_calls == 0 {
            continue;
        }
        let per = if st.calls == 0 { 0.0 } else { st.usec as f64 / st.calls as f64 };
        let _ = write!(
            w.out,
            "cmdstat_{}:calls={},usec={},usec_per_call={:.2},rejected_calls={},failed_calls={}\r\n",
            c.full_name, st.calls, st.usec, per, st.rejected_calls, st.failed_calls
        );
    }
}

fn errorstats(w: &mut Section, sh: &Shared) {
    w.header("Errorstats");
    for (code, n) in &sh.stats.errors {
        let _ = write!(w.out, "errorstat_{code}:count={n}\r\n");
    }
}

fn keyspace(w: &mut Section, sh: &Shared) {
    w.header("Keyspace");
    let now = sh.ks.now_ms;
    for (i, db) in sh.ks.dbs().iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        let _ = write!(w.out, "db{i}:keys={},expires={},avg_ttl={}\r\n", db.len(), db.expires(), db.avg_ttl(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(v: &[&str]) -> Vec<Bytes> {
        v.iter().map(|s| Bytes::copy_from_slice(s.as_bytes())).collect()
    }

    #[test]
    fn sections() {
        assert_eq!(select_sections(&[]), DEFAULT);
        assert_eq!(select_sections(&b(&["CPU", "server"])), vec!["server", "cpu"]);
        assert_eq!(select_sections(&b(&["foo"])), Vec::<&str>::new());
        assert_eq!(select_sections(&b(&["all"])), ORDER[..ORDER.len() - 1]);
        assert_eq!(select_sections(&b(&["everything"])), ORDER);
        assert_eq!(select_sections(&b(&["default", "commandstats"])).len(), DEFAULT.len() + 1);
        assert_eq!(select_sections(&b(&["module_list"])), vec!["modules"]);
    }

    #[test]
    fn human() {
        assert_eq!(human_bytes(0), "0B");
        assert_eq!(human_bytes(1023), "1023B");
        assert_eq!(human_bytes(1510352), "1.44M");
        assert_eq!(human_bytes(25276514304), "23.54G");
        assert_eq!(human_bytes(32768), "32.00K");
    }
}
