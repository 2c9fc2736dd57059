"""SORT and SORT_RO: the redis.io walkthroughs (numeric and ALPHA sorts, LIMIT,
BY weights in string keys and hash fields, GET patterns with `#`, STORE),
sorting sets and sorted sets, `BY nosort`, and the error replies, with the
replies real Redis gives."""

import pytest
import redis


def test_sort_numbers_and_strings(r):
    r.rpush("mylist", 3, 1, 2, 10)
    assert r.sort("mylist") == ["1", "2", "3", "10"]
    assert r.sort("mylist", desc=True) == ["10", "3", "2", "1"]
    assert r.sort("mylist", alpha=True) == ["1", "10", "2", "3"]
    assert r.sort_ro("mylist", desc=True) == ["10", "3", "2", "1"]
    # The source list is untouched.
    assert r.lrange("mylist", 0, -1) == ["3", "1", "2", "10"]
    r.rpush("words", "banana", "apple", "cherry")
    assert r.sort("words", alpha=True) == ["apple", "banana", "cherry"]
    assert r.sort("words", alpha=True, desc=True) == ["cherry", "banana", "apple"]
    with pytest.raises(redis.ResponseError, match="^One or more scores can't be converted into double$"):
        r.sort("words")


def test_sort_limit(r):
    r.rpush("mylist", *range(10, 0, -1))
    assert r.sort("mylist", start=0, num=3) == ["1", "2", "3"]
    assert r.sort("mylist", start=5, num=10) == ["6", "7", "8", "9", "10"]
    assert r.sort("mylist", start=2, num=3, desc=True) == ["8", "7", "6"]
    assert r.sort("mylist", start=20, num=5) == []
    assert r.sort("mylist", start=-5, num=2) == ["1", "2"]
    assert r.sort("mylist", start=8, num=-1) == ["9", "10"]


def test_sort_by_external_weights_and_get(r):
    # The redis.io example: user ids, with weights and names in other keys.
    r.rpush("uid", 1, 2, 3, 4)
    r.mset({"user_level_1": 9999, "user_level_2": 10, "user_level_3": 25, "user_level_4": 70})
    r.mset({"user_name_1": "admin", "user_name_2": "jack", "user_name_3": "peter", "user_name_4": "mary"})
    assert r.sort("uid", by="user_level_*") == ["2", "3", "4", "1"]
    assert r.sort("uid", by="user_level_*", desc=True) == ["1", "4", "3", "2"]
    assert r.sort("uid", get="user_name_*") == ["admin", "jack", "peter", "mary"]
    assert r.sort("uid", by="user_level_*", get=["#", "user_level_*", "user_name_*"]) == [
        "2", "10", "jack",
        "3", "25", "peter",
        "4", "70", "mary",
        "1", "9999", "admin",
    ]
    assert r.sort("uid", by="user_level_*", get="user_name_*", start=0, num=2, desc=True) == ["admin", "mary"]
    # A missing GET key is a null.
    r.delete("user_name_3")
    assert r.sort("uid", get="user_name_*") == ["admin", "jack", None, "mary"]


def test_sort_by_hash_fields(r):
    r.rpush("uid", 1, 2, 3)
    r.hset("user_info_1", mapping={"name": "admin", "level": 9999})
    r.hset("user_info_2", mapping={"name": "jack", "level": 10})
    r.hset("user_info_3", mapping={"name": "peter", "level": 25})
    assert r.sort("uid", by="user_info_*->level") == ["2", "3", "1"]
    assert r.sort("uid", by="user_info_*->level", get="user_info_*->name") == ["jack", "peter", "admin"]
    assert r.sort("uid", by="user_info_*->name", alpha=True, get="#") == ["1", "2", "3"]
    assert r.sort("uid", by="user_info_*->level", get="user_info_*->missing") == [None, None, None]


def test_sort_by_nosort_keeps_native_order(r):
    r.rpush("mylist", "c", "a", "b")
    assert r.sort("mylist", by="nosort") == ["c", "a", "b"]
    assert r.sort("mylist", by="nosort", desc=True) == ["b", "a", "c"]
    assert r.sort("mylist", by="nosort", start=1, num=1) == ["a"]
    r.zadd("board", {"alice": 30, "bob": 10, "carol": 20})
    assert r.sort("board", by="nosort") == ["bob", "carol", "alice"]
    assert r.sort("board", by="nosort", desc=True, start=0, num=2) == ["alice", "carol"]
    assert r.sort("board", alpha=True) == ["alice", "bob", "carol"]


def test_sort_sets(r):
    r.sadd("nums", 5, 3, 10, 1)
    assert r.sort("nums") == ["1", "3", "5", "10"]
    assert r.sort("nums", alpha=True) == ["1", "10", "3", "5"]
    assert r.sort("nums", desc=True, start=0, num=2) == ["10", "5"]
    # BY nosort with STORE sorts the set ALPHA, so the stored list is deterministic.
    assert r.sort("nums", by="nosort", store="out") == 4
    assert r.lrange("out", 0, -1) == ["1", "10", "3", "5"]


def test_sort_store(r):
    r.rpush("mylist", 3, 1, 2)
    assert r.sort("mylist", store="sorted") == 3
    assert r.type("sorted") == "list"
    assert r.lrange("sorted", 0, -1) == ["1", "2", "3"]
    # The destination is replaced whatever it held, and loses its TTL.
    r.set("dst", "string")
    r.expire("dst", 100)
    assert r.sort("mylist", desc=True, store="dst") == 3
    assert r.ttl("dst") == -1
    assert r.lrange("dst", 0, -1) == ["3", "2", "1"]
    # Missing GET values are stored as empty strings.
    r.set("name_1", "one")
    assert r.sort("mylist", get="name_*", store="names") == 3
    assert r.lrange("names", 0, -1) == ["one", "", ""]
    # An empty result deletes the destination.
    assert r.sort("nosuchkey", store="dst") == 0
    assert r.exists("dst") == 0
    assert r.sort("mylist", start=10, num=5, store="sorted") == 0
    assert r.exists("sorted") == 0


def test_sort_errors(raw):
    c = raw()
    c.command("SET", "str", "x")
    c.command("HSET", "h", "f", "v")
    c.command("RPUSH", "l", "1", "2")
    wrongtype = "WRONGTYPE Operation against a key holding the wrong kind of value"
    assert c.command("SORT", "str") == wrongtype
    assert c.command("SORT", "h") == wrongtype
    assert c.command("SORT_RO", "str") == wrongtype
    assert c.command("SORT", "l", "FOO") == "ERR syntax error"
    assert c.command("SORT", "l", "LIMIT", "0") == "ERR syntax error"
    assert c.command("SORT", "l", "STORE") == "ERR syntax error"
    assert c.command("SORT_RO", "l", "STORE", "dst") == "ERR syntax error"
    assert c.command("SORT", "l", "LIMIT", "x", "1") == "ERR value is not an integer or out of range"
    # Options are checked before the key's type.
    assert c.command("SORT", "str", "FOO") == "ERR syntax error"
    assert c.command("SORT") == "ERR wrong number of arguments for 'sort' command"
    assert c.command("SORT_RO") == "ERR wrong number of arguments for 'sort_ro' command"
    assert c.command("SORT", "nosuchkey") == []
    assert c.command("COMMAND", "GETKEYS", "SORT", "l", "BY", "w_*", "STORE", "dst") == ["l", "dst"]
    assert c.command("COMMAND", "GETKEYS", "SORT_RO", "l", "GET", "x_*") == ["l"]
