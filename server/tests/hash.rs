//! Hash commands against the real binary: the HSET/HGET/HGETALL/HMGET/HINCRBY
//! walkthroughs, every error text, encodings and their thresholds, HSCAN and
//! HRANDFIELD, keyspace events; then per-field expiration (HEXPIRE family,
//! HTTL family, HPERSIST), field expiry in real time with the key deleted
//! when its last field expires, and Redis 8's HGETDEL, HGETEX and HSETEX.
//!
//! Expected replies for the Redis 7.0 commands were taken from Redis 7.0.15;
//! replay them with `REAL_REDIS_PORT=6379 cargo test --test hash --
//! --test-threads=1` (a scratch instance: it gets FLUSHALLed). Field TTLs and
//! the Redis 8 commands are not in 7.0: those tests follow the Redis 8 docs
//! and t_hash.c, and are skipped against a real 7.0.

mod common;
use common::{bulk, int, read_events, subscribe_events, OK};

use std::time::{Duration, Instant};

use common::{Raw, Target};

fn arr(items: &[String]) -> String {
    format!("*{}\r\n{}", items.len(), items.concat())
}

fn bulks(items: &[&str]) -> String {
    arr(&items.iter().map(|s| bulk(s)).collect::<Vec<_>>())
}

fn ints(items: &[i64]) -> String {
    arr(&items.iter().map(|n| int(*n)).collect::<Vec<_>>())
}

const NIL: &str = "$-1\r\n";
const EMPTY: &str = "*0\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const NOT_FLOAT: &str = "-ERR value is not a valid float\r\n";
const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const FIELDS_POS: &str = "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n";
const NUMFIELDS: &str = "-ERR Number of fields must be a positive integer\r\n";
const MISMATCH: &str = "-ERR The `numfields` parameter must match the number of arguments\r\n";

fn arity(cmd: &str) -> String {
    format!("-ERR wrong number of arguments for '{cmd}' command\r\n")
}

/// Checks each (command, expected reply) in order.
fn check(r: &mut Raw, script: &[(&[&str], &str)]) {
    for (cmd, want) in script {
        assert_eq!(r.cmd(cmd), *want, "{cmd:?}");
    }
}

/// Parses an integer reply.
fn num(reply: &str) -> i64 {
    reply.trim_start_matches(':').trim().parse().unwrap_or_else(|_| panic!("not an integer: {reply:?}"))
}

/// Parses an array of integers.
fn int_array(reply: &str) -> Vec<i64> {
    reply.split("\r\n").skip(1).filter(|l| l.starts_with(':')).map(num).collect()
}

#[test]
fn hset_hget_hgetall_hmget_walkthrough() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["HSET", "myhash", "field1", "Hello"], &int(1)),
            (&["HGET", "myhash", "field1"], &bulk("Hello")),
            (&["HSET", "myhash", "field2", "Hi", "field3", "World"], &int(2)),
            (&["HGET", "myhash", "field2"], &bulk("Hi")),
            (&["HGET", "myhash", "field3"], &bulk("World")),
            (&["HGETALL", "myhash"], &bulks(&["field1", "Hello", "field2", "Hi", "field3", "World"])),
            (&["HMGET", "myhash", "field1", "field2", "nofield"], &arr(&[bulk("Hello"), bulk("Hi"), NIL.into()])),
            (&["HGET", "myhash", "nofield"], NIL),
            (&["HSET", "myhash", "field1", "Bonjour"], &int(0)),
            (&["HGET", "myhash", "field1"], &bulk("Bonjour")),
            (&["HLEN", "myhash"], &int(3)),
            (&["HKEYS", "myhash"], &bulks(&["field1", "field2", "field3"])),
            (&["HVALS", "myhash"], &bulks(&["Bonjour", "Hi", "World"])),
            (&["HEXISTS", "myhash", "field2"], &int(1)),
            (&["HEXISTS", "myhash", "nofield"], &int(0)),
            (&["HSTRLEN", "myhash", "field1"], &int(7)),
            (&["HSTRLEN", "myhash", "nofield"], &int(0)),
            (&["HSETNX", "myhash", "field1", "x"], &int(0)),
            (&["HSETNX", "myhash", "field4", "x"], &int(1)),
            (&["HMSET", "myhash", "field5", "5", "field6", "6"], OK),
            (&["HDEL", "myhash", "field4", "field5", "field6", "nofield"], &int(3)),
            (&["HDEL", "myhash", "nofield"], &int(0)),
            // The redis.io bike walkthrough.
            (
                &["HSET", "bike:1", "model", "Deimos", "brand", "Ergonom", "type", "Enduro bikes", "price", "4972"],
                &int(4),
            ),
            (&["HGET", "bike:1", "model"], &bulk("Deimos")),
            (&["HGET", "bike:1", "price"], &bulk("4972")),
            (
                &["HGETALL", "bike:1"],
                &bulks(&["model", "Deimos", "brand", "Ergonom", "type", "Enduro bikes", "price", "4972"]),
            ),
            (
                &["HMGET", "bike:1", "model", "price", "no-such-field"],
                &arr(&[bulk("Deimos"), bulk("4972"), NIL.into()]),
            ),
            (&["HINCRBY", "bike:1", "price", "100"], &int(5072)),
            (&["HINCRBY", "bike:1", "price", "-100"], &int(4972)),
            (&["HGETALL", "nokey"], EMPTY),
            (&["HKEYS", "nokey"], EMPTY),
            (&["HMGET", "nokey", "a", "b"], &arr(&[NIL.into(), NIL.into()])),
            (&["HLEN", "nokey"], &int(0)),
        ],
    );
}

