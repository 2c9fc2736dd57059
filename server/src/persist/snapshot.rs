//! RDB snapshots: SAVE, BGSAVE (a forked child), save points, loading at
//! startup and DEBUG RELOAD.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use gears_store::Keyspace;

use super::{fork_child, rdb, Child, ChildExit, ChildKind};
use crate::state::{unix_ms, Server, Shared};

/// Seconds to wait before retrying a failed background save (Redis's CONFIG_BGSAVE_RETRY_DELAY).
const BGSAVE_RETRY_DELAY: u64 = 5;

/// The aux fields every RDB starts with (Redis's rdbSaveInfoAuxFields).
pub fn aux_fields(aof_base: bool) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("redis-ver", crate::commands::connection::REDIS_VERSION.as_bytes().to_vec()),
        ("redis-bits", b"64".to_vec()),
        ("ctime", (unix_ms() / 1000).to_string().into_bytes()),
        ("used-mem", crate::memory::used_memory().to_string().into_bytes()),
        ("aof-base", if aof_base { b"1".to_vec() } else { b"0".to_vec() }),
        ("gears-server-ver", env!("CARGO_PKG_VERSION").as_bytes().to_vec()),
    ]
}

pub fn save_options(sh: &Shared) -> rdb::SaveOptions {
    rdb::SaveOptions { compress: sh.config.rdbcompression, checksum: sh.config.rdbchecksum }
}

/// Writes a complete RDB of `ks` to `tmp`, then renames it to `target`
/// (see [`write_atomically`]).
pub fn write_file(
    ks: &Keyspace,
    tmp: &Path,
    target: &Path,
    opts: rdb::SaveOptions,
    aux: &[(&str, Vec<u8>)],
) -> std::io::Result<u64> {
    write_atomically(tmp, target, |w| rdb::write_rdb(w, ks, aux, opts))
}

/// Writes `tmp` with `fill`, fsyncs it, then renames it to `target` (and
/// fsyncs the directory): a reader never sees a half-written file. A failed
/// write removes `tmp`.
pub fn write_atomically(
    tmp: &Path,
    target: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<u64>,
) -> std::io::Result<u64> {
    let f = std::fs::File::create(tmp)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let result = fill(&mut w).and_then(|n| {
        w.flush()?;
        w.get_ref().sync_all()?;
        Ok(n)
    });
    let n = match result {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(tmp);
            return Err(e);
        }
    };
    if tmp != target {
        std::fs::rename(tmp, target)?;
        if let Some(dir) = target.parent() {
            super::fsync_dir(dir);
        }
    }
    Ok(n)
}

fn dump_path(sh: &Shared) -> PathBuf {
    super::in_dir(&sh.config, &sh.config.dbfilename)
}

/// SAVE: a foreground save, everyone waits (as in Redis).
pub fn save(srv: &Server, sh: &mut Shared) -> Result<(), String> {
    let target = dump_path(sh);
    let tmp = super::in_dir(&sh.config, &format!("temp-{}.rdb", std::process::id()));
    match write_file(&sh.ks, &tmp, &target, save_options(sh), &aux_fields(false)) {
        Ok(_) => {
            srv.logger.notice("DB saved on disk");
            sh.ks.dirty = 0;
            sh.persist.lastsave = unix_ms() / 1000;
            sh.persist.lastbgsave_ok = true;
            sh.persist.rdb_saves += 1;
            Ok(())
        }
        Err(e) => {
            let msg = format!(
                "Failed opening the temp RDB file {} (in server root dir {}) for saving: {}",
                tmp.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                sh.config.dir.display(),
                crate::config::os_error_text(&e)
            );
            srv.logger.warning(&msg);
            Err(msg)
        }
    }
}

