//! What the command handlers feed the write stream (AOF, replicas): commands
//! whose effect depends on the clock, randomness or server-chosen values
//! must be propagated as deterministic ones (Redis's
//! `rewriteClientCommandVector`/`alsoPropagate`). These tests run real
//! commands through `dispatch` on an in-process server with the stream
//! enabled, check the exact commands propagated, and replay them on a
//! second server to check that it ends up with the same dataset.

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

use crate::client::{Client, ConnMsg};
use crate::config::Config;
use crate::dispatch;
use crate::state::{unix_ms, Server};

/// A decoded RESP2 reply.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Str(String),
    Err(String),
    Int(i64),
    Bulk(Vec<u8>),
    Nil,
    Arr(Vec<V>),
}

impl V {
    fn text(&self) -> String {
        match self {
            V::Str(s) | V::Err(s) => s.clone(),
            V::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
            V::Int(n) => n.to_string(),
            other => format!("{other:?}"),
        }
    }

    fn int(&self) -> i64 {
        match self {
            V::Int(n) => *n,
            other => panic!("not an integer: {other:?}"),
        }
    }

    fn arr(&self) -> &[V] {
        match self {
            V::Arr(v) => v,
            other => panic!("not an array: {other:?}"),
        }
    }
}

fn line(buf: &[u8], pos: &mut usize) -> String {
    let end = buf[*pos..].windows(2).position(|w| w == b"\r\n").expect("CRLF") + *pos;
    let s = String::from_utf8_lossy(&buf[*pos..end]).into_owned();
    *pos = end + 2;
    s
}

fn decode(buf: &[u8], pos: &mut usize) -> V {
    let t = buf[*pos];
    *pos += 1;
    let l = line(buf, pos);
    match t {
        b'+' => V::Str(l),
        b'-' => V::Err(l),
        b':' => V::Int(l.parse().expect("int")),
        b'$' => {
            let n: i64 = l.parse().expect("len");
            if n < 0 {
                return V::Nil;
            }
            let v = buf[*pos..*pos + n as usize].to_vec();
            *pos += n as usize + 2;
            V::Bulk(v)
        }
        b'*' => {
            let n: i64 = l.parse().expect("len");
            if n < 0 {
                return V::Nil;
            }
            V::Arr((0..n).map(|_| decode(buf, pos)).collect())
        }
        other => panic!("unexpected RESP type {:?}", other as char),
    }
}

/// The propagated commands, SELECTs left out.
fn decode_stream(buf: &[u8]) -> Vec<Vec<Bytes>> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < buf.len() {
        let argv: Vec<Bytes> = decode(buf, &mut pos)
            .arr()
            .iter()
            .map(|a| match a {
                V::Bulk(b) => Bytes::from(b.clone()),
                other => panic!("not a bulk: {other:?}"),
            })
            .collect();
        if !argv[0].eq_ignore_ascii_case(b"select") {
            out.push(argv);
        }
    }
    out
}

fn text(argv: &[Bytes]) -> Vec<String> {
    argv.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect()
}

struct Node {
    srv: Server,
    clients: Vec<(Client, UnboundedReceiver<ConnMsg>)>,
}

impl Node {
    fn new() -> Node {
        let srv = Server::new(Config::default(), None, String::new()).expect("server");
        srv.shared.lock().persist.prop.enabled = true;
        let mut n = Node { srv, clients: Vec::new() };
        n.add_client();
        n
    }

    fn add_client(&mut self) -> usize {
        let (tx, rx) = unbounded_channel();
        let id = self.clients.len() as u64 + 1;
        let mut c = Client::new(id, format!("127.0.0.1:{}", 1000 + id), String::new(), unix_ms(), tx);
        c.authenticated = true;
        self.clients.push((c, rx));
        self.clients.len() - 1
    }

