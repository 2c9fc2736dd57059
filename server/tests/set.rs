//! Set commands against the real binary: the SADD/SMEMBERS/SDIFF/SINTER/
//! SUNION/SREM/SPOP/SRANDMEMBER walkthrough, the STORE forms, SMOVE, SINTERCARD,
//! SSCAN completeness, error texts, RESP3 reply types, keyspace events, WATCH,
//! and the intset/listpack/hashtable encodings.
//!
//! Every expected reply was taken from Redis 7.0 (byte for byte, or as a
//! sorted member list where Redis's hash order is not meaningful). To replay
//! the tests against a real Redis (a scratch instance: it gets FLUSHALLed),
//! run `REAL_REDIS_PORT=6379 cargo test --test set -- --test-threads=1`.
//! The encoding test follows Redis 7.2+ (listpack sets) and is skipped there.

mod common;
use common::{arr, bulk, int, read_events, subscribe_events};

use std::collections::HashSet;

use common::{Raw, Target};

const NIL: &str = "$-1\r\n";
const EMPTY: &str = "*0\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const POSITIVE: &str = "-ERR value is out of range, must be positive\r\n";

fn check(r: &mut Raw, script: &[(&[&str], &str)]) {
    for (cmd, want) in script {
        assert_eq!(r.cmd(cmd), *want, "{cmd:?}");
    }
}

/// The bulk strings of a (flat) array reply, in order.
fn items(reply: &str) -> Vec<String> {
    let lines: Vec<&str> = reply.split("\r\n").collect();
    assert!(lines[0].starts_with('*') || lines[0].starts_with('~'), "{reply:?}");
    lines[1..].chunks(2).filter(|c| c.len() == 2 && c[0].starts_with('$')).map(|c| c[1].to_string()).collect()
}

/// The members of an array reply, sorted.
fn sorted(r: &mut Raw, cmd: &[&str]) -> Vec<String> {
    let mut v = items(&r.cmd(cmd));
    v.sort();
    v
}

