//! Redis RDB format: keyspace <-> bytes, DUMP payloads.
//!
//! Files: `REDIS0010`, aux fields, then per database `SELECTDB`, `RESIZEDB`
//! and the keys (each optionally preceded by `EXPIRETIME_MS`), `EOF`, and
//! the CRC-64 of everything before it (8 bytes LE, 0 = not checked).
//!
//! What we write is loadable by Redis 7.0 (RDB 10): strings (int-encoded or
//! LZF-compressed when it pays), lists as `LIST_QUICKLIST_2` of listpack
//! nodes, sets as `SET_INTSET` (intset-encoded sets) or `SET`, sorted sets as
//! `ZSET_2`, hashes as `HASH`, streams as `STREAM_LISTPACKS_2`.
//!
//! Hash field TTLs: Redis 7.0 knows no hash types with TTLs, so in files we
//! keep the plain `HASH` type and put the TTLs in an aux field `gears-hfe`
//! written right before the key (Redis skips aux fields it does not know).
//! Its value is: `<count: RDB length>` then `count` times
//! `<field length: RDB length> <field bytes> <expire-at: u64 LE, unix ms>`.
//! The loader applies it to the next key, which must be a hash. DUMP
//! payloads of such hashes use Redis 7.4's `HASH_METADATA` (type 24) with
//! RDB version 12 instead, so 7.4+ restores the TTLs and 7.0 refuses them.
//!
//! Loading accepts RDB versions 1 to 12 and every value type Redis writes
//! (ziplists, zipmaps, intsets, listpacks, quicklists, the three stream
//! layouts, 7.4's hashes with field TTLs). Module values are refused with the
//! module's name. Input is read through a buffered reader that tracks the
//! offset and the CRC; lengths from the file never drive big allocations.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read, Write};

use gears_store::list::End;
use gears_store::stream::{Consumer, Group, Nack, StreamId, INVALID_ENTRIES_READ};
use gears_store::{entry, parse_canonical_i64, Hash, Keyspace, List, Set, Str, Stream, Value, ZSet};

use super::crc64::crc64;
use super::listpack::{self, Elem, LpBuilder};
use super::lzf::{self, Compressor};
use super::{intset, ziplist};

/// The RDB version we write: Redis 7.0 loads it.
pub const RDB_VERSION: u16 = 10;
/// The newest RDB version we load (Redis 7.4+/8.x write 12).
pub const MAX_LOAD_VERSION: u16 = 12;
/// The version of DUMP payloads of hashes with field TTLs (HASH_METADATA).
pub const HFE_DUMP_VERSION: u16 = 12;

/// The aux field carrying the field TTLs of the next hash key.
pub const HFE_AUX: &[u8] = b"gears-hfe";

// Opcodes.
pub const OP_SLOT_INFO: u8 = 0xF4;
pub const OP_FUNCTION2: u8 = 0xF5;
pub const OP_FUNCTION_PRE_GA: u8 = 0xF6;
pub const OP_MODULE_AUX: u8 = 0xF7;
pub const OP_IDLE: u8 = 0xF8;
pub const OP_FREQ: u8 = 0xF9;
pub const OP_AUX: u8 = 0xFA;
pub const OP_RESIZEDB: u8 = 0xFB;
pub const OP_EXPIRETIME_MS: u8 = 0xFC;
pub const OP_EXPIRETIME: u8 = 0xFD;
pub const OP_SELECTDB: u8 = 0xFE;
pub const OP_EOF: u8 = 0xFF;

// Value types.
pub const TYPE_STRING: u8 = 0;
pub const TYPE_LIST: u8 = 1;
pub const TYPE_SET: u8 = 2;
pub const TYPE_ZSET: u8 = 3;
pub const TYPE_HASH: u8 = 4;
pub const TYPE_ZSET_2: u8 = 5;
pub const TYPE_MODULE_PRE_GA: u8 = 6;
pub const TYPE_MODULE_2: u8 = 7;
pub const TYPE_HASH_ZIPMAP: u8 = 9;
pub const TYPE_LIST_ZIPLIST: u8 = 10;
pub const TYPE_SET_INTSET: u8 = 11;
pub const TYPE_ZSET_ZIPLIST: u8 = 12;
pub const TYPE_HASH_ZIPLIST: u8 = 13;
pub const TYPE_LIST_QUICKLIST: u8 = 14;
pub const TYPE_STREAM_LISTPACKS: u8 = 15;
pub const TYPE_HASH_LISTPACK: u8 = 16;
pub const TYPE_ZSET_LISTPACK: u8 = 17;
pub const TYPE_LIST_QUICKLIST_2: u8 = 18;
pub const TYPE_STREAM_LISTPACKS_2: u8 = 19;
pub const TYPE_SET_LISTPACK: u8 = 20;
pub const TYPE_STREAM_LISTPACKS_3: u8 = 21;
pub const TYPE_HASH_METADATA_PRE_GA: u8 = 22;
pub const TYPE_HASH_LISTPACK_EX_PRE_GA: u8 = 23;
pub const TYPE_HASH_METADATA: u8 = 24;
pub const TYPE_HASH_LISTPACK_EX: u8 = 25;

const QUICKLIST_PLAIN: u64 = 1;
const QUICKLIST_PACKED: u64 = 2;

// Module value opcodes (the self-describing stream of RDB v9+ module data).
const MODULE_OPCODE_EOF: u64 = 0;
const MODULE_OPCODE_SINT: u64 = 1;
const MODULE_OPCODE_UINT: u64 = 2;
const MODULE_OPCODE_FLOAT: u64 = 3;
const MODULE_OPCODE_DOUBLE: u64 = 4;
const MODULE_OPCODE_STRING: u64 = 5;

const STREAM_FLAG_DELETED: i64 = 1;
const STREAM_FLAG_SAMEFIELDS: i64 = 2;

/// List nodes we write: listpacks up to this many bytes (list-max-listpack-size -2).
const LIST_NODE_BYTES: usize = 8192;
/// Elements this large get a PLAIN quicklist node (Redis's packed threshold).
const LIST_PLAIN_THRESHOLD: usize = 1 << 30;
/// Stream nodes we write: at most this many entries / about this many bytes.
const STREAM_NODE_ENTRIES: usize = 100;
const STREAM_NODE_BYTES: usize = 4096;

/// Output buffer size before handing bytes to the writer.
const OUT_CHUNK: usize = 256 * 1024;
/// Input buffer size.
const IN_CHUNK: usize = 256 * 1024;
/// The most we preallocate for a length read from the input.
const PREALLOC_BYTES: usize = 1 << 20;
const PREALLOC_ITEMS: usize = 4096;

/// Encoding thresholds used when building loaded values (from the config).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub hash: gears_store::hash::Limits,
    pub zset: gears_store::zset::Limits,
    pub set: gears_store::set::SetLimits,
    /// list-max-listpack-size
    pub list_fill: i32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { hash: Default::default(), zset: Default::default(), set: Default::default(), list_fill: -2 }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct SaveOptions {
    /// rdbcompression: LZF-compress strings longer than 20 bytes when it pays.
    pub compress: bool,
    /// rdbchecksum: write the CRC64 trailer (else 8 zero bytes).
    pub checksum: bool,
}

#[derive(Debug, Default)]
pub struct LoadStats {
    pub version: u16,
    pub keys_loaded: u64,
    pub keys_expired: u64,
    /// Every aux field met, in order (our per-key extras are consumed, not listed).
    pub aux: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Why a load failed, and where (byte offset from the start of the file).
#[derive(Debug, Clone, PartialEq)]
pub struct RdbError {
    pub offset: u64,
    pub msg: String,
}

impl std::fmt::Display for RdbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at offset {})", self.msg, self.offset)
    }
}

impl std::error::Error for RdbError {}

/// Why RESTORE refused a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadError {
    /// "ERR DUMP payload version or checksum are wrong"
    VersionOrChecksum,
    /// "ERR Bad data format"
    BadData,
}

// ---- names -------------------------------------------------------------------------

/// The 9-character module type name encoded in a module id (moduleTypeNameByID).
pub fn module_type_name(id: u64) -> String {
    const CHARSET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut id = id >> 10;
    let mut name = [0u8; 9];
    for j in 0..9 {
        name[8 - j] = CHARSET[(id & 63) as usize];
        id >>= 6;
    }
    String::from_utf8_lossy(&name).into_owned()
}