    /// Runs one command as client `ci`; None when it blocked.
    fn run_as(&mut self, ci: usize, args: &[&str]) -> Option<V> {
        let args: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a.as_bytes())).collect();
        self.run_bytes(ci, &args)
    }

    fn run_bytes(&mut self, ci: usize, args: &[Bytes]) -> Option<V> {
        let mut out = BytesMut::new();
        {
            let mut sh = self.srv.shared.lock();
            let client = &mut self.clients[ci].0;
            dispatch::process(&self.srv, &mut sh, client, args, &mut out);
        }
        if out.is_empty() {
            return None;
        }
        let mut pos = 0;
        Some(decode(&out, &mut pos))
    }

    fn run(&mut self, args: &[&str]) -> V {
        self.run_as(0, args).expect("a reply")
    }

    /// The commands propagated since the last call.
    fn propagated(&mut self) -> Vec<Vec<Bytes>> {
        let buf = self.srv.shared.lock().persist.prop.take();
        decode_stream(&buf)
    }

    fn propagated_text(&mut self) -> Vec<Vec<String>> {
        self.propagated().iter().map(|a| text(a)).collect()
    }

    /// A comparable view of the dataset: per key its type, absolute expiry
    /// and contents (times that a replay may legitimately differ on masked).
    fn dataset(&mut self) -> Vec<(String, V)> {
        let mut keys: Vec<String> = self.run(&["KEYS", "*"]).arr().iter().map(V::text).collect();
        keys.sort();
        let mut out = Vec::new();
        for k in keys {
            let ty = self.run(&["TYPE", &k]).text();
            let exp = self.run(&["PEXPIRETIME", &k]);
            let mut body = match ty.as_str() {
                "string" => vec![self.run(&["GET", &k])],
                "list" => vec![self.run(&["LRANGE", &k, "0", "-1"])],
                "set" => {
                    let mut m = self.run(&["SMEMBERS", &k]).arr().to_vec();
                    m.sort_by_key(V::text);
                    vec![V::Arr(m)]
                }
                "zset" => vec![self.run(&["ZRANGE", &k, "0", "-1", "WITHSCORES"])],
                "hash" => {
                    let flat = self.run(&["HGETALL", &k]).arr().to_vec();
                    let mut pairs: Vec<V> = Vec::new();
                    for p in flat.chunks(2) {
                        let f = p[0].text();
                        let ttl = self.run(&["HPEXPIRETIME", &k, "FIELDS", "1", &f]);
                        pairs.push(V::Arr(vec![p[0].clone(), p[1].clone(), ttl]));
                    }
                    pairs.sort_by_key(|p| p.arr()[0].text());
                    pairs
                }
                "stream" => {
                    let full = self.run(&["XINFO", "STREAM", &k, "FULL"]);
                    vec![self.run(&["XRANGE", &k, "-", "+"]), mask_times(full)]
                }
                other => panic!("unexpected type {other}"),
            };
            body.insert(0, exp);
            out.push((k, V::Arr(body)));
        }
        out
    }
}

/// Consumer seen-time/active-time are when a consumer last acted; a replay
/// acts at another time, as with Redis.
fn mask_times(v: V) -> V {
    match v {
        V::Arr(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut mask_next = false;
            for it in items {
                if mask_next {
                    out.push(V::Nil);
                    mask_next = false;
                    continue;
                }
                mask_next = matches!(&it, V::Bulk(b) if b == b"seen-time" || b == b"active-time");
                out.push(mask_times(it));
            }
            V::Arr(out)
        }
        other => other,
    }
}

/// Replays `cmds` on a fresh server and checks the dataset is the same.
fn assert_replays_to_same(node: &mut Node, cmds: &[Vec<Bytes>]) {
    let mut replica = Node::new();
    for argv in cmds {
        let r = replica.run_bytes(0, argv).expect("replayed commands never block");
        assert!(!matches!(r, V::Err(_)), "replaying {:?} failed: {r:?}", text(argv));
    }
    assert_eq!(replica.dataset(), node.dataset());
}

fn abs_ms(v: &str) -> i64 {
    v.parse().expect("ms")
}

fn near(at: i64, expected: i64) {
    assert!((at - expected).abs() < 5_000, "{at} is not near {expected}");
}

