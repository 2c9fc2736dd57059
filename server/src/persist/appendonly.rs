//! The AOF's life cycle: loading at startup, feeding the current incr file,
//! turning it on and off at runtime, BGREWRITEAOF (a forked child writes the
//! new base while writes go on into a fresh incr file), and automatic
//! rewrites. Files and manifest are Redis 7's multi-part layout (`aof.rs`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;

use super::aof::{self, AofWriter, Fsync, Manifest};
use super::{fork_child, snapshot, Child, ChildExit, ChildKind};
use crate::config::{AppendFsync, Config};
use crate::state::{unix_ms, Server, Shared};

/// Redis's aof_state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Off,
    On,
    /// Turned on at runtime: on once the first rewrite wrote a base.
    WaitRewrite,
}

pub struct AofState {
    pub mode: Mode,
    pub writer: Option<AofWriter>,
    pub manifest: Manifest,
    pub rewrite_scheduled: bool,
    pub last_rewrite_secs: i64,
    pub last_rewrite_ok: bool,
    pub rewrites: u64,
    pub consecutive_failures: u64,
    pub last_write_ok: bool,
    pub last_write_error: String,
    pub base_size: u64,
    /// Size of the base and the incr files before the current one.
    pub earlier_size: u64,
}

impl Default for AofState {
    fn default() -> Self {
        AofState {
            mode: Mode::Off,
            writer: None,
            manifest: Manifest::default(),
            rewrite_scheduled: false,
            last_rewrite_secs: -1,
            last_rewrite_ok: true,
            rewrites: 0,
            consecutive_failures: 0,
            last_write_ok: true,
            last_write_error: String::new(),
            base_size: 0,
            earlier_size: 0,
        }
    }
}

impl AofState {
    pub fn enabled(&self) -> bool {
        self.mode != Mode::Off
    }
    /// aof_current_size: base + every incr.
    pub fn current_size(&self) -> u64 {
        self.earlier_size + self.writer.as_ref().map(|w| w.size()).unwrap_or(0)
    }
    pub fn delayed_fsync(&self) -> u64 {
        self.writer.as_ref().map(|w| w.status().delayed_fsync).unwrap_or(0)
    }
}

fn fsync_policy(c: &Config) -> Fsync {
    match c.appendfsync {
        AppendFsync::Always => Fsync::Always,
        AppendFsync::EverySec => Fsync::EverySec,
        AppendFsync::No => Fsync::No,
    }
}

pub fn aof_dir(c: &Config) -> PathBuf {
    c.dir.join(&c.appenddirname)
}

fn enable_stream(sh: &mut Shared, on: bool) {
    sh.persist.prop.enabled = on;
    sh.persist.prop.reset_db();
    sh.ks.deleted_log = if on { Some(Vec::new()) } else { None };
}

/// Appends the pending write stream to the current incr file.
pub fn write_pending(srv: &Server, sh: &mut Shared) {
    let bytes = sh.persist.prop.take();
    let a = &mut sh.persist.aof;
    let Some(w) = a.writer.as_mut() else { return };
    match w.write(&bytes) {
        Ok(()) => {
            if !a.last_write_ok {
                srv.logger.warning("AOF write error looks solved, Redis can write again.");
            }
            a.last_write_ok = true;
        }
        Err(e) => {
            let text = crate::config::os_error_text(&e);
            if a.last_write_ok {
                srv.logger.warning(&format!("Error writing to the AOF file: {text}"));
            }
            a.last_write_ok = false;
            a.last_write_error = text;
            if w.fsync_policy() == Fsync::Always {
                // Redis cannot give the always-promise any more: it exits.
                srv.logger
                    .warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
                std::process::exit(1);
            }
        }
    }
}

/// "MISCONF Errors writing to the AOF file: ..." while AOF writes fail.
pub fn write_error(sh: &Shared) -> Option<gears_resp::ErrorReply> {
    let a = &sh.persist.aof;
    if a.mode != Mode::Off && !a.last_write_ok {
        return Some(gears_resp::ErrorReply::new(format!(
            "MISCONF Errors writing to the AOF file: {}",
            a.last_write_error
        )));
    }
    None
}

