//! String commands against the real binary: SET and its options, GET/GETEX/
//! GETDEL/GETSET, MSET/MSETNX/MGET, SETNX/SETEX/PSETEX, the counters,
//! INCRBYFLOAT, APPEND/STRLEN/GETRANGE/SUBSTR/SETRANGE, LCS, encodings,
//! keyspace events and hit/miss stats.
//!
//! Every expected reply was taken from Redis 7.0. To replay the tests against
//! a real Redis (a scratch instance: it gets FLUSHALLed), run
//! `REAL_REDIS_PORT=6379 cargo test --test strings -- --test-threads=1`.
//! The few places where we follow newer Redis are skipped there.

mod common;
use common::{bulk, int, read_events, OK};

use std::time::Duration;

use common::{Raw, Target};

const NIL: &str = "$-1\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const NOT_FLOAT: &str = "-ERR value is not a valid float\r\n";
const OVERFLOW: &str = "-ERR increment or decrement would overflow\r\n";
const NAN_OR_INF: &str = "-ERR increment would produce NaN or Infinity\r\n";
const TOO_BIG: &str = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";

fn invalid_expire(cmd: &str) -> String {
    format!("-ERR invalid expire time in '{cmd}' command\r\n")
}

/// Checks each (command, expected reply) in order.
fn check(r: &mut Raw, script: &[(&[&str], &str)]) {
    for (cmd, want) in script {
        assert_eq!(r.cmd(cmd), *want, "{cmd:?}");
    }
}

fn pttl(r: &mut Raw, key: &str) -> i64 {
    let s = r.cmd(&["PTTL", key]);
    s.trim_start_matches(':').trim().parse().unwrap()
}

#[test]
fn set_options_and_their_conflicts() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["SET", "a", "1", "NX", "NX"], OK),
            (&["SET", "a", "2", "XX", "xx"], OK),
            (&["SET", "a", "3", "NX", "XX"], SYNTAX),
            (&["SET", "a", "3", "XX", "NX"], SYNTAX),
            (&["SET", "a", "3", "EX", "10", "EX", "20"], OK),
            (&["SET", "a", "3", "EX", "10", "PX", "20"], SYNTAX),
            (&["SET", "a", "3", "PX", "10", "EX", "20"], SYNTAX),
            (&["SET", "a", "3", "EXAT", "10", "PXAT", "20"], SYNTAX),
            (&["SET", "a", "3", "EX", "10", "KEEPTTL"], SYNTAX),
            (&["SET", "a", "3", "KEEPTTL", "EX", "10"], SYNTAX),
            (&["SET", "a", "3", "KEEPTTL", "KEEPTTL"], OK),
            (&["SET", "a", "3", "GET", "GET"], &bulk("3")),
            (&["SET", "a", "3", "EX"], SYNTAX),
            (&["SET", "a", "3", "FOO"], SYNTAX),
            (&["SET", "a", "3", "PERSIST"], SYNTAX),
            (&["SET", "a", "3", "FOO", "EX", "0"], SYNTAX),
            (&["SET", "a", "3", "EX", "0", "FOO"], SYNTAX),
            (&["SET", "a", "3", "EX", "abc", "FOO"], SYNTAX),
            (&["SET", "a"], "-ERR wrong number of arguments for 'set' command\r\n"),
            // Expire values: integers only, > 0, and no overflow once in ms / absolute.
            (&["SET", "a", "3", "EX", "abc"], NOT_INT),
            (&["SET", "a", "3", "EX", "1.5"], NOT_INT),
            (&["SET", "a", "3", "EX", "01"], NOT_INT),
            (&["SET", "a", "3", "EX", "9223372036854775808"], NOT_INT),
            (&["SET", "a", "3", "EX", "0"], &invalid_expire("set")),
            (&["SET", "a", "3", "EX", "-1"], &invalid_expire("set")),
            (&["SET", "a", "3", "PX", "0"], &invalid_expire("set")),
            (&["SET", "a", "3", "EXAT", "0"], &invalid_expire("set")),
            (&["SET", "a", "3", "PXAT", "-5"], &invalid_expire("set")),
            (&["SET", "a", "3", "EX", "9223372036854775"], &invalid_expire("set")),
            (&["SET", "a", "3", "EX", "9223372036854776"], &invalid_expire("set")),
            (&["SET", "a", "3", "PX", "9223372036854775807"], &invalid_expire("set")),
            (&["SET", "a", "3", "PXAT", "9223372036854775807"], OK),
            (&["SET", "a", "3", "EXAT", "9223372036854775"], OK),
            // NX / XX with and without GET.
            (&["SET", "a", "4", "NX"], NIL),
            (&["SET", "a", "4", "NX", "GET"], &bulk("3")),
            (&["SET", "a", "4", "XX", "GET"], &bulk("3")),
            (&["GET", "a"], &bulk("4")),
            (&["SET", "nokey", "4", "XX"], NIL),
            (&["SET", "nokey", "4", "XX", "GET"], NIL),
            (&["EXISTS", "nokey"], &int(0)),
            (&["SET", "nokey", "4", "nx", "get"], NIL),
            (&["GET", "nokey"], &bulk("4")),
            (&["SET", "bin", "a\0b\r\nc"], OK),
            (&["GET", "bin"], "$6\r\na\0b\r\nc\r\n"),
            (&["SET", "empty", ""], OK),
            (&["GET", "empty"], "$0\r\n\r\n"),
        ],
    );
}