/// A key for error messages: printable, and cut when long.
fn show(key: &[u8]) -> String {
    let mut s = String::new();
    for &b in key.iter().take(64) {
        if b.is_ascii_graphic() || b == b' ' {
            s.push(b as char);
        } else {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    if key.len() > 64 {
        s.push_str("...");
    }
    s
}

// ---- writing -----------------------------------------------------------------------

/// The output: a buffer that is checksummed and handed to the writer in
/// big chunks (or kept whole, for DUMP payloads).
struct Out<'a> {
    buf: Vec<u8>,
    crc: u64,
    sink: Option<&'a mut dyn Write>,
    err: Option<io::Error>,
    compress: bool,
    lzf: Option<Compressor>,
}

impl<'a> Out<'a> {
    fn new(sink: Option<&'a mut dyn Write>, compress: bool) -> Self {
        let cap = if sink.is_some() { OUT_CHUNK + 64 * 1024 } else { 64 };
        Out { buf: Vec::with_capacity(cap), crc: 0, sink, err: None, compress, lzf: None }
    }

    #[inline]
    fn put(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    /// Hands the buffer to the writer once it is big (file output only).
    #[inline]
    fn maybe_flush(&mut self) {
        if self.buf.len() >= OUT_CHUNK && self.sink.is_some() {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let Some(w) = self.sink.as_mut() else { return };
        self.crc = crc64(self.crc, &self.buf);
        if self.err.is_none() {
            if let Err(e) = w.write_all(&self.buf) {
                self.err = Some(e);
            }
        }
        self.buf.clear();
    }

    fn check(&mut self) -> io::Result<()> {
        match self.err.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn len(&mut self, n: u64) {
        if n < 1 << 6 {
            self.byte(n as u8);
        } else if n < 1 << 14 {
            self.put(&[0x40 | (n >> 8) as u8, n as u8]);
        } else if n <= u32::MAX as u64 {
            self.byte(0x80);
            self.put(&(n as u32).to_be_bytes());
        } else {
            self.byte(0x81);
            self.put(&n.to_be_bytes());
        }
    }

    fn ms(&mut self, t: u64) {
        self.put(&t.to_le_bytes());
    }

    /// An integer in the 0xC0/0xC1/0xC2 encodings, if it fits 32 bits.
    fn try_int(&mut self, v: i64) -> bool {
        if (-128..=127).contains(&v) {
            self.put(&[0xC0, v as i8 as u8]);
        } else if (-32768..=32767).contains(&v) {
            self.byte(0xC1);
            self.put(&(v as i16).to_le_bytes());
        } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
            self.byte(0xC2);
            self.put(&(v as i32).to_le_bytes());
        } else {
            return false;
        }
        true
    }

    /// rdbSaveRawString: int-encoded when a small canonical integer, LZF when
    /// compression is on and saves at least 4 bytes, else length + bytes.
    fn string(&mut self, s: &[u8]) {
        if s.len() <= 11 {
            if let Some(v) = parse_canonical_i64(s) {
                if self.try_int(v) {
                    return;
                }
            }
        }
        if self.compress && s.len() > 20 {
            let c = self.lzf.get_or_insert_with(Compressor::new).compress(s, s.len() - 4);
            if let Some(c) = c {
                self.byte(0xC3);
                self.len(c.len() as u64);
                self.len(s.len() as u64);
                self.put(&c);
                self.maybe_flush();
                return;
            }
        }
        self.len(s.len() as u64);
        self.put(s);
        self.maybe_flush();
    }

    /// An integer string value (rdbSaveLongLongAsStringObject).
    fn int_string(&mut self, v: i64) {
        if !self.try_int(v) {
            self.string(itoa::Buffer::new().format(v).as_bytes());
        }
    }

    fn str_value(&mut self, s: &Str) {
        match s {
            Str::Int(n) => self.int_string(*n),
            other => self.string(&other.as_bytes()),
        }
    }
}

/// How a value is being written.
#[derive(Clone, Copy)]
enum Mode {
    /// An RDB file: hashes as plain HASH with live fields only (TTLs go to the
    /// gears-hfe aux field the caller writes).
    File { now: u64 },
    /// A DUMP payload: hashes with field TTLs as HASH_METADATA.
    Dump,
}

fn value_type(v: &Value, mode: Mode) -> u8 {
    match v {
        Value::Str(_) => TYPE_STRING,
        Value::List(_) => TYPE_LIST_QUICKLIST_2,
        Value::Set(s) if s.encoding() == "intset" => TYPE_SET_INTSET,
        Value::Set(_) => TYPE_SET,
        Value::ZSet(_) => TYPE_ZSET_2,
        Value::Hash(h) if matches!(mode, Mode::Dump) && h.volatile_fields() > 0 => TYPE_HASH_METADATA,
        Value::Hash(_) => TYPE_HASH,
        Value::Stream(_) => TYPE_STREAM_LISTPACKS_2,
    }
}

/// The fields of a hash with their TTL (None = no TTL), dropping fields
/// expired at `now` when given.
fn hash_fields(h: &Hash, now: Option<u64>) -> Vec<(&[u8], &[u8], Option<u64>)> {
    let volatile = h.volatile_fields() > 0;
    let mut out = Vec::with_capacity(h.len());
    for (f, v) in h.iter() {
        let ttl = if volatile {
            match h.field_ttl(f) {
                gears_store::hash::FieldTtl::At(t) => Some(t),
                _ => None,
            }
        } else {
            None
        };
        if let (Some(t), Some(now)) = (ttl, now) {
            if t <= now {
                continue;
            }
        }
        out.push((f, v, ttl));
    }
    out
}

fn put_value(o: &mut Out, v: &Value, mode: Mode) {
    match v {
        Value::Str(s) => o.str_value(s),
        Value::List(l) => put_list(o, l),
        Value::Set(s) => {
            if s.encoding() == "intset" {
                let ints: Vec<i64> = s.iter().filter_map(|m| m.as_int()).collect();
                o.string(&intset::encode(&ints));
            } else {
                o.len(s.len() as u64);
                for m in s.iter() {
                    m.with_bytes(|b| o.string(b));
                }
            }
        }
        Value::ZSet(z) => {
            o.len(z.len() as u64);
            // Highest first, as Redis does: its loader then always inserts at the head.
            z.for_each_in(0, z.len(), true, |m, score| {
                o.string(m);
                o.put(&score.to_le_bytes());
            });
        }
        Value::Hash(h) => match mode {
            Mode::File { now } => {
                let fields = hash_fields(h, Some(now));
                o.len(fields.len() as u64);
                for (f, v, _) in fields {
                    o.string(f);
                    o.string(v);
                }
            }
            Mode::Dump => {
                let fields = hash_fields(h, None);
                if h.volatile_fields() > 0 {
                    let min = fields.iter().filter_map(|f| f.2).min().unwrap_or(0);
                    o.ms(min);
                    o.len(fields.len() as u64);
                    for (f, v, ttl) in fields {
                        o.len(ttl.map_or(0, |t| t - min + 1));
                        o.string(f);
                        o.string(v);
                    }
                } else {
                    o.len(fields.len() as u64);
                    for (f, v, _) in fields {
                        o.string(f);
                        o.string(v);
                    }
                }
            }
        },
        Value::Stream(s) => put_stream(o, s),
    }
}

fn put_list(o: &mut Out, l: &List) {
    let mut nodes: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut lp = LpBuilder::new();
    for e in l.iter() {
        let size = match e {
            gears_store::list::Elem::Str(s) => s.len(),
            gears_store::list::Elem::Int(_) => 9,
        };
        if size >= LIST_PLAIN_THRESHOLD {
            if !lp.is_empty() {
                nodes.push((QUICKLIST_PACKED, std::mem::take(&mut lp).finish()));
            }
            nodes.push((QUICKLIST_PLAIN, e.to_vec()));
            continue;
        }
        if !lp.is_empty() && lp.bytes() + size + 11 > LIST_NODE_BYTES {
            nodes.push((QUICKLIST_PACKED, std::mem::take(&mut lp).finish()));
        }
        match e {
            gears_store::list::Elem::Str(s) => lp.push_str(s),
            gears_store::list::Elem::Int(n) => lp.push_int(n),
        }
    }
    if !lp.is_empty() {
        nodes.push((QUICKLIST_PACKED, lp.finish()));
    }
    o.len(nodes.len() as u64);
    for (container, bytes) in nodes {
        o.len(container);
        o.string(&bytes);
    }
}

fn raw_id(id: StreamId) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&id.ms.to_be_bytes());
    b[8..].copy_from_slice(&id.seq.to_be_bytes());
    b
}

fn id_from_raw(b: &[u8]) -> StreamId {
    let mut ms = [0u8; 8];
    let mut seq = [0u8; 8];
    ms.copy_from_slice(&b[..8]);
    seq.copy_from_slice(&b[8..16]);
    StreamId::new(u64::from_be_bytes(ms), u64::from_be_bytes(seq))
}

type PendingEntry = (StreamId, Vec<Vec<u8>>);

/// One stream node as Redis lays it out: the master entry (count, deleted,
/// master field names, 0), then per entry flags, ms and seq deltas from the
/// master ID, the fields (or only the values, with SAMEFIELDS) and lp-count.
fn stream_node(entries: &[PendingEntry]) -> Vec<u8> {
    let master = entries[0].0;
    let master_fields: Vec<&[u8]> = entries[0].1.iter().step_by(2).map(|f| f.as_slice()).collect();
    let mut lp = LpBuilder::new();
    lp.push_int(entries.len() as i64);
    lp.push_int(0);
    lp.push_int(master_fields.len() as i64);
    for f in &master_fields {
        lp.push_str(f);
    }
    lp.push_int(0);
    for (id, fv) in entries {
        let nf = fv.len() / 2;
        let same = nf == master_fields.len() && fv.iter().step_by(2).zip(&master_fields).all(|(a, b)| a == b);
        lp.push_int(if same { STREAM_FLAG_SAMEFIELDS } else { 0 });
        lp.push_int(id.ms.wrapping_sub(master.ms) as i64);
        lp.push_int(id.seq.wrapping_sub(master.seq) as i64);
        if same {
            for v in fv.iter().skip(1).step_by(2) {
                lp.push_str(v);
            }
            lp.push_int(nf as i64 + 3);
        } else {
            lp.push_int(nf as i64);
            for x in fv {
                lp.push_str(x);
            }
            lp.push_int(2 * nf as i64 + 4);
        }
    }
    lp.finish()
}

fn put_stream(o: &mut Out, s: &Stream) {
    let mut nodes: Vec<(StreamId, Vec<u8>)> = Vec::new();
    let mut pending: Vec<PendingEntry> = Vec::new();
    let mut pending_bytes = 0usize;
    s.range(StreamId::MIN, StreamId::MAX, false, 0, |id, fields| {
        let size: usize = fields.iter().map(|f| f.len() + 2).sum::<usize>() + 8;
        if !pending.is_empty() && (pending.len() >= STREAM_NODE_ENTRIES || pending_bytes + size > STREAM_NODE_BYTES) {
            nodes.push((pending[0].0, stream_node(&pending)));
            pending.clear();
            pending_bytes = 0;
        }
        pending_bytes += size;
        pending.push((id, fields.iter().map(|f| f.to_vec()).collect()));
    });
    if !pending.is_empty() {
        nodes.push((pending[0].0, stream_node(&pending)));
    }
    o.len(nodes.len() as u64);
    for (master, lp) in nodes {
        o.len(16);
        o.put(&raw_id(master));
        o.string(&lp);
    }
    o.len(s.len());
    o.len(s.last_id.ms);
    o.len(s.last_id.seq);
    o.len(s.first_id.ms);
    o.len(s.first_id.seq);
    o.len(s.max_deleted_id.ms);
    o.len(s.max_deleted_id.seq);
    o.len(s.entries_added);
    o.len(s.groups.len() as u64);
    for (name, g) in &s.groups {
        o.string(name);
        o.len(g.last_id.ms);
        o.len(g.last_id.seq);
        o.len(g.entries_read as u64);
        o.len(g.pel.len() as u64);
        for (id, nack) in &g.pel {
            o.put(&raw_id(*id));
            o.ms(nack.delivery_time);
            o.len(nack.delivery_count);
        }
        o.len(g.consumers.len() as u64);
        for (cname, c) in &g.consumers {
            o.string(cname);
            o.ms(c.seen_time);
            o.len(c.pel.len() as u64);
            for id in &c.pel {
                o.put(&raw_id(*id));
            }
        }
        o.maybe_flush();
    }
}

/// The gears-hfe aux value for a hash's volatile fields.
fn hfe_aux_value(fields: &[(&[u8], &[u8], Option<u64>)]) -> Vec<u8> {
    let mut o = Out::new(None, false);
    let vol: Vec<(&[u8], u64)> = fields.iter().filter_map(|(f, _, t)| t.map(|t| (*f, t))).collect();
    o.len(vol.len() as u64);
    for (f, t) in vol {
        o.len(f.len() as u64);
        o.put(f);
        o.ms(t);
    }
    o.buf
}

/// Writes a whole RDB file: header, `aux` fields, every db, EOF, checksum.
/// Returns the number of keys written.
pub fn write_rdb<W: Write>(mut out: W, ks: &Keyspace, aux: &[(&str, Vec<u8>)], opts: SaveOptions) -> io::Result<u64> {
    let now = ks.now_ms;
    let mode = Mode::File { now };
    let mut written = 0u64;
    {
        let mut o = Out::new(Some(&mut out), opts.compress);
        o.put(format!("REDIS{RDB_VERSION:04}").as_bytes());
        for (k, v) in aux {
            o.byte(OP_AUX);
            o.string(k.as_bytes());
            o.string(v);
        }
        for (dbi, db) in ks.dbs().iter().enumerate() {
            if db.is_empty() {
                continue;
            }
            o.byte(OP_SELECTDB);
            o.len(dbi as u64);
            o.byte(OP_RESIZEDB);
            o.len(db.len() as u64);
            o.len(db.expires() as u64);
            for (key, e) in db.dict().iter() {
                let expire = e.expire_at();
                if expire.is_some_and(|t| t <= now) {
                    continue;
                }
                if let Value::Hash(h) = &e.value {
                    if h.volatile_fields() > 0 {
                        let fields = hash_fields(h, Some(now));
                        if fields.is_empty() {
                            continue;
                        }
                        if fields.iter().any(|f| f.2.is_some()) {
                            o.byte(OP_AUX);
                            o.string(HFE_AUX);
                            let v = hfe_aux_value(&fields);
                            o.len(v.len() as u64);
                            o.put(&v);
                        }
                    }
                }
                if let Some(t) = expire {
                    o.byte(OP_EXPIRETIME_MS);
                    o.ms(t);
                }
                o.byte(value_type(&e.value, mode));
                o.string(key);
                put_value(&mut o, &e.value, mode);
                written += 1;
                o.maybe_flush();
                o.check()?;
            }
        }
        o.byte(OP_EOF);
        o.flush();
        o.check()?;
        let crc = if opts.checksum { o.crc } else { 0 };
        o.put(&crc.to_le_bytes());
        o.flush();
        o.check()?;
    }
    out.flush()?;
    Ok(written)
}

/// DUMP's payload: the value's RDB encoding, RDB version (2 bytes LE), CRC64 (8 bytes LE).
pub fn dump_payload(v: &Value) -> Vec<u8> {
    let mut o = Out::new(None, true);
    let ty = value_type(v, Mode::Dump);
    o.byte(ty);
    put_value(&mut o, v, Mode::Dump);
    let ver = if ty == TYPE_HASH_METADATA { HFE_DUMP_VERSION } else { RDB_VERSION };
    o.put(&ver.to_le_bytes());
    let crc = crc64(0, &o.buf);
    o.put(&crc.to_le_bytes());
    o.buf
}

// ---- reading -----------------------------------------------------------------------

/// A buffered reader that knows its absolute offset and checksums what it consumes.
struct Reader<R: Read> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    /// Absolute offset of `buf[0]`.
    base: u64,
    /// CRC of everything before `buf[crc_mark]`.
    crc: u64,
    crc_mark: usize,
}

