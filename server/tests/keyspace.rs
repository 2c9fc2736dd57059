//! Generic (keyspace) commands against the real binary: DEL/EXISTS/TYPE,
//! RENAME/COPY/MOVE, KEYS/SCAN, OBJECT, the EXPIRE/TTL families, expiry
//! (lazy and active), WATCH vs expiry, DBSIZE/FLUSHDB/FLUSHALL/SWAPDB.
//!
//! Every expected reply was taken from Redis 7.0. To replay the tests against
//! a real Redis (one test at a time, it gets FLUSHALLed), run
//! `REAL_REDIS_PORT=6379 cargo test --test keyspace -- --test-threads=1`.

mod common;
use common::{bulk, int, NULL, OK};

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{Raw, Target};

/// Parses a flat array of bulk strings (KEYS) into a set.
fn bulk_set(reply: &str) -> HashSet<String> {
    let mut lines = reply.split("\r\n");
    let head = lines.next().unwrap();
    assert!(head.starts_with('*'), "not an array: {reply:?}");
    let n: usize = head[1..].parse().unwrap();
    let mut out = HashSet::new();
    for _ in 0..n {
        assert!(lines.next().unwrap().starts_with('$'));
        out.insert(lines.next().unwrap().to_string());
    }
    out
}

/// Parses a SCAN reply into (cursor, keys).
fn scan_reply(reply: &str) -> (String, Vec<String>) {
    let mut lines = reply.split("\r\n");
    assert_eq!(lines.next(), Some("*2"), "{reply:?}");
    lines.next();
    let cursor = lines.next().unwrap().to_string();
    let n: usize = lines.next().unwrap()[1..].parse().unwrap();
    let mut keys = Vec::with_capacity(n);
    for _ in 0..n {
        lines.next();
        keys.push(lines.next().unwrap().to_string());
    }
    (cursor, keys)
}

/// Sends all commands at once, then reads every reply.
fn pipeline(r: &mut Raw, cmds: &[Vec<String>]) -> Vec<String> {
    let mut buf = Vec::new();
    for c in cmds {
        let args: Vec<&str> = c.iter().map(|s| s.as_str()).collect();
        buf.extend_from_slice(&common::encode(&args));
    }
    r.send(&buf);
    cmds.iter().map(|_| r.read_reply()).collect()
}

fn set_many(r: &mut Raw, keys: impl IntoIterator<Item = String>) {
    let cmds: Vec<Vec<String>> = keys.into_iter().map(|k| vec!["SET".into(), k, "v".into()]).collect();
    for reply in pipeline(r, &cmds) {
        assert_eq!(reply, OK);
    }
}

#[test]
fn del_exists_type_touch() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert_eq!(r.cmd(&["DEL"]), "-ERR wrong number of arguments for 'del' command\r\n");
    assert_eq!(r.cmd(&["EXISTS"]), "-ERR wrong number of arguments for 'exists' command\r\n");
    assert_eq!(r.cmd(&["TYPE"]), "-ERR wrong number of arguments for 'type' command\r\n");
    assert_eq!(r.cmd(&["TYPE", "a", "b"]), "-ERR wrong number of arguments for 'type' command\r\n");
    assert_eq!(r.cmd(&["SET", "a", "1"]), OK);
    assert_eq!(r.cmd(&["SET", "b", "2"]), OK);
    assert_eq!(r.cmd(&["EXISTS", "a", "a", "x"]), int(2));
    assert_eq!(r.cmd(&["TYPE", "a"]), "+string\r\n");
    assert_eq!(r.cmd(&["TYPE", "x"]), "+none\r\n");
    assert_eq!(r.cmd(&["TOUCH", "a", "x", "a"]), int(2));
    assert_eq!(r.cmd(&["DEL", "a", "a", "x", "b"]), int(2));
    assert_eq!(r.cmd(&["EXISTS", "a", "b"]), int(0));
    assert_eq!(r.cmd(&["SET", "c", "3"]), OK);
    assert_eq!(r.cmd(&["UNLINK", "c", "d"]), int(1));
    assert_eq!(r.cmd(&["UNLINK", "c"]), int(0));
    assert_eq!(r.cmd(&["DBSIZE"]), int(0));
}

#[test]
fn rename_and_renamenx() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert_eq!(r.cmd(&["RENAME", "x", "y"]), "-ERR no such key\r\n");
    assert_eq!(r.cmd(&["RENAME", "x", "x"]), "-ERR no such key\r\n");
    assert_eq!(r.cmd(&["RENAMENX", "x", "x"]), "-ERR no such key\r\n");
    assert_eq!(r.cmd(&["RENAMENX", "x", "y"]), "-ERR no such key\r\n");
    assert_eq!(r.cmd(&["SET", "a", "1"]), OK);
    assert_eq!(r.cmd(&["RENAME", "a", "a"]), OK);
    assert_eq!(r.cmd(&["RENAMENX", "a", "a"]), int(0));
    assert_eq!(r.cmd(&["PEXPIRE", "a", "100000"]), int(1));
    assert_eq!(r.cmd(&["RENAME", "a", "b"]), OK);
    assert_eq!(r.cmd(&["EXISTS", "a"]), int(0));
    assert_eq!(r.cmd(&["GET", "b"]), bulk("1"));
    // The TTL travels with the value.
    let ttl = r.cmd(&["TTL", "b"]);
    assert!(ttl == int(100) || ttl == int(99), "{ttl}");
    // RENAME overwrites (and drops the destination's own TTL).
    assert_eq!(r.cmd(&["SET", "c", "3"]), OK);
    assert_eq!(r.cmd(&["RENAME", "c", "b"]), OK);
    assert_eq!(r.cmd(&["GET", "b"]), bulk("3"));
    assert_eq!(r.cmd(&["TTL", "b"]), int(-1));
    assert_eq!(r.cmd(&["SET", "d", "4"]), OK);
    assert_eq!(r.cmd(&["RENAMENX", "d", "b"]), int(0));
    assert_eq!(r.cmd(&["RENAMENX", "d", "e"]), int(1));
    assert_eq!(r.cmd(&["GET", "e"]), bulk("4"));
    assert_eq!(r.cmd(&["EXISTS", "d"]), int(0));
    assert_eq!(r.cmd(&["RENAME", "e"]), "-ERR wrong number of arguments for 'rename' command\r\n");
}

