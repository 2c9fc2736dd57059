//! List commands against the real binary: pushes and pops (with COUNT, in
//! RESP2 and RESP3), LRANGE/LINDEX/LSET/LINSERT/LREM/LTRIM/LPOS, LMOVE,
//! RPOPLPUSH, LMPOP, every argument error, automatic creation and removal of
//! keys, keyspace events, WATCH, encodings and the list config parameters.
//!
//! Every expected reply was taken from Redis 7.0.15. To replay the tests
//! against a real Redis (a scratch instance: it gets FLUSHALLed), run
//! `REAL_REDIS_PORT=6379 cargo test --test list -- --test-threads=1`.
//! The few places where we follow newer Redis (the `listpack` encoding of
//! small lists since 7.2, LREM/LPOS rejecting LONG_MIN) are skipped there.

mod common;
use common::{arr, bulk, int, read_events, subscribe_events, OK};

use common::{Raw, Target};

fn ints(items: &[i64]) -> String {
    let mut s = format!("*{}\r\n", items.len());
    for i in items {
        s.push_str(&int(*i));
    }
    s
}

const NIL: &str = "$-1\r\n";
const NIL_ARRAY: &str = "*-1\r\n";
const EMPTY: &str = "*0\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const POSITIVE: &str = "-ERR value is out of range, must be positive\r\n";

/// Checks each (command, expected reply) in order.
fn check(r: &mut Raw, script: &[(&[&str], &str)]) {
    for (cmd, want) in script {
        assert_eq!(r.cmd(cmd), *want, "{cmd:?}");
    }
}

fn range(r: &mut Raw, key: &str) -> String {
    r.cmd(&["LRANGE", key, "0", "-1"])
}

#[test]
fn queue_and_stack() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            // Queue: RPUSH in, LPOP out.
            (&["RPUSH", "queue", "job1", "job2"], &int(2)),
            (&["RPUSH", "queue", "job3"], &int(3)),
            (&["LPOP", "queue"], &bulk("job1")),
            (&["LLEN", "queue"], &int(2)),
            (&["LPOP", "queue"], &bulk("job2")),
            (&["LPOP", "queue"], &bulk("job3")),
            (&["LPOP", "queue"], NIL),
            (&["EXISTS", "queue"], &int(0)),
            // Stack: LPUSH in, LPOP out.
            (&["LPUSH", "stack", "a", "b", "c"], &int(3)),
            (&["LRANGE", "stack", "0", "-1"], &arr(&["c", "b", "a"])),
            (&["LPOP", "stack"], &bulk("c")),
            (&["RPOP", "stack"], &bulk("a")),
            (&["LPOP", "stack"], &bulk("b")),
            (&["TYPE", "stack"], "+none\r\n"),
            // Pops with a count.
            (&["RPUSH", "l", "1", "2", "3", "4", "5"], &int(5)),
            (&["LPOP", "l", "2"], &arr(&["1", "2"])),
            (&["RPOP", "l", "2"], &arr(&["5", "4"])),
            (&["LPOP", "l", "0"], EMPTY),
            (&["RPOP", "l", "0"], EMPTY),
            (&["LPOP", "l", "10"], &arr(&["3"])),
            (&["EXISTS", "l"], &int(0)),
            (&["LPOP", "l", "0"], NIL_ARRAY),
            (&["LPOP", "l", "1"], NIL_ARRAY),
            (&["RPOP", "l"], NIL),
            // Binary-safe and empty elements, integers printed as pushed.
            (&["RPUSH", "b", "", "a\0b\r\n", "-0", "01", "+1", "-9223372036854775808", "9223372036854775807"], &int(7)),
            (
                &["LRANGE", "b", "0", "-1"],
                &arr(&["", "a\0b\r\n", "-0", "01", "+1", "-9223372036854775808", "9223372036854775807"]),
            ),
            (&["LPUSHX", "missing", "a"], &int(0)),
            (&["RPUSHX", "missing", "a", "b"], &int(0)),
            (&["EXISTS", "missing"], &int(0)),
            (&["LPUSHX", "b", "x", "y"], &int(9)),
            (&["RPUSHX", "b", "z"], &int(10)),
            (&["LINDEX", "b", "0"], &bulk("y")),
            (&["LINDEX", "b", "-1"], &bulk("z")),
        ],
    );
}

