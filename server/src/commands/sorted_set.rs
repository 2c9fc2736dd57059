//! Sorted set commands: ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK,
//! ZREVRANK, ZCOUNT, ZLEXCOUNT, ZRANGE (unified syntax) and the legacy
//! ZRANGEBYSCORE/ZREVRANGE/ZREVRANGEBYSCORE/ZRANGEBYLEX/ZREVRANGEBYLEX,
//! ZRANGESTORE, ZREMRANGEBYSCORE/BYRANK/BYLEX, ZUNION/ZINTER/ZDIFF and their
//! STORE forms, ZINTERCARD, ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER, ZSCAN.
//!
//! The type lives in `gears_store::zset`; this file parses arguments in
//! Redis's order (so that the first error reported is Redis's), reads through
//! `Ctx::read` and writes through the WriteGuard, emitting Redis's keyspace
//! events. A write that would change nothing does not touch the key (no
//! WATCH invalidation, no dirty bump), as in Redis. The blocking pops
//! (BZPOPMIN/BZPOPMAX/BZMPOP) reuse [`ZSet::pop`] and [`pop_reply`].

use std::collections::HashMap;

use bytes::Bytes;
use gears_resp::{format_double, ErrorReply, Reply};
use gears_store::glob::glob_match;
use gears_store::notify::{GENERIC, ZSET};
use gears_store::zset::{AddFlags, AddOutcome, LexBound, LexRange, Limits, ScoreRange};
use gears_store::{Value, ZSet};

use crate::args::{eq_ic, parse_i64, parse_scan_cursor};
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::Ctx;

const NOT_FLOAT_RANGE: ErrorReply = ErrorReply::new_static("ERR min or max is not a float");
const NOT_LEX_RANGE: ErrorReply = ErrorReply::new_static("ERR min or max not valid string range item");
const NAN_RESULT: ErrorReply = ErrorReply::new_static("ERR resulting score is not a number (NaN)");

// ---- argument parsing --------------------------------------------------------------

/// C's strtod over the whole of `s` after optional leading whitespace:
/// decimal or hex notation, inf/infinity/nan. `None` if anything is left
/// over. (The empty string is not handled here.)
fn strtod_all(s: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(s).ok()?;
    let t = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let v = if body.len() > 2 && (body.starts_with("0x") || body.starts_with("0X")) {
        parse_hex_float(&body[2..])?
    } else {
        if body.is_empty() || body.starts_with(['+', '-']) {
            return None;
        }
        let lower = body.to_ascii_lowercase();
        if !matches!(lower.as_str(), "inf" | "infinity" | "nan")
            && !lower.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'-' | b'+'))
        {
            return None;
        }
        lower.parse::<f64>().ok()?
    };
    Some(if neg { -v } else { v })
}

/// The digits of a C hex float after "0x": `h[.h][p[+-]d]`.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    Some(v * 2f64.powi(exp))
}

/// A score argument as Redis's string2d reads it (ZADD, ZINCRBY, WEIGHTS):
/// no spaces, no NaN, no overflow or underflow to zero.
fn parse_score_or(arg: &[u8], err: ErrorReply) -> Result<f64, ErrorReply> {
    if arg.is_empty() || arg[0].is_ascii_whitespace() || arg[0] == 0x0b {
        return Err(err);
    }
    let v = strtod_all(arg).ok_or_else(|| err.clone())?;
    let text = String::from_utf8_lossy(arg).to_ascii_lowercase();
    if v.is_nan() {
        return Err(err);
    }
    // ERANGE: a finite text that overflowed, or a non-zero one that underflowed to 0.
    let infinite_text = text.trim_start_matches(['+', '-']).starts_with("inf");
    if v.is_infinite() && !infinite_text {
        return Err(err);
    }
    if v == 0.0 {
        let mantissa = text.split(['e', 'p']).next().unwrap_or("");
        let mantissa = mantissa.strip_prefix(['+', '-']).unwrap_or(mantissa);
        let mantissa = mantissa.strip_prefix("0x").unwrap_or(mantissa);
        if mantissa.bytes().any(|c| c.is_ascii_alphanumeric() && c != b'0') {
            return Err(err);
        }
    }
    Ok(v)
}

fn parse_score(arg: &[u8]) -> Result<f64, ErrorReply> {
    parse_score_or(arg, ErrorReply::not_float())
}

/// One bound of a score range as zslParseRange reads it: `(` for
/// exclusive, then strtod (leading spaces allowed, the empty string is 0).
fn parse_score_bound(arg: &[u8]) -> Option<(f64, bool)> {
    let (ex, rest) = match arg.first() {
        Some(b'(') => (true, &arg[1..]),
        _ => (false, arg),
    };
    let v = if rest.is_empty() { 0.0 } else { strtod_all(rest)? };
    if v.is_nan() {
        return None;
    }
    Some((v, ex))
}

fn parse_score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, ErrorReply> {
    match (parse_score_bound(min), parse_score_bound(max)) {
        (Some((min, minex)), Some((max, maxex))) => Ok(ScoreRange { min, max, minex, maxex }),
        _ => Err(NOT_FLOAT_RANGE),
    }
}

fn parse_lex_bound(arg: &[u8]) -> Option<LexBound> {
    match arg.first()? {
        b'+' if arg.len() == 1 => Some(LexBound::PosInf),
        b'-' if arg.len() == 1 => Some(LexBound::NegInf),
        b'(' => Some(LexBound::Excl(arg[1..].to_vec())),
        b'[' => Some(LexBound::Incl(arg[1..].to_vec())),
        _ => None,
    }
}

fn parse_lex_range(min: &[u8], max: &[u8]) -> Result<LexRange, ErrorReply> {
    match (parse_lex_bound(min), parse_lex_bound(max)) {
        (Some(min), Some(max)) => Ok(LexRange { min, max }),
        _ => Err(NOT_LEX_RANGE),
    }
}

/// getRangeLongFromObjectOrReply with a custom message for both a
/// non-integer and an out-of-range value.
fn parse_long_min(arg: &[u8], min: i64, msg: &'static str) -> Result<i64, ErrorReply> {
    match parse_i64(arg) {
        Ok(n) if n >= min => Ok(n),
        _ => Err(ErrorReply::new_static(msg)),
    }
}

/// ZPOPMIN/ZPOPMAX's count: one message for a non-integer and a negative value.
fn parse_positive(arg: &[u8]) -> Result<i64, ErrorReply> {
    parse_long_min(arg, 0, "ERR value is out of range, must be positive")
}

// ---- helpers -----------------------------------------------------------------------

fn limits(ctx: &Ctx) -> Limits {
    Limits {
        max_entries: ctx.sh.config.zset_max_listpack_entries as usize,
        max_value: ctx.sh.config.zset_max_listpack_value as usize,
    }
}