fn strs(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn walkthrough() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["SADD", "myset", "Hello"], &int(1)),
            (&["SADD", "myset", "World"], &int(1)),
            (&["SADD", "myset", "World"], &int(0)),
            (&["SCARD", "myset"], &int(2)),
            (&["SISMEMBER", "myset", "Hello"], &int(1)),
            (&["SISMEMBER", "myset", "nope"], &int(0)),
            (&["SMISMEMBER", "myset", "Hello", "nope", "World"], "*3\r\n:1\r\n:0\r\n:1\r\n"),
            (&["SMISMEMBER", "missing", "a", "b"], "*2\r\n:0\r\n:0\r\n"),
            (&["SCARD", "missing"], &int(0)),
            (&["SMEMBERS", "missing"], EMPTY),
            (&["TYPE", "myset"], "+set\r\n"),
        ],
    );
    assert_eq!(sorted(&mut r, &["SMEMBERS", "myset"]), strs(&["Hello", "World"]));

    // SDIFF / SINTER / SUNION with the redis.io keys.
    check(&mut r, &[(&["SADD", "key1", "a", "b", "c"], &int(3)), (&["SADD", "key2", "c", "d", "e"], &int(3))]);
    assert_eq!(sorted(&mut r, &["SDIFF", "key1", "key2"]), strs(&["a", "b"]));
    assert_eq!(sorted(&mut r, &["SINTER", "key1", "key2"]), strs(&["c"]));
    assert_eq!(sorted(&mut r, &["SUNION", "key1", "key2"]), strs(&["a", "b", "c", "d", "e"]));
    assert_eq!(sorted(&mut r, &["SDIFF", "key1", "missing"]), strs(&["a", "b", "c"]));
    assert_eq!(r.cmd(&["SDIFF", "missing", "key1"]), EMPTY);
    assert_eq!(r.cmd(&["SDIFF", "key1", "key1"]), EMPTY);
    assert_eq!(r.cmd(&["SINTER", "key1", "missing"]), EMPTY);
    assert_eq!(sorted(&mut r, &["SUNION", "missing", "key2"]), strs(&["c", "d", "e"]));

    // Integer sets come back in ascending order (intset), here and in Redis.
    check(
        &mut r,
        &[
            (&["SADD", "n", "3", "1", "2", "-5", "100"], &int(5)),
            (&["SMEMBERS", "n"], &arr(&["-5", "1", "2", "3", "100"])),
            (&["SADD", "m", "1", "7", "100"], &int(3)),
            (&["SINTER", "n", "m"], &arr(&["1", "100"])),
            (&["SINTERCARD", "2", "n", "m"], &int(2)),
            (&["SINTERCARD", "2", "n", "m", "LIMIT", "1"], &int(1)),
            (&["SINTERCARD", "2", "n", "m", "LIMIT", "0"], &int(2)),
            (&["SINTERCARD", "2", "n", "missing"], &int(0)),
            (&["SUNION", "n", "m"], &arr(&["-5", "1", "2", "3", "7", "100"])),
            (&["SDIFF", "n", "m"], &arr(&["-5", "2", "3"])),
            (&["SISMEMBER", "n", "01"], &int(0)),
            (&["SISMEMBER", "n", "-5"], &int(1)),
        ],
    );

    // SREM: counts removed members; the key goes away with its last member.
    check(
        &mut r,
        &[
            (&["SREM", "myset", "nope"], &int(0)),
            (&["SREM", "myset", "Hello", "nope", "Hello"], &int(1)),
            (&["SREM", "myset", "World"], &int(1)),
            (&["EXISTS", "myset"], &int(0)),
            (&["SREM", "missing", "a"], &int(0)),
        ],
    );

    // SPOP: one member, or a count; the key goes away when empty.
    check(&mut r, &[(&["SADD", "p", "one", "two", "three"], &int(3))]);
    let all: HashSet<String> = ["one", "two", "three"].iter().map(|s| s.to_string()).collect();
    let one = r.cmd(&["SPOP", "p"]);
    let popped = one.split("\r\n").nth(1).unwrap().to_string();
    assert!(all.contains(&popped), "{one:?}");
    assert_eq!(r.cmd(&["SISMEMBER", "p", &popped]), int(0));
    let rest = items(&r.cmd(&["SPOP", "p", "3"]));
    assert_eq!(rest.len(), 2);
    let mut seen: HashSet<String> = rest.into_iter().collect();
    seen.insert(popped);
    assert_eq!(seen, all);
    check(
        &mut r,
        &[
            (&["EXISTS", "p"], &int(0)),
            (&["SPOP", "p"], NIL),
            (&["SPOP", "p", "2"], EMPTY),
            (&["SADD", "p", "a", "b"], &int(2)),
            (&["SPOP", "p", "0"], EMPTY),
            (&["SCARD", "p"], &int(2)),
        ],
    );

    // SRANDMEMBER: distinct members for a positive count, repeats for a negative one.
    check(&mut r, &[(&["SADD", "rs", "1", "2", "3", "4", "5"], &int(5))]);
    let one = r.cmd(&["SRANDMEMBER", "rs"]);
    assert!(["1", "2", "3", "4", "5"].iter().any(|m| one == bulk(m)), "{one:?}");
    let three = items(&r.cmd(&["SRANDMEMBER", "rs", "3"]));
    assert_eq!(three.iter().collect::<HashSet<_>>().len(), 3);
    assert_eq!(r.cmd(&["SRANDMEMBER", "rs", "5"]), arr(&["1", "2", "3", "4", "5"]));
    assert_eq!(r.cmd(&["SRANDMEMBER", "rs", "100"]), arr(&["1", "2", "3", "4", "5"]));
    let many = items(&r.cmd(&["SRANDMEMBER", "rs", "-20"]));
    assert_eq!(many.len(), 20);
    assert!(many.iter().all(|m| ["1", "2", "3", "4", "5"].contains(&m.as_str())));
    check(
        &mut r,
        &[
            (&["SRANDMEMBER", "rs", "0"], EMPTY),
            (&["SRANDMEMBER", "missing"], NIL),
            (&["SRANDMEMBER", "missing", "5"], EMPTY),
            (&["SCARD", "rs"], &int(5)),
        ],
    );
}

