//! Set commands: SADD, SREM, SISMEMBER, SMISMEMBER, SMEMBERS, SCARD, SPOP,
//! SRANDMEMBER, SMOVE, SINTER, SINTERCARD, SUNION, SDIFF, SINTERSTORE,
//! SUNIONSTORE, SDIFFSTORE, SSCAN.
//!
//! The store type is `gears_store::Set` (intset / listpack / hashtable, with
//! Redis 7.2+ conversion rules driven by the `set-max-*` configs). Handlers
//! follow t_set.c: reads count keyspace hits/misses, every write goes through
//! a `WriteGuard` and only marks the key modified when something changed, the
//! keyspace events are Redis's (`sadd`, `srem`, `spop`, `sinterstore`,
//! `sunionstore`, `sdiffstore`, and `del` when a set empties or a STORE
//! produces an empty result), and result sets are built the way Redis builds
//! them, so reply order and the stored encoding match for compact sets.

use std::collections::HashSet;

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};
use gears_store::notify::{GENERIC, SET};
use gears_store::set::{Member, SetLimits};
use gears_store::{Keyspace, Set, Value};
use rand::Rng;

use crate::args::{eq_ic, parse_i64, parse_scan_cursor};
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::Ctx;
use crate::state::ReplyArena;

const OUT_OF_RANGE_POSITIVE: ErrorReply = ErrorReply::new_static("ERR value is out of range, must be positive");

// ---- helpers -------------------------------------------------------------------

fn limits(ctx: &Ctx) -> SetLimits {
    let c = &ctx.sh.config;
    SetLimits {
        max_intset_entries: c.set_max_intset_entries.min(usize::MAX as u64) as usize,
        max_listpack_entries: c.set_max_listpack_entries.min(usize::MAX as u64) as usize,
        max_listpack_value: c.set_max_listpack_value.min(usize::MAX as u64) as usize,
    }
}

fn as_set(v: &Value) -> Result<&Set, ErrorReply> {
    match v {
        Value::Set(s) => Ok(s),
        _ => Err(ErrorReply::wrong_type()),
    }
}

fn as_set_mut(v: &mut Value) -> &mut Set {
    match v {
        Value::Set(s) => s,
        _ => unreachable!("type checked before"),
    }
}

/// The set at `key` read like Redis's lookupKeyRead (hit/miss stats, LRU).
fn read_set<'a>(ks: &'a mut Keyspace, db: usize, key: &[u8], touch: bool) -> Result<Option<&'a Set>, ErrorReply> {
    match ks.lookup(db, key, touch, true) {
        None => Ok(None),
        Some(e) => as_set(&e.value).map(Some),
    }
}

/// Looks up every key (lazily expiring, counting stats, checking types),
/// then returns them all as shared references; `None` for a missing key.
fn read_sets<'a>(
    ks: &'a mut Keyspace,
    db: usize,
    keys: &[Bytes],
    touch: bool,
) -> Result<Vec<Option<&'a Set>>, ErrorReply> {
    for k in keys {
        read_set(ks, db, k, touch)?;
    }
    let ks: &'a Keyspace = ks;
    let dict = ks.db(db).dict();
    Ok(keys.iter().map(|k| dict.get(k).and_then(|e| as_set(&e.value).ok())).collect())
}

fn member_reply(arena: &mut ReplyArena, m: Member) -> Reply {
    m.with_bytes(|b| Reply::Bulk(arena.copy(b)))
}

fn owned_reply(v: Vec<u8>) -> Reply {
    Reply::Bulk(Bytes::from(v))
}

/// Stores `result` at `dst` (or deletes `dst` when it is empty) and answers
/// its cardinality, as the STORE forms do.
fn store_result(ctx: &mut Ctx, dst: &[u8], mut result: Set, event: &'static str) -> Reply {
    let mut g = ctx.write(dst);
    let n = result.len();
    if n > 0 {
        result.shrink_to_fit();
        g.set(Value::Set(Box::new(result)), false);
        g.notify(SET, event);
    } else if g.delete().is_some() {
        g.notify(GENERIC, "del");
    }
    Reply::Int(n as i64)
}

// ---- SADD, SREM, SMOVE -----------------------------------------------------------

