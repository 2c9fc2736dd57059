//! Per-connection client state, and the registry through which clients see
//! each other (CLIENT LIST/KILL, pub/sub delivery, MONITOR).
//!
//! The connection task owns its `Client`; the registry holds a `ClientInfo`
//! copy that the connection refreshes after every batch, plus the channel
//! used to hand it out-of-band data (pub/sub messages, monitor lines, kill).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use gears_store::ClientId;
use tokio::sync::mpsc::UnboundedSender;

use crate::command::CommandRef;

/// Messages to a connection task from elsewhere.
#[derive(Debug)]
pub enum ConnMsg {
    /// Bytes already encoded for that client's protocol.
    Push(Bytes),
    /// CLIENT KILL: close after flushing what is pending.
    Kill,
    /// A blocking command finished (served, timed out or unblocked): its
    /// reply, encoded for the client's protocol.
    Unblocked(Bytes),
}

/// Output queued for a client but not yet written to its socket (pub/sub
/// messages, MONITOR lines), shared by whoever queues it and the connection
/// that writes it, so client-output-buffer-limit can be enforced.
#[derive(Debug, Default)]
pub struct OutBuf {
    pub pending: AtomicUsize,
    /// When pending output first went over the soft limit (unix ms, 0 = not over).
    soft_since_ms: AtomicU64,
    /// Closing for overcoming its output buffer limits; nothing more is queued.
    pub over_limit: AtomicBool,
    /// Wakes the connection even while it is stuck writing to a client that
    /// does not read (a Kill message behind the stuck write would never be seen).
    pub kill: tokio::sync::Notify,
}

/// Clients disconnected for overcoming their output buffer limit (INFO stats).
pub static OUTPUT_LIMIT_DISCONNECTIONS: AtomicU64 = AtomicU64::new(0);

impl OutBuf {
    /// The connection wrote `n` queued bytes.
    pub fn written(&self, n: usize) {
        self.pending.fetch_sub(n.min(self.pending.load(Ordering::Relaxed)), Ordering::Relaxed);
    }
}

/// Queues `bytes` for a client unless that puts it over its class's limit,
/// in which case the client is closed (Redis's "scheduled to be closed ASAP
/// for overcoming of output buffer limits") and the bytes are dropped.
pub fn queue_push(info: &ClientInfo, limit: crate::config::OutputLimit, bytes: Bytes) {
    let out = &info.out;
    if out.over_limit.load(Ordering::Relaxed) {
        return;
    }
    let pending = out.pending.fetch_add(bytes.len(), Ordering::Relaxed) + bytes.len();
    let mut over = limit.hard > 0 && pending as u64 > limit.hard;
    if !over && limit.soft > 0 && pending as u64 > limit.soft {
        let now = crate::state::unix_ms();
        let since = out.soft_since_ms.load(Ordering::Relaxed);
        if since == 0 {
            out.soft_since_ms.store(now, Ordering::Relaxed);
        } else if now.saturating_sub(since) / 1000 >= limit.soft_secs {
            over = true;
        }
    } else if !over {
        out.soft_since_ms.store(0, Ordering::Relaxed);
    }
    if over {
        out.over_limit.store(true, Ordering::Relaxed);
        OUTPUT_LIMIT_DISCONNECTIONS.fetch_add(1, Ordering::Relaxed);
        out.kill.notify_one();
        let _ = info.tx.send(ConnMsg::Kill);
        return;
    }
    let _ = info.tx.send(ConnMsg::Push(bytes));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    On,
    Off,
    /// Skip the reply of the next command only.
    Skip,
}

pub struct MultiState {
    pub queued: Vec<(CommandRef, Vec<Bytes>)>,
    /// A command was rejected while queueing: EXEC must answer EXECABORT.
    pub aborted: bool,
}

pub struct WatchedKey {
    pub db: usize,
    pub key: Bytes,
    /// Already expired when watched: its later reclamation is not a change.
    pub expired_at_watch: bool,
}

