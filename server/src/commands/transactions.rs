//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! Queued commands were already checked by the dispatch gate; a rejection
//! while queueing marks the transaction aborted (EXEC answers EXECABORT).
//! EXEC runs the queue under the lock it already holds, so it is atomic.

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};

use crate::client::{Client, MultiState, WatchedKey};
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::{call, Ctx};
use crate::state::{unix_ms, Shared};

/// Drops a pending MULTI and its watches.
pub fn discard_transaction(sh: &mut Shared, client: &mut Client) {
    client.multi = None;
    unwatch_all(sh, client);
}

pub fn unwatch_all(sh: &mut Shared, client: &mut Client) {
    for w in client.watched.drain(..) {
        sh.ks.unwatch(client.id, w.db, &w.key);
    }
    sh.ks.clear_watch_dirty(client.id);
}

fn multi(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    if ctx.client.multi.is_some() {
        return ErrorReply::new_static("ERR MULTI calls can not be nested").into();
    }
    ctx.client.multi = Some(MultiState { queued: Vec::new(), aborted: false });
    Reply::ok()
}

fn discard(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    if ctx.client.multi.is_none() {
        return ErrorReply::new_static("ERR DISCARD without MULTI").into();
    }
    discard_transaction(ctx.sh, ctx.client);
    Reply::ok()
}

fn exec(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    let Some(m) = ctx.client.multi.take() else {
        return ErrorReply::new_static("ERR EXEC without MULTI").into();
    };
    if m.aborted {
        unwatch_all(ctx.sh, ctx.client);
        return ErrorReply::new_static("EXECABORT Transaction discarded because of previous errors.").into();
    }
    ctx.sh.ks.now_ms = unix_ms();
    let touched = ctx.sh.ks.watch_dirty(ctx.client.id)
        || ctx.client.watched.iter().any(|w| !w.expired_at_watch && ctx.sh.ks.is_logically_expired(w.db, &w.key));
    unwatch_all(ctx.sh, ctx.client);
    if touched {
        return Reply::NullArray;
    }
    let mut replies = Vec::with_capacity(m.queued.len());
    ctx.client.in_exec = true;
    // The writes of the transaction reach the AOF as one MULTI/EXEC.
    ctx.sh.persist.prop.multi_begin();
    for (cref, args) in &m.queued {
        replies.push(call(ctx.srv, ctx.sh, ctx.client, *cref, args, false));
    }
    ctx.sh.persist.prop.multi_end();
    ctx.client.in_exec = false;
    Reply::Array(replies)
}

fn watch(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    if ctx.client.multi.is_some() {
        return ErrorReply::new_static("ERR WATCH inside MULTI is not allowed").into();
    }
    let db = ctx.client.db;
    for key in &args[1..] {
        if ctx.client.watched.iter().any(|w| w.db == db && w.key == key) {
            continue;
        }
        let expired_at_watch = ctx.sh.ks.is_logically_expired(db, key);
        ctx.sh.ks.watch(ctx.client.id, db, key);
        ctx.client.watched.push(WatchedKey { db, key: key.clone(), expired_at_watch });
    }
    Reply::ok()
}

fn unwatch(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    unwatch_all(ctx.sh, ctx.client);
    Reply::ok()
}

const TX: &str = "transactions";

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Starts a transaction.",
        since: "1.2.0",
        complexity: "O(1)",
        ..CommandSpec::new(
            "multi",
            1,
            NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY | MULTI_CONTROL,
            Keys::None,
            TX,
            multi,
        )
    },
    CommandSpec {
        summary: "Executes all commands in a transaction.",
        since: "1.2.0",
        complexity: "Depends on commands in the transaction",
        ..CommandSpec::new("exec", 1, NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG | MULTI_CONTROL, Keys::None, TX, exec)
    },
    CommandSpec {
        summary: "Discards a transaction.",
        since: "2.0.0",
        complexity: "O(N), when N is the number of queued commands",
        ..CommandSpec::new(
            "discard",
            1,
            NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY | MULTI_CONTROL,
            Keys::None,
            TX,
            discard,
        )
    },
    CommandSpec {
        summary: "Monitors changes to keys to determine the execution of a transaction.",
        since: "2.2.0",
        complexity: "O(1) for every key.",
        ..CommandSpec::new(
            "watch",
            -2,
            NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY | MULTI_CONTROL,
            Keys::Range { first: 1, last: -1, step: 1 },
            TX,
            watch,
        )
    },
    CommandSpec {
        summary: "Forgets about watched keys of a transaction.",
        since: "2.2.0",
        complexity: "O(1)",
        ..CommandSpec::new("unwatch", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, Keys::None, TX, unwatch)
    },
];
