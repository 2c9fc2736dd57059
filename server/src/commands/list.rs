//! List commands: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN, LRANGE,
//! LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS, LMOVE, RPOPLPUSH, LMPOP.
//!
//! The list itself and the keyspace-level push/pop/move operations live in
//! `gears_store::list`; the blocking commands (BLPOP, BRPOP, BLMOVE,
//! BRPOPLPUSH, BLMPOP) call the same `list::push`/`list::pop`/`list::lmove`.
//! Argument errors are checked in Redis's order (some before the key
//! lookup, some after), with Redis's texts. Every push that may serve a
//! blocked client goes through [`signal_pushed`].

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};
use gears_store::list::{self, End, List};
use gears_store::notify::LIST;
use gears_store::Value;

use crate::args::{eq_ic, parse_i64};
use crate::blocking;
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::Ctx;

const MUST_BE_POSITIVE: ErrorReply = ErrorReply::new_static("ERR value is out of range, must be positive");
const RANK_ZERO: ErrorReply = ErrorReply::new_static(
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
);
const LONG_RANGE: ErrorReply = ErrorReply::new_static(
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
);

fn wrong_type() -> Reply {
    ErrorReply::wrong_type().into()
}

/// `list-max-listpack-size`, which decides node sizes and the encoding.
fn fill(ctx: &Ctx) -> i32 {
    ctx.sh.config.list_max_listpack_size
}

/// Tells blocked clients (BLPOP & co) that `key` may now serve them: the
/// single call site for LPUSH, RPUSH, LPUSHX, RPUSHX and the destination of
/// LMOVE and RPOPLPUSH. Cheap when nobody is blocked.
fn signal_pushed(ctx: &mut Ctx, key: &[u8]) {
    let db = ctx.client.db;
    ctx.sh.ks.signal_ready(db, key);
}

/// Redis's getPositiveLongFromObjectOrReply.
fn parse_positive(arg: &[u8], err: ErrorReply) -> Result<usize, ErrorReply> {
    match gears_store::parse_canonical_i64(arg) {
        Some(n) if n >= 0 => Ok(n as usize),
        _ => Err(err),
    }
}

/// An i64 in -LONG_MAX..=LONG_MAX (LREM count, LPOS RANK).
fn parse_long_sym(arg: &[u8]) -> Result<i64, ErrorReply> {
    match parse_i64(arg)? {
        i64::MIN => Err(LONG_RANGE),
        n => Ok(n),
    }
}

fn parse_end(arg: &[u8]) -> Result<End, ErrorReply> {
    if eq_ic(arg, "left") {
        Ok(End::Head)
    } else if eq_ic(arg, "right") {
        Ok(End::Tail)
    } else {
        Err(ErrorReply::syntax())
    }
}

/// The list at `key` read like lookupKeyRead (hit/miss stats, LRU touch).
fn read_list<'c>(ctx: &'c mut Ctx, key: &[u8]) -> Result<Option<&'c List>, ErrorReply> {
    match ctx.read(key) {
        None => Ok(None),
        Some(e) => match &e.value {
            Value::List(l) => Ok(Some(l)),
            _ => Err(ErrorReply::wrong_type()),
        },
    }
}

// ---- push ------------------------------------------------------------------------

fn push_generic(ctx: &mut Ctx, args: &[Bytes], end: End, only_existing: bool) -> Reply {
    let fill = fill(ctx);
    let key = &args[1][..];
    let pushed = list::push(&mut ctx.write(key), end, &args[2..], fill, only_existing);
    match pushed {
        Err(_) => wrong_type(),
        Ok(0) => Reply::Int(0),
        Ok(n) => {
            signal_pushed(ctx, key);
            Reply::Int(n as i64)
        }
    }
}

fn lpush(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    push_generic(ctx, args, End::Head, false)
}

fn rpush(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    push_generic(ctx, args, End::Tail, false)
}

fn lpushx(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    push_generic(ctx, args, End::Head, true)
}

