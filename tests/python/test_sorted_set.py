"""Sorted set commands: the redis.io walkthroughs for ZADD, ZRANGE, ZREVRANGE
WITHSCORES, ZRANGEBYSCORE, ZREMRANGEBYSCORE, ZRANK, ZREVRANK and the
lexicographic ranges, plus ZINCRBY counters, leaderboards with ZUNIONSTORE,
pops, and the error replies real Redis gives (NaN/inf included)."""

import pytest
import redis


def test_racer_scores_walkthrough(r):
    assert r.zadd("racer_scores", {"Norem": 10}) == 1
    assert r.zadd("racer_scores", {"Castilla": 12}) == 1
    assert r.zadd("racer_scores", {"Sam-Bodden": 8, "Royce": 10, "Ford": 6, "Prickett": 14}) == 4
    assert r.zrange("racer_scores", 0, -1) == ["Ford", "Sam-Bodden", "Norem", "Royce", "Castilla", "Prickett"]
    assert r.zrevrange("racer_scores", 0, -1) == ["Prickett", "Castilla", "Royce", "Norem", "Sam-Bodden", "Ford"]
    assert r.zrange("racer_scores", 0, -1, withscores=True) == [
        ("Ford", 6.0), ("Sam-Bodden", 8.0), ("Norem", 10.0),
        ("Royce", 10.0), ("Castilla", 12.0), ("Prickett", 14.0),
    ]
    assert r.zrevrange("racer_scores", 0, 1, withscores=True) == [("Prickett", 14.0), ("Castilla", 12.0)]
    assert r.zrangebyscore("racer_scores", "-inf", 10) == ["Ford", "Sam-Bodden", "Norem", "Royce"]
    assert r.zremrangebyscore("racer_scores", 7, 9) == 1
    assert r.zrange("racer_scores", 0, -1) == ["Ford", "Norem", "Royce", "Castilla", "Prickett"]
    assert r.zrank("racer_scores", "Norem") == 1
    assert r.zrevrank("racer_scores", "Norem") == 3
    assert r.zrank("racer_scores", "Nobody") is None
    assert r.zscore("racer_scores", "Prickett") == 14.0
    assert r.zcard("racer_scores") == 5


def test_lexicographic_ranges_walkthrough(r):
    names = ["Norem", "Sam-Bodden", "Royce", "Castilla", "Prickett", "Ford"]
    assert r.zadd("racer_scores", {n: 0 for n in names}) == 6
    assert r.zrange("racer_scores", 0, -1) == ["Castilla", "Ford", "Norem", "Prickett", "Royce", "Sam-Bodden"]
    assert r.zrangebylex("racer_scores", "[A", "[L") == ["Castilla", "Ford"]
    assert r.zrangebylex("racer_scores", "(Ford", "+") == ["Norem", "Prickett", "Royce", "Sam-Bodden"]
    assert r.zrevrangebylex("racer_scores", "[R", "-") == ["Prickett", "Norem", "Ford", "Castilla"]
    assert r.zrangebylex("racer_scores", "-", "+", start=1, num=2) == ["Ford", "Norem"]
    assert r.zlexcount("racer_scores", "[B", "[F") == 1
    assert r.zremrangebylex("racer_scores", "[A", "(N") == 2
    assert r.zrange("racer_scores", 0, -1) == ["Norem", "Prickett", "Royce", "Sam-Bodden"]


def test_unified_zrange(r):
    r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4})
    assert r.zrange("z", "(1", 3, byscore=True) == ["b", "c"]
    assert r.zrange("z", 4, 1, byscore=True, desc=True, offset=1, num=2) == ["c", "b"]
    assert r.zrange("z", "[b", "[c", bylex=True) == ["b", "c"]
    assert r.zrangestore("dst", "z", 0, 1) == 2
    assert r.zrange("dst", 0, -1, withscores=True) == [("a", 1.0), ("b", 2.0)]


def test_leaderboard_counters(r):
    assert r.zincrby("board", 5, "alice") == 5.0
    assert r.zincrby("board", 3, "bob") == 3.0
    assert r.zincrby("board", 2.5, "bob") == 5.5
    assert r.zadd("board", {"carol": 1}, gt=True, ch=True) == 1
    assert r.zadd("board", {"carol": 0}, gt=True, ch=True) == 0
    assert r.zadd("board", {"alice": 1}, incr=True) == 6.0
    assert r.zadd("board", {"dave": 1}, xx=True, incr=True) is None
    assert r.zrevrange("board", 0, 2, withscores=True) == [("alice", 6.0), ("bob", 5.5), ("carol", 1.0)]
    assert r.zcount("board", "(1", "+inf") == 2
    assert r.zmscore("board", ["alice", "nobody"]) == [6.0, None]


