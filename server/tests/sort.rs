//! SORT and SORT_RO against the real binary: numeric and ALPHA sorts of
//! lists, sets and sorted sets, ASC/DESC, LIMIT (negative and out-of-range
//! values), BY patterns (string keys, `->field` hash fields, constant
//! patterns = no sort), GET patterns (`#`, missing keys, hash fields), STORE
//! (count, list creation, TTL reset, deletion of the destination on an empty
//! result), keyspace events, WATCH, blocked clients, COMMAND GETKEYS and
//! every error reply.
//!
//! Every expected reply was taken from Redis 7.0.15. To replay the tests
//! against a real Redis (a scratch instance: it gets FLUSHALLed), run
//! `REAL_REDIS_PORT=6379 cargo test --test sort -- --test-threads=1`.
//! The places where we follow newer Redis are skipped there: the `listpack`
//! encoding of a small stored list (7.2+), and Redis 8's score parser
//! (fast_float: no leading spaces, no hex). Out-of-range scores are not
//! replayed either: Redis checks a stale errno, so one ERANGE makes every
//! later numeric SORT of that process fail.

mod common;
use common::{bulk, int, read_events, subscribe_events, OK};

use common::{Raw, Target};

/// An array of bulk strings; `None` is a null bulk.
fn arr_opt(items: &[Option<&str>]) -> String {
    let mut s = format!("*{}\r\n", items.len());
    for i in items {
        match i {
            Some(v) => s.push_str(&bulk(v)),
            None => s.push_str(NIL),
        }
    }
    s
}

fn arr(items: &[&str]) -> String {
    let v: Vec<Option<&str>> = items.iter().map(|s| Some(*s)).collect();
    arr_opt(&v)
}

const NIL: &str = "$-1\r\n";
const NIL_ARRAY: &str = "*-1\r\n";
const EMPTY: &str = "*0\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const SCORES: &str = "-ERR One or more scores can't be converted into double\r\n";

/// Checks each (command, expected reply) in order.
fn check(r: &mut Raw, script: &[(&[&str], &str)]) {
    for (cmd, want) in script {
        assert_eq!(r.cmd(cmd), *want, "{cmd:?}");
    }
}