pub struct Client {
    pub id: ClientId,
    pub addr: String,
    pub laddr: String,
    pub db: usize,
    /// 2 or 3 (HELLO).
    pub resp: u8,
    pub authenticated: bool,
    pub name: Option<Bytes>,
    pub lib_name: Option<Bytes>,
    pub lib_ver: Option<Bytes>,
    pub multi: Option<MultiState>,
    pub watched: Vec<WatchedKey>,
    pub channels: HashSet<Bytes>,
    pub patterns: HashSet<Bytes>,
    pub shard_channels: HashSet<Bytes>,
    pub reply_mode: ReplyMode,
    pub no_evict: bool,
    pub no_touch: bool,
    pub monitor: bool,
    /// Close the connection once the current replies are written (QUIT, kill).
    pub close_after_reply: bool,
    pub created_ms: u64,
    pub last_cmd: &'static str,
    pub tx: UnboundedSender<ConnMsg>,
    /// Pushes for this very client produced while it runs a command (it
    /// published to a channel it is subscribed to): written before the reply.
    pub self_push: Vec<Bytes>,
    /// Set by a handler that must wait (see blocking.rs); taken by dispatch.
    pub pending_block: Option<crate::blocking::BlockRequest>,
    /// Parked in a blocking command: input is buffered, not run.
    pub blocked: bool,
    /// When the parked command times out.
    pub block_deadline: Option<std::time::Instant>,
    /// Running the commands of an EXEC: blocking commands must not block.
    pub in_exec: bool,
    /// A stand-in client re-running a parked command for its owner.
    pub serving_blocked: bool,
    /// The client Gears executions run their commands as.
    pub is_gears: bool,
    /// Queued out-of-band output (see OutBuf).
    pub out: Arc<OutBuf>,
}

impl Client {
    pub fn new(id: ClientId, addr: String, laddr: String, now_ms: u64, tx: UnboundedSender<ConnMsg>) -> Self {
        Client {
            id,
            addr,
            laddr,
            db: 0,
            resp: 2,
            authenticated: false,
            name: None,
            lib_name: None,
            lib_ver: None,
            multi: None,
            watched: Vec::new(),
            channels: HashSet::new(),
            patterns: HashSet::new(),
            shard_channels: HashSet::new(),
            reply_mode: ReplyMode::On,
            no_evict: false,
            no_touch: false,
            monitor: false,
            close_after_reply: false,
            created_ms: now_ms,
            last_cmd: "NULL",
            tx,
            self_push: Vec::new(),
            pending_block: None,
            blocked: false,
            block_deadline: None,
            in_exec: false,
            serving_blocked: false,
            is_gears: false,
            out: Arc::new(OutBuf::default()),
        }
    }

    pub fn subscriptions(&self) -> usize {
        self.channels.len() + self.patterns.len()
    }

    /// RESP2 subscribed mode restricts the commands a client may send.
    pub fn in_pubsub_context(&self) -> bool {
        self.resp == 2 && (self.subscriptions() + self.shard_channels.len()) > 0
    }

    /// The state behind CLIENT LIST's `flags` field (rendered only when listed).
    pub fn flags(&self) -> ClientFlags {
        ClientFlags {
            monitor: self.monitor,
            pubsub: self.subscriptions() + self.shard_channels.len() > 0,
            multi: self.multi.is_some(),
            close_asap: self.close_after_reply,
            no_evict: self.no_evict,
            no_touch: self.no_touch,
        }
    }
}

/// CLIENT LIST flags, kept as bits so refreshing the registry after every
/// batch allocates nothing.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientFlags {
    pub monitor: bool,
    pub pubsub: bool,
    pub multi: bool,
    pub close_asap: bool,
    pub no_evict: bool,
    pub no_touch: bool,
}

impl std::fmt::Display for ClientFlags {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut any = false;
        for (on, c) in [
            (self.monitor, 'O'),
            (self.pubsub, 'P'),
            (self.multi, 'x'),
            (self.close_asap, 'c'),
            (self.no_evict, 'e'),
            (self.no_touch, 'T'),
        ] {
            if on {
                write!(f, "{c}")?;
                any = true;
            }
        }
        if !any {
            write!(f, "N")?;
        }
        Ok(())
    }
}

