//! Hash commands: HSET, HSETNX, HGET, HMGET, HMSET, HGETALL, HDEL, HLEN,
//! HEXISTS, HKEYS, HVALS, HSTRLEN, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN;
//! per-field expiration (Redis 7.4+): HEXPIRE, HPEXPIRE, HEXPIREAT,
//! HPEXPIREAT, HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME, HPERSIST; and the
//! Redis 8 HGETDEL, HGETEX, HSETEX.
//!
//! Every command first reclaims the hash's expired fields (emitting
//! `hexpired`, and `del` when that empties the key), so expired fields are
//! invisible everywhere; the server cron reclaims the rest
//! ([`gears_store::Keyspace::hash_field_expire_sample`]). Writes go through a
//! `WriteGuard`, with the keyspace events Redis emits. Error texts and
//! argument-check order follow Redis 7.0 for the old commands and Redis 8's
//! t_hash.c for the field-TTL ones.

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};
use gears_store::glob::glob_match;
use gears_store::hash::{FieldTtl, Hash, Limits};
use gears_store::notify::{GENERIC, HASH};
use gears_store::{parse_canonical_i64, Keyspace, Value, WriteGuard};

use super::string::ld::Ld;
use crate::args::{eq_ic, lossy, parse_i64, parse_scan_cursor};
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::Ctx;

const FIELDS_POSITION: ErrorReply =
    ErrorReply::new_static("ERR Mandatory argument FIELDS is missing or not at the right position");
const NUMFIELDS_POSITIVE: &str = "ERR Number of fields must be a positive integer";
const NUMFIELDS_MISMATCH: ErrorReply =
    ErrorReply::new_static("ERR The `numfields` parameter must match the number of arguments");
/// Redis's HFE_MAX_ABS_TIME_MSEC: the largest field expiry, in unix ms.
const MAX_EXPIRE_MS: i64 = ((1i64 << 48) - 1) >> 2;

// ---- helpers -------------------------------------------------------------------

fn limits(ctx: &Ctx) -> Limits {
    Limits {
        max_entries: ctx.sh.config.hash_max_listpack_entries.min(usize::MAX as u64) as usize,
        max_value: ctx.sh.config.hash_max_listpack_value.min(usize::MAX as u64) as usize,
    }
}

/// Reclaims the expired fields of the hash under the guard: `hexpired`, and
/// the key deleted (`del`) if none is left. Returns true if the key remains.
fn reclaim(g: &mut WriteGuard) -> bool {
    let now = g.now_ms();
    let (mut n, mut emptied) = (0, false);
    if let Some(Value::Hash(h)) = g.get_mut().map(|e| &mut e.value) {
        n = h.purge_expired(now);
        emptied = h.is_empty();
    }
    if n > 0 {
        g.notify(HASH, "hexpired");
    }
    if emptied {
        g.delete();
        g.notify(GENERIC, "del");
    }
    !emptied
}

/// The hash at `key` for a read (lookupKeyRead: hit/miss stats, LRU touch),
/// with its expired fields reclaimed first. WRONGTYPE for another type.
fn read_hash<'a>(ks: &'a mut Keyspace, db: usize, key: &[u8], touch: bool) -> Result<Option<&'a Hash>, ErrorReply> {
    let now = ks.now_ms;
    let purge = match ks.lookup(db, key, touch, true) {
        None => return Ok(None),
        Some(e) => match &e.value {
            Value::Hash(h) => h.may_have_expired(now),
            _ => return Err(ErrorReply::wrong_type()),
        },
    };
    if purge {
        reclaim(&mut ks.write(db, key));
    }
    Ok(match ks.db(db).dict().get(key).map(|e| &e.value) {
        Some(Value::Hash(h)) => Some(h),
        _ => None,
    })
}

/// Type check and field reclaim for a write (lookupKeyWrite): Ok(true) if a
/// hash is there.
fn prep_write(g: &mut WriteGuard) -> Result<bool, ErrorReply> {
    let now = g.now_ms();
    let purge = match g.get() {
        None => return Ok(false),
        Some(e) => match &e.value {
            Value::Hash(h) => h.may_have_expired(now),
            _ => return Err(ErrorReply::wrong_type()),
        },
    };
    if purge {
        return Ok(reclaim(g));
    }
    Ok(true)
}

/// The hash under the guard, for modification (after `prep_write` said it exists).
fn hash_mut<'g>(g: &'g mut WriteGuard) -> Option<&'g mut Hash> {
    match g.get_mut().map(|e| &mut e.value) {
        Some(Value::Hash(h)) => Some(h),
        _ => None,
    }
}

/// Deletes the key under the guard if its hash is empty (`del` event).
fn delete_if_empty(g: &mut WriteGuard) -> bool {
    let empty = matches!(g.get().map(|e| &e.value), Some(Value::Hash(h)) if h.is_empty());
    if empty {
        g.delete();
        g.notify(GENERIC, "del");
    }
    empty
}

fn bulk(b: &[u8]) -> Reply {
    Reply::Bulk(Bytes::copy_from_slice(b))
}

fn b(s: &'static str) -> Bytes {
    Bytes::from_static(s.as_bytes())
}

/// `HPEXPIREAT key <ms> FIELDS n f...`: how every field expiry that took
/// effect is propagated (absolute, and without NX/XX/GT/LT: the outcome is known).
pub fn hpexpireat_argv(key: &Bytes, at_ms: u64, fields: &[Bytes]) -> Vec<Bytes> {
    let mut v = vec![b("HPEXPIREAT"), key.clone(), Bytes::from(at_ms.to_string()), b("FIELDS")];
    v.push(Bytes::from(fields.len().to_string()));
    v.extend(fields.iter().cloned());
    v
}