#[test]
fn ranges_with_negative_indexes() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    r.cmd(&["RPUSH", "l", "a", "b", "c", "d", "e"]);
    check(
        &mut r,
        &[
            (&["LRANGE", "l", "0", "0"], &arr(&["a"])),
            (&["LRANGE", "l", "-3", "2"], &arr(&["c"])),
            (&["LRANGE", "l", "-3", "-1"], &arr(&["c", "d", "e"])),
            (&["LRANGE", "l", "-100", "100"], &arr(&["a", "b", "c", "d", "e"])),
            (&["LRANGE", "l", "5", "10"], EMPTY),
            (&["LRANGE", "l", "3", "1"], EMPTY),
            (&["LRANGE", "l", "-1", "-2"], EMPTY),
            (&["LRANGE", "l", "0", "-6"], EMPTY),
            (&["LRANGE", "l", "-9223372036854775808", "9223372036854775807"], &arr(&["a", "b", "c", "d", "e"])),
            (&["LINDEX", "l", "-5"], &bulk("a")),
            (&["LINDEX", "l", "-6"], NIL),
            (&["LINDEX", "l", "5"], NIL),
            (&["LINDEX", "l", "-9223372036854775808"], NIL),
            (&["LRANGE", "nokey", "0", "-1"], EMPTY),
        ],
    );
}

#[test]
fn capped_lists_with_ltrim() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    for i in 0..20 {
        r.cmd(&["LPUSH", "latest", &i.to_string()]);
        assert_eq!(r.cmd(&["LTRIM", "latest", "0", "4"]), OK);
    }
    assert_eq!(range(&mut r, "latest"), arr(&["19", "18", "17", "16", "15"]));
    check(
        &mut r,
        &[
            (&["LTRIM", "latest", "1", "-2"], OK),
            (&["LRANGE", "latest", "0", "-1"], &arr(&["18", "17", "16"])),
            (&["LTRIM", "latest", "-2", "100"], OK),
            (&["LRANGE", "latest", "0", "-1"], &arr(&["17", "16"])),
            (&["LTRIM", "latest", "0", "-1"], OK),
            (&["LLEN", "latest"], &int(2)),
            // An empty range removes the key.
            (&["LTRIM", "latest", "2", "1"], OK),
            (&["EXISTS", "latest"], &int(0)),
            (&["LTRIM", "latest", "0", "1"], OK),
            (&["RPUSH", "x", "a"], &int(1)),
            (&["LTRIM", "x", "1", "-1"], OK),
            (&["EXISTS", "x"], &int(0)),
        ],
    );
}

#[test]
fn lmove_and_rpoplpush() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    r.cmd(&["RPUSH", "src", "a", "b", "c"]);
    check(
        &mut r,
        &[
            (&["LMOVE", "src", "dst", "LEFT", "RIGHT"], &bulk("a")),
            (&["LMOVE", "src", "dst", "right", "left"], &bulk("c")),
            (&["LRANGE", "dst", "0", "-1"], &arr(&["c", "a"])),
            (&["RPOPLPUSH", "dst", "src"], &bulk("a")),
            (&["LRANGE", "src", "0", "-1"], &arr(&["a", "b"])),
            // Rotation on one key.
            (&["LMOVE", "src", "src", "LEFT", "RIGHT"], &bulk("a")),
            (&["LRANGE", "src", "0", "-1"], &arr(&["b", "a"])),
            (&["RPOPLPUSH", "src", "src"], &bulk("a")),
            (&["LRANGE", "src", "0", "-1"], &arr(&["a", "b"])),
            // Moving the last element deletes the source.
            (&["LMOVE", "dst", "src", "LEFT", "LEFT"], &bulk("c")),
            (&["EXISTS", "dst"], &int(0)),
            (&["LRANGE", "src", "0", "-1"], &arr(&["c", "a", "b"])),
            (&["RPUSH", "one", "x"], &int(1)),
            (&["LMOVE", "one", "one", "LEFT", "LEFT"], &bulk("x")),
            (&["LRANGE", "one", "0", "-1"], &arr(&["x"])),
            (&["LMOVE", "nokey", "src", "LEFT", "LEFT"], NIL),
            (&["RPOPLPUSH", "nokey", "src"], NIL),
            (&["EXISTS", "nokey"], &int(0)),
            // Errors: direction first, then the source's type, then the destination's.
            (&["SET", "str", "v"], OK),
            (&["LMOVE", "src", "dst", "UP", "LEFT"], SYNTAX),
            (&["LMOVE", "src", "dst", "LEFT", "DOWN"], SYNTAX),
            (&["LMOVE", "str", "dst", "LEFT", "LEFT"], WRONGTYPE),
            (&["LMOVE", "src", "str", "LEFT", "LEFT"], WRONGTYPE),
            (&["RPOPLPUSH", "src", "str"], WRONGTYPE),
            (&["LMOVE", "nokey", "str", "LEFT", "LEFT"], NIL),
            (&["LRANGE", "src", "0", "-1"], &arr(&["c", "a", "b"])),
        ],
    );
}

