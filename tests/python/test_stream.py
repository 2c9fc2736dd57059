"""Stream walkthroughs with redis-py: XADD with explicit and auto IDs, XRANGE
pagination with COUNT and exclusive IDs, XREAD BLOCK on `$` woken by another
client, a consumer group with two consumers, XPENDING, XCLAIM, XAUTOCLAIM,
XINFO, several groups on one stream, and the error replies, with the replies
real Redis 7.x gives (GEARS_TEST_ADDR can point these at a real Redis)."""

import threading
import time

import pytest
import redis


def test_xadd_explicit_and_auto_ids(r):
    assert r.xadd("s", {"a": "1"}, id="1-1") == "1-1"
    assert r.xadd("s", {"b": "2"}, id="1-*") == "1-2"
    assert r.xadd("s", {"c": "3"}, id="2-*") == "2-0"
    auto = r.xadd("s", {"d": "4"})
    ms, seq = auto.split("-")
    assert int(ms) > 1_600_000_000_000 and seq == "0"
    assert r.xlen("s") == 4
    assert r.type("s") == "stream"
    with pytest.raises(redis.ResponseError, match="equal or smaller than the target stream top item"):
        r.xadd("s", {"x": "1"}, id="1-1")
    with pytest.raises(redis.ResponseError, match="must be greater than 0-0"):
        r.xadd("t", {"x": "1"}, id="0-0")
    assert r.xadd("nope", {"x": "1"}, nomkstream=True) is None
    assert r.exists("nope") == 0


def test_xrange_pagination_with_count_and_exclusive_ids(r):
    for i in range(1, 6):
        r.xadd("s", {"n": str(i)}, id=f"{i}-0")
    page = r.xrange("s", "-", "+", count=2)
    assert page == [("1-0", {"n": "1"}), ("2-0", {"n": "2"})]
    page = r.xrange("s", "(" + page[-1][0], "+", count=2)
    assert page == [("3-0", {"n": "3"}), ("4-0", {"n": "4"})]
    page = r.xrange("s", "(" + page[-1][0], "+", count=2)
    assert page == [("5-0", {"n": "5"})]
    assert r.xrange("s", "(5-0", "+", count=2) == []
    assert r.xrevrange("s", "+", "-", count=2) == [("5-0", {"n": "5"}), ("4-0", {"n": "4"})]
    assert r.xrevrange("s", "(4-0", "-", count=1) == [("3-0", {"n": "3"})]
    assert r.xrange("s", "2", "3") == [("2-0", {"n": "2"}), ("3-0", {"n": "3"})]
    assert r.xdel("s", "2-0", "9-9") == 1
    assert r.xtrim("s", maxlen=2, approximate=False) == 2
    assert r.xrange("s", "-", "+") == [("4-0", {"n": "4"}), ("5-0", {"n": "5"})]
    assert r.xtrim("s", minid="5", approximate=False) == 1
    assert r.xlen("s") == 1


def test_xread_block_on_dollar_woken_by_another_client(r, new_client):
    r.xadd("s", {"a": "1"}, id="1-0")
    other = new_client()
    result = {}

    def reader():
        result["reply"] = other.xread({"s": "$"}, block=5000)

    t = threading.Thread(target=reader)
    t.start()
    time.sleep(0.2)
    r.xadd("s", {"b": "2"}, id="2-0")
    t.join(5)
    assert result["reply"] == [["s", [("2-0", {"b": "2"})]]]
    start = time.time()
    assert r.xread({"s": "$"}, block=100) == []
    assert time.time() - start >= 0.09
    assert r.xread({"s": "0"}, count=1) == [["s", [("1-0", {"a": "1"})]]]


def test_consumer_group_with_two_consumers(r):
    for i in range(1, 5):
        r.xadd("s", {"n": str(i)}, id=f"{i}-0")
    assert r.xgroup_create("s", "g", id="0") is True
    with pytest.raises(redis.ResponseError, match="BUSYGROUP"):
        r.xgroup_create("s", "g", id="0")
    a = r.xreadgroup("g", "alice", {"s": ">"}, count=1)
    assert a == [["s", [("1-0", {"n": "1"})]]]
    b = r.xreadgroup("g", "bob", {"s": ">"}, count=2)
    assert b == [["s", [("2-0", {"n": "2"}), ("3-0", {"n": "3"})]]]
    summary = r.xpending("s", "g")
    assert summary["pending"] == 3
    assert summary["min"] == "1-0" and summary["max"] == "3-0"
    assert summary["consumers"] == [{"name": "alice", "pending": 1}, {"name": "bob", "pending": 2}]
    assert r.xack("s", "g", "1-0") == 1
    assert r.xack("s", "g", "1-0") == 0
    detail = r.xpending_range("s", "g", "-", "+", 10, consumername="bob")
    assert [d["message_id"] for d in detail] == ["2-0", "3-0"]
    assert all(d["times_delivered"] == 1 for d in detail)
    # Bob's history
    assert r.xreadgroup("g", "bob", {"s": "0"}) == [["s", [("2-0", {"n": "2"}), ("3-0", {"n": "3"})]]]
    with pytest.raises(redis.ResponseError, match="NOGROUP"):
        r.xreadgroup("nogroup", "x", {"s": ">"})