#[test]
fn copy_and_move() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let same = "-ERR source and destination objects are the same\r\n";
    let range = "-ERR DB index is out of range\r\n";
    let not_int = "-ERR value is not an integer or out of range\r\n";
    let not_i32 = "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n";
    assert_eq!(r.cmd(&["COPY", "x", "x"]), same);
    assert_eq!(r.cmd(&["COPY", "x", "y"]), int(0));
    assert_eq!(r.cmd(&["COPY", "x", "y", "DB", "99"]), range);
    assert_eq!(r.cmd(&["COPY", "x", "y", "DB", "-1"]), range);
    assert_eq!(r.cmd(&["COPY", "x", "y", "DB", "x"]), not_int);
    assert_eq!(r.cmd(&["COPY", "x", "y", "DB", "99999999999"]), not_i32);
    assert_eq!(r.cmd(&["COPY", "x", "y", "DB"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["COPY", "x", "y", "FOO"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["COPY", "x"]), "-ERR wrong number of arguments for 'copy' command\r\n");
    assert_eq!(r.cmd(&["SET", "b", "1"]), OK);
    assert_eq!(r.cmd(&["COPY", "b", "b", "DB", "0"]), same);
    assert_eq!(r.cmd(&["COPY", "b", "d"]), int(1));
    assert_eq!(r.cmd(&["COPY", "b", "d"]), int(0));
    assert_eq!(r.cmd(&["SET", "b", "2"]), OK);
    assert_eq!(r.cmd(&["COPY", "b", "d", "replace"]), int(1));
    assert_eq!(r.cmd(&["GET", "d"]), bulk("2"));
    assert_eq!(r.cmd(&["COPY", "b", "b", "DB", "1"]), int(1));
    assert_eq!(r.cmd(&["COPY", "b", "b", "REPLACE", "REPLACE", "DB", "2", "DB", "1"]), int(1));
    // TTLs are copied.
    assert_eq!(r.cmd(&["SET", "e", "v", "EX", "100"]), OK);
    assert_eq!(r.cmd(&["COPY", "e", "f"]), int(1));
    assert_eq!(r.cmd(&["TTL", "f"]), int(100));

    assert_eq!(r.cmd(&["MOVE", "x", "0"]), same);
    assert_eq!(r.cmd(&["MOVE", "b", "0"]), same);
    assert_eq!(r.cmd(&["MOVE", "b", "99"]), range);
    assert_eq!(r.cmd(&["MOVE", "b", "-1"]), range);
    assert_eq!(r.cmd(&["MOVE", "b", "x"]), not_int);
    assert_eq!(r.cmd(&["MOVE", "b", "99999999999"]), not_i32);
    assert_eq!(r.cmd(&["MOVE", "x", "1"]), int(0));
    // b already exists in db 1 (copied above).
    assert_eq!(r.cmd(&["MOVE", "b", "1"]), int(0));
    assert_eq!(r.cmd(&["MOVE", "e", "3"]), int(1));
    assert_eq!(r.cmd(&["EXISTS", "e"]), int(0));
    assert_eq!(r.cmd(&["SELECT", "3"]), OK);
    assert_eq!(r.cmd(&["GET", "e"]), bulk("v"));
    assert_eq!(r.cmd(&["TTL", "e"]), int(100));
    assert_eq!(r.cmd(&["SELECT", "1"]), OK);
    assert_eq!(r.cmd(&["GET", "b"]), bulk("2"));
    assert_eq!(r.cmd(&["SELECT", "2"]), OK);
    assert_eq!(r.cmd(&["DBSIZE"]), int(0));
}

#[test]
fn expire_options_and_errors() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert_eq!(r.cmd(&["SET", "a", "1"]), OK);
    assert_eq!(r.cmd(&["EXPIRE", "a"]), "-ERR wrong number of arguments for 'expire' command\r\n");
    assert_eq!(r.cmd(&["EXPIRE", "a", "x"]), "-ERR value is not an integer or out of range\r\n");
    let nx = "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
    assert_eq!(r.cmd(&["EXPIRE", "a", "100", "NX", "XX"]), nx);
    assert_eq!(r.cmd(&["EXPIRE", "a", "100", "NX", "GT"]), nx);
    assert_eq!(r.cmd(&["PEXPIRE", "a", "100", "lt", "nx"]), nx);
    assert_eq!(
        r.cmd(&["EXPIRE", "a", "100", "GT", "LT"]),
        "-ERR GT and LT options at the same time are not compatible\r\n"
    );
    assert_eq!(r.cmd(&["EXPIRE", "a", "100", "FOO"]), "-ERR Unsupported option FOO\r\n");
    // Options are checked before the number.
    assert_eq!(r.cmd(&["EXPIRE", "a", "x", "FOO"]), "-ERR Unsupported option FOO\r\n");
    // No TTL yet: XX and GT refuse, LT accepts (no TTL counts as infinite).
    assert_eq!(r.cmd(&["EXPIRE", "a", "100", "XX"]), int(0));
    assert_eq!(r.cmd(&["EXPIRE", "a", "100", "GT"]), int(0));
    assert_eq!(r.cmd(&["EXPIRE", "a", "100", "LT"]), int(1));
    assert_eq!(r.cmd(&["TTL", "a"]), int(100));
    assert_eq!(r.cmd(&["EXPIRE", "a", "50", "NX"]), int(0));
    assert_eq!(r.cmd(&["EXPIRE", "a", "200", "GT"]), int(1));
    assert_eq!(r.cmd(&["EXPIRE", "a", "100", "GT"]), int(0));
    assert_eq!(r.cmd(&["EXPIRE", "a", "50", "LT"]), int(1));
    assert_eq!(r.cmd(&["EXPIRE", "a", "60", "lt"]), int(0));
    assert_eq!(r.cmd(&["EXPIRE", "a", "70", "XX"]), int(1));
    assert_eq!(r.cmd(&["TTL", "a"]), int(70));
    // Overflow in the unit conversion or the base time addition.
    assert_eq!(r.cmd(&["EXPIRE", "a", "9223372036854775807"]), "-ERR invalid expire time in 'expire' command\r\n");
    assert_eq!(r.cmd(&["EXPIRE", "a", "-9223372036854775808"]), "-ERR invalid expire time in 'expire' command\r\n");
    assert_eq!(r.cmd(&["EXPIRE", "a", "9223372036854774"]), "-ERR invalid expire time in 'expire' command\r\n");
    assert_eq!(r.cmd(&["PEXPIRE", "a", "9223372036854775807"]), "-ERR invalid expire time in 'pexpire' command\r\n");
    assert_eq!(r.cmd(&["EXPIREAT", "a", "9223372036854775807"]), "-ERR invalid expire time in 'expireat' command\r\n");
    assert_eq!(r.cmd(&["PEXPIREAT", "a", "9223372036854775807"]), int(1));
    assert_eq!(r.cmd(&["PEXPIRETIME", "a"]), int(i64::MAX));
    // Seconds are rounded: (ms + 500) / 1000, without overflowing.
    assert_eq!(r.cmd(&["EXPIRETIME", "a"]), int(9223372036854776));
    // Missing keys.
    assert_eq!(r.cmd(&["EXPIRE", "x", "100"]), int(0));
    assert_eq!(r.cmd(&["TTL", "x"]), int(-2));
    assert_eq!(r.cmd(&["PTTL", "x"]), int(-2));
    assert_eq!(r.cmd(&["EXPIRETIME", "x"]), int(-2));
    assert_eq!(r.cmd(&["PEXPIRETIME", "x"]), int(-2));
    assert_eq!(r.cmd(&["PERSIST", "x"]), int(0));
    // No TTL.
    assert_eq!(r.cmd(&["SET", "b", "1"]), OK);
    assert_eq!(r.cmd(&["TTL", "b"]), int(-1));
    assert_eq!(r.cmd(&["PTTL", "b"]), int(-1));
    assert_eq!(r.cmd(&["EXPIRETIME", "b"]), int(-1));
    assert_eq!(r.cmd(&["PEXPIRETIME", "b"]), int(-1));
    assert_eq!(r.cmd(&["PERSIST", "b"]), int(0));
    // Absolute times.
    assert_eq!(r.cmd(&["PEXPIREAT", "b", "99999999999999"]), int(1));
    assert_eq!(r.cmd(&["EXPIRETIME", "b"]), int(100000000000));
    assert_eq!(r.cmd(&["PEXPIRETIME", "b"]), int(99999999999999));
    assert_eq!(r.cmd(&["EXPIREAT", "b", "99999999999"]), int(1));
    assert_eq!(r.cmd(&["PEXPIRETIME", "b"]), int(99999999999000));
    let pttl: i64 = r.cmd(&["PTTL", "b"]).trim()[1..].parse().unwrap();
    assert!(pttl > 90_000_000_000_000, "{pttl}");
    assert_eq!(r.cmd(&["PERSIST", "b"]), int(1));
    assert_eq!(r.cmd(&["TTL", "b"]), int(-1));
    assert_eq!(r.cmd(&["PERSIST", "b"]), int(0));
    // A time in the past deletes the key (and still answers 1).
    assert_eq!(r.cmd(&["EXPIRE", "b", "0"]), int(1));
    assert_eq!(r.cmd(&["EXISTS", "b"]), int(0));
    assert_eq!(r.cmd(&["SET", "c", "1"]), OK);
    assert_eq!(r.cmd(&["EXPIRE", "c", "-5", "GT"]), int(0));
    assert_eq!(r.cmd(&["EXISTS", "c"]), int(1));
    assert_eq!(r.cmd(&["EXPIRE", "c", "-5", "LT"]), int(1));
    assert_eq!(r.cmd(&["EXISTS", "c"]), int(0));
    assert_eq!(r.cmd(&["SET", "d", "1"]), OK);
    assert_eq!(r.cmd(&["PEXPIRE", "d", "-9223372036854775808"]), int(1));
    assert_eq!(r.cmd(&["EXISTS", "d"]), int(0));
    assert_eq!(r.cmd(&["SET", "e", "1"]), OK);
    assert_eq!(r.cmd(&["EXPIREAT", "e", "1"]), int(1));
    assert_eq!(r.cmd(&["EXISTS", "e"]), int(0));
    // TTL rounds to the nearest second.
    assert_eq!(r.cmd(&["SET", "f", "1"]), OK);
    assert_eq!(r.cmd(&["PEXPIRE", "f", "2600"]), int(1));
    assert_eq!(r.cmd(&["TTL", "f"]), int(3));
    let pttl: i64 = r.cmd(&["PTTL", "f"]).trim()[1..].parse().unwrap();
    assert!((2500..=2600).contains(&pttl), "{pttl}");
}

