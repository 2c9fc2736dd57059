//! `gears-resp`: the Redis wire protocol, with nothing of ours in it.
//!
//! - [`Parser`] turns bytes from a client into commands (multibulk or inline),
//!   incrementally and with Redis's limits and protocol errors.
//! - [`Reply`] is what a command answers; it encodes itself as RESP2 or RESP3.
//! - [`ErrorReply`] carries error text, which must match Redis byte for byte.

mod double;
mod error;
mod inline;
mod parse;
mod reply;

pub use double::format_double;
pub use error::{sanitize, ErrorReply};
pub use inline::split_args;
pub use parse::{Args, Limits, Parser, ProtocolError, INLINE_MAX};
pub use reply::Reply;
