//! The reply a command produces, and its encoding for RESP2 and RESP3.
//!
//! Handlers build a `Reply` without knowing the client's protocol; the
//! connection encodes it once with the protocol the client negotiated (HELLO).
//! RESP3-only shapes (maps, sets, doubles, booleans, verbatim strings, pushes)
//! degrade to their RESP2 forms exactly as Redis degrades them.

use bytes::{BufMut, Bytes, BytesMut};

use crate::double::format_double;
use crate::error::ErrorReply;

/// One reply value. Build with the constructors below; encode with [`Reply::encode`].
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `+text`: a status reply ("OK", "PONG", "QUEUED", a TYPE name, ...).
    Status(Bytes),
    /// `-CODE text`: an error reply.
    Error(ErrorReply),
    /// `:n`
    Int(i64),
    /// `$len\r\nbytes`
    Bulk(Bytes),
    /// RESP2 `$-1`, RESP3 `_`.
    Null,
    /// RESP2 `*-1`, RESP3 `_`.
    NullArray,
    /// `*n`
    Array(Vec<Reply>),
    /// RESP3 `%n`; a flat array of key, value, ... in RESP2.
    Map(Vec<(Reply, Reply)>),
    /// RESP3 `~n`; an array in RESP2.
    Set(Vec<Reply>),
    /// RESP3 `,d`; a bulk string in RESP2.
    Double(f64),
    /// RESP3 `#t`/`#f`; `:1`/`:0` in RESP2.
    Bool(bool),
    /// RESP3 `=len\r\nfmt:text`; a bulk string in RESP2. `fmt` is three bytes such as `txt`.
    Verbatim(&'static str, Bytes),
    /// RESP3 `>n` out-of-band push; an array in RESP2 (pub/sub messages).
    Push(Vec<Reply>),
    /// Bytes already encoded for the client's protocol, written as they are.
    Raw(Bytes),
}

impl Reply {
    pub fn ok() -> Reply {
        Reply::Status(Bytes::from_static(b"OK"))
    }
    pub fn status(s: &'static str) -> Reply {
        Reply::Status(Bytes::from_static(s.as_bytes()))
    }
    pub fn bulk(b: impl Into<Bytes>) -> Reply {
        Reply::Bulk(b.into())
    }
    pub fn bulk_str(s: &str) -> Reply {
        Reply::Bulk(Bytes::copy_from_slice(s.as_bytes()))
    }
    /// A bulk reply holding the decimal text of `n` (INCRBYFLOAT-style numbers, config values).
    pub fn bulk_int(n: i64) -> Reply {
        Reply::Bulk(Bytes::copy_from_slice(itoa::Buffer::new().format(n).as_bytes()))
    }
    pub fn err(e: impl Into<ErrorReply>) -> Reply {
        Reply::Error(e.into())
    }
    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }
    pub fn array_of_bulks<I, B>(items: I) -> Reply
    where
        I: IntoIterator<Item = B>,
        B: Into<Bytes>,
    {
        Reply::Array(items.into_iter().map(|b| Reply::Bulk(b.into())).collect())
    }

    /// Appends the encoding of `self` for protocol `proto` (2 or 3) to `out`.
    pub fn encode(&self, proto: u8, out: &mut BytesMut) {
        let resp3 = proto >= 3;
        match self {
            Reply::Status(s) => {
                out.reserve(s.len() + 3);
                out.put_u8(b'+');
                out.put_slice(s);
                out.put_slice(b"\r\n");
            }
            Reply::Error(e) => {
                let s = e.as_str().as_bytes();
                out.reserve(s.len() + 3);
                out.put_u8(b'-');
                out.put_slice(s);
                out.put_slice(b"\r\n");
            }
            Reply::Int(n) => header(out, b':', *n),
            Reply::Bulk(b) => bulk(out, b),
            Reply::Null => out.put_slice(if resp3 { b"_\r\n" } else { b"$-1\r\n" }),
            Reply::NullArray => out.put_slice(if resp3 { b"_\r\n" } else { b"*-1\r\n" }),
            Reply::Array(items) => {
                header(out, b'*', items.len() as i64);
                for r in items {
                    r.encode(proto, out);
                }
            }
            Reply::Map(pairs) => {
                if resp3 {
                    header(out, b'%', pairs.len() as i64);
                } else {
                    header(out, b'*', 2 * pairs.len() as i64);
                }
                for (k, v) in pairs {
                    k.encode(proto, out);
                    v.encode(proto, out);
                }
            }
            Reply::Set(items) => {
                header(out, if resp3 { b'~' } else { b'*' }, items.len() as i64);
                for r in items {
                    r.encode(proto, out);
                }
            }
            Reply::Push(items) => {
                header(out, if resp3 { b'>' } else { b'*' }, items.len() as i64);
                for r in items {
                    r.encode(proto, out);
                }
            }
            Reply::Double(d) => {
                let s = format_double(*d);
                if resp3 {
                    out.put_u8(b',');
                    out.put_slice(s.as_bytes());
                    out.put_slice(b"\r\n");
                } else {
                    bulk(out, s.as_bytes());
                }
            }
            Reply::Bool(b) => {
                if resp3 {
                    out.put_slice(if *b { b"#t\r\n" } else { b"#f\r\n" });
                } else {
                    out.put_slice(if *b { b":1\r\n" } else { b":0\r\n" });
                }
            }
            Reply::Verbatim(fmt, b) => {
                if resp3 {
                    header(out, b'=', (b.len() + 4) as i64);
                    out.put_slice(fmt.as_bytes());
                    out.put_u8(b':');
                    out.put_slice(b);
                    out.put_slice(b"\r\n");
                } else {
                    bulk(out, b);
                }
            }
            Reply::Raw(b) => out.put_slice(b),
        }
    }

    /// Convenience: the encoding as a fresh buffer.
    pub fn to_bytes(&self, proto: u8) -> Bytes {
        let mut out = BytesMut::new();
        self.encode(proto, &mut out);
        out.freeze()
    }
}

