//! The multi-part AOF of Redis 7: the manifest, the files, the writer, the
//! loader and the command-format rewrite. File names and formats are
//! Redis 7.0's, so an AOF directory moves between Redis and us unchanged.
//!
//! Layout (all inside `<dir>/<appenddirname>`):
//!
//! ```text
//! appendonly.aof.manifest          the list of files, rewritten atomically
//! appendonly.aof.2.base.rdb        the base: an RDB snapshot (aof-use-rdb-preamble yes)
//! appendonly.aof.2.base.aof          ... or commands (aof-use-rdb-preamble no)
//! appendonly.aof.3.incr.aof        the commands written since, RESP-encoded
//! appendonly.aof.4.incr.aof        (several incrs during or after a failed rewrite)
//! ```
//!
//! Manifest lines are `file <name> seq <n> type <b|h|i>\n`: one base first,
//! then history files (left from earlier rewrites, deleted soon), then the
//! incr files in order. The parser follows `aofLoadManifestFromFile`
//! (fgets-sized lines, `sdssplitargs` quoting, `#` comments) and returns its
//! error texts.
//!
//! Loading replays the base (an RDB, possibly followed by commands, or
//! commands), then each incr. A short read at the end of the last file can be
//! cut off (`aof-load-truncated`); anywhere else it is fatal, as in Redis's
//! `loadAppendOnlyFiles`.
//!
//! The writer appends already-encoded bytes to the current incr file.
//! `appendfsync everysec` is served by one process-wide background thread
//! that fdatasyncs, about once a second, every open writer that has unsynced
//! bytes (Redis's bio fsync job); the writer never waits for it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Once, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use super::propagate::{array_header, bulk};
use gears_store::hash::FieldTtl;
use gears_store::stream::StreamId;
use gears_store::{Keyspace, Value};
use parking_lot::{Condvar, Mutex};

// ---- names ---------------------------------------------------------------------------

pub const BASE_SUFFIX: &str = ".base";
pub const INCR_SUFFIX: &str = ".incr";
pub const RDB_FORMAT_SUFFIX: &str = ".rdb";
pub const AOF_FORMAT_SUFFIX: &str = ".aof";
pub const MANIFEST_SUFFIX: &str = ".manifest";
pub const TEMP_PREFIX: &str = "temp-";
/// Redis's AOF_REWRITE_ITEMS_PER_CMD: at most this many items per rewritten command.
pub const ITEMS_PER_CMD: usize = 64;

/// `appendonly.aof.manifest`
pub fn manifest_name(appendfilename: &str) -> String {
    format!("{appendfilename}{MANIFEST_SUFFIX}")
}

/// `temp-appendonly.aof.manifest`: where [`Manifest::persist`] writes before the rename.
pub fn temp_manifest_name(appendfilename: &str) -> String {
    format!("{TEMP_PREFIX}{appendfilename}{MANIFEST_SUFFIX}")
}

/// `temp-appendonly.aof.incr`: the incr Redis accumulates into while AOF is
/// being turned on (AOF_WAIT_REWRITE), renamed into the manifest afterwards.
pub fn temp_incr_name(appendfilename: &str) -> String {
    format!("{TEMP_PREFIX}{appendfilename}{INCR_SUFFIX}")
}

/// The text of an I/O error without Rust's " (os error N)" suffix, as strerror prints it.
fn errstr(e: &io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}

/// Size of `<aof_dir>/<name>` (getAppendOnlyFileSize), with Redis's text on error.
pub fn file_size(aof_dir: &Path, name: &str) -> Result<u64, String> {
    fs::metadata(aof_dir.join(name))
        .map(|m| m.len())
        .map_err(|e| format!("Unable to obtain the AOF file {name} length. stat: {}", errstr(&e)))
}

/// True if the file starts with "REDIS": an RDB (a `.base.rdb`, or an
/// old-style AOF with an RDB preamble).
pub fn is_rdb_preamble(path: &Path) -> bool {
    let mut sig = [0u8; 5];
    File::open(path).and_then(|mut f| f.read_exact(&mut sig)).is_ok() && &sig == b"REDIS"
}

// ---- manifest ------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AofKind {
    /// `b`: the snapshot of the last rewrite (at most one).
    Base,
    /// `h`: left over from an earlier rewrite, to be deleted.
    Hist,
    /// `i`: commands since the base, in order.
    Incr,
}

impl AofKind {
    pub fn as_char(self) -> char {
        match self {
            AofKind::Base => 'b',
            AofKind::Hist => 'h',
            AofKind::Incr => 'i',
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AofInfo {
    pub name: String,
    pub seq: u64,
    pub kind: AofKind,
}

impl AofInfo {
    /// One manifest line (aofInfoFormat), with the name quoted when needed.
    pub fn format(&self) -> String {
        let name = if needs_repr(self.name.as_bytes()) {
            let mut quoted = Vec::new();
            crate::dispatch::repr_into(&mut quoted, self.name.as_bytes());
            String::from_utf8_lossy(&quoted).into_owned()
        } else {
            self.name.clone()
        };
        format!("file {} seq {} type {}\n", name, self.seq, self.kind.as_char())
    }
}

/// The list of AOF files (Redis's aofManifest).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub base: Option<AofInfo>,
    pub incrs: Vec<AofInfo>,
    pub history: Vec<AofInfo>,
    pub curr_base_seq: u64,
    pub curr_incr_seq: u64,
}

/// fgets buffer of aofLoadManifestFromFile (MANIFEST_MAX_LINE).
const MANIFEST_MAX_LINE: usize = 1024;

impl Manifest {
    /// Parses a manifest as `aofLoadManifestFromFile` does. Errors carry
    /// Redis's text, followed by the line when there is one:
    /// `Invalid AOF manifest file format (line 2: 'file x')`.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        Self::parse_bytes(text.as_bytes())
    }

    /// [`Manifest::parse`] on raw bytes (the file as read).
    pub fn parse_bytes(data: &[u8]) -> Result<Manifest, String> {
        let mut m = Manifest::default();
        let mut maxseq = 0u64;
        let mut pos = 0;
        let mut linenum = 0usize;
        loop {
            if pos >= data.len() {
                if linenum == 0 {
                    return Err("Found an empty AOF manifest".into());
                }
                break;
            }
            // fgets(buf, MANIFEST_MAX_LINE+1): up to 1024 bytes, through '\n'.
            let end = (pos + MANIFEST_MAX_LINE).min(data.len());
            let chunk_end = match data[pos..end].iter().position(|&b| b == b'\n') {
                Some(i) => pos + i + 1,
                None => end,
            };
            let chunk = &data[pos..chunk_end];
            pos = chunk_end;
            linenum += 1;
            if chunk[0] == b'#' {
                continue;
            }
            // As a C string: stops at a NUL.
            let cstr = &chunk[..chunk.iter().position(|&b| b == 0).unwrap_or(chunk.len())];
            if !cstr.contains(&b'\n') {
                return Err("The AOF manifest file contains too long line".into());
            }
            let line = trim(cstr, b" \t\r\n");
            let err = |msg: &str| format!("{msg} (line {linenum}: '{}')", String::from_utf8_lossy(line));
            let invalid = || err("Invalid AOF manifest file format");
            if line.is_empty() {
                return Err(invalid());
            }
            let argv = match gears_resp::split_args(line) {
                Some(v) if v.len() >= 6 && v.len() % 2 == 0 => v,
                _ => return Err(invalid()),
            };
            let (mut name, mut seq, mut kind) = (None, 0i64, 0u8);
            for pair in argv.chunks(2) {
                let (k, v) = (&pair[0], &pair[1]);
                if k.eq_ignore_ascii_case(b"file") {
                    if v.contains(&b'/') || v.contains(&b'\\') {
                        return Err(err("File can't be a path, just a filename"));
                    }
                    name = Some(v.clone());
                } else if k.eq_ignore_ascii_case(b"seq") {
                    seq = atoll(v);
                } else if k.eq_ignore_ascii_case(b"type") {
                    kind = v.first().copied().unwrap_or(0);
                }
            }
            // Redis accepts any non-zero seq; a negative one cannot be a u64 here.
            let (Some(name), true, true) = (name, seq > 0, kind != 0) else { return Err(invalid()) };
            let Ok(name) = String::from_utf8(name.to_vec()) else { return Err(invalid()) };
            let seq = seq as u64;
            match kind {
                b'b' => {
                    if m.base.is_some() {
                        return Err(err("Found duplicate base file information"));
                    }
                    m.base = Some(AofInfo { name, seq, kind: AofKind::Base });
                    m.curr_base_seq = seq;
                }
                b'h' => m.history.push(AofInfo { name, seq, kind: AofKind::Hist }),
                b'i' => {
                    if seq <= maxseq {
                        return Err(err("Found a non-monotonic sequence number"));
                    }
                    m.incrs.push(AofInfo { name, seq, kind: AofKind::Incr });
                    m.curr_incr_seq = seq;
                    maxseq = seq;
                }
                _ => return Err(err("Unknown AOF file type")),
            }
        }
        Ok(m)
    }

    /// The manifest text (getAofManifestAsString): base, history, incrs.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for ai in self.base.iter().chain(&self.history).chain(&self.incrs) {
            s.push_str(&ai.format());
        }
        s
    }

    /// Reads `<aof_dir>/<appendfilename>.manifest`; Ok(None) when it does not exist.
    pub fn load(aof_dir: &Path, appendfilename: &str) -> Result<Option<Manifest>, String> {
        let path = aof_dir.join(manifest_name(appendfilename));
        match fs::read(&path) {
            Ok(data) => Self::parse_bytes(&data).map(Some),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!(
                "Fatal error: can't open the AOF manifest file {} for reading: {}",
                path.display(),
                errstr(&e)
            )),
        }
    }

    /// Writes the manifest atomically (writeAofManifestFile): a temp file,
    /// fsync, rename over the manifest, fsync of the directory. Errors carry
    /// Redis's log text.
    pub fn persist(&self, aof_dir: &Path, appendfilename: &str) -> io::Result<()> {
        let name = manifest_name(appendfilename);
        let tmp_name = temp_manifest_name(appendfilename);
        let (path, tmp) = (aof_dir.join(&name), aof_dir.join(&tmp_name));
        let ctx = |e: io::Error, what: String| io::Error::new(e.kind(), format!("{what}: {}", errstr(&e)));
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(|e| ctx(e, format!("Can't open the AOF manifest file {tmp_name}")))?;
        f.write_all(self.to_text().as_bytes())
            .map_err(|e| ctx(e, format!("Error trying to write the temporary AOF manifest file {tmp_name}")))?;
        f.sync_all().map_err(|e| ctx(e, format!("Fail to fsync the temp AOF file {tmp_name}")))?;
        drop(f);
        fs::rename(&tmp, &path).map_err(|e| {
            ctx(e, format!("Error trying to rename the temporary AOF manifest file {tmp_name} into {name}"))
        })?;
        File::open(aof_dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| ctx(e, format!("Fail to fsync AOF directory {}", path.display())))
    }

    /// Starts a new base (getNewBaseFileNameAndMarkPreAsHistory): the old base,
    /// if any, moves to the front of the history. Returns the new base's
    /// name, `<appendfilename>.<seq>.base.rdb` (or `.base.aof` without the
    /// RDB preamble).
    pub fn new_base(&mut self, appendfilename: &str, rdb_preamble: bool) -> String {
        if let Some(mut old) = self.base.take() {
            old.kind = AofKind::Hist;
            self.history.insert(0, old);
        }
        self.curr_base_seq += 1;
        let fmt = if rdb_preamble { RDB_FORMAT_SUFFIX } else { AOF_FORMAT_SUFFIX };
        let name = format!("{appendfilename}.{}{BASE_SUFFIX}{fmt}", self.curr_base_seq);
        self.base = Some(AofInfo { name: name.clone(), seq: self.curr_base_seq, kind: AofKind::Base });
        name
    }

    /// Starts a new incr file (getNewIncrAofName) and returns its name,
    /// `<appendfilename>.<seq>.incr.aof`.
    pub fn new_incr(&mut self, appendfilename: &str) -> String {
        self.curr_incr_seq += 1;
        let name = format!("{appendfilename}.{}{INCR_SUFFIX}{AOF_FORMAT_SUFFIX}", self.curr_incr_seq);
        self.incrs.push(AofInfo { name: name.clone(), seq: self.curr_incr_seq, kind: AofKind::Incr });
        name
    }

    /// The last incr's name, or a new incr when there is none
    /// (getLastIncrAofName; what startup opens for appending).
    pub fn last_incr_or_new(&mut self, appendfilename: &str) -> String {
        match self.incrs.last() {
            Some(ai) => ai.name.clone(),
            None => self.new_incr(appendfilename),
        }
    }

    /// After a successful rewrite (markRewrittenIncrAofAsHistory): every incr
    /// except the newest `keep_last` (1 while AOF is on: the file being
    /// written; 0 when off) moves to the front of the history, oldest first.
    pub fn retire_incrs(&mut self, keep_last: usize) {
        let n = self.incrs.len().saturating_sub(keep_last);
        let retired: Vec<AofInfo> = self
            .incrs
            .drain(..n)
            .map(|mut ai| {
                ai.kind = AofKind::Hist;
                ai
            })
            .collect();
        self.history.splice(0..0, retired);
    }

    /// Deletes the history files from disk (a missing one is fine) and
    /// forgets them; returns their names (Redis logs "Removing the history
    /// file %s in the background" for each). The caller persists the manifest.
    pub fn delete_history(&mut self, aof_dir: &Path) -> Vec<String> {
        let mut names = Vec::with_capacity(self.history.len());
        for ai in self.history.drain(..) {
            let _ = fs::remove_file(aof_dir.join(&ai.name));
            names.push(ai.name);
        }
        names
    }

    /// The manifest Redis builds when it upgrades an old-style single AOF
    /// (aofUpgradePrepare): `<appendfilename>` as base, seq 1. The caller
    /// persists it, then moves the old file into the AOF directory.
    pub fn old_style(appendfilename: &str) -> Manifest {
        Manifest {
            base: Some(AofInfo { name: appendfilename.to_string(), seq: 1, kind: AofKind::Base }),
            curr_base_seq: 1,
            ..Default::default()
        }
    }

    /// True when there is nothing to load (no base, no incr).
    pub fn is_empty(&self) -> bool {
        self.base.is_none() && self.incrs.is_empty()
    }

    /// Size of the base file (INFO aof_base_size); 0 without a base.
    pub fn base_size(&self, aof_dir: &Path) -> Result<u64, String> {
        match &self.base {
            Some(b) => file_size(aof_dir, &b.name),
            None => Ok(0),
        }
    }

    /// Size of the base plus every incr (INFO aof_current_size;
    /// getBaseAndIncrAppendOnlyFilesSize).
    pub fn total_size(&self, aof_dir: &Path) -> Result<u64, String> {
        let mut total = 0;
        for ai in self.base.iter().chain(&self.incrs) {
            total += file_size(aof_dir, &ai.name)?;
        }
        Ok(total)
    }
}

