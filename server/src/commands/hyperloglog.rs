//! HyperLogLog commands: PFADD, PFCOUNT (one key, with the cardinality
//! cached in the header, or the union of several), PFMERGE, and the
//! PFDEBUG/PFSELFTEST helpers. Values are Redis-format HLL strings (see
//! `gears_store::hyperloglog`), so they move to and from Redis unchanged.

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};
use gears_store::hyperloglog as hll;
use gears_store::notify::STRING;
use gears_store::{Str, Value};

use crate::args::eq_ic;
use crate::command::{flags::*, CommandSpec, Keys};
use crate::commands::bitmap::unshare_quiet;
use crate::dispatch::Ctx;

const NOT_HLL: ErrorReply = ErrorReply::new_static("WRONGTYPE Key is not a valid HyperLogLog string value.");
const CORRUPT: ErrorReply = ErrorReply::new_static("INVALIDOBJ Corrupted HLL object detected");

/// Redis's isHLLObjectOrReply on a looked-up value: WRONGTYPE for another
/// type, the HLL-specific WRONGTYPE for a string that is not an HLL (an
/// int-encoded string never is).
fn check_hll(v: &Value) -> Result<&[u8], ErrorReply> {
    match v.as_str() {
        None => Err(ErrorReply::wrong_type()),
        Some(Str::Int(_)) => Err(NOT_HLL),
        Some(Str::Fixed(b)) if hll::is_valid(b) => Ok(b),
        Some(Str::Growable(b)) if hll::is_valid(b) => Ok(b),
        Some(_) => Err(NOT_HLL),
    }
}

fn max_bytes(ctx: &Ctx) -> usize {
    ctx.sh.config.hll_sparse_max_bytes.min(usize::MAX as u64) as usize
}

/// The value at `key` as a growable HLL buffer (counts as a modification).
fn hll_mut<'a>(g: &'a mut gears_store::WriteGuard<'_>) -> Option<&'a mut Vec<u8>> {
    g.get_mut().and_then(|e| e.value.as_str_mut()).map(|s| s.make_growable())
}

fn pfadd(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let key = &args[1][..];
    let elems = &args[2..];
    let max = max_bytes(ctx);
    // Which element is the first to change a register (or to hit corrupt data)?
    let first_change = match ctx.sh.ks.lookup(ctx.client.db, key, !ctx.client.no_touch, false) {
        None => None,
        Some(e) => {
            let h = match check_hll(&e.value) {
                Ok(h) => h,
                Err(err) => return err.into(),
            };
            Some(elems.iter().position(|el| hll::would_change(h, el).unwrap_or(true)))
        }
    };
    let mut g = ctx.write(key);
    match first_change {
        None => {
            let mut h = hll::new_sparse();
            for el in elems {
                let _ = hll::add(&mut h, el, max);
            }
            hll::invalidate_cache(&mut h);
            g.set(Value::Str(Str::Growable(Box::new(h))), false);
            g.notify(STRING, "pfadd");
            Reply::Int(1)
        }
        Some(None) => {
            drop(g);
            unshare_quiet(ctx, key);
            Reply::Int(0)
        }
        Some(Some(from)) => {
            let Some(h) = hll_mut(&mut g) else { return ErrorReply::wrong_type().into() };
            for el in &elems[from..] {
                if hll::add(h, el, max).is_err() {
                    return CORRUPT.into();
                }
            }
            hll::invalidate_cache(h);
            g.notify(STRING, "pfadd");
            Reply::Int(1)
        }
    }
}

