//! Generic (keyspace) commands: DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX,
//! COPY, MOVE, KEYS, RANDOMKEY, TOUCH, SCAN, OBJECT, the EXPIRE and TTL
//! families, PERSIST; plus the server-group DBSIZE, FLUSHDB, FLUSHALL, SWAPDB.
//!
//! Writes go through the WriteGuard and emit Redis's keyspace events; reads
//! that Redis does with NOTOUCH (TYPE, EXISTS, the TTL family, OBJECT) do not
//! update the access stamp but still count keyspace hits and misses.

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};
use gears_store::glob::glob_match;
use gears_store::notify::GENERIC;
use gears_store::{Keyspace, Str, Value};

use crate::args::{eq_ic, lossy, parse_i64};
use crate::command::{flags::*, CommandSpec, Keys};
use crate::config::MaxmemoryPolicy;
use crate::dispatch::Ctx;

const SAME_OBJECT: ErrorReply = ErrorReply::new_static("ERR source and destination objects are the same");

/// Redis's getIntFromObjectOrReply: an i64 that must also fit an `int`.
fn parse_int(arg: &[u8]) -> Result<i32, ErrorReply> {
    let v = parse_i64(arg)?;
    i32::try_from(v)
        .map_err(|_| ErrorReply::new_static("ERR value is out of range, value must between -2147483648 and 2147483647"))
}

/// A database index argument (COPY DB, MOVE).
fn parse_db_index(ctx: &Ctx, arg: &[u8]) -> Result<usize, ErrorReply> {
    let n = parse_int(arg)?;
    if n < 0 || n as usize >= ctx.sh.ks.db_count() {
        return Err(ErrorReply::db_index_out_of_range());
    }
    Ok(n as usize)
}

// ---- DEL, UNLINK, EXISTS, TYPE, TOUCH ----------------------------------------

fn del(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut n = 0;
    for key in &args[1..] {
        let mut g = ctx.write(key);
        if g.delete().is_some() {
            g.notify(GENERIC, "del");
            n += 1;
        }
    }
    Reply::Int(n)
}

fn exists(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let db = ctx.db();
    let n = args[1..].iter().filter(|k| ctx.sh.ks.lookup(db, k, false, true).is_some()).count();
    Reply::Int(n as i64)
}

fn type_cmd(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let db = ctx.db();
    let t = ctx.sh.ks.lookup(db, &args[1], false, true).map_or("none", |e| e.value.type_name());
    Reply::status(t)
}

fn touch(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    // TOUCH updates the access time even for a CLIENT NO-TOUCH client.
    let db = ctx.db();
    let n = args[1..].iter().filter(|k| ctx.sh.ks.lookup(db, k, true, true).is_some()).count();
    Reply::Int(n as i64)
}

// ---- RENAME, RENAMENX, COPY, MOVE --------------------------------------------

fn rename_generic(ctx: &mut Ctx, args: &[Bytes], nx: bool) -> Reply {
    let (src, dst) = (&args[1][..], &args[2][..]);
    let db = ctx.db();
    let ks = &mut ctx.sh.ks;
    if ks.lookup(db, src, true, false).is_none() {
        return ErrorReply::no_such_key().into();
    }
    if src == dst {
        return if nx { Reply::Int(0) } else { Reply::ok() };
    }
    let dst_exists = ks.lookup(db, dst, true, false).is_some();
    if nx && dst_exists {
        return Reply::Int(0);
    }
    let Some(entry) = ks.write(db, src).delete() else {
        return ErrorReply::no_such_key().into();
    };
    {
        let mut g = ks.write(db, dst);
        if dst_exists {
            // Overwrite: the old value goes first, so the new key is "new".
            g.delete();
        }
        g.put_entry(entry);
    }
    ks.write(db, src).notify(GENERIC, "rename_from");
    ks.write(db, dst).notify(GENERIC, "rename_to");
    if nx {
        Reply::Int(1)
    } else {
        Reply::ok()
    }
}

fn rename(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    rename_generic(ctx, args, false)
}

fn renamenx(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    rename_generic(ctx, args, true)
}

