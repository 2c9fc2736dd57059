//! Server and administration commands: INFO, CONFIG, COMMAND, TIME, SLOWLOG,
//! MONITOR, SHUTDOWN, DEBUG, LATENCY, MEMORY.

use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use gears_resp::{sanitize, ErrorReply, Reply};
use gears_store::glob::glob_match;
use gears_store::{Entry, Str, Value};

use crate::args::{eq_ic, lossy, parse_i64};
use crate::command::{command_docs, command_info, flags::*, registry, CommandRef, CommandSpec, Keys};
use crate::config::{find_param, Param, ProtectedAction, PARAMS, PROTECTED_CONFIGS};
use crate::dispatch::Ctx;
use crate::info::{self, MemoryReport};
use crate::state::unix_us;

const SRV: &str = "server";

/// Redis's reply when a subcommand gets the wrong arguments inside a handler.
fn subcommand_syntax(args: &[Bytes]) -> Reply {
    ErrorReply::err(format_args!(
        "unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
        sanitize(&args[1], 128),
        String::from_utf8_lossy(&args[0]).to_ascii_uppercase()
    ))
    .into()
}

fn verbatim(text: String) -> Reply {
    Reply::Verbatim("txt", Bytes::from(text))
}

/// No reply at all (the connection is closing, or Redis stays silent).
fn no_reply() -> Reply {
    Reply::Raw(Bytes::new())
}

// ---- INFO ------------------------------------------------------------------

fn info_cmd(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let sections = info::select_sections(&args[1..]);
    let text = info::render(ctx.srv, ctx.sh, ctx.client, &sections);
    verbatim(text)
}

// ---- CONFIG ----------------------------------------------------------------

/// Redis's allowProtectedAction: `yes`, or `local` from a loopback client.
fn allowed(setting: ProtectedAction, client: &crate::client::Client) -> bool {
    match setting {
        ProtectedAction::Yes => true,
        ProtectedAction::No => false,
        ProtectedAction::Local => client.addr.parse::<std::net::SocketAddr>().is_ok_and(|a| match a.ip() {
            std::net::IpAddr::V4(ip) => ip.is_loopback(),
            std::net::IpAddr::V6(ip) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        }),
    }
}

