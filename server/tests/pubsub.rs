//! Pub/Sub and keyspace notifications against the real binary, byte for
//! byte as Redis 7 writes them (checked against redis-server 7.0.15).

mod common;
use common::bulk;
use std::time::{Duration, Instant};

use common::{encode, Raw, TestServer};

/// An array (RESP2) or push (RESP3) header.
fn head(resp: u8, n: usize) -> String {
    format!("{}{n}\r\n", if resp == 3 { '>' } else { '*' })
}

/// A subscribe/unsubscribe confirmation frame; `None` is the null channel.
fn conf(resp: u8, kind: &str, ch: Option<&str>, n: i64) -> String {
    let null = if resp == 3 { "_\r\n".to_string() } else { "$-1\r\n".to_string() };
    format!("{}{}{}:{n}\r\n", head(resp, 3), bulk(kind), ch.map_or(null, bulk))
}

/// A message frame: `["message", ch, msg]`, `["pmessage", pat, ch, msg]`, ...
fn msg(resp: u8, items: &[&str]) -> String {
    let mut s = head(resp, items.len());
    for i in items {
        s.push_str(&bulk(i));
    }
    s
}

/// Switches a raw connection to RESP3.
fn hello3(r: &mut Raw) {
    let h = r.cmd(&["HELLO", "3"]);
    assert!(h.starts_with("%7\r\n"), "{h}");
}