type Res<T> = Result<T, RdbError>;

/// A length or a special string encoding (0xC0..: int8/16/32, LZF).
enum Len {
    Len(u64),
    Enc(u8),
}

impl<R: Read> Reader<R> {
    fn new(inner: R, cap: usize) -> Self {
        Reader { inner, buf: vec![0u8; cap.max(64)].into_boxed_slice(), pos: 0, end: 0, base: 0, crc: 0, crc_mark: 0 }
    }

    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn err(&self, msg: impl Into<String>) -> RdbError {
        RdbError { offset: self.offset(), msg: msg.into() }
    }

    /// The CRC of every byte consumed so far.
    fn crc_so_far(&mut self) -> u64 {
        self.crc = crc64(self.crc, &self.buf[self.crc_mark..self.pos]);
        self.crc_mark = self.pos;
        self.crc
    }

    /// Makes at least `need` (<= buffer size) bytes available.
    fn fill(&mut self, need: usize) -> Res<()> {
        if self.end - self.pos >= need {
            return Ok(());
        }
        self.crc = crc64(self.crc, &self.buf[self.crc_mark..self.pos]);
        self.buf.copy_within(self.pos..self.end, 0);
        self.base += self.pos as u64;
        self.end -= self.pos;
        self.pos = 0;
        self.crc_mark = 0;
        while self.end < need {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    return Err(RdbError {
                        offset: self.base + self.end as u64,
                        msg: "Unexpected EOF reading RDB file".into(),
                    })
                }
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.err(format!("Error reading the RDB file: {e}"))),
            }
        }
        Ok(())
    }

    fn at_eof(&mut self) -> bool {
        self.fill(1).is_err()
    }

    #[inline]
    fn u8(&mut self) -> Res<u8> {
        if self.pos == self.end {
            self.fill(1)?;
        }
        let b = self.buf[self.pos];
        self.pos += 1;
        Ok(b)
    }

    fn array<const N: usize>(&mut self) -> Res<[u8; N]> {
        self.fill(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(&self.buf[self.pos..self.pos + N]);
        self.pos += N;
        Ok(a)
    }

    fn u64_le(&mut self) -> Res<u64> {
        Ok(u64::from_le_bytes(self.array::<8>()?))
    }

    /// Appends `n` bytes to `out`, reading incrementally (no trust in `n`).
    fn bytes_into(&mut self, n: u64, out: &mut Vec<u8>) -> Res<()> {
        let mut left = n;
        out.reserve(left.min(PREALLOC_BYTES as u64) as usize);
        loop {
            let take = ((self.end - self.pos) as u64).min(left) as usize;
            out.extend_from_slice(&self.buf[self.pos..self.pos + take]);
            self.pos += take;
            left -= take as u64;
            if left == 0 {
                return Ok(());
            }
            self.fill(1)?;
        }
    }

    fn bytes(&mut self, n: u64) -> Res<Vec<u8>> {
        let mut v = Vec::new();
        self.bytes_into(n, &mut v)?;
        Ok(v)
    }

    fn len_or_enc(&mut self) -> Res<Len> {
        let b = self.u8()?;
        Ok(match b >> 6 {
            0 => Len::Len((b & 0x3f) as u64),
            1 => Len::Len((((b & 0x3f) as u64) << 8) | self.u8()? as u64),
            3 => Len::Enc(b & 0x3f),
            _ => match b {
                0x80 => Len::Len(u32::from_be_bytes(self.array::<4>()?) as u64),
                0x81 => Len::Len(u64::from_be_bytes(self.array::<8>()?)),
                _ => return Err(self.err(format!("Unknown length encoding {b} in rdbLoadLen()"))),
            },
        })
    }

    fn len(&mut self) -> Res<u64> {
        match self.len_or_enc()? {
            Len::Len(n) => Ok(n),
            Len::Enc(e) => Err(self.err(format!("Unexpected string encoding {e} where a length was expected"))),
        }
    }

    /// A string-encoded value: an integer (for the int encodings) or bytes.
    fn string_or_int(&mut self, out: &mut Vec<u8>) -> Res<Option<i64>> {
        match self.len_or_enc()? {
            Len::Len(n) => {
                self.bytes_into(n, out)?;
                Ok(None)
            }
            Len::Enc(0) => Ok(Some(self.u8()? as i8 as i64)),
            Len::Enc(1) => Ok(Some(i16::from_le_bytes(self.array::<2>()?) as i64)),
            Len::Enc(2) => Ok(Some(i32::from_le_bytes(self.array::<4>()?) as i64)),
            Len::Enc(3) => {
                let clen = self.len()?;
                let len = self.len()?;
                let start = self.offset();
                let c = self.bytes(clen)?;
                let len = usize::try_from(len).map_err(|_| self.err("Invalid LZF compressed string"))?;
                match lzf::lzf_decompress(&c, len) {
                    Some(d) => {
                        out.extend_from_slice(&d);
                        Ok(None)
                    }
                    None => Err(RdbError { offset: start, msg: "Invalid LZF compressed string".into() }),
                }
            }
            Len::Enc(e) => Err(self.err(format!("Unknown RDB string encoding type {e}"))),
        }
    }

    fn string_into(&mut self, out: &mut Vec<u8>) -> Res<()> {
        if let Some(v) = self.string_or_int(out)? {
            out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        }
        Ok(())
    }

    fn string(&mut self) -> Res<Vec<u8>> {
        let mut v = Vec::new();
        self.string_into(&mut v)?;
        Ok(v)
    }

    fn str_value(&mut self) -> Res<Str> {
        let mut v = Vec::new();
        Ok(match self.string_or_int(&mut v)? {
            Some(n) => Str::Int(n),
            None => match parse_canonical_i64(&v) {
                Some(n) => Str::Int(n),
                None => Str::Fixed(v.into_boxed_slice()),
            },
        })
    }

    fn skip_string(&mut self) -> Res<()> {
        let mut sink = Vec::new();
        self.string_or_int(&mut sink)?;
        Ok(())
    }

    /// A score of the old ZSET type: a length byte (253 NaN, 254 +inf, 255 -inf) and text.
    fn text_double(&mut self) -> Res<f64> {
        let n = self.u8()?;
        match n {
            253 => Ok(f64::NAN),
            254 => Ok(f64::INFINITY),
            255 => Ok(f64::NEG_INFINITY),
            _ => {
                let b = self.bytes(n as u64)?;
                parse_double(&b).ok_or_else(|| self.err("Invalid double value in the RDB file"))
            }
        }
    }

    fn binary_double(&mut self) -> Res<f64> {
        Ok(f64::from_le_bytes(self.array::<8>()?))
    }

    /// Skips a module value stream (opcode + value pairs up to the EOF opcode).
    fn skip_module_value(&mut self) -> Res<()> {
        loop {
            match self.len()? {
                MODULE_OPCODE_EOF => return Ok(()),
                MODULE_OPCODE_SINT | MODULE_OPCODE_UINT => {
                    self.len()?;
                }
                MODULE_OPCODE_FLOAT => {
                    self.array::<4>()?;
                }
                MODULE_OPCODE_DOUBLE => {
                    self.array::<8>()?;
                }
                MODULE_OPCODE_STRING => self.skip_string()?,
                op => return Err(self.err(format!("Unknown module opcode {op} in module data"))),
            }
        }
    }
}

fn parse_double(b: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(b).ok()?;
    s.trim().parse::<f64>().ok()
}

/// What loading needs besides the reader.
struct Ctx<'a> {
    limits: &'a Limits,
    /// Drop hash fields expired at this time (file loads; None for RESTORE).
    now: Option<u64>,
}

fn cap(n: u64) -> usize {
    n.min(PREALLOC_ITEMS as u64) as usize
}

fn elem_f64(e: &Elem) -> Option<f64> {
    match *e {
        Elem::Int(n) => Some(n as f64),
        Elem::Str(s) => parse_double(s),
    }
}