fn resp3(ctx: &Ctx) -> bool {
    ctx.client.resp >= 3
}

/// The sorted set at `key` for reading (Redis's lookupKeyRead + checkType).
fn read_zset<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a ZSet>, ErrorReply> {
    match ctx.read(key) {
        None => Ok(None),
        Some(e) => match &e.value {
            Value::ZSet(z) => Ok(Some(z)),
            _ => Err(ErrorReply::wrong_type()),
        },
    }
}

/// Members, or members with scores: flat in RESP2, [member, score] pairs in RESP3.
fn pairs_reply(items: Vec<(Bytes, f64)>, withscores: bool, resp3: bool) -> Reply {
    if !withscores {
        return Reply::Array(items.into_iter().map(|(m, _)| Reply::Bulk(m)).collect());
    }
    if resp3 {
        Reply::Array(items.into_iter().map(|(m, s)| Reply::Array(vec![Reply::Bulk(m), Reply::Double(s)])).collect())
    } else {
        let mut v = Vec::with_capacity(items.len() * 2);
        for (m, s) in items {
            v.push(Reply::Bulk(m));
            v.push(Reply::Double(s));
        }
        Reply::Array(v)
    }
}

/// Always-nested [member, score] pairs (ZMPOP and BZMPOP in both protocols).
fn nested_pairs(items: Vec<(Bytes, f64)>) -> Reply {
    Reply::Array(items.into_iter().map(|(m, s)| Reply::Array(vec![Reply::Bulk(m), Reply::Double(s)])).collect())
}

/// What a pop of `items` from `key` replies, for every pop command:
/// - `emit_key` false (ZPOPMIN/ZPOPMAX): flat pairs, or nested pairs in RESP3
///   when a count was given (`nested`);
/// - `emit_key` with `nested` (ZMPOP/BZMPOP): `[key, [[m, s], ...]]`;
/// - `emit_key` without `nested` (BZPOPMIN/BZPOPMAX): `[key, m, s]`.
pub fn pop_reply(key: &[u8], items: Vec<(Bytes, f64)>, emit_key: bool, nested: bool) -> Reply {
    let key = Bytes::copy_from_slice(key);
    match (emit_key, nested) {
        (false, false) => pairs_reply(items, true, false),
        (false, true) => nested_pairs(items),
        (true, true) => Reply::Array(vec![Reply::Bulk(key), nested_pairs(items)]),
        (true, false) => {
            let mut v = vec![Reply::Bulk(key)];
            for (m, s) in items {
                v.push(Reply::Bulk(m));
                v.push(Reply::Double(s));
            }
            Reply::Array(v)
        }
    }
}

/// A pop's source key and the members popped, in pop order.
pub type Popped = (Bytes, Vec<(Bytes, f64)>);

/// Pops up to `count` members from the first non-empty sorted set among
/// `keys` (Redis's genericZpopCommand, shared with the blocking forms).
/// Emits `zpopmin`/`zpopmax` (and `del` when the set empties). Returns the
/// key and the popped members, `Ok(None)` when no key holds a set; WRONGTYPE
/// stops at the first key of another type, as in Redis.
pub fn pop_first(ctx: &mut Ctx, keys: &[Bytes], count: usize, max: bool) -> Result<Option<Popped>, ErrorReply> {
    for key in keys {
        let mut g = ctx.write(key);
        match g.get().map(|e| &e.value) {
            None => continue,
            Some(Value::ZSet(_)) => {}
            Some(_) => return Err(ErrorReply::wrong_type()),
        }
        if count == 0 {
            return Ok(Some((key.clone(), Vec::new())));
        }
        let Some(Value::ZSet(z)) = g.get_mut().map(|e| &mut e.value) else { unreachable!("checked above") };
        let items = z.pop(count, max);
        let empty = z.is_empty();
        g.notify(ZSET, if max { "zpopmax" } else { "zpopmin" });
        if empty {
            g.delete();
            g.notify(GENERIC, "del");
        }
        drop(g);
        // As Redis: every pop (ZMPOP and the blocking forms too, which must
        // not block on replay) propagates as ZPOPMIN|ZPOPMAX key <popped>.
        let cmd: &'static [u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
        ctx.propagate_as(vec![Bytes::from_static(cmd), key.clone(), Bytes::from(items.len().to_string())]);
        return Ok(Some((key.clone(), items)));
    }
    Ok(None)
}

// ---- ZADD, ZINCRBY, ZREM -------------------------------------------------------------

fn zadd_generic(ctx: &mut Ctx, args: &[Bytes], incr_cmd: bool) -> Reply {
    let key = &args[1][..];
    let mut f = AddFlags { incr: incr_cmd, ..Default::default() };
    let mut ch = false;
    let mut idx = 2;
    while idx < args.len() {
        let o = &args[idx][..];
        if eq_ic(o, "nx") {
            f.nx = true;
        } else if eq_ic(o, "xx") {
            f.xx = true;
        } else if eq_ic(o, "ch") {
            ch = true;
        } else if eq_ic(o, "incr") {
            f.incr = true;
        } else if eq_ic(o, "gt") {
            f.gt = true;
        } else if eq_ic(o, "lt") {
            f.lt = true;
        } else {
            break;
        }
        idx += 1;
    }
    let rest = &args[idx..];
    if rest.is_empty() || !rest.len().is_multiple_of(2) {
        return ErrorReply::syntax().into();
    }
    if f.nx && f.xx {
        return ErrorReply::new_static("ERR XX and NX options at the same time are not compatible").into();
    }
    if (f.nx && (f.gt || f.lt)) || (f.gt && f.lt) {
        return ErrorReply::new_static("ERR GT, LT, and/or NX options at the same time are not compatible").into();
    }
    if f.incr && rest.len() > 2 {
        return ErrorReply::new_static("ERR INCR option supports a single increment-element pair").into();
    }
    let mut pairs = Vec::with_capacity(rest.len() / 2);
    for p in rest.chunks(2) {
        match parse_score(&p[0]) {
            Ok(s) => pairs.push((s, &p[1][..])),
            Err(e) => return e.into(),
        }
    }
    let lim = limits(ctx);
    let null_or = |processed: bool, score: f64| if processed { Reply::Double(score) } else { Reply::Null };
    let mut g = ctx.write(key);
    let exists = match g.get().map(|e| &e.value) {
        None => false,
        Some(Value::ZSet(z)) => {
            // Touch the key only if something will change.
            let changes = pairs.iter().any(|(s, m)| match z.score(m) {
                None => !f.xx,
                Some(cur) => {
                    let new = if f.incr { cur + s } else { *s };
                    let unchanged = f.nx || new.is_nan() || new == cur || (f.lt && new >= cur) || (f.gt && new <= cur);
                    !unchanged
                }
            });
            if !changes {
                // Replies as if run: processed unchanged members count as processed.
                if f.incr {
                    let (s, m) = pairs[0];
                    return match z.score(m) {
                        Some(cur) if !f.nx && (cur + s).is_nan() => NAN_RESULT.into(),
                        Some(cur) if !(f.nx || f.lt || f.gt) => Reply::Double(cur + s),
                        _ => Reply::Null,
                    };
                }
                return Reply::Int(0);
            }
            true
        }
        Some(_) => return ErrorReply::wrong_type().into(),
    };
    if !exists {
        if f.xx {
            return if f.incr { Reply::Null } else { Reply::Int(0) };
        }
        let max_len = pairs.iter().map(|(_, m)| m.len()).max().unwrap_or(0);
        g.set(Value::ZSet(Box::new(ZSet::with_hint(pairs.len(), max_len, lim))), false);
    }
    let Some(Value::ZSet(z)) = g.get_mut().map(|e| &mut e.value) else { unreachable!("created or checked above") };
    let (mut added, mut updated, mut processed) = (0, 0, 0);
    let mut score = 0.0;
    let mut nan = false;
    for (s, m) in pairs {
        match z.add(m, s, f, lim) {
            AddOutcome::Added(n) => {
                added += 1;
                processed += 1;
                score = n;
            }
            AddOutcome::Updated(n) => {
                updated += 1;
                processed += 1;
                score = n;
            }
            AddOutcome::Unchanged(n) => {
                processed += 1;
                score = n;
            }
            AddOutcome::Skipped => {}
            AddOutcome::Nan => {
                nan = true;
                break;
            }
        }
    }
    if added + updated > 0 {
        g.notify(ZSET, if f.incr { "zincr" } else { "zadd" });
    }
    if nan {
        return NAN_RESULT.into();
    }
    if f.incr {
        null_or(processed > 0, score)
    } else {
        Reply::Int(if ch { added + updated } else { added })
    }
}