#[test]
fn set_ttl_handling() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert_eq!(r.cmd(&["SET", "k", "v", "PX", "100000"]), OK);
    let ttl = pttl(&mut r, "k");
    assert!(ttl > 90_000 && ttl <= 100_000, "{ttl}");
    // KEEPTTL keeps it, a plain SET (or GETSET) clears it.
    assert_eq!(r.cmd(&["SET", "k", "v2", "KEEPTTL"]), OK);
    assert!(pttl(&mut r, "k") > 90_000);
    assert_eq!(r.cmd(&["SET", "k", "v3"]), OK);
    assert_eq!(pttl(&mut r, "k"), -1);
    assert_eq!(r.cmd(&["SET", "k", "v", "EX", "100"]), OK);
    assert!(pttl(&mut r, "k") > 90_000);
    assert_eq!(r.cmd(&["GETSET", "k", "v4"]), bulk("v"));
    assert_eq!(pttl(&mut r, "k"), -1);
    // Absolute times.
    assert_eq!(r.cmd(&["SET", "k", "v", "PXAT", "9999999999999"]), OK);
    assert_eq!(r.cmd(&["PEXPIRETIME", "k"]), int(9_999_999_999_999));
    assert_eq!(r.cmd(&["SET", "k", "v", "EXAT", "9999999999"]), OK);
    assert_eq!(r.cmd(&["EXPIRETIME", "k"]), int(9_999_999_999));
    // SETEX / PSETEX.
    assert_eq!(r.cmd(&["SETEX", "s", "100", "x"]), OK);
    assert!(pttl(&mut r, "s") > 90_000);
    assert_eq!(r.cmd(&["PSETEX", "s", "50000", "y"]), OK);
    let ttl = pttl(&mut r, "s");
    assert!(ttl > 40_000 && ttl <= 50_000, "{ttl}");
    assert_eq!(r.cmd(&["GET", "s"]), bulk("y"));
    // A short TTL really expires.
    assert_eq!(r.cmd(&["SET", "short", "v", "PX", "50"]), OK);
    assert_eq!(r.cmd(&["PSETEX", "short2", "50", "v"]), OK);
    std::thread::sleep(Duration::from_millis(120));
    assert_eq!(r.cmd(&["GET", "short"]), NIL);
    assert_eq!(r.cmd(&["GET", "short2"]), NIL);
    // INCR, APPEND, SETRANGE and INCRBYFLOAT keep the TTL.
    assert_eq!(r.cmd(&["SET", "n", "10", "EX", "100"]), OK);
    for cmd in [&["INCR", "n"][..], &["INCRBYFLOAT", "n", "1.5"], &["APPEND", "n", "x"], &["SETRANGE", "n", "0", "y"]] {
        assert!(!r.cmd(cmd).starts_with('-'), "{cmd:?}");
        assert!(pttl(&mut r, "n") > 90_000, "{cmd:?}");
    }
    // A past absolute time: the key ends up gone either way.
    assert_eq!(r.cmd(&["SET", "gone", "v"]), OK);
    assert_eq!(r.cmd(&["SET", "gone", "w", "PXAT", "1"]), OK);
    assert_eq!(r.cmd(&["GET", "gone"]), NIL);
    assert_eq!(r.cmd(&["SET", "gone2", "w", "EXAT", "1", "GET"]), NIL);
    assert_eq!(r.cmd(&["EXISTS", "gone2"]), int(0));
    assert_eq!(r.cmd(&["SET", "gone3", "a"]), OK);
    assert_eq!(r.cmd(&["SET", "gone3", "b", "XX", "PXAT", "1", "GET"]), bulk("a"));
    assert_eq!(r.cmd(&["EXISTS", "gone3"]), int(0));
}

#[test]
fn setex_psetex_setnx() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["SETEX", "a", "0", "x"], &invalid_expire("setex")),
            (&["SETEX", "a", "-3", "x"], &invalid_expire("setex")),
            (&["SETEX", "a", "abc", "x"], NOT_INT),
            (&["SETEX", "a", "9223372036854775", "x"], &invalid_expire("setex")),
            (&["PSETEX", "a", "0", "x"], &invalid_expire("psetex")),
            (&["PSETEX", "a", "-1", "x"], &invalid_expire("psetex")),
            (&["PSETEX", "a", "9223372036854775807", "x"], &invalid_expire("psetex")),
            (&["EXISTS", "a"], &int(0)),
            (&["SETEX", "a", "10"], "-ERR wrong number of arguments for 'setex' command\r\n"),
            (&["SETEX", "a", "10", "x"], OK),
            (&["PSETEX", "a", "10000", "y"], OK),
            (&["GET", "a"], &bulk("y")),
            (&["SETNX", "a", "z"], &int(0)),
            (&["GET", "a"], &bulk("y")),
            (&["SETNX", "b", "z"], &int(1)),
            (&["GET", "b"], &bulk("z")),
        ],
    );
}

