"""List commands: the redis.io walkthroughs for lists used as a queue and as a
stack, LMOVE, LRANGE with negative indexes, LTRIM capped lists, automatic
creation and removal of keys, LPOS, LINSERT, LREM, LSET, LMPOP and the error
replies, with the replies real Redis gives. (The blocking commands have their
own walkthroughs.)"""

import pytest
import redis


def test_lpush_lrange_walkthrough(r):
    assert r.lpush("mylist", "world") == 1
    assert r.lpush("mylist", "hello") == 2
    assert r.lrange("mylist", 0, -1) == ["hello", "world"]
    assert r.rpush("mylist", "one", "two") == 4
    assert r.lrange("mylist", 0, -1) == ["hello", "world", "one", "two"]
    assert r.llen("mylist") == 4
    assert r.type("mylist") == "list"


def test_list_as_queue(r):
    for job in ("job:1", "job:2", "job:3"):
        r.rpush("queue", job)
    assert r.lpop("queue") == "job:1"
    assert r.lpop("queue") == "job:2"
    assert r.llen("queue") == 1
    assert r.lpop("queue") == "job:3"
    assert r.lpop("queue") is None
    assert r.exists("queue") == 0


def test_list_as_stack(r):
    r.lpush("stack", "a")
    r.lpush("stack", "b")
    r.lpush("stack", "c")
    assert r.lpop("stack") == "c"
    assert r.lpop("stack") == "b"
    assert r.lpop("stack") == "a"
    assert r.lpop("stack") is None


def test_pop_with_count(r):
    r.rpush("mylist", "one", "two", "three", "four", "five")
    assert r.lpop("mylist") == "one"
    assert r.lpop("mylist", 2) == ["two", "three"]
    assert r.rpop("mylist", 1) == ["five"]
    assert r.lrange("mylist", 0, -1) == ["four"]
    assert r.rpop("mylist", 0) == []
    assert r.rpop("mylist", 10) == ["four"]
    assert r.exists("mylist") == 0
    assert r.lpop("mylist", 3) is None
    assert r.rpop("mylist") is None


def test_lrange_negative_indexes(r):
    r.rpush("mylist", "one", "two", "three")
    assert r.lrange("mylist", 0, 0) == ["one"]
    assert r.lrange("mylist", -3, 2) == ["one", "two", "three"]
    assert r.lrange("mylist", -100, 100) == ["one", "two", "three"]
    assert r.lrange("mylist", 5, 10) == []
    assert r.lrange("mylist", -1, -1) == ["three"]
    assert r.lrange("mylist", -2, -3) == []
    assert r.lindex("mylist", -1) == "three"
    assert r.lindex("mylist", 3) is None


def test_ltrim_capped_list(r):
    for i in range(10):
        r.lpush("latest", "item%d" % i)
        r.ltrim("latest", 0, 2)
    assert r.lrange("latest", 0, -1) == ["item9", "item8", "item7"]
    r.rpush("mylist", "one", "two", "three")
    assert r.ltrim("mylist", 1, -1) is True
    assert r.lrange("mylist", 0, -1) == ["two", "three"]
    assert r.ltrim("mylist", 5, 10) is True
    assert r.exists("mylist") == 0


def test_lmove_walkthrough(r):
    r.rpush("mylist", "one", "two", "three")
    assert r.lmove("mylist", "myotherlist", "RIGHT", "LEFT") == "three"
    assert r.lmove("mylist", "myotherlist", "LEFT", "RIGHT") == "one"
    assert r.lrange("mylist", 0, -1) == ["two"]
    assert r.lrange("myotherlist", 0, -1) == ["three", "one"]
    # Circular list: source and destination are the same.
    assert r.lmove("myotherlist", "myotherlist", "LEFT", "RIGHT") == "three"
    assert r.lrange("myotherlist", 0, -1) == ["one", "three"]
    assert r.rpoplpush("mylist", "myotherlist") == "two"
    assert r.exists("mylist") == 0
    assert r.lrange("myotherlist", 0, -1) == ["two", "one", "three"]
    assert r.lmove("nolist", "myotherlist", "LEFT", "LEFT") is None