impl From<ErrorReply> for Reply {
    fn from(e: ErrorReply) -> Self {
        Reply::Error(e)
    }
}

impl<T: Into<Reply>> From<Result<T, ErrorReply>> for Reply {
    fn from(r: Result<T, ErrorReply>) -> Self {
        match r {
            Ok(v) => v.into(),
            Err(e) => Reply::Error(e),
        }
    }
}

fn header(out: &mut BytesMut, tag: u8, n: i64) {
    let mut buf = itoa::Buffer::new();
    let s = buf.format(n);
    out.reserve(s.len() + 3);
    out.put_u8(tag);
    out.put_slice(s.as_bytes());
    out.put_slice(b"\r\n");
}

fn bulk(out: &mut BytesMut, b: &[u8]) {
    header(out, b'$', b.len() as i64);
    out.reserve(b.len() + 2);
    out.put_slice(b);
    out.put_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(r: Reply, p: u8) -> String {
        String::from_utf8(r.to_bytes(p).to_vec()).unwrap()
    }

    #[test]
    fn resp2_and_resp3_shapes() {
        assert_eq!(enc(Reply::ok(), 2), "+OK\r\n");
        assert_eq!(enc(Reply::Null, 2), "$-1\r\n");
        assert_eq!(enc(Reply::Null, 3), "_\r\n");
        assert_eq!(enc(Reply::NullArray, 2), "*-1\r\n");
        assert_eq!(enc(Reply::Int(-5), 2), ":-5\r\n");
        assert_eq!(enc(Reply::bulk_str("hi"), 2), "$2\r\nhi\r\n");
        let m = Reply::Map(vec![(Reply::bulk_str("a"), Reply::Int(1))]);
        assert_eq!(enc(m.clone(), 2), "*2\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(enc(m, 3), "%1\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(enc(Reply::Double(1.5), 3), ",1.5\r\n");
        assert_eq!(enc(Reply::Double(1.5), 2), "$3\r\n1.5\r\n");
        assert_eq!(enc(Reply::Bool(true), 2), ":1\r\n");
        assert_eq!(enc(Reply::Verbatim("txt", Bytes::from_static(b"x")), 3), "=5\r\ntxt:x\r\n");
        assert_eq!(enc(Reply::err(ErrorReply::syntax()), 2), "-ERR syntax error\r\n");
    }
}
