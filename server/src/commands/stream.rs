//! Stream commands: XADD, XLEN, XRANGE, XREVRANGE, XREAD, XDEL, XTRIM,
//! XSETID, XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO,
//! and Redis 8.2's XDELEX and XACKDEL.
//!
//! The stream itself (entries, groups, PELs) lives in `gears_store::stream`.
//! Argument errors come in Redis's order with Redis's texts. XREAD and
//! XREADGROUP block through `blocking`; a blocked `XREAD ... $` is parked
//! with `$` replaced by the stream's last ID at the time it blocked, so the
//! re-run after an XADD sees the new entries.

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};
use gears_store::notify::STREAM;
use gears_store::stream::{Group, Stream, StreamId, Trim, INVALID_ENTRIES_READ};
use gears_store::{Value, WriteGuard};

use crate::args::{eq_ic, parse_i64};
use crate::blocking;
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::Ctx;

const INVALID_ID: ErrorReply = ErrorReply::new_static("ERR Invalid stream ID specified as stream command argument");
const BAD_START: ErrorReply = ErrorReply::new_static("ERR invalid start ID for the interval");
const BAD_END: ErrorReply = ErrorReply::new_static("ERR invalid end ID for the interval");

// ---- IDs -------------------------------------------------------------------------

/// Redis's string2ull: canonical integers, or what strtoull accepts whole.
fn parse_u64_like_strtoull(b: &[u8]) -> Option<u64> {
    if let Some(n) = gears_store::parse_canonical_i64(b) {
        return (n >= 0).then_some(n as u64);
    }
    let s = std::str::from_utf8(b).ok()?;
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'+') => (false, &t[1..]),
        Some(b'-') => (true, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let v: u64 = digits.parse().ok()?;
    Some(if neg { v.wrapping_neg() } else { v })
}

/// Redis's streamGenericParseIDOrReply. `missing_seq` fills an absent
/// sequence; `strict` refuses `-` and `+`. Returns the ID and whether the
/// sequence was given (false for `ms-*`, only accepted with `allow_star`).
fn parse_id_full(arg: &[u8], missing_seq: u64, strict: bool, allow_star: bool) -> Result<(StreamId, bool), ErrorReply> {
    if arg.len() > 127 {
        return Err(INVALID_ID);
    }
    if arg.len() == 1 && !strict {
        if arg[0] == b'-' {
            return Ok((StreamId::MIN, true));
        }
        if arg[0] == b'+' {
            return Ok((StreamId::MAX, true));
        }
    }
    match arg.iter().position(|&c| c == b'-') {
        Some(dot) => {
            let ms = parse_u64_like_strtoull(&arg[..dot]).ok_or(INVALID_ID)?;
            let rest = &arg[dot + 1..];
            if allow_star && rest == b"*" {
                return Ok((StreamId::new(ms, 0), false));
            }
            let seq = parse_u64_like_strtoull(rest).ok_or(INVALID_ID)?;
            Ok((StreamId::new(ms, seq), true))
        }
        None => {
            let ms = parse_u64_like_strtoull(arg).ok_or(INVALID_ID)?;
            Ok((StreamId::new(ms, missing_seq), true))
        }
    }
}

fn parse_id(arg: &[u8], missing_seq: u64) -> Result<StreamId, ErrorReply> {
    parse_id_full(arg, missing_seq, false, false).map(|r| r.0)
}

fn parse_strict(arg: &[u8]) -> Result<StreamId, ErrorReply> {
    parse_id_full(arg, 0, true, false).map(|r| r.0)
}

/// An interval bound: `(id` is exclusive.
fn parse_start(arg: &[u8]) -> Result<StreamId, ErrorReply> {
    if arg.len() > 1 && arg[0] == b'(' {
        let id = parse_id_full(&arg[1..], 0, true, false)?.0;
        return id.incr().ok_or(BAD_START);
    }
    parse_id(arg, 0)
}

fn parse_end(arg: &[u8]) -> Result<StreamId, ErrorReply> {
    if arg.len() > 1 && arg[0] == b'(' {
        let id = parse_id_full(&arg[1..], u64::MAX, true, false)?.0;
        return id.decr().ok_or(BAD_END);
    }
    parse_id(arg, u64::MAX)
}

fn id_reply(id: StreamId) -> Reply {
    let (mut a, mut b) = (itoa::Buffer::new(), itoa::Buffer::new());
    let (ms, seq) = (a.format(id.ms).as_bytes(), b.format(id.seq).as_bytes());
    let mut v = Vec::with_capacity(ms.len() + seq.len() + 1);
    v.extend_from_slice(ms);
    v.push(b'-');
    v.extend_from_slice(seq);
    Reply::Bulk(Bytes::from(v))
}

fn entry_reply(id: StreamId, fields: &[&[u8]]) -> Reply {
    Reply::Array(vec![
        id_reply(id),
        Reply::Array(fields.iter().map(|f| Reply::Bulk(Bytes::copy_from_slice(f))).collect()),
    ])
}

fn range_replies(s: &Stream, start: StreamId, end: StreamId, rev: bool, count: usize) -> Vec<Reply> {
    let mut out = Vec::new();
    s.range(start, end, rev, count, |id, f| out.push(entry_reply(id, f)));
    out
}

fn single_entry(s: &Stream, id: StreamId) -> Reply {
    match s.get(id) {
        Some(f) => entry_reply(id, &f),
        None => Reply::Null,
    }
}

// ---- key access ------------------------------------------------------------------

fn read_stream<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<Option<&'c Stream>, ErrorReply> {
    match ctx.read(key) {
        None => Ok(None),
        Some(e) => match &e.value {
            Value::Stream(s) => Ok(Some(s)),
            _ => Err(ErrorReply::wrong_type()),
        },
    }
}

/// Checks the type under a guard without marking it modified: Ok(false) if missing.
fn check_stream(g: &mut WriteGuard) -> Result<bool, ErrorReply> {
    match g.get() {
        None => Ok(false),
        Some(e) => match &e.value {
            Value::Stream(_) => Ok(true),
            _ => Err(ErrorReply::wrong_type()),
        },
    }
}

/// The stream under a guard, marking the key modified.
fn stream_mut<'g>(g: &'g mut WriteGuard) -> Option<&'g mut Stream> {
    match g.get_mut().map(|e| &mut e.value) {
        Some(Value::Stream(s)) => Some(s),
        _ => None,
    }
}

fn peek_stream<'g>(g: &'g mut WriteGuard) -> Option<&'g Stream> {
    match g.get().map(|e| &e.value) {
        Some(Value::Stream(s)) => Some(s),
        _ => None,
    }
}

fn nogroup(key: &[u8], group: &[u8]) -> Reply {
    ErrorReply::new(format!(
        "NOGROUP No such key '{}' or consumer group '{}'",
        String::from_utf8_lossy(key),
        String::from_utf8_lossy(group)
    ))
    .into()
}

// ---- propagation ------------------------------------------------------------------------
//
// What depends on the clock or on where an approximate trim stopped is
// propagated as explicit commands, as Redis does: XADD with the ID it used,
// `~` trims as exact ones, and consumer-group changes (XREADGROUP, XCLAIM,
// XAUTOCLAIM) as `XCLAIM ... TIME RETRYCOUNT FORCE JUSTID LASTID`,
// `XGROUP SETID ... ENTRIESREAD` and `XGROUP CREATECONSUMER`.

fn bs(s: &'static str) -> Bytes {
    Bytes::from_static(s.as_bytes())
}

fn id_arg(id: StreamId) -> Bytes {
    Bytes::from(id.to_string())
}

/// Redis's streamPropagateXCLAIM: an idempotent XCLAIM recreating one PEL entry.
pub fn xclaim_argv(
    key: &Bytes,
    group: &Bytes,
    consumer: &[u8],
    id: StreamId,
    time: u64,
    count: u64,
    last: StreamId,
) -> Vec<Bytes> {
    vec![
        bs("XCLAIM"),
        key.clone(),
        group.clone(),
        Bytes::copy_from_slice(consumer),
        bs("0"),
        id_arg(id),
        bs("TIME"),
        Bytes::from(time.to_string()),
        bs("RETRYCOUNT"),
        Bytes::from(count.to_string()),
        bs("FORCE"),
        bs("JUSTID"),
        bs("LASTID"),
        id_arg(last),
    ]
}

/// Redis's streamPropagateGroupID: `XGROUP SETID key group <last id> ENTRIESREAD <n>`.
pub fn setid_argv(key: &Bytes, group: &Bytes, g: &Group) -> Vec<Bytes> {
    vec![
        bs("XGROUP"),
        bs("SETID"),
        key.clone(),
        group.clone(),
        id_arg(g.last_id),
        bs("ENTRIESREAD"),
        Bytes::from(g.entries_read.to_string()),
    ]
}

/// Redis's streamPropagateConsumerCreation.
pub fn createconsumer_argv(key: &Bytes, group: &Bytes, consumer: &[u8]) -> Vec<Bytes> {
    vec![bs("XGROUP"), bs("CREATECONSUMER"), key.clone(), group.clone(), Bytes::copy_from_slice(consumer)]
}