fn config_get(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    // (name as reported, parameter), deduplicated case-insensitively like Redis.
    let mut found: Vec<(String, &'static Param)> = Vec::new();
    for pat in &args[2..] {
        let is_glob = pat.iter().any(|c| matches!(c, b'*' | b'?' | b'['));
        if !is_glob {
            let name = lossy(pat).into_owned();
            if found.iter().any(|(k, _)| k.eq_ignore_ascii_case(&name)) {
                continue;
            }
            if let Some(p) = find_param(&name) {
                found.push((name, p));
            }
            continue;
        }
        for p in PARAMS {
            for name in std::iter::once(p.name).chain(p.alias) {
                if found.iter().any(|(k, _)| k.eq_ignore_ascii_case(p.name)) {
                    continue;
                }
                if glob_match(pat, name.as_bytes(), true) {
                    found.push((name.to_string(), p));
                }
            }
        }
    }
    let c = &ctx.sh.config;
    Reply::Map(found.into_iter().map(|(k, p)| (Reply::bulk_str(&k), Reply::bulk_str(&p.get(c)))).collect())
}

fn config_set(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    // Name/value pairs after "CONFIG SET".
    if args.len() & 1 == 1 {
        return ErrorReply::syntax().into();
    }
    // First pass, as Redis: names must exist, be mutable and appear once.
    // The first problem found is the one reported.
    let mut chosen: Vec<(&'static Param, String)> = Vec::new();
    for pair in args[2..].chunks(2) {
        let name = lossy(&pair[0]);
        let Some(p) = find_param(&name) else {
            return ErrorReply::err(format_args!("Unknown option or number of arguments for CONFIG SET - '{name}'"))
                .into();
        };
        let reason = if !p.mutable {
            Some("can't set immutable config")
        } else if PROTECTED_CONFIGS.contains(&p.name) && !allowed(ctx.sh.config.enable_protected_configs, ctx.client) {
            Some("can't set protected config")
        } else if chosen.iter().any(|(q, _)| std::ptr::eq(*q, p)) {
            Some("duplicate parameter")
        } else {
            None
        };
        if let Some(reason) = reason {
            return ErrorReply::err(format_args!(
                "CONFIG SET failed (possibly related to argument '{name}') - {reason}"
            ))
            .into();
        }
        chosen.push((p, lossy(&pair[1]).into_owned()));
    }
    // Then set them all on a copy: all or nothing.
    let old = ctx.sh.config.clone();
    let mut new = old.clone();
    for (p, v) in &chosen {
        if let Err(reason) = p.set(&mut new, v) {
            if new.dir != old.dir {
                // `dir` changes the working directory as it is set: undo that.
                let _ = std::env::set_current_dir(&old.dir);
            }
            return ErrorReply::err(format_args!(
                "CONFIG SET failed (possibly related to argument '{}') - {reason}",
                p.name
            ))
            .into();
        }
    }
    ctx.sh.config = new;
    if chosen.iter().any(|(p, _)| matches!(p.name, "appendonly" | "appendfsync"))
        && crate::persist::appendonly::config_changed(ctx.srv, ctx.sh).is_err()
    {
        ctx.sh.config.appendonly = false;
        return ErrorReply::new_static(
            "ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. Check server logs.",
        )
        .into();
    }
    let c = &ctx.sh.config;
    ctx.srv.logger.set_level(c.loglevel);
    let maxmemory = c.maxmemory;
    ctx.sh.apply_runtime_config();
    if maxmemory > 0 && chosen.iter().any(|(p, _)| p.name == "maxmemory") {
        let used = crate::memory::used_memory();
        if maxmemory < used {
            ctx.srv.logger.warning(&format!(
                "WARNING: the new maxmemory value set via CONFIG SET ({maxmemory}) is smaller than the current memory usage ({used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy."
            ));
        }
        crate::memory::perform_evictions(ctx.sh);
    }
    Reply::ok()
}

fn config_resetstat(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    ctx.sh.stats.reset();
    ctx.sh.ks.stats = Default::default();
    ctx.srv.net_input_bytes.store(0, Ordering::Relaxed);
    ctx.srv.net_output_bytes.store(0, Ordering::Relaxed);
    ctx.sh.stats_peak_memory = crate::memory::used_memory();
    Reply::ok()
}

fn config_rewrite(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    let Some(path) = &ctx.srv.config_file else {
        return ErrorReply::new_static("ERR The server is running without a config file").into();
    };
    match crate::config::rewrite(path, &ctx.sh.config) {
        Ok(()) => {
            ctx.srv.logger.notice("CONFIG REWRITE executed with success.");
            Reply::ok()
        }
        Err(e) => {
            let text = crate::config::os_error_text(&e);
            ctx.srv.logger.warning(&format!("CONFIG-REWRITE failed: {text}"));
            ErrorReply::err(format_args!("Rewriting config file: {text}")).into()
        }
    }
}

fn config_help(_: &mut Ctx, _: &[Bytes]) -> Reply {
    super::help_reply(
        "CONFIG",
        &[
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
        ],
    )
}

// ---- COMMAND ---------------------------------------------------------------

fn command_all(_: &mut Ctx, _: &[Bytes]) -> Reply {
    let r = registry();
    Reply::Array(r.top_level().map(|c| command_info(r, c)).collect())
}

fn command_count(_: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::Int(registry().top_level().count() as i64)
}

fn command_info_cmd(_: &mut Ctx, args: &[Bytes]) -> Reply {
    let r = registry();
    if args.len() == 2 {
        return Reply::Array(r.top_level().map(|c| command_info(r, c)).collect());
    }
    Reply::Array(
        args[2..]
            .iter()
            .map(|name| match r.lookup_full(name) {
                Some(c) => command_info(r, &c),
                None => Reply::Null,
            })
            .collect(),
    )
}

fn command_docs_cmd(_: &mut Ctx, args: &[Bytes]) -> Reply {
    let r = registry();
    let entry = |c: &CommandRef| (Reply::bulk_str(c.full_name), command_docs(r, c));
    if args.len() == 2 {
        return Reply::Map(r.top_level().map(entry).collect());
    }
    Reply::Map(args[2..].iter().filter_map(|name| r.lookup_full(name)).map(|c| entry(&c)).collect())
}

enum ListFilter {
    Module,
    AclCat(String),
    Pattern(Bytes),
}

fn command_list(_: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut filter = None;
    let mut i = 2;
    while i < args.len() {
        if eq_ic(&args[i], "filterby") && args.len() - 1 - i == 2 {
            let v = &args[i + 2];
            filter = Some(if eq_ic(&args[i + 1], "module") {
                ListFilter::Module
            } else if eq_ic(&args[i + 1], "aclcat") {
                ListFilter::AclCat(lossy(v).into_owned())
            } else if eq_ic(&args[i + 1], "pattern") {
                ListFilter::Pattern(v.clone())
            } else {
                return ErrorReply::syntax().into();
            });
            i += 3;
        } else {
            return ErrorReply::syntax().into();
        }
    }
    let names = registry().all.iter().filter(|c| match &filter {
        None => true,
        // No modules can be loaded.
        Some(ListFilter::Module) => false,
        Some(ListFilter::AclCat(cat)) => {
            c.spec.acl_categories().iter().any(|a| a.trim_start_matches('@').eq_ignore_ascii_case(cat))
        }
        Some(ListFilter::Pattern(p)) => glob_match(p, c.full_name.as_bytes(), true),
    });
    Reply::Array(names.map(|c| Reply::bulk_str(c.full_name)).collect())
}

/// COMMAND GETKEYS / GETKEYSANDFLAGS: the command being asked about, and
/// its key positions in `args[2..]`.
fn keys_of(args: &[Bytes]) -> Result<(CommandRef, Vec<usize>), ErrorReply> {
    let r = registry();
    let target = &args[2..];
    let mut cref = r.lookup(&target[0]);
    if let Some(c) = cref {
        if !c.spec.subcommands.is_empty() && target.len() > 1 {
            cref = r.lookup_sub(c.spec.name, &target[1]);
        }
    }
    let Some(c) = cref else {
        return Err(ErrorReply::new_static("ERR Invalid command specified"));
    };
    if matches!(c.spec.keys, Keys::None) {
        return Err(ErrorReply::new_static("ERR The command has no key arguments"));
    }
    let n = target.len() as i32;
    let arity = c.spec.arity;
    if (arity > 0 && arity != n) || n < -arity {
        return Err(ErrorReply::new_static("ERR Invalid number of arguments specified for command"));
    }
    let idx = c.spec.key_indexes(target);
    if idx.is_empty() {
        return Err(ErrorReply::new_static("ERR Invalid arguments specified for command"));
    }
    Ok((c, idx))
}

fn command_getkeys(_: &mut Ctx, args: &[Bytes]) -> Reply {
    match keys_of(args) {
        Ok((_, idx)) => Reply::Array(idx.into_iter().map(|i| Reply::Bulk(args[2 + i].clone())).collect()),
        Err(e) => e.into(),
    }
}

fn command_getkeysandflags(_: &mut Ctx, args: &[Bytes]) -> Reply {
    match keys_of(args) {
        Ok((c, idx)) => {
            let flag = if c.spec.has(WRITE) { "RW" } else { "RO" };
            Reply::Array(
                idx.into_iter()
                    .map(|i| {
                        Reply::Array(vec![Reply::Bulk(args[2 + i].clone()), Reply::Set(vec![Reply::status(flag)])])
                    })
                    .collect(),
            )
        }
        Err(e) => e.into(),
    }
}

fn command_help(_: &mut Ctx, _: &[Bytes]) -> Reply {
    super::help_reply(
        "COMMAND",
        &[
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
        ],
    )
}

// ---- TIME ------------------------------------------------------------------

fn time(_: &mut Ctx, _: &[Bytes]) -> Reply {
    let us = unix_us();
    Reply::Array(vec![Reply::bulk_int((us / 1_000_000) as i64), Reply::bulk_int((us % 1_000_000) as i64)])
}

// ---- SLOWLOG ---------------------------------------------------------------

fn slowlog_get(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    if args.len() > 3 {
        return subcommand_syntax(args);
    }
    let mut count = 10usize;
    if let Some(a) = args.get(2) {
        match parse_i64(a) {
            Ok(-1) => count = usize::MAX,
            Ok(n) if n >= 0 => count = n as usize,
            _ => return ErrorReply::new_static("ERR count should be greater than or equal to -1").into(),
        }
    }
    Reply::Array(
        ctx.sh
            .slowlog
            .entries
            .iter()
            .take(count)
            .map(|e| {
                Reply::Array(vec![
                    Reply::Int(e.id as i64),
                    Reply::Int(e.time as i64),
                    Reply::Int(e.usec as i64),
                    Reply::Array(e.args.iter().map(|a| Reply::Bulk(a.clone())).collect()),
                    Reply::bulk_str(&e.addr),
                    Reply::Bulk(e.name.clone()),
                ])
            })
            .collect(),
    )
}

fn slowlog_len(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::Int(ctx.sh.slowlog.entries.len() as i64)
}

fn slowlog_reset(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    ctx.sh.slowlog.entries.clear();
    Reply::ok()
}

fn slowlog_help(_: &mut Ctx, _: &[Bytes]) -> Reply {
    super::help_reply(
        "SLOWLOG",
        &[
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ],
    )
}

// ---- MONITOR / SHUTDOWN ----------------------------------------------------

fn monitor(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    if ctx.client.monitor {
        // Redis ignores a second MONITOR without replying.
        return no_reply();
    }
    ctx.client.monitor = true;
    ctx.sh.clients.monitors.push(ctx.client.id);
    Reply::ok()
}

fn shutdown(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (mut nosave, mut save, mut force, mut abort) = (false, false, false, false);
    let mut now = false;
    for a in &args[1..] {
        if eq_ic(a, "nosave") {
            nosave = true;
        } else if eq_ic(a, "save") {
            save = true;
        } else if eq_ic(a, "now") {
            now = true;
        } else if eq_ic(a, "force") {
            force = true;
        } else if eq_ic(a, "abort") {
            abort = true;
        } else {
            return ErrorReply::syntax().into();
        }
    }
    if (abort && (nosave || save || now || force)) || (nosave && save) {
        return ErrorReply::syntax().into();
    }
    if abort {
        // Shutdown is immediate here: there is never one in progress.
        return ErrorReply::new_static("ERR No shutdown in progress.").into();
    }
    let log = &ctx.srv.logger;
    let want = if save {
        Some(true)
    } else if nosave {
        Some(false)
    } else {
        None
    };
    if !crate::persist::prepare_shutdown(ctx.srv, ctx.sh, want, force) {
        log.warning("Errors trying to shut down the server. Check the logs for more information.");
        return ErrorReply::new_static("ERR Errors trying to SHUTDOWN. Check logs.").into();
    }
    log.notice(&format!("SHUTDOWN requested by client id={} addr={}", ctx.client.id, ctx.client.addr));
    ctx.client.close_after_reply = true;
    ctx.srv.request_shutdown();
    no_reply()
}

// ---- DEBUG -----------------------------------------------------------------

/// C's strtod on a prefix: "0.2s" -> 0.2, "x" -> 0.
fn strtod_prefix(b: &[u8]) -> f64 {
    let s = String::from_utf8_lossy(b);
    let s = s.trim_start();
    let end = s.find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))).unwrap_or(s.len());
    (1..=end).rev().find_map(|i| s[..i].parse::<f64>().ok()).unwrap_or(0.0)
}