fn rpushx(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    push_generic(ctx, args, End::Tail, true)
}

// ---- pop -------------------------------------------------------------------------

/// Pops up to `count` elements of `key` as bulk replies; `None` if missing.
fn pop_replies(ctx: &mut Ctx, key: &[u8], end: End, count: usize) -> Result<Option<Vec<Reply>>, ErrorReply> {
    let (db, fill) = (ctx.client.db, fill(ctx));
    let sh = &mut *ctx.sh;
    let arena = &mut sh.arena;
    let mut out = Vec::new();
    let mut g = sh.ks.write(db, key);
    let r = list::pop(&mut g, end, count, fill, |e| out.push(Reply::Bulk(e.with_bytes(|b| arena.copy(b)))))
        .map_err(|_| ErrorReply::wrong_type())?;
    Ok(r.map(|_| out))
}

fn pop_generic(ctx: &mut Ctx, args: &[Bytes], end: End) -> Reply {
    if args.len() > 3 {
        return ErrorReply::wrong_arity(ctx.cmd.full_name).into();
    }
    let count = match args.get(2) {
        Some(a) => match parse_positive(a, MUST_BE_POSITIVE) {
            Ok(n) => Some(n),
            Err(e) => return e.into(),
        },
        None => None,
    };
    let key = &args[1][..];
    if count == Some(0) {
        // Only the key's existence and type matter.
        return match list::check_list(&mut ctx.write(key)) {
            Err(_) => wrong_type(),
            Ok(None) => Reply::NullArray,
            Ok(Some(_)) => Reply::Array(vec![]),
        };
    }
    match pop_replies(ctx, key, end, count.unwrap_or(1)) {
        Err(e) => e.into(),
        Ok(None) if count.is_some() => Reply::NullArray,
        Ok(None) => Reply::Null,
        Ok(Some(v)) if count.is_some() => Reply::Array(v),
        Ok(Some(mut v)) => v.pop().unwrap_or(Reply::Null),
    }
}

fn lpop(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    pop_generic(ctx, args, End::Head)
}

fn rpop(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    pop_generic(ctx, args, End::Tail)
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
fn lmpop(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let numkeys = match gears_store::parse_canonical_i64(&args[1]) {
        Some(n) if n >= 1 => n as usize,
        _ => return ErrorReply::new_static("ERR numkeys should be greater than 0").into(),
    };
    let where_idx = 2usize.saturating_add(numkeys);
    if where_idx >= args.len() {
        return ErrorReply::syntax().into();
    }
    let end = match parse_end(&args[where_idx]) {
        Ok(e) => e,
        Err(e) => return e.into(),
    };
    let mut count = None;
    let mut j = where_idx + 1;
    while j < args.len() {
        if count.is_none() && eq_ic(&args[j], "count") && j + 1 < args.len() {
            match gears_store::parse_canonical_i64(&args[j + 1]) {
                Some(n) if n >= 1 => count = Some(n as usize),
                _ => return ErrorReply::new_static("ERR count should be greater than 0").into(),
            }
            j += 2;
        } else {
            return ErrorReply::syntax().into();
        }
    }
    let count = count.unwrap_or(1);
    for key in &args[2..where_idx] {
        match pop_replies(ctx, key, end, count) {
            Err(e) => return e.into(),
            Ok(None) => continue,
            Ok(Some(v)) => {
                // As Redis: [LR]POP key <popped>, the key that had elements.
                ctx.propagate_as(pop_argv(end, key, Some(v.len())));
                return Reply::Array(vec![Reply::Bulk(key.clone()), Reply::Array(v)]);
            }
        }
    }
    Reply::NullArray
}

/// `LPOP|RPOP key [count]`: how the blocking and multi-key pops propagate.
fn pop_argv(end: End, key: &Bytes, count: Option<usize>) -> Vec<Bytes> {
    let cmd: &'static [u8] = if end == End::Head { b"LPOP" } else { b"RPOP" };
    let mut v = vec![Bytes::from_static(cmd), key.clone()];
    if let Some(n) = count {
        v.push(Bytes::from(n.to_string()));
    }
    v
}

fn lmpop_keys(args: &[Bytes]) -> Vec<usize> {
    let n = args.get(1).and_then(|a| gears_store::parse_canonical_i64(a)).unwrap_or(0);
    if n < 1 {
        return vec![];
    }
    (2..args.len()).take(n as usize).collect()
}

// ---- move ------------------------------------------------------------------------

fn lmove_generic(ctx: &mut Ctx, args: &[Bytes], from: End, to: End) -> Reply {
    let (db, fill) = (ctx.client.db, fill(ctx));
    let (src, dst) = (&args[1][..], &args[2][..]);
    match list::lmove(&mut ctx.sh.ks, db, src, dst, from, to, fill) {
        Err(_) => wrong_type(),
        Ok(None) => Reply::Null,
        Ok(Some(v)) => {
            signal_pushed(ctx, dst);
            Reply::Bulk(v)
        }
    }
}

fn lmove(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (from, to) = match (parse_end(&args[3]), parse_end(&args[4])) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return e.into(),
    };
    lmove_generic(ctx, args, from, to)
}