fn trim<'a>(mut s: &'a [u8], set: &[u8]) -> &'a [u8] {
    while let [first, rest @ ..] = s {
        if !set.contains(first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !set.contains(last) {
            break;
        }
        s = rest;
    }
    s
}

/// C's atoll: leading spaces, a sign, digits; stops at the first non-digit.
fn atoll(s: &[u8]) -> i64 {
    let mut i = 0;
    // C's isspace: the ASCII whitespace plus vertical tab.
    while i < s.len() && (s[i].is_ascii_whitespace() || s[i] == 0x0b) {
        i += 1;
    }
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut v: i64 = 0;
    while let Some(d @ b'0'..=b'9') = s.get(i) {
        v = v.saturating_mul(10).saturating_add((d - b'0') as i64);
        i += 1;
    }
    if neg {
        -v
    } else {
        v
    }
}

/// sdsneedsrepr
fn needs_repr(s: &[u8]) -> bool {
    s.iter()
        .any(|&b| matches!(b, b'\\' | b'"' | b'\n' | b'\r' | b'\t' | 7 | 8) || !(0x20..=0x7e).contains(&b) || b == b' ')
}

// ---- writer --------------------------------------------------------------------------

/// appendfsync
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fsync {
    Always,
    EverySec,
    No,
}

impl Fsync {
    /// "always" / "everysec" / "no", case-insensitive.
    pub fn parse(s: &str) -> Option<Fsync> {
        match s.to_ascii_lowercase().as_str() {
            "always" => Some(Fsync::Always),
            "everysec" => Some(Fsync::EverySec),
            "no" => Some(Fsync::No),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Fsync::Always => "always",
            Fsync::EverySec => "everysec",
            Fsync::No => "no",
        }
    }

    fn to_u8(self) -> u8 {
        self as u8
    }

    fn from_u8(v: u8) -> Fsync {
        match v {
            0 => Fsync::Always,
            1 => Fsync::EverySec,
            _ => Fsync::No,
        }
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// What a writer shares with the background fsync thread.
struct SyncState {
    /// The file being appended to now (swapped by [`AofWriter::switch_to`]).
    file: Mutex<Arc<File>>,
    policy: AtomicU8,
    /// no-appendfsync-on-rewrite while a child runs: no fsync at all.
    paused: AtomicBool,
    /// Bytes ever written through this writer (all files).
    written: AtomicU64,
    /// `written` as of the start of the last successful fsync.
    synced: AtomicU64,
    /// Start (unix ms) of the fsync running now, 0 if none.
    fsync_since: AtomicU64,
    /// Last fsync (background or explicit) succeeded (aof_bio_fsync_status).
    fsync_ok: AtomicBool,
    fsync_err: Mutex<Option<String>>,
    /// aof_delayed_fsync: writes done while an fsync had been running for 2s+.
    delayed: AtomicU64,
}

impl SyncState {
    fn record_fsync(&self, r: &io::Result<()>) {
        match r {
            Ok(()) => self.fsync_ok.store(true, Ordering::Release),
            Err(e) => {
                *self.fsync_err.lock() = Some(errstr(e));
                self.fsync_ok.store(false, Ordering::Release);
            }
        }
    }

    /// One everysec tick: fdatasync the current file if something was
    /// written since the last sync. No lock is held while syncing.
    fn tick(&self) {
        if Fsync::from_u8(self.policy.load(Ordering::Acquire)) != Fsync::EverySec || self.paused.load(Ordering::Acquire)
        {
            return;
        }
        let w = self.written.load(Ordering::Acquire);
        if w <= self.synced.load(Ordering::Acquire) {
            return;
        }
        let f = self.file.lock().clone();
        self.fsync_since.store(now_ms().max(1), Ordering::Release);
        let r = f.sync_data();
        self.fsync_since.store(0, Ordering::Release);
        if r.is_ok() {
            self.synced.fetch_max(w, Ordering::AcqRel);
        }
        self.record_fsync(&r);
    }
}

/// A file to fsync then close, and the writer whose fsync status it reports to.
type CloseJob = (Arc<SyncState>, Arc<File>);

/// The process-wide fsync thread's work (Redis's bio AOF_FSYNC / CLOSE_FILE jobs).
struct Bg {
    writers: Mutex<Vec<Weak<SyncState>>>,
    /// Old files to fsync and close.
    closing: Mutex<Vec<CloseJob>>,
    wake: Mutex<bool>,
    cv: Condvar,
}

static BG: Bg = Bg {
    writers: parking_lot::const_mutex(Vec::new()),
    closing: parking_lot::const_mutex(Vec::new()),
    wake: parking_lot::const_mutex(false),
    cv: Condvar::new(),
};
static BG_START: Once = Once::new();

fn bg_start() {
    BG_START.call_once(|| {
        let spawned = std::thread::Builder::new().name("aof-fsync".into()).spawn(bg_loop);
        if let Err(e) = spawned {
            // Without the thread everysec degrades to "no": say so once.
            eprintln!("Can't start the AOF fsync thread: {e}");
        }
    });
}

fn bg_loop() {
    loop {
        {
            let mut woken = BG.wake.lock();
            if !*woken {
                BG.cv.wait_for(&mut woken, Duration::from_secs(1));
            }
            *woken = false;
        }
        let jobs = std::mem::take(&mut *BG.closing.lock());
        for (st, f) in jobs {
            let r = f.sync_data();
            st.record_fsync(&r);
            drop(f);
        }
        let live: Vec<Arc<SyncState>> = {
            let mut ws = BG.writers.lock();
            ws.retain(|w| w.strong_count() > 0);
            ws.iter().filter_map(Weak::upgrade).collect()
        };
        for st in live {
            st.tick();
        }
    }
}

fn bg_close(st: &Arc<SyncState>, f: Arc<File>) {
    let need_sync = Fsync::from_u8(st.policy.load(Ordering::Acquire)) != Fsync::No
        && st.written.load(Ordering::Acquire) > st.synced.load(Ordering::Acquire);
    if !need_sync {
        return; // dropping closes it
    }
    bg_start();
    BG.closing.lock().push((st.clone(), f));
    *BG.wake.lock() = true;
    BG.cv.notify_one();
}

/// INFO persistence material about the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriterStatus {
    /// aof_last_write_status
    pub last_write_ok: bool,
    pub last_write_error: Option<String>,
    /// The last fsync (background, at close, or explicit) succeeded.
    pub fsync_ok: bool,
    pub fsync_error: Option<String>,
    /// aof_pending_bio_fsync (0 or 1 here)
    pub fsync_in_progress: bool,
    /// aof_delayed_fsync
    pub delayed_fsync: u64,
    /// Size of the current file (aof_last_incr_size).
    pub size: u64,
    /// Bytes a failed write left to retry (aof_buf after an error).
    pub pending_bytes: usize,
}

/// Appends RESP-encoded commands to the current incr file.
pub struct AofWriter {
    file: Arc<File>,
    path: PathBuf,
    size: u64,
    st: Arc<SyncState>,
    /// Bytes a failed write could not put in the file; written first next time.
    pending: Vec<u8>,
    last_write_err: Option<String>,
}

impl AofWriter {
    /// Opens (creating if missing) `path` for appending, with
    /// `appendfsync everysec`; see [`AofWriter::set_fsync`].
    pub fn open(path: &Path) -> io::Result<AofWriter> {
        let file = Arc::new(OpenOptions::new().append(true).create(true).open(path)?);
        let size = file.metadata()?.len();
        let st = Arc::new(SyncState {
            file: Mutex::new(file.clone()),
            policy: AtomicU8::new(Fsync::EverySec.to_u8()),
            paused: AtomicBool::new(false),
            written: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            fsync_since: AtomicU64::new(0),
            fsync_ok: AtomicBool::new(true),
            fsync_err: Mutex::new(None),
            delayed: AtomicU64::new(0),
        });
        BG.writers.lock().push(Arc::downgrade(&st));
        bg_start();
        Ok(AofWriter { file, path: path.to_path_buf(), size, st, pending: Vec::new(), last_write_err: None })
    }