fn sadd(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let lim = limits(ctx);
    let key = &args[1][..];
    let members = &args[2..];
    let mut g = ctx.write(key);
    let existing = match g.get() {
        None => None,
        Some(e) => {
            let s = match as_set(&e.value) {
                Ok(s) => s,
                Err(e) => return e.into(),
            };
            // Only touch the key (WATCH, dirty) when something will change.
            let needs_convert = s.would_convert(members.len(), &lim);
            Some((members.iter().any(|m| !s.contains(m)), needs_convert))
        }
    };
    let added = match existing {
        Some((false, false)) => 0,
        Some((any_new, _)) => {
            let e = g.get_mut().expect("looked up above");
            let s = as_set_mut(&mut e.value);
            s.maybe_convert(members.len(), &lim);
            if !any_new {
                0
            } else if members.len() == 1 {
                s.add_new(&members[0], &lim);
                1
            } else {
                members.iter().filter(|m| s.add(m, &lim)).count()
            }
        }
        None => {
            let mut s = Set::create(&members[0], members.len(), &lim);
            let n = members.iter().filter(|m| s.add(m, &lim)).count();
            g.set(Value::Set(Box::new(s)), false);
            n
        }
    };
    if added > 0 {
        g.notify(SET, "sadd");
    }
    Reply::Int(added as i64)
}

fn srem(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let key = &args[1][..];
    let members = &args[2..];
    let mut g = ctx.write(key);
    match g.get() {
        None => return Reply::Int(0),
        Some(e) => match as_set(&e.value) {
            Err(e) => return e.into(),
            Ok(s) if !members.iter().any(|m| s.contains(m)) => return Reply::Int(0),
            Ok(_) => {}
        },
    }
    let e = g.get_mut().expect("looked up above");
    let s = as_set_mut(&mut e.value);
    let mut removed = 0;
    for m in members {
        if s.remove(m) {
            removed += 1;
            if s.is_empty() {
                break;
            }
        }
    }
    let emptied = s.is_empty();
    g.notify(SET, "srem");
    if emptied {
        g.delete();
        g.notify(GENERIC, "del");
    }
    Reply::Int(removed)
}

fn smove(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let lim = limits(ctx);
    let (src, dst, member) = (&args[1][..], &args[2][..], &args[3][..]);
    // Both keys are looked up (lookupKeyWrite) before anything is checked.
    let src_is_member = {
        let mut g = ctx.write(src);
        g.get().map(|e| as_set(&e.value).map(|s| s.contains(member)))
    };
    let dst_found = {
        let mut g = ctx.write(dst);
        match g.get() {
            None => Ok(false),
            Some(e) => as_set(&e.value).map(|_| true),
        }
    };
    let is_member = match src_is_member {
        None => return Reply::Int(0),
        Some(Err(e)) => return e.into(),
        Some(Ok(m)) => m,
    };
    let dst_exists = match dst_found {
        Err(e) => return e.into(),
        Ok(b) => b,
    };
    if src == dst || !is_member {
        return Reply::Int(is_member as i64);
    }
    {
        let mut g = ctx.write(src);
        let e = g.get_mut().expect("looked up above");
        let s = as_set_mut(&mut e.value);
        s.remove(member);
        let emptied = s.is_empty();
        g.notify(SET, "srem");
        if emptied {
            g.delete();
            g.notify(GENERIC, "del");
        }
    }
    let mut g = ctx.write(dst);
    if dst_exists {
        let already = g.get().is_some_and(|e| as_set(&e.value).is_ok_and(|s| s.contains(member)));
        if !already {
            let e = g.get_mut().expect("looked up above");
            as_set_mut(&mut e.value).add(member, &lim);
            g.notify(SET, "sadd");
        }
    } else {
        let mut s = Set::create(member, 1, &lim);
        s.add(member, &lim);
        g.set(Value::Set(Box::new(s)), false);
        g.notify(SET, "sadd");
    }
    Reply::Int(1)
}

// ---- reads -------------------------------------------------------------------------

fn sismember(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    match read_set(&mut ctx.sh.ks, db, &args[1], touch) {
        Err(e) => e.into(),
        Ok(None) => Reply::Int(0),
        Ok(Some(s)) => Reply::Int(s.contains(&args[2]) as i64),
    }
}