fn text_argv(v: &[&str]) -> Vec<Bytes> {
    v.iter().map(|s| Bytes::copy_from_slice(s.as_bytes())).collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn expire_family_propagates_pexpireat_or_del() {
    let mut n = Node::new();
    n.run(&["SET", "k", "v"]);
    let _ = n.propagated();
    let now = unix_ms() as i64;

    assert_eq!(n.run(&["EXPIRE", "k", "100"]).int(), 1);
    let p = n.propagated_text();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0][..2], strs(&["PEXPIREAT", "k"]));
    near(abs_ms(&p[0][2]), now + 100_000);
    assert_eq!(p[0].len(), 3);

    // Refused by NX: nothing changed, nothing propagated.
    assert_eq!(n.run(&["EXPIRE", "k", "100", "NX"]).int(), 0);
    assert!(n.propagated().is_empty());

    // The condition's outcome is known: no GT in the rewrite.
    assert_eq!(n.run(&["PEXPIRE", "k", "500000", "GT"]).int(), 1);
    let p = n.propagated_text();
    assert_eq!(p[0].len(), 3);
    near(abs_ms(&p[0][2]), now + 500_000);

    let at = (now / 1000 + 1000).to_string();
    n.run(&["EXPIREAT", "k", &at]);
    assert_eq!(n.propagated_text(), vec![strs(&["PEXPIREAT", "k", &format!("{at}000")])]);

    // PEXPIREAT is already absolute: verbatim.
    let pat = (now + 900_000).to_string();
    n.run(&["PEXPIREAT", "k", &pat, "LT"]);
    assert_eq!(n.propagated_text(), vec![strs(&["PEXPIREAT", "k", &pat, "LT"])]);

    n.run(&["SET", "gone", "v"]);
    let _ = n.propagated();
    assert_eq!(n.run(&["EXPIRE", "gone", "-5"]).int(), 1);
    assert_eq!(n.propagated_text(), vec![strs(&["DEL", "gone"])]);
}

#[test]
fn set_with_relative_expiry_propagates_pxat() {
    let mut n = Node::new();
    let now = unix_ms() as i64;
    let mut all = Vec::new();

    n.run(&["SET", "a", "1", "EX", "100"]);
    let p = n.propagated();
    all.extend(p.clone());
    let p: Vec<Vec<String>> = p.iter().map(|a| text(a)).collect();
    assert_eq!(p[0][..4], strs(&["SET", "a", "1", "PXAT"]));
    assert_eq!(p[0].len(), 5);
    near(abs_ms(&p[0][4]), now + 100_000);

    // GET and XX are not needed once the outcome is known.
    assert_eq!(n.run(&["SET", "a", "2", "XX", "GET", "PX", "200000"]), V::Bulk(b"1".to_vec()));
    let p = n.propagated();
    all.extend(p.clone());
    let t = text(&p[0]);
    assert_eq!(t[..4], strs(&["SET", "a", "2", "PXAT"]));
    near(abs_ms(&t[4]), now + 200_000);

    // NX failed: nothing.
    n.run(&["SET", "a", "3", "NX", "EX", "10"]);
    assert!(n.propagated().is_empty());

    n.run(&["SETEX", "b", "100", "x"]);
    n.run(&["PSETEX", "c", "100000", "y"]);
    let exat = (now / 1000 + 3000).to_string();
    n.run(&["SET", "d", "z", "EXAT", &exat]);
    let p = n.propagated();
    all.extend(p.clone());
    let p: Vec<Vec<String>> = p.iter().map(|a| text(a)).collect();
    assert_eq!(p[0][..4], strs(&["SET", "b", "x", "PXAT"]));
    assert_eq!(p[1][..4], strs(&["SET", "c", "y", "PXAT"]));
    assert_eq!(p[2], strs(&["SET", "d", "z", "PXAT", &format!("{exat}000")]));

    // Already absolute in ms, or no expiry: verbatim.
    let pxat = (now + 400_000).to_string();
    n.run(&["SET", "e", "w", "PXAT", &pxat]);
    n.run(&["SET", "e", "w2", "KEEPTTL"]);
    let p = n.propagated();
    all.extend(p.clone());
    assert_eq!(
        p.iter().map(|a| text(a)).collect::<Vec<_>>(),
        vec![strs(&["SET", "e", "w", "PXAT", &pxat]), strs(&["SET", "e", "w2", "KEEPTTL"])]
    );

    // An absolute time already past deletes the key.
    n.run(&["SET", "f", "old"]);
    n.run(&["SET", "f", "new", "EXAT", "1"]);
    let p = n.propagated();
    all.extend(p.clone());
    assert_eq!(text(&p[1]), strs(&["DEL", "f"]));
    assert_replays_to_same(&mut n, &all);
}