#[test]
fn numeric_and_alpha() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["RPUSH", "l", "3", "1", "2", "10"], &int(4)),
            (&["SORT", "l"], &arr(&["1", "2", "3", "10"])),
            (&["SORT", "l", "DESC"], &arr(&["10", "3", "2", "1"])),
            (&["SORT", "l", "ALPHA"], &arr(&["1", "10", "2", "3"])),
            (&["SORT", "l", "alpha", "desc"], &arr(&["3", "2", "10", "1"])),
            (&["SORT", "l", "ASC", "DESC", "ASC"], &arr(&["1", "2", "3", "10"])),
            (&["SORT", "l", "ALPHA", "ALPHA"], &arr(&["1", "10", "2", "3"])),
            (&["SORT_RO", "l", "DESC"], &arr(&["10", "3", "2", "1"])),
            // The source is left alone.
            (&["LRANGE", "l", "0", "-1"], &arr(&["3", "1", "2", "10"])),
            // Scores as strtod reads them; equal scores fall back to the bytes.
            (
                &["RPUSH", "n", "1.5", "-2", "1e3", "inf", "-inf", "+3", ".5", "5.", "-0", "0", "", "1E2", "infinity"],
                &int(13),
            ),
            (
                &["SORT", "n"],
                &arr(&["-inf", "-2", "", "-0", "0", ".5", "1.5", "+3", "5.", "1E2", "1e3", "inf", "infinity"]),
            ),
            (&["SORT", "n", "LIMIT", "2", "3"], &arr(&["", "-0", "0"])),
            // A NUL ends the number, as it ends a C string.
            (&["RPUSH", "nul", "3\0zz", "2"], &int(2)),
            (&["SORT", "nul"], &arr(&["2", "3\0zz"])),
            // Duplicates are kept.
            (&["RPUSH", "dup", "2", "1", "2"], &int(3)),
            (&["SORT", "dup"], &arr(&["1", "2", "2"])),
        ],
    );
    // Not a number: the whole SORT fails, with or without LIMIT or STORE.
    for bad in ["abc", "1e", ".", "-", "nan", "-nan", "infinit", "5 ", "1..2"] {
        r.cmd(&["DEL", "bad"]);
        r.cmd(&["RPUSH", "bad", "1", bad]);
        assert_eq!(r.cmd(&["SORT", "bad"]), SCORES, "{bad:?}");
    }
    check(
        &mut r,
        &[
            (&["SORT", "bad", "LIMIT", "0", "1"], SCORES),
            (&["SORT", "bad", "STORE", "dst"], SCORES),
            (&["EXISTS", "dst"], &int(0)),
            (&["SORT", "bad", "ALPHA"], &arr(&["1", "1..2"])),
            (&["SORT", "bad", "BY", "nosort"], &arr(&["1", "1..2"])),
        ],
    );
    if !t.is_real() {
        // Redis 8's parser: no leading space, no hex; out of range is an error.
        for bad in [" 5", "0x10", "1e400", "-1e400", "1e-400", "1e-310"] {
            r.cmd(&["DEL", "bad"]);
            r.cmd(&["RPUSH", "bad", "1", bad]);
            assert_eq!(r.cmd(&["SORT", "bad"]), SCORES, "{bad:?}");
        }
        r.cmd(&["DEL", "ok"]);
        r.cmd(&["RPUSH", "ok", "1e308", "0e-500", "2.2250738585072014e-308"]);
        assert_eq!(r.cmd(&["SORT", "ok"]), arr(&["0e-500", "2.2250738585072014e-308", "1e308"]));
    }
}

#[test]
fn alpha_compares_like_strcoll_unless_storing() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    // Without STORE, strcoll in the C locale: bytes up to the first NUL, and
    // a stable sort keeps ties in load order (also under DESC). With STORE,
    // whole binary strings.
    check(
        &mut r,
        &[
            (&["RPUSH", "al", "b\0z", "b\0a", "b", "a\0q", "B", "ä", "a"], &int(7)),
            (&["SORT", "al", "ALPHA"], &arr(&["B", "a\0q", "a", "b\0z", "b\0a", "b", "ä"])),
            (&["SORT", "al", "ALPHA", "DESC"], &arr(&["ä", "b\0z", "b\0a", "b", "a\0q", "a", "B"])),
            (&["SORT", "al", "ALPHA", "STORE", "d"], &int(7)),
            (&["LRANGE", "d", "0", "-1"], &arr(&["B", "a", "a\0q", "b", "b\0a", "b\0z", "ä"])),
        ],
    );
}

#[test]
fn limit() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["RPUSH", "l", "3", "1", "2"], &int(3)),
            (&["SORT", "l", "LIMIT", "0", "2"], &arr(&["1", "2"])),
            (&["SORT", "l", "LIMIT", "1", "-1"], &arr(&["2", "3"])),
            (&["SORT", "l", "LIMIT", "-5", "2"], &arr(&["1", "2"])),
            (&["SORT", "l", "LIMIT", "1", "0"], EMPTY),
            (&["SORT", "l", "LIMIT", "3", "1"], EMPTY),
            (&["SORT", "l", "LIMIT", "5", "1"], EMPTY),
            (&["SORT", "l", "LIMIT", "0", "-2"], &arr(&["1", "2", "3"])),
            (&["SORT", "l", "LIMIT", "2", "9223372036854775807"], &arr(&["3"])),
            (&["SORT", "l", "LIMIT", "-9223372036854775808", "1"], &arr(&["1"])),
            (&["SORT", "l", "DESC", "LIMIT", "1", "1"], &arr(&["2"])),
            // The last LIMIT wins.
            (&["SORT", "l", "LIMIT", "0", "1", "LIMIT", "1", "1"], &arr(&["2"])),
            (&["SORT", "l", "LIMIT", "a", "1"], NOT_INT),
            (&["SORT", "l", "LIMIT", "0", "b"], NOT_INT),
            (&["SORT", "l", "LIMIT", "0", "99999999999999999999"], NOT_INT),
            (&["SORT", "l", "LIMIT", "0"], SYNTAX),
            (&["SORT", "missing", "LIMIT", "0", "1"], EMPTY),
        ],
    );
}

