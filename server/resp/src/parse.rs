//! Incremental request parser: RESP multibulk (`*N\r\n$len\r\n...`) and inline
//! commands, with Redis's protocol errors and limits.
//!
//! The parser keeps its position inside a half-received multibulk between
//! reads, so a huge request arriving in pieces is scanned once, not once per
//! read. Length headers are checked against the limits *before* anything is
//! reserved for them, so a lying header cannot make us allocate.

use std::borrow::Cow;

use bytes::{Bytes, BytesMut};

use crate::inline::split_args;

/// Lines longer than this without a newline are refused (Redis PROTO_INLINE_MAX_SIZE).
pub const INLINE_MAX: usize = 64 * 1024;
/// Bulks at least this big get an exact reservation so the copy is done once.
const BIG_ARG: usize = 32 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// proto-max-bulk-len
    pub max_bulk_len: usize,
    /// Before AUTH, Redis accepts at most 10 arguments of at most 16 KiB each.
    pub authenticated: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bulk_len: 512 * 1024 * 1024, authenticated: true }
    }
}

/// A malformed request. Its text is the whole error reply (`ERR Protocol error: ...`);
/// the connection is closed after sending it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError(pub Cow<'static, str>);

impl ProtocolError {
    pub fn reply_text(&self) -> String {
        format!("ERR Protocol error: {}", self.0)
    }
}

/// One parsed command: its arguments, the first being the command name.
pub type Args = Vec<Bytes>;

#[derive(Debug, Default)]
pub struct Parser {
    /// Inside a multibulk: how many arguments are still missing (0 = between requests).
    remaining: usize,
    /// Argument ranges found so far for the current multibulk, relative to the buffer start.
    ranges: Vec<(usize, usize)>,
    /// Where scanning resumes in the buffer.
    pos: usize,
    /// Length of the bulk whose header was read but whose data has not fully arrived.
    pending_bulk: Option<usize>,
}

impl Parser {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many more bytes the current request needs at least, when known; the
    /// connection uses it to reserve buffer space for a big bulk in one go.
    pub fn bytes_wanted(&self, buf: &BytesMut) -> usize {
        match self.pending_bulk {
            Some(len) => (self.pos + len + 2).saturating_sub(buf.len()),
            None => 0,
        }
    }

    /// Parses the next complete command at the start of `buf`, removing its bytes.
    /// `Ok(None)` means more input is needed. Empty requests (`*0`, blank inline
    /// lines) are consumed silently, as Redis does.
    pub fn next(&mut self, buf: &mut BytesMut, limits: &Limits) -> Result<Option<Args>, ProtocolError> {
        let mut args = Vec::new();
        Ok(self.next_into(buf, limits, &mut args)?.then_some(args))
    }

    /// Like [`Parser::next`], but fills a caller-owned vector (cleared first),
    /// so a connection can reuse one allocation for every command. Returns
    /// whether a command was parsed.
    pub fn next_into(&mut self, buf: &mut BytesMut, limits: &Limits, args: &mut Args) -> Result<bool, ProtocolError> {
        args.clear();
        loop {
            if buf.is_empty() {
                return Ok(false);
            }
            if self.remaining == 0 && self.ranges.is_empty() && self.pos == 0 {
                if buf[0] != b'*' {
                    match self.inline(buf)? {
                        Some(v) if v.is_empty() => continue,
                        Some(v) => {
                            *args = v;
                            return Ok(true);
                        }
                        None => return Ok(false),
                    }
                }
                // Multibulk header.
                let Some(nl) = find_crlf(buf, 0) else {
                    if buf.len() > INLINE_MAX {
                        return Err(ProtocolError(Cow::Borrowed("too big mbulk count string")));
                    }
                    return Ok(false);
                };
                let n = parse_len(&buf[1..nl]).filter(|n| *n <= i32::MAX as i64);
                let Some(n) = n else {
                    return Err(ProtocolError(Cow::Borrowed("invalid multibulk length")));
                };
                if !limits.authenticated && n > 10 {
                    return Err(ProtocolError(Cow::Borrowed("unauthenticated multibulk length")));
                }
                if n <= 0 {
                    let _ = buf.split_to(nl + 2);
                    continue;
                }
                self.remaining = n as usize;
                self.ranges.reserve(self.remaining.min(1024));
                self.pos = nl + 2;
            }
            return self.multibulk(buf, limits, args);
        }
    }

