//! The zset value type (being written): its store API comes first, Redis's
//! command handlers live in the server's command group file.

/// A zset value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ZSet {}

impl ZSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        0
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// OBJECT ENCODING's answer.
    pub fn encoding(&self) -> &'static str {
        "zset"
    }

    /// Approximate heap bytes held (MEMORY USAGE).
    pub fn heap_size(&self) -> usize {
        0
    }
}