/// Loads the value of type `ty` for `key`. `Ok(None)`: an empty aggregate, skipped.
fn load_object<R: Read>(r: &mut Reader<R>, ty: u8, key: &[u8], ctx: &Ctx) -> Res<Option<Value>> {
    let lim = ctx.limits;
    let bad = |r: &Reader<R>, what: &str, detail: &str| r.err(format!("Bad {what} for key '{}': {detail}", show(key)));
    let v = match ty {
        TYPE_STRING => Value::Str(r.str_value()?),
        TYPE_LIST => {
            let n = r.len()?;
            let mut l = List::new();
            let mut s = Vec::new();
            for _ in 0..n {
                s.clear();
                r.string_into(&mut s)?;
                l.push_one(End::Tail, &s, s.len(), lim.list_fill);
            }
            if l.is_empty() {
                return Ok(None);
            }
            Value::List(Box::new(l))
        }
        TYPE_SET => {
            let n = r.len()?;
            if n == 0 {
                return Ok(None);
            }
            let first = r.string()?;
            let mut set = Set::create(&first, n.min(usize::MAX as u64) as usize, &lim.set);
            set.add(&first, &lim.set);
            let mut m = Vec::new();
            for _ in 1..n {
                m.clear();
                r.string_into(&mut m)?;
                if !set.add(&m, &lim.set) {
                    return Err(bad(r, "set", "duplicate set members detected"));
                }
            }
            Value::Set(Box::new(set))
        }
        TYPE_ZSET | TYPE_ZSET_2 => {
            let n = r.len()?;
            let mut pairs: Vec<(Vec<u8>, f64)> = Vec::with_capacity(cap(n));
            for _ in 0..n {
                let m = r.string()?;
                let score = if ty == TYPE_ZSET { r.text_double()? } else { r.binary_double()? };
                if score.is_nan() {
                    return Err(bad(r, "sorted set", "zset with NAN score detected"));
                }
                pairs.push((m, score));
            }
            return zset_from(r, key, pairs.iter().map(|(m, s)| (m.as_slice(), *s)).collect(), lim);
        }
        TYPE_HASH => {
            let n = r.len()?;
            let mut h = Hash::new();
            let (mut f, mut v) = (Vec::new(), Vec::new());
            for _ in 0..n {
                f.clear();
                v.clear();
                r.string_into(&mut f)?;
                r.string_into(&mut v)?;
                if !h.set(&f, &v, false, lim.hash) {
                    return Err(bad(r, "hash", "duplicate hash fields detected"));
                }
            }
            if h.is_empty() {
                return Ok(None);
            }
            Value::Hash(Box::new(h))
        }
        TYPE_MODULE_PRE_GA | TYPE_MODULE_2 => {
            let id = r.len()?;
            return Err(r.err(format!(
                "The RDB file contains module data for key '{}': module type '{}' is not supported",
                show(key),
                module_type_name(id)
            )));
        }
        TYPE_HASH_ZIPMAP => {
            let blob = r.string()?;
            let pairs = decode_zipmap(&blob).map_err(|d| bad(r, "zipmap", d))?;
            return hash_from(r, key, pairs.into_iter().map(|(f, v)| (Elem::Str(f), Elem::Str(v), None)), ctx);
        }
        TYPE_LIST_ZIPLIST => {
            let blob = r.string()?;
            let items = ziplist::decode(&blob).map_err(|d| bad(r, "ziplist", d))?;
            let mut l = List::new();
            push_elems(&mut l, &items, lim.list_fill);
            if l.is_empty() {
                return Ok(None);
            }
            Value::List(Box::new(l))
        }
        TYPE_SET_INTSET => {
            let blob = r.string()?;
            let ints = intset::decode(&blob).map_err(|d| bad(r, "intset", d))?;
            if ints.is_empty() {
                return Ok(None);
            }
            let mut b = itoa::Buffer::new();
            let mut set = Set::create(b.format(ints[0]).as_bytes(), ints.len(), &lim.set);
            for &i in &ints {
                set.add(b.format(i).as_bytes(), &lim.set);
            }
            Value::Set(Box::new(set))
        }
        TYPE_SET_LISTPACK => {
            let blob = r.string()?;
            let items = listpack::decode(&blob).map_err(|d| bad(r, "listpack", d))?;
            if items.is_empty() {
                return Ok(None);
            }
            let mut set = items[0].with_bytes(|b| Set::create(b, items.len(), &lim.set));
            for it in &items {
                if !it.with_bytes(|b| set.add(b, &lim.set)) {
                    return Err(bad(r, "set", "duplicate set members detected"));
                }
            }
            Value::Set(Box::new(set))
        }
        TYPE_ZSET_ZIPLIST | TYPE_ZSET_LISTPACK => {
            let blob = r.string()?;
            let items = if ty == TYPE_ZSET_ZIPLIST { ziplist::decode(&blob) } else { listpack::decode(&blob) };
            let items = items.map_err(|d| bad(r, if ty == TYPE_ZSET_ZIPLIST { "ziplist" } else { "listpack" }, d))?;
            if items.len() % 2 != 0 {
                return Err(bad(r, "sorted set", "odd number of elements"));
            }
            let mut members: Vec<Vec<u8>> = Vec::with_capacity(items.len() / 2);
            let mut scores = Vec::with_capacity(items.len() / 2);
            for p in items.chunks_exact(2) {
                let s = elem_f64(&p[1]).filter(|s| !s.is_nan()).ok_or_else(|| bad(r, "sorted set", "invalid score"))?;
                members.push(p[0].to_vec());
                scores.push(s);
            }
            return zset_from(r, key, members.iter().map(|m| m.as_slice()).zip(scores).collect(), lim);
        }
        TYPE_HASH_ZIPLIST | TYPE_HASH_LISTPACK => {
            let blob = r.string()?;
            let items = if ty == TYPE_HASH_ZIPLIST { ziplist::decode(&blob) } else { listpack::decode(&blob) };
            let items = items.map_err(|d| bad(r, if ty == TYPE_HASH_ZIPLIST { "ziplist" } else { "listpack" }, d))?;
            if items.len() % 2 != 0 {
                return Err(bad(r, "hash", "odd number of elements"));
            }
            return hash_from(r, key, items.chunks_exact(2).map(|p| (p[0], p[1], None)), ctx);
        }
        TYPE_HASH_LISTPACK_EX | TYPE_HASH_LISTPACK_EX_PRE_GA => {
            if ty == TYPE_HASH_LISTPACK_EX {
                r.u64_le()?; // the hash's minimum field expiry: informational
            }
            let blob = r.string()?;
            let items = listpack::decode(&blob).map_err(|d| bad(r, "listpack", d))?;
            if items.len() % 3 != 0 {
                return Err(bad(r, "hash", "listpack is not made of field, value, TTL triples"));
            }
            let mut triples = Vec::with_capacity(items.len() / 3);
            for t in items.chunks_exact(3) {
                let ttl = match t[2] {
                    Elem::Int(0) => None,
                    Elem::Int(n) if n > 0 => Some(n as u64),
                    _ => return Err(bad(r, "hash", "invalid field TTL")),
                };
                triples.push((t[0], t[1], ttl));
            }
            return hash_from(r, key, triples.into_iter(), ctx);
        }
        TYPE_HASH_METADATA | TYPE_HASH_METADATA_PRE_GA => {
            let min = if ty == TYPE_HASH_METADATA { r.u64_le()? } else { 0 };
            let n = r.len()?;
            let mut fields: Vec<(Vec<u8>, Vec<u8>, Option<u64>)> = Vec::with_capacity(cap(n));
            for _ in 0..n {
                let ttl = r.len()?;
                let at = if ttl == 0 {
                    None
                } else if ty == TYPE_HASH_METADATA {
                    Some(
                        ttl.checked_add(min)
                            .and_then(|t| t.checked_sub(1))
                            .ok_or_else(|| bad(r, "hash", "invalid field TTL"))?,
                    )
                } else {
                    Some(ttl)
                };
                let f = r.string()?;
                let v = r.string()?;
                fields.push((f, v, at));
            }
            return hash_from(r, key, fields.iter().map(|(f, v, t)| (Elem::Str(f), Elem::Str(v), *t)), ctx);
        }
        TYPE_LIST_QUICKLIST | TYPE_LIST_QUICKLIST_2 => {
            let n = r.len()?;
            let mut l = List::new();
            for _ in 0..n {
                let container = if ty == TYPE_LIST_QUICKLIST_2 { r.len()? } else { QUICKLIST_PACKED };
                if container != QUICKLIST_PACKED && container != QUICKLIST_PLAIN {
                    return Err(bad(r, "quicklist", "unknown node container"));
                }
                let blob = r.string()?;
                if blob.is_empty() {
                    return Err(bad(r, "quicklist", "empty node"));
                }
                if container == QUICKLIST_PLAIN {
                    l.push_one(End::Tail, &blob, blob.len(), lim.list_fill);
                    continue;
                }
                let items = if ty == TYPE_LIST_QUICKLIST {
                    ziplist::decode(&blob).map_err(|d| bad(r, "ziplist", d))?
                } else {
                    listpack::decode(&blob).map_err(|d| bad(r, "listpack", d))?
                };
                push_elems(&mut l, &items, lim.list_fill);
            }
            if l.is_empty() {
                return Ok(None);
            }
            Value::List(Box::new(l))
        }
        TYPE_STREAM_LISTPACKS | TYPE_STREAM_LISTPACKS_2 | TYPE_STREAM_LISTPACKS_3 => {
            Value::Stream(Box::new(load_stream(r, ty, key)?))
        }
        _ => return Err(r.err(format!("Unknown RDB encoding type {ty}"))),
    };
    Ok(Some(v))
}

fn push_elems(l: &mut List, items: &[Elem], fill: i32) {
    for it in items {
        it.with_bytes(|b| l.push_one(End::Tail, b, b.len(), fill));
    }
}

fn zset_from<R: Read>(r: &Reader<R>, key: &[u8], pairs: Vec<(&[u8], f64)>, lim: &Limits) -> Res<Option<Value>> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let n = pairs.len();
    let z = ZSet::from_pairs(pairs, lim.zset);
    if z.len() != n {
        return Err(r.err(format!("Bad sorted set for key '{}': duplicate zset fields detected", show(key))));
    }
    Ok(Some(Value::ZSet(Box::new(z))))
}

/// Builds a hash from (field, value, expire-at) triples, dropping fields
/// already expired (file loads). An empty result is skipped.
fn hash_from<'e, R: Read>(
    r: &Reader<R>,
    key: &[u8],
    fields: impl Iterator<Item = (Elem<'e>, Elem<'e>, Option<u64>)>,
    ctx: &Ctx,
) -> Res<Option<Value>> {
    let mut h = Hash::new();
    let mut seen = 0usize;
    let mut expired: Vec<Vec<u8>> = Vec::new();
    let mut fb = Vec::new();
    for (f, v, ttl) in fields {
        fb.clear();
        f.with_bytes(|b| fb.extend_from_slice(b));
        let created = v.with_bytes(|vb| h.set(&fb, vb, false, ctx.limits.hash));
        if !created {
            return Err(r.err(format!("Bad hash for key '{}': duplicate hash fields detected", show(key))));
        }
        seen += 1;
        if let Some(at) = ttl {
            if ctx.now.is_some_and(|now| at <= now) {
                expired.push(fb.clone());
            } else {
                h.set_field_expire(&fb, at);
            }
        }
    }
    for f in &expired {
        h.remove(f);
    }
    if seen == 0 || h.is_empty() {
        return Ok(None);
    }
    Ok(Some(Value::Hash(Box::new(h))))
}

/// Redis 2.4's zipmap (HASH_ZIPMAP): `<zmlen> (<len><field><len><free><value><free bytes>)* 0xFF`,
/// lengths one byte below 254, else 254 + u32 LE.
type Pairs<'a> = Vec<(&'a [u8], &'a [u8])>;

fn decode_zipmap(b: &[u8]) -> Result<Pairs<'_>, &'static str> {
    fn zlen(b: &[u8], p: &mut usize) -> Result<Option<usize>, &'static str> {
        let c = *b.get(*p).ok_or("truncated")?;
        *p += 1;
        match c {
            0..=253 => Ok(Some(c as usize)),
            254 => {
                let s = b.get(*p..*p + 4).ok_or("truncated")?;
                *p += 4;
                Ok(Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize))
            }
            _ => Ok(None),
        }
    }
    fn take<'a>(b: &'a [u8], p: &mut usize, n: usize) -> Result<&'a [u8], &'static str> {
        let s = b.get(*p..p.checked_add(n).ok_or("bad length")?).ok_or("truncated")?;
        *p += n;
        Ok(s)
    }
    if b.len() < 2 {
        return Err("too short");
    }
    let mut p = 1;
    let mut out = Vec::new();
    while let Some(flen) = zlen(b, &mut p)? {
        let f = take(b, &mut p, flen)?;
        let vlen = zlen(b, &mut p)?.ok_or("missing value")?;
        let free = *b.get(p).ok_or("truncated")? as usize;
        p += 1;
        let v = take(b, &mut p, vlen)?;
        take(b, &mut p, free)?;
        out.push((f, v));
    }
    if p != b.len() {
        return Err("data after the end marker");
    }
    Ok(out)
}

/// A global PEL entry while loading: delivery time, count, owner once known.
type LoadingNack = (u64, u64, Option<Box<[u8]>>);

