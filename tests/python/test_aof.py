"""The append-only file: Redis 7's multi-part layout, turning it on at startup
and at runtime, BGREWRITEAOF and automatic rewrites, MULTI/EXEC atomicity,
truncated and corrupt files, crash safety under SIGKILL, and moving AOF
directories between Debian's redis-server and gears-server."""

import os
import shutil
import signal
import tempfile
import threading
import time

import pytest
import redis

from conftest import start_server, stop_server
from test_persistence import assert_same, dataset, move_between, populate, raw_client, start_ours, start_redis

AOF_ON = ("--appendonly", "yes", "--save", "")


@pytest.fixture
def tmpdir_path():
    d = tempfile.mkdtemp(prefix="gears-aof-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def aof_dir(workdir):
    return os.path.join(workdir, "appendonlydir")


def manifest(workdir):
    with open(os.path.join(aof_dir(workdir), "appendonly.aof.manifest")) as f:
        return [line.split() for line in f.read().splitlines() if line.strip()]


def files_of(workdir, kind):
    return [m[1] for m in manifest(workdir) if m[5] == kind]


def last_incr(workdir):
    return os.path.join(aof_dir(workdir), files_of(workdir, "i")[-1])


def wait_rewrite(c, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = c.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            return info
        time.sleep(0.05)
    raise AssertionError("AOF rewrite did not finish")


def kill9(srv):
    srv.close_clients()
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait(timeout=10)


def test_startup_layout_and_reload(tmpdir_path):
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        c = raw_client(srv)
        m = manifest(tmpdir_path)
        assert [x[0] for x in m] == ["file", "file"]
        assert m[0][1] == "appendonly.aof.1.base.rdb" and m[0][3:] == ["1", "type", "b"]
        assert m[1][1] == "appendonly.aof.1.incr.aof" and m[1][3:] == ["1", "type", "i"]
        populate(c, hash_field_ttl=True)
        c.incrbyfloat("float", 1.5)
        c.set("ex", "v", ex=1000)
        c.expire("s:plain", 3000)
        expected = dataset(c, mask_seen=True)
        info = c.info("persistence")
        assert info["aof_enabled"] == 1 and info["aof_current_size"] > 0
        with open(last_incr(tmpdir_path), "rb") as f:
            text = f.read()
        assert text.startswith(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")
        # Relative TTLs reach the file as absolute times.
        assert b"PXAT" in text and b"PEXPIREAT" in text
    finally:
        kill9(srv)
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        assert_same(dataset(raw_client(srv), mask_seen=True), expected)
        assert "DB loaded from append only file" in srv.log()
    finally:
        stop_server(srv)


def test_runtime_enable_writes_base_first(tmpdir_path):
    srv = start_ours(tmpdir_path, "--save", "")
    try:
        c = raw_client(srv)
        populate(c, big=False)
        assert c.config_set("appendonly", "yes") is True
        wait_rewrite(c)
        assert files_of(tmpdir_path, "b"), "a base file must exist once the AOF is on"
        c.set("after-enable", "1")
        c.rpush("l:small", "more")
        expected = dataset(c, mask_seen=True)
    finally:
        kill9(srv)
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        assert_same(dataset(raw_client(srv), mask_seen=True), expected)
    finally:
        stop_server(srv)


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_bgrewriteaof_compacts_and_keeps_data(tmpdir_path, preamble):
    srv = start_ours(tmpdir_path, *AOF_ON, "--aof-use-rdb-preamble", preamble)
    try:
        c = raw_client(srv)
        populate(c, hash_field_ttl=True)
        for i in range(300):
            c.incr("counter")
        old_incrs = files_of(tmpdir_path, "i")
        assert c.bgrewriteaof() is True
        # Writes during the rewrite land in the new incr file.
        for i in range(100):
            c.rpush("during", i)
        info = wait_rewrite(c)
        assert info["aof_last_bgrewrite_status"] == "ok" and info["aof_rewrites"] >= 1
        base = files_of(tmpdir_path, "b")
        assert len(base) == 1 and base[0].endswith(".rdb" if preamble == "yes" else ".aof")
        incrs = files_of(tmpdir_path, "i")
        assert len(incrs) == 1 and incrs[0] not in old_incrs
        assert not files_of(tmpdir_path, "h")
        for old in old_incrs:
            assert not os.path.exists(os.path.join(aof_dir(tmpdir_path), old))
        expected = dataset(c, mask_seen=True)
    finally:
        kill9(srv)
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        c = raw_client(srv)
        assert_same(dataset(c, mask_seen=True), expected)
        assert c.get("counter") == b"300"
        assert len(c.lrange("during", 0, -1)) == 100
    finally:
        stop_server(srv)


def test_bgrewriteaof_replies(r, raw):
    r.config_set("save", "")
    c = raw()
    assert c.command("BGREWRITEAOF") == "Background append only file rewriting started"
    assert c.command("BGREWRITEAOF") in (
        "Background append only file rewriting started",
        "ERR Background append only file rewriting already in progress",
    )
    wait_rewrite(r)


def test_automatic_rewrite(tmpdir_path):
    srv = start_ours(tmpdir_path, *AOF_ON, "--auto-aof-rewrite-min-size", "100kb", "--auto-aof-rewrite-percentage", "100")
    try:
        c = raw_client(srv)
        for _ in range(30):
            p = c.pipeline(transaction=False)
            for i in range(200):
                p.set("k%d" % (i % 50), "x" * 100)
            p.execute()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and c.info("persistence")["aof_rewrites"] == 0:
            time.sleep(0.1)
        assert c.info("persistence")["aof_rewrites"] >= 1
        assert "Starting automatic rewriting of AOF on" in srv.log()
    finally:
        stop_server(srv)


def test_multi_exec_is_atomic_in_the_aof(tmpdir_path):
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        c = raw_client(srv)
        c.set("before", "1")
        p = c.pipeline(transaction=True)
        p.set("a", "1")
        p.incr("n")
        p.rpush("l", "x")
        p.execute()
    finally:
        kill9(srv)
    incr = last_incr(tmpdir_path)
    with open(incr, "rb") as f:
        data = f.read()
    start = data.index(b"*1\r\n$5\r\nMULTI\r\n")
    assert data.endswith(b"*1\r\n$4\r\nEXEC\r\n")
    # Cut inside the transaction: the whole transaction is dropped, the rest kept.
    with open(incr, "wb") as f:
        f.write(data[: len(data) - 20])
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        c = raw_client(srv)
        assert c.get("before") == b"1"
        assert c.exists("a", "n", "l") == 0
        assert "Revert incomplete MULTI/EXEC transaction" in srv.log() or "Truncating the AOF" in srv.log()
    finally:
        stop_server(srv, keep_dir=True)
    assert os.path.getsize(incr) <= start + 1 or os.path.getsize(incr) >= start


def test_truncated_tail(tmpdir_path):
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        c = raw_client(srv)
        for i in range(10):
            c.rpush("l", i)
    finally:
        kill9(srv)
    incr = last_incr(tmpdir_path)
    with open(incr, "rb") as f:
        data = f.read()
    with open(incr, "wb") as f:
        f.write(data[:-7])
    # Refused when truncated files may not load.
    with pytest.raises(RuntimeError) as e:
        start_ours(tmpdir_path, *AOF_ON, "--aof-load-truncated", "no")
    assert "Unexpected end of file reading the append only file" in str(e.value)
    # Loaded up to the last whole command by default.
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        c = raw_client(srv)
        assert c.lrange("l", 0, -1) == [str(i).encode() for i in range(9)]
        assert "loaded anyway because aof-load-truncated is enabled" in srv.log()
        c.rpush("l", "after")
    finally:
        kill9(srv)
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        assert raw_client(srv).lrange("l", -1, -1) == [b"after"]
    finally:
        stop_server(srv)


def test_corrupt_middle_stops_startup(tmpdir_path):
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        c = raw_client(srv)
        for i in range(20):
            c.set("k%d" % i, i)
    finally:
        kill9(srv)
    incr = last_incr(tmpdir_path)
    with open(incr, "rb") as f:
        data = bytearray(f.read())
    i = data.index(b"*3", len(data) // 2)
    data[i] = ord("?")
    with open(incr, "wb") as f:
        f.write(data)
    with pytest.raises(RuntimeError) as e:
        start_ours(tmpdir_path, *AOF_ON)
    assert "Bad file format reading the append only file" in str(e.value)
    # A damaged manifest is refused too.
    with open(os.path.join(aof_dir(tmpdir_path), "appendonly.aof.manifest"), "w") as f:
        f.write("file appendonly.aof.1.base.rdb seq one type b\n")
    with pytest.raises(RuntimeError) as e:
        start_ours(tmpdir_path, *AOF_ON)
    assert "manifest" in str(e.value).lower()


def writer_loop(port, stop, acked, errors):
    c = redis.Redis(port=port, socket_timeout=5)
    i = 0
    try:
        while not stop.is_set():
            i += 1
            n = c.incr("counter")
            acked["incr"] = n
            c.rpush("list", i)
            acked["rpush"] = i
    except (redis.ConnectionError, redis.TimeoutError, ConnectionResetError):
        pass
    except Exception as e:  # noqa: BLE001 - reported by the test
        errors.append(e)


def crash_run(workdir, fsync, seconds=1.5):
    srv = start_ours(workdir, *AOF_ON, "--appendfsync", fsync)
    stop, acked, errors = threading.Event(), {"incr": 0, "rpush": 0}, []
    threads = [threading.Thread(target=writer_loop, args=(srv.port, stop, acked, errors))]
    for t in threads:
        t.start()
    time.sleep(seconds)
    kill9(srv)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert not errors, errors
    srv = start_ours(workdir, *AOF_ON)
    try:
        c = raw_client(srv)
        counter = int(c.get("counter") or 0)
        length = c.llen("list")
        # The list holds 1..length in order, with nothing made up.
        assert c.lrange("list", 0, -1) == [str(i).encode() for i in range(1, length + 1)]
    finally:
        stop_server(srv)
    return acked, counter, length


def test_crash_safety_appendfsync_always(tmpdir_path):
    acked, counter, length = crash_run(tmpdir_path, "always")
    assert acked["incr"] > 50, "the writer made too little progress to mean anything"
    # Every acknowledged write survived SIGKILL.
    assert counter >= acked["incr"]
    assert length >= acked["rpush"]
    print("appendfsync always: %d INCR acked, %d on disk" % (acked["incr"], counter))


def test_crash_safety_appendfsync_everysec_reports_loss(tmpdir_path):
    acked, counter, length = crash_run(tmpdir_path, "everysec")
    lost = max(0, acked["incr"] - counter)
    # A SIGKILL of the process (not the machine) loses nothing written to the
    # OS; Redis's promise for everysec is about one second of writes on power loss.
    print("appendfsync everysec: %d INCR acked, %d on disk, %d lost" % (acked["incr"], counter, lost))
    assert counter >= acked["incr"]


def test_appendonly_off_at_runtime(tmpdir_path):
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        c = raw_client(srv)
        c.set("k", "1")
        assert c.config_set("appendonly", "no") is True
        assert c.info("persistence")["aof_enabled"] == 0
        c.set("k", "2")
        size = os.path.getsize(last_incr(tmpdir_path))
        c.set("k", "3")
        assert os.path.getsize(last_incr(tmpdir_path)) == size
        assert c.config_set("appendfsync", "always") is True
    finally:
        stop_server(srv)


# ---- interop with real Redis ---------------------------------------------------------


def some_writes(c):
    populate(c, big=False)
    c.set("ttl", "v", ex=1000)
    c.incrbyfloat("f", 2.5)
    c.spop("set:str")


def copy_aof_dir(sdir, tdir):
    shutil.copytree(aof_dir(sdir), aof_dir(tdir))


def test_redis_aof_dir_loads_into_gears(tmpdir_path):
    expected, srv = move_between(
        tmpdir_path,
        lambda d: start_redis(d, *AOF_ON),
        lambda d: start_ours(d, *AOF_ON),
        some_writes,
        copy_aof_dir,
        mask_seen=True,
    )
    try:
        assert_same(dataset(raw_client(srv), mask_seen=True), expected)
    finally:
        stop_server(srv)


def test_gears_aof_dir_loads_into_redis(tmpdir_path):
    expected, real = move_between(
        tmpdir_path,
        lambda d: start_ours(d, *AOF_ON),
        lambda d: start_redis(d, *AOF_ON),
        some_writes,
        copy_aof_dir,
        mask_seen=True,
    )
    try:
        assert_same(dataset(raw_client(real), mask_seen=True), expected)
    finally:
        stop_server(real)


def test_old_style_single_aof_is_upgraded(tmpdir_path):
    """A Redis 6 appendonly.aof (no appendonlydir) becomes the base of the
    multi-part AOF, as Redis 7 does on upgrade."""
    old = b"".join(
        b"*%d\r\n" % len(cmd) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in cmd)
        for cmd in [[b"SELECT", b"0"], [b"SET", b"old", b"data"], [b"RPUSH", b"l", b"a", b"b"]]
    )
    with open(os.path.join(tmpdir_path, "appendonly.aof"), "wb") as f:
        f.write(old)
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        c = raw_client(srv)
        assert c.get("old") == b"data" and c.lrange("l", 0, -1) == [b"a", b"b"]
        assert files_of(tmpdir_path, "b") == ["appendonly.aof"]
        assert not os.path.exists(os.path.join(tmpdir_path, "appendonly.aof"))
        assert "migrated an old-style AOF" in srv.log()
        c.set("new", "1")
    finally:
        kill9(srv)
    srv = start_ours(tmpdir_path, *AOF_ON)
    try:
        c = raw_client(srv)
        assert c.get("old") == b"data" and c.get("new") == b"1"
    finally:
        stop_server(srv)
