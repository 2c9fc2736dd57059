//! Connection commands and transactions against the real binary.

mod common;
use common::TestServer;

#[test]
fn ping_echo_select_and_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    assert_eq!(r.cmd(&["PING"]), "+PONG\r\n");
    assert_eq!(r.cmd(&["PING", "hi"]), "$2\r\nhi\r\n");
    assert_eq!(r.cmd(&["PING", "a", "b"]), "-ERR wrong number of arguments for 'ping' command\r\n");
    assert_eq!(r.cmd(&["ECHO", ""]), "$0\r\n\r\n");
    assert_eq!(r.cmd(&["SELECT", "99"]), "-ERR DB index is out of range\r\n");
    assert_eq!(r.cmd(&["SELECT", "x"]), "-ERR value is not an integer or out of range\r\n");
    assert_eq!(r.cmd(&["SELECT", "15"]), "+OK\r\n");
    assert_eq!(r.cmd(&["FOOBAR", "a", "b"]), "-ERR unknown command 'FOOBAR', with args beginning with: 'a' 'b' \r\n");
    assert_eq!(r.cmd(&["CLIENT", "FOO"]), "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
    assert_eq!(r.cmd(&["CLIENT"]), "-ERR wrong number of arguments for 'client' command\r\n");
}

#[test]
fn hello_and_auth() {
    let s = TestServer::start_with(&["--requirepass", "s3cret"]);
    let mut r = s.raw();
    assert_eq!(r.cmd(&["PING"]), "-NOAUTH Authentication required.\r\n");
    assert_eq!(r.cmd(&["AUTH", "nope"]), "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    assert_eq!(r.cmd(&["AUTH", "bob", "s3cret"]), "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    assert!(r.cmd(&["HELLO", "3"]).starts_with("-NOAUTH HELLO must be called"));
    assert!(r.cmd(&["HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "me"]).starts_with("%7\r\n$6\r\nserver\r\n"));
    assert_eq!(r.cmd(&["CLIENT", "GETNAME"]), "$2\r\nme\r\n");
    assert_eq!(r.cmd(&["HELLO", "4"]), "-NOPROTO unsupported protocol version\r\n");
    assert_eq!(r.cmd(&["HELLO", "abc"]), "-ERR Protocol version is not an integer or out of range\r\n");
    assert_eq!(r.cmd(&["HELLO", "3", "FOO"]), "-ERR Syntax error in HELLO option 'FOO'\r\n");
    assert_eq!(r.cmd(&["CLIENT", "GETNAME"]), "$2\r\nme\r\n");
    assert_eq!(r.cmd(&["RESET"]), "+RESET\r\n");
    assert_eq!(r.cmd(&["PING"]), "-NOAUTH Authentication required.\r\n");
    assert_eq!(r.cmd(&["AUTH", "default", "s3cret"]), "+OK\r\n");
    assert_eq!(r.cmd(&["PING"]), "+PONG\r\n");
}

#[test]
fn client_commands() {
    let s = TestServer::start();
    let mut r = s.raw();
    assert_eq!(
        r.cmd(&["CLIENT", "SETNAME", "a b"]),
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
    );
    assert_eq!(r.cmd(&["CLIENT", "GETNAME"]), "$-1\r\n");
    assert_eq!(r.cmd(&["CLIENT", "SETNAME", "worker"]), "+OK\r\n");
    assert_eq!(r.cmd(&["CLIENT", "SETINFO", "lib-name", "redis-py"]), "+OK\r\n");
    assert_eq!(r.cmd(&["CLIENT", "SETINFO", "foo", "x"]), "-ERR Unrecognized option 'foo'\r\n");
    let list = r.cmd(&["CLIENT", "LIST"]);
    assert!(list.contains("name=worker"), "{list}");
    assert!(list.contains("lib-name=redis-py"), "{list}");
    assert!(list.contains("cmd=client|list"), "{list}");
    assert_eq!(r.cmd(&["CLIENT", "KILL", "1.2.3.4:5"]), "-ERR No such client\r\n");
    assert_eq!(r.cmd(&["CLIENT", "KILL", "ID", "999"]), ":0\r\n");
    assert_eq!(r.cmd(&["CLIENT", "KILL", "ID", "abc"]), "-ERR client-id should be greater than 0\r\n");
    // Kill another connection by id.
    let mut other = s.raw();
    let id = other.cmd(&["CLIENT", "ID"]);
    let id = id.trim_start_matches(':').trim();
    assert_eq!(r.cmd(&["CLIENT", "KILL", "ID", id]), ":1\r\n");
    assert!(other.is_closed());
    // CLIENT REPLY OFF / SKIP
    r.send(&common::encode(&["CLIENT", "REPLY", "SKIP"]));
    r.send(&common::encode(&["ECHO", "skipped"]));
    assert_eq!(r.cmd(&["ECHO", "seen"]), "$4\r\nseen\r\n");
    r.send(&common::encode(&["CLIENT", "REPLY", "OFF"]));
    r.send(&common::encode(&["ECHO", "off"]));
    assert_eq!(r.cmd(&["CLIENT", "REPLY", "ON"]), "+OK\r\n");
}

#[test]
fn transactions() {
    let s = TestServer::start();
    let mut r = s.raw();
    assert_eq!(r.cmd(&["EXEC"]), "-ERR EXEC without MULTI\r\n");
    assert_eq!(r.cmd(&["DISCARD"]), "-ERR DISCARD without MULTI\r\n");
    assert_eq!(r.cmd(&["MULTI"]), "+OK\r\n");
    assert_eq!(r.cmd(&["MULTI"]), "-ERR MULTI calls can not be nested\r\n");
    assert_eq!(r.cmd(&["WATCH", "x"]), "-ERR WATCH inside MULTI is not allowed\r\n");
    assert_eq!(r.cmd(&["PING"]), "+QUEUED\r\n");
    assert_eq!(r.cmd(&["ECHO", "x"]), "+QUEUED\r\n");
    assert_eq!(r.cmd(&["EXEC"]), "*2\r\n+PONG\r\n$1\r\nx\r\n");
    assert_eq!(r.cmd(&["MULTI"]), "+OK\r\n");
    assert_eq!(r.cmd(&["PING"]), "+QUEUED\r\n");
    assert_eq!(r.cmd(&["NOPE"]), "-ERR unknown command 'NOPE', with args beginning with: \r\n");
    assert_eq!(r.cmd(&["EXEC"]), "-EXECABORT Transaction discarded because of previous errors.\r\n");
    assert_eq!(r.cmd(&["MULTI"]), "+OK\r\n");
    assert_eq!(r.cmd(&["ECHO"]), "-ERR wrong number of arguments for 'echo' command\r\n");
    assert_eq!(r.cmd(&["DISCARD"]), "+OK\r\n");
    assert_eq!(r.cmd(&["PING"]), "+PONG\r\n");
}

#[test]
fn idle_clients_are_closed_after_timeout_but_not_subscribers() {
    let s = TestServer::start_with(&["--timeout", "1"]);
    let mut idle = s.raw();
    assert_eq!(idle.cmd(&["PING"]), "+PONG\r\n");
    let mut sub = s.raw();
    assert!(sub.cmd(&["SUBSCRIBE", "ch"]).starts_with("*3\r\n"));
    std::thread::sleep(std::time::Duration::from_millis(2600));
    assert!(idle.is_closed(), "idle client survived its timeout");
    let mut c = s.raw();
    assert_eq!(c.cmd(&["PUBLISH", "ch", "still here"]), ":1\r\n");
    assert_eq!(sub.read_reply(), "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$10\r\nstill here\r\n");
    // Turning the timeout off at runtime spares clients that are already idle.
    assert_eq!(c.cmd(&["CONFIG", "SET", "timeout", "0"]), "+OK\r\n");
    let mut idle2 = s.raw();
    assert_eq!(idle2.cmd(&["PING"]), "+PONG\r\n");
    std::thread::sleep(std::time::Duration::from_millis(1600));
    assert_eq!(idle2.cmd(&["PING"]), "+PONG\r\n");
}
