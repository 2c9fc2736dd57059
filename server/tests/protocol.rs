//! Protocol edge cases over a raw socket: malformed RESP, oversized headers,
//! inline commands, pipelining, big values. Expected bytes come from Redis 7.0.
//! After every bad input the server must still serve a second client whose
//! data is intact.

mod common;
use std::io::{Read, Write};
use std::time::Duration;

use common::{encode, TestServer};

/// Sends `input` on a fresh connection; returns everything received until
/// the server closes (or a short timeout) and whether it closed.
fn exchange(s: &TestServer, input: &[u8]) -> (String, bool) {
    let mut sock = std::net::TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    sock.write_all(input).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = loop {
        match sock.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(_) => break false,
        }
    };
    (String::from_utf8_lossy(&out).into_owned(), closed)
}

#[test]
fn malformed_input_gets_protocol_error_and_close() {
    let s = TestServer::start();
    // A bystander with data, connected the whole time.
    let mut other = s.raw();
    assert_eq!(other.cmd(&["SET", "keep", "me"]), "+OK\r\n");
    let cases: &[(&[u8], &str)] = &[
        (b"*1\r\n+x\r\n", "-ERR Protocol error: expected '$', got '+'\r\n"),
        (b"*99999999999\r\n", "-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*3000000000\r\n", "-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*1\r\n$999999999999\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
        (b"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
        (b"*2\r\n$4\r\nECHO\r\n$a\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
        (b"ECHO \"a b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"),
        (b"ECHO \"a\"b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"),
        // Complete commands before the bad frame still run.
        (b"PING\r\n*1\r\n+x\r\n", "+PONG\r\n-ERR Protocol error: expected '$', got '+'\r\n"),
    ];
    for (input, want) in cases {
        let (got, closed) = exchange(&s, input);
        assert_eq!(&got, want, "input {:?}", String::from_utf8_lossy(input));
        assert!(closed, "connection not closed after {:?}", String::from_utf8_lossy(input));
    }
    let big_inline = vec![b'a'; 70 * 1024];
    let (got, closed) = exchange(&s, &big_inline);
    assert_eq!(got, "-ERR Protocol error: too big inline request\r\n");
    assert!(closed);
    let mut big_count = b"*".to_vec();
    big_count.extend(vec![b'1'; 70 * 1024]);
    let (got, closed) = exchange(&s, &big_count);
    assert_eq!(got, "-ERR Protocol error: too big mbulk count string\r\n");
    assert!(closed);

    // The bystander is unaffected.
    assert_eq!(other.cmd(&["GET", "keep"]), "$2\r\nme\r\n");
    assert_eq!(other.cmd(&["PING"]), "+PONG\r\n");
}

#[test]
fn empty_and_inline_requests() {
    let s = TestServer::start();
    let (got, closed) = exchange(&s, b"*-1\r\n*0\r\n\r\n\r\nPING\r\necho \"a\\x41 b\"\r\n");
    assert_eq!(got, "+PONG\r\n$4\r\naA b\r\n");
    assert!(!closed);
    // The two bytes after a bulk are skipped, not checked, as in Redis.
    let (got, _) = exchange(&s, b"*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n");
    assert_eq!(got, "+PONG\r\n+PONG\r\n");
}

#[test]
fn pipelining_many_commands_in_one_write() {
    let s = TestServer::start();
    let mut r = s.raw();
    let mut batch = Vec::new();
    for i in 0..2000 {
        batch.extend(encode(&["SET", &format!("k{i}"), &format!("v{i}")]));
        batch.extend(encode(&["GET", &format!("k{i}")]));
    }
    r.send(&batch);
    for i in 0..2000 {
        assert_eq!(r.read_reply(), "+OK\r\n");
        let v = format!("v{i}");
        assert_eq!(r.read_reply(), format!("${}\r\n{}\r\n", v.len(), v));
    }
}

#[test]
fn request_split_byte_by_byte() {
    let s = TestServer::start();
    let mut r = s.raw();
    for b in encode(&["SET", "split", "value"]) {
        r.send(&[b]);
        std::thread::sleep(Duration::from_micros(200));
    }
    assert_eq!(r.read_reply(), "+OK\r\n");
    assert_eq!(r.cmd(&["GET", "split"]), "$5\r\nvalue\r\n");
}

#[test]
fn big_values_round_trip() {
    let s = TestServer::start();
    let mut c = s.conn();
    let big: Vec<u8> = (0..(20 << 20)).map(|i| (i % 251) as u8).collect();
    let _: () = redis::cmd("SET").arg("big").arg(&big).query(&mut c).unwrap();
    let got: Vec<u8> = redis::cmd("GET").arg("big").query(&mut c).unwrap();
    assert!(got == big, "20 MB value changed on the way");
}

#[test]
fn proto_max_bulk_len_is_enforced() {
    let s = TestServer::start_with(&["--proto-max-bulk-len", "1mb"]);
    let (got, closed) = exchange(&s, b"*2\r\n$3\r\nGET\r\n$2000000\r\n");
    assert_eq!(got, "-ERR Protocol error: invalid bulk length\r\n");
    assert!(closed);
    let mut r = s.raw();
    assert_eq!(r.cmd(&["PING"]), "+PONG\r\n");
}

#[test]
fn query_buffer_limit_closes_only_that_client() {
    let s = TestServer::start_with(&["--client-query-buffer-limit", "1mb"]);
    let mut other = s.raw();
    let mut sock = std::net::TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // A 3 MB bulk is legal for proto-max-bulk-len but over the query buffer limit.
    let _ = sock.write_all(b"*2\r\n$4\r\nECHO\r\n$3000000\r\n");
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..48 {
        if sock.write_all(&chunk).is_err() {
            break;
        }
    }
    let mut buf = [0u8; 16];
    let closed = matches!(sock.read(&mut buf), Ok(0) | Err(_));
    assert!(closed, "client over the query buffer limit was not disconnected");
    assert_eq!(other.cmd(&["PING"]), "+PONG\r\n");
}

#[test]
fn unauthenticated_clients_get_small_limits() {
    let s = TestServer::start_with(&["--requirepass", "pw"]);
    let (got, closed) = exchange(&s, b"*11\r\n");
    assert_eq!(got, "-ERR Protocol error: unauthenticated multibulk length\r\n");
    assert!(closed);
    let (got, closed) = exchange(&s, b"*2\r\n$4\r\nAUTH\r\n$20000\r\n");
    assert_eq!(got, "-ERR Protocol error: unauthenticated bulk length\r\n");
    assert!(closed);
}

#[test]
fn resp3_shapes() {
    let s = TestServer::start();
    let mut r = s.raw();
    assert!(r.cmd(&["HELLO", "3"]).starts_with("%7\r\n"));
    assert_eq!(r.cmd(&["GET", "missing"]), "_\r\n");
    assert_eq!(r.cmd(&["CLIENT", "GETNAME"]), "_\r\n");
    assert!(r.cmd(&["CLIENT", "INFO"]).starts_with('='));
    assert!(r.cmd(&["HELLO", "2"]).starts_with("*14\r\n"));
    assert_eq!(r.cmd(&["GET", "missing"]), "$-1\r\n");
}

#[test]
fn multi_threaded_io_keeps_counters_exact() {
    // io-threads > 1 runs connections on several workers sharing the one
    // keyspace lock: concurrent INCRs from many clients must all count.
    let s = TestServer::start_with(&["--io-threads", "2"]);
    let port = s.port;
    let handles: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(move || {
                let mut c =
                    redis::Client::open(format!("redis://127.0.0.1:{port}/")).unwrap().get_connection().unwrap();
                for _ in 0..50 {
                    let mut p = redis::pipe();
                    for _ in 0..20 {
                        p.cmd("INCR").arg("counter").ignore();
                    }
                    let _: () = p.query(&mut c).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let mut r = s.raw();
    assert_eq!(r.cmd(&["GET", "counter"]), "$4\r\n8000\r\n");
}
