//! Server configuration under redis.conf names: the same table serves the
//! config file, command-line `--name value` pairs, CONFIG GET/SET and
//! CONFIG REWRITE, so existing habits and tools keep working.

use std::path::PathBuf;

use gears_store::notify;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Verbose,
    Notice,
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxmemoryPolicy {
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    Noeviction,
}

const POLICIES: &[(&str, MaxmemoryPolicy)] = &[
    ("volatile-lru", MaxmemoryPolicy::VolatileLru),
    ("volatile-lfu", MaxmemoryPolicy::VolatileLfu),
    ("volatile-random", MaxmemoryPolicy::VolatileRandom),
    ("volatile-ttl", MaxmemoryPolicy::VolatileTtl),
    ("allkeys-lru", MaxmemoryPolicy::AllkeysLru),
    ("allkeys-lfu", MaxmemoryPolicy::AllkeysLfu),
    ("allkeys-random", MaxmemoryPolicy::AllkeysRandom),
    ("noeviction", MaxmemoryPolicy::Noeviction),
];

/// Who may use protected configs / DEBUG (`enable-protected-configs`,
/// `enable-debug-command`): nobody, everybody, or local connections only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectedAction {
    No,
    Yes,
    Local,
}

const PROTECTED_ACTIONS: &[(&str, ProtectedAction)] =
    &[("no", ProtectedAction::No), ("yes", ProtectedAction::Yes), ("local", ProtectedAction::Local)];

/// Configs that CONFIG SET refuses unless `enable-protected-configs` allows it.
pub const PROTECTED_CONFIGS: &[&str] = &["dir", "dbfilename"];

const LOGLEVELS: &[(&str, LogLevel)] = &[
    ("debug", LogLevel::Debug),
    ("verbose", LogLevel::Verbose),
    ("notice", LogLevel::Notice),
    ("warning", LogLevel::Warning),
];

