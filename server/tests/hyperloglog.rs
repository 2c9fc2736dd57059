//! HyperLogLog commands against the real binary: PFADD, PFCOUNT (cached
//! single-key counts and unions), PFMERGE, PFDEBUG, the HLL-specific errors,
//! sparse/dense representations byte for byte, keyspace events, and
//! compatibility of the stored strings with Redis.
//!
//! The scripted expectations (including the raw HLL strings GET returns)
//! were captured from Redis 7.0.15. To replay the tests against a real Redis
//! (a scratch instance: it gets FLUSHALLed), run
//! `REAL_REDIS_PORT=6379 cargo test --test hyperloglog -- --test-threads=1`;
//! with that variable set, `live_cross_compatibility` also moves HLL values
//! between the real Redis and our server in both directions.

mod common;
use common::int;

use common::{check, run, Raw, Script, Target, TestServer};

/// The payload of a bulk reply.
fn bulk_body(reply: &[u8]) -> Vec<u8> {
    assert_eq!(reply[0], b'$', "{:?}", String::from_utf8_lossy(reply));
    let nl = reply.iter().position(|&c| c == b'\n').unwrap();
    reply[nl + 1..reply.len() - 2].to_vec()
}

fn count(r: &mut Raw, keys: &[&str]) -> i64 {
    let mut args = vec!["PFCOUNT"];
    args.extend_from_slice(keys);
    let s = r.cmd(&args);
    s.trim_start_matches(':').trim().parse().unwrap_or_else(|_| panic!("{s}"))
}

#[test]
fn commands_errors_and_representations() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    run(&mut r, PF_SCRIPT);
}