#[test]
fn lmpop() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    r.cmd(&["RPUSH", "b", "1", "2", "3"]);
    r.cmd(&["SET", "s", "x"]);
    check(
        &mut r,
        &[
            (&["LMPOP", "2", "a", "b", "LEFT"], "*2\r\n$1\r\nb\r\n*1\r\n$1\r\n1\r\n"),
            (&["LMPOP", "2", "a", "b", "RIGHT", "COUNT", "5"], "*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
            (&["EXISTS", "b"], &int(0)),
            (&["LMPOP", "2", "a", "b", "LEFT"], NIL_ARRAY),
            (&["LMPOP", "2", "a", "s", "LEFT"], WRONGTYPE),
            (&["RPUSH", "a", "x"], &int(1)),
            (&["LMPOP", "2", "a", "s", "LEFT"], "*2\r\n$1\r\na\r\n*1\r\n$1\r\nx\r\n"),
            (&["LMPOP", "0", "a", "LEFT"], "-ERR numkeys should be greater than 0\r\n"),
            (&["LMPOP", "-1", "a", "LEFT"], "-ERR numkeys should be greater than 0\r\n"),
            (&["LMPOP", "abc", "a", "LEFT"], "-ERR numkeys should be greater than 0\r\n"),
            (&["LMPOP", "2", "a", "LEFT"], SYNTAX),
            (&["LMPOP", "1", "a", "MIDDLE"], SYNTAX),
            (&["LMPOP", "1", "a", "LEFT", "COUNT", "0"], "-ERR count should be greater than 0\r\n"),
            (&["LMPOP", "1", "a", "LEFT", "COUNT", "abc"], "-ERR count should be greater than 0\r\n"),
            (&["LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"], SYNTAX),
            (&["LMPOP", "1", "a", "LEFT", "COUNT"], SYNTAX),
            (&["LMPOP", "1", "a", "LEFT", "FOO"], SYNTAX),
            (&["LMPOP", "1", "a"], "-ERR wrong number of arguments for 'lmpop' command\r\n"),
            (&["COMMAND", "GETKEYS", "LMPOP", "2", "k1", "k2", "LEFT"], &arr(&["k1", "k2"])),
        ],
    );
}

