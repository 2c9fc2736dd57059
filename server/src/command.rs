//! The command table: one `CommandSpec` row per command (and per subcommand
//! of container commands such as CONFIG). The rows drive dispatch, arity
//! checks, COMMAND INFO/COUNT/DOCS/LIST/GETKEYS, key extraction, MULTI rules
//! and ACL categories. Each group file in `commands/` ends with its table.

use std::collections::HashMap;
use std::sync::OnceLock;

use bytes::Bytes;
use gears_resp::Reply;

use crate::dispatch::Ctx;

pub type Handler = fn(&mut Ctx, &[Bytes]) -> Reply;

pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 3;
    pub const PUBSUB: u32 = 1 << 4;
    pub const NOSCRIPT: u32 = 1 << 5;
    pub const BLOCKING: u32 = 1 << 6;
    pub const LOADING: u32 = 1 << 7;
    pub const STALE: u32 = 1 << 8;
    pub const SKIP_MONITOR: u32 = 1 << 9;
    pub const SKIP_SLOWLOG: u32 = 1 << 10;
    pub const FAST: u32 = 1 << 11;
    pub const NO_AUTH: u32 = 1 << 12;
    pub const MAY_REPLICATE: u32 = 1 << 13;
    pub const NO_MULTI: u32 = 1 << 14;
    pub const MOVABLE_KEYS: u32 = 1 << 15;
    pub const ALLOW_BUSY: u32 = 1 << 16;
    /// Allowed while a RESP2 client is in subscribed mode.
    pub const PUBSUB_CONTEXT: u32 = 1 << 17;
    /// Runs immediately inside MULTI instead of being queued (EXEC, DISCARD, ...).
    pub const MULTI_CONTROL: u32 = 1 << 18;
    /// Dangerous (ACL @dangerous).
    pub const DANGEROUS: u32 = 1 << 19;

    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        (MAY_REPLICATE, "may_replicate"),
        (NO_MULTI, "no_multi"),
        (MOVABLE_KEYS, "movablekeys"),
        (ALLOW_BUSY, "allow_busy"),
    ];
}

/// Where the keys are among the arguments (Redis's legacy first/last/step,
/// with `last` negative counting from the end), or a function for commands
/// whose key positions depend on the arguments.
#[derive(Clone, Copy)]
pub enum Keys {
    None,
    Range {
        first: i32,
        last: i32,
        step: i32,
    },
    /// Returns the indexes of the keys in `args` (args[0] is the command name).
    Custom {
        first: i32,
        last: i32,
        step: i32,
        find: fn(&[Bytes]) -> Vec<usize>,
    },
}

pub struct CommandSpec {
    /// Lowercase name; for a subcommand, just its own part ("get" of "config|get").
    pub name: &'static str,
    /// Redis arity: N = exactly N args (name included), -N = at least N.
    pub arity: i32,
    pub flags: u32,
    pub keys: Keys,
    /// Redis command group: "string", "generic", "connection", "server", ...
    pub group: &'static str,
    pub summary: &'static str,
    pub since: &'static str,
    pub complexity: &'static str,
    pub handler: Handler,
    pub subcommands: &'static [CommandSpec],
    /// ACL categories when Redis's are not what group and flags imply (SORT
    /// is @list @set @sortedset, not @keyspace); empty = derived.
    pub acl: &'static [&'static str],
}

impl CommandSpec {
    /// A plain row; fill the rest with struct update syntax.
    pub const fn new(
        name: &'static str,
        arity: i32,
        flags: u32,
        keys: Keys,
        group: &'static str,
        handler: Handler,
    ) -> Self {
        CommandSpec {
            name,
            arity,
            flags,
            keys,
            group,
            summary: "",
            since: "1.0.0",
            complexity: "",
            handler,
            subcommands: &[],
            acl: &[],
        }
    }

    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    pub fn key_range(&self) -> (i32, i32, i32) {
        match self.keys {
            Keys::None => (0, 0, 0),
            Keys::Range { first, last, step } | Keys::Custom { first, last, step, .. } => (first, last, step),
        }
    }