#[test]
fn sparse_max_bytes_config() {
    let t = Target::start(&["--hll-sparse-max-bytes", "40"]);
    let mut r = t.raw();
    check(
        &mut r,
        &[
            (&["CONFIG", "GET", "hll-sparse-max-bytes"], "*2\r\n$20\r\nhll-sparse-max-bytes\r\n$2\r\n40\r\n"),
            (&["PFADD", "s", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"], &int(1)),
            (&["PFDEBUG", "ENCODING", "s"], "+dense\r\n"),
            (&["PFCOUNT", "s"], &int(16)),
            (&["CONFIG", "SET", "hll-sparse-max-bytes", "3000"], "+OK\r\n"),
            (&["PFADD", "t", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"], &int(1)),
            (&["PFDEBUG", "ENCODING", "t"], "+sparse\r\n"),
            (&["PFCOUNT", "s", "t"], &int(16)),
        ],
    );
}

#[test]
fn error_stays_small_and_union_counts_once() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let n = 30_000;
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let names: Vec<String> = chunk.iter().map(|i| format!("user:{i}")).collect();
        let mut a = vec!["PFADD", "all"];
        a.extend(names.iter().map(|s| s.as_str()));
        r.cmd(&a);
        let half: Vec<&str> =
            names.iter().filter(|s| s.ends_with(['0', '2', '4', '6', '8'])).map(|s| s.as_str()).collect();
        let mut a = vec!["PFADD", "even"];
        a.extend(half);
        r.cmd(&a);
        let odd: Vec<&str> =
            names.iter().filter(|s| s.ends_with(['1', '3', '5', '7', '9'])).map(|s| s.as_str()).collect();
        let mut a = vec!["PFADD", "odd"];
        a.extend(odd);
        r.cmd(&a);
    }
    let all = count(&mut r, &["all"]);
    assert!((all - n as i64).abs() < n as i64 * 2 / 100, "{all}");
    // The union of the halves has the same registers as the whole.
    assert_eq!(count(&mut r, &["even", "odd"]), all);
    assert_eq!(r.cmd(&["PFMERGE", "u", "even", "odd"]), "+OK\r\n");
    assert_eq!(count(&mut r, &["u"]), all);
    assert_eq!(r.cmd(&["PFDEBUG", "ENCODING", "u"]), "+dense\r\n");
    let g1 = r.cmd_bytes(&[b"GET", b"u"]);
    let g2 = r.cmd_bytes(&[b"GET", b"all"]);
    assert_eq!(g1, g2, "same registers and same cached count");
    let regs = r.cmd(&["PFDEBUG", "GETREG", "u"]);
    assert!(regs.starts_with("*16384\r\n"));
}

#[test]
fn cached_count_lives_in_the_header() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    check(&mut r, &[(&["PFADD", "h", "a", "b", "c"], &int(1))]);
    let before = bulk_body(&r.cmd_bytes(&[b"GET", b"h"]));
    assert_eq!(&before[..4], b"HYLL");
    assert_eq!(before[15] & 0x80, 0x80, "cache invalid after PFADD");
    check(&mut r, &[(&["PFCOUNT", "h"], &int(3))]);
    let after = bulk_body(&r.cmd_bytes(&[b"GET", b"h"]));
    assert_eq!(&after[8..16], &3u64.to_le_bytes());
    // A forged cache is believed, as in Redis; any change invalidates it.
    let mut forged = after.clone();
    forged[8] = 42;
    r.cmd_bytes(&[b"SET", b"h", &forged]);
    check(&mut r, &[(&["PFCOUNT", "h"], &int(42)), (&["PFADD", "h", "a"], &int(0)), (&["PFCOUNT", "h"], &int(42))]);
    check(&mut r, &[(&["PFADD", "h", "d"], &int(1)), (&["PFCOUNT", "h"], &int(4))]);
}

/// `PFADD k e0 .. e199` as stored by Redis 7.0.15 (sparse), after PFCOUNT.
const REDIS_E200: &str = concat!(
    "48594c4c01000000c800000000000000368421801980409f8408a40e88409084406c9c0190018812883884409480411c",
    "8817884055800080407a80411d8812804075800d842a8040638440768c404684414880098040d5800980409480407e90",
    "40738040628440a280408384405d84148040cb8407840d8040f080405e80068427844081803c844047840780404e8040",
    "8f84039404844043840c842684406e80407380404084409d84198019802a8441028c088441298010801c884060801080",
    "404b8c4052881b8040b080406e8040bc802b8c40f58040618c1a840380407e80408080404580088440fd80405a804066",
    "84409f8040468c108c018401841e8811802384407d8440de84406280308812844065840784198040de84404684408b88",
    "14802988008402800a8840578041a79011842e844070801f840180189440f98440848c168421813c881d801380368410",
    "804089844044804147800380228040b88440bb88404684168040c684404980048440e680404380388c405c8040558440",
    "9980268005800380405480409e88404c882e8840448040b080198408841f880380405b841b803f804044804055800d88",
    "128440d380405988408b800290407e800784407b801d841d8040af8418840f844045803384404f80288440a784407680",
    "40578419844048800e9022840a80406a840d8039801380409a8828804046844044",
);

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn values_written_by_redis_count_the_same() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    // Build the same value here: byte-identical to what Redis stored.
    let mut args: Vec<String> = vec!["PFADD".into(), "k".into()];
    args.extend((0..200).map(|i| format!("e{i}")));
    let argv: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    check(&mut r, &[(&argv, &int(1)), (&["PFCOUNT", "k"], &int(200))]);
    let ours = bulk_body(&r.cmd_bytes(&[b"GET", b"k"]));
    assert_eq!(ours, unhex(REDIS_E200));
    let ours = unhex(REDIS_E200);
    // Redis's bytes, restored as a plain string, count the same.
    r.cmd_bytes(&[b"SET", b"fromredis", &ours]);
    check(&mut r, &[(&["PFCOUNT", "fromredis"], &int(200)), (&["PFCOUNT", "fromredis", "k"], &int(200))]);
}