/// C's atoi: optional sign and leading digits, else 0.
fn atoi(b: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(b);
    let s = s.trim_start();
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).take(18).collect();
    let n: i64 = digits.parse().unwrap_or(0);
    if neg {
        -n
    } else {
        n
    }
}

/// Bytes of Redis's RDB length prefix for a length.
fn rdb_len_size(n: usize) -> usize {
    if n < 64 {
        1
    } else if n < 16384 {
        2
    } else if n <= u32::MAX as usize {
        5
    } else {
        9
    }
}

/// RDB-serialized size of a string (without LZF compression).
fn rdb_string_size(s: &Str) -> usize {
    let int = match s {
        Str::Int(n) => Some(*n),
        _ if s.len() <= 11 => gears_store::parse_canonical_i64(&s.as_bytes()),
        _ => None,
    };
    match int {
        Some(n) if (-(1 << 7)..(1 << 7)).contains(&n) => 2,
        Some(n) if (-(1 << 15)..(1 << 15)).contains(&n) => 3,
        Some(n) if (-(1i64 << 31)..(1i64 << 31)).contains(&n) => 5,
        _ => rdb_len_size(s.len()) + s.len(),
    }
}

fn debug_object(ctx: &mut Ctx, key: &[u8]) -> Reply {
    let db = ctx.db();
    if ctx.sh.ks.lookup(db, key, false, false).is_none() {
        return ErrorReply::no_such_key().into();
    }
    let ks = &ctx.sh.ks;
    let Some(e) = ks.db(db).dict().get(key) else {
        return ErrorReply::no_such_key().into();
    };
    let serialized = match &e.value {
        Value::Str(s) => rdb_string_size(s),
        // The RDB encoding's size: the DUMP payload without its type byte and trailer.
        v => crate::persist::rdb::dump_payload(v).len().saturating_sub(11),
    };
    let lru = ks.debug_lru_field(e);
    Reply::Status(Bytes::from(format!(
        "Value at:{:p} refcount:1 encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}",
        e as *const Entry,
        e.value.encoding(),
        serialized,
        lru,
        ks.idle_ms(e) / 1000
    )))
}

const PROTOCOL_TYPES: &str = "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";

