//! Bitmap commands against the real binary: SETBIT/GETBIT, BITCOUNT and
//! BITPOS with BYTE/BIT ranges and negative indexes, BITOP (including Redis
//! 8.2's DIFF/DIFF1/ANDOR/ONE), BITFIELD/BITFIELD_RO with every overflow
//! mode, encodings and keyspace events.
//!
//! The scripted expectations were captured from Redis 7.0.15. To replay the
//! tests against a real Redis (a scratch instance: it gets FLUSHALLed), run
//! `REAL_REDIS_PORT=6379 cargo test --test bitmap -- --test-threads=1`.
//! Where we follow Redis 8 (the 8.2 BITOP operators, argument checks before
//! the key lookup in BITCOUNT/BITPOS) the test is skipped there.

mod common;
use common::{bulk, check, int, read_events, run, subscribe_events, Script};

use common::{Raw, Target};

#[test]
fn setbit_getbit_bitcount_bitpos_bitop() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    run(&mut r, BITS_SCRIPT);
}

#[test]
fn bitfield_types_offsets_and_overflow() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    run(&mut r, BITFIELD_SCRIPT);
}

#[test]
fn offsets_follow_proto_max_bulk_len() {
    let t = Target::start(&["--proto-max-bulk-len", "1mb"]);
    let mut r = t.raw();
    let err = "-ERR bit offset is not an integer or out of range\r\n";
    check(
        &mut r,
        &[
            (&["SETBIT", "b", "8388608", "1"], err),
            (&["GETBIT", "b", "8388608"], err),
            (&["SETBIT", "b", "8388607", "1"], &int(0)),
            (&["STRLEN", "b"], &int(1048576)),
            (&["BITCOUNT", "b"], &int(1)),
            (&["BITPOS", "b", "1"], &int(8388607)),
            (&["BITFIELD", "b", "GET", "u8", "#1048576"], err),
            (&["BITFIELD", "b", "GET", "u8", "#1048575"], "*1\r\n:1\r\n"),
            (&["BITFIELD", "b", "SET", "u1", "8388608", "1"], err),
        ],
    );
}

#[test]
fn bitop_redis_8_2_operators() {
    let t = Target::start(&[]);
    if t.is_real() {
        // Redis 7.0 does not have DIFF, DIFF1, ANDOR and ONE.
        return;
    }
    let mut r = t.raw();
    // x = 1111 0000, a = 1100 1100, b = 1010 1010 0000 0001
    r.cmd_bytes(&[b"SET", b"x", b"\xf0"]);
    r.cmd_bytes(&[b"SET", b"a", b"\xcc"]);
    r.cmd_bytes(&[b"SET", b"b", b"\xaa\x01"]);
    let cases: &[(&[&[u8]], &[u8])] = &[
        // DIFF: x & !(a | b) = 1111 0000 & !(1110 1110) = 0001 0000; 0 & .. = 0
        (&[b"BITOP", b"DIFF", b"d", b"x", b"a", b"b"], b":2\r\n"),
        (&[b"GET", b"d"], b"$2\r\n\x10\x00\r\n"),
        // DIFF1: !x & (a | b) = 0000 1111 & 1110 1110 = 0000 1110; second byte 1
        (&[b"BITOP", b"diff1", b"d", b"x", b"a", b"b"], b":2\r\n"),
        (&[b"GET", b"d"], b"$2\r\n\x0e\x01\r\n"),
        // ANDOR: x & (a | b) = 1110 0000; 0
        (&[b"BITOP", b"AndOr", b"d", b"x", b"a", b"b"], b":2\r\n"),
        (&[b"GET", b"d"], b"$2\r\n\xe0\x00\r\n"),
        // ONE: bits set in exactly one of x, a, b
        // x=11110000 a=11001100 b=10101010 -> counts per bit: 3,2,2,1,2,1,1,0
        (&[b"BITOP", b"ONE", b"d", b"x", b"a", b"b"], b":2\r\n"),
        (&[b"GET", b"d"], b"$2\r\n\x16\x01\r\n"),
        (&[b"BITOP", b"ONE", b"d", b"a"], b":1\r\n"),
        (&[b"GET", b"d"], b"$1\r\n\xcc\r\n"),
        (&[b"BITOP", b"DIFF", b"d", b"x"], b"-ERR BITOP DIFF must be called with at least two source keys.\r\n"),
        (&[b"BITOP", b"diff1", b"d", b"x"], b"-ERR BITOP DIFF1 must be called with at least two source keys.\r\n"),
        (&[b"BITOP", b"andor", b"d", b"x"], b"-ERR BITOP ANDOR must be called with at least two source keys.\r\n"),
        // Missing keys read as empty strings; an all-empty result deletes the destination.
        (&[b"BITOP", b"DIFF", b"d", b"nokey", b"x"], b":1\r\n"),
        (&[b"GET", b"d"], b"$1\r\n\x00\r\n"),
        (&[b"BITOP", b"ANDOR", b"d", b"nokey", b"nokey2"], b":0\r\n"),
        (&[b"EXISTS", b"d"], b":0\r\n"),
        (&[b"HSET", b"h", b"f", b"v"], b":1\r\n"),
        (
            &[b"BITOP", b"ONE", b"d", b"x", b"h"],
            b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        ),
    ];
    for (args, want) in cases {
        let show: Vec<String> = args.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        assert_eq!(r.cmd_bytes(args), *want, "{show:?}");
    }
}