#[test]
fn get_getex_getdel_getset() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["GET", "nokey"], NIL),
            // GETEX on a missing key answers nil before looking at the expire value.
            (&["GETEX", "nokey", "EX", "0"], NIL),
            (&["GETEX", "nokey", "EX", "abc"], NIL),
            (&["GETEX", "nokey", "FOO"], SYNTAX),
            (&["GETEX", "nokey", "EX"], SYNTAX),
            (&["SET", "a", "hello"], OK),
            (&["GETEX", "a"], &bulk("hello")),
            (&["GETEX", "a", "EX", "0"], &invalid_expire("getex")),
            (&["GETEX", "a", "PXAT", "-1"], &invalid_expire("getex")),
            (&["GETEX", "a", "EX", "abc"], NOT_INT),
            (&["GETEX", "a", "EX", "9223372036854775"], &invalid_expire("getex")),
            (&["GETEX", "a", "PX", "9223372036854775807"], &invalid_expire("getex")),
            (&["GETEX", "a", "PERSIST", "PERSIST"], &bulk("hello")),
            (&["GETEX", "a", "EX", "10", "PERSIST"], SYNTAX),
            (&["GETEX", "a", "PERSIST", "EX", "10"], SYNTAX),
            (&["GETEX", "a", "KEEPTTL"], SYNTAX),
            (&["GETEX", "a", "NX"], SYNTAX),
            (&["GETEX", "a", "GET"], SYNTAX),
            (&["GETEX", "a", "EX", "10", "EX", "100"], &bulk("hello")),
        ],
    );
    assert!(pttl(&mut r, "a") > 90_000);
    assert_eq!(r.cmd(&["GETEX", "a", "PERSIST"]), bulk("hello"));
    assert_eq!(pttl(&mut r, "a"), -1);
    assert_eq!(r.cmd(&["GETEX", "a", "PX", "100000"]), bulk("hello"));
    assert!(pttl(&mut r, "a") > 90_000);
    assert_eq!(r.cmd(&["GETEX", "a", "PXAT", "9999999999999"]), bulk("hello"));
    assert_eq!(r.cmd(&["PEXPIRETIME", "a"]), int(9_999_999_999_999));
    assert_eq!(r.cmd(&["GETEX", "a", "EXAT", "9999999999"]), bulk("hello"));
    assert_eq!(r.cmd(&["EXPIRETIME", "a"]), int(9_999_999_999));
    // A past absolute time deletes the key after answering its value.
    assert_eq!(r.cmd(&["GETEX", "a", "EXAT", "1"]), bulk("hello"));
    assert_eq!(r.cmd(&["EXISTS", "a"]), int(0));
    check(
        &mut r,
        &[
            (&["SET", "d", "v"], OK),
            (&["GETDEL", "d"], &bulk("v")),
            (&["GETDEL", "d"], NIL),
            (&["EXISTS", "d"], &int(0)),
            (&["GETSET", "g", "1"], NIL),
            (&["GETSET", "g", "2"], &bulk("1")),
            (&["GET", "g"], &bulk("2")),
        ],
    );
}

#[test]
fn mset_msetnx_mget() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["MSET", "a", "1", "b"], "-ERR wrong number of arguments for 'mset' command\r\n"),
            (&["MSETNX", "a", "1", "b"], "-ERR wrong number of arguments for 'msetnx' command\r\n"),
            (&["MSET", "a"], "-ERR wrong number of arguments for 'mset' command\r\n"),
            (&["MSET", "a", "1", "b", "2"], OK),
            (&["MSETNX", "a", "1", "c", "2"], &int(0)),
            (&["EXISTS", "c"], &int(0)),
            (&["MSETNX", "c", "1", "c", "2"], &int(1)),
            (&["MGET", "a", "b", "c", "nokey"], "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n2\r\n$-1\r\n"),
            (&["MSET", "a", "x", "a", "y"], OK),
            (&["MGET", "a"], "*1\r\n$1\r\ny\r\n"),
            (&["MGET"], "-ERR wrong number of arguments for 'mget' command\r\n"),
        ],
    );
}

