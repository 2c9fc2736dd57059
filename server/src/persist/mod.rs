//! Persistence: Redis-format RDB snapshots, the multi-part AOF, DUMP/RESTORE
//! payloads, and the forked children that write snapshots in the background.
//!
//! Codecs (no server state): `crc64`, `lzf`, `listpack`, `ziplist`, `intset`,
//! `rdb` (keyspace <-> RDB bytes, DUMP payloads) and `aof` (manifest, files,
//! writer, loader, command-format rewrite). `propagate` is the write stream
//! the AOF consumes; `snapshot` runs SAVE/BGSAVE/loading; `appendonly` runs
//! the AOF's life cycle.
//!
//! Background saves fork (see `fork_child`): the child gets a copy-on-write
//! image of the keyspace as it was at the fork, under the lock, so the file
//! is an exact point-in-time view while the parent goes on serving writes.

pub mod aof;
pub mod appendonly;
pub mod crc64;
pub mod intset;
pub mod listpack;
pub mod lzf;
pub mod propagate;
pub mod rdb;
pub mod snapshot;
pub mod ziplist;

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use crate::config::Config;
use crate::state::{Server, Shared};

/// What a forked child is writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildKind {
    Rdb,
    Aof,
}

/// The one background child (Redis runs at most one at a time).
#[derive(Debug)]
pub struct Child {
    pub pid: libc::pid_t,
    pub kind: ChildKind,
    pub started: Instant,
    /// `dirty` when it forked: what the snapshot covers.
    pub dirty_at_start: u64,
    /// The file the child writes (removed if it fails).
    pub tmp: PathBuf,
}

/// Persistence state, under the keyspace lock.
pub struct State {
    /// The write stream (AOF feed).
    pub prop: propagate::Propagation,
    pub child: Option<Child>,
    /// Unix seconds of the last successful save (LASTSAVE).
    pub lastsave: u64,
    /// Unix seconds of the last BGSAVE attempt (retry pacing after errors).
    pub lastbgsave_try: u64,
    pub lastbgsave_ok: bool,
    pub bgsave_scheduled: bool,
    pub rdb_saves: u64,
    pub last_bgsave_secs: i64,
    pub keys_loaded: u64,
    pub keys_expired_on_load: u64,
    pub total_forks: u64,
    pub latest_fork_usec: u64,
    pub aof: appendonly::AofState,
    pub loading: Option<Loading>,
}

impl State {
    pub fn new(now_s: u64) -> State {
        State {
            prop: Default::default(),
            child: None,
            lastsave: now_s,
            lastbgsave_try: 0,
            lastbgsave_ok: true,
            bgsave_scheduled: false,
            rdb_saves: 0,
            last_bgsave_secs: -1,
            keys_loaded: 0,
            keys_expired_on_load: 0,
            total_forks: 0,
            latest_fork_usec: 0,
            aof: Default::default(),
            loading: None,
        }
    }

    pub fn child_running(&self, kind: ChildKind) -> bool {
        self.child.as_ref().is_some_and(|c| c.kind == kind)
    }
}

/// The encoding thresholds loaded values are built with.
pub fn rdb_limits(c: &Config) -> rdb::Limits {
    rdb::Limits {
        hash: gears_store::hash::Limits {
            max_entries: c.hash_max_listpack_entries as usize,
            max_value: c.hash_max_listpack_value as usize,
        },
        zset: gears_store::zset::Limits {
            max_entries: c.zset_max_listpack_entries as usize,
            max_value: c.zset_max_listpack_value as usize,
        },
        set: gears_store::set::SetLimits {
            max_intset_entries: c.set_max_intset_entries as usize,
            max_listpack_entries: c.set_max_listpack_entries as usize,
            max_listpack_value: c.set_max_listpack_value as usize,
        },
        list_fill: c.list_max_listpack_size,
    }
}

/// How much lower the child's CPU priority is than the server's.
const CHILD_NICE: libc::c_int = 10;

/// Forks; the child runs `job` and exits with 0 if it returned true.
///
/// Why fork: it gives an exact point-in-time image for free (the caller
/// holds the keyspace lock, so the image is between two commands), costs the
/// parent one page-table copy (a few ms per GB of RSS) instead of a
/// per-write versioning tax, and only pages written during the save are
/// copied. The child is a single thread: it must not take locks another
/// thread may have held at the fork (logger, stdout, the keyspace mutex,
/// Python). It only reads the memory image, writes files and `_exit`s.
/// The allocator (jemalloc) is fork-safe through its atfork handlers.
pub fn fork_child(job: impl FnOnce() -> bool) -> std::io::Result<libc::pid_t> {
    // SAFETY: getpid has no preconditions.
    let parent = unsafe { libc::getpid() };
    // SAFETY: fork itself has no preconditions; the child side follows the
    // rules above and never returns into the caller's stack frames' owners
    // (it `_exit`s without running destructors or atexit handlers).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error());
    }
    if pid == 0 {
        // The child yields the CPU to the server and its clients: on a busy
        // box a save takes a little longer instead of clients waiting.
        // SAFETY: plain syscalls on the child itself.
        unsafe {
            libc::nice(CHILD_NICE);
            // If the server dies, so does the save: a late rename must not
            // replace a newer dump of a restarted server.
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            if libc::getppid() != parent {
                libc::_exit(1);
            }
        }
        close_inherited_fds();
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).unwrap_or(false);
        // SAFETY: ends the child immediately, as intended.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    Ok(pid)
}