#[test]
fn bitop_matches_a_bit_by_bit_model() {
    let t = Target::start(&[]);
    if t.is_real() {
        return;
    }
    let mut r = t.raw();
    let srcs: [&[u8]; 3] = [b"\x01\x02\x03\xff\x00\x10", b"\xff\x0f", b"\xa5\x5a\xa5\x5a\xa5\x5a\xa5\x5a\x11"];
    for (i, s) in srcs.iter().enumerate() {
        r.cmd_bytes(&[b"SET", format!("s{i}").as_bytes(), s]);
    }
    let maxlen = srcs.iter().map(|s| s.len()).max().unwrap();
    let byte = |i: usize, j: usize| srcs[i].get(j).copied().unwrap_or(0);
    for op in ["AND", "OR", "XOR", "DIFF", "DIFF1", "ANDOR", "ONE"] {
        let want: Vec<u8> = (0..maxlen)
            .map(|j| {
                let mut out = 0u8;
                for bit in 0..8 {
                    let v: Vec<bool> = (0..3).map(|i| byte(i, j) >> bit & 1 == 1).collect();
                    let rest = v[1] || v[2];
                    let set = match op {
                        "AND" => v.iter().all(|b| *b),
                        "OR" => v.iter().any(|b| *b),
                        "XOR" => v.iter().filter(|b| **b).count() % 2 == 1,
                        "DIFF" => v[0] && !rest,
                        "DIFF1" => !v[0] && rest,
                        "ANDOR" => v[0] && rest,
                        _ => v.iter().filter(|b| **b).count() == 1,
                    };
                    out |= (set as u8) << bit;
                }
                out
            })
            .collect();
        let n = r.cmd_bytes(&[b"BITOP", op.as_bytes(), b"dst", b"s0", b"s1", b"s2"]);
        assert_eq!(n, format!(":{maxlen}\r\n").into_bytes(), "{op}");
        let mut expect = format!("${maxlen}\r\n").into_bytes();
        expect.extend_from_slice(&want);
        expect.extend_from_slice(b"\r\n");
        assert_eq!(r.cmd_bytes(&[b"GET", b"dst"]), expect, "{op}");
    }
}

#[test]
fn arguments_are_checked_before_the_key_is_read() {
    let t = Target::start(&[]);
    if t.is_real() {
        // Redis 7.0 looks the key up first (a missing key answers 0 whatever
        // the arguments); Redis 7.2+ checks the arguments first.
        return;
    }
    let mut r = t.raw();
    let not_int = "-ERR value is not an integer or out of range\r\n";
    check(
        &mut r,
        &[
            (&["BITCOUNT", "nokey", "a", "b"], not_int),
            (&["BITCOUNT", "nokey", "0", "1", "foo"], "-ERR syntax error\r\n"),
            (&["BITCOUNT", "nokey", "0"], "-ERR syntax error\r\n"),
            (&["BITPOS", "nokey", "0", "a"], not_int),
            (&["BITPOS", "nokey", "1", "0", "1", "foo"], "-ERR syntax error\r\n"),
            (&["HSET", "h", "f", "v"], &int(1)),
            (&["BITCOUNT", "h", "x", "y"], not_int),
            (&["BITCOUNT", "nokey", "0", "-1", "bit"], &int(0)),
            (&["BITPOS", "nokey", "0", "5", "10", "bit"], &int(0)),
        ],
    );
}

#[test]
fn results_are_raw_strings() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let enc = |r: &mut Raw, k: &str| r.cmd(&["OBJECT", "ENCODING", k]);
    check(
        &mut r,
        &[
            (&["SETBIT", "a", "1", "1"], &int(0)),
            (&["SET", "n", "12"], "+OK\r\n"),
            (&["BITOP", "OR", "o", "n"], &int(2)),
            (&["GET", "o"], &bulk("12")),
            (&["SET", "f", "x"], "+OK\r\n"),
            (&["BITFIELD", "f", "GET", "u8", "0"], "*1\r\n:120\r\n"),
            (&["SET", "g", "x"], "+OK\r\n"),
            (&["BITFIELD", "g", "SET", "u8", "0", "120"], "*1\r\n:120\r\n"),
            (&["SET", "i", "1"], "+OK\r\n"),
            (&["SETBIT", "i", "7", "1"], &int(1)),
        ],
    );
    for (k, want) in [("a", "raw"), ("o", "raw"), ("f", "embstr"), ("g", "raw"), ("i", "raw")] {
        assert_eq!(enc(&mut r, k), bulk(want), "{k}");
    }
}