fn zadd(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zadd_generic(ctx, args, false)
}

fn zincrby(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zadd_generic(ctx, args, true)
}

fn zrem(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let key = &args[1][..];
    let mut g = ctx.write(key);
    match g.get().map(|e| &e.value) {
        None => return Reply::Int(0),
        Some(Value::ZSet(z)) => {
            if !args[2..].iter().any(|m| z.score(m).is_some()) {
                return Reply::Int(0);
            }
        }
        Some(_) => return ErrorReply::wrong_type().into(),
    }
    let Some(Value::ZSet(z)) = g.get_mut().map(|e| &mut e.value) else { unreachable!("checked above") };
    let mut deleted = 0;
    for m in &args[2..] {
        if z.remove(m) {
            deleted += 1;
            if z.is_empty() {
                break;
            }
        }
    }
    let empty = z.is_empty();
    g.notify(ZSET, "zrem");
    if empty {
        g.delete();
        g.notify(GENERIC, "del");
    }
    Reply::Int(deleted)
}

// ---- reads -----------------------------------------------------------------------------

fn zcard(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match read_zset(ctx, &args[1]) {
        Ok(z) => Reply::Int(z.map_or(0, |z| z.len() as i64)),
        Err(e) => e.into(),
    }
}

fn zscore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match read_zset(ctx, &args[1]) {
        Ok(z) => z.and_then(|z| z.score(&args[2])).map_or(Reply::Null, Reply::Double),
        Err(e) => e.into(),
    }
}

fn zmscore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match read_zset(ctx, &args[1]) {
        Ok(z) => Reply::Array(
            args[2..].iter().map(|m| z.and_then(|z| z.score(m)).map_or(Reply::Null, Reply::Double)).collect(),
        ),
        Err(e) => e.into(),
    }
}

fn zrank_generic(ctx: &mut Ctx, args: &[Bytes], rev: bool) -> Reply {
    if args.len() > 4 {
        return ErrorReply::wrong_arity(ctx.cmd.full_name).into();
    }
    let withscore = match args.get(3) {
        None => false,
        Some(a) if eq_ic(a, "withscore") => true,
        Some(_) => return ErrorReply::syntax().into(),
    };
    let missing = if withscore { Reply::NullArray } else { Reply::Null };
    match read_zset(ctx, &args[1]) {
        Ok(Some(z)) => match z.rank(&args[2], rev) {
            Some((r, s)) if withscore => Reply::Array(vec![Reply::Int(r as i64), Reply::Double(s)]),
            Some((r, _)) => Reply::Int(r as i64),
            None => missing,
        },
        Ok(None) => missing,
        Err(e) => e.into(),
    }
}

fn zrank(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zrank_generic(ctx, args, false)
}

fn zrevrank(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zrank_generic(ctx, args, true)
}

fn zcount(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let range = match parse_score_range(&args[2], &args[3]) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    match read_zset(ctx, &args[1]) {
        Ok(z) => Reply::Int(z.map_or(0, |z| {
            let (lo, hi) = z.score_ranks(&range);
            (hi - lo) as i64
        })),
        Err(e) => e.into(),
    }
}

fn zlexcount(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let range = match parse_lex_range(&args[2], &args[3]) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    match read_zset(ctx, &args[1]) {
        Ok(z) => Reply::Int(z.map_or(0, |z| {
            let (lo, hi) = z.lex_ranks(&range);
            (hi - lo) as i64
        })),
        Err(e) => e.into(),
    }
}

// ---- ZRANGE and friends ------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum RangeType {
    Auto,
    Rank,
    Score,
    Lex,
}