    /// Switches to a new file (a new incr at BGREWRITEAOF): creates `path`,
    /// emptying it if it exists (as openNewIncrAofForAppend), and hands the
    /// old file to the background thread to fsync (if it has unsynced bytes)
    /// and close. Bytes a failed write left pending go to the new file. On
    /// error the writer keeps the old file.
    pub fn switch_to(&mut self, path: &Path) -> io::Result<()> {
        let file = OpenOptions::new().append(true).create(true).open(path)?;
        file.set_len(0)?;
        let file = Arc::new(file);
        let old = std::mem::replace(&mut self.file, file.clone());
        *self.st.file.lock() = file;
        bg_close(&self.st, old);
        // The old file's bytes are the close job's business now.
        self.st.synced.fetch_max(self.st.written.load(Ordering::Acquire), Ordering::AcqRel);
        self.path = path.to_path_buf();
        self.size = 0;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes in the current file.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn fsync_policy(&self) -> Fsync {
        Fsync::from_u8(self.st.policy.load(Ordering::Acquire))
    }

    pub fn set_fsync(&mut self, f: Fsync) {
        self.st.policy.store(f.to_u8(), Ordering::Release);
    }

    /// Suspends every fsync (`always` and `everysec`) while true: Redis's
    /// no-appendfsync-on-rewrite while a child process is saving. Bytes
    /// written meanwhile are synced by the first tick (or `always` write)
    /// after it is cleared.
    pub fn set_fsync_paused(&mut self, paused: bool) {
        self.st.paused.store(paused, Ordering::Release);
    }

    /// Appends `bytes` (whole commands). Under `always`, fdatasyncs before
    /// returning. On a write error the file is cut back to its size before
    /// the write (ftruncate, as flushAppendOnlyFile does) and the bytes stay
    /// pending: the next `write` or [`AofWriter::retry`] writes them first
    /// (if the cut fails, the part already written stays and only the rest
    /// is pending). The error is returned either way; INFO's
    /// aof_last_write_status reads `err` until a write succeeds.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.pending.is_empty() {
            self.write_buf(bytes)
        } else {
            let mut buf = std::mem::take(&mut self.pending);
            buf.extend_from_slice(bytes);
            self.write_buf(&buf)
        }
    }

    /// Writes what a failed write left pending (Redis retries from serverCron).
    pub fn retry(&mut self) -> io::Result<()> {
        self.write(&[])
    }

    /// Drops the bytes a failed write left pending.
    pub fn discard_pending(&mut self) {
        self.pending = Vec::new();
    }

    pub fn pending_bytes(&self) -> usize {
        self.pending.len()
    }

    fn write_buf(&mut self, buf: &[u8]) -> io::Result<()> {
        if buf.is_empty() {
            return Ok(());
        }
        let policy = self.fsync_policy();
        if policy == Fsync::EverySec {
            let since = self.st.fsync_since.load(Ordering::Acquire);
            if since != 0 && now_ms().saturating_sub(since) >= 2000 {
                self.st.delayed.fetch_add(1, Ordering::Relaxed);
            }
        }
        let mut off = 0;
        let mut err = None;
        while off < buf.len() {
            match (&*self.file).write(&buf[off..]) {
                Ok(0) => {
                    err = Some(io::Error::new(io::ErrorKind::WriteZero, "short write"));
                    break;
                }
                Ok(n) => off += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = err {
            let mut kept = 0;
            if off > 0 && self.file.set_len(self.size).is_err() {
                // Could not undo the partial write: keep it, retry the rest.
                kept = off;
                self.size += off as u64;
                self.st.written.fetch_add(off as u64, Ordering::AcqRel);
            }
            self.pending = buf[kept..].to_vec();
            self.last_write_err = Some(errstr(&e));
            return Err(e);
        }
        self.size += off as u64;
        let w = self.st.written.fetch_add(off as u64, Ordering::AcqRel) + off as u64;
        self.last_write_err = None;
        if policy == Fsync::Always && !self.st.paused.load(Ordering::Acquire) {
            let r = self.file.sync_data();
            self.st.record_fsync(&r);
            r?;
            self.st.synced.fetch_max(w, Ordering::AcqRel);
        }
        Ok(())
    }

    /// fdatasync the current file now (shutdown, appendonly no, rewrite).
    pub fn fsync_now(&mut self) -> io::Result<()> {
        let w = self.st.written.load(Ordering::Acquire);
        let r = self.file.sync_data();
        self.st.record_fsync(&r);
        r?;
        self.st.synced.fetch_max(w, Ordering::AcqRel);
        Ok(())
    }

    /// True when bytes were written that no fsync has covered yet.
    pub fn fsync_pending(&self) -> bool {
        self.st.written.load(Ordering::Acquire) > self.st.synced.load(Ordering::Acquire)
    }

    pub fn status(&self) -> WriterStatus {
        WriterStatus {
            last_write_ok: self.last_write_err.is_none(),
            last_write_error: self.last_write_err.clone(),
            fsync_ok: self.st.fsync_ok.load(Ordering::Acquire),
            fsync_error: self.st.fsync_err.lock().clone(),
            fsync_in_progress: self.st.fsync_since.load(Ordering::Acquire) != 0,
            delayed_fsync: self.st.delayed.load(Ordering::Relaxed),
            size: self.size,
            pending_bytes: self.pending.len(),
        }
    }
}

impl Drop for AofWriter {
    /// The file is fsynced (if the policy wants it and bytes are unsynced)
    /// and closed in the background. Call [`AofWriter::fsync_now`] first
    /// where the caller must know it is on disk (shutdown).
    fn drop(&mut self) {
        bg_close(&self.st, self.file.clone());
    }
}

// ---- loader --------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// aof-load-truncated
    pub load_truncated: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AofLoadStats {
    /// Commands handed to `exec` (transaction bodies count, MULTI/EXEC not).
    pub commands: u64,
    /// Base and incr files read (empty ones included); 0 when all were empty.
    pub files: usize,
    /// The last file had a short read and was cut to this valid length
    /// (the lead logs "!!! Warning: short read while loading the AOF file
    /// %s!!!", "!!! Truncating the AOF %s at offset %llu !!!" and "AOF %s
    /// loaded anyway because aof-load-truncated is enabled").
    pub truncated: Option<(String, u64)>,
    /// The cut also dropped an unterminated MULTI ("Revert incomplete
    /// MULTI/EXEC transaction in AOF file %s").
    pub reverted_multi: bool,
    /// aof_base_size / aof_current_size after loading (and any cut).
    pub base_size: u64,
    pub total_size: u64,
}

/// Read buffer for AOF files.
const LOAD_BUF: usize = 256 * 1024;
/// Longest `*N` / `$N` line accepted (Redis reads them with a 1 KB fgets).
const MAX_HEADER_LINE: usize = 1024;

/// Replays the AOF (loadAppendOnlyFiles): the base, then each incr.
///
/// A file that starts with "REDIS" (a `.base.rdb`, or an old-style AOF with
/// an RDB preamble) goes to `load_rdb_base` with its path, which loads it
/// and returns `Some(n)` when it knows the RDB ended at byte `n` (commands
/// after it are then replayed) or `None` to take the whole file as the RDB.
///
/// Commands go to `exec` in order. MULTI starts a transaction: its commands
/// are held and handed to `exec` only when its EXEC is read (MULTI and EXEC
/// themselves are not passed on; an EXEC without MULTI is ignored). An
/// error from `exec` stops the load, with the offset of that command.
///
/// Errors, as Redis words them: a missing file ("Unable to obtain the AOF
/// file %s length. stat: ..."), "Bad file format reading the append only
/// file %s: ..." (with the offset), "Unexpected end of file reading the
/// append only file %s. You can: ..." (a short read of the last file without
/// `load_truncated`, or of any other file). With `load_truncated`, a short
/// read of the last file (EOF inside a command or inside an unterminated
/// MULTI) cuts the file on disk to its last complete command (before the
/// MULTI) and is reported in the stats.
pub fn load(
    aof_dir: &Path,
    m: &Manifest,
    opts: &LoadOptions,
    load_rdb_base: &mut dyn FnMut(&Path) -> Result<Option<u64>, String>,
    exec: &mut dyn FnMut(&[Bytes]) -> Result<(), String>,
) -> Result<AofLoadStats, String> {
    let mut stats = AofLoadStats::default();
    let files: Vec<&AofInfo> = m.base.iter().chain(&m.incrs).collect();
    if files.is_empty() {
        return Ok(stats);
    }
    // A file listed but missing is fatal, before anything is loaded.
    let mut total = 0;
    for ai in &files {
        total += file_size(aof_dir, &ai.name)?;
    }
    if total == 0 {
        return Ok(stats);
    }
    let n = files.len();
    for (i, ai) in files.iter().enumerate() {
        let last = i + 1 == n;
        let mut ld = FileLoad { name: &ai.name, exec: &mut *exec, commands: 0 };
        let out = ld.run(aof_dir, ai.kind == AofKind::Base, opts.load_truncated && last, last, load_rdb_base);
        stats.commands += ld.commands;
        stats.files += 1;
        if let Some((len, multi)) = out? {
            stats.truncated = Some((ai.name.clone(), len));
            stats.reverted_multi = multi;
        }
    }
    stats.base_size = m.base_size(aof_dir)?;
    stats.total_size = m.total_size(aof_dir)?;
    Ok(stats)
}

struct FileLoad<'a> {
    name: &'a str,
    exec: &'a mut dyn FnMut(&[Bytes]) -> Result<(), String>,
    commands: u64,
}

/// How a command read ended badly.
enum ReadErr {
    /// EOF inside a command.
    Eof,
    /// Malformed at this offset.
    Format(u64, String),
    Io(io::Error),
}

impl From<io::Error> for ReadErr {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            ReadErr::Eof
        } else {
            ReadErr::Io(e)
        }
    }
}