def test_xclaim_and_xautoclaim(r):
    for i in range(1, 5):
        r.xadd("s", {"n": str(i)}, id=f"{i}-0")
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "c1", {"s": ">"})
    claimed = r.xclaim("s", "g", "c2", 0, ["1-0", "2-0"])
    assert claimed == [("1-0", {"n": "1"}), ("2-0", {"n": "2"})]
    assert r.xclaim("s", "g", "c2", 0, ["3-0"], justid=True) == ["3-0"]
    assert r.xclaim("s", "g", "c2", 10_000_000, ["1-0"]) == []
    detail = r.xpending_range("s", "g", "-", "+", 10)
    assert [(d["message_id"], d["consumer"], d["times_delivered"]) for d in detail] == [
        ("1-0", "c2", 2),
        ("2-0", "c2", 2),
        ("3-0", "c2", 1),
        ("4-0", "c1", 1),
    ]
    r.xdel("s", "2-0")
    nxt, msgs, deleted = r.xautoclaim("s", "g", "c3", 0, "0-0", count=2)
    assert nxt == "3-0"
    assert msgs == [("1-0", {"n": "1"})]
    assert deleted == ["2-0"]
    # With JUSTID redis-py keeps only the claimed IDs.
    assert r.xautoclaim("s", "g", "c3", 0, nxt, justid=True) == ["3-0", "4-0"]
    assert r.xpending("s", "g")["consumers"] == [{"name": "c3", "pending": 3}]


def test_xinfo_and_multiple_groups_on_one_stream(r):
    r.xadd("s", {"a": "1"}, id="1-1")
    r.xadd("s", {"b": "2"}, id="1-2")
    r.xadd("s", {"c": "3"}, id="1-3")
    r.xgroup_create("s", "g1", id="0")
    r.xgroup_create("s", "g2", id="$")
    r.xreadgroup("g1", "c1", {"s": ">"}, count=2)
    info = r.xinfo_stream("s")
    assert info["length"] == 3
    assert info["last-generated-id"] == "1-3"
    assert info["entries-added"] == 3
    assert info["groups"] == 2
    assert info["first-entry"] == ("1-1", {"a": "1"})
    assert info["last-entry"] == ("1-3", {"c": "3"})
    groups = r.xinfo_groups("s")
    assert [(g["name"], g["consumers"], g["pending"], g["last-delivered-id"], g["lag"]) for g in groups] == [
        ("g1", 1, 2, "1-2", 1),
        ("g2", 0, 0, "1-3", 0),
    ]
    consumers = r.xinfo_consumers("s", "g1")
    assert [(c["name"], c["pending"]) for c in consumers] == [("c1", 2)]
    # Each group has its own view of the stream.
    assert r.xreadgroup("g2", "x", {"s": ">"}) == []
    r.xadd("s", {"d": "4"}, id="2-0")
    assert r.xreadgroup("g2", "x", {"s": ">"}) == [["s", [("2-0", {"d": "4"})]]]
    assert r.xreadgroup("g1", "c1", {"s": ">"}) == [["s", [("1-3", {"c": "3"}), ("2-0", {"d": "4"})]]]
    assert r.xgroup_delconsumer("s", "g1", "c1") == 4
    assert r.xgroup_destroy("s", "g2") == 1
    assert [g["name"] for g in r.xinfo_groups("s")] == ["g1"]


def test_stream_errors(r):
    r.set("str", "x")
    r.xadd("s", {"a": "1"}, id="1-1")
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        r.xadd("str", {"a": "1"})
    with pytest.raises(redis.ResponseError, match="^Invalid stream ID specified as stream command argument$"):
        r.xrange("s", "abc", "+")
    with pytest.raises(redis.ResponseError, match="^invalid end ID for the interval$"):
        r.xrange("s", "-", "(0-0")
    with pytest.raises(redis.ResponseError, match="^timeout is not an integer or out of range$"):
        r.execute_command("XREAD", "BLOCK", "x", "STREAMS", "s", "0")
    with pytest.raises(redis.ResponseError, match="requires the key to exist"):
        r.xgroup_create("nokey", "g", id="$")
    with pytest.raises(redis.ResponseError, match="^NOGROUP No such key 's' or consumer group 'g'"):
        r.xpending("s", "g")
    with pytest.raises(redis.ResponseError, match="^no such key$"):
        r.xinfo_stream("nokey")
