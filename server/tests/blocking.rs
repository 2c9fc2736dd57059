//! Blocking list commands: timeouts, wake-ups by pushes from other clients and
//! from MULTI/EXEC, FIFO service, BLMOVE chains, CLIENT UNBLOCK, disconnects.
//! Expected bytes come from Redis 7.0.15 (the same scenarios were replayed
//! against it); run with REAL_REDIS_PORT to check them there.

mod common;
use std::time::{Duration, Instant};

use common::{encode, Raw, Target};

fn ms(n: u64) {
    std::thread::sleep(Duration::from_millis(n));
}

/// Sends a command without waiting for its reply.
fn send(r: &mut Raw, args: &[&str]) {
    r.send(&encode(args));
}

/// True when nothing arrives within `wait` (the client is still blocked).
fn silent(t: &Target, r: &mut Raw, wait: u64) -> bool {
    let _ = t;
    r.w.set_read_timeout(Some(Duration::from_millis(wait))).unwrap();
    let mut b = [0u8; 1];
    let quiet = std::io::Read::read(r.r.get_mut(), &mut b).is_err();
    r.w.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    quiet
}

#[test]
fn timeout_replies_null_in_both_protocols() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let started = Instant::now();
    assert_eq!(r.cmd(&["BLPOP", "nokey", "0.2"]), "*-1\r\n");
    assert!(started.elapsed() >= Duration::from_millis(180));
    // Redis answers every list timeout with a null array, BRPOPLPUSH included...
    assert_eq!(r.cmd(&["BRPOPLPUSH", "nokey", "d", "0.05"]), "*-1\r\n");
    assert_eq!(r.cmd(&["BLMPOP", "0.05", "1", "nokey", "LEFT"]), "*-1\r\n");
    r.cmd(&["HELLO", "3"]);
    assert_eq!(r.cmd(&["BLPOP", "nokey", "0.05"]), "_\r\n");
    assert_eq!(r.cmd(&["BLMOVE", "nokey", "d", "LEFT", "RIGHT", "0.05"]), "_\r\n");
}