fn rpoplpush(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    lmove_generic(ctx, args, End::Tail, End::Head)
}

// ---- reads -----------------------------------------------------------------------

fn llen(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match read_list(ctx, &args[1]) {
        Ok(l) => Reply::Int(l.map_or(0, |l| l.len() as i64)),
        Err(e) => e.into(),
    }
}

fn lindex(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    let l = match sh.ks.lookup(db, &args[1], touch, true) {
        None => return Reply::Null,
        Some(e) => match &e.value {
            Value::List(l) => l,
            _ => return wrong_type(),
        },
    };
    let index = match parse_i64(&args[2]) {
        Ok(i) => i,
        Err(e) => return e.into(),
    };
    match l.get(index) {
        Some(e) => Reply::Bulk(e.with_bytes(|b| sh.arena.copy(b))),
        None => Reply::Null,
    }
}

fn lrange(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (start, stop) = match (parse_i64(&args[2]), parse_i64(&args[3])) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e.into(),
    };
    let (db, touch) = (ctx.client.db, !ctx.client.no_touch);
    let sh = &mut *ctx.sh;
    let l = match sh.ks.lookup(db, &args[1], touch, true) {
        None => return Reply::Array(vec![]),
        Some(e) => match &e.value {
            Value::List(l) => l,
            _ => return wrong_type(),
        },
    };
    let (from, n) = l.range_bounds(start, stop);
    let arena = &mut sh.arena;
    Reply::Array(l.iter_from(from).take(n).map(|e| Reply::Bulk(e.with_bytes(|b| arena.copy(b)))).collect())
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
fn lpos(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut rank = 1i64;
    let mut count: Option<usize> = None;
    let mut maxlen = 0usize;
    let mut j = 3;
    while j < args.len() {
        let more = j + 1 < args.len();
        let r = if eq_ic(&args[j], "rank") && more {
            match parse_long_sym(&args[j + 1]) {
                Ok(0) => Err(RANK_ZERO),
                Ok(r) => {
                    rank = r;
                    Ok(())
                }
                Err(e) => Err(e),
            }
        } else if eq_ic(&args[j], "count") && more {
            parse_positive(&args[j + 1], ErrorReply::new_static("ERR COUNT can't be negative")).map(|c| count = Some(c))
        } else if eq_ic(&args[j], "maxlen") && more {
            parse_positive(&args[j + 1], ErrorReply::new_static("ERR MAXLEN can't be negative")).map(|m| maxlen = m)
        } else {
            Err(ErrorReply::syntax())
        };
        if let Err(e) = r {
            return e.into();
        }
        j += 2;
    }
    let l = match read_list(ctx, &args[1]) {
        Err(e) => return e.into(),
        Ok(None) => return if count.is_some() { Reply::Array(vec![]) } else { Reply::Null },
        Ok(Some(l)) => l,
    };
    let found = l.positions(&args[2], rank, count.unwrap_or(1), maxlen);
    match count {
        Some(_) => Reply::Array(found.into_iter().map(|i| Reply::Int(i as i64)).collect()),
        None => found.first().map_or(Reply::Null, |&i| Reply::Int(i as i64)),
    }
}