#[derive(Debug, Clone)]
pub struct Config {
    pub port: u16,
    pub bind: Vec<String>,
    pub protected_mode: bool,
    pub requirepass: Option<Vec<u8>>,
    pub databases: usize,
    pub dir: PathBuf,
    pub logfile: String,
    pub loglevel: LogLevel,
    pub maxclients: u64,
    pub timeout: u64,
    pub tcp_keepalive: u64,
    pub proto_max_bulk_len: u64,
    /// Largest sparse HyperLogLog (bytes, header included) before it turns dense.
    pub hll_sparse_max_bytes: u64,
    pub client_query_buffer_limit: u64,
    pub maxmemory: u64,
    pub maxmemory_policy: MaxmemoryPolicy,
    pub maxmemory_samples: u64,
    pub notify_keyspace_events: u32,
    pub hz: u64,
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: u64,
    pub latency_monitor_threshold: u64,
    pub lfu_log_factor: u64,
    pub lfu_decay_time: u64,
    pub daemonize: bool,
    pub pidfile: String,
    pub active_expire_enabled: bool,
    /// Hashes up to this many fields use the compact listpack encoding.
    pub hash_max_listpack_entries: u64,
    /// ... and fields and values up to this many bytes.
    pub hash_max_listpack_value: u64,
    pub enable_protected_configs: ProtectedAction,
    pub enable_debug_command: ProtectedAction,
    /// Event-loop threads: 1 = a single-threaded runtime, as Redis's main thread.
    pub io_threads: u64,
    /// client-output-buffer-limit per class (normal, replica, pubsub).
    pub output_limits: [OutputLimit; 3],
    /// Set encodings (Redis 7.2+): intset / listpack limits.
    pub set_max_intset_entries: u64,
    pub set_max_listpack_entries: u64,
    pub set_max_listpack_value: u64,
    /// Gears settings as RedisGears module arguments (`Name value ...`), from
    /// `gears-config` lines or a `loadmodule .../redisgears.so ...` line.
    pub gears_args: Vec<String>,
    /// List node limit: negative = bytes (-1: 4 KB .. -5: 64 KB), positive = elements.
    pub list_max_listpack_size: i32,
    /// Accepted for compatibility; list nodes are not compressed.
    pub list_compress_depth: i32,
    /// Sorted sets up to this many members keep the compact (listpack) encoding.
    pub zset_max_listpack_entries: u64,
    /// ... and members up to this many bytes.
    pub zset_max_listpack_value: u64,
    /// `save` points: BGSAVE after `secs` seconds if at least `changes` writes.
    pub save_points: Vec<(u64, u64)>,
    /// Set once a config file line sets `save`: later lines add points
    /// instead of replacing the defaults (as redis.conf does).
    pub save_from_file: bool,
    pub dbfilename: String,
    pub rdbcompression: bool,
    pub rdbchecksum: bool,
    pub stop_writes_on_bgsave_error: bool,
    pub appendonly: bool,
    pub appendfilename: String,
    pub appenddirname: String,
    pub appendfsync: AppendFsync,
    pub no_appendfsync_on_rewrite: bool,
    pub auto_aof_rewrite_percentage: u64,
    pub auto_aof_rewrite_min_size: u64,
    pub aof_load_truncated: bool,
    pub aof_use_rdb_preamble: bool,
    /// Accepted for compatibility: files are fsynced when complete.
    pub aof_rewrite_incremental_fsync: bool,
    pub rdb_save_incremental_fsync: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendFsync {
    Always,
    EverySec,
    No,
}

const APPENDFSYNC: &[(&str, AppendFsync)] =
    &[("always", AppendFsync::Always), ("everysec", AppendFsync::EverySec), ("no", AppendFsync::No)];

/// The `save` value as CONFIG GET shows it: "3600 1 300 100".
fn save_text(c: &Config) -> String {
    c.save_points.iter().map(|(s, n)| format!("{s} {n}")).collect::<Vec<_>>().join(" ")
}

/// Parses `secs changes [secs changes ...]` ("" = no save points).
fn parse_save(v: &str) -> Result<Vec<(u64, u64)>, String> {
    let words: Vec<&str> = v.split_whitespace().collect();
    if !words.len().is_multiple_of(2) {
        return Err("Invalid save parameters".into());
    }
    words
        .chunks(2)
        .map(|p| match (p[0].parse::<i64>(), p[1].parse::<i64>()) {
            (Ok(s), Ok(n)) if s >= 1 && n >= 0 => Ok((s as u64, n as u64)),
            _ => Err("Invalid save parameters".to_string()),
        })
        .collect()
}

/// A file name setting that must not be a path.
fn base_name(v: &str, what: &str) -> Result<String, String> {
    if v.contains('/') || v.is_empty() || v == "." || v == ".." {
        return Err(format!("{what} can't be a path, just a filename"));
    }
    Ok(v.to_string())
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 6379,
            bind: vec!["*".into(), "-::*".into()],
            protected_mode: true,
            requirepass: None,
            databases: 16,
            dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            logfile: String::new(),
            loglevel: LogLevel::Notice,
            maxclients: 10000,
            timeout: 0,
            tcp_keepalive: 300,
            proto_max_bulk_len: 512 * 1024 * 1024,
            hll_sparse_max_bytes: 3000,
            client_query_buffer_limit: 1024 * 1024 * 1024,
            maxmemory: 0,
            maxmemory_policy: MaxmemoryPolicy::Noeviction,
            maxmemory_samples: 5,
            notify_keyspace_events: 0,
            hz: 10,
            slowlog_log_slower_than: 10000,
            slowlog_max_len: 128,
            latency_monitor_threshold: 0,
            lfu_log_factor: 10,
            lfu_decay_time: 1,
            daemonize: false,
            pidfile: String::new(),
            active_expire_enabled: true,
            hash_max_listpack_entries: 128,
            hash_max_listpack_value: 64,
            io_threads: 1,
            output_limits: [
                OutputLimit { hard: 0, soft: 0, soft_secs: 0 },
                OutputLimit { hard: 256 << 20, soft: 64 << 20, soft_secs: 60 },
                OutputLimit { hard: 32 << 20, soft: 8 << 20, soft_secs: 60 },
            ],
            set_max_intset_entries: 512,
            set_max_listpack_entries: 128,
            set_max_listpack_value: 64,
            enable_protected_configs: ProtectedAction::No,
            enable_debug_command: ProtectedAction::No,
            list_max_listpack_size: -2,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            list_compress_depth: 0,
            gears_args: Vec::new(),
            save_points: vec![(3600, 1), (300, 100), (60, 10000)],
            save_from_file: false,
            dbfilename: "dump.rdb".into(),
            rdbcompression: true,
            rdbchecksum: true,
            stop_writes_on_bgsave_error: true,
            appendonly: false,
            appendfilename: "appendonly.aof".into(),
            appenddirname: "appendonlydir".into(),
            appendfsync: AppendFsync::EverySec,
            no_appendfsync_on_rewrite: false,
            auto_aof_rewrite_percentage: 100,
            auto_aof_rewrite_min_size: 64 << 20,
            aof_load_truncated: true,
            aof_use_rdb_preamble: true,
            aof_rewrite_incremental_fsync: true,
            rdb_save_incremental_fsync: true,
        }
    }
}