#[test]
fn hincrby_counters() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["HSET", "myhash", "field", "5"], &int(1)),
            (&["HINCRBY", "myhash", "field", "1"], &int(6)),
            (&["HINCRBY", "myhash", "field", "-1"], &int(5)),
            (&["HINCRBY", "myhash", "field", "-10"], &int(-5)),
            (&["HINCRBY", "bike:1:stats", "rides", "1"], &int(1)),
            (&["HINCRBY", "bike:1:stats", "rides", "1"], &int(2)),
            (&["HINCRBY", "bike:1:stats", "rides", "1"], &int(3)),
            (&["HINCRBY", "bike:1:stats", "crashes", "1"], &int(1)),
            (&["HINCRBY", "bike:1:stats", "owners", "1"], &int(1)),
            (&["HGET", "bike:1:stats", "rides"], &bulk("3")),
            (&["HMGET", "bike:1:stats", "owners", "crashes"], &bulks(&["1", "1"])),
            (&["HINCRBY", "c", "n", "9223372036854775806"], &int(9223372036854775806)),
            (&["HINCRBY", "c", "n", "1"], &int(i64::MAX)),
            (&["HINCRBY", "c", "n", "1"], "-ERR increment or decrement would overflow\r\n"),
            (&["HINCRBY", "c", "n", "abc"], NOT_INT),
            (&["HINCRBY", "c", "n", "1.5"], NOT_INT),
            (&["HSET", "c", "s", "abc", "lead", "01"], &int(2)),
            (&["HINCRBY", "c", "s", "1"], "-ERR hash value is not an integer\r\n"),
            (&["HINCRBY", "c", "lead", "1"], "-ERR hash value is not an integer\r\n"),
            (&["HINCRBYFLOAT", "f", "x", "10.50"], &bulk("10.5")),
            (&["HINCRBYFLOAT", "f", "x", "0.1"], &bulk("10.6")),
            (&["HINCRBYFLOAT", "f", "x", "-5.0e3"], &bulk("-4989.39999999999999991")),
            (&["HSET", "f", "y", "5.0e3"], &int(1)),
            (&["HINCRBYFLOAT", "f", "y", "2.0e2"], &bulk("5200")),
            (&["HINCRBYFLOAT", "f", "x", "inf"], "-ERR value is NaN or Infinity\r\n"),
            (&["HINCRBYFLOAT", "f", "x", "abc"], NOT_FLOAT),
            (&["HINCRBYFLOAT", "f", "x", "1e5000"], NOT_FLOAT),
            (&["HINCRBYFLOAT", "c", "s", "1"], "-ERR hash value is not a float\r\n"),
            (&["HINCRBYFLOAT", "f", "z", "3.0e3"], &bulk("3000")),
            (&["HINCRBYFLOAT", "c", "n", "1"], &bulk("9223372036854775808")),
            (&["HGET", "c", "n"], &bulk("9223372036854775808")),
        ],
    );
}

#[test]
fn errors_and_wrong_types() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["SET", "s", "x"], OK),
            (&["HSET", "h", "a"], &arity("hset")),
            (&["HSET", "h", "a", "1", "b"], &arity("hset")),
            (&["HMSET", "h", "a", "1", "b"], &arity("hmset")),
            (&["HGET", "h"], &arity("hget")),
            (&["HDEL", "h"], &arity("hdel")),
            (&["HSETNX", "h", "a"], &arity("hsetnx")),
            (&["HSET", "s", "a", "1"], WRONGTYPE),
            (&["HMSET", "s", "a", "1"], WRONGTYPE),
            (&["HSETNX", "s", "a", "1"], WRONGTYPE),
            (&["HGET", "s", "a"], WRONGTYPE),
            (&["HMGET", "s", "a"], WRONGTYPE),
            (&["HGETALL", "s"], WRONGTYPE),
            (&["HKEYS", "s"], WRONGTYPE),
            (&["HVALS", "s"], WRONGTYPE),
            (&["HLEN", "s"], WRONGTYPE),
            (&["HEXISTS", "s", "a"], WRONGTYPE),
            (&["HSTRLEN", "s", "a"], WRONGTYPE),
            (&["HDEL", "s", "a"], WRONGTYPE),
            (&["HINCRBY", "s", "a", "1"], WRONGTYPE),
            (&["HINCRBYFLOAT", "s", "a", "1"], WRONGTYPE),
            // Argument errors come before the type check.
            (&["HINCRBY", "s", "a", "x"], NOT_INT),
            (&["HINCRBYFLOAT", "s", "a", "inf"], "-ERR value is NaN or Infinity\r\n"),
            (&["HRANDFIELD", "s"], WRONGTYPE),
            (&["HRANDFIELD", "s", "1"], WRONGTYPE),
            (&["HRANDFIELD", "s", "abc"], NOT_INT),
            (&["HRANDFIELD", "s", "1", "foo"], SYNTAX),
            (&["HSCAN", "s", "0"], WRONGTYPE),
            (&["HSCAN", "s", "abc"], "-ERR invalid cursor\r\n"),
            (&["GET", "s"], &bulk("x")),
        ],
    );
}