/// The bulk strings of a flat reply, in order (for replies whose order
/// depends on hash iteration).
fn bulks(reply: &str) -> Vec<String> {
    let lines: Vec<&str> = reply.split("\r\n").collect();
    let mut out = vec![];
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with('$') && lines[i] != "$-1" {
            out.push(lines[i + 1].to_string());
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Sends a command without reading its reply.
fn send(r: &mut Raw, args: &[&str]) {
    r.send(&encode(args));
}

/// Reads `n` replies (frames) and returns them in arrival order.
fn read_n(r: &mut Raw, n: usize) -> Vec<String> {
    (0..n).map(|_| r.read_reply()).collect()
}

// ---- subscribe / publish / unsubscribe --------------------------------------

#[test]
fn resp2_subscribe_publish_unsubscribe() {
    let s = TestServer::start();
    let mut sub = s.raw();
    let mut publ = s.raw();

    // Nothing to drop: one frame with a null channel and count 0.
    assert_eq!(sub.cmd(&["UNSUBSCRIBE"]), "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
    assert_eq!(sub.cmd(&["PUNSUBSCRIBE"]), "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
    assert_eq!(sub.cmd(&["SUNSUBSCRIBE"]), "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n");

    // One frame per channel; a repeated channel is confirmed with the same count.
    send(&mut sub, &["SUBSCRIBE", "a", "b", "a"]);
    assert_eq!(
        read_n(&mut sub, 3),
        [conf(2, "subscribe", Some("a"), 1), conf(2, "subscribe", Some("b"), 2), conf(2, "subscribe", Some("a"), 2)]
    );
    assert_eq!(sub.cmd(&["SUBSCRIBE", "a"]), "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n");

    assert_eq!(publ.cmd(&["PUBLISH", "a", "hello"]), ":1\r\n");
    assert_eq!(sub.read_reply(), "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n");
    assert_eq!(publ.cmd(&["PUBLISH", "b", ""]), ":1\r\n");
    assert_eq!(sub.read_reply(), msg(2, &["message", "b", ""]));
    assert_eq!(publ.cmd(&["PUBLISH", "nobody", "x"]), ":0\r\n");

    // Unsubscribing from a channel we never had still answers, count unchanged.
    send(&mut sub, &["UNSUBSCRIBE", "x", "a"]);
    assert_eq!(read_n(&mut sub, 2), [conf(2, "unsubscribe", Some("x"), 2), conf(2, "unsubscribe", Some("a"), 1)]);
    assert_eq!(publ.cmd(&["PUBLISH", "a", "gone"]), ":0\r\n");
    // No arguments: every remaining channel.
    assert_eq!(sub.cmd(&["UNSUBSCRIBE"]), conf(2, "unsubscribe", Some("b"), 0));
    assert_eq!(sub.cmd(&["UNSUBSCRIBE"]), conf(2, "unsubscribe", None, 0));
    // Out of subscribed mode again.
    assert_eq!(sub.cmd(&["PING"]), "+PONG\r\n");
    assert_eq!(sub.cmd(&["ECHO", "back"]), "$4\r\nback\r\n");
}

#[test]
fn resp3_subscribe_publish_unsubscribe() {
    let s = TestServer::start();
    let mut sub = s.raw();
    let mut publ = s.raw();
    hello3(&mut sub);

    assert_eq!(sub.cmd(&["UNSUBSCRIBE"]), ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
    send(&mut sub, &["SUBSCRIBE", "a", "b"]);
    assert_eq!(
        read_n(&mut sub, 2),
        [">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n", ">3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"]
    );
    assert_eq!(sub.cmd(&["PSUBSCRIBE", "p*"]), ">3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n");
    // RESP3 clients are not restricted while subscribed.
    assert_eq!(sub.cmd(&["PING"]), "+PONG\r\n");
    assert_eq!(sub.cmd(&["ECHO", "hi"]), "$2\r\nhi\r\n");

    assert_eq!(publ.cmd(&["PUBLISH", "a", "hello"]), ":1\r\n");
    assert_eq!(sub.read_reply(), ">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n");
    assert_eq!(publ.cmd(&["PUBLISH", "pq", "x"]), ":1\r\n");
    assert_eq!(sub.read_reply(), ">4\r\n$8\r\npmessage\r\n$2\r\np*\r\n$2\r\npq\r\n$1\r\nx\r\n");

    send(&mut sub, &["UNSUBSCRIBE", "b", "a"]);
    assert_eq!(read_n(&mut sub, 2), [conf(3, "unsubscribe", Some("b"), 2), conf(3, "unsubscribe", Some("a"), 1)]);
    assert_eq!(sub.cmd(&["PUNSUBSCRIBE"]), ">3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n");
    assert_eq!(sub.cmd(&["PUNSUBSCRIBE"]), ">3\r\n$12\r\npunsubscribe\r\n_\r\n:0\r\n");
}

#[test]
fn resp3_client_can_get_while_subscribed() {
    let s = TestServer::start();
    let mut r = s.raw();
    hello3(&mut r);
    assert_eq!(r.cmd(&["SUBSCRIBE", "ch"]), conf(3, "subscribe", Some("ch"), 1));
    assert_eq!(r.cmd(&["SET", "k", "v"]), "+OK\r\n");
    assert_eq!(r.cmd(&["GET", "k"]), "$1\r\nv\r\n");
    assert_eq!(r.cmd(&["GET", "missing"]), "_\r\n");
    assert_eq!(r.cmd(&["CLIENT", "ID"]).chars().next(), Some(':'));
}

#[test]
fn resp3_self_publish_push_precedes_reply() {
    let s = TestServer::start();
    let mut r = s.raw();
    let mut other = s.raw();
    hello3(&mut r);
    assert_eq!(r.cmd(&["SUBSCRIBE", "me"]), conf(3, "subscribe", Some("me"), 1));
    assert_eq!(other.cmd(&["SUBSCRIBE", "me"]), conf(2, "subscribe", Some("me"), 1));
    // The push for our own subscription comes first, then PUBLISH's count.
    assert_eq!(r.cmd(&["PUBLISH", "me", "self"]), ">3\r\n$7\r\nmessage\r\n$2\r\nme\r\n$4\r\nself\r\n");
    assert_eq!(r.read_reply(), ":2\r\n");
    assert_eq!(other.read_reply(), "*3\r\n$7\r\nmessage\r\n$2\r\nme\r\n$4\r\nself\r\n");
    // Same for shard channels.
    assert_eq!(r.cmd(&["SSUBSCRIBE", "sh"]), conf(3, "ssubscribe", Some("sh"), 1));
    assert_eq!(r.cmd(&["SPUBLISH", "sh", "m"]), ">3\r\n$8\r\nsmessage\r\n$2\r\nsh\r\n$1\r\nm\r\n");
    assert_eq!(r.read_reply(), ":1\r\n");
}

#[test]
fn pattern_subscriptions() {
    let s = TestServer::start();
    let mut sub = s.raw();
    let mut publ = s.raw();
    send(&mut sub, &["PSUBSCRIBE", "news.*", "n?ws.[ab]", "news.*"]);
    assert_eq!(
        read_n(&mut sub, 3),
        [
            conf(2, "psubscribe", Some("news.*"), 1),
            conf(2, "psubscribe", Some("n?ws.[ab]"), 2),
            conf(2, "psubscribe", Some("news.*"), 2),
        ]
    );
    assert_eq!(sub.cmd(&["SUBSCRIBE", "news.a"]), conf(2, "subscribe", Some("news.a"), 3));

    // The channel subscription is delivered first, then each matching pattern
    // (their relative order is not specified); every delivery counts.
    assert_eq!(publ.cmd(&["PUBLISH", "news.a", "hi"]), ":3\r\n");
    assert_eq!(sub.read_reply(), msg(2, &["message", "news.a", "hi"]));
    let pm = sorted(read_n(&mut sub, 2));
    let want =
        vec![msg(2, &["pmessage", "n?ws.[ab]", "news.a", "hi"]), msg(2, &["pmessage", "news.*", "news.a", "hi"])];
    assert_eq!(pm, sorted(want));

    assert_eq!(publ.cmd(&["PUBLISH", "news.c", "x"]), ":1\r\n");
    assert_eq!(sub.read_reply(), msg(2, &["pmessage", "news.*", "news.c", "x"]));
    assert_eq!(publ.cmd(&["PUBLISH", "nows.b", "y"]), ":1\r\n");
    assert_eq!(sub.read_reply(), msg(2, &["pmessage", "n?ws.[ab]", "nows.b", "y"]));
    // Matching is case-sensitive.
    assert_eq!(publ.cmd(&["PUBLISH", "NEWS.a", "z"]), ":0\r\n");
    assert_eq!(publ.cmd(&["PUBLISH", "sports", "z"]), ":0\r\n");

    assert_eq!(sub.cmd(&["PUNSUBSCRIBE", "news.*"]), conf(2, "punsubscribe", Some("news.*"), 2));
    assert_eq!(publ.cmd(&["PUBLISH", "news.c", "x"]), ":0\r\n");
    // A pattern is not a channel: UNSUBSCRIBE does not drop it.
    assert_eq!(sub.cmd(&["UNSUBSCRIBE", "n?ws.[ab]"]), conf(2, "unsubscribe", Some("n?ws.[ab]"), 2));
    // An escaped glob character matches literally.
    assert_eq!(sub.cmd(&["PSUBSCRIBE", "h\\*llo"]), conf(2, "psubscribe", Some("h\\*llo"), 3));
    assert_eq!(publ.cmd(&["PUBLISH", "hello", "no"]), ":0\r\n");
    assert_eq!(publ.cmd(&["PUBLISH", "h*llo", "yes"]), ":1\r\n");
    assert_eq!(sub.read_reply(), msg(2, &["pmessage", "h\\*llo", "h*llo", "yes"]));
}

#[test]
fn shard_channels() {
    let s = TestServer::start();
    let mut sub = s.raw();
    let mut publ = s.raw();
    assert_eq!(sub.cmd(&["SUBSCRIBE", "c"]), conf(2, "subscribe", Some("c"), 1));
    // Shard subscriptions are counted on their own.
    send(&mut sub, &["SSUBSCRIBE", "s1", "s2"]);
    assert_eq!(read_n(&mut sub, 2), [conf(2, "ssubscribe", Some("s1"), 1), conf(2, "ssubscribe", Some("s2"), 2)]);
    assert_eq!(publ.cmd(&["SPUBLISH", "s1", "m"]), ":1\r\n");
    assert_eq!(sub.read_reply(), "*3\r\n$8\r\nsmessage\r\n$2\r\ns1\r\n$1\r\nm\r\n");
    // PUBLISH and SPUBLISH are separate namespaces.
    assert_eq!(publ.cmd(&["PUBLISH", "s1", "m"]), ":0\r\n");
    assert_eq!(publ.cmd(&["SPUBLISH", "c", "m"]), ":0\r\n");
    // Dropping every channel leaves the client subscribed (and restricted)
    // while it still has shard channels.
    assert_eq!(sub.cmd(&["UNSUBSCRIBE"]), conf(2, "unsubscribe", Some("c"), 0));
    assert!(sub.cmd(&["ECHO", "x"]).starts_with("-ERR Can't execute 'echo'"));
    assert_eq!(sub.cmd(&["SUNSUBSCRIBE", "s1"]), conf(2, "sunsubscribe", Some("s1"), 1));
    assert_eq!(sub.cmd(&["SUNSUBSCRIBE"]), conf(2, "sunsubscribe", Some("s2"), 0));
    assert_eq!(sub.cmd(&["SUNSUBSCRIBE"]), conf(2, "sunsubscribe", None, 0));
    assert_eq!(sub.cmd(&["ECHO", "x"]), "$1\r\nx\r\n");
}

#[test]
fn resp2_subscribed_mode_restrictions() {
    let s = TestServer::start();
    let mut r = s.raw();
    assert_eq!(r.cmd(&["SUBSCRIBE", "a"]), conf(2, "subscribe", Some("a"), 1));
    assert_eq!(
        r.cmd(&["GET", "x"]),
        "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
    );
    assert_eq!(
        r.cmd(&["CLIENT", "ID"]),
        "-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
    );
    assert_eq!(
        r.cmd(&["PUBLISH", "a", "x"]),
        "-ERR Can't execute 'publish': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
    );
    // PING answers in the pub/sub shape.
    assert_eq!(r.cmd(&["PING"]), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    assert_eq!(r.cmd(&["PING", "hi"]), "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
    // All the (un)subscribe commands are allowed.
    assert_eq!(r.cmd(&["PSUBSCRIBE", "p*"]), conf(2, "psubscribe", Some("p*"), 2));
    assert_eq!(r.cmd(&["SSUBSCRIBE", "s"]), conf(2, "ssubscribe", Some("s"), 1));
    assert_eq!(r.cmd(&["PUNSUBSCRIBE"]), conf(2, "punsubscribe", Some("p*"), 1));
    assert_eq!(r.cmd(&["SUNSUBSCRIBE"]), conf(2, "sunsubscribe", Some("s"), 0));
    // RESET drops the subscriptions.
    assert_eq!(r.cmd(&["RESET"]), "+RESET\r\n");
    assert_eq!(r.cmd(&["PUBSUB", "NUMSUB", "a"]), "*2\r\n$1\r\na\r\n:0\r\n");
    assert_eq!(r.cmd(&["PING"]), "+PONG\r\n");
    // QUIT is allowed too.
    assert_eq!(r.cmd(&["SUBSCRIBE", "a"]), conf(2, "subscribe", Some("a"), 1));
    assert_eq!(r.cmd(&["QUIT"]), "+OK\r\n");
    assert!(r.is_closed());
}

#[test]
fn pubsub_introspection() {
    let s = TestServer::start();
    let mut a = s.raw();
    let mut b = s.raw();
    let mut q = s.raw();
    assert_eq!(q.cmd(&["PUBSUB", "CHANNELS"]), "*0\r\n");
    assert_eq!(q.cmd(&["PUBSUB", "NUMSUB"]), "*0\r\n");
    assert_eq!(q.cmd(&["PUBSUB", "NUMPAT"]), ":0\r\n");
    assert_eq!(q.cmd(&["PUBSUB", "SHARDCHANNELS"]), "*0\r\n");
    assert_eq!(q.cmd(&["PUBSUB", "SHARDNUMSUB"]), "*0\r\n");

    send(&mut a, &["SUBSCRIBE", "news.a", "news.b", "other"]);
    read_n(&mut a, 3);
    send(&mut a, &["PSUBSCRIBE", "n*", "x?"]);
    read_n(&mut a, 2);
    send(&mut a, &["SSUBSCRIBE", "sh1", "sh2"]);
    read_n(&mut a, 2);
    send(&mut b, &["SUBSCRIBE", "news.a"]);
    b.read_reply();
    send(&mut b, &["PSUBSCRIBE", "n*"]);
    b.read_reply();

    assert_eq!(sorted(bulks(&q.cmd(&["PUBSUB", "CHANNELS"]))), ["news.a", "news.b", "other"]);
    assert_eq!(sorted(bulks(&q.cmd(&["pubsub", "channels", "news.*"]))), ["news.a", "news.b"]);
    assert_eq!(q.cmd(&["PUBSUB", "CHANNELS", "oth?r"]), "*1\r\n$5\r\nother\r\n");
    assert_eq!(q.cmd(&["PUBSUB", "CHANNELS", "zzz"]), "*0\r\n");
    // Patterns are not channels.
    assert_eq!(q.cmd(&["PUBSUB", "CHANNELS", "n\\*"]), "*0\r\n");
    assert_eq!(
        q.cmd(&["PUBSUB", "NUMSUB", "news.a", "nope", "news.b", "news.a"]),
        "*8\r\n$6\r\nnews.a\r\n:2\r\n$4\r\nnope\r\n:0\r\n$6\r\nnews.b\r\n:1\r\n$6\r\nnews.a\r\n:2\r\n"
    );
    // Unique patterns, whoever subscribed to them.
    assert_eq!(q.cmd(&["PUBSUB", "NUMPAT"]), ":2\r\n");
    assert_eq!(sorted(bulks(&q.cmd(&["PUBSUB", "SHARDCHANNELS"]))), ["sh1", "sh2"]);
    assert_eq!(q.cmd(&["PUBSUB", "SHARDCHANNELS", "*1"]), "*1\r\n$3\r\nsh1\r\n");
    assert_eq!(q.cmd(&["PUBSUB", "SHARDNUMSUB", "sh1", "x"]), "*4\r\n$3\r\nsh1\r\n:1\r\n$1\r\nx\r\n:0\r\n");
    // Shard channels are not channels, and the other way round.
    assert_eq!(q.cmd(&["PUBSUB", "NUMSUB", "sh1"]), "*2\r\n$3\r\nsh1\r\n:0\r\n");
    assert_eq!(q.cmd(&["PUBSUB", "SHARDNUMSUB", "other"]), "*2\r\n$5\r\nother\r\n:0\r\n");

    // RESP3 shapes are the same arrays.
    hello3(&mut q);
    assert_eq!(q.cmd(&["PUBSUB", "NUMSUB", "other"]), "*2\r\n$5\r\nother\r\n:1\r\n");
    assert_eq!(q.cmd(&["PUBSUB", "NUMPAT"]), ":2\r\n");

    // Unsubscribing updates the registry.
    assert_eq!(b.cmd(&["PUNSUBSCRIBE", "n*"]), conf(2, "punsubscribe", Some("n*"), 1));
    assert_eq!(q.cmd(&["PUBSUB", "NUMPAT"]), ":2\r\n");
    assert_eq!(a.cmd(&["PUNSUBSCRIBE", "n*"]), conf(2, "punsubscribe", Some("n*"), 4));
    assert_eq!(q.cmd(&["PUBSUB", "NUMPAT"]), ":1\r\n");
    assert_eq!(b.cmd(&["UNSUBSCRIBE", "news.a"]), conf(2, "unsubscribe", Some("news.a"), 0));
    assert_eq!(q.cmd(&["PUBSUB", "NUMSUB", "news.a"]), "*2\r\n$6\r\nnews.a\r\n:1\r\n");

    // Errors.
    assert_eq!(q.cmd(&["PUBSUB"]), "-ERR wrong number of arguments for 'pubsub' command\r\n");
    assert_eq!(q.cmd(&["PUBSUB", "NUMPAT", "x"]), "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n");
    assert_eq!(
        q.cmd(&["PUBSUB", "ChAnNeLs", "a", "b"]),
        "-ERR unknown subcommand or wrong number of arguments for 'ChAnNeLs'. Try PUBSUB HELP.\r\n"
    );
    assert_eq!(
        q.cmd(&["PUBSUB", "SHARDCHANNELS", "a", "b"]),
        "-ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try PUBSUB HELP.\r\n"
    );
    assert_eq!(q.cmd(&["PUBSUB", "FOO"]), "-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n");
    assert_eq!(q.cmd(&["SUBSCRIBE"]), "-ERR wrong number of arguments for 'subscribe' command\r\n");
    assert_eq!(q.cmd(&["PUBLISH", "a"]), "-ERR wrong number of arguments for 'publish' command\r\n");
    assert_eq!(q.cmd(&["SPUBLISH", "a", "b", "c"]), "-ERR wrong number of arguments for 'spublish' command\r\n");

    let help = q.cmd(&["PUBSUB", "HELP"]);
    assert!(
        help.starts_with(
            "*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CHANNELS [<pattern>]\r\n"
        ),
        "{help}"
    );
    assert!(help.contains("+SHARDNUMSUB [<shardchannel> ...]\r\n"), "{help}");
}

#[test]
fn disconnecting_subscriber_is_removed() {
    let s = TestServer::start();
    let mut q = s.raw();
    {
        let mut sub = s.raw();
        send(&mut sub, &["SUBSCRIBE", "ch", "ch2"]);
        read_n(&mut sub, 2);
        assert_eq!(sub.cmd(&["PSUBSCRIBE", "p*"]), conf(2, "psubscribe", Some("p*"), 3));
        assert_eq!(sub.cmd(&["SSUBSCRIBE", "s"]), conf(2, "ssubscribe", Some("s"), 1));
        assert_eq!(q.cmd(&["PUBSUB", "NUMSUB", "ch"]), "*2\r\n$2\r\nch\r\n:1\r\n");
    }
    // The server notices the closed socket asynchronously.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if q.cmd(&["PUBSUB", "NUMSUB", "ch"]) == "*2\r\n$2\r\nch\r\n:0\r\n" {
            break;
        }
        assert!(Instant::now() < deadline, "subscriber never removed");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(q.cmd(&["PUBSUB", "CHANNELS"]), "*0\r\n");
    assert_eq!(q.cmd(&["PUBSUB", "NUMPAT"]), ":0\r\n");
    assert_eq!(q.cmd(&["PUBSUB", "SHARDCHANNELS"]), "*0\r\n");
    assert_eq!(q.cmd(&["PUBLISH", "ch", "x"]), ":0\r\n");
}

#[test]
fn subscribe_inside_multi_and_with_reply_off() {
    let s = TestServer::start();
    let mut r = s.raw();
    // Inside EXEC the confirmation frames sit where the reply goes, as in Redis
    // (so the array holds more frames than its count says).
    assert_eq!(r.cmd(&["MULTI"]), "+OK\r\n");
    assert_eq!(r.cmd(&["SUBSCRIBE", "a", "b"]), "+QUEUED\r\n");
    assert_eq!(r.cmd(&["PING"]), "+QUEUED\r\n");
    send(&mut r, &["EXEC"]);
    // The `*2` header is read as one reply holding the first two frames.
    let got = read_n(&mut r, 2).concat();
    let expected = format!(
        "*2\r\n{}{}*2\r\n$4\r\npong\r\n$0\r\n\r\n",
        conf(2, "subscribe", Some("a"), 1),
        conf(2, "subscribe", Some("b"), 2)
    );
    assert_eq!(got, expected);

    // CLIENT REPLY OFF does not silence pub/sub frames (Redis writes them too).
    let mut q = s.raw();
    send(&mut q, &["CLIENT", "REPLY", "OFF"]);
    send(&mut q, &["SUBSCRIBE", "c", "d"]);
    assert_eq!(read_n(&mut q, 2), [conf(2, "subscribe", Some("c"), 1), conf(2, "subscribe", Some("d"), 2)]);
    let mut p = s.raw();
    assert_eq!(p.cmd(&["PUBLISH", "c", "m"]), ":1\r\n");
    assert_eq!(q.read_reply(), msg(2, &["message", "c", "m"]));
}

// ---- keyspace notifications -------------------------------------------------

/// A RESP2 connection subscribed to every keyspace and keyevent channel.
fn key_listener(s: &TestServer) -> Raw {
    let mut sub = s.raw();
    assert_eq!(sub.cmd(&["PSUBSCRIBE", "__key*__:*"]), conf(2, "psubscribe", Some("__key*__:*"), 1));
    sub
}

fn keyspace(db: usize, key: &str, event: &str) -> String {
    msg(2, &["pmessage", "__key*__:*", &format!("__keyspace@{db}__:{key}"), event])
}

fn keyevent(db: usize, key: &str, event: &str) -> String {
    msg(2, &["pmessage", "__key*__:*", &format!("__keyevent@{db}__:{event}"), key])
}

/// With K and E: each event is a keyspace message followed by a keyevent one.
fn expect_events(sub: &mut Raw, db: usize, events: &[(&str, &str)]) {
    for (event, key) in events {
        assert_eq!(sub.read_reply(), keyspace(db, key, event), "keyspace message for {event} {key}");
        assert_eq!(sub.read_reply(), keyevent(db, key, event), "keyevent message for {event} {key}");
    }
}

/// Proves nothing else was published before: a marker message comes next.
fn expect_quiet(sub: &mut Raw, s: &TestServer) {
    let mut p = s.raw();
    assert_eq!(p.cmd(&["PUBLISH", "__keymarker__:end", "."]), ":1\r\n");
    assert_eq!(sub.read_reply(), msg(2, &["pmessage", "__key*__:*", "__keymarker__:end", "."]));
}

#[test]
fn keyspace_notifications_walkthrough() {
    let s = TestServer::start_with(&["--notify-keyspace-events", "KEA"]);
    let mut sub = key_listener(&s);
    let mut c = s.raw();

    assert_eq!(c.cmd(&["SET", "k", "v"]), "+OK\r\n");
    expect_events(&mut sub, 0, &[("set", "k")]);
    assert_eq!(c.cmd(&["SET", "k", "v2", "EX", "100"]), "+OK\r\n");
    expect_events(&mut sub, 0, &[("set", "k"), ("expire", "k")]);
    assert_eq!(c.cmd(&["DEL", "k"]), ":1\r\n");
    expect_events(&mut sub, 0, &[("del", "k")]);
    // Deleting nothing notifies nothing.
    assert_eq!(c.cmd(&["DEL", "k"]), ":0\r\n");
    expect_quiet(&mut sub, &s);

    assert_eq!(c.cmd(&["SET", "n", "1"]), "+OK\r\n");
    assert_eq!(c.cmd(&["EXPIRE", "n", "100"]), ":1\r\n");
    assert_eq!(c.cmd(&["INCRBY", "n", "5"]), ":6\r\n");
    assert_eq!(c.cmd(&["APPEND", "n", "x"]), ":2\r\n");
    assert_eq!(c.cmd(&["APPEND", "fresh", "x"]), ":1\r\n");
    expect_events(&mut sub, 0, &[("set", "n"), ("expire", "n"), ("incrby", "n"), ("append", "n"), ("append", "fresh")]);
    assert_eq!(c.cmd(&["RENAME", "n", "m"]), "+OK\r\n");
    expect_events(&mut sub, 0, &[("rename_from", "n"), ("rename_to", "m")]);

    // The channel names carry the db number.
    assert_eq!(c.cmd(&["SELECT", "3"]), "+OK\r\n");
    assert_eq!(c.cmd(&["SET", "d3", "x"]), "+OK\r\n");
    expect_events(&mut sub, 3, &[("set", "d3")]);
    assert_eq!(c.cmd(&["SELECT", "0"]), "+OK\r\n");

    // Active expiry: nobody touches the key, the cron reclaims it.
    assert_eq!(c.cmd(&["SET", "short", "1", "PX", "50"]), "+OK\r\n");
    expect_events(&mut sub, 0, &[("set", "short"), ("expire", "short")]);
    expect_events(&mut sub, 0, &[("expired", "short")]);
    assert_eq!(c.cmd(&["EXISTS", "short"]), ":0\r\n");
    expect_quiet(&mut sub, &s);
}

#[test]
fn keyspace_expired_on_access_precedes_reply() {
    // hz 1 leaves the active cycle mostly idle, so the GET finds the key
    // expired and reclaims it itself; the notification for a RESP3 client
    // subscribed to it arrives before GET's reply either way.
    let s = TestServer::start_with(&["--notify-keyspace-events", "Ex", "--hz", "1"]);
    let mut r = s.raw();
    hello3(&mut r);
    assert_eq!(
        r.cmd(&["SUBSCRIBE", "__keyevent@0__:expired"]),
        conf(3, "subscribe", Some("__keyevent@0__:expired"), 1)
    );
    assert_eq!(r.cmd(&["SET", "e", "1", "PX", "1"]), "+OK\r\n");
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(r.cmd(&["GET", "e"]), ">3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$1\r\ne\r\n");
    assert_eq!(r.read_reply(), "_\r\n");
    // Only the expired class is enabled: SET published nothing.
    assert_eq!(r.cmd(&["SET", "k", "v"]), "+OK\r\n");
    assert_eq!(r.cmd(&["PING"]), "+PONG\r\n");
}

#[test]
fn keyspace_self_notification_precedes_reply() {
    let s = TestServer::start_with(&["--notify-keyspace-events", "K$"]);
    let mut r = s.raw();
    hello3(&mut r);
    assert_eq!(r.cmd(&["SUBSCRIBE", "__keyspace@0__:k"]), conf(3, "subscribe", Some("__keyspace@0__:k"), 1));
    assert_eq!(r.cmd(&["SET", "k", "v"]), ">3\r\n$7\r\nmessage\r\n$16\r\n__keyspace@0__:k\r\n$3\r\nset\r\n");
    assert_eq!(r.read_reply(), "+OK\r\n");
    // Other keys, and generic events (not enabled), publish nothing here.
    assert_eq!(r.cmd(&["SET", "other", "v"]), "+OK\r\n");
    assert_eq!(r.cmd(&["DEL", "k"]), ":1\r\n");
}

#[test]
fn keyspace_new_key_event() {
    let s = TestServer::start_with(&["--notify-keyspace-events", "KEAn"]);
    let mut sub = key_listener(&s);
    let mut c = s.raw();
    // 'new' comes first, only when the key is created.
    assert_eq!(c.cmd(&["SET", "nk", "v"]), "+OK\r\n");
    expect_events(&mut sub, 0, &[("new", "nk"), ("set", "nk")]);
    assert_eq!(c.cmd(&["SET", "nk", "v2"]), "+OK\r\n");
    expect_events(&mut sub, 0, &[("set", "nk")]);
    assert_eq!(c.cmd(&["DEL", "nk"]), ":1\r\n");
    expect_events(&mut sub, 0, &[("del", "nk")]);
    drop(sub);

    // 'n' alone (with E): just the new-key event.
    let s = TestServer::start_with(&["--notify-keyspace-events", "En"]);
    let mut sub = key_listener(&s);
    let mut c = s.raw();
    assert_eq!(c.cmd(&["SET", "nk2", "v"]), "+OK\r\n");
    assert_eq!(sub.read_reply(), keyevent(0, "nk2", "new"));
    assert_eq!(c.cmd(&["DEL", "nk2"]), ":1\r\n");
    expect_quiet(&mut sub, &s);
}

#[test]
fn keyspace_only_keyevent_or_keyspace_channels() {
    // E only (with the string class): keyevent channels, nothing generic.
    let s = TestServer::start_with(&["--notify-keyspace-events", "E$"]);
    let mut sub = key_listener(&s);
    let mut c = s.raw();
    assert_eq!(c.cmd(&["SET", "a", "v"]), "+OK\r\n");
    assert_eq!(sub.read_reply(), keyevent(0, "a", "set"));
    assert_eq!(c.cmd(&["DEL", "a"]), ":1\r\n");
    assert_eq!(c.cmd(&["SET", "b", "v", "EX", "10"]), "+OK\r\n");
    assert_eq!(sub.read_reply(), keyevent(0, "b", "set"));
    expect_quiet(&mut sub, &s);
    drop(sub);

    // K only (with the generic class): keyspace channels, no string events.
    let s = TestServer::start_with(&["--notify-keyspace-events", "Kg"]);
    let mut sub = key_listener(&s);
    let mut c = s.raw();
    assert_eq!(c.cmd(&["SET", "a", "v"]), "+OK\r\n");
    assert_eq!(c.cmd(&["DEL", "a"]), ":1\r\n");
    assert_eq!(sub.read_reply(), keyspace(0, "a", "del"));
    assert_eq!(c.cmd(&["SET", "b", "v"]), "+OK\r\n");
    assert_eq!(c.cmd(&["EXPIRE", "b", "100"]), ":1\r\n");
    assert_eq!(sub.read_reply(), keyspace(0, "b", "expire"));
    expect_quiet(&mut sub, &s);
}

#[test]
fn keyspace_nothing_without_flags() {
    for flags in [None, Some("A"), Some("KE")] {
        let s = match flags {
            None => TestServer::start(),
            Some(f) => TestServer::start_with(&["--notify-keyspace-events", f]),
        };
        let mut sub = key_listener(&s);
        let mut c = s.raw();
        assert_eq!(c.cmd(&["SET", "a", "v", "PX", "30"]), "+OK\r\n");
        assert_eq!(c.cmd(&["SET", "b", "v"]), "+OK\r\n");
        assert_eq!(c.cmd(&["INCRBY", "n", "1"]), ":1\r\n");
        assert_eq!(c.cmd(&["RENAME", "b", "c"]), "+OK\r\n");
        assert_eq!(c.cmd(&["DEL", "c"]), ":1\r\n");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(c.cmd(&["GET", "a"]), "$-1\r\n");
        expect_quiet(&mut sub, &s);
    }
}

#[test]
fn subscriber_that_stops_reading_is_disconnected_at_its_output_limit() {
    let s = TestServer::start_with(&["--client-output-buffer-limit", "pubsub 2mb 1mb 60"]);
    let mut c = s.raw();
    assert_eq!(
        c.cmd(&["CONFIG", "GET", "client-output-buffer-limit"]),
        "*2\r\n$26\r\nclient-output-buffer-limit\r\n$66\r\nnormal 0 0 0 slave 268435456 67108864 60 pubsub 2097152 1048576 60\r\n"
    );
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "client-output-buffer-limit", "foo 1 1 1"]),
        "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration.\r\n"
    );
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1"]),
        "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number of arguments in buffer limit configuration.\r\n"
    );
    // A subscriber that never reads its socket.
    let mut lazy = s.raw();
    assert!(lazy.cmd(&["SUBSCRIBE", "news"]).starts_with("*3\r\n"));
    let payload = "x".repeat(100 * 1024);
    let mut delivered_to_lazy = true;
    for _ in 0..300 {
        let n = c.cmd(&["PUBLISH", "news", &payload]);
        if n == ":0\r\n" {
            delivered_to_lazy = false;
            break;
        }
    }
    assert!(!delivered_to_lazy, "the server kept queueing 30 MB for a subscriber that does not read");
    let info = c.cmd(&["INFO", "stats"]);
    assert!(info.contains("client_output_buffer_limit_disconnections:1\r\n"), "{info}");
    // Everyone else is fine.
    assert_eq!(c.cmd(&["PING"]), "+PONG\r\n");
}
