"""Hash commands: the redis.io walkthroughs for HSET, HGET, HGETALL, HMGET and
HINCRBY counters, with the replies real Redis gives; then hash field expiry
(Redis 7.4+ HEXPIRE/HTTL/HPERSIST and the Redis 8 HGETEX/HSETEX/HGETDEL),
including the key going away with its last field."""

import time

import pytest
import redis


def _field_ttl_supported(r):
    try:
        r.execute_command("HTTL", "__probe__", "FIELDS", "1", "f")
        return True
    except redis.ResponseError:
        return False


@pytest.fixture
def rf(r):
    """A client on a server that has hash field expiration (skips on Redis < 7.4)."""
    if not _field_ttl_supported(r):
        pytest.skip("hash field expiration needs Redis 7.4+")
    return r


def test_hset_hget_walkthrough(r):
    assert r.hset("myhash", "field1", "Hello") == 1
    assert r.hget("myhash", "field1") == "Hello"
    assert r.hget("myhash", "nofield") is None
    assert r.hset("myhash", mapping={"field2": "Hi", "field3": "World"}) == 2
    assert r.hget("myhash", "field2") == "Hi"
    assert r.hget("myhash", "field3") == "World"
    assert r.hgetall("myhash") == {"field1": "Hello", "field2": "Hi", "field3": "World"}
    # Overwriting an existing field does not count as added.
    assert r.hset("myhash", "field1", "Bonjour") == 0
    assert r.hget("myhash", "field1") == "Bonjour"


def test_bike_walkthrough(r):
    res = r.hset("bike:1", mapping={"model": "Deimos", "brand": "Ergonom", "type": "Enduro bikes", "price": 4972})
    assert res == 4
    assert r.hget("bike:1", "model") == "Deimos"
    assert r.hget("bike:1", "price") == "4972"
    assert r.hgetall("bike:1") == {"model": "Deimos", "brand": "Ergonom", "type": "Enduro bikes", "price": "4972"}
    assert r.hmget("bike:1", ["model", "price"]) == ["Deimos", "4972"]
    assert r.hmget("bike:1", ["model", "no-such-field"]) == ["Deimos", None]
    assert r.hincrby("bike:1", "price", 100) == 5072
    assert r.hincrby("bike:1", "price", -100) == 4972


def test_hincrby_counters(r):
    assert r.hincrby("bike:1:stats", "rides", 1) == 1
    assert r.hincrby("bike:1:stats", "rides", 1) == 2
    assert r.hincrby("bike:1:stats", "rides", 1) == 3
    assert r.hincrby("bike:1:stats", "crashes", 1) == 1
    assert r.hincrby("bike:1:stats", "owners", 1) == 1
    assert r.hget("bike:1:stats", "rides") == "3"
    assert r.hmget("bike:1:stats", ["owners", "crashes"]) == ["1", "1"]

    r.hset("myhash", "field", 5)
    assert r.hincrby("myhash", "field", 1) == 6
    assert r.hincrby("myhash", "field", -1) == 5
    assert r.hincrby("myhash", "field", -10) == -5
    assert r.hincrbyfloat("mykey", "field", 10.5) == 10.5
    assert r.hincrbyfloat("mykey", "field", 0.1) == 10.6


def test_hash_errors(r):
    r.set("str", "x")
    with pytest.raises(redis.ResponseError, match="^WRONGTYPE Operation against a key holding the wrong kind of value$"):
        r.hset("str", "f", "v")
    with pytest.raises(redis.ResponseError, match="^WRONGTYPE"):
        r.hgetall("str")
    r.hset("h", mapping={"s": "abc"})
    with pytest.raises(redis.ResponseError, match="^hash value is not an integer$"):
        r.hincrby("h", "s", 1)
    with pytest.raises(redis.ResponseError, match="^hash value is not a float$"):
        r.hincrbyfloat("h", "s", 1)
    with pytest.raises(redis.ResponseError, match="^value is not an integer or out of range$"):
        r.execute_command("HINCRBY", "h", "n", "1.5")
    r.hset("h", "big", 2**63 - 1)
    with pytest.raises(redis.ResponseError, match="^increment or decrement would overflow$"):
        r.hincrby("h", "big", 1)
    with pytest.raises(redis.ResponseError, match="^wrong number of arguments for 'hset' command$"):
        r.execute_command("HSET", "h", "a", "1", "b")


def test_hash_is_created_and_removed_automatically(r):
    assert r.exists("h") == 0
    assert r.hlen("h") == 0
    assert r.hgetall("h") == {}
    r.hset("h", mapping={"a": 1, "b": 2})
    assert r.type("h") == "hash"
    assert r.hkeys("h") == ["a", "b"]
    assert r.hvals("h") == ["1", "2"]
    assert r.hdel("h", "a", "nofield") == 1
    assert r.hdel("h", "b") == 1
    assert r.exists("h") == 0