/// A client-output-buffer-limit class: disconnect when pending output is over
/// `hard`, or over `soft` for `soft_secs` seconds (0 = no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_secs: u64,
}

/// The index of a client class in `Config::output_limits`.
pub const CLASS_NORMAL: usize = 0;
pub const CLASS_PUBSUB: usize = 2;
const CLASS_NAMES: [&str; 3] = ["normal", "slave", "pubsub"];

fn output_limits_text(c: &Config) -> String {
    let parts: Vec<String> = CLASS_NAMES
        .iter()
        .zip(c.output_limits.iter())
        .map(|(n, l)| format!("{n} {} {} {}", l.hard, l.soft, l.soft_secs))
        .collect();
    parts.join(" ")
}

/// Parses `class hard soft seconds` groups; only the classes given change.
fn set_output_limits(c: &mut Config, v: &str) -> Result<(), String> {
    let words: Vec<&str> = v.split_whitespace().collect();
    if !words.len().is_multiple_of(4) {
        return Err("Wrong number of arguments in buffer limit configuration.".into());
    }
    let mut limits = c.output_limits;
    for g in words.chunks(4) {
        let class = match g[0].to_ascii_lowercase().as_str() {
            "normal" => CLASS_NORMAL,
            "slave" | "replica" => 1,
            "pubsub" => CLASS_PUBSUB,
            _ => return Err("Invalid client class specified in buffer limit configuration.".into()),
        };
        let hard = parse_memory(g[1]);
        let soft = parse_memory(g[2]);
        let secs = g[3].parse::<u64>().ok();
        let (Some(hard), Some(soft), Some(soft_secs)) = (hard, soft, secs) else {
            return Err("Error in hard, soft or soft_seconds setting in buffer limit configuration.".into());
        };
        limits[class] = OutputLimit { hard, soft, soft_secs };
    }
    c.output_limits = limits;
    Ok(())
}

/// Appends Gears settings, checked the way the engine will apply them.
fn set_gears_args(c: &mut Config, v: &str) -> Result<(), String> {
    let mut all = c.gears_args.clone();
    all.extend(v.split_whitespace().map(str::to_string));
    gears_engine::GearsConfig::default().apply_startup(&all)?;
    c.gears_args = all;
    Ok(())
}

/// One configuration parameter: how to read it, write it, and whether it may
/// change at runtime.
pub struct Param {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub mutable: bool,
    get: fn(&Config) -> String,
    set: fn(&mut Config, &str) -> Result<(), String>,
}

impl Param {
    pub fn get(&self, c: &Config) -> String {
        (self.get)(c)
    }
    pub fn set(&self, c: &mut Config, v: &str) -> Result<(), String> {
        (self.set)(c, v)
    }
}

