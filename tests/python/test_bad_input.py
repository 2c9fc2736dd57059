"""Bad input: malformed RESP, huge length headers, unknown commands, wrong
arity and wrong types. Each case checks the exact reply real Redis gives, that
the server stays up, and that another client connected at the same time keeps
working with its data intact."""

import pytest


@pytest.fixture
def bystander(server, r):
    """A second client, connected before the bad input, holding some data."""
    other = server.client()
    other.set("bystander:key", "precious")
    other.incr("bystander:ctr")
    return other


def check_bystander(server, bystander):
    assert server.is_running(), "server died:\n" + server.log()
    assert bystander.ping() is True
    assert bystander.get("bystander:key") == "precious"
    assert bystander.get("bystander:ctr") == "1"
    assert bystander.set("bystander:other", "x") is True
    assert bystander.get("bystander:other") == "x"
    fresh = server.raw()
    assert fresh.command("PING") == "PONG"


PROTOCOL_ERRORS = [
    # (what is sent, exact bytes Redis replies before closing the connection)
    (b"*1\r\n+x\r\n", b"-ERR Protocol error: expected '$', got '+'\r\n"),
    (b"*2\r\n$3\r\nGET\r\n:1\r\n", b"-ERR Protocol error: expected '$', got ':'\r\n"),
    (b"*99999999999\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*3000000000\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\n$999999999999\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$-5\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*2\r\n$3\r\nget\r\n$3abc\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b'set "a\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    # complete commands before the bad frame are answered first
    (b"*1\r\n$4\r\nPING\r\n*1\r\n$99999999999\r\n", b"+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"),
    (b"*2\r\n$3\r\nGET\r\n$1\r\na\r\n*1\r\n+x\r\n", b"$-1\r\n-ERR Protocol error: expected '$', got '+'\r\n"),
]


@pytest.mark.parametrize("payload,expected", PROTOCOL_ERRORS, ids=[repr(p[0])[:40] for p in PROTOCOL_ERRORS])
def test_protocol_error_closes_only_that_connection(server, bystander, payload, expected):
    c = server.raw()
    c.send(payload)
    data, closed = c.read_raw(timeout=3.0)
    assert data == expected
    assert closed, "the server must close the connection after a protocol error"
    check_bystander(server, bystander)


def test_incomplete_frames_do_not_stall_others(server, bystander):
    """Connections that announce bulks which never fully arrive must not stall
    other clients."""
    conns = []
    for i in range(10):
        c = server.raw()
        c.send(b"*2\r\n$3\r\nSET\r\n$1000000\r\nabc" if i % 2 else b"*3\r\n$3\r\nSET\r\n$1\r\nk")
        conns.append(c)
    check_bystander(server, bystander)
    for c in conns:
        c.close()
    check_bystander(server, bystander)


def test_empty_and_null_multibulk_are_ignored(server, bystander):
    c = server.raw()
    c.send(b"*0\r\n*-1\r\n\r\n\r\nPING\r\n")
    assert c.read_reply() == "PONG"
    check_bystander(server, bystander)


def test_unknown_command(server, bystander, raw):
    c = raw()
    assert c.command("FOOBAR") == "ERR unknown command 'FOOBAR', with args beginning with: "
    assert c.command("foobar", "a", "b") == "ERR unknown command 'foobar', with args beginning with: 'a' 'b' "
    # inline form
    c.send(b"NOPE x\r\n")
    assert c.read_reply() == "ERR unknown command 'NOPE', with args beginning with: 'x' "
    # the connection stays open and usable
    assert c.command("PING") == "PONG"
    check_bystander(server, bystander)


def test_wrong_arity(server, bystander, raw):
    c = raw()
    assert c.command("GET") == "ERR wrong number of arguments for 'get' command"
    assert c.command("GET", "a", "b") == "ERR wrong number of arguments for 'get' command"
    assert c.command("SET", "a") == "ERR wrong number of arguments for 'set' command"
    assert c.command("INCR") == "ERR wrong number of arguments for 'incr' command"
    assert c.command("EXPIRE", "a") == "ERR wrong number of arguments for 'expire' command"
    assert c.command("DEL") == "ERR wrong number of arguments for 'del' command"
    c.send(b"get\r\n")
    assert c.read_reply() == "ERR wrong number of arguments for 'get' command"
    assert c.command("PING") == "PONG"
    check_bystander(server, bystander)


def test_wrong_argument_types(server, bystander, raw):
    c = raw()
    c.command("SET", "s", "hello")
    assert c.command("INCR", "s") == "ERR value is not an integer or out of range"
    assert c.command("INCRBY", "n", "1.5") == "ERR value is not an integer or out of range"
    assert c.command("EXPIRE", "s", "soon") == "ERR value is not an integer or out of range"
    assert c.command("SET", "s", "v", "PX", "-1") == "ERR invalid expire time in 'set' command"
    assert c.command("SET", "s", "v", "BOGUS") == "ERR syntax error"
    assert c.command("GET", "s") == "hello"
    check_bystander(server, bystander)


def test_wrongtype(server, bystander, raw):
    c = raw()
    probe = c.command("LPUSH", "l", "x")
    if isinstance(probe, str) and probe.startswith("ERR unknown command"):
        pytest.skip("no non-string type exists yet (lists come in a later issue): WRONGTYPE can't be produced")
    wt = "WRONGTYPE Operation against a key holding the wrong kind of value"
    assert c.command("GET", "l") == wt
    assert c.command("INCR", "l") == wt
    assert c.command("TYPE", "l") == "list"
    check_bystander(server, bystander)


def test_bad_input_flood_does_not_disturb_a_busy_client(server, bystander):
    """A client pipelining normal traffic while others send garbage."""
    busy = server.client()
    for i in range(20):
        bad = server.raw()
        bad.send(PROTOCOL_ERRORS[i % len(PROTOCOL_ERRORS)][0])
        p = busy.pipeline(transaction=False)
        for j in range(50):
            p.incr("busy")
        assert p.execute()[-1] == (i + 1) * 50
        bad.read_raw(timeout=1.0)
        bad.close()
    check_bystander(server, bystander)