// ---- middle writes -----------------------------------------------------------------

fn lset(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let fill = fill(ctx);
    let mut g = ctx.write(&args[1]);
    match list::check_list(&mut g) {
        Err(_) => return wrong_type(),
        Ok(None) => return ErrorReply::no_such_key().into(),
        Ok(Some(_)) => {}
    }
    let index = match parse_i64(&args[2]) {
        Ok(i) => i,
        Err(e) => return e.into(),
    };
    let l = list::list_mut(&mut g).expect("checked");
    if !l.set(index, &args[3], fill) {
        return ErrorReply::out_of_range().into();
    }
    l.convert_after_shrink(fill);
    g.notify(LIST, "lset");
    Reply::ok()
}

/// LINSERT key BEFORE|AFTER pivot element
fn linsert(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let after = if eq_ic(&args[2], "after") {
        true
    } else if eq_ic(&args[2], "before") {
        false
    } else {
        return ErrorReply::syntax().into();
    };
    let fill = fill(ctx);
    let mut g = ctx.write(&args[1]);
    match list::check_list(&mut g) {
        Err(_) => return wrong_type(),
        Ok(None) => return Reply::Int(0),
        Ok(Some(_)) => {}
    }
    let l = list::list_mut(&mut g).expect("checked");
    if !l.insert(&args[3], &args[4], after, fill) {
        return Reply::Int(-1);
    }
    let n = l.len();
    g.notify(LIST, "linsert");
    Reply::Int(n as i64)
}

fn lrem(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let count = match parse_long_sym(&args[2]) {
        Ok(c) => c,
        Err(e) => return e.into(),
    };
    let fill = fill(ctx);
    let mut g = ctx.write(&args[1]);
    match list::check_list(&mut g) {
        Err(_) => return wrong_type(),
        Ok(None) => return Reply::Int(0),
        Ok(Some(_)) => {}
    }
    let removed = list::list_mut(&mut g).expect("checked").remove(count, &args[3]);
    if removed > 0 {
        g.notify(LIST, "lrem");
        list::after_removal(&mut g, fill);
    }
    Reply::Int(removed as i64)
}

fn ltrim(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (start, stop) = match (parse_i64(&args[2]), parse_i64(&args[3])) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e.into(),
    };
    let fill = fill(ctx);
    let mut g = ctx.write(&args[1]);
    match list::check_list(&mut g) {
        Err(_) => return wrong_type(),
        Ok(None) => return Reply::ok(),
        Ok(Some(_)) => {}
    }
    list::list_mut(&mut g).expect("checked").trim(start, stop);
    g.notify(LIST, "ltrim");
    list::after_removal(&mut g, fill);
    Reply::ok()
}

// ---- table -------------------------------------------------------------------------

const G: &str = "list";
const K1: Keys = Keys::Range { first: 1, last: 1, step: 1 };
const K12: Keys = Keys::Range { first: 1, last: 2, step: 1 };

// ---- blocking ----------------------------------------------------------------------
//
// Each blocking command first tries its non-blocking form; with nothing to
// pop it asks to wait (blocking.rs), and is re-run from the top when one of
// its keys is written. While a parked command is re-run, a key of the wrong
// type does not end the wait (Redis only serves list waiters from lists).