/// strerror-style text of an I/O error ("No such file or directory"), as
/// Redis words its errors, without Rust's " (os error N)" suffix.
pub fn os_error_text(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

fn parse_bool(v: &str) -> Result<bool, String> {
    match v.to_ascii_lowercase().as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err("argument must be 'yes' or 'no'".into()),
    }
}

fn parse_int(v: &str, min: i64, max: i64) -> Result<i64, String> {
    let n: i64 = v.parse().map_err(|_| "argument couldn't be parsed into an integer".to_string())?;
    if n < min || n > max {
        return Err(format!("argument must be between {min} and {max} inclusive"));
    }
    Ok(n)
}

/// Parses a memory value: plain bytes or with k/kb/m/mb/g/gb (case-insensitive),
/// as Redis's memtoull does.
pub fn parse_memory(v: &str) -> Option<u64> {
    let l = v.to_ascii_lowercase();
    let (num, mul) = [
        ("gb", 1u64 << 30),
        ("mb", 1 << 20),
        ("kb", 1 << 10),
        ("g", 1_000_000_000),
        ("m", 1_000_000),
        ("k", 1000),
        ("b", 1),
    ]
    .iter()
    .find_map(|(suf, m)| l.strip_suffix(suf).map(|n| (n, *m)))
    .unwrap_or((l.as_str(), 1));
    if num.is_empty() || !num.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    num.parse::<u64>().ok()?.checked_mul(mul)
}

fn parse_mem_range(v: &str, min: u64, max: u64) -> Result<u64, String> {
    let n = parse_memory(v).ok_or_else(|| "argument must be a memory value".to_string())?;
    if n < min || n > max {
        return Err(format!("argument must be between {min} and {max} inclusive"));
    }
    Ok(n)
}

fn parse_enum<T: Copy>(v: &str, table: &[(&str, T)]) -> Result<T, String> {
    let l = v.to_ascii_lowercase();
    table.iter().find(|(n, _)| *n == l).map(|(_, t)| *t).ok_or_else(|| {
        let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
        format!("argument(s) must be one of the following: {}", names.join(", "))
    })
}