fn smismember(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    match read_set(&mut ctx.sh.ks, db, &args[1], touch) {
        Err(e) => e.into(),
        Ok(s) => Reply::Array(args[2..].iter().map(|m| Reply::Int(s.is_some_and(|s| s.contains(m)) as i64)).collect()),
    }
}

fn scard(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    match read_set(&mut ctx.sh.ks, db, &args[1], touch) {
        Err(e) => e.into(),
        Ok(s) => Reply::Int(s.map_or(0, |s| s.len()) as i64),
    }
}

fn smembers(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    match read_set(&mut sh.ks, db, &args[1], touch) {
        Err(e) => e.into(),
        Ok(None) => Reply::Set(vec![]),
        Ok(Some(s)) => Reply::Set(s.iter().map(|m| member_reply(&mut sh.arena, m)).collect()),
    }
}

// ---- SPOP, SRANDMEMBER -----------------------------------------------------------

fn spop(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match args.len() {
        2 => {}
        3 => return spop_with_count(ctx, args),
        _ => return ErrorReply::syntax().into(),
    }
    let key = &args[1][..];
    let mut g = ctx.write(key);
    match g.get() {
        None => return Reply::Null,
        Some(e) => {
            if let Err(e) = as_set(&e.value) {
                return e.into();
            }
        }
    }
    let e = g.get_mut().expect("looked up above");
    let s = as_set_mut(&mut e.value);
    let m = s.pop_random();
    let emptied = s.is_empty();
    g.notify(SET, "spop");
    if emptied {
        g.delete();
        g.notify(GENERIC, "del");
    }
    drop(g);
    // The member was picked at random: replay removes that one (Redis: SREM).
    ctx.propagate_as(vec![Bytes::from_static(b"SREM"), args[1].clone(), Bytes::copy_from_slice(&m)]);
    owned_reply(m)
}

/// Members per propagated SREM when SPOP pops many (Redis's SPOP_MOVE_BATCH).
const SREM_BATCH: usize = 1024;

/// `SREM key m...` commands for the popped members, in batches.
fn srem_batches(key: &Bytes, members: &[Vec<u8>]) -> Vec<Vec<Bytes>> {
    members
        .chunks(SREM_BATCH)
        .map(|c| {
            let mut v = Vec::with_capacity(c.len() + 2);
            v.push(Bytes::from_static(b"SREM"));
            v.push(key.clone());
            v.extend(c.iter().map(|m| Bytes::copy_from_slice(m)));
            v
        })
        .collect()
}

fn spop_with_count(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let count = match parse_i64(&args[2]) {
        Ok(n) if n >= 0 => n as u64,
        _ => return OUT_OF_RANGE_POSITIVE.into(),
    };
    let lim = limits(ctx);
    let key = &args[1][..];
    let mut g = ctx.write(key);
    let size = match g.get() {
        None => return Reply::Set(vec![]),
        Some(e) => match as_set(&e.value) {
            Err(e) => return e.into(),
            Ok(s) => s.len() as u64,
        },
    };
    if count == 0 {
        return Reply::Set(vec![]);
    }
    g.notify(SET, "spop");
    if count >= size {
        // The whole set, in the order SUNION of it would give.
        let all = {
            let e = g.get().expect("looked up above");
            let s = as_set(&e.value).expect("type checked");
            let u = union_of(&[Some(s)], &lim);
            u.iter().map(|m| owned_reply(m.to_vec())).collect()
        };
        g.delete();
        g.notify(GENERIC, "del");
        drop(g);
        // The whole set went: as Redis, a DEL.
        ctx.propagate_as(vec![Bytes::from_static(b"DEL"), args[1].clone()]);
        return Reply::Set(all);
    }
    let e = g.get_mut().expect("looked up above");
    let popped = as_set_mut(&mut e.value).pop_many(count as usize, &lim);
    drop(g);
    for argv in srem_batches(&args[1], &popped) {
        ctx.propagate_as(argv);
    }
    Reply::Set(popped.into_iter().map(owned_reply).collect())
}

fn srandmember(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match args.len() {
        2 => {}
        3 => return srandmember_with_count(ctx, args),
        _ => return ErrorReply::syntax().into(),
    }
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    match read_set(&mut sh.ks, db, &args[1], touch) {
        Err(e) => e.into(),
        Ok(None) => Reply::Null,
        Ok(Some(s)) => member_reply(&mut sh.arena, s.random()),
    }
}