#[test]
fn getex_propagates_pexpireat_persist_or_del() {
    let mut n = Node::new();
    let now = unix_ms() as i64;
    n.run(&["SET", "k", "v"]);
    n.run(&["SET", "j", "v"]);
    let mut all = n.propagated();

    n.run(&["GETEX", "k"]);
    assert!(n.propagated().is_empty());

    n.run(&["GETEX", "k", "EX", "100"]);
    let p = n.propagated();
    let t = text(&p[0]);
    assert_eq!(t[..2], strs(&["PEXPIREAT", "k"]));
    near(abs_ms(&t[2]), now + 100_000);
    all.extend(p);

    n.run(&["GETEX", "k", "PERSIST"]);
    let p = n.propagated();
    assert_eq!(text(&p[0]), strs(&["PERSIST", "k"]));
    all.extend(p);

    // No TTL to remove: nothing.
    n.run(&["GETEX", "k", "PERSIST"]);
    assert!(n.propagated().is_empty());

    n.run(&["GETEX", "j", "PXAT", "1"]);
    let p = n.propagated();
    assert_eq!(text(&p[0]), strs(&["DEL", "j"]));
    all.extend(p);
    assert_replays_to_same(&mut n, &all);
}

#[test]
fn float_increments_propagate_the_result() {
    let mut n = Node::new();
    n.run(&["SET", "f", "10.5"]);
    n.run(&["EXPIRE", "f", "1000"]);
    n.run(&["HSET", "h", "a", "1", "b", "2"]);
    n.run(&["HEXPIRE", "h", "1000", "FIELDS", "1", "b"]);
    let mut all = n.propagated();

    n.run(&["INCRBYFLOAT", "f", "0.1"]);
    n.run(&["INCRBYFLOAT", "new", "3.0e3"]);
    n.run(&["HINCRBYFLOAT", "h", "a", "0.25"]);
    n.run(&["HINCRBYFLOAT", "h", "b", "-1.5"]);
    let p = n.propagated();
    assert_eq!(
        p.iter().map(|a| text(a)).collect::<Vec<_>>(),
        vec![
            strs(&["SET", "f", "10.6", "KEEPTTL"]),
            strs(&["SET", "new", "3000", "KEEPTTL"]),
            strs(&["HSET", "h", "a", "1.25"]),
            // A field with a TTL keeps it.
            strs(&["HSETEX", "h", "KEEPTTL", "FIELDS", "1", "b", "0.5"]),
        ]
    );
    all.extend(p);
    assert_replays_to_same(&mut n, &all);
}

#[test]
fn hash_field_expiry_propagates_hpexpireat_and_hdel() {
    let mut n = Node::new();
    let now = unix_ms() as i64;
    n.run(&["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"]);
    let mut all = n.propagated();

    let r = n.run(&["HEXPIRE", "h", "100", "FIELDS", "3", "a", "b", "nosuch"]);
    assert_eq!(r, V::Arr(vec![V::Int(1), V::Int(1), V::Int(-2)]));
    let p = n.propagated();
    let t = text(&p[0]);
    assert_eq!(p.len(), 1);
    assert_eq!(t[..2], strs(&["HPEXPIREAT", "h"]));
    near(abs_ms(&t[2]), now + 100_000);
    assert_eq!(t[3..], strs(&["FIELDS", "2", "a", "b"]));
    all.extend(p);

    // NX fails for a (has a TTL), applies to c; the condition is not propagated.
    let r = n.run(&["HPEXPIRE", "h", "300000", "NX", "FIELDS", "2", "a", "c"]);
    assert_eq!(r, V::Arr(vec![V::Int(0), V::Int(1)]));
    let p = n.propagated();
    assert_eq!(text(&p[0])[3..], strs(&["FIELDS", "1", "c"]));
    all.extend(p);

    // Nothing applies: nothing propagated.
    n.run(&["HEXPIRE", "h", "100", "NX", "FIELDS", "1", "a"]);
    assert!(n.propagated().is_empty());

    // A time in the past deletes.
    let r = n.run(&["HEXPIREAT", "h", "1", "FIELDS", "2", "d", "nosuch"]);
    assert_eq!(r, V::Arr(vec![V::Int(2), V::Int(-2)]));
    let p = n.propagated();
    assert_eq!(p.iter().map(|a| text(a)).collect::<Vec<_>>(), vec![strs(&["HDEL", "h", "d"])]);
    all.extend(p);

    // HGETEX / HSETEX (Redis 8).
    n.run(&["HGETEX", "h", "EX", "50", "FIELDS", "1", "a"]);
    let p = n.propagated();
    let t = text(&p[0]);
    assert_eq!(t[..2], strs(&["HPEXPIREAT", "h"]));
    near(abs_ms(&t[2]), now + 50_000);
    all.extend(p);
    n.run(&["HGETEX", "h", "PERSIST", "FIELDS", "2", "a", "nosuch"]);
    let p = n.propagated();
    assert_eq!(text(&p[0]), strs(&["HPERSIST", "h", "FIELDS", "1", "a"]));
    all.extend(p);
    n.run(&["HSETEX", "h", "FNX", "EX", "70", "FIELDS", "1", "e", "5"]);
    let p = n.propagated();
    let t = text(&p[0]);
    assert_eq!(t[..3], strs(&["HSETEX", "h", "PXAT"]));
    near(abs_ms(&t[3]), now + 70_000);
    assert_eq!(t[4..], strs(&["FIELDS", "1", "e", "5"]));
    all.extend(p);
    n.run(&["HSETEX", "h", "PXAT", "1", "FIELDS", "1", "e", "6"]);
    let p = n.propagated();
    assert_eq!(text(&p[0]), strs(&["HDEL", "h", "e"]));
    all.extend(p);
    assert_replays_to_same(&mut n, &all);
}