// Redis's own test value is 3.141, not pi.
#[allow(clippy::approx_constant)]
fn debug_protocol(ctx: &mut Ctx, kind: &[u8]) -> Reply {
    let resp3 = ctx.client.resp >= 3;
    let k = String::from_utf8_lossy(kind).to_ascii_lowercase();
    let nums = || (0..3).map(Reply::Int).collect::<Vec<_>>();
    match k.as_str() {
        "string" => Reply::bulk_str("Hello World"),
        "integer" => Reply::Int(12345),
        "double" => Reply::Double(3.141),
        "bignum" if resp3 => Reply::Raw(Bytes::from_static(b"(1234567999999999999999999999999999999\r\n")),
        "bignum" => Reply::bulk_str("1234567999999999999999999999999999999"),
        "null" => Reply::Null,
        "array" => Reply::Array(nums()),
        "set" => Reply::Set(nums()),
        "map" => Reply::Map((0..3).map(|i| (Reply::Int(i), Reply::Bool(i == 1))).collect()),
        "attrib" if resp3 => Reply::Raw(Bytes::from_static(
            b"|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n",
        )),
        "attrib" => Reply::bulk_str("Some real reply following the attribute"),
        "push" if resp3 => Reply::Raw(Bytes::from_static(
            b">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n",
        )),
        "push" => ErrorReply::new_static("ERR RESP2 is not supported by this command").into(),
        "verbatim" => Reply::Verbatim("txt", Bytes::from_static(b"This is a verbatim\nstring")),
        "true" => Reply::Bool(true),
        "false" => Reply::Bool(false),
        _ => ErrorReply::err(format_args!("Wrong protocol type name. Please use one of the following: {PROTOCOL_TYPES}")).into(),
    }
}

fn debug(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    if !allowed(ctx.sh.config.enable_debug_command, ctx.client) {
        return ErrorReply::new_static("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.").into();
    }
    let sub = &args[1];
    let n = args.len();
    if eq_ic(sub, "help") && n == 2 {
        return super::help_reply(
            "DEBUG",
            &[
                "ERROR <string>",
                "    Return a Redis protocol error with <string> as message. Useful for clients",
                "    unit tests to simulate Redis errors.",
                "LOG <message>",
                "    Write <message> to the server log.",
                "OBJECT <key>",
                "    Show low level info about `key` and associated value.",
                "CHANGE-REPL-ID",
                "    Change the replication IDs of the instance.",
                "    Dangerous: should be used only for testing the replication subsystem.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named key:<num>. If <prefix> is specified then",
                "    it is used instead of the 'key' prefix. These are not propagated to",
                "    replicas. Cluster slots are not respected so keys not belonging to the",
                "    current node can be created in cluster mode.",
                "PROTOCOL <type>",
                "    Reply with a test value of the specified type. <type> can be: string,",
                "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
                "    true, false.",
                "RELOAD [option ...]",
                "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
                "    * MERGE: Merge the content of the RDB file into the current dataset.",
                "    * NOFLUSH: Do not empty the current dataset before loading the RDB file.",
                "    * NOSAVE: the database will be loaded from an existing RDB file.",
                "    Examples:",
                "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
                "      the database.",
                "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
                "      existing RDB file.",
                "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
                "      file to the database.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.",
            ],
        );
    }
    if eq_ic(sub, "reload") {
        return debug_reload(ctx, &args[2..]);
    }
    if eq_ic(sub, "populate") && (3..=5).contains(&n) {
        return debug_populate(ctx, &args[2..]);
    }
    if eq_ic(sub, "change-repl-id") && n == 2 {
        ctx.srv.logger.notice("Changing replication IDs after receiving DEBUG change-repl-id");
        crate::info::change_replid();
        return Reply::ok();
    }
    if n == 3 {
        let arg = &args[2];
        if eq_ic(sub, "sleep") {
            // Like Redis's single thread: the whole server stalls (we hold the lock).
            let secs = strtod_prefix(arg);
            if secs > 0.0 && secs.is_finite() {
                std::thread::sleep(Duration::from_secs_f64(secs.min(1e9)));
            }
            return Reply::ok();
        }
        if eq_ic(sub, "set-active-expire") {
            ctx.sh.config.active_expire_enabled = atoi(arg) != 0;
            return Reply::ok();
        }
        if eq_ic(sub, "log") {
            ctx.srv.logger.warning(&format!("DEBUG LOG: {}", lossy(arg)));
            return Reply::ok();
        }
        if eq_ic(sub, "error") {
            return ErrorReply::new(sanitize(arg, arg.len())).into();
        }
        if eq_ic(sub, "object") {
            return debug_object(ctx, arg);
        }
        if eq_ic(sub, "protocol") {
            return debug_protocol(ctx, arg);
        }
    }
    subcommand_syntax(args)
}