#[test]
fn encodings_follow_the_listpack_thresholds() {
    let t = Target::start(&["--hash-max-listpack-entries", "4", "--hash-max-listpack-value", "8"]);
    let mut r = t.raw();
    let enc = |r: &mut Raw, k: &str| r.cmd(&["OBJECT", "ENCODING", k]);
    r.cmd(&["HSET", "small", "a", "1", "b", "2", "c", "3", "d", "4"]);
    assert_eq!(enc(&mut r, "small"), bulk("listpack"));
    r.cmd(&["HSET", "small", "e", "5"]);
    assert_eq!(enc(&mut r, "small"), bulk("hashtable"));
    r.cmd(&["HSET", "long", "a", "12345678"]);
    assert_eq!(enc(&mut r, "long"), bulk("listpack"));
    r.cmd(&["HSET", "long", "a", "123456789"]);
    assert_eq!(enc(&mut r, "long"), bulk("hashtable"));
    r.cmd(&["HSET", "longfield", "123456789", "a"]);
    assert_eq!(enc(&mut r, "longfield"), bulk("hashtable"));
    // Never back to listpack, even when small again.
    r.cmd(&["HDEL", "small", "a", "b", "c", "d"]);
    assert_eq!(enc(&mut r, "small"), bulk("hashtable"));
    assert_eq!(r.cmd(&["HGETALL", "small"]), bulks(&["e", "5"]));
    assert_eq!(r.cmd(&["TYPE", "small"]), "+hash\r\n");
    // The old ziplist names are aliases.
    assert_eq!(r.cmd(&["CONFIG", "GET", "hash-max-listpack-entries"]), bulks(&["hash-max-listpack-entries", "4"]));
    assert_eq!(r.cmd(&["CONFIG", "SET", "hash-max-ziplist-entries", "128"]), OK);
    assert_eq!(r.cmd(&["CONFIG", "GET", "hash-max-listpack-entries"]), bulks(&["hash-max-listpack-entries", "128"]));
    assert_eq!(r.cmd(&["CONFIG", "SET", "hash-max-listpack-value", "64"]), OK);
    r.cmd(&["HSET", "big", "f", &"x".repeat(64)]);
    assert_eq!(enc(&mut r, "big"), bulk("listpack"));
}

#[test]
fn hdel_removes_the_empty_key() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["HSET", "h", "a", "1", "b", "2"], &int(2)),
            (&["HDEL", "h", "a"], &int(1)),
            (&["EXISTS", "h"], &int(1)),
            (&["HDEL", "h", "b", "a"], &int(1)),
            (&["EXISTS", "h"], &int(0)),
            (&["TYPE", "h"], "+none\r\n"),
            (&["HDEL", "h", "b"], &int(0)),
        ],
    );
}

#[test]
fn hscan_and_hrandfield() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["HSCAN", "nokey", "0", "COUNT", "0"], &arr(&[bulk("0"), EMPTY.into()])),
            (&["HSET", "h", "a", "1", "b", "2", "xa", "3"], &int(3)),
            (&["HSCAN", "h", "0"], &arr(&[bulk("0"), bulks(&["a", "1", "b", "2", "xa", "3"])])),
            (&["HSCAN", "h", "0", "MATCH", "*a"], &arr(&[bulk("0"), bulks(&["a", "1", "xa", "3"])])),
            (&["HSCAN", "h", "0", "COUNT", "0"], SYNTAX),
            (&["HSCAN", "h", "0", "COUNT", "x"], NOT_INT),
            (&["HSCAN", "h", "0", "FOO"], SYNTAX),
            (&["HSCAN", "h", "0", "MATCH"], SYNTAX),
            (&["HRANDFIELD", "nokey"], NIL),
            (&["HRANDFIELD", "nokey", "5"], EMPTY),
            (&["HRANDFIELD", "h", "0"], EMPTY),
            (&["HRANDFIELD", "h", "5"], &bulks(&["a", "b", "xa"])),
            (&["HRANDFIELD", "h", "5", "WITHVALUES"], &bulks(&["a", "1", "b", "2", "xa", "3"])),
            (&["HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"], "-ERR value is out of range\r\n"),
            (
                &["HRANDFIELD", "h", "-9223372036854775808"],
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            ),
        ],
    );
    // Negative counts repeat, positive counts never do.
    let reply = r.cmd(&["HRANDFIELD", "h", "-20"]);
    assert!(reply.starts_with("*20\r\n"), "{reply:?}");
    let reply = r.cmd(&["HRANDFIELD", "h", "-4", "WITHVALUES"]);
    assert!(reply.starts_with("*8\r\n"), "{reply:?}");
    let reply = r.cmd(&["HRANDFIELD", "h", "2"]);
    let fields: Vec<&str> = reply.split("\r\n").skip(1).step_by(2).collect();
    assert!(reply.starts_with("*2\r\n"), "{reply:?}");
    assert_ne!(reply.split("\r\n").nth(2), reply.split("\r\n").nth(4), "{fields:?}");
    let one = r.cmd(&["HRANDFIELD", "h"]);
    assert!([bulk("a"), bulk("b"), bulk("xa")].contains(&one), "{one:?}");

    // A big (hashtable) hash: a full cursor walk sees every field once.
    let mut args: Vec<String> = vec!["HSET".into(), "big".into()];
    for i in 0..1000 {
        args.push(format!("f{i}"));
        args.push(i.to_string());
    }
    let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    assert_eq!(r.cmd(&refs), int(1000));
    let mut seen = std::collections::HashSet::new();
    let mut cursor = "0".to_string();
    loop {
        let reply = r.cmd(&["HSCAN", "big", &cursor, "COUNT", "50"]);
        let lines: Vec<&str> = reply.split("\r\n").collect();
        cursor = lines[2].to_string();
        for f in lines[5..].iter().step_by(4) {
            if !f.is_empty() {
                seen.insert(f.to_string());
            }
        }
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 1000);
    let reply = r.cmd(&["HRANDFIELD", "big", "10"]);
    let picked: std::collections::HashSet<&str> =
        reply.split("\r\n").skip(2).step_by(2).filter(|s| !s.is_empty()).collect();
    assert_eq!(picked.len(), 10, "{reply:?}");
    let reply = r.cmd(&["HRANDFIELD", "big", "-3000"]);
    assert!(reply.starts_with("*3000\r\n"));
}