enum Range {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

struct RangeQuery {
    range: Range,
    rev: bool,
    offset: i64,
    limit: i64,
}

/// Redis's zrangeGenericCommand argument handling: `args[src]` is the source
/// key, followed by min, max and the options. Returns the query and WITHSCORES.
fn parse_range_query(
    args: &[Bytes],
    src: usize,
    store: bool,
    mut rtype: RangeType,
    rev: Option<bool>,
) -> Result<(RangeQuery, bool), ErrorReply> {
    let mut direction = rev;
    let mut withscores = false;
    let (mut offset, mut limit) = (0i64, -1i64);
    let mut j = src + 3;
    while j < args.len() {
        let left = args.len() - j - 1;
        let a = &args[j][..];
        if !store && eq_ic(a, "withscores") {
            withscores = true;
        } else if eq_ic(a, "limit") && left >= 2 {
            offset = parse_i64(&args[j + 1])?;
            limit = parse_i64(&args[j + 2])?;
            j += 2;
        } else if direction.is_none() && eq_ic(a, "rev") {
            direction = Some(true);
        } else if rtype == RangeType::Auto && eq_ic(a, "bylex") {
            rtype = RangeType::Lex;
        } else if rtype == RangeType::Auto && eq_ic(a, "byscore") {
            rtype = RangeType::Score;
        } else {
            return Err(ErrorReply::syntax());
        }
        j += 1;
    }
    let rev = direction.unwrap_or(false);
    if rtype == RangeType::Auto {
        rtype = RangeType::Rank;
    }
    if limit != -1 && rtype == RangeType::Rank {
        return Err(ErrorReply::new_static(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && rtype == RangeType::Lex {
        return Err(ErrorReply::new_static("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
    }
    let (mut lo, mut hi) = (&args[src + 1][..], &args[src + 2][..]);
    if rev && rtype != RangeType::Rank {
        std::mem::swap(&mut lo, &mut hi);
    }
    let range = match rtype {
        RangeType::Rank | RangeType::Auto => Range::Rank(parse_i64(lo)?, parse_i64(hi)?),
        RangeType::Score => Range::Score(parse_score_range(lo, hi)?),
        RangeType::Lex => Range::Lex(parse_lex_range(lo, hi)?),
    };
    Ok((RangeQuery { range, rev, offset, limit }, withscores))
}

/// The members a range query selects, in reply order.
fn select_range(z: &ZSet, q: &RangeQuery) -> Vec<(Bytes, f64)> {
    let len = z.len() as i64;
    match &q.range {
        Range::Rank(start, end) => {
            let (mut start, mut end) = (*start, *end);
            if start < 0 {
                start += len;
            }
            if end < 0 {
                end += len;
            }
            start = start.max(0);
            if start > end || start >= len {
                return Vec::new();
            }
            end = end.min(len - 1);
            if q.rev {
                z.range((len - 1 - end) as usize, (len - start) as usize, true)
            } else {
                z.range(start as usize, end as usize + 1, false)
            }
        }
        Range::Score(_) | Range::Lex(_) => {
            let (lo, hi) = match &q.range {
                Range::Score(r) => z.score_ranks(r),
                Range::Lex(r) => z.lex_ranks_dir(r, q.rev),
                Range::Rank(..) => unreachable!("handled above"),
            };
            if q.offset < 0 || q.limit == 0 {
                return Vec::new();
            }
            let span = (hi - lo) as u64;
            let offset = q.offset as u64;
            if offset >= span {
                return Vec::new();
            }
            let take = if q.limit < 0 { span - offset } else { (q.limit as u64).min(span - offset) };
            let (take, offset) = (take as usize, offset as usize);
            if q.rev {
                z.range(hi - offset - take, hi - offset, true)
            } else {
                z.range(lo + offset, lo + offset + take, false)
            }
        }
    }
}

fn zrange_generic(ctx: &mut Ctx, args: &[Bytes], rtype: RangeType, rev: Option<bool>) -> Reply {
    let (q, withscores) = match parse_range_query(args, 1, false, rtype, rev) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    let r3 = resp3(ctx);
    match read_zset(ctx, &args[1]) {
        Ok(Some(z)) => pairs_reply(select_range(z, &q), withscores, r3),
        Ok(None) => Reply::Array(vec![]),
        Err(e) => e.into(),
    }
}

fn zrange(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zrange_generic(ctx, args, RangeType::Auto, None)
}

fn zrevrange(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zrange_generic(ctx, args, RangeType::Rank, Some(true))
}

fn zrangebyscore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zrange_generic(ctx, args, RangeType::Score, Some(false))
}

fn zrevrangebyscore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zrange_generic(ctx, args, RangeType::Score, Some(true))
}

fn zrangebylex(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zrange_generic(ctx, args, RangeType::Lex, Some(false))
}

fn zrevrangebylex(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zrange_generic(ctx, args, RangeType::Lex, Some(true))
}

/// Stores `items` (distinct members) at `dst` as a new sorted set, or
/// deletes `dst` when empty; emits `event` or `del`. Replies the size.
fn store_result(ctx: &mut Ctx, dst: &[u8], items: Vec<(Bytes, f64)>, event: &'static str) -> Reply {
    let lim = limits(ctx);
    let n = items.len();
    let mut g = ctx.write(dst);
    if n > 0 {
        let z = ZSet::from_pairs(items.iter().map(|(m, s)| (&m[..], *s)), lim);
        g.set(Value::ZSet(Box::new(z)), false);
        g.notify(ZSET, event);
    } else if g.delete().is_some() {
        g.notify(GENERIC, "del");
    }
    Reply::Int(n as i64)
}

fn zrangestore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (q, _) = match parse_range_query(args, 2, true, RangeType::Auto, None) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    let items = match read_zset(ctx, &args[2]) {
        Ok(Some(z)) => select_range(z, &q),
        Ok(None) => Vec::new(),
        Err(e) => return e.into(),
    };
    store_result(ctx, &args[1], items, "zrangestore")
}

// ---- ZREMRANGEBY* ------------------------------------------------------------------------

fn zremrange_generic(ctx: &mut Ctx, args: &[Bytes], rtype: RangeType) -> Reply {
    let range = match rtype {
        RangeType::Score => parse_score_range(&args[2], &args[3]).map(Range::Score),
        RangeType::Lex => parse_lex_range(&args[2], &args[3]).map(Range::Lex),
        _ => parse_i64(&args[2]).and_then(|a| Ok(Range::Rank(a, parse_i64(&args[3])?))),
    };
    let range = match range {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    let mut g = ctx.write(&args[1]);
    let (lo, hi) = match g.get().map(|e| &e.value) {
        None => return Reply::Int(0),
        Some(Value::ZSet(z)) => match &range {
            Range::Score(r) => z.score_ranks(r),
            Range::Lex(r) => z.lex_ranks(r),
            Range::Rank(start, end) => {
                let len = z.len() as i64;
                let (mut start, mut end) = (*start, *end);
                if start < 0 {
                    start += len;
                }
                if end < 0 {
                    end += len;
                }
                start = start.max(0);
                if start > end || start >= len {
                    (0, 0)
                } else {
                    (start as usize, end.min(len - 1) as usize + 1)
                }
            }
        },
        Some(_) => return ErrorReply::wrong_type().into(),
    };
    if lo >= hi {
        return Reply::Int(0);
    }
    let Some(Value::ZSet(z)) = g.get_mut().map(|e| &mut e.value) else { unreachable!("checked above") };
    let n = z.remove_ranks(lo, hi);
    let empty = z.is_empty();
    g.notify(
        ZSET,
        match rtype {
            RangeType::Score => "zremrangebyscore",
            RangeType::Lex => "zremrangebylex",
            _ => "zremrangebyrank",
        },
    );
    if empty {
        g.delete();
        g.notify(GENERIC, "del");
    }
    Reply::Int(n as i64)
}

fn zremrangebyscore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zremrange_generic(ctx, args, RangeType::Score)
}

fn zremrangebyrank(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zremrange_generic(ctx, args, RangeType::Rank)
}

fn zremrangebylex(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zremrange_generic(ctx, args, RangeType::Lex)
}

// ---- ZUNION / ZINTER / ZDIFF ---------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

fn aggregate(target: &mut f64, v: f64, a: Aggregate) {
    match a {
        Aggregate::Sum => {
            *target += v;
            // +inf + -inf: Redis's convention is 0.
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if v < *target {
                *target = v;
            }
        }
        Aggregate::Max => {
            if v > *target {
                *target = v;
            }
        }
    }
}

/// One input of a set operation: its members and scores (sets score 1).
struct Source {
    items: HashMap<Bytes, f64>,
    /// Members in the source's own order (deterministic output order for ties).
    order: Vec<Bytes>,
    weight: f64,
}

fn source_of(v: &Value) -> Result<Source, ErrorReply> {
    match v {
        Value::ZSet(z) => {
            let mut items = HashMap::with_capacity(z.len());
            let mut order = Vec::with_capacity(z.len());
            z.for_each(|m, s| {
                let m = Bytes::copy_from_slice(m);
                order.push(m.clone());
                items.insert(m, s);
            });
            Ok(Source { items, order, weight: 1.0 })
        }
        // Plain sets are valid inputs: every member scores 1.
        Value::Set(set) => {
            let mut items = HashMap::with_capacity(set.len());
            let mut order = Vec::with_capacity(set.len());
            for m in set.iter() {
                let m = Bytes::from(m.to_vec());
                order.push(m.clone());
                items.insert(m, 1.0);
            }
            Ok(Source { items, order, weight: 1.0 })
        }
        _ => Err(ErrorReply::wrong_type()),
    }
}

/// Redis's zunionInterDiffGenericCommand. `dst` is the destination of the
/// STORE forms; `numkeys_idx` the index of numkeys; `card` for ZINTERCARD.
fn set_op_generic(
    ctx: &mut Ctx,
    args: &[Bytes],
    dst: Option<&[u8]>,
    numkeys_idx: usize,
    op: SetOp,
    card: bool,
) -> Reply {
    let setnum = match parse_i64(&args[numkeys_idx]) {
        Ok(n) => n,
        Err(e) => return e.into(),
    };
    if setnum < 1 {
        return ErrorReply::err(format_args!("at least 1 input key is needed for '{}' command", ctx.cmd.full_name))
            .into();
    }
    if setnum > (args.len() - numkeys_idx - 1) as i64 {
        return ErrorReply::syntax().into();
    }
    let setnum = setnum as usize;
    let mut srcs: Vec<Source> = Vec::with_capacity(setnum);
    for key in &args[numkeys_idx + 1..numkeys_idx + 1 + setnum] {
        match ctx.read(key) {
            None => srcs.push(Source { items: HashMap::new(), order: Vec::new(), weight: 1.0 }),
            Some(e) => match source_of(&e.value) {
                Ok(s) => srcs.push(s),
                Err(e) => return e.into(),
            },
        }
    }
    let mut agg = Aggregate::Sum;
    let mut withscores = false;
    let mut limit = 0i64;
    let mut j = numkeys_idx + 1 + setnum;
    while j < args.len() {
        let remaining = args.len() - j;
        let a = &args[j][..];
        if op != SetOp::Diff && !card && remaining > setnum && eq_ic(a, "weights") {
            j += 1;
            for s in srcs.iter_mut() {
                match parse_score_or(&args[j], ErrorReply::new_static("ERR weight value is not a float")) {
                    Ok(w) => s.weight = w,
                    Err(e) => return e.into(),
                }
                j += 1;
            }
        } else if op != SetOp::Diff && !card && remaining >= 2 && eq_ic(a, "aggregate") {
            let v = &args[j + 1][..];
            agg = if eq_ic(v, "sum") {
                Aggregate::Sum
            } else if eq_ic(v, "min") {
                Aggregate::Min
            } else if eq_ic(v, "max") {
                Aggregate::Max
            } else {
                return ErrorReply::syntax().into();
            };
            j += 2;
        } else if dst.is_none() && !card && eq_ic(a, "withscores") {
            withscores = true;
            j += 1;
        } else if card && remaining >= 2 && eq_ic(a, "limit") {
            limit = match parse_i64(&args[j + 1]) {
                Ok(n) if n >= 0 => n,
                _ => return ErrorReply::new_static("ERR LIMIT can't be negative").into(),
            };
            j += 2;
        } else {
            return ErrorReply::syntax().into();
        }
    }
    let result = compute_set_op(srcs, op, agg, if card { limit as usize } else { 0 });
    if card {
        return Reply::Int(result.len() as i64);
    }
    match dst {
        Some(d) => {
            let event = match op {
                SetOp::Union => "zunionstore",
                SetOp::Inter => "zinterstore",
                SetOp::Diff => "zdiffstore",
            };
            store_result(ctx, d, result, event)
        }
        None => {
            let mut result = result;
            result
                .sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal).then_with(|| a.0.cmp(&b.0)));
            pairs_reply(result, withscores, resp3(ctx))
        }
    }
}

/// The members of the operation with their scores (unordered). `card_limit`
/// > 0 stops an intersection once that many members are found.
fn compute_set_op(mut srcs: Vec<Source>, op: SetOp, agg: Aggregate, card_limit: usize) -> Vec<(Bytes, f64)> {
    match op {
        SetOp::Inter => {
            // Smallest input first, as Redis does.
            srcs.sort_by_key(|s| s.items.len());
            let Some((first, rest)) = srcs.split_first() else { return Vec::new() };
            let mut out = Vec::new();
            'members: for m in &first.order {
                let mut score = first.items[m] * first.weight;
                if score.is_nan() {
                    score = 0.0;
                }
                for s in rest {
                    match s.items.get(m) {
                        Some(v) => aggregate(&mut score, v * s.weight, agg),
                        None => continue 'members,
                    }
                }
                out.push((m.clone(), score));
                if card_limit > 0 && out.len() >= card_limit {
                    break;
                }
            }
            out
        }
        SetOp::Union => {
            srcs.sort_by_key(|s| s.items.len());
            let mut acc: HashMap<Bytes, f64> = HashMap::new();
            let mut order: Vec<Bytes> = Vec::new();
            for s in &srcs {
                for m in &s.order {
                    let mut v = s.items[m] * s.weight;
                    if v.is_nan() {
                        v = 0.0;
                    }
                    match acc.get_mut(m) {
                        Some(t) => aggregate(t, v, agg),
                        None => {
                            acc.insert(m.clone(), v);
                            order.push(m.clone());
                        }
                    }
                }
            }
            order.into_iter().map(|m| (m.clone(), acc[&m])).collect()
        }
        SetOp::Diff => {
            let Some((first, rest)) = srcs.split_first() else { return Vec::new() };
            first
                .order
                .iter()
                .filter(|m| !rest.iter().any(|s| s.items.contains_key(*m)))
                .map(|m| (m.clone(), first.items[m]))
                .collect()
        }
    }
}

