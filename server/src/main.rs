//! `gears-server [/path/to/gears.conf] [--name value ...]`, the redis-server way.

use std::path::PathBuf;

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn usage() -> ! {
    eprintln!(
        "Usage: gears-server [/path/to/gears.conf] [options] [-]\n       gears-server - (read config from stdin)\n       gears-server -v or --version\n       gears-server -h or --help\n\nExamples:\n       gears-server (run the server with default conf)\n       gears-server /etc/redis/6379.conf\n       gears-server --port 7777\n       gears-server /etc/myredis.conf --loglevel verbose -"
    );
    std::process::exit(1);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let exe = std::fs::canonicalize(&args[0]).map(|p| p.display().to_string()).unwrap_or_else(|_| args[0].clone());
    let mut rest = &args[1..];
    if let Some(first) = rest.first() {
        match first.as_str() {
            "-v" | "--version" => {
                println!(
                    "gears-server v={} (redis compatibility {}) malloc=jemalloc bits=64",
                    env!("CARGO_PKG_VERSION"),
                    gears_server::commands::connection::REDIS_VERSION
                );
                return;
            }
            "-h" | "--help" => usage(),
            _ => {}
        }
    }
    let mut text = String::new();
    let mut config_file = None;
    if let Some(first) = rest.first() {
        if !first.starts_with("--") {
            if first == "-" {
                use std::io::Read;
                let _ = std::io::stdin().read_to_string(&mut text);
            } else {
                match std::fs::read_to_string(first) {
                    Ok(t) => text = t,
                    Err(e) => {
                        eprintln!("Fatal error, can't open config file '{first}': {e}");
                        std::process::exit(1);
                    }
                }
                config_file = Some(std::fs::canonicalize(first).unwrap_or_else(|_| PathBuf::from(first)));
            }
            rest = &rest[1..];
        }
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&gears_server::config::args_to_text(rest));
    let config = match gears_server::config::load(&text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    if config.daemonize {
        daemonize();
    }
    std::process::exit(gears_server::run(config, config_file, exe));
}

/// Detaches from the terminal like redis-server: fork, new session, stdio to /dev/null.
fn daemonize() {
    // SAFETY: called before any thread is started (the runtime is built later),
    // so fork() duplicates a single-threaded process.
    unsafe {
        match libc::fork() {
            -1 => {
                eprintln!("fork failed");
                std::process::exit(1);
            }
            0 => {}
            _ => std::process::exit(0),
        }
        libc::setsid();
        let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if fd >= 0 {
            libc::dup2(fd, 0);
            libc::dup2(fd, 1);
            libc::dup2(fd, 2);
            if fd > 2 {
                libc::close(fd);
            }
        }
    }
}