fn load_stream<R: Read>(r: &mut Reader<R>, ty: u8, key: &[u8]) -> Res<Stream> {
    let bad = |r: &Reader<R>, detail: &str| r.err(format!("Bad stream for key '{}': {detail}", show(key)));
    let mut s = Stream::new();
    let nodes = r.len()?;
    let mut last_seen: Option<StreamId> = None;
    let mut live = 0u64;
    let mut fields: Vec<Vec<u8>> = Vec::new();
    for _ in 0..nodes {
        let nodekey = r.string()?;
        if nodekey.len() != 16 {
            return Err(bad(r, "node key is not the size of a stream ID"));
        }
        let master = id_from_raw(&nodekey);
        let lp = r.string()?;
        let items = listpack::decode(&lp).map_err(|d| r.err(format!("Bad listpack for key '{}': {d}", show(key))))?;
        if items.is_empty() {
            return Err(bad(r, "empty listpack inside stream"));
        }
        let int = |i: usize| match items.get(i) {
            Some(Elem::Int(n)) => Some(*n),
            _ => None,
        };
        let count = int(0).ok_or_else(|| bad(r, "bad master entry"))?;
        let deleted = int(1).ok_or_else(|| bad(r, "bad master entry"))?;
        let nmaster = int(2).filter(|n| *n >= 0).ok_or_else(|| bad(r, "bad master entry"))? as usize;
        if 3 + nmaster >= items.len() {
            return Err(bad(r, "bad master entry"));
        }
        let master_fields = &items[3..3 + nmaster];
        if int(3 + nmaster) != Some(0) {
            return Err(bad(r, "bad master entry terminator"));
        }
        let mut i = 4 + nmaster;
        let (mut seen_live, mut seen_deleted) = (0i64, 0i64);
        while i < items.len() {
            let start = i;
            let flags = int(i).ok_or_else(|| bad(r, "bad entry flags"))?;
            let ms = int(i + 1).ok_or_else(|| bad(r, "bad entry ID"))?;
            let seq = int(i + 2).ok_or_else(|| bad(r, "bad entry ID"))?;
            let id = StreamId::new(master.ms.wrapping_add(ms as u64), master.seq.wrapping_add(seq as u64));
            i += 3;
            fields.clear();
            if flags & STREAM_FLAG_SAMEFIELDS != 0 {
                if i + nmaster > items.len() {
                    return Err(bad(r, "entry runs past the node"));
                }
                for (k, f) in master_fields.iter().enumerate() {
                    fields.push(f.to_vec());
                    fields.push(items[i + k].to_vec());
                }
                i += nmaster;
            } else {
                let nf = int(i).filter(|n| *n >= 0).ok_or_else(|| bad(r, "bad entry field count"))? as usize;
                i += 1;
                if nf.checked_mul(2).and_then(|x| x.checked_add(i)).is_none_or(|e| e > items.len()) {
                    return Err(bad(r, "entry runs past the node"));
                }
                for k in 0..2 * nf {
                    fields.push(items[i + k].to_vec());
                }
                i += 2 * nf;
            }
            if int(i) != Some((i - start) as i64) {
                return Err(bad(r, "bad entry lp-count"));
            }
            i += 1;
            if last_seen.is_some_and(|p| id <= p) || id < master {
                return Err(bad(r, "entry IDs are not in ascending order"));
            }
            last_seen = Some(id);
            if flags & STREAM_FLAG_DELETED != 0 {
                seen_deleted += 1;
                continue;
            }
            if fields.is_empty() {
                return Err(bad(r, "entry without fields"));
            }
            seen_live += 1;
            let refs: Vec<&[u8]> = fields.iter().map(|f| f.as_slice()).collect();
            s.append(id, &refs);
            live += 1;
        }
        if seen_live != count || seen_deleted != deleted {
            return Err(bad(r, "master entry counts do not match the entries"));
        }
    }
    let length = r.len()?;
    let last_id = StreamId::new(r.len()?, r.len()?);
    if length != live {
        return Err(bad(r, "length does not match the entries"));
    }
    if last_seen.is_some_and(|p| p > last_id) {
        return Err(bad(r, "last ID is smaller than an entry"));
    }
    s.last_id = last_id;
    if ty >= TYPE_STREAM_LISTPACKS_2 {
        s.first_id = StreamId::new(r.len()?, r.len()?);
        s.max_deleted_id = StreamId::new(r.len()?, r.len()?);
        s.entries_added = r.len()?;
    } else {
        s.max_deleted_id = StreamId::MIN;
        s.entries_added = length;
        // first_id: set by the appends (0-0 when empty)
    }
    let ngroups = r.len()?;
    for _ in 0..ngroups {
        let name = r.string()?;
        let glast = StreamId::new(r.len()?, r.len()?);
        let entries_read = if ty >= TYPE_STREAM_LISTPACKS_2 {
            r.len()? as i64
        } else {
            s.estimate_distance(glast).map_or(INVALID_ENTRIES_READ, |d| d as i64)
        };
        let mut g = Group::new(glast, entries_read);
        let npel = r.len()?;
        let mut pel: BTreeMap<StreamId, LoadingNack> = BTreeMap::new();
        for _ in 0..npel {
            let id = id_from_raw(&r.array::<16>()?);
            let time = r.u64_le()?;
            let count = r.len()?;
            if pel.insert(id, (time, count, None)).is_some() {
                return Err(bad(r, "duplicated global PEL entry"));
            }
        }
        let nconsumers = r.len()?;
        for _ in 0..nconsumers {
            let cname: Box<[u8]> = r.string()?.into();
            let seen_time = r.u64_le()?;
            let active_time = if ty >= TYPE_STREAM_LISTPACKS_3 {
                let t = r.u64_le()?;
                (t as i64 != -1).then_some(t)
            } else {
                Some(seen_time)
            };
            let mut cpel = BTreeSet::new();
            let n = r.len()?;
            for _ in 0..n {
                let id = id_from_raw(&r.array::<16>()?);
                let Some(entry) = pel.get_mut(&id) else {
                    return Err(bad(r, "consumer PEL id not in group PEL"));
                };
                if entry.2.is_some() || !cpel.insert(id) {
                    return Err(bad(r, "duplicated consumer PEL entry"));
                }
                entry.2 = Some(cname.clone());
            }
            if g.consumers.insert(cname, Consumer { seen_time, active_time, pel: cpel }).is_some() {
                return Err(bad(r, "duplicate stream consumer detected"));
            }
        }
        for (id, (delivery_time, delivery_count, consumer)) in pel {
            let consumer = consumer.ok_or_else(|| bad(r, "group PEL entry without consumer"))?;
            g.pel.insert(id, Nack { delivery_time, delivery_count, consumer });
        }
        if s.groups.insert(name.into(), g).is_some() {
            return Err(bad(r, "duplicated consumer group name"));
        }
    }
    Ok(s)
}

/// Field TTLs from a gears-hfe aux field: (field, expire-at ms).
type HfePairs = Vec<(Vec<u8>, u64)>;

/// Parses a gears-hfe aux value (see the module comment).
fn parse_hfe(v: &[u8]) -> Result<HfePairs, RdbError> {
    let mut r = Reader::new(v, v.len());
    let n = r.len()?;
    let mut out = Vec::with_capacity(cap(n));
    for _ in 0..n {
        let flen = r.len()?;
        let f = r.bytes(flen)?;
        out.push((f, r.u64_le()?));
    }
    if !r.at_eof() {
        return Err(r.err("trailing data"));
    }
    Ok(out)
}

/// Loads an RDB stream into `ks` (which the caller provides empty).
pub fn load_rdb<R: Read>(input: R, ks: &mut Keyspace, limits: &Limits) -> Result<LoadStats, RdbError> {
    let mut r = Reader::new(input, IN_CHUNK);
    let hdr = r.array::<9>()?;
    if &hdr[..5] != b"REDIS" || !hdr[5..].iter().all(|c| c.is_ascii_digit()) {
        return Err(RdbError { offset: 0, msg: "Wrong signature trying to load DB from file".into() });
    }
    let version: u16 = std::str::from_utf8(&hdr[5..]).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    if !(1..=MAX_LOAD_VERSION).contains(&version) {
        return Err(RdbError { offset: 5, msg: format!("Can't handle RDB format version {version}") });
    }
    let mut stats = LoadStats { version, ..Default::default() };
    let now = ks.now_ms;
    let ctx = Ctx { limits, now: Some(now) };
    let mut db = 0usize;
    let mut expire: Option<i64> = None;
    let mut idle: Option<u64> = None;
    let mut freq: Option<u8> = None;
    let mut hfe: Option<(u64, HfePairs)> = None;
    let mut key = Vec::new();
    loop {
        let op_offset = r.offset();
        let t = r.u8()?;
        match t {
            OP_EXPIRETIME => expire = Some(i32::from_le_bytes(r.array::<4>()?) as i64 * 1000),
            OP_EXPIRETIME_MS => expire = Some(i64::from_le_bytes(r.array::<8>()?)),
            OP_FREQ => freq = Some(r.u8()?),
            OP_IDLE => idle = Some(r.len()?),
            OP_EOF => break,
            OP_SELECTDB => {
                let n = r.len()?;
                if n >= ks.db_count() as u64 {
                    return Err(RdbError {
                        offset: op_offset,
                        msg: format!("DB index {n} out of range: the server has only {} databases", ks.db_count()),
                    });
                }
                db = n as usize;
            }
            OP_RESIZEDB => {
                r.len()?;
                r.len()?;
            }
            OP_SLOT_INFO => {
                r.len()?;
                r.len()?;
                r.len()?;
            }
            OP_AUX => {
                let k = r.string()?;
                let v = r.string()?;
                if k == HFE_AUX {
                    let pairs = parse_hfe(&v).map_err(|e| RdbError {
                        offset: op_offset,
                        msg: format!("Bad {} aux field: {}", String::from_utf8_lossy(HFE_AUX), e.msg),
                    })?;
                    hfe = Some((op_offset, pairs));
                } else {
                    stats.aux.push((k, v));
                }
            }
            OP_MODULE_AUX => {
                let id = r.len()?;
                let when_opcode = r.len()?;
                if when_opcode != MODULE_OPCODE_UINT {
                    return Err(r.err(format!("Bad when_opcode in the aux data of module '{}'", module_type_name(id))));
                }
                r.len()?;
                r.skip_module_value()?;
            }
            OP_FUNCTION_PRE_GA => {
                return Err(RdbError {
                    offset: op_offset,
                    msg: "functions from pre-GA Redis are not supported".into(),
                });
            }
            OP_FUNCTION2 => {
                let code = r.string()?;
                stats.aux.push((b"gears-skipped-function".to_vec(), function_library_name(&code)));
            }
            ty if !is_object_type(ty) => {
                return Err(RdbError { offset: op_offset, msg: format!("Unknown RDB encoding type {ty}") });
            }
            ty => {
                key.clear();
                r.string_into(&mut key)?;
                let value = load_object(&mut r, ty, &key, &ctx)?;
                let (at, idle_s, freq_v, ttls) = (expire.take(), idle.take(), freq.take(), hfe.take());
                let Some(mut value) = value else { continue };
                if let Some((aux_offset, ttls)) = ttls {
                    let Value::Hash(h) = &mut value else {
                        return Err(RdbError {
                            offset: aux_offset,
                            msg: format!("Bad gears-hfe aux field: key '{}' is not a hash", show(&key)),
                        });
                    };
                    for (f, t) in ttls {
                        if !h.contains(&f) {
                            return Err(RdbError {
                                offset: aux_offset,
                                msg: format!(
                                    "Bad gears-hfe aux field: hash '{}' has no field '{}'",
                                    show(&key),
                                    show(&f)
                                ),
                            });
                        }
                        if t <= now {
                            h.remove(&f);
                        } else {
                            h.set_field_expire(&f, t);
                        }
                    }
                    if h.is_empty() {
                        continue;
                    }
                }
                if let Some(at) = at {
                    if at <= now as i64 {
                        stats.keys_expired += 1;
                        continue;
                    }
                }
                let mut e = entry(value, at.map(|t| t as u64));
                e.set_access(match (freq_v, idle_s) {
                    (Some(f), _) => ks.stamp_freq(f),
                    (None, Some(i)) => ks.stamp_idle(i),
                    (None, None) => ks.stamp_idle(0),
                });
                if !ks.write(db, &key).put_entry(e) {
                    return Err(RdbError {
                        offset: op_offset,
                        msg: format!("Duplicated key '{}' in DB {db}", show(&key)),
                    });
                }
                stats.keys_loaded += 1;
            }
        }
    }
    if version >= 5 {
        let computed = r.crc_so_far();
        let stored = r.u64_le()?;
        if stored != 0 && stored != computed {
            return Err(RdbError {
                offset: r.offset() - 8,
                msg: format!("RDB checksum mismatch (expected {computed:016x}, got {stored:016x})"),
            });
        }
    }
    Ok(stats)
}

/// Is `t` a value type byte (as opposed to an opcode or garbage)?
fn is_object_type(t: u8) -> bool {
    matches!(t, 0..=7 | 9..=25)
}

/// The library name from a function library's code (`#!lua name=mylib ...`).
fn function_library_name(code: &[u8]) -> Vec<u8> {
    let first = code.split(|&c| c == b'\n').next().unwrap_or(b"");
    first.split(|&c| c == b' ').find_map(|w| w.strip_prefix(b"name=")).map(|n| n.to_vec()).unwrap_or_default()
}