fn zunion(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    set_op_generic(ctx, args, None, 1, SetOp::Union, false)
}

fn zinter(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    set_op_generic(ctx, args, None, 1, SetOp::Inter, false)
}

fn zdiff(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    set_op_generic(ctx, args, None, 1, SetOp::Diff, false)
}

fn zintercard(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    set_op_generic(ctx, args, None, 1, SetOp::Inter, true)
}

fn zunionstore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    set_op_generic(ctx, args, Some(&args[1]), 2, SetOp::Union, false)
}

fn zinterstore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    set_op_generic(ctx, args, Some(&args[1]), 2, SetOp::Inter, false)
}

fn zdiffstore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    set_op_generic(ctx, args, Some(&args[1]), 2, SetOp::Diff, false)
}

// ---- pops --------------------------------------------------------------------------------

fn zpop_generic(ctx: &mut Ctx, args: &[Bytes], max: bool) -> Reply {
    if args.len() > 3 {
        return ErrorReply::syntax().into();
    }
    let count = match args.get(2).map(|a| parse_positive(a)) {
        None => None,
        Some(Ok(n)) => Some(n as usize),
        Some(Err(e)) => return e.into(),
    };
    let nested = resp3(ctx) && count.is_some();
    match pop_first(ctx, &args[1..2], count.unwrap_or(1), max) {
        Ok(Some((key, items))) => pop_reply(&key, items, false, nested),
        Ok(None) => Reply::Array(vec![]),
        Err(e) => e.into(),
    }
}

