//! TCP listeners: one per `bind` address (a leading `-` marks an address
//! whose failure to bind is not fatal, as in redis.conf), each accepting
//! connections into their own task.

pub mod connection;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::state::Server;

/// Binds every configured address. Fails if none could be bound.
pub fn bind_all(srv: &Server, bind: &[String], port: u16) -> std::io::Result<Vec<TcpListener>> {
    let mut out = Vec::new();
    let mut last_err = None;
    for b in bind {
        let (optional, addr) = match b.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, b.as_str()),
        };
        let ip = match addr {
            "*" => "0.0.0.0",
            "::*" => "::",
            a => a,
        };
        let sa: SocketAddr = match format!("{ip}:{port}").parse().or_else(|_| format!("[{ip}]:{port}").parse()) {
            Ok(sa) => sa,
            Err(_) => {
                let e = std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("Invalid bind address '{addr}'"));
                if optional {
                    continue;
                }
                return Err(e);
            }
        };
        match listen(sa) {
            Ok(l) => out.push(l),
            Err(e) if optional => {
                srv.logger.verbose(&format!("Could not bind optional address {addr}: {e}"));
                last_err = Some(e);
            }
            Err(e) => {
                srv.logger
                    .warning(&format!("Warning: Could not create server TCP listening socket {addr}:{port}: {e}"));
                return Err(e);
            }
        }
    }
    if out.is_empty() {
        return Err(last_err.unwrap_or_else(|| std::io::Error::other("no address to listen on")));
    }
    Ok(out)
}

fn listen(sa: SocketAddr) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let sock = Socket::new(Domain::for_address(sa), Type::STREAM, Some(Protocol::TCP))?;
    sock.set_reuse_address(true)?;
    if sa.is_ipv6() {
        // Like Redis: IPv6 sockets do not also take IPv4, so "* -::*" can bind both.
        sock.set_only_v6(true)?;
    }
    sock.set_nonblocking(true)?;
    sock.bind(&sa.into())?;
    sock.listen(511)?;
    TcpListener::from_std(sock.into())
}

/// Accepts connections until shutdown.
pub async fn accept_loop(srv: Arc<Server>, listener: TcpListener) {
    let mut shutdown = srv.shutdown_tx.subscribe();
    // `changed` only sees later values: a shutdown requested before this task
    // subscribed (a failed load) must still end the loop at once.
    if *shutdown.borrow() {
        shutdown.mark_changed();
    }
    loop {
        tokio::select! {
            r = listener.accept() => match r {
                Ok((sock, peer)) => {
                    tokio::spawn(connection::handle(srv.clone(), sock, peer));
                }
                Err(e) => {
                    srv.logger.warning(&format!("Accepting client connection: {e}"));
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            },
            _ = shutdown.changed() => break,
        }
    }
}