#[test]
fn middle_operations() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    r.cmd(&["RPUSH", "l", "a", "b", "c", "b", "a"]);
    check(
        &mut r,
        &[
            (&["LINSERT", "l", "BEFORE", "b", "X"], &int(6)),
            (&["LINSERT", "l", "after", "a", "Y"], &int(7)),
            (&["LINSERT", "l", "AFTER", "zz", "Y"], &int(-1)),
            (&["LRANGE", "l", "0", "-1"], &arr(&["a", "Y", "X", "b", "c", "b", "a"])),
            (&["LSET", "l", "0", "first"], OK),
            (&["LSET", "l", "-1", "last"], OK),
            (&["LSET", "l", "7", "x"], "-ERR index out of range\r\n"),
            (&["LSET", "l", "-8", "x"], "-ERR index out of range\r\n"),
            (&["LREM", "l", "0", "b"], &int(2)),
            (&["LRANGE", "l", "0", "-1"], &arr(&["first", "Y", "X", "c", "last"])),
            (&["RPUSH", "r", "x", "1", "x", "2", "x", "3", "x"], &int(7)),
            (&["LREM", "r", "2", "x"], &int(2)),
            (&["LRANGE", "r", "0", "-1"], &arr(&["1", "2", "x", "3", "x"])),
            (&["LREM", "r", "-1", "x"], &int(1)),
            (&["LRANGE", "r", "0", "-1"], &arr(&["1", "2", "x", "3"])),
            (&["LREM", "r", "0", "nope"], &int(0)),
            (&["LREM", "r", "0", "2"], &int(1)),
            (&["LREM", "r", "-5", "1"], &int(1)),
            (&["LREM", "r", "0", "x"], &int(1)),
            (&["LREM", "r", "0", "3"], &int(1)),
            (&["EXISTS", "r"], &int(0)),
            // LPOS.
            (&["RPUSH", "p", "a", "b", "c", "1", "2", "3", "c", "c"], &int(8)),
            (&["LPOS", "p", "c"], &int(2)),
            (&["LPOS", "p", "c", "RANK", "2"], &int(6)),
            (&["LPOS", "p", "c", "RANK", "-1"], &int(7)),
            (&["LPOS", "p", "c", "RANK", "-3"], &int(2)),
            (&["LPOS", "p", "c", "RANK", "4"], NIL),
            (&["LPOS", "p", "c", "COUNT", "0"], &ints(&[2, 6, 7])),
            (&["LPOS", "p", "c", "COUNT", "2"], &ints(&[2, 6])),
            (&["LPOS", "p", "c", "COUNT", "0", "RANK", "-1"], &ints(&[7, 6, 2])),
            (&["LPOS", "p", "c", "COUNT", "0", "MAXLEN", "7"], &ints(&[2, 6])),
            (&["LPOS", "p", "c", "RANK", "-1", "MAXLEN", "1"], &int(7)),
            (&["LPOS", "p", "c", "RANK", "-1", "COUNT", "0", "MAXLEN", "2"], &ints(&[7, 6])),
            (&["LPOS", "p", "2"], &int(4)),
            (&["LPOS", "p", "02"], NIL),
            (&["LPOS", "p", "x", "COUNT", "5"], EMPTY),
            (&["LPOS", "p", "x"], NIL),
            (&["LPOS", "nokey", "x"], NIL),
            (&["LPOS", "nokey", "x", "COUNT", "1"], EMPTY),
        ],
    );
}