fn enum_name<T: Copy + PartialEq>(v: T, table: &[(&'static str, T)]) -> String {
    table.iter().find(|(_, t)| *t == v).map(|(n, _)| *n).unwrap_or("").to_string()
}

const INT_MAX: i64 = i32::MAX as i64;
const LONG_MAX: u64 = i64::MAX as u64;

macro_rules! int_param {
    ($name:literal, $field:ident, $min:expr, $max:expr, $mutable:expr) => {
        Param {
            name: $name,
            alias: None,
            mutable: $mutable,
            get: |c| c.$field.to_string(),
            set: |c, v| {
                c.$field = parse_int(v, $min, $max)? as _;
                Ok(())
            },
        }
    };
}

macro_rules! mem_param {
    ($name:literal, $field:ident, $min:expr, $max:expr) => {
        Param {
            name: $name,
            alias: None,
            mutable: true,
            get: |c| c.$field.to_string(),
            set: |c, v| {
                c.$field = parse_mem_range(v, $min, $max)?;
                Ok(())
            },
        }
    };
}

macro_rules! bool_param {
    ($name:literal, $field:ident, $mutable:expr) => {
        Param {
            name: $name,
            alias: None,
            mutable: $mutable,
            get: |c| yes_no(c.$field),
            set: |c, v| {
                c.$field = parse_bool(v)?;
                Ok(())
            },
        }
    };
}

macro_rules! protected_param {
    ($name:literal, $field:ident) => {
        Param {
            name: $name,
            alias: None,
            mutable: false,
            get: |c| enum_name(c.$field, PROTECTED_ACTIONS),
            set: |c, v| {
                c.$field = parse_enum(v, PROTECTED_ACTIONS)?;
                Ok(())
            },
        }
    };
}

pub static PARAMS: &[Param] = &[
    int_param!("port", port, 0, 65535, false),
    Param {
        name: "bind",
        alias: None,
        mutable: false,
        get: |c| c.bind.join(" "),
        set: |c, v| {
            let addrs: Vec<String> = v.split_whitespace().map(String::from).collect();
            if addrs.is_empty() {
                return Err("Too many bind addresses specified.".into());
            }
            c.bind = addrs;
            Ok(())
        },
    },
    bool_param!("protected-mode", protected_mode, true),
    Param {
        name: "requirepass",
        alias: None,
        mutable: true,
        get: |c| c.requirepass.as_ref().map(|p| String::from_utf8_lossy(p).into_owned()).unwrap_or_default(),
        set: |c, v| {
            c.requirepass = if v.is_empty() { None } else { Some(v.as_bytes().to_vec()) };
            Ok(())
        },
    },
    int_param!("databases", databases, 1, INT_MAX, false),
    Param {
        name: "dir",
        alias: None,
        mutable: true,
        get: |c| c.dir.display().to_string(),
        set: |c, v| {
            std::env::set_current_dir(v).map_err(|e| os_error_text(&e))?;
            c.dir = std::env::current_dir().map_err(|e| os_error_text(&e))?;
            Ok(())
        },
    },
    Param {
        name: "logfile",
        alias: None,
        mutable: false,
        get: |c| c.logfile.clone(),
        set: |c, v| {
            c.logfile = v.to_string();
            Ok(())
        },
    },
    Param {
        name: "loglevel",
        alias: None,
        mutable: true,
        get: |c| enum_name(c.loglevel, LOGLEVELS),
        set: |c, v| {
            c.loglevel = parse_enum(v, LOGLEVELS)?;
            Ok(())
        },
    },
    int_param!("maxclients", maxclients, 1, INT_MAX, true),
    int_param!("io-threads", io_threads, 1, 128, false),
    Param {
        name: "client-output-buffer-limit",
        alias: None,
        mutable: true,
        get: output_limits_text,
        set: set_output_limits,
    },
    Param { name: "gears-config", alias: None, mutable: false, get: |c| c.gears_args.join(" "), set: set_gears_args },
    Param {
        name: "loadmodule",
        alias: None,
        mutable: false,
        get: |_| String::new(),
        set: |c, v| {
            // Existing redis.conf files load RedisGears as a module: its
            // arguments become our Gears settings. Nothing else can be loaded.
            let mut words = v.split_whitespace();
            let path = words.next().unwrap_or("");
            if !path.to_ascii_lowercase().contains("redisgears") {
                return Err(format!("Module {path} failed to load: only RedisGears is built in"));
            }
            set_gears_args(c, &words.collect::<Vec<_>>().join(" "))
        },
    },
    int_param!("timeout", timeout, 0, INT_MAX, true),
    int_param!("tcp-keepalive", tcp_keepalive, 0, INT_MAX, true),
    mem_param!("proto-max-bulk-len", proto_max_bulk_len, 1024 * 1024, LONG_MAX),
    mem_param!("hll-sparse-max-bytes", hll_sparse_max_bytes, 0, LONG_MAX),
    mem_param!("client-query-buffer-limit", client_query_buffer_limit, 1024 * 1024, LONG_MAX),
    mem_param!("maxmemory", maxmemory, 0, u64::MAX),
    Param {
        name: "maxmemory-policy",
        alias: None,
        mutable: true,
        get: |c| enum_name(c.maxmemory_policy, POLICIES),
        set: |c, v| {
            c.maxmemory_policy = parse_enum(v, POLICIES)?;
            Ok(())
        },
    },
    int_param!("maxmemory-samples", maxmemory_samples, 1, 64, true),
    Param {
        name: "notify-keyspace-events",
        alias: None,
        mutable: true,
        get: |c| notify::flags_to_string(c.notify_keyspace_events),
        set: |c, v| {
            c.notify_keyspace_events = notify::parse_flags(v.as_bytes())
                .ok_or_else(|| "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".to_string())?;
            Ok(())
        },
    },
    Param {
        name: "hz",
        alias: None,
        mutable: true,
        get: |c| c.hz.to_string(),
        set: |c, v| {
            // Redis accepts any non-negative int and clamps it to 1..=500.
            c.hz = parse_int(v, 0, INT_MAX)?.clamp(1, 500) as u64;
            Ok(())
        },
    },
    Param {
        name: "slowlog-log-slower-than",
        alias: None,
        mutable: true,
        get: |c| c.slowlog_log_slower_than.to_string(),
        set: |c, v| {
            c.slowlog_log_slower_than = parse_int(v, -1, i64::MAX)?;
            Ok(())
        },
    },
    int_param!("slowlog-max-len", slowlog_max_len, 0, i64::MAX, true),
    int_param!("latency-monitor-threshold", latency_monitor_threshold, 0, i64::MAX, true),
    int_param!("lfu-log-factor", lfu_log_factor, 0, INT_MAX, true),
    int_param!("lfu-decay-time", lfu_decay_time, 0, INT_MAX, true),
    bool_param!("daemonize", daemonize, false),
    Param {
        name: "pidfile",
        alias: None,
        mutable: false,
        get: |c| c.pidfile.clone(),
        set: |c, v| {
            c.pidfile = v.to_string();
            Ok(())
        },
    },
    Param {
        name: "hash-max-listpack-entries",
        alias: Some("hash-max-ziplist-entries"),
        mutable: true,
        get: |c| c.hash_max_listpack_entries.to_string(),
        set: |c, v| {
            c.hash_max_listpack_entries = parse_int(v, 0, i64::MAX)? as u64;
            Ok(())
        },
    },
    Param {
        name: "hash-max-listpack-value",
        alias: Some("hash-max-ziplist-value"),
        mutable: true,
        get: |c| c.hash_max_listpack_value.to_string(),
        set: |c, v| {
            c.hash_max_listpack_value = parse_mem_range(v, 0, LONG_MAX)?;
            Ok(())
        },
    },
    Param {
        name: "list-max-listpack-size",
        alias: Some("list-max-ziplist-size"),
        mutable: true,
        get: |c| c.list_max_listpack_size.to_string(),
        set: |c, v| {
            c.list_max_listpack_size = parse_int(v, i32::MIN as i64, INT_MAX)? as i32;
            Ok(())
        },
    },
    int_param!("list-compress-depth", list_compress_depth, 0, INT_MAX, true),
    Param {
        name: "zset-max-listpack-entries",
        alias: Some("zset-max-ziplist-entries"),
        mutable: true,
        get: |c| c.zset_max_listpack_entries.to_string(),
        set: |c, v| {
            c.zset_max_listpack_entries = parse_int(v, 0, i64::MAX)? as u64;
            Ok(())
        },
    },
    Param {
        name: "zset-max-listpack-value",
        alias: Some("zset-max-ziplist-value"),
        mutable: true,
        get: |c| c.zset_max_listpack_value.to_string(),
        set: |c, v| {
            c.zset_max_listpack_value = parse_mem_range(v, 0, LONG_MAX)?;
            Ok(())
        },
    },
    protected_param!("enable-protected-configs", enable_protected_configs),
    protected_param!("enable-debug-command", enable_debug_command),
    int_param!("set-max-intset-entries", set_max_intset_entries, 0, i64::MAX, true),
    int_param!("set-max-listpack-entries", set_max_listpack_entries, 0, i64::MAX, true),
    int_param!("set-max-listpack-value", set_max_listpack_value, 0, i64::MAX, true),
    Param {
        name: "save",
        alias: None,
        mutable: true,
        get: save_text,
        set: |c, v| {
            c.save_points = parse_save(v)?;
            Ok(())
        },
    },
    Param {
        name: "dbfilename",
        alias: None,
        mutable: true,
        get: |c| c.dbfilename.clone(),
        set: |c, v| {
            c.dbfilename = base_name(v, "dbfilename")?;
            Ok(())
        },
    },
    bool_param!("rdbcompression", rdbcompression, true),
    bool_param!("rdbchecksum", rdbchecksum, false),
    bool_param!("stop-writes-on-bgsave-error", stop_writes_on_bgsave_error, true),
    bool_param!("appendonly", appendonly, true),
    Param {
        name: "appendfilename",
        alias: None,
        mutable: false,
        get: |c| c.appendfilename.clone(),
        set: |c, v| {
            c.appendfilename = base_name(v, "appendfilename")?;
            Ok(())
        },
    },
    Param {
        name: "appenddirname",
        alias: None,
        mutable: false,
        get: |c| c.appenddirname.clone(),
        set: |c, v| {
            c.appenddirname =
                base_name(v, "appenddirname").map_err(|_| "appenddirname can't be a path, just a dirname")?;
            Ok(())
        },
    },
    Param {
        name: "appendfsync",
        alias: None,
        mutable: true,
        get: |c| enum_name(c.appendfsync, APPENDFSYNC),
        set: |c, v| {
            c.appendfsync = parse_enum(v, APPENDFSYNC)?;
            Ok(())
        },
    },
    bool_param!("no-appendfsync-on-rewrite", no_appendfsync_on_rewrite, true),
    int_param!("auto-aof-rewrite-percentage", auto_aof_rewrite_percentage, 0, INT_MAX, true),
    mem_param!("auto-aof-rewrite-min-size", auto_aof_rewrite_min_size, 0, LONG_MAX),
    bool_param!("aof-load-truncated", aof_load_truncated, true),
    bool_param!("aof-use-rdb-preamble", aof_use_rdb_preamble, true),
    bool_param!("aof-rewrite-incremental-fsync", aof_rewrite_incremental_fsync, true),
    bool_param!("rdb-save-incremental-fsync", rdb_save_incremental_fsync, true),
];

pub fn find_param(name: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.name.eq_ignore_ascii_case(name) || p.alias.is_some_and(|a| a.eq_ignore_ascii_case(name)))
}

/// A configuration line that could not be applied at startup.
#[derive(Debug)]
pub struct ConfigError {
    pub line_no: usize,
    pub line: String,
    pub msg: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "\n*** FATAL CONFIG FILE ERROR (gears-server {}) ***\nReading the configuration file, at line {}\n>>> '{}'\n{}",
            env!("CARGO_PKG_VERSION"),
            self.line_no,
            self.line,
            self.msg
        )
    }
}