/// `HDEL key f...`: fields a command deleted because their new expiry was not in the future.
fn hdel_argv(key: &Bytes, fields: &[Bytes]) -> Vec<Bytes> {
    let mut v = vec![b("HDEL"), key.clone()];
    v.extend(fields.iter().cloned());
    v
}

macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Reply::Error(e.into()),
        }
    };
}

// ---- HSET family ------------------------------------------------------------------

fn hset_generic(ctx: &mut Ctx, args: &[Bytes], hmset: bool) -> Reply {
    if !args.len().is_multiple_of(2) {
        return ErrorReply::wrong_arity(ctx.cmd.full_name).into();
    }
    let limits = limits(ctx);
    let mut g = ctx.write(&args[1]);
    let exists = tri!(prep_write(&mut g));
    let mut created = 0;
    if exists {
        if let Some(h) = hash_mut(&mut g) {
            for p in args[2..].chunks(2) {
                created += h.set(&p[0], &p[1], false, limits) as i64;
            }
        }
    } else {
        let mut h = Hash::new();
        for p in args[2..].chunks(2) {
            created += h.set(&p[0], &p[1], false, limits) as i64;
        }
        g.set(Value::Hash(Box::new(h)), false);
    }
    g.notify(HASH, "hset");
    if hmset {
        Reply::ok()
    } else {
        Reply::Int(created)
    }
}

fn hset(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    hset_generic(ctx, args, false)
}

fn hmset(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    hset_generic(ctx, args, true)
}

fn hsetnx(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let limits = limits(ctx);
    let mut g = ctx.write(&args[1]);
    let exists = tri!(prep_write(&mut g));
    if exists {
        if matches!(g.get().map(|e| &e.value), Some(Value::Hash(h)) if h.contains(&args[2])) {
            return Reply::Int(0);
        }
        if let Some(h) = hash_mut(&mut g) {
            h.set(&args[2], &args[3], false, limits);
        }
    } else {
        let mut h = Hash::new();
        h.set(&args[2], &args[3], false, limits);
        g.set(Value::Hash(Box::new(h)), false);
    }
    g.notify(HASH, "hset");
    Reply::Int(1)
}

// ---- reads ---------------------------------------------------------------------------

fn hget(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    match tri!(read_hash(&mut sh.ks, db, &args[1], touch)).and_then(|h| h.get(&args[2])) {
        Some(v) => Reply::Bulk(sh.arena.copy(v)),
        None => Reply::Null,
    }
}

fn hmget(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    let h = tri!(read_hash(&mut sh.ks, db, &args[1], touch));
    let out = args[2..]
        .iter()
        .map(|f| match h.and_then(|h| h.get(f)) {
            Some(v) => Reply::Bulk(sh.arena.copy(v)),
            None => Reply::Null,
        })
        .collect();
    Reply::Array(out)
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Keys,
    Vals,
    Both,
}

fn getall_generic(ctx: &mut Ctx, args: &[Bytes], part: Part) -> Reply {
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    let Some(h) = tri!(read_hash(&mut sh.ks, db, &args[1], touch)) else {
        return if part == Part::Both { Reply::Map(vec![]) } else { Reply::Array(vec![]) };
    };
    let arena = &mut sh.arena;
    match part {
        Part::Both => {
            Reply::Map(h.iter().map(|(k, v)| (Reply::Bulk(arena.copy(k)), Reply::Bulk(arena.copy(v)))).collect())
        }
        Part::Keys => Reply::Array(h.iter().map(|(k, _)| Reply::Bulk(arena.copy(k))).collect()),
        Part::Vals => Reply::Array(h.iter().map(|(_, v)| Reply::Bulk(arena.copy(v))).collect()),
    }
}

fn hgetall(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    getall_generic(ctx, args, Part::Both)
}

fn hkeys(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    getall_generic(ctx, args, Part::Keys)
}

fn hvals(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    getall_generic(ctx, args, Part::Vals)
}

/// HLEN, HEXISTS, HSTRLEN: an integer computed from the hash (0 when missing).
fn read_int(ctx: &mut Ctx, key: &[u8], f: impl FnOnce(&Hash) -> i64) -> Reply {
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    Reply::Int(tri!(read_hash(&mut ctx.sh.ks, db, key, touch)).map_or(0, f))
}

fn hlen(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    read_int(ctx, &args[1], |h| h.len() as i64)
}

fn hexists(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    read_int(ctx, &args[1], |h| h.contains(&args[2]) as i64)
}

fn hstrlen(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    read_int(ctx, &args[1], |h| h.get(&args[2]).map_or(0, |v| v.len() as i64))
}

// ---- HDEL, counters -------------------------------------------------------------------

fn hdel(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut g = ctx.write(&args[1]);
    if !tri!(prep_write(&mut g)) {
        return Reply::Int(0);
    }
    // Count first so that a call deleting nothing leaves WATCH alone.
    let present = match g.get().map(|e| &e.value) {
        Some(Value::Hash(h)) => args[2..].iter().any(|f| h.contains(f)),
        _ => false,
    };
    if !present {
        return Reply::Int(0);
    }
    let mut deleted = 0;
    if let Some(h) = hash_mut(&mut g) {
        for f in &args[2..] {
            deleted += h.remove(f) as i64;
        }
    }
    g.notify(HASH, "hdel");
    delete_if_empty(&mut g);
    Reply::Int(deleted)
}

/// The current value of `field` for HINCRBY/HINCRBYFLOAT: Ok(None) when the
/// key or field is missing. Leaves the guard on a live hash or no key.
fn counter_value(g: &mut WriteGuard, field: &[u8]) -> Result<Option<Vec<u8>>, ErrorReply> {
    if !prep_write(g)? {
        return Ok(None);
    }
    Ok(match g.get().map(|e| &e.value) {
        Some(Value::Hash(h)) => h.get(field).map(|v| v.to_vec()),
        _ => None,
    })
}