fn srandmember_with_count(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let l = match parse_i64(&args[2]) {
        Ok(i64::MIN) => {
            return ErrorReply::new_static(
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            )
            .into()
        }
        Ok(n) => n,
        Err(e) => return e.into(),
    };
    let (count, uniq) = (l.unsigned_abs() as usize, l >= 0);
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    let s = match read_set(&mut sh.ks, db, &args[1], touch) {
        Err(e) => return e.into(),
        Ok(None) => return Reply::Array(vec![]),
        Ok(Some(s)) => s,
    };
    let arena = &mut sh.arena;
    if count == 0 {
        return Reply::Array(vec![]);
    }
    let size = s.len();
    // CASE 1: negative count (repeats allowed) or a single member.
    if !uniq || count == 1 {
        let mut out = Vec::with_capacity(count.min(1 << 16));
        for _ in 0..count {
            out.push(member_reply(arena, s.random()));
        }
        return Reply::Array(out);
    }
    // CASE 2: the whole set.
    if count >= size {
        return Reply::Array(s.iter().map(|m| member_reply(arena, m)).collect());
    }
    // CASE 2.5: a listpack is sampled in one ordered pass.
    if s.encoding() == "listpack" {
        return Reply::Array(s.sample_in_order(count).into_iter().map(|m| member_reply(arena, m)).collect());
    }
    let mut rng = rand::thread_rng();
    let picked: Vec<Member> = if count * 3 > size {
        // CASE 3: start from everything and drop random members.
        let mut all: Vec<Member> = s.iter().collect();
        while all.len() > count {
            let i = rng.gen_range(0..all.len());
            all.swap_remove(i);
        }
        all
    } else {
        // CASE 4: pick random members until enough distinct ones.
        let mut seen: HashSet<Vec<u8>> = HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let m = s.random();
            if seen.insert(m.to_vec()) {
                out.push(m);
            }
        }
        out
    };
    Reply::Array(picked.into_iter().map(|m| member_reply(arena, m)).collect())
}

// ---- SINTER family ----------------------------------------------------------------

enum InterMode<'a> {
    Reply,
    Card(u64),
    Store(&'a [u8]),
}

/// Redis's sinterGenericCommand: SINTER, SINTERCARD and SINTERSTORE.
fn sinter_generic(ctx: &mut Ctx, keys: &[Bytes], mode: InterMode) -> Reply {
    let lim = limits(ctx);
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let result = {
        let sh = &mut *ctx.sh;
        let sets = match read_sets(&mut sh.ks, db, keys, touch) {
            Ok(v) => v,
            Err(e) => return e.into(),
        };
        let arena = &mut sh.arena;
        // An empty (missing) set makes the intersection empty.
        let mut sets: Vec<&Set> = match sets.into_iter().collect::<Option<Vec<&Set>>>() {
            Some(v) => v,
            None => {
                return match mode {
                    InterMode::Reply => Reply::Set(vec![]),
                    InterMode::Card(_) => Reply::Int(0),
                    InterMode::Store(dst) => store_result(ctx, dst, Set::new(), "sinterstore"),
                }
            }
        };
        sets.sort_by_key(|s| s.len());
        let first = sets[0];
        let in_all = |m: Member| sets[1..].iter().all(|o| std::ptr::eq(*o, first) || o.contains_member(m));
        match mode {
            InterMode::Reply => {
                return Reply::Set(first.iter().filter(|m| in_all(*m)).map(|m| member_reply(arena, m)).collect())
            }
            InterMode::Card(limit) => {
                let mut n = 0u64;
                for m in first.iter() {
                    if in_all(m) {
                        n += 1;
                        if limit > 0 && n >= limit {
                            break;
                        }
                    }
                }
                return Reply::Int(n as i64);
            }
            InterMode::Store(_) => {
                let mut dst = if first.encoding() == "intset" { Set::new() } else { Set::new_listpack() };
                let mut only_integers = true;
                for m in first.iter() {
                    if in_all(m) {
                        if only_integers && m.as_int().is_none() {
                            only_integers = false;
                        }
                        dst.add_member(m, &lim);
                    }
                }
                if only_integers {
                    dst.maybe_convert_to_intset(&lim);
                }
                dst
            }
        }
    };
    match mode {
        InterMode::Store(dst) => store_result(ctx, dst, result, "sinterstore"),
        _ => unreachable!("returned above"),
    }
}