#[test]
fn random_members_of_big_sets() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let members: Vec<String> = (0..1000).map(|i| format!("m{i}")).collect();
    let mut cmd = vec!["SADD", "big"];
    cmd.extend(members.iter().map(|s| s.as_str()));
    assert_eq!(r.cmd(&cmd), int(1000));
    let all: HashSet<String> = members.iter().cloned().collect();
    // Case 4 (few of many), case 3 (most of them), negative counts.
    for count in ["10", "900", "-2000"] {
        let got = items(&r.cmd(&["SRANDMEMBER", "big", count]));
        let n: i64 = count.parse().unwrap();
        assert_eq!(got.len() as i64, n.abs());
        assert!(got.iter().all(|m| all.contains(m)));
        if n > 0 {
            assert_eq!(got.iter().collect::<HashSet<_>>().len(), got.len());
        }
    }
    // SPOP: a few (one by one), then most of what is left (rebuild).
    let few = items(&r.cmd(&["SPOP", "big", "10"]));
    let most = items(&r.cmd(&["SPOP", "big", "985"]));
    let rest = items(&r.cmd(&["SMEMBERS", "big"]));
    assert_eq!((few.len(), most.len(), rest.len()), (10, 985, 5));
    let union: HashSet<String> = few.into_iter().chain(most).chain(rest).collect();
    assert_eq!(union, all);
}

#[test]
fn store_forms() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["SADD", "a", "1", "2", "3", "4"], &int(4)),
            (&["SADD", "b", "3", "4", "5"], &int(3)),
            (&["SET", "str", "x"], "+OK\r\n"),
            (&["SINTERSTORE", "d", "a", "b"], &int(2)),
            (&["SMEMBERS", "d"], &arr(&["3", "4"])),
            (&["SUNIONSTORE", "d", "a", "b"], &int(5)),
            (&["SMEMBERS", "d"], &arr(&["1", "2", "3", "4", "5"])),
            (&["SDIFFSTORE", "d", "a", "b"], &int(2)),
            (&["SMEMBERS", "d"], &arr(&["1", "2"])),
            // The destination may be a source.
            (&["SUNIONSTORE", "d", "d", "b"], &int(5)),
            (&["SDIFFSTORE", "d", "d", "a"], &int(1)),
            (&["SMEMBERS", "d"], &arr(&["5"])),
            // Any old value is replaced, and a TTL is cleared.
            (&["SINTERSTORE", "str", "a", "b"], &int(2)),
            (&["TYPE", "str"], "+set\r\n"),
            (&["EXPIRE", "d", "100"], &int(1)),
            (&["SUNIONSTORE", "d", "b"], &int(3)),
            (&["TTL", "d"], &int(-1)),
            // An empty result deletes the destination.
            (&["SDIFFSTORE", "d", "a", "a"], &int(0)),
            (&["EXISTS", "d"], &int(0)),
            (&["SET", "d", "x"], "+OK\r\n"),
            (&["SINTERSTORE", "d", "a", "missing"], &int(0)),
            (&["EXISTS", "d"], &int(0)),
            (&["SUNIONSTORE", "d", "missing", "missing2"], &int(0)),
            (&["SDIFFSTORE", "d", "missing", "a"], &int(0)),
            (&["EXISTS", "d"], &int(0)),
            // Sources are type checked even when one of them is missing.
            (&["SINTERSTORE", "d", "missing", "str2"], &int(0)),
            (&["SET", "s2", "x"], "+OK\r\n"),
            (&["SINTERSTORE", "d", "missing", "s2"], WRONGTYPE),
            (&["SUNIONSTORE", "d", "a", "s2"], WRONGTYPE),
            (&["SDIFFSTORE", "d", "missing", "s2"], WRONGTYPE),
            (&["SINTERSTORE", "d"], "-ERR wrong number of arguments for 'sinterstore' command\r\n"),
        ],
    );
    // Strings and integers mixed.
    check(
        &mut r,
        &[
            (&["SADD", "x", "a", "b", "1"], &int(3)),
            (&["SADD", "y", "b", "1", "c"], &int(3)),
            (&["SINTERSTORE", "z", "x", "y"], &int(2)),
        ],
    );
    assert_eq!(sorted(&mut r, &["SMEMBERS", "z"]), strs(&["1", "b"]));
}