/// Closes every descriptor but stdin/stdout/stderr in the child (Redis's
/// closeChildUnusedResourceAfterFork): the listening sockets especially, so a
/// restarted server can bind its port while a save is still running.
fn close_inherited_fds() {
    // SAFETY: close_range (Linux 5.9+) only closes descriptors; when the
    // kernel lacks it, the open descriptors are listed and closed one by one.
    let r = unsafe { libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32) };
    if r == 0 {
        return;
    }
    let fds: Vec<i32> = match std::fs::read_dir("/proc/self/fd") {
        Ok(d) => d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).filter(|fd| *fd > 2).collect(),
        Err(_) => return,
    };
    for fd in fds {
        // SAFETY: closing a descriptor the child does not use.
        unsafe { libc::close(fd) };
    }
}

/// How a reaped child ended.
pub enum ChildExit {
    Ok,
    Failed(i32),
    Signal(i32),
}

/// Reaps the child if it has exited (the cron's checkChildrenDone).
pub fn check_child(srv: &Server, sh: &mut Shared) {
    let Some(pid) = sh.persist.child.as_ref().map(|c| c.pid) else { return };
    let mut status: libc::c_int = 0;
    // SAFETY: plain syscall on our own child's pid.
    let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
    if r == 0 {
        return;
    }
    let exit = if r < 0 {
        ChildExit::Failed(-1)
    } else if libc::WIFSIGNALED(status) {
        ChildExit::Signal(libc::WTERMSIG(status))
    } else if libc::WEXITSTATUS(status) == 0 {
        ChildExit::Ok
    } else {
        ChildExit::Failed(libc::WEXITSTATUS(status))
    };
    let Some(child) = sh.persist.child.take() else { return };
    appendonly::child_running_changed(sh);
    match child.kind {
        ChildKind::Rdb => snapshot::bgsave_done(srv, sh, child, exit),
        ChildKind::Aof => appendonly::rewrite_done(srv, sh, child, exit),
    }
}

/// Kills a running child (SHUTDOWN, FLUSHALL, CONFIG SET appendonly no) and
/// removes its temp file.
pub fn kill_child(srv: &Server, sh: &mut Shared) {
    let Some(child) = sh.persist.child.take() else { return };
    appendonly::child_running_changed(sh);
    srv.logger.notice(&format!("Killing running {} child: {}", kind_name(child.kind), child.pid));
    // SAFETY: signalling and reaping our own child.
    unsafe {
        libc::kill(child.pid, libc::SIGUSR1);
        let mut status = 0;
        libc::waitpid(child.pid, &mut status, 0);
    }
    let _ = std::fs::remove_file(&child.tmp);
    if child.kind == ChildKind::Aof {
        appendonly::rewrite_aborted(srv, sh);
    }
}

fn kind_name(k: ChildKind) -> &'static str {
    match k {
        ChildKind::Rdb => "RDB",
        ChildKind::Aof => "AOF",
    }
}

/// The cron's persistence work: reap children, save points, scheduled
/// saves and rewrites, automatic AOF rewrite.
pub fn cron(srv: &Server, sh: &mut Shared) {
    check_child(srv, sh);
    if sh.persist.child.is_none() {
        snapshot::cron(srv, sh);
    }
    appendonly::cron(srv, sh);
}

/// Feeds the keys the server removed by itself (expiry, eviction) to the
/// write stream as DEL, so a replay does not keep them.
pub fn propagate_deletions(sh: &mut Shared) {
    let Some(log) = sh.ks.deleted_log.as_mut() else { return };
    if log.is_empty() {
        return;
    }
    let deleted = std::mem::take(log);
    for (db, key) in deleted {
        sh.persist.prop.feed(db, &[bytes::Bytes::from_static(b"DEL"), bytes::Bytes::copy_from_slice(&key)]);
    }
}

/// Hands the pending write stream to the AOF (and fsyncs under
/// `appendfsync always`). Called before the lock is released after writes,
/// so no reply for a write leaves before the write is in the AOF.
pub fn flush(srv: &Server, sh: &mut Shared) {
    if sh.persist.prop.pending() {
        appendonly::write_pending(srv, sh);
    }
}