/// The exact trim that reproduces an approximate one (Redis's
/// streamRewriteApproxSpecifier + streamRewriteTrimArgument): `MAXLEN = <len
/// after>`, or `MINID = <first ID after>`. ACKED trims skip referenced
/// entries, so only a length reproduces them; an empty stream has no first ID.
fn exact_trim_args(how: Trim, refmode: RefMode, s: &Stream) -> [Bytes; 3] {
    match how {
        Trim::MinId(_) if refmode != RefMode::Acked && !s.is_empty() => [bs("MINID"), bs("="), id_arg(s.first_id)],
        _ => [bs("MAXLEN"), bs("="), Bytes::from(s.len().to_string())],
    }
}

fn refmode_arg(m: RefMode) -> Option<Bytes> {
    match m {
        RefMode::KeepRef => None,
        RefMode::DelRef => Some(bs("DELREF")),
        RefMode::Acked => Some(bs("ACKED")),
    }
}

/// The XADD to propagate, if the one received is not deterministic: the ID
/// it used instead of `*`/`ms-*`, and an exact trim instead of `~` (LIMIT dropped).
fn xadd_rewrite(args: &[Bytes], a: &AddTrimArgs, id: StreamId, s: &Stream) -> Option<Vec<Bytes>> {
    let auto_id = a.id.is_none() || !a.seq_given;
    let approx = a.approx && a.trim.is_some();
    if !auto_id && !approx {
        return None;
    }
    let id_pos = a.field_pos - 1;
    let mut v = Vec::with_capacity(args.len() + 4);
    v.extend_from_slice(&args[..2]);
    match a.trim {
        Some(how) if approx => {
            if a.nomkstream {
                v.push(bs("NOMKSTREAM"));
            }
            v.extend(refmode_arg(a.refmode));
            v.extend(exact_trim_args(how, a.refmode, s));
        }
        _ => v.extend_from_slice(&args[2..id_pos]),
    }
    v.push(id_arg(id));
    v.extend_from_slice(&args[a.field_pos..]);
    Some(v)
}

// ---- XADD / XTRIM ----------------------------------------------------------------------

/// Redis 8.2 reference handling for deletions by XADD/XTRIM/XDELEX/XACKDEL.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum RefMode {
    KeepRef,
    DelRef,
    Acked,
}

fn parse_refmode(arg: &[u8]) -> Option<RefMode> {
    if eq_ic(arg, "keepref") {
        Some(RefMode::KeepRef)
    } else if eq_ic(arg, "delref") {
        Some(RefMode::DelRef)
    } else if eq_ic(arg, "acked") {
        Some(RefMode::Acked)
    } else {
        None
    }
}

struct AddTrimArgs {
    trim: Option<Trim>,
    approx: bool,
    limit: u64,
    nomkstream: bool,
    refmode: RefMode,
    /// XADD: the ID (None = `*`), whether its sequence was given, and where the fields start.
    id: Option<StreamId>,
    seq_given: bool,
    field_pos: usize,
}

/// Redis's streamParseAddOrTrimArgsOrReply.
fn parse_add_trim(args: &[Bytes], xadd: bool) -> Result<AddTrimArgs, ErrorReply> {
    let mut a = AddTrimArgs {
        trim: None,
        approx: false,
        limit: 0,
        nomkstream: false,
        refmode: RefMode::KeepRef,
        id: None,
        seq_given: true,
        field_pos: 0,
    };
    let mut limit_given = false;
    let mut i = 2;
    let argc = args.len();
    while i < argc {
        let more = argc - 1 - i;
        let opt = &args[i][..];
        if xadd && opt == b"*" {
            break;
        } else if (eq_ic(opt, "maxlen") || eq_ic(opt, "minid")) && more > 0 {
            let maxlen = eq_ic(opt, "maxlen");
            let next = &args[i + 1][..];
            if more >= 2 && next == b"~" {
                a.approx = true;
                i += 1;
            } else if more >= 2 && next == b"=" {
                i += 1;
            }
            let strategy = if maxlen {
                let n = parse_i64(&args[i + 1])?;
                if n < 0 {
                    return Err(ErrorReply::new_static("ERR The MAXLEN argument must be >= 0."));
                }
                Trim::MaxLen(n as u64)
            } else {
                Trim::MinId(parse_strict(&args[i + 1])?)
            };
            if a.trim.is_some_and(|t| std::mem::discriminant(&t) != std::mem::discriminant(&strategy)) {
                return Err(ErrorReply::new_static(
                    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
                ));
            }
            a.trim = Some(strategy);
            i += 2;
            continue;
        } else if eq_ic(opt, "limit") && more > 0 {
            let n = parse_i64(&args[i + 1])?;
            if n < 0 {
                return Err(ErrorReply::new_static("ERR The LIMIT argument must be >= 0."));
            }
            a.limit = n as u64;
            limit_given = true;
            i += 2;
            continue;
        } else if xadd && eq_ic(opt, "nomkstream") {
            a.nomkstream = true;
        } else if let Some(m) = parse_refmode(opt) {
            a.refmode = m;
        } else if xadd {
            let (id, seq_given) = parse_id_full(opt, 0, true, true)?;
            a.id = Some(id);
            a.seq_given = seq_given;
            break;
        } else {
            return Err(ErrorReply::syntax());
        }
        i += 1;
    }
    a.field_pos = i + 1;
    if limit_given {
        if a.trim.is_none() {
            return Err(ErrorReply::new_static(
                "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
            ));
        }
        if !a.approx {
            return Err(ErrorReply::new_static("ERR syntax error, LIMIT cannot be used without the special ~ option"));
        }
    } else if a.approx {
        a.limit = 100 * gears_store::stream::NODE_MAX_ENTRIES as u64;
    }
    if !xadd && a.trim.is_none() {
        return Err(ErrorReply::syntax());
    }
    Ok(a)
}

/// Trims with the 8.2 reference mode; returns how many entries went.
fn trim_with(s: &mut Stream, how: Trim, approx: bool, limit: u64, mode: RefMode) -> u64 {
    match mode {
        RefMode::KeepRef => s.trim(how, approx, limit),
        RefMode::DelRef => {
            // The trimmed entries are a prefix: note at most as many IDs as may go.
            let most = match how {
                Trim::MaxLen(m) => s.len().saturating_sub(m),
                Trim::MinId(_) => s.len(),
            };
            let most = if limit != 0 { most.min(limit) } else { most };
            let mut head = s.ids_from(None, most as usize);
            if let Trim::MinId(min) = how {
                head.retain(|id| *id < min);
            }
            let n = s.trim(how, approx, limit);
            for id in head.into_iter().take(n as usize) {
                s.unref(id);
            }
            n
        }
        RefMode::Acked => {
            // Only entries every group has read and acknowledged may go:
            // referenced ones are skipped, trimming goes on past them. A trim
            // is not a deletion: the max deleted ID stays.
            let max_deleted = s.max_deleted_id;
            let mut n = 0;
            let mut cursor = None;
            'scan: loop {
                let batch = s.ids_from(cursor, 128);
                if batch.is_empty() {
                    break;
                }
                for id in batch {
                    cursor = Some(id);
                    let over = match how {
                        Trim::MaxLen(m) => s.len() > m,
                        Trim::MinId(min) => id < min,
                    };
                    if !over || (limit != 0 && n >= limit) {
                        break 'scan;
                    }
                    if s.referenced(id) {
                        continue;
                    }
                    s.delete(id);
                    n += 1;
                }
            }
            s.max_deleted_id = max_deleted;
            n
        }
    }
}

fn xadd(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let a = match parse_add_trim(args, true) {
        Ok(a) => a,
        Err(e) => return e.into(),
    };
    let nfields = args.len().saturating_sub(a.field_pos);
    if nfields < 2 || nfields % 2 == 1 {
        return ErrorReply::wrong_arity("xadd").into();
    }
    if let Some(id) = a.id {
        if a.seq_given && id.is_zero() {
            return ErrorReply::new_static("ERR The ID specified in XADD must be greater than 0-0").into();
        }
    }
    let now = ctx.sh.ks.now_ms;
    let mut g = ctx.write(&args[1]);
    // One lookup validates type and ID before anything changes.
    let (last, exists) = match g.get().map(|e| &e.value) {
        Some(Value::Stream(s)) => (s.last_id, true),
        Some(_) => return ErrorReply::wrong_type().into(),
        None if a.nomkstream => return Reply::Null,
        None => (StreamId::MIN, false),
    };
    let id = match next_id(last, &a, now) {
        Ok(id) => id,
        Err(r) => return r,
    };
    if !exists {
        g.set(Value::Stream(Box::default()), false);
    }
    let s = stream_mut(&mut g).expect("stream");
    let fields: Vec<&[u8]> = args[a.field_pos..].iter().map(|b| &b[..]).collect();
    s.append(id, &fields);
    let trimmed = match a.trim {
        Some(t) => trim_with(s, t, a.approx, a.limit, a.refmode),
        None => 0,
    };
    let rewrite = xadd_rewrite(args, &a, id, s);
    g.notify(STREAM, "xadd");
    if trimmed > 0 {
        g.notify(STREAM, "xtrim");
    }
    drop(g);
    if let Some(argv) = rewrite {
        ctx.propagate_as(argv);
    }
    id_reply(id)
}

