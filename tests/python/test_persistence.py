"""RDB persistence: SAVE/BGSAVE/LASTSAVE, loading at startup, interop with
Debian's real redis-server in both directions, DUMP/RESTORE payloads, DEBUG
RELOAD, SHUTDOWN SAVE, corrupt and truncated files, MISCONF."""

import os
import shutil
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import real_redis_binary, start_server, stop_server

NO_SAVE = ("--save", "")


def raw_client(srv):
    return srv.client(decode_responses=False)


def populate(c, hash_field_ttl=False, big=True):
    """Every type, small and large encodings, TTLs, several dbs."""
    p = c.pipeline(transaction=False)
    p.set("s:plain", "hello")
    p.set("s:int", "12345")
    p.set("s:neg", "-99")
    p.set("s:bigint", "123456789012345")
    p.set("s:empty", "")
    p.set("s:bin", bytes(range(256)))
    p.set("s:compressible", "abc" * 400)
    p.set("s:ttl", "v", px=500_000)
    p.rpush("l:small", "a", "1", "b", "-7")
    p.rpush("l:bin", bytes(range(100)), b"\x00\xff")
    if big:
        p.rpush("l:big", *["item-%d" % i if i % 3 else str(i) for i in range(3000)])
        p.rpush("l:fat", *[("v%d" % i) * 300 for i in range(40)])
    p.sadd("set:int", 1, 2, 3, -5, 1 << 40)
    p.sadd("set:str", "a", "b", "c")
    if big:
        p.sadd("set:bigint", *range(1000))
        p.sadd("set:big", *["m%d" % i for i in range(700)])
    p.hset("h:small", mapping={"f1": "v1", "f2": "2", "n": "-3"})
    p.hset("h:longval", mapping={"f": "x" * 200})
    if big:
        p.hset("h:big", mapping={"f%d" % i: "v%d" % i for i in range(400)})
    p.zadd("z:small", {"a": 1, "b": 2.5, "c": -3})
    p.zadd("z:inf", {"lo": float("-inf"), "hi": float("inf"), "tiny": 1e-300, "frac": 0.1})
    if big:
        p.zadd("z:big", {"m%d" % i: i * 1.5 for i in range(500)})
    p.pexpire("h:small", 700_000)
    p.pexpire("z:small", 800_000)
    p.execute()
    # Streams: deleted entries, groups, PELs, consumers, an emptied stream.
    for i in range(1, 301):
        c.xadd("x:s", {"f": "v%d" % i, "n": str(i)}, id="%d-%d" % (1000 + i // 10, i))
    c.xadd("x:s", {"other": "shape"}, id="5000-1")
    c.xdel("x:s", "1000-5", "1001-10", "1020-200")
    c.xgroup_create("x:s", "g1", id="0")
    c.xgroup_create("x:s", "g2", id="$")
    c.xreadgroup("g1", "alice", {"x:s": ">"}, count=5)
    c.xreadgroup("g1", "bob", {"x:s": ">"}, count=3)
    c.xack("x:s", "g1", "1000-1")
    c.xgroup_createconsumer("x:s", "g1", "idle")
    c.xadd("x:empty", {"a": "1"}, id="7-1")
    c.xdel("x:empty", "7-1")
    c.xgroup_create("x:empty", "g", id="$")
    # Other databases.
    c.execute_command("SELECT", 3)
    c.set("db3:key", "in db 3")
    c.rpush("db3:list", "x")
    c.execute_command("SELECT", 15)
    c.hset("db15:h", "f", "v")
    c.execute_command("SELECT", 0)
    if hash_field_ttl:
        c.hset("h:fttl", mapping={"keep": "1", "ttl": "2", "ttl2": "3"})
        c.execute_command("HPEXPIRE", "h:fttl", 600_000, "FIELDS", 2, "ttl", "ttl2")


STREAM_FIELDS = (
    b"length",
    b"last-generated-id",
    b"max-deleted-entry-id",
    b"entries-added",
    b"recorded-first-entry-id",
    b"entries",
)
GROUP_FIELDS = (b"name", b"last-delivered-id", b"entries-read", b"lag", b"pel-count", b"pending")
CONSUMER_FIELDS = (b"name", b"seen-time", b"pel-count", b"pending")


def pairs_to_dict(items):
    return {items[i]: items[i + 1] for i in range(0, len(items), 2)}


def stream_state(c, key, mask_seen=False):
    full = pairs_to_dict(c.execute_command("XINFO", "STREAM", key, "FULL", "COUNT", 0))
    out = {k: full.get(k) for k in STREAM_FIELDS}
    groups = []
    for g in full[b"groups"]:
        g = pairs_to_dict(g)
        gd = {k: g.get(k) for k in GROUP_FIELDS}
        gd[b"consumers"] = [
            {k: pairs_to_dict(cons).get(k) for k in CONSUMER_FIELDS if not (mask_seen and k == b"seen-time")}
            for cons in g[b"consumers"]
        ]
        groups.append(gd)
    out[b"groups"] = groups
    return out


def dataset(c, dbs=16, ttl_tolerance_ms=5000, mask_seen=False):
    """Everything a client can see: per db, per key, type, value, TTL.
    `mask_seen` leaves out consumers' seen-time, which an AOF replay sets to
    the time of the replay (in Redis as well)."""
    out = {}
    for db in range(dbs):
        c.execute_command("SELECT", db)
        for key in c.scan_iter(count=1000):
            t = c.type(key)
            if t == b"string":
                v = c.get(key)
            elif t == b"list":
                v = c.lrange(key, 0, -1)
            elif t == b"set":
                v = sorted(c.smembers(key))
            elif t == b"hash":
                v = sorted(c.hgetall(key).items())
            elif t == b"zset":
                v = c.zrange(key, 0, -1, withscores=True)
            elif t == b"stream":
                v = stream_state(c, key, mask_seen)
            else:
                raise AssertionError("unexpected type %r" % t)
            pttl = c.pttl(key)
            ttl = -1 if pttl < 0 else round(pttl / ttl_tolerance_ms)
            out[(db, key)] = (t, v, ttl)
    c.execute_command("SELECT", 0)
    return out


def first_difference(a, b, path=()):
    """Where two nested values differ first (for readable assertion messages)."""
    if type(a) is not type(b):
        return path, a, b
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b), key=repr):
            if k not in a or k not in b:
                return path + (k,), a.get(k), b.get(k)
            d = first_difference(a[k], b[k], path + (k,))
            if d:
                return d
        return None
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return path + ("len",), len(a), len(b)
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, path + (i,))
            if d:
                return d
        return None
    return None if a == b else (path, a, b)


