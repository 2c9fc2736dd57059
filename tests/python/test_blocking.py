"""Blocking list and sorted-set commands with redis-py: the walkthroughs of
the Redis docs (BRPOP timeout and wake-up across three lists, BLMOVE as a
reliable queue, BZPOPMIN). Expected values come from Redis 7.0.15."""

import threading
import time


def _in_thread(fn):
    out = {}

    def run():
        out["value"] = fn()

    t = threading.Thread(target=run)
    t.start()
    return t, out


def test_brpop_times_out_with_none(r):
    start = time.monotonic()
    assert r.brpop(["list1", "list2", "list3"], timeout=0.3) is None
    assert time.monotonic() - start >= 0.25


def test_brpop_wakes_on_push_to_any_of_three_lists(r, new_client):
    waiter = new_client()
    t, out = _in_thread(lambda: waiter.brpop(["list1", "list2", "list3"], timeout=5))
    time.sleep(0.2)
    assert r.rpush("list3", "a", "b", "c") == 3
    t.join(5)
    assert out["value"] == ("list3", "c")
    assert r.lrange("list3", 0, -1) == ["a", "b"]
    # With data already there, BRPOP does not wait; the first non-empty key wins.
    r.rpush("list1", "x")
    assert r.brpop(["list1", "list3"], timeout=1) == ("list1", "x")
    assert r.exists("list1") == 0


def test_blmove_reliable_queue(r, new_client):
    worker = new_client()
    t, out = _in_thread(lambda: worker.blmove("tasks", "processing", 5, "RIGHT", "LEFT"))
    time.sleep(0.2)
    r.lpush("tasks", "job1")
    t.join(5)
    assert out["value"] == "job1"
    assert r.lrange("processing", 0, -1) == ["job1"]
    assert r.exists("tasks") == 0


def test_bzpopmin(r, new_client):
    waiter = new_client()
    t, out = _in_thread(lambda: waiter.bzpopmin(["zset1", "zset2"], timeout=5))
    time.sleep(0.2)
    r.zadd("zset2", {"b": 2, "a": 1})
    t.join(5)
    assert out["value"] == ("zset2", "a", 1.0)
    assert r.zrange("zset2", 0, -1, withscores=True) == [("b", 2.0)]