#[test]
fn counters() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["INCR", "new"], &int(1)),
            (&["DECR", "new2"], &int(-1)),
            (&["INCRBY", "new3", "5"], &int(5)),
            (&["DECRBY", "new4", "5"], &int(-5)),
            (&["INCRBY", "new3", "-7"], &int(-2)),
            (&["SET", "n", "9223372036854775806"], OK),
            (&["INCR", "n"], &int(i64::MAX)),
            (&["INCR", "n"], OVERFLOW),
            (&["DECRBY", "n", "-1"], OVERFLOW),
            (&["GET", "n"], &bulk("9223372036854775807")),
            (&["SET", "m", "-9223372036854775807"], OK),
            (&["DECR", "m"], &int(i64::MIN)),
            (&["DECR", "m"], OVERFLOW),
            (&["INCRBY", "m", "-1"], OVERFLOW),
            (&["DECRBY", "m", "-9223372036854775808"], "-ERR decrement would overflow\r\n"),
            (&["DECRBY", "x", "-9223372036854775808"], "-ERR decrement would overflow\r\n"),
            (&["INCRBY", "x", "-9223372036854775808"], &int(i64::MIN)),
            (&["DECRBY", "x", "9223372036854775807"], OVERFLOW),
            (&["INCRBY", "x", "abc"], NOT_INT),
            (&["INCRBY", "x", "1.5"], NOT_INT),
            (&["DECRBY", "x", "9223372036854775808"], NOT_INT),
            // The stored value must be a canonical integer (Redis's string2ll).
            (&["SET", "s", " 1"], OK),
            (&["INCR", "s"], NOT_INT),
            (&["SET", "s", "+1"], OK),
            (&["INCR", "s"], NOT_INT),
            (&["SET", "s", "01"], OK),
            (&["INCR", "s"], NOT_INT),
            (&["SET", "s", "1.0"], OK),
            (&["INCR", "s"], NOT_INT),
            (&["SET", "s", "abc"], OK),
            (&["DECR", "s"], NOT_INT),
            (&["SET", "s", "-0"], OK),
            (&["INCR", "s"], NOT_INT),
            (&["SET", "s", "41"], OK),
            (&["INCR", "s"], &int(42)),
            (&["GET", "s"], &bulk("42")),
            (&["APPEND", "s", "0"], &int(3)),
            (&["INCR", "s"], &int(421)),
        ],
    );
}

#[test]
fn incrbyfloat_matches_redis_long_double() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    // The huge-value cases, checked by shape.
    let big = r.cmd(&["INCRBYFLOAT", "big", "1.18e4932"]);
    assert!(big.starts_with("$4933\r\n11800000000000000000006528129180936992026904371401604717298312400618365277284469960120814962661227927667695261973918344"), "{}", &big[..60]);
    assert_eq!(r.cmd(&["INCRBYFLOAT", "big", "1.18e4932"]), NAN_OR_INF);
    assert_eq!(r.cmd(&["INCRBYFLOAT", "k", "1e308"]).len(), "$308\r\n\r\n".len() + 308);
    check(
        &mut r,
        &[
            (&["SET", "f", "10.5"], OK),
            (&["INCRBYFLOAT", "f", "0.1"], &bulk("10.6")),
            (&["INCRBYFLOAT", "g", "0.1"], &bulk("0.1")),
            (&["INCRBYFLOAT", "g", "0.2"], &bulk("0.3")),
            (&["INCRBYFLOAT", "h", "1e5"], &bulk("100000")),
            (&["INCRBYFLOAT", "h", "1.5e-3"], &bulk("100000.00150000000000006")),
            (&["INCRBYFLOAT", "i", "3.0e3"], &bulk("3000")),
            (&["INCRBYFLOAT", "i", "-3000"], &bulk("0")),
            (&["INCRBYFLOAT", "j", "+1"], &bulk("1")),
            (&["INCRBYFLOAT", "j", ".5"], &bulk("1.5")),
            (&["INCRBYFLOAT", "j", "5."], &bulk("6.5")),
            (&["INCRBYFLOAT", "j", "0x10"], &bulk("22.5")),
            (&["INCRBYFLOAT", "j", "0x1p-2"], &bulk("22.75")),
            (&["INCRBYFLOAT", "j", "1E2"], &bulk("122.75")),
            (&["INCRBYFLOAT", "m", "1.23456789012345678901234"], &bulk("1.23456789012345679")),
            (&["INCRBYFLOAT", "o", "3.14159265358979323846"], &bulk("3.14159265358979324")),
            (&["INCRBYFLOAT", "o", "123456789.123456789"], &bulk("123456792.26504944259067997")),
            (&["INCRBYFLOAT", "o", "-1e18"], &bulk("-999999999876543207.75")),
            (&["INCRBYFLOAT", "p", "9223372036854775807"], &bulk("9223372036854775807")),
            (&["INCRBYFLOAT", "p", "1"], &bulk("9223372036854775808")),
            (&["INCRBYFLOAT", "tiny", "-0.0000000000000000001"], &bulk("0")),
            (&["INCRBYFLOAT", "tiny2", "0.000000000000000015"], &bulk("0.00000000000000002")),
            (&["INCRBYFLOAT", "z", "-0"], &bulk("0")),
            (&["SET", "e", "1e3"], OK),
            (&["INCRBYFLOAT", "e", "1"], &bulk("1001")),
            (&["SET", "neg", "-7"], OK),
            (&["INCRBYFLOAT", "neg", "0.25"], &bulk("-6.75")),
            (&["INCRBYFLOAT", "j", "inf"], NAN_OR_INF),
            (&["INCRBYFLOAT", "j", "-Infinity"], NAN_OR_INF),
            (&["INCRBYFLOAT", "j", "nan"], NOT_FLOAT),
            (&["INCRBYFLOAT", "j", "abc"], NOT_FLOAT),
            (&["INCRBYFLOAT", "j", " 1"], NOT_FLOAT),
            (&["INCRBYFLOAT", "j", "1 "], NOT_FLOAT),
            (&["INCRBYFLOAT", "j", "1e"], NOT_FLOAT),
            (&["INCRBYFLOAT", "j", "0x"], NOT_FLOAT),
            (&["INCRBYFLOAT", "j", ""], NOT_FLOAT),
            (&["INCRBYFLOAT", "j", "1e4933"], NOT_FLOAT),
            (&["INCRBYFLOAT", "j", "1e-5000"], NOT_FLOAT),
            (&["GET", "j"], &bulk("122.75")),
            (&["SET", "s", "abc"], OK),
            (&["INCRBYFLOAT", "s", "1"], NOT_FLOAT),
            (&["SET", "s", "  5"], OK),
            (&["INCRBYFLOAT", "s", "1"], NOT_FLOAT),
            (&["SET", "s", "inf"], OK),
            (&["INCRBYFLOAT", "s", "1"], NAN_OR_INF),
        ],
    );
}