#[test]
fn keyspace_events() {
    let t = Target::start(&["--notify-keyspace-events", "KEAn"]);
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    let script: &[&[&str]] = &[
        &["SETBIT", "b", "3", "1"],
        // Same bit value, no growth: no event.
        &["SETBIT", "b", "3", "1"],
        &["SETBIT", "b", "3", "0"],
        // Growth alone is a change.
        &["SETBIT", "b", "20", "0"],
        &["BITOP", "NOT", "d", "b"],
        &["BITOP", "AND", "d", "b", "nokey"],
        &["BITOP", "AND", "d", "nokey"],
        &["BITOP", "AND", "d", "nokey"],
        &["BITFIELD", "f", "SET", "u8", "0", "1"],
        &["BITFIELD", "f", "GET", "u8", "0"],
        &["BITFIELD", "f", "INCRBY", "u8", "0", "1"],
        &["GETBIT", "b", "3"],
        &["BITCOUNT", "b"],
        &["BITPOS", "b", "1"],
        &["SET", "last", "1"],
    ];
    for cmd in script {
        let reply = r.cmd(cmd);
        assert!(!reply.starts_with('-'), "{cmd:?} {reply}");
    }
    let expected = [
        "new:b", "setbit:b", "setbit:b", "setbit:b", "new:d", "set:d", "set:d", "del:d", "new:f", "setbit:f",
        "setbit:f", "new:last", "set:last",
    ];
    assert_eq!(read_events(&mut sub, expected.len()), expected);
}

#[test]
fn bitfield_events_only_for_real_changes() {
    let t = Target::start(&["--notify-keyspace-events", "KEA"]);
    let mut sub = subscribe_events(&t);
    let mut r = t.raw();
    for cmd in [
        &["BITFIELD", "f", "SET", "u8", "0", "1"][..],
        &["BITFIELD", "f", "SET", "u8", "0", "1"],
        &["BITFIELD", "f", "INCRBY", "u8", "0", "0"],
        &["BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "255"],
        &["BITFIELD", "f", "INCRBY", "u8", "0", "1"],
    ] {
        assert!(!r.cmd(cmd).starts_with('-'));
    }
    assert_eq!(read_events(&mut sub, 2), ["setbit:f", "setbit:f"]);
    assert_eq!(r.cmd(&["GET", "f"]), bulk("\x02"));
}

#[test]
fn watch_is_invalidated_by_changes_only() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let mut other = t.raw();
    check(&mut r, &[(&["SETBIT", "w", "1", "1"], &int(0)), (&["WATCH", "w"], "+OK\r\n")]);
    // A SETBIT that changes nothing does not touch the key.
    other.cmd(&["SETBIT", "w", "1", "1"]);
    other.cmd(&["GETBIT", "w", "1"]);
    check(&mut r, &[(&["MULTI"], "+OK\r\n"), (&["GETBIT", "w", "1"], "+QUEUED\r\n"), (&["EXEC"], "*1\r\n:1\r\n")]);
    check(&mut r, &[(&["WATCH", "w"], "+OK\r\n")]);
    other.cmd(&["SETBIT", "w", "1", "0"]);
    check(&mut r, &[(&["MULTI"], "+OK\r\n"), (&["GETBIT", "w", "1"], "+QUEUED\r\n"), (&["EXEC"], "*-1\r\n")]);
}

#[test]
fn large_bitmaps() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["SETBIT", "big", "8000000", "1"], &int(0)),
            (&["SETBIT", "big", "77", "1"], &int(0)),
            (&["BITCOUNT", "big"], &int(2)),
            (&["BITCOUNT", "big", "78", "-1", "BIT"], &int(1)),
            (&["BITPOS", "big", "1", "78", "-1", "BIT"], &int(8000000)),
            (&["BITPOS", "big", "1", "10"], &int(8000000)),
            (&["BITPOS", "big", "0"], &int(0)),
            (&["BITPOS", "big", "1", "-1"], &int(8000000)),
            (&["BITPOS", "big", "0", "-1"], &int(8000001)),
            (&["BITPOS", "big", "0", "-1", "-1"], &int(8000001)),
            (&["BITOP", "NOT", "inv", "big"], &int(1000001)),
            (&["BITPOS", "inv", "0"], &int(77)),
            (&["BITCOUNT", "inv"], &int(8000006)),
        ],
    );
}