#[test]
fn keys_glob_patterns() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    set_many(&mut r, ["hello", "hallo", "hxllo", "hllo", "heeello"].map(String::from));
    let keys = |r: &mut Raw, p: &str| {
        let mut v: Vec<String> = bulk_set(&r.cmd(&["KEYS", p])).into_iter().collect();
        v.sort();
        v
    };
    assert_eq!(keys(&mut r, "h?llo"), ["hallo", "hello", "hxllo"]);
    assert_eq!(keys(&mut r, "h*llo"), ["hallo", "heeello", "hello", "hllo", "hxllo"]);
    assert_eq!(keys(&mut r, "h[ae]llo"), ["hallo", "hello"]);
    assert_eq!(keys(&mut r, "h[^e]llo"), ["hallo", "hxllo"]);
    assert_eq!(keys(&mut r, "h[a-b]llo"), ["hallo"]);
    assert_eq!(keys(&mut r, "*").len(), 5);
    assert_eq!(keys(&mut r, "nope*"), Vec::<String>::new());
    assert_eq!(r.cmd(&["KEYS"]), "-ERR wrong number of arguments for 'keys' command\r\n");
    assert_eq!(r.cmd(&["KEYS", "a", "b"]), "-ERR wrong number of arguments for 'keys' command\r\n");
}

