//! `gears-store`: the keyspace and its value types, with no I/O and no RESP.
//!
//! The server owns one [`Keyspace`] behind its single lock. Every write goes
//! through a [`WriteGuard`], which invalidates WATCH, bumps the dirty counter
//! and records keyspace events into one internal stream ([`KeyEvent`]s) that
//! pub/sub notifications (and later the Gears engine) consume.

pub mod dict;
pub mod glob;
pub mod key;
pub mod keyspace;
pub mod notify;
pub mod value;

pub use dict::{Dict, Key};
pub use keyspace::{entry, AccessTracking, ClientId, Db, Entry, EvictScore, Keyspace, KeyspaceStats, WriteGuard};
pub use notify::KeyEvent;
pub use value::{parse_canonical_i64, Str, Value};