#[test]
fn resp3_shapes() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert!(r.cmd(&["HELLO", "3"]).starts_with('%'));
    r.cmd(&["HSET", "h", "a", "1"]);
    assert_eq!(r.cmd(&["HGETALL", "h"]), "%1\r\n$1\r\na\r\n$1\r\n1\r\n");
    assert_eq!(r.cmd(&["HGETALL", "nokey"]), "%0\r\n");
    assert_eq!(r.cmd(&["HRANDFIELD", "h", "1", "WITHVALUES"]), "*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    assert_eq!(
        r.cmd(&["HRANDFIELD", "h", "-2", "WITHVALUES"]),
        "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
    );
    assert_eq!(r.cmd(&["HRANDFIELD", "nokey"]), "_\r\n");
    assert_eq!(r.cmd(&["HGET", "h", "zz"]), "_\r\n");
}

#[test]
fn keyspace_events() {
    let t = Target::start(&["--notify-keyspace-events", "KEAn"]);
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    for cmd in [
        &["HSET", "h", "a", "1"][..],
        &["HSET", "h", "a", "2"],
        &["HSETNX", "h", "a", "3"],
        &["HSETNX", "h", "b", "3"],
        &["HMSET", "h", "c", "1"],
        &["HINCRBY", "h", "c", "1"],
        &["HINCRBYFLOAT", "h", "c", "1.5"],
        &["HGET", "h", "a"],
        &["HDEL", "h", "zz"],
        &["HDEL", "h", "a", "b"],
        &["HDEL", "h", "c"],
        &["SET", "last", "1"],
    ] {
        r.cmd(cmd);
    }
    assert_eq!(
        read_events(&mut sub, 10),
        ["new:h", "hset:h", "hset:h", "hset:h", "hset:h", "hincrby:h", "hincrbyfloat:h", "hdel:h", "hdel:h", "del:h"]
    );
    assert_eq!(read_events(&mut sub, 2), ["new:last", "set:last"]);
}

#[test]
fn watch_is_invalidated_by_hash_writes_only() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    r.cmd(&["HSET", "h", "a", "1"]);
    for (write, aborted) in
        [(&["HGET", "h", "a"][..], false), (&["HDEL", "h", "zz"], false), (&["HSET", "h", "b", "1"], true)]
    {
        let mut w = t.raw();
        assert_eq!(w.cmd(&["WATCH", "h"]), OK);
        r.cmd(write);
        assert_eq!(w.cmd(&["MULTI"]), OK);
        w.cmd(&["PING"]);
        let exec = w.cmd(&["EXEC"]);
        assert_eq!(exec == "*-1\r\n", aborted, "{write:?}: {exec:?}");
    }
    if t.is_real() {
        return;
    }
    // Field TTL commands that change nothing leave WATCH alone too.
    r.cmd(&["HEXPIRE", "h", "100", "FIELDS", "1", "a"]);
    for (write, aborted) in [
        (&["HEXPIRE", "h", "100", "NX", "FIELDS", "2", "a", "zz"][..], false),
        (&["HPERSIST", "h", "FIELDS", "1", "b"], false),
        (&["HGETEX", "h", "FIELDS", "1", "a"], false),
        (&["HEXPIRE", "h", "200", "FIELDS", "1", "a"], true),
    ] {
        let mut w = t.raw();
        assert_eq!(w.cmd(&["WATCH", "h"]), OK);
        r.cmd(write);
        w.cmd(&["MULTI"]);
        let exec = w.cmd(&["EXEC"]);
        assert_eq!(exec == "*-1\r\n", aborted, "{write:?}: {exec:?}");
    }
}