/// A buffered reader that knows its offset in the file.
struct Src {
    r: BufReader<File>,
    pos: u64,
    len: u64,
}

impl Src {
    /// Reads through the next '\n' (kept) into `out`, at most `max` bytes
    /// (None: any length, skipped, `out` left empty). Returns false at EOF
    /// before any byte.
    fn line(&mut self, out: &mut Vec<u8>, max: Option<usize>) -> Result<bool, ReadErr> {
        out.clear();
        let start = self.pos;
        let mut any = false;
        loop {
            let buf = self.r.fill_buf()?;
            if buf.is_empty() {
                return Ok(any);
            }
            any = true;
            let (take, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if let Some(max) = max {
                if out.len() + take > max {
                    return Err(ReadErr::Format(start, "line too long".into()));
                }
                out.extend_from_slice(&buf[..take]);
            }
            self.r.consume(take);
            self.pos += take as u64;
            if done {
                return Ok(true);
            }
        }
    }

    fn exact(&mut self, n: usize) -> Result<Vec<u8>, ReadErr> {
        if self.pos + n as u64 > self.len {
            return Err(ReadErr::Eof);
        }
        let mut v = vec![0u8; n];
        self.r.read_exact(&mut v)?;
        self.pos += n as u64;
        Ok(v)
    }
}

/// `*123\r\n` / `$45\r\n` → 123 / 45. The line must end with CRLF.
fn header_num(line: &[u8], pos: u64, what: char) -> Result<i64, ReadErr> {
    let bad = |m: &str| ReadErr::Format(pos, m.to_string());
    let Some(body) = line.strip_suffix(b"\r\n") else {
        return Err(bad(&format!("'{what}' line not terminated by CRLF")));
    };
    let digits = &body[1..];
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad(&format!("invalid length after '{what}'")));
    }
    Ok(atoll(digits))
}

fn eq_ic(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

impl FileLoad<'_> {
    /// loadSingleAppendOnlyFile. Ok(Some((valid_len, reverted_multi))) when
    /// the file was cut after a short read.
    fn run(
        &mut self,
        aof_dir: &Path,
        is_base: bool,
        may_truncate: bool,
        last: bool,
        load_rdb_base: &mut dyn FnMut(&Path) -> Result<Option<u64>, String>,
    ) -> Result<Option<(u64, bool)>, String> {
        let name = self.name;
        let path = aof_dir.join(name);
        let f = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(format!("The append log file {name} doesn't exist: {}", errstr(&e)))
            }
            Err(e) => {
                return Err(format!("Fatal error: can't open the append log file {name} for reading: {}", errstr(&e)))
            }
        };
        let readerr = |e: &io::Error| format!("Unrecoverable error reading the append only file {name}: {}", errstr(e));
        let len = f.metadata().map_err(|e| readerr(&e))?.len();
        if len == 0 {
            return Ok(None);
        }
        let mut src = Src { r: BufReader::with_capacity(LOAD_BUF, f), pos: 0, len };
        let head = src.r.fill_buf().map_err(|e| readerr(&e))?;
        if head.len() >= 5 && &head[..5] == b"REDIS" {
            let end = load_rdb_base(&path).map_err(|e| {
                if is_base && name.contains(".base.") {
                    format!("Error reading the RDB base file {name}, AOF loading aborted: {e}")
                } else {
                    format!("Error reading the RDB preamble of the AOF file {name}, AOF loading aborted: {e}")
                }
            })?;
            match end {
                Some(off) if off < len => {
                    src.r.seek(SeekFrom::Start(off)).map_err(|e| readerr(&e))?;
                    src.pos = off;
                }
                _ => return Ok(None),
            }
        }

        let mut valid_up_to = src.pos;
        let mut valid_before_multi = src.pos;
        let mut multi: Option<Vec<(u64, Vec<Bytes>)>> = None;
        let mut line = Vec::with_capacity(64);
        let end = loop {
            let start = src.pos;
            match self.read_command(&mut src, &mut line) {
                Ok(None) => break None,
                Ok(Some(argv)) => {
                    if eq_ic(&argv[0], "multi") {
                        if multi.is_none() {
                            valid_before_multi = valid_up_to;
                            multi = Some(Vec::new());
                        }
                    } else if eq_ic(&argv[0], "exec") {
                        if let Some(q) = multi.take() {
                            for (at, cmd) in q {
                                self.exec_one(&cmd, at)?;
                            }
                        }
                    } else if let Some(q) = multi.as_mut() {
                        q.push((start, argv));
                    } else {
                        self.exec_one(&argv, start)?;
                    }
                    valid_up_to = src.pos;
                }
                Err(e) => break Some(e),
            }
        };
        let reverted_multi = multi.is_some();
        let cut_to = match end {
            None if !reverted_multi => return Ok(None),
            None | Some(ReadErr::Eof) => {
                if reverted_multi {
                    valid_before_multi
                } else {
                    valid_up_to
                }
            }
            Some(ReadErr::Io(e)) => return Err(readerr(&e)),
            Some(ReadErr::Format(at, what)) => {
                return Err(format!(
                    "Bad file format reading the append only file {name}: make a backup of your AOF file, \
                     then use ./redis-check-aof --fix <filename.manifest> (offset {at}: {what})"
                ))
            }
        };
        let uxeof = format!(
            "Unexpected end of file reading the append only file {name}. You can: 1) Make a backup of your AOF \
             file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the \
             'aof-load-truncated' configuration option to yes and restart the server."
        );
        if !last {
            return Err(format!("{uxeof} (the short read is not in the last AOF file: truncation cannot fix it)"));
        }
        if !may_truncate {
            return Err(uxeof);
        }
        let cut = OpenOptions::new().write(true).open(&path).and_then(|f| f.set_len(cut_to));
        if let Err(e) = cut {
            return Err(format!("Error truncating the AOF file {name}: {}. {uxeof}", errstr(&e)));
        }
        Ok(Some((cut_to, reverted_multi)))
    }

    /// One `*N $len arg ...` command; None at a clean EOF. `#` annotation
    /// lines (e.g. `#TS:...`) are skipped.
    fn read_command(&mut self, src: &mut Src, line: &mut Vec<u8>) -> Result<Option<Vec<Bytes>>, ReadErr> {
        loop {
            let start = src.pos;
            let first = src.r.fill_buf()?.first().copied();
            match first {
                None => return Ok(None),
                Some(b'#') => {
                    src.line(line, None)?;
                    continue;
                }
                Some(b'*') => {}
                Some(_) => return Err(ReadErr::Format(start, "expected '*'".into())),
            }
            src.line(line, Some(MAX_HEADER_LINE))?;
            if line.last() != Some(&b'\n') {
                return Err(ReadErr::Eof);
            }
            let argc = header_num(line, start, '*')?;
            if argc < 1 {
                return Err(ReadErr::Format(start, "invalid argument count".into()));
            }
            let mut argv = Vec::with_capacity((argc as usize).min(1024));
            for _ in 0..argc {
                let at = src.pos;
                if !src.line(line, Some(MAX_HEADER_LINE))? || line.last() != Some(&b'\n') {
                    return Err(ReadErr::Eof);
                }
                if line[0] != b'$' {
                    return Err(ReadErr::Format(at, "expected '$'".into()));
                }
                let n = header_num(line, at, '$')? as usize;
                let arg = src.exact(n)?;
                let at = src.pos;
                if src.exact(2)? != b"\r\n" {
                    return Err(ReadErr::Format(at, "argument not terminated by CRLF".into()));
                }
                argv.push(Bytes::from(arg));
            }
            return Ok(Some(argv));
        }
    }

    fn exec_one(&mut self, argv: &[Bytes], at: u64) -> Result<(), String> {
        let name = self.name;
        (self.exec)(argv).map_err(|e| {
            let cmd = String::from_utf8_lossy(&argv[0]);
            if e.to_ascii_lowercase().contains(&cmd.to_ascii_lowercase()) {
                format!("{e} reading the append only file {name} at offset {at}")
            } else {
                format!("{e} (command '{cmd}') reading the append only file {name} at offset {at}")
            }
        })?;
        self.commands += 1;
        Ok(())
    }
}

