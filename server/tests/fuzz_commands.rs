//! Argument soup: every command in the table, called many times with random
//! arguments drawn from a pool of tricky values (keys of every type, huge and
//! negative numbers, inf/nan, keywords, binary junk). Every call must get a
//! reply and the server must stay up: a panic is a bug. Deterministic (fixed
//! seed); set FUZZ_ROUNDS for a longer run.

mod common;
use common::TestServer;

/// A tiny xorshift generator: reproducible without extra dependencies.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, v: &'a [String]) -> &'a String {
        &v[(self.next() % v.len() as u64) as usize]
    }
}

/// Commands that change the connection's mode (so replies stop being one per
/// command), block, or stop the server.
const SKIP: &[&str] = &[
    "shutdown",
    "monitor",
    "subscribe",
    "psubscribe",
    "ssubscribe",
    "unsubscribe",
    "punsubscribe",
    "sunsubscribe",
    "quit",
    "reset",
    "hello",
    "client",
    "debug",
    "multi",
    "exec",
    "discard",
    "watch",
    "config",
    "select",
    "swapdb",
    "flushall",
    "flushdb",
];

#[test]
fn random_arguments_never_break_the_server() {
    let s = TestServer::start();
    let mut r = s.raw();
    let list = r.cmd(&["COMMAND", "LIST"]);
    let mut names: Vec<String> = list
        .split("\r\n")
        .filter(|l| !l.is_empty() && !l.starts_with('*') && !l.starts_with('$'))
        .map(|l| l.to_string())
        .filter(|n| !SKIP.contains(&n.as_str()))
        .collect();
    names.sort();
    // Blocking commands would wait forever on a random 0 timeout.
    names.retain(|n| {
        let info = r.cmd(&["COMMAND", "INFO", n]);
        !info.contains("+blocking\r\n")
    });
    assert!(names.len() > 150, "only {} commands listed", names.len());

    // Keys of every type for the commands to trip over.
    for c in [
        vec!["SET", "str", "hello"],
        vec!["SET", "num", "42"],
        vec!["RPUSH", "list", "a", "b", "c", "1", "2"],
        vec!["SADD", "set", "a", "b", "1"],
        vec!["HSET", "hash", "f", "v", "n", "1"],
        vec!["ZADD", "zset", "1", "a", "2", "b", "-inf", "c"],
        vec!["XADD", "stream", "1-1", "f", "v"],
        vec!["PFADD", "hll", "a", "b"],
    ] {
        r.cmd(&c);
    }
    let pool: Vec<String> = [
        "str",
        "num",
        "list",
        "set",
        "hash",
        "zset",
        "stream",
        "hll",
        "nokey",
        "",
        "0",
        "1",
        "-1",
        "2",
        "3",
        "10",
        "-100",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551616",
        "1e308",
        "-1e308",
        "inf",
        "-inf",
        "+inf",
        "nan",
        "0.5",
        "(1",
        "[a",
        "-",
        "+",
        "*",
        "$",
        "0-0",
        "1-1",
        "99999999999999-0",
        ">",
        "LIMIT",
        "COUNT",
        "WITHSCORES",
        "BYSCORE",
        "BYLEX",
        "REV",
        "STORE",
        "BY",
        "GET",
        "ALPHA",
        "DESC",
        "NX",
        "XX",
        "GT",
        "LT",
        "CH",
        "INCR",
        "EX",
        "PX",
        "KEEPTTL",
        "MATCH",
        "TYPE",
        "FIELDS",
        "LEFT",
        "RIGHT",
        "MIN",
        "MAX",
        "WEIGHTS",
        "AGGREGATE",
        "SUM",
        "STREAMS",
        "GROUP",
        "MKSTREAM",
        "ID",
        "IDLE",
        "JUSTID",
        "FORCE",
        "MAXLEN",
        "MINID",
        "~",
        "=",
        "NOMKSTREAM",
        "OVERFLOW",
        "FAIL",
        "SAT",
        "i64",
        "u63",
        "i1",
        "#0",
        "BIT",
        "BYTE",
        "AND",
        "OR",
        "XOR",
        "NOT",
        "DIFF",
        "ONE",
        "IDX",
        "LEN",
        "MINMATCHLEN",
        "WITHMATCHLEN",
        "\u{0}\u{ff}junk",
        "h*llo",
        "[^a]",
        "\\",
        "very-long-argument-very-long-argument-very-long-argument-very-long-argument",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();

    let rounds: usize = std::env::var("FUZZ_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..rounds {
        for name in &names {
            let argc = (rng.next() % 7) as usize;
            let mut args: Vec<&str> = vec![name.as_str()];
            for _ in 0..argc {
                args.push(rng.pick(&pool));
            }
            let reply = r.cmd(&args);
            assert!(!reply.is_empty(), "no reply to {args:?}");
            assert!(s.port > 0);
            // Restore the typed keys now and then, since commands delete them.
            if round % 8 == 0 && name == "zunionstore" {
                r.cmd(&["RPUSH", "list", "a", "b"]);
                r.cmd(&["SADD", "set", "a"]);
                r.cmd(&["ZADD", "zset", "1", "a"]);
                r.cmd(&["HSET", "hash", "f", "v"]);
            }
        }
    }
    let mut fresh = s.raw();
    assert_eq!(fresh.cmd(&["PING"]), "+PONG\r\n");
}