/// Stores a counter result (keeping the field's TTL), creating the key if needed.
fn store_counter(g: &mut WriteGuard, field: &[u8], val: &[u8], limits: Limits) {
    match hash_mut(g) {
        Some(h) => {
            h.set(field, val, true, limits);
        }
        None => {
            let mut h = Hash::new();
            h.set(field, val, true, limits);
            g.set(Value::Hash(Box::new(h)), false);
        }
    }
}

fn hincrby(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let by = tri!(parse_i64(&args[3]));
    let limits = limits(ctx);
    let mut g = ctx.write(&args[1]);
    let cur = match tri!(counter_value(&mut g, &args[2])) {
        None => 0,
        Some(v) => match parse_canonical_i64(&v) {
            Some(n) => n,
            None => return ErrorReply::new_static("ERR hash value is not an integer").into(),
        },
    };
    let Some(new) = cur.checked_add(by) else {
        return ErrorReply::overflow().into();
    };
    store_counter(&mut g, &args[2], itoa::Buffer::new().format(new).as_bytes(), limits);
    g.notify(HASH, "hincrby");
    Reply::Int(new)
}

fn hincrbyfloat(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let by = match Ld::parse(&args[3]) {
        None => return ErrorReply::not_float().into(),
        Some(v) if !v.is_finite() => return ErrorReply::new_static("ERR value is NaN or Infinity").into(),
        Some(v) => v,
    };
    let limits = limits(ctx);
    let mut g = ctx.write(&args[1]);
    let cur = match tri!(counter_value(&mut g, &args[2])) {
        None => Ld::ZERO,
        Some(v) => match Ld::parse(&v) {
            Some(n) => n,
            None => return ErrorReply::new_static("ERR hash value is not a float").into(),
        },
    };
    let sum = match cur.plus(by) {
        Some(v) if v.is_finite() => v,
        _ => return ErrorReply::new_static("ERR increment would produce NaN or Infinity").into(),
    };
    let text = Bytes::from(sum.to_human_string());
    let had_ttl =
        matches!(g.get().map(|e| &e.value), Some(Value::Hash(h)) if matches!(h.field_ttl(&args[2]), FieldTtl::At(_)));
    store_counter(&mut g, &args[2], &text, limits);
    g.notify(HASH, "hincrbyfloat");
    drop(g);
    // The final value, so float formatting cannot differ on replay (Redis:
    // HSET); a field with a TTL keeps it, which HSET would not.
    let (key, field) = (args[1].clone(), args[2].clone());
    ctx.propagate_as(if had_ttl {
        vec![b("HSETEX"), key, b("KEEPTTL"), b("FIELDS"), b("1"), field, text.clone()]
    } else {
        vec![b("HSET"), key, field, text.clone()]
    });
    Reply::Bulk(text)
}

// ---- HRANDFIELD, HSCAN -------------------------------------------------------------------

fn hrandfield(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut count: Option<i64> = None;
    let mut withvalues = false;
    if args.len() >= 3 {
        let l = tri!(parse_i64(&args[2]));
        if l == i64::MIN {
            return ErrorReply::new_static(
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            )
            .into();
        }
        if args.len() > 4 || (args.len() == 4 && !eq_ic(&args[3], "withvalues")) {
            return ErrorReply::syntax().into();
        }
        if args.len() == 4 {
            withvalues = true;
            if !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
                return ErrorReply::new_static("ERR value is out of range").into();
            }
        }
        count = Some(l);
    }
    let resp3 = ctx.client.resp >= 3;
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    let h = tri!(read_hash(&mut sh.ks, db, &args[1], touch));
    let Some(count) = count else {
        return match h.and_then(|h| h.random_pair()) {
            Some((k, _)) => Reply::Bulk(sh.arena.copy(k)),
            None => Reply::Null,
        };
    };
    let Some(h) = h else { return Reply::Array(vec![]) };
    if count == 0 {
        return Reply::Array(vec![]);
    }
    let pairs = if count < 0 || count == 1 {
        h.random_pairs_with_repeats(count.unsigned_abs() as usize)
    } else {
        h.random_distinct_pairs(count as usize)
    };
    let arena = &mut sh.arena;
    let mut out = Vec::with_capacity(pairs.len() * if withvalues && !resp3 { 2 } else { 1 });
    for (k, v) in pairs {
        if !withvalues {
            out.push(Reply::Bulk(arena.copy(k)));
        } else if resp3 {
            out.push(Reply::Array(vec![Reply::Bulk(arena.copy(k)), Reply::Bulk(arena.copy(v))]));
        } else {
            out.push(Reply::Bulk(arena.copy(k)));
            out.push(Reply::Bulk(arena.copy(v)));
        }
    }
    Reply::Array(out)
}