#[test]
fn every_error() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    r.cmd(&["SET", "s", "x"]);
    r.cmd(&["RPUSH", "l", "a", "b", "c"]);
    check(
        &mut r,
        &[
            (&["LPUSH", "s", "a"], WRONGTYPE),
            (&["RPUSH", "s", "a"], WRONGTYPE),
            (&["LPUSHX", "s", "a"], WRONGTYPE),
            (&["RPUSHX", "s", "a"], WRONGTYPE),
            (&["LPUSH", "l"], "-ERR wrong number of arguments for 'lpush' command\r\n"),
            (&["LPOP", "l", "abc"], POSITIVE),
            (&["LPOP", "l", "-1"], POSITIVE),
            (&["RPOP", "nokey", "-1"], POSITIVE),
            (&["LPOP", "s"], WRONGTYPE),
            (&["LPOP", "s", "0"], WRONGTYPE),
            (&["RPOP", "s", "1"], WRONGTYPE),
            (&["LPOP", "l", "1", "2"], "-ERR wrong number of arguments for 'lpop' command\r\n"),
            (&["RPOP", "l", "1", "2"], "-ERR wrong number of arguments for 'rpop' command\r\n"),
            (&["LLEN", "s"], WRONGTYPE),
            (&["LLEN", "nokey"], &int(0)),
            // LINDEX looks the key up before parsing the index.
            (&["LINDEX", "nokey", "abc"], NIL),
            (&["LINDEX", "s", "abc"], WRONGTYPE),
            (&["LINDEX", "l", "abc"], NOT_INT),
            (&["LINDEX", "l", "1.5"], NOT_INT),
            // LSET too, with "no such key" for a missing one.
            (&["LSET", "nokey", "0", "x"], "-ERR no such key\r\n"),
            (&["LSET", "nokey", "abc", "x"], "-ERR no such key\r\n"),
            (&["LSET", "s", "abc", "x"], WRONGTYPE),
            (&["LSET", "l", "abc", "x"], NOT_INT),
            (&["LSET", "l", "3", "x"], "-ERR index out of range\r\n"),
            // LRANGE and LTRIM parse their indexes first.
            (&["LRANGE", "nokey", "a", "1"], NOT_INT),
            (&["LRANGE", "s", "0", "b"], NOT_INT),
            (&["LRANGE", "s", "0", "1"], WRONGTYPE),
            (&["LTRIM", "nokey", "a", "1"], NOT_INT),
            (&["LTRIM", "s", "0", "1"], WRONGTYPE),
            (&["LTRIM", "nokey", "0", "1"], OK),
            (&["LREM", "l", "abc", "x"], NOT_INT),
            (&["LREM", "nokey", "abc", "x"], NOT_INT),
            (&["LREM", "s", "0", "x"], WRONGTYPE),
            (&["LREM", "nokey", "0", "x"], &int(0)),
            (&["LINSERT", "l", "middle", "a", "b"], SYNTAX),
            (&["LINSERT", "s", "middle", "a", "b"], SYNTAX),
            (&["LINSERT", "s", "before", "a", "b"], WRONGTYPE),
            (&["LINSERT", "nokey", "before", "a", "b"], &int(0)),
            (&["EXISTS", "nokey"], &int(0)),
            (
                &["LPOS", "l", "a", "RANK", "0"],
                "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
            ),
            (&["LPOS", "l", "a", "RANK", "abc"], NOT_INT),
            (&["LPOS", "l", "a", "COUNT", "-1"], "-ERR COUNT can't be negative\r\n"),
            (&["LPOS", "l", "a", "COUNT", "abc"], "-ERR COUNT can't be negative\r\n"),
            (&["LPOS", "l", "a", "MAXLEN", "-1"], "-ERR MAXLEN can't be negative\r\n"),
            (&["LPOS", "l", "a", "MAXLEN", "x"], "-ERR MAXLEN can't be negative\r\n"),
            (&["LPOS", "l", "a", "FOO"], SYNTAX),
            (&["LPOS", "l", "a", "RANK"], SYNTAX),
            (&["LPOS", "nokey", "a", "RANK", "0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
            (&["LPOS", "s", "a"], WRONGTYPE),
            (&["LPOS", "s", "a", "FOO"], SYNTAX),
        ],
    );
}

/// Newer Redis rejects LONG_MIN where negating it would overflow (7.0 accepts it).
#[test]
fn long_min_counts_are_rejected() {
    let t = Target::start(&[]);
    if t.is_real() {
        return;
    }
    let mut r = t.raw();
    r.cmd(&["RPUSH", "l", "a"]);
    let e = "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n";
    check(
        &mut r,
        &[
            (&["LREM", "l", "-9223372036854775808", "a"], e),
            (&["LPOS", "l", "a", "RANK", "-9223372036854775808"], e),
            (&["LREM", "l", "-9223372036854775807", "a"], &int(1)),
        ],
    );
}

#[test]
fn resp3_null_shapes() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    r.cmd(&["HELLO", "3"]);
    check(
        &mut r,
        &[
            (&["LPOP", "nokey"], "_\r\n"),
            (&["LPOP", "nokey", "1"], "_\r\n"),
            (&["RPOP", "nokey", "0"], "_\r\n"),
            (&["LMPOP", "1", "nokey", "LEFT"], "_\r\n"),
            (&["LINDEX", "nokey", "0"], "_\r\n"),
            (&["LPOS", "nokey", "a"], "_\r\n"),
            (&["LMOVE", "nokey", "x", "LEFT", "LEFT"], "_\r\n"),
            (&["RPUSH", "l", "a"], &int(1)),
            (&["LPOP", "l", "0"], EMPTY),
            (&["LINDEX", "l", "5"], "_\r\n"),
            (&["LPOS", "l", "z"], "_\r\n"),
        ],
    );
}

