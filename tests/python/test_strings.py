"""String commands: the redis.io walkthroughs for SET, GET, SETNX-style SET NX/XX,
GETSET, MSET, MGET, INCR and INCRBY, with the replies real Redis gives."""

import pytest
import redis


def test_set_get_walkthrough(r):
    assert r.set("mykey", "Hello") is True
    assert r.get("mykey") == "Hello"
    assert r.set("anotherkey", "will expire in a minute", ex=60) is True
    assert 0 < r.ttl("anotherkey") <= 60


def test_get_missing_and_overwrite(r):
    assert r.get("nonexisting") is None
    r.set("mykey", "Hello")
    r.set("mykey", "World")
    assert r.get("mykey") == "World"


def test_set_nx_xx(r):
    # NX: only set if the key does not exist yet
    assert r.set("mykey", "Hello", nx=True) is True
    assert r.set("mykey", "World", nx=True) is None
    assert r.get("mykey") == "Hello"
    # XX: only set if the key already exists
    assert r.set("missing", "x", xx=True) is None
    assert r.exists("missing") == 0
    assert r.set("mykey", "World", xx=True) is True
    assert r.get("mykey") == "World"


def test_set_raw_replies(raw):
    c = raw()
    assert c.command("SET", "k", "v", "NX") == "OK"
    assert c.command("SET", "k", "v2", "NX") is None  # $-1
    assert c.command("SET", "k", "v3", "XX", "GET") == "v"
    assert c.command("GET", "k") == "v3"
    assert c.command("SET", "k", "v", "NX", "XX") == "ERR syntax error"
    assert c.command("SET", "k", "v", "EX", "0") == "ERR invalid expire time in 'set' command"
    assert c.command("SET", "k", "v", "EX", "abc") == "ERR value is not an integer or out of range"


def test_getset_walkthrough(r):
    assert r.incr("mycounter") == 1
    assert r.getset("mycounter", "0") == "1"
    assert r.get("mycounter") == "0"

    r.set("mykey", "Hello")
    assert r.getset("mykey", "World") == "Hello"
    assert r.get("mykey") == "World"
    assert r.getset("newkey", "v") is None
    assert r.get("newkey") == "v"


def test_getset_clears_ttl(r):
    r.set("k", "v", ex=100)
    assert r.getset("k", "w") == "v"
    assert r.ttl("k") == -1


def test_mset_mget_walkthrough(r):
    assert r.mset({"key1": "Hello", "key2": "World"}) is True
    assert r.get("key1") == "Hello"
    assert r.get("key2") == "World"
    assert r.mget("key1", "key2", "nonexisting") == ["Hello", "World", None]


def test_mset_wrong_arity(raw):
    c = raw()
    assert c.command("MSET", "a", "1", "b") == "ERR wrong number of arguments for 'mset' command"
    assert c.command("MGET") == "ERR wrong number of arguments for 'mget' command"
    assert c.command("EXISTS", "a") == 0


def test_incr_walkthrough(r):
    r.set("mykey", "10")
    assert r.incr("mykey") == 11
    assert r.get("mykey") == "11"
    assert r.incr("fresh") == 1


def test_incrby_walkthrough(r):
    r.set("mykey", "10")
    assert r.incrby("mykey", 5) == 15
    assert r.incrby("mykey", -20) == -5
    assert r.get("mykey") == "-5"


def test_incr_errors(raw):
    c = raw()
    c.command("SET", "s", "Hello")
    assert c.command("INCR", "s") == "ERR value is not an integer or out of range"
    c.command("SET", "sp", " 1")
    assert c.command("INCR", "sp") == "ERR value is not an integer or out of range"
    c.command("SET", "max", "9223372036854775807")
    assert c.command("INCR", "max") == "ERR increment or decrement would overflow"
    assert c.command("INCRBY", "max", "abc") == "ERR value is not an integer or out of range"
    assert c.command("GET", "max") == "9223372036854775807"
    assert c.command("INCRBY", "n", "-9223372036854775808") == -9223372036854775808
    assert c.command("DECR", "n") == "ERR increment or decrement would overflow"


def test_incr_error_via_redis_py(r):
    r.set("s", "Hello")
    with pytest.raises(redis.ResponseError, match="value is not an integer or out of range"):
        r.incr("s")
    assert r.get("s") == "Hello"


def test_binary_safe_and_large_values(server):
    c = server.client(decode_responses=False)
    c.flushall()
    blob = bytes(range(256)) * 4096  # 1 MiB with every byte value, CR and LF included
    assert c.set(b"bin\x00key\r\n", blob) is True
    assert c.get(b"bin\x00key\r\n") == blob
    assert c.strlen(b"bin\x00key\r\n") == len(blob)
