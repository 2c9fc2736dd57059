//! Stream commands: XADD with explicit and auto IDs, XRANGE pagination,
//! XREAD (BLOCK on `$` woken by another client), consumer groups with two
//! consumers, XPENDING, XCLAIM, XAUTOCLAIM, XINFO, several groups on one
//! stream, and the error texts. Expectations come from Redis 7.0.15 (run with
//! REAL_REDIS_PORT to check them there); the few Redis 7.2+/8.2 additions
//! (XINFO CONSUMERS `inactive`, XDELEX, XACKDEL) are skipped against it.

mod common;
use std::time::Duration;

use common::{encode, Raw, Target};

/// Renders one raw RESP reply compactly: bulks as 'x', ints as :n, arrays as [..].
fn show(raw: &str) -> String {
    fn one(b: &[u8], i: &mut usize) -> String {
        let end = b[*i..].windows(2).position(|w| w == b"\r\n").unwrap() + *i;
        let line = std::str::from_utf8(&b[*i + 1..end]).unwrap().to_string();
        let t = b[*i];
        *i = end + 2;
        match t {
            b'$' => {
                let n: i64 = line.parse().unwrap();
                if n < 0 {
                    return "nil".into();
                }
                let s = String::from_utf8_lossy(&b[*i..*i + n as usize]).into_owned();
                *i += n as usize + 2;
                format!("'{s}'")
            }
            b'*' | b'%' => {
                let n: i64 = line.parse().unwrap();
                if n < 0 {
                    return "nil".into();
                }
                let n = if t == b'%' { n * 2 } else { n };
                let items: Vec<String> = (0..n).map(|_| one(b, i)).collect();
                format!("[{}]", items.join(" "))
            }
            b':' => format!(":{line}"),
            b'_' => "nil".into(),
            _ => format!("{}{}", t as char, line),
        }
    }
    let mut i = 0;
    one(raw.as_bytes(), &mut i)
}

fn c(r: &mut Raw, args: &[&str]) -> String {
    show(&r.cmd(args))
}

#[test]
fn xadd_explicit_and_auto_ids() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    assert_eq!(c(&mut r, &["XADD", "s", "1-1", "a", "1"]), "'1-1'");
    assert_eq!(c(&mut r, &["XADD", "s", "1-*", "b", "2"]), "'1-2'");
    assert_eq!(c(&mut r, &["XADD", "s", "2-*", "c", "3"]), "'2-0'");
    assert_eq!(c(&mut r, &["XADD", "s", "5", "d", "4", "e", "5"]), "'5-0'");
    let auto = c(&mut r, &["XADD", "s", "*", "f", "6"]);
    let ms: u64 = auto.trim_matches('\'').split('-').next().unwrap().parse().unwrap();
    assert!(ms > 1_600_000_000_000, "{auto}");
    assert_eq!(c(&mut r, &["XADD", "z", "0-*", "a", "1"]), "'0-1'");
    assert_eq!(c(&mut r, &["XADD", "nos", "NOMKSTREAM", "*", "x", "y"]), "nil");
    assert_eq!(c(&mut r, &["EXISTS", "nos"]), ":0");
    assert_eq!(c(&mut r, &["XLEN", "s"]), ":5");
    assert_eq!(c(&mut r, &["XLEN", "nokey"]), ":0");
    assert_eq!(c(&mut r, &["TYPE", "s"]), "+stream");
    assert_eq!(c(&mut r, &["OBJECT", "ENCODING", "s"]), "'stream'");
    // Trimming while adding.
    for i in 10..20 {
        r.cmd(&["XADD", "t", &format!("{i}-0"), "f", "v"]);
    }
    assert_eq!(c(&mut r, &["XADD", "t", "MAXLEN", "3", "20-0", "f", "v"]), "'20-0'");
    assert_eq!(c(&mut r, &["XRANGE", "t", "-", "+"]), "[['18-0' ['f' 'v']] ['19-0' ['f' 'v']] ['20-0' ['f' 'v']]]");
    assert_eq!(c(&mut r, &["XADD", "t", "MINID", "=", "20", "21-0", "f", "v"]), "'21-0'");
    assert_eq!(c(&mut r, &["XLEN", "t"]), ":2");
    assert_eq!(c(&mut r, &["XADD", "t", "MAXLEN", "~", "1", "LIMIT", "5", "22-0", "f", "v"]), "'22-0'");
    assert_eq!(c(&mut r, &["XLEN", "t"]), ":3");
    assert_eq!(c(&mut r, &["XTRIM", "t", "MAXLEN", "1"]), ":2");
    assert_eq!(c(&mut r, &["XTRIM", "t", "MAXLEN", "1"]), ":0");
    // Streams stay when emptied.
    assert_eq!(c(&mut r, &["XDEL", "t", "22-0"]), ":1");
    assert_eq!(c(&mut r, &["EXISTS", "t"]), ":1");
    assert_eq!(c(&mut r, &["XLEN", "t"]), ":0");
}