/// Loads the AOF at startup (appendonly yes), or creates it when there is
/// none yet; runs on the loading thread. Err is fatal.
pub fn load_at_startup(srv: &Server, total: &Arc<AtomicU64>, loaded: &Arc<AtomicU64>) -> Result<(), String> {
    let (dir, name) = {
        let sh = srv.shared.lock();
        (aof_dir(&sh.config), sh.config.appendfilename.clone())
    };
    let started = Instant::now();
    let mut manifest = Manifest::load(&dir, &name)?;
    if manifest.is_none() {
        manifest = upgrade_old_style(srv, &srv.shared.lock())?;
    }
    let base_size;
    let mut manifest = match manifest {
        Some(m) if !m.is_empty() => {
            total.store(m.total_size(&dir).unwrap_or(0), Ordering::Relaxed);
            let stats = replay(srv, &dir, &m, loaded)?;
            if let Some((file, len)) = &stats.truncated {
                srv.logger.warning(&format!("!!! Warning: short read while loading the AOF file {file}!!!"));
                srv.logger.warning(&format!("!!! Truncating the AOF {file} at offset {len} !!!"));
                if stats.reverted_multi {
                    srv.logger.warning(&format!("Revert incomplete MULTI/EXEC transaction in AOF file {file}"));
                }
                srv.logger.warning(&format!("AOF {file} loaded anyway because aof-load-truncated is enabled"));
            }
            srv.logger
                .notice(&format!("DB loaded from append only file: {:.3} seconds", started.elapsed().as_secs_f64()));
            base_size = stats.base_size;
            m
        }
        _ => {
            // No AOF yet: start one from the (empty) dataset, as Redis 7 does.
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("Can't create the AOF directory {}: {e}", dir.display()))?;
            let mut m = Manifest::default();
            let sh = srv.shared.lock();
            let base = m.new_base(&name, sh.config.aof_use_rdb_preamble);
            write_base(&sh, &dir.join(&base), &dir.join(&base))
                .map_err(|e| format!("Can't create the AOF base file {base}: {e}"))?;
            srv.logger.notice(&format!("Creating AOF base file {base} on server start"));
            base_size = aof::file_size(&dir, &base).unwrap_or(0);
            m
        }
    };
    let incr = manifest.last_incr_or_new(&name);
    manifest.persist(&dir, &name).map_err(|e| format!("Can't persist the AOF manifest: {e}"))?;
    let mut w =
        AofWriter::open(&dir.join(&incr)).map_err(|e| format!("Can't open the append-only file {incr}: {e}"))?;
    let mut sh = srv.shared.lock();
    w.set_fsync(fsync_policy(&sh.config));
    let a = &mut sh.persist.aof;
    a.base_size = base_size;
    a.earlier_size = manifest.total_size(&dir).unwrap_or(0).saturating_sub(w.size());
    a.writer = Some(w);
    a.manifest = manifest;
    a.mode = Mode::On;
    enable_stream(&mut sh, true);
    Ok(())
}

/// A Redis 6 style single `appendonly.aof` in `dir` (and no manifest yet)
/// becomes the base of a multi-part AOF, as Redis 7's aofUpgradePrepare does,
/// so upgrading users keep their data.
fn upgrade_old_style(srv: &Server, sh: &Shared) -> Result<Option<Manifest>, String> {
    let dir = aof_dir(&sh.config);
    let name = &sh.config.appendfilename;
    let old = sh.config.dir.join(name);
    if !old.is_file() {
        return Ok(None);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("Can't create the AOF directory {}: {e}", dir.display()))?;
    let m = Manifest::old_style(name);
    m.persist(&dir, name).map_err(|e| format!("Can't persist the AOF manifest: {e}"))?;
    std::fs::rename(&old, dir.join(name)).map_err(|e| {
        format!("Error trying to move the old AOF file {} into dir {}: {e}", old.display(), dir.display())
    })?;
    super::fsync_dir(&sh.config.dir);
    srv.logger.notice("Successfully migrated an old-style AOF into the AOF directory");
    Ok(Some(m))
}