// ---- field TTLs (Redis 7.4+) and the Redis 8 commands ---------------------------------

fn ours() -> Option<Target> {
    let t = Target::start(&["--notify-keyspace-events", "KEAn"]);
    if t.is_real() {
        eprintln!("skipped against Redis 7.0: hash field expiration is Redis 7.4+");
        return None;
    }
    Some(t)
}

#[test]
fn hexpire_replies_and_conditions() {
    let Some(t) = ours() else { return };
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3"], &int(3)),
            (&["HEXPIRE", "h", "100", "FIELDS", "2", "f1", "f2"], &ints(&[1, 1])),
            (&["HTTL", "h", "FIELDS", "3", "f1", "f3", "nofield"], &ints(&[100, -1, -2])),
            (&["HEXPIRE", "h", "200", "NX", "FIELDS", "2", "f1", "f3"], &ints(&[0, 1])),
            (&["HEXPIRE", "h", "300", "XX", "FIELDS", "2", "f1", "nofield"], &ints(&[1, -2])),
            (&["HEXPIRE", "h", "100", "GT", "FIELDS", "1", "f1"], &ints(&[0])),
            (&["HEXPIRE", "h", "400", "GT", "FIELDS", "1", "f1"], &ints(&[1])),
            (&["HEXPIRE", "h", "500", "LT", "FIELDS", "1", "f1"], &ints(&[0])),
            (&["HEXPIRE", "h", "50", "LT", "FIELDS", "1", "f1"], &ints(&[1])),
            (&["HTTL", "h", "FIELDS", "1", "f1"], &ints(&[50])),
            (&["HPERSIST", "h", "FIELDS", "3", "f1", "f2", "nofield"], &ints(&[1, 1, -2])),
            (&["HPERSIST", "h", "FIELDS", "2", "f1", "f1"], &ints(&[-1, -1])),
            // A field without TTL: XX and GT refuse, LT sets.
            (&["HEXPIRE", "h", "50", "XX", "FIELDS", "1", "f1"], &ints(&[0])),
            (&["HEXPIRE", "h", "50", "GT", "FIELDS", "1", "f1"], &ints(&[0])),
            (&["HEXPIRE", "h", "50", "LT", "FIELDS", "1", "f1"], &ints(&[1])),
            // Zero / past times delete the field (2); the last one takes the key.
            (&["HEXPIRE", "h", "0", "FIELDS", "1", "f1"], &ints(&[2])),
            (&["HPEXPIREAT", "h", "1", "FIELDS", "1", "f2"], &ints(&[2])),
            (&["HGETALL", "h"], &bulks(&["f3", "v3"])),
            (&["HEXPIREAT", "h", "0", "FIELDS", "2", "f3", "f3"], &ints(&[2, -2])),
            (&["EXISTS", "h"], &int(0)),
            (&["HEXPIRE", "h", "10", "FIELDS", "2", "a", "b"], &ints(&[-2, -2])),
            (&["HTTL", "h", "FIELDS", "1", "a"], &ints(&[-2])),
            (&["HPERSIST", "h", "FIELDS", "1", "a"], &ints(&[-2])),
        ],
    );
    // HPTTL / HEXPIRETIME / HPEXPIRETIME agree with the absolute time set.
    r.cmd(&["HSET", "t", "f", "v", "g", "w"]);
    let at_ms: i64 = 4_102_444_800_123; // 2100-01-01T00:00:00.123Z
    assert_eq!(r.cmd(&["HPEXPIREAT", "t", &at_ms.to_string(), "FIELDS", "1", "f"]), ints(&[1]));
    assert_eq!(r.cmd(&["HPEXPIRETIME", "t", "FIELDS", "2", "f", "g"]), ints(&[at_ms, -1]));
    assert_eq!(r.cmd(&["HEXPIRETIME", "t", "FIELDS", "1", "f"]), ints(&[at_ms / 1000 + 1]));
    let pttl = int_array(&r.cmd(&["HPTTL", "t", "FIELDS", "1", "f"]))[0];
    assert!(pttl > 0 && pttl <= at_ms, "{pttl}");
    assert_eq!(r.cmd(&["OBJECT", "ENCODING", "t"]), bulk("hashtable"));
    // HSET drops a field's TTL; HINCRBY keeps it.
    r.cmd(&["HEXPIRE", "t", "100", "FIELDS", "1", "g"]);
    assert_eq!(r.cmd(&["HINCRBY", "t", "n", "1"]), int(1));
    r.cmd(&["HEXPIRE", "t", "100", "FIELDS", "1", "n"]);
    assert_eq!(r.cmd(&["HINCRBY", "t", "n", "1"]), int(2));
    assert_eq!(r.cmd(&["HTTL", "t", "FIELDS", "1", "n"]), ints(&[100]));
    assert_eq!(r.cmd(&["HSET", "t", "n", "5"]), int(0));
    assert_eq!(r.cmd(&["HTTL", "t", "FIELDS", "2", "n", "g"]), ints(&[-1, 100]));
}