#[test]
fn xadd_and_id_errors() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    r.cmd(&["XADD", "s", "1-1", "a", "1"]);
    r.cmd(&["SET", "str", "x"]);
    let cases: &[(&[&str], &str)] = &[
        (&["XADD", "s", "0-0", "a", "1"], "-ERR The ID specified in XADD must be greater than 0-0"),
        (&["XADD", "s", "1-1", "a", "1"], "-ERR The ID specified in XADD is equal or smaller than the target stream top item"),
        (&["XADD", "s", "abc", "a", "1"], "-ERR Invalid stream ID specified as stream command argument"),
        (&["XADD", "s", "1-x", "a", "1"], "-ERR Invalid stream ID specified as stream command argument"),
        (&["XADD", "s", "-", "a", "1"], "-ERR Invalid stream ID specified as stream command argument"),
        (&["XADD", "s", "MAXLEN", "-1", "*", "a", "1"], "-ERR The MAXLEN argument must be >= 0."),
        (&["XADD", "s", "*", "a"], "-ERR wrong number of arguments for 'xadd' command"),
        (&["XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "a", "1"], "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible"),
        (&["XADD", "s", "LIMIT", "5", "*", "a", "1"], "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"),
        (&["XADD", "s", "MAXLEN", "3", "LIMIT", "5", "*", "a", "1"], "-ERR syntax error, LIMIT cannot be used without the special ~ option"),
        (&["XADD", "str", "*", "a", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value"),
        (&["XRANGE", "s", "(", "+"], "-ERR Invalid stream ID specified as stream command argument"),
        (&["XRANGE", "s", "-", "(0-0"], "-ERR invalid end ID for the interval"),
        (&["XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"], "-ERR invalid start ID for the interval"),
        (&["XRANGE", "s", "-1", "+"], "-ERR Invalid stream ID specified as stream command argument"),
        (&["XRANGE", "s", "-", "+", "FOO", "1"], "-ERR syntax error"),
        (&["XDEL", "s", "bad"], "-ERR Invalid stream ID specified as stream command argument"),
        (&["XTRIM", "s", "FOO", "1"], "-ERR syntax error"),
        (&["XSETID", "s", "0-1"], "-ERR The ID specified in XSETID is smaller than the target stream top item"),
        (&["XSETID", "nokey", "5-5"], "-ERR no such key"),
        (&["XREAD", "STREAMS", "s", "0", "1"], "-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."),
        (&["XREAD", "BLOCK", "x", "STREAMS", "s", "0"], "-ERR timeout is not an integer or out of range"),
        (&["XREAD", "BLOCK", "-1", "STREAMS", "s", "0"], "-ERR timeout is negative"),
        (&["XREAD", "GROUP", "g", "c", "STREAMS", "s", "0"], "-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."),
        (&["XREAD", "NOACK", "STREAMS", "s", "0"], "-ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."),
        (&["XREAD", "STREAMS", "s", ">"], "-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."),
        (&["XREAD", "STREAMS", "str", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value"),
        (&["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"], "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option"),
        (&["XGROUP", "CREATE", "nokey", "g", "$"], "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."),
        (&["XGROUP", "CREATE", "s", "g", "$", "FOO"], "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP."),
        (&["XGROUP", "CREATE", "s", "g", "$", "ENTRIESREAD", "-5"], "-ERR value for ENTRIESREAD must be positive or -1"),
        (&["XGROUP", "SETID", "s", "g", "$"], "-NOGROUP No such consumer group 'g' for key name 's'"),
        (&["XPENDING", "s", "g"], "-NOGROUP No such key 's' or consumer group 'g'"),
        (&["XPENDING", "s", "g", "IDLE", "10", "-", "+"], "-ERR syntax error"),
        (&["XCLAIM", "s", "g", "c", "10", "1-1"], "-NOGROUP No such key 's' or consumer group 'g'"),
        (&["XAUTOCLAIM", "s", "g", "c", "10", "0", "COUNT", "0"], "-ERR COUNT must be > 0"),
        (&["XAUTOCLAIM", "s", "g", "c", "x", "0"], "-ERR Invalid min-idle-time argument for XAUTOCLAIM"),
        (&["XINFO", "STREAM", "nokey"], "-ERR no such key"),
        (&["XINFO", "CONSUMERS", "s", "g"], "-NOGROUP No such consumer group 'g' for key name 's'"),
    ];
    for (args, want) in cases {
        assert_eq!(c(&mut r, args), *want, "{args:?}");
    }
    assert_eq!(c(&mut r, &["XACK", "s", "g", "1-1", "bad"]), ":0");
}

#[test]
fn xrange_pagination() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    for i in 1..=5 {
        r.cmd(&["XADD", "s", &format!("{i}-1"), "n", &i.to_string()]);
    }
    assert_eq!(c(&mut r, &["XRANGE", "s", "-", "+", "COUNT", "2"]), "[['1-1' ['n' '1']] ['2-1' ['n' '2']]]");
    assert_eq!(c(&mut r, &["XRANGE", "s", "(2-1", "+", "COUNT", "2"]), "[['3-1' ['n' '3']] ['4-1' ['n' '4']]]");
    assert_eq!(c(&mut r, &["XRANGE", "s", "(4-1", "+", "COUNT", "2"]), "[['5-1' ['n' '5']]]");
    assert_eq!(c(&mut r, &["XRANGE", "s", "(5-1", "+", "COUNT", "2"]), "[]");
    // Incomplete IDs: a start gets -0, an end gets -18446744073709551615.
    assert_eq!(c(&mut r, &["XRANGE", "s", "2", "3"]), "[['2-1' ['n' '2']] ['3-1' ['n' '3']]]");
    // An exclusive incomplete end keeps its -18446744073709551615 before stepping back.
    assert_eq!(c(&mut r, &["XRANGE", "s", "2", "(3"]), "[['2-1' ['n' '2']] ['3-1' ['n' '3']]]");
    assert_eq!(c(&mut r, &["XRANGE", "s", "2", "(3-1"]), "[['2-1' ['n' '2']]]");
    assert_eq!(c(&mut r, &["XREVRANGE", "s", "+", "-", "COUNT", "2"]), "[['5-1' ['n' '5']] ['4-1' ['n' '4']]]");
    assert_eq!(c(&mut r, &["XREVRANGE", "s", "(4-1", "-", "COUNT", "2"]), "[['3-1' ['n' '3']] ['2-1' ['n' '2']]]");
    assert_eq!(c(&mut r, &["XRANGE", "s", "-", "+", "COUNT", "0"]), "nil");
    assert_eq!(c(&mut r, &["XRANGE", "s", "+", "-"]), "[]");
    assert_eq!(c(&mut r, &["XRANGE", "nokey", "-", "+"]), "[]");
    assert_eq!(c(&mut r, &["XDEL", "s", "2-1", "9-9"]), ":1");
    assert_eq!(c(&mut r, &["XRANGE", "s", "-", "+", "COUNT", "2"]), "[['1-1' ['n' '1']] ['3-1' ['n' '3']]]");
    assert_eq!(c(&mut r, &["XREAD", "COUNT", "1", "STREAMS", "s", "nokey", "3", "0"]), "[['s' [['3-1' ['n' '3']]]]]");
    assert_eq!(c(&mut r, &["XREAD", "STREAMS", "s", "$"]), "nil");
}

fn silent(r: &mut Raw, wait: u64) -> bool {
    r.w.set_read_timeout(Some(Duration::from_millis(wait))).unwrap();
    let mut b = [0u8; 1];
    let quiet = std::io::Read::read(r.r.get_mut(), &mut b).is_err();
    r.w.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    quiet
}

#[test]
fn xread_block_on_dollar_wakes_on_xadd() {
    let t = Target::start(&[]);
    let (mut w, mut x) = (t.raw(), t.raw());
    x.cmd(&["XADD", "s", "1-1", "a", "1"]);
    w.send(&encode(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]));
    assert!(silent(&mut w, 100));
    assert_eq!(c(&mut x, &["XADD", "s", "2-1", "b", "2"]), "'2-1'");
    assert_eq!(show(&w.read_reply()), "[['s' [['2-1' ['b' '2']]]]]");
    // A timeout is in milliseconds and answers a null array.
    let start = std::time::Instant::now();
    assert_eq!(w.cmd(&["XREAD", "BLOCK", "100", "STREAMS", "s", "$"]), "*-1\r\n");
    assert!(start.elapsed() >= Duration::from_millis(90));
    w.cmd(&["HELLO", "3"]);
    assert_eq!(w.cmd(&["XREAD", "BLOCK", "30", "STREAMS", "s", "$"]), "_\r\n");
    // RESP3 answers a map.
    assert_eq!(show(&w.cmd(&["XREAD", "STREAMS", "s", "1-1"])), "['s' [['2-1' ['b' '2']]]]");
    assert!(w.cmd(&["XREAD", "STREAMS", "s", "1-1"]).starts_with("%1\r\n"));
    // Inside MULTI it does not block.
    x.cmd(&["MULTI"]);
    x.cmd(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]);
    assert_eq!(x.cmd(&["EXEC"]), "*1\r\n*-1\r\n");
}

#[test]
fn consumer_group_with_two_consumers() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    for i in 1..=4 {
        r.cmd(&["XADD", "s", &format!("{i}-0"), "n", &i.to_string()]);
    }
    assert_eq!(c(&mut r, &["XGROUP", "CREATE", "s", "g", "0"]), "+OK");
    assert_eq!(c(&mut r, &["XGROUP", "CREATE", "s", "g", "0"]), "-BUSYGROUP Consumer Group name already exists");
    assert_eq!(
        c(&mut r, &["XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"]),
        "[['s' [['1-0' ['n' '1']]]]]"
    );
    assert_eq!(
        c(&mut r, &["XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">"]),
        "[['s' [['2-0' ['n' '2']] ['3-0' ['n' '3']]]]]"
    );
    // History: after the given ID, only the consumer's own pending entries.
    assert_eq!(
        c(&mut r, &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"]),
        "[['s' [['2-0' ['n' '2']] ['3-0' ['n' '3']]]]]"
    );
    assert_eq!(c(&mut r, &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "2-0"]), "[['s' [['3-0' ['n' '3']]]]]");
    assert_eq!(c(&mut r, &["XPENDING", "s", "g"]), "[:3 '1-0' '3-0' [['alice' '1'] ['bob' '2']]]");
    assert_eq!(c(&mut r, &["XACK", "s", "g", "1-0", "9-0"]), ":1");
    assert_eq!(c(&mut r, &["XACK", "s", "g", "1-0"]), ":0");
    assert_eq!(c(&mut r, &["XPENDING", "s", "g"]), "[:2 '2-0' '3-0' [['bob' '2']]]");
    // Deleted entries show as nil in the history.
    r.cmd(&["XDEL", "s", "2-0"]);
    assert_eq!(
        c(&mut r, &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"]),
        "[['s' [['2-0' nil] ['3-0' ['n' '3']]]]]"
    );
    // NOACK reads do not enter the PEL.
    assert_eq!(
        c(&mut r, &["XREADGROUP", "GROUP", "g", "alice", "NOACK", "STREAMS", "s", ">"]),
        "[['s' [['4-0' ['n' '4']]]]]"
    );
    assert_eq!(c(&mut r, &["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"]), "nil");
    assert_eq!(c(&mut r, &["XPENDING", "s", "g", "-", "+", "10", "alice"]), "[]");
    assert_eq!(c(&mut r, &["XGROUP", "CREATECONSUMER", "s", "g", "carol"]), ":1");
    assert_eq!(c(&mut r, &["XGROUP", "CREATECONSUMER", "s", "g", "carol"]), ":0");
    assert_eq!(c(&mut r, &["XGROUP", "DELCONSUMER", "s", "g", "bob"]), ":2");
    assert_eq!(c(&mut r, &["XGROUP", "DELCONSUMER", "s", "g", "nobody"]), ":0");
    assert_eq!(c(&mut r, &["XPENDING", "s", "g"]), "[:0 nil nil nil]");
    assert_eq!(c(&mut r, &["XGROUP", "DESTROY", "s", "g"]), ":1");
    assert_eq!(c(&mut r, &["XGROUP", "DESTROY", "s", "g"]), ":0");
}

#[test]
fn blocked_group_readers_never_share_an_entry() {
    let t = Target::start(&[]);
    let (mut a, mut b, mut x) = (t.raw(), t.raw(), t.raw());
    x.cmd(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
    a.send(&encode(&["XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"]));
    std::thread::sleep(Duration::from_millis(50));
    b.send(&encode(&["XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "s", ">"]));
    std::thread::sleep(Duration::from_millis(50));
    x.cmd(&["XADD", "s", "1-0", "f", "1"]);
    assert_eq!(show(&a.read_reply()), "[['s' [['1-0' ['f' '1']]]]]");
    assert!(silent(&mut b, 100));
    x.cmd(&["XADD", "s", "2-0", "f", "2"]);
    assert_eq!(show(&b.read_reply()), "[['s' [['2-0' ['f' '2']]]]]");
    assert_eq!(c(&mut x, &["XPENDING", "s", "g"]), "[:2 '1-0' '2-0' [['c1' '1'] ['c2' '1']]]");
    // A waiter whose group or stream goes away is told so.
    a.send(&encode(&["XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"]));
    std::thread::sleep(Duration::from_millis(50));
    x.cmd(&["XGROUP", "DESTROY", "s", "g"]);
    assert_eq!(a.read_reply(), "-NOGROUP the consumer group this client was blocked on no longer exists\r\n");
    x.cmd(&["XGROUP", "CREATE", "s", "g", "$"]);
    a.send(&encode(&["XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"]));
    std::thread::sleep(Duration::from_millis(50));
    x.cmd(&["DEL", "s"]);
    assert_eq!(a.read_reply(), "-UNBLOCKED the stream key no longer exists\r\n");
}

#[test]
fn xclaim_and_xautoclaim() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    for i in 1..=4 {
        r.cmd(&["XADD", "s", &format!("{i}-0"), "n", &i.to_string()]);
    }
    r.cmd(&["XGROUP", "CREATE", "s", "g", "0"]);
    r.cmd(&["XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"]);
    assert_eq!(c(&mut r, &["XCLAIM", "s", "g", "c2", "0", "1-0", "2-0"]), "[['1-0' ['n' '1']] ['2-0' ['n' '2']]]");
    assert_eq!(c(&mut r, &["XCLAIM", "s", "g", "c2", "0", "1-0", "JUSTID"]), "['1-0']");
    assert_eq!(c(&mut r, &["XCLAIM", "s", "g", "c2", "99999999", "1-0"]), "[]");
    assert_eq!(
        c(&mut r, &["XCLAIM", "s", "g", "c3", "0", "3-0", "RETRYCOUNT", "7", "IDLE", "5000", "JUSTID"]),
        "['3-0']"
    );
    let p = c(&mut r, &["XPENDING", "s", "g", "-", "+", "10"]);
    assert!(p.starts_with("[['1-0' 'c2' :"), "{p}");
    assert!(p.contains("['3-0' 'c3' :5"), "{p}");
    assert!(p.ends_with(":7] ['4-0' 'c1' :0 :1]]") || p.contains("['4-0' 'c1' :"), "{p}");
    assert_eq!(c(&mut r, &["XPENDING", "s", "g", "IDLE", "4000", "-", "+", "10"]).matches("'3-0'").count(), 1);
    assert_eq!(c(&mut r, &["XCLAIM", "s", "g", "c2", "0", "1-0", "FOO"]), "-ERR Unrecognized XCLAIM option 'FOO'");
    assert_eq!(c(&mut r, &["XCLAIM", "s", "g", "c2", "x", "1-0"]), "-ERR Invalid min-idle-time argument for XCLAIM");
    assert_eq!(
        c(&mut r, &["XCLAIM", "s", "g", "c2", "0", "1-0", "IDLE", "x"]),
        "-ERR Invalid IDLE option argument for XCLAIM"
    );
    // A deleted entry leaves the PEL when claimed.
    r.cmd(&["XDEL", "s", "2-0"]);
    assert_eq!(c(&mut r, &["XAUTOCLAIM", "s", "g", "c4", "0", "0", "COUNT", "1"]), "['2-0' [['1-0' ['n' '1']]] []]");
    assert_eq!(
        c(&mut r, &["XAUTOCLAIM", "s", "g", "c4", "0", "(1-0", "COUNT", "2"]),
        "['4-0' [['3-0' ['n' '3']]] ['2-0']]"
    );
    assert_eq!(c(&mut r, &["XAUTOCLAIM", "s", "g", "c4", "0", "4-0", "JUSTID"]), "['0-0' ['4-0'] []]");
    assert_eq!(c(&mut r, &["XPENDING", "s", "g"]), "[:3 '1-0' '4-0' [['c4' '3']]]");
    assert_eq!(c(&mut r, &["XAUTOCLAIM", "s", "g", "c4", "9999999", "0"]), "['0-0' [] []]");
}

#[test]
fn xinfo_and_multiple_groups() {
    let t = Target::start(&[]);
    let mut r = t.raw();
    r.cmd(&["XADD", "s", "1-1", "a", "1"]);
    r.cmd(&["XADD", "s", "1-2", "b", "2"]);
    r.cmd(&["XADD", "s", "1-3", "c", "3"]);
    r.cmd(&["XGROUP", "CREATE", "s", "g1", "0"]);
    r.cmd(&["XGROUP", "CREATE", "s", "g2", "$"]);
    r.cmd(&["XGROUP", "CREATE", "s", "g3", "0", "ENTRIESREAD", "1"]);
    r.cmd(&["XREADGROUP", "GROUP", "g1", "c1", "COUNT", "2", "STREAMS", "s", ">"]);
    assert_eq!(
        c(&mut r, &["XINFO", "STREAM", "s"]),
        "['length' :3 'radix-tree-keys' :1 'radix-tree-nodes' :2 'last-generated-id' '1-3' 'max-deleted-entry-id' '0-0' \
         'entries-added' :3 'recorded-first-entry-id' '1-1' 'groups' :3 'first-entry' ['1-1' ['a' '1']] 'last-entry' ['1-3' ['c' '3']]]"
    );
    assert_eq!(
        c(&mut r, &["XINFO", "GROUPS", "s"]),
        "[['name' 'g1' 'consumers' :1 'pending' :2 'last-delivered-id' '1-2' 'entries-read' :2 'lag' :1] \
         ['name' 'g2' 'consumers' :0 'pending' :0 'last-delivered-id' '1-3' 'entries-read' nil 'lag' :0] \
         ['name' 'g3' 'consumers' :0 'pending' :0 'last-delivered-id' '0-0' 'entries-read' :1 'lag' :2]]"
    );
    // Each group reads the stream independently.
    assert_eq!(c(&mut r, &["XREADGROUP", "GROUP", "g3", "x", "STREAMS", "s", ">"]).matches("'1-").count(), 3);
    assert_eq!(c(&mut r, &["XREADGROUP", "GROUP", "g2", "x", "STREAMS", "s", ">"]), "nil");
    r.cmd(&["XADD", "s", "2-0", "d", "4"]);
    assert_eq!(c(&mut r, &["XREADGROUP", "GROUP", "g2", "x", "STREAMS", "s", ">"]), "[['s' [['2-0' ['d' '4']]]]]");
    r.cmd(&["XDEL", "s", "1-2"]);
    assert_eq!(
        c(&mut r, &["XINFO", "GROUPS", "s"]),
        "[['name' 'g1' 'consumers' :1 'pending' :2 'last-delivered-id' '1-2' 'entries-read' :2 'lag' nil] \
         ['name' 'g2' 'consumers' :1 'pending' :1 'last-delivered-id' '2-0' 'entries-read' :4 'lag' :0] \
         ['name' 'g3' 'consumers' :1 'pending' :3 'last-delivered-id' '1-3' 'entries-read' :4 'lag' :0]]"
    );
    let full = c(&mut r, &["XINFO", "STREAM", "s", "FULL", "COUNT", "1"]);
    assert!(full.starts_with("['length' :3 "), "{full}");
    assert!(full.contains("'max-deleted-entry-id' '1-2' 'entries-added' :4 'recorded-first-entry-id' '1-1' 'entries' [['1-1' ['a' '1']]]"), "{full}");
    assert_eq!(c(&mut r, &["XSETID", "s", "3-0", "ENTRIESADDED", "10", "MAXDELETEDID", "2-5"]), "+OK");
    assert!(c(&mut r, &["XINFO", "STREAM", "s"])
        .contains("'last-generated-id' '3-0' 'max-deleted-entry-id' '2-5' 'entries-added' :10"));
    assert_eq!(
        c(&mut r, &["XADD", "s", "3-0", "x", "1"]),
        "-ERR The ID specified in XADD is equal or smaller than the target stream top item"
    );
    if !t.is_real() {
        let cons = c(&mut r, &["XINFO", "CONSUMERS", "s", "g1"]);
        assert!(cons.starts_with("[['name' 'c1' 'pending' :2 'idle' :"), "{cons}");
        assert!(cons.contains("'inactive' :"), "{cons}");
    }
}

#[test]
fn deletion_controls_of_redis_8_2() {
    let t = Target::start(&[]);
    if t.is_real() {
        return; // Redis 7.0 has no XDELEX/XACKDEL.
    }
    let mut r = t.raw();
    for i in 1..=4 {
        r.cmd(&["XADD", "s", &format!("{i}-0"), "n", &i.to_string()]);
    }
    r.cmd(&["XGROUP", "CREATE", "s", "g", "0"]);
    r.cmd(&["XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "s", ">"]);
    // 1-0 is pending, 3-0 is undelivered: ACKED keeps both.
    assert_eq!(c(&mut r, &["XDELEX", "s", "ACKED", "IDS", "3", "1-0", "3-0", "9-0"]), "[:2 :2 :-1]");
    assert_eq!(c(&mut r, &["XACKDEL", "s", "g", "ACKED", "IDS", "2", "1-0", "3-0"]), "[:1 :2]");
    assert_eq!(c(&mut r, &["XDELEX", "s", "DELREF", "IDS", "1", "2-0"]), "[:1]");
    assert_eq!(c(&mut r, &["XPENDING", "s", "g"]), "[:0 nil nil nil]");
    assert_eq!(c(&mut r, &["XLEN", "s"]), ":2");
    assert_eq!(c(&mut r, &["XTRIM", "s", "MAXLEN", "0", "ACKED"]), ":0");
    assert_eq!(c(&mut r, &["XTRIM", "s", "MAXLEN", "0", "KEEPREF"]), ":2");
    // ACKED trims skip what a group still references; DELREF clears the PELs.
    for i in 1..=3 {
        r.cmd(&["XADD", "m", &format!("{i}-0"), "f", "v"]);
    }
    r.cmd(&["XGROUP", "CREATE", "m", "g", "0"]);
    r.cmd(&["XREADGROUP", "GROUP", "g", "c", "STREAMS", "m", ">"]);
    r.cmd(&["XACK", "m", "g", "2-0"]);
    assert_eq!(c(&mut r, &["XTRIM", "m", "MAXLEN", "0", "ACKED"]), ":1");
    assert_eq!(c(&mut r, &["XRANGE", "m", "-", "+"]), "[['1-0' ['f' 'v']] ['3-0' ['f' 'v']]]");
    assert_eq!(c(&mut r, &["XADD", "m", "MAXLEN", "=", "1", "DELREF", "4-0", "f", "v"]), "'4-0'");
    assert_eq!(c(&mut r, &["XPENDING", "m", "g"]), "[:0 nil nil nil]");
    assert_eq!(
        c(&mut r, &["XDELEX", "m", "IDS", "2", "4-0"]),
        "-ERR The `numids` parameter must match the number of arguments"
    );
    assert_eq!(c(&mut r, &["XDELEX", "m", "IDS", "0", "4-0"]), "-ERR Number of IDs must be a positive integer");
    assert_eq!(c(&mut r, &["XDELEX", "m", "KEEPREF", "ACKED", "IDS", "1", "4-0"]), "-ERR syntax error");
    assert_eq!(c(&mut r, &["XACKDEL", "m", "nogroup", "IDS", "1", "4-0"]), "[:-1]");
}