fn copy(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let db = ctx.db();
    let mut dst_db = db;
    let mut replace = false;
    let mut j = 3;
    while j < args.len() {
        let more = args.len() - j - 1;
        if eq_ic(&args[j], "replace") {
            replace = true;
        } else if eq_ic(&args[j], "db") && more >= 1 {
            dst_db = match parse_db_index(ctx, &args[j + 1]) {
                Ok(d) => d,
                Err(e) => return e.into(),
            };
            j += 1;
        } else {
            return ErrorReply::syntax().into();
        }
        j += 1;
    }
    let (src, dst) = (&args[1][..], &args[2][..]);
    if db == dst_db && src == dst {
        return SAME_OBJECT.into();
    }
    let Some((value, expire_at)) = ctx.read(src).map(|e| (e.value.clone(), e.expire_at())) else {
        return Reply::Int(0);
    };
    let ks = &mut ctx.sh.ks;
    let dst_exists = ks.lookup(dst_db, dst, true, false).is_some();
    if dst_exists && !replace {
        return Reply::Int(0);
    }
    let mut g = ks.write(dst_db, dst);
    if dst_exists {
        g.delete();
    }
    // A copy is a new object: fresh access stamp, same TTL.
    g.set(value, false);
    if let Some(at) = expire_at {
        g.set_expire_at(at);
    }
    g.notify(GENERIC, "copy_to");
    Reply::Int(1)
}

fn move_cmd(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let db = ctx.db();
    let dst_db = match parse_db_index(ctx, &args[2]) {
        Ok(d) => d,
        Err(e) => return e.into(),
    };
    if dst_db == db {
        return SAME_OBJECT.into();
    }
    let key = &args[1][..];
    let ks = &mut ctx.sh.ks;
    if ks.lookup(db, key, true, false).is_none() || ks.lookup(dst_db, key, true, false).is_some() {
        return Reply::Int(0);
    }
    let Some(entry) = ks.write(db, key).delete() else {
        return Reply::Int(0);
    };
    ks.write(dst_db, key).put_entry(entry);
    ks.write(db, key).notify(GENERIC, "move_from");
    ks.write(dst_db, key).notify(GENERIC, "move_to");
    Reply::Int(1)
}

// ---- KEYS, RANDOMKEY, SCAN, DBSIZE ---------------------------------------------

fn keys(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let pattern = &args[1][..];
    let all = pattern == b"*";
    let ks = &ctx.sh.ks;
    let db = ctx.client.db;
    let out: Vec<Reply> = ks
        .db(db)
        .dict()
        .iter()
        .filter(|(k, e)| (all || glob_match(pattern, k, false)) && ks.is_live(db, e))
        .map(|(k, _)| Reply::Bulk(Bytes::copy_from_slice(k)))
        .collect();
    Reply::Array(out)
}

fn randomkey(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    let db = ctx.db();
    match ctx.sh.ks.random_key(db) {
        Some(k) => Reply::Bulk(k),
        None => Reply::Null,
    }
}