/// DEBUG POPULATE count [prefix] [size]: `prefix:N` = `value:N` (padded
/// with NUL bytes, or cut, to `size`), skipping keys that exist.
fn debug_populate(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let count = match crate::args::parse_i64(&args[0]) {
        Ok(n) if n >= 0 => n as u64,
        Ok(_) => return ErrorReply::new_static("ERR value is out of range, must be positive").into(),
        Err(e) => return e.into(),
    };
    let prefix: &[u8] = args.get(1).map(|p| &p[..]).unwrap_or(b"key");
    let size = match args.get(2).map(|a| crate::args::parse_i64(a)) {
        None => None,
        Some(Ok(n)) if n >= 0 => Some(n as usize),
        Some(Ok(_)) => return ErrorReply::new_static("ERR value is out of range, must be positive").into(),
        Some(Err(e)) => return e.into(),
    };
    let db = ctx.db();
    let mut key = Vec::with_capacity(prefix.len() + 21);
    for j in 0..count {
        key.clear();
        key.extend_from_slice(prefix);
        key.push(b':');
        key.extend_from_slice(itoa::Buffer::new().format(j).as_bytes());
        if ctx.sh.ks.exists(db, &key) {
            continue;
        }
        let mut val = format!("value:{j}").into_bytes();
        if let Some(sz) = size {
            val.resize(sz, 0);
        }
        let v = if size.is_some() { Value::Str(Str::Fixed(val.into())) } else { Value::str_from(&val) };
        ctx.sh.ks.write(db, &key).set(v, false);
    }
    ctx.sh.ks.events.clear();
    Reply::ok()
}

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: only the full reload (with or
/// without NOSAVE) is supported; MERGE/NOFLUSH are refused.
fn debug_reload(ctx: &mut Ctx, opts: &[Bytes]) -> Reply {
    let mut nosave = false;
    for o in opts {
        if eq_ic(o, "nosave") {
            nosave = true;
        } else if eq_ic(o, "merge") || eq_ic(o, "noflush") {
            return ErrorReply::new_static("ERR DEBUG RELOAD MERGE/NOFLUSH are not supported").into();
        } else {
            return ErrorReply::new_static("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
                .into();
        }
    }
    match crate::persist::snapshot::debug_reload(ctx.srv, ctx.sh, nosave) {
        Ok(()) => Reply::ok(),
        Err(e) if e.is_empty() => ErrorReply::new_static("ERR").into(),
        Err(e) => ErrorReply::err(e).into(),
    }
}

// ---- LATENCY ---------------------------------------------------------------

fn latency_latest(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::Array(
        ctx.sh
            .latency
            .events
            .iter()
            .filter_map(|(name, (samples, max))| {
                let (t, ms) = samples.last()?;
                Some(Reply::Array(vec![
                    Reply::bulk_str(name),
                    Reply::Int(*t as i64),
                    Reply::Int(*ms as i64),
                    Reply::Int(*max as i64),
                ]))
            })
            .collect(),
    )
}

fn latency_history(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let name = lossy(&args[2]);
    let samples = ctx.sh.latency.events.get(name.as_ref()).map(|(s, _)| s.as_slice()).unwrap_or(&[]);
    Reply::Array(
        samples.iter().map(|(t, ms)| Reply::Array(vec![Reply::Int(*t as i64), Reply::Int(*ms as i64)])).collect(),
    )
}

fn latency_reset(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let ev = &mut ctx.sh.latency.events;
    if args.len() == 2 {
        let n = ev.len();
        ev.clear();
        return Reply::Int(n as i64);
    }
    let mut n = 0;
    for a in &args[2..] {
        if ev.remove(lossy(a).as_ref()).is_some() {
            n += 1;
        }
    }
    Reply::Int(n)
}

fn latency_doctor(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    if ctx.sh.config.latency_monitor_threshold == 0 {
        return verbatim(
            "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
                .to_string(),
        );
    }
    let events = &ctx.sh.latency.events;
    if events.values().all(|(s, _)| s.is_empty()) {
        return verbatim(
            "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep tonight.\n"
                .to_string(),
        );
    }
    let now_s = crate::state::unix_ms() / 1000;
    let mut text = String::from("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
    for (i, (name, (samples, max))) in events.iter().filter(|(_, (s, _))| !s.is_empty()).enumerate() {
        let n = samples.len() as u64;
        let avg = samples.iter().map(|(_, ms)| ms).sum::<u64>() / n;
        let mad = samples.iter().map(|(_, ms)| ms.abs_diff(avg)).sum::<u64>() / n;
        let period = now_s.saturating_sub(samples[0].0).max(1) as f64 / n as f64;
        text.push_str(&format!(
            "{}. {name}: {n} latency spikes (average {avg}ms, mean deviation {mad}ms, period {period:.2} sec). Worst all time event {max}ms.\n",
            i + 1
        ));
    }
    text.push_str("\nI have a few advices for you:\n\n");
    text.push_str("- Check your Redis slow log (SLOWLOG GET) to find the commands that are taking long, and avoid O(N) commands on big values or in the hot path.\n");
    text.push_str("- If the spikes are 'command' events while the system is idle, check the host for swapping or noisy neighbours.\n");
    verbatim(text)
}

fn latency_help(_: &mut Ctx, _: &[Bytes]) -> Reply {
    super::help_reply(
        "LATENCY",
        &[
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
        ],
    )
}

// ---- MEMORY ----------------------------------------------------------------

/// jemalloc's size class for an allocation of `n` bytes (x86-64 classes:
/// 8, 16, 32, 48, ..., 128, 160, 192, 224, 256, 320, ...).
fn alloc_size(n: usize) -> usize {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return n.div_ceil(16) * 16;
    }
    let spacing = n.next_power_of_two() / 8;
    n.div_ceil(spacing) * spacing
}

/// Bytes of an sds string holding `len` bytes (header + data + NUL), rounded
/// to the allocator's size class.
fn sds_size(len: usize) -> usize {
    let hdr = match len {
        1..=31 => 1,
        0 | 32..=255 => 3,
        256..=65535 => 5,
        _ if len as u64 <= u32::MAX as u64 => 9,
        _ => 17,
    };
    alloc_size(hdr + len + 1)
}

/// The allocation sdsMakeRoomFor gives a string grown to `len` bytes.
fn greedy_alloc(len: usize) -> usize {
    const MAX_PREALLOC: usize = 1024 * 1024;
    if len < MAX_PREALLOC {
        len * 2
    } else {
        len + MAX_PREALLOC
    }
}

const ROBJ: usize = 16;
const DICT_ENTRY: usize = 24;

/// MEMORY USAGE's estimate: what Redis would use for this key and value
/// (object header, sds strings, dict entry), so numbers compare with Redis.
fn usage_estimate(key: &[u8], e: &Entry) -> usize {
    #[allow(unreachable_patterns)]
    let value = match &e.value {
        Value::Str(Str::Int(_)) => ROBJ,
        Value::Str(Str::Fixed(b)) if b.len() <= gears_store::value::EMBSTR_MAX => alloc_size(ROBJ + 3 + b.len() + 1),
        Value::Str(Str::Fixed(b)) => ROBJ + sds_size(b.len()),
        // Appended-to strings: Redis grows them greedily (double, or +1MB).
        Value::Str(Str::Growable(v)) => ROBJ + sds_size(v.capacity().max(greedy_alloc(v.len()))),
        _ => ROBJ + e.value.heap_size(),
    };
    value + sds_size(key.len()) + DICT_ENTRY
}

fn memory_usage(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut i = 3;
    while i < args.len() {
        if eq_ic(&args[i], "samples") && i + 1 < args.len() {
            match parse_i64(&args[i + 1]) {
                Ok(n) if n >= 0 => {}
                Ok(_) => return ErrorReply::syntax().into(),
                Err(e) => return e.into(),
            }
            i += 2;
        } else {
            return ErrorReply::syntax().into();
        }
    }
    let db = ctx.db();
    match ctx.sh.ks.db(db).dict().get(&args[2]) {
        Some(e) => Reply::Int(usage_estimate(&args[2], e) as i64),
        None => Reply::Null,
    }
}

fn memory_stats(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    let m = MemoryReport::gather(ctx.srv, ctx.sh);
    let k = Reply::bulk_str;
    let int = |n: u64| Reply::Int(n as i64);
    let mut v = vec![
        (k("peak.allocated"), int(m.peak)),
        (k("total.allocated"), int(m.used)),
        (k("startup.allocated"), int(m.startup)),
        (k("replication.backlog"), int(0)),
        (k("clients.slaves"), int(0)),
        (k("clients.normal"), int(m.clients_normal)),
        (k("cluster.links"), int(0)),
        (k("aof.buffer"), int(0)),
        (k("lua.caches"), int(0)),
        (k("functions.caches"), int(0)),
    ];
    for (db, main, expires) in &m.db_overhead {
        v.push((
            k(&format!("db.{db}")),
            Reply::Map(vec![
                (k("overhead.hashtable.main"), int(*main)),
                (k("overhead.hashtable.expires"), int(*expires)),
                (k("overhead.hashtable.slot-to-keys"), int(0)),
            ]),
        ));
    }
    let (afr, afb) = m.allocator_frag();
    let (arr, arb) = m.allocator_rss();
    let (ror, rob) = m.rss_overhead();
    let (fr, fb) = m.fragmentation();
    v.extend([
        (k("overhead.total"), int(m.overhead)),
        (k("keys.count"), int(m.keys)),
        (k("keys.bytes-per-key"), int(m.net_usage().checked_div(m.keys).unwrap_or(0))),
        (k("dataset.bytes"), int(m.dataset)),
        (k("dataset.percentage"), Reply::Double(m.dataset_perc())),
        (k("peak.percentage"), Reply::Double(m.peak_perc())),
        (k("allocator.allocated"), int(m.allocator_allocated)),
        (k("allocator.active"), int(m.allocator_active)),
        (k("allocator.resident"), int(m.allocator_resident)),
        (k("allocator-fragmentation.ratio"), Reply::Double(afr)),
        (k("allocator-fragmentation.bytes"), Reply::Int(afb)),
        (k("allocator-rss.ratio"), Reply::Double(arr)),
        (k("allocator-rss.bytes"), Reply::Int(arb)),
        (k("rss-overhead.ratio"), Reply::Double(ror)),
        (k("rss-overhead.bytes"), Reply::Int(rob)),
        (k("fragmentation"), Reply::Double(fr)),
        (k("fragmentation.bytes"), Reply::Int(fb)),
    ]);
    Reply::Map(v)
}

fn memory_doctor(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    let m = MemoryReport::gather(ctx.srv, ctx.sh);
    if m.used < 5 * 1024 * 1024 {
        return verbatim("Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n".to_string());
    }
    let mut issues = vec![];
    if m.peak as f64 / m.used as f64 > 1.5 {
        issues.push(" * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.");
    }
    if m.allocator_frag().0 > 1.1 && m.allocator_frag().1 > 10 << 20 {
        issues.push(" * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You may try the MEMORY PURGE command.");
    }
    if m.rss_overhead().0 > 1.1 && m.rss_overhead().1 > 10 << 20 {
        issues.push(" * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the process is much larger than the memory the allocator reports).");
    }
    if issues.is_empty() {
        return verbatim("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n".to_string());
    }
    let mut s = String::from("Sam, I detected a few issues in this Redis instance memory implants:\n\n");
    for i in issues {
        s.push_str(i);
        s.push_str("\n\n");
    }
    s.push_str("I'm here to keep you safe, Sam. I want to help you.\n");
    verbatim(s)
}

fn memory_malloc_stats(_: &mut Ctx, _: &[Bytes]) -> Reply {
    // A summary of jemalloc's global counters (the full malloc_stats_print
    // report is not reachable through our allocator bindings).
    use tikv_jemalloc_ctl::{epoch, stats};
    let _ = epoch::advance();
    let text = format!(
        "___ Begin jemalloc statistics ___\nVersion: \"{}\"\nAllocated: {}, active: {}, metadata: {}, resident: {}, mapped: {}, retained: {}\n--- End jemalloc statistics ---\n",
        tikv_jemalloc_ctl::version::read().unwrap_or("unknown"),
        stats::allocated::read().unwrap_or(0),
        stats::active::read().unwrap_or(0),
        stats::metadata::read().unwrap_or(0),
        stats::resident::read().unwrap_or(0),
        stats::mapped::read().unwrap_or(0),
        stats::retained::read().unwrap_or(0),
    );
    verbatim(text)
}

fn memory_purge(_: &mut Ctx, _: &[Bytes]) -> Reply {
    // Dropping every arena's dirty decay time to 0 makes jemalloc return its
    // dirty pages now; the previous setting is then restored.
    let narenas = tikv_jemalloc_ctl::arenas::narenas::read().unwrap_or(0);
    for i in 0..narenas {
        let name = format!("arena.{i}.dirty_decay_ms\0");
        // SAFETY: arena.<i>.dirty_decay_ms is an ssize_t (isize) control.
        unsafe {
            if let Ok(old) = tikv_jemalloc_ctl::raw::read::<isize>(name.as_bytes()) {
                let _ = tikv_jemalloc_ctl::raw::write::<isize>(name.as_bytes(), 0);
                let _ = tikv_jemalloc_ctl::raw::write::<isize>(name.as_bytes(), old);
            }
        }
    }
    Reply::ok()
}

fn memory_help(_: &mut Ctx, _: &[Bytes]) -> Reply {
    super::help_reply(
        "MEMORY",
        &[
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ],
    )
}

// ---- tables ----------------------------------------------------------------

fn container(_: &mut Ctx, _: &[Bytes]) -> Reply {
    // Never called: dispatch resolves a subcommand first.
    ErrorReply::syntax().into()
}

const ADM: u32 = ADMIN | NOSCRIPT | LOADING | STALE;
const HELP_SUMMARY: &str = "Returns helpful text about the different subcommands.";

pub static CONFIG_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Returns the effective values of configuration parameters.",
        since: "2.0.0",
        complexity: "O(N) when N is the number of configuration parameters provided",
        ..CommandSpec::new("get", -3, ADM, Keys::None, SRV, config_get)
    },
    CommandSpec {
        summary: "Sets configuration parameters in-flight.",
        since: "2.0.0",
        complexity: "O(N) when N is the number of configuration parameters provided",
        ..CommandSpec::new("set", -4, ADM, Keys::None, SRV, config_set)
    },
    CommandSpec {
        summary: "Resets the server's statistics.",
        since: "2.0.0",
        complexity: "O(1)",
        ..CommandSpec::new("resetstat", 2, ADM, Keys::None, SRV, config_resetstat)
    },
    CommandSpec {
        summary: "Persists the effective configuration to file.",
        since: "2.8.0",
        complexity: "O(1)",
        ..CommandSpec::new("rewrite", 2, ADM, Keys::None, SRV, config_rewrite)
    },
    CommandSpec {
        summary: HELP_SUMMARY,
        since: "5.0.0",
        complexity: "O(1)",
        ..CommandSpec::new("help", 2, LOADING | STALE, Keys::None, SRV, config_help)
    },
];