/// BGSAVE: forks a child that writes the dump. Callers make sure no child
/// runs (Redis runs one at a time).
pub fn bgsave(srv: &Server, sh: &mut Shared) -> Result<(), String> {
    if sh.persist.child.is_some() {
        return Err("another child is active".into());
    }
    let target = dump_path(sh);
    sh.persist.lastbgsave_try = unix_ms() / 1000;
    let opts = save_options(sh);
    let aux = aux_fields(false);
    let forked = Instant::now();
    // The child's tmp name uses its own pid, as Redis's temp-<pid>.rdb.
    let dir = sh.config.dir.clone();
    let ks: &Keyspace = &sh.ks;
    let pid = fork_child(|| {
        let tmp = dir.join(format!("temp-{}.rdb", std::process::id()));
        write_file(ks, &tmp, &target, opts, &aux).is_ok()
    });
    let pid = match pid {
        Ok(p) => p,
        Err(e) => {
            sh.persist.lastbgsave_ok = false;
            let msg = format!("Can't save in background: fork: {}", crate::config::os_error_text(&e));
            srv.logger.warning(&msg);
            return Err(msg);
        }
    };
    srv.logger.notice(&format!("Background saving started by pid {pid}"));
    let tmp = sh.config.dir.join(format!("temp-{pid}.rdb"));
    child_started(sh, forked, pid, ChildKind::Rdb, tmp);
    sh.persist.bgsave_scheduled = false;
    Ok(())
}

/// Records a forked child and the fork's cost (INFO latest_fork_usec, the
/// `fork` latency event).
pub fn child_started(sh: &mut Shared, forked: Instant, pid: libc::pid_t, kind: ChildKind, tmp: PathBuf) {
    let us = forked.elapsed().as_micros() as u64;
    sh.persist.child = Some(Child { pid, kind, started: Instant::now(), dirty_at_start: sh.ks.dirty, tmp });
    super::appendonly::child_running_changed(sh);
    sh.persist.total_forks += 1;
    sh.persist.latest_fork_usec = us;
    let ms = us / 1000;
    if sh.config.latency_monitor_threshold > 0 && ms >= sh.config.latency_monitor_threshold {
        sh.latency.add("fork", unix_ms() / 1000, ms);
    }
}

/// The parent's side when the BGSAVE child ends (Redis's backgroundSaveDoneHandler).
pub fn bgsave_done(srv: &Server, sh: &mut Shared, child: Child, exit: ChildExit) {
    sh.persist.last_bgsave_secs = child.started.elapsed().as_secs() as i64;
    match exit {
        ChildExit::Ok => {
            srv.logger.notice("Background saving terminated with success");
            sh.ks.dirty = sh.ks.dirty.saturating_sub(child.dirty_at_start);
            sh.persist.lastsave = unix_ms() / 1000;
            sh.persist.lastbgsave_ok = true;
            sh.persist.rdb_saves += 1;
        }
        ChildExit::Failed(_) => {
            srv.logger.warning("Background saving error");
            sh.persist.lastbgsave_ok = false;
            let _ = std::fs::remove_file(&child.tmp);
        }
        ChildExit::Signal(sig) => {
            srv.logger.warning(&format!("Background saving terminated by signal {sig}"));
            let _ = std::fs::remove_file(&child.tmp);
            // A kill by us (SIGUSR1) is not an error (Redis's rule).
            if sig != libc::SIGUSR1 {
                sh.persist.lastbgsave_ok = false;
            }
        }
    }
}

/// Save points and scheduled BGSAVEs (the parent has no child running).
pub fn cron(srv: &Server, sh: &mut Shared) {
    let now = unix_ms() / 1000;
    let p = &sh.persist;
    let retry_ok = p.lastbgsave_ok || now.saturating_sub(p.lastbgsave_try) > BGSAVE_RETRY_DELAY;
    let mut reason = None;
    if p.bgsave_scheduled && retry_ok {
        reason = Some(String::from("Scheduled BGSAVE"));
    }
    if reason.is_none() {
        for &(secs, changes) in &sh.config.save_points {
            if sh.ks.dirty >= changes && now.saturating_sub(p.lastsave) >= secs && retry_ok {
                reason = Some(format!("{changes} changes in {secs} seconds. Saving..."));
                break;
            }
        }
    }
    if let Some(r) = reason {
        srv.logger.notice(&r);
        let _ = bgsave(srv, sh);
    }
}