/// Splits a config line into words with the inline-command quoting rules.
fn split_line(line: &str) -> Option<Vec<String>> {
    gears_resp::split_args(line.as_bytes())
        .map(|v| v.into_iter().map(|b| String::from_utf8_lossy(&b).into_owned()).collect())
}

/// Applies one `name arg...` directive to `c`.
fn apply(c: &mut Config, words: &[String]) -> Result<(), String> {
    let Some(p) = find_param(&words[0]) else {
        return Err("Bad directive or wrong number of arguments".into());
    };
    if words.len() < 2 {
        return Err("Bad directive or wrong number of arguments".into());
    }
    // Only these take several words on one config line (as in redis.conf).
    if words.len() > 2
        && !matches!(p.name, "bind" | "client-output-buffer-limit" | "gears-config" | "loadmodule" | "save")
    {
        return Err("wrong number of arguments".into());
    }
    if p.name == "save" {
        // The first `save` line replaces the defaults, later ones add points;
        // `save ""` clears them.
        let points = parse_save(&words[1..].join(" "))?;
        if !c.save_from_file || points.is_empty() {
            c.save_points.clear();
        }
        c.save_from_file = true;
        c.save_points.extend(points);
        return Ok(());
    }
    p.set(c, &words[1..].join(" "))
}