#[test]
fn randomkey() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert_eq!(r.cmd(&["RANDOMKEY"]), NULL);
    set_many(&mut r, (0..20).map(|i| format!("k{i}")));
    for _ in 0..20 {
        let k = r.cmd(&["RANDOMKEY"]);
        let name = k.split("\r\n").nth(1).unwrap();
        assert!(name.starts_with('k') && name[1..].parse::<u32>().unwrap() < 20, "{k}");
    }
    assert_eq!(r.cmd(&["RANDOMKEY", "x"]), "-ERR wrong number of arguments for 'randomkey' command\r\n");
}

#[test]
fn scan_errors_and_options() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let empty = "*2\r\n$1\r\n0\r\n*0\r\n";
    assert_eq!(r.cmd(&["SCAN"]), "-ERR wrong number of arguments for 'scan' command\r\n");
    assert_eq!(r.cmd(&["SCAN", "x"]), "-ERR invalid cursor\r\n");
    assert_eq!(r.cmd(&["SCAN", " 5"]), "-ERR invalid cursor\r\n");
    assert_eq!(r.cmd(&["SCAN", "5 "]), "-ERR invalid cursor\r\n");
    assert_eq!(r.cmd(&["SCAN", "18446744073709551616"]), "-ERR invalid cursor\r\n");
    assert_eq!(r.cmd(&["SCAN", "18446744073709551615"]), empty);
    assert_eq!(r.cmd(&["SCAN", "-1"]), empty);
    assert_eq!(r.cmd(&["SCAN", "+0"]), empty);
    assert_eq!(r.cmd(&["SCAN", "0", "COUNT", "0"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["SCAN", "0", "COUNT", "-1"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["SCAN", "0", "COUNT", "x"]), "-ERR value is not an integer or out of range\r\n");
    assert_eq!(r.cmd(&["SCAN", "0", "MATCH"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["SCAN", "0", "FOO", "bar"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["SCAN", "0", "TYPE", "foo"]), empty);
    assert_eq!(r.cmd(&["SCAN", "x", "COUNT", "0"]), "-ERR invalid cursor\r\n");

    set_many(&mut r, (0..50).map(|i| format!("user:{i}")));
    set_many(&mut r, (0..50).map(|i| format!("item:{i}")));
    let full = |r: &mut Raw, extra: &[&str]| {
        let mut cursor = "0".to_string();
        let mut seen = HashSet::new();
        loop {
            let mut args = vec!["SCAN", cursor.as_str()];
            args.extend_from_slice(extra);
            let (c, keys) = scan_reply(&r.cmd(&args));
            seen.extend(keys);
            cursor = c;
            if cursor == "0" {
                return seen;
            }
        }
    };
    assert_eq!(full(&mut r, &[]).len(), 100);
    let users = full(&mut r, &["MATCH", "user:*", "COUNT", "7"]);
    assert_eq!(users, (0..50).map(|i| format!("user:{i}")).collect());
    assert_eq!(full(&mut r, &["TYPE", "string", "MATCH", "item:1*"]).len(), 11);
    assert_eq!(full(&mut r, &["TYPE", "STRING"]).len(), 100);
    assert_eq!(full(&mut r, &["TYPE", "list"]).len(), 0);
    // A large COUNT returns everything in one call.
    let (c, keys) = scan_reply(&r.cmd(&["SCAN", "0", "COUNT", "1000"]));
    assert_eq!((c.as_str(), keys.len()), ("0", 100));
}

#[test]
fn scan_returns_every_key_across_table_growth() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let originals: Vec<String> = (0..1000).map(|i| format!("orig:{i}")).collect();
    set_many(&mut r, originals.iter().cloned());
    let mut seen = HashSet::new();
    let mut cursor = "0".to_string();
    let mut added = 0;
    let mut calls = 0;
    loop {
        let (c, keys) = scan_reply(&r.cmd(&["SCAN", &cursor, "COUNT", "20"]));
        seen.extend(keys);
        calls += 1;
        // Grow the table hard while the iteration is in progress.
        if added < 20_000 {
            set_many(&mut r, (added..added + 500).map(|i| format!("new:{i}")));
            added += 500;
        }
        cursor = c;
        if cursor == "0" {
            break;
        }
        assert!(calls < 100_000, "SCAN did not terminate");
    }
    let missing: Vec<&String> = originals.iter().filter(|k| !seen.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "{} original keys never returned, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    assert_eq!(r.cmd(&["DBSIZE"]), int(1000 + added as i64));
}

#[test]
fn scan_and_keys_never_return_expired_keys() {
    // hz 1: the active cycle rarely runs, so these keys are still in the table.
    let t = Target::start(&["--hz", "1"]);
    let mut r = t.raw();
    set_many(&mut r, (0..50).map(|i| format!("live:{i}")));
    set_many(&mut r, (0..50).map(|i| format!("dead:{i}")));
    let cmds: Vec<Vec<String>> = (0..50).map(|i| vec!["PEXPIRE".into(), format!("dead:{i}"), "1".into()]).collect();
    assert!(pipeline(&mut r, &cmds).iter().all(|x| x == &int(1)));
    std::thread::sleep(Duration::from_millis(20));
    let keys = bulk_set(&r.cmd(&["KEYS", "*"]));
    assert_eq!(keys.len(), 50);
    assert!(keys.iter().all(|k| k.starts_with("live:")));
    let mut cursor = "0".to_string();
    let mut seen = HashSet::new();
    loop {
        let (c, keys) = scan_reply(&r.cmd(&["SCAN", &cursor]));
        assert!(keys.iter().all(|k| k.starts_with("live:")), "{keys:?}");
        seen.extend(keys);
        cursor = c;
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 50);
    // SCAN reclaimed the expired keys it met.
    assert_eq!(r.cmd(&["DBSIZE"]), int(50));
}

#[test]
fn lazy_expiry() {
    let t = Target::start(&["--hz", "1"]);
    let mut r = t.raw();
    assert_eq!(r.cmd(&["SET", "k", "v", "PX", "50"]), OK);
    assert_eq!(r.cmd(&["SET", "k2", "v"]), OK);
    assert_eq!(r.cmd(&["PEXPIRE", "k2", "50"]), int(1));
    assert_eq!(r.cmd(&["GET", "k"]), bulk("v"));
    assert_eq!(r.cmd(&["EXISTS", "k2"]), int(1));
    std::thread::sleep(Duration::from_millis(120));
    assert_eq!(r.cmd(&["GET", "k"]), NULL);
    assert_eq!(r.cmd(&["TTL", "k2"]), int(-2));
    assert_eq!(r.cmd(&["EXISTS", "k", "k2"]), int(0));
    assert_eq!(r.cmd(&["TYPE", "k2"]), "+none\r\n");
    assert_eq!(r.cmd(&["DBSIZE"]), int(0));
}

#[test]
fn active_expiry_reclaims_untouched_keys() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    set_many(&mut r, (0..200).map(|i| format!("k{i}")));
    let cmds: Vec<Vec<String>> = (0..200).map(|i| vec!["PEXPIRE".into(), format!("k{i}"), "100".into()]).collect();
    assert!(pipeline(&mut r, &cmds).iter().all(|x| x == &int(1)));
    assert_eq!(r.cmd(&["SET", "keep", "v"]), OK);
    assert_eq!(r.cmd(&["DBSIZE"]), int(201));
    // Only DBSIZE from here on: nothing touches the keys.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if r.cmd(&["DBSIZE"]) == int(1) {
            break;
        }
        assert!(Instant::now() < deadline, "active expiry did not reclaim the keys: {}", r.cmd(&["DBSIZE"]));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(r.cmd(&["EXISTS", "keep"]), int(1));
}

#[test]
fn watch_is_aborted_when_the_watched_key_expires() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert_eq!(r.cmd(&["SET", "w", "1"]), OK);
    assert_eq!(r.cmd(&["PEXPIRE", "w", "50"]), int(1));
    assert_eq!(r.cmd(&["WATCH", "w"]), OK);
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(r.cmd(&["MULTI"]), OK);
    assert_eq!(r.cmd(&["SET", "x", "1"]), "+QUEUED\r\n");
    assert_eq!(r.cmd(&["EXEC"]), "*-1\r\n");
    assert_eq!(r.cmd(&["EXISTS", "x"]), int(0));
    // EXPIRE / PERSIST / DEL of a watched key abort too.
    for touch in [&["EXPIRE", "w", "100"][..], &["PERSIST", "w"], &["DEL", "w"], &["RENAME", "w", "w2"]] {
        assert_eq!(r.cmd(&["SET", "w", "1", "EX", "1000"]), OK);
        assert_eq!(r.cmd(&["WATCH", "w"]), OK);
        let mut other = t.raw();
        assert_eq!(other.cmd(touch), if touch[0] == "RENAME" { OK.to_string() } else { int(1) });
        assert_eq!(r.cmd(&["MULTI"]), OK);
        assert_eq!(r.cmd(&["SET", "x", "1"]), "+QUEUED\r\n");
        assert_eq!(r.cmd(&["EXEC"]), "*-1\r\n", "{touch:?}");
    }
}