/// Loads the dump at startup, if there is one (on the loading thread; the
/// lock is only taken to install the result). Err stops the server.
pub fn load_at_startup(srv: &Server, total: &Arc<AtomicU64>, loaded: &Arc<AtomicU64>) -> Result<(), String> {
    let path = dump_path(&srv.shared.lock());
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("Fatal error loading the DB {}: {}. Exiting.", path.display(), e)),
    };
    total.store(file.metadata().map(|m| m.len()).unwrap_or(0), Ordering::Relaxed);
    let started = Instant::now();
    let (ks, stats) = load_fresh(srv, super::Progress { inner: file, read: loaded.clone() })
        .map_err(|e| format!("Fatal error loading the DB {}: {e}. Exiting.", path.display()))?;
    let mut sh = srv.shared.lock();
    install(&mut sh, ks, &stats);
    log_loaded(srv, &stats, started);
    Ok(())
}

/// Loads an RDB stream into a new keyspace shaped like the live one
/// (databases, LRU/LFU), without holding the lock.
pub fn load_fresh(srv: &Server, input: impl std::io::Read) -> Result<(Keyspace, rdb::LoadStats), rdb::RdbError> {
    let (limits, dbs, tracking) = {
        let sh = srv.shared.lock();
        (super::rdb_limits(&sh.config), sh.ks.db_count(), sh.ks.tracking)
    };
    let mut ks = Keyspace::new(dbs);
    ks.set_tracking(tracking);
    ks.now_ms = unix_ms();
    let stats = rdb::load_rdb(std::io::BufReader::with_capacity(1 << 20, input), &mut ks, &limits)?;
    Ok((ks, stats))
}

/// Makes a loaded keyspace the live dataset.
pub fn install(sh: &mut Shared, ks: Keyspace, stats: &rdb::LoadStats) {
    sh.ks.adopt_data(ks);
    sh.ks.dirty = 0;
    sh.persist.keys_loaded = stats.keys_loaded;
    sh.persist.keys_expired_on_load = stats.keys_expired;
}

pub fn log_loaded(srv: &Server, stats: &rdb::LoadStats, started: Instant) {
    for (k, v) in &stats.aux {
        if k == b"redis-ver" {
            srv.logger.notice(&format!("Loading RDB produced by version {}", String::from_utf8_lossy(v)));
        }
    }
    srv.logger.notice(&format!(
        "Done loading RDB, keys loaded: {}, keys expired: {}.",
        stats.keys_loaded, stats.keys_expired
    ));
    srv.logger.notice(&format!("DB loaded from disk: {:.3} seconds", started.elapsed().as_secs_f64()));
}

/// DEBUG RELOAD: save (unless `nosave`), then replace the dataset with what
/// the file holds. The live data is kept if the file does not load.
pub fn debug_reload(srv: &Server, sh: &mut Shared, nosave: bool) -> Result<(), String> {
    const LOAD_FAILED: &str = "Error trying to load the RDB dump, check server logs.";
    if !nosave {
        save(srv, sh).map_err(|_| String::new())?;
    }
    let path = dump_path(sh);
    let file = std::fs::File::open(&path).map_err(|e| {
        srv.logger.warning(&format!("DEBUG RELOAD: can't open {}: {e}", path.display()));
        LOAD_FAILED.to_string()
    })?;
    let mut fresh = Keyspace::new(sh.ks.db_count());
    fresh.now_ms = unix_ms();
    fresh.set_tracking(sh.ks.tracking);
    let limits = super::rdb_limits(&sh.config);
    let stats = rdb::load_rdb(std::io::BufReader::with_capacity(1 << 20, file), &mut fresh, &limits).map_err(|e| {
        srv.logger.warning(&format!("DEBUG RELOAD: loading {} failed: {e}", path.display()));
        LOAD_FAILED.to_string()
    })?;
    install(sh, fresh, &stats);
    srv.logger.notice("DB reloaded by DEBUG RELOAD");
    Ok(())
}