def assert_same(got, expected):
    d = first_difference(got, expected)
    assert d is None, "datasets differ at %r: got %r, expected %r" % d


def wait_bgsave(c, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = c.info("persistence")
        if not info["rdb_bgsave_in_progress"]:
            return info
        time.sleep(0.05)
    raise AssertionError("BGSAVE did not finish")


@pytest.fixture
def tmpdir_path():
    d = tempfile.mkdtemp(prefix="gears-persist-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def start_ours(workdir, *args):
    return start_server(
        extra_args=("--enable-debug-command", "yes", "--enable-protected-configs", "yes") + args, workdir=workdir
    )


def start_redis(workdir, *args):
    return start_server(extra_args=args, workdir=workdir, binary=real_redis_binary(), log_name="redis.log")


# ---- our own round trip -----------------------------------------------------------


def test_save_and_reload_every_type(tmpdir_path):
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        c = raw_client(srv)
        populate(c, hash_field_ttl=True)
        before = dataset(c)
        fttl = c.execute_command("HPTTL", "h:fttl", "FIELDS", 3, "keep", "ttl", "ttl2")
        assert c.save() is True
        assert os.path.exists(os.path.join(tmpdir_path, "dump.rdb"))
        assert c.lastsave().timestamp() > time.time() - 60
    finally:
        stop_server(srv, keep_dir=True)
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        c = raw_client(srv)
        assert dataset(c) == before
        after = c.execute_command("HPTTL", "h:fttl", "FIELDS", 3, "keep", "ttl", "ttl2")
        assert after[0] == -1 and abs(after[1] - fttl[1]) < 5000 and abs(after[2] - fttl[2]) < 5000
        info = c.info("persistence")
        assert info["rdb_last_load_keys_loaded"] == len(before)
        assert "Done loading RDB" in srv.log()
    finally:
        stop_server(srv)


def test_expired_keys_are_not_loaded(tmpdir_path):
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        c = raw_client(srv)
        c.set("short", "1", px=300)
        c.set("long", "2", ex=1000)
        c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", 0)
        c.save()
    finally:
        stop_server(srv, keep_dir=True)
    time.sleep(0.4)
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        c = raw_client(srv)
        assert c.keys() == [b"long"]
        info = c.info("persistence")
        assert info["rdb_last_load_keys_expired"] == 1
        assert info["rdb_last_load_keys_loaded"] == 1
    finally:
        stop_server(srv)


def test_debug_reload_keeps_everything(tmpdir_path):
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        c = raw_client(srv)
        populate(c, hash_field_ttl=True, big=False)
        before = dataset(c)
        assert c.execute_command("DEBUG", "RELOAD") == b"OK"
        assert dataset(c) == before
        c.set("after", "x")
        assert c.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
        assert c.exists("after") == 0
        with pytest.raises(redis.ResponseError, match="DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."):
            c.execute_command("DEBUG", "RELOAD", "BOGUS")
    finally:
        stop_server(srv)


def test_shutdown_save_and_nosave(tmpdir_path):
    srv = start_ours(tmpdir_path, *NO_SAVE)
    c = raw_client(srv)
    c.set("k", "v1")
    try:
        c.shutdown(save=True)
    except redis.ConnectionError:
        pass
    srv.proc.wait(timeout=30)
    srv = start_ours(tmpdir_path, *NO_SAVE)
    c = raw_client(srv)
    assert c.get("k") == b"v1"
    c.set("k", "v2")
    try:
        c.shutdown(nosave=True)
    except redis.ConnectionError:
        pass
    srv.proc.wait(timeout=30)
    # Default save points: SIGTERM saves.
    srv = start_ours(tmpdir_path)
    c = raw_client(srv)
    assert c.get("k") == b"v1"
    c.set("k", "v3")
    stop_server(srv, keep_dir=True)
    assert "Saving the final RDB snapshot before exiting." in srv.log()
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        assert raw_client(srv).get("k") == b"v3"
    finally:
        stop_server(srv)


# ---- BGSAVE -------------------------------------------------------------------------


def test_bgsave_is_point_in_time_while_writes_continue(tmpdir_path):
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        c = raw_client(srv)
        n = 100_000
        for start in range(0, n, 10_000):
            p = c.pipeline(transaction=False)
            for i in range(start, start + 10_000):
                p.set("k%d" % i, "before")
            p.execute()
        info = c.info("persistence")
        assert info["rdb_changes_since_last_save"] >= n
        assert c.bgsave() is True
        # Writes keep being served while the child writes.
        p = c.pipeline(transaction=False)
        for i in range(0, n, 7):
            p.set("k%d" % i, "after")
        p.set("new-key", "after")
        p.execute()
        info = wait_bgsave(c)
        assert info["rdb_last_bgsave_status"] == "ok"
        assert info["rdb_saves"] >= 1
        # Only the writes made after the fork are still unsaved.
        assert info["rdb_changes_since_last_save"] <= n // 7 + 10
        assert c.info("stats")["total_forks"] >= 1
    finally:
        stop_server(srv, keep_dir=True)
    # The file holds the dataset as it was at the fork.
    os.remove(os.path.join(tmpdir_path, "server.log"))
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        c = raw_client(srv)
        assert c.dbsize() == n
        assert c.get("k0") == b"before" and c.get("k7") == b"before"
        assert c.exists("new-key") == 0
    finally:
        stop_server(srv)


def test_bgsave_replies_and_lastsave(r, raw):
    r.config_set("save", "")
    before = r.lastsave()
    time.sleep(1.1)
    c = raw()
    assert c.command("BGSAVE") == "Background saving started"
    # A second one while the first runs (or just after) is refused or starts anew.
    assert c.command("BGSAVE") in ("Background saving started", "ERR Background save already in progress")
    wait_bgsave(r)
    assert r.lastsave() > before
    assert c.command("BGSAVE", "NOW") == "ERR syntax error"
    assert c.command("BGSAVE", "SCHEDULE") in ("Background saving started", "Background saving scheduled")
    wait_bgsave(r)
    assert c.command("LASTSAVE") == int(r.lastsave().timestamp())


def test_save_points_trigger_bgsave(tmpdir_path):
    srv = start_ours(tmpdir_path, "--save", "1 3")
    try:
        c = raw_client(srv)
        assert {str(k, "utf8") if isinstance(k, bytes) else k: v for k, v in c.config_get("save").items()} in (
            {"save": "1 3"},
            {"save": b"1 3"},
        )
        for i in range(5):
            c.set("k%d" % i, i)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and c.info("persistence")["rdb_saves"] == 0:
            time.sleep(0.1)
        assert c.info("persistence")["rdb_saves"] >= 1
        assert "changes in 1 seconds. Saving..." in srv.log()
    finally:
        stop_server(srv)


def test_failed_bgsave_refuses_writes_with_misconf(tmpdir_path):
    srv = start_ours(tmpdir_path)
    try:
        c = raw_client(srv)
        gone = os.path.join(tmpdir_path, "gone")
        os.mkdir(gone)
        c.config_set("dir", gone)
        os.rmdir(gone)
        c.set("k", "v")
        c.bgsave()
        info = wait_bgsave(c)
        assert info["rdb_last_bgsave_status"] == "err"
        with pytest.raises(redis.ResponseError, match="^MISCONF Redis is configured to save RDB snapshots"):
            c.set("k2", "v")
        with pytest.raises(redis.ResponseError, match="^MISCONF"):
            c.ping()
        assert c.get("k") == b"v"
        c.config_set("stop-writes-on-bgsave-error", "no")
        assert c.set("k2", "v") is True
    finally:
        stop_server(srv)


def test_config_names_and_defaults(tmpdir_path):
    srv = start_ours(tmpdir_path)
    try:
        check_config(srv.client())
    finally:
        stop_server(srv)


def check_config(r):
    cfg = r.config_get("*")
    for name, default in [
        ("dbfilename", "dump.rdb"),
        ("rdbcompression", "yes"),
        ("rdbchecksum", "yes"),
        ("stop-writes-on-bgsave-error", "yes"),
        ("appendonly", "no"),
        ("appendfilename", "appendonly.aof"),
        ("appenddirname", "appendonlydir"),
        ("appendfsync", "everysec"),
        ("auto-aof-rewrite-percentage", "100"),
        ("auto-aof-rewrite-min-size", "67108864"),
        ("aof-load-truncated", "yes"),
        ("aof-use-rdb-preamble", "yes"),
    ]:
        assert cfg[name] == default, name
    with pytest.raises(redis.ResponseError, match="dbfilename can't be a path, just a filename"):
        r.config_set("dbfilename", "a/b.rdb")
    with pytest.raises(redis.ResponseError, match="can't set immutable config"):
        r.config_set("appendfilename", "x.aof")
    with pytest.raises(redis.ResponseError, match="Invalid save parameters"):
        r.config_set("save", "100")
    info = r.info("persistence")
    for field in ("rdb_bgsave_in_progress", "rdb_last_save_time", "rdb_changes_since_last_save", "aof_enabled"):
        assert field in info


# ---- corrupt files ----------------------------------------------------------------


def failed_start(workdir, *args):
    with pytest.raises(RuntimeError) as e:
        start_ours(workdir, *args)
    return str(e.value)


def make_dump(workdir):
    srv = start_ours(workdir, *NO_SAVE)
    try:
        c = raw_client(srv)
        populate(c, big=False)
        c.save()
    finally:
        stop_server(srv, keep_dir=True)
    with open(os.path.join(workdir, "dump.rdb"), "rb") as f:
        return f.read()


def test_corrupt_and_truncated_rdb_stop_startup(tmpdir_path):
    good = make_dump(tmpdir_path)
    path = os.path.join(tmpdir_path, "dump.rdb")
    # A flipped byte in the middle: the checksum (or the parser) catches it.
    bad = bytearray(good)
    bad[len(bad) // 2] ^= 0x5A
    with open(path, "wb") as f:
        f.write(bad)
    text = failed_start(tmpdir_path, *NO_SAVE)
    assert "Fatal error loading the DB" in text and "offset" in text
    # Cut short at several places.
    for cut in (5, 9, 40, len(good) // 3, len(good) - 9, len(good) - 1):
        with open(path, "wb") as f:
            f.write(good[:cut])
        text = failed_start(tmpdir_path, *NO_SAVE)
        assert "Fatal error loading the DB" in text, cut
        assert "offset" in text, cut
    # Not an RDB at all.
    with open(path, "wb") as f:
        f.write(b"hello world, not a dump")
    assert "Wrong signature" in failed_start(tmpdir_path, *NO_SAVE) or "signature" in failed_start(
        tmpdir_path, *NO_SAVE
    )
    # The intact file still loads.
    with open(path, "wb") as f:
        f.write(good)
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        assert raw_client(srv).dbsize() > 0
    finally:
        stop_server(srv)


# ---- interop with real Redis ---------------------------------------------------------


def move_between(tmpdir, source, target, write, copy, mask_seen=False):
    """Runs `write(client)` on a server started by `source(dir)`, stops it,
    copies its files with `copy(src_dir, dst_dir)` and starts `target(dir)`
    on them. Returns (the dataset the source had, the target server)."""
    sdir, tdir = os.path.join(tmpdir, "source"), os.path.join(tmpdir, "target")
    os.mkdir(sdir)
    os.mkdir(tdir)
    src = source(sdir)
    try:
        c = raw_client(src)
        write(c)
        expected = dataset(c, mask_seen=mask_seen)
    finally:
        stop_server(src, keep_dir=True)
    copy(sdir, tdir)
    return expected, target(tdir)


def copy_dump(sdir, tdir):
    shutil.copy(os.path.join(sdir, "dump.rdb"), os.path.join(tdir, "dump.rdb"))


def saved(write):
    def run(c):
        write(c)
        c.save()

    return run


def test_redis_dump_loads_into_gears(tmpdir_path):
    expected, srv = move_between(
        tmpdir_path,
        lambda d: start_redis(d, *NO_SAVE, "--appendonly", "no"),
        lambda d: start_ours(d, *NO_SAVE),
        saved(populate),
        copy_dump,
    )
    try:
        assert dataset(raw_client(srv)) == expected
        assert "Loading RDB produced by version 7." in srv.log()
    finally:
        stop_server(srv)


def test_gears_dump_loads_into_redis(tmpdir_path):
    expected, real = move_between(
        tmpdir_path,
        lambda d: start_ours(d, *NO_SAVE),
        lambda d: start_redis(d, *NO_SAVE, "--appendonly", "no"),
        saved(lambda c: populate(c, hash_field_ttl=True)),
        copy_dump,
    )
    try:
        c = raw_client(real)
        got = dataset(c)
        # Redis 7.0 has no field TTLs: the hash loads with every field, no field TTL.
        key = (0, b"h:fttl")
        assert got[key][1] == expected[key][1]
        assert got == expected
        # Streams keep working in Redis: read on from the restored group.
        assert c.xreadgroup("g1", "carol", {"x:s": ">"}, count=1)
    finally:
        stop_server(real)


def test_dump_restore_payloads_cross_both_ways(tmpdir_path):
    real = start_redis(tmpdir_path, *NO_SAVE, "--appendonly", "no")
    ours = start_ours(tmpdir_path, *NO_SAVE)
    try:
        rc, oc = raw_client(real), raw_client(ours)
        populate(rc, big=True)
        populate(oc, big=True)
        expected = dataset(rc)
        # Redis -> ours
        for (db, key), (_t, _v, _ttl) in expected.items():
            if db != 0:
                continue
            payload = rc.dump(key)
            oc.delete(key)
            pttl = max(rc.pttl(key), 0)
            assert oc.restore(key, pttl, payload) in (True, b"OK", "OK")
        assert {k: v for k, v in dataset(oc).items() if k[0] == 0} == {
            k: v for k, v in expected.items() if k[0] == 0
        }
        # ours -> Redis
        for (db, key) in list(expected):
            if db != 0:
                continue
            payload = oc.dump(key)
            rc.delete(key)
            assert rc.restore(key, max(oc.pttl(key), 0), payload) in (True, b"OK", "OK")
        assert {k: v for k, v in dataset(rc).items() if k[0] == 0} == {
            k: v for k, v in expected.items() if k[0] == 0
        }
    finally:
        stop_server(ours, keep_dir=True)
        stop_server(real)


def test_restore_options_and_errors(r):
    r.set("src", "value")
    c = redis.Redis(host=r.connection_pool.connection_kwargs["host"], port=r.connection_pool.connection_kwargs["port"])
    payload = c.dump("src")
    assert c.dump("missing") is None
    with pytest.raises(redis.ResponseError, match="^BUSYKEY Target key name already exists."):
        c.restore("src", 0, payload)
    assert c.restore("src", 0, payload, replace=True) in (True, b"OK", "OK")
    assert c.restore("ttl", 5000, payload) in (True, b"OK", "OK")
    assert 4000 < c.pttl("ttl") <= 5000
    at = int(time.time() * 1000) + 60_000
    assert c.restore("abs", at, payload, absttl=True) in (True, b"OK", "OK")
    assert 50_000 < c.pttl("abs") <= 61_000
    # Already expired with ABSTTL: nothing is created.
    assert c.restore("gone", 1000, payload, absttl=True) in (True, b"OK", "OK")
    assert c.exists("gone") == 0
    assert c.restore("idle", 0, payload, idletime=1000) in (True, b"OK", "OK")
    assert c.object("idletime", "idle") >= 999
    with pytest.raises(redis.ResponseError, match="Invalid TTL value, must be >= 0"):
        c.restore("x", -1, payload)
    with pytest.raises(redis.ResponseError, match="Invalid IDLETIME value, must be >= 0"):
        c.execute_command("RESTORE", "x", 0, payload, "IDLETIME", -1)
    with pytest.raises(redis.ResponseError, match="Invalid FREQ value, must be >= 0 and <= 255"):
        c.execute_command("RESTORE", "x", 0, payload, "FREQ", 256)
    with pytest.raises(redis.ResponseError, match="syntax error"):
        c.execute_command("RESTORE", "x", 0, payload, "IDLETIME", 1, "FREQ", 1)
    with pytest.raises(redis.ResponseError, match="syntax error"):
        c.execute_command("RESTORE", "x", 0, payload, "BOGUS")
    with pytest.raises(redis.ResponseError, match="value is not an integer or out of range"):
        c.execute_command("RESTORE", "x", "abc", payload)
    with pytest.raises(redis.ResponseError, match="DUMP payload version or checksum are wrong"):
        c.restore("x", 0, b"garbage")
    bad = bytearray(payload)
    bad[1] ^= 0xFF
    with pytest.raises(redis.ResponseError, match="DUMP payload version or checksum are wrong"):
        c.restore("x", 0, bytes(bad))
    # A payload claiming a future RDB version.
    future = bytearray(payload)
    future[-10] = 99
    with pytest.raises(redis.ResponseError, match="DUMP payload version or checksum are wrong"):
        c.restore("x", 0, bytes(future))
    assert c.exists("x") == 0
    assert c.ping() is True
    c.close()


def test_restore_bad_data_with_valid_checksum(r):
    """A payload whose CRC is right but whose body is garbage: Bad data format."""
    c = redis.Redis(host=r.connection_pool.connection_kwargs["host"], port=r.connection_pool.connection_kwargs["port"])
    body = bytes([2, 0x85]) + b"\x01\x02"  # a set claiming 5 members, then junk
    crc = crc64_redis(body + b"\x0a\x00")
    payload = body + b"\x0a\x00" + crc.to_bytes(8, "little")
    with pytest.raises(redis.ResponseError, match="^Bad data format"):
        c.restore("x", 0, payload)
    assert c.ping() is True
    c.close()


def crc64_redis(data):
    """Redis's CRC-64/Jones (reflected, poly 0xad93d23594c935a9)."""
    poly = 0x95AC9329AC4BC9B5  # bit-reversed 0xad93d23594c935a9
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc


def test_crc64_helper_matches_redis_check_value():
    assert crc64_redis(b"123456789") == 0xE9C6D914C4B8D9CA


def test_restore_survives_mutated_payloads(r):
    """Payloads of every type with random bytes changed (and the CRC fixed up
    so the parser sees them): each RESTORE either works or answers Bad data
    format; the server stays up and the other keys are untouched."""
    import random

    c = redis.Redis(host=r.connection_pool.connection_kwargs["host"], port=r.connection_pool.connection_kwargs["port"])
    populate(c, hash_field_ttl=True, big=False)
    c.set("guard", "intact")
    payloads = [c.dump(k) for k in c.keys() if k != b"guard"]
    rnd = random.Random(7)
    outcomes = {"ok": 0, "bad": 0}
    for i in range(400):
        p = bytearray(rnd.choice(payloads))
        body_len = len(p) - 10
        for _ in range(rnd.randint(1, 4)):
            j = rnd.randrange(body_len)
            p[j] = rnd.randrange(256)
        if rnd.random() < 0.2:
            del p[rnd.randrange(body_len) : body_len]
            body_len = len(p) - 10
        body = bytes(p[: body_len + 2])
        payload = body + crc64_redis(body).to_bytes(8, "little")
        try:
            c.restore("fuzz", 0, payload, replace=True)
            outcomes["ok"] += 1
        except redis.ResponseError as e:
            assert str(e) in ("Bad data format", "DUMP payload version or checksum are wrong"), str(e)
            outcomes["bad"] += 1
    assert c.ping() is True
    assert c.get("guard") == b"intact"
    assert outcomes["bad"] > 0
    c.close()


def test_debug_populate(tmpdir_path):
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        check_populate(srv.client())
    finally:
        stop_server(srv)


def check_populate(r):
    assert r.execute_command("DEBUG", "POPULATE", 100) == "OK"
    assert r.dbsize() == 100 and r.get("key:7") == "value:7"
    assert r.execute_command("DEBUG", "POPULATE", 10, "p", 12) == "OK"
    assert r.strlen("p:3") == 12 and r.getrange("p:3", 0, 6) == "value:3"
    r.set("key:1", "mine")
    r.execute_command("DEBUG", "POPULATE", 5)
    assert r.get("key:1") == "mine"
    with pytest.raises(redis.ResponseError, match="value is out of range, must be positive"):
        r.execute_command("DEBUG", "POPULATE", -1)


def test_loading_answers_loading_until_the_dataset_is_in(tmpdir_path):
    import socket
    import subprocess

    from conftest import free_port, our_binary, server_env

    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        c = srv.client()
        c.execute_command("DEBUG", "POPULATE", 600_000, "key", 100)
        c.save()
    finally:
        stop_server(srv, keep_dir=True)
    port = free_port()
    log = open(os.path.join(tmpdir_path, "loading.log"), "wb")
    proc = subprocess.Popen(
        [str(our_binary()), "--port", str(port), "--bind", "127.0.0.1", "--dir", tmpdir_path, "--save", ""],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=server_env(),
    )
    try:
        replies = []
        info = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                time.sleep(0.01)
                continue
            s.sendall(b"PING\r\nINFO persistence\r\n")
            data = b""
            while b"\r\n" not in data:
                data += s.recv(65536)
            first = data.split(b"\r\n", 1)[0]
            replies.append(first)
            if first == b"+PONG":
                s.close()
                break
            if info is None:
                while b"loading:" not in data:
                    data += s.recv(65536)
                info = data
            s.close()
            time.sleep(0.01)
        assert replies[0] == b"-LOADING Redis is loading the dataset in memory", replies[:3]
        assert replies[-1] == b"+PONG"
        assert b"loading:1" in info and b"loading_total_bytes:" in info
        c = redis.Redis(port=port)
        assert c.dbsize() == 600_000
        assert c.info("persistence")["loading"] == 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_flushall_saves_with_save_points(tmpdir_path):
    srv = start_ours(tmpdir_path)
    try:
        c = raw_client(srv)
        c.set("k", "v")
        dump = os.path.join(tmpdir_path, "dump.rdb")
        assert not os.path.exists(dump)
        c.flushall()
        assert os.path.exists(dump), "FLUSHALL with save points saves the empty dataset"
        assert c.info("persistence")["rdb_changes_since_last_save"] == 1
    finally:
        stop_server(srv, keep_dir=True)
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        c = raw_client(srv)
        c.set("k", "v")
        os.remove(os.path.join(tmpdir_path, "dump.rdb"))
        c.flushall()
        assert not os.path.exists(os.path.join(tmpdir_path, "dump.rdb")), "no save points, no save"
    finally:
        stop_server(srv)


def test_debug_change_repl_id(tmpdir_path):
    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        c = srv.client()
        before = c.info("replication")["master_replid"]
        assert c.execute_command("DEBUG", "CHANGE-REPL-ID") == "OK"
        after = c.info("replication")["master_replid"]
        assert after != before and len(after) == 40
    finally:
        stop_server(srv)


def test_bgsave_child_dies_with_the_server_and_frees_the_port(tmpdir_path):
    import signal
    import subprocess

    from conftest import our_binary, server_env

    srv = start_ours(tmpdir_path, *NO_SAVE)
    c = srv.client()
    c.execute_command("DEBUG", "POPULATE", 400_000, "key", 200)
    port = srv.port
    c.bgsave()
    srv.close_clients()
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait(timeout=10)
    # The orphaned child neither keeps the listening socket (a new server
    # binds the same port at once) nor goes on to publish the dump.
    log = open(os.path.join(tmpdir_path, "again.log"), "wb")
    again = subprocess.Popen(
        [str(our_binary()), "--port", str(port), "--bind", "127.0.0.1", "--dir", tmpdir_path, *NO_SAVE],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=server_env(),
    )
    try:
        deadline = time.monotonic() + 20
        answered = False
        while time.monotonic() < deadline and again.poll() is None:
            try:
                answered = redis.Redis(port=port, socket_timeout=2).ping()
                break
            except redis.RedisError:
                time.sleep(0.05)
        assert answered, "the restarted server could not take its port back"
        time.sleep(1.5)
        assert not os.path.exists(os.path.join(tmpdir_path, "dump.rdb"))
    finally:
        again.terminate()
        again.wait(timeout=30)
        log.close()


def test_shutdown_while_loading_never_saves(tmpdir_path):
    import socket
    import subprocess

    from conftest import free_port, our_binary, server_env

    srv = start_ours(tmpdir_path, *NO_SAVE)
    try:
        c = srv.client()
        c.execute_command("DEBUG", "POPULATE", 600_000, "key", 100)
        c.save()
    finally:
        stop_server(srv, keep_dir=True)
    dump = os.path.join(tmpdir_path, "dump.rdb")
    with open(dump, "rb") as f:
        before = f.read()
    port = free_port()
    log = open(os.path.join(tmpdir_path, "loading.log"), "wb")
    # Default save points: a SHUTDOWN would save, but not while loading.
    proc = subprocess.Popen(
        [str(our_binary()), "--port", str(port), "--bind", "127.0.0.1", "--dir", tmpdir_path],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=server_env(),
    )
    try:
        deadline = time.monotonic() + 30
        reply = b""
        while time.monotonic() < deadline:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                time.sleep(0.01)
                continue
            s.sendall(b"PING\r\n")
            reply = s.recv(1024)
            if reply.startswith(b"-LOADING"):
                s.sendall(b"SHUTDOWN\r\n")
                s.recv(1024)
            s.close()
            break
        assert reply.startswith(b"-LOADING"), reply
        assert proc.wait(timeout=30) == 0
        with open(dump, "rb") as f:
            assert f.read() == before, "the dump was overwritten by a save during loading"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