#[test]
fn spop_propagates_srem_or_del() {
    let mut n = Node::new();
    n.run(&["SADD", "s", "a", "b", "c", "d", "e"]);
    let mut all = n.propagated();

    let m = n.run(&["SPOP", "s"]).text();
    let p = n.propagated();
    assert_eq!(text(&p[0]), strs(&["SREM", "s", &m]));
    all.extend(p);

    let popped: Vec<String> = n.run(&["SPOP", "s", "2"]).arr().iter().map(V::text).collect();
    let p = n.propagated();
    let t = text(&p[0]);
    assert_eq!(t[..2], strs(&["SREM", "s"]));
    let mut got = t[2..].to_vec();
    got.sort();
    let mut want = popped.clone();
    want.sort();
    assert_eq!(got, want);
    all.extend(p);
    assert_replays_to_same(&mut n, &all);

    // COUNT >= size: the whole set goes, as a DEL.
    n.run(&["SPOP", "s", "10"]);
    assert_eq!(n.propagated_text(), vec![strs(&["DEL", "s"])]);
    n.run(&["SPOP", "s", "10"]);
    assert!(n.propagated().is_empty());
}

#[test]
fn blocking_pops_propagate_non_blocking_forms() {
    let mut n = Node::new();
    n.run(&["RPUSH", "l", "a", "b", "c", "d", "e", "f"]);
    n.run(&["ZADD", "z", "1", "x", "2", "y", "3", "w", "4", "v"]);
    let mut all = n.propagated();

    n.run(&["BLPOP", "nosuch", "l", "0"]);
    n.run(&["BRPOP", "l", "0"]);
    n.run(&["BLMOVE", "l", "dst", "LEFT", "RIGHT", "0"]);
    n.run(&["BRPOPLPUSH", "l", "dst", "0"]);
    n.run(&["BLMPOP", "0", "2", "nosuch", "l", "LEFT", "COUNT", "5"]);
    n.run(&["LMPOP", "1", "dst", "RIGHT"]);
    n.run(&["BZPOPMIN", "z", "0"]);
    n.run(&["BZPOPMAX", "z", "0"]);
    n.run(&["BZMPOP", "0", "1", "z", "MIN", "COUNT", "10"]);
    let p = n.propagated();
    assert_eq!(
        p.iter().map(|a| text(a)).collect::<Vec<_>>(),
        vec![
            strs(&["LPOP", "l"]),
            strs(&["RPOP", "l"]),
            strs(&["LMOVE", "l", "dst", "LEFT", "RIGHT"]),
            strs(&["RPOPLPUSH", "l", "dst"]),
            strs(&["LPOP", "l", "2"]),
            strs(&["RPOP", "dst", "1"]),
            strs(&["ZPOPMIN", "z", "1"]),
            strs(&["ZPOPMAX", "z", "1"]),
            strs(&["ZPOPMIN", "z", "2"]),
        ]
    );
    all.extend(p);
    assert_replays_to_same(&mut n, &all);
}