/// The ID XADD uses after `last`: `*`, `ms-*` or explicit, with Redis's errors.
fn next_id(last: StreamId, a: &AddTrimArgs, now: u64) -> Result<StreamId, Reply> {
    const EXHAUSTED: &str = "ERR The stream has exhausted the last possible ID, unable to add more items";
    let id = match a.id {
        None => {
            if now > last.ms {
                StreamId::new(now, 0)
            } else {
                last.incr().ok_or_else(|| Reply::from(ErrorReply::new_static(EXHAUSTED)))?
            }
        }
        Some(id) if !a.seq_given => {
            if id.ms == last.ms {
                let seq = last.seq.checked_add(1).ok_or_else(|| Reply::from(ErrorReply::new_static(EXHAUSTED)))?;
                StreamId::new(id.ms, seq)
            } else {
                StreamId::new(id.ms, 0)
            }
        }
        Some(id) => id,
    };
    if id <= last {
        return Err(equal_or_smaller());
    }
    Ok(id)
}

fn equal_or_smaller() -> Reply {
    ErrorReply::new_static("ERR The ID specified in XADD is equal or smaller than the target stream top item").into()
}

fn xtrim(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut g = ctx.write(&args[1]);
    match check_stream(&mut g) {
        Err(e) => return e.into(),
        Ok(false) => return Reply::Int(0),
        Ok(true) => {}
    }
    let a = match parse_add_trim(args, false) {
        Ok(a) => a,
        Err(e) => return e.into(),
    };
    let Some(t) = a.trim else { return ErrorReply::syntax().into() };
    let s = match peek_stream(&mut g) {
        Some(s) => s,
        None => return Reply::Int(0),
    };
    // Nothing to do: keep WATCH and dirty untouched.
    let nothing = match t {
        Trim::MaxLen(m) => s.len() <= m,
        Trim::MinId(min) => s.first_id >= min || s.is_empty(),
    };
    if nothing {
        return Reply::Int(0);
    }
    let s = stream_mut(&mut g).expect("stream");
    let n = trim_with(s, t, a.approx, a.limit, a.refmode);
    // Where a `~` trim stopped depends on node layout and LIMIT: propagate
    // the exact trim that reproduces it.
    let rewrite = a.approx.then(|| {
        let mut v = vec![bs("XTRIM"), args[1].clone()];
        v.extend(exact_trim_args(t, a.refmode, s));
        v.extend(refmode_arg(a.refmode));
        v
    });
    if n > 0 {
        g.notify(STREAM, "xtrim");
    }
    drop(g);
    if let Some(argv) = rewrite {
        ctx.propagate_as(argv);
    }
    Reply::Int(n as i64)
}

// ---- XLEN / XRANGE ---------------------------------------------------------------------

fn xlen(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match read_stream(ctx, &args[1]) {
        Err(e) => e.into(),
        Ok(None) => Reply::Int(0),
        Ok(Some(s)) => Reply::Int(s.len() as i64),
    }
}

fn range_generic(ctx: &mut Ctx, args: &[Bytes], rev: bool) -> Reply {
    let (sa, ea) = if rev { (&args[3], &args[2]) } else { (&args[2], &args[3]) };
    let start = match parse_start(sa) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    let end = match parse_end(ea) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    let mut count: i64 = -1;
    let mut j = 4;
    while j < args.len() {
        if eq_ic(&args[j], "count") && j + 1 < args.len() {
            count = match parse_i64(&args[j + 1]) {
                Ok(n) => n.max(0),
                Err(e) => return e.into(),
            };
            j += 2;
        } else {
            return ErrorReply::syntax().into();
        }
    }
    let s = match read_stream(ctx, &args[1]) {
        Err(e) => return e.into(),
        Ok(None) => return Reply::Array(vec![]),
        Ok(Some(s)) => s,
    };
    if count == 0 {
        return Reply::NullArray;
    }
    let count = if count < 0 { 0 } else { count as usize };
    Reply::Array(range_replies(s, start, end, rev, count))
}

fn xrange(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    range_generic(ctx, args, false)
}

fn xrevrange(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    range_generic(ctx, args, true)
}

// ---- XDEL / XSETID -----------------------------------------------------------------------

fn xdel(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut g = ctx.write(&args[1]);
    match check_stream(&mut g) {
        Err(e) => return e.into(),
        Ok(false) => return Reply::Int(0),
        Ok(true) => {}
    }
    let mut ids = Vec::with_capacity(args.len() - 2);
    for a in &args[2..] {
        match parse_strict(a) {
            Ok(id) => ids.push(id),
            Err(e) => return e.into(),
        }
    }
    let s = peek_stream(&mut g).expect("stream");
    if !ids.iter().any(|id| s.exists(*id)) {
        return Reply::Int(0);
    }
    let s = stream_mut(&mut g).expect("stream");
    let n = ids.iter().filter(|id| s.delete(**id)).count();
    g.notify(STREAM, "xdel");
    Reply::Int(n as i64)
}

