//! Deterministic propagation, end to end through the AOF: commands whose
//! effect depends on the clock, randomness or server-chosen values are
//! written as the deterministic commands Redis writes (PEXPIREAT, SET PXAT,
//! SREM, LPOP, XADD with the real ID, XCLAIM ... TIME ... FORCE JUSTID,
//! XGROUP SETID ... ENTRIESREAD, ...), and a restart that loads the AOF
//! later ends up with the same dataset.
//!
//! The exact rewrites of every handler are unit-tested in
//! `src/commands/propagation_tests.rs` against the write stream itself;
//! these tests need `appendonly` to land: enable them then.

mod common;
use common::TestServer;

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::Value;

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

fn q(c: &mut redis::Connection, args: &[&str]) -> Value {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(c).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn s(v: &Value) -> String {
    match v {
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::SimpleString(t) => t.clone(),
        Value::Okay => "OK".into(),
        Value::Int(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

/// The commands in an AOF file (RESP arrays of bulk strings), SELECTs left out.
fn aof_commands(path: &Path) -> Vec<Vec<String>> {
    let buf = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut pos = 0;
    let line = |pos: &mut usize| -> String {
        let end = buf[*pos..].windows(2).position(|w| w == b"\r\n").unwrap() + *pos;
        let l = String::from_utf8_lossy(&buf[*pos..end]).into_owned();
        *pos = end + 2;
        l
    };
    let mut out = Vec::new();
    while pos < buf.len() {
        let head = line(&mut pos);
        let n: usize = head.strip_prefix('*').expect("an array").parse().unwrap();
        let mut argv = Vec::with_capacity(n);
        for _ in 0..n {
            let len: usize = line(&mut pos).strip_prefix('$').expect("a bulk").parse().unwrap();
            argv.push(String::from_utf8_lossy(&buf[pos..pos + len]).into_owned());
            pos += len + 2;
        }
        if !argv[0].eq_ignore_ascii_case("select") {
            out.push(argv);
        }
    }
    out
}

fn incr_aof(dir: &Path) -> std::path::PathBuf {
    dir.join("appendonlydir").join("appendonly.aof.1.incr.aof")
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn near(at: &str, expected: i64) {
    let at: i64 = at.parse().unwrap();
    assert!((at - expected).abs() < 5_000, "{at} is not near {expected}");
}

/// Consumer seen-time/active-time record when a consumer last acted; a
/// replay acts at another time (as with Redis).
fn mask_times(v: Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut mask_next = false;
            for it in items {
                if mask_next {
                    out.push(Value::Nil);
                    mask_next = false;
                    continue;
                }
                mask_next = matches!(&it, Value::BulkString(b) if b == b"seen-time" || b == b"active-time");
                out.push(mask_times(it));
            }
            Value::Array(out)
        }
        other => other,
    }
}

/// Every key with its type, absolute expiry and contents.
fn dataset(c: &mut redis::Connection) -> Vec<String> {
    let Value::Array(keys) = q(c, &["KEYS", "*"]) else { panic!("KEYS") };
    let mut keys: Vec<String> = keys.iter().map(s).collect();
    keys.sort();
    keys.iter()
        .map(|k| {
            let ty = s(&q(c, &["TYPE", k]));
            let exp = s(&q(c, &["PEXPIRETIME", k]));
            let body = match ty.as_str() {
                "string" => format!("{:?}", q(c, &["GET", k])),
                "list" => format!("{:?}", q(c, &["LRANGE", k, "0", "-1"])),
                "set" => {
                    let Value::Array(m) = q(c, &["SMEMBERS", k]) else { panic!() };
                    let mut m: Vec<String> = m.iter().map(s).collect();
                    m.sort();
                    format!("{m:?}")
                }
                "zset" => format!("{:?}", q(c, &["ZRANGE", k, "0", "-1", "WITHSCORES"])),
                "hash" => {
                    let Value::Array(flat) = q(c, &["HGETALL", k]) else { panic!() };
                    let mut fields: Vec<String> = flat
                        .chunks(2)
                        .map(|p| {
                            let f = s(&p[0]);
                            let ttl = q(c, &["HPEXPIRETIME", k, "FIELDS", "1", &f]);
                            format!("{f}={}@{ttl:?}", s(&p[1]))
                        })
                        .collect();
                    fields.sort();
                    format!("{fields:?}")
                }
                "stream" => format!(
                    "{:?} {:?}",
                    q(c, &["XRANGE", k, "-", "+"]),
                    mask_times(q(c, &["XINFO", "STREAM", k, "FULL"]))
                ),
                other => panic!("unexpected type {other}"),
            };
            format!("{k} {ty} {exp} {body}")
        })
        .collect()
}

#[test]
fn aof_holds_deterministic_commands() {
    let srv = TestServer::start_with(&["--appendonly", "yes"]);
    let mut c = srv.conn();
    let now = now_ms();
    q(&mut c, &["SET", "k", "v", "EX", "100"]);
    q(&mut c, &["EXPIRE", "k", "200", "GT"]);
    q(&mut c, &["SADD", "s", "a"]);
    q(&mut c, &["SPOP", "s"]);
    q(&mut c, &["INCRBYFLOAT", "f", "1.5"]);
    let id = s(&q(&mut c, &["XADD", "x", "*", "f", "v"]));
    q(&mut c, &["RPUSH", "l", "a"]);
    q(&mut c, &["BLPOP", "l", "1"]);

    let cmds = aof_commands(&incr_aof(&srv.dir));
    assert_eq!(cmds.len(), 8, "{cmds:?}");
    assert_eq!(cmds[0][..4], strs(&["SET", "k", "v", "PXAT"]));
    near(&cmds[0][4], now + 100_000);
    assert_eq!(cmds[1][..2], strs(&["PEXPIREAT", "k"]));
    assert_eq!(cmds[1].len(), 3);
    near(&cmds[1][2], now + 200_000);
    assert_eq!(cmds[2], strs(&["SADD", "s", "a"]));
    assert_eq!(cmds[3], strs(&["SREM", "s", "a"]));
    assert_eq!(cmds[4], strs(&["SET", "f", "1.5", "KEEPTTL"]));
    assert_eq!(cmds[5], strs(&["XADD", "x", &id, "f", "v"]));
    assert_eq!(cmds[6], strs(&["RPUSH", "l", "a"]));
    assert_eq!(cmds[7], strs(&["LPOP", "l"]));
}

#[test]
fn aof_replayed_later_gives_the_same_dataset() {
    let mut srv = TestServer::start_with(&["--appendonly", "yes"]);
    let dir = srv.dir.clone();
    let mut c = srv.conn();
    for args in [
        &["SET", "str", "v", "EX", "1000"][..],
        &["SETEX", "str2", "1000", "w"],
        &["SET", "str3", "x"],
        &["PEXPIRE", "str3", "900000"],
        &["SET", "gone", "x"],
        &["EXPIRE", "gone", "-1"],
        &["INCRBYFLOAT", "fl", "0.1"],
        &["INCRBYFLOAT", "fl", "0.2"],
        &["HSET", "h", "a", "1", "b", "2", "c", "3"],
        &["HEXPIRE", "h", "1000", "FIELDS", "2", "a", "b"],
        &["HPEXPIREAT", "h", "1", "FIELDS", "1", "c"],
        &["HINCRBYFLOAT", "h", "a", "1.5"],
        &["SADD", "set", "1", "2", "3", "4", "5", "6", "7", "8"],
        &["SPOP", "set"],
        &["SPOP", "set", "3"],
        &["RPUSH", "l", "1", "2", "3", "4"],
        &["BLPOP", "l", "0"],
        &["BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "2"],
        &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        &["BZPOPMIN", "z", "0"],
        &["XADD", "st", "*", "f", "1"],
        &["XADD", "st", "*", "f", "2"],
        &["XADD", "st", "MAXLEN", "~", "1", "*", "f", "3"],
        &["XGROUP", "CREATE", "st", "g", "0"],
        &["XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "st", ">"],
        &["XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "st", ">"],
        &["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "st", "0"],
        &["XAUTOCLAIM", "st", "g", "dave", "0", "0"],
    ] {
        q(&mut c, args);
    }
    let before = dataset(&mut c);
    assert!(before.iter().any(|l| l.starts_with("st ")), "{before:?}");
    let _: redis::RedisResult<Value> = redis::cmd("SHUTDOWN").arg("NOSAVE").query(&mut c);
    assert!(srv.wait_exit(Duration::from_secs(10)).is_some());
    // Later: relative times would now give other absolute ones.
    std::thread::sleep(Duration::from_millis(1100));

    let dir_s = dir.to_str().unwrap().to_string();
    let again = TestServer::start_with(&["--appendonly", "yes", "--dir", &dir_s]);
    again.wait_loaded();
    let mut c = again.conn();
    assert_eq!(dataset(&mut c), before);
}