fn hscan(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let Some(mut cursor) = parse_scan_cursor(&args[2]) else {
        return ErrorReply::new_static("ERR invalid cursor").into();
    };
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    let Some(h) = tri!(read_hash(&mut sh.ks, db, &args[1], touch)) else {
        return Reply::Array(vec![Reply::Bulk(Bytes::from_static(b"0")), Reply::Array(vec![])]);
    };
    let mut count: i64 = 10;
    let mut pattern: Option<&[u8]> = None;
    let mut novalues = false;
    let mut i = 3;
    while i < args.len() {
        let more = args.len() - i - 1;
        if eq_ic(&args[i], "count") && more >= 1 {
            count = tri!(parse_i64(&args[i + 1]));
            if count < 1 {
                return ErrorReply::syntax().into();
            }
            i += 2;
        } else if eq_ic(&args[i], "match") && more >= 1 {
            let p = &args[i + 1][..];
            pattern = if p == b"*" { None } else { Some(p) };
            i += 2;
        } else if eq_ic(&args[i], "novalues") {
            novalues = true;
            i += 1;
        } else {
            return ErrorReply::syntax().into();
        }
    }
    let arena = &mut sh.arena;
    let mut items = Vec::new();
    let seen = std::cell::Cell::new(0i64);
    let mut visit = |k: &[u8], v: &[u8]| {
        seen.set(seen.get() + 1);
        if pattern.is_some_and(|p| !glob_match(p, k, false)) {
            return;
        }
        items.push(Reply::Bulk(arena.copy(k)));
        if !novalues {
            items.push(Reply::Bulk(arena.copy(v)));
        }
    };
    if !h.is_table() {
        cursor = h.scan(cursor, &mut visit);
    } else {
        // Whole buckets until COUNT fields (a hint) or 10*COUNT steps, as Redis.
        let mut steps_left = count.saturating_mul(10);
        loop {
            cursor = h.scan(cursor, &mut visit);
            if cursor == 0 || steps_left == 0 {
                break;
            }
            steps_left -= 1;
            if seen.get() >= count {
                break;
            }
        }
    }
    Reply::Array(vec![Reply::Bulk(Bytes::from(cursor.to_string())), Reply::Array(items)])
}

// ---- field expiration ------------------------------------------------------------------

/// Parses `FIELDS numfields f1 f2 ...` with the FIELDS keyword at `at`;
/// returns the index of the first field.
fn parse_fields(args: &[Bytes], at: usize, nonpositive: &'static str) -> Result<usize, ErrorReply> {
    if at >= args.len() || !eq_ic(&args[at], "fields") {
        return Err(FIELDS_POSITION);
    }
    let n = args.get(at + 1).and_then(|a| parse_canonical_i64(a)).filter(|n| *n >= 1);
    let Some(n) = n else {
        return Err(ErrorReply::new_static(nonpositive));
    };
    if n as u64 != (args.len() - at - 2) as u64 {
        return Err(NUMFIELDS_MISMATCH);
    }
    Ok(at + 2)
}

/// Redis's parseExpireTime for field TTLs: an integer >= 0, in seconds or
/// ms, plus `base` (now for relative forms), at most HFE_MAX_ABS_TIME_MSEC.
fn parse_field_expire(ctx: &Ctx, arg: &[u8], seconds: bool, base: i64) -> Result<u64, ErrorReply> {
    let mut v = parse_i64(arg)?;
    if v < 0 {
        return Err(ErrorReply::new_static("ERR invalid expire time, must be >= 0"));
    }
    let invalid = || ErrorReply::from(ErrorReply::invalid_expire(ctx.cmd.full_name));
    if seconds {
        if v > MAX_EXPIRE_MS / 1000 {
            return Err(invalid());
        }
        v *= 1000;
    }
    if v > MAX_EXPIRE_MS - base {
        return Err(invalid());
    }
    Ok((v + base) as u64)
}

const COND_NX: u8 = 1;
const COND_XX: u8 = 2;
const COND_GT: u8 = 4;
const COND_LT: u8 = 8;

/// What HEXPIRE does to a field in state `ttl`: -2 no field, 0 condition
/// not met, 1 expiry set, 2 deleted (time not in the future).
fn expiry_outcome(ttl: FieldTtl, at: u64, now: u64, cond: u8) -> i64 {
    match ttl {
        FieldTtl::NoField => return -2,
        FieldTtl::NoTtl => {
            // Redis 8: a field without TTL fails XX and GT, passes LT.
            if cond & (COND_XX | COND_GT) != 0 {
                return 0;
            }
        }
        FieldTtl::At(prev) => {
            if (cond == COND_GT && prev >= at) || (cond == COND_LT && prev <= at) || cond == COND_NX {
                return 0;
            }
        }
    }
    if at <= now {
        2
    } else {
        1
    }
}

/// Sets one field's expiry with HEXPIRE's conditions; returns [`expiry_outcome`]'s code.
fn set_field_expiry(h: &mut Hash, field: &[u8], at: u64, now: u64, cond: u8) -> i64 {
    let r = expiry_outcome(h.field_ttl(field), at, now, cond);
    match r {
        2 => {
            h.remove(field);
        }
        1 => {
            h.set_field_expire(field, at);
        }
        _ => {}
    }
    r
}

fn hexpire_generic(ctx: &mut Ctx, args: &[Bytes], seconds: bool, relative: bool) -> Reply {
    let exists = tri!(prep_write(&mut ctx.write(&args[1])));
    let now = ctx.sh.ks.now_ms;
    let at = tri!(parse_field_expire(ctx, &args[2], seconds, if relative { now as i64 } else { 0 }));
    let a = &args[3][..];
    let cond = if eq_ic(a, "nx") {
        COND_NX
    } else if eq_ic(a, "xx") {
        COND_XX
    } else if eq_ic(a, "gt") {
        COND_GT
    } else if eq_ic(a, "lt") {
        COND_LT
    } else {
        0
    };
    let kw = if cond != 0 { 4 } else { 3 };
    let first = tri!(parse_fields(args, kw, "ERR Parameter `numFields` should be greater than 0"));
    let fields = &args[first..];
    if !exists {
        return Reply::Array(fields.iter().map(|_| Reply::Int(-2)).collect());
    }
    let mut g = ctx.write(&args[1]);
    // Nothing to change (no field, or every condition fails): leave WATCH alone.
    let noop: Option<Vec<Reply>> = match g.get().map(|e| &e.value) {
        Some(Value::Hash(h)) => {
            let codes: Vec<i64> = fields.iter().map(|f| expiry_outcome(h.field_ttl(f), at, now, cond)).collect();
            codes.iter().all(|c| *c <= 0).then(|| codes.into_iter().map(Reply::Int).collect())
        }
        _ => None,
    };
    if let Some(out) = noop {
        return Reply::Array(out);
    }
    let mut out = Vec::with_capacity(fields.len());
    let (mut updated, mut deleted) = (Vec::new(), Vec::new());
    if let Some(h) = hash_mut(&mut g) {
        for f in fields {
            let r = set_field_expiry(h, f, at, now, cond);
            match r {
                1 => updated.push(f.clone()),
                2 => deleted.push(f.clone()),
                _ => {}
            }
            out.push(Reply::Int(r));
        }
    }
    if !updated.is_empty() {
        g.track_hash_field_ttl();
    }
    if !updated.is_empty() || !deleted.is_empty() {
        g.notify(HASH, if !deleted.is_empty() { "hdel" } else { "hexpire" });
    }
    delete_if_empty(&mut g);
    drop(g);
    // As Redis 7.4: HDEL for the fields deleted, HPEXPIREAT for those updated.
    propagate_field_expiry(ctx, &args[1], at, &updated, &deleted);
    Reply::Array(out)
}