#[test]
fn append_strlen_getrange_setrange() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["APPEND", "a", "hello"], &int(5)),
            (&["APPEND", "a", " world"], &int(11)),
            (&["APPEND", "a", ""], &int(11)),
            (&["STRLEN", "a"], &int(11)),
            (&["STRLEN", "nokey"], &int(0)),
            (&["SET", "i", "12345"], OK),
            (&["STRLEN", "i"], &int(5)),
            (&["GETRANGE", "i", "1", "2"], &bulk("23")),
            (&["APPEND", "i", "6"], &int(6)),
            (&["GET", "i"], &bulk("123456")),
            (&["APPEND", "bin", "\0\r\n"], &int(3)),
            (&["APPEND", "bin", "\0"], &int(4)),
            (&["GET", "bin"], "$4\r\n\0\r\n\0\r\n"),
            // SETRANGE
            (&["SETRANGE", "e", "5", ""], &int(0)),
            (&["EXISTS", "e"], &int(0)),
            (&["SET", "s", "hello"], OK),
            (&["SETRANGE", "s", "1", ""], &int(5)),
            (&["SETRANGE", "s", "1", "abc"], &int(5)),
            (&["SETRANGE", "s", "9", "X"], &int(10)),
            (&["GET", "s"], "$10\r\nhabco\0\0\0\0X\r\n"),
            (&["SETRANGE", "s", "-1", "x"], "-ERR offset is out of range\r\n"),
            (&["SETRANGE", "s", "x", "x"], NOT_INT),
            (&["SETRANGE", "s", "9223372036854775808", "x"], NOT_INT),
            (&["SETRANGE", "s", "9223372036854775807", "x"], TOO_BIG),
            (&["SETRANGE", "s", "536870912", "x"], TOO_BIG),
            (&["SETRANGE", "new", "536870912", "x"], TOO_BIG),
            (&["SETRANGE", "new", "536870912", ""], &int(0)),
            (&["SETRANGE", "n", "2", "ab"], &int(4)),
            (&["GET", "n"], "$4\r\n\0\0ab\r\n"),
            // GETRANGE / SUBSTR, including Redis 7's quirks with negative indexes.
            (&["SET", "r", "0123456789"], OK),
            (&["GETRANGE", "r", "0", "-1"], &bulk("0123456789")),
            (&["GETRANGE", "r", "0", "-100"], &bulk("0")),
            (&["GETRANGE", "r", "1", "-100"], &bulk("")),
            (&["GETRANGE", "r", "-1", "-100"], &bulk("")),
            (&["GETRANGE", "r", "-100", "-99"], &bulk("0")),
            (&["GETRANGE", "r", "-100", "-101"], &bulk("")),
            (&["GETRANGE", "r", "5", "3"], &bulk("")),
            (&["GETRANGE", "r", "-3", "-1"], &bulk("789")),
            (&["GETRANGE", "r", "8", "100"], &bulk("89")),
            (&["GETRANGE", "r", "100", "200"], &bulk("")),
            (&["GETRANGE", "r", "0", "9223372036854775807"], &bulk("0123456789")),
            (&["GETRANGE", "r", "-9223372036854775808", "-1"], &bulk("0123456789")),
            (&["GETRANGE", "r", "a", "1"], NOT_INT),
            (&["GETRANGE", "r", "1", "b"], NOT_INT),
            (&["GETRANGE", "nokey", "a", "1"], NOT_INT),
            (&["GETRANGE", "nokey", "0", "-1"], &bulk("")),
            (&["SUBSTR", "r", "1", "3"], &bulk("123")),
            (&["SET", "empty", ""], OK),
            (&["GETRANGE", "empty", "0", "-1"], &bulk("")),
            (&["GETRANGE", "empty", "-1", "-1"], &bulk("")),
        ],
    );
}