#[test]
fn object_subcommands() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert_eq!(r.cmd(&["SET", "n", "123"]), OK);
    assert_eq!(r.cmd(&["SET", "big", "10000"]), OK);
    assert_eq!(r.cmd(&["SET", "neg", "-1"]), OK);
    assert_eq!(r.cmd(&["SET", "s", "hello"]), OK);
    assert_eq!(r.cmd(&["SET", "long", &"x".repeat(45)]), OK);
    assert_eq!(r.cmd(&["OBJECT", "ENCODING", "n"]), bulk("int"));
    assert_eq!(r.cmd(&["OBJECT", "ENCODING", "s"]), bulk("embstr"));
    assert_eq!(r.cmd(&["OBJECT", "encoding", "long"]), bulk("raw"));
    assert_eq!(r.cmd(&["OBJECT", "ENCODING", "x"]), NULL);
    assert_eq!(r.cmd(&["OBJECT", "REFCOUNT", "n"]), int(2147483647));
    assert_eq!(r.cmd(&["OBJECT", "REFCOUNT", "big"]), int(1));
    assert_eq!(r.cmd(&["OBJECT", "REFCOUNT", "neg"]), int(1));
    assert_eq!(r.cmd(&["OBJECT", "REFCOUNT", "s"]), int(1));
    assert_eq!(r.cmd(&["OBJECT", "REFCOUNT", "x"]), NULL);
    assert_eq!(r.cmd(&["OBJECT", "IDLETIME", "s"]), int(0));
    assert_eq!(r.cmd(&["OBJECT", "IDLETIME", "x"]), NULL);
    assert_eq!(r.cmd(&["OBJECT", "FREQ", "x"]), NULL);
    assert_eq!(
        r.cmd(&["OBJECT", "FREQ", "s"]),
        "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"
    );
    assert_eq!(r.cmd(&["OBJECT"]), "-ERR wrong number of arguments for 'object' command\r\n");
    assert_eq!(r.cmd(&["OBJECT", "ENCODING"]), "-ERR wrong number of arguments for 'object|encoding' command\r\n");
    assert_eq!(
        r.cmd(&["OBJECT", "ENCODING", "a", "b"]),
        "-ERR wrong number of arguments for 'object|encoding' command\r\n"
    );
    assert_eq!(r.cmd(&["OBJECT", "HELP", "x"]), "-ERR wrong number of arguments for 'object|help' command\r\n");
    assert_eq!(r.cmd(&["OBJECT", "FOO"]), "-ERR unknown subcommand 'FOO'. Try OBJECT HELP.\r\n");
    let help = r.cmd(&["OBJECT", "HELP"]);
    let expected_head = "*15\r\n\
        +OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n\
        +ENCODING <key>\r\n\
        +    Return the kind of internal representation used in order to store the value\r\n\
        +    associated with a <key>.\r\n\
        +FREQ <key>\r\n\
        +    Return the access frequency index of the <key>. The returned integer is\r\n\
        +    proportional to the logarithm of the recent access frequency of the key.\r\n\
        +IDLETIME <key>\r\n\
        +    Return the idle time of the <key>, that is the approximated number of\r\n\
        +    seconds elapsed since the last access to the key.\r\n\
        +REFCOUNT <key>\r\n\
        +    Return the number of references of the value associated with the specified\r\n\
        +    <key>.\r\n\
        +HELP\r\n";
    assert!(help.starts_with(expected_head), "{help}");
}

