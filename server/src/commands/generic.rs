//! Generic (keyspace) commands: DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX,
//! COPY, MOVE, KEYS, RANDOMKEY, TOUCH, SCAN, OBJECT, the EXPIRE and TTL
//! families, PERSIST, SORT and SORT_RO; plus the server-group DBSIZE,
//! FLUSHDB, FLUSHALL, SWAPDB.
//!
//! Writes go through the WriteGuard and emit Redis's keyspace events; reads
//! that Redis does with NOTOUCH (TYPE, EXISTS, the TTL family, OBJECT) do not
//! update the access stamp but still count keyspace hits and misses.

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};
use gears_store::glob::glob_match;
use gears_store::notify::GENERIC;
use gears_store::{Keyspace, Str, Value, ZSet};

use crate::args::{eq_ic, lossy, parse_i64, parse_scan_cursor};
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

fn del_generic(ctx: &mut Ctx, args: &[Bytes], lazy: bool) -> Reply {
    let mut n = 0;
    for key in &args[1..] {
        let mut g = ctx.write(key);
        if let Some(old) = g.delete() {
            g.notify(GENERIC, "del");
            n += 1;
            // UNLINK: a big value is freed off the lock, as Redis's lazyfree does.
            if lazy && old.value.heap_size() > crate::lazyfree::THRESHOLD_BYTES {
                crate::lazyfree::drop_later(old);
            }
        }
    }
    Reply::Int(n)
}

fn del(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    del_generic(ctx, args, false)
}

fn unlink(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    del_generic(ctx, args, true)
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
    let key = args[1].clone();
    if when <= now {
        g.delete();
        g.notify(GENERIC, "del");
        drop(g);
        // Deterministic on replay whatever the clock says then (Redis: DEL).
        ctx.propagate_as(vec![Bytes::from_static(b"DEL"), key]);
    } else {
        g.set_expire_at(when as u64);
        g.notify(GENERIC, "expire");
        drop(g);
        // The outcome is known: an absolute time, without NX/XX/GT/LT.
        if relative || seconds {
            ctx.propagate_as(pexpireat_argv(key, when));
        }
    }
    Reply::Int(1)
}

