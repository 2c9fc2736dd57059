//! maxmemory: the exact OOM error under noeviction, and eviction policies
//! keeping used memory near the limit while choosing the right victims.

mod common;
use common::TestServer;
use redis::Connection;

fn info_field(c: &mut Connection, section: &str, field: &str) -> u64 {
    let info: String = redis::cmd("INFO").arg(section).query(c).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in INFO {section}"))
        .trim()
        .parse()
        .unwrap()
}

fn fill(c: &mut Connection, prefix: &str, n: usize, ttl: bool) -> Vec<redis::RedisResult<()>> {
    let val = vec![b'v'; 1000];
    let mut out = Vec::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(100) {
        let mut p = redis::pipe();
        for i in chunk {
            if ttl {
                p.cmd("SET").arg(format!("{prefix}{i}")).arg(&val).arg("EX").arg(1000);
            } else {
                p.cmd("SET").arg(format!("{prefix}{i}")).arg(&val);
            }
        }
        // Collect per-command results so OOM errors are visible.
        let r: redis::RedisResult<Vec<redis::Value>> = p.query(c);
        out.push(r.map(|_| ()));
    }
    out
}

#[test]
fn noeviction_refuses_denyoom_commands_but_serves_reads() {
    let s = TestServer::start_with(&["--maxmemory", "4mb", "--maxmemory-policy", "noeviction"]);
    let mut c = s.conn();
    let results = fill(&mut c, "k", 20_000, false);
    let err = results.into_iter().find_map(|r| r.err()).expect("writes past maxmemory must fail");
    assert_eq!(err.code(), Some("OOM"), "{err:?}");
    // Well under what is used now, so the checks below do not sit on the boundary.
    let _: () = redis::cmd("CONFIG").arg("SET").arg("maxmemory").arg("1mb").query(&mut c).unwrap();
    let mut r = s.raw();
    assert_eq!(r.cmd(&["SET", "another", "x"]), "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
    assert_eq!(r.cmd(&["GET", "k0"]).len(), 1000 + 9);
    // Queueing inside MULTI is refused too, and EXEC then aborts.
    assert_eq!(r.cmd(&["MULTI"]), "+OK\r\n");
    assert_eq!(r.cmd(&["SET", "x", "y"]), "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
    assert_eq!(r.cmd(&["EXEC"]), "-EXECABORT Transaction discarded because of previous errors.\r\n");
    // Deleting is always allowed.
    assert_eq!(r.cmd(&["DEL", "k0"]), ":1\r\n");
}

#[test]
fn allkeys_lru_keeps_memory_bounded_and_recently_used_keys() {
    let s = TestServer::start_with(&[
        "--maxmemory",
        "8mb",
        "--maxmemory-policy",
        "allkeys-lru",
        "--maxmemory-samples",
        "10",
    ]);
    let mut c = s.conn();
    fill(&mut c, "hot", 500, false);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    // Keep the hot keys fresh while writing far more than fits.
    for round in 0..30 {
        for r in fill(&mut c, &format!("cold{round}-"), 1000, false) {
            r.unwrap();
        }
        for i in 0..500 {
            let _: Option<Vec<u8>> = redis::cmd("GET").arg(format!("hot{i}")).query(&mut c).unwrap();
        }
    }
    let evicted = info_field(&mut c, "stats", "evicted_keys");
    assert!(evicted > 10_000, "evicted only {evicted}");
    let used = info_field(&mut c, "memory", "used_memory");
    assert!(used < 10 << 20, "used_memory {used} far above maxmemory");
    let mut hot_alive = 0;
    for i in 0..500 {
        let e: bool = redis::cmd("EXISTS").arg(format!("hot{i}")).query(&mut c).unwrap();
        hot_alive += e as usize;
    }
    assert!(hot_alive > 400, "LRU evicted recently used keys: only {hot_alive}/500 survived");
}

/// Sets maxmemory to the current usage plus `extra` bytes, so tests do not
/// depend on the server's baseline footprint.
fn limit_above_baseline(c: &mut Connection, extra: u64) {
    let base = info_field(c, "memory", "used_memory");
    let _: () = redis::cmd("CONFIG").arg("SET").arg("maxmemory").arg(base + extra).query(c).unwrap();
}

#[test]
fn volatile_policies_only_evict_keys_with_ttl() {
    for policy in ["volatile-lru", "volatile-ttl", "volatile-random"] {
        let s = TestServer::start_with(&["--maxmemory-policy", policy]);
        let mut c = s.conn();
        limit_above_baseline(&mut c, 3 << 20);
        fill(&mut c, "persistent", 1000, false);
        for r in fill(&mut c, "volatile", 4000, true) {
            r.unwrap();
        }
        for i in 0..1000 {
            let e: bool = redis::cmd("EXISTS").arg(format!("persistent{i}")).query(&mut c).unwrap();
            assert!(e, "{policy} evicted a key without TTL");
        }
        assert!(info_field(&mut c, "stats", "evicted_keys") > 0, "{policy} evicted nothing");
        // Once no volatile key is left to evict, writes fail with OOM.
        let results = fill(&mut c, "more", 20_000, false);
        assert!(results.iter().any(|r| r.is_err()), "{policy}: expected OOM once volatile keys ran out");
    }
}

#[test]
fn allkeys_random_evicts() {
    let s = TestServer::start_with(&["--maxmemory", "4mb", "--maxmemory-policy", "allkeys-random"]);
    let mut c = s.conn();
    for r in fill(&mut c, "k", 20_000, false) {
        r.unwrap();
    }
    let n: u64 = redis::cmd("DBSIZE").query(&mut c).unwrap();
    assert!(n < 20_000 && n > 100, "dbsize {n}");
}