fn zpopmin(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zpop_generic(ctx, args, false)
}

fn zpopmax(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    zpop_generic(ctx, args, true)
}

/// ZMPOP's arguments from `numkeys_idx`: (keys, max, count). Shared with BZMPOP.
pub fn parse_mpop_args(args: &[Bytes], numkeys_idx: usize) -> Result<(&[Bytes], bool, usize), ErrorReply> {
    let numkeys = parse_long_min(&args[numkeys_idx], 1, "ERR numkeys should be greater than 0")? as usize;
    let where_idx = numkeys_idx.saturating_add(numkeys).saturating_add(1);
    if where_idx >= args.len() {
        return Err(ErrorReply::syntax());
    }
    let max = if eq_ic(&args[where_idx], "min") {
        false
    } else if eq_ic(&args[where_idx], "max") {
        true
    } else {
        return Err(ErrorReply::syntax());
    };
    let mut count = None;
    let mut j = where_idx + 1;
    while j < args.len() {
        if count.is_none() && eq_ic(&args[j], "count") && j + 1 < args.len() {
            count = Some(parse_long_min(&args[j + 1], 1, "ERR count should be greater than 0")? as usize);
            j += 2;
        } else {
            return Err(ErrorReply::syntax());
        }
    }
    Ok((&args[numkeys_idx + 1..where_idx], max, count.unwrap_or(1)))
}

fn zmpop(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (keys, max, count) = match parse_mpop_args(args, 1) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    match pop_first(ctx, keys, count, max) {
        Ok(Some((key, items))) => pop_reply(&key, items, true, true),
        Ok(None) => Reply::NullArray,
        Err(e) => e.into(),
    }
}

// ---- ZRANDMEMBER, ZSCAN --------------------------------------------------------------------

fn zrandmember(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let r3 = resp3(ctx);
    let Some(count_arg) = args.get(2) else {
        return match read_zset(ctx, &args[1]) {
            Ok(Some(z)) => {
                let r = rand::random::<usize>() % z.len();
                z.nth(r).map_or(Reply::Null, |(m, _)| Reply::Bulk(m))
            }
            Ok(None) => Reply::Null,
            Err(e) => e.into(),
        };
    };
    let l = match parse_i64(count_arg) {
        Ok(n) if n != i64::MIN => n,
        Ok(_) => {
            return ErrorReply::new_static(
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            )
            .into()
        }
        Err(e) => return e.into(),
    };
    if args.len() > 4 {
        return ErrorReply::syntax().into();
    }
    let withscores = match args.get(3) {
        None => false,
        Some(a) if eq_ic(a, "withscores") => true,
        Some(_) => return ErrorReply::syntax().into(),
    };
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
        return ErrorReply::new_static("ERR value is out of range").into();
    }
    let z = match read_zset(ctx, &args[1]) {
        Ok(Some(z)) => z,
        Ok(None) => return Reply::Array(vec![]),
        Err(e) => return e.into(),
    };
    let size = z.len();
    let count = l.unsigned_abs() as usize;
    if count == 0 {
        return Reply::Array(vec![]);
    }
    let items = if l < 0 {
        // With repetitions.
        (0..count).map(|_| z.nth(rand::random::<usize>() % size).expect("in range")).collect()
    } else if count >= size {
        // Redis walks the whole set from its tail here.
        z.range(0, size, true)
    } else if count * 3 > size {
        // Drop random members from the whole set until `count` remain.
        let mut all = z.range(0, size, false);
        while all.len() > count {
            let i = rand::random::<usize>() % all.len();
            all.swap_remove(i);
        }
        all
    } else {
        let mut picked = std::collections::HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let r = rand::random::<usize>() % size;
            if picked.insert(r) {
                out.push(z.nth(r).expect("in range"));
            }
        }
        out
    };
    pairs_reply(items, withscores, r3)
}

fn zscan(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let Some(cursor) = parse_scan_cursor(&args[2]) else {
        return ErrorReply::new_static("ERR invalid cursor").into();
    };
    let empty = || Reply::Array(vec![Reply::Bulk(Bytes::from_static(b"0")), Reply::Array(vec![])]);
    match read_zset(ctx, &args[1]) {
        Ok(Some(_)) => {}
        Ok(None) => return empty(),
        Err(e) => return e.into(),
    }
    let mut count = 10i64;
    let mut pattern: Option<&[u8]> = None;
    let mut noscores = false;
    let mut i = 3;
    while i < args.len() {
        let more = args.len() - i - 1;
        if eq_ic(&args[i], "count") && more >= 1 {
            count = match parse_i64(&args[i + 1]) {
                Ok(n) if n >= 1 => n,
                Ok(_) => return ErrorReply::syntax().into(),
                Err(e) => return e.into(),
            };
            i += 2;
        } else if eq_ic(&args[i], "match") && more >= 1 {
            let p = &args[i + 1][..];
            pattern = if p == b"*" { None } else { Some(p) };
            i += 2;
        } else if eq_ic(&args[i], "noscores") {
            noscores = true;
            i += 1;
        } else {
            return ErrorReply::syntax().into();
        }
    }
    let db = ctx.db();
    let Some(Value::ZSet(z)) = ctx.sh.ks.lookup(db, &args[1], false, false).map(|e| &e.value) else {
        return empty();
    };
    let mut out = Vec::new();
    let next = z.scan(cursor, count as usize, |m, s| {
        if pattern.is_some_and(|p| !glob_match(p, m, false)) {
            return;
        }
        out.push(Reply::Bulk(Bytes::copy_from_slice(m)));
        if !noscores {
            out.push(Reply::Bulk(Bytes::from(format_double(s))));
        }
    });
    Reply::Array(vec![Reply::Bulk(Bytes::from(next.to_string())), Reply::Array(out)])
}