pub static COMMAND_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Returns a count of commands.",
        since: "2.8.13",
        complexity: "O(1)",
        ..CommandSpec::new("count", 2, LOADING | STALE, Keys::None, SRV, command_count)
    },
    CommandSpec {
        summary: "Returns information about one, multiple or all commands.",
        since: "2.8.13",
        complexity: "O(N) where N is the number of commands to look up",
        ..CommandSpec::new("info", -2, LOADING | STALE, Keys::None, SRV, command_info_cmd)
    },
    CommandSpec {
        summary: "Returns documentary information about one, multiple or all commands.",
        since: "7.0.0",
        complexity: "O(N) where N is the number of commands to look up",
        ..CommandSpec::new("docs", -2, LOADING | STALE, Keys::None, SRV, command_docs_cmd)
    },
    CommandSpec {
        summary: "Returns a list of command names.",
        since: "7.0.0",
        complexity: "O(N) where N is the total number of Redis commands",
        ..CommandSpec::new("list", -2, LOADING | STALE, Keys::None, SRV, command_list)
    },
    CommandSpec {
        summary: "Extracts the key names from an arbitrary command.",
        since: "2.8.13",
        complexity: "O(N) where N is the number of arguments to the command",
        ..CommandSpec::new("getkeys", -4, LOADING | STALE, Keys::None, SRV, command_getkeys)
    },
    CommandSpec {
        summary: "Extracts the key names and access flags for an arbitrary command.",
        since: "7.0.0",
        complexity: "O(N) where N is the number of arguments to the command",
        ..CommandSpec::new("getkeysandflags", -4, LOADING | STALE, Keys::None, SRV, command_getkeysandflags)
    },
    CommandSpec {
        summary: HELP_SUMMARY,
        since: "5.0.0",
        complexity: "O(1)",
        ..CommandSpec::new("help", 2, LOADING | STALE, Keys::None, SRV, command_help)
    },
];