fn sinter(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    sinter_generic(ctx, &args[1..], InterMode::Reply)
}

fn sinterstore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    sinter_generic(ctx, &args[2..], InterMode::Store(&args[1]))
}

/// SINTERCARD's numkeys: 1..=LONG_MAX, else "numkeys should be greater than 0".
fn parse_numkeys(arg: &[u8]) -> Option<usize> {
    match parse_i64(arg) {
        Ok(n) if n >= 1 => Some(n as usize),
        _ => None,
    }
}

fn sintercard(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let Some(numkeys) = parse_numkeys(&args[1]) else {
        return ErrorReply::new_static("ERR numkeys should be greater than 0").into();
    };
    if numkeys > args.len() - 2 {
        return ErrorReply::new_static("ERR Number of keys can't be greater than number of args").into();
    }
    let mut limit = 0u64;
    let mut j = 2 + numkeys;
    while j < args.len() {
        if eq_ic(&args[j], "limit") && j + 1 < args.len() {
            limit = match parse_i64(&args[j + 1]) {
                Ok(n) if n >= 0 => n as u64,
                _ => return ErrorReply::new_static("ERR LIMIT can't be negative").into(),
            };
            j += 2;
        } else {
            return ErrorReply::syntax().into();
        }
    }
    sinter_generic(ctx, &args[2..2 + numkeys], InterMode::Card(limit))
}

fn sintercard_keys(args: &[Bytes]) -> Vec<usize> {
    match args.get(1).and_then(|a| parse_numkeys(a)) {
        Some(n) => (2..(2 + n).min(args.len())).collect(),
        None => vec![],
    }
}

// ---- SUNION / SDIFF ---------------------------------------------------------------

/// The union of `sets` built as Redis builds it: into an empty intset, which
/// converts as members arrive (this decides the reply order).
fn union_of(sets: &[Option<&Set>], lim: &SetLimits) -> Set {
    let mut dst = Set::new();
    for s in sets.iter().flatten() {
        for m in s.iter() {
            dst.add_member(m, lim);
        }
    }
    dst
}

/// Redis's sunionDiffGenericCommand set computation, with its choice of
/// DIFF algorithm (which decides the reply order too).
fn diff_of(mut sets: Vec<Option<&Set>>, lim: &SetLimits) -> Set {
    let mut dst = Set::new();
    let Some(first) = sets[0] else { return dst };
    let same = |o: &Option<&Set>| o.is_some_and(|o| std::ptr::eq(o, first));
    if sets[1..].iter().any(same) {
        return dst;
    }
    let present = sets.iter().flatten();
    let algo_one = present.clone().count() * first.len() / 2;
    let algo_two: usize = present.map(|s| s.len()).sum();
    if algo_one <= algo_two {
        // Algorithm 1: each member of the first set, checked against the
        // others sorted by decreasing size.
        sets[1..].sort_by_key(|s| std::cmp::Reverse(s.map_or(0, |s| s.len())));
        for m in first.iter() {
            if !sets[1..].iter().flatten().any(|o| o.contains_member(m)) {
                dst.add_member(m, lim);
            }
        }
    } else {
        // Algorithm 2: add the first set, remove the others.
        for m in first.iter() {
            dst.add_member(m, lim);
        }
        for s in sets[1..].iter().flatten() {
            for m in s.iter() {
                dst.remove_member(m);
            }
            if dst.is_empty() {
                break;
            }
        }
    }
    dst
}

fn sunion_diff(ctx: &mut Ctx, keys: &[Bytes], dst_key: Option<&[u8]>, union: bool) -> Reply {
    let lim = limits(ctx);
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let result = {
        let sh = &mut *ctx.sh;
        let sets = match read_sets(&mut sh.ks, db, keys, touch) {
            Ok(v) => v,
            Err(e) => return e.into(),
        };
        let result = if union { union_of(&sets, &lim) } else { diff_of(sets, &lim) };
        if dst_key.is_none() {
            let arena = &mut sh.arena;
            return Reply::Set(result.iter().map(|m| member_reply(arena, m)).collect());
        }
        result
    };
    let event = if union { "sunionstore" } else { "sdiffstore" };
    store_result(ctx, dst_key.expect("store form"), result, event)
}