#[test]
fn argument_errors() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    r.cmd(&["SET", "s", "x"]);
    assert_eq!(r.cmd(&["BLPOP", "l", "abc"]), "-ERR timeout is not a float or out of range\r\n");
    assert_eq!(r.cmd(&["BLPOP", "l", "-1"]), "-ERR timeout is negative\r\n");
    assert_eq!(r.cmd(&["BLPOP", "s", "1"]), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    assert_eq!(r.cmd(&["BLMPOP", "0.01", "0", "a", "LEFT"]), "-ERR numkeys should be greater than 0\r\n");
    assert_eq!(r.cmd(&["BLMPOP", "0.01", "1", "a", "MIDDLE"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["BLMOVE", "a", "d", "UP", "RIGHT", "0.01"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["CLIENT", "UNBLOCK", "1", "FOO"]), "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n");
    assert_eq!(r.cmd(&["CLIENT", "UNBLOCK", "99999"]), ":0\r\n");
}

#[test]
fn brpop_wakes_on_a_push_to_any_of_three_lists() {
    let t = Target::start(&[]);
    let (mut w, mut c) = (t.raw(), t.raw());
    send(&mut w, &["BRPOP", "list1", "list2", "list3", "0"]);
    assert!(silent(&t, &mut w, 100));
    assert_eq!(c.cmd(&["RPUSH", "list2", "a", "b"]), ":2\r\n");
    assert_eq!(w.read_reply(), "*2\r\n$5\r\nlist2\r\n$1\r\nb\r\n");
    assert_eq!(c.cmd(&["LRANGE", "list2", "0", "-1"]), "*1\r\n$1\r\na\r\n");
}

#[test]
fn waiters_are_served_first_come_first_served() {
    let t = Target::start(&[]);
    let mut c = t.raw();
    let mut waiters: Vec<Raw> = (0..3).map(|_| t.raw()).collect();
    for w in waiters.iter_mut() {
        send(w, &["BLPOP", "q", "0"]);
        ms(50);
    }
    assert_eq!(c.cmd(&["RPUSH", "q", "1", "2"]), ":2\r\n");
    assert_eq!(waiters[0].read_reply(), "*2\r\n$1\r\nq\r\n$1\r\n1\r\n");
    assert_eq!(waiters[1].read_reply(), "*2\r\n$1\r\nq\r\n$1\r\n2\r\n");
    assert!(silent(&t, &mut waiters[2], 100), "third waiter served without an element");
    assert_eq!(c.cmd(&["RPUSH", "q", "3"]), ":1\r\n");
    assert_eq!(waiters[2].read_reply(), "*2\r\n$1\r\nq\r\n$1\r\n3\r\n");
    assert_eq!(c.cmd(&["EXISTS", "q"]), ":0\r\n");
}

#[test]
fn exec_is_atomic_and_wakes_waiters_after_it() {
    let t = Target::start(&[]);
    let (mut w, mut c) = (t.raw(), t.raw());
    send(&mut w, &["BLPOP", "k", "0"]);
    ms(50);
    assert_eq!(c.cmd(&["MULTI"]), "+OK\r\n");
    assert_eq!(c.cmd(&["LPUSH", "k", "a"]), "+QUEUED\r\n");
    assert_eq!(c.cmd(&["LLEN", "k"]), "+QUEUED\r\n");
    // The waiter is not served between the push and LLEN.
    assert_eq!(c.cmd(&["EXEC"]), "*2\r\n:1\r\n:1\r\n");
    assert_eq!(w.read_reply(), "*2\r\n$1\r\nk\r\n$1\r\na\r\n");
    // Inside MULTI a blocking command does not block.
    assert_eq!(c.cmd(&["MULTI"]), "+OK\r\n");
    assert_eq!(c.cmd(&["BLPOP", "nokey", "0"]), "+QUEUED\r\n");
    assert_eq!(c.cmd(&["EXEC"]), "*1\r\n*-1\r\n");
    // ...but inside MULTI, BRPOPLPUSH answers like RPOPLPUSH: a null bulk.
    assert_eq!(c.cmd(&["MULTI"]), "+OK\r\n");
    assert_eq!(c.cmd(&["BRPOPLPUSH", "nokey", "d", "0"]), "+QUEUED\r\n");
    assert_eq!(c.cmd(&["EXEC"]), "*1\r\n$-1\r\n");
}

#[test]
fn blmove_chain_and_commands_queued_behind_a_blocked_one() {
    let t = Target::start(&[]);
    let (mut a, mut b, mut c) = (t.raw(), t.raw(), t.raw());
    send(&mut a, &["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"]);
    ms(50);
    // B's PING waits behind its BLPOP, as Redis buffers a blocked client's input.
    b.send(&[encode(&["BLPOP", "dst", "0"]), encode(&["PING"])].concat());
    ms(50);
    assert!(silent(&t, &mut b, 50));
    assert_eq!(c.cmd(&["RPUSH", "src", "x"]), ":1\r\n");
    assert_eq!(a.read_reply(), "$1\r\nx\r\n");
    assert_eq!(b.read_reply(), "*2\r\n$3\r\ndst\r\n$1\r\nx\r\n");
    assert_eq!(b.read_reply(), "+PONG\r\n");
    assert_eq!(c.cmd(&["EXISTS", "src", "dst"]), ":0\r\n");
}

#[test]
fn a_key_of_another_type_does_not_end_the_wait() {
    let t = Target::start(&[]);
    let (mut w, mut c) = (t.raw(), t.raw());
    send(&mut w, &["BLPOP", "k", "0"]);
    ms(50);
    assert_eq!(c.cmd(&["SET", "k", "x"]), "+OK\r\n");
    assert!(silent(&t, &mut w, 100));
    c.cmd(&["DEL", "k"]);
    assert_eq!(c.cmd(&["RPUSH", "k", "a"]), ":1\r\n");
    assert_eq!(w.read_reply(), "*2\r\n$1\r\nk\r\n$1\r\na\r\n");
}

#[test]
fn client_unblock_and_disconnected_waiters() {
    let t = Target::start(&[]);
    let (mut w, mut c) = (t.raw(), t.raw());
    let id = w.cmd(&["CLIENT", "ID"]).trim().trim_start_matches(':').to_string();
    send(&mut w, &["BLPOP", "k", "0"]);
    ms(50);
    assert!(c.cmd(&["INFO", "clients"]).contains("blocked_clients:1\r\n"));
    assert_eq!(c.cmd(&["CLIENT", "UNBLOCK", &id]), ":1\r\n");
    assert_eq!(w.read_reply(), "*-1\r\n");
    send(&mut w, &["BLPOP", "k", "0"]);
    ms(50);
    assert_eq!(c.cmd(&["CLIENT", "UNBLOCK", &id, "ERROR"]), ":1\r\n");
    assert_eq!(w.read_reply(), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    assert_eq!(c.cmd(&["CLIENT", "UNBLOCK", &id]), ":0\r\n");
    // A waiter that hung up must not swallow an element.
    send(&mut w, &["BLPOP", "k", "0"]);
    ms(50);
    drop(w);
    ms(100);
    assert_eq!(c.cmd(&["RPUSH", "k", "kept"]), ":1\r\n");
    assert_eq!(c.cmd(&["LLEN", "k"]), ":1\r\n");
    assert!(c.cmd(&["INFO", "clients"]).contains("blocked_clients:0\r\n"));
}

#[test]
fn sorted_set_blocking_pops() {
    let t = Target::start(&[]);
    let (mut w, mut c) = (t.raw(), t.raw());
    assert_eq!(w.cmd(&["BZPOPMIN", "nozset", "0.05"]), "*-1\r\n");
    assert_eq!(w.cmd(&["BZMPOP", "0.05", "1", "nozset", "MIN"]), "*-1\r\n");
    assert_eq!(w.cmd(&["BZMPOP", "0.05", "0", "z", "MIN"]), "-ERR numkeys should be greater than 0\r\n");
    c.cmd(&["SET", "str", "x"]);
    assert_eq!(
        w.cmd(&["BZPOPMAX", "str", "0"]),
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    send(&mut w, &["BZPOPMIN", "z1", "z2", "0"]);
    assert!(silent(&t, &mut w, 100));
    assert_eq!(c.cmd(&["ZADD", "z2", "2", "b", "1", "a"]), ":2\r\n");
    assert_eq!(w.read_reply(), "*3\r\n$2\r\nz2\r\n$1\r\na\r\n$1\r\n1\r\n");
    send(&mut w, &["BZMPOP", "0", "2", "z1", "z2", "MAX", "COUNT", "5"]);
    assert_eq!(w.read_reply(), "*2\r\n$2\r\nz2\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
    assert_eq!(c.cmd(&["EXISTS", "z2"]), ":0\r\n");
    w.cmd(&["HELLO", "3"]);
    send(&mut w, &["BZPOPMAX", "z1", "0"]);
    ms(50);
    c.cmd(&["ZADD", "z1", "1.5", "m"]);
    assert_eq!(w.read_reply(), "*3\r\n$2\r\nz1\r\n$1\r\nm\r\n,1.5\r\n");
}