#[test]
fn proto_max_bulk_len_limits_growth() {
    let t = Target::start(&["--proto-max-bulk-len", "1048576"]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["SETRANGE", "k", "1048576", "x"], TOO_BIG),
            (&["SETRANGE", "k", "1048575", "x"], &int(1_048_576)),
            (&["APPEND", "k", "y"], TOO_BIG),
            (&["APPEND", "k", ""], &int(1_048_576)),
            (&["STRLEN", "k"], &int(1_048_576)),
            (&["GETRANGE", "k", "-2", "-1"], "$2\r\n\0x\r\n"),
            // LCS refuses a DP table larger than proto-max-bulk-len.
            (&["SETRANGE", "a", "599", "a"], &int(600)),
            (&["SETRANGE", "b", "599", "b"], &int(600)),
            (
                &["LCS", "a", "b", "LEN"],
                "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n",
            ),
            (&["SETRANGE", "c", "399", "c"], &int(400)),
            (&["LCS", "a", "c", "LEN"], &int(399)),
        ],
    );
}

#[test]
fn lcs() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let idx = "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n";
    check(
        &mut r,
        &[
            (&["MSET", "a", "ohmytext", "b", "mynewtext"], OK),
            (&["LCS", "a", "b"], &bulk("mytext")),
            (&["LCS", "a", "b", "LEN"], &int(6)),
            (&["LCS", "a", "b", "IDX"], idx),
            (
                &["LCS", "a", "b", "IDX", "MINMATCHLEN", "4"],
                "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n",
            ),
            (
                &["LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
                "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
            ),
            (
                &["LCS", "a", "b", "idx", "withmatchlen", "minmatchlen", "-5"],
                "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
            ),
            (&["LCS", "a", "b", "WITHMATCHLEN"], &bulk("mytext")),
            (&["LCS", "a", "b", "MINMATCHLEN", "2", "LEN"], &int(6)),
            (&["LCS", "a", "nokey", "IDX"], "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n"),
            (&["LCS", "a", "nokey"], &bulk("")),
            (&["LCS", "nokey", "nokey2", "LEN"], &int(0)),
            (
                &["LCS", "a", "a", "IDX", "WITHMATCHLEN"],
                "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:7\r\n*2\r\n:0\r\n:7\r\n:8\r\n$3\r\nlen\r\n:8\r\n",
            ),
            (&["LCS", "a", "b", "LEN", "IDX"], "-ERR If you want both the length and indexes, please just use IDX.\r\n"),
            (&["LCS", "a", "b", "MINMATCHLEN"], SYNTAX),
            (&["LCS", "a", "b", "MINMATCHLEN", "x"], NOT_INT),
            (&["LCS", "a", "b", "FOO"], SYNTAX),
            (&["LCS", "a"], "-ERR wrong number of arguments for 'lcs' command\r\n"),
            (&["MSET", "x", "abcdefgh", "y", "xbcxefxh"], OK),
            (
                &["LCS", "x", "y", "IDX", "WITHMATCHLEN"],
                "*4\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:7\r\n:7\r\n*2\r\n:7\r\n:7\r\n:1\r\n*3\r\n*2\r\n:4\r\n:5\r\n*2\r\n:4\r\n:5\r\n:2\r\n*3\r\n*2\r\n:1\r\n:2\r\n*2\r\n:1\r\n:2\r\n:2\r\n$3\r\nlen\r\n:5\r\n",
            ),
            (&["LCS", "x", "y", "len", "len"], &int(5)),
            (&["MSET", "x1", "the quick brown fox", "y1", "a quick brown dog jumps"], OK),
            (&["LCS", "x1", "y1"], &bulk(" quick brown o")),
        ],
    );
}

#[test]
fn resp3_replies() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert!(r.cmd(&["HELLO", "3"]).starts_with('%'));
    check(
        &mut r,
        &[
            (&["MSET", "a", "ohmytext", "b", "mynewtext"], OK),
            (
                &["LCS", "a", "b", "IDX", "WITHMATCHLEN"],
                "%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
            ),
            (&["GET", "nokey"], "_\r\n"),
            (&["SET", "nokey", "v", "GET"], "_\r\n"),
            (&["SET", "nokey", "v", "NX"], "_\r\n"),
            (&["MGET", "a", "zz"], "*2\r\n$8\r\nohmytext\r\n_\r\n"),
            (&["GETEX", "zz"], "_\r\n"),
            (&["GETDEL", "zz"], "_\r\n"),
            (&["GETSET", "zz", "1"], "_\r\n"),
            (&["INCRBYFLOAT", "f", "1.5"], &bulk("1.5")),
        ],
    );
}