#[test]
fn keyspace_events() {
    let t = Target::start(&["--notify-keyspace-events", "KEA"]);
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    let script: &[&[&str]] = &[
        &["LPUSH", "l", "a", "b"],
        &["RPUSH", "l", "c"],
        &["LPUSHX", "nx", "a"],
        &["LPOP", "l"],
        &["RPOP", "l", "5"],
        &["RPUSH", "src", "1", "2"],
        &["LMOVE", "src", "dst", "LEFT", "RIGHT"],
        &["LMOVE", "src", "src", "LEFT", "RIGHT"],
        &["RPOPLPUSH", "src", "dst"],
        &["LSET", "dst", "0", "z"],
        &["LINSERT", "dst", "BEFORE", "z", "y"],
        &["LINSERT", "dst", "BEFORE", "nope", "y"],
        &["LREM", "dst", "0", "nope"],
        &["LREM", "dst", "1", "y"],
        &["LTRIM", "dst", "0", "0"],
        &["LTRIM", "dst", "5", "1"],
        &["RPUSH", "m", "a"],
        &["LMPOP", "2", "none", "m", "RIGHT", "COUNT", "3"],
        &["RPUSH", "t", "a", "b"],
        &["LPOP", "t", "0"],
        &["LSET", "t", "9", "x"],
        &["LPUSH", "t"],
        &["SET", "done", "1"],
    ];
    for cmd in script {
        r.cmd(cmd);
    }
    let want = [
        "lpush:l",
        "rpush:l",
        "lpop:l",
        "rpop:l",
        "del:l",
        "rpush:src",
        "rpush:dst",
        "lpop:src",
        "rpush:src",
        "lpop:src",
        "lpush:dst",
        "rpop:src",
        "del:src",
        "lset:dst",
        "linsert:dst",
        "lrem:dst",
        "ltrim:dst",
        "ltrim:dst",
        "del:dst",
        "rpush:m",
        "rpop:m",
        "del:m",
        "rpush:t",
        "set:done",
    ];
    assert_eq!(read_events(&mut sub, want.len()), want);
}

#[test]
fn pushes_invalidate_watch_but_errors_do_not() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let mut other = t.raw();
    r.cmd(&["SET", "s", "x"]);
    check(&mut r, &[(&["WATCH", "s", "l"], OK), (&["MULTI"], OK), (&["PING"], "+QUEUED\r\n")]);
    assert_eq!(other.cmd(&["LPUSH", "s", "a"]), WRONGTYPE);
    assert_eq!(other.cmd(&["LPOP", "l"]), NIL);
    assert_eq!(r.cmd(&["EXEC"]), "*1\r\n+PONG\r\n");
    check(&mut r, &[(&["WATCH", "l"], OK), (&["MULTI"], OK), (&["PING"], "+QUEUED\r\n")]);
    assert_eq!(other.cmd(&["RPUSH", "l", "a"]), int(1));
    assert_eq!(r.cmd(&["EXEC"]), NIL_ARRAY);
    check(&mut r, &[(&["WATCH", "l"], OK), (&["MULTI"], OK), (&["PING"], "+QUEUED\r\n")]);
    assert_eq!(other.cmd(&["LPOP", "l"]), bulk("a"));
    assert_eq!(r.cmd(&["EXEC"]), NIL_ARRAY);
}

