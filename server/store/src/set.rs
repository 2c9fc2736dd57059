//! The set value type (being written): its store API comes first, Redis's
//! command handlers live in the server's command group file.

/// A set value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Set {}

impl Set {
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
        "set"
    }

    /// Approximate heap bytes held (MEMORY USAGE).
    pub fn heap_size(&self) -> usize {
        0
    }
}
