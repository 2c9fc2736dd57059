#!/usr/bin/env python3
"""Helpers for bench/persistence.sh: fill a server, and time a background
save (BGSAVE or BGREWRITEAOF) while another client PINGs it and records the
longest wait. Talks plain RESP (redis-py), so it runs against any server."""

import argparse
import random
import sys
import threading
import time

import redis


def fill(port, n):
    """n keys: mostly strings (16-64 byte values), plus hashes, lists, zsets and sets."""
    c = redis.Redis(port=port)
    rnd = random.Random(42)
    p = c.pipeline(transaction=False)
    strings = n - n // 100
    for i in range(strings):
        p.set("key:%08d" % i, "v" * rnd.randint(16, 64))
        if i % 5000 == 4999:
            p.execute()
    for i in range(n // 100):
        kind = i % 4
        if kind == 0:
            p.hset("hash:%d" % i, mapping={"f%d" % j: "value%d" % j for j in range(20)})
        elif kind == 1:
            p.rpush("list:%d" % i, *range(50))
        elif kind == 2:
            p.zadd("zset:%d" % i, {"m%d" % j: j * 1.5 for j in range(20)})
        else:
            p.sadd("set:%d" % i, *("s%d" % j for j in range(20)))
        if i % 500 == 499:
            p.execute()
    p.execute()
    return c.dbsize()


class Pinger(threading.Thread):
    def __init__(self, port):
        super().__init__(daemon=True)
        self.c = redis.Redis(port=port, socket_timeout=30)
        self.stop = threading.Event()
        self.worst = 0.0
        self.count = 0

    def run(self):
        while not self.stop.is_set():
            t = time.perf_counter()
            self.c.ping()
            self.worst = max(self.worst, time.perf_counter() - t)
            self.count += 1


def background(port, op):
    """Starts `op`, waits until it is done; returns (seconds, worst PING ms)."""
    c = redis.Redis(port=port, decode_responses=True)
    flag = "rdb_bgsave_in_progress" if op == "bgsave" else "aof_rewrite_in_progress"
    pinger = Pinger(port)
    pinger.start()
    time.sleep(0.3)
    start = time.perf_counter()
    c.execute_command(op.upper())
    time.sleep(0.01)
    while True:
        info = c.info("persistence")
        if not info[flag] and not info.get("aof_rewrite_scheduled", 0):
            break
        time.sleep(0.01)
    took = time.perf_counter() - start
    time.sleep(0.2)
    pinger.stop.set()
    pinger.join()
    status = info["rdb_last_bgsave_status"] if op == "bgsave" else info["aof_last_bgrewrite_status"]
    if status != "ok":
        sys.exit("%s failed on port %d" % (op, port))
    fork_us = c.info("stats").get("latest_fork_usec", 0)
    return took, pinger.worst * 1000, fork_us


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fill")
    f.add_argument("--n", type=int, default=1_000_000)
    b = sub.add_parser("background")
    b.add_argument("--op", choices=["bgsave", "bgrewriteaof"], required=True)
    a = ap.parse_args()
    if a.cmd == "fill":
        print(fill(a.port, a.n))
    else:
        took, worst, fork_us = background(a.port, a.op)
        print("%.3f %.2f %d" % (took, worst, fork_us))


if __name__ == "__main__":
    main()