#[test]
fn by_patterns() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["RPUSH", "l", "3", "1", "2"], &int(3)),
            (&["MSET", "w_1", "30", "w_2", "20", "w_3", "10"], OK),
            (&["SORT", "l", "BY", "w_*"], &arr(&["3", "2", "1"])),
            (&["SORT", "l", "BY", "w_*", "DESC"], &arr(&["1", "2", "3"])),
            (&["SORT", "l", "BY", "w_*", "LIMIT", "0", "1"], &arr(&["3"])),
            (&["SORT", "l", "BY", "w_*", "LIMIT", "0", "0"], EMPTY),
            // Hash fields; a missing weight is 0.
            (&["HSET", "hw_1", "f", "5"], &int(1)),
            (&["HSET", "hw_2", "f", "1"], &int(1)),
            (&["SORT", "l", "BY", "hw_*->f"], &arr(&["3", "2", "1"])),
            (&["SORT", "l", "BY", "hw_*->f", "DESC"], &arr(&["1", "2", "3"])),
            // A string key asked for a field, or a hash asked as a string: missing.
            (&["SORT", "l", "BY", "w_*->f"], &arr(&["1", "2", "3"])),
            (&["SORT", "l", "BY", "hw_*"], &arr(&["1", "2", "3"])),
            // A weight that is not a number fails the sort.
            (&["SET", "w_2", "x"], OK),
            (&["SORT", "l", "BY", "w_*"], SCORES),
            (&["SORT", "l", "BY", "w_*", "ALPHA"], &arr(&["3", "1", "2"])),
            (&["SET", "w_2", "20"], OK),
        ],
    );
    // All weights missing: numeric ties fall back to the elements; ALPHA
    // ties keep the list order, also under DESC.
    check(
        &mut r,
        &[
            (&["RPUSH", "m", "b", "a", "c"], &int(3)),
            (&["SORT", "m", "BY", "nokey_*"], &arr(&["a", "b", "c"])),
            (&["SORT", "m", "BY", "nokey_*", "DESC"], &arr(&["c", "b", "a"])),
            (&["SORT", "m", "BY", "nokey_*", "ALPHA"], &arr(&["b", "a", "c"])),
            (&["SORT", "m", "BY", "nokey_*", "ALPHA", "DESC"], &arr(&["b", "a", "c"])),
            (&["SORT", "m", "BY", "nokey_*", "ALPHA", "LIMIT", "0", "2"], &arr(&["b", "a"])),
            // Missing weights sort first in ALPHA.
            (&["MSET", "k_a", "2", "k_b", "1"], OK),
            (&["SORT", "m", "BY", "k_*", "ALPHA"], &arr(&["c", "b", "a"])),
            (&["SORT", "m", "BY", "k_*", "ALPHA", "DESC"], &arr(&["a", "b", "c"])),
            (&["SORT", "m", "BY", "k_*"], &arr(&["c", "b", "a"])),
        ],
    );
}

