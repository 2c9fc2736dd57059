//! String commands: SET, GET, GETEX, GETDEL, GETSET, MSET, MSETNX, MGET,
//! SETNX, SETEX, PSETEX, INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, APPEND,
//! STRLEN, GETRANGE, SUBSTR, SETRANGE, LCS.
//!
//! Reads go through `Ctx::read` (keyspace hits/misses, LRU); every write goes
//! through a `WriteGuard` and emits the keyspace events Redis emits. Values
//! are stored with the encodings Redis would pick (int/embstr/raw).
//! INCRBYFLOAT computes in x87 80-bit extended precision, emulated in
//! software (see [`ld`]), so its results match Redis byte for byte.

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};
use gears_store::notify::{GENERIC, STRING};
use gears_store::{parse_canonical_i64, Str, Value};

use crate::args::{eq_ic, parse_i64};
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::Ctx;

const STRING_TOO_LONG: ErrorReply =
    ErrorReply::new_static("ERR string exceeds maximum allowed size (proto-max-bulk-len)");

// ---- helpers -------------------------------------------------------------------

/// The string value at `key` read like Redis's lookupKeyRead (counts a hit or
/// miss, touches LRU): `Ok(None)` if missing, WRONGTYPE for another type.
fn read_str(ctx: &mut Ctx, key: &[u8]) -> Result<Option<Bytes>, ErrorReply> {
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    match sh.ks.lookup(db, key, touch, true) {
        None => Ok(None),
        Some(e) => match e.value.as_str() {
            Some(s) => Ok(Some(sh.arena.copy(&s.as_bytes()))),
            None => Err(ErrorReply::wrong_type()),
        },
    }
}