#[test]
fn object_under_lfu_and_lru_maxmemory() {
    let t = Target::start(&["--maxmemory-policy", "allkeys-lfu"]);
    let mut r = t.raw();
    assert_eq!(r.cmd(&["SET", "s", "hello"]), OK);
    assert_eq!(
        r.cmd(&["OBJECT", "IDLETIME", "s"]),
        "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"
    );
    let freq = r.cmd(&["OBJECT", "FREQ", "s"]);
    let f: i64 = freq.trim()[1..].parse().unwrap();
    assert!((0..=255).contains(&f), "{freq}");
    drop(r);
    drop(t);
    // With maxmemory and an LRU policy, small integers are not shared.
    let t = Target::start(&["--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"]);
    let mut r = t.raw();
    assert_eq!(r.cmd(&["SET", "n", "5"]), OK);
    assert_eq!(r.cmd(&["OBJECT", "REFCOUNT", "n"]), int(1));
}

#[test]
fn dbsize_flush_and_swapdb() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert_eq!(r.cmd(&["DBSIZE", "x"]), "-ERR wrong number of arguments for 'dbsize' command\r\n");
    assert_eq!(r.cmd(&["FLUSHDB", "x"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["FLUSHDB", "sync", "async"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["FLUSHALL", "x"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["SWAPDB", "x", "1"]), "-ERR invalid first DB index\r\n");
    assert_eq!(r.cmd(&["SWAPDB", "99999999999", "1"]), "-ERR invalid first DB index\r\n");
    assert_eq!(r.cmd(&["SWAPDB", "1", "x"]), "-ERR invalid second DB index\r\n");
    assert_eq!(r.cmd(&["SWAPDB", "1", "99"]), "-ERR DB index is out of range\r\n");
    assert_eq!(r.cmd(&["SWAPDB", "-1", "0"]), "-ERR DB index is out of range\r\n");
    assert_eq!(r.cmd(&["SWAPDB", "0"]), "-ERR wrong number of arguments for 'swapdb' command\r\n");
    assert_eq!(r.cmd(&["SWAPDB", "0", "0"]), OK);

    set_many(&mut r, (0..10).map(|i| format!("a{i}")));
    assert_eq!(r.cmd(&["SELECT", "1"]), OK);
    set_many(&mut r, (0..3).map(|i| format!("b{i}")));
    assert_eq!(r.cmd(&["DBSIZE"]), int(3));
    assert_eq!(r.cmd(&["SWAPDB", "0", "1"]), OK);
    assert_eq!(r.cmd(&["DBSIZE"]), int(10));
    assert_eq!(r.cmd(&["EXISTS", "a0"]), int(1));
    assert_eq!(r.cmd(&["FLUSHDB", "ASYNC"]), OK);
    assert_eq!(r.cmd(&["DBSIZE"]), int(0));
    assert_eq!(r.cmd(&["SELECT", "0"]), OK);
    assert_eq!(r.cmd(&["DBSIZE"]), int(3));
    assert_eq!(r.cmd(&["SELECT", "5"]), OK);
    assert_eq!(r.cmd(&["SET", "z", "1"]), OK);
    assert_eq!(r.cmd(&["FLUSHALL", "sync"]), OK);
    assert_eq!(r.cmd(&["DBSIZE"]), int(0));
    assert_eq!(r.cmd(&["SELECT", "0"]), OK);
    assert_eq!(r.cmd(&["DBSIZE"]), int(0));
    assert_eq!(r.cmd(&["FLUSHALL"]), OK);
    assert_eq!(r.cmd(&["FLUSHDB"]), OK);
}

#[test]
fn swapdb_and_flushdb_abort_watchers() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let mut other = t.raw();
    assert_eq!(r.cmd(&["SET", "w", "1"]), OK);
    assert_eq!(r.cmd(&["WATCH", "w"]), OK);
    assert_eq!(other.cmd(&["SWAPDB", "0", "1"]), OK);
    assert_eq!(r.cmd(&["MULTI"]), OK);
    assert_eq!(r.cmd(&["PING"]), "+QUEUED\r\n");
    assert_eq!(r.cmd(&["EXEC"]), "*-1\r\n");
    assert_eq!(other.cmd(&["SWAPDB", "0", "1"]), OK);
    assert_eq!(r.cmd(&["WATCH", "w"]), OK);
    assert_eq!(other.cmd(&["FLUSHDB"]), OK);
    assert_eq!(r.cmd(&["MULTI"]), OK);
    assert_eq!(r.cmd(&["PING"]), "+QUEUED\r\n");
    assert_eq!(r.cmd(&["EXEC"]), "*-1\r\n");
}

/// name, arity, flags, first key, last key, step
type InfoRow<'a> = (&'a str, i64, &'a [&'a str], i64, i64, i64);