/// Replays the files through the command table, as a client would, taking
/// the lock per command so other clients get their -LOADING meanwhile.
fn replay(
    srv: &Server,
    dir: &std::path::Path,
    m: &Manifest,
    loaded: &Arc<AtomicU64>,
) -> Result<aof::AofLoadStats, String> {
    let opts = aof::LoadOptions { load_truncated: srv.shared.lock().config.aof_load_truncated };
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let mut client = crate::client::Client::new(0, "aof".into(), String::new(), unix_ms(), tx);
    client.authenticated = true;
    client.in_exec = true;
    let mut load_rdb = |path: &std::path::Path| -> Result<Option<u64>, String> {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (ks, stats) = snapshot::load_fresh(srv, super::Progress { inner: file, read: loaded.clone() })
            .map_err(|e| format!("RDB preamble {}: {e}", path.display()))?;
        snapshot::install(&mut srv.shared.lock(), ks, &stats);
        srv.logger.notice(&format!(
            "Reading RDB base file on AOF loading... Done loading RDB, keys loaded: {}, keys expired: {}.",
            stats.keys_loaded, stats.keys_expired
        ));
        Ok(None)
    };
    let mut exec = |args: &[Bytes]| -> Result<(), String> {
        let cref = crate::dispatch::resolve(args).map_err(|_| {
            format!("Unknown command '{}' reading the append only file", String::from_utf8_lossy(&args[0]))
        })?;
        let mut sh = srv.shared.lock();
        crate::dispatch::call(srv, &mut sh, &mut client, cref, args, true);
        sh.ks.events.clear();
        let n: usize = args.iter().map(|a| a.len() + 16).sum();
        loaded.fetch_add(n as u64, Ordering::Relaxed);
        Ok(())
    };
    let stats = aof::load(dir, m, &opts, &mut load_rdb, &mut exec)?;
    srv.shared.lock().ks.dirty = 0;
    Ok(stats)
}

/// Writes a base file (RDB preamble or commands) of the current dataset.
fn write_base(sh: &Shared, tmp: &std::path::Path, target: &std::path::Path) -> std::io::Result<u64> {
    write_base_of(&sh.ks, sh.config.aof_use_rdb_preamble, snapshot::save_options(sh), tmp, target)
}

fn write_base_of(
    ks: &gears_store::Keyspace,
    preamble: bool,
    opts: super::rdb::SaveOptions,
    tmp: &std::path::Path,
    target: &std::path::Path,
) -> std::io::Result<u64> {
    if preamble {
        return snapshot::write_file(ks, tmp, target, opts, &snapshot::aux_fields(true));
    }
    snapshot::write_atomically(tmp, target, |w| aof::write_commands(w, ks))
}

/// BGREWRITEAOF: writes go to a new incr file from now on, and a child
/// writes the dataset as of now into a new base.
pub fn rewrite_background(srv: &Server, sh: &mut Shared) -> Result<(), String> {
    if sh.persist.child.is_some() {
        return Err("another child is active".into());
    }
    let dir = aof_dir(&sh.config);
    std::fs::create_dir_all(&dir).map_err(|e| {
        let m = format!("Can't create the AOF directory {}: {e}", dir.display());
        srv.logger.warning(&m);
        m
    })?;
    let name = sh.config.appendfilename.clone();
    // Everything written so far belongs to the old files (or the new base).
    super::flush(srv, sh);
    if sh.persist.aof.mode != Mode::Off {
        let incr = sh.persist.aof.manifest.new_incr(&name);
        let opened = match sh.persist.aof.writer.as_mut() {
            Some(w) => {
                let before = w.size();
                w.switch_to(&dir.join(&incr)).map(|_| before)
            }
            None => AofWriter::open(&dir.join(&incr)).map(|mut w| {
                w.set_fsync(fsync_policy(&sh.config));
                sh.persist.aof.writer = Some(w);
                0
            }),
        };
        match opened {
            Ok(before) => sh.persist.aof.earlier_size += before,
            Err(e) => {
                sh.persist.aof.manifest.incrs.pop();
                let m = format!("Can't open new incr AOF file {incr}: {e}");
                srv.logger.warning(&m);
                return Err(m);
            }
        }
        sh.persist.prop.reset_db();
        if sh.persist.aof.mode == Mode::On {
            // The new incr must be in the manifest before anything is acked into it.
            if let Err(e) = sh.persist.aof.manifest.persist(&dir, &name) {
                srv.logger.warning(&format!("Can't persist the AOF manifest: {e}"));
            }
        }
    }
    let preamble = sh.config.aof_use_rdb_preamble;
    let opts = snapshot::save_options(sh);
    let forked = Instant::now();
    let ks = &sh.ks;
    let child_dir = dir.clone();
    let pid = fork_child(|| {
        let tmp = child_dir.join(format!("temp-rewriteaof-bg-{}.aof", std::process::id()));
        write_base_of(ks, preamble, opts, &tmp, &tmp).is_ok()
    })
    .map_err(|e| {
        let m = format!("Can't rewrite append only file in background: fork: {e}");
        srv.logger.warning(&m);
        m
    })?;
    srv.logger.notice(&format!("Background append only file rewriting started by pid {pid}"));
    snapshot::child_started(sh, forked, pid, ChildKind::Aof, dir.join(format!("temp-rewriteaof-bg-{pid}.aof")));
    sh.persist.aof.rewrite_scheduled = false;
    Ok(())
}