def test_hrandfield_and_hscan(r):
    r.hset("coin", mapping={"heads": "obverse", "tails": "reverse", "edge": "null"})
    assert r.hrandfield("coin") in ("heads", "tails", "edge")
    assert sorted(r.hrandfield("coin", -5)) != [] and len(r.hrandfield("coin", -5)) == 5
    assert sorted(r.hrandfield("coin", 5)) == ["edge", "heads", "tails"]
    assert len(r.hrandfield("coin", 2)) == 2
    pairs = r.hrandfield("coin", 3, withvalues=True)
    assert dict(zip(pairs[::2], pairs[1::2])) == {"heads": "obverse", "tails": "reverse", "edge": "null"}
    assert r.hscan("coin", 0) == (0, {"heads": "obverse", "tails": "reverse", "edge": "null"})
    assert r.hscan("coin", 0, match="h*") == (0, {"heads": "obverse"})
    assert dict(r.hscan_iter("coin")) == {"heads": "obverse", "tails": "reverse", "edge": "null"}


# ---- hash field expiry -------------------------------------------------------------


def test_hexpire_walkthrough(rf):
    r = rf
    assert r.hset("myhash", mapping={"f1": "v1", "f2": "v2", "f3": "v3"}) == 3
    assert r.execute_command("HEXPIRE", "myhash", 10, "FIELDS", 2, "f2", "f3") == [1, 1]
    assert r.execute_command("HTTL", "myhash", "FIELDS", 3, "f1", "f2", "f3") == [-1, 10, 10]
    assert r.execute_command("HTTL", "myhash", "FIELDS", 1, "nofield") == [-2]
    assert r.execute_command("HEXPIRE", "myhash", 20, "NX", "FIELDS", 2, "f1", "f2") == [1, 0]
    assert r.execute_command("HEXPIRE", "myhash", 5, "GT", "FIELDS", 1, "f2") == [0]
    assert r.execute_command("HEXPIRE", "myhash", 5, "LT", "FIELDS", 1, "f2") == [1]
    assert r.execute_command("HPERSIST", "myhash", "FIELDS", 3, "f1", "f2", "nofield") == [1, 1, -2]
    assert r.execute_command("HTTL", "myhash", "FIELDS", 2, "f1", "f2") == [-1, -1]
    # A time in the past deletes the field at once.
    assert r.execute_command("HEXPIRE", "myhash", 0, "FIELDS", 1, "f1") == [2]
    assert r.hgetall("myhash") == {"f2": "v2", "f3": "v3"}
    with pytest.raises(redis.ResponseError, match="^The `numfields` parameter must match the number of arguments$"):
        r.execute_command("HEXPIRE", "myhash", 10, "FIELDS", 2, "f2")
    with pytest.raises(redis.ResponseError, match="^Mandatory argument FIELDS is missing or not at the right position$"):
        r.execute_command("HTTL", "myhash", "FIELD", 1, "f2")


def test_expired_fields_disappear_and_the_key_with_the_last_one(rf):
    r = rf
    r.hset("session", mapping={"user": "alice", "token": "t0k3n", "cart": "3"})
    assert r.execute_command("HPEXPIRE", "session", 100, "FIELDS", 1, "token") == [1]
    time.sleep(0.2)
    assert r.hget("session", "token") is None
    assert r.hgetall("session") == {"user": "alice", "cart": "3"}
    assert r.hlen("session") == 2
    # The last fields expiring take the key with them, without any access.
    assert r.execute_command("HPEXPIRE", "session", 100, "FIELDS", 2, "user", "cart") == [1, 1]
    deadline = time.monotonic() + 5
    while r.exists("session") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert r.exists("session") == 0
    assert r.execute_command("HTTL", "session", "FIELDS", 1, "user") == [-2]


def test_hgetex_hsetex_hgetdel(rf):
    r = rf
    try:
        r.execute_command("HGETDEL", "__probe__", "FIELDS", "1", "f")
    except redis.ResponseError:
        pytest.skip("HGETDEL/HGETEX/HSETEX need Redis 8")
    assert r.execute_command("HSETEX", "mykey", "EX", 60, "FIELDS", 2, "field1", "Hello", "field2", "World") == 1
    assert r.execute_command("HTTL", "mykey", "FIELDS", 2, "field1", "field2") == [60, 60]
    assert r.execute_command("HSETEX", "mykey", "FNX", "EX", 60, "FIELDS", 1, "field1", "x") == 0
    assert r.execute_command("HGETEX", "mykey", "PERSIST", "FIELDS", 1, "field1") == ["Hello"]
    assert r.execute_command("HTTL", "mykey", "FIELDS", 2, "field1", "field2") == [-1, 60]
    assert r.execute_command("HGETEX", "mykey", "PX", 100, "FIELDS", 1, "field1") == ["Hello"]
    time.sleep(0.2)
    assert r.execute_command("HGETDEL", "mykey", "FIELDS", 2, "field1", "field2") == [None, "World"]
    assert r.exists("mykey") == 0
