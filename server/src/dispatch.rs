//! The one gate every command passes, in the order of Redis's processCommand:
//! lookup, arity, auth, (cluster redirect: later), OOM, pub/sub context,
//! MULTI queueing, then `call` (run, stats, slowlog, monitors, keyspace
//! notifications). A rejection inside MULTI makes EXEC answer EXECABORT.

use std::time::Instant;

use bytes::{Bytes, BytesMut};
use gears_resp::{ErrorReply, Reply};

use crate::client::{Client, ReplyMode};
use crate::command::{flags, registry, CommandRef};
use crate::state::{unix_ms, unix_us, Server, Shared, SlowEntry};

/// What a handler sees: the locked state, its client, and the server.
pub struct Ctx<'a> {
    pub srv: &'a Server,
    pub sh: &'a mut Shared,
    pub client: &'a mut Client,
    pub cmd: CommandRef,
    /// What to propagate (AOF, replicas) instead of the command as received,
    /// when it is not deterministic on replay (relative TTLs, random picks,
    /// auto IDs). None: the command itself, if it changed the dataset.
    pub propagate: Option<Vec<Vec<Bytes>>>,
}

impl Ctx<'_> {
    /// The client's selected database.
    pub fn db(&self) -> usize {
        self.client.db
    }

    /// Looks a key up for reading in the selected db: lazily expires it,
    /// counts a keyspace hit/miss and touches LRU/LFU (unless CLIENT NO-TOUCH).
    pub fn read(&mut self, key: &[u8]) -> Option<&gears_store::Entry> {
        let touch = !self.client.no_touch;
        self.sh.ks.lookup(self.client.db, key, touch, true)
    }

    /// Propagates `argv` in place of this command (call it again to add
    /// more). A handler that calls this for some outcomes must call it for
    /// every outcome that changed the dataset.
    pub fn propagate_as(&mut self, argv: Vec<Bytes>) {
        self.propagate.get_or_insert_with(Vec::new).push(argv);
    }

    /// Propagates exactly `cmds` for this call (nothing if empty), even
    /// though it changed the dataset.
    pub fn propagate_exactly(&mut self, cmds: Vec<Vec<Bytes>>) {
        self.propagate = Some(cmds);
    }

    /// The WriteGuard for `key` in the selected db: the only way to change it.
    pub fn write<'k>(&'k mut self, key: &'k [u8]) -> gears_store::WriteGuard<'k> {
        self.sh.ks.write(self.client.db, key)
    }
}

const NOAUTH: ErrorReply = ErrorReply::new_static("NOAUTH Authentication required.");

/// Runs one command and appends its reply (if any) to `out`.
pub fn process(srv: &Server, sh: &mut Shared, client: &mut Client, args: &[Bytes], out: &mut BytesMut) {
    let skip_this = client.reply_mode == ReplyMode::Skip;
    if skip_this {
        client.reply_mode = ReplyMode::On;
    }
    let reply = gate(srv, sh, client, args);
    for p in client.self_push.drain(..) {
        out.extend_from_slice(&p);
    }
    if let Some(req) = client.pending_block.take() {
        // The reply comes when the wait ends (see blocking.rs).
        crate::blocking::park(sh, client, args, req);
        crate::blocking::serve_ready(srv, sh);
        return;
    }
    // Writes by this command may serve clients blocked on those keys; never
    // in the middle of a MULTI/EXEC, which is one top-level command.
    crate::blocking::serve_ready(srv, sh);
    if client.blocked {
        // A deferred reply (Gears): it arrives as ConnMsg::Unblocked.
        return;
    }
    match client.reply_mode {
        // CLIENT REPLY OFF/SKIP suppress their own reply too.
        ReplyMode::Off | ReplyMode::Skip => {}
        ReplyMode::On if skip_this => {}
        ReplyMode::On => reply.encode(client.resp, out),
    }
}