def test_union_inter_diff(r):
    r.zadd("week1", {"alice": 10, "bob": 5})
    r.zadd("week2", {"bob": 7, "carol": 3})
    assert r.zunionstore("total", ["week1", "week2"]) == 3
    assert r.zrange("total", 0, -1, withscores=True) == [("carol", 3.0), ("alice", 10.0), ("bob", 12.0)]
    assert r.zinterstore("both", {"week1": 1, "week2": 2}, aggregate="MAX") == 1
    assert r.zrange("both", 0, -1, withscores=True) == [("bob", 14.0)]
    assert r.zunion(["week1", "week2"], aggregate="MIN", withscores=True) == [
        ("carol", 3.0), ("bob", 5.0), ("alice", 10.0),
    ]
    assert r.zinter(["week1", "week2"]) == ["bob"]
    # redis-py leaves ZDIFF WITHSCORES and ZMPOP replies unparsed.
    assert r.zdiff(["week1", "week2"], withscores=True) == ["alice", "10"]
    assert r.zdiffstore("only1", ["week1", "week2"]) == 1
    assert r.zintercard(2, ["week1", "week2"]) == 1
    # An empty result deletes the destination.
    assert r.zinterstore("total", ["week1", "missing"]) == 0
    assert r.exists("total") == 0


def test_pops_and_auto_removal(r):
    r.zadd("q", {"low": 1, "mid": 5, "high": 9})
    assert r.zpopmin("q") == [("low", 1.0)]
    assert r.zpopmax("q", 5) == [("high", 9.0), ("mid", 5.0)]
    assert r.exists("q") == 0
    assert r.zpopmin("q") == []
    r.zadd("q", {"a": 1, "b": 2})
    assert r.zmpop(2, ["missing", "q"], max=True, count=5) == ["q", [["b", "2"], ["a", "1"]]]
    assert r.zmpop(1, ["q"], min=True) is None
    r.zadd("z", {"a": 1, "b": 2})
    assert r.zrem("z", "a", "nope") == 1
    assert r.zrem("z", "b") == 1
    assert r.exists("z") == 0


def test_zrandmember_and_zscan(r):
    r.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert r.zrandmember("z") in {"a", "b", "c"}
    assert sorted(r.zrandmember("z", 2)) in (["a", "b"], ["a", "c"], ["b", "c"])
    assert len(r.zrandmember("z", -10)) == 10
    assert r.zrandmember("z", 5, withscores=True) == ["c", "3", "b", "2", "a", "1"]
    cursor, items = r.zscan("z", 0)
    assert cursor == 0
    assert items == [("a", 1.0), ("b", 2.0), ("c", 3.0)]
    big = {"m%d" % i: i for i in range(500)}
    r.zadd("big", big)
    assert r.object("encoding", "big") == "skiplist"
    assert dict(r.zscan_iter("big", count=50)) == {k: float(v) for k, v in big.items()}


def test_errors(raw):
    c = raw()
    c.command("ZADD", "z", "1", "a")
    c.command("SET", "s", "v")
    assert c.command("ZADD", "z", "nan", "a") == "ERR value is not a valid float"
    assert c.command("ZADD", "z", "1e400", "a") == "ERR value is not a valid float"
    assert c.command("ZADD", "z", "NX", "XX", "1", "a") == "ERR XX and NX options at the same time are not compatible"
    assert c.command("ZADD", "z", "GT", "LT", "1", "a") == "ERR GT, LT, and/or NX options at the same time are not compatible"
    assert c.command("ZADD", "z", "INCR", "1", "a", "2", "b") == "ERR INCR option supports a single increment-element pair"
    assert c.command("ZADD", "z", "1", "a", "2") == "ERR syntax error"
    assert c.command("ZADD", "inf", "+inf", "a") == 1
    assert c.command("ZINCRBY", "inf", "-inf", "a") == "ERR resulting score is not a number (NaN)"
    assert c.command("ZSCORE", "inf", "a") == "inf"
    assert c.command("ZCOUNT", "z", "nan", "1") == "ERR min or max is not a float"
    assert c.command("ZRANGEBYSCORE", "z", "(x", "1") == "ERR min or max is not a float"
    assert c.command("ZRANGEBYLEX", "z", "a", "b") == "ERR min or max not valid string range item"
    assert c.command("ZRANGE", "z", "0", "-1", "LIMIT", "0", "1") == (
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
    )
    assert c.command("ZRANGE", "z", "a", "1") == "ERR value is not an integer or out of range"
    assert c.command("ZUNION", "0", "z") == "ERR at least 1 input key is needed for 'zunion' command"
    assert c.command("ZINTER", "1", "z", "WEIGHTS", "x") == "ERR weight value is not a float"
    assert c.command("ZMPOP", "0", "z", "MIN") == "ERR numkeys should be greater than 0"
    assert c.command("ZPOPMIN", "z", "-1") == "ERR value is out of range, must be positive"
    assert c.command("ZADD", "s", "1", "a").startswith("WRONGTYPE")
    assert c.command("ZRANGE", "s", "0", "-1").startswith("WRONGTYPE")


def test_redis_py_errors(r):
    r.set("s", "v")
    with pytest.raises(redis.exceptions.ResponseError, match="WRONGTYPE"):
        r.zadd("s", {"a": 1})
    with pytest.raises(redis.exceptions.ResponseError, match="not a valid float"):
        r.zincrby("z", "abc", "a")