/// The parent's side when the rewrite child ends (backgroundRewriteDoneHandler).
pub fn rewrite_done(srv: &Server, sh: &mut Shared, child: Child, exit: ChildExit) {
    let a = &mut sh.persist.aof;
    a.last_rewrite_secs = child.started.elapsed().as_secs() as i64;
    let ok = matches!(exit, ChildExit::Ok);
    if !ok {
        match exit {
            ChildExit::Signal(sig) => srv.logger.warning(&format!("Background AOF rewrite terminated by signal {sig}")),
            _ => srv.logger.warning("Background AOF rewrite terminated with error"),
        }
        let _ = std::fs::remove_file(&child.tmp);
        rewrite_failed(srv, sh);
        return;
    }
    srv.logger.notice("Background AOF rewrite terminated with success");
    let dir = aof_dir(&sh.config);
    let name = sh.config.appendfilename.clone();
    let preamble = sh.config.aof_use_rdb_preamble;
    let a = &mut sh.persist.aof;
    let mut m = a.manifest.clone();
    let base = m.new_base(&name, preamble);
    if let Err(e) = std::fs::rename(&child.tmp, dir.join(&base)) {
        srv.logger.warning(&format!(
            "Error trying to rename the temporary AOF base file {} into {base}: {e}",
            child.tmp.display()
        ));
        let _ = std::fs::remove_file(&child.tmp);
        rewrite_failed(srv, sh);
        return;
    }
    let keep = if a.mode == Mode::Off { 0 } else { 1 };
    m.retire_incrs(keep);
    if let Err(e) = m.persist(&dir, &name) {
        srv.logger.warning(&format!("Can't persist the AOF manifest after a rewrite: {e}"));
        let _ = std::fs::remove_file(dir.join(&base));
        rewrite_failed(srv, sh);
        return;
    }
    super::fsync_dir(&dir);
    for gone in m.delete_history(&dir) {
        srv.logger.notice(&format!("Removing the history file {gone} in the background"));
    }
    let _ = m.persist(&dir, &name);
    srv.logger.notice(&format!("Successfully renamed the temporary AOF base file into {base}"));
    a.base_size = aof::file_size(&dir, &base).unwrap_or(0);
    a.earlier_size = a.base_size;
    a.manifest = m;
    if a.mode == Mode::WaitRewrite {
        a.mode = Mode::On;
        srv.logger.notice("Background AOF rewrite finished successfully; the AOF is on");
    } else {
        srv.logger.notice("Background AOF rewrite finished successfully");
    }
    a.rewrites += 1;
    a.last_rewrite_ok = true;
    a.consecutive_failures = 0;
}

fn rewrite_failed(srv: &Server, sh: &mut Shared) {
    let a = &mut sh.persist.aof;
    a.last_rewrite_ok = false;
    a.consecutive_failures += 1;
    if a.mode == Mode::WaitRewrite {
        // Turning the AOF on failed: it stays off.
        srv.logger.warning("AOF rewrite failed while turning the AOF on: the AOF stays off");
        stop(srv, sh);
    }
}

/// A rewrite child was killed on purpose (CONFIG SET appendonly no, shutdown).
pub fn rewrite_aborted(_srv: &Server, sh: &mut Shared) {
    sh.persist.aof.rewrite_scheduled = false;
}