fn pfcount(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    if args.len() > 2 {
        let mut max = Box::new([0u8; hll::REGISTERS]);
        for key in &args[1..] {
            let Some(e) = ctx.read(key) else { continue };
            let h = match check_hll(&e.value) {
                Ok(h) => h,
                Err(err) => return err.into(),
            };
            if hll::merge_into(&mut max, h).is_err() {
                return CORRUPT.into();
            }
        }
        return Reply::Int(hll::count_registers(&max) as i64);
    }
    let key = &args[1][..];
    let (cached, computed) = match ctx.read(key) {
        None => return Reply::Int(0),
        Some(e) => match check_hll(&e.value) {
            Err(err) => return err.into(),
            Ok(h) => match hll::cached_card(h) {
                Some(c) => (Some(c), None),
                None => (None, Some(hll::count(h))),
            },
        },
    };
    if let Some(c) = cached {
        unshare_quiet(ctx, key);
        return Reply::Int(c as i64);
    }
    let card = match computed {
        Some(Ok(c)) => c,
        _ => return CORRUPT.into(),
    };
    // Storing the cache is a modification (WATCH, dirty), as in Redis.
    let mut g = ctx.write(key);
    if let Some(h) = hll_mut(&mut g) {
        hll::set_cached_card(h, card);
    }
    Reply::Int(card as i64)
}

fn pfmerge(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut max = Box::new([0u8; hll::REGISTERS]);
    let mut use_dense = false;
    // The destination takes part in the union too.
    for key in &args[1..] {
        let Some(e) = ctx.read(key) else { continue };
        let h = match check_hll(&e.value) {
            Ok(h) => h,
            Err(err) => return err.into(),
        };
        use_dense |= hll::is_dense(h);
        if hll::merge_into(&mut max, h).is_err() {
            return CORRUPT.into();
        }
    }
    let limit = max_bytes(ctx);
    let mut g = ctx.write(&args[1]);
    let mut fresh = None;
    let h: &mut Vec<u8> = if g.get().is_none() {
        fresh.insert(hll::new_sparse())
    } else {
        match hll_mut(&mut g) {
            Some(h) => h,
            None => return ErrorReply::wrong_type().into(),
        }
    };
    if use_dense && hll::to_dense(h).is_err() {
        return CORRUPT.into();
    }
    for (i, &v) in max.iter().enumerate() {
        if v != 0 {
            let _ = hll::set_register(h, i, v, limit);
        }
    }
    hll::invalidate_cache(h);
    if let Some(h) = fresh {
        g.set(Value::Str(Str::Growable(Box::new(h))), false);
    }
    // Redis reports a merge as a "pfadd" event.
    g.notify(STRING, "pfadd");
    Reply::ok()
}

fn pfdebug(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (sub, key) = (&args[1][..], &args[2][..]);
    let (dense, decoded) = match ctx.read(key) {
        None => return ErrorReply::new_static("ERR The specified key does not exist").into(),
        Some(e) => match check_hll(&e.value) {
            Err(err) => return err.into(),
            Ok(h) => (hll::is_dense(h), hll::decode_sparse(h)),
        },
    };
    if eq_ic(sub, "getreg") || eq_ic(sub, "todense") {
        let getreg = eq_ic(sub, "getreg");
        let mut regs = None;
        if dense {
            unshare_quiet(ctx, key);
            if getreg {
                let db = ctx.client.db;
                regs = ctx
                    .sh
                    .ks
                    .lookup(db, key, false, false)
                    .and_then(|e| e.value.as_str())
                    .map(|s| hll::registers(&s.as_bytes()));
            }
        } else {
            let mut g = ctx.write(key);
            let Some(h) = hll_mut(&mut g) else { return ErrorReply::wrong_type().into() };
            if hll::to_dense(h).is_err() {
                return CORRUPT.into();
            }
            if getreg {
                regs = Some(hll::registers(h));
            }
        }
        if !getreg {
            return Reply::Int(!dense as i64);
        }
        return match regs {
            Some(Ok(r)) => Reply::Array(r.iter().map(|&v| Reply::Int(v as i64)).collect()),
            _ => CORRUPT.into(),
        };
    }
    unshare_quiet(ctx, key);
    if eq_ic(sub, "decode") {
        match decoded {
            Some(s) => Reply::Bulk(Bytes::from(s)),
            None => ErrorReply::new_static("ERR HLL encoding is not sparse").into(),
        }
    } else if eq_ic(sub, "encoding") {
        Reply::Status(Bytes::from_static(if dense { b"dense" } else { b"sparse" }))
    } else {
        ErrorReply::err(format_args!("Unknown PFDEBUG subcommand '{}'", String::from_utf8_lossy(sub))).into()
    }
}