// ---- table -------------------------------------------------------------------------------

const GRP: &str = "sorted-set";
const KEY1: Keys = Keys::Range { first: 1, last: 1, step: 1 };
const KEY12: Keys = Keys::Range { first: 1, last: 2, step: 1 };

/// Keys of `<cmd> numkeys key... ...` (ZUNION, ZINTER, ZDIFF, ZINTERCARD, ZMPOP).
fn numkeys_at1(args: &[Bytes]) -> Vec<usize> {
    numkeys_keys(args, 1)
}

/// Keys of `<cmd> dst numkeys key... ...` (the STORE forms): dst first.
fn dst_numkeys_at2(args: &[Bytes]) -> Vec<usize> {
    let mut v = vec![1];
    v.extend(numkeys_keys(args, 2));
    v
}

fn numkeys_keys(args: &[Bytes], idx: usize) -> Vec<usize> {
    let n = args.get(idx).and_then(|a| parse_i64(a).ok()).unwrap_or(0).max(0) as usize;
    (idx + 1..args.len().min(idx + 1 + n)).collect()
}

// ---- blocking pops ------------------------------------------------------------------

fn bzpop_generic(ctx: &mut Ctx, args: &[Bytes], max: bool) -> Reply {
    let keys = args[1..args.len() - 1].to_vec();
    crate::blocking::block_or(ctx, keys.clone(), &args[args.len() - 1], |ctx| match pop_first(ctx, &keys, 1, max) {
        Ok(Some((key, items))) => pop_reply(&key, items, true, false),
        Ok(None) => Reply::NullArray,
        Err(e) => e.into(),
    })
}

fn bzpopmin(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    bzpop_generic(ctx, args, false)
}

fn bzpopmax(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    bzpop_generic(ctx, args, true)
}

/// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count].
fn bzmpop(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (keys, max, count) = match parse_mpop_args(args, 2) {
        Ok((k, m, c)) => (k.to_vec(), m, c),
        Err(e) => return e.into(),
    };
    crate::blocking::block_or(ctx, keys.clone(), &args[1], |ctx| match pop_first(ctx, &keys, count, max) {
        Ok(Some((key, items))) => pop_reply(&key, items, true, true),
        Ok(None) => Reply::NullArray,
        Err(e) => e.into(),
    })
}

fn numkeys_at2(args: &[Bytes]) -> Vec<usize> {
    numkeys_keys(args, 2)
}