fn sunion(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    sunion_diff(ctx, &args[1..], None, true)
}

fn sunionstore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    sunion_diff(ctx, &args[2..], Some(&args[1]), true)
}

fn sdiff(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    sunion_diff(ctx, &args[1..], None, false)
}

fn sdiffstore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    sunion_diff(ctx, &args[2..], Some(&args[1]), false)
}

// ---- SSCAN -----------------------------------------------------------------------

fn sscan(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let Some(cursor) = parse_scan_cursor(&args[2]) else {
        return ErrorReply::new_static("ERR invalid cursor").into();
    };
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    let s = match read_set(&mut sh.ks, db, &args[1], touch) {
        Err(e) => return e.into(),
        Ok(None) => return Reply::Array(vec![Reply::Bulk(Bytes::from_static(b"0")), Reply::Array(vec![])]),
        Ok(Some(s)) => s,
    };
    let mut count: usize = 10;
    let mut pattern: Option<&[u8]> = None;
    let mut i = 3;
    while i < args.len() {
        let more = args.len() - i - 1;
        if eq_ic(&args[i], "count") && more >= 1 {
            count = match parse_i64(&args[i + 1]) {
                Ok(n) if n >= 1 => usize::try_from(n).unwrap_or(usize::MAX),
                Ok(_) => return ErrorReply::syntax().into(),
                Err(e) => return e.into(),
            };
        } else if eq_ic(&args[i], "match") && more >= 1 {
            let p = &args[i + 1][..];
            pattern = if p == b"*" { None } else { Some(p) };
        } else {
            return ErrorReply::syntax().into();
        }
        i += 2;
    }
    let arena = &mut sh.arena;
    let mut out = Vec::new();
    let next = s.scan(cursor, count, |m| {
        m.with_bytes(|b| {
            if pattern.is_none_or(|p| gears_store::glob::glob_match(p, b, false)) {
                out.push(Reply::Bulk(arena.copy(b)));
            }
        })
    });
    Reply::Array(vec![Reply::Bulk(Bytes::from(next.to_string())), Reply::Array(out)])
}

// ---- table -----------------------------------------------------------------------

const GRP: &str = "set";
const KEY1: Keys = Keys::Range { first: 1, last: 1, step: 1 };
const KEY12: Keys = Keys::Range { first: 1, last: 2, step: 1 };
const ALL_KEYS: Keys = Keys::Range { first: 1, last: -1, step: 1 };
const NUMKEYS: Keys = Keys::Custom { first: 0, last: 0, step: 0, find: sintercard_keys };