fn bpop_generic(ctx: &mut Ctx, args: &[Bytes], end: End) -> Reply {
    let keys = args[1..args.len() - 1].to_vec();
    blocking::block_or(ctx, keys.clone(), &args[args.len() - 1], |ctx| {
        let mut wrong = false;
        for key in &keys {
            match pop_replies(ctx, key, end, 1) {
                Ok(Some(mut v)) if !v.is_empty() => {
                    // Replay must not block: B[LR]POP propagates as [LR]POP key.
                    ctx.propagate_as(pop_argv(end, key, None));
                    return Reply::Array(vec![Reply::Bulk(key.clone()), v.remove(0)]);
                }
                Ok(_) => {}
                Err(_) if ctx.client.serving_blocked => wrong = true,
                Err(e) => return e.into(),
            }
        }
        if wrong {
            wrong_type()
        } else {
            Reply::NullArray
        }
    })
}

fn blpop(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    bpop_generic(ctx, args, End::Head)
}

fn brpop(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    bpop_generic(ctx, args, End::Tail)
}

fn blmove(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (from, to) = match (parse_end(&args[3]), parse_end(&args[4])) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return e.into(),
    };
    blocking::block_or(ctx, vec![args[1].clone()], &args[5], |ctx| {
        let r = lmove_generic(ctx, args, from, to);
        if matches!(r, Reply::Bulk(_)) {
            // Replay must not block: BLMOVE propagates as LMOVE.
            ctx.propagate_as(vec![
                Bytes::from_static(b"LMOVE"),
                args[1].clone(),
                args[2].clone(),
                args[3].clone(),
                args[4].clone(),
            ]);
        }
        r
    })
}

fn brpoplpush(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    blocking::block_or(ctx, vec![args[1].clone()], &args[3], |ctx| {
        let r = lmove_generic(ctx, args, End::Tail, End::Head);
        if matches!(r, Reply::Bulk(_)) {
            // Replay must not block: BRPOPLPUSH propagates as RPOPLPUSH.
            ctx.propagate_as(vec![Bytes::from_static(b"RPOPLPUSH"), args[1].clone(), args[2].clone()]);
        }
        r
    })
}

/// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: LMPOP's
/// arguments after the timeout.
fn blmpop(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut sub = Vec::with_capacity(args.len() - 1);
    sub.push(args[0].clone());
    sub.extend_from_slice(&args[2..]);
    let keys: Vec<Bytes> = lmpop_keys(&sub).into_iter().map(|i| sub[i].clone()).collect();
    blocking::block_or(ctx, keys, &args[1], |ctx| lmpop(ctx, &sub))
}

/// BLMPOP's keys follow the timeout and numkeys.
fn blmpop_keys(args: &[Bytes]) -> Vec<usize> {
    let mut sub = vec![Bytes::new()];
    sub.extend_from_slice(args.get(2..).unwrap_or_default());
    lmpop_keys(&sub).into_iter().map(|i| i + 1).collect()
}