const NUMKEYS: Keys = Keys::Custom { first: 0, last: 0, step: 0, find: numkeys_at1 };
const DST_NUMKEYS: Keys = Keys::Custom { first: 1, last: 1, step: 1, find: dst_numkeys_at2 };

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec { summary: "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.", since: "1.2.0", complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.", ..CommandSpec::new("zadd", -4, WRITE | DENYOOM | FAST, KEY1, GRP, zadd) },
    CommandSpec { summary: "Increments the score of a member in a sorted set.", since: "1.2.0", complexity: "O(log(N)) where N is the number of elements in the sorted set.", ..CommandSpec::new("zincrby", 4, WRITE | DENYOOM | FAST, KEY1, GRP, zincrby) },
    CommandSpec { summary: "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.", since: "1.2.0", complexity: "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", ..CommandSpec::new("zrem", -3, WRITE | FAST, KEY1, GRP, zrem) },
    CommandSpec { summary: "Returns the number of members in a sorted set.", since: "1.2.0", complexity: "O(1)", ..CommandSpec::new("zcard", 2, READONLY | FAST, KEY1, GRP, zcard) },
    CommandSpec { summary: "Returns the score of a member in a sorted set.", since: "1.2.0", complexity: "O(1)", ..CommandSpec::new("zscore", 3, READONLY | FAST, KEY1, GRP, zscore) },
    CommandSpec { summary: "Returns the score of one or more members in a sorted set.", since: "6.2.0", complexity: "O(N) where N is the number of members being requested.", ..CommandSpec::new("zmscore", -3, READONLY | FAST, KEY1, GRP, zmscore) },
    CommandSpec { summary: "Returns the index of a member in a sorted set ordered by ascending scores.", since: "2.0.0", complexity: "O(log(N))", ..CommandSpec::new("zrank", -3, READONLY | FAST, KEY1, GRP, zrank) },
    CommandSpec { summary: "Returns the index of a member in a sorted set ordered by descending scores.", since: "2.0.0", complexity: "O(log(N))", ..CommandSpec::new("zrevrank", -3, READONLY | FAST, KEY1, GRP, zrevrank) },
    CommandSpec { summary: "Returns the count of members in a sorted set that have scores within a range.", since: "2.0.0", complexity: "O(log(N)) with N being the number of elements in the sorted set.", ..CommandSpec::new("zcount", 4, READONLY | FAST, KEY1, GRP, zcount) },
    CommandSpec { summary: "Returns the number of members in a sorted set within a lexicographical range.", since: "2.8.9", complexity: "O(log(N)) with N being the number of elements in the sorted set.", ..CommandSpec::new("zlexcount", 4, READONLY | FAST, KEY1, GRP, zlexcount) },
    CommandSpec { summary: "Returns members in a sorted set within a range of indexes.", since: "1.2.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", ..CommandSpec::new("zrange", -4, READONLY, KEY1, GRP, zrange) },
    CommandSpec { summary: "Stores a range of members from sorted set in a key.", since: "6.2.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.", ..CommandSpec::new("zrangestore", -5, WRITE | DENYOOM, KEY12, GRP, zrangestore) },
    CommandSpec { summary: "Returns members in a sorted set within a range of scores.", since: "1.0.5", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned.", ..CommandSpec::new("zrangebyscore", -4, READONLY, KEY1, GRP, zrangebyscore) },
    CommandSpec { summary: "Returns members in a sorted set within a range of scores in reverse order.", since: "2.2.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned.", ..CommandSpec::new("zrevrangebyscore", -4, READONLY, KEY1, GRP, zrevrangebyscore) },
    CommandSpec { summary: "Returns members in a sorted set within a range of indexes in reverse order.", since: "1.2.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", ..CommandSpec::new("zrevrange", -4, READONLY, KEY1, GRP, zrevrange) },
    CommandSpec { summary: "Returns members in a sorted set within a lexicographical range.", since: "2.8.9", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned.", ..CommandSpec::new("zrangebylex", -4, READONLY, KEY1, GRP, zrangebylex) },
    CommandSpec { summary: "Returns members in a sorted set within a lexicographical range in reverse order.", since: "2.8.9", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned.", ..CommandSpec::new("zrevrangebylex", -4, READONLY, KEY1, GRP, zrevrangebylex) },
    CommandSpec { summary: "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.", since: "1.2.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", ..CommandSpec::new("zremrangebyscore", 4, WRITE, KEY1, GRP, zremrangebyscore) },
    CommandSpec { summary: "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.", since: "2.0.0", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", ..CommandSpec::new("zremrangebyrank", 4, WRITE, KEY1, GRP, zremrangebyrank) },
    CommandSpec { summary: "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.", since: "2.8.9", complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", ..CommandSpec::new("zremrangebylex", 4, WRITE, KEY1, GRP, zremrangebylex) },
    CommandSpec { summary: "Returns the union of multiple sorted sets.", since: "6.2.0", complexity: "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", ..CommandSpec::new("zunion", -3, READONLY, NUMKEYS, GRP, zunion) },
    CommandSpec { summary: "Returns the intersect of multiple sorted sets.", since: "6.2.0", complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", ..CommandSpec::new("zinter", -3, READONLY, NUMKEYS, GRP, zinter) },
    CommandSpec { summary: "Returns the difference between multiple sorted sets.", since: "6.2.0", complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", ..CommandSpec::new("zdiff", -3, READONLY, NUMKEYS, GRP, zdiff) },
    CommandSpec { summary: "Returns the number of members of the intersect of multiple sorted sets.", since: "7.0.0", complexity: "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.", ..CommandSpec::new("zintercard", -3, READONLY, NUMKEYS, GRP, zintercard) },
    CommandSpec { summary: "Stores the union of multiple sorted sets in a key.", since: "2.0.0", complexity: "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", ..CommandSpec::new("zunionstore", -4, WRITE | DENYOOM, DST_NUMKEYS, GRP, zunionstore) },
    CommandSpec { summary: "Stores the intersect of multiple sorted sets in a key.", since: "2.0.0", complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", ..CommandSpec::new("zinterstore", -4, WRITE | DENYOOM, DST_NUMKEYS, GRP, zinterstore) },
    CommandSpec { summary: "Stores the difference of multiple sorted sets in a key.", since: "6.2.0", complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", ..CommandSpec::new("zdiffstore", -4, WRITE | DENYOOM, DST_NUMKEYS, GRP, zdiffstore) },
    CommandSpec { summary: "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", since: "5.0.0", complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", ..CommandSpec::new("zpopmin", -2, WRITE | FAST, KEY1, GRP, zpopmin) },
    CommandSpec { summary: "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", since: "5.0.0", complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", ..CommandSpec::new("zpopmax", -2, WRITE | FAST, KEY1, GRP, zpopmax) },
    CommandSpec { summary: "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.", since: "7.0.0", complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", ..CommandSpec::new("zmpop", -4, WRITE, NUMKEYS, GRP, zmpop) },
    CommandSpec { summary: "Returns one or more random members from a sorted set.", since: "6.2.0", complexity: "O(N) where N is the number of members returned", ..CommandSpec::new("zrandmember", -2, READONLY, KEY1, GRP, zrandmember) },
    CommandSpec { summary: "Iterates over members and scores of a sorted set.", since: "2.8.0", complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", ..CommandSpec::new("zscan", -3, READONLY, KEY1, GRP, zscan) },
    CommandSpec { summary: "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", since: "5.0.0", complexity: "O(log(N)) with N being the number of elements in the sorted set.", ..CommandSpec::new("bzpopmin", -3, WRITE | NOSCRIPT | BLOCKING | FAST, Keys::Range { first: 1, last: -2, step: 1 }, GRP, bzpopmin) },
    CommandSpec { summary: "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.", since: "5.0.0", complexity: "O(log(N)) with N being the number of elements in the sorted set.", ..CommandSpec::new("bzpopmax", -3, WRITE | NOSCRIPT | BLOCKING | FAST, Keys::Range { first: 1, last: -2, step: 1 }, GRP, bzpopmax) },
    CommandSpec { summary: "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", since: "7.0.0", complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", ..CommandSpec::new("bzmpop", -5, WRITE | BLOCKING, Keys::Custom { first: 0, last: 0, step: 0, find: numkeys_at2 }, GRP, bzmpop) },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_parsing_like_string2d() {
        assert_eq!(parse_score(b"1.5"), Ok(1.5));
        assert_eq!(parse_score(b"+inf"), Ok(f64::INFINITY));
        assert_eq!(parse_score(b"-Infinity"), Ok(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"0x10"), Ok(16.0));
        assert_eq!(parse_score(b"0x1p-2"), Ok(0.25));
        assert_eq!(parse_score(b"0"), Ok(0.0));
        assert_eq!(parse_score(b"0.000"), Ok(0.0));
        assert_eq!(parse_score(b"-0"), Ok(-0.0));
        assert!(parse_score(b"nan").is_err());
        assert!(parse_score(b"1e400").is_err());
        assert!(parse_score(b"1e-400").is_err());
        assert!(parse_score(b" 1").is_err());
        assert!(parse_score(b"1 ").is_err());
        assert!(parse_score(b"").is_err());
        assert!(parse_score(b"abc").is_err());
        assert!(parse_score(b"--1").is_err());
    }

    #[test]
    fn range_bounds_like_zslparserange() {
        assert_eq!(parse_score_bound(b"(1.5"), Some((1.5, true)));
        assert_eq!(parse_score_bound(b""), Some((0.0, false)));
        assert_eq!(parse_score_bound(b"("), Some((0.0, true)));
        assert_eq!(parse_score_bound(b" 1"), Some((1.0, false)));
        assert_eq!(parse_score_bound(b"1e400"), Some((f64::INFINITY, false)));
        assert_eq!(parse_score_bound(b"nan"), None);
        assert_eq!(parse_score_bound(b"a"), None);
        assert_eq!(parse_lex_bound(b"-"), Some(LexBound::NegInf));
        assert_eq!(parse_lex_bound(b"-a"), None);
        assert_eq!(parse_lex_bound(b"["), Some(LexBound::Incl(vec![])));
        assert_eq!(parse_lex_bound(b""), None);
    }

    #[test]
    fn numkeys_key_positions() {
        let a: Vec<Bytes> =
            ["zunionstore", "d", "2", "a", "b", "weights", "1", "2"].iter().map(|s| Bytes::from(*s)).collect();
        assert_eq!(dst_numkeys_at2(&a), vec![1, 3, 4]);
        let a: Vec<Bytes> = ["zmpop", "2", "a", "b", "min"].iter().map(|s| Bytes::from(*s)).collect();
        assert_eq!(numkeys_at1(&a), vec![2, 3]);
    }
}
