"""Set commands: the redis.io walkthroughs for SADD, SMEMBERS, SDIFF, SINTER,
SUNION, SREM, SPOP and SRANDMEMBER, the STORE forms, SMOVE, SINTERCARD and
SSCAN, with the replies real Redis gives (redis-py turns set replies into
Python sets)."""

import pytest
import redis


def test_sadd_smembers_walkthrough(r):
    assert r.sadd("myset", "Hello") == 1
    assert r.sadd("myset", "World") == 1
    assert r.sadd("myset", "World") == 0
    assert r.smembers("myset") == {"Hello", "World"}
    assert r.scard("myset") == 2
    assert r.sismember("myset", "Hello") == 1
    assert r.sismember("myset", "nope") == 0
    assert r.smismember("myset", ["Hello", "nope"]) == [1, 0]
    assert r.type("myset") == "set"


def test_sdiff_sinter_sunion_walkthrough(r):
    r.sadd("key1", "a", "b", "c")
    r.sadd("key2", "c", "d", "e")
    assert r.sdiff("key1", "key2") == {"a", "b"}
    assert r.sinter("key1", "key2") == {"c"}
    assert r.sunion("key1", "key2") == {"a", "b", "c", "d", "e"}
    assert r.sintercard(2, ["key1", "key2"]) == 1
    assert r.sintercard(1, ["key1"], limit=2) == 2
    # A missing key is an empty set.
    assert r.sinter("key1", "missing") == set()
    assert r.sdiff("key1", "missing") == {"a", "b", "c"}
    assert r.sunion("missing", "key2") == {"c", "d", "e"}


def test_store_forms(r):
    r.sadd("key1", "a", "b", "c")
    r.sadd("key2", "c", "d", "e")
    assert r.sdiffstore("key", ["key1", "key2"]) == 2
    assert r.smembers("key") == {"a", "b"}
    assert r.sinterstore("key", ["key1", "key2"]) == 1
    assert r.smembers("key") == {"c"}
    assert r.sunionstore("key", ["key1", "key2"]) == 5
    assert r.smembers("key") == {"a", "b", "c", "d", "e"}
    # An empty result deletes the destination.
    assert r.sinterstore("key", ["key1", "missing"]) == 0
    assert r.exists("key") == 0


def test_srem_walkthrough(r):
    r.sadd("myset", "one", "two", "three")
    assert r.srem("myset", "one") == 1
    assert r.srem("myset", "four") == 0
    assert r.smembers("myset") == {"two", "three"}
    # The key goes away with its last member.
    assert r.srem("myset", "two", "three") == 2
    assert r.exists("myset") == 0


def test_spop_walkthrough(r):
    r.sadd("myset", "one", "two", "three")
    popped = r.spop("myset")
    assert popped in {"one", "two", "three"}
    assert r.smembers("myset") == {"one", "two", "three"} - {popped}
    r.sadd("myset", "four", "five")
    three = r.spop("myset", 3)
    assert len(three) == 3 and len(set(three)) == 3
    assert r.scard("myset") == 1
    assert r.spop("missing") is None
    assert r.spop("missing", 3) == []


def test_srandmember_walkthrough(r):
    r.sadd("myset", "one", "two", "three")
    assert r.srandmember("myset") in {"one", "two", "three"}
    two = r.srandmember("myset", 2)
    assert len(two) == 2 and set(two) <= {"one", "two", "three"} and len(set(two)) == 2
    five = r.srandmember("myset", -5)
    assert len(five) == 5 and set(five) <= {"one", "two", "three"}
    assert sorted(r.srandmember("myset", 10)) == ["one", "three", "two"]
    assert r.srandmember("myset", 0) == []
    assert r.scard("myset") == 3
    assert r.srandmember("missing") is None
    assert r.srandmember("missing", 2) == []


def test_smove_walkthrough(r):
    r.sadd("myset", "one", "two")
    r.sadd("myotherset", "three")
    assert r.smove("myset", "myotherset", "two") is True
    assert r.smembers("myset") == {"one"}
    assert r.smembers("myotherset") == {"two", "three"}
    assert r.smove("myset", "myotherset", "nope") is False
    assert r.smove("missing", "myotherset", "one") is False


def test_integer_sets_are_sorted(r, raw):
    # Small all-integer sets are intsets: Redis replies in ascending order.
    r.sadd("n", 3, 1, 2, -5, 100)
    assert raw().command("SMEMBERS", "n") == ["-5", "1", "2", "3", "100"]
    assert r.object("encoding", "n") == "intset"


def test_sscan_iterates_everything(r):
    members = {"m%d" % i for i in range(1000)}
    r.sadd("big", *members)
    assert set(r.sscan_iter("big", count=25)) == members
    assert set(r.sscan_iter("big", match="m99*")) == {"m99"} | {"m99%d" % i for i in range(10)}
    cursor, first = r.sscan("missing", 0)
    assert cursor == 0 and first == []


def test_errors(r, raw):
    r.set("str", "x")
    r.sadd("s", "a")
    with pytest.raises(redis.exceptions.ResponseError, match="^WRONGTYPE"):
        r.sadd("str", "a")
    with pytest.raises(redis.exceptions.ResponseError, match="^WRONGTYPE"):
        r.sunion("missing", "str")
    c = raw()
    assert c.command("SPOP", "s", "-1") == "ERR value is out of range, must be positive"
    assert c.command("SRANDMEMBER", "s", "abc") == "ERR value is not an integer or out of range"
    assert c.command("SINTERCARD", "0", "s") == "ERR numkeys should be greater than 0"
    assert c.command("SINTERCARD", "3", "s") == "ERR Number of keys can't be greater than number of args"
    assert c.command("SINTERCARD", "1", "s", "LIMIT", "-1") == "ERR LIMIT can't be negative"
    assert c.command("SSCAN", "s", "x") == "ERR invalid cursor"
    assert c.command("SSCAN", "s", "0", "COUNT", "0") == "ERR syntax error"
    assert c.command("SADD", "s") == "ERR wrong number of arguments for 'sadd' command"
