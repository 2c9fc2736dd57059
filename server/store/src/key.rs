//! `Key`: the bytes of a key as the keyspace stores them. Keys up to 22 bytes
//! (most real keys) live inline in the hash node, so a lookup touches the
//! bucket and the node and not a third allocation; longer keys go to the heap.
//! Either way the node lands in the same allocator size class.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

const INLINE: usize = 22;

#[derive(Clone)]
pub enum Key {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Key {
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Key::Inline { len, buf } => &buf[..*len as usize],
            Key::Heap(b) => b,
        }
    }
}

impl From<&[u8]> for Key {
    fn from(b: &[u8]) -> Key {
        if b.len() <= INLINE {
            let mut buf = [0u8; INLINE];
            buf[..b.len()].copy_from_slice(b);
            Key::Inline { len: b.len() as u8, buf }
        } else {
            Key::Heap(b.into())
        }
    }
}

impl From<&Key> for Key {
    fn from(k: &Key) -> Key {
        k.clone()
    }
}

impl Deref for Key {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for Key {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Key {}

impl Hash for Key {
    // Must hash like `[u8]` so that maps keyed by `Key` can be queried with `&[u8]`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state)
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap() {
        assert_eq!(std::mem::size_of::<Key>(), 24);
        let short = Key::from(&b"key:123"[..]);
        assert!(matches!(short, Key::Inline { .. }));
        assert_eq!(&*short, b"key:123");
        let long = Key::from(&[b'x'; 23][..]);
        assert!(matches!(long, Key::Heap(_)));
        assert_eq!(long.len(), 23);
        let empty = Key::from(&b""[..]);
        assert!(empty.is_empty());
        let mut m = std::collections::HashMap::new();
        m.insert(short.clone(), 1);
        assert_eq!(m.get(&b"key:123"[..]), Some(&1));
    }
}