#[test]
fn field_ttl_errors() {
    let Some(t) = ours() else { return };
    let mut r = t.raw();
    r.cmd(&["SET", "s", "x"]);
    r.cmd(&["HSET", "h", "a", "1"]);
    check(
        &mut r,
        &[
            (&["HEXPIRE", "s", "10", "FIELDS", "1", "a"], WRONGTYPE),
            (&["HTTL", "s", "FIELDS", "1", "a"], WRONGTYPE),
            (&["HPERSIST", "s", "FIELDS", "1", "a"], WRONGTYPE),
            (&["HGETDEL", "s", "FIELDS", "1", "a"], WRONGTYPE),
            (&["HGETEX", "s", "FIELDS", "1", "a"], WRONGTYPE),
            (&["HSETEX", "s", "FIELDS", "1", "a", "1"], WRONGTYPE),
            // The type check comes first (lookupKeyWrite), then the arguments.
            (&["HEXPIRE", "s", "abc", "FIELDS", "1", "a"], WRONGTYPE),
            (&["HEXPIRE", "h", "abc", "FIELDS", "1", "a"], NOT_INT),
            (&["HEXPIRE", "h", "-1", "FIELDS", "1", "a"], "-ERR invalid expire time, must be >= 0\r\n"),
            (
                &["HEXPIRE", "h", "70368744177664", "FIELDS", "1", "a"],
                "-ERR invalid expire time in 'hexpire' command\r\n",
            ),
            (
                &["HPEXPIREAT", "h", "70368744177664", "FIELDS", "1", "a"],
                "-ERR invalid expire time in 'hpexpireat' command\r\n",
            ),
            (&["HEXPIRE", "h", "10", "FOO", "1", "a"], FIELDS_POS),
            (&["HEXPIRE", "h", "10", "NX", "1", "a", "b"], FIELDS_POS),
            (&["HEXPIRE", "h", "10", "FIELDS", "0", "a"], "-ERR Parameter `numFields` should be greater than 0\r\n"),
            (&["HEXPIRE", "h", "10", "FIELDS", "x", "a"], "-ERR Parameter `numFields` should be greater than 0\r\n"),
            (&["HEXPIRE", "h", "10", "FIELDS", "2", "a"], MISMATCH),
            (&["HEXPIRE", "h", "10", "FIELDS", "1", "a", "b"], MISMATCH),
            (&["HEXPIRE", "h", "10", "FIELDS", "1"], &arity("hexpire")),
            (&["HTTL", "h", "FIELDS", "0", "a"], NUMFIELDS),
            (&["HTTL", "h", "FIELDS", "-1", "a"], NUMFIELDS),
            (&["HTTL", "h", "FIELDZ", "1", "a"], FIELDS_POS),
            (&["HPTTL", "h", "FIELDS", "2", "a"], MISMATCH),
            (&["HPERSIST", "h", "FIELDS", "x", "a"], NUMFIELDS),
            (&["HGETDEL", "h", "FIELDS", "2", "a"], MISMATCH),
            (&["HGETDEL", "h", "a", "1", "a"], FIELDS_POS),
            (&["HGETEX", "h", "EX", "abc", "FIELDS", "1", "a"], NOT_INT),
            (&["HGETEX", "h", "EX", "-1", "FIELDS", "1", "a"], "-ERR invalid expire time, must be >= 0\r\n"),
            (&["HGETEX", "h", "EX", "10", "FOO", "1", "a"], FIELDS_POS),
            (&["HGETEX", "h", "FOO", "FIELDS", "1", "a"], FIELDS_POS),
            (&["HGETEX", "h", "PERSIST", "FIELDS", "0", "a"], NUMFIELDS),
            (
                &["HSETEX", "h", "EX", "10", "PX", "10", "FIELDS", "1", "a", "1"],
                "-ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified\r\n",
            ),
            (
                &["HSETEX", "h", "KEEPTTL", "EX", "10", "FIELDS", "1", "a", "1"],
                "-ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified\r\n",
            ),
            (
                &["HSETEX", "h", "FNX", "FXX", "FIELDS", "1", "a", "1"],
                "-ERR Only one of FXX or FNX arguments can be specified\r\n",
            ),
            (&["HSETEX", "h", "NX", "FIELDS", "1", "a", "1"], "-ERR unknown argument: NX\r\n"),
            (&["HSETEX", "h", "FIELDS", "0", "a", "1"], "-ERR invalid number of fields\r\n"),
            (&["HSETEX", "h", "FIELDS", "2", "a", "1"], &arity("hsetex")),
            (&["HSETEX", "h", "FIELDS", "1", "a", "1", "b"], &arity("hsetex")),
            (&["HSETEX", "h", "EX", "0", "FIELDS", "1", "a"], &arity("hsetex")),
            (&["HSETEX", "h", "PX", "-5", "FIELDS", "1", "a", "1"], "-ERR invalid expire time, must be >= 0\r\n"),
            (&["HGET", "h", "a"], &bulk("1")),
        ],
    );
}