/// What other clients may know about a client.
#[derive(Clone)]
pub struct ClientInfo {
    pub id: ClientId,
    pub addr: String,
    pub laddr: String,
    pub name: Option<Bytes>,
    pub lib_name: Option<Bytes>,
    pub lib_ver: Option<Bytes>,
    pub db: usize,
    pub resp: u8,
    pub created_ms: u64,
    pub last_interaction_ms: u64,
    pub last_cmd: &'static str,
    pub flags: ClientFlags,
    pub sub: usize,
    pub psub: usize,
    pub ssub: usize,
    pub multi: i64,
    pub watch: usize,
    pub qbuf: usize,
    pub omem: usize,
    pub tx: UnboundedSender<ConnMsg>,
    pub out: Arc<OutBuf>,
}

impl ClientInfo {
    /// The client-output-buffer-limit class: pubsub while subscribed, else normal.
    pub fn output_class(&self) -> usize {
        if self.sub + self.psub + self.ssub > 0 {
            crate::config::CLASS_PUBSUB
        } else {
            crate::config::CLASS_NORMAL
        }
    }

    pub fn from_client(c: &Client, now_ms: u64) -> Self {
        ClientInfo {
            id: c.id,
            addr: c.addr.clone(),
            laddr: c.laddr.clone(),
            name: c.name.clone(),
            lib_name: c.lib_name.clone(),
            lib_ver: c.lib_ver.clone(),
            db: c.db,
            resp: c.resp,
            created_ms: c.created_ms,
            last_interaction_ms: now_ms,
            last_cmd: c.last_cmd,
            flags: c.flags(),
            sub: c.channels.len(),
            psub: c.patterns.len(),
            ssub: c.shard_channels.len(),
            multi: c.multi.as_ref().map(|m| m.queued.len() as i64).unwrap_or(-1),
            watch: c.watched.len(),
            qbuf: 0,
            omem: 0,
            tx: c.tx.clone(),
            out: c.out.clone(),
        }
    }

    /// Refreshes the fields that change while a client runs commands.
    pub fn refresh(&mut self, c: &Client, now_ms: u64, qbuf: usize) {
        self.db = c.db;
        self.resp = c.resp;
        self.last_interaction_ms = now_ms;
        self.last_cmd = c.last_cmd;
        self.flags = c.flags();
        self.sub = c.channels.len();
        self.psub = c.patterns.len();
        self.ssub = c.shard_channels.len();
        self.multi = c.multi.as_ref().map(|m| m.queued.len() as i64).unwrap_or(-1);
        self.watch = c.watched.len();
        self.qbuf = qbuf;
        if self.name != c.name {
            self.name = c.name.clone();
        }
        if self.lib_name != c.lib_name {
            self.lib_name = c.lib_name.clone();
        }
        if self.lib_ver != c.lib_ver {
            self.lib_ver = c.lib_ver.clone();
        }
    }

    /// One line of CLIENT LIST / CLIENT INFO, in Redis's field order.
    pub fn list_line(&self, now_ms: u64) -> String {
        let s = |b: &Option<Bytes>| b.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
        format!(
            "id={} addr={} laddr={} fd=8 name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} multi={} qbuf={} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem={} tot-mem={} events=r cmd={} user=default redir=-1 resp={} lib-name={} lib-ver={}",
            self.id,
            self.addr,
            self.laddr,
            s(&self.name),
            now_ms.saturating_sub(self.created_ms) / 1000,
            now_ms.saturating_sub(self.last_interaction_ms) / 1000,
            self.flags,
            self.db,
            self.sub,
            self.psub,
            self.ssub,
            self.multi,
            self.qbuf,
            self.out.pending.load(Ordering::Relaxed),
            16384 + self.qbuf + self.out.pending.load(Ordering::Relaxed),
            self.last_cmd,
            self.resp,
            s(&self.lib_name),
            s(&self.lib_ver),
        )
    }
}

#[derive(Default)]
pub struct Clients {
    pub map: HashMap<ClientId, ClientInfo>,
    pub monitors: Vec<ClientId>,
}

impl Clients {
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}