/// Propagates a field-expiry outcome: `HDEL` of the fields it deleted (time
/// not in the future), then `HPEXPIREAT` of the fields that got the TTL.
fn propagate_field_expiry(ctx: &mut Ctx, key: &Bytes, at: u64, updated: &[Bytes], deleted: &[Bytes]) {
    if !deleted.is_empty() {
        ctx.propagate_as(hdel_argv(key, deleted));
    }
    if !updated.is_empty() {
        ctx.propagate_as(hpexpireat_argv(key, at, updated));
    }
}

fn hexpire(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    hexpire_generic(ctx, args, true, true)
}

fn hpexpire(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    hexpire_generic(ctx, args, false, true)
}

fn hexpireat(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    hexpire_generic(ctx, args, true, false)
}

fn hpexpireat(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    hexpire_generic(ctx, args, false, false)
}

/// HTTL/HPTTL (remaining) and HEXPIRETIME/HPEXPIRETIME (absolute): -2 no
/// field, -1 no TTL; seconds are rounded up, as Redis does.
fn httl_generic(ctx: &mut Ctx, args: &[Bytes], ms: bool, absolute: bool) -> Reply {
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let now = ctx.sh.ks.now_ms;
    let h = tri!(read_hash(&mut ctx.sh.ks, db, &args[1], touch));
    let first = tri!(parse_fields(args, 2, NUMFIELDS_POSITIVE));
    let base = if absolute { 0 } else { now as i64 };
    let out = args[first..]
        .iter()
        .map(|f| {
            Reply::Int(match h.map_or(FieldTtl::NoField, |h| h.field_ttl(f)) {
                FieldTtl::NoField => -2,
                FieldTtl::NoTtl => -1,
                FieldTtl::At(t) if t <= now => -2,
                FieldTtl::At(t) if ms => t as i64 - base,
                FieldTtl::At(t) => (t as i64 + 999 - base) / 1000,
            })
        })
        .collect();
    Reply::Array(out)
}

fn httl(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    httl_generic(ctx, args, false, false)
}

fn hpttl(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    httl_generic(ctx, args, true, false)
}

fn hexpiretime(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    httl_generic(ctx, args, false, true)
}

fn hpexpiretime(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    httl_generic(ctx, args, true, true)
}

fn hpersist(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut g = ctx.write(&args[1]);
    let exists = tri!(prep_write(&mut g));
    let first = tri!(parse_fields(args, 2, NUMFIELDS_POSITIVE));
    let fields = &args[first..];
    let ttls: Vec<FieldTtl> = match g.get().map(|e| &e.value) {
        Some(Value::Hash(h)) if exists => fields.iter().map(|f| h.field_ttl(f)).collect(),
        _ => fields.iter().map(|_| FieldTtl::NoField).collect(),
    };
    let mut out = Vec::with_capacity(fields.len());
    let mut changed = false;
    for (f, t) in fields.iter().zip(&ttls) {
        out.push(Reply::Int(match t {
            FieldTtl::NoField => -2,
            FieldTtl::NoTtl => -1,
            FieldTtl::At(_) => {
                // A field named twice: the second time it has no TTL left.
                if hash_mut(&mut g).is_some_and(|h| h.persist_field(f)) {
                    changed = true;
                    1
                } else {
                    -1
                }
            }
        }));
    }
    if changed {
        g.notify(HASH, "hpersist");
    }
    Reply::Array(out)
}

fn hgetdel(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut g = ctx.write(&args[1]);
    let exists = tri!(prep_write(&mut g));
    let first = tri!(parse_fields(args, 2, NUMFIELDS_POSITIVE));
    let fields = &args[first..];
    if !exists {
        return Reply::Array(fields.iter().map(|_| Reply::Null).collect());
    }
    let any = matches!(g.get().map(|e| &e.value), Some(Value::Hash(h)) if fields.iter().any(|f| h.contains(f)));
    if !any {
        return Reply::Array(fields.iter().map(|_| Reply::Null).collect());
    }
    let mut out = Vec::with_capacity(fields.len());
    if let Some(h) = hash_mut(&mut g) {
        for f in fields {
            match h.get(f) {
                Some(v) => {
                    out.push(bulk(v));
                    h.remove(f);
                }
                None => out.push(Reply::Null),
            }
        }
    }
    g.notify(HASH, "hdel");
    delete_if_empty(&mut g);
    Reply::Array(out)
}

#[derive(Clone, Copy, PartialEq)]
enum GetExOp {
    None,
    Expire(u64),
    Persist,
}