#[rustfmt::skip]
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec { summary: "Prepends one or more elements to a list. Creates the key if it doesn't exist.", since: "1.0.0", complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", ..CommandSpec::new("lpush", -3, WRITE | DENYOOM | FAST, K1, G, lpush) },
    CommandSpec { summary: "Appends one or more elements to a list. Creates the key if it doesn't exist.", since: "1.0.0", complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", ..CommandSpec::new("rpush", -3, WRITE | DENYOOM | FAST, K1, G, rpush) },
    CommandSpec { summary: "Prepends one or more elements to a list only when the list exists.", since: "2.2.0", complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", ..CommandSpec::new("lpushx", -3, WRITE | DENYOOM | FAST, K1, G, lpushx) },
    CommandSpec { summary: "Appends an element to a list only when the list exists.", since: "2.2.0", complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", ..CommandSpec::new("rpushx", -3, WRITE | DENYOOM | FAST, K1, G, rpushx) },
    CommandSpec { summary: "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.", since: "1.0.0", complexity: "O(N) where N is the number of elements returned", ..CommandSpec::new("lpop", -2, WRITE | FAST, K1, G, lpop) },
    CommandSpec { summary: "Returns and removes the last elements of a list. Deletes the list if the last element was popped.", since: "1.0.0", complexity: "O(N) where N is the number of elements returned", ..CommandSpec::new("rpop", -2, WRITE | FAST, K1, G, rpop) },
    CommandSpec { summary: "Returns the length of a list.", since: "1.0.0", complexity: "O(1)", ..CommandSpec::new("llen", 2, READONLY | FAST, K1, G, llen) },
    CommandSpec { summary: "Returns a range of elements from a list.", since: "1.0.0", complexity: "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.", ..CommandSpec::new("lrange", 4, READONLY, K1, G, lrange) },
    CommandSpec { summary: "Returns an element from a list by its index.", since: "1.0.0", complexity: "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).", ..CommandSpec::new("lindex", 3, READONLY, K1, G, lindex) },
    CommandSpec { summary: "Sets the value of an element in a list by its index.", since: "1.0.0", complexity: "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).", ..CommandSpec::new("lset", 4, WRITE | DENYOOM, K1, G, lset) },
    CommandSpec { summary: "Inserts an element before or after another element in a list.", since: "2.2.0", complexity: "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).", ..CommandSpec::new("linsert", 5, WRITE | DENYOOM, K1, G, linsert) },
    CommandSpec { summary: "Removes elements from a list. Deletes the list if the last element was removed.", since: "1.0.0", complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.", ..CommandSpec::new("lrem", 4, WRITE, K1, G, lrem) },
    CommandSpec { summary: "Removes elements from both ends a list. Deletes the list if all elements were trimmed.", since: "1.0.0", complexity: "O(N) where N is the number of elements to be removed by the operation.", ..CommandSpec::new("ltrim", 4, WRITE, K1, G, ltrim) },
    CommandSpec { summary: "Returns the index of matching elements in a list.", since: "6.0.6", complexity: "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.", ..CommandSpec::new("lpos", -3, READONLY, K1, G, lpos) },
    CommandSpec { summary: "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.", since: "6.2.0", complexity: "O(1)", ..CommandSpec::new("lmove", 5, WRITE | DENYOOM, K12, G, lmove) },
    CommandSpec { summary: "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.", since: "1.2.0", complexity: "O(1)", ..CommandSpec::new("rpoplpush", 3, WRITE | DENYOOM, K12, G, rpoplpush) },
    CommandSpec { summary: "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.", since: "7.0.0", complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.", ..CommandSpec::new("lmpop", -4, WRITE, Keys::Custom { first: 0, last: 0, step: 0, find: lmpop_keys }, G, lmpop) },
    CommandSpec { summary: "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", since: "2.0.0", complexity: "O(N) where N is the number of provided keys.", ..CommandSpec::new("blpop", -3, WRITE | NOSCRIPT | BLOCKING, Keys::Range { first: 1, last: -2, step: 1 }, G, blpop) },
    CommandSpec { summary: "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", since: "2.0.0", complexity: "O(N) where N is the number of provided keys.", ..CommandSpec::new("brpop", -3, WRITE | NOSCRIPT | BLOCKING, Keys::Range { first: 1, last: -2, step: 1 }, G, brpop) },
    CommandSpec { summary: "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.", since: "6.2.0", complexity: "O(1)", ..CommandSpec::new("blmove", 6, WRITE | DENYOOM | NOSCRIPT | BLOCKING, K12, G, blmove) },
    CommandSpec { summary: "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.", since: "2.2.0", complexity: "O(1)", ..CommandSpec::new("brpoplpush", 4, WRITE | DENYOOM | NOSCRIPT | BLOCKING, K12, G, brpoplpush) },
    CommandSpec { summary: "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", since: "7.0.0", complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.", ..CommandSpec::new("blmpop", -5, WRITE | BLOCKING, Keys::Custom { first: 0, last: 0, step: 0, find: blmpop_keys }, G, blmpop) },

];