#[test]
fn command_info_matches_redis() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let rows: &[InfoRow] = &[
        ("del", -2, &["write"], 1, -1, 1),
        ("unlink", -2, &["write", "fast"], 1, -1, 1),
        ("exists", -2, &["readonly", "fast"], 1, -1, 1),
        ("type", 2, &["readonly", "fast"], 1, 1, 1),
        ("rename", 3, &["write"], 1, 2, 1),
        ("renamenx", 3, &["write", "fast"], 1, 2, 1),
        ("copy", -3, &["write", "denyoom"], 1, 2, 1),
        ("move", 3, &["write", "fast"], 1, 1, 1),
        ("keys", 2, &["readonly"], 0, 0, 0),
        ("randomkey", 1, &["readonly"], 0, 0, 0),
        ("touch", -2, &["readonly", "fast"], 1, -1, 1),
        ("scan", -2, &["readonly"], 0, 0, 0),
        ("object", -2, &[], 0, 0, 0),
        ("object|help", 2, &["loading", "stale"], 0, 0, 0),
        ("object|encoding", 3, &["readonly"], 2, 2, 1),
        ("object|freq", 3, &["readonly"], 2, 2, 1),
        ("object|idletime", 3, &["readonly"], 2, 2, 1),
        ("object|refcount", 3, &["readonly"], 2, 2, 1),
        ("expire", -3, &["write", "fast"], 1, 1, 1),
        ("pexpire", -3, &["write", "fast"], 1, 1, 1),
        ("expireat", -3, &["write", "fast"], 1, 1, 1),
        ("pexpireat", -3, &["write", "fast"], 1, 1, 1),
        ("ttl", 2, &["readonly", "fast"], 1, 1, 1),
        ("pttl", 2, &["readonly", "fast"], 1, 1, 1),
        ("expiretime", 2, &["readonly", "fast"], 1, 1, 1),
        ("pexpiretime", 2, &["readonly", "fast"], 1, 1, 1),
        ("persist", 2, &["write", "fast"], 1, 1, 1),
        ("dbsize", 1, &["readonly", "fast"], 0, 0, 0),
        ("flushdb", -1, &["write"], 0, 0, 0),
        ("flushall", -1, &["write"], 0, 0, 0),
        ("swapdb", 3, &["write", "fast"], 0, 0, 0),
    ];
    for (name, arity, flags, first, last, step) in rows {
        let mut want = format!("*1\r\n*10\r\n{}:{arity}\r\n*{}\r\n", bulk(name), flags.len());
        for f in *flags {
            want.push_str(&format!("+{f}\r\n"));
        }
        want.push_str(&format!(":{first}\r\n:{last}\r\n:{step}\r\n"));
        let got = r.cmd(&["COMMAND", "INFO", name]);
        assert!(got.starts_with(&want), "{name}: got {got:?}\nwant prefix {want:?}");
    }
}