/// Redis 7.0's SCAN cursor parsing (strtoul, base 10): no leading space,
/// an optional sign ('-' negates modulo 2^64), digits to the end, no
/// overflow. An empty string is cursor 0.
fn parse_scan_cursor(arg: &[u8]) -> Option<u64> {
    let (neg, digits) = match arg.first() {
        None => return Some(0),
        Some(b'-') => (true, &arg[1..]),
        Some(b'+') => (false, &arg[1..]),
        Some(_) => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

fn scan(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let Some(mut cursor) = parse_scan_cursor(&args[1]) else {
        return ErrorReply::new_static("ERR invalid cursor").into();
    };
    let mut count: i64 = 10;
    let mut pattern: Option<&[u8]> = None;
    let mut type_name: Option<&[u8]> = None;
    let mut i = 2;
    while i < args.len() {
        let more = args.len() - i - 1;
        if eq_ic(&args[i], "count") && more >= 1 {
            count = match parse_i64(&args[i + 1]) {
                Ok(n) if n >= 1 => n,
                Ok(_) => return ErrorReply::syntax().into(),
                Err(e) => return e.into(),
            };
        } else if eq_ic(&args[i], "match") && more >= 1 {
            let p = &args[i + 1][..];
            pattern = if p == b"*" { None } else { Some(p) };
        } else if eq_ic(&args[i], "type") && more >= 1 {
            type_name = Some(&args[i + 1][..]);
        } else {
            return ErrorReply::syntax().into();
        }
        i += 2;
    }
    let db = ctx.db();
    // Collect whole buckets until COUNT keys (a hint) or 10*COUNT steps.
    let mut found: Vec<(Bytes, bool, &'static str)> = Vec::new();
    {
        let ks = &ctx.sh.ks;
        let dict = ks.db(db).dict();
        let mut steps_left = count.saturating_mul(10);
        loop {
            cursor = dict.scan(cursor, &mut |k: &[u8], e: &gears_store::Entry| {
                found.push((Bytes::copy_from_slice(k), ks.is_live(db, e), e.value.type_name()));
            });
            if cursor == 0 || steps_left == 0 {
                break;
            }
            steps_left -= 1;
            if found.len() as i64 >= count {
                break;
            }
        }
    }
    let mut keys = Vec::with_capacity(found.len());
    for (k, live, t) in found {
        if pattern.is_some_and(|p| !glob_match(p, &k, false)) {
            continue;
        }
        if !live {
            // Reclaim it now, as Redis's expireIfNeeded does; never return it.
            ctx.sh.ks.lookup(db, &k, false, false);
            continue;
        }
        if type_name.is_some_and(|want| !want.eq_ignore_ascii_case(t.as_bytes())) {
            continue;
        }
        keys.push(Reply::Bulk(k));
    }
    Reply::Array(vec![Reply::Bulk(Bytes::from(cursor.to_string())), Reply::Array(keys)])
}

fn dbsize(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::Int(ctx.sh.ks.db(ctx.client.db).len() as i64)
}

// ---- OBJECT ----------------------------------------------------------------------

/// OBJECT's lookup (NOTOUCH, no keymiss event, but hits/misses counted).
/// Lazily expires the key; true if it is there.
fn object_lookup(ks: &mut Keyspace, db: usize, key: &[u8]) -> bool {
    let found = ks.lookup(db, key, false, false).is_some();
    if found {
        ks.stats.keyspace_hits += 1;
    } else {
        ks.stats.keyspace_misses += 1;
    }
    found
}

/// Runs `f` on the live entry of `args[2]`, or answers null.
fn with_object(ctx: &mut Ctx, args: &[Bytes], f: impl FnOnce(&Ctx, &gears_store::Entry) -> Reply) -> Reply {
    let db = ctx.db();
    if !object_lookup(&mut ctx.sh.ks, db, &args[2]) {
        return Reply::Null;
    }
    match ctx.sh.ks.db(db).dict().get(&args[2]) {
        Some(e) => f(ctx, e),
        None => Reply::Null,
    }
}

fn lfu_policy(ctx: &Ctx) -> bool {
    matches!(ctx.sh.config.maxmemory_policy, MaxmemoryPolicy::AllkeysLfu | MaxmemoryPolicy::VolatileLfu)
}

fn object_encoding(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    with_object(ctx, args, |_, e| Reply::bulk_str(e.value.encoding()))
}

/// Redis shares the integers 0..9999 (refcount INT_MAX) unless maxmemory is
/// set with an LRU/LFU policy, which needs a per-key access stamp.
fn object_refcount(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    with_object(ctx, args, |ctx, e| {
        let c = &ctx.sh.config;
        let no_shared = c.maxmemory > 0
            && matches!(
                c.maxmemory_policy,
                MaxmemoryPolicy::AllkeysLru
                    | MaxmemoryPolicy::VolatileLru
                    | MaxmemoryPolicy::AllkeysLfu
                    | MaxmemoryPolicy::VolatileLfu
            );
        let shared = !no_shared && matches!(&e.value, Value::Str(Str::Int(n)) if (0..10_000).contains(n));
        Reply::Int(if shared { i32::MAX as i64 } else { 1 })
    })
}

fn object_idletime(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    with_object(ctx, args, |ctx, e| {
        if lfu_policy(ctx) {
            return ErrorReply::new_static("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.").into();
        }
        Reply::Int((ctx.sh.ks.idle_ms(e) / 1000) as i64)
    })
}

fn object_freq(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    with_object(ctx, args, |ctx, e| {
        if !lfu_policy(ctx) {
            return ErrorReply::new_static("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.").into();
        }
        Reply::Int(ctx.sh.ks.lfu_freq(e) as i64)
    })
}

fn object_help(_: &mut Ctx, _: &[Bytes]) -> Reply {
    super::help_reply(
        "OBJECT",
        &[
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
        ],
    )
}

// ---- EXPIRE family, TTL family, PERSIST -------------------------------------------

const EXPIRE_NX: u8 = 1;
const EXPIRE_XX: u8 = 2;
const EXPIRE_GT: u8 = 4;
const EXPIRE_LT: u8 = 8;

fn parse_expire_flags(args: &[Bytes]) -> Result<u8, ErrorReply> {
    let mut f = 0;
    for a in &args[3..] {
        f |= if eq_ic(a, "nx") {
            EXPIRE_NX
        } else if eq_ic(a, "xx") {
            EXPIRE_XX
        } else if eq_ic(a, "gt") {
            EXPIRE_GT
        } else if eq_ic(a, "lt") {
            EXPIRE_LT
        } else {
            return Err(ErrorReply::err(format_args!("Unsupported option {}", lossy(a))));
        };
    }
    if f & EXPIRE_NX != 0 && f & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT) != 0 {
        return Err(ErrorReply::new_static("ERR NX and XX, GT or LT options at the same time are not compatible"));
    }
    if f & EXPIRE_GT != 0 && f & EXPIRE_LT != 0 {
        return Err(ErrorReply::new_static("ERR GT and LT options at the same time are not compatible"));
    }
    Ok(f)
}

/// EXPIRE/PEXPIRE (relative: `relative` true) and EXPIREAT/PEXPIREAT.
fn expire_generic(ctx: &mut Ctx, args: &[Bytes], relative: bool, seconds: bool) -> Reply {
    let flags = match parse_expire_flags(args) {
        Ok(f) => f,
        Err(e) => return e.into(),
    };
    let mut when = match parse_i64(&args[2]) {
        Ok(n) => n,
        Err(e) => return e.into(),
    };
    let invalid =
        || -> Reply { ErrorReply::err(format_args!("invalid expire time in '{}' command", ctx.cmd.full_name)).into() };
    if seconds {
        match when.checked_mul(1000) {
            Some(ms) => when = ms,
            None => return invalid(),
        }
    }
    let now = ctx.sh.ks.now_ms as i64;
    if relative {
        match when.checked_add(now) {
            Some(at) => when = at,
            None => return invalid(),
        }
    }
    let mut g = ctx.write(&args[1]);
    let Some(current) = g.get().map(|e| e.expire_at()) else {
        return Reply::Int(0);
    };
    let current = current.map_or(-1, |c| c as i64);
    let refused = (flags & EXPIRE_NX != 0 && current != -1)
        || (flags & EXPIRE_XX != 0 && current == -1)
        || (flags & EXPIRE_GT != 0 && (current == -1 || when <= current))
        || (flags & EXPIRE_LT != 0 && current != -1 && when >= current);
    if refused {
        return Reply::Int(0);
    }
    if when <= now {
        g.delete();
        g.notify(GENERIC, "del");
    } else {
        g.set_expire_at(when as u64);
        g.notify(GENERIC, "expire");
    }
    Reply::Int(1)
}

fn expire(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    expire_generic(ctx, args, true, true)
}

fn pexpire(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    expire_generic(ctx, args, true, false)
}

fn expireat(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    expire_generic(ctx, args, false, true)
}

fn pexpireat(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    expire_generic(ctx, args, false, false)
}

/// TTL/PTTL (remaining time) and EXPIRETIME/PEXPIRETIME (absolute).
fn ttl_generic(ctx: &mut Ctx, args: &[Bytes], ms: bool, absolute: bool) -> Reply {
    let db = ctx.db();
    let now = ctx.sh.ks.now_ms as i64;
    let Some(e) = ctx.sh.ks.lookup(db, &args[1], false, true) else {
        return Reply::Int(-2);
    };
    let Some(at) = e.expire_at() else {
        return Reply::Int(-1);
    };
    let t = if absolute { at as i64 } else { (at as i64 - now).max(0) };
    // Seconds are rounded, EXPIRETIME included (computed wide: Redis's
    // unsigned wrap makes an i64::MAX expiry answer 9223372036854776).
    Reply::Int(if ms { t } else { ((t as i128 + 500) / 1000) as i64 })
}

fn ttl(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    ttl_generic(ctx, args, false, false)
}

fn pttl(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    ttl_generic(ctx, args, true, false)
}

fn expiretime(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    ttl_generic(ctx, args, false, true)
}

fn pexpiretime(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    ttl_generic(ctx, args, true, true)
}

fn persist(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut g = ctx.write(&args[1]);
    if g.persist() {
        g.notify(GENERIC, "persist");
        Reply::Int(1)
    } else {
        Reply::Int(0)
    }
}

// ---- FLUSHDB, FLUSHALL, SWAPDB ------------------------------------------------------

/// The optional ASYNC|SYNC argument; both free synchronously here.
fn flush_args_ok(args: &[Bytes]) -> bool {
    match args.len() {
        1 => true,
        2 => eq_ic(&args[1], "sync") || eq_ic(&args[1], "async"),
        _ => false,
    }
}

fn flushdb(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    if !flush_args_ok(args) {
        return ErrorReply::syntax().into();
    }
    let db = ctx.db();
    ctx.sh.ks.flush_db(db);
    Reply::ok()
}

fn flushall(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    if !flush_args_ok(args) {
        return ErrorReply::syntax().into();
    }
    for db in 0..ctx.sh.ks.db_count() {
        ctx.sh.ks.flush_db(db);
    }
    ctx.sh.ks.dirty += 1;
    Reply::ok()
}

fn swapdb(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let Ok(a) = parse_int(&args[1]) else {
        return ErrorReply::new_static("ERR invalid first DB index").into();
    };
    let Ok(b) = parse_int(&args[2]) else {
        return ErrorReply::new_static("ERR invalid second DB index").into();
    };
    let n = ctx.sh.ks.db_count() as i64;
    if !(0..n).contains(&(a as i64)) || !(0..n).contains(&(b as i64)) {
        return ErrorReply::db_index_out_of_range().into();
    }
    ctx.sh.ks.swap_db(a as usize, b as usize);
    Reply::ok()
}

// ---- table ---------------------------------------------------------------------------

const GEN: &str = "generic";
const SRV: &str = "server";
const ALL_KEYS: Keys = Keys::Range { first: 1, last: -1, step: 1 };
const KEY1: Keys = Keys::Range { first: 1, last: 1, step: 1 };
const KEY12: Keys = Keys::Range { first: 1, last: 2, step: 1 };
const OBJ_KEY: Keys = Keys::Range { first: 2, last: 2, step: 1 };

fn container(_: &mut Ctx, _: &[Bytes]) -> Reply {
    // Never called: dispatch resolves a subcommand first.
    ErrorReply::syntax().into()
}

pub static OBJECT_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Returns helpful text about the different subcommands.",
        since: "6.2.0",
        complexity: "O(1)",
        ..CommandSpec::new("help", 2, LOADING | STALE, Keys::None, GEN, object_help)
    },
    CommandSpec {
        summary: "Returns the internal encoding of a Redis object.",
        since: "2.2.3",
        complexity: "O(1)",
        ..CommandSpec::new("encoding", 3, READONLY, OBJ_KEY, GEN, object_encoding)
    },
    CommandSpec {
        summary: "Returns the logarithmic access frequency counter of a Redis object.",
        since: "4.0.0",
        complexity: "O(1)",
        ..CommandSpec::new("freq", 3, READONLY, OBJ_KEY, GEN, object_freq)
    },
    CommandSpec {
        summary: "Returns the time since the last access to a Redis object.",
        since: "2.2.3",
        complexity: "O(1)",
        ..CommandSpec::new("idletime", 3, READONLY, OBJ_KEY, GEN, object_idletime)
    },
    CommandSpec {
        summary: "Returns the reference count of a value of a key.",
        since: "2.2.3",
        complexity: "O(1)",
        ..CommandSpec::new("refcount", 3, READONLY, OBJ_KEY, GEN, object_refcount)
    },
];

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec { summary: "Deletes one or more keys.", complexity: "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).", ..CommandSpec::new("del", -2, WRITE, ALL_KEYS, GEN, del) },
    CommandSpec { summary: "Asynchronously deletes one or more keys.", since: "4.0.0", complexity: "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.", ..CommandSpec::new("unlink", -2, WRITE | FAST, ALL_KEYS, GEN, del) },
    CommandSpec { summary: "Determines whether one or more keys exist.", complexity: "O(N) where N is the number of keys to check.", ..CommandSpec::new("exists", -2, READONLY | FAST, ALL_KEYS, GEN, exists) },
    CommandSpec { summary: "Determines the type of value stored at a key.", complexity: "O(1)", ..CommandSpec::new("type", 2, READONLY | FAST, KEY1, GEN, type_cmd) },
    CommandSpec { summary: "Renames a key and overwrites the destination.", complexity: "O(1)", ..CommandSpec::new("rename", 3, WRITE, KEY12, GEN, rename) },
    CommandSpec { summary: "Renames a key only when the target key name doesn't exist.", complexity: "O(1)", ..CommandSpec::new("renamenx", 3, WRITE | FAST, KEY12, GEN, renamenx) },
    CommandSpec { summary: "Copies the value of a key to a new key.", since: "6.2.0", complexity: "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", ..CommandSpec::new("copy", -3, WRITE | DENYOOM, KEY12, GEN, copy) },
    CommandSpec { summary: "Moves a key to another database.", complexity: "O(1)", ..CommandSpec::new("move", 3, WRITE | FAST, KEY1, GEN, move_cmd) },
    CommandSpec { summary: "Returns all key names that match a pattern.", complexity: "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.", ..CommandSpec::new("keys", 2, READONLY | DANGEROUS, Keys::None, GEN, keys) },
    CommandSpec { summary: "Returns a random key name from the database.", complexity: "O(1)", ..CommandSpec::new("randomkey", 1, READONLY, Keys::None, GEN, randomkey) },
    CommandSpec { summary: "Returns the number of existing keys out of those specified after updating the time they were last accessed.", since: "3.2.1", complexity: "O(N) where N is the number of keys that will be touched.", ..CommandSpec::new("touch", -2, READONLY | FAST, ALL_KEYS, GEN, touch) },
    CommandSpec { summary: "Iterates over the key names in the database.", since: "2.8.0", complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", ..CommandSpec::new("scan", -2, READONLY, Keys::None, GEN, scan) },
    CommandSpec { summary: "A container for object introspection commands.", since: "2.2.3", subcommands: OBJECT_SUBCOMMANDS, ..CommandSpec::new("object", -2, 0, Keys::None, GEN, container) },
    CommandSpec { summary: "Sets the expiration time of a key in seconds.", complexity: "O(1)", ..CommandSpec::new("expire", -3, WRITE | FAST, KEY1, GEN, expire) },
    CommandSpec { summary: "Sets the expiration time of a key in milliseconds.", since: "2.6.0", complexity: "O(1)", ..CommandSpec::new("pexpire", -3, WRITE | FAST, KEY1, GEN, pexpire) },
    CommandSpec { summary: "Sets the expiration time of a key to a Unix timestamp.", since: "1.2.0", complexity: "O(1)", ..CommandSpec::new("expireat", -3, WRITE | FAST, KEY1, GEN, expireat) },
    CommandSpec { summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.", since: "2.6.0", complexity: "O(1)", ..CommandSpec::new("pexpireat", -3, WRITE | FAST, KEY1, GEN, pexpireat) },
    CommandSpec { summary: "Returns the expiration time in seconds of a key.", complexity: "O(1)", ..CommandSpec::new("ttl", 2, READONLY | FAST, KEY1, GEN, ttl) },
    CommandSpec { summary: "Returns the expiration time in milliseconds of a key.", since: "2.6.0", complexity: "O(1)", ..CommandSpec::new("pttl", 2, READONLY | FAST, KEY1, GEN, pttl) },
    CommandSpec { summary: "Returns the expiration time of a key as a Unix timestamp.", since: "7.0.0", complexity: "O(1)", ..CommandSpec::new("expiretime", 2, READONLY | FAST, KEY1, GEN, expiretime) },
    CommandSpec { summary: "Returns the expiration time of a key as a Unix milliseconds timestamp.", since: "7.0.0", complexity: "O(1)", ..CommandSpec::new("pexpiretime", 2, READONLY | FAST, KEY1, GEN, pexpiretime) },
    CommandSpec { summary: "Removes the expiration time of a key.", since: "2.2.0", complexity: "O(1)", ..CommandSpec::new("persist", 2, WRITE | FAST, KEY1, GEN, persist) },
    CommandSpec { summary: "Returns the number of keys in the database.", complexity: "O(1)", ..CommandSpec::new("dbsize", 1, READONLY | FAST, Keys::None, SRV, dbsize) },
    CommandSpec { summary: "Remove all keys from the current database.", complexity: "O(N) where N is the number of keys in the selected database", ..CommandSpec::new("flushdb", -1, WRITE | DANGEROUS, Keys::None, SRV, flushdb) },
    CommandSpec { summary: "Removes all keys from all databases.", complexity: "O(N) where N is the total number of keys in all databases", ..CommandSpec::new("flushall", -1, WRITE | DANGEROUS, Keys::None, SRV, flushall) },
    CommandSpec { summary: "Swaps two Redis databases.", since: "4.0.0", complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.", ..CommandSpec::new("swapdb", 3, WRITE | FAST | DANGEROUS, Keys::None, SRV, swapdb) },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_cursor_like_strtoul() {
        assert_eq!(parse_scan_cursor(b"0"), Some(0));
        assert_eq!(parse_scan_cursor(b""), Some(0));
        assert_eq!(parse_scan_cursor(b"+5"), Some(5));
        assert_eq!(parse_scan_cursor(b"05"), Some(5));
        assert_eq!(parse_scan_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_scan_cursor(b"-0"), Some(0));
        assert_eq!(parse_scan_cursor(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_scan_cursor(b"18446744073709551616"), None);
        assert_eq!(parse_scan_cursor(b" 5"), None);
        assert_eq!(parse_scan_cursor(b"5 "), None);
        assert_eq!(parse_scan_cursor(b"-"), None);
        assert_eq!(parse_scan_cursor(b"+"), None);
        assert_eq!(parse_scan_cursor(b"x"), None);
    }

    #[test]
    fn expire_flag_errors() {
        let a = |v: &[&str]| v.iter().map(|s| Bytes::copy_from_slice(s.as_bytes())).collect::<Vec<_>>();
        assert_eq!(parse_expire_flags(&a(&["expire", "k", "1", "xx", "gt"])), Ok(EXPIRE_XX | EXPIRE_GT));
        assert!(parse_expire_flags(&a(&["expire", "k", "1", "nx", "lt"]))
            .unwrap_err()
            .as_str()
            .starts_with("ERR NX and XX"));
        assert!(parse_expire_flags(&a(&["expire", "k", "1", "gt", "lt"]))
            .unwrap_err()
            .as_str()
            .starts_with("ERR GT and LT"));
        assert_eq!(
            parse_expire_flags(&a(&["expire", "k", "1", "foo"])).unwrap_err().as_str(),
            "ERR Unsupported option foo"
        );
    }
}
