//! `gears-store`: the keyspace and its value types, with no I/O and no RESP.
//!
//! The server owns one [`Keyspace`] behind its single lock. Every write goes
//! through a [`WriteGuard`], which invalidates WATCH, bumps the dirty counter
//! and records keyspace events into one internal stream ([`KeyEvent`]s) that
//! pub/sub notifications (and later the Gears engine) consume.

pub mod dict;
pub mod glob;
pub mod hash;
pub mod hyperloglog;
pub mod key;
pub mod keyspace;
pub mod list;
pub mod notify;
pub mod set;
pub mod stream;
pub mod value;
pub mod zset;

pub use dict::{Dict, Key};
pub use hash::Hash;
pub use keyspace::{entry, AccessTracking, ClientId, Db, Entry, EvictScore, Keyspace, KeyspaceStats, WriteGuard};
pub use list::List;
pub use notify::KeyEvent;
pub use set::Set;
pub use stream::Stream;
pub use value::{parse_canonical_i64, Str, Value};
pub use zset::ZSet;