pub static SLOWLOG_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Returns the slow log's entries.",
        since: "2.2.12",
        complexity: "O(N) where N is the number of entries returned",
        ..CommandSpec::new("get", -2, ADMIN | LOADING | STALE, Keys::None, SRV, slowlog_get)
    },
    CommandSpec {
        summary: "Returns the number of entries in the slow log.",
        since: "2.2.12",
        complexity: "O(1)",
        ..CommandSpec::new("len", 2, ADMIN | LOADING | STALE, Keys::None, SRV, slowlog_len)
    },
    CommandSpec {
        summary: "Clears all entries from the slow log.",
        since: "2.2.12",
        complexity: "O(N) where N is the number of entries in the slowlog",
        ..CommandSpec::new("reset", 2, ADMIN | LOADING | STALE, Keys::None, SRV, slowlog_reset)
    },
    CommandSpec {
        summary: HELP_SUMMARY,
        since: "6.2.0",
        complexity: "O(1)",
        ..CommandSpec::new("help", 2, LOADING | STALE, Keys::None, SRV, slowlog_help)
    },
];

pub static LATENCY_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Returns a human-readable latency analysis report.",
        since: "2.8.13",
        complexity: "O(1)",
        ..CommandSpec::new("doctor", 2, ADM, Keys::None, SRV, latency_doctor)
    },
    CommandSpec {
        summary: "Returns timestamp-latency samples for an event.",
        since: "2.8.13",
        complexity: "O(1)",
        ..CommandSpec::new("history", 3, ADM, Keys::None, SRV, latency_history)
    },
    CommandSpec {
        summary: "Returns the latest latency samples for all events.",
        since: "2.8.13",
        complexity: "O(1)",
        ..CommandSpec::new("latest", 2, ADM, Keys::None, SRV, latency_latest)
    },
    CommandSpec {
        summary: "Resets the latency data for one or more events.",
        since: "2.8.13",
        complexity: "O(1)",
        ..CommandSpec::new("reset", -2, ADM, Keys::None, SRV, latency_reset)
    },
    CommandSpec {
        summary: HELP_SUMMARY,
        since: "2.8.13",
        complexity: "O(1)",
        ..CommandSpec::new("help", 2, LOADING | STALE, Keys::None, SRV, latency_help)
    },
];