/// Loads the config text (file contents, then command-line options appended
/// as lines, the way redis-server does it).
pub fn load(text: &str) -> Result<Config, ConfigError> {
    let mut c = Config::default();
    load_into(&mut c, text)?;
    Ok(c)
}

fn load_into(c: &mut Config, text: &str) -> Result<(), ConfigError> {
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |msg: String| ConfigError { line_no: i + 1, line: line.to_string(), msg };
        let words = split_line(line).ok_or_else(|| err("Unbalanced quotes in configuration line".into()))?;
        if words.is_empty() {
            continue;
        }
        if words[0].eq_ignore_ascii_case("include") {
            if words.len() != 2 {
                return Err(err("Bad directive or wrong number of arguments".into()));
            }
            let inc = std::fs::read_to_string(&words[1])
                .map_err(|e| err(format!("Fatal error, can't open config file '{}': {e}", words[1])))?;
            load_into(c, &inc)?;
            continue;
        }
        apply(c, &words).map_err(err)?;
    }
    Ok(())
}

/// Turns `--port 7000 --save "" --bind a b` into config lines, like redis-server.
pub fn args_to_text(args: &[String]) -> String {
    let mut out = String::new();
    let mut first = true;
    for a in args {
        if let Some(name) = a.strip_prefix("--") {
            if !first {
                out.push('\n');
            }
            out.push_str(name);
            first = false;
        } else {
            out.push(' ');
            out.push_str(&quote(a));
        }
    }
    out.push('\n');
    out
}