/// The path of a file in `dir`.
pub fn in_dir(c: &Config, name: &str) -> PathBuf {
    c.dir.join(name)
}

/// Fsyncs a directory so a rename in it survives a crash.
pub fn fsync_dir(dir: &std::path::Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// What a shutdown does with the data (Redis's prepareForShutdown): stop a
/// child, flush and fsync the AOF, and save a final RDB when save points are
/// configured (or SAVE was asked), unless NOSAVE. False: the save failed
/// and the shutdown must not go on (unless forced).
#[must_use]
pub fn prepare_shutdown(srv: &Server, sh: &mut Shared, save: Option<bool>, force: bool) -> bool {
    if sh.persist.child.is_some() {
        kill_child(srv, sh);
    }
    appendonly::shutdown(srv, sh);
    // While loading, the keyspace is not the dataset yet: never save it (Redis forces NOSAVE).
    let want_save = sh.persist.loading.is_none() && save.unwrap_or(!sh.config.save_points.is_empty());
    if want_save {
        srv.logger.notice("Saving the final RDB snapshot before exiting.");
        if snapshot::save(srv, sh).is_err() && !force {
            srv.logger.warning("Error trying to save the DB, can't exit.");
            return false;
        }
    }
    true
}

/// A load in progress (INFO persistence loading_* fields).
pub struct Loading {
    pub started: Instant,
    pub started_unix: u64,
    /// Bytes to read (the dump, or every AOF file) and bytes read so far.
    pub total: Arc<AtomicU64>,
    pub loaded: Arc<AtomicU64>,
}

/// Loads the data at startup on a thread of its own: the AOF when
/// appendonly is on, else the dump. Meanwhile commands without the
/// `loading` flag get -LOADING. A failed load stops the server with exit
/// code 1 (and the message says what and where); nothing is saved then.
pub fn start_loading(srv: &Arc<Server>, port: u16) {
    let (total, loaded) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    if !something_to_load(&srv.shared.lock().config) {
        // Nothing on disk (at most an empty AOF to create): no loading state.
        run_load(srv, &total, &loaded, port);
        return;
    }
    {
        let mut sh = srv.shared.lock();
        sh.ks.loading = true;
        sh.persist.loading = Some(Loading {
            started: Instant::now(),
            started_unix: crate::state::unix_ms() / 1000,
            total: total.clone(),
            loaded: loaded.clone(),
        });
    }
    let srv2 = srv.clone();
    let spawned =
        std::thread::Builder::new().name("gears-load".into()).spawn(move || run_load(&srv2, &total, &loaded, port));
    if let Err(e) = spawned {
        load_failed(srv, &format!("Can't start the loading thread: {e}"));
    }
}

fn run_load(srv: &Server, total: &Arc<AtomicU64>, loaded: &Arc<AtomicU64>, port: u16) {
    let appendonly = srv.shared.lock().config.appendonly;
    let r = if appendonly {
        appendonly::load_at_startup(srv, total, loaded)
    } else {
        snapshot::load_at_startup(srv, total, loaded)
    };
    match r {
        Ok(()) => {
            let mut sh = srv.shared.lock();
            sh.ks.loading = false;
            sh.persist.loading = None;
            srv.logger.notice(&format!("Ready to accept connections tcp (port {port})"));
        }
        // Clients keep getting -LOADING until the server is gone.
        Err(e) => load_failed(srv, &e),
    }
}

/// Stops the server (exit code 1) without saving anything.
fn load_failed(srv: &Server, msg: &str) {
    srv.logger.warning(msg);
    srv.exit_code.store(1, std::sync::atomic::Ordering::SeqCst);
    srv.request_shutdown();
}

/// Is there a dump (appendonly no) or an AOF (appendonly yes) to load?
fn something_to_load(c: &Config) -> bool {
    if c.appendonly {
        let dir = appendonly::aof_dir(c);
        dir.join(aof::manifest_name(&c.appendfilename)).exists() || c.dir.join(&c.appendfilename).is_file()
    } else {
        in_dir(c, &c.dbfilename).exists()
    }
}

/// A reader that counts what it hands out (loading progress).
pub struct Progress<R> {
    pub inner: R,
    pub read: Arc<AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// -LOADING while the dataset loads, for commands not flagged `loading`.
pub const LOADING_ERR: gears_resp::ErrorReply =
    gears_resp::ErrorReply::new_static("LOADING Redis is loading the dataset in memory");

/// The MISCONF refusal while the last background save or AOF write failed
/// (Redis's writeCommandsDeniedByDiskError), if any.
pub fn disk_error(sh: &Shared) -> Option<gears_resp::ErrorReply> {
    let c = &sh.config;
    if c.stop_writes_on_bgsave_error && !c.save_points.is_empty() && !sh.persist.lastbgsave_ok {
        return Some(gears_resp::ErrorReply::new_static("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."));
    }
    appendonly::write_error(sh)
}