#[test]
fn constant_by_keeps_native_order() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["RPUSH", "l", "3", "1", "2", "10"], &int(4)),
            (&["SORT", "l", "BY", "nosort"], &arr(&["3", "1", "2", "10"])),
            (&["SORT", "l", "BY", "nosort", "DESC"], &arr(&["10", "2", "1", "3"])),
            (&["SORT", "l", "BY", "nosort", "LIMIT", "1", "2"], &arr(&["1", "2"])),
            (&["SORT", "l", "BY", "nosort", "LIMIT", "1", "2", "DESC"], &arr(&["2", "1"])),
            (&["SORT", "l", "BY", "nosort", "LIMIT", "3", "5", "DESC"], &arr(&["3"])),
            (&["SORT", "l", "BY", "nosort", "LIMIT", "4", "5"], EMPTY),
            // Any pattern without '*' (before a NUL) is constant; a later
            // real pattern does not bring the sort back.
            (&["SORT", "l", "BY", "#"], &arr(&["3", "1", "2", "10"])),
            (&["SORT", "l", "BY", "w_\0*"], &arr(&["3", "1", "2", "10"])),
            (&["SORT", "l", "BY", "nosort", "BY", "w_*"], &arr(&["3", "1", "2", "10"])),
            // No scores are read, so nothing can fail.
            (&["RPUSH", "bad", "x", "1"], &int(2)),
            (&["SORT", "bad", "BY", "nosort"], &arr(&["x", "1"])),
            // Sorted sets: score order, reversed by DESC, LIMIT on ranks.
            (&["ZADD", "z", "3", "c", "1", "a", "2", "b", "10", "x"], &int(4)),
            (&["SORT", "z", "BY", "nosort"], &arr(&["a", "b", "c", "x"])),
            (&["SORT", "z", "BY", "nosort", "DESC"], &arr(&["x", "c", "b", "a"])),
            (&["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"], &arr(&["b", "c"])),
            (&["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"], &arr(&["c", "b"])),
            (&["SORT", "z", "BY", "nosort", "LIMIT", "3", "10"], &arr(&["x"])),
            (&["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "3", "10"], &arr(&["a"])),
            (&["SORT", "z", "BY", "nosort", "LIMIT", "10", "10"], EMPTY),
            (&["SORT", "z", "ALPHA"], &arr(&["a", "b", "c", "x"])),
            (&["SORT", "z"], SCORES),
            // Sets: the set's own order, where DESC does nothing; with STORE
            // the set is sorted ALPHA instead, so the result is deterministic.
            (&["SADD", "si", "5", "3", "10", "1"], &int(4)),
            (&["SORT", "si"], &arr(&["1", "3", "5", "10"])),
            (&["SORT", "si", "BY", "nosort"], &arr(&["1", "3", "5", "10"])),
            (&["SORT", "si", "BY", "nosort", "DESC"], &arr(&["1", "3", "5", "10"])),
            (&["SORT", "si", "BY", "nosort", "LIMIT", "1", "2"], &arr(&["3", "5"])),
            (&["SORT", "si", "BY", "nosort", "STORE", "d"], &int(4)),
            (&["LRANGE", "d", "0", "-1"], &arr(&["1", "10", "3", "5"])),
            (&["SORT", "si", "BY", "nosort", "DESC", "STORE", "d"], &int(4)),
            (&["LRANGE", "d", "0", "-1"], &arr(&["5", "3", "10", "1"])),
            (&["SORT", "si", "DESC", "LIMIT", "0", "2"], &arr(&["10", "5"])),
        ],
    );
}

#[test]
fn sorted_set_becomes_skiplist() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let mut other = t.raw();
    check(
        &mut r,
        &[
            (&["ZADD", "z", "1", "a", "2", "b"], &int(2)),
            (&["OBJECT", "ENCODING", "z"], &bulk("listpack")),
            // Redis converts a sorted set for SORT, without it counting as a
            // change: WATCH is not invalidated.
            (&["WATCH", "z"], OK),
            (&["MULTI"], OK),
            (&["PING"], "+QUEUED\r\n"),
        ],
    );
    assert_eq!(other.cmd(&["SORT_RO", "z", "BY", "nosort"]), arr(&["a", "b"]));
    check(
        &mut r,
        &[
            (&["EXEC"], "*1\r\n+PONG\r\n"),
            (&["OBJECT", "ENCODING", "z"], &bulk("skiplist")),
            (&["ZRANGE", "z", "0", "-1", "WITHSCORES"], &arr(&["a", "1", "b", "2"])),
        ],
    );
}