// ---- command-format rewrite ----------------------------------------------------------

fn bulk_int(out: &mut Vec<u8>, n: impl itoa::Integer) {
    bulk(out, itoa::Buffer::new().format(n).as_bytes());
}

fn bulk_id(out: &mut Vec<u8>, id: StreamId) {
    bulk(out, id.to_string().as_bytes());
}

/// Variadic commands (`RPUSH key a b c ...`) cut every [`ITEMS_PER_CMD`] items.
struct Batch<'a> {
    cmd: &'static str,
    key: &'a [u8],
    /// Arguments per item (2 for ZADD score member, HSET field value).
    per_item: usize,
    body: Vec<u8>,
    items: usize,
}

impl<'a> Batch<'a> {
    fn new(cmd: &'static str, key: &'a [u8], per_item: usize) -> Self {
        Batch { cmd, key, per_item, body: Vec::new(), items: 0 }
    }

    /// Call after adding one item's arguments to `body`.
    fn item_done(&mut self, out: &mut Vec<u8>) {
        self.items += 1;
        if self.items == ITEMS_PER_CMD {
            self.flush(out);
        }
    }

    fn flush(&mut self, out: &mut Vec<u8>) {
        if self.items == 0 {
            return;
        }
        array_header(out, 2 + self.items * self.per_item);
        bulk(out, self.cmd.as_bytes());
        bulk(out, self.key);
        out.extend_from_slice(&self.body);
        self.body.clear();
        self.items = 0;
    }
}

/// Writes the dataset as commands (rewriteAppendOnlyFileRio; the base when
/// `aof-use-rdb-preamble no`). Per db with live keys: SELECT, then per live
/// key (keys past their TTL at `ks.now_ms` are skipped, and so are hash
/// fields past theirs): SET / RPUSH / SADD / ZADD / HSET (at most 64 items a
/// command), streams as rewriteStreamObject does (XADD per entry, or `XADD
/// key MAXLEN 0 0-1 x y` for an empty stream; XSETID with ENTRIESADDED and
/// MAXDELETEDID; XGROUP CREATE ... ENTRIESREAD; XGROUP CREATECONSUMER for
/// consumers without pending entries; XCLAIM ... TIME RETRYCOUNT JUSTID
/// FORCE per pending entry), then `HPEXPIREAT key ms FIELDS 1 field` per
/// field TTL and `PEXPIREAT key ms` for the key's TTL. Returns the number of
/// keys written. Whatever must come first (Gears registrations, functions)
/// the caller writes to `out` before.
pub fn write_commands<W: Write>(out: W, ks: &Keyspace) -> io::Result<u64> {
    let mut w = BufWriter::with_capacity(LOAD_BUF, out);
    let mut buf = Vec::with_capacity(64 * 1024);
    let now = ks.now_ms;
    let mut keys = 0u64;
    for (dbi, db) in ks.dbs().iter().enumerate() {
        let mut selected = false;
        for (key, e) in db.dict().iter() {
            if e.expire_at().is_some_and(|t| t <= now) {
                continue;
            }
            let start = buf.len();
            if !selected {
                array_header(&mut buf, 2);
                bulk(&mut buf, b"SELECT");
                bulk_int(&mut buf, dbi);
            }
            let body_start = buf.len();
            rewrite_value(&mut buf, key, &e.value, now);
            if buf.len() == body_start {
                // Nothing live (a hash whose fields all expired).
                buf.truncate(start);
                continue;
            }
            selected = true;
            if let Some(t) = e.expire_at() {
                array_header(&mut buf, 3);
                bulk(&mut buf, b"PEXPIREAT");
                bulk(&mut buf, key);
                bulk_int(&mut buf, t);
            }
            keys += 1;
            if buf.len() >= 32 * 1024 {
                w.write_all(&buf)?;
                buf.clear();
            }
        }
    }
    w.write_all(&buf)?;
    w.flush()?;
    Ok(keys)
}

fn rewrite_value(out: &mut Vec<u8>, key: &[u8], v: &Value, now: u64) {
    match v {
        Value::Str(s) => {
            array_header(out, 3);
            bulk(out, b"SET");
            bulk(out, key);
            bulk(out, &s.as_bytes());
        }
        Value::List(l) => {
            let mut b = Batch::new("RPUSH", key, 1);
            for el in l.iter() {
                el.with_bytes(|x| bulk(&mut b.body, x));
                b.item_done(out);
            }
            b.flush(out);
        }
        Value::Set(s) => {
            let mut b = Batch::new("SADD", key, 1);
            for m in s.iter() {
                m.with_bytes(|x| bulk(&mut b.body, x));
                b.item_done(out);
            }
            b.flush(out);
        }
        Value::ZSet(z) => {
            let mut b = Batch::new("ZADD", key, 2);
            z.for_each(|m, score| {
                bulk(&mut b.body, gears_resp::format_double(score).as_bytes());
                bulk(&mut b.body, m);
                b.item_done(out);
            });
            b.flush(out);
        }
        Value::Hash(h) => {
            let volatile = h.volatile_fields() > 0;
            let mut ttls: Vec<(&[u8], u64)> = Vec::new();
            let mut b = Batch::new("HSET", key, 2);
            for (f, val) in h.iter() {
                if volatile {
                    if let FieldTtl::At(t) = h.field_ttl(f) {
                        if t <= now {
                            continue;
                        }
                        ttls.push((f, t));
                    }
                }
                bulk(&mut b.body, f);
                bulk(&mut b.body, val);
                b.item_done(out);
            }
            b.flush(out);
            for (f, t) in ttls {
                array_header(out, 6);
                bulk(out, b"HPEXPIREAT");
                bulk(out, key);
                bulk_int(out, t);
                bulk(out, b"FIELDS");
                bulk(out, b"1");
                bulk(out, f);
            }
        }
        Value::Stream(s) => rewrite_stream(out, key, s),
    }
}