fn xsetid(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let id = match parse_strict(&args[2]) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    let mut entries_added: i64 = -1;
    let mut max_xdel = StreamId::MIN;
    let mut i = 3;
    while i < args.len() {
        let more = i + 1 < args.len();
        if eq_ic(&args[i], "entriesadded") && more {
            match parse_i64(&args[i + 1]) {
                Ok(n) if n < 0 => return ErrorReply::new_static("ERR entries_added must be positive").into(),
                Ok(n) => entries_added = n,
                Err(e) => return e.into(),
            }
        } else if eq_ic(&args[i], "maxdeletedid") && more {
            match parse_strict(&args[i + 1]) {
                Ok(m) if id < m => {
                    return ErrorReply::new_static(
                        "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                    )
                    .into()
                }
                Ok(m) => max_xdel = m,
                Err(e) => return e.into(),
            }
        } else {
            return ErrorReply::syntax().into();
        }
        i += 2;
    }
    let mut g = ctx.write(&args[1]);
    match check_stream(&mut g) {
        Err(e) => return e.into(),
        Ok(false) => return ErrorReply::no_such_key().into(),
        Ok(true) => {}
    }
    let s = peek_stream(&mut g).expect("stream");
    if !s.is_empty() {
        if id < s.last_valid_id() {
            return ErrorReply::new_static("ERR The ID specified in XSETID is smaller than the target stream top item")
                .into();
        }
        if entries_added != -1 && s.len() > entries_added as u64 {
            return ErrorReply::new_static(
                "ERR The entries_added specified in XSETID is smaller than the target stream length",
            )
            .into();
        }
    }
    if id < s.max_deleted_id {
        return ErrorReply::new_static("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id")
            .into();
    }
    let s = stream_mut(&mut g).expect("stream");
    s.last_id = id;
    if entries_added != -1 {
        s.entries_added = entries_added as u64;
    }
    if !max_xdel.is_zero() {
        s.max_deleted_id = max_xdel;
    }
    g.notify(STREAM, "xsetid");
    Reply::ok()
}

// ---- XREAD / XREADGROUP --------------------------------------------------------------

/// Parses a BLOCK argument (milliseconds, Redis's getTimeoutFromObjectOrReply).
fn parse_block_ms(arg: &[u8]) -> Result<u64, ErrorReply> {
    let n = gears_store::parse_canonical_i64(arg)
        .ok_or(ErrorReply::new_static("ERR timeout is not an integer or out of range"))?;
    if n < 0 {
        return Err(ErrorReply::new_static("ERR timeout is negative"));
    }
    if n > i64::MAX / 2 {
        return Err(ErrorReply::new_static("ERR timeout is out of range"));
    }
    Ok(n as u64)
}

enum ReadId {
    /// Entries after this ID.
    After(StreamId),
    /// XREADGROUP `>`.
    New,
    /// XREADGROUP history from this ID.
    History(StreamId),
}

struct ReadArgs {
    count: usize,
    block: Option<u64>,
    streams_arg: usize,
    nstreams: usize,
    group: Option<(Bytes, Bytes)>,
    noack: bool,
}

fn parse_read(args: &[Bytes], group_cmd: bool) -> Result<ReadArgs, ErrorReply> {
    let mut r = ReadArgs { count: 0, block: None, streams_arg: 0, nstreams: 0, group: None, noack: false };
    let mut i = 1;
    while i < args.len() {
        let more = args.len() - i - 1;
        let o = &args[i][..];
        if eq_ic(o, "block") && more > 0 {
            i += 1;
            r.block = Some(parse_block_ms(&args[i])?);
        } else if eq_ic(o, "count") && more > 0 {
            i += 1;
            r.count = parse_i64(&args[i])?.max(0) as usize;
        } else if eq_ic(o, "streams") && more > 0 {
            r.streams_arg = i + 1;
            let n = args.len() - r.streams_arg;
            if n % 2 == 1 {
                let (name, sym) = if group_cmd { ("XREADGROUP", '>') } else { ("XREAD", '$') };
                return Err(ErrorReply::new(format!(
                    "ERR Unbalanced {name} list of streams: for each stream key an ID or '{sym}' must be specified."
                )));
            }
            r.nstreams = n / 2;
            break;
        } else if eq_ic(o, "group") && more >= 2 {
            if !group_cmd {
                return Err(ErrorReply::new_static(
                    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            r.group = Some((args[i + 1].clone(), args[i + 2].clone()));
            i += 2;
        } else if eq_ic(o, "noack") {
            if !group_cmd {
                return Err(ErrorReply::new_static(
                    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            r.noack = true;
        } else {
            return Err(ErrorReply::syntax());
        }
        i += 1;
    }
    if r.streams_arg == 0 {
        return Err(ErrorReply::syntax());
    }
    if group_cmd && r.group.is_none() {
        return Err(ErrorReply::new_static("ERR Missing GROUP option for XREADGROUP"));
    }
    Ok(r)
}

/// Resolves the IDs (errors in Redis's order, key by key).
fn resolve_ids(ctx: &mut Ctx, args: &[Bytes], r: &ReadArgs) -> Result<Vec<ReadId>, ErrorReply> {
    let mut ids = Vec::with_capacity(r.nstreams);
    for k in 0..r.nstreams {
        let key = &args[r.streams_arg + k];
        let idarg = &args[r.streams_arg + r.nstreams + k][..];
        let serving = ctx.client.serving_blocked;
        let s = read_stream(ctx, key)?;
        if let Some((gname, _)) = &r.group {
            // A parked XREADGROUP whose stream or group went away.
            if serving && s.is_none() {
                return Err(ErrorReply::new_static("UNBLOCKED the stream key no longer exists"));
            }
            if serving && !s.is_some_and(|s| s.groups.contains_key(&gname[..])) {
                return Err(ErrorReply::new_static(
                    "NOGROUP the consumer group this client was blocked on no longer exists",
                ));
            }
            if !s.is_some_and(|s| s.groups.contains_key(&gname[..])) {
                return Err(ErrorReply::new(format!(
                    "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option",
                    String::from_utf8_lossy(key),
                    String::from_utf8_lossy(gname)
                )));
            }
        }
        let id = if idarg == b"$" {
            if r.group.is_some() {
                return Err(ErrorReply::new_static("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."));
            }
            ReadId::After(s.map(|s| s.last_id).unwrap_or_default())
        } else if idarg == b">" {
            if r.group.is_none() {
                return Err(ErrorReply::new_static(
                    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
                ));
            }
            ReadId::New
        } else if idarg == b"+" {
            if r.group.is_some() {
                return Err(ErrorReply::new_static("ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set."));
            }
            // The last entry (Redis 7.4+): everything after the one before it.
            match s {
                Some(s) if !s.is_empty() => ReadId::After(s.last_valid_id().decr().unwrap_or_default()),
                Some(s) => ReadId::After(s.last_id),
                None => ReadId::After(StreamId::MIN),
            }
        } else {
            let id = parse_strict(idarg)?;
            if r.group.is_some() {
                ReadId::History(id)
            } else {
                ReadId::After(id)
            }
        };
        ids.push(id);
    }
    Ok(ids)
}

/// One read attempt; NullArray when nothing is available. Group reads add
/// the commands that replay their effect to `props`.
fn read_attempt(ctx: &mut Ctx, args: &[Bytes], r: &ReadArgs, ids: &[ReadId], props: &mut Vec<Vec<Bytes>>) -> Reply {
    let resp3 = ctx.client.resp >= 3;
    let now = ctx.sh.ks.now_ms;
    let mut results: Vec<(Reply, Reply)> = Vec::new();
    for (k, rid) in ids.iter().enumerate() {
        let key = &args[r.streams_arg + k];
        match &r.group {
            None => {
                let ReadId::After(after) = rid else { continue };
                let s = match read_stream(ctx, key) {
                    Ok(Some(s)) => s,
                    Ok(None) => continue,
                    Err(e) => return e.into(),
                };
                if s.is_empty() || s.last_valid_id() <= *after {
                    continue;
                }
                let Some(start) = after.incr() else { continue };
                let items = range_replies(s, start, StreamId::MAX, false, r.count);
                results.push((Reply::Bulk(key.clone()), Reply::Array(items)));
            }
            Some((gname, cname)) => {
                let mut g = ctx.sh.ks.write(ctx.client.db, key);
                match check_stream(&mut g) {
                    Err(e) => return e.into(),
                    Ok(false) => return nogroup_read(key, gname),
                    Ok(true) => {}
                }
                let s = peek_stream(&mut g).expect("stream");
                let Some(grp) = s.groups.get(&gname[..]) else { return nogroup_read(key, gname) };
                let serve = match rid {
                    ReadId::History(_) => true,
                    _ => !s.is_empty() && s.last_valid_id() > grp.last_id,
                };
                if !serve {
                    continue;
                }
                let s = stream_mut(&mut g).expect("stream");
                let items = group_read(s, (key, gname, cname), rid, r.count, r.noack, now, props);
                let created = items.1;
                if created {
                    g.notify(STREAM, "xgroup-createconsumer");
                }
                results.push((Reply::Bulk(key.clone()), Reply::Array(items.0)));
            }
        }
    }
    if results.is_empty() {
        return Reply::NullArray;
    }
    if resp3 {
        Reply::Map(results)
    } else {
        Reply::Array(results.into_iter().map(|(k, v)| Reply::Array(vec![k, v])).collect())
    }
}

fn nogroup_read(key: &[u8], g: &[u8]) -> Reply {
    ErrorReply::new(format!(
        "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option",
        String::from_utf8_lossy(key),
        String::from_utf8_lossy(g)
    ))
    .into()
}

/// Serves a consumer: new entries (`>`) or its own history. Returns the
/// entries and whether the consumer was created; adds to `props` what
/// replays it (as Redis: XGROUP CREATECONSUMER, one XCLAIM per PEL entry
/// made or redelivered, then XGROUP SETID with ENTRIESREAD if the group advanced).
fn group_read(
    s: &mut Stream,
    (key, gname, cname): (&Bytes, &Bytes, &Bytes),
    rid: &ReadId,
    count: usize,
    noack: bool,
    now: u64,
    props: &mut Vec<Vec<Bytes>>,
) -> (Vec<Reply>, bool) {
    let mut grp = s.groups.remove(&gname[..]).expect("group");
    let created = grp.create_consumer(cname, now);
    if created {
        props.push(createconsumer_argv(key, gname, cname));
    }
    if let Some(c) = grp.consumers.get_mut(&cname[..]) {
        c.seen_time = now;
    }
    let mut out = Vec::new();
    match rid {
        ReadId::History(start) => {
            // History is served after the given ID, as for `>`.
            let from = start.incr().unwrap_or(StreamId::MAX);
            let ids: Vec<StreamId> = if *start == StreamId::MAX {
                vec![]
            } else {
                grp.consumers[&cname[..]].pel.range(from..).copied().collect()
            };
            for id in ids {
                if count != 0 && out.len() >= count {
                    break;
                }
                match s.get(id) {
                    Some(f) => {
                        out.push(entry_reply(id, &f));
                        if let Some(n) = grp.pel.get_mut(&id) {
                            n.delivery_time = now;
                            n.delivery_count += 1;
                            props.push(xclaim_argv(key, gname, cname, id, now, n.delivery_count, grp.last_id));
                        }
                    }
                    None => out.push(Reply::Array(vec![id_reply(id), Reply::NullArray])),
                }
            }
        }
        _ => {
            let start = grp.last_id.incr().unwrap_or(StreamId::MAX);
            let mut got: Vec<StreamId> = Vec::new();
            s.range(start, StreamId::MAX, false, count, |id, f| {
                got.push(id);
                out.push(entry_reply(id, f));
            });
            let advanced = !got.is_empty();
            for id in got {
                s.advance_group(&mut grp, id);
                if !noack {
                    grp.assign(id, cname, now, 1);
                    props.push(xclaim_argv(key, gname, cname, id, now, 1, grp.last_id));
                }
            }
            if advanced {
                // XCLAIM's LASTID does not carry entries_read (Redis 7 emits this always).
                props.push(setid_argv(key, gname, &grp));
            }
            if !out.is_empty() {
                if let Some(c) = grp.consumers.get_mut(&cname[..]) {
                    c.active_time = Some(now);
                }
            }
        }
    }
    s.groups.insert(gname[..].into(), grp);
    (out, created)
}

fn read_generic(ctx: &mut Ctx, args: &[Bytes], group_cmd: bool) -> Reply {
    let r = match parse_read(args, group_cmd) {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    let ids = match resolve_ids(ctx, args, &r) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    let mut props = Vec::new();
    let reply = read_attempt(ctx, args, &r, &ids, &mut props);
    if group_cmd {
        // Never verbatim: a replay would deliver at another time, or block.
        ctx.propagate_exactly(props);
    }
    if !matches!(reply, Reply::NullArray) {
        return reply;
    }
    let Some(ms) = r.block else { return reply };
    // History reads never block (they always answer).
    if ids.iter().any(|i| matches!(i, ReadId::History(_))) {
        return reply;
    }
    let keys: Vec<Bytes> = (0..r.nstreams).map(|k| args[r.streams_arg + k].clone()).collect();
    // Park with `$`/`+` resolved, so the re-run only sees newer entries.
    let mut parked: Vec<Bytes> = args.to_vec();
    for (k, id) in ids.iter().enumerate() {
        if let ReadId::After(a) = id {
            parked[r.streams_arg + r.nstreams + k] = Bytes::from(a.to_string());
        }
    }
    let timeout = (ms > 0).then(|| std::time::Duration::from_millis(ms));
    blocking::block_with_args(ctx, keys, timeout, Reply::NullArray, parked);
    reply
}

fn xread(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    read_generic(ctx, args, false)
}

fn xreadgroup(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    read_generic(ctx, args, true)
}

/// XREAD/XREADGROUP keys: after STREAMS, the first half.
fn read_keys(args: &[Bytes]) -> Vec<usize> {
    for (i, a) in args.iter().enumerate().skip(1) {
        if eq_ic(a, "streams") {
            let n = (args.len() - i - 1) / 2;
            return (i + 1..i + 1 + n).collect();
        }
    }
    vec![]
}

// ---- XGROUP ------------------------------------------------------------------------------

/// The common prologue of XGROUP subcommands: the key must be a stream
/// (unless MKSTREAM), and some subcommands need the group.
fn xgroup_create(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut mkstream = false;
    let mut entries_read = INVALID_ENTRIES_READ;
    let mut i = 5;
    while i < args.len() {
        if eq_ic(&args[i], "mkstream") {
            mkstream = true;
            i += 1;
        } else if eq_ic(&args[i], "entriesread") && i + 1 < args.len() {
            match parse_i64(&args[i + 1]) {
                Ok(n) if n < 0 && n != INVALID_ENTRIES_READ => {
                    return ErrorReply::new_static("ERR value for ENTRIESREAD must be positive or -1").into()
                }
                Ok(n) => entries_read = n,
                Err(e) => return e.into(),
            }
            i += 2;
        } else {
            return sub_syntax(&args[1]);
        }
    }
    let mut g = ctx.write(&args[2]);
    let exists = match check_stream(&mut g) {
        Err(e) => return e.into(),
        Ok(x) => x,
    };
    if !exists && !mkstream {
        return need_key();
    }
    let id = if &args[4][..] == b"$" {
        peek_stream(&mut g).map(|s| s.last_id).unwrap_or_default()
    } else {
        match parse_strict(&args[4]) {
            Ok(id) => id,
            Err(e) => return e.into(),
        }
    };
    if peek_stream(&mut g).is_some_and(|s| s.groups.contains_key(&args[3][..])) {
        return ErrorReply::new_static("BUSYGROUP Consumer Group name already exists").into();
    }
    if !exists {
        g.set(Value::Stream(Box::default()), false);
    }
    let s = stream_mut(&mut g).expect("stream");
    let entries_read = cap_entries_read(s, entries_read);
    s.groups.insert(args[3][..].into(), Group::new(id, entries_read));
    g.notify(STREAM, "xgroup-create");
    Reply::ok()
}

/// Redis 8 caps an ENTRIESREAD above the number of entries ever added.
fn cap_entries_read(s: &Stream, n: i64) -> i64 {
    if n != INVALID_ENTRIES_READ && n as u64 > s.entries_added {
        s.entries_added as i64
    } else {
        n
    }
}

fn sub_syntax(sub: &[u8]) -> Reply {
    ErrorReply::new(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try XGROUP HELP.",
        String::from_utf8_lossy(sub)
    ))
    .into()
}

fn need_key() -> Reply {
    ErrorReply::new_static("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.").into()
}

fn no_group_for_key(group: &[u8], key: &[u8]) -> Reply {
    ErrorReply::new(format!(
        "NOGROUP No such consumer group '{}' for key name '{}'",
        String::from_utf8_lossy(group),
        String::from_utf8_lossy(key)
    ))
    .into()
}

/// Checks key and group for SETID/DESTROY/CREATECONSUMER/DELCONSUMER.
/// Ok(true) when the group exists.
fn xgroup_prologue(g: &mut WriteGuard, args: &[Bytes], need_group: bool) -> Result<bool, Reply> {
    match check_stream(g) {
        Err(e) => return Err(e.into()),
        Ok(false) => return Err(need_key()),
        Ok(true) => {}
    }
    let has = peek_stream(g).is_some_and(|s| s.groups.contains_key(&args[3][..]));
    if !has && need_group {
        return Err(no_group_for_key(&args[3], &args[2]));
    }
    Ok(has)
}

fn xgroup_setid(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut entries_read = INVALID_ENTRIES_READ;
    if args.len() != 5 {
        if args.len() == 7 && eq_ic(&args[5], "entriesread") {
            match parse_i64(&args[6]) {
                Ok(n) if n < 0 && n != INVALID_ENTRIES_READ => {
                    return ErrorReply::new_static("ERR value for ENTRIESREAD must be positive or -1").into()
                }
                Ok(n) => entries_read = n,
                Err(e) => return e.into(),
            }
        } else {
            return sub_syntax(&args[1]);
        }
    }
    let mut g = ctx.write(&args[2]);
    if let Err(r) = xgroup_prologue(&mut g, args, true) {
        return r;
    }
    let id = if &args[4][..] == b"$" {
        peek_stream(&mut g).map(|s| s.last_id).unwrap_or_default()
    } else {
        match parse_id(&args[4], 0) {
            Ok(id) => id,
            Err(e) => return e.into(),
        }
    };
    let s = stream_mut(&mut g).expect("stream");
    let entries_read = cap_entries_read(s, entries_read);
    let grp = s.groups.get_mut(&args[3][..]).expect("group");
    grp.last_id = id;
    grp.entries_read = entries_read;
    g.notify(STREAM, "xgroup-setid");
    Reply::ok()
}

fn xgroup_destroy(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut g = ctx.write(&args[2]);
    match xgroup_prologue(&mut g, args, false) {
        Err(r) => r,
        Ok(false) => Reply::Int(0),
        Ok(true) => {
            let s = stream_mut(&mut g).expect("stream");
            s.groups.remove(&args[3][..]);
            g.notify(STREAM, "xgroup-destroy");
            Reply::Int(1)
        }
    }
}

fn xgroup_createconsumer(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let now = ctx.sh.ks.now_ms;
    let mut g = ctx.write(&args[2]);
    if let Err(r) = xgroup_prologue(&mut g, args, true) {
        return r;
    }
    let exists = peek_stream(&mut g).is_some_and(|s| s.groups[&args[3][..]].consumers.contains_key(&args[4][..]));
    if exists {
        return Reply::Int(0);
    }
    let s = stream_mut(&mut g).expect("stream");
    s.groups.get_mut(&args[3][..]).expect("group").create_consumer(&args[4], now);
    g.notify(STREAM, "xgroup-createconsumer");
    Reply::Int(1)
}

fn xgroup_delconsumer(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut g = ctx.write(&args[2]);
    if let Err(r) = xgroup_prologue(&mut g, args, true) {
        return r;
    }
    let exists = peek_stream(&mut g).is_some_and(|s| s.groups[&args[3][..]].consumers.contains_key(&args[4][..]));
    if !exists {
        return Reply::Int(0);
    }
    let s = stream_mut(&mut g).expect("stream");
    let n = s.groups.get_mut(&args[3][..]).expect("group").delete_consumer(&args[4]).unwrap_or(0);
    g.notify(STREAM, "xgroup-delconsumer");
    Reply::Int(n as i64)
}

fn xgroup_help(_ctx: &mut Ctx, _args: &[Bytes]) -> Reply {
    super::help_reply(
        "XGROUP",
        &[
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter.",
        ],
    )
}

fn container(_ctx: &mut Ctx, _args: &[Bytes]) -> Reply {
    Reply::ok()
}

// ---- XACK / XPENDING -------------------------------------------------------------------

fn xack(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut g = ctx.write(&args[1]);
    if let Err(e) = check_stream(&mut g) {
        return e.into();
    }
    let has_group = peek_stream(&mut g).is_some_and(|s| s.groups.contains_key(&args[2][..]));
    let mut ids = Vec::with_capacity(args.len() - 3);
    for a in &args[3..] {
        match parse_strict(a) {
            Ok(id) => ids.push(id),
            Err(e) if has_group => return e.into(),
            Err(_) => return Reply::Int(0),
        }
    }
    if !has_group {
        return Reply::Int(0);
    }
    let pending = peek_stream(&mut g).map(|s| ids.iter().any(|id| s.groups[&args[2][..]].pel.contains_key(id)));
    if pending != Some(true) {
        return Reply::Int(0);
    }
    let s = stream_mut(&mut g).expect("stream");
    let grp = s.groups.get_mut(&args[2][..]).expect("group");
    let n = ids.iter().filter(|id| grp.ack(**id)).count();
    Reply::Int(n as i64)
}

fn xpending(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let argc = args.len();
    if argc != 3 && !(6..=9).contains(&argc) {
        return ErrorReply::syntax().into();
    }
    let mut minidle: i64 = 0;
    let mut range = None;
    if argc >= 6 {
        let mut si = 3;
        if eq_ic(&args[3], "idle") {
            minidle = match parse_i64(&args[4]) {
                Ok(n) => n,
                Err(e) => return e.into(),
            };
            if argc < 8 {
                return ErrorReply::syntax().into();
            }
            si += 2;
        }
        if si + 2 >= argc {
            return ErrorReply::syntax().into();
        }
        let count = match parse_i64(&args[si + 2]) {
            Ok(n) => n.max(0) as usize,
            Err(e) => return e.into(),
        };
        let start = match parse_start(&args[si]) {
            Ok(v) => v,
            Err(e) => return e.into(),
        };
        let end = match parse_end(&args[si + 1]) {
            Ok(v) => v,
            Err(e) => return e.into(),
        };
        let consumer = args.get(si + 3).cloned();
        range = Some((start, end, count, consumer));
    }
    let now = ctx.sh.ks.now_ms;
    let s = match read_stream(ctx, &args[1]) {
        Err(e) => return e.into(),
        Ok(s) => s,
    };
    let Some(grp) = s.and_then(|s| s.groups.get(&args[2][..])) else { return nogroup(&args[1], &args[2]) };
    match range {
        None => {
            if grp.pel.is_empty() {
                return Reply::Array(vec![Reply::Int(0), Reply::Null, Reply::Null, Reply::NullArray]);
            }
            let first = *grp.pel.keys().next().expect("pel");
            let last = *grp.pel.keys().next_back().expect("pel");
            let per: Vec<Reply> = grp
                .consumers
                .iter()
                .filter(|(_, c)| !c.pel.is_empty())
                .map(|(n, c)| {
                    Reply::Array(vec![Reply::Bulk(Bytes::copy_from_slice(n)), Reply::bulk_int(c.pel.len() as i64)])
                })
                .collect();
            Reply::Array(vec![Reply::Int(grp.pel.len() as i64), id_reply(first), id_reply(last), Reply::Array(per)])
        }
        Some((start, end, count, consumer)) => {
            let mut out = Vec::new();
            if start > end || count == 0 {
                return Reply::Array(out);
            }
            let ids: Box<dyn Iterator<Item = StreamId>> = match &consumer {
                Some(c) => match grp.consumers.get(&c[..]) {
                    Some(c) => Box::new(c.pel.range(start..=end).copied()),
                    None => return Reply::Array(out),
                },
                None => Box::new(grp.pel.range(start..=end).map(|(k, _)| *k)),
            };
            for id in ids {
                let n = &grp.pel[&id];
                let idle = now.saturating_sub(n.delivery_time);
                if minidle > 0 && (idle as i64) < minidle {
                    continue;
                }
                out.push(Reply::Array(vec![
                    id_reply(id),
                    Reply::Bulk(Bytes::copy_from_slice(&n.consumer)),
                    Reply::Int(idle as i64),
                    Reply::Int(n.delivery_count as i64),
                ]));
                if out.len() >= count {
                    break;
                }
            }
            Reply::Array(out)
        }
    }
}

// ---- XCLAIM / XAUTOCLAIM ---------------------------------------------------------------

fn xclaim(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let now = ctx.sh.ks.now_ms;
    let mut g = ctx.write(&args[1]);
    if let Err(e) = check_stream(&mut g) {
        return e.into();
    }
    let (gname, cname) = (&args[2][..], &args[3][..]);
    if !peek_stream(&mut g).is_some_and(|s| s.groups.contains_key(gname)) {
        return nogroup(&args[1], gname);
    }
    let minidle = match gears_store::parse_canonical_i64(&args[4]) {
        Some(n) => n.max(0) as u64,
        None => return ErrorReply::new_static("ERR Invalid min-idle-time argument for XCLAIM").into(),
    };
    let mut ids = Vec::new();
    let mut j = 5;
    while j < args.len() {
        match parse_strict(&args[j]) {
            Ok(id) => ids.push(id),
            Err(_) => break,
        }
        j += 1;
    }
    let (mut force, mut justid) = (false, false);
    let mut retrycount: Option<u64> = None;
    let mut deliverytime: Option<i64> = None;
    let mut lastid: Option<StreamId> = None;
    while j < args.len() {
        let more = j + 1 < args.len();
        let opt = &args[j][..];
        if eq_ic(opt, "force") {
            force = true;
        } else if eq_ic(opt, "justid") {
            justid = true;
        } else if eq_ic(opt, "idle") && more {
            j += 1;
            match gears_store::parse_canonical_i64(&args[j]) {
                Some(n) => deliverytime = Some(now as i64 - n),
                None => return ErrorReply::new_static("ERR Invalid IDLE option argument for XCLAIM").into(),
            }
        } else if eq_ic(opt, "time") && more {
            j += 1;
            match gears_store::parse_canonical_i64(&args[j]) {
                Some(n) => deliverytime = Some(n),
                None => return ErrorReply::new_static("ERR Invalid TIME option argument for XCLAIM").into(),
            }
        } else if eq_ic(opt, "retrycount") && more {
            j += 1;
            match gears_store::parse_canonical_i64(&args[j]) {
                Some(n) => retrycount = (n >= 0).then_some(n as u64),
                None => return ErrorReply::new_static("ERR Invalid RETRYCOUNT option argument for XCLAIM").into(),
            }
        } else if eq_ic(opt, "lastid") && more {
            j += 1;
            match parse_strict(&args[j]) {
                Ok(id) => lastid = Some(id),
                Err(e) => return e.into(),
            }
        } else {
            return ErrorReply::new(format!("ERR Unrecognized XCLAIM option '{}'", String::from_utf8_lossy(opt)))
                .into();
        }
        j += 1;
    }
    let dtime = match deliverytime {
        Some(t) if t >= 0 && (t as u64) <= now => t as u64,
        _ => now,
    };
    let s = stream_mut(&mut g).expect("stream");
    let mut grp = s.groups.remove(gname).expect("group");
    let mut last_advanced = false;
    if let Some(l) = lastid {
        if l > grp.last_id {
            grp.last_id = l;
            last_advanced = true;
        }
    }
    // IDLE depends on the clock and the outcome on PEL state: propagate each
    // claim as an idempotent XCLAIM (Redis's streamPropagateXCLAIM).
    let (key, group) = (&args[1], &args[2]);
    let mut props = Vec::new();
    let mut out = Vec::new();
    let mut created = false;
    for id in ids {
        if !s.exists(id) {
            // The entry is gone: its PEL entry goes too (replayed the same way).
            if let Some(n) = grp.pel.get(&id) {
                props.push(xclaim_argv(key, group, &n.consumer, id, n.delivery_time, n.delivery_count, grp.last_id));
            }
            grp.ack(id);
            continue;
        }
        let had = grp.pel.get(&id).cloned();
        if had.is_none() && !force {
            continue;
        }
        if let Some(n) = &had {
            if minidle > 0 && now.saturating_sub(n.delivery_time) < minidle {
                continue;
            }
        }
        if !created && !grp.consumers.contains_key(cname) {
            created = grp.create_consumer(cname, now);
        }
        let count = match retrycount {
            Some(c) => c,
            None => had.as_ref().map(|n| n.delivery_count).unwrap_or(0) + u64::from(!justid),
        };
        grp.assign(id, cname, dtime, count);
        props.push(xclaim_argv(key, group, cname, id, dtime, count, grp.last_id));
        out.push(if justid { id_reply(id) } else { single_entry(s, id) });
        if let Some(c) = grp.consumers.get_mut(cname) {
            c.active_time = Some(now);
            c.seen_time = now;
        }
    }
    if last_advanced && props.is_empty() {
        // LASTID moved the group and no XCLAIM carries it.
        props.push(setid_argv(key, group, &grp));
    }
    s.groups.insert(gname.into(), grp);
    if created {
        g.notify(STREAM, "xgroup-createconsumer");
    }
    drop(g);
    ctx.propagate_exactly(props);
    Reply::Array(out)
}

fn xautoclaim(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let now = ctx.sh.ks.now_ms;
    let mut g = ctx.write(&args[1]);
    if let Err(e) = check_stream(&mut g) {
        return e.into();
    }
    let (gname, cname) = (&args[2][..], &args[3][..]);
    let has_group = peek_stream(&mut g).is_some_and(|s| s.groups.contains_key(gname));
    let minidle = match gears_store::parse_canonical_i64(&args[4]) {
        Some(n) => n.max(0) as u64,
        None => return ErrorReply::new_static("ERR Invalid min-idle-time argument for XAUTOCLAIM").into(),
    };
    let start = match parse_start(&args[5]) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    let mut count: u64 = 100;
    let mut justid = false;
    let mut j = 6;
    while j < args.len() {
        let more = j + 1 < args.len();
        if eq_ic(&args[j], "count") && more {
            match gears_store::parse_canonical_i64(&args[j + 1]) {
                Some(n) if (1..=i64::MAX / 160).contains(&n) => count = n as u64,
                _ => return ErrorReply::new_static("ERR COUNT must be > 0").into(),
            }
            j += 2;
        } else if eq_ic(&args[j], "justid") {
            justid = true;
            j += 1;
        } else {
            return ErrorReply::syntax().into();
        }
    }
    if !has_group {
        return nogroup(&args[1], gname);
    }
    let s = stream_mut(&mut g).expect("stream");
    let mut grp = s.groups.remove(gname).expect("group");
    let mut attempts = count * 10;
    let mut claimed = Vec::new();
    let mut deleted = Vec::new();
    let mut created = false;
    let (key, group) = (&args[1], &args[2]);
    let mut props = Vec::new();
    let mut cursor = grp.pel.range(start..).map(|(k, _)| *k).next();
    while attempts > 0 && count > 0 {
        let Some(id) = cursor else { break };
        attempts -= 1;
        cursor = grp.pel.range(id.incr().unwrap_or(StreamId::MAX)..).map(|(k, _)| *k).next().filter(|n| *n > id);
        if !s.exists(id) {
            // As Redis: an XCLAIM of the vanished entry, which drops it from the PEL on replay.
            if let Some(n) = grp.pel.get(&id) {
                props.push(xclaim_argv(key, group, &n.consumer, id, n.delivery_time, n.delivery_count, grp.last_id));
            }
            grp.ack(id);
            deleted.push(id_reply(id));
            count -= 1;
            continue;
        }
        let n = &grp.pel[&id];
        if minidle > 0 && now.saturating_sub(n.delivery_time) < minidle {
            continue;
        }
        let dc = n.delivery_count + u64::from(!justid);
        if !created && !grp.consumers.contains_key(cname) {
            created = grp.create_consumer(cname, now);
        }
        grp.assign(id, cname, now, dc);
        props.push(xclaim_argv(key, group, cname, id, now, dc, grp.last_id));
        claimed.push(if justid { id_reply(id) } else { single_entry(s, id) });
        if let Some(c) = grp.consumers.get_mut(cname) {
            c.active_time = Some(now);
            c.seen_time = now;
        }
        count -= 1;
    }
    let next = cursor.unwrap_or(StreamId::MIN);
    s.groups.insert(gname.into(), grp);
    if created {
        g.notify(STREAM, "xgroup-createconsumer");
    }
    drop(g);
    ctx.propagate_exactly(props);
    Reply::Array(vec![id_reply(next), Reply::Array(claimed), Reply::Array(deleted)])
}

// ---- XINFO ---------------------------------------------------------------------------------

fn kv(k: &str, v: Reply) -> (Reply, Reply) {
    (Reply::bulk_str(k), v)
}

fn opt_int(v: Option<u64>) -> Reply {
    match v {
        Some(n) => Reply::Int(n as i64),
        None => Reply::Null,
    }
}

fn entries_read_reply(g: &Group) -> Reply {
    if g.entries_read == INVALID_ENTRIES_READ {
        Reply::Null
    } else {
        Reply::Int(g.entries_read)
    }
}

fn radix_nodes(s: &Stream) -> i64 {
    // Redis's rax node count; an estimate (keys share 16-byte prefixes).
    (s.node_count() as i64) + 1
}

fn xinfo_stream(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut full = false;
    let mut count: usize = 10;
    if args.len() > 3 {
        if !eq_ic(&args[3], "full") {
            return xinfo_sub_syntax();
        }
        full = true;
        if args.len() == 6 && eq_ic(&args[4], "count") {
            count = match parse_i64(&args[5]) {
                Ok(n) if n <= 0 => 0,
                Ok(n) => n as usize,
                Err(e) => return e.into(),
            };
        } else if args.len() != 4 {
            return xinfo_sub_syntax();
        }
    }
    let s = match read_stream(ctx, &args[2]) {
        Err(e) => return e.into(),
        Ok(None) => return ErrorReply::no_such_key().into(),
        Ok(Some(s)) => s,
    };
    let mut m = vec![
        kv("length", Reply::Int(s.len() as i64)),
        kv("radix-tree-keys", Reply::Int(s.node_count() as i64)),
        kv("radix-tree-nodes", Reply::Int(radix_nodes(s))),
        kv("last-generated-id", id_reply(s.last_id)),
        kv("max-deleted-entry-id", id_reply(s.max_deleted_id)),
        kv("entries-added", Reply::Int(s.entries_added as i64)),
        kv("recorded-first-entry-id", id_reply(s.first_id)),
    ];
    if !full {
        m.push(kv("groups", Reply::Int(s.groups.len() as i64)));
        let edge = |last| match s.edge_entry(last) {
            Some((id, f)) => entry_reply(id, &f),
            None => Reply::Null,
        };
        m.push(kv("first-entry", edge(false)));
        m.push(kv("last-entry", edge(true)));
        return Reply::Map(m);
    }
    m.push(kv("entries", Reply::Array(range_replies(s, StreamId::MIN, StreamId::MAX, false, count))));
    let mut groups = Vec::new();
    for (name, g) in &s.groups {
        let take = |n: usize| if count == 0 { n } else { n.min(count) };
        let pending: Vec<Reply> = g
            .pel
            .iter()
            .take(take(g.pel.len()))
            .map(|(id, n)| {
                Reply::Array(vec![
                    id_reply(*id),
                    Reply::Bulk(Bytes::copy_from_slice(&n.consumer)),
                    Reply::Int(n.delivery_time as i64),
                    Reply::Int(n.delivery_count as i64),
                ])
            })
            .collect();
        let consumers: Vec<Reply> = g
            .consumers
            .iter()
            .map(|(cn, c)| {
                let pend: Vec<Reply> = c
                    .pel
                    .iter()
                    .take(take(c.pel.len()))
                    .map(|id| {
                        let n = &g.pel[id];
                        Reply::Array(vec![
                            id_reply(*id),
                            Reply::Int(n.delivery_time as i64),
                            Reply::Int(n.delivery_count as i64),
                        ])
                    })
                    .collect();
                Reply::Map(vec![
                    kv("name", Reply::Bulk(Bytes::copy_from_slice(cn))),
                    kv("seen-time", Reply::Int(c.seen_time as i64)),
                    kv("active-time", Reply::Int(c.active_time.map(|t| t as i64).unwrap_or(-1))),
                    kv("pel-count", Reply::Int(c.pel.len() as i64)),
                    kv("pending", Reply::Array(pend)),
                ])
            })
            .collect();
        groups.push(Reply::Map(vec![
            kv("name", Reply::Bulk(Bytes::copy_from_slice(name))),
            kv("last-delivered-id", id_reply(g.last_id)),
            kv("entries-read", entries_read_reply(g)),
            kv("lag", opt_int(s.group_lag(g))),
            kv("pel-count", Reply::Int(g.pel.len() as i64)),
            kv("pending", Reply::Array(pending)),
            kv("consumers", Reply::Array(consumers)),
        ]));
    }
    m.push(kv("groups", Reply::Array(groups)));
    Reply::Map(m)
}

fn xinfo_sub_syntax() -> Reply {
    ErrorReply::new_static("ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.").into()
}

fn xinfo_groups(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let s = match read_stream(ctx, &args[2]) {
        Err(e) => return e.into(),
        Ok(None) => return ErrorReply::no_such_key().into(),
        Ok(Some(s)) => s,
    };
    let out = s
        .groups
        .iter()
        .map(|(name, g)| {
            Reply::Map(vec![
                kv("name", Reply::Bulk(Bytes::copy_from_slice(name))),
                kv("consumers", Reply::Int(g.consumers.len() as i64)),
                kv("pending", Reply::Int(g.pel.len() as i64)),
                kv("last-delivered-id", id_reply(g.last_id)),
                kv("entries-read", entries_read_reply(g)),
                kv("lag", opt_int(s.group_lag(g))),
            ])
        })
        .collect();
    Reply::Array(out)
}

fn xinfo_consumers(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let now = ctx.sh.ks.now_ms;
    let s = match read_stream(ctx, &args[2]) {
        Err(e) => return e.into(),
        Ok(None) => return ErrorReply::no_such_key().into(),
        Ok(Some(s)) => s,
    };
    let Some(g) = s.groups.get(&args[3][..]) else { return no_group_for_key(&args[3], &args[2]) };
    let out = g
        .consumers
        .iter()
        .map(|(n, c)| {
            Reply::Map(vec![
                kv("name", Reply::Bulk(Bytes::copy_from_slice(n))),
                kv("pending", Reply::Int(c.pel.len() as i64)),
                kv("idle", Reply::Int(now.saturating_sub(c.seen_time) as i64)),
                kv("inactive", Reply::Int(c.active_time.map(|t| now.saturating_sub(t) as i64).unwrap_or(-1))),
            ])
        })
        .collect();
    Reply::Array(out)
}

fn xinfo_help(_ctx: &mut Ctx, _args: &[Bytes]) -> Reply {
    super::help_reply(
        "XINFO",
        &[
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream.",
        ],
    )
}

// ---- Redis 8.2: XDELEX / XACKDEL --------------------------------------------------------

/// `[KEEPREF|DELREF|ACKED] IDS numids id...` starting at `i`.
fn parse_ids_clause(args: &[Bytes], mut i: usize) -> Result<(RefMode, Vec<StreamId>), ErrorReply> {
    let mut mode = None;
    while i < args.len() {
        if let Some(m) = parse_refmode(&args[i]) {
            if mode.is_some() {
                return Err(ErrorReply::syntax());
            }
            mode = Some(m);
            i += 1;
        } else if eq_ic(&args[i], "ids") && i + 1 < args.len() {
            let n = match gears_store::parse_canonical_i64(&args[i + 1]) {
                Some(n) if n > 0 => n as usize,
                _ => return Err(ErrorReply::new_static("ERR Number of IDs must be a positive integer")),
            };
            let avail = args.len() - (i + 2);
            if n > avail {
                return Err(ErrorReply::new_static("ERR The `numids` parameter must match the number of arguments"));
            }
            if n < avail {
                return Err(ErrorReply::syntax());
            }
            let mut ids = Vec::with_capacity(n);
            for a in &args[i + 2..] {
                ids.push(parse_strict(a)?);
            }
            return Ok((mode.unwrap_or(RefMode::KeepRef), ids));
        } else {
            return Err(ErrorReply::syntax());
        }
    }
    Err(ErrorReply::syntax())
}

/// Deletes `id` under `mode`: -1 missing, 1 deleted, 2 kept (still referenced).
fn delete_with(s: &mut Stream, id: StreamId, mode: RefMode) -> i64 {
    if mode == RefMode::DelRef {
        // Dangling references go even when the entry is already gone.
        s.unref(id);
    }
    if !s.exists(id) {
        return -1;
    }
    if mode == RefMode::Acked && s.referenced(id) {
        return 2;
    }
    s.delete(id);
    1
}

fn xdelex(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (mode, ids) = match parse_ids_clause(args, 2) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    let mut g = ctx.write(&args[1]);
    match check_stream(&mut g) {
        Err(e) => return e.into(),
        Ok(false) => return Reply::Array(ids.iter().map(|_| Reply::Int(-1)).collect()),
        Ok(true) => {}
    }
    let s = stream_mut(&mut g).expect("stream");
    let res: Vec<i64> = ids.iter().map(|id| delete_with(s, *id, mode)).collect();
    if res.contains(&1) {
        g.notify(STREAM, "xdel");
    }
    Reply::Array(res.into_iter().map(Reply::Int).collect())
}

fn xackdel(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (mode, ids) = match parse_ids_clause(args, 3) {
        Ok(v) => v,
        Err(e) => return e.into(),
    };
    let mut g = ctx.write(&args[1]);
    match check_stream(&mut g) {
        Err(e) => return e.into(),
        Ok(false) => return Reply::Array(ids.iter().map(|_| Reply::Int(-1)).collect()),
        Ok(true) => {}
    }
    let gname = &args[2][..];
    if !peek_stream(&mut g).is_some_and(|s| s.groups.contains_key(gname)) {
        return Reply::Array(ids.iter().map(|_| Reply::Int(-1)).collect());
    }
    let s = stream_mut(&mut g).expect("stream");
    let mut res = Vec::with_capacity(ids.len());
    for id in ids {
        s.groups.get_mut(gname).expect("group").ack(id);
        res.push(delete_with(s, id, mode));
    }
    if res.contains(&1) {
        g.notify(STREAM, "xdel");
    }
    Reply::Array(res.into_iter().map(Reply::Int).collect())
}

// ---- table -----------------------------------------------------------------------------------

const G: &str = "stream";
const K1: Keys = Keys::Range { first: 1, last: 1, step: 1 };
const K2: Keys = Keys::Range { first: 2, last: 2, step: 1 };
const READ_KEYS: Keys = Keys::Custom { first: 0, last: 0, step: 0, find: read_keys };

#[rustfmt::skip]
static XGROUP_SUBS: &[CommandSpec] = &[
    CommandSpec { summary: "Creates a consumer group.", since: "5.0.0", complexity: "O(1)", ..CommandSpec::new("create", -5, WRITE | DENYOOM, K2, G, xgroup_create) },
    CommandSpec { summary: "Sets the last-delivered ID of a consumer group.", since: "5.0.0", complexity: "O(1)", ..CommandSpec::new("setid", -5, WRITE, K2, G, xgroup_setid) },
    CommandSpec { summary: "Destroys a consumer group.", since: "5.0.0", complexity: "O(N) where N is the number of entries in the group's pending entries list (PEL).", ..CommandSpec::new("destroy", 4, WRITE, K2, G, xgroup_destroy) },
    CommandSpec { summary: "Creates a consumer in a consumer group.", since: "6.2.0", complexity: "O(1)", ..CommandSpec::new("createconsumer", 5, WRITE | DENYOOM, K2, G, xgroup_createconsumer) },
    CommandSpec { summary: "Deletes a consumer from a consumer group.", since: "5.0.0", complexity: "O(1)", ..CommandSpec::new("delconsumer", 5, WRITE, K2, G, xgroup_delconsumer) },
    CommandSpec { summary: "Returns helpful text about the different subcommands.", since: "5.0.0", complexity: "O(1)", ..CommandSpec::new("help", 2, LOADING | STALE, Keys::None, G, xgroup_help) },
];

#[rustfmt::skip]
static XINFO_SUBS: &[CommandSpec] = &[
    CommandSpec { summary: "Returns information about a stream.", since: "5.0.0", complexity: "O(1)", ..CommandSpec::new("stream", -3, READONLY, K2, G, xinfo_stream) },
    CommandSpec { summary: "Returns a list of the consumer groups of a stream.", since: "5.0.0", complexity: "O(1)", ..CommandSpec::new("groups", 3, READONLY, K2, G, xinfo_groups) },
    CommandSpec { summary: "Returns a list of the consumers in a consumer group.", since: "5.0.0", complexity: "O(1)", ..CommandSpec::new("consumers", 4, READONLY, K2, G, xinfo_consumers) },
    CommandSpec { summary: "Returns helpful text about the different subcommands.", since: "5.0.0", complexity: "O(1)", ..CommandSpec::new("help", 2, LOADING | STALE, Keys::None, G, xinfo_help) },
];

#[rustfmt::skip]
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec { summary: "Appends a new message to a stream. Creates the key if it doesn't exist.", since: "5.0.0", complexity: "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.", ..CommandSpec::new("xadd", -5, WRITE | DENYOOM | FAST, K1, G, xadd) },
    CommandSpec { summary: "Return the number of messages in a stream.", since: "5.0.0", complexity: "O(1)", ..CommandSpec::new("xlen", 2, READONLY | FAST, K1, G, xlen) },
    CommandSpec { summary: "Returns the messages from a stream within a range of IDs.", since: "5.0.0", complexity: "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).", ..CommandSpec::new("xrange", -4, READONLY, K1, G, xrange) },
    CommandSpec { summary: "Returns the messages from a stream within a range of IDs in reverse order.", since: "5.0.0", complexity: "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).", ..CommandSpec::new("xrevrange", -4, READONLY, K1, G, xrevrange) },
    CommandSpec { summary: "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.", since: "5.0.0", complexity: "", ..CommandSpec::new("xread", -4, READONLY | BLOCKING, READ_KEYS, G, xread) },
    CommandSpec { summary: "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.", since: "5.0.0", complexity: "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.", ..CommandSpec::new("xreadgroup", -7, WRITE | BLOCKING, READ_KEYS, G, xreadgroup) },
    CommandSpec { summary: "Returns the number of messages after removing them from a stream.", since: "5.0.0", complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.", ..CommandSpec::new("xdel", -3, WRITE | FAST, K1, G, xdel) },
    CommandSpec { summary: "Deletes messages from the beginning of a stream.", since: "5.0.0", complexity: "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.", ..CommandSpec::new("xtrim", -4, WRITE, K1, G, xtrim) },
    CommandSpec { summary: "An internal command for replicating stream values.", since: "5.0.0", complexity: "O(1)", ..CommandSpec::new("xsetid", -3, WRITE | DENYOOM | FAST, K1, G, xsetid) },
    CommandSpec { summary: "A container for consumer groups commands.", since: "5.0.0", complexity: "Depends on subcommand.", subcommands: XGROUP_SUBS, ..CommandSpec::new("xgroup", -2, 0, Keys::None, G, container) },
    CommandSpec { summary: "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.", since: "5.0.0", complexity: "O(1) for each message ID processed.", ..CommandSpec::new("xack", -4, WRITE | FAST, K1, G, xack) },
    CommandSpec { summary: "Returns the information and entries from a stream consumer group's pending entries list.", since: "5.0.0", complexity: "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.", ..CommandSpec::new("xpending", -3, READONLY, K1, G, xpending) },
    CommandSpec { summary: "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.", since: "5.0.0", complexity: "O(log N) with N being the number of messages in the PEL of the consumer group.", ..CommandSpec::new("xclaim", -6, WRITE | FAST, K1, G, xclaim) },
    CommandSpec { summary: "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.", since: "6.2.0", complexity: "O(1) if COUNT is small.", ..CommandSpec::new("xautoclaim", -6, WRITE | FAST, K1, G, xautoclaim) },
    CommandSpec { summary: "A container for stream introspection commands.", since: "5.0.0", complexity: "Depends on subcommand.", subcommands: XINFO_SUBS, ..CommandSpec::new("xinfo", -2, 0, Keys::None, G, container) },
    CommandSpec { summary: "Deletes one or multiple entries from the stream.", since: "8.2.0", complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.", ..CommandSpec::new("xdelex", -5, WRITE | FAST, K1, G, xdelex) },
    CommandSpec { summary: "Acknowledges and conditionally deletes one or multiple entries for a stream consumer group.", since: "8.2.0", complexity: "O(1) for each entry ID processed.", ..CommandSpec::new("xackdel", -6, WRITE | FAST, K1, G, xackdel) },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_parsing() {
        assert_eq!(parse_id(b"5", 0).unwrap(), StreamId::new(5, 0));
        assert_eq!(parse_id(b"5", u64::MAX).unwrap(), StreamId::new(5, u64::MAX));
        assert_eq!(parse_id(b"5-3", 0).unwrap(), StreamId::new(5, 3));
        assert_eq!(parse_id(b"-", 0).unwrap(), StreamId::MIN);
        assert_eq!(parse_id(b"+", 0).unwrap(), StreamId::MAX);
        assert!(parse_strict(b"-").is_err());
        assert!(parse_id(b"-1", 0).is_err());
        assert!(parse_id(b"1-x", 0).is_err());
        assert!(parse_id(b"abc", 0).is_err());
        assert_eq!(parse_id_full(b"7-*", 0, true, true).unwrap(), (StreamId::new(7, 0), false));
        assert_eq!(parse_start(b"(1-1").unwrap(), StreamId::new(1, 2));
        assert_eq!(parse_end(b"(2").unwrap(), StreamId::new(2, u64::MAX - 1));
        assert_eq!(parse_end(b"(2-0").unwrap(), StreamId::new(1, u64::MAX));
        assert_eq!(parse_end(b"(0-0").unwrap_err(), BAD_END);
        assert_eq!(parse_u64_like_strtoull(b"007"), Some(7));
    }

    #[test]
    fn read_key_positions() {
        let a: Vec<Bytes> =
            ["xread", "count", "1", "streams", "a", "b", "0", "0"].iter().map(|s| Bytes::from(*s)).collect();
        assert_eq!(read_keys(&a), vec![4, 5]);
    }
}