/// Redis's self test: register packing round trips, then dense and sparse
/// HLLs fed the same elements must agree and stay within the expected error.
fn pfselftest(ctx: &mut Ctx, _args: &[Bytes]) -> Reply {
    let limit = max_bytes(ctx);
    let mut dense = hll::new_sparse();
    if hll::to_dense(&mut dense).is_err() {
        return ErrorReply::new_static("TESTFAILED dense conversion").into();
    }
    let mut seed: u64 = rand::random();
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as u8 & 63
    };
    for _ in 0..10 {
        let mut d = dense.clone();
        let vals: Vec<u8> = (0..hll::REGISTERS).map(|_| next()).collect();
        // Writing each register from zero with "raise" is a plain set.
        for (i, &v) in vals.iter().enumerate() {
            let _ = hll::set_register(&mut d, i, v, limit);
        }
        for (i, &v) in vals.iter().enumerate() {
            let got = hll::register(&d, i).unwrap_or(255);
            if got != v {
                return ErrorReply::new(format!("TESTFAILED Register {i} should be {v} but is {got}")).into();
            }
        }
    }
    let mut sparse = hll::new_sparse();
    let relerr = 1.04 / (hll::REGISTERS as f64).sqrt();
    let salt: u64 = rand::random();
    let mut checkpoint: u64 = 1;
    for j in 1..=1_000_000u64 {
        let ele = (j ^ salt).to_le_bytes();
        let _ = hll::add(&mut dense, &ele, limit);
        let _ = hll::add(&mut sparse, &ele, limit);
        if j == checkpoint {
            if (j as usize) < limit / 2 && hll::is_dense(&sparse) {
                return ErrorReply::new_static("TESTFAILED sparse encoding not used").into();
            }
            let (cd, cs) = (hll::count(&dense), hll::count(&sparse));
            if cd != cs {
                return ErrorReply::new_static("TESTFAILED dense/sparse disagree").into();
            }
            let card = cd.unwrap_or(0) as i64;
            let mut maxerr = (relerr * 6.0 * checkpoint as f64).ceil() as i64;
            if j == 10 {
                maxerr = 1;
            }
            let abserr = (checkpoint as i64 - card).abs();
            if abserr > maxerr {
                return ErrorReply::new(format!("TESTFAILED Too big error. card:{checkpoint} abserr:{abserr}")).into();
            }
            checkpoint *= 10;
        }
    }
    Reply::ok()
}

// ---- table ---------------------------------------------------------------------

const G: &str = "hyperloglog";
const K1: Keys = Keys::Range { first: 1, last: 1, step: 1 };

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec { summary: "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.", since: "2.8.9", complexity: "O(1) to add every element.", ..CommandSpec::new("pfadd", -2, WRITE | DENYOOM | FAST, K1, G, pfadd) },
    CommandSpec { summary: "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).", since: "2.8.9", complexity: "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.", ..CommandSpec::new("pfcount", -2, READONLY, Keys::Range { first: 1, last: -1, step: 1 }, G, pfcount) },
    CommandSpec { summary: "Merges one or more HyperLogLog values into a single key.", since: "2.8.9", complexity: "O(N) to merge N HyperLogLogs, but with high constant times.", ..CommandSpec::new("pfmerge", -2, WRITE | DENYOOM, Keys::Range { first: 1, last: -1, step: 1 }, G, pfmerge) },
    CommandSpec { summary: "Internal commands for debugging HyperLogLog values.", since: "2.8.9", complexity: "N/A", ..CommandSpec::new("pfdebug", 3, WRITE | DENYOOM | ADMIN, Keys::Range { first: 2, last: 2, step: 1 }, G, pfdebug) },
    CommandSpec { summary: "An internal command for testing HyperLogLog values.", since: "2.8.9", complexity: "N/A", ..CommandSpec::new("pfselftest", 1, ADMIN, Keys::None, G, pfselftest) },
];
