//! One client connection: read what the socket has, parse every complete
//! frame, run the whole batch under one acquisition of the keyspace lock,
//! then write all replies with one write. This is how pipelining pays.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::{BufMut, BytesMut};
use gears_resp::{Limits, Parser};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::client::{Client, ClientInfo, ConnMsg};
use crate::dispatch;
use crate::state::{unix_ms, Server};

const READ_CHUNK: usize = 16 * 1024;

pub const DENIED: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

pub async fn handle(srv: Arc<Server>, mut sock: TcpStream, peer: SocketAddr) {
    let _ = sock.set_nodelay(true);
    let local = sock.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let id = srv.next_client_id.fetch_add(1, Ordering::Relaxed);
    let mut client = Client::new(id, peer.to_string(), local, unix_ms(), tx);

    let refused: Option<&[u8]> = {
        let mut sh = srv.shared.lock();
        sh.stats.total_connections_received += 1;
        if sh.clients.len() as u64 >= sh.config.maxclients {
            sh.stats.rejected_connections += 1;
            Some(b"-ERR max number of clients reached\r\n")
        } else if sh.config.protected_mode && sh.config.requirepass.is_none() && !is_local(&peer) {
            sh.stats.rejected_connections += 1;
            Some(DENIED.as_bytes())
        } else {
            client.authenticated = sh.config.requirepass.is_none();
            let keepalive = sh.config.tcp_keepalive;
            if keepalive > 0 {
                let ka = socket2::TcpKeepalive::new()
                    .with_time(Duration::from_secs(keepalive))
                    .with_interval(Duration::from_secs((keepalive / 3).max(1)));
                let _ = socket2::SockRef::from(&sock).set_tcp_keepalive(&ka);
            }
            sh.clients.map.insert(id, ClientInfo::from_client(&client, client.created_ms));
            None
        }
    };
    if let Some(msg) = refused {
        let _ = sock.write_all(msg).await;
        return;
    }

    let mut inbuf = BytesMut::with_capacity(READ_CHUNK);
    let mut out = BytesMut::with_capacity(READ_CHUNK);
    let mut parser = Parser::new();
    let mut args = Vec::new();
    let mut shutdown = srv.shutdown_tx.subscribe();
    // A shutdown requested before this connection subscribed ends it at once.
    if *shutdown.borrow() {
        shutdown.mark_changed();
    }
    loop {
        tokio::select! {
            r = sock.read_buf(&mut inbuf) => {
                let n = match r { Ok(0) | Err(_) => break, Ok(n) => n };
                srv.net_input_bytes.fetch_add(n as u64, Ordering::Relaxed);
                // A parked client's input waits in the buffer (Redis does the same);
                // reading on lets us notice a disconnect while it waits.
                let keep = if client.blocked {
                    (inbuf.len() as u64) <= srv.shared.lock().config.client_query_buffer_limit
                } else {
                    run_batch(&srv, &mut client, &mut parser, &mut args, &mut inbuf, &mut out)
                };
                if !flush(&srv, &mut sock, &mut out).await || !keep || client.close_after_reply {
                    break;
                }
                let want = parser.bytes_wanted(&inbuf).max(READ_CHUNK);
                if inbuf.capacity() - inbuf.len() < want {
                    inbuf.reserve(want);
                }
            }
            msg = rx.recv() => {
                let Some(msg) = msg else { break };
                if let ConnMsg::Unblocked(reply) = msg {
                    client.blocked = false;
                    client.block_deadline = None;
                    out.extend_from_slice(&reply);
                    // Commands that arrived while it waited run now.
                    let keep = inbuf.is_empty() || run_batch(&srv, &mut client, &mut parser, &mut args, &mut inbuf, &mut out);
                    if !flush(&srv, &mut sock, &mut out).await || !keep || client.close_after_reply {
                        break;
                    }
                } else if !push_out(&srv, &mut sock, msg, &mut rx, &client.out).await {
                    if client.out.over_limit.load(Ordering::Relaxed) {
                        srv.logger.warning(&format!(
                            "Client id={} addr={} scheduled to be closed ASAP for overcoming of output buffer limits.",
                            client.id, client.addr
                        ));
                    }
                    break;
                }
            }
            _ = sleep_until(client.block_deadline), if client.blocked && client.block_deadline.is_some() => {
                client.block_deadline = None;
                // Sends our own Unblocked message with the timeout reply, unless
                // the client was served in the meantime (then that reply is queued).
                crate::blocking::finish(&mut srv.shared.lock(), client.id, None);
            }
            _ = shutdown.changed() => break,
        }
    }
    let _ = sock.shutdown().await;
    let mut sh = srv.shared.lock();
    crate::blocking::unpark(&mut sh, client.id);
    crate::commands::transactions::unwatch_all(&mut sh, &mut client);
    sh.pubsub.remove_client(&client);
    sh.clients.monitors.retain(|m| *m != client.id);
    sh.clients.map.remove(&client.id);
}