fn gate(srv: &Server, sh: &mut Shared, client: &mut Client, args: &[Bytes]) -> Reply {
    let cref = match resolve(args) {
        Ok(c) => c,
        Err(Unresolved::Unknown) => {
            return reject(sh, client, None, ErrorReply::unknown_command(&args[0], &args[1..]));
        }
        Err(Unresolved::UnknownSub(c)) => {
            let e = ErrorReply::unknown_subcommand(&args[1], c.spec.name);
            return reject(sh, client, Some(c), e);
        }
        Err(Unresolved::Arity(c)) => return reject(sh, client, Some(c), ErrorReply::wrong_arity(c.full_name)),
    };
    let spec = cref.spec;
    if !client.authenticated && !spec.has(flags::NO_AUTH) {
        return reject(sh, client, Some(cref), NOAUTH);
    }
    if sh.config.maxmemory > 0 {
        let in_multi_queueing = client.multi.is_some() && !spec.has(flags::MULTI_CONTROL);
        let exec_denyoom = cref.full_name == "exec"
            && client.multi.as_ref().is_some_and(|m| m.queued.iter().any(|(c, _)| c.spec.has(flags::DENYOOM)));
        let oom = !crate::memory::perform_evictions(sh);
        if oom && (spec.has(flags::DENYOOM) || in_multi_queueing || exec_denyoom) {
            return reject(sh, client, Some(cref), crate::memory::OOM);
        }
    }
    if let Some(e) = crate::persist::disk_error(sh) {
        let is_write = spec.has(flags::WRITE)
            || (cref.full_name == "exec"
                && client.multi.as_ref().is_some_and(|m| m.queued.iter().any(|(c, _)| c.spec.has(flags::WRITE))));
        if is_write || cref.full_name == "ping" {
            return reject(sh, client, Some(cref), e);
        }
    }
    if sh.persist.loading.is_some() && !spec.has(flags::LOADING) {
        return reject(sh, client, Some(cref), crate::persist::LOADING_ERR);
    }
    if client.in_pubsub_context() && !spec.has(flags::PUBSUB_CONTEXT) {
        let e = ErrorReply::err(format_args!(
            "Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            cref.full_name
        ));
        return reject(sh, client, Some(cref), e);
    }
    if let Some(m) = client.multi.as_mut() {
        if !spec.has(flags::MULTI_CONTROL) {
            if spec.has(flags::NO_MULTI) {
                let e = ErrorReply::new_static("ERR Command not allowed inside a transaction");
                return reject(sh, client, Some(cref), e);
            }
            m.queued.push((cref, args.to_vec()));
            return Reply::status("QUEUED");
        }
    }
    call(srv, sh, client, cref, args, true)
}

/// Why `resolve` found no runnable command.
pub enum Unresolved {
    Unknown,
    /// The container exists, the subcommand does not.
    UnknownSub(CommandRef),
    Arity(CommandRef),
}

/// The command (or subcommand) `args` names, with its arity checked.
pub fn resolve(args: &[Bytes]) -> Result<CommandRef, Unresolved> {
    let reg = registry();
    let mut cref = reg.lookup(&args[0]).ok_or(Unresolved::Unknown)?;
    // A container with no subcommand falls through to its own arity check:
    // CONFIG (arity -2) then fails, bare COMMAND (arity -1) runs.
    if !cref.spec.subcommands.is_empty() && args.len() >= 2 {
        cref = reg.lookup_sub(cref.spec.name, &args[1]).ok_or(Unresolved::UnknownSub(cref))?;
    }
    let n = args.len() as i32;
    if (cref.spec.arity > 0 && n != cref.spec.arity) || n < -cref.spec.arity {
        return Err(Unresolved::Arity(cref));
    }
    Ok(cref)
}

/// A command refused before running: counted as rejected, and it poisons an
/// open transaction. A refused EXEC discards the transaction.
fn reject(sh: &mut Shared, client: &mut Client, cref: Option<CommandRef>, err: ErrorReply) -> Reply {
    if let Some(c) = cref {
        sh.stats.commands[c.idx].rejected_calls += 1;
    }
    let is_exec = cref.is_some_and(|c| c.full_name == "exec");
    let err = if is_exec && client.multi.is_some() {
        crate::commands::transactions::discard_transaction(sh, client);
        ErrorReply::new(format!("EXECABORT Transaction discarded because of: {}", err.as_str()))
    } else {
        if let Some(m) = client.multi.as_mut() {
            m.aborted = true;
        }
        err
    };
    sh.stats.count_error(err.code());
    Reply::Error(err)
}