#[test]
fn smove() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["SADD", "src", "a", "b"], &int(2)),
            (&["SADD", "dst", "c"], &int(1)),
            (&["SET", "str", "x"], "+OK\r\n"),
            (&["SMOVE", "src", "dst", "a"], &int(1)),
            (&["SMOVE", "src", "dst", "zz"], &int(0)),
            (&["SISMEMBER", "dst", "a"], &int(1)),
            (&["SISMEMBER", "src", "a"], &int(0)),
            // Same key: 1 if a member, nothing moves.
            (&["SMOVE", "src", "src", "b"], &int(1)),
            (&["SMOVE", "src", "src", "a"], &int(0)),
            // A missing source is checked before the destination's type.
            (&["SMOVE", "missing", "str", "a"], &int(0)),
            (&["SMOVE", "src", "str", "b"], WRONGTYPE),
            (&["SMOVE", "str", "src", "b"], WRONGTYPE),
            // Moving the last member deletes the source and creates the destination.
            (&["SMOVE", "src", "new", "b"], &int(1)),
            (&["EXISTS", "src"], &int(0)),
            (&["SMEMBERS", "new"], &arr(&["b"])),
            // Already in the destination: still 1, and removed from the source.
            (&["SADD", "src", "c"], &int(1)),
            (&["SMOVE", "src", "dst", "c"], &int(1)),
            (&["EXISTS", "src"], &int(0)),
            (&["SCARD", "dst"], &int(2)),
            (&["SMOVE", "a"], "-ERR wrong number of arguments for 'smove' command\r\n"),
        ],
    );
}