#[test]
fn keyspace_events() {
    let t = Target::start(&["--notify-keyspace-events", "KEAn"]);
    let mut sub = t.raw();
    assert!(sub.cmd(&["PSUBSCRIBE", "__keyevent@*"]).starts_with("*3\r\n$10\r\npsubscribe\r\n"));
    let mut r = t.raw();
    let script: &[&[&str]] = &[
        &["SET", "a", "1"],
        &["SET", "b", "2"],
        &["RENAME", "a", "b"],
        &["COPY", "b", "c"],
        &["COPY", "b", "c", "REPLACE"],
        &["MOVE", "c", "1"],
        &["EXPIRE", "b", "100"],
        &["PERSIST", "b"],
        &["EXPIRE", "b", "-1"],
        &["SET", "x", "1"],
        &["DEL", "x", "nope"],
        &["FLUSHALL"],
        &["SET", "y", "1"],
        &["SWAPDB", "0", "1"],
        &["PEXPIRE", "y", "1"],
        &["SELECT", "1"],
        &["RENAMENX", "y", "z"],
        &["PEXPIRE", "z", "1"],
    ];
    for cmd in script {
        assert!(!r.cmd(cmd).starts_with('-'), "{cmd:?}");
    }
    std::thread::sleep(Duration::from_millis(20));
    r.cmd(&["GET", "z"]);
    let expected = [
        "0:new:a",
        "0:set:a",
        "0:new:b",
        "0:set:b",
        "0:new:b",
        "0:rename_from:a",
        "0:rename_to:b",
        "0:new:c",
        "0:copy_to:c",
        "0:new:c",
        "0:copy_to:c",
        "1:new:c",
        "0:move_from:c",
        "1:move_to:c",
        "0:expire:b",
        "0:persist:b",
        "0:del:b",
        "0:new:x",
        "0:set:x",
        "0:del:x",
        "0:new:y",
        "0:set:y",
        "1:new:z",
        "1:rename_from:y",
        "1:rename_to:z",
        "1:expire:z",
        "1:expired:z",
    ];
    for want in expected {
        let msg = sub.read_reply();
        let parts: Vec<&str> = msg.split("\r\n").collect();
        // *4, $8, pmessage, $n, pattern, $n, channel, $n, key
        assert_eq!(parts[2], "pmessage", "{msg:?}");
        let channel = parts[6].strip_prefix("__keyevent@").unwrap();
        let (db, event) = channel.split_once("__:").unwrap();
        assert_eq!(format!("{db}:{event}:{}", parts[8]), want);
    }
}

#[test]
fn flushall_async_and_unlink_free_big_values_off_the_lock() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    // One big hash and many keys.
    let mut load = Vec::new();
    for i in 0..20_000 {
        load.extend(common::encode(&["HSET", "bighash", &format!("f{i}"), "some value here"]));
        load.extend(common::encode(&["SET", &format!("k{i}"), "v"]));
    }
    r.send(&load);
    for _ in 0..40_000 {
        r.read_reply();
    }
    assert_eq!(r.cmd(&["UNLINK", "bighash", "k0", "nokey"]), int(2));
    assert_eq!(r.cmd(&["EXISTS", "bighash"]), int(0));
    assert_eq!(r.cmd(&["FLUSHALL", "ASYNC"]), OK);
    assert_eq!(r.cmd(&["DBSIZE"]), int(0));
    assert_eq!(r.cmd(&["SET", "after", "1"]), OK);
    assert_eq!(r.cmd(&["FLUSHDB", "ASYNC"]), OK);
    assert_eq!(r.cmd(&["DBSIZE"]), int(0));
    assert_eq!(r.cmd(&["FLUSHALL", "LAZY"]), "-ERR syntax error\r\n");
}