fn bulk_or_null(v: Option<Bytes>) -> Reply {
    match v {
        Some(b) => Reply::Bulk(b),
        None => Reply::Null,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ExpireKind {
    Ex,
    Px,
    ExAt,
    PxAt,
}

impl ExpireKind {
    fn is_absolute(self) -> bool {
        matches!(self, ExpireKind::ExAt | ExpireKind::PxAt)
    }
}

/// Turns an expire argument into an absolute unix time in ms, with Redis's
/// rules and its "invalid expire time in '<cmd>' command" error for values
/// <= 0 or whose result overflows.
fn expire_at_ms(ctx: &Ctx, kind: ExpireKind, arg: &[u8]) -> Result<u64, ErrorReply> {
    let n = parse_i64(arg)?;
    let invalid = || ErrorReply::from(ErrorReply::invalid_expire(ctx.cmd.full_name));
    let seconds = matches!(kind, ExpireKind::Ex | ExpireKind::ExAt);
    if n <= 0 || (seconds && n > i64::MAX / 1000) {
        return Err(invalid());
    }
    let mut ms = if seconds { n * 1000 } else { n };
    if !kind.is_absolute() {
        ms = ms.checked_add(ctx.sh.ks.now_ms as i64).ok_or_else(invalid)?;
    }
    if ms <= 0 {
        return Err(invalid());
    }
    Ok(ms as u64)
}

/// `SET key value PXAT <ms>`: how a SET with a clock-relative expiry is propagated.
pub fn set_pxat_argv(key: Bytes, val: Bytes, at_ms: u64) -> Vec<Bytes> {
    vec![Bytes::from_static(b"SET"), key, val, Bytes::from_static(b"PXAT"), Bytes::from(at_ms.to_string())]
}

/// Options of SET and GETEX (Redis's parseExtendedStringArgumentsOrReply).
#[derive(Default)]
struct ExtOpts {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    expire: Option<(ExpireKind, usize)>,
}

/// Parses `args[3..]` (SET) or `args[2..]` (GETEX); any conflict or unknown
/// option is a syntax error, as in Redis. Repeating an option is allowed.
fn parse_ext_opts(args: &[Bytes], start: usize, is_set: bool) -> Result<ExtOpts, ErrorReply> {
    let mut o = ExtOpts::default();
    let mut j = start;
    while j < args.len() {
        let a = &args[j][..];
        let has_next = j + 1 < args.len();
        let exp = o.expire.map(|(k, _)| k);
        let other_expire = |k: ExpireKind| exp.is_some_and(|e| e != k);
        let kind = if eq_ic(a, "ex") {
            Some(ExpireKind::Ex)
        } else if eq_ic(a, "px") {
            Some(ExpireKind::Px)
        } else if eq_ic(a, "exat") {
            Some(ExpireKind::ExAt)
        } else if eq_ic(a, "pxat") {
            Some(ExpireKind::PxAt)
        } else {
            None
        };
        if is_set && eq_ic(a, "nx") && !o.xx {
            o.nx = true;
        } else if is_set && eq_ic(a, "xx") && !o.nx {
            o.xx = true;
        } else if is_set && eq_ic(a, "get") {
            o.get = true;
        } else if is_set && eq_ic(a, "keepttl") && !o.persist && exp.is_none() {
            o.keepttl = true;
        } else if !is_set && eq_ic(a, "persist") && !o.keepttl && exp.is_none() {
            o.persist = true;
        } else if let Some(k) = kind.filter(|k| !o.keepttl && !o.persist && !other_expire(*k) && has_next) {
            o.expire = Some((k, j + 1));
            j += 1;
        } else {
            return Err(ErrorReply::syntax());
        }
        j += 1;
    }
    Ok(o)
}

// ---- SET family ----------------------------------------------------------------

/// What a conditional SET does when its NX/XX condition fails, and what it answers on success.
struct SetReplies {
    ok: Reply,
    aborted: Reply,
}

/// The core of SET/SETNX/SETEX/PSETEX (Redis's setGenericCommand).
fn set_generic(
    ctx: &mut Ctx,
    key: &[u8],
    val: &[u8],
    o: &ExtOpts,
    expire_arg: Option<&[u8]>,
    replies: SetReplies,
) -> Reply {
    let at = match (o.expire, expire_arg) {
        (Some((kind, _)), Some(arg)) => match expire_at_ms(ctx, kind, arg) {
            Ok(ms) => Some((kind, ms)),
            Err(e) => return e.into(),
        },
        _ => None,
    };
    let old = if o.get {
        match read_str(ctx, key) {
            Ok(v) => Some(v),
            Err(e) => return e.into(),
        }
    } else {
        None
    };
    let now = ctx.sh.ks.now_ms;
    let mut expired_now = false;
    {
        let mut g = ctx.write(key);
        let found = g.get().is_some();
        if (o.nx && found) || (o.xx && !found) {
            return match old {
                Some(v) => bulk_or_null(v),
                None => replies.aborted,
            };
        }
        match at {
            // An absolute time already past: the new value is never stored and
            // any old one is deleted (what recent Redis does, like EXPIREAT).
            Some((kind, ms)) if kind.is_absolute() && ms <= now => {
                if g.delete().is_some() {
                    g.notify(GENERIC, "del");
                }
                expired_now = true;
            }
            _ => {
                g.set(Value::str_from(val), o.keepttl);
                g.notify(STRING, "set");
                if let Some((_, ms)) = at {
                    g.set_expire_at(ms);
                    g.notify(GENERIC, "expire");
                }
            }
        }
    }
    let key = Bytes::copy_from_slice(key);
    if expired_now {
        ctx.sh.ks.stats.expired_keys += 1;
        ctx.propagate_as(vec![Bytes::from_static(b"DEL"), key]);
    } else if let Some((_, ms)) = at.filter(|(k, _)| *k != ExpireKind::PxAt) {
        // EX/PX/EXAT (and SETEX/PSETEX) depend on the clock: propagate the
        // absolute time, and only what happened (Redis 7's SET ... PXAT).
        ctx.propagate_as(set_pxat_argv(key, Bytes::copy_from_slice(val), ms));
    }
    match old {
        Some(v) => bulk_or_null(v),
        None => replies.ok,
    }
}

fn set(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let o = match parse_ext_opts(args, 3, true) {
        Ok(o) => o,
        Err(e) => return e.into(),
    };
    let expire_arg = o.expire.map(|(_, i)| &args[i][..]);
    set_generic(ctx, &args[1], &args[2], &o, expire_arg, SetReplies { ok: Reply::ok(), aborted: Reply::Null })
}

fn setnx(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let o = ExtOpts { nx: true, ..Default::default() };
    set_generic(ctx, &args[1], &args[2], &o, None, SetReplies { ok: Reply::Int(1), aborted: Reply::Int(0) })
}

fn setex_generic(ctx: &mut Ctx, args: &[Bytes], kind: ExpireKind) -> Reply {
    let o = ExtOpts { expire: Some((kind, 2)), ..Default::default() };
    set_generic(ctx, &args[1], &args[3], &o, Some(&args[2]), SetReplies { ok: Reply::ok(), aborted: Reply::Null })
}

fn setex(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    setex_generic(ctx, args, ExpireKind::Ex)
}

fn psetex(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    setex_generic(ctx, args, ExpireKind::Px)
}

fn get(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match read_str(ctx, &args[1]) {
        Ok(v) => bulk_or_null(v),
        Err(e) => e.into(),
    }
}

fn getex(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let o = match parse_ext_opts(args, 2, false) {
        Ok(o) => o,
        Err(e) => return e.into(),
    };
    let key = &args[1][..];
    let val = match read_str(ctx, key) {
        Ok(Some(v)) => v,
        Ok(None) => return Reply::Null,
        Err(e) => return e.into(),
    };
    let at = match o.expire {
        Some((kind, i)) => match expire_at_ms(ctx, kind, &args[i]) {
            Ok(ms) => Some((kind, ms)),
            Err(e) => return e.into(),
        },
        None => None,
    };
    let now = ctx.sh.ks.now_ms;
    let k = args[1].clone();
    match at {
        Some((kind, ms)) if kind.is_absolute() && ms <= now => {
            let mut g = ctx.write(key);
            g.delete();
            g.notify(GENERIC, "del");
            drop(g);
            ctx.propagate_as(vec![Bytes::from_static(b"DEL"), k]);
        }
        Some((_, ms)) => {
            let mut g = ctx.write(key);
            g.set_expire_at(ms);
            g.notify(GENERIC, "expire");
            drop(g);
            ctx.propagate_as(super::generic::pexpireat_argv(k, ms as i64));
        }
        None if o.persist => {
            let mut g = ctx.write(key);
            if g.persist() {
                g.notify(GENERIC, "persist");
                drop(g);
                ctx.propagate_as(vec![Bytes::from_static(b"PERSIST"), k]);
            }
        }
        None => {}
    }
    Reply::Bulk(val)
}

fn getdel(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let key = &args[1][..];
    match read_str(ctx, key) {
        Ok(Some(v)) => {
            let mut g = ctx.write(key);
            if g.delete().is_some() {
                g.notify(GENERIC, "del");
            }
            Reply::Bulk(v)
        }
        Ok(None) => Reply::Null,
        Err(e) => e.into(),
    }
}

fn getset(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let old = match read_str(ctx, &args[1]) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    let mut g = ctx.write(&args[1]);
    g.set(Value::str_from(&args[2]), false);
    g.notify(STRING, "set");
    bulk_or_null(old)
}

fn mset_generic(ctx: &mut Ctx, args: &[Bytes], nx: bool) -> Reply {
    if args.len().is_multiple_of(2) {
        return ErrorReply::wrong_arity(ctx.cmd.full_name).into();
    }
    if nx {
        for pair in args[1..].chunks(2) {
            if ctx.write(&pair[0]).get().is_some() {
                return Reply::Int(0);
            }
        }
    }
    for pair in args[1..].chunks(2) {
        let mut g = ctx.write(&pair[0]);
        g.set(Value::str_from(&pair[1]), false);
        g.notify(STRING, "set");
    }
    if nx {
        Reply::Int(1)
    } else {
        Reply::ok()
    }
}

fn mset(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    mset_generic(ctx, args, false)
}

fn msetnx(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    mset_generic(ctx, args, true)
}

fn mget(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut out = Vec::with_capacity(args.len() - 1);
    for key in &args[1..] {
        // A key of another type reads as nil, not as an error.
        out.push(match ctx.read(key).and_then(|e| e.value.as_str()) {
            Some(s) => Reply::Bulk(s.to_bytes()),
            None => Reply::Null,
        });
    }
    Reply::Array(out)
}

// ---- counters ------------------------------------------------------------------

fn incr_decr(ctx: &mut Ctx, key: &[u8], by: i64) -> Reply {
    let mut g = ctx.write(key);
    let cur = match g.get().map(|e| e.value.as_str()) {
        None => 0,
        Some(None) => return ErrorReply::wrong_type().into(),
        Some(Some(Str::Int(n))) => *n,
        Some(Some(s)) => match parse_canonical_i64(&s.as_bytes()) {
            Some(n) => n,
            None => return ErrorReply::not_integer().into(),
        },
    };
    let Some(new) = cur.checked_add(by) else {
        return ErrorReply::overflow().into();
    };
    g.set(Value::Str(Str::Int(new)), true);
    g.notify(STRING, "incrby");
    Reply::Int(new)
}

fn incr(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    incr_decr(ctx, &args[1], 1)
}

fn decr(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    incr_decr(ctx, &args[1], -1)
}

fn incrby(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match parse_i64(&args[2]) {
        Ok(by) => incr_decr(ctx, &args[1], by),
        Err(e) => e.into(),
    }
}

fn decrby(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match parse_i64(&args[2]) {
        Ok(i64::MIN) => ErrorReply::new_static("ERR decrement would overflow").into(),
        Ok(by) => incr_decr(ctx, &args[1], -by),
        Err(e) => e.into(),
    }
}

fn incrbyfloat(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut g = ctx.write(&args[1]);
    let cur = match g.get().map(|e| e.value.as_str()) {
        None => Some(ld::Ld::ZERO),
        Some(None) => return ErrorReply::wrong_type().into(),
        Some(Some(Str::Int(n))) => Some(ld::Ld::from_i64(*n)),
        Some(Some(s)) => ld::Ld::parse(&s.as_bytes()),
    };
    let (Some(cur), Some(by)) = (cur, ld::Ld::parse(&args[2])) else {
        return ErrorReply::not_float().into();
    };
    let sum = match cur.plus(by) {
        Some(v) if v.is_finite() => v,
        _ => return ErrorReply::new_static("ERR increment would produce NaN or Infinity").into(),
    };
    let text = sum.to_human_string();
    // Stored as a plain string (embstr/raw), never int-encoded, as in Redis.
    g.set(Value::Str(Str::Fixed(text.as_bytes().into())), true);
    g.notify(STRING, "incrbyfloat");
    drop(g);
    let text = Bytes::from(text);
    // Float formatting may differ on replay (Redis: SET key <new> KEEPTTL).
    ctx.propagate_as(vec![Bytes::from_static(b"SET"), args[1].clone(), text.clone(), Bytes::from_static(b"KEEPTTL")]);
    Reply::Bulk(text)
}

// ---- APPEND, STRLEN, GETRANGE, SETRANGE -----------------------------------------

fn append(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (key, add) = (&args[1][..], &args[2][..]);
    let max = ctx.sh.config.proto_max_bulk_len;
    let mut g = ctx.write(key);
    let old_len = match g.get().map(|e| e.value.as_str()) {
        None => {
            g.set(Value::str_from(add), false);
            g.notify(STRING, "append");
            return Reply::Int(add.len() as i64);
        }
        Some(None) => return ErrorReply::wrong_type().into(),
        Some(Some(s)) => s.len() as u64,
    };
    if old_len.checked_add(add.len() as u64).is_none_or(|t| t > max) {
        return STRING_TOO_LONG.into();
    }
    let Some(s) = g.get_mut().and_then(|e| e.value.as_str_mut()) else {
        return ErrorReply::wrong_type().into();
    };
    let buf = s.make_growable();
    buf.extend_from_slice(add);
    let len = buf.len();
    g.notify(STRING, "append");
    Reply::Int(len as i64)
}

fn strlen(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match ctx.read(&args[1]) {
        None => Reply::Int(0),
        Some(e) => match e.value.as_str() {
            Some(s) => Reply::Int(s.len() as i64),
            None => ErrorReply::wrong_type().into(),
        },
    }
}

/// GETRANGE's index arithmetic (Redis 7's, including its quirks such as
/// `GETRANGE k 0 -100` answering the first byte).
fn substr_range(len: usize, mut start: i64, mut end: i64) -> Option<(usize, usize)> {
    let len = len as i64;
    if start < 0 && end < 0 && start > end {
        return None;
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        return None;
    }
    Some((start as usize, end as usize + 1))
}

fn getrange(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (start, end) = match (parse_i64(&args[2]), parse_i64(&args[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e.into(),
    };
    let empty = Reply::Bulk(Bytes::new());
    match ctx.read(&args[1]) {
        None => empty,
        Some(e) => match e.value.as_str() {
            None => ErrorReply::wrong_type().into(),
            Some(s) => {
                let b = s.as_bytes();
                match substr_range(b.len(), start, end) {
                    Some((from, to)) => Reply::Bulk(Bytes::copy_from_slice(&b[from..to])),
                    None => empty,
                }
            }
        },
    }
}

fn setrange(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let offset = match parse_i64(&args[2]) {
        Ok(n) => n,
        Err(e) => return e.into(),
    };
    if offset < 0 {
        return ErrorReply::new_static("ERR offset is out of range").into();
    }
    let offset = offset as u64;
    let (key, val) = (&args[1][..], &args[3][..]);
    let max = ctx.sh.config.proto_max_bulk_len;
    let too_long = offset.checked_add(val.len() as u64).is_none_or(|t| t > max);
    let mut g = ctx.write(key);
    match g.get().map(|e| e.value.as_str()) {
        None => {
            if val.is_empty() {
                return Reply::Int(0);
            }
            if too_long {
                return STRING_TOO_LONG.into();
            }
            let mut buf = vec![0u8; offset as usize + val.len()];
            buf[offset as usize..].copy_from_slice(val);
            let len = buf.len();
            g.set(Value::Str(Str::Growable(Box::new(buf))), false);
            g.notify(STRING, "setrange");
            Reply::Int(len as i64)
        }
        Some(None) => ErrorReply::wrong_type().into(),
        Some(Some(s)) => {
            if val.is_empty() {
                return Reply::Int(s.len() as i64);
            }
            if too_long {
                return STRING_TOO_LONG.into();
            }
            let Some(s) = g.get_mut().and_then(|e| e.value.as_str_mut()) else {
                return ErrorReply::wrong_type().into();
            };
            let buf = s.make_growable();
            let end = offset as usize + val.len();
            if buf.len() < end {
                buf.resize(end, 0);
            }
            buf[offset as usize..end].copy_from_slice(val);
            let len = buf.len();
            g.notify(STRING, "setrange");
            Reply::Int(len as i64)
        }
    }
}

// ---- LCS -----------------------------------------------------------------------

fn lcs(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut vals: [Bytes; 2] = [Bytes::new(), Bytes::new()];
    let mut wrong = false;
    for (i, key) in args[1..3].iter().enumerate() {
        match read_str(ctx, key) {
            Ok(v) => vals[i] = v.unwrap_or_default(),
            Err(_) => wrong = true,
        }
    }
    if wrong {
        return ErrorReply::new_static("ERR The specified keys must contain string values").into();
    }
    let (mut getlen, mut getidx, mut withmatchlen) = (false, false, false);
    let mut minmatchlen: i64 = 0;
    let mut j = 3;
    while j < args.len() {
        let opt = &args[j][..];
        if eq_ic(opt, "idx") {
            getidx = true;
        } else if eq_ic(opt, "len") {
            getlen = true;
        } else if eq_ic(opt, "withmatchlen") {
            withmatchlen = true;
        } else if eq_ic(opt, "minmatchlen") && j + 1 < args.len() {
            minmatchlen = match parse_i64(&args[j + 1]) {
                Ok(n) => n.max(0),
                Err(e) => return e.into(),
            };
            j += 1;
        } else {
            return ErrorReply::syntax().into();
        }
        j += 1;
    }
    if getidx && getlen {
        return ErrorReply::new_static("ERR If you want both the length and indexes, please just use IDX.").into();
    }
    let (a, b) = (&vals[0][..], &vals[1][..]);
    if a.len() as u64 >= u32::MAX as u64 - 1 || b.len() as u64 >= u32::MAX as u64 - 1 {
        return ErrorReply::new_static("ERR String too long for LCS").into();
    }
    let cells = (a.len() as u64 + 1) * (b.len() as u64 + 1);
    if cells.saturating_mul(4) > ctx.sh.config.proto_max_bulk_len {
        return ErrorReply::new_static("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
            .into();
    }
    let r = lcs_compute(a, b, getidx || !getlen, minmatchlen as u64);
    if getidx {
        let matches = r
            .ranges
            .iter()
            .map(|m| {
                let mut v = vec![
                    Reply::Array(vec![Reply::Int(m.a.0 as i64), Reply::Int(m.a.1 as i64)]),
                    Reply::Array(vec![Reply::Int(m.b.0 as i64), Reply::Int(m.b.1 as i64)]),
                ];
                if withmatchlen {
                    v.push(Reply::Int(m.len as i64));
                }
                Reply::Array(v)
            })
            .collect();
        Reply::Map(vec![
            (Reply::bulk_str("matches"), Reply::Array(matches)),
            (Reply::bulk_str("len"), Reply::Int(r.len as i64)),
        ])
    } else if getlen {
        Reply::Int(r.len as i64)
    } else {
        Reply::Bulk(Bytes::from(r.text))
    }
}

struct LcsMatch {
    a: (u32, u32),
    b: (u32, u32),
    len: u32,
}

struct LcsResult {
    len: u32,
    text: Vec<u8>,
    ranges: Vec<LcsMatch>,
}

/// The classic dynamic-programming LCS, walked back from the end the way
/// Redis walks it, so that the string and the ranges (last match first) are
/// the ones Redis reports.
fn lcs_compute(a: &[u8], b: &[u8], walk: bool, minmatchlen: u64) -> LcsResult {
    let (alen, blen) = (a.len(), b.len());
    let w = blen + 1;
    let mut t = vec![0u32; (alen + 1) * w];
    for i in 1..=alen {
        for j in 1..=blen {
            t[i * w + j] = if a[i - 1] == b[j - 1] {
                t[(i - 1) * w + j - 1] + 1
            } else {
                t[(i - 1) * w + j].max(t[i * w + j - 1])
            };
        }
    }
    let total = t[alen * w + blen];
    let mut res = LcsResult { len: total, text: Vec::new(), ranges: Vec::new() };
    if !walk {
        return res;
    }
    res.text = vec![0u8; total as usize];
    let mut idx = total as usize;
    // The current range, as (a_start, a_end, b_start, b_end), while one is open.
    let mut cur: Option<(usize, usize, usize, usize)> = None;
    let (mut i, mut j) = (alen, blen);
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            res.text[idx - 1] = a[i - 1];
            match cur.as_mut() {
                None => cur = Some((i - 1, i - 1, j - 1, j - 1)),
                Some(r) if r.0 == i && r.2 == j => {
                    r.0 -= 1;
                    r.2 -= 1;
                }
                Some(_) => emit = true,
            }
            if let Some(r) = cur {
                if r.0 == 0 || r.2 == 0 {
                    emit = true;
                }
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if t[(i - 1) * w + j] > t[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            if cur.is_some() {
                emit = true;
            }
        }
        if emit {
            if let Some(r) = cur.take() {
                let len = (r.1 - r.0 + 1) as u64;
                if minmatchlen == 0 || len >= minmatchlen {
                    res.ranges.push(LcsMatch {
                        a: (r.0 as u32, r.1 as u32),
                        b: (r.2 as u32, r.3 as u32),
                        len: len as u32,
                    });
                }
            }
        }
    }
    res
}

// ---- x87 long double emulation -------------------------------------------------

/// Software x87 80-bit extended precision ("long double" on x86-64), enough
/// for INCRBYFLOAT: strtold-style parsing, correctly rounded addition, and
/// glibc's exact `%.17Lf` formatting followed by Redis's trailing-zero trim.
pub mod ld {
    use std::cmp::Ordering;

    /// Exponent of the lowest bit of the smallest denormal (2^-16445).
    const MIN_Q: i64 = -16445;
    /// Values whose leading bit is at or above this overflow to infinity.
    const OVERFLOW_BIT: i64 = 16384;
    /// Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are rejected.
    const MAX_CHARS: usize = 5 * 1024;

    /// A long double value: ±mant × 2^exp for finite non-zero values.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Ld {
        Zero { neg: bool },
        Inf { neg: bool },
        Fin { neg: bool, mant: u64, exp: i64 },
    }

    impl Ld {
        pub const ZERO: Ld = Ld::Zero { neg: false };

        pub fn is_finite(&self) -> bool {
            !matches!(self, Ld::Inf { .. })
        }

        pub fn from_i64(n: i64) -> Ld {
            if n == 0 {
                return Ld::ZERO;
            }
            round(n < 0, &Big::from_u64(n.unsigned_abs()), 0, false)
        }

        /// Redis's string2ld: strtold over the whole argument, with no
        /// leading space, no trailing garbage, no NaN, and no overflow or
        /// underflow to zero. `None` means "not a valid float".
        pub fn parse(s: &[u8]) -> Option<Ld> {
            if s.is_empty() || s.len() >= MAX_CHARS || is_c_space(s[0]) {
                return None;
            }
            let (neg, rest) = match s[0] {
                b'-' => (true, &s[1..]),
                b'+' => (false, &s[1..]),
                _ => (false, s),
            };
            if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
                return Some(Ld::Inf { neg });
            }
            let v = if rest.len() > 2 && rest[0] == b'0' && (rest[1] | 0x20) == b'x' {
                parse_hex(neg, &rest[2..])?
            } else {
                parse_dec(neg, rest)?
            };
            // ERANGE results (overflow, or a non-zero value rounding to zero) are rejected.
            match v {
                Ld::Inf { .. } => None,
                v => Some(v),
            }
        }

        /// `self + other`; `None` for NaN (inf - inf).
        pub fn plus(self, other: Ld) -> Option<Ld> {
            match (self, other) {
                (Ld::Inf { neg: a }, Ld::Inf { neg: b }) => (a == b).then_some(self),
                (Ld::Inf { .. }, _) => Some(self),
                (_, Ld::Inf { .. }) => Some(other),
                (Ld::Zero { neg: a }, Ld::Zero { neg: b }) => Some(Ld::Zero { neg: a && b }),
                (Ld::Zero { .. }, v) | (v, Ld::Zero { .. }) => Some(v),
                (Ld::Fin { neg: na, mant: ma, exp: ea }, Ld::Fin { neg: nb, mant: mb, exp: eb }) => {
                    let e = ea.min(eb);
                    let a = Big::from_u64(ma).shl((ea - e) as usize);
                    let b = Big::from_u64(mb).shl((eb - e) as usize);
                    if na == nb {
                        return Some(round(na, &a.add(&b), e, false));
                    }
                    Some(match a.cmp(&b) {
                        Ordering::Equal => Ld::ZERO,
                        Ordering::Greater => round(na, &a.sub(&b), e, false),
                        Ordering::Less => round(nb, &b.sub(&a), e, false),
                    })
                }
            }
        }

        /// `%.17Lf`, then trailing zeros (and a trailing '.') removed, and
        /// "-0" turned into "0": Redis's LD_STR_HUMAN.
        pub fn to_human_string(&self) -> String {
            let (neg, mant, exp) = match *self {
                Ld::Zero { .. } => return "0".into(),
                Ld::Inf { neg } => return if neg { "-inf".into() } else { "inf".into() },
                Ld::Fin { neg, mant, exp } => (neg, mant, exp),
            };
            let mut out = String::new();
            if neg {
                out.push('-');
            }
            if exp >= 0 {
                out.push_str(&Big::from_u64(mant).shl(exp as usize).to_decimal());
                return out;
            }
            // round(mant * 10^17 / 2^-exp), ties to even, exactly.
            let scaled = Big::from_u64(mant).mul_pow10(17);
            let s = (-exp) as usize;
            let mut q = scaled.shr(s);
            let half = scaled.bit(s - 1);
            let rest = scaled.any_below(s - 1);
            if half && (rest || q.bit(0)) {
                q = q.add(&Big::from_u64(1));
            }
            let mut digits = q.to_decimal();
            if digits.len() < 18 {
                digits = "0".repeat(18 - digits.len()) + &digits;
            }
            let (int_part, frac) = digits.split_at(digits.len() - 17);
            let frac = frac.trim_end_matches('0');
            out.push_str(int_part);
            if !frac.is_empty() {
                out.push('.');
                out.push_str(frac);
            }
            if out == "-0" {
                out = "0".into();
            }
            out
        }
    }

    fn is_c_space(c: u8) -> bool {
        matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
    }

    /// Reads `[digits][.digits]` in `radix`; returns (digit values, digits after the point, rest).
    fn mantissa_digits(s: &[u8], radix: u32) -> Option<(Vec<u8>, i64, &[u8])> {
        let mut digits = Vec::new();
        let mut frac = 0i64;
        let mut seen_point = false;
        let mut i = 0;
        while i < s.len() {
            let c = s[i];
            if c == b'.' && !seen_point {
                seen_point = true;
            } else if let Some(d) = (c as char).to_digit(radix) {
                digits.push(d as u8);
                if seen_point {
                    frac += 1;
                }
            } else {
                break;
            }
            i += 1;
        }
        if digits.is_empty() {
            return None;
        }
        Some((digits, frac, &s[i..]))
    }

    /// An exponent part: `[+-]digits` to the end of the input, saturated.
    fn exponent(s: &[u8]) -> Option<i64> {
        let (neg, d) = match s.first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut v: i64 = 0;
        for &c in d {
            v = (v * 10 + (c - b'0') as i64).min(1_000_000_000);
        }
        Some(if neg { -v } else { v })
    }

    fn parse_dec(neg: bool, s: &[u8]) -> Option<Ld> {
        let (digits, frac, rest) = mantissa_digits(s, 10)?;
        let e = match rest.first() {
            None => 0,
            Some(b'e' | b'E') => exponent(&rest[1..])?,
            Some(_) => return None,
        };
        let first = digits.iter().position(|&d| d != 0);
        let Some(first) = first else { return Some(Ld::Zero { neg }) };
        let last = digits.iter().rposition(|&d| d != 0).unwrap_or(first);
        let sig = &digits[first..=last];
        // value = sig * 10^e10
        let e10 = e - frac + (digits.len() - 1 - last) as i64;
        let nd = sig.len() as i64;
        if nd + e10 > 4934 {
            return Some(Ld::Inf { neg });
        }
        if nd + e10 <= -4952 {
            return None; // underflows to zero: ERANGE
        }
        let mut d = Big::default();
        for &x in sig {
            d = d.mul_small(10).add(&Big::from_u64(x as u64));
        }
        let v = if e10 >= 0 {
            round(neg, &d.mul_pow10(e10 as usize), 0, false)
        } else {
            let den = Big::from_u64(1).mul_pow10((-e10) as usize);
            let s = d.bitlen() as i64 - den.bitlen() as i64 - 66;
            let (num, den) = if s < 0 { (d.shl((-s) as usize), den) } else { (d, den.shl(s as usize)) };
            let (q, rem_nonzero) = num.div_small_quotient(&den);
            round(neg, &q, s, rem_nonzero)
        };
        match v {
            Ld::Zero { .. } => None,
            v => Some(v),
        }
    }

    fn parse_hex(neg: bool, s: &[u8]) -> Option<Ld> {
        let (digits, frac, rest) = mantissa_digits(s, 16)?;
        let p = match rest.first() {
            None => 0,
            Some(b'p' | b'P') => exponent(&rest[1..])?,
            Some(_) => return None,
        };
        let mut h = Big::default();
        for &x in &digits {
            h = h.mul_small(16).add(&Big::from_u64(x as u64));
        }
        if h.is_zero() {
            return Some(Ld::Zero { neg });
        }
        let e = p - 4 * frac;
        let top = h.bitlen() as i64 - 1 + e;
        if top >= OVERFLOW_BIT {
            return Some(Ld::Inf { neg });
        }
        if top < MIN_Q - 2 {
            return None;
        }
        match round(neg, &h, e, false) {
            Ld::Zero { .. } => None,
            v => Some(v),
        }
    }

    /// Rounds `n × 2^e` (plus, if `sticky`, a positive amount below 2^e) to
    /// the nearest long double, ties to even, with denormals and overflow.
    fn round(neg: bool, n: &Big, e: i64, sticky: bool) -> Ld {
        if n.is_zero() {
            return Ld::Zero { neg };
        }
        let top = n.bitlen() as i64 - 1 + e;
        let mut q = (top - 63).max(MIN_Q);
        let shift = q - e;
        let mut mant: u128 = if shift <= 0 {
            (n.low_u64() as u128) << (-shift)
        } else {
            let s = shift as usize;
            let kept = n.shr(s).low_u64() as u128;
            let half = n.bit(s - 1);
            let rest = sticky || n.any_below(s - 1);
            if half && (rest || kept & 1 == 1) {
                kept + 1
            } else {
                kept
            }
        };
        if mant == 1u128 << 64 {
            mant >>= 1;
            q += 1;
        }
        if mant == 0 {
            return Ld::Zero { neg };
        }
        let lead = 127 - mant.leading_zeros() as i64 + q;
        if lead >= OVERFLOW_BIT {
            return Ld::Inf { neg };
        }
        Ld::Fin { neg, mant: mant as u64, exp: q }
    }

    /// A small arbitrary-precision unsigned integer (little-endian u32 limbs,
    /// no trailing zero limbs).
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    struct Big(Vec<u32>);

    impl Big {
        fn from_u64(v: u64) -> Big {
            let mut b = Big(vec![v as u32, (v >> 32) as u32]);
            b.trim();
            b
        }

        fn trim(&mut self) {
            while self.0.last() == Some(&0) {
                self.0.pop();
            }
        }

        fn is_zero(&self) -> bool {
            self.0.is_empty()
        }

        fn bitlen(&self) -> usize {
            match self.0.last() {
                None => 0,
                Some(&top) => self.0.len() * 32 - top.leading_zeros() as usize,
            }
        }

        fn bit(&self, i: usize) -> bool {
            self.0.get(i / 32).is_some_and(|l| (l >> (i % 32)) & 1 == 1)
        }

        /// Is any bit below position `i` set?
        fn any_below(&self, i: usize) -> bool {
            let limb = i / 32;
            let full = limb.min(self.0.len());
            if self.0[..full].iter().any(|&l| l != 0) {
                return true;
            }
            limb < self.0.len() && self.0[limb] & ((1u32 << (i % 32)) - 1) != 0
        }

        fn low_u64(&self) -> u64 {
            let lo = self.0.first().copied().unwrap_or(0) as u64;
            let hi = self.0.get(1).copied().unwrap_or(0) as u64;
            lo | (hi << 32)
        }

        fn shl(&self, n: usize) -> Big {
            if self.is_zero() {
                return Big::default();
            }
            let (limbs, bits) = (n / 32, n % 32);
            let mut v = vec![0u32; limbs];
            v.reserve(self.0.len() + 1);
            let mut carry = 0u32;
            for &l in &self.0 {
                if bits == 0 {
                    v.push(l);
                } else {
                    v.push((l << bits) | carry);
                    carry = l >> (32 - bits);
                }
            }
            v.push(carry);
            let mut b = Big(v);
            b.trim();
            b
        }

        fn shr(&self, n: usize) -> Big {
            let (limbs, bits) = (n / 32, n % 32);
            if limbs >= self.0.len() {
                return Big::default();
            }
            let src = &self.0[limbs..];
            let mut v = Vec::with_capacity(src.len());
            for i in 0..src.len() {
                let lo = src[i] >> bits;
                let hi = if bits == 0 { 0 } else { src.get(i + 1).map_or(0, |&h| h << (32 - bits)) };
                v.push(lo | hi);
            }
            let mut b = Big(v);
            b.trim();
            b
        }

        fn add(&self, o: &Big) -> Big {
            let n = self.0.len().max(o.0.len());
            let mut v = Vec::with_capacity(n + 1);
            let mut carry = 0u64;
            for i in 0..n {
                let s = self.0.get(i).copied().unwrap_or(0) as u64 + o.0.get(i).copied().unwrap_or(0) as u64 + carry;
                v.push(s as u32);
                carry = s >> 32;
            }
            v.push(carry as u32);
            let mut b = Big(v);
            b.trim();
            b
        }

        /// `self - o`, requires `self >= o`.
        fn sub(&self, o: &Big) -> Big {
            let mut v = Vec::with_capacity(self.0.len());
            let mut borrow = 0i64;
            for i in 0..self.0.len() {
                let mut d = self.0[i] as i64 - o.0.get(i).copied().unwrap_or(0) as i64 - borrow;
                borrow = if d < 0 {
                    d += 1 << 32;
                    1
                } else {
                    0
                };
                v.push(d as u32);
            }
            let mut b = Big(v);
            b.trim();
            b
        }

        fn mul_small(&self, m: u32) -> Big {
            let mut v = Vec::with_capacity(self.0.len() + 1);
            let mut carry = 0u64;
            for &l in &self.0 {
                let p = l as u64 * m as u64 + carry;
                v.push(p as u32);
                carry = p >> 32;
            }
            v.push(carry as u32);
            let mut b = Big(v);
            b.trim();
            b
        }

        fn mul_pow10(&self, mut n: usize) -> Big {
            let mut b = self.clone();
            while n >= 9 {
                b = b.mul_small(1_000_000_000);
                n -= 9;
            }
            b.mul_small(10u32.pow(n as u32))
        }

        /// Divides in place by a small divisor, returning the remainder.
        fn divmod_small(&mut self, d: u32) -> u32 {
            let mut rem = 0u64;
            for l in self.0.iter_mut().rev() {
                let cur = (rem << 32) | *l as u64;
                *l = (cur / d as u64) as u32;
                rem = cur % d as u64;
            }
            self.trim();
            rem as u32
        }

        fn to_decimal(&self) -> String {
            if self.is_zero() {
                return "0".into();
            }
            let mut n = self.clone();
            let mut chunks = Vec::new();
            while !n.is_zero() {
                chunks.push(n.divmod_small(1_000_000_000));
            }
            let mut s = chunks.last().map(|c| c.to_string()).unwrap_or_default();
            for c in chunks.iter().rev().skip(1) {
                s.push_str(&format!("{c:09}"));
            }
            s
        }

        /// `self / d` when the quotient is known to be small (a few dozen
        /// bits): (quotient, remainder != 0), by shift-and-subtract.
        fn div_small_quotient(&self, d: &Big) -> (Big, bool) {
            let mut rem = self.clone();
            let mut q = Big::default();
            if rem.bitlen() < d.bitlen() {
                return (q, !rem.is_zero());
            }
            let top = rem.bitlen() - d.bitlen();
            for i in (0..=top).rev() {
                let sd = d.shl(i);
                if rem.cmp(&sd) != Ordering::Less {
                    rem = rem.sub(&sd);
                    q = q.add(&Big::from_u64(1).shl(i));
                }
            }
            (q, !rem.is_zero())
        }
    }

    impl PartialOrd for Big {
        fn partial_cmp(&self, o: &Big) -> Option<Ordering> {
            Some(self.cmp(o))
        }
    }

    impl Ord for Big {
        fn cmp(&self, o: &Big) -> Ordering {
            self.0.len().cmp(&o.0.len()).then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn incr(a: &str, b: &str) -> Option<String> {
            let v = Ld::parse(a.as_bytes())?.plus(Ld::parse(b.as_bytes())?)?;
            v.is_finite().then(|| v.to_human_string())
        }

        #[test]
        fn like_redis() {
            assert_eq!(incr("10.5", "0.1").as_deref(), Some("10.6"));
            assert_eq!(incr("0.1", "0.2").as_deref(), Some("0.3"));
            assert_eq!(incr("0.1", "0.7").as_deref(), Some("0.8"));
            assert_eq!(incr("1e5", "1.5e-3").as_deref(), Some("100000.00150000000000006"));
            assert_eq!(incr("3.0e3", "-3000").as_deref(), Some("0"));
            assert_eq!(incr("0", "1.23456789012345678901234").as_deref(), Some("1.23456789012345679"));
            assert_eq!(incr("9223372036854775807", "1").as_deref(), Some("9223372036854775808"));
            assert_eq!(incr("0", "-0.0000000000000000001").as_deref(), Some("0"));
            assert_eq!(incr("0", "0.000000000000000005").as_deref(), Some("0"));
            assert_eq!(incr("0", "0.000000000000000015").as_deref(), Some("0.00000000000000002"));
            assert_eq!(incr("0", "0.000000000000000025").as_deref(), Some("0.00000000000000002"));
            assert_eq!(incr("7.5", "0x10").as_deref(), Some("23.5"));
            assert_eq!(incr("23.5", "0x1p-2").as_deref(), Some("23.75"));
            assert_eq!(incr("+1", ".5").as_deref(), Some("1.5"));
            assert_eq!(incr("5.", "0").as_deref(), Some("5"));
            assert_eq!(incr("-0", "-0").as_deref(), Some("0"));
            assert_eq!(
                incr("0", "1e308").as_deref(),
                Some(
                    "99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048"
                )
            );
            let big = incr("1e4931", "1e-4940").unwrap();
            assert_eq!(big.len(), 4932);
            assert!(big.starts_with("100000000000000000000601894938796389132383777425453311477378504135253301948660872240753332777943314277366652556366627768"));
        }

        #[test]
        fn invalid_and_infinite() {
            for bad in ["", " 1", "1 ", "abc", "nan", "1e4933", "1e-5000", "0x", "1e", "1e+", "--1", "1.2.3", "0x1p"] {
                assert!(Ld::parse(bad.as_bytes()).is_none(), "{bad:?} should be invalid");
            }
            assert!(Ld::parse(&vec![b'1'; 5120]).is_none());
            assert_eq!(Ld::parse(b"inf"), Some(Ld::Inf { neg: false }));
            assert_eq!(Ld::parse(b"-Infinity"), Some(Ld::Inf { neg: true }));
            assert!(Ld::parse(b"1e-4940").is_some(), "denormals are accepted");
            assert_eq!(incr("1", "inf"), None);
            assert_eq!(Ld::parse(b"inf").unwrap().plus(Ld::parse(b"-inf").unwrap()), None);
            // The largest finite long doubles still add up to infinity.
            assert_eq!(incr("1.1e4932", "1.1e4932"), None);
        }

        #[test]
        fn integers_are_exact() {
            assert_eq!(Ld::from_i64(i64::MIN).to_human_string(), "-9223372036854775808");
            assert_eq!(Ld::from_i64(-17).plus(Ld::from_i64(20)).unwrap().to_human_string(), "3");
        }
    }
}

// ---- table ---------------------------------------------------------------------

const G: &str = "string";
const K1: Keys = Keys::Range { first: 1, last: 1, step: 1 };

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec { summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", since: "1.0.0", complexity: "O(1)", ..CommandSpec::new("set", -3, WRITE | DENYOOM, K1, G, set) },
    CommandSpec { summary: "Returns the string value of a key.", since: "1.0.0", complexity: "O(1)", ..CommandSpec::new("get", 2, READONLY | FAST, K1, G, get) },
    CommandSpec { summary: "Returns the string value of a key after setting its expiration time.", since: "6.2.0", complexity: "O(1)", ..CommandSpec::new("getex", -2, WRITE | FAST, K1, G, getex) },
    CommandSpec { summary: "Returns the string value of a key after deleting the key.", since: "6.2.0", complexity: "O(1)", ..CommandSpec::new("getdel", 2, WRITE | FAST, K1, G, getdel) },
    CommandSpec { summary: "Returns the previous string value of a key after setting it to a new value.", since: "1.0.0", complexity: "O(1)", ..CommandSpec::new("getset", 3, WRITE | DENYOOM | FAST, K1, G, getset) },
    CommandSpec { summary: "Atomically creates or modifies the string values of one or more keys.", since: "1.0.1", complexity: "O(N) where N is the number of keys to set.", ..CommandSpec::new("mset", -3, WRITE | DENYOOM, Keys::Range { first: 1, last: -1, step: 2 }, G, mset) },
    CommandSpec { summary: "Atomically modifies the string values of one or more keys only when all keys don't exist.", since: "1.0.1", complexity: "O(N) where N is the number of keys to set.", ..CommandSpec::new("msetnx", -3, WRITE | DENYOOM, Keys::Range { first: 1, last: -1, step: 2 }, G, msetnx) },
    CommandSpec { summary: "Atomically returns the string values of one or more keys.", since: "1.0.0", complexity: "O(N) where N is the number of keys to retrieve.", ..CommandSpec::new("mget", -2, READONLY | FAST, Keys::Range { first: 1, last: -1, step: 1 }, G, mget) },
    CommandSpec { summary: "Set the string value of a key only when the key doesn't exist.", since: "1.0.0", complexity: "O(1)", ..CommandSpec::new("setnx", 3, WRITE | DENYOOM | FAST, K1, G, setnx) },
    CommandSpec { summary: "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", since: "2.0.0", complexity: "O(1)", ..CommandSpec::new("setex", 4, WRITE | DENYOOM, K1, G, setex) },
    CommandSpec { summary: "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", since: "2.6.0", complexity: "O(1)", ..CommandSpec::new("psetex", 4, WRITE | DENYOOM, K1, G, psetex) },
    CommandSpec { summary: "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", since: "1.0.0", complexity: "O(1)", ..CommandSpec::new("incr", 2, WRITE | DENYOOM | FAST, K1, G, incr) },
    CommandSpec { summary: "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", since: "1.0.0", complexity: "O(1)", ..CommandSpec::new("decr", 2, WRITE | DENYOOM | FAST, K1, G, decr) },
    CommandSpec { summary: "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", since: "1.0.0", complexity: "O(1)", ..CommandSpec::new("incrby", 3, WRITE | DENYOOM | FAST, K1, G, incrby) },
    CommandSpec { summary: "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", since: "1.0.0", complexity: "O(1)", ..CommandSpec::new("decrby", 3, WRITE | DENYOOM | FAST, K1, G, decrby) },
    CommandSpec { summary: "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", since: "2.6.0", complexity: "O(1)", ..CommandSpec::new("incrbyfloat", 3, WRITE | DENYOOM | FAST, K1, G, incrbyfloat) },
    CommandSpec { summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.", since: "2.0.0", complexity: "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.", ..CommandSpec::new("append", 3, WRITE | DENYOOM | FAST, K1, G, append) },
    CommandSpec { summary: "Returns the length of a string value.", since: "2.2.0", complexity: "O(1)", ..CommandSpec::new("strlen", 2, READONLY | FAST, K1, G, strlen) },
    CommandSpec { summary: "Returns a substring of the string stored at a key.", since: "2.4.0", complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", ..CommandSpec::new("getrange", 4, READONLY, K1, G, getrange) },
    CommandSpec { summary: "Returns a substring from a string value.", since: "1.0.0", complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", ..CommandSpec::new("substr", 4, READONLY, K1, G, getrange) },
    CommandSpec { summary: "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", since: "2.2.0", complexity: "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.", ..CommandSpec::new("setrange", 4, WRITE | DENYOOM, K1, G, setrange) },
    CommandSpec { summary: "Finds the longest common substring.", since: "7.0.0", complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively", ..CommandSpec::new("lcs", -3, READONLY, Keys::Range { first: 1, last: 2, step: 1 }, G, lcs) },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn getrange_indexes_like_redis() {
        let r = |s: i64, e: i64| substr_range(10, s, e);
        assert_eq!(r(0, -100), Some((0, 1)));
        assert_eq!(r(1, -100), None);
        assert_eq!(r(-1, -100), None);
        assert_eq!(r(-100, -99), Some((0, 1)));
        assert_eq!(r(0, -1), Some((0, 10)));
        assert_eq!(r(5, 3), None);
        assert_eq!(r(8, 100), Some((8, 10)));
        assert_eq!(r(100, 200), None);
        assert_eq!(r(i64::MIN, -1), Some((0, 10)));
        assert_eq!(r(0, i64::MAX), Some((0, 10)));
        assert_eq!(substr_range(0, 0, -1), None);
    }

    #[test]
    fn lcs_like_redis() {
        let r = lcs_compute(b"ohmytext", b"mynewtext", true, 0);
        assert_eq!(r.text, b"mytext");
        assert_eq!(r.len, 6);
        let ranges: Vec<_> = r.ranges.iter().map(|m| (m.a, m.b, m.len)).collect();
        assert_eq!(ranges, [((4, 7), (5, 8), 4), ((2, 3), (0, 1), 2)]);
        let r = lcs_compute(b"abcdefgh", b"xbcxefxh", true, 0);
        let ranges: Vec<_> = r.ranges.iter().map(|m| (m.a, m.b, m.len)).collect();
        assert_eq!(ranges, [((7, 7), (7, 7), 1), ((4, 5), (4, 5), 2), ((1, 2), (1, 2), 2)]);
    }

    #[test]
    fn ext_opts_conflicts() {
        let a = |v: &[&str]| -> Vec<Bytes> { v.iter().map(|s| Bytes::copy_from_slice(s.as_bytes())).collect() };
        assert!(parse_ext_opts(&a(&["set", "k", "v", "nx", "nx"]), 3, true).is_ok());
        assert!(parse_ext_opts(&a(&["set", "k", "v", "nx", "xx"]), 3, true).is_err());
        assert!(parse_ext_opts(&a(&["set", "k", "v", "ex", "1", "ex", "2"]), 3, true).is_ok());
        assert!(parse_ext_opts(&a(&["set", "k", "v", "ex", "1", "px", "2"]), 3, true).is_err());
        assert!(parse_ext_opts(&a(&["set", "k", "v", "keepttl", "ex", "1"]), 3, true).is_err());
        assert!(parse_ext_opts(&a(&["set", "k", "v", "ex"]), 3, true).is_err());
        assert!(parse_ext_opts(&a(&["set", "k", "v", "persist"]), 3, true).is_err());
        assert!(parse_ext_opts(&a(&["getex", "k", "persist", "persist"]), 2, false).is_ok());
        assert!(parse_ext_opts(&a(&["getex", "k", "persist", "ex", "1"]), 2, false).is_err());
        assert!(parse_ext_opts(&a(&["getex", "k", "get"]), 2, false).is_err());
    }
}