#[test]
fn errors() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let numkeys = "-ERR numkeys should be greater than 0\r\n";
    let limit = "-ERR LIMIT can't be negative\r\n";
    check(
        &mut r,
        &[
            (&["SET", "str", "x"], "+OK\r\n"),
            (&["SADD", "s", "a"], &int(1)),
            (&["SADD", "str", "a"], WRONGTYPE),
            (&["SREM", "str", "a"], WRONGTYPE),
            (&["SISMEMBER", "str", "a"], WRONGTYPE),
            (&["SMISMEMBER", "str", "a"], WRONGTYPE),
            (&["SCARD", "str"], WRONGTYPE),
            (&["SMEMBERS", "str"], WRONGTYPE),
            (&["SPOP", "str"], WRONGTYPE),
            (&["SPOP", "str", "0"], WRONGTYPE),
            (&["SPOP", "str", "-1"], POSITIVE),
            (&["SRANDMEMBER", "str"], WRONGTYPE),
            (&["SRANDMEMBER", "str", "-1"], WRONGTYPE),
            (&["SINTER", "missing", "str"], WRONGTYPE),
            (&["SUNION", "missing", "str"], WRONGTYPE),
            (&["SDIFF", "missing", "str"], WRONGTYPE),
            (&["SINTERCARD", "2", "s", "str"], WRONGTYPE),
            (&["SINTERCARD", "1", "missing", "str"], SYNTAX),
            (&["SSCAN", "str", "0"], WRONGTYPE),
            (&["SSCAN", "str", "0", "COUNT", "0"], WRONGTYPE),
            // SPOP / SRANDMEMBER counts.
            (&["SPOP", "s", "-1"], POSITIVE),
            (&["SPOP", "s", "abc"], POSITIVE),
            (&["SPOP", "s", "1", "2"], SYNTAX),
            (
                &["SRANDMEMBER", "s", "-9223372036854775808"],
                "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            ),
            (&["SRANDMEMBER", "s", "abc"], NOT_INT),
            (&["SRANDMEMBER", "s", "1", "2"], SYNTAX),
            (&["SRANDMEMBER", "s", "9223372036854775807"], &arr(&["a"])),
            // SINTERCARD arguments.
            (&["SINTERCARD", "0", "s"], numkeys),
            (&["SINTERCARD", "-1", "s"], numkeys),
            (&["SINTERCARD", "abc", "s"], numkeys),
            (&["SINTERCARD", "9223372036854775808", "s"], numkeys),
            (&["SINTERCARD", "3", "s"], "-ERR Number of keys can't be greater than number of args\r\n"),
            (&["SINTERCARD", "1", "s", "LIMIT", "-1"], limit),
            (&["SINTERCARD", "1", "s", "LIMIT", "abc"], limit),
            (&["SINTERCARD", "1", "s", "FOO"], SYNTAX),
            (&["SINTERCARD", "1", "s", "LIMIT"], SYNTAX),
            (&["SINTERCARD", "1", "s", "limit", "5", "limit", "0"], &int(1)),
            (&["SINTERCARD", "1"], "-ERR wrong number of arguments for 'sintercard' command\r\n"),
            // SSCAN arguments: the cursor first, then the key, then the options.
            (&["SSCAN", "s", "abc"], "-ERR invalid cursor\r\n"),
            (&["SSCAN", "missing", "abc"], "-ERR invalid cursor\r\n"),
            (&["SSCAN", "missing", "0", "COUNT", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"),
            (&["SSCAN", "s", "0", "COUNT", "0"], SYNTAX),
            (&["SSCAN", "s", "0", "COUNT", "-1"], SYNTAX),
            (&["SSCAN", "s", "0", "COUNT", "abc"], NOT_INT),
            (&["SSCAN", "s", "0", "TYPE", "string"], SYNTAX),
            (&["SSCAN", "s", "0", "NOVALUES"], SYNTAX),
            (&["SSCAN", "s", "0", "MATCH"], SYNTAX),
            (&["SADD", "s"], "-ERR wrong number of arguments for 'sadd' command\r\n"),
            (&["SREM", "s"], "-ERR wrong number of arguments for 'srem' command\r\n"),
            (&["SISMEMBER", "s"], "-ERR wrong number of arguments for 'sismember' command\r\n"),
            (&["SMEMBERS"], "-ERR wrong number of arguments for 'smembers' command\r\n"),
            (&["SCARD", "a", "b"], "-ERR wrong number of arguments for 'scard' command\r\n"),
            (&["SSCAN", "s"], "-ERR wrong number of arguments for 'sscan' command\r\n"),
        ],
    );
}

#[test]
fn resp3_reply_types() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert!(r.cmd(&["HELLO", "3"]).starts_with('%'));
    let set3 = "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n";
    check(
        &mut r,
        &[
            (&["SADD", "s", "1", "2", "3"], &int(3)),
            (&["SMEMBERS", "s"], set3),
            (&["SINTER", "s", "s"], set3),
            (&["SUNION", "s"], set3),
            (&["SDIFF", "s"], set3),
            (&["SINTER", "s", "missing"], "~0\r\n"),
            (&["SMEMBERS", "missing"], "~0\r\n"),
            // SRANDMEMBER with a count is an array (it may repeat members).
            (&["SRANDMEMBER", "s", "5"], &arr(&["1", "2", "3"])),
            (&["SRANDMEMBER", "s", "0"], EMPTY),
            (&["SRANDMEMBER", "missing", "3"], EMPTY),
            (&["SRANDMEMBER", "missing"], "_\r\n"),
            (&["SPOP", "missing"], "_\r\n"),
            (&["SPOP", "missing", "3"], "~0\r\n"),
            (&["SPOP", "s", "0"], "~0\r\n"),
            (&["SMISMEMBER", "s", "1", "9"], "*2\r\n:1\r\n:0\r\n"),
            (&["SSCAN", "missing", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"),
            (&["SPOP", "s", "10"], set3),
            (&["EXISTS", "s"], &int(0)),
        ],
    );
    let one = r.cmd(&["SADD", "s", "1", "2"]);
    assert_eq!(one, int(2));
    assert!(r.cmd(&["SPOP", "s", "1"]).starts_with("~1\r\n"));
}

#[test]
fn sscan_returns_every_member() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let mut cmd = vec!["SADD".to_string(), "big".to_string()];
    cmd.extend((0..2000).map(|i| format!("member:{i}")));
    let refs: Vec<&str> = cmd.iter().map(|s| s.as_str()).collect();
    assert_eq!(r.cmd(&refs), int(2000));
    let mut seen = HashSet::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let reply = r.cmd(&["SSCAN", "big", &cursor, "COUNT", "20"]);
        let lines: Vec<&str> = reply.split("\r\n").collect();
        assert_eq!(lines[0], "*2");
        cursor = lines[2].to_string();
        for m in items(&lines[3..].join("\r\n")) {
            seen.insert(m);
        }
        calls += 1;
        // Grow the set mid-iteration (the table resizes); the original members stay.
        if calls == 10 {
            let mut more = vec!["SADD".to_string(), "big".to_string()];
            more.extend((0..3000).map(|i| format!("extra:{i}")));
            let refs: Vec<&str> = more.iter().map(|s| s.as_str()).collect();
            assert_eq!(r.cmd(&refs), int(3000));
        }
        if cursor == "0" {
            break;
        }
        assert!(calls < 10_000);
    }
    assert!(calls > 10);
    for i in 0..2000 {
        assert!(seen.contains(&format!("member:{i}")), "member:{i} missed");
    }
    // MATCH filters what a step returns.
    let mut matched = HashSet::new();
    let mut cursor = "0".to_string();
    loop {
        let reply = r.cmd(&["SSCAN", "big", &cursor, "MATCH", "member:1?", "COUNT", "100"]);
        let lines: Vec<&str> = reply.split("\r\n").collect();
        cursor = lines[2].to_string();
        matched.extend(items(&lines[3..].join("\r\n")));
        if cursor == "0" {
            break;
        }
    }
    let want: HashSet<String> = (10..20).map(|i| format!("member:{i}")).collect();
    assert_eq!(matched, want);
    // A small integer set comes back whole in one call.
    assert_eq!(r.cmd(&["SADD", "small", "3", "1", "2"]), int(3));
    assert_eq!(r.cmd(&["SSCAN", "small", "0"]), "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    assert_eq!(r.cmd(&["SSCAN", "small", "0", "MATCH", "2"]), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n2\r\n");
}

#[test]
fn keyspace_events() {
    let t = Target::start(&["--notify-keyspace-events", "KEAn"]);
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    let script: &[&[&str]] = &[
        &["SADD", "a", "1", "2", "3"],
        &["SADD", "a", "1"],
        &["SADD", "b", "3"],
        &["SMOVE", "b", "a", "3"],
        &["SMOVE", "a", "c", "1"],
        &["SMOVE", "a", "c", "zz"],
        &["SREM", "a", "nope"],
        &["SREM", "a", "2", "3"],
        &["SINTERSTORE", "d", "c", "c"],
        &["SINTERSTORE", "d", "c", "missing"],
        &["SUNIONSTORE", "d", "c"],
        &["SDIFFSTORE", "d", "c", "c"],
        &["SDIFFSTORE", "d", "c", "c"],
        &["SADD", "e", "x", "y", "z"],
        &["SPOP", "e", "0"],
        &["SPOP", "e"],
        &["SPOP", "e", "1"],
        &["SPOP", "e", "5"],
        &["SPOP", "e"],
        &["SADD", "last", "1"],
    ];
    for cmd in script {
        let reply = r.cmd(cmd);
        assert!(!reply.starts_with('-'), "{cmd:?} {reply}");
    }
    let expected = [
        "new:a",
        "sadd:a",
        "new:b",
        "sadd:b",
        "srem:b",
        "del:b",
        "srem:a",
        "new:c",
        "sadd:c",
        "srem:a",
        "del:a",
        "new:d",
        "sinterstore:d",
        "del:d",
        "new:d",
        "sunionstore:d",
        "del:d",
        "new:e",
        "sadd:e",
        "spop:e",
        "spop:e",
        "spop:e",
        "del:e",
        "new:last",
        "sadd:last",
    ];
    let got = read_events(&mut sub, expected.len());
    assert_eq!(got, expected);
}

#[test]
fn watch_is_touched_only_by_real_changes() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let mut other = t.raw();
    assert_eq!(r.cmd(&["SADD", "w", "a"]), int(1));
    // Commands that change nothing leave a WATCH alone.
    let noops: &[&[&str]] = &[
        &["SADD", "w", "a"],
        &["SREM", "w", "zz"],
        &["SMOVE", "w", "w", "a"],
        &["SMOVE", "w", "x", "zz"],
        &["SPOP", "w", "0"],
        &["SINTERSTORE", "nokey", "missing"],
    ];
    for cmd in noops {
        assert_eq!(r.cmd(&["WATCH", "w"]), "+OK\r\n");
        other.cmd(cmd);
        assert_eq!(r.cmd(&["MULTI"]), "+OK\r\n");
        assert_eq!(r.cmd(&["PING"]), "+QUEUED\r\n");
        assert_eq!(r.cmd(&["EXEC"]), "*1\r\n+PONG\r\n", "{cmd:?}");
    }
    let changes: &[&[&str]] = &[&["SADD", "w", "b"], &["SREM", "w", "b"], &["SUNIONSTORE", "w", "w"]];
    for cmd in changes {
        assert_eq!(r.cmd(&["WATCH", "w"]), "+OK\r\n");
        other.cmd(cmd);
        assert_eq!(r.cmd(&["MULTI"]), "+OK\r\n");
        assert_eq!(r.cmd(&["PING"]), "+QUEUED\r\n");
        assert_eq!(r.cmd(&["EXEC"]), "*-1\r\n", "{cmd:?}");
    }
}

