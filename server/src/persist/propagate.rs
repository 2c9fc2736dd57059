//! The write stream: every command that changed the dataset, as the commands
//! to replay (Redis's `propagate`/`alsoPropagate`). The AOF appends it, and
//! replication will ship it.
//!
//! Commands are RESP-encoded in execution order. A SELECT goes in front of a
//! command whose db differs from the stream's current one, and a
//! transaction (MULTI/EXEC, a Gears `atomic()` block) is wrapped in
//! MULTI ... EXEC when it propagated anything, so a replay applies it whole
//! or not at all.

use bytes::Bytes;

#[derive(Default)]
pub struct Propagation {
    /// False while nothing consumes the stream, and while loading (a replay
    /// must not feed itself).
    pub enabled: bool,
    /// RESP-encoded commands not yet handed to the AOF.
    buf: Vec<u8>,
    /// The db the consumer last saw selected; None forces a SELECT.
    selected_db: Option<usize>,
    /// Nesting of open transactions (EXEC, atomic blocks).
    multi_depth: u32,
    /// Whether MULTI was emitted for the open transaction.
    multi_emitted: bool,
}

impl Propagation {
    /// Appends one command run in `db`.
    pub fn feed(&mut self, db: usize, argv: &[Bytes]) {
        if !self.enabled {
            return;
        }
        if self.multi_depth > 0 && !self.multi_emitted {
            self.multi_emitted = true;
            self.emit_select(db);
            encode(&mut self.buf, &[&b"MULTI"[..]]);
        }
        self.emit_select(db);
        encode(&mut self.buf, argv);
    }

    fn emit_select(&mut self, db: usize) {
        if self.selected_db != Some(db) {
            self.selected_db = Some(db);
            let n = db.to_string();
            encode(&mut self.buf, &[&b"SELECT"[..], n.as_bytes()]);
        }
    }

    /// Opens a transaction: what is fed until the matching `multi_end` is
    /// wrapped in MULTI/EXEC (nothing is emitted if nothing was fed).
    pub fn multi_begin(&mut self) {
        self.multi_depth += 1;
    }

    pub fn multi_end(&mut self) {
        self.multi_depth = self.multi_depth.saturating_sub(1);
        if self.multi_depth == 0 && self.multi_emitted {
            self.multi_emitted = false;
            if self.enabled {
                encode(&mut self.buf, &[&b"EXEC"[..]]);
            }
        }
    }

    /// True inside a transaction: the stream must not be cut there.
    pub fn in_multi(&self) -> bool {
        self.multi_depth > 0
    }

    /// Takes the pending bytes (for the AOF writer).
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }

    pub fn pending(&self) -> bool {
        !self.buf.is_empty()
    }

    /// The consumer switched files: the next command re-selects its db.
    pub fn reset_db(&mut self) {
        self.selected_db = None;
    }
}

/// RESP array of bulk strings.
pub fn encode<A: AsRef<[u8]>>(out: &mut Vec<u8>, argv: &[A]) {
    array_header(out, argv.len());
    for a in argv {
        bulk(out, a.as_ref());
    }
}

/// `*n\r\n`: the header of a command of `n` arguments.
pub fn array_header(out: &mut Vec<u8>, n: usize) {
    out.push(b'*');
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// One argument as a RESP bulk string.
pub fn bulk(out: &mut Vec<u8>, b: &[u8]) {
    out.push(b'$');
    out.extend_from_slice(itoa::Buffer::new().format(b.len()).as_bytes());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(b);
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    #[test]
    fn selects_and_wraps_transactions() {
        let mut p = Propagation { enabled: true, ..Default::default() };
        p.feed(0, &[b("SET"), b("a"), b("1")]);
        p.feed(0, &[b("INCR"), b("a")]);
        p.multi_begin();
        p.multi_end();
        p.multi_begin();
        p.feed(2, &[b("DEL"), b("x")]);
        p.multi_end();
        let text = String::from_utf8(p.take()).unwrap().replace("\r\n", " ");
        assert_eq!(
            text,
            "*2 $6 SELECT $1 0 *3 $3 SET $1 a $1 1 *2 $4 INCR $1 a \
             *2 $6 SELECT $1 2 *1 $5 MULTI *2 $3 DEL $1 x *1 $4 EXEC "
        );
    }

    #[test]
    fn disabled_records_nothing() {
        let mut p = Propagation::default();
        p.feed(0, &[b("SET"), b("a"), b("1")]);
        assert!(!p.pending());
    }
}