#[test]
fn get_patterns() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["RPUSH", "l", "3", "1", "2"], &int(3)),
            (&["MSET", "w_1", "30", "w_2", "20", "w_3", "10", "o_1", "one", "o_2", "two"], OK),
            (&["HSET", "h_1", "f", "x"], &int(1)),
            (&["HSET", "h_3", "f", "z"], &int(1)),
            (
                &["SORT", "l", "BY", "w_*", "GET", "o_*", "GET", "#", "GET", "h_*->f"],
                &arr_opt(&[
                    None,
                    Some("3"),
                    Some("z"),
                    Some("two"),
                    Some("2"),
                    None,
                    Some("one"),
                    Some("1"),
                    Some("x"),
                ]),
            ),
            (
                &["SORT", "l", "BY", "nosort", "GET", "#", "GET", "o_*"],
                &arr_opt(&[Some("3"), None, Some("1"), Some("one"), Some("2"), Some("two")]),
            ),
            (&["SORT", "l", "LIMIT", "1", "1", "GET", "o_*"], &arr(&["two"])),
            // Without '*' there is nothing to look up.
            (&["SORT", "l", "GET", "foo"], &arr_opt(&[None, None, None])),
            (&["SORT", "l", "GET", "#x"], &arr_opt(&[None, None, None])),
            // "#" up to a NUL is still "#".
            (&["SORT", "l", "GET", "#\0x"], &arr(&["1", "2", "3"])),
            // Bytes after a NUL are part of the key name.
            (&["SORT", "l", "GET", "o_*\0zz"], &arr_opt(&[None, None, None])),
            // "->" with nothing after it is part of the key name.
            (&["SORT", "l", "GET", "h_*->"], &arr_opt(&[None, None, None])),
            (&["SET", "h_1->", "s1"], OK),
            (&["SORT", "l", "GET", "h_*->"], &arr_opt(&[Some("s1"), None, None])),
            // "->" before the '*' is part of the key name too.
            (&["SET", "a->b1", "q"], OK),
            (&["SORT", "l", "GET", "a->b*"], &arr_opt(&[Some("q"), None, None])),
            // A list at the substituted key is not a string.
            (&["RPUSH", "o_3", "x"], &int(1)),
            (&["SORT", "l", "GET", "o_*"], &arr_opt(&[Some("one"), Some("two"), None])),
            (&["SORT", "missing", "GET", "o_*"], EMPTY),
        ],
    );
    if !t.is_real() {
        // Redis 7.4+: a hash field past its TTL is not there.
        r.cmd(&["HSET", "h_2", "f", "y"]);
        assert_eq!(r.cmd(&["SORT", "l", "GET", "h_*->f"]), arr(&["x", "y", "z"]));
        assert_eq!(r.cmd(&["HPEXPIRE", "h_2", "20", "FIELDS", "1", "f"]), "*1\r\n:1\r\n");
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(r.cmd(&["SORT", "l", "GET", "h_*->f"]), arr_opt(&[Some("x"), None, Some("z")]));
    }
}