/// Polls `cmd` until it answers `want` (active expiry runs on the server cron).
fn wait_for(r: &mut Raw, cmd: &[&str], want: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let got = r.cmd(cmd);
        if got == want {
            return;
        }
        assert!(Instant::now() < deadline, "{cmd:?}: still {got:?}, want {want:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn fields_expire_and_the_key_goes_with_the_last_one() {
    let Some(t) = ours() else { return };
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["HSET", "h", "a", "1", "b", "2", "c", "3"], &int(3)),
            (&["HPEXPIRE", "h", "100", "FIELDS", "2", "a", "b"], &ints(&[1, 1])),
            (&["HLEN", "h"], &int(3)),
        ],
    );
    std::thread::sleep(Duration::from_millis(150));
    // Lazily: invisible to every command, and reclaimed.
    check(
        &mut r,
        &[
            (&["HGET", "h", "a"], NIL),
            (&["HLEN", "h"], &int(1)),
            (&["HGETALL", "h"], &bulks(&["c", "3"])),
            (&["HEXISTS", "h", "b"], &int(0)),
            (&["HTTL", "h", "FIELDS", "2", "a", "c"], &ints(&[-2, -1])),
        ],
    );
    assert_eq!(read_events(&mut sub, 4), ["new:h", "hset:h", "hexpire:h", "hexpired:h"]);
    // The last field expiring takes the key with it (active expiry, no access).
    assert_eq!(r.cmd(&["HPEXPIRE", "h", "50", "FIELDS", "1", "c"]), ints(&[1]));
    wait_for(&mut r, &["EXISTS", "h"], &int(0));
    assert_eq!(read_events(&mut sub, 3), ["hexpire:h", "hexpired:h", "del:h"]);
    // Lazily too: a read of an all-expired hash deletes it.
    r.cmd(&["CONFIG", "SET", "hz", "1"]);
    r.cmd(&["HSET", "k", "a", "1"]);
    r.cmd(&["HPEXPIRE", "k", "30", "FIELDS", "1", "a"]);
    std::thread::sleep(Duration::from_millis(60));
    assert_eq!(r.cmd(&["HGETALL", "k"]), EMPTY);
    assert_eq!(r.cmd(&["DBSIZE"]), int(0));
    assert_eq!(read_events(&mut sub, 5), ["new:k", "hset:k", "hexpire:k", "hexpired:k", "del:k"]);
    // A write to an all-expired hash starts a fresh one.
    r.cmd(&["HSET", "w", "a", "1"]);
    r.cmd(&["HPEXPIRE", "w", "30", "FIELDS", "1", "a"]);
    std::thread::sleep(Duration::from_millis(60));
    assert_eq!(r.cmd(&["HINCRBY", "w", "a", "5"]), int(5));
    assert_eq!(r.cmd(&["HTTL", "w", "FIELDS", "1", "a"]), ints(&[-1]));
}

#[test]
fn active_expiry_reclaims_many_hashes() {
    let Some(t) = ours() else { return };
    let mut r = t.raw();
    for i in 0..300 {
        let k = format!("h{i}");
        r.cmd(&["HSET", &k, "a", "1", "b", "2"]);
        r.cmd(&["HPEXPIRE", &k, "20", "FIELDS", "1", "a"]);
    }
    r.cmd(&["HSET", "all", "a", "1"]);
    r.cmd(&["HPEXPIRE", "all", "20", "FIELDS", "1", "a"]);
    wait_for(&mut r, &["EXISTS", "all"], &int(0));
    assert_eq!(r.cmd(&["DBSIZE"]), int(300));
    assert_eq!(r.cmd(&["HGETALL", "h7"]), bulks(&["b", "2"]));
}

#[test]
fn hgetdel() {
    let Some(t) = ours() else { return };
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["HSET", "h", "a", "1", "b", "2", "c", "3"], &int(3)),
            (&["HGETDEL", "h", "FIELDS", "2", "a", "nofield"], &arr(&[bulk("1"), NIL.into()])),
            (&["HGETDEL", "h", "FIELDS", "1", "nofield"], &arr(&[NIL.into()])),
            (&["HGETDEL", "h", "FIELDS", "2", "b", "b"], &arr(&[bulk("2"), NIL.into()])),
            (&["HGETDEL", "h", "FIELDS", "1", "c"], &arr(&[bulk("3")])),
            (&["EXISTS", "h"], &int(0)),
            (&["HGETDEL", "h", "FIELDS", "1", "c"], &arr(&[NIL.into()])),
            (&["SET", "last", "1"], OK),
        ],
    );
    assert_eq!(read_events(&mut sub, 7), ["new:h", "hset:h", "hdel:h", "hdel:h", "hdel:h", "del:h", "new:last"]);
}