/// rewriteStreamObject
fn rewrite_stream(out: &mut Vec<u8>, key: &[u8], s: &gears_store::Stream) {
    if s.is_empty() {
        // The XADD MAXLEN 0 trick makes an empty stream.
        array_header(out, 7);
        bulk(out, b"XADD");
        bulk(out, key);
        bulk(out, b"MAXLEN");
        bulk(out, b"0");
        bulk_id(out, StreamId::new(0, 1));
        bulk(out, b"x");
        bulk(out, b"y");
    } else {
        s.range(StreamId::MIN, StreamId::MAX, false, 0, |id, fields| {
            array_header(out, 3 + fields.len());
            bulk(out, b"XADD");
            bulk(out, key);
            bulk_id(out, id);
            for f in fields {
                bulk(out, f);
            }
        });
    }
    array_header(out, 7);
    bulk(out, b"XSETID");
    bulk(out, key);
    bulk_id(out, s.last_id);
    bulk(out, b"ENTRIESADDED");
    bulk_int(out, s.entries_added);
    bulk(out, b"MAXDELETEDID");
    bulk_id(out, s.max_deleted_id);
    for (gname, g) in &s.groups {
        array_header(out, 7);
        bulk(out, b"XGROUP");
        bulk(out, b"CREATE");
        bulk(out, key);
        bulk(out, gname);
        bulk_id(out, g.last_id);
        bulk(out, b"ENTRIESREAD");
        bulk_int(out, g.entries_read);
        for (cname, c) in &g.consumers {
            if c.pel.is_empty() {
                array_header(out, 5);
                bulk(out, b"XGROUP");
                bulk(out, b"CREATECONSUMER");
                bulk(out, key);
                bulk(out, gname);
                bulk(out, cname);
                continue;
            }
            for id in &c.pel {
                let Some(nack) = g.pel.get(id) else { continue };
                array_header(out, 12);
                bulk(out, b"XCLAIM");
                bulk(out, key);
                bulk(out, gname);
                bulk(out, cname);
                bulk(out, b"0");
                bulk_id(out, *id);
                bulk(out, b"TIME");
                bulk_int(out, nack.delivery_time);
                bulk(out, b"RETRYCOUNT");
                bulk_int(out, nack.delivery_count);
                bulk(out, b"JUSTID");
                bulk(out, b"FORCE");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    use gears_store::stream::Group;
    use gears_store::{Hash, List, Set, Stream, ZSet};

    fn tmpdir(tag: &str) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let d = std::env::temp_dir().join(format!("gears-aof-{}-{}-{}", std::process::id(), tag, n));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn resp(cmds: &[&[&str]]) -> Vec<u8> {
        let mut out = Vec::new();
        for c in cmds {
            crate::persist::propagate::encode(&mut out, c);
        }
        out
    }

    fn strs(argv: &[Bytes]) -> Vec<String> {
        argv.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect()
    }

    fn no_rdb(_: &Path) -> Result<Option<u64>, String> {
        panic!("no RDB expected")
    }

    /// Loads and returns the stats and every command executed, joined by spaces.
    fn load_all(dir: &Path, m: &Manifest, truncated: bool) -> (Result<AofLoadStats, String>, Vec<String>) {
        let mut got = Vec::new();
        let r = load(dir, m, &LoadOptions { load_truncated: truncated }, &mut no_rdb, &mut |argv: &[Bytes]| {
            got.push(strs(argv).join(" "));
            Ok(())
        });
        (r, got)
    }

    fn manifest_with(dir: &Path, files: &[(&str, &[u8])]) -> Manifest {
        let mut m = Manifest::default();
        for (i, (kind, data)) in files.iter().enumerate() {
            let name = if *kind == "b" { m.new_base("appendonly.aof", false) } else { m.new_incr("appendonly.aof") };
            let _ = i;
            fs::write(dir.join(&name), data).unwrap();
        }
        m
    }

    // ---- manifest ----

    #[test]
    fn manifest_round_trip() {
        let text = "file appendonly.aof.2.base.rdb seq 2 type b\n\
                    file appendonly.aof.1.incr.aof seq 1 type h\n\
                    file appendonly.aof.1.base.rdb seq 1 type h\n\
                    file appendonly.aof.2.incr.aof seq 2 type i\n\
                    file appendonly.aof.3.incr.aof seq 3 type i\n";
        let m = Manifest::parse(text).unwrap();
        assert_eq!(m.base.as_ref().unwrap().name, "appendonly.aof.2.base.rdb");
        assert_eq!(m.history.len(), 2);
        assert_eq!(m.incrs.iter().map(|a| a.seq).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!((m.curr_base_seq, m.curr_incr_seq), (2, 3));
        assert_eq!(m.to_text(), text);
        assert_eq!(Manifest::parse(&m.to_text()).unwrap(), m);

        // Comments, any key case and order, extra keys, quoting.
        let m = Manifest::parse(
            "# a comment\nSEQ 1 TYPE b FILE 'base one' extra x\nfile \"in\\x63r \\\"2\\\"\" seq 5 type i\n",
        )
        .unwrap();
        assert_eq!(m.base.as_ref().unwrap().name, "base one");
        assert_eq!(m.incrs[0].name, "incr \"2\"");
        let back = Manifest::parse(&m.to_text()).unwrap();
        assert_eq!(back, m);
        assert!(m.to_text().starts_with("file \"base one\" seq 1 type b\n"));

        let odd = AofInfo { name: "a\tb\u{1}\"é q".into(), seq: 7, kind: AofKind::Incr };
        let m2 = Manifest::parse(&odd.format()).unwrap();
        assert_eq!(m2.incrs[0], odd);
    }

    #[test]
    fn manifest_errors() {
        let e = |t: &str| Manifest::parse(t).unwrap_err();
        assert_eq!(e(""), "Found an empty AOF manifest");
        assert!(e("\n").starts_with("Invalid AOF manifest file format"));
        assert!(e("file a seq 1 type b\n   \n").starts_with("Invalid AOF manifest file format (line 2"));
        assert!(e("file a seq 1\n").starts_with("Invalid AOF manifest file format"));
        assert!(e("file a seq 1 type b x\n").starts_with("Invalid AOF manifest file format"));
        assert!(e("file a seq 0 type b\n").starts_with("Invalid AOF manifest file format"));
        assert!(e("file a seq x type b\n").starts_with("Invalid AOF manifest file format"));
        assert!(e("file a seq 1 type \"\"\n").starts_with("Invalid AOF manifest file format"));
        assert!(e("file \"a seq 1 type b\n").starts_with("Invalid AOF manifest file format"));
        assert!(e("file \"a\"b seq 1 type b\n").starts_with("Invalid AOF manifest file format"));
        assert_eq!(e("file a seq 1 type b"), "The AOF manifest file contains too long line");
        let long = format!("file {} seq 1 type b\n", "a".repeat(1100));
        assert_eq!(e(&long), "The AOF manifest file contains too long line");
        assert!(e("file ../a seq 1 type b\n").starts_with("File can't be a path, just a filename"));
        assert!(e("file a\\\\b seq 1 type b\n").starts_with("File can't be a path, just a filename"));
        assert!(e("file a seq 1 type b\nfile b seq 2 type b\n").starts_with("Found duplicate base file information"));
        assert!(e("file a seq 2 type i\nfile b seq 2 type i\n").starts_with("Found a non-monotonic sequence number"));
        assert!(e("file a seq 1 type x\n").starts_with("Unknown AOF file type"));
        // Only comments: not empty, and nothing in it.
        assert_eq!(Manifest::parse("# nothing\n").unwrap(), Manifest::default());
        // History seqs are not checked for order.
        assert!(Manifest::parse("file a seq 5 type h\nfile b seq 1 type h\nfile c seq 1 type i\n").is_ok());
    }

    #[test]
    fn manifest_rewrite_cycle_and_persist() {
        let dir = tmpdir("mcycle");
        let mut m = Manifest::default();
        assert!(m.is_empty());
        // Startup on an empty dataset: a base, then an incr.
        assert_eq!(m.new_base("appendonly.aof", true), "appendonly.aof.1.base.rdb");
        assert_eq!(m.last_incr_or_new("appendonly.aof"), "appendonly.aof.1.incr.aof");
        assert_eq!(m.last_incr_or_new("appendonly.aof"), "appendonly.aof.1.incr.aof");
        // BGREWRITEAOF: a new incr, then the new base; old ones to history.
        assert_eq!(m.new_incr("appendonly.aof"), "appendonly.aof.2.incr.aof");
        assert_eq!(m.new_base("appendonly.aof", false), "appendonly.aof.2.base.aof");
        m.retire_incrs(1);
        assert_eq!(
            m.to_text(),
            "file appendonly.aof.2.base.aof seq 2 type b\n\
             file appendonly.aof.1.incr.aof seq 1 type h\n\
             file appendonly.aof.1.base.rdb seq 1 type h\n\
             file appendonly.aof.2.incr.aof seq 2 type i\n"
        );
        for ai in m.base.iter().chain(&m.history).chain(&m.incrs) {
            fs::write(dir.join(&ai.name), b"").unwrap();
        }
        assert_eq!(Manifest::load(&dir, "appendonly.aof").unwrap(), None);
        m.persist(&dir, "appendonly.aof").unwrap();
        assert!(!dir.join("temp-appendonly.aof.manifest").exists());
        assert_eq!(Manifest::load(&dir, "appendonly.aof").unwrap().unwrap(), m);
        let removed = m.delete_history(&dir);
        assert_eq!(removed, vec!["appendonly.aof.1.incr.aof", "appendonly.aof.1.base.rdb"]);
        assert!(!dir.join("appendonly.aof.1.incr.aof").exists());
        assert!(!dir.join("appendonly.aof.1.base.rdb").exists());
        assert!(dir.join("appendonly.aof.2.incr.aof").exists());
        m.retire_incrs(0);
        assert!(m.incrs.is_empty() && m.history.len() == 1);
        fs::write(dir.join("appendonly.aof.manifest"), b"bogus\n").unwrap();
        assert!(Manifest::load(&dir, "appendonly.aof").unwrap_err().starts_with("Invalid AOF manifest file format"));
        assert_eq!(Manifest::old_style("appendonly.aof").to_text(), "file appendonly.aof seq 1 type b\n");
        fs::remove_dir_all(&dir).unwrap();
    }

    // ---- writer ----

    #[test]
    fn writer_append_and_reopen() {
        let dir = tmpdir("writer");
        let p = dir.join("a.incr.aof");
        let one = resp(&[&["SET", "a", "1"]]);
        let mut w = AofWriter::open(&p).unwrap();
        w.set_fsync(Fsync::Always);
        w.write(&one).unwrap();
        assert_eq!(w.size(), one.len() as u64);
        assert!(!w.fsync_pending());
        let st = w.status();
        assert!(st.last_write_ok && st.fsync_ok && st.pending_bytes == 0);
        drop(w);
        let mut w = AofWriter::open(&p).unwrap();
        assert_eq!(w.size(), one.len() as u64);
        w.set_fsync(Fsync::No);
        w.write(&one).unwrap();
        w.write(b"").unwrap();
        assert_eq!(w.size(), 2 * one.len() as u64);
        assert_eq!(fs::read(&p).unwrap(), [one.clone(), one.clone()].concat());
        // A rewrite switches files: the new one starts empty.
        let p2 = dir.join("b.incr.aof");
        fs::write(&p2, b"junk").unwrap();
        w.switch_to(&p2).unwrap();
        assert_eq!(w.size(), 0);
        w.write(&one).unwrap();
        assert_eq!(w.path(), p2.as_path());
        assert_eq!(fs::read(&p2).unwrap(), one);
        assert_eq!(fs::read(&p).unwrap().len(), 2 * one.len());
        w.fsync_now().unwrap();
        drop(w);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn writer_everysec_syncs_in_background() {
        let dir = tmpdir("everysec");
        let mut w = AofWriter::open(&dir.join("x.aof")).unwrap();
        assert_eq!(w.fsync_policy(), Fsync::EverySec);
        w.set_fsync_paused(true);
        w.write(b"*1\r\n$4\r\nPING\r\n").unwrap();
        assert!(w.fsync_pending());
        std::thread::sleep(Duration::from_millis(1300));
        assert!(w.fsync_pending(), "no fsync while paused (no-appendfsync-on-rewrite)");
        w.set_fsync_paused(false);
        let t = std::time::Instant::now();
        while w.fsync_pending() && t.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(!w.fsync_pending(), "the background thread synced");
        assert!(w.status().fsync_ok);
        drop(w);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn writer_error_keeps_bytes_pending() {
        let full = Path::new("/dev/full");
        if !full.exists() {
            return;
        }
        let mut w = AofWriter::open(full).unwrap();
        w.set_fsync(Fsync::No);
        assert!(w.write(b"*1\r\n$4\r\nPING\r\n").is_err());
        let st = w.status();
        assert!(!st.last_write_ok && st.last_write_error.is_some());
        assert_eq!(st.pending_bytes, 14);
        assert!(w.retry().is_err());
        assert_eq!(w.pending_bytes(), 14);
        w.discard_pending();
        assert_eq!(w.pending_bytes(), 0);
        assert_eq!(Fsync::parse("EverySec"), Some(Fsync::EverySec));
        assert_eq!(Fsync::parse("always"), Some(Fsync::Always));
        assert_eq!(Fsync::parse("no"), Some(Fsync::No));
        assert_eq!(Fsync::parse("sometimes"), None);
    }

    // ---- loader ----

    #[test]
    fn load_base_and_incrs_with_multi() {
        let dir = tmpdir("load");
        let base = resp(&[&["SELECT", "0"], &["SET", "a", "1"]]);
        let mut incr1 = b"#TS:1700000000\r\n".to_vec();
        incr1.extend(resp(&[&["MULTI"], &["INCR", "a"], &["SET", "b", "x y"], &["exec"], &["DEL", "c"]]));
        let incr2 = resp(&[&["SET", "bin", "\r\n\0"]]);
        let m = manifest_with(&dir, &[("b", &base), ("i", &incr1), ("i", b""), ("i", &incr2)]);
        let mut seen_multi = false;
        let mut order = Vec::new();
        let stats = load(&dir, &m, &LoadOptions::default(), &mut no_rdb, &mut |argv: &[Bytes]| {
            seen_multi |= eq_ic(&argv[0], "multi") || eq_ic(&argv[0], "exec");
            order.push(strs(argv).join(" "));
            Ok(())
        })
        .unwrap();
        assert!(!seen_multi);
        assert_eq!(order, vec!["SELECT 0", "SET a 1", "INCR a", "SET b x y", "DEL c", "SET bin \r\n\0"]);
        assert_eq!(stats.commands, 6);
        assert_eq!(stats.files, 4);
        assert_eq!(stats.truncated, None);
        assert_eq!(stats.base_size, base.len() as u64);
        assert_eq!(stats.total_size, (base.len() + incr1.len() + incr2.len()) as u64);

        // Everything empty: nothing loaded, no error.
        let dir2 = tmpdir("load-empty");
        let m2 = manifest_with(&dir2, &[("b", b""), ("i", b"")]);
        let (r, got) = load_all(&dir2, &m2, false);
        assert_eq!(r.unwrap(), AofLoadStats::default());
        assert!(got.is_empty());
        let (r, _) = load_all(&dir2, &Manifest::default(), false);
        assert_eq!(r.unwrap().files, 0);
        fs::remove_dir_all(&dir).unwrap();
        fs::remove_dir_all(&dir2).unwrap();
    }

    #[test]
    fn load_truncated_tail() {
        let dir = tmpdir("trunc");
        let good = resp(&[&["SET", "a", "1"], &["SET", "b", "2"]]);
        let mut data = good.clone();
        data.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n"); // cut inside the value
        let m = manifest_with(&dir, &[("b", &resp(&[&["SET", "x", "0"]])), ("i", &data)]);
        let name = m.incrs[0].name.clone();

        let (r, _) = load_all(&dir, &m, false);
        let err = r.unwrap_err();
        assert!(
            err.starts_with(&format!(
                "Unexpected end of file reading the append only file {name}. You can: 1) Make a backup"
            )),
            "{err}"
        );
        assert!(err.ends_with("set the 'aof-load-truncated' configuration option to yes and restart the server."));
        assert_eq!(fs::read(dir.join(&name)).unwrap(), data, "untouched without aof-load-truncated");

        let (r, got) = load_all(&dir, &m, true);
        let st = r.unwrap();
        assert_eq!(st.truncated, Some((name.clone(), good.len() as u64)));
        assert!(!st.reverted_multi);
        assert_eq!(got, vec!["SET x 0", "SET a 1", "SET b 2"]);
        assert_eq!(fs::read(dir.join(&name)).unwrap(), good);

        // An unterminated MULTI at the end: cut before the MULTI, body not run.
        let mut data = good.clone();
        data.extend(resp(&[&["MULTI"], &["SET", "in", "tx"]]));
        fs::write(dir.join(&name), &data).unwrap();
        assert!(load_all(&dir, &m, false).0.unwrap_err().starts_with("Unexpected end of file"));
        let (r, got) = load_all(&dir, &m, true);
        let st = r.unwrap();
        assert_eq!(st.truncated, Some((name.clone(), good.len() as u64)));
        assert!(st.reverted_multi);
        assert_eq!(got, vec!["SET x 0", "SET a 1", "SET b 2"]);
        assert_eq!(fs::read(dir.join(&name)).unwrap(), good);

        // EOF inside the '*' line and inside a '$' line.
        for tail in [&b"*"[..], b"*2\r", b"*2\r\n$3", b"*2\r\n$3\r\nGET\r"] {
            let mut data = good.clone();
            data.extend_from_slice(tail);
            fs::write(dir.join(&name), &data).unwrap();
            let (r, _) = load_all(&dir, &m, true);
            assert_eq!(r.unwrap().truncated, Some((name.clone(), good.len() as u64)), "{tail:?}");
            assert_eq!(fs::read(dir.join(&name)).unwrap(), good);
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_truncation_in_non_last_file_is_fatal() {
        let dir = tmpdir("trunc-mid");
        let mut first = resp(&[&["SET", "a", "1"]]);
        first.extend_from_slice(b"*2\r\n$3\r\nDEL");
        let m = manifest_with(&dir, &[("i", &first), ("i", &resp(&[&["SET", "b", "2"]]))]);
        let (r, got) = load_all(&dir, &m, true);
        let err = r.unwrap_err();
        assert!(err.starts_with(&format!("Unexpected end of file reading the append only file {}", m.incrs[0].name)));
        assert!(err.contains("not in the last AOF file"));
        assert_eq!(got, vec!["SET a 1"]);
        assert_eq!(fs::read(dir.join(&m.incrs[0].name)).unwrap(), first, "not cut");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_corrupt_middle_is_fatal() {
        let dir = tmpdir("corrupt");
        let good = resp(&[&["SET", "a", "1"]]);
        let cases: [(&[u8], u64); 5] = [
            (b"+OK\r\n", 0),
            (b"*x\r\n", 0),
            (b"*1\r\n:3\r\n", 4),
            (b"*1\r\n$3\r\nGETxx", 11),
            (b"*1\n$3\r\nGET\r\n", 0),
        ];
        for (bad, at) in cases {
            let mut data = good.clone();
            data.extend_from_slice(bad);
            data.extend(resp(&[&["SET", "b", "2"]]));
            let m = manifest_with(&dir, &[("i", &data)]);
            let (r, got) = load_all(&dir, &m, true);
            let err = r.unwrap_err();
            let name = &m.incrs[0].name;
            assert!(
                err.starts_with(&format!(
                    "Bad file format reading the append only file {name}: make a backup of your AOF file, then use \
                     ./redis-check-aof --fix <filename.manifest>"
                )),
                "{err}"
            );
            assert!(err.contains(&format!("offset {}", good.len() as u64 + at)), "{err}");
            assert_eq!(got, vec!["SET a 1"]);
            assert_eq!(fs::read(dir.join(name)).unwrap(), data, "never cut");
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_exec_error_and_missing_file() {
        let dir = tmpdir("execerr");
        let first = resp(&[&["SET", "a", "1"]]);
        let mut data = first.clone();
        data.extend(resp(&[&["FOO", "bar"]]));
        let m = manifest_with(&dir, &[("i", &data)]);
        let r = load(&dir, &m, &LoadOptions::default(), &mut no_rdb, &mut |argv: &[Bytes]| {
            if eq_ic(&argv[0], "foo") {
                Err(format!("Unknown command '{}'", String::from_utf8_lossy(&argv[0])))
            } else {
                Ok(())
            }
        });
        let err = r.unwrap_err();
        assert_eq!(
            err,
            format!("Unknown command 'FOO' reading the append only file {} at offset {}", m.incrs[0].name, first.len())
        );
        let r = load(&dir, &m, &LoadOptions::default(), &mut no_rdb, &mut |argv: &[Bytes]| {
            if eq_ic(&argv[0], "foo") {
                Err("ERR wrong number of arguments".into())
            } else {
                Ok(())
            }
        });
        assert!(r
            .unwrap_err()
            .starts_with("ERR wrong number of arguments (command 'FOO') reading the append only file"));

        let mut m2 = m.clone();
        m2.new_incr("appendonly.aof");
        let (r, got) = load_all(&dir, &m2, false);
        assert_eq!(
            r.unwrap_err(),
            "Unable to obtain the AOF file appendonly.aof.2.incr.aof length. stat: No such file or directory"
        );
        assert!(got.is_empty(), "nothing is loaded when a file is missing");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_rdb_base_and_preamble() {
        let dir = tmpdir("rdb");
        let mut m = Manifest::default();
        let base = m.new_base("appendonly.aof", true);
        let incr = m.new_incr("appendonly.aof");
        let rdb = b"REDIS0011-fake-rdb-body".to_vec();
        fs::write(dir.join(&base), &rdb).unwrap();
        fs::write(dir.join(&incr), resp(&[&["SET", "a", "1"]])).unwrap();
        assert!(is_rdb_preamble(&dir.join(&base)));
        assert!(!is_rdb_preamble(&dir.join(&incr)));
        let mut rdb_paths = Vec::new();
        let mut got = Vec::new();
        let st = load(
            &dir,
            &m,
            &LoadOptions::default(),
            &mut |p: &Path| {
                rdb_paths.push(p.to_path_buf());
                Ok(None)
            },
            &mut |argv: &[Bytes]| {
                got.push(strs(argv).join(" "));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(rdb_paths, vec![dir.join(&base)]);
        assert_eq!(got, vec!["SET a 1"]);
        assert_eq!(st.files, 2);

        // Old style: an RDB preamble, then commands after it.
        let mut old = rdb.clone();
        old.extend(resp(&[&["SET", "tail", "1"]]));
        fs::write(dir.join(&base), &old).unwrap();
        got.clear();
        load(&dir, &m, &LoadOptions::default(), &mut |_: &Path| Ok(Some(rdb.len() as u64)), &mut |argv: &[Bytes]| {
            got.push(strs(argv).join(" "));
            Ok(())
        })
        .unwrap();
        assert_eq!(got, vec!["SET tail 1", "SET a 1"]);

        let err = load(&dir, &m, &LoadOptions::default(), &mut |_: &Path| Err("bad checksum".into()), &mut |_| Ok(()))
            .unwrap_err();
        assert_eq!(err, format!("Error reading the RDB base file {base}, AOF loading aborted: bad checksum"));
        fs::remove_dir_all(&dir).unwrap();
    }

    // ---- command-format rewrite ----

    fn put(ks: &mut Keyspace, db: usize, key: &str, v: Value, ttl: Option<u64>) {
        let mut g = ks.write(db, key.as_bytes());
        g.set(v, false);
        if let Some(t) = ttl {
            g.set_expire_at(t);
        }
    }

    fn rewrite_and_parse(ks: &Keyspace) -> (u64, Vec<Vec<String>>) {
        let dir = tmpdir("rewrite");
        let mut m = Manifest::default();
        let name = m.new_base("appendonly.aof", false);
        let f = File::create(dir.join(&name)).unwrap();
        let n = write_commands(f, ks).unwrap();
        let mut cmds = Vec::new();
        load(&dir, &m, &LoadOptions::default(), &mut no_rdb, &mut |argv: &[Bytes]| {
            cmds.push(strs(argv));
            Ok(())
        })
        .unwrap();
        fs::remove_dir_all(&dir).unwrap();
        (n, cmds)
    }

    fn find<'a>(cmds: &'a [Vec<String>], name: &str, key: &str) -> Vec<&'a Vec<String>> {
        cmds.iter().filter(|c| c[0] == name && c.get(1).map(String::as_str) == Some(key)).collect()
    }

    #[test]
    fn write_commands_every_type() {
        let now = 1_700_000_000_000u64;
        let mut ks = Keyspace::new(4);
        ks.now_ms = now;
        put(&mut ks, 0, "s", Value::str_from(b"hello world"), None);
        put(&mut ks, 0, "n", Value::str_from(b"-42"), Some(now + 5000));
        put(&mut ks, 0, "gone", Value::str_from(b"x"), Some(now - 1));
        let items: Vec<String> = (0..100).map(|i| format!("e{i}")).collect();
        let mut list: List = items.iter().collect();
        list.push_all(gears_store::list::End::Tail, &["7"], -2);
        put(&mut ks, 0, "l", Value::List(Box::new(list)), None);
        let mut set = Set::new();
        for m in ["1", "2", "abc"] {
            set.add(m.as_bytes(), &Default::default());
        }
        put(&mut ks, 0, "set", Value::Set(Box::new(set)), None);
        let scores = [("a", 1.1), ("b", -f64::INFINITY), ("c", 3e-10), ("d", 0.1 + 0.2), ("e", 1e300)];
        let z = ZSet::from_pairs(scores.iter().map(|(m, s)| (m.as_bytes(), *s)), Default::default());
        put(&mut ks, 2, "z", Value::ZSet(Box::new(z)), None);
        let mut h = Hash::from_pairs([(&b"f1"[..], &b"v1"[..]), (b"f2", b"v2"), (b"dead", b"x")], Default::default());
        h.set_field_expire(b"f2", now + 10_000);
        h.set_field_expire(b"dead", now - 10);
        put(&mut ks, 2, "h", Value::Hash(Box::new(h)), None);
        let mut h2 = Hash::from_pairs([(&b"only"[..], &b"x"[..])], Default::default());
        h2.set_field_expire(b"only", now - 10);
        put(&mut ks, 3, "allgone", Value::Hash(Box::new(h2)), None);

        let (n, cmds) = rewrite_and_parse(&ks);
        assert_eq!(n, 6);
        let selects: Vec<&str> = cmds.iter().filter(|c| c[0] == "SELECT").map(|c| c[1].as_str()).collect();
        assert_eq!(selects, vec!["0", "2"], "no SELECT for empty or all-expired dbs");
        assert_eq!(find(&cmds, "SET", "s"), vec![&vec!["SET".to_string(), "s".into(), "hello world".into()]]);
        assert_eq!(find(&cmds, "SET", "n")[0][2], "-42");
        assert_eq!(find(&cmds, "PEXPIREAT", "n")[0][2], (now + 5000).to_string());
        assert!(find(&cmds, "SET", "gone").is_empty());
        let pushes = find(&cmds, "RPUSH", "l");
        assert_eq!(pushes.len(), 2);
        assert_eq!(pushes[0].len(), 2 + 64);
        let all: Vec<&String> = pushes.iter().flat_map(|c| c[2..].iter()).collect();
        let mut want: Vec<String> = items.clone();
        want.push("7".into());
        assert_eq!(all, want.iter().collect::<Vec<_>>());
        let sadd = find(&cmds, "SADD", "set");
        let mut members: Vec<&str> = sadd[0][2..].iter().map(String::as_str).collect();
        members.sort();
        assert_eq!(members, vec!["1", "2", "abc"]);
        let zadd = find(&cmds, "ZADD", "z");
        assert_eq!(zadd.len(), 1);
        for (m, s) in scores {
            let i = zadd[0].iter().position(|x| x == m).unwrap();
            let parsed: f64 = match zadd[0][i - 1].as_str() {
                "-inf" => f64::NEG_INFINITY,
                "inf" => f64::INFINITY,
                t => t.parse().unwrap(),
            };
            assert_eq!(parsed.to_bits(), s.to_bits(), "score of {m} round-trips");
        }
        let hset = find(&cmds, "HSET", "h");
        let mut pairs: Vec<(String, String)> = hset[0][2..].chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
        pairs.sort();
        assert_eq!(pairs, vec![("f1".into(), "v1".into()), ("f2".into(), "v2".into())]);
        let hexp = find(&cmds, "HPEXPIREAT", "h");
        assert_eq!(hexp.len(), 1);
        assert_eq!(hexp[0][2..], [(now + 10_000).to_string(), "FIELDS".into(), "1".into(), "f2".into()]);
        assert!(find(&cmds, "HSET", "allgone").is_empty());
        // The key's commands come after its db's SELECT.
        let pos = |name: &str, key: &str| cmds.iter().position(|c| c[0] == name && c[1] == key).unwrap();
        let sel2 = cmds.iter().position(|c| c[0] == "SELECT" && c[1] == "2").unwrap();
        assert!(pos("ZADD", "z") > sel2 && pos("HSET", "h") > sel2 && pos("SET", "s") < sel2);
        assert!(pos("PEXPIREAT", "n") > pos("SET", "n"));
    }

    #[test]
    fn write_commands_big_hash_and_zset_split() {
        let mut ks = Keyspace::new(1);
        let pairs: Vec<(Vec<u8>, Vec<u8>)> =
            (0..130).map(|i| (format!("f{i}").into(), format!("v{i}").into())).collect();
        let h = Hash::from_pairs(pairs.iter().map(|(f, v)| (&f[..], &v[..])), Default::default());
        put(&mut ks, 0, "h", Value::Hash(Box::new(h)), None);
        let members: Vec<String> = (0..200).map(|i| format!("m{i}")).collect();
        let z = ZSet::from_pairs(
            members.iter().enumerate().map(|(i, m)| (m.as_bytes(), i as f64 / 4.0)),
            Default::default(),
        );
        put(&mut ks, 0, "z", Value::ZSet(Box::new(z)), None);
        let (n, cmds) = rewrite_and_parse(&ks);
        assert_eq!(n, 2);
        let lens: Vec<usize> = find(&cmds, "HSET", "h").iter().map(|c| c.len()).collect();
        assert_eq!(lens, vec![2 + 128, 2 + 128, 2 + 4]);
        let zs = find(&cmds, "ZADD", "z");
        assert_eq!(zs.iter().map(|c| (c.len() - 2) / 2).sum::<usize>(), 200);
        assert_eq!(zs.iter().map(|c| c.len()).max(), Some(2 + 128));
        assert_eq!(zs[0][2..6], ["0".to_string(), "m0".into(), "0.25".into(), "m1".into()]);
    }

    #[test]
    fn write_commands_streams() {
        let now = 1_700_000_000_000u64;
        let mut ks = Keyspace::new(1);
        ks.now_ms = now;
        let mut s = Stream::new();
        for i in 1..=3u64 {
            let v = i.to_string();
            s.append(StreamId::new(i, 0), &[b"f", v.as_bytes()]);
        }
        s.delete(StreamId::new(2, 0));
        let mut g = Group::new(StreamId::new(3, 0), 2);
        g.create_consumer(b"alice", now);
        g.create_consumer(b"bob", now);
        g.assign(StreamId::new(1, 0), b"alice", now - 100, 3);
        g.assign(StreamId::new(3, 0), b"alice", now - 50, 1);
        s.groups.insert((*b"g1").into(), g);
        s.groups.insert((*b"g0").into(), Group::new(StreamId::MIN, INVALID));
        put(&mut ks, 0, "st", Value::Stream(Box::new(s)), None);
        let mut empty = Stream::new();
        empty.last_id = StreamId::new(5, 5);
        empty.entries_added = 7;
        empty.max_deleted_id = StreamId::new(5, 5);
        put(&mut ks, 0, "empty", Value::Stream(Box::new(empty)), None);

        let (n, cmds) = rewrite_and_parse(&ks);
        assert_eq!(n, 2);
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        let st: Vec<&Vec<String>> =
            cmds.iter().filter(|x| x.len() > 1 && (x[1] == "st" || x.get(2).is_some_and(|k| k == "st"))).collect();
        assert_eq!(
            st,
            vec![
                &c(&["XADD", "st", "1-0", "f", "1"]),
                &c(&["XADD", "st", "3-0", "f", "3"]),
                &c(&["XSETID", "st", "3-0", "ENTRIESADDED", "3", "MAXDELETEDID", "2-0"]),
                &c(&["XGROUP", "CREATE", "st", "g0", "0-0", "ENTRIESREAD", "-1"]),
                &c(&["XGROUP", "CREATE", "st", "g1", "3-0", "ENTRIESREAD", "2"]),
                &c(&[
                    "XCLAIM",
                    "st",
                    "g1",
                    "alice",
                    "0",
                    "1-0",
                    "TIME",
                    &(now - 100).to_string(),
                    "RETRYCOUNT",
                    "3",
                    "JUSTID",
                    "FORCE"
                ]),
                &c(&[
                    "XCLAIM",
                    "st",
                    "g1",
                    "alice",
                    "0",
                    "3-0",
                    "TIME",
                    &(now - 50).to_string(),
                    "RETRYCOUNT",
                    "1",
                    "JUSTID",
                    "FORCE"
                ]),
                &c(&["XGROUP", "CREATECONSUMER", "st", "g1", "bob"]),
            ]
        );
        let e: Vec<&Vec<String>> = cmds.iter().filter(|x| x.len() > 1 && x[1] == "empty").collect();
        assert_eq!(
            e,
            vec![
                &c(&["XADD", "empty", "MAXLEN", "0", "0-1", "x", "y"]),
                &c(&["XSETID", "empty", "5-5", "ENTRIESADDED", "7", "MAXDELETEDID", "5-5"]),
            ]
        );
    }

    const INVALID: i64 = gears_store::stream::INVALID_ENTRIES_READ;
}