/// Runs an admitted command: the handler, then stats, slowlog, latency,
/// MONITOR feed and keyspace notifications. `stamp_time` is false inside
/// EXEC, which sees one instant for the whole transaction.
pub fn call(
    srv: &Server,
    sh: &mut Shared,
    client: &mut Client,
    cref: CommandRef,
    args: &[Bytes],
    stamp_time: bool,
) -> Reply {
    let start = Instant::now();
    if stamp_time {
        sh.ks.now_ms = sh.clock.unix_ms_at(start);
    }
    let dirty_before = sh.ks.dirty;
    let db = client.db;
    let (reply, rewritten) = {
        let mut ctx = Ctx { srv, sh: &mut *sh, client: &mut *client, cmd: cref, propagate: None };
        let reply = (cref.spec.handler)(&mut ctx, args);
        (reply, ctx.propagate)
    };
    if sh.persist.prop.enabled {
        propagate(sh, cref, db, args, rewritten, dirty_before);
    }
    let usec = start.elapsed().as_micros() as u64;
    let spec = cref.spec;
    let st = &mut sh.stats.commands[cref.idx];
    st.calls += 1;
    st.usec += usec;
    if let Reply::Error(e) = &reply {
        st.failed_calls += 1;
        sh.stats.count_error(e.code());
    }
    sh.stats.total_commands_processed += 1;
    client.last_cmd = cref.full_name;

    let threshold = sh.config.slowlog_log_slower_than;
    if threshold >= 0 && usec >= threshold as u64 && !spec.has(flags::SKIP_SLOWLOG) {
        slowlog_add(sh, client, args, usec);
    }
    let lat = sh.config.latency_monitor_threshold;
    if lat > 0 && usec / 1000 >= lat {
        let event = if spec.has(flags::FAST) { "fast-command" } else { "command" };
        sh.latency.add(event, unix_ms() / 1000, usec / 1000);
    }
    if !sh.clients.monitors.is_empty() && !spec.has(flags::SKIP_MONITOR | flags::ADMIN) {
        feed_monitors(sh, client, args);
    }
    crate::pubsub::deliver_keyspace_events(sh, Some(client));
    reply
}

/// Feeds the write stream: keys the server deleted on its own (as DEL,
/// first), then the command (or its rewrite) if it changed the dataset.
fn propagate(
    sh: &mut Shared,
    cref: CommandRef,
    db: usize,
    args: &[Bytes],
    rewritten: Option<Vec<Vec<Bytes>>>,
    dirty_before: u64,
) {
    crate::persist::propagate_deletions(sh);
    let spec = cref.spec;
    if sh.ks.dirty == dirty_before || !spec.has(flags::WRITE | flags::MAY_REPLICATE) || spec.has(flags::MULTI_CONTROL) {
        return;
    }
    match rewritten {
        Some(cmds) => {
            for argv in cmds {
                sh.persist.prop.feed(db, &argv);
            }
        }
        None => sh.persist.prop.feed(db, args),
    }
}

fn slowlog_add(sh: &mut Shared, client: &Client, args: &[Bytes], usec: u64) {
    let max = sh.config.slowlog_max_len as usize;
    if max == 0 {
        return;
    }
    // Like Redis: at most 32 arguments, each cut at 128 bytes.
    let mut kept: Vec<Bytes> = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if i == 31 && args.len() > 32 {
            kept.push(Bytes::from(format!("... ({} more arguments)", args.len() - 31)));
            break;
        }
        if a.len() > 128 {
            let mut b = a[..128].to_vec();
            b.extend_from_slice(format!("... ({} more bytes)", a.len() - 128).as_bytes());
            kept.push(Bytes::from(b));
        } else {
            kept.push(a.clone());
        }
    }
    let id = sh.stats.slowlog_next_id;
    sh.stats.slowlog_next_id += 1;
    sh.slowlog.entries.push_front(SlowEntry {
        id,
        time: unix_ms() / 1000,
        usec,
        args: kept,
        addr: client.addr.clone(),
        name: client.name.clone().unwrap_or_default(),
    });
    sh.slowlog.entries.truncate(max);
}

/// `+1700000000.123456 [0 127.0.0.1:5000] "set" "k" "v"`
fn feed_monitors(sh: &mut Shared, client: &Client, args: &[Bytes]) {
    let us = unix_us();
    let mut line = format!("+{}.{:06} [{} {}]", us / 1_000_000, us % 1_000_000, client.db, client.addr).into_bytes();
    for a in args {
        line.push(b' ');
        repr_into(&mut line, a);
    }
    line.extend_from_slice(b"\r\n");
    let line = Bytes::from(line);
    for id in &sh.clients.monitors {
        if let Some(info) = sh.clients.map.get(id) {
            let limit = sh.config.output_limits[info.output_class()];
            crate::client::queue_push(info, limit, line.clone());
        }
    }
}

/// Redis's sdscatrepr: a double-quoted, escaped rendering of bytes.
pub fn repr_into(out: &mut Vec<u8>, b: &[u8]) {
    out.push(b'"');
    for &c in b {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            c if c.is_ascii_graphic() || c == b' ' => out.push(c),
            c => out.extend_from_slice(format!("\\x{c:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}
