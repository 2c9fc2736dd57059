//! Blocking commands (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK, ...): who waits on
//! which key, and serving them.
//!
//! A handler that cannot be served yet calls [`block`]; the dispatcher then
//! parks the client instead of replying. Any write to a key with waiters
//! marks it ready (the WriteGuard does it), and after each top-level command
//! [`serve_ready`] re-runs the waiters' commands under the same lock hold, in
//! FIFO order per key, exactly like Redis's handleClientsBlockedOnKeys: the
//! element a push makes available goes to the client that waited longest,
//! and nothing else runs in between. Waiters are never served in the middle
//! of a MULTI/EXEC, so transactions stay atomic.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use gears_resp::{ErrorReply, Reply};
use gears_store::ClientId;
use tokio::sync::mpsc::UnboundedSender;

use crate::args::parse_f64;
use crate::client::{Client, ConnMsg};
use crate::command::CommandRef;
use crate::dispatch::{call, Ctx};
use crate::state::{Server, Shared};

/// What a handler asks for when it has to wait.
pub struct BlockRequest {
    pub cref: CommandRef,
    pub keys: Vec<Bytes>,
    /// None: wait forever.
    pub timeout: Option<Duration>,
    /// The reply when the timeout expires (null array for BLPOP, ...).
    pub on_timeout: Reply,
    /// The command to re-run when served, if not the original one (XREAD
    /// parks with `$` replaced by the ID it stood for).
    pub args: Option<Vec<Bytes>>,
}

pub struct BlockedClient {
    pub db: usize,
    pub resp: u8,
    pub addr: String,
    pub cref: CommandRef,
    pub args: Vec<Bytes>,
    pub keys: Vec<Bytes>,
    pub on_timeout: Reply,
    pub tx: UnboundedSender<ConnMsg>,
    pub since: Instant,
}

#[derive(Default)]
pub struct Blocking {
    pub clients: HashMap<ClientId, BlockedClient>,
    /// Waiters per (db, key), longest-waiting first.
    pub queues: HashMap<(usize, Bytes), VecDeque<ClientId>>,
}

impl Blocking {
    /// Number of distinct keys clients are blocked on (INFO blocked_keys-style figures).
    pub fn keys(&self) -> usize {
        self.queues.len()
    }
}

/// Parses a blocking timeout in seconds (a double, 0 = forever), with Redis's errors.
pub fn parse_timeout(arg: &[u8]) -> Result<Option<Duration>, ErrorReply> {
    let secs = parse_f64(arg).ok_or(ErrorReply::new_static("ERR timeout is not a float or out of range"))?;
    if secs < 0.0 {
        return Err(ErrorReply::new_static("ERR timeout is negative"));
    }
    if secs == 0.0 {
        return Ok(None);
    }
    // Redis 7.2+ refuses timeouts whose absolute ms time would overflow
    // (7.0 reported them as negative after overflowing).
    if secs * 1000.0 > (i64::MAX / 2) as f64 {
        return Err(ErrorReply::new_static("ERR timeout is out of range"));
    }
    Ok(Some(Duration::from_secs_f64(secs)))
}

/// Asks to wait on `keys`. Returns false when the client may not block
/// (inside MULTI/EXEC, as in Redis, the command behaves as if it timed out).
pub fn block(ctx: &mut Ctx, keys: Vec<Bytes>, timeout: Option<Duration>, on_timeout: Reply) -> bool {
    if ctx.client.in_exec {
        return false;
    }
    ctx.client.pending_block = Some(BlockRequest { cref: ctx.cmd, keys, timeout, on_timeout, args: None });
    true
}

/// As [`block`], re-running `args` instead of the original command when served.
pub fn block_with_args(
    ctx: &mut Ctx,
    keys: Vec<Bytes>,
    timeout: Option<Duration>,
    on_timeout: Reply,
    args: Vec<Bytes>,
) -> bool {
    if !block(ctx, keys, timeout, on_timeout) {
        return false;
    }
    if let Some(req) = ctx.client.pending_block.as_mut() {
        req.args = Some(args);
    }
    true
}

/// The non-blocking attempt produced nothing, or (when re-run for a parked
/// client) only found keys of another type: Redis serves waiters only from
/// keys of the type they wait for.
fn nothing_yet(ctx: &Ctx, reply: &Reply) -> bool {
    match reply {
        Reply::Null | Reply::NullArray => true,
        Reply::Error(e) => ctx.client.serving_blocked && e.code() == "WRONGTYPE",
        _ => false,
    }
}

/// The shape of every blocking command: parse the timeout, run `attempt`
/// (the non-blocking form); if it had nothing, park the client on `keys`.
/// Where blocking is not allowed (MULTI/EXEC) the attempt's reply stands; a
/// wait that times out answers a null array, as Redis does for lists and
/// sorted sets.
pub fn block_or(ctx: &mut Ctx, keys: Vec<Bytes>, timeout: &[u8], attempt: impl FnOnce(&mut Ctx) -> Reply) -> Reply {
    let timeout = match parse_timeout(timeout) {
        Ok(t) => t,
        Err(e) => return e.into(),
    };
    let reply = attempt(ctx);
    if !nothing_yet(ctx, &reply) {
        return reply;
    }
    block(ctx, keys, timeout, Reply::NullArray);
    reply
}