#[test]
fn store() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["RPUSH", "l", "3", "1", "2"], &int(3)),
            (&["MSET", "w_1", "30", "w_2", "20", "w_3", "10", "o_1", "one", "o_2", "two"], OK),
            (&["HSET", "h_1", "f", "x"], &int(1)),
            (&["HSET", "h_3", "f", "z"], &int(1)),
            (&["SORT", "l", "STORE", "dst"], &int(3)),
            (&["LRANGE", "dst", "0", "-1"], &arr(&["1", "2", "3"])),
            (&["TYPE", "dst"], "+list\r\n"),
            // Missing GET values are stored as empty strings.
            (&["SORT", "l", "BY", "w_*", "GET", "o_*", "GET", "h_*->f", "STORE", "dst"], &int(6)),
            (&["LRANGE", "dst", "0", "-1"], &arr(&["", "z", "two", "", "one", "x"])),
            // Any type is overwritten, and its TTL dropped.
            (&["SET", "dst", "x"], OK),
            (&["EXPIRE", "dst", "100"], &int(1)),
            (&["SORT", "l", "DESC", "STORE", "dst"], &int(3)),
            (&["TTL", "dst"], &int(-1)),
            (&["LRANGE", "dst", "0", "-1"], &arr(&["3", "2", "1"])),
            // An empty result deletes the destination.
            (&["SORT", "l", "LIMIT", "5", "5", "STORE", "dst"], &int(0)),
            (&["EXISTS", "dst"], &int(0)),
            (&["SORT", "missing", "STORE", "dst"], &int(0)),
            (&["EXISTS", "dst"], &int(0)),
            // The last STORE wins; the key may be its own destination.
            (&["SORT", "l", "STORE", "x1", "STORE", "x2"], &int(3)),
            (&["EXISTS", "x1", "x2"], &int(1)),
            (&["EXISTS", "x2"], &int(1)),
            (&["SORT", "l", "STORE", "l"], &int(3)),
            (&["LRANGE", "l", "0", "-1"], &arr(&["1", "2", "3"])),
            (&["SORT", "l", "BY", "nosort", "LIMIT", "1", "1", "STORE", "x3"], &int(1)),
            (&["LRANGE", "x3", "0", "-1"], &arr(&["2"])),
            // SORT_RO has no STORE.
            (&["SORT_RO", "l", "STORE", "x"], SYNTAX),
        ],
    );
    if !t.is_real() {
        // Redis 7.2+: a small list is a listpack (7.0: quicklist).
        assert_eq!(r.cmd(&["OBJECT", "ENCODING", "l"]), bulk("listpack"));
    }
}

#[test]
fn errors() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["SORT"], "-ERR wrong number of arguments for 'sort' command\r\n"),
            (&["SORT_RO"], "-ERR wrong number of arguments for 'sort_ro' command\r\n"),
            (&["RPUSH", "l", "1"], &int(1)),
            (&["SORT", "l", "STORE"], SYNTAX),
            (&["SORT", "l", "GET"], SYNTAX),
            (&["SORT", "l", "BY"], SYNTAX),
            (&["SORT", "l", "foo"], SYNTAX),
            (&["SORT", "l", "LIMIT", "0", "1", "x"], SYNTAX),
            (&["SET", "s", "str"], OK),
            (&["SORT", "s"], WRONGTYPE),
            (&["SORT", "s", "BY", "nosort"], WRONGTYPE),
            (&["SORT_RO", "s"], WRONGTYPE),
            (&["SORT", "s", "STORE", "dst"], WRONGTYPE),
            (&["EXISTS", "dst"], &int(0)),
            (&["HSET", "h", "a", "1"], &int(1)),
            (&["SORT", "h"], WRONGTYPE),
            // Options are checked before the key.
            (&["SORT", "s", "foo"], SYNTAX),
            (&["SORT", "s", "LIMIT", "x", "1"], NOT_INT),
            (&["SORT", "missing"], EMPTY),
            (&["SORT", "missing", "BY", "nosort", "DESC", "LIMIT", "0", "1"], EMPTY),
        ],
    );
}