    fn multibulk(&mut self, buf: &mut BytesMut, limits: &Limits, args: &mut Args) -> Result<bool, ProtocolError> {
        while self.remaining > 0 {
            let len = match self.pending_bulk {
                Some(len) => len,
                None => {
                    if self.pos >= buf.len() {
                        return Ok(false);
                    }
                    let Some(nl) = find_crlf(buf, self.pos) else {
                        if buf.len() - self.pos > INLINE_MAX {
                            return Err(ProtocolError(Cow::Borrowed("too big bulk count string")));
                        }
                        return Ok(false);
                    };
                    if buf[self.pos] != b'$' {
                        return Err(expected_dollar(buf[self.pos]));
                    }
                    let len = parse_len(&buf[self.pos + 1..nl])
                        .filter(|l| *l >= 0 && (*l as u64) <= limits.max_bulk_len as u64);
                    let Some(len) = len else {
                        return Err(ProtocolError(Cow::Borrowed("invalid bulk length")));
                    };
                    if !limits.authenticated && len > 16384 {
                        return Err(ProtocolError(Cow::Borrowed("unauthenticated bulk length")));
                    }
                    let len = len as usize;
                    self.pos = nl + 2;
                    if len >= BIG_ARG {
                        let want = (self.pos + len + 2).saturating_sub(buf.len());
                        buf.reserve(want);
                    }
                    self.pending_bulk = Some(len);
                    len
                }
            };
            if buf.len() < self.pos + len + 2 {
                return Ok(false);
            }
            // Like Redis, the two bytes after the data are skipped, not checked.
            self.ranges.push((self.pos, self.pos + len));
            self.pos += len + 2;
            self.pending_bulk = None;
            self.remaining -= 1;
        }
        let frame = buf.split_to(self.pos).freeze();
        args.extend(self.ranges.drain(..).map(|(s, e)| frame.slice(s..e)));
        self.pos = 0;
        Ok(true)
    }

    fn inline(&mut self, buf: &mut BytesMut) -> Result<Option<Args>, ProtocolError> {
        let Some(nl) = buf.iter().position(|&c| c == b'\n') else {
            if buf.len() > INLINE_MAX {
                return Err(ProtocolError(Cow::Borrowed("too big inline request")));
            }
            return Ok(None);
        };
        let line = buf.split_to(nl + 1);
        let mut end = nl;
        if end > 0 && line[end - 1] == b'\r' {
            end -= 1;
        }
        match split_args(&line[..end]) {
            Some(args) => Ok(Some(args)),
            None => Err(ProtocolError(Cow::Borrowed("unbalanced quotes in request"))),
        }
    }
}

fn expected_dollar(got: u8) -> ProtocolError {
    let c = if got == b'\r' || got == b'\n' { ' ' } else { got as char };
    ProtocolError(Cow::Owned(format!("expected '$', got '{c}'")))
}

fn find_crlf(buf: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(off) = buf[i..].iter().position(|&c| c == b'\r') {
        let at = i + off;
        if at + 1 >= buf.len() {
            return None;
        }
        if buf[at + 1] == b'\n' {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Parses a length header strictly (Redis's string2ll): optional '-', digits, no spaces.
fn parse_len(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    let (neg, digits) = if s[0] == b'-' { (true, &s[1..]) } else { (false, s) };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as i64)?;
    }
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(input: &[u8]) -> Result<Vec<Vec<String>>, ProtocolError> {
        let mut p = Parser::new();
        let mut buf = BytesMut::from(input);
        let mut out = vec![];
        while let Some(a) = p.next(&mut buf, &Limits::default())? {
            out.push(a.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect());
        }
        Ok(out)
    }

    #[test]
    fn multibulk_and_pipeline() {
        let r = parse_all(b"*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n").unwrap();
        assert_eq!(r, vec![vec!["PING".to_string()], vec!["ECHO".into(), "".into()]]);
    }

    #[test]
    fn byte_by_byte() {
        let input = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n";
        let mut p = Parser::new();
        let mut buf = BytesMut::new();
        let mut got = None;
        for (i, b) in input.iter().enumerate() {
            buf.extend_from_slice(&[*b]);
            let r = p.next(&mut buf, &Limits::default()).unwrap();
            if i + 1 < input.len() {
                assert!(r.is_none(), "complete too early at {i}");
            } else {
                got = r;
            }
        }
        assert_eq!(got.unwrap().len(), 3);
        assert!(buf.is_empty());
    }

    #[test]
    fn inline_and_empty() {
        let r = parse_all(b"\r\nPING\r\nset a \"b c\"\n*0\r\n").unwrap();
        assert_eq!(r, vec![vec!["PING".to_string()], vec!["set".into(), "a".into(), "b c".into()]]);
    }

    #[test]
    fn errors() {
        assert_eq!(parse_all(b"*abc\r\n").unwrap_err().0, "invalid multibulk length");
        assert_eq!(parse_all(b"*1\r\n+x\r\n").unwrap_err().0, "expected '$', got '+'");
        assert_eq!(parse_all(b"*1\r\n$-5\r\n").unwrap_err().0, "invalid bulk length");
        assert_eq!(parse_all(b"*1\r\n$999999999999\r\n").unwrap_err().0, "invalid bulk length");
        assert_eq!(parse_all(b"*99999999999\r\n").unwrap_err().0, "invalid multibulk length");
        assert_eq!(parse_all(b"set \"a\r\n").unwrap_err().0, "unbalanced quotes in request");
        let big = vec![b'a'; INLINE_MAX + 10];
        assert_eq!(parse_all(&big).unwrap_err().0, "too big inline request");
        let mut mb = b"*".to_vec();
        mb.extend(vec![b'1'; INLINE_MAX + 10]);
        assert_eq!(parse_all(&mb).unwrap_err().0, "too big mbulk count string");
    }

    #[test]
    fn unauthenticated_limits() {
        let mut p = Parser::new();
        let l = Limits { authenticated: false, ..Limits::default() };
        let mut b = BytesMut::from(&b"*11\r\n"[..]);
        assert_eq!(p.next(&mut b, &l).unwrap_err().0, "unauthenticated multibulk length");
    }
}