fn hgetex(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let exists = tri!(prep_write(&mut ctx.write(&args[1])));
    let now = ctx.sh.ks.now_ms;
    let a = &args[2][..];
    let timed = [("ex", true, true), ("px", false, true), ("exat", true, false), ("pxat", false, false)]
        .into_iter()
        .find(|(name, _, _)| eq_ic(a, name));
    let (op, kw) = match timed {
        Some((_, seconds, relative)) => {
            let at = tri!(parse_field_expire(ctx, &args[3], seconds, if relative { now as i64 } else { 0 }));
            (GetExOp::Expire(at), 4)
        }
        None if eq_ic(a, "persist") => (GetExOp::Persist, 3),
        None => (GetExOp::None, 2),
    };
    let first = tri!(parse_fields(args, kw, NUMFIELDS_POSITIVE));
    let fields = &args[first..];
    if !exists {
        return Reply::Array(fields.iter().map(|_| Reply::Null).collect());
    }
    let mut g = ctx.write(&args[1]);
    let values: Vec<Option<Bytes>> = match g.get().map(|e| &e.value) {
        Some(Value::Hash(h)) => fields.iter().map(|f| h.get(f).map(Bytes::copy_from_slice)).collect(),
        _ => fields.iter().map(|_| None).collect(),
    };
    let (mut updated, mut deleted) = (Vec::new(), Vec::new());
    let touches = match op {
        GetExOp::None => false,
        GetExOp::Expire(_) => values.iter().any(Option::is_some),
        GetExOp::Persist => match g.get().map(|e| &e.value) {
            Some(Value::Hash(h)) => fields.iter().any(|f| matches!(h.field_ttl(f), FieldTtl::At(_))),
            _ => false,
        },
    };
    if touches {
        if let Some(h) = hash_mut(&mut g) {
            for f in fields {
                match op {
                    GetExOp::Persist => {
                        if h.persist_field(f) {
                            updated.push(f.clone());
                        }
                    }
                    GetExOp::Expire(at) => match set_field_expiry(h, f, at, now, 0) {
                        1 => updated.push(f.clone()),
                        2 => deleted.push(f.clone()),
                        _ => {}
                    },
                    GetExOp::None => {}
                }
            }
        }
    }
    if !updated.is_empty() {
        if op == GetExOp::Persist {
            g.notify(HASH, "hpersist");
        } else {
            g.track_hash_field_ttl();
            g.notify(HASH, "hexpire");
        }
    } else if !deleted.is_empty() {
        g.notify(HASH, "hdel");
    }
    if !deleted.is_empty() {
        delete_if_empty(&mut g);
    }
    drop(g);
    // Only what happened, with absolute times: HPERSIST / HDEL + HPEXPIREAT.
    match op {
        GetExOp::Persist if !updated.is_empty() => {
            let mut v = vec![b("HPERSIST"), args[1].clone(), b("FIELDS"), Bytes::from(updated.len().to_string())];
            v.extend(updated);
            ctx.propagate_as(v);
        }
        GetExOp::Expire(at) => propagate_field_expiry(ctx, &args[1], at, &updated, &deleted),
        _ => {}
    }
    Reply::Array(
        values
            .into_iter()
            .map(|v| match v {
                Some(b) => Reply::Bulk(b),
                None => Reply::Null,
            })
            .collect(),
    )
}

#[derive(Clone, Copy, PartialEq)]
enum SetExTtl {
    /// No option: an overwritten field loses its TTL.
    Discard,
    Keep,
    At(u64),
}

fn hsetex(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    const ONE_EXPIRY: ErrorReply =
        ErrorReply::new_static("ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified");
    let now = ctx.sh.ks.now_ms;
    let (mut fnx, mut fxx) = (false, false);
    let mut ttl = SetExTtl::Discard;
    let mut first = None;
    let mut i = 2;
    while i < args.len() {
        let a = &args[i][..];
        let timed = [("ex", true, true), ("px", false, true), ("exat", true, false), ("pxat", false, false)]
            .into_iter()
            .find(|(name, _, _)| eq_ic(a, name));
        if eq_ic(a, "fields") {
            if i + 3 >= args.len() {
                return ErrorReply::wrong_arity(ctx.cmd.full_name).into();
            }
            let n = parse_canonical_i64(&args[i + 1]).filter(|n| (1..=i32::MAX as i64).contains(n));
            let Some(n) = n else {
                return ErrorReply::new_static("ERR invalid number of fields").into();
            };
            let remaining = args.len() - i - 2;
            if !remaining.is_multiple_of(2) || n as usize != remaining / 2 {
                return ErrorReply::wrong_arity(ctx.cmd.full_name).into();
            }
            first = Some(i + 2);
            break;
        } else if let Some((_, seconds, relative)) = timed {
            if ttl != SetExTtl::Discard {
                return ONE_EXPIRY.into();
            }
            if i + 1 >= args.len() {
                return ErrorReply::new_static("ERR missing expire time").into();
            }
            i += 1;
            ttl = SetExTtl::At(tri!(parse_field_expire(ctx, &args[i], seconds, if relative { now as i64 } else { 0 })));
        } else if eq_ic(a, "keepttl") {
            if ttl != SetExTtl::Discard {
                return ONE_EXPIRY.into();
            }
            ttl = SetExTtl::Keep;
        } else if eq_ic(a, "fxx") || eq_ic(a, "fnx") {
            if fnx || fxx {
                return ErrorReply::new_static("ERR Only one of FXX or FNX arguments can be specified").into();
            }
            fxx = eq_ic(a, "fxx");
            fnx = !fxx;
        } else {
            return ErrorReply::err(format_args!("unknown argument: {}", lossy(&args[i]))).into();
        }
        i += 1;
    }
    let Some(first) = first else {
        return ErrorReply::wrong_arity(ctx.cmd.full_name).into();
    };
    let pairs = &args[first..];
    let limits = limits(ctx);
    let mut g = ctx.write(&args[1]);
    let exists = tri!(prep_write(&mut g));
    if !exists && fxx {
        return Reply::Int(0);
    }
    if exists && (fnx || fxx) {
        let found = match g.get().map(|e| &e.value) {
            Some(Value::Hash(h)) => pairs.chunks(2).filter(|p| h.contains(&p[0])).count(),
            _ => 0,
        };
        if (fnx && found > 0) || (fxx && found != pairs.len() / 2) {
            return Reply::Int(0);
        }
    }
    if !exists {
        g.set(Value::Hash(Box::new(Hash::new())), false);
    }
    let (mut updated, mut deleted) = (0, 0);
    if let Some(h) = hash_mut(&mut g) {
        for p in pairs.chunks(2) {
            h.set(&p[0], &p[1], ttl != SetExTtl::Discard, limits);
            if let SetExTtl::At(at) = ttl {
                match set_field_expiry(h, &p[0], at, now, 0) {
                    1 => updated += 1,
                    2 => deleted += 1,
                    _ => {}
                }
            }
        }
    }
    g.notify(HASH, "hset");
    if deleted > 0 {
        g.notify(HASH, "hdel");
    } else if updated > 0 {
        g.track_hash_field_ttl();
        g.notify(HASH, "hexpire");
    }
    delete_if_empty(&mut g);
    drop(g);
    if let SetExTtl::At(at) = ttl {
        // The FNX/FXX outcome is known and the time absolute: HSETEX PXAT, or
        // HDEL of the fields when the time was not in the future.
        let fields: Vec<Bytes> = pairs.chunks(2).map(|p| p[0].clone()).collect();
        if deleted > 0 {
            ctx.propagate_as(hdel_argv(&args[1], &fields));
        } else {
            let mut v = vec![b("HSETEX"), args[1].clone(), b("PXAT"), Bytes::from(at.to_string()), b("FIELDS")];
            v.push(Bytes::from((pairs.len() / 2).to_string()));
            v.extend(pairs.iter().cloned());
            ctx.propagate_as(v);
        }
    }
    Reply::Int(1)
}