#[test]
fn keyspace_events() {
    let t = Target::start(&["--notify-keyspace-events", "KEA"]);
    let mut sub = t.raw();
    assert!(sub.cmd(&["PSUBSCRIBE", "__keyevent@0__:*"]).starts_with("*3\r\n"));
    let mut r = t.raw();
    for cmd in [
        &["PFADD", "h", "a"][..],
        &["PFADD", "h", "a"],
        &["PFCOUNT", "h"],
        &["PFCOUNT", "h", "nokey"],
        &["PFMERGE", "m", "h"],
        &["PFMERGE", "m"],
        &["PFADD", "e"],
        &["SET", "last", "1"],
    ] {
        assert!(!r.cmd(cmd).starts_with('-'), "{cmd:?}");
    }
    let want = ["pfadd:h", "pfadd:m", "pfadd:m", "pfadd:e", "set:last"];
    let got: Vec<String> = (0..want.len())
        .map(|_| {
            let msg = sub.read_reply();
            let parts: Vec<&str> = msg.split("\r\n").collect();
            let event = parts[6].rsplit(':').next().unwrap();
            format!("{event}:{}", parts[8])
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn watch_and_pfcount_cache() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    let mut other = t.raw();
    check(&mut r, &[(&["PFADD", "h", "a"], &int(1)), (&["WATCH", "h"], "+OK\r\n")]);
    // Computing the cache is a change Redis propagates: it touches WATCH.
    other.cmd(&["PFCOUNT", "h"]);
    check(&mut r, &[(&["MULTI"], "+OK\r\n"), (&["PFCOUNT", "h"], "+QUEUED\r\n"), (&["EXEC"], "*-1\r\n")]);
    // A cached count and an add that changes nothing do not.
    check(&mut r, &[(&["WATCH", "h"], "+OK\r\n")]);
    other.cmd(&["PFCOUNT", "h"]);
    other.cmd(&["PFADD", "h", "a"]);
    check(&mut r, &[(&["MULTI"], "+OK\r\n"), (&["PFCOUNT", "h"], "+QUEUED\r\n"), (&["EXEC"], "*1\r\n:1\r\n")]);
}

/// With REAL_REDIS_PORT set: PFADD into Redis, copy the string to our server
/// and count there (and the reverse), with sparse and dense values.
#[test]
fn live_cross_compatibility() {
    let Ok(port) = std::env::var("REAL_REDIS_PORT") else { return };
    let real = Target::Real(port.parse().unwrap());
    let ours = TestServer::start();
    let (mut a, mut b) = (real.raw(), ours.raw());
    a.cmd(&["FLUSHALL"]);
    for (key, n) in [("small", 50), ("mid", 900), ("big", 20_000)] {
        for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
            let names: Vec<String> = chunk.iter().map(|i| format!("{key}-{i}")).collect();
            let mut args = vec!["PFADD", key];
            args.extend(names.iter().map(|s| s.as_str()));
            assert_eq!(a.cmd(&args), b.cmd(&args));
        }
        let from_redis = bulk_body(&a.cmd_bytes(&[b"GET", key.as_bytes()]));
        let from_ours = bulk_body(&b.cmd_bytes(&[b"GET", key.as_bytes()]));
        assert_eq!(from_redis, from_ours, "{key}: same bytes");
        b.cmd_bytes(&[b"SET", b"copy", &from_redis]);
        a.cmd_bytes(&[b"SET", b"copy", &from_ours]);
        assert_eq!(count(&mut a, &[key]), count(&mut b, &["copy"]), "{key}");
        assert_eq!(count(&mut b, &[key]), count(&mut a, &["copy"]), "{key}");
    }
    a.cmd(&["FLUSHALL"]);
}

const PF_SCRIPT: Script = &[
    (&[b"PFADD", b"e"], b":1\r\n"),
    (&[b"GET", b"e"], b"$18\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\r\n"),
    (&[b"PFADD", b"e"], b":0\r\n"),
    (&[b"PFCOUNT", b"e"], b":0\r\n"),
    (&[b"GET", b"e"], b"$18\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff\r\n"),
    (&[b"PFDEBUG", b"foo", b"nokey"], b"-ERR The specified key does not exist\r\n"),
    (&[b"PFDEBUG", b"decode", b"nokey"], b"-ERR The specified key does not exist\r\n"),
    (&[b"SET", b"bad", b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x00"], b"+OK\r\n"),
    (&[b"PFCOUNT", b"bad"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"PFADD", b"bad", b"a"], b":1\r\n"),
    (&[b"GET", b"bad"], b"$22\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80q\xa6\x84NW\x00\r\n"),
    (&[b"PFCOUNT", b"bad", b"e"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"PFMERGE", b"bad", b"e"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"SET", b"d", b"HYLL\x00"], b"+OK\r\n"),
    (&[b"PFCOUNT", b"d"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"PFADD", b"d", b"x"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"PFMERGE", b"d"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"PFCOUNT", b"nokey", b"nokey2"], b":0\r\n"),
    (&[b"PFCOUNT"], b"-ERR wrong number of arguments for 'pfcount' command\r\n"),
    (&[b"PFMERGE", b"nokey"], b"+OK\r\n"),
    (&[b"EXISTS", b"nokey"], b":1\r\n"),
    (&[b"GET", b"nokey"], b"$18\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\r\n"),
    (&[b"PFADD", b"e", b"a"], b":1\r\n"),
    (&[b"OBJECT", b"ENCODING", b"e"], b"$3\r\nraw\r\n"),
    (&[b"PFDEBUG", b"ENCODING", b"e"], b"+sparse\r\n"),
    (&[b"PFDEBUG", b"TODENSE", b"e"], b":1\r\n"),
    (&[b"PFDEBUG", b"TODENSE", b"e"], b":0\r\n"),
    (&[b"PFDEBUG", b"DECODE", b"e"], b"-ERR HLL encoding is not sparse\r\n"),
    (&[b"PFDEBUG", b"GETREG", b"e", b"extra"], b"-ERR wrong number of arguments for 'pfdebug' command\r\n"),
    (&[b"SET", b"x", b"1"], b"+OK\r\n"),
    (&[b"PFCOUNT", b"e", b"x"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"PFCOUNT", b"x"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"PFADD", b"x", b"a"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"PFMERGE", b"x"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"PFMERGE", b"e", b"x"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"HSET", b"h", b"f", b"v"], b":1\r\n"),
    (&[b"PFADD", b"h", b"a"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"PFCOUNT", b"h"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"PFCOUNT", b"e", b"h"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"PFMERGE", b"h", b"e"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"PFMERGE", b"e", b"h"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"PFDEBUG", b"ENCODING", b"h"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"PFDEBUG", b"ENCODING", b"x"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"PFADD", b"h1", b"a", b"b", b"c", b"d", b"e", b"f", b"g"], b":1\r\n"),
    (&[b"PFCOUNT", b"h1"], b":7\r\n"),
    (&[b"GET", b"h1"], b"$38\r\nHYLL\x01\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00Fm\x80V\x0c\x80D<\x848\x80P\xb1\x84I\x8c\x80Bm\x80BZ\r\n"),
    (&[b"PFADD", b"h1", b"a", b"b"], b":0\r\n"),
    (&[b"PFADD", b"h1", b"a", b"b", b"z"], b":1\r\n"),
    (&[b"PFCOUNT", b"h1"], b":8\r\n"),
    (&[b"GET", b"h1"], b"$41\r\nHYLL\x01\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00Fm\x80V\x0c\x80D<\x848\x80@\x8f\x80P \x84I\x8c\x80Bm\x80BZ\r\n"),
    (&[b"PFADD", b"h2", b"1", b"2", b"3", b"4", b"5", b"6", b"7", b"8", b"9", b"10", b"11", b"12", b"13", b"14", b"15"], b":1\r\n"),
    (&[b"PFMERGE", b"h3", b"h1", b"h2"], b"+OK\r\n"),
    (&[b"GET", b"h3"], b"$84\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80A\xee\x84D\x11\x80@j\x80C\xa4\x80E\"\x80@\xf5\x88F\xe6\x80Ec\x80@\xe9\x80CQ\x84\x02\x804\x80@\x8f\x80H\xc2\x80@\x92\x80F\xc8\x84Eu\x80B\xd7\x80A<\x80@\xd4\x8c@\xb8\x80\x15\x84@\xc6\x80BZ\r\n"),
    (&[b"PFDEBUG", b"DECODE", b"h3"], b"$284\r\nZ:495 v:2,1 Z:1042 v:1,1 Z:107 v:1,1 Z:933 v:1,1 Z:1315 v:1,1 Z:246 v:3,1 Z:1767 v:1,1 Z:1380 v:1,1 Z:234 v:1,1 Z:850 v:2,1 z:3 v:1,1 z:53 v:1,1 Z:144 v:1,1 Z:2243 v:1,1 Z:147 v:1,1 Z:1737 v:2,1 Z:1398 v:1,1 Z:728 v:1,1 Z:317 v:1,1 Z:213 v:4,1 Z:185 v:1,1 z:22 v:2,1 Z:199 v:1,1 Z:603\r\n"),
    (&[b"PFCOUNT", b"h3"], b":23\r\n"),
    (&[b"PFCOUNT", b"h1", b"h2"], b":23\r\n"),
    (&[b"PFCOUNT", b"h1", b"h2", b"nokey", b"h3"], b":23\r\n"),
    (&[b"PFMERGE", b"h1", b"h2"], b"+OK\r\n"),
    (&[b"GET", b"h1"], b"$84\r\nHYLL\x01\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x80A\xee\x84D\x11\x80@j\x80C\xa4\x80E\"\x80@\xf5\x88F\xe6\x80Ec\x80@\xe9\x80CQ\x84\x02\x804\x80@\x8f\x80H\xc2\x80@\x92\x80F\xc8\x84Eu\x80B\xd7\x80A<\x80@\xd4\x8c@\xb8\x80\x15\x84@\xc6\x80BZ\r\n"),
    (&[b"PFCOUNT", b"h1"], b":23\r\n"),
    (&[b"PFDEBUG", b"DECODE", b"h2"], b"$191\r\nZ:495 v:2,1 Z:1042 v:1,1 Z:1041 v:1,1 Z:1315 v:1,1 Z:246 v:3,1 Z:1767 v:1,1 Z:1615 v:1,1 Z:854 v:1,1 Z:2442 v:1,1 Z:147 v:1,1 Z:3136 v:1,1 Z:728 v:1,1 Z:531 v:4,1 Z:185 v:1,1 z:22 v:2,1 Z:803\r\n"),
    (&[b"PFDEBUG", b"ENCODING", b"h2"], b"+sparse\r\n"),
    (&[b"PFMERGE", b"h4", b"h2", b"e"], b"+OK\r\n"),
    (&[b"PFDEBUG", b"ENCODING", b"h4"], b"+dense\r\n"),
    (&[b"PFCOUNT", b"h4"], b":16\r\n"),
    (&[b"SET", b"emb", b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"], b"+OK\r\n"),
    (&[b"OBJECT", b"ENCODING", b"emb"], b"$6\r\nembstr\r\n"),
    (&[b"PFCOUNT", b"emb"], b":0\r\n"),
    (&[b"OBJECT", b"ENCODING", b"emb"], b"$3\r\nraw\r\n"),
    (&[b"SET", b"emb", b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"], b"+OK\r\n"),
    (&[b"PFADD", b"emb"], b":0\r\n"),
    (&[b"OBJECT", b"ENCODING", b"emb"], b"$3\r\nraw\r\n"),
    (&[b"PFADD", b"emb", b"foo"], b":1\r\n"),
    (&[b"GET", b"emb"], b"$21\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\\\xb3\x90cJ\r\n"),
    (&[b"PFADD", b"small", b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h", b"i", b"j", b"k", b"l", b"m", b"n", b"o", b"p"], b":1\r\n"),
    (&[b"PFDEBUG", b"ENCODING", b"small"], b"+sparse\r\n"),
    (&[b"PFCOUNT", b"small"], b":16\r\n"),
];
