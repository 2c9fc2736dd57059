//! Persistence commands: SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF (server
//! group), and DUMP / RESTORE (keyspace group), whose payloads are Redis's
//! so keys move between us and Redis (MIGRATE uses them too).

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};
use gears_store::notify::GENERIC;

use crate::args::{eq_ic, parse_i64};
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::Ctx;
use crate::persist::{appendonly, rdb, snapshot};

fn save(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    if ctx.sh.persist.child_running(crate::persist::ChildKind::Rdb) {
        return ErrorReply::new_static("ERR Background save already in progress").into();
    }
    match snapshot::save(ctx.srv, ctx.sh) {
        Ok(()) => Reply::ok(),
        Err(_) => ErrorReply::new_static("ERR").into(),
    }
}

fn bgsave(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let schedule = match args.len() {
        1 => false,
        2 if eq_ic(&args[1], "schedule") => true,
        _ => return ErrorReply::syntax().into(),
    };
    let p = &ctx.sh.persist;
    if p.child_running(crate::persist::ChildKind::Rdb) {
        return ErrorReply::new_static("ERR Background save already in progress").into();
    }
    if p.child.is_some() || ctx.client.in_exec {
        if schedule || ctx.client.in_exec {
            ctx.sh.persist.bgsave_scheduled = true;
            return Reply::status("Background saving scheduled");
        }
        return ErrorReply::new_static("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.").into();
    }
    match snapshot::bgsave(ctx.srv, ctx.sh) {
        Ok(()) => Reply::status("Background saving started"),
        Err(_) => ErrorReply::new_static("ERR").into(),
    }
}

fn lastsave(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::Int(ctx.sh.persist.lastsave as i64)
}

fn bgrewriteaof(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    let p = &ctx.sh.persist;
    if p.child_running(crate::persist::ChildKind::Aof) {
        return ErrorReply::new_static("ERR Background append only file rewriting already in progress").into();
    }
    if p.child.is_some() || ctx.client.in_exec {
        ctx.sh.persist.aof.rewrite_scheduled = true;
        return Reply::status("Background append only file rewriting scheduled");
    }
    match appendonly::rewrite_background(ctx.srv, ctx.sh) {
        Ok(()) => Reply::status("Background append only file rewriting started"),
        Err(_) => ErrorReply::new_static(
            "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
        )
        .into(),
    }
}

fn dump(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match ctx.read(&args[1]) {
        Some(e) => Reply::Bulk(Bytes::from(rdb::dump_payload(&e.value))),
        None => Reply::Null,
    }
}

/// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]
fn restore(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (mut replace, mut absttl) = (false, false);
    let (mut idle, mut freq): (Option<i64>, Option<i64>) = (None, None);
    let mut j = 4;
    while j < args.len() {
        let more = j + 1 < args.len();
        let a = &args[j];
        if eq_ic(a, "replace") {
            replace = true;
        } else if eq_ic(a, "absttl") {
            absttl = true;
        } else if eq_ic(a, "idletime") && more && freq.is_none() {
            let v = match parse_i64(&args[j + 1]) {
                Ok(v) => v,
                Err(e) => return e.into(),
            };
            if v < 0 {
                return ErrorReply::new_static("ERR Invalid IDLETIME value, must be >= 0").into();
            }
            idle = Some(v);
            j += 1;
        } else if eq_ic(a, "freq") && more && idle.is_none() {
            let v = match parse_i64(&args[j + 1]) {
                Ok(v) => v,
                Err(e) => return e.into(),
            };
            if !(0..=255).contains(&v) {
                return ErrorReply::new_static("ERR Invalid FREQ value, must be >= 0 and <= 255").into();
            }
            freq = Some(v);
            j += 1;
        } else {
            return ErrorReply::syntax().into();
        }
        j += 1;
    }
    let key = &args[1];
    let db = ctx.db();
    if !replace && ctx.sh.ks.exists(db, key) {
        return ErrorReply::new_static("BUSYKEY Target key name already exists.").into();
    }
    let ttl = match parse_i64(&args[2]) {
        Ok(t) => t,
        Err(e) => return e.into(),
    };
    if ttl < 0 {
        return ErrorReply::new_static("ERR Invalid TTL value, must be >= 0").into();
    }
    let limits = crate::persist::rdb_limits(&ctx.sh.config);
    let mut value = match rdb::parse_payload(&args[3], &limits) {
        Ok(v) => v,
        Err(rdb::PayloadError::VersionOrChecksum) => {
            return ErrorReply::new_static("ERR DUMP payload version or checksum are wrong").into()
        }
        Err(rdb::PayloadError::BadData) => return ErrorReply::new_static("ERR Bad data format").into(),
    };
    let now = ctx.sh.ks.now_ms;
    if let gears_store::Value::Hash(h) = &mut value {
        // Fields whose TTL passed while the payload travelled are gone.
        h.purge_expired(now);
    }
    let emptied = matches!(&value, gears_store::Value::Hash(h) if h.is_empty());
    let expire_at = match (ttl, absttl) {
        (0, _) => None,
        (t, true) => Some(t as u64),
        (t, false) => Some(now.saturating_add(t as u64)),
    };
    let access = match (idle, freq) {
        (Some(s), _) => ctx.sh.ks.stamp_idle(s as u64),
        (_, Some(f)) => ctx.sh.ks.stamp_freq(f as u8),
        _ => ctx.sh.ks.stamp_idle(0),
    };
    let mut g = ctx.sh.ks.write(db, key);
    let deleted = replace && g.delete().is_some();
    if emptied || expire_at.is_some_and(|at| at <= now) {
        // Already expired: nothing is created (an existing key was replaced by nothing).
        if deleted {
            g.notify(GENERIC, "del");
            drop(g);
            ctx.propagate_as(vec![Bytes::from_static(b"DEL"), key.clone()]);
        }
        return Reply::ok();
    }
    let mut entry = gears_store::entry(value, expire_at);
    entry.set_access(access);
    g.put_entry(entry);
    g.notify(GENERIC, "restore");
    drop(g);
    if let Some(at) = expire_at.filter(|_| !absttl) {
        // A relative TTL replays as the absolute time it meant.
        let mut argv = args.to_vec();
        argv[2] = Bytes::from(at.to_string());
        if !argv[4..].iter().any(|a| eq_ic(a, "absttl")) {
            argv.push(Bytes::from_static(b"ABSTTL"));
        }
        ctx.propagate_as(argv);
    }
    Reply::ok()
}

const ADM: u32 = ADMIN | NOSCRIPT;
const SRV: &str = "server";
const GEN: &str = "generic";
const KEY1: Keys = Keys::Range { first: 1, last: 1, step: 1 };

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Synchronously saves the database(s) to disk.",
        complexity: "O(N) where N is the total number of keys in all databases",
        ..CommandSpec::new("save", 1, ADM | NOSCRIPT | NO_MULTI, Keys::None, SRV, save)
    },
    CommandSpec {
        summary: "Asynchronously saves the database(s) to disk.",
        complexity: "O(1)",
        ..CommandSpec::new("bgsave", -1, ADM | NOSCRIPT, Keys::None, SRV, bgsave)
    },
    CommandSpec {
        summary: "Returns the Unix timestamp of the last successful save to disk.",
        complexity: "O(1)",
        ..CommandSpec::new("lastsave", 1, LOADING | STALE | FAST, Keys::None, SRV, lastsave)
    },
    CommandSpec {
        summary: "Asynchronously rewrites the append-only file to disk.",
        complexity: "O(1)",
        ..CommandSpec::new("bgrewriteaof", 1, ADM | NOSCRIPT, Keys::None, SRV, bgrewriteaof)
    },
    CommandSpec {
        summary: "Returns a serialized representation of the value stored at a key.",
        since: "2.6.0",
        complexity: "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
        ..CommandSpec::new("dump", 2, READONLY, KEY1, GEN, dump)
    },
    CommandSpec {
        summary: "Creates a key from the serialized representation of a value.",
        since: "2.6.0",
        complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
        ..CommandSpec::new("restore", -4, WRITE | DENYOOM, KEY1, GEN, restore)
    },
];