pub static MEMORY_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Outputs a memory problems report.",
        since: "4.0.0",
        complexity: "O(1)",
        ..CommandSpec::new("doctor", 2, 0, Keys::None, SRV, memory_doctor)
    },
    CommandSpec {
        summary: "Returns the allocator statistics.",
        since: "4.0.0",
        complexity: "Depends on how much memory is allocated, could be slow",
        ..CommandSpec::new("malloc-stats", 2, 0, Keys::None, SRV, memory_malloc_stats)
    },
    CommandSpec {
        summary: "Asks the allocator to release memory.",
        since: "4.0.0",
        complexity: "Depends on how much memory is allocated, could be slow",
        ..CommandSpec::new("purge", 2, 0, Keys::None, SRV, memory_purge)
    },
    CommandSpec {
        summary: "Returns details about memory usage.",
        since: "4.0.0",
        complexity: "O(1)",
        ..CommandSpec::new("stats", 2, 0, Keys::None, SRV, memory_stats)
    },
    CommandSpec {
        summary: "Estimates the memory usage of a key.",
        since: "4.0.0",
        complexity: "O(N) where N is the number of samples.",
        ..CommandSpec::new("usage", -3, READONLY, Keys::Range { first: 2, last: 2, step: 1 }, SRV, memory_usage)
    },
    CommandSpec {
        summary: HELP_SUMMARY,
        since: "4.0.0",
        complexity: "O(1)",
        ..CommandSpec::new("help", 2, LOADING | STALE, Keys::None, SRV, memory_help)
    },
];

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Returns information and statistics about the server.",
        complexity: "O(1)",
        ..CommandSpec::new("info", -1, LOADING | STALE | DANGEROUS, Keys::None, SRV, info_cmd)
    },
    CommandSpec {
        summary: "A container for server configuration commands.",
        since: "2.0.0",
        complexity: "Depends on subcommand.",
        subcommands: CONFIG_SUBCOMMANDS,
        ..CommandSpec::new("config", -2, 0, Keys::None, SRV, container)
    },
    CommandSpec {
        summary: "Returns detailed information about all commands.",
        since: "2.8.13",
        complexity: "O(N) where N is the total number of Redis commands",
        subcommands: COMMAND_SUBCOMMANDS,
        ..CommandSpec::new("command", -1, LOADING | STALE, Keys::None, SRV, command_all)
    },
    CommandSpec {
        summary: "Returns the server time.",
        since: "2.6.0",
        complexity: "O(1)",
        ..CommandSpec::new("time", 1, LOADING | STALE | FAST, Keys::None, SRV, time)
    },
    CommandSpec {
        summary: "A container for slow log commands.",
        since: "2.2.12",
        complexity: "Depends on subcommand.",
        subcommands: SLOWLOG_SUBCOMMANDS,
        ..CommandSpec::new("slowlog", -2, 0, Keys::None, SRV, container)
    },
    CommandSpec {
        summary: "Listens for all requests received by the server in real-time.",
        since: "1.0.0",
        ..CommandSpec::new("monitor", 1, ADM, Keys::None, SRV, monitor)
    },
    CommandSpec {
        summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.",
        complexity:
            "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
        ..CommandSpec::new("shutdown", -1, ADM | NO_MULTI | ALLOW_BUSY, Keys::None, SRV, shutdown)
    },
    CommandSpec {
        summary: "A container for debugging commands.",
        complexity: "Depends on subcommand.",
        ..CommandSpec::new("debug", -2, ADM, Keys::None, SRV, debug)
    },
    CommandSpec {
        summary: "A container for latency diagnostics commands.",
        since: "2.8.13",
        complexity: "Depends on subcommand.",
        subcommands: LATENCY_SUBCOMMANDS,
        ..CommandSpec::new("latency", -2, 0, Keys::None, SRV, container)
    },
    CommandSpec {
        summary: "A container for memory diagnostics commands.",
        since: "4.0.0",
        complexity: "Depends on subcommand.",
        subcommands: MEMORY_SUBCOMMANDS,
        ..CommandSpec::new("memory", -2, 0, Keys::None, SRV, container)
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_classes() {
        assert_eq!(alloc_size(5), 8);
        assert_eq!(alloc_size(20), 32);
        assert_eq!(alloc_size(63), 64);
        assert_eq!(alloc_size(129), 160);
        assert_eq!(alloc_size(1007), 1024);
        assert_eq!(alloc_size(1025), 1280);
        assert_eq!(sds_size(3), 8);
        assert_eq!(sds_size(50), 64);
        assert_eq!(sds_size(0), 8);
    }

    #[test]
    fn usage_matches_redis() {
        let e = |v: &[u8]| gears_store::entry(Value::str_from(v), None);
        // Figures measured on Redis 7.0 for the same keys and values.
        assert_eq!(usage_estimate(b"foo", &e(b"bar")), 64);
        assert_eq!(usage_estimate(b"foo", &e(b"")), 64);
        assert_eq!(usage_estimate(b"n", &e(b"12345")), 48);
        assert_eq!(usage_estimate(b"abcdefgh", &e(b"1000000")), 56);
        assert_eq!(usage_estimate(&[b'k'; 50], &e(b"1000000")), 104);
        assert_eq!(usage_estimate(b"foo", &e(&[b'x'; 43])), 96);
        assert_eq!(usage_estimate(b"foo", &e(&[b'x'; 45])), 112);
        assert_eq!(usage_estimate(b"big", &e(&[b'x'; 1001])), 1072);
    }

    #[test]
    fn c_parsers() {
        assert_eq!(strtod_prefix(b"0.2"), 0.2);
        assert_eq!(strtod_prefix(b"1.5s"), 1.5);
        assert_eq!(strtod_prefix(b"x"), 0.0);
        assert_eq!(atoi(b"2"), 2);
        assert_eq!(atoi(b"0"), 0);
        assert_eq!(atoi(b"abc"), 0);
        assert_eq!(atoi(b"-3x"), -3);
    }
}