    /// Key argument indexes for this invocation.
    pub fn key_indexes(&self, args: &[Bytes]) -> Vec<usize> {
        match self.keys {
            Keys::None => vec![],
            Keys::Custom { find, .. } => find(args),
            Keys::Range { first, last, step } => {
                let n = args.len() as i32;
                let last = if last < 0 { n + last } else { last };
                let mut v = vec![];
                let mut i = first;
                while i <= last && i < n && step > 0 {
                    v.push(i as usize);
                    i += step;
                }
                v
            }
        }
    }

    /// ACL categories as Redis derives them from flags and group.
    pub fn acl_categories(&self) -> Vec<&'static str> {
        if !self.acl.is_empty() {
            return self.acl.to_vec();
        }
        let mut c = vec![];
        if self.has(flags::WRITE) {
            c.push("@write");
        }
        if self.has(flags::READONLY) {
            c.push("@read");
        }
        match self.group {
            "string" => c.push("@string"),
            "generic" => c.push("@keyspace"),
            "connection" => c.push("@connection"),
            "transactions" => c.push("@transaction"),
            "list" => c.push("@list"),
            "set" => c.push("@set"),
            "sorted-set" => c.push("@sortedset"),
            "hash" => c.push("@hash"),
            "stream" => c.push("@stream"),
            "bitmap" => c.push("@bitmap"),
            "hyperloglog" => c.push("@hyperloglog"),
            _ => {}
        }
        if self.has(flags::ADMIN) {
            c.push("@admin");
            c.push("@dangerous");
        } else if self.has(flags::DANGEROUS) {
            c.push("@dangerous");
        }
        if self.has(flags::PUBSUB) {
            c.push("@pubsub");
        }
        if self.has(flags::BLOCKING) {
            c.push("@blocking");
        }
        c.push(if self.has(flags::FAST) { "@fast" } else { "@slow" });
        c
    }
}

/// A resolved command: its spec, full name ("config|get") and stats slot.
#[derive(Clone, Copy)]
pub struct CommandRef {
    pub spec: &'static CommandSpec,
    pub full_name: &'static str,
    pub idx: usize,
}

pub struct Registry {
    top: HashMap<&'static str, CommandRef>,
    subs: HashMap<(&'static str, &'static str), CommandRef>,
    /// Every command and subcommand, in stats-slot order.
    pub all: Vec<CommandRef>,
}

impl Registry {
    fn build(tables: &[&'static [CommandSpec]]) -> Registry {
        let mut r = Registry { top: HashMap::new(), subs: HashMap::new(), all: vec![] };
        for table in tables {
            for spec in table.iter() {
                let cref = CommandRef { spec, full_name: spec.name, idx: r.all.len() };
                r.all.push(cref);
                assert!(r.top.insert(spec.name, cref).is_none(), "duplicate command {}", spec.name);
                for sub in spec.subcommands {
                    let full: &'static str = Box::leak(format!("{}|{}", spec.name, sub.name).into_boxed_str());
                    let sref = CommandRef { spec: sub, full_name: full, idx: r.all.len() };
                    r.all.push(sref);
                    r.subs.insert((spec.name, sub.name), sref);
                }
            }
        }
        r
    }

    /// Case-insensitive lookup of a top-level command.
    pub fn lookup(&self, name: &[u8]) -> Option<CommandRef> {
        let mut buf = [0u8; 32];
        if name.len() > buf.len() {
            return None;
        }
        for (d, s) in buf.iter_mut().zip(name) {
            *d = s.to_ascii_lowercase();
        }
        let lower = std::str::from_utf8(&buf[..name.len()]).ok()?;
        self.top.get(lower).copied()
    }

    pub fn lookup_sub(&self, parent: &'static str, sub: &[u8]) -> Option<CommandRef> {
        let lower = std::str::from_utf8(sub).ok()?.to_ascii_lowercase();
        self.subs.get(&(parent, lower.as_str())).copied()
    }

    /// Looks up "name" or "name|sub" (COMMAND INFO/DOCS accept both).
    pub fn lookup_full(&self, full: &[u8]) -> Option<CommandRef> {
        match full.iter().position(|&c| c == b'|') {
            None => self.lookup(full),
            Some(i) => {
                let parent = self.lookup(&full[..i])?;
                self.lookup_sub(parent.spec.name, &full[i + 1..])
            }
        }
    }

    pub fn top_level(&self) -> impl Iterator<Item = &CommandRef> {
        self.all.iter().filter(|c| !c.full_name.contains('|'))
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }
}

static REGISTRY: OnceLock<Registry> = OnceLock::new();

/// The process-wide command table.
pub fn registry() -> &'static Registry {
    REGISTRY.get_or_init(|| Registry::build(crate::commands::TABLES))
}