#[test]
fn encodings_follow_redis() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let long = "x".repeat(45);
    let enc = |r: &mut Raw, k: &str| r.cmd(&["OBJECT", "ENCODING", k]);
    let cases: &[(&[&str], &str, &str)] = &[
        (&["SET", "k", "12345"], "k", "int"),
        (&["SET", "k", "-9223372036854775808"], "k", "int"),
        (&["SET", "k", "9223372036854775808"], "k", "embstr"),
        (&["SET", "k", "-0"], "k", "embstr"),
        (&["SET", "k", "007"], "k", "embstr"),
        (&["SET", "k", "12345678901234567890123456789012345678901234"], "k", "embstr"),
        (&["SET", "k", &long], "k", "raw"),
        (&["SET", "k", "abc"], "k", "embstr"),
        (&["APPEND", "k", ""], "k", "raw"),
        (&["APPEND", "na", "123"], "na", "int"),
        (&["APPEND", "nb", "hello"], "nb", "embstr"),
        (&["SET", "i", "12"], "i", "int"),
        (&["SETRANGE", "i", "0", "9"], "i", "raw"),
        (&["SETRANGE", "nr", "2", "ab"], "nr", "raw"),
        (&["INCR", "c"], "c", "int"),
        (&["INCRBYFLOAT", "f", "1"], "f", "embstr"),
        (&["INCRBYFLOAT", "c", "0.5"], "c", "embstr"),
        (&["GETSET", "g", "10"], "g", "int"),
        (&["MSET", "m1", "1", "m2", "x"], "m1", "int"),
        (&["SETEX", "e", "100", "7"], "e", "int"),
        (&["SETNX", "sn", "77"], "sn", "int"),
    ];
    for (cmd, key, want) in cases {
        assert!(!r.cmd(cmd).starts_with('-'), "{cmd:?}");
        assert_eq!(enc(&mut r, key), bulk(want), "{cmd:?}");
    }
}

/// Subscribes to the key events of the test db.
fn subscribe_events(t: &Target) -> Raw {
    let mut sub = t.raw();
    let pattern = "__keyevent@0__:*".to_string();
    assert!(sub.cmd(&["PSUBSCRIBE", &pattern]).starts_with("*3\r\n$10\r\npsubscribe\r\n"));
    sub
}

#[test]
fn keyspace_events() {
    let t = Target::start(&["--notify-keyspace-events", "KEAn"]);
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    let script: &[&[&str]] = &[
        &["SET", "a", "1"],
        &["SET", "a", "2", "EX", "100"],
        &["SET", "a", "3", "NX"],
        &["SET", "a", "3", "XX", "KEEPTTL"],
        &["GETEX", "a", "PX", "100000"],
        &["GETEX", "a", "PERSIST"],
        &["GETEX", "a", "PERSIST"],
        &["GETEX", "a"],
        &["GETEX", "a", "PXAT", "1"],
        &["GETEX", "a", "EX", "10"],
        &["SETNX", "b", "1"],
        &["SETNX", "b", "1"],
        &["SETEX", "c", "100", "v"],
        &["PSETEX", "c", "100000", "v"],
        &["GETSET", "c", "w"],
        &["GETDEL", "c"],
        &["GETDEL", "c"],
        &["MSET", "d", "1", "e", "2"],
        &["MSETNX", "d", "1", "f", "2"],
        &["MSETNX", "f", "1", "f", "2"],
        &["INCR", "n"],
        &["DECRBY", "n", "5"],
        &["INCRBYFLOAT", "n", "1.5"],
        &["INCR", "f"],
        &["INCR", "n"],
        &["APPEND", "p", "x"],
        &["APPEND", "p", "y"],
        &["SETRANGE", "p", "0", ""],
        &["SETRANGE", "p", "5", "z"],
        &["SETRANGE", "q", "1", "z"],
        &["GET", "p"],
        &["MGET", "p", "q"],
        &["STRLEN", "p"],
        &["GETRANGE", "p", "0", "1"],
        &["LCS", "p", "q"],
        &["SET", "last", "1"],
    ];
    for cmd in script {
        let reply = r.cmd(cmd);
        // INCR of a float-looking value fails; everything else succeeds.
        assert_eq!(
            reply.starts_with('-'),
            cmd[..2] == ["INCR", "n"] && reply.contains("not an integer"),
            "{cmd:?} {reply}"
        );
    }
    let expected = [
        "new:a",
        "set:a",
        "set:a",
        "expire:a",
        "set:a",
        "expire:a",
        "persist:a",
        "del:a",
        "new:b",
        "set:b",
        "new:c",
        "set:c",
        "expire:c",
        "set:c",
        "expire:c",
        "set:c",
        "del:c",
        "new:d",
        "set:d",
        "new:e",
        "set:e",
        "new:f",
        "set:f",
        "set:f",
        "new:n",
        "incrby:n",
        "incrby:n",
        "incrbyfloat:n",
        "incrby:f",
        "new:p",
        "append:p",
        "append:p",
        "setrange:p",
        "new:q",
        "setrange:q",
        "new:last",
        "set:last",
    ];
    let got = read_events(&mut sub, expected.len());
    assert_eq!(got, expected);
}

#[test]
fn set_with_a_past_time_deletes_the_key() {
    let t = Target::start(&["--notify-keyspace-events", "KEAn"]);
    if t.is_real() {
        // Redis 7.0 stores the key with a past TTL and expires it later;
        // we follow newer Redis, which never stores it.
        return;
    }
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["SET", "a", "1"], OK),
            (&["SET", "a", "2", "PXAT", "1"], OK),
            (&["EXISTS", "a"], &int(0)),
            (&["SET", "b", "2", "EXAT", "1"], OK),
            (&["EXISTS", "b"], &int(0)),
            (&["SET", "last", "1"], OK),
        ],
    );
    let got = read_events(&mut sub, 4);
    assert_eq!(got, ["new:a", "set:a", "del:a", "new:last"]);
    let info = r.cmd(&["INFO", "stats"]);
    assert!(info.contains("expired_keys:2\r\n"), "{info}");
}