#[rustfmt::skip]
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec { summary: "Add one or more members to a set", complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", ..CommandSpec::new("sadd", -3, WRITE | DENYOOM | FAST, KEY1, GRP, sadd) },
    CommandSpec { summary: "Remove one or more members from a set", complexity: "O(N) where N is the number of members to be removed.", ..CommandSpec::new("srem", -3, WRITE | FAST, KEY1, GRP, srem) },
    CommandSpec { summary: "Determine if a given value is a member of a set", complexity: "O(1)", ..CommandSpec::new("sismember", 3, READONLY | FAST, KEY1, GRP, sismember) },
    CommandSpec { summary: "Returns the membership associated with the given elements for a set", since: "6.2.0", complexity: "O(N) where N is the number of elements being checked for membership", ..CommandSpec::new("smismember", -3, READONLY | FAST, KEY1, GRP, smismember) },
    CommandSpec { summary: "Get all the members in a set", complexity: "O(N) where N is the set cardinality.", ..CommandSpec::new("smembers", 2, READONLY, KEY1, GRP, smembers) },
    CommandSpec { summary: "Get the number of members in a set", complexity: "O(1)", ..CommandSpec::new("scard", 2, READONLY | FAST, KEY1, GRP, scard) },
    CommandSpec { summary: "Remove and return one or multiple random members from a set", complexity: "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", ..CommandSpec::new("spop", -2, WRITE | FAST, KEY1, GRP, spop) },
    CommandSpec { summary: "Get one or multiple random members from a set", since: "2.6.0", complexity: "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", ..CommandSpec::new("srandmember", -2, READONLY, KEY1, GRP, srandmember) },
    CommandSpec { summary: "Move a member from one set to another", complexity: "O(1)", ..CommandSpec::new("smove", 4, WRITE | FAST, KEY12, GRP, smove) },
    CommandSpec { summary: "Intersect multiple sets", complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", ..CommandSpec::new("sinter", -2, READONLY, ALL_KEYS, GRP, sinter) },
    CommandSpec { summary: "Intersect multiple sets and return the cardinality of the result", since: "7.0.0", complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", ..CommandSpec::new("sintercard", -3, READONLY, NUMKEYS, GRP, sintercard) },
    CommandSpec { summary: "Add multiple sets", complexity: "O(N) where N is the total number of elements in all given sets.", ..CommandSpec::new("sunion", -2, READONLY, ALL_KEYS, GRP, sunion) },
    CommandSpec { summary: "Subtract multiple sets", complexity: "O(N) where N is the total number of elements in all given sets.", ..CommandSpec::new("sdiff", -2, READONLY, ALL_KEYS, GRP, sdiff) },
    CommandSpec { summary: "Intersect multiple sets and store the resulting set in a key", complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", ..CommandSpec::new("sinterstore", -3, WRITE | DENYOOM, ALL_KEYS, GRP, sinterstore) },
    CommandSpec { summary: "Add multiple sets and store the resulting set in a key", complexity: "O(N) where N is the total number of elements in all given sets.", ..CommandSpec::new("sunionstore", -3, WRITE | DENYOOM, ALL_KEYS, GRP, sunionstore) },
    CommandSpec { summary: "Subtract multiple sets and store the resulting set in a key", complexity: "O(N) where N is the total number of elements in all given sets.", ..CommandSpec::new("sdiffstore", -3, WRITE | DENYOOM, ALL_KEYS, GRP, sdiffstore) },
    CommandSpec { summary: "Incrementally iterate Set elements", since: "2.8.0", complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", ..CommandSpec::new("sscan", -3, READONLY, KEY1, GRP, sscan) },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn b(v: &[&str]) -> Vec<Bytes> {
        v.iter().map(|s| Bytes::copy_from_slice(s.as_bytes())).collect()
    }

    #[test]
    fn sintercard_key_positions() {
        assert_eq!(sintercard_keys(&b(&["sintercard", "2", "a", "b", "LIMIT", "1"])), vec![2, 3]);
        assert_eq!(sintercard_keys(&b(&["sintercard", "5", "a"])), vec![2]);
        assert_eq!(sintercard_keys(&b(&["sintercard", "0", "a"])), Vec::<usize>::new());
        assert_eq!(sintercard_keys(&b(&["sintercard", "x", "a"])), Vec::<usize>::new());
    }

    #[test]
    fn cursor_parsing() {
        assert_eq!(parse_scan_cursor(b"0"), Some(0));
        assert_eq!(parse_scan_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_scan_cursor(b"abc"), None);
        assert_eq!(parse_scan_cursor(b"18446744073709551616"), None);
    }

    #[test]
    fn union_and_diff_orders_follow_redis() {
        let lim = SetLimits::default();
        let mut a = Set::new_listpack();
        for m in ["5", "1", "x"] {
            a.add(m.as_bytes(), &lim);
        }
        // Built into an intset first: integers come out sorted, then strings.
        let u = union_of(&[Some(&a)], &lim);
        let got: Vec<Vec<u8>> = u.iter().map(|m| m.to_vec()).collect();
        assert_eq!(got, vec![b"1".to_vec(), b"5".to_vec(), b"x".to_vec()]);
        let mut c = Set::new();
        c.add(b"5", &lim);
        let d = diff_of(vec![Some(&a), None, Some(&c)], &lim);
        let got: Vec<Vec<u8>> = d.iter().map(|m| m.to_vec()).collect();
        assert_eq!(got, vec![b"1".to_vec(), b"x".to_vec()]);
        assert!(diff_of(vec![Some(&a), Some(&a)], &lim).is_empty());
        assert!(diff_of(vec![None, Some(&a)], &lim).is_empty());
    }
}