#[test]
fn blocked_client_served_later_propagates_the_pop() {
    let mut n = Node::new();
    let waiter = n.add_client();
    let zwaiter = n.add_client();
    assert!(n.run_as(waiter, &["BLPOP", "q", "0"]).is_none(), "blocks");
    assert!(n.run_as(zwaiter, &["BZPOPMIN", "zq", "0"]).is_none(), "blocks");
    assert!(n.propagated().is_empty());
    n.run(&["RPUSH", "q", "job1", "job2"]);
    n.run(&["ZADD", "zq", "1", "m"]);
    let p = n.propagated();
    assert_eq!(
        p.iter().map(|a| text(a)).collect::<Vec<_>>(),
        vec![
            strs(&["RPUSH", "q", "job1", "job2"]),
            strs(&["LPOP", "q"]),
            strs(&["ZADD", "zq", "1", "m"]),
            strs(&["ZPOPMIN", "zq", "1"]),
        ]
    );
    assert_replays_to_same(&mut n, &p);
}

#[test]
fn xadd_and_xtrim_propagate_ids_and_exact_trims() {
    let mut n = Node::new();
    let id = n.run(&["XADD", "s", "*", "f", "v"]).text();
    assert_eq!(n.propagated_text(), vec![strs(&["XADD", "s", &id, "f", "v"])]);

    let id2 = n.run(&["XADD", "s", "NOMKSTREAM", "99999999999999-*", "f", "v2"]).text();
    assert_eq!(id2, "99999999999999-0");
    assert_eq!(n.propagated_text(), vec![strs(&["XADD", "s", "NOMKSTREAM", &id2, "f", "v2"])]);

    // Explicit ID, exact trim: verbatim.
    n.run(&["XADD", "s", "MAXLEN", "=", "5", "99999999999999-5", "f", "v3"]);
    assert_eq!(n.propagated_text(), vec![strs(&["XADD", "s", "MAXLEN", "=", "5", "99999999999999-5", "f", "v3"])]);

    // Everything so far was checked to be the received command or its rewrite.
    let mut all = vec![
        text_argv(&["XADD", "s", &id, "f", "v"]),
        text_argv(&["XADD", "s", "NOMKSTREAM", &id2, "f", "v2"]),
        text_argv(&["XADD", "s", "MAXLEN", "=", "5", "99999999999999-5", "f", "v3"]),
    ];
    for i in 0..300 {
        n.run(&["XADD", "big", &format!("{}-1", i + 1), "i", &i.to_string()]);
    }
    all.extend(n.propagated());
    // `~` trims whole nodes only: the rewrite says how far it went, LIMIT dropped.
    let id = n.run(&["XADD", "big", "MAXLEN", "~", "10", "LIMIT", "1000", "*", "i", "x"]).text();
    let len = n.run(&["XLEN", "big"]).int();
    let p = n.propagated();
    assert_eq!(text(&p[0]), strs(&["XADD", "big", "MAXLEN", "=", &len.to_string(), &id, "i", "x"]));
    all.extend(p);

    n.run(&["XTRIM", "big", "MINID", "~", "250-1"]);
    let p = n.propagated();
    let first_after = n.run(&["XRANGE", "big", "-", "+", "COUNT", "1"]).arr()[0].arr()[0].text();
    assert_eq!(text(&p[0]), strs(&["XTRIM", "big", "MINID", "=", &first_after]));
    all.extend(p);

    n.run(&["XTRIM", "big", "MAXLEN", "~", "3", "ACKED"]);
    let len = n.run(&["XLEN", "big"]).int();
    let p = n.propagated();
    assert_eq!(text(&p[0]), strs(&["XTRIM", "big", "MAXLEN", "=", &len.to_string(), "ACKED"]));
    all.extend(p);
    assert_replays_to_same(&mut n, &all);
}