#[test]
fn hits_and_misses() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    // Reads count hits/misses (GET, SET GET, MGET, STRLEN, GETRANGE, GETEX,
    // GETDEL, GETSET, LCS); writes (SET, INCR, APPEND, SETRANGE, SETNX, MSETNX) don't.
    let script: &[&[&str]] = &[
        &["SET", "a", "1"],
        &["SET", "a", "2", "GET"],
        &["SET", "zz", "2", "GET"],
        &["GET", "a"],
        &["GET", "nokey"],
        &["MGET", "a", "nokey", "a"],
        &["STRLEN", "a"],
        &["STRLEN", "nokey"],
        &["GETRANGE", "a", "0", "1"],
        &["GETRANGE", "nokey", "0", "1"],
        &["GETEX", "a"],
        &["GETEX", "nokey"],
        &["GETDEL", "nokey"],
        &["GETSET", "a", "3"],
        &["GETSET", "nokey2", "3"],
        &["INCR", "a"],
        &["APPEND", "a", "1"],
        &["SETRANGE", "a", "0", "1"],
        &["SETNX", "a", "1"],
        &["MSETNX", "a", "1"],
        &["LCS", "a", "nokey"],
    ];
    let before = r.cmd(&["INFO", "stats"]);
    let stat = |info: &str, name: &str| -> i64 {
        let line = info.lines().find(|l| l.starts_with(name)).unwrap();
        line[name.len() + 1..].trim().parse().unwrap()
    };
    for cmd in script {
        assert!(!r.cmd(cmd).starts_with('-'), "{cmd:?}");
    }
    let after = r.cmd(&["INFO", "stats"]);
    assert_eq!(stat(&after, "keyspace_hits") - stat(&before, "keyspace_hits"), 9);
    assert_eq!(stat(&after, "keyspace_misses") - stat(&before, "keyspace_misses"), 9);
}

#[test]
fn writes_abort_watchers() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let writes: &[&[&str]] = &[
        &["SET", "w", "1"],
        &["INCR", "w"],
        &["INCRBYFLOAT", "w", "1"],
        &["APPEND", "w", "1"],
        &["SETRANGE", "w", "0", "9"],
        &["GETSET", "w", "1"],
        &["GETEX", "w", "EX", "100"],
        &["GETEX", "w", "PERSIST"],
        &["MSET", "w", "2"],
        &["GETDEL", "w"],
    ];
    for cmd in writes {
        r.cmd(&["SET", "w", "5", "EX", "1000"]);
        assert_eq!(r.cmd(&["WATCH", "w"]), OK);
        let mut other = t.raw();
        assert!(!other.cmd(cmd).starts_with('-'), "{cmd:?}");
        assert_eq!(r.cmd(&["MULTI"]), OK);
        assert_eq!(r.cmd(&["GET", "w"]), "+QUEUED\r\n");
        assert_eq!(r.cmd(&["EXEC"]), "*-1\r\n", "{cmd:?} should abort the transaction");
    }
    // Reads and failed conditional writes don't.
    let no_writes: &[&[&str]] =
        &[&["GET", "w"], &["GETEX", "w"], &["SETNX", "w", "1"], &["SET", "w", "1", "NX"], &["STRLEN", "w"]];
    for cmd in no_writes {
        r.cmd(&["SET", "w", "5"]);
        assert_eq!(r.cmd(&["WATCH", "w"]), OK);
        let mut other = t.raw();
        assert!(!other.cmd(cmd).starts_with('-'), "{cmd:?}");
        assert_eq!(r.cmd(&["MULTI"]), OK);
        assert_eq!(r.cmd(&["GET", "w"]), "+QUEUED\r\n");
        assert_eq!(r.cmd(&["EXEC"]), "*1\r\n$1\r\n5\r\n", "{cmd:?} should not abort the transaction");
    }
}

#[test]
fn redis_rs_roundtrip() {
    let t = Target::start(&[]);
    let port = match &t {
        Target::Ours(s) => s.port,
        Target::Real(p) => *p,
    };
    let mut c = redis::Client::open(format!("redis://127.0.0.1:{port}/0")).unwrap().get_connection().unwrap();
    let _: () = redis::cmd("SET").arg("k").arg(b"\xff\x00bin".as_slice()).query(&mut c).unwrap();
    let v: Vec<u8> = redis::cmd("GET").arg("k").query(&mut c).unwrap();
    assert_eq!(v, b"\xff\x00bin");
    let n: i64 = redis::cmd("INCRBY").arg("n").arg(41).query(&mut c).unwrap();
    assert_eq!(n, 41);
    let f: f64 = redis::cmd("INCRBYFLOAT").arg("n").arg(0.5).query(&mut c).unwrap();
    assert_eq!(f, 41.5);
    let vals: Vec<Option<String>> = redis::cmd("MGET").arg("n").arg("missing").query(&mut c).unwrap();
    assert_eq!(vals, [Some("41.5".to_string()), None]);
}