#[test]
fn encodings_and_config() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let newer = !t.is_real();
    let enc = |r: &mut Raw, k: &str| r.cmd(&["OBJECT", "ENCODING", k]);
    check(
        &mut r,
        &[
            (&["CONFIG", "GET", "list-max-listpack-size"], &arr(&["list-max-listpack-size", "-2"])),
            (&["CONFIG", "GET", "list-max-ziplist-size"], &arr(&["list-max-ziplist-size", "-2"])),
            (&["CONFIG", "GET", "list-compress-depth"], &arr(&["list-compress-depth", "0"])),
        ],
    );
    // 121 x 64 bytes: 7 + 121*67 = 8114 listpack bytes, one more (+64) still fits.
    let v64 = "x".repeat(64);
    for _ in 0..122 {
        r.cmd(&["RPUSH", "big", &v64]);
    }
    if newer {
        assert_eq!(enc(&mut r, "big"), bulk("listpack"));
    }
    r.cmd(&["RPUSH", "big", &v64]);
    assert_eq!(enc(&mut r, "big"), bulk("quicklist"));
    // Back to listpack only once one node is under half the limit.
    for _ in 0..61 {
        r.cmd(&["RPOP", "big"]);
    }
    assert_eq!(enc(&mut r, "big"), bulk("quicklist"));
    r.cmd(&["RPOP", "big"]);
    if newer {
        assert_eq!(enc(&mut r, "big"), bulk("listpack"));
    }
    assert_eq!(r.cmd(&["LLEN", "big"]), int(61));
    // One element over the node limit makes a quicklist at once.
    r.cmd(&["RPUSH", "huge", &"h".repeat(9000)]);
    assert_eq!(enc(&mut r, "huge"), bulk("quicklist"));
    assert_eq!(r.cmd(&["LINDEX", "huge", "0"]), bulk(&"h".repeat(9000)));
    // A count limit through the old name.
    check(&mut r, &[(&["CONFIG", "SET", "list-max-ziplist-size", "3"], OK)]);
    r.cmd(&["RPUSH", "c", "a", "b", "c"]);
    if newer {
        assert_eq!(enc(&mut r, "c"), bulk("listpack"));
    }
    r.cmd(&["RPUSH", "c", "d"]);
    assert_eq!(enc(&mut r, "c"), bulk("quicklist"));
    check(
        &mut r,
        &[
            (&["CONFIG", "GET", "list-max-listpack-size"], &arr(&["list-max-listpack-size", "3"])),
            (&["CONFIG", "SET", "list-max-listpack-size", "-2"], OK),
            (&["CONFIG", "SET", "list-compress-depth", "1"], OK),
            (&["CONFIG", "SET", "list-compress-depth", "0"], OK),
        ],
    );
}

#[test]
fn long_lists_cross_node_boundaries() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    // 3000 elements over many nodes, pushed from both ends.
    for i in 0..1500 {
        r.cmd(&["RPUSH", "l", &format!("r{i}-{}", "p".repeat(40))]);
        r.cmd(&["LPUSH", "l", &format!("{i}")]);
    }
    assert_eq!(r.cmd(&["LLEN", "l"]), int(3000));
    assert_eq!(r.cmd(&["LINDEX", "l", "0"]), bulk("1499"));
    assert_eq!(r.cmd(&["LINDEX", "l", "1499"]), bulk("0"));
    assert_eq!(r.cmd(&["LINDEX", "l", "1500"]), bulk(&format!("r0-{}", "p".repeat(40))));
    assert_eq!(r.cmd(&["LINDEX", "l", "-1"]), bulk(&format!("r1499-{}", "p".repeat(40))));
    assert_eq!(r.cmd(&["LRANGE", "l", "1498", "1500"]), arr(&["1", "0", &format!("r0-{}", "p".repeat(40))]));
    assert_eq!(r.cmd(&["LPOS", "l", "700"]), int(799));
    assert_eq!(r.cmd(&["LINSERT", "l", "AFTER", "700", "new"]), int(3001));
    assert_eq!(r.cmd(&["LINDEX", "l", "800"]), bulk("new"));
    assert_eq!(r.cmd(&["LSET", "l", "800", "set"]), OK);
    assert_eq!(r.cmd(&["LREM", "l", "0", "set"]), int(1));
    assert_eq!(r.cmd(&["LTRIM", "l", "1000", "1999"]), OK);
    assert_eq!(r.cmd(&["LINDEX", "l", "0"]), bulk("499"));
    assert_eq!(r.cmd(&["LINDEX", "l", "-1"]), bulk(&format!("r499-{}", "p".repeat(40))));
    let popped = r.cmd(&["LPOP", "l", "600"]);
    assert!(popped.starts_with("*600\r\n$3\r\n499\r\n"));
    assert_eq!(r.cmd(&["LLEN", "l"]), int(400));
    assert_eq!(r.cmd(&["RPOP", "l", "400"]).matches("\r\n$").count(), 400);
    assert_eq!(r.cmd(&["EXISTS", "l"]), int(0));
}
