//! `gears-server`: a Redis-compatible server. This crate is wiring: networking,
//! the dispatch gate, the command table and handlers, config, INFO and cron.
//! Data structures live in `gears-store`, the wire protocol in `gears-resp`.

pub mod args;
pub mod blocking;
pub mod client;
pub mod command;
pub mod commands;
pub mod config;
pub mod cron;
pub mod dispatch;
pub mod gears;
pub mod info;
pub mod lazyfree;
pub mod log;
pub mod memory;
pub mod net;
pub mod persist;
pub mod pubsub;
pub mod state;
pub mod stats;

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use config::Config;
use state::Server;

/// Builds the runtime, binds, serves until shutdown. Returns the exit code.
pub fn run(config: Config, config_file: Option<PathBuf>, executable: String) -> i32 {
    // io-threads 1 (the default, as in Redis) runs every connection on one
    // event-loop thread: measured on 2 cores it costs 10-25% less CPU per
    // request than a 2-worker multi-thread runtime, which pays for lock
    // hand-offs and worker wake-ups. More threads help when cores are spare.
    let mut builder = if config.io_threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(config.io_threads as usize);
        b
    };
    let rt = match builder.enable_all().thread_name("gears-io").build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Failed to start the runtime: {e}");
            return 1;
        }
    };
    rt.block_on(serve(config, config_file, executable))
}

async fn serve(config: Config, config_file: Option<PathBuf>, executable: String) -> i32 {
    let bind = config.bind.clone();
    let port = config.port;
    let pidfile = config.pidfile.clone();
    let srv = match Server::new(config, config_file, executable) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("Can't open the log file: {e}");
            return 1;
        }
    };
    srv.logger.notice("oO0OoO0OoO0Oo gears-server is starting oO0OoO0OoO0Oo");
    srv.logger.notice(&format!(
        "gears-server version={}, redis compatibility={}, bits=64, pid={}, just started",
        env!("CARGO_PKG_VERSION"),
        commands::connection::REDIS_VERSION,
        std::process::id()
    ));
    let listeners = if port == 0 {
        vec![]
    } else {
        match net::bind_all(&srv, &bind, port) {
            Ok(l) => l,
            Err(e) => {
                srv.logger.warning(&format!("Failed listening on port {port} (tcp), aborting. ({e})"));
                return 1;
            }
        }
    };
    if let Some(l) = listeners.first() {
        if let Ok(a) = l.local_addr() {
            srv.port.store(a.port(), Ordering::Relaxed);
        }
    }
    if !pidfile.is_empty() {
        if let Err(e) = std::fs::write(&pidfile, format!("{}\n", std::process::id())) {
            srv.logger.warning(&format!("Failed to write PID file: {e}"));
        }
    }
    if let Err(e) = gears::start(&srv) {
        srv.logger.warning(&format!("Failed to start the Gears engine: {e}"));
        return 1;
    }
    srv.logger.notice("Gears engine started (embedded Python)");
    srv.logger.notice("Server initialized");
    // The dataset loads in the background; until it is in, commands get
    // -LOADING (as Redis answers while it loads).
    persist::start_loading(&srv, port);
    let mut tasks = Vec::new();
    for l in listeners {
        tasks.push(tokio::spawn(net::accept_loop(srv.clone(), l)));
    }
    tokio::spawn(cron::run(srv.clone()));
    tokio::spawn(signals(srv.clone()));
    let mut shutdown = srv.shutdown_tx.subscribe();
    while !*shutdown.borrow() {
        if shutdown.changed().await.is_err() {
            break;
        }
    }
    for t in tasks {
        let _ = t.await;
    }
    srv.logger.notice("User requested shutdown...");
    if !pidfile.is_empty() {
        srv.logger.notice("Removing the pid file.");
        let _ = std::fs::remove_file(&pidfile);
    }
    srv.logger.notice("gears-server is now ready to exit, bye bye...");
    srv.exit_code.load(Ordering::SeqCst)
}

async fn signals(srv: Arc<Server>) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
        return;
    };
    loop {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        srv.logger.warning(&format!("Received {name} scheduling shutdown..."));
        // Like Redis: save/flush first; if that fails, keep running.
        let ok = persist::prepare_shutdown(&srv, &mut srv.shared.lock(), None, false);
        if ok {
            srv.request_shutdown();
            return;
        }
        srv.logger.warning(&format!(
            "{name} received but errors trying to shut down the server, check the logs for more information"
        ));
    }
}