// ---- table ---------------------------------------------------------------------------

const G: &str = "hash";
const K1: Keys = Keys::Range { first: 1, last: 1, step: 1 };

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec { summary: "Creates or modifies the value of a field in a hash.", since: "2.0.0", complexity: "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", ..CommandSpec::new("hset", -4, WRITE | DENYOOM | FAST, K1, G, hset) },
    CommandSpec { summary: "Sets the value of a field in a hash only when the field doesn't exist.", since: "2.0.0", complexity: "O(1)", ..CommandSpec::new("hsetnx", 4, WRITE | DENYOOM | FAST, K1, G, hsetnx) },
    CommandSpec { summary: "Returns the value of a field in a hash.", since: "2.0.0", complexity: "O(1)", ..CommandSpec::new("hget", 3, READONLY | FAST, K1, G, hget) },
    CommandSpec { summary: "Returns the values of all fields in a hash.", since: "2.0.0", complexity: "O(N) where N is the number of fields being requested.", ..CommandSpec::new("hmget", -3, READONLY | FAST, K1, G, hmget) },
    CommandSpec { summary: "Sets the values of multiple fields.", since: "2.0.0", complexity: "O(N) where N is the number of fields being set.", ..CommandSpec::new("hmset", -4, WRITE | DENYOOM | FAST, K1, G, hmset) },
    CommandSpec { summary: "Returns all fields and values in a hash.", since: "2.0.0", complexity: "O(N) where N is the size of the hash.", ..CommandSpec::new("hgetall", 2, READONLY, K1, G, hgetall) },
    CommandSpec { summary: "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", since: "2.0.0", complexity: "O(N) where N is the number of fields to be removed.", ..CommandSpec::new("hdel", -3, WRITE | FAST, K1, G, hdel) },
    CommandSpec { summary: "Returns the number of fields in a hash.", since: "2.0.0", complexity: "O(1)", ..CommandSpec::new("hlen", 2, READONLY | FAST, K1, G, hlen) },
    CommandSpec { summary: "Determines whether a field exists in a hash.", since: "2.0.0", complexity: "O(1)", ..CommandSpec::new("hexists", 3, READONLY | FAST, K1, G, hexists) },
    CommandSpec { summary: "Returns all fields in a hash.", since: "2.0.0", complexity: "O(N) where N is the size of the hash.", ..CommandSpec::new("hkeys", 2, READONLY, K1, G, hkeys) },
    CommandSpec { summary: "Returns all values in a hash.", since: "2.0.0", complexity: "O(N) where N is the size of the hash.", ..CommandSpec::new("hvals", 2, READONLY, K1, G, hvals) },
    CommandSpec { summary: "Returns the length of the value of a field.", since: "3.2.0", complexity: "O(1)", ..CommandSpec::new("hstrlen", 3, READONLY | FAST, K1, G, hstrlen) },
    CommandSpec { summary: "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", since: "2.0.0", complexity: "O(1)", ..CommandSpec::new("hincrby", 4, WRITE | DENYOOM | FAST, K1, G, hincrby) },
    CommandSpec { summary: "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", since: "2.6.0", complexity: "O(1)", ..CommandSpec::new("hincrbyfloat", 4, WRITE | DENYOOM | FAST, K1, G, hincrbyfloat) },
    CommandSpec { summary: "Returns one or more random fields from a hash.", since: "6.2.0", complexity: "O(N) where N is the number of fields returned", ..CommandSpec::new("hrandfield", -2, READONLY, K1, G, hrandfield) },
    CommandSpec { summary: "Iterates over fields and values of a hash.", since: "2.8.0", complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", ..CommandSpec::new("hscan", -3, READONLY, K1, G, hscan) },
    CommandSpec { summary: "Set expiry for hash field using relative time to expire (seconds)", since: "7.4.0", complexity: "O(N) where N is the number of specified fields", ..CommandSpec::new("hexpire", -6, WRITE | DENYOOM | FAST, K1, G, hexpire) },
    CommandSpec { summary: "Set expiry for hash field using relative time to expire (milliseconds)", since: "7.4.0", complexity: "O(N) where N is the number of specified fields", ..CommandSpec::new("hpexpire", -6, WRITE | DENYOOM | FAST, K1, G, hpexpire) },
    CommandSpec { summary: "Set expiry for hash field using an absolute Unix timestamp (seconds)", since: "7.4.0", complexity: "O(N) where N is the number of specified fields", ..CommandSpec::new("hexpireat", -6, WRITE | DENYOOM | FAST, K1, G, hexpireat) },
    CommandSpec { summary: "Set expiry for hash field using an absolute Unix timestamp (milliseconds)", since: "7.4.0", complexity: "O(N) where N is the number of specified fields", ..CommandSpec::new("hpexpireat", -6, WRITE | DENYOOM | FAST, K1, G, hpexpireat) },
    CommandSpec { summary: "Returns the TTL in seconds of a hash field.", since: "7.4.0", complexity: "O(N) where N is the number of specified fields", ..CommandSpec::new("httl", -5, READONLY | FAST, K1, G, httl) },
    CommandSpec { summary: "Returns the TTL in milliseconds of a hash field.", since: "7.4.0", complexity: "O(N) where N is the number of specified fields", ..CommandSpec::new("hpttl", -5, READONLY | FAST, K1, G, hpttl) },
    CommandSpec { summary: "Returns the expiration time of a hash field as a Unix timestamp, in seconds.", since: "7.4.0", complexity: "O(N) where N is the number of specified fields", ..CommandSpec::new("hexpiretime", -5, READONLY | FAST, K1, G, hexpiretime) },
    CommandSpec { summary: "Returns the expiration time of a hash field as a Unix timestamp, in msec.", since: "7.4.0", complexity: "O(N) where N is the number of specified fields", ..CommandSpec::new("hpexpiretime", -5, READONLY | FAST, K1, G, hpexpiretime) },
    CommandSpec { summary: "Removes the expiration time for each specified field", since: "7.4.0", complexity: "O(N) where N is the number of specified fields", ..CommandSpec::new("hpersist", -5, WRITE | FAST, K1, G, hpersist) },
    CommandSpec { summary: "Returns the value of a field and deletes it from the hash.", since: "8.0.0", complexity: "O(N) where N is the number of specified fields", ..CommandSpec::new("hgetdel", -5, WRITE | FAST, K1, G, hgetdel) },
    CommandSpec { summary: "Get the value of one or more fields of a given hash key, and optionally set their expiration.", since: "8.0.0", complexity: "O(N) where N is the number of specified fields", ..CommandSpec::new("hgetex", -5, WRITE | FAST, K1, G, hgetex) },
    CommandSpec { summary: "Set the value of one or more fields of a given hash key, and optionally set their expiration.", since: "8.0.0", complexity: "O(N) where N is the number of fields being set.", ..CommandSpec::new("hsetex", -6, WRITE | DENYOOM | FAST, K1, G, hsetex) },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn a(v: &[&str]) -> Vec<Bytes> {
        v.iter().map(|s| Bytes::copy_from_slice(s.as_bytes())).collect()
    }

    #[test]
    fn fields_argument() {
        let args = a(&["httl", "k", "FIELDS", "2", "a", "b"]);
        assert_eq!(parse_fields(&args, 2, NUMFIELDS_POSITIVE), Ok(4));
        let args = a(&["httl", "k", "FIELDS", "3", "a", "b"]);
        assert_eq!(parse_fields(&args, 2, NUMFIELDS_POSITIVE), Err(NUMFIELDS_MISMATCH));
        let args = a(&["httl", "k", "FIELDS", "0", "a"]);
        assert_eq!(parse_fields(&args, 2, NUMFIELDS_POSITIVE).unwrap_err().as_str(), NUMFIELDS_POSITIVE);
        let args = a(&["httl", "k", "FOO", "1", "a"]);
        assert_eq!(parse_fields(&args, 2, NUMFIELDS_POSITIVE), Err(FIELDS_POSITION));
    }

    #[test]
    fn expiry_conditions_like_redis8() {
        let l = Limits::default();
        let mut h = Hash::from_pairs([(&b"a"[..], &b"1"[..]), (b"b", b"2")], l);
        // No TTL yet: XX and GT refuse, LT and NX accept.
        assert_eq!(set_field_expiry(&mut h, b"a", 5000, 1000, COND_XX), 0);
        assert_eq!(set_field_expiry(&mut h, b"a", 5000, 1000, COND_GT), 0);
        assert_eq!(set_field_expiry(&mut h, b"a", 5000, 1000, COND_LT), 1);
        assert_eq!(set_field_expiry(&mut h, b"a", 6000, 1000, COND_NX), 0);
        assert_eq!(set_field_expiry(&mut h, b"a", 6000, 1000, COND_GT), 1);
        assert_eq!(set_field_expiry(&mut h, b"a", 6000, 1000, COND_GT), 0);
        assert_eq!(set_field_expiry(&mut h, b"a", 7000, 1000, COND_LT), 0);
        assert_eq!(set_field_expiry(&mut h, b"zz", 7000, 1000, 0), -2);
        assert_eq!(set_field_expiry(&mut h, b"b", 1000, 1000, 0), 2);
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn scan_cursor() {
        assert_eq!(parse_scan_cursor(b"0"), Some(0));
        assert_eq!(parse_scan_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_scan_cursor(b"x"), None);
    }
}