const BITS_SCRIPT: Script = &[
    (&[b"SETBIT", b"b", b"7", b"1"], b":0\r\n"),
    (&[b"SETBIT", b"b", b"7", b"1"], b":1\r\n"),
    (&[b"SETBIT", b"b", b"-1", b"1"], b"-ERR bit offset is not an integer or out of range\r\n"),
    (&[b"SETBIT", b"b", b"abc", b"1"], b"-ERR bit offset is not an integer or out of range\r\n"),
    (&[b"SETBIT", b"b", b"4294967296", b"1"], b"-ERR bit offset is not an integer or out of range\r\n"),
    (&[b"SETBIT", b"b", b"1", b"2"], b"-ERR bit is not an integer or out of range\r\n"),
    (&[b"SETBIT", b"b", b"1", b"-1"], b"-ERR bit is not an integer or out of range\r\n"),
    (&[b"SETBIT", b"b", b"1", b"x"], b"-ERR bit is not an integer or out of range\r\n"),
    (&[b"SETBIT", b"b", b"x", b"2"], b"-ERR bit offset is not an integer or out of range\r\n"),
    (&[b"SETBIT", b"b", b"01", b"1"], b"-ERR bit offset is not an integer or out of range\r\n"),
    (&[b"GETBIT", b"b", b"7"], b":1\r\n"),
    (&[b"GETBIT", b"b", b"100"], b":0\r\n"),
    (&[b"GETBIT", b"b", b"-1"], b"-ERR bit offset is not an integer or out of range\r\n"),
    (&[b"GETBIT", b"nokey", b"3"], b":0\r\n"),
    (&[b"SET", b"n", b"12"], b"+OK\r\n"),
    (&[b"GETBIT", b"n", b"2"], b":1\r\n"),
    (&[b"GETBIT", b"n", b"3"], b":1\r\n"),
    (&[b"SETBIT", b"n", b"2", b"1"], b":1\r\n"),
    (&[b"OBJECT", b"ENCODING", b"n"], b"$3\r\nraw\r\n"),
    (&[b"SET", b"n", b"12"], b"+OK\r\n"),
    (&[b"SETBIT", b"n", b"3", b"1"], b":1\r\n"),
    (&[b"GET", b"n"], b"$2\r\n12\r\n"),
    (&[b"OBJECT", b"ENCODING", b"n"], b"$3\r\nraw\r\n"),
    (&[b"SET", b"n", b"12"], b"+OK\r\n"),
    (&[b"BITCOUNT", b"n"], b":6\r\n"),
    (&[b"BITCOUNT", b"n", b"0", b"0"], b":3\r\n"),
    (&[b"BITCOUNT", b"n", b"0", b"0", b"bit"], b":0\r\n"),
    (&[b"BITCOUNT", b"n", b"1", b"5", b"BIT"], b":2\r\n"),
    (&[b"BITCOUNT", b"n", b"-3", b"-1", b"bit"], b":1\r\n"),
    (&[b"BITCOUNT", b"n", b"-1", b"-3"], b":0\r\n"),
    (&[b"BITCOUNT", b"n", b"-1", b"-3", b"bit"], b":0\r\n"),
    (&[b"BITCOUNT", b"b", b"0", b"-1", b"bit"], b":1\r\n"),
    (&[b"BITCOUNT", b"b", b"0", b"-1", b"foo"], b"-ERR syntax error\r\n"),
    (&[b"BITCOUNT", b"b", b"0"], b"-ERR syntax error\r\n"),
    (&[b"BITCOUNT", b"b", b"0", b"1", b"bit", b"x"], b"-ERR syntax error\r\n"),
    (&[b"BITCOUNT", b"b", b"a", b"1"], b"-ERR value is not an integer or out of range\r\n"),
    (&[b"BITCOUNT", b"b", b"1", b"a"], b"-ERR value is not an integer or out of range\r\n"),
    (&[b"SET", b"s", b"foobar"], b"+OK\r\n"),
    (&[b"BITCOUNT", b"s"], b":26\r\n"),
    (&[b"BITCOUNT", b"s", b"1", b"1"], b":6\r\n"),
    (&[b"BITCOUNT", b"s", b"5", b"30", b"bit"], b":17\r\n"),
    (&[b"BITCOUNT", b"s", b"1", b"-2"], b":18\r\n"),
    (&[b"BITCOUNT", b"s", b"-100", b"100"], b":26\r\n"),
    (&[b"BITCOUNT", b"s", b"100", b"200"], b":0\r\n"),
    (&[b"BITCOUNT", b"s", b"3", b"2"], b":0\r\n"),
    (&[b"BITCOUNT", b"s", b"0", b"-1", b"BYTE"], b":26\r\n"),
    (&[b"SET", b"e", b""], b"+OK\r\n"),
    (&[b"BITCOUNT", b"e"], b":0\r\n"),
    (&[b"BITPOS", b"e", b"0"], b":-1\r\n"),
    (&[b"BITPOS", b"e", b"1"], b":-1\r\n"),
    (&[b"BITPOS", b"e", b"0", b"0"], b":-1\r\n"),
    (&[b"BITPOS", b"nokey", b"1"], b":-1\r\n"),
    (&[b"BITPOS", b"nokey", b"0"], b":0\r\n"),
    (&[b"BITPOS", b"nokey", b"2"], b"-ERR The bit argument must be 1 or 0.\r\n"),
    (&[b"BITPOS", b"nokey", b"x"], b"-ERR value is not an integer or out of range\r\n"),
    (&[b"BITPOS", b"s", b"1"], b":1\r\n"),
    (&[b"BITPOS", b"s", b"0"], b":0\r\n"),
    (&[b"BITPOS", b"s", b"1", b"2"], b":17\r\n"),
    (&[b"BITPOS", b"s", b"0", b"2", b"-1"], b":16\r\n"),
    (&[b"BITPOS", b"s", b"1", b"2", b"-1", b"bit"], b":2\r\n"),
    (&[b"BITPOS", b"s", b"1", b"7", b"15", b"bit"], b":9\r\n"),
    (&[b"BITPOS", b"s", b"0", b"7", b"15", b"bit"], b":7\r\n"),
    (&[b"BITPOS", b"s", b"1", b"0", b"-1", b"bit"], b":1\r\n"),
    (&[b"BITPOS", b"s", b"0", b"1", b"1", b"bit"], b":-1\r\n"),
    (&[b"BITPOS", b"s", b"0", b"-1"], b":40\r\n"),
    (&[b"BITPOS", b"s", b"1", b"100"], b":-1\r\n"),
    (&[b"BITPOS", b"s", b"0", b"100"], b":-1\r\n"),
    (&[b"BITPOS", b"s", b"1", b"-100", b"-90", b"bit"], b":-1\r\n"),
    (&[b"BITPOS", b"s", b"1", b"2", b"1"], b":-1\r\n"),
    (&[b"BITPOS", b"s", b"1", b"0", b"1", b"2", b"3"], b"-ERR syntax error\r\n"),
    (&[b"BITPOS", b"s", b"1", b"0", b"1", b"foo"], b"-ERR syntax error\r\n"),
    (&[b"BITPOS", b"s", b"1", b"a"], b"-ERR value is not an integer or out of range\r\n"),
    (&[b"BITPOS", b"s", b"1", b"0", b"b"], b"-ERR value is not an integer or out of range\r\n"),
    (&[b"SET", b"ff", b"\xff\xff\xff"], b"+OK\r\n"),
    (&[b"BITPOS", b"ff", b"0"], b":24\r\n"),
    (&[b"BITPOS", b"ff", b"0", b"0"], b":24\r\n"),
    (&[b"BITPOS", b"ff", b"0", b"0", b"-1"], b":-1\r\n"),
    (&[b"BITPOS", b"ff", b"0", b"0", b"-1", b"bit"], b":-1\r\n"),
    (&[b"BITPOS", b"ff", b"0", b"3", b"10", b"bit"], b":-1\r\n"),
    (&[b"BITPOS", b"ff", b"1", b"3", b"10", b"bit"], b":3\r\n"),
    (&[b"BITPOS", b"ff", b"0", b"1"], b":24\r\n"),
    (&[b"SETBIT", b"ff", b"17", b"0"], b":1\r\n"),
    (&[b"BITPOS", b"ff", b"0", b"1"], b":17\r\n"),
    (&[b"BITPOS", b"ff", b"0", b"12", b"bit"], b"-ERR value is not an integer or out of range\r\n"),
    (&[b"BITPOS", b"ff", b"0", b"12", b"20", b"bit"], b":17\r\n"),
    (&[b"BITPOS", b"ff", b"0", b"18", b"20", b"bit"], b":-1\r\n"),
    (
        &[b"SET", b"z", b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"],
        b"+OK\r\n",
    ),
    (&[b"BITPOS", b"z", b"1"], b":167\r\n"),
    (&[b"BITPOS", b"z", b"1", b"3", b"bit"], b"-ERR value is not an integer or out of range\r\n"),
    (&[b"BITPOS", b"z", b"1", b"3", b"-1", b"bit"], b":167\r\n"),
    (&[b"BITPOS", b"z", b"0", b"3", b"-1", b"bit"], b":3\r\n"),
    (&[b"BITPOS", b"z", b"1", b"0", b"19"], b":-1\r\n"),
    (&[b"BITPOS", b"z", b"1", b"-1"], b":167\r\n"),
    (&[b"BITOP", b"and"], b"-ERR wrong number of arguments for 'bitop' command\r\n"),
    (&[b"BITOP", b"foo", b"d", b"b"], b"-ERR syntax error\r\n"),
    (&[b"BITOP", b"not", b"d", b"b", b"n"], b"-ERR BITOP NOT must be called with a single source key.\r\n"),
    (&[b"BITOP", b"not", b"d"], b"-ERR wrong number of arguments for 'bitop' command\r\n"),
    (&[b"BITOP", b"and", b"d", b"nokey"], b":0\r\n"),
    (&[b"EXISTS", b"d"], b":0\r\n"),
    (&[b"BITOP", b"or", b"d", b"s", b"n"], b":6\r\n"),
    (&[b"GET", b"d"], b"$6\r\nw\x7fobar\r\n"),
    (&[b"OBJECT", b"ENCODING", b"d"], b"$3\r\nraw\r\n"),
    (&[b"BITOP", b"and", b"d", b"s", b"n"], b":6\r\n"),
    (&[b"GET", b"d"], b"$6\r\n \"\x00\x00\x00\x00\r\n"),
    (&[b"BITOP", b"xor", b"d", b"s", b"n", b"ff"], b":6\r\n"),
    (&[b"GET", b"d"], b"$6\r\n\xa8\xa2\xd0bar\r\n"),
    (&[b"BITOP", b"not", b"d", b"s"], b":6\r\n"),
    (&[b"GET", b"d"], b"$6\r\n\x99\x90\x90\x9d\x9e\x8d\r\n"),
    (&[b"BITOP", b"AND", b"d", b"nokey", b"nokey2"], b":0\r\n"),
    (&[b"EXISTS", b"d"], b":0\r\n"),
    (&[b"HSET", b"h", b"f", b"v"], b":1\r\n"),
    (&[b"BITOP", b"and", b"d", b"b", b"h"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"BITOP", b"and", b"d", b"h", b"b"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"BITOP", b"foo", b"d", b"h"], b"-ERR syntax error\r\n"),
    (&[b"BITCOUNT", b"h"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"GETBIT", b"h", b"0"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"SETBIT", b"h", b"0", b"1"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"BITPOS", b"h", b"1"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (
        &[b"BITFIELD", b"h", b"GET", b"u8", b"0"],
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    ),
    (&[b"SET", b"k1", b"\x0f\xf0"], b"+OK\r\n"),
    (&[b"SET", b"k2", b"\xff"], b"+OK\r\n"),
];

const BITFIELD_SCRIPT: Script = &[
    (&[b"BITFIELD", b"k"], b"*0\r\n"),
    (&[b"BITFIELD", b"k", b"GET"], b"-ERR syntax error\r\n"),
    (&[b"BITFIELD", b"k", b"GET", b"u8"], b"-ERR syntax error\r\n"),
    (&[b"BITFIELD", b"k", b"GET", b"u8", b"0"], b"*1\r\n:0\r\n"),
    (
        &[b"BITFIELD", b"k", b"GET", b"u64", b"0"],
        b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n",
    ),
    (
        &[b"BITFIELD", b"k", b"GET", b"i65", b"0"],
        b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n",
    ),
    (
        &[b"BITFIELD", b"k", b"GET", b"i0", b"0"],
        b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n",
    ),
    (
        &[b"BITFIELD", b"k", b"GET", b"I8", b"0"],
        b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n",
    ),
    (
        &[b"BITFIELD", b"k", b"GET", b"x8", b"0"],
        b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n",
    ),
    (&[b"BITFIELD", b"k", b"GET", b"u8", b"-1"], b"-ERR bit offset is not an integer or out of range\r\n"),
    (&[b"BITFIELD", b"k", b"GET", b"u8", b"#1"], b"*1\r\n:0\r\n"),
    (&[b"BITFIELD", b"k", b"GET", b"u8", b"#-1"], b"-ERR bit offset is not an integer or out of range\r\n"),
    (
        &[b"BITFIELD", b"k", b"GET", b"i64", b"#144115188075855872"],
        b"-ERR bit offset is not an integer or out of range\r\n",
    ),
    (&[b"BITFIELD", b"k", b"GET", b"u8", b"#536870911"], b"*1\r\n:0\r\n"),
    (&[b"BITFIELD", b"k", b"GET", b"u8", b"#536870912"], b"-ERR bit offset is not an integer or out of range\r\n"),
    (&[b"BITFIELD", b"k", b"GET", b"u8", b"4294967295"], b"*1\r\n:0\r\n"),
    (&[b"BITFIELD", b"k", b"GET", b"u8", b"4294967296"], b"-ERR bit offset is not an integer or out of range\r\n"),
    (&[b"BITFIELD", b"k", b"SET", b"u8", b"0", b"256"], b"*1\r\n:0\r\n"),
    (&[b"BITFIELD", b"k", b"GET", b"u8", b"0"], b"*1\r\n:0\r\n"),
    (&[b"BITFIELD", b"k", b"SET", b"u8", b"0", b"255"], b"*1\r\n:0\r\n"),
    (&[b"BITFIELD", b"k", b"SET", b"u8", b"0", b"x"], b"-ERR value is not an integer or out of range\r\n"),
    (&[b"BITFIELD", b"k", b"SET", b"i8", b"0", b"-1"], b"*1\r\n:-1\r\n"),
    (
        &[b"BITFIELD", b"k", b"GET", b"i8", b"0", b"GET", b"u4", b"0", b"GET", b"u4", b"4", b"GET", b"i4", b"4"],
        b"*4\r\n:-1\r\n:15\r\n:15\r\n:-1\r\n",
    ),
    (&[b"BITFIELD", b"k", b"INCRBY", b"u8", b"0", b"1"], b"*1\r\n:0\r\n"),
    (
        &[
            b"BITFIELD",
            b"k",
            b"OVERFLOW",
            b"SAT",
            b"INCRBY",
            b"u8",
            b"0",
            b"1000",
            b"INCRBY",
            b"i8",
            b"8",
            b"1000",
            b"INCRBY",
            b"i8",
            b"8",
            b"-1000",
        ],
        b"*3\r\n:255\r\n:127\r\n:-128\r\n",
    ),
    (
        &[b"BITFIELD", b"k", b"OVERFLOW", b"FAIL", b"INCRBY", b"u8", b"0", b"1", b"INCRBY", b"u8", b"0", b"-1"],
        b"*2\r\n$-1\r\n:254\r\n",
    ),
    (
        &[b"BITFIELD", b"k", b"OVERFLOW", b"FOO", b"INCRBY", b"u8", b"0", b"1"],
        b"-ERR Invalid OVERFLOW type specified\r\n",
    ),
    (&[b"BITFIELD", b"k", b"OVERFLOW"], b"-ERR syntax error\r\n"),
    (&[b"BITFIELD", b"k", b"OVERFLOW", b"WRAP"], b"*0\r\n"),
    (&[b"BITFIELD", b"k", b"FOO"], b"-ERR syntax error\r\n"),
    (&[b"BITFIELD", b"k", b"INCRBY", b"u8", b"0"], b"-ERR syntax error\r\n"),
    (
        &[
            b"BITFIELD",
            b"k",
            b"SET",
            b"i64",
            b"100",
            b"-9223372036854775808",
            b"GET",
            b"i64",
            b"100",
            b"INCRBY",
            b"i64",
            b"100",
            b"-1",
            b"GET",
            b"u63",
            b"101",
        ],
        b"*4\r\n:0\r\n:-9223372036854775808\r\n:9223372036854775807\r\n:9223372036854775807\r\n",
    ),
    (
        &[
            b"BITFIELD",
            b"k",
            b"OVERFLOW",
            b"SAT",
            b"INCRBY",
            b"i64",
            b"100",
            b"-1",
            b"INCRBY",
            b"i64",
            b"100",
            b"9223372036854775807",
            b"INCRBY",
            b"i64",
            b"100",
            b"1",
        ],
        b"*3\r\n:9223372036854775806\r\n:9223372036854775807\r\n:9223372036854775807\r\n",
    ),
    (
        &[
            b"BITFIELD",
            b"k",
            b"OVERFLOW",
            b"FAIL",
            b"INCRBY",
            b"i64",
            b"100",
            b"1",
            b"SET",
            b"u63",
            b"0",
            b"-1",
            b"SET",
            b"i5",
            b"0",
            b"100",
        ],
        b"*3\r\n$-1\r\n$-1\r\n$-1\r\n",
    ),
    (
        &[
            b"BITFIELD",
            b"k",
            b"OVERFLOW",
            b"SAT",
            b"SET",
            b"u63",
            b"0",
            b"-1",
            b"SET",
            b"i5",
            b"0",
            b"100",
            b"SET",
            b"i5",
            b"0",
            b"-100",
            b"SET",
            b"u2",
            b"3",
            b"5",
        ],
        b"*4\r\n:9169328841326329856\r\n:-1\r\n:15\r\n:0\r\n",
    ),
    (
        &[
            b"BITFIELD",
            b"k",
            b"OVERFLOW",
            b"WRAP",
            b"SET",
            b"u63",
            b"0",
            b"-1",
            b"SET",
            b"i5",
            b"0",
            b"100",
            b"SET",
            b"i5",
            b"0",
            b"-100",
            b"SET",
            b"u2",
            b"3",
            b"5",
        ],
        b"*4\r\n:5764607523034234879\r\n:-1\r\n:4\r\n:0\r\n",
    ),
    (
        &[b"GET", b"k"],
        b"$21\r\n\xef\xff\xff\xff\xff\xff\xff\xfe\x00\x00\x00\x00\x07\xff\xff\xff\xff\xff\xff\xff\xf0\r\n",
    ),
    (&[b"STRLEN", b"k"], b":21\r\n"),
    (&[b"BITFIELD", b"k", b"SET", b"u8", b"#10", b"7"], b"*1\r\n:0\r\n"),
    (&[b"STRLEN", b"k"], b":21\r\n"),
    (&[b"BITFIELD_RO", b"k", b"GET", b"u8", b"#10", b"GET", b"i3", b"82"], b"*2\r\n:7\r\n:0\r\n"),
    (&[b"BITFIELD_RO", b"k", b"SET", b"u8", b"0", b"1"], b"-ERR BITFIELD_RO only supports the GET subcommand\r\n"),
    (
        &[b"BITFIELD_RO", b"k", b"INCRBY", b"u8", b"0", b"1", b"GET", b"u8", b"0"],
        b"-ERR BITFIELD_RO only supports the GET subcommand\r\n",
    ),
    (&[b"BITFIELD_RO", b"k", b"FOO"], b"-ERR syntax error\r\n"),
    (&[b"BITFIELD_RO", b"k"], b"*0\r\n"),
    (&[b"BITFIELD_RO", b"nokey", b"GET", b"i64", b"0"], b"*1\r\n:0\r\n"),
    (&[b"SET", b"n", b"123"], b"+OK\r\n"),
    (&[b"BITFIELD", b"n", b"GET", b"u8", b"0", b"GET", b"u16", b"4"], b"*2\r\n:49\r\n:4899\r\n"),
    (&[b"OBJECT", b"ENCODING", b"n"], b"$3\r\nint\r\n"),
    (&[b"BITFIELD", b"n", b"SET", b"u8", b"0", b"49"], b"*1\r\n:49\r\n"),
    (&[b"OBJECT", b"ENCODING", b"n"], b"$3\r\nraw\r\n"),
    (&[b"BITFIELD", b"n", b"SET", b"u8", b"0", b"50"], b"*1\r\n:49\r\n"),
    (&[b"GET", b"n"], b"$3\r\n223\r\n"),
    (&[b"BITFIELD", b"new", b"OVERFLOW", b"FAIL", b"INCRBY", b"u8", b"100", b"300"], b"*1\r\n$-1\r\n"),
    (&[b"EXISTS", b"new"], b":1\r\n"),
    (&[b"STRLEN", b"new"], b":14\r\n"),
    (&[b"BITFIELD", b"new2", b"SET", b"u1", b"0", b"0"], b"*1\r\n:0\r\n"),
    (&[b"GET", b"new2"], b"$1\r\n\x00\r\n"),
    (&[b"HSET", b"h", b"f", b"v"], b":1\r\n"),
    (
        &[b"BITFIELD", b"h", b"GET", b"u8", b"0"],
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    ),
    (
        &[b"BITFIELD", b"h", b"SET", b"u8", b"0", b"1"],
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    ),
    (&[b"BITFIELD", b"h", b"GET", b"u8", b"x"], b"-ERR bit offset is not an integer or out of range\r\n"),
    (
        &[b"BITFIELD_RO", b"h", b"GET", b"u8", b"0"],
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    ),
    (
        &[
            b"BITFIELD",
            b"k",
            b"INCRBY",
            b"i1",
            b"0",
            b"1",
            b"INCRBY",
            b"i1",
            b"0",
            b"1",
            b"INCRBY",
            b"u1",
            b"0",
            b"1",
            b"INCRBY",
            b"u1",
            b"0",
            b"1",
            b"GET",
            b"i1",
            b"0",
        ],
        b"*5\r\n:0\r\n:-1\r\n:0\r\n:1\r\n:-1\r\n",
    ),
    (
        &[
            b"BITFIELD",
            b"k",
            b"OVERFLOW",
            b"SAT",
            b"INCRBY",
            b"i1",
            b"0",
            b"5",
            b"INCRBY",
            b"i1",
            b"0",
            b"-5",
            b"INCRBY",
            b"u63",
            b"64",
            b"-1",
        ],
        b"*3\r\n:0\r\n:-1\r\n:3848357806078\r\n",
    ),
    (
        &[
            b"BITFIELD",
            b"k",
            b"set",
            b"i8",
            b"0",
            b"1",
            b"get",
            b"u8",
            b"0",
            b"incrby",
            b"i8",
            b"0",
            b"2",
            b"overflow",
            b"sat",
            b"incrby",
            b"u8",
            b"0",
            b"255",
        ],
        b"*4\r\n:-17\r\n:1\r\n:3\r\n:255\r\n",
    ),
    (
        &[b"BITFIELD", b"k", b"SET", b"i64", b"0", b"9223372036854775807", b"INCRBY", b"i64", b"0", b"1"],
        b"*2\r\n:-2\r\n:-9223372036854775808\r\n",
    ),
    (
        &[
            b"BITFIELD",
            b"k",
            b"SET",
            b"i64",
            b"0",
            b"-9223372036854775808",
            b"INCRBY",
            b"i64",
            b"0",
            b"-1",
            b"OVERFLOW",
            b"SAT",
            b"INCRBY",
            b"i64",
            b"0",
            b"-5",
            b"INCRBY",
            b"i64",
            b"0",
            b"9223372036854775807",
        ],
        b"*4\r\n:-9223372036854775808\r\n:9223372036854775807\r\n:9223372036854775802\r\n:9223372036854775807\r\n",
    ),
    (
        &[b"BITFIELD", b"k", b"GET", b"u8", b"0", b"GET", b"u8", b"9223372036854775807"],
        b"-ERR bit offset is not an integer or out of range\r\n",
    ),
];