#[test]
fn hgetex() {
    let Some(t) = ours() else { return };
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["HSET", "mykey", "field1", "Hello", "field2", "World"], &int(2)),
            (&["HGETEX", "mykey", "EX", "120", "FIELDS", "1", "field1"], &bulks(&["Hello"])),
            (&["HGETEX", "mykey", "EX", "100", "FIELDS", "1", "field2"], &bulks(&["World"])),
            (&["HTTL", "mykey", "FIELDS", "3", "field1", "field2", "field3"], &ints(&[120, 100, -2])),
            (&["HGETEX", "mykey", "FIELDS", "2", "field1", "nofield"], &arr(&[bulk("Hello"), NIL.into()])),
            (&["HGETEX", "mykey", "PERSIST", "FIELDS", "1", "field1"], &bulks(&["Hello"])),
            (&["HGETEX", "mykey", "PERSIST", "FIELDS", "1", "field1"], &bulks(&["Hello"])),
            (&["HTTL", "mykey", "FIELDS", "2", "field1", "field2"], &ints(&[-1, 100])),
            (&["HGETEX", "mykey", "PX", "5000", "FIELDS", "1", "field1"], &bulks(&["Hello"])),
            (
                &["HGETEX", "mykey", "PXAT", "1", "FIELDS", "3", "field1", "field2", "x"],
                &arr(&[bulk("Hello"), bulk("World"), NIL.into()]),
            ),
            (&["EXISTS", "mykey"], &int(0)),
            (&["HGETEX", "mykey", "EX", "10", "FIELDS", "1", "field1"], &arr(&[NIL.into()])),
            (&["SET", "last", "1"], OK),
        ],
    );
    assert_eq!(
        read_events(&mut sub, 9),
        [
            "new:mykey",
            "hset:mykey",
            "hexpire:mykey",
            "hexpire:mykey",
            "hpersist:mykey",
            "hexpire:mykey",
            "hdel:mykey",
            "del:mykey",
            "new:last"
        ]
    );
}

#[test]
fn hsetex() {
    let Some(t) = ours() else { return };
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["HSETEX", "mykey", "FXX", "FIELDS", "1", "a", "1"], &int(0)),
            (&["EXISTS", "mykey"], &int(0)),
            (&["HSETEX", "mykey", "EX", "100", "FIELDS", "2", "field1", "Hello", "field2", "World"], &int(1)),
            (&["HTTL", "mykey", "FIELDS", "2", "field1", "field2"], &ints(&[100, 100])),
            (&["HSETEX", "mykey", "FNX", "EX", "60", "FIELDS", "2", "field1", "Hello", "field3", "x"], &int(0)),
            (&["HSETEX", "mykey", "FXX", "EX", "60", "FIELDS", "2", "field1", "Hello", "field3", "x"], &int(0)),
            (&["HSETEX", "mykey", "FXX", "KEEPTTL", "FIELDS", "2", "field1", "hello", "field2", "world"], &int(1)),
            (&["HTTL", "mykey", "FIELDS", "2", "field1", "field2"], &ints(&[100, 100])),
            (&["HSETEX", "mykey", "FIELDS", "1", "field1", "hi"], &int(1)),
            (&["HTTL", "mykey", "FIELDS", "2", "field1", "field2"], &ints(&[-1, 100])),
            (&["HSETEX", "mykey", "FNX", "PX", "5000", "FIELDS", "1", "field3", "new"], &int(1)),
            (&["HLEN", "mykey"], &int(3)),
            (&["HMGET", "mykey", "field1", "field2", "field3"], &bulks(&["hi", "world", "new"])),
            (&["HSETEX", "mykey", "EXAT", "1", "FIELDS", "3", "field1", "a", "field2", "b", "field3", "c"], &int(1)),
            (&["EXISTS", "mykey"], &int(0)),
            (&["SET", "last", "1"], OK),
        ],
    );
    assert_eq!(
        read_events(&mut sub, 12),
        [
            "new:mykey",
            "hset:mykey",
            "hexpire:mykey",
            "hset:mykey",
            "hset:mykey",
            "hset:mykey",
            "hexpire:mykey",
            "hset:mykey",
            "hdel:mykey",
            "del:mykey",
            "new:last",
            "set:last"
        ]
    );
}

#[test]
fn command_info_matches_redis() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    for (cmd, arity, flags) in [
        ("hset", -4, "write|denyoom|fast"),
        ("hsetnx", 4, "write|denyoom|fast"),
        ("hget", 3, "readonly|fast"),
        ("hmget", -3, "readonly|fast"),
        ("hmset", -4, "write|denyoom|fast"),
        ("hgetall", 2, "readonly"),
        ("hdel", -3, "write|fast"),
        ("hlen", 2, "readonly|fast"),
        ("hexists", 3, "readonly|fast"),
        ("hkeys", 2, "readonly"),
        ("hvals", 2, "readonly"),
        ("hstrlen", 3, "readonly|fast"),
        ("hincrby", 4, "write|denyoom|fast"),
        ("hincrbyfloat", 4, "write|denyoom|fast"),
        ("hrandfield", -2, "readonly"),
        ("hscan", -3, "readonly"),
    ] {
        let info = r.cmd(&["COMMAND", "INFO", cmd]);
        let want_flags: String = flags.split('|').map(|f| format!("+{f}\r\n")).collect();
        let head = format!(
            "*1\r\n*10\r\n${}\r\n{cmd}\r\n:{arity}\r\n*{}\r\n{want_flags}:1\r\n:1\r\n:1\r\n",
            cmd.len(),
            flags.split('|').count()
        );
        assert!(info.starts_with(&head), "{cmd}: {info:?}");
    }
}