fn is_local(peer: &SocketAddr) -> bool {
    match peer {
        SocketAddr::V4(a) => a.ip().is_loopback(),
        SocketAddr::V6(a) => a.ip().is_loopback() || a.ip().to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

async fn sleep_until(deadline: Option<std::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

/// Writes and clears `out`; false if the socket failed.
async fn flush(srv: &Server, sock: &mut TcpStream, out: &mut BytesMut) -> bool {
    if out.is_empty() {
        return true;
    }
    if sock.write_all(out).await.is_err() {
        return false;
    }
    srv.net_output_bytes.fetch_add(out.len() as u64, Ordering::Relaxed);
    out.clear();
    if out.capacity() > 1 << 20 {
        *out = BytesMut::with_capacity(READ_CHUNK);
    }
    true
}

/// Writes an out-of-band message and whatever else is already queued.
async fn push_out(
    srv: &Server,
    sock: &mut TcpStream,
    first: ConnMsg,
    rx: &mut mpsc::UnboundedReceiver<ConnMsg>,
    out: &crate::client::OutBuf,
) -> bool {
    let mut buf = BytesMut::new();
    let mut kill = false;
    let mut next = Some(first);
    while let Some(m) = next {
        match m {
            ConnMsg::Push(b) => buf.put_slice(&b),
            ConnMsg::Kill => {
                kill = true;
                break;
            }
            // Only sent to a parked client, whose loop handles it before this.
            ConnMsg::Unblocked(b) => buf.put_slice(&b),
        }
        if buf.len() > 1 << 20 {
            break;
        }
        next = rx.try_recv().ok();
    }
    if !buf.is_empty() {
        tokio::select! {
            r = sock.write_all(&buf) => {
                if r.is_err() {
                    return false;
                }
            }
            // Over its output limit while the peer is not reading: give up the write.
            _ = out.kill.notified() => return false,
        }
        srv.net_output_bytes.fetch_add(buf.len() as u64, Ordering::Relaxed);
        out.written(buf.len());
    }
    !kill
}

/// Runs every complete command in `inbuf` under one lock. Returns false when
/// the connection must close (protocol error, query buffer limit).
fn run_batch(
    srv: &Server,
    client: &mut Client,
    parser: &mut Parser,
    args: &mut Vec<bytes::Bytes>,
    inbuf: &mut BytesMut,
    out: &mut BytesMut,
) -> bool {
    let mut sh = srv.shared.lock();
    let mut limits =
        Limits { max_bulk_len: sh.config.proto_max_bulk_len as usize, authenticated: client.authenticated };
    let mut keep = true;
    loop {
        match parser.next_into(inbuf, &limits, args) {
            Ok(true) => {
                dispatch::process(srv, &mut sh, client, args, out);
                limits.authenticated = client.authenticated;
                if client.close_after_reply || client.blocked {
                    break;
                }
            }
            Ok(false) => break,
            Err(e) => {
                let text = e.reply_text();
                sh.stats.count_error("ERR");
                out.put_u8(b'-');
                out.put_slice(text.as_bytes());
                out.put_slice(b"\r\n");
                srv.logger.verbose(&format!("{} from client: id={} addr={}", text, client.id, client.addr));
                keep = false;
                break;
            }
        }
    }
    if keep && inbuf.len() as u64 > sh.config.client_query_buffer_limit {
        sh.stats.query_limit_disconnections += 1;
        srv.logger.warning(&format!(
            "Closing client that reached max query buffer length: id={} addr={} qbuf={}",
            client.id,
            client.addr,
            inbuf.len()
        ));
        keep = false;
    }
    let now = sh.ks.now_ms;
    if let Some(info) = sh.clients.map.get_mut(&client.id) {
        info.refresh(client, now, inbuf.len());
    }
    // Before any reply of this batch leaves: the AOF has its writes.
    crate::persist::flush(srv, &mut sh);
    keep
}