/// Wraps a reply list for COMMAND INFO.
pub fn command_info(r: &Registry, c: &CommandRef) -> Reply {
    let spec = c.spec;
    let (first, last, step) = spec.key_range();
    let mut fl: Vec<Reply> = flags::NAMES
        .iter()
        .filter(|(bit, _)| spec.flags & bit != 0 && *bit != flags::MOVABLE_KEYS)
        .map(|(_, n)| Reply::status(n))
        .collect();
    if matches!(spec.keys, Keys::Custom { .. }) {
        fl.push(Reply::status("movablekeys"));
    }
    let subs: Vec<Reply> = spec
        .subcommands
        .iter()
        .filter_map(|s| r.lookup_sub(spec.name, s.name.as_bytes()))
        .map(|s| command_info(r, &s))
        .collect();
    Reply::Array(vec![
        Reply::bulk_str(c.full_name),
        Reply::Int(spec.arity as i64),
        Reply::Set(fl),
        Reply::Int(first as i64),
        Reply::Int(last as i64),
        Reply::Int(step as i64),
        Reply::Set(spec.acl_categories().into_iter().map(Reply::status).collect()),
        Reply::Array(vec![]),
        Reply::Array(key_specs(spec)),
        Reply::Array(subs),
    ])
}

/// Key specifications in Redis 7's shape, derived from the legacy range.
fn key_specs(spec: &CommandSpec) -> Vec<Reply> {
    let (first, last, step) = spec.key_range();
    if first == 0 {
        return vec![];
    }
    let flag = if spec.has(flags::WRITE) { "RW" } else { "RO" };
    let limit = 0;
    vec![Reply::Map(vec![
        (Reply::bulk_str("flags"), Reply::Array(vec![Reply::status(flag)])),
        (
            Reply::bulk_str("begin_search"),
            Reply::Map(vec![
                (Reply::bulk_str("type"), Reply::bulk_str("index")),
                (Reply::bulk_str("spec"), Reply::Map(vec![(Reply::bulk_str("index"), Reply::Int(first as i64))])),
            ]),
        ),
        (
            Reply::bulk_str("find_keys"),
            Reply::Map(vec![
                (Reply::bulk_str("type"), Reply::bulk_str("range")),
                (
                    Reply::bulk_str("spec"),
                    Reply::Map(vec![
                        (
                            Reply::bulk_str("lastkey"),
                            Reply::Int(if last < 0 { last as i64 } else { (last - first) as i64 }),
                        ),
                        (Reply::bulk_str("keystep"), Reply::Int(step as i64)),
                        (Reply::bulk_str("limit"), Reply::Int(limit)),
                    ]),
                ),
            ]),
        ),
    ])]
}

/// COMMAND DOCS entry for one command.
pub fn command_docs(r: &Registry, c: &CommandRef) -> Reply {
    let spec = c.spec;
    let mut m = vec![
        (Reply::bulk_str("summary"), Reply::bulk_str(spec.summary)),
        (Reply::bulk_str("since"), Reply::bulk_str(spec.since)),
        (Reply::bulk_str("group"), Reply::bulk_str(spec.group)),
    ];
    if !spec.complexity.is_empty() {
        m.push((Reply::bulk_str("complexity"), Reply::bulk_str(spec.complexity)));
    }
    if !spec.subcommands.is_empty() {
        let subs = spec
            .subcommands
            .iter()
            .filter_map(|s| r.lookup_sub(spec.name, s.name.as_bytes()))
            .map(|s| (Reply::bulk_str(s.full_name), command_docs(r, &s)))
            .collect();
        m.push((Reply::bulk_str("subcommands"), Reply::Map(subs)));
    }
    Reply::Map(m)
}