/// Quotes a value for a config line when it needs it.
pub fn quote(v: &str) -> String {
    if !v.is_empty() && !v.bytes().any(|c| c.is_ascii_whitespace() || c == b'"' || c == b'\'' || c == b'\\') {
        return v.to_string();
    }
    let mut s = String::from("\"");
    for ch in v.chars() {
        match ch {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// CONFIG REWRITE: rewrites `path` keeping its comments and order, replacing
/// each known directive with the current value and appending the options that
/// differ from the defaults and were not in the file.
pub fn rewrite(path: &std::path::Path, c: &Config) -> std::io::Result<()> {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let defaults = Config::default();
    let mut done = std::collections::HashSet::new();
    let mut out = String::new();
    const MARK: &str = "# Generated by CONFIG REWRITE";
    for line in old.lines() {
        let t = line.trim();
        if t == MARK {
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let words = split_line(t).unwrap_or_default();
        let Some(p) = words.first().and_then(|w| find_param(w)) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        if done.insert(p.name) {
            out.push_str(&directive(p, c));
            out.push('\n');
        }
    }
    let mut extra = String::new();
    for p in PARAMS {
        if done.contains(p.name) || p.name == "dir" {
            continue;
        }
        if p.get(c) != p.get(&defaults) {
            extra.push_str(&directive(p, c));
            extra.push('\n');
        }
    }
    if !extra.is_empty() {
        out.push_str(MARK);
        out.push('\n');
        out.push_str(&extra);
    }
    let tmp = path.with_extension("rewrite.tmp");
    std::fs::write(&tmp, out)?;
    std::fs::rename(&tmp, path)
}

fn directive(p: &Param, c: &Config) -> String {
    let v = p.get(c);
    if p.name == "bind" || (p.name == "save" && !v.is_empty()) {
        return format!("{} {v}", p.name);
    }
    format!("{} {}", p.name, quote(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_file_and_args() {
        let text = "# comment\nport 7000\nmaxmemory 100mb\n".to_string()
            + &args_to_text(&["--port".into(), "7001".into(), "--bind".into(), "127.0.0.1".into(), "::1".into()]);
        let c = load(&text).unwrap();
        assert_eq!(c.port, 7001);
        assert_eq!(c.maxmemory, 100 << 20);
        assert_eq!(c.bind, vec!["127.0.0.1", "::1"]);
    }

    #[test]
    fn errors_name_the_option() {
        let e = load("port abc\n").unwrap_err();
        assert_eq!(e.msg, "argument couldn't be parsed into an integer");
        assert_eq!(e.line, "port abc");
        let e = load("\nfoo bar\n").unwrap_err();
        assert_eq!(e.line_no, 2);
        assert_eq!(e.msg, "Bad directive or wrong number of arguments");
        assert!(load("maxmemory-policy nope")
            .unwrap_err()
            .msg
            .starts_with("argument(s) must be one of the following: volatile-lru"));
    }

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory("1gb"), Some(1 << 30));
        assert_eq!(parse_memory("1k"), Some(1000));
        assert_eq!(parse_memory("12"), Some(12));
        assert_eq!(parse_memory("x"), None);
        assert_eq!(parse_memory("-1"), None);
    }
}