/// RESTORE's parser for a DUMP payload.
pub fn parse_payload(p: &[u8], limits: &Limits) -> Result<Value, PayloadError> {
    if p.len() < 10 {
        return Err(PayloadError::VersionOrChecksum);
    }
    let footer = &p[p.len() - 10..];
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    if version > MAX_LOAD_VERSION {
        return Err(PayloadError::VersionOrChecksum);
    }
    let mut c = [0u8; 8];
    c.copy_from_slice(&footer[2..]);
    if crc64(0, &p[..p.len() - 8]) != u64::from_le_bytes(c) {
        return Err(PayloadError::VersionOrChecksum);
    }
    let body = &p[..p.len() - 10];
    let mut r = Reader::new(body, body.len().min(IN_CHUNK));
    let ty = r.u8().map_err(|_| PayloadError::BadData)?;
    let ctx = Ctx { limits, now: None };
    match load_object(&mut r, ty, b"", &ctx) {
        Ok(Some(v)) if r.at_eof() => Ok(v),
        _ => Err(PayloadError::BadData),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gears_store::hash::FieldTtl;
    use gears_store::stream::Trim;

    const FAR: u64 = 4_102_444_800_000; // 2100-01-01
    const NOW: u64 = 1_700_000_000_000;

    fn opts() -> SaveOptions {
        SaveOptions { compress: true, checksum: true }
    }

    fn new_ks() -> Keyspace {
        let mut ks = Keyspace::new(16);
        ks.now_ms = NOW;
        ks
    }

    fn put(ks: &mut Keyspace, db: usize, key: &[u8], v: Value, ttl: Option<u64>) {
        ks.write(db, key).put_entry(entry(v, ttl));
    }

    fn save(ks: &Keyspace) -> Vec<u8> {
        let mut out = Vec::new();
        write_rdb(&mut out, ks, &[("redis-ver", b"7.0.15".to_vec()), ("redis-bits", b"64".to_vec())], opts()).unwrap();
        out
    }

    fn load(bytes: &[u8]) -> Result<(Keyspace, LoadStats), RdbError> {
        // (Keyspace has no Debug: tests use `.err().expect(..)` instead of unwrap_err.)
        let mut ks = new_ks();
        let st = load_rdb(bytes, &mut ks, &Limits::default())?;
        Ok((ks, st))
    }

    type Row = (usize, Vec<u8>, Option<u64>, String);

    /// A canonical description of every key (streams and hashes compared by content).
    fn describe_value(v: &Value) -> String {
        match v {
            Value::Hash(h) => {
                let mut f: Vec<String> =
                    h.iter().map(|(k, v)| format!("{:?}={:?}@{:?}", show(k), show(v), h.field_ttl(k))).collect();
                f.sort();
                format!("hash{f:?}")
            }
            Value::Set(s) => {
                let mut m: Vec<Vec<u8>> = s.iter().map(|m| m.to_vec()).collect();
                m.sort();
                format!("set{m:?}")
            }
            Value::Stream(s) => {
                let mut e = Vec::new();
                s.range(StreamId::MIN, StreamId::MAX, false, 0, |id, f| e.push(format!("{id}:{f:?}")));
                // active_time is not in RDB 10 (loaded as seen_time, Redis's estimate).
                let mut groups = s.groups.clone();
                for g in groups.values_mut() {
                    for c in g.consumers.values_mut() {
                        c.active_time = None;
                    }
                }
                format!(
                    "stream len={} last={} first={} maxdel={} added={} entries={e:?} groups={:?}",
                    s.len(),
                    s.last_id,
                    s.first_id,
                    s.max_deleted_id,
                    s.entries_added,
                    groups
                )
            }
            other => format!("{other:?}"),
        }
    }

    fn rows(ks: &Keyspace) -> Vec<Row> {
        let mut out = Vec::new();
        for (i, db) in ks.dbs().iter().enumerate() {
            for (k, e) in db.dict().iter() {
                out.push((i, k.to_vec(), e.expire_at(), describe_value(&e.value)));
            }
        }
        out.sort();
        out
    }

    pub(super) fn sample_keyspace_pub() -> Keyspace {
        sample_keyspace()
    }

    pub(super) fn rows_pub(ks: &Keyspace) -> Vec<(usize, Vec<u8>, Option<u64>, String)> {
        rows(ks)
    }

    fn sample_keyspace() -> Keyspace {
        let lim = Limits::default();
        let mut ks = new_ks();
        put(&mut ks, 0, b"s:int", Value::str_from(b"12345"), None);
        put(&mut ks, 0, b"s:big", Value::str_from(b"-9223372036854775808"), None);
        put(&mut ks, 0, b"s:long", Value::str_from("xyz".repeat(500).as_bytes()), Some(FAR));
        put(&mut ks, 0, b"s:raw", Value::str_from(b"007"), None);
        put(&mut ks, 0, b"", Value::str_from(b"empty key"), None);
        put(&mut ks, 0, b"s:bin", Value::str_from(&[0, 255, 10, 13]), None);
        let mut l = List::new();
        let items: Vec<String> =
            (0..5000).map(|i| if i % 3 == 0 { i.to_string() } else { format!("elem-{i}") }).collect();
        l.push_all(End::Tail, &items, lim.list_fill);
        l.push_one(End::Tail, &vec![b'q'; 20_000], 20_000, lim.list_fill);
        put(&mut ks, 0, b"l:big", Value::List(Box::new(l)), None);
        put(&mut ks, 0, b"l:small", Value::List(Box::new(["a", "1", "-2"].iter().collect())), None);
        for (name, members) in [
            ("set:ints", (0..50).map(|i| (i * 7 - 100).to_string()).collect::<Vec<_>>()),
            ("set:lp", vec!["a".into(), "b".into(), "3".into()]),
            ("set:ht", (0..300).map(|i| format!("m{i}")).collect()),
        ] {
            let mut s = Set::create(members[0].as_bytes(), members.len(), &lim.set);
            for m in &members {
                s.add(m.as_bytes(), &lim.set);
            }
            put(&mut ks, 0, name.as_bytes(), Value::Set(Box::new(s)), None);
        }
        let zs: Vec<(Vec<u8>, f64)> = (0..300).map(|i| (format!("z{i}").into_bytes(), i as f64 / 3.0)).collect();
        let mut pairs: Vec<(&[u8], f64)> = zs.iter().map(|(m, s)| (m.as_slice(), *s)).collect();
        pairs.push((b"inf", f64::INFINITY));
        pairs.push((b"-inf", f64::NEG_INFINITY));
        pairs.push((b"neg0", -0.0));
        put(&mut ks, 0, b"z:big", Value::ZSet(Box::new(ZSet::from_pairs(pairs, lim.zset))), None);
        put(&mut ks, 0, b"z:small", Value::ZSet(Box::new(ZSet::from_pairs([(&b"a"[..], 1.5)], lim.zset))), None);
        let mut h = Hash::from_pairs([(&b"f1"[..], &b"v1"[..]), (b"f2", b"22"), (b"gone", b"x")], lim.hash);
        h.set_field_expire(b"f1", FAR);
        h.set_field_expire(b"gone", NOW - 1);
        put(&mut ks, 0, b"h:ttl", Value::Hash(Box::new(h)), None);
        let big: Vec<(String, String)> = (0..200).map(|i| (format!("k{i}"), format!("v{i}"))).collect();
        let h = Hash::from_pairs(big.iter().map(|(a, b)| (a.as_bytes(), b.as_bytes())), lim.hash);
        put(&mut ks, 1, b"h:big", Value::Hash(Box::new(h)), None);
        let mut s = Stream::new();
        for i in 1..=250u64 {
            if i % 5 == 0 {
                s.append(StreamId::new(i, i), &[b"other", b"x", b"more", i.to_string().as_bytes()]);
            } else {
                s.append(StreamId::new(i, 0), &[b"f", i.to_string().as_bytes()]);
            }
        }
        s.delete(StreamId::new(1, 0));
        s.delete(StreamId::new(100, 100));
        s.trim(Trim::MaxLen(240), false, 0);
        let mut g = Group::new(StreamId::new(50, 0), 45);
        g.create_consumer(b"alice", NOW - 10);
        g.create_consumer(b"bob", NOW - 20);
        g.assign(StreamId::new(20, 20), b"alice", NOW - 5, 2);
        g.assign(StreamId::new(21, 0), b"bob", NOW - 4, 1);
        g.assign(StreamId::new(22, 0), b"alice", NOW - 3, 7);
        s.groups.insert((*b"g1").into(), g);
        s.groups.insert((*b"empty").into(), Group::new(StreamId::MIN, INVALID_ENTRIES_READ));
        put(&mut ks, 2, b"stream", Value::Stream(Box::new(s)), Some(FAR));
        let mut e = Stream::new();
        e.append(StreamId::new(5, 5), &[b"a", b"b"]);
        e.delete(StreamId::new(5, 5));
        put(&mut ks, 2, b"stream:empty", Value::Stream(Box::new(e)), None);
        put(&mut ks, 15, b"last-db", Value::str_from(b"x"), None);
        put(&mut ks, 0, b"expired", Value::str_from(b"x"), Some(NOW - 1));
        ks
    }

    #[test]
    fn round_trip_every_type() {
        let ks = sample_keyspace();
        let bytes = save(&ks);
        let (back, st) = load(&bytes).unwrap();
        assert_eq!(st.version, RDB_VERSION);
        assert_eq!(st.keys_loaded, 18);
        assert_eq!(st.keys_expired, 0); // the expired key is not written at all
        assert_eq!(st.aux, vec![(b"redis-ver".to_vec(), b"7.0.15".to_vec()), (b"redis-bits".to_vec(), b"64".to_vec())]);
        let mut want = rows(&ks);
        want.retain(|r| r.1 != b"expired");
        // The expired field is not saved.
        let mut h = Hash::from_pairs([(&b"f1"[..], &b"v1"[..]), (b"f2", b"22")], Limits::default().hash);
        h.set_field_expire(b"f1", FAR);
        let hrow = want.iter_mut().find(|r| r.1 == b"h:ttl").unwrap();
        hrow.3 = describe_value(&Value::Hash(Box::new(h)));
        assert_eq!(rows(&back), want);
        // Encodings are rebuilt from the limits.
        let enc = |db: usize, k: &[u8]| back.db(db).dict().get(k).unwrap().value.encoding();
        assert_eq!(enc(0, b"set:ints"), "intset");
        assert_eq!(enc(0, b"set:lp"), "listpack");
        assert_eq!(enc(0, b"set:ht"), "hashtable");
        assert_eq!(enc(0, b"l:big"), "quicklist");
        assert_eq!(enc(0, b"l:small"), "listpack");
        assert_eq!(enc(0, b"z:big"), "skiplist");
        assert_eq!(enc(0, b"z:small"), "listpack");
        assert_eq!(enc(0, b"s:int"), "int");
        // And once more through the writer.
        let (again, _) = load(&save(&back)).unwrap();
        assert_eq!(rows(&again), rows(&back));
    }

    #[test]
    fn field_ttls_travel_in_an_aux_field() {
        let ks = sample_keyspace();
        let bytes = save(&ks);
        assert!(bytes.windows(HFE_AUX.len()).any(|w| w == HFE_AUX));
        // Loading later than the field TTL drops the field; a hash left empty is dropped.
        let mut ks2 = Keyspace::new(16);
        ks2.now_ms = FAR;
        let st = load_rdb(&bytes[..], &mut ks2, &Limits::default()).unwrap();
        let Value::Hash(h) = &ks2.db(0).dict().get(b"h:ttl").unwrap().value else { panic!() };
        assert_eq!(h.len(), 1);
        assert_eq!(h.field_ttl(b"f2"), FieldTtl::NoTtl);
        assert!(ks2.db(0).dict().get(b"s:long").is_none());
        assert_eq!(st.keys_expired, 2); // s:long and the stream expire at FAR
        assert!(st.aux.iter().all(|(k, _)| k != HFE_AUX));
        // A gears-hfe field must be followed by a hash.
        let mut o = Out::new(None, false);
        o.put(b"REDIS0010");
        o.byte(OP_AUX);
        o.string(HFE_AUX);
        o.string(&hfe_aux_value(&[(b"f", b"v", Some(FAR))]));
        o.byte(TYPE_STRING);
        o.string(b"k");
        o.string(b"v");
        let e = load(&finish(o)).err().expect("load must fail");
        assert!(e.msg.contains("is not a hash"), "{e}");
    }

    fn finish(mut o: Out) -> Vec<u8> {
        o.byte(OP_EOF);
        let crc = crc64(0, &o.buf);
        o.put(&crc.to_le_bytes());
        o.buf
    }

    fn file(body: impl FnOnce(&mut Out)) -> Vec<u8> {
        let mut o = Out::new(None, false);
        o.put(b"REDIS0011");
        body(&mut o);
        finish(o)
    }

    #[test]
    fn expired_keys_are_counted_not_loaded() {
        let bytes = file(|o| {
            o.byte(OP_EXPIRETIME_MS);
            o.ms(NOW - 1);
            o.byte(TYPE_STRING);
            o.string(b"old");
            o.string(b"v");
            o.byte(OP_EXPIRETIME);
            o.put(&((NOW / 1000 + 100) as i32).to_le_bytes());
            o.byte(TYPE_STRING);
            o.string(b"secs");
            o.string(b"v");
            o.byte(OP_IDLE);
            o.len(100);
            o.byte(TYPE_STRING);
            o.string(b"idle");
            o.string(b"v");
        });
        let (ks, st) = load(&bytes).unwrap();
        assert_eq!((st.keys_loaded, st.keys_expired), (2, 1));
        assert_eq!(ks.db(0).dict().get(b"secs").unwrap().expire_at(), Some((NOW / 1000 + 100) * 1000));
        let idle = ks.db(0).dict().get(b"idle").unwrap();
        assert!((99_000..=101_000).contains(&ks.idle_ms(idle)), "{}", ks.idle_ms(idle));
    }

    #[test]
    fn truncation_and_corruption_are_errors() {
        let mut ks = new_ks();
        put(&mut ks, 0, b"a", Value::str_from(b"hello world hello world hello world"), Some(FAR));
        put(&mut ks, 0, b"l", Value::List(Box::new(["x", "1", "y"].iter().collect())), None);
        let mut s = Stream::new();
        s.append(StreamId::new(1, 1), &[b"f", b"v"]);
        let mut g = Group::new(StreamId::new(1, 1), 1);
        g.create_consumer(b"c", 5);
        g.assign(StreamId::new(1, 1), b"c", 6, 1);
        s.groups.insert((*b"g").into(), g);
        put(&mut ks, 1, b"s", Value::Stream(Box::new(s)), None);
        let mut h = Hash::from_pairs([(&b"f"[..], &b"v"[..])], Limits::default().hash);
        h.set_field_expire(b"f", FAR);
        put(&mut ks, 0, b"h", Value::Hash(Box::new(h)), None);
        let bytes = save(&ks);
        assert!(load(&bytes).is_ok());
        for cut in 0..bytes.len() {
            let e = load(&bytes[..cut]).err().expect("load must fail");
            if cut >= 9 {
                assert!(e.msg.contains("Unexpected EOF") || e.msg.contains("Bad"), "cut {cut}: {e}");
            }
        }
        for i in 0..bytes.len() {
            for x in [0x01, 0x80, 0xFF] {
                let mut bad = bytes.clone();
                bad[i] ^= x;
                assert!(load(&bad).is_err(), "flip {x:#x} at {i} not caught");
            }
        }
        let mut bad = bytes.clone();
        let n = bad.len();
        bad[n - 20] ^= 0x20; // inside the value area, keeps the structure
        let e = load(&bad).err().expect("load must fail");
        assert!(e.msg.starts_with("RDB checksum mismatch") || e.msg.contains("Bad"), "{e}");
        // A zero trailer is "not checked".
        let mut unchecked = bytes.clone();
        unchecked[n - 8..].fill(0);
        assert!(load(&unchecked).is_ok());
        let mut out = Vec::new();
        write_rdb(&mut out, &ks, &[], SaveOptions { compress: false, checksum: false }).unwrap();
        assert_eq!(&out[out.len() - 8..], &[0; 8]);
        assert!(load(&out).is_ok());
    }

    #[test]
    fn header_and_opcode_errors() {
        let e = load(b"REDIS0013\xff").err().expect("load must fail");
        assert_eq!(e.msg, "Can't handle RDB format version 13");
        assert!(load(b"RODIS0010\xff").err().expect("load must fail").msg.contains("Wrong signature"));
        let e = load(&file(|o| o.byte(42))).err().expect("load must fail");
        assert_eq!(e.msg, "Unknown RDB encoding type 42");
        let e = load(&file(|o| {
            o.byte(OP_SELECTDB);
            o.len(16);
        }))
        .err()
        .expect("load must fail");
        assert_eq!(e.msg, "DB index 16 out of range: the server has only 16 databases");
        let e = load(&file(|o| {
            o.byte(OP_FUNCTION_PRE_GA);
        }))
        .err()
        .expect("load must fail");
        assert!(e.msg.contains("pre-GA"));
        // ReJSON's module id: its name in the charset, then encoding version 3.
        let cs = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let id =
            b"ReJSON-RL".iter().fold(0u64, |a, c| a << 6 | cs.iter().position(|x| x == c).unwrap() as u64) << 10 | 3;
        assert_eq!(module_type_name(id), "ReJSON-RL");
        let e = load(&file(|o| {
            o.byte(TYPE_MODULE_2);
            o.string(b"doc");
            o.len(id);
        }))
        .err()
        .expect("load must fail");
        assert!(e.msg.contains("module type 'ReJSON-RL' is not supported"), "{e}");
        // Module aux data, functions and slot info are skipped.
        let (ks, st) = load(&file(|o| {
            o.byte(OP_MODULE_AUX);
            o.len(id);
            o.len(MODULE_OPCODE_UINT);
            o.len(2);
            for (op, val) in [(MODULE_OPCODE_SINT, 5u64), (MODULE_OPCODE_UINT, 1 << 40)] {
                o.len(op);
                o.len(val);
            }
            o.len(MODULE_OPCODE_FLOAT);
            o.put(&1.5f32.to_le_bytes());
            o.len(MODULE_OPCODE_DOUBLE);
            o.put(&2.5f64.to_le_bytes());
            o.len(MODULE_OPCODE_STRING);
            o.string(b"blob");
            o.len(MODULE_OPCODE_EOF);
            o.byte(OP_FUNCTION2);
            o.string(b"#!lua name=mylib\nredis.register_function('f', function() return 1 end)");
            o.byte(OP_SLOT_INFO);
            o.len(1);
            o.len(2);
            o.len(3);
            o.byte(OP_FREQ);
            o.byte(7);
            o.byte(TYPE_STRING);
            o.string(b"k");
            o.string(b"v");
        }))
        .unwrap();
        assert_eq!(st.keys_loaded, 1);
        assert_eq!(st.aux, vec![(b"gears-skipped-function".to_vec(), b"mylib".to_vec())]);
        assert!(ks.db(0).dict().get(b"k").is_some());
        // Duplicated keys.
        let e = load(&file(|o| {
            for _ in 0..2 {
                o.byte(TYPE_STRING);
                o.string(b"k");
                o.string(b"v");
            }
        }))
        .err()
        .expect("load must fail");
        assert!(e.msg.contains("Duplicated key 'k'"), "{e}");
    }

    #[test]
    fn legacy_and_newer_encodings_load() {
        use super::super::ziplist::tests::build as zl;
        let lim = Limits::default();
        let bytes = file(|o| {
            // ZSET with text scores.
            o.byte(TYPE_ZSET);
            o.string(b"z3");
            o.len(3);
            o.string(b"a");
            o.put(&[3]);
            o.put(b"1.5");
            o.string(b"b");
            o.put(&[254]);
            o.string(b"c");
            o.put(&[255]);
            // Ziplist hash, zset, list; quicklist v1; zipmap.
            o.byte(TYPE_HASH_ZIPLIST);
            o.string(b"hz");
            o.string(&zl(&[Elem::Str(b"f"), Elem::Int(7), Elem::Str(b"g"), Elem::Str(b"w")]));
            o.byte(TYPE_ZSET_ZIPLIST);
            o.string(b"zz");
            o.string(&zl(&[Elem::Str(b"m"), Elem::Str(b"2.5"), Elem::Int(9), Elem::Int(-1)]));
            o.byte(TYPE_LIST_ZIPLIST);
            o.string(b"lz");
            o.string(&zl(&[Elem::Str(b"x"), Elem::Int(1)]));
            o.byte(TYPE_LIST_QUICKLIST);
            o.string(b"lq");
            o.len(2);
            o.string(&zl(&[Elem::Str(b"a"), Elem::Str(b"b")]));
            o.string(&zl(&[Elem::Int(3)]));
            o.byte(TYPE_HASH_ZIPMAP);
            o.string(b"hm");
            o.string(&[2, 1, b'a', 2, 0, b'x', b'y', 1, b'b', 1, 3, b'z', 0, 0, 0, 0xFF]);
            // Redis 7.4 hashes with field TTLs.
            o.byte(TYPE_HASH_METADATA);
            o.string(b"hmeta");
            o.ms(FAR);
            o.len(3);
            o.len(0);
            o.string(b"plain");
            o.string(b"1");
            o.len(1);
            o.string(b"soon");
            o.string(b"2");
            o.len(1001);
            o.string(b"later");
            o.string(b"3");
            o.byte(TYPE_HASH_LISTPACK_EX);
            o.string(b"hlpex");
            o.ms(NOW - 5);
            let mut lp = LpBuilder::new();
            for (f, v, t) in [("a", "1", 0i64), ("dead", "2", (NOW - 5) as i64), ("b", "3", FAR as i64)] {
                lp.push_str(f.as_bytes());
                lp.push_str(v.as_bytes());
                lp.push_int(t);
            }
            o.string(&lp.finish());
            o.byte(TYPE_HASH_LISTPACK_EX);
            o.string(b"all-dead");
            o.ms(NOW - 5);
            let mut lp = LpBuilder::new();
            lp.push_str(b"f");
            lp.push_str(b"v");
            lp.push_int((NOW - 5) as i64);
            o.string(&lp.finish());
            // Listpack set (7.2).
            o.byte(TYPE_SET_LISTPACK);
            o.string(b"slp");
            let mut lp = LpBuilder::new();
            lp.push_str(b"x");
            lp.push_int(5);
            o.string(&lp.finish());
            // Empty aggregates are skipped.
            o.byte(TYPE_SET);
            o.string(b"empty-set");
            o.len(0);
        });
        let (ks, st) = load(&bytes).unwrap();
        assert_eq!(st.keys_loaded, 9);
        let get = |k: &[u8]| ks.db(0).dict().get(k).map(|e| e.value.clone());
        let Some(Value::ZSet(z)) = get(b"z3") else { panic!() };
        assert_eq!(
            z.range(0, 3, false).iter().map(|(_, s)| *s).collect::<Vec<_>>(),
            vec![f64::NEG_INFINITY, 1.5, f64::INFINITY]
        );
        let Some(Value::Hash(h)) = get(b"hz") else { panic!() };
        assert_eq!(h.get(b"f"), Some(&b"7"[..]));
        let Some(Value::ZSet(z)) = get(b"zz") else { panic!() };
        assert_eq!(z.score(b"9"), Some(-1.0));
        assert_eq!(get(b"lz"), Some(Value::List(Box::new(["x", "1"].iter().collect()))));
        assert_eq!(get(b"lq"), Some(Value::List(Box::new(["a", "b", "3"].iter().collect()))));
        let Some(Value::Hash(h)) = get(b"hm") else { panic!() };
        assert_eq!((h.get(b"a"), h.get(b"b")), (Some(&b"xy"[..]), Some(&b"z"[..])));
        let Some(Value::Hash(h)) = get(b"hmeta") else { panic!() };
        assert_eq!(h.field_ttl(b"plain"), FieldTtl::NoTtl);
        assert_eq!(h.field_ttl(b"soon"), FieldTtl::At(FAR));
        assert_eq!(h.field_ttl(b"later"), FieldTtl::At(FAR + 1000));
        let Some(Value::Hash(h)) = get(b"hlpex") else { panic!() };
        assert_eq!(h.len(), 2);
        assert_eq!(h.field_ttl(b"b"), FieldTtl::At(FAR));
        assert!(get(b"all-dead").is_none() && get(b"empty-set").is_none());
        let Some(Value::Set(s)) = get(b"slp") else { panic!() };
        assert!(s.contains(b"5") && s.contains(b"x"));
        let _ = lim;
    }

    #[test]
    fn stream_v3_and_v1_layouts() {
        let mut s = Stream::new();
        for i in 1..=3u64 {
            s.append(StreamId::new(i, 0), &[b"f", b"v"]);
        }
        let mut g = Group::new(StreamId::new(2, 0), 2);
        g.create_consumer(b"c", 10);
        g.assign(StreamId::new(2, 0), b"c", 11, 1);
        s.groups.insert((*b"g").into(), g);
        let mut o = Out::new(None, false);
        put_stream(&mut o, &s);
        let v2 = o.buf;
        // Rewrite as type 21 (adds the consumer active time) and type 15 (no 7.0 metadata).
        let mut r = Reader::new(&v2[..], 64);
        let back = load_stream(&mut r, TYPE_STREAM_LISTPACKS_2, b"k").unwrap();
        assert!(r.at_eof());
        assert_eq!(describe_value(&Value::Stream(Box::new(back))), describe_value(&Value::Stream(Box::new(s.clone()))));
        // consumer: name "c", seen 8 bytes, then PEL count 1 + 16 bytes at the end.
        let tail = 1 + 16;
        let split = v2.len() - tail;
        let mut v3 = v2[..split].to_vec();
        v3.extend_from_slice(&12u64.to_le_bytes());
        v3.extend_from_slice(&v2[split..]);
        let back = load_stream(&mut Reader::new(&v3[..], 64), TYPE_STREAM_LISTPACKS_3, b"k").unwrap();
        assert_eq!(back.groups[&b"g"[..]].consumers[&b"c"[..]].active_time, Some(12));
        let e = load_stream(&mut Reader::new(&v2[..], 64), TYPE_STREAM_LISTPACKS_3, b"k").unwrap_err();
        assert!(e.msg.contains("Unexpected EOF") || e.msg.contains("Bad stream"), "{e}");
        // Corrupt the consumer PEL id.
        let mut bad = v2.clone();
        let n = bad.len();
        bad[n - 1] ^= 1;
        let e = load_stream(&mut Reader::new(&bad[..], 64), TYPE_STREAM_LISTPACKS_2, b"k").unwrap_err();
        assert_eq!(e.msg, "Bad stream for key 'k': consumer PEL id not in group PEL");
    }

    #[test]
    fn dump_payloads() {
        let lim = Limits::default();
        let ks = sample_keyspace();
        for (_, e) in ks.dbs().iter().flat_map(|d| d.dict().iter()) {
            let p = dump_payload(&e.value);
            let v = parse_payload(&p, &lim).unwrap();
            if let Value::Hash(h) = &e.value {
                assert_eq!(describe_value(&v), describe_value(&Value::Hash(h.clone())));
                if h.volatile_fields() > 0 {
                    assert_eq!(p[0], TYPE_HASH_METADATA);
                    assert_eq!(&p[p.len() - 10..p.len() - 8], &12u16.to_le_bytes());
                }
            } else {
                assert_eq!(describe_value(&v), describe_value(&e.value));
                assert_eq!(&p[p.len() - 10..p.len() - 8], &10u16.to_le_bytes());
            }
        }
        // Redis 7.0.15's DUMP of SET k 1 and of SET k hello, byte for byte.
        let one = b"\x00\xc0\x01\x0a\x00\x26\x78\xe7\xb6\xd1\x01\x11\xfc";
        assert_eq!(dump_payload(&Value::str_from(b"1")), one);
        assert_eq!(parse_payload(one, &lim), Ok(Value::str_from(b"1")));
        let hello = b"\x00\x05hello\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a";
        let p = dump_payload(&Value::str_from(b"hello"));
        assert_eq!(p, hello);
        assert_eq!(parse_payload(b"short", &lim), Err(PayloadError::VersionOrChecksum));
        let mut bad = p.clone();
        bad[3] ^= 1;
        assert_eq!(parse_payload(&bad, &lim), Err(PayloadError::VersionOrChecksum));
        let reseal = |mut body: Vec<u8>, ver: u16| {
            body.extend_from_slice(&ver.to_le_bytes());
            let c = crc64(0, &body);
            body.extend_from_slice(&c.to_le_bytes());
            body
        };
        assert_eq!(parse_payload(&reseal(b"\x00\x05hello".to_vec(), 13), &lim), Err(PayloadError::VersionOrChecksum));
        assert_eq!(parse_payload(&reseal(b"\x00\x05hello!".to_vec(), 10), &lim), Err(PayloadError::BadData));
        assert_eq!(parse_payload(&reseal(b"\x00\x06hello".to_vec(), 10), &lim), Err(PayloadError::BadData));
        assert_eq!(parse_payload(&reseal(b"\x2a\x05hello".to_vec(), 10), &lim), Err(PayloadError::BadData));
        assert_eq!(parse_payload(&reseal(b"\x02\x00".to_vec(), 10), &lim), Err(PayloadError::BadData));
        assert!(parse_payload(&reseal(b"\x00\x05hello".to_vec(), 12), &lim).is_ok());
        for i in 0..p.len() {
            let _ = parse_payload(&p[..i], &lim);
        }
    }

    #[test]
    fn fixture_from_redis7() {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/redis7_all_types.rdb")).unwrap();
        let (ks, st) = load(&bytes).unwrap();
        assert_eq!(st.version, 10);
        assert!(st.aux.contains(&(b"redis-ver".to_vec(), b"7.0.15".to_vec())));
        assert_eq!((st.keys_loaded, st.keys_expired), (27, 0));
        assert_eq!((ks.db(0).len(), ks.db(3).len()), (24, 3));
        let get = |k: &[u8]| ks.db(0).dict().get(k).unwrap();
        let val = |k: &[u8]| get(k).value.clone();
        assert_eq!(val(b"str:int"), Value::Str(Str::Int(12345)));
        assert_eq!(val(b"str:bigint"), Value::Str(Str::Int(123456789012)));
        assert_eq!(val(b"str:long"), Value::str_from("abc".repeat(1000).as_bytes()));
        assert_eq!(val(b"str:binary"), Value::str_from(b"bin\x00ary\xff"));
        assert_eq!(val(b"str:empty"), Value::str_from(b""));
        assert_eq!(get(b"str:ttl").expire_at(), Some(FAR));
        assert_eq!(get(b"str:ttl2").expire_at(), Some(FAR + 1000));
        let Value::List(l) = val(b"list:big") else { panic!() };
        assert_eq!(l.len(), 1500);
        assert_eq!(l.get(999).unwrap().to_vec(), b"1000");
        assert_eq!(l.get(1000).unwrap().to_vec(), b"item-1");
        let Value::List(l) = val(b"list:small") else { panic!() };
        let items: Vec<Vec<u8>> = l.iter().map(|e| e.to_vec()).collect();
        assert_eq!(items, ["a", "b", "1", "2", "-3", "1000000", "99999999999"].map(|s| s.as_bytes().to_vec()));
        let Value::List(l) = val(b"list:bigelem") else { panic!() };
        assert_eq!(l.get(1).unwrap().to_vec(), vec![b'y'; 10000]);
        let Value::Set(s) = val(b"set:ints") else { panic!() };
        assert_eq!((s.len(), s.encoding(), s.contains(b"-50")), (101, "intset", true));
        let Value::Set(s) = val(b"set:bigints") else { panic!() };
        assert_eq!((s.len(), s.encoding()), (1000, "hashtable"));
        let Value::Set(s) = val(b"set:big") else { panic!() };
        assert_eq!(s.len(), 200);
        let Value::ZSet(z) = val(b"zset:big") else { panic!() };
        assert_eq!(
            (z.len(), z.score(b"top"), z.score(b"bottom"), z.score(b"m7")),
            (202, Some(f64::INFINITY), Some(f64::NEG_INFINITY), Some(7.25))
        );
        let Value::ZSet(z) = val(b"zset:small") else { panic!() };
        assert_eq!(z.score(b"b"), Some(2.5));
        let Value::Hash(h) = val(b"hash:big") else { panic!() };
        assert_eq!((h.len(), h.get(b"field77")), (200, Some(&b"value77"[..])));
        let Value::Hash(h) = val(b"hash:small") else { panic!() };
        assert_eq!(h.get(b"f3"), Some(&b"-3"[..]));
        let Value::Stream(s) = val(b"stream:small") else { panic!() };
        assert_eq!(
            (s.len(), s.last_id, s.first_id, s.max_deleted_id, s.entries_added),
            (19, StreamId::new(2000, 0), StreamId::new(1000, 1), StreamId::new(1000, 7), 21)
        );
        assert_eq!(s.get(StreamId::new(1000, 4)).unwrap(), vec![&b"name"[..], b"n4", b"value", b"4"]);
        assert_eq!(s.get(StreamId::new(2000, 0)).unwrap(), vec![&b"other"[..], b"x"]);
        let g1 = &s.groups[&b"g1"[..]];
        // Redis 7.0 stored -1: a tombstone (1000-7) lies in the range the group read.
        assert_eq!((g1.last_id, g1.entries_read), (StreamId::new(1000, 10), -1));
        assert_eq!(g1.pel.keys().map(|id| id.seq).collect::<Vec<_>>(), vec![1, 4, 5, 6, 8, 9, 10]);
        assert_eq!(g1.consumers[&b"alice"[..]].pel.len(), 4);
        assert_eq!(g1.consumers[&b"bob"[..]].pel.len(), 3);
        assert!(g1.consumers[&b"carol"[..]].pel.is_empty());
        assert_eq!(&*g1.pel[&StreamId::new(1000, 8)].consumer, b"bob");
        assert_eq!(s.groups[&b"g2"[..]].last_id, StreamId::new(2000, 0));
        let Value::Stream(s) = val(b"stream:big") else { panic!() };
        assert_eq!(s.len(), 300);
        let Value::Stream(s) = val(b"stream:empty") else { panic!() };
        assert_eq!(
            (s.len(), s.last_id, s.max_deleted_id, s.entries_added),
            (0, StreamId::new(5, 5), StreamId::new(5, 5), 1)
        );
        assert_eq!(ks.db(3).dict().get(b"db3:ttl").unwrap().expire_at(), Some(FAR + 2000));
        // And through our writer and loader again, unchanged.
        let (back, _) = load(&save(&ks)).unwrap();
        assert_eq!(rows(&back), rows(&ks));
    }

    #[test]
    fn many_keys_stream_through() {
        let mut ks = new_ks();
        for i in 0..20_000u32 {
            let k = format!("key:{i}");
            put(&mut ks, 0, k.as_bytes(), Value::str_from(format!("value:{i}").as_bytes()), None);
        }
        let bytes = save(&ks);
        // A reader that hands out tiny pieces exercises the buffer refills.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(self.0.len()).min(7);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut back = new_ks();
        let st = load_rdb(Trickle(&bytes), &mut back, &Limits::default()).unwrap();
        assert_eq!(st.keys_loaded, 20_000);
        assert_eq!(rows(&back), rows(&ks));
    }
}

/// Interop helper, run by `server/tests/fixtures/check_redis_interop.sh`:
/// writes RDB files for a real redis-server to load.
#[cfg(test)]
mod interop {
    use super::*;

    #[test]
    #[ignore = "driven by server/tests/fixtures/check_redis_interop.sh"]
    fn export_for_redis() {
        let Ok(dir) = std::env::var("GEARS_RDB_EXPORT") else { return };
        let dir = std::path::Path::new(&dir);
        let fixture =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/redis7_all_types.rdb")).unwrap();
        let mut ks = Keyspace::new(16);
        ks.now_ms = 1_700_000_000_000;
        load_rdb(&fixture[..], &mut ks, &Limits::default()).unwrap();
        let aux = [("redis-ver", b"7.0.15".to_vec()), ("redis-bits", b"64".to_vec())];
        let f = std::fs::File::create(dir.join("from_fixture.rdb")).unwrap();
        write_rdb(f, &ks, &aux, SaveOptions { compress: true, checksum: true }).unwrap();
        let sample = super::tests::sample_keyspace_pub();
        let dumps = dir.join("dumps");
        std::fs::create_dir_all(&dumps).unwrap();
        for (i, (k, e)) in sample.db(0).dict().iter().enumerate() {
            std::fs::write(dumps.join(format!("{i}.key")), k).unwrap();
            std::fs::write(dumps.join(format!("{i}.bin")), dump_payload(&e.value)).unwrap();
        }
        let f = std::fs::File::create(dir.join("sample.rdb")).unwrap();
        write_rdb(f, &sample, &aux, SaveOptions { compress: true, checksum: true }).unwrap();
        // Redis's own file, re-read after Redis loaded ours and saved it again.
        if let Ok(back) = std::fs::read(dir.join("resaved.rdb")) {
            let mut ks2 = Keyspace::new(16);
            ks2.now_ms = 1_700_000_000_000;
            load_rdb(&back[..], &mut ks2, &Limits::default()).unwrap();
            let mut a = super::tests::rows_pub(&ks);
            let mut b = super::tests::rows_pub(&ks2);
            a.sort();
            b.sort();
            assert_eq!(a, b);
            eprintln!("resaved.rdb matches: {} keys", a.len());
        }
    }
}
