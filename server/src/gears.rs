//! The server side of the Gears engine: the `Host` the engine reaches the
//! keyspace through, and starting the engine with the configured settings.
//!
//! Gears commands run as a stand-in client (one per engine thread) in db 0,
//! through the same `dispatch::call` as network clients, so stats, keyspace
//! events, WATCH and blocked-client wake-ups all happen as for any command.
//! Inside MULTI-like contexts blocking commands do not block: that client is
//! marked `in_exec`.

use std::cell::RefCell;
use std::sync::Arc;

use bytes::Bytes;
use gears_engine::{CallError, Host, KeyRecord, KeyValue, LogLevel};
use gears_resp::Reply;
use gears_store::glob::glob_match;
use gears_store::{Entry, Value};

use crate::client::Client;
use crate::command::flags;
use crate::dispatch::Unresolved;
use crate::state::{Server, Shared};

pub struct ServerHost {
    srv: Arc<Server>,
}

thread_local! {
    static GEARS_CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

fn with_client<R>(f: impl FnOnce(&mut Client) -> R) -> R {
    GEARS_CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let client = c.get_or_insert_with(|| {
            let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
            let mut cl = Client::new(0, "gears".into(), String::new(), crate::state::unix_ms(), tx);
            cl.authenticated = true;
            cl.in_exec = true;
            cl.is_gears = true;
            cl
        });
        client.db = 0;
        f(client)
    })
}

/// The value a KeysReader record carries, as RedisGears 1.2 reads it.
fn record_value(e: &Entry) -> KeyValue {
    match &e.value {
        Value::Str(s) => KeyValue::String(s.to_bytes()),
        Value::List(l) => KeyValue::List(l.iter().map(|x| x.to_bytes()).collect()),
        Value::Hash(h) => {
            KeyValue::Hash(h.iter().map(|(f, v)| (Bytes::copy_from_slice(f), Bytes::copy_from_slice(v))).collect())
        }
        Value::Set(_) => KeyValue::Other("set"),
        Value::ZSet(_) => KeyValue::Other("zset"),
        // RedisGears 1.2 has no stream case: it reports 'unknown'.
        Value::Stream(_) => KeyValue::Other("unknown"),
    }
}

impl ServerHost {
    pub fn new(srv: Arc<Server>) -> ServerHost {
        ServerHost { srv }
    }

    fn with_shared<R>(&self, locked: bool, f: impl FnOnce(&mut Shared) -> R) -> R {
        if locked {
            // SAFETY: this thread holds the lock (taken by `lock` for an
            // atomic() block and not yet released), so no one else touches it.
            f(unsafe { &mut *self.srv.shared.data_ptr() })
        } else {
            f(&mut self.srv.shared.lock())
        }
    }
}

impl Host for ServerHost {
    fn call(&self, args: &[Bytes], locked: bool) -> Result<Reply, CallError> {
        let cref = crate::dispatch::resolve(args).map_err(|e| match e {
            Unresolved::Unknown | Unresolved::UnknownSub(_) => CallError::UnknownCommand,
            Unresolved::Arity(_) => CallError::WrongArity,
        })?;
        if cref.spec.has(flags::NOSCRIPT) && !cref.full_name.starts_with("rg.") {
            return Err(CallError::NotAllowed("This Redis command is not allowed from script".into()));
        }
        let srv = &*self.srv;
        Ok(self.with_shared(locked, |sh| {
            with_client(|client| {
                let reply = crate::dispatch::call(srv, sh, client, cref, args, true);
                crate::blocking::serve_ready(srv, sh);
                if !locked {
                    crate::persist::flush(srv, sh);
                }
                reply
            })
        }))
    }

    fn scan(&self, mut cursor: u64, pattern: &[u8], count: usize, read_value: bool) -> (u64, Vec<KeyRecord>) {
        let pattern = if pattern == b"*" { None } else { Some(pattern) };
        let mut sh = self.srv.shared.lock();
        sh.ks.now_ms = crate::state::unix_ms();
        let mut out = Vec::new();
        let mut dead = Vec::new();
        {
            let ks = &sh.ks;
            let dict = ks.db(0).dict();
            let mut steps_left = count.saturating_mul(10);
            loop {
                cursor = dict.scan(cursor, &mut |k: &[u8], e: &Entry| {
                    if pattern.is_some_and(|p| !glob_match(p, k, false)) {
                        return;
                    }
                    if !ks.is_live(0, e) {
                        dead.push(Bytes::copy_from_slice(k));
                        return;
                    }
                    let value = if read_value { Some(Some(record_value(e))) } else { Some(None) };
                    out.push(KeyRecord { key: Bytes::copy_from_slice(k), value });
                });
                if cursor == 0 || steps_left == 0 || out.len() >= count {
                    break;
                }
                steps_left -= 1;
            }
        }
        // Expired keys are reclaimed, never returned (as SCAN does).
        for k in dead {
            sh.ks.lookup(0, &k, false, false);
        }
        crate::pubsub::deliver_keyspace_events(&mut sh, None);
        (cursor, out)
    }

    fn read_key(&self, key: &[u8], read_value: bool) -> KeyRecord {
        let mut sh = self.srv.shared.lock();
        sh.ks.now_ms = crate::state::unix_ms();
        let value = sh.ks.lookup(0, key, false, false).map(|e| if read_value { Some(record_value(e)) } else { None });
        let rec = KeyRecord { key: Bytes::copy_from_slice(key), value };
        crate::pubsub::deliver_keyspace_events(&mut sh, None);
        rec
    }

    fn lock(&self) {
        let mut sh = self.srv.shared.lock();
        // An atomic() block reaches the AOF as one MULTI/EXEC.
        sh.persist.prop.multi_begin();
        std::mem::forget(sh);
    }

    fn unlock(&self) {
        self.with_shared(true, |sh| {
            sh.persist.prop.multi_end();
            crate::persist::flush(&self.srv, sh);
        });
        // SAFETY: called by the thread that took the lock in `lock`.
        unsafe { self.srv.shared.force_unlock() };
    }

    fn log(&self, level: LogLevel, msg: &str) {
        let l = &self.srv.logger;
        match level {
            LogLevel::Debug => l.debug(msg),
            LogLevel::Verbose => l.verbose(msg),
            LogLevel::Notice => l.notice(msg),
            LogLevel::Warning => l.warning(msg),
        }
    }
}

/// Starts the engine (Python and its threads) with the `gears-config` settings.
pub fn start(srv: &Arc<Server>) -> Result<(), String> {
    let mut config = gears_engine::GearsConfig::default();
    let args = srv.shared.lock().config.gears_args.clone();
    config.apply_startup(&args)?;
    gears_engine::start(Arc::new(ServerHost::new(srv.clone())), config)?;
    Ok(())
}
