//! The `Host` trait: the only way the engine reaches the keyspace. The server
//! implements it; the engine never sees the server's types.
//!
//! Every method takes the keyspace lock itself for a short span, except when
//! the calling thread already holds it through `atomic()` (`locked`). The
//! engine calls these with the GIL released (DESIGN §2: never wait for the
//! keyspace lock while holding the GIL).

use bytes::Bytes;
use gears_resp::Reply;

/// A key's value as a KeysReader record carries it.
pub enum KeyValue {
    String(Bytes),
    List(Vec<Bytes>),
    Hash(Vec<(Bytes, Bytes)>),
    /// Types whose value RedisGears 1.2 does not read (set, zset, module),
    /// with their TYPE name; streams report 'unknown'.
    Other(&'static str),
}

pub struct KeyRecord {
    pub key: Bytes,
    /// None: the key does not exist (type 'empty'). `Some(None)`: exists,
    /// value not read (readValue=False).
    pub value: Option<Option<KeyValue>>,
}

/// Why a command could not run at all (RedisModule_Call's errno cases).
pub enum CallError {
    /// RM_Call: ENOENT.
    UnknownCommand,
    /// RM_Call: EINVAL.
    WrongArity,
    /// A command that may not run from a Gears execution.
    NotAllowed(String),
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum LogLevel {
    Debug,
    Verbose,
    Notice,
    Warning,
}

pub trait Host: Send + Sync + 'static {
    /// Runs one command as the Gears client in db 0. `locked`: this thread
    /// already holds the keyspace lock (inside `atomic()`).
    fn call(&self, args: &[Bytes], locked: bool) -> Result<Reply, CallError>;
    /// One SCAN step over db 0 (Redis's cursor guarantees), reading values
    /// when asked. Expired keys are never returned.
    fn scan(&self, cursor: u64, pattern: &[u8], count: usize, read_value: bool) -> (u64, Vec<KeyRecord>);
    /// One key by exact name (noScan), present or not.
    fn read_key(&self, key: &[u8], read_value: bool) -> KeyRecord;
    /// Takes the keyspace lock for an `atomic()` block; `unlock` releases it.
    fn lock(&self);
    /// # Safety contract
    /// Only called by the thread that called `lock`.
    fn unlock(&self);
    fn log(&self, level: LogLevel, msg: &str);
}