#[test]
fn xreadgroup_propagates_xclaim_setid_and_createconsumer() {
    let mut n = Node::new();
    n.run(&["XADD", "s", "1-1", "a", "1"]);
    n.run(&["XADD", "s", "2-1", "b", "2"]);
    n.run(&["XADD", "s", "3-1", "c", "3"]);
    n.run(&["XGROUP", "CREATE", "s", "g", "0"]);
    let mut all = n.propagated();

    n.run(&["XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"]);
    let p = n.propagated();
    let t: Vec<Vec<String>> = p.iter().map(|a| text(a)).collect();
    assert_eq!(t.len(), 4, "{t:?}");
    assert_eq!(t[0], strs(&["XGROUP", "CREATECONSUMER", "s", "g", "alice"]));
    for (i, id) in ["1-1", "2-1"].iter().enumerate() {
        let x = &t[1 + i];
        assert_eq!(x[..6], strs(&["XCLAIM", "s", "g", "alice", "0", id]));
        assert_eq!(x[6], "TIME");
        near(abs_ms(&x[7]), unix_ms() as i64);
        assert_eq!(x[8..], strs(&["RETRYCOUNT", "1", "FORCE", "JUSTID", "LASTID", id]));
    }
    assert_eq!(t[3], strs(&["XGROUP", "SETID", "s", "g", "2-1", "ENTRIESREAD", "2"]));
    all.extend(p);

    // History: redelivery counts.
    n.run(&["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"]);
    let p = n.propagated();
    let t: Vec<Vec<String>> = p.iter().map(|a| text(a)).collect();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0][9], "2");
    all.extend(p);

    // NOACK: no PEL entries, the group still advances.
    n.run(&["XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "s", ">"]);
    let p = n.propagated();
    assert_eq!(
        p.iter().map(|a| text(a)).collect::<Vec<_>>(),
        vec![
            strs(&["XGROUP", "CREATECONSUMER", "s", "g", "bob"]),
            strs(&["XGROUP", "SETID", "s", "g", "3-1", "ENTRIESREAD", "3"]),
        ]
    );
    all.extend(p);

    // Nothing new: nothing propagated (never the XREADGROUP itself).
    n.run(&["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"]);
    assert!(n.propagated().is_empty());

    // XCLAIM with IDLE, XAUTOCLAIM, and a deleted entry.
    n.run(&["XCLAIM", "s", "g", "carol", "0", "1-1", "IDLE", "5000"]);
    let p = n.propagated();
    let t = text(&p[0]);
    assert_eq!(t[..6], strs(&["XCLAIM", "s", "g", "carol", "0", "1-1"]));
    near(abs_ms(&t[7]), unix_ms() as i64 - 5000);
    assert_eq!(t[8..], strs(&["RETRYCOUNT", "3", "FORCE", "JUSTID", "LASTID", "3-1"]));
    all.extend(p);

    n.run(&["XDEL", "s", "2-1"]);
    all.extend(n.propagated());
    n.run(&["XAUTOCLAIM", "s", "g", "dave", "0", "0"]);
    let p = n.propagated();
    let t: Vec<Vec<String>> = p.iter().map(|a| text(a)).collect();
    assert_eq!(t.len(), 2, "{t:?}");
    assert_eq!(t[0][..6], strs(&["XCLAIM", "s", "g", "dave", "0", "1-1"]));
    // The vanished entry: an XCLAIM that drops it from the PEL on replay.
    assert_eq!(t[1][..6], strs(&["XCLAIM", "s", "g", "alice", "0", "2-1"]));
    all.extend(p);

    // XCLAIM LASTID moving the group without claiming anything.
    n.run(&["XADD", "s", "4-1", "d", "4"]);
    all.extend(n.propagated());
    n.run(&["XCLAIM", "s", "g", "erin", "0", "9-9", "LASTID", "4-1"]);
    let p = n.propagated();
    assert_eq!(text(&p[0]), strs(&["XGROUP", "SETID", "s", "g", "4-1", "ENTRIESREAD", "3"]));
    all.extend(p);
    assert_replays_to_same(&mut n, &all);
}

#[test]
fn blocked_xreadgroup_served_later_propagates_xclaim() {
    let mut n = Node::new();
    n.run(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
    let mut all = n.propagated();
    let waiter = n.add_client();
    assert!(n.run_as(waiter, &["XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"]).is_none());
    let p = n.propagated();
    // Whatever parking changed (Redis creates the consumer) is propagated explicitly.
    assert!(p.iter().all(|a| a[0] == "XGROUP"), "{:?}", p.iter().map(|a| text(a)).collect::<Vec<_>>());
    all.extend(p);
    n.run(&["XADD", "s", "5-1", "f", "v"]);
    let p = n.propagated();
    let t: Vec<Vec<String>> = p.iter().map(|a| text(a)).collect();
    assert_eq!(t[0], strs(&["XADD", "s", "5-1", "f", "v"]));
    assert!(t.iter().any(|c| c.len() >= 6 && c[..6] == strs(&["XCLAIM", "s", "g", "c", "0", "5-1"])), "{t:?}");
    assert_eq!(t.last().unwrap(), &strs(&["XGROUP", "SETID", "s", "g", "5-1", "ENTRIESREAD", "1"]));
    assert!(!t.iter().any(|c| c[0] == "XREADGROUP"));
    all.extend(p);
    assert_replays_to_same(&mut n, &all);
}