#[test]
fn command_info_key_positions() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1"], &arr(&["a", "b"])),
            (&["COMMAND", "GETKEYS", "SMOVE", "a", "b", "m"], &arr(&["a", "b"])),
            (&["COMMAND", "GETKEYS", "SINTERSTORE", "d", "a", "b"], &arr(&["d", "a", "b"])),
            (&["COMMAND", "GETKEYS", "SADD", "k", "m"], &arr(&["k"])),
        ],
    );
    // name, arity, first, last, step as Redis reports them.
    let info = |r: &mut Raw, name: &str| -> (String, String) {
        let reply = r.cmd(&["COMMAND", "INFO", name]);
        let lines: Vec<&str> = reply.split("\r\n").collect();
        let arity = lines[4].to_string();
        // After the flags set (line 5): first, last, step.
        let flags_at = 5;
        let n: usize = lines[flags_at][1..].parse().unwrap();
        let rest = &lines[flags_at + 1 + n..flags_at + 4 + n];
        (arity, rest.join(" "))
    };
    let expect = [
        ("sadd", ":-3", ":1 :1 :1"),
        ("smove", ":4", ":1 :2 :1"),
        ("sinter", ":-2", ":1 :-1 :1"),
        ("sintercard", ":-3", ":0 :0 :0"),
        ("sdiffstore", ":-3", ":1 :-1 :1"),
        ("sscan", ":-3", ":1 :1 :1"),
        ("spop", ":-2", ":1 :1 :1"),
    ];
    for (name, arity, keys) in expect {
        assert_eq!(info(&mut r, name), (arity.to_string(), keys.to_string()), "{name}");
    }
}