/// The AOF part of the cron: scheduled and automatic rewrites, retrying a
/// failed write.
pub fn cron(srv: &Server, sh: &mut Shared) {
    if sh.persist.aof.mode != Mode::Off && !sh.persist.aof.last_write_ok {
        if let Some(w) = sh.persist.aof.writer.as_mut() {
            if w.retry().is_ok() {
                srv.logger.warning("AOF write error looks solved, Redis can write again.");
                sh.persist.aof.last_write_ok = true;
            }
        }
    }
    if sh.persist.child.is_some() {
        return;
    }
    if sh.persist.aof.rewrite_scheduled {
        let _ = rewrite_background(srv, sh);
        return;
    }
    let c = &sh.config;
    let a = &sh.persist.aof;
    if a.mode == Mode::On && c.auto_aof_rewrite_percentage > 0 && a.current_size() > c.auto_aof_rewrite_min_size {
        let base = a.base_size.max(1);
        let growth = (a.current_size() * 100 / base) as i64 - 100;
        if growth >= c.auto_aof_rewrite_percentage as i64 {
            srv.logger.notice(&format!("Starting automatic rewriting of AOF on {growth}% growth"));
            let _ = rewrite_background(srv, sh);
        }
    }
}

/// CONFIG SET appendonly yes (startAppendOnly): the first rewrite writes the
/// base; from its fork on, writes go to the new incr file.
pub fn start(srv: &Server, sh: &mut Shared) -> Result<(), String> {
    if sh.persist.aof.mode != Mode::Off {
        return Ok(());
    }
    let dir = aof_dir(&sh.config);
    let name = sh.config.appendfilename.clone();
    let manifest = Manifest::load(&dir, &name).ok().flatten().unwrap_or_default();
    sh.persist.aof.manifest = manifest;
    sh.persist.aof.mode = Mode::WaitRewrite;
    enable_stream(sh, true);
    // What is written before the rewrite forks is in its base anyway.
    let _ = sh.persist.prop.take();
    if sh.persist.child.as_ref().is_some_and(|c| c.kind == ChildKind::Rdb) {
        sh.persist.aof.rewrite_scheduled = true;
        srv.logger.warning("AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.");
        return Ok(());
    }
    if let Err(e) = rewrite_background(srv, sh) {
        stop(srv, sh);
        srv.logger.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
        return Err(e);
    }
    Ok(())
}

/// CONFIG SET appendonly no (stopAppendOnly).
pub fn stop(srv: &Server, sh: &mut Shared) {
    if sh.persist.child_running(ChildKind::Aof) {
        super::kill_child(srv, sh);
    }
    shutdown(srv, sh);
    let a = &mut sh.persist.aof;
    a.writer = None;
    a.mode = Mode::Off;
    a.rewrite_scheduled = false;
    a.last_write_ok = true;
    enable_stream(sh, false);
}

/// Applies runtime config changes (appendonly, appendfsync).
pub fn config_changed(srv: &Server, sh: &mut Shared) -> Result<(), String> {
    let on = sh.config.appendonly;
    if on && sh.persist.aof.mode == Mode::Off {
        start(srv, sh)?;
    } else if !on && sh.persist.aof.mode != Mode::Off {
        stop(srv, sh);
    }
    let policy = fsync_policy(&sh.config);
    if let Some(w) = sh.persist.aof.writer.as_mut() {
        w.set_fsync(policy);
    }
    Ok(())
}

/// Flushes and fsyncs the AOF before exiting (or turning it off).
pub fn shutdown(srv: &Server, sh: &mut Shared) {
    if sh.persist.aof.mode == Mode::Off {
        return;
    }
    super::flush(srv, sh);
    if let Some(w) = sh.persist.aof.writer.as_mut() {
        srv.logger.notice("Calling fsync() on the AOF file.");
        let _ = w.fsync_now();
    }
}

/// no-appendfsync-on-rewrite: while a child writes a snapshot, the AOF is
/// not fsynced (the disk is busy with the child's writes).
pub fn child_running_changed(sh: &mut Shared) {
    let pause = sh.config.no_appendfsync_on_rewrite && sh.persist.child.is_some();
    if let Some(w) = sh.persist.aof.writer.as_mut() {
        w.set_fsync_paused(pause);
    }
}