/// Parks `client` after its command asked to block. Returns the deadline the
/// connection should wake up at (None = no timeout).
pub fn park(sh: &mut Shared, client: &mut Client, args: &[Bytes], req: BlockRequest) {
    let db = client.db;
    for k in &req.keys {
        let q = sh.blocking.queues.entry((db, k.clone())).or_default();
        if !q.contains(&client.id) {
            q.push_back(client.id);
            sh.ks.block_on(db, k);
        }
    }
    sh.blocking.clients.insert(
        client.id,
        BlockedClient {
            db,
            resp: client.resp,
            addr: client.addr.clone(),
            cref: req.cref,
            args: req.args.unwrap_or_else(|| args.to_vec()),
            keys: req.keys,
            on_timeout: req.on_timeout,
            tx: client.tx.clone(),
            since: Instant::now(),
        },
    );
    client.block_deadline = req.timeout.map(|t| Instant::now() + t);
    client.blocked = true;
}

/// Forgets a blocked client (served, timed out, unblocked or gone).
pub fn unpark(sh: &mut Shared, id: ClientId) -> Option<BlockedClient> {
    let b = sh.blocking.clients.remove(&id)?;
    for k in &b.keys {
        let qk = (b.db, k.clone());
        if let Some(q) = sh.blocking.queues.get_mut(&qk) {
            q.retain(|c| *c != id);
            if q.is_empty() {
                sh.blocking.queues.remove(&qk);
            }
        }
        sh.ks.unblock_on(b.db, k);
    }
    Some(b)
}

/// Ends a wait early with `reply` (timeout, CLIENT UNBLOCK). False if the
/// client was not blocked (already served: its reply is on the way).
pub fn finish(sh: &mut Shared, id: ClientId, reply: Option<Reply>) -> bool {
    let Some(b) = unpark(sh, id) else { return false };
    let reply = reply.unwrap_or(b.on_timeout);
    let _ = b.tx.send(ConnMsg::Unblocked(reply.to_bytes(b.resp)));
    true
}

/// Serves waiters on every key made ready since the last call, FIFO per key,
/// until no more keys are ready (serving a BLMOVE can make another key ready).
pub fn serve_ready(srv: &Server, sh: &mut Shared) {
    while sh.ks.has_ready_keys() {
        for (db, key) in sh.ks.take_ready_keys() {
            let qk = (db, Bytes::copy_from_slice(&key));
            let waiters: Vec<ClientId> = match sh.blocking.queues.get(&qk) {
                Some(q) => q.iter().copied().collect(),
                None => continue,
            };
            for id in waiters {
                serve_one(srv, sh, id);
            }
        }
    }
}

/// Re-runs one waiter's command on its behalf; if it completes, the reply is
/// handed to its connection and the client leaves every queue.
fn serve_one(srv: &Server, sh: &mut Shared, id: ClientId) {
    let Some(b) = sh.blocking.clients.get(&id) else { return };
    let (cref, args, db, resp, addr, tx) = (b.cref, b.args.clone(), b.db, b.resp, b.addr.clone(), b.tx.clone());
    let mut stand_in = Client::new(id, addr, String::new(), 0, tx);
    stand_in.db = db;
    stand_in.resp = resp;
    stand_in.authenticated = true;
    stand_in.serving_blocked = true;
    let reply = call(srv, sh, &mut stand_in, cref, &args, true);
    if stand_in.pending_block.take().is_some() {
        // Still nothing for it (another waiter took the element): keep its place.
        return;
    }
    if let Some(b) = unpark(sh, id) {
        let mut out = BytesMut::new();
        for p in stand_in.self_push.drain(..) {
            out.extend_from_slice(&p);
        }
        reply.encode(b.resp, &mut out);
        let _ = b.tx.send(ConnMsg::Unblocked(out.freeze()));
    }
}

pub const UNBLOCKED_ERROR: ErrorReply = ErrorReply::new_static("UNBLOCKED client unblocked via CLIENT UNBLOCK");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout(b"0").unwrap(), None);
        assert_eq!(parse_timeout(b"0.5").unwrap(), Some(Duration::from_millis(500)));
        assert_eq!(parse_timeout(b"-1").unwrap_err().as_str(), "ERR timeout is negative");
        assert_eq!(parse_timeout(b"abc").unwrap_err().as_str(), "ERR timeout is not a float or out of range");
        assert_eq!(parse_timeout(b"inf").unwrap_err().as_str(), "ERR timeout is out of range");
        assert_eq!(parse_timeout(b"1e20").unwrap_err().as_str(), "ERR timeout is out of range");
    }
}
