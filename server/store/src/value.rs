//! Values stored under keys. Strings only for now; the aggregate types (list,
//! set, hash, zset, stream) join this enum, each in its own module.

use std::borrow::Cow;

use bytes::Bytes;

use crate::hash::Hash;
use crate::list::List;
use crate::set::Set;
use crate::stream::Stream;
use crate::zset::ZSet;

/// Longest string Redis stores with the `embstr` encoding.
pub const EMBSTR_MAX: usize = 44;

/// A string value in one of Redis's encodings.
#[derive(Debug, Clone, PartialEq)]
pub enum Str {
    /// `int`: a canonical decimal that fits an i64.
    Int(i64),
    /// Set whole (SET, INCRBYFLOAT, ...): `embstr` up to 44 bytes, `raw` above.
    Fixed(Box<[u8]>),
    /// Modified in place (APPEND, SETRANGE): `raw`, with spare capacity so that
    /// repeated appends are amortised O(1).
    Growable(Box<Vec<u8>>),
}

impl Str {
    /// Stores `b` the way Redis's tryObjectEncoding would: integers as `int`.
    pub fn from_bytes(b: &[u8]) -> Str {
        match parse_canonical_i64(b) {
            Some(n) => Str::Int(n),
            None => Str::Fixed(b.into()),
        }
    }

    pub fn as_bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Str::Int(n) => Cow::Owned(itoa_bytes(*n)),
            Str::Fixed(b) => Cow::Borrowed(b),
            Str::Growable(v) => Cow::Borrowed(v.as_slice()),
        }
    }

    pub fn to_bytes(&self) -> Bytes {
        match self {
            Str::Int(n) => Bytes::from(itoa_bytes(*n)),
            Str::Fixed(b) => Bytes::copy_from_slice(b),
            Str::Growable(v) => Bytes::copy_from_slice(v),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Str::Int(n) => itoa::Buffer::new().format(*n).len(),
            Str::Fixed(b) => b.len(),
            Str::Growable(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes as a growable buffer, converting to the `raw` encoding.
    pub fn make_growable(&mut self) -> &mut Vec<u8> {
        if !matches!(self, Str::Growable(_)) {
            let v = self.as_bytes().into_owned();
            *self = Str::Growable(Box::new(v));
        }
        match self {
            Str::Growable(v) => v,
            _ => unreachable!("converted above"),
        }
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            Str::Int(_) => "int",
            Str::Fixed(b) if b.len() <= EMBSTR_MAX => "embstr",
            _ => "raw",
        }
    }

    /// Heap bytes held, for MEMORY USAGE style estimates.
    pub fn heap_size(&self) -> usize {
        match self {
            Str::Int(_) => 0,
            Str::Fixed(b) => b.len(),
            Str::Growable(v) => v.capacity() + 24,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(Str),
    List(Box<List>),
    Set(Box<Set>),
    Hash(Box<Hash>),
    ZSet(Box<ZSet>),
    Stream(Box<Stream>),
}

impl Value {
    pub fn str_from(b: &[u8]) -> Value {
        Value::Str(Str::from_bytes(b))
    }

    /// TYPE's answer.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Hash(_) => "hash",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// OBJECT ENCODING's answer.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Str(s) => s.encoding(),
            Value::List(v) => v.encoding(),
            Value::Set(v) => v.encoding(),
            Value::Hash(v) => v.encoding(),
            Value::ZSet(v) => v.encoding(),
            Value::Stream(v) => v.encoding(),
        }
    }

    pub fn as_str(&self) -> Option<&Str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_str_mut(&mut self) -> Option<&mut Str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn heap_size(&self) -> usize {
        match self {
            Value::Str(s) => s.heap_size(),
            Value::List(v) => v.heap_size(),
            Value::Set(v) => v.heap_size(),
            Value::Hash(v) => v.heap_size(),
            Value::ZSet(v) => v.heap_size(),
            Value::Stream(v) => v.heap_size(),
        }
    }
}

fn itoa_bytes(n: i64) -> Vec<u8> {
    itoa::Buffer::new().format(n).as_bytes().to_vec()
}

/// Redis's string2ll: an optional '-', no leading zeros (except "0"), no '+',
/// no spaces, fits in i64. This is what decides the `int` encoding and what
/// INCR accepts.
pub fn parse_canonical_i64(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    if b == b"0" {
        return Some(0);
    }
    let (neg, digits) = if b[0] == b'-' { (true, &b[1..]) } else { (false, b) };
    if digits.is_empty() || digits[0] == b'0' {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_ints() {
        assert_eq!(parse_canonical_i64(b"123"), Some(123));
        assert_eq!(parse_canonical_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_canonical_i64(b"9223372036854775808"), None);
        assert_eq!(parse_canonical_i64(b"01"), None);
        assert_eq!(parse_canonical_i64(b"-0"), None);
        assert_eq!(parse_canonical_i64(b"+1"), None);
        assert_eq!(parse_canonical_i64(b" 1"), None);
    }

    #[test]
    fn encodings() {
        assert_eq!(Str::from_bytes(b"12").encoding(), "int");
        assert_eq!(Str::from_bytes(b"hello").encoding(), "embstr");
        assert_eq!(Str::from_bytes(&[b'a'; 45]).encoding(), "raw");
        let mut s = Str::from_bytes(b"12");
        s.make_growable().push(b'3');
        assert_eq!(s.encoding(), "raw");
        assert_eq!(&*s.as_bytes(), b"123");
    }
}