def test_automatic_creation_and_removal(r):
    assert r.exists("new") == 0
    assert r.lpush("new", 1, 2, 3) == 3
    assert r.exists("new") == 1
    r.lpop("new")
    r.lpop("new")
    r.lpop("new")
    assert r.exists("new") == 0
    # Empty key: reads act as an empty list, writes create it.
    assert r.llen("nokey") == 0
    assert r.lrange("nokey", 0, -1) == []
    assert r.lpushx("nokey", "a") == 0
    assert r.exists("nokey") == 0
    r.rpush("l", "a", "b", "a")
    assert r.lrem("l", 0, "a") == 2
    assert r.lrem("l", 0, "b") == 1
    assert r.exists("l") == 0


def test_lpos_linsert_lset_lrem(r):
    r.rpush("mylist", "a", "b", "c", "d", "1", "2", "3", "4", "3", "3", "3")
    assert r.lpos("mylist", "3") == 6
    assert r.lpos("mylist", "3", count=0, maxlen=None, rank=2) == [8, 9, 10]
    assert r.lpos("mylist", "3", rank=-1) == 10
    assert r.lpos("mylist", "3", count=2, rank=-1) == [10, 9]
    assert r.lpos("mylist", "3", maxlen=6) is None
    assert r.lpos("mylist", "zz") is None
    r.delete("mylist")
    r.rpush("mylist", "Hello", "World")
    assert r.linsert("mylist", "BEFORE", "World", "There") == 3
    assert r.linsert("mylist", "AFTER", "nope", "x") == -1
    assert r.lrange("mylist", 0, -1) == ["Hello", "There", "World"]
    assert r.lset("mylist", 0, "four") is True
    assert r.lset("mylist", -2, "five") is True
    assert r.lrange("mylist", 0, -1) == ["four", "five", "World"]
    r.rpush("rem", "hello", "hello", "foo", "hello")
    assert r.lrem("rem", -2, "hello") == 2
    assert r.lrange("rem", 0, -1) == ["hello", "foo"]


def test_lmpop(r):
    r.lpush("mylist", "one", "two", "three", "four", "five")
    assert r.lmpop(1, "mylist", direction="LEFT") == ["mylist", ["five"]]
    assert r.lmpop(1, "mylist", direction="RIGHT", count=10) == ["mylist", ["one", "two", "three", "four"]]
    assert r.lmpop(2, "mylist", "mylist2", direction="LEFT") is None
    r.rpush("mylist2", "a", "b")
    assert r.lmpop(2, "mylist", "mylist2", direction="LEFT", count=1) == ["mylist2", ["a"]]


def test_list_errors(r, raw):
    r.set("str", "x")
    r.rpush("l", "a")
    with pytest.raises(redis.ResponseError, match="^WRONGTYPE Operation against a key holding the wrong kind of value$"):
        r.lpush("str", "a")
    with pytest.raises(redis.ResponseError, match="^WRONGTYPE"):
        r.lrange("str", 0, -1)
    with pytest.raises(redis.ResponseError, match="^no such key$"):
        r.lset("nokey", 0, "x")
    with pytest.raises(redis.ResponseError, match="^index out of range$"):
        r.lset("l", 5, "x")
    c = raw()
    assert str(c.command("LPOP", "l", "-1")) == "ERR value is out of range, must be positive"
    assert str(c.command("LINSERT", "l", "MIDDLE", "a", "b")) == "ERR syntax error"
    assert str(c.command("LPOS", "l", "a", "RANK", "0")) == (
        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
        "or use negative to start from the end of the list"
    )
    assert str(c.command("LPOS", "l", "a", "COUNT", "-1")) == "ERR COUNT can't be negative"
    assert str(c.command("LPOS", "l", "a", "MAXLEN", "-1")) == "ERR MAXLEN can't be negative"
    assert str(c.command("LMPOP", "0", "l", "LEFT")) == "ERR numkeys should be greater than 0"
    assert str(c.command("LMPOP", "1", "l", "LEFT", "COUNT", "0")) == "ERR count should be greater than 0"
    assert str(c.command("LMOVE", "l", "x", "UP", "LEFT")) == "ERR syntax error"
    assert str(c.command("LRANGE", "l", "a", "1")) == "ERR value is not an integer or out of range"
    assert str(c.command("LPOP", "l", "1", "2")) == "ERR wrong number of arguments for 'lpop' command"
    # A failed command does not change the list.
    assert r.lrange("l", 0, -1) == ["a"]
