//! Error replies. The text is API: it must match Redis byte for byte, because
//! clients pick their exception class from the first word (`WRONGTYPE`, `MOVED`, ...).

use std::borrow::Cow;
use std::fmt;

/// The text of an error reply without the leading `-`, e.g. `ERR syntax error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReply(Cow<'static, str>);

impl ErrorReply {
    /// A complete error text that already starts with its code (`ERR`, `WRONGTYPE`, ...).
    pub const fn new_static(s: &'static str) -> Self {
        ErrorReply(Cow::Borrowed(s))
    }
    /// A complete error text that already starts with its code.
    pub fn new(s: impl Into<String>) -> Self {
        ErrorReply(Cow::Owned(s.into()))
    }
    /// `ERR <msg>`.
    pub fn err(msg: impl fmt::Display) -> Self {
        ErrorReply(Cow::Owned(format!("ERR {msg}")))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The first word (`ERR`, `WRONGTYPE`, ...), as counted by INFO errorstats.
    pub fn code(&self) -> &str {
        self.0.split(' ').next().unwrap_or("ERR")
    }

    pub const fn syntax() -> Self {
        Self::new_static("ERR syntax error")
    }
    pub const fn wrong_type() -> Self {
        Self::new_static("WRONGTYPE Operation against a key holding the wrong kind of value")
    }
    pub const fn not_integer() -> Self {
        Self::new_static("ERR value is not an integer or out of range")
    }
    pub const fn not_float() -> Self {
        Self::new_static("ERR value is not a valid float")
    }
    pub const fn overflow() -> Self {
        Self::new_static("ERR increment or decrement would overflow")
    }
    pub const fn no_such_key() -> Self {
        Self::new_static("ERR no such key")
    }
    pub const fn out_of_range() -> Self {
        Self::new_static("ERR index out of range")
    }
    pub const fn db_index_out_of_range() -> Self {
        Self::new_static("ERR DB index is out of range")
    }
    pub const fn invalid_expire(cmd: &'static str) -> InvalidExpire {
        InvalidExpire(cmd)
    }
    pub fn wrong_arity(cmd: &str) -> Self {
        Self::err(format_args!("wrong number of arguments for '{}' command", cmd.to_ascii_lowercase()))
    }
    pub fn unknown_command(name: &[u8], args: &[bytes::Bytes]) -> Self {
        let mut s = String::from("ERR unknown command '");
        s.push_str(&sanitize(name, 128));
        s.push_str("', with args beginning with: ");
        // Redis stops adding arguments once their text reaches 128 bytes.
        let mut listed = String::new();
        for a in args {
            if listed.len() >= 128 {
                break;
            }
            listed.push('\'');
            listed.push_str(&sanitize(a, 128 - listed.len()));
            listed.push_str("' ");
        }
        s.push_str(&listed);
        ErrorReply::new(s)
    }
    pub fn unknown_subcommand(sub: &[u8], cmd: &str) -> Self {
        Self::err(format_args!(
            "unknown subcommand '{}'. Try {}.",
            sanitize(sub, 128),
            cmd.to_ascii_uppercase() + " HELP"
        ))
    }
    pub fn protocol(msg: &str) -> Self {
        Self::err(format_args!("Protocol error: {msg}"))
    }
}

/// Helper to build "invalid expire time in 'set' command".
pub struct InvalidExpire(&'static str);
impl From<InvalidExpire> for ErrorReply {
    fn from(i: InvalidExpire) -> Self {
        ErrorReply::err(format_args!("invalid expire time in '{}' command", i.0))
    }
}

impl fmt::Display for ErrorReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Redis shows user bytes in errors truncated and with newlines replaced, so
/// an error reply can never break the protocol.
pub fn sanitize(b: &[u8], max: usize) -> String {
    let b = &b[..b.len().min(max)];
    String::from_utf8_lossy(b).chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c }).collect()
}