#[test]
fn encodings() {
    let t = Target::start(&[]);
    if t.is_real() {
        // Redis 7.0 has no listpack sets (7.2 added them); we follow 7.2+.
        return;
    }
    let mut r = t.raw();
    let enc = |r: &mut Raw, k: &str| r.cmd(&["OBJECT", "ENCODING", k]);
    let many = |prefix: &str, n: usize| -> Vec<String> { (0..n).map(|i| format!("{prefix}{i}")).collect() };
    let sadd = |r: &mut Raw, key: &str, members: &[String]| {
        let mut c = vec!["SADD", key];
        c.extend(members.iter().map(|s| s.as_str()));
        r.cmd(&c)
    };
    assert_eq!(r.cmd(&["SADD", "s", "1", "2", "3"]), int(3));
    assert_eq!(enc(&mut r, "s"), bulk("intset"));
    // A string turns a small intset into a listpack, integers first in order.
    assert_eq!(r.cmd(&["SADD", "s", "x"]), int(1));
    assert_eq!(enc(&mut r, "s"), bulk("listpack"));
    assert_eq!(r.cmd(&["SMEMBERS", "s"]), arr(&["1", "2", "3", "x"]));
    // A member over set-max-listpack-value (64) makes it a hashtable, for good.
    assert_eq!(r.cmd(&["SADD", "s", &"v".repeat(65)]), int(1));
    assert_eq!(enc(&mut r, "s"), bulk("hashtable"));
    assert_eq!(r.cmd(&["SREM", "s", &"v".repeat(65), "x"]), int(2));
    assert_eq!(enc(&mut r, "s"), bulk("hashtable"));
    // 512 integers stay an intset; the 513th converts it.
    assert_eq!(sadd(&mut r, "i", &many("", 512)), int(512));
    assert_eq!(enc(&mut r, "i"), bulk("intset"));
    assert_eq!(r.cmd(&["SADD", "i", "512"]), int(1));
    assert_eq!(enc(&mut r, "i"), bulk("hashtable"));
    // 128 strings stay a listpack; the 129th converts it.
    assert_eq!(sadd(&mut r, "l", &many("m", 128)), int(128));
    assert_eq!(enc(&mut r, "l"), bulk("listpack"));
    assert_eq!(r.cmd(&["SADD", "l", "one-more"]), int(1));
    assert_eq!(enc(&mut r, "l"), bulk("hashtable"));
    // Created straight as a hashtable when SADD brings too many members.
    assert_eq!(sadd(&mut r, "h", &many("m", 129)), int(129));
    assert_eq!(enc(&mut r, "h"), bulk("hashtable"));
    // SINTERSTORE of integers stores an intset; SUNIONSTORE builds from an intset.
    assert_eq!(r.cmd(&["SINTERSTORE", "d", "i", "i"]), int(513));
    assert_eq!(enc(&mut r, "d"), bulk("hashtable"));
    assert_eq!(r.cmd(&["SADD", "few", "5", "x", "7"]), int(3));
    assert_eq!(r.cmd(&["SADD", "few2", "5", "7", "9"]), int(3));
    assert_eq!(r.cmd(&["SINTERSTORE", "d", "few", "few2"]), int(2));
    assert_eq!(enc(&mut r, "d"), bulk("intset"));
    assert_eq!(r.cmd(&["SUNIONSTORE", "d", "few"]), int(3));
    assert_eq!(enc(&mut r, "d"), bulk("listpack"));
    // Built into an intset: 5, then x (now a listpack), then 7 appended.
    assert_eq!(r.cmd(&["SMEMBERS", "d"]), arr(&["5", "x", "7"]));
    // SPOP that keeps only a few members rebuilds a compact set.
    assert_eq!(r.cmd(&["SPOP", "h", "120"]).lines().next(), Some("*120"));
    assert_eq!(enc(&mut r, "h"), bulk("listpack"));
    // The limits are configs.
    assert_eq!(r.cmd(&["CONFIG", "SET", "set-max-intset-entries", "2"]), "+OK\r\n");
    assert_eq!(r.cmd(&["CONFIG", "SET", "set-max-listpack-entries", "3"]), "+OK\r\n");
    assert_eq!(r.cmd(&["CONFIG", "SET", "set-max-listpack-value", "4"]), "+OK\r\n");
    assert_eq!(r.cmd(&["CONFIG", "GET", "set-max-listpack-value"]), arr(&["set-max-listpack-value", "4"]));
    assert_eq!(r.cmd(&["SADD", "c", "1", "2"]), int(2));
    assert_eq!(enc(&mut r, "c"), bulk("intset"));
    assert_eq!(r.cmd(&["SADD", "c", "3"]), int(1));
    assert_eq!(enc(&mut r, "c"), bulk("hashtable"));
    assert_eq!(r.cmd(&["SADD", "c2", "abcd"]), int(1));
    assert_eq!(enc(&mut r, "c2"), bulk("listpack"));
    assert_eq!(r.cmd(&["SADD", "c2", "abcde"]), int(1));
    assert_eq!(enc(&mut r, "c2"), bulk("hashtable"));
    assert_eq!(r.cmd(&["SADD", "c3", "a", "b", "c", "d"]), int(4));
    assert_eq!(enc(&mut r, "c3"), bulk("hashtable"));
    assert!(r.cmd(&["CONFIG", "SET", "set-max-intset-entries", "-1"]).starts_with("-ERR CONFIG SET failed"));
    // COPY keeps the encoding.
    assert_eq!(r.cmd(&["COPY", "few", "few-copy"]), int(1));
    assert_eq!(enc(&mut r, "few-copy"), bulk("listpack"));
}