/// `PEXPIREAT key <ms>`: how every relative or second-based expiry is propagated.
pub fn pexpireat_argv(key: Bytes, at_ms: i64) -> Vec<Bytes> {
    vec![Bytes::from_static(b"PEXPIREAT"), key, Bytes::from(at_ms.to_string())]
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

/// The optional ASYNC|SYNC argument: Some(true) for ASYNC, which frees the
/// old contents on the lazyfree thread instead of under the lock.
fn flush_mode(args: &[Bytes]) -> Option<bool> {
    match args.len() {
        1 => Some(false),
        2 if eq_ic(&args[1], "sync") => Some(false),
        2 if eq_ic(&args[1], "async") => Some(true),
        _ => None,
    }
}

fn flush_one(ctx: &mut Ctx, db: usize, lazy: bool) {
    let (_, old) = ctx.sh.ks.take_db(db);
    if lazy && !old.is_empty() {
        crate::lazyfree::drop_later(old);
    }
}

fn flushdb(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let Some(lazy) = flush_mode(args) else {
        return ErrorReply::syntax().into();
    };
    let db = ctx.db();
    flush_one(ctx, db, lazy);
    Reply::ok()
}

fn flushall(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let Some(lazy) = flush_mode(args) else {
        return ErrorReply::syntax().into();
    };
    for db in 0..ctx.sh.ks.db_count() {
        flush_one(ctx, db, lazy);
    }
    // As Redis's flushAllDataAndResetRDB: a dump being written is stale now,
    // and with save points the (empty) dataset is saved at once.
    if ctx.sh.persist.child_running(crate::persist::ChildKind::Rdb) {
        crate::persist::kill_child(ctx.srv, ctx.sh);
    }
    if !ctx.sh.config.save_points.is_empty() {
        let _ = crate::persist::snapshot::save(ctx.srv, ctx.sh);
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

// ---- SORT, SORT_RO ----------------------------------------------------------------

const SORT_SCORE_ERR: ErrorReply = ErrorReply::new_static("ERR One or more scores can't be converted into double");

/// What C string functions see of `b`: the bytes before its first NUL.
fn c_str(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    }
}

/// strcoll in the C locale: strcmp, which stops at the first NUL.
fn coll_cmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    c_str(a).cmp(c_str(b))
}

/// A SORT score, as Redis 8 parses it (fast_float's strtod on the C string):
/// optional sign, decimal digits with an optional fraction and exponent, or
/// inf/infinity; the whole C string must be used. NaN, overflow and
/// underflow (including subnormal results) are errors; an empty string is 0.
fn sort_score(b: &[u8]) -> Option<f64> {
    let s = c_str(b);
    if s.is_empty() {
        return Some(0.0);
    }
    let (neg, body) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower.starts_with(b"nan") {
        return None;
    }
    if lower.starts_with(b"inf") {
        return (lower == b"inf" || lower == b"infinity").then_some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    let digits = |from: usize| body[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let int_digits = digits(0);
    let mut i = int_digits;
    let mut frac_digits = 0;
    if body.get(i) == Some(&b'.') {
        frac_digits = digits(i + 1);
        i += 1 + frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if matches!(body.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(body.get(i + 1), Some(b'+' | b'-')));
        let exp_digits = digits(i + 1 + sign);
        if exp_digits > 0 {
            i += 1 + sign + exp_digits;
        }
    }
    if i != body.len() {
        return None;
    }
    let text = std::str::from_utf8(s).ok()?;
    let v: f64 = text.parse().ok()?;
    let nonzero_digits = body[..int_digits + frac_digits + usize::from(frac_digits > 0)]
        .iter()
        .any(|c| c.is_ascii_digit() && *c != b'0');
    // ERANGE: overflow to infinity, or underflow (zero or subnormal).
    if v.is_infinite() || (nonzero_digits && v.abs() < f64::MIN_POSITIVE) {
        return None;
    }
    Some(v)
}

/// Redis's lookupKeyByPattern: `#` is the element itself; otherwise the first
/// `*` of the pattern is replaced by the element to form a key name, and a
/// `->field` suffix after the `*` reads that field of a hash instead of a
/// string. `None` for a pattern without `*`, a missing key or field, or a
/// key of another type.
fn sort_lookup(ctx: &mut Ctx, pattern: &[u8], subst: &[u8]) -> Option<Bytes> {
    let c = c_str(pattern);
    if c == b"#" {
        return Some(Bytes::copy_from_slice(subst));
    }
    let star = c.iter().position(|&b| b == b'*')?;
    let field = c[star + 1..]
        .windows(2)
        .position(|w| w == b"->")
        .map(|p| star + 1 + p)
        .filter(|&f| f + 2 < c.len())
        .map(|f| &pattern[f + 2..]);
    let key_end = pattern.len() - field.map_or(0, |f| f.len() + 2);
    let mut key = Vec::with_capacity(key_end - 1 + subst.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(subst);
    key.extend_from_slice(&pattern[star + 1..key_end]);
    let now = ctx.sh.ks.now_ms;
    match (&ctx.read(&key)?.value, field) {
        (Value::Str(s), None) => Some(s.to_bytes()),
        (Value::Hash(h), Some(f)) => {
            // A field past its TTL is not there (it is reclaimed by the hash commands).
            match h.field_ttl(f) {
                gears_store::hash::FieldTtl::At(at) if at <= now => None,
                _ => h.get(f).map(Bytes::copy_from_slice),
            }
        }
        _ => None,
    }
}

struct SortOptions<'a> {
    desc: bool,
    alpha: bool,
    limit_start: i64,
    limit_count: i64,
    store: Option<&'a [u8]>,
    by: Option<&'a [u8]>,
    /// BY without `*`: keep the native order.
    dontsort: bool,
    gets: Vec<&'a [u8]>,
}

fn parse_sort_options(args: &[Bytes], readonly: bool) -> Result<SortOptions<'_>, ErrorReply> {
    let mut o = SortOptions {
        desc: false,
        alpha: false,
        limit_start: 0,
        limit_count: -1,
        store: None,
        by: None,
        dontsort: false,
        gets: Vec::new(),
    };
    let mut j = 2;
    while j < args.len() {
        let left = args.len() - j - 1;
        let a = &args[j][..];
        if eq_ic(a, "asc") {
            o.desc = false;
        } else if eq_ic(a, "desc") {
            o.desc = true;
        } else if eq_ic(a, "alpha") {
            o.alpha = true;
        } else if eq_ic(a, "limit") && left >= 2 {
            o.limit_start = parse_i64(&args[j + 1])?;
            o.limit_count = parse_i64(&args[j + 2])?;
            j += 2;
        } else if !readonly && eq_ic(a, "store") && left >= 1 {
            o.store = Some(&args[j + 1]);
            j += 1;
        } else if eq_ic(a, "by") && left >= 1 {
            o.by = Some(&args[j + 1]);
            // A pattern without '*' is constant: nothing to sort by.
            if !c_str(&args[j + 1]).contains(&b'*') {
                o.dontsort = true;
            }
            j += 1;
        } else if eq_ic(a, "get") && left >= 1 {
            o.gets.push(&args[j + 1]);
            j += 1;
        } else {
            return Err(ErrorReply::syntax());
        }
        j += 1;
    }
    Ok(o)
}

/// One element being sorted, with its weight.
struct SortItem {
    elem: Bytes,
    score: f64,
    cmp: Option<Bytes>,
}

/// Loads the elements of the key to sort. For a list or sorted set left in
/// its native order, only the LIMIT range is loaded (reversed for DESC) and
/// the range is rebased to 0. A sorted set is converted to its skiplist
/// encoding first, as Redis does.
fn sort_load(
    ctx: &mut Ctx,
    key: &[u8],
    o: &mut SortOptions,
    range: &mut (i64, i64),
) -> Result<Vec<SortItem>, ErrorReply> {
    let db = ctx.db();
    let is_zset = match ctx.read(key).map(|e| &e.value) {
        None | Some(Value::List(_) | Value::Set(_)) => false,
        Some(Value::ZSet(_)) => true,
        Some(_) => return Err(ErrorReply::wrong_type()),
    };
    if is_zset {
        // Destructive, without counting as a change (Redis's zsetConvert).
        if let Some(Value::ZSet(z)) = ctx.sh.ks.lookup_mut(db, key, false, false).map(|e| &mut e.value) {
            if z.encoding() == "listpack" {
                let pairs = z.range(0, z.len(), false);
                let big = gears_store::zset::Limits { max_entries: 0, max_value: 0 };
                **z = ZSet::from_pairs(pairs.iter().map(|(m, s)| (&m[..], *s)), big);
            }
        }
    }
    let value = ctx.sh.ks.db(db).dict().get(key).map(|e| &e.value);
    let len = match value {
        Some(Value::List(l)) => l.len(),
        Some(Value::Set(s)) => s.len(),
        Some(Value::ZSet(z)) => z.len(),
        _ => 0,
    } as i64;
    if o.dontsort && o.store.is_some() && matches!(value, Some(Value::Set(_))) {
        // A set has no native order: sort it, so STORE is deterministic.
        o.dontsort = false;
        o.alpha = true;
        o.by = None;
    }
    let mut start = o.limit_start.max(0).min(len);
    let count = o.limit_count.max(-1).min(len);
    let mut end = if count < 0 { len - 1 } else { start + count - 1 };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    end = end.min(len - 1);
    let item = |elem: Bytes| SortItem { elem, score: 0.0, cmp: None };
    let mut items = Vec::new();
    let ranged = o.dontsort && end >= start;
    match value {
        Some(Value::List(l)) if ranged => {
            let n = (end - start + 1) as usize;
            if o.desc {
                items.extend(l.iter_rev().skip(start as usize).take(n).map(|e| item(e.to_bytes())));
            } else {
                items.extend(l.iter_from(start as usize).take(n).map(|e| item(e.to_bytes())));
            }
        }
        Some(Value::ZSet(z)) if ranged => {
            let (lo, hi) = if o.desc {
                ((len - 1 - end) as usize, (len - start) as usize)
            } else {
                (start as usize, end as usize + 1)
            };
            z.for_each_in(lo, hi, o.desc, |m, _| items.push(item(Bytes::copy_from_slice(m))));
        }
        // Native order with an empty range: nothing to load.
        Some(Value::List(_) | Value::ZSet(_)) if o.dontsort => {}
        Some(Value::List(l)) => items.extend(l.iter().map(|e| item(e.to_bytes()))),
        Some(Value::Set(s)) => items.extend(s.iter().map(|m| item(Bytes::from(m.to_vec())))),
        Some(Value::ZSet(z)) => z.for_each(|m, _| items.push(item(Bytes::copy_from_slice(m)))),
        _ => {}
    }
    if ranged && !matches!(value, Some(Value::Set(_))) {
        end -= start;
        start = 0;
    }
    *range = (start, end);
    Ok(items)
}

fn sort_generic(ctx: &mut Ctx, args: &[Bytes], readonly: bool) -> Reply {
    let mut o = match parse_sort_options(args, readonly) {
        Ok(o) => o,
        Err(e) => return e.into(),
    };
    let mut range = (0, -1);
    let mut items = match sort_load(ctx, &args[1], &mut o, &mut range) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    let store = o.store.is_some();
    if !o.dontsort {
        let mut score_error = false;
        for it in &mut items {
            let by = match o.by {
                Some(p) => match sort_lookup(ctx, p, &it.elem) {
                    Some(v) => v,
                    None => continue,
                },
                None => it.elem.clone(),
            };
            if o.alpha {
                if o.by.is_some() {
                    it.cmp = Some(by);
                }
            } else {
                match sort_score(&by) {
                    Some(s) => it.score = s,
                    None => score_error = true,
                }
            }
        }
        if score_error {
            return SORT_SCORE_ERR.into();
        }
        let (alpha, by, desc) = (o.alpha, o.by.is_some(), o.desc);
        let text_cmp = |a: &[u8], b: &[u8]| if store { a.cmp(b) } else { coll_cmp(a, b) };
        // A stable sort, as glibc's qsort (a merge sort): ties keep the load order.
        items.sort_by(|a, b| {
            let c = if !alpha {
                a.score.partial_cmp(&b.score).unwrap_or(std::cmp::Ordering::Equal).then_with(|| a.elem.cmp(&b.elem))
            } else if by {
                match (&a.cmp, &b.cmp) {
                    (Some(x), Some(y)) => text_cmp(x, y),
                    (x, y) => x.is_some().cmp(&y.is_some()),
                }
            } else {
                text_cmp(&a.elem, &b.elem)
            };
            if desc {
                c.reverse()
            } else {
                c
            }
        });
    }
    let (start, end) = range;
    let selected: &[SortItem] = if end >= start { &items[start as usize..=end as usize] } else { &[] };
    let mut out: Vec<Option<Bytes>> = Vec::with_capacity(selected.len() * o.gets.len().max(1));
    for it in selected {
        if o.gets.is_empty() {
            out.push(Some(it.elem.clone()));
        }
        for p in &o.gets {
            out.push(sort_lookup(ctx, p, &it.elem));
        }
    }
    let Some(dst) = o.store else {
        return Reply::Array(out.into_iter().map(|v| v.map_or(Reply::Null, Reply::Bulk)).collect());
    };
    let n = out.len();
    let fill = ctx.sh.config.list_max_listpack_size;
    let mut g = ctx.write(dst);
    if n > 0 {
        let elems: Vec<Bytes> = out.into_iter().map(Option::unwrap_or_default).collect();
        let mut l = gears_store::List::new();
        l.push_all(gears_store::list::End::Tail, &elems, fill);
        g.set(Value::List(Box::new(l)), false);
        g.notify(gears_store::notify::LIST, "sortstore");
    } else if g.delete().is_some() {
        g.notify(GENERIC, "del");
    }
    Reply::Int(n as i64)
}

fn sort(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    sort_generic(ctx, args, false)
}

fn sort_ro(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    sort_generic(ctx, args, true)
}

/// Redis's sortGetKeys: the key, and the destination of the last STORE.
/// LIMIT skips two arguments, GET and BY one; STORE's argument is not
/// skipped.
fn sort_keys(args: &[Bytes]) -> Vec<usize> {
    let mut keys = vec![1];
    let mut store = None;
    let mut i = 2;
    while i < args.len() {
        let a = &args[i][..];
        if eq_ic(a, "limit") {
            i += 2;
        } else if eq_ic(a, "get") || eq_ic(a, "by") {
            i += 1;
        } else if eq_ic(a, "store") && i + 1 < args.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    keys.extend(store);
    keys
}

fn sort_ro_keys(_: &[Bytes]) -> Vec<usize> {
    vec![1]
}

// ---- table ---------------------------------------------------------------------------

const GEN: &str = "generic";
const SRV: &str = "server";
const ALL_KEYS: Keys = Keys::Range { first: 1, last: -1, step: 1 };
const KEY1: Keys = Keys::Range { first: 1, last: 1, step: 1 };
const KEY12: Keys = Keys::Range { first: 1, last: 2, step: 1 };
const OBJ_KEY: Keys = Keys::Range { first: 2, last: 2, step: 1 };
const SORT_KEYS: Keys = Keys::Custom { first: 1, last: 1, step: 1, find: sort_keys };
const SORT_RO_KEYS: Keys = Keys::Custom { first: 1, last: 1, step: 1, find: sort_ro_keys };

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
    CommandSpec { summary: "Asynchronously deletes one or more keys.", since: "4.0.0", complexity: "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.", ..CommandSpec::new("unlink", -2, WRITE | FAST, ALL_KEYS, GEN, unlink) },
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
    CommandSpec { summary: "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.", complexity: "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).", acl: &["@write", "@set", "@sortedset", "@list", "@slow", "@dangerous"], ..CommandSpec::new("sort", -2, WRITE | DENYOOM | DANGEROUS, SORT_KEYS, GEN, sort) },
    CommandSpec { summary: "Returns the sorted elements of a list, a set, or a sorted set.", since: "7.0.0", complexity: "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).", acl: &["@read", "@set", "@sortedset", "@list", "@slow", "@dangerous"], ..CommandSpec::new("sort_ro", -2, READONLY | DANGEROUS, SORT_RO_KEYS, GEN, sort_ro) },
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

    #[test]
    fn sort_scores_like_fast_float_strtod() {
        for (text, want) in [
            ("1", 1.0),
            ("-2.5", -2.5),
            ("+3", 3.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("1E+2", 100.0),
            ("-1e-2", -0.01),
            ("", 0.0),
            ("0e-500", 0.0),
            ("inf", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("1e308", 1e308),
        ] {
            assert_eq!(sort_score(text.as_bytes()), Some(want), "{text:?}");
        }
        assert_eq!(sort_score(b"12\0abc"), Some(12.0));
        for bad in [
            "abc",
            " 1",
            "1 ",
            "0x10",
            "1e",
            "1e+",
            ".",
            "-",
            "+",
            "nan",
            "-nan",
            "infinit",
            "infinityx",
            "1..2",
            "1e400",
            "1e-400",
            "1e-310",
        ] {
            assert_eq!(sort_score(bad.as_bytes()), None, "{bad:?}");
        }
    }

    #[test]
    fn sort_getkeys() {
        let a = |v: &[&str]| v.iter().map(|s| Bytes::copy_from_slice(s.as_bytes())).collect::<Vec<_>>();
        assert_eq!(sort_keys(&a(&["sort", "k"])), [1]);
        assert_eq!(sort_keys(&a(&["sort", "k", "STORE", "d"])), [1, 3]);
        assert_eq!(sort_keys(&a(&["sort", "k", "store", "d", "limit", "0", "1", "store", "e"])), [1, 8]);
        assert_eq!(sort_keys(&a(&["sort", "k", "get", "store", "d"])), [1]);
        assert_eq!(sort_keys(&a(&["sort", "k", "by", "x", "store"])), [1]);
        assert_eq!(sort_ro_keys(&a(&["sort_ro", "k", "store", "d"])), [1]);
    }

    #[test]
    fn sort_parse_errors() {
        let a = |v: &[&str]| v.iter().map(|s| Bytes::copy_from_slice(s.as_bytes())).collect::<Vec<_>>();
        let err = |v: &[&str], ro| parse_sort_options(&a(v), ro).err().map(|e| e.as_str().to_string());
        assert_eq!(err(&["sort", "k", "store"], false).as_deref(), Some("ERR syntax error"));
        assert_eq!(err(&["sort", "k", "store", "d"], true).as_deref(), Some("ERR syntax error"));
        assert_eq!(
            err(&["sort", "k", "limit", "x", "1"], false).as_deref(),
            Some("ERR value is not an integer or out of range")
        );
        let args = a(&["sort", "k", "by", "w_\0*", "get", "#", "desc", "alpha", "limit", "1", "2", "store", "d"]);
        let o = parse_sort_options(&args, false).unwrap();
        assert!(o.dontsort && o.desc && o.alpha);
        assert_eq!((o.limit_start, o.limit_count, o.store, o.gets.len()), (1, 2, Some(&b"d"[..]), 1));
    }
}