#[test]
fn command_getkeys() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["COMMAND", "GETKEYS", "SORT", "a"], &arr(&["a"])),
            (&["COMMAND", "GETKEYS", "SORT", "a", "STORE", "b", "LIMIT", "0", "1", "STORE", "c"], &arr(&["a", "c"])),
            (&["COMMAND", "GETKEYS", "SORT", "a", "STORE", "b", "GET", "c", "BY", "d"], &arr(&["a", "b"])),
            (&["COMMAND", "GETKEYS", "SORT", "a", "STORE"], &arr(&["a"])),
            (&["COMMAND", "GETKEYS", "SORT", "a", "GET", "store", "b"], &arr(&["a"])),
            // STORE's argument is not skipped, as in Redis's sortGetKeys.
            (&["COMMAND", "GETKEYS", "SORT", "a", "store", "limit", "0", "1", "x"], &arr(&["a", "limit"])),
            (&["COMMAND", "GETKEYS", "SORT_RO", "a", "BY", "x"], &arr(&["a"])),
        ],
    );
    let info = r.cmd(&["COMMAND", "INFO", "SORT", "SORT_RO"]);
    assert!(
        info.contains("$4\r\nsort\r\n:-2\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n"),
        "{info}"
    );
    assert!(info.contains("$7\r\nsort_ro\r\n:-2\r\n*2\r\n+readonly\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n"), "{info}");
}

#[test]
fn keyspace_events() {
    let t = Target::start(&["--notify-keyspace-events", "KEAn"]);
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    let script: &[&[&str]] = &[
        &["RPUSH", "l", "2", "1"],
        &["SORT", "l", "STORE", "d"],
        &["SORT", "l", "STORE", "d"],
        &["SORT", "l", "LIMIT", "5", "5", "STORE", "d"],
        &["SORT", "l", "LIMIT", "5", "5", "STORE", "d"],
        &["SORT", "l"],
        &["SORT", "l", "STORE", "l"],
        &["SET", "done", "1"],
    ];
    for cmd in script {
        r.cmd(cmd);
    }
    let want =
        ["new:l", "rpush:l", "new:d", "sortstore:d", "sortstore:d", "del:d", "sortstore:l", "new:done", "set:done"];
    assert_eq!(read_events(&mut sub, want.len()), want);
}

#[test]
fn store_invalidates_watch_and_wakes_blocked_clients() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let mut other = t.raw();
    r.cmd(&["RPUSH", "l", "2", "1"]);
    // A plain SORT changes nothing; a STORE does.
    check(&mut r, &[(&["WATCH", "l", "d"], OK), (&["MULTI"], OK), (&["PING"], "+QUEUED\r\n")]);
    assert_eq!(other.cmd(&["SORT", "l", "BY", "nosort"]), arr(&["2", "1"]));
    assert_eq!(other.cmd(&["SORT", "missing", "STORE", "d"]), int(0));
    assert_eq!(r.cmd(&["EXEC"]), "*1\r\n+PONG\r\n");
    check(&mut r, &[(&["WATCH", "d"], OK), (&["MULTI"], OK), (&["PING"], "+QUEUED\r\n")]);
    assert_eq!(other.cmd(&["SORT", "l", "STORE", "d"]), int(2));
    assert_eq!(r.cmd(&["EXEC"]), NIL_ARRAY);
    // A client blocked on the destination is served.
    r.cmd(&["DEL", "d"]);
    r.send(&common::encode(&["BLPOP", "d", "5"]));
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert_eq!(other.cmd(&["SORT", "l", "DESC", "STORE", "d"]), int(2));
    assert_eq!(r.read_reply(), arr(&["d", "2"]));
    assert_eq!(other.cmd(&["LRANGE", "d", "0", "-1"]), arr(&["1"]));
}

#[test]
fn acl_categories_are_redis_ones() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let info = r.cmd(&["COMMAND", "INFO", "sort"]);
    let cats: Vec<&str> = info.split("\r\n").filter(|l| l.starts_with("+@")).collect();
    assert_eq!(cats, ["+@write", "+@set", "+@sortedset", "+@list", "+@slow", "+@dangerous"]);
}
