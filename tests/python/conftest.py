"""Fixtures for the acceptance suite: the real gears-server binary on a free port.

Environment:
  GEARS_SERVER_BIN  path of the binary (default: <repo>/target/debug/gears-server)
  GEARS_TEST_ADDR   host:port of an already running server to test instead of
                    starting one (e.g. a scratch real Redis, to confirm that the
                    expected replies are Redis's own). Every test FLUSHALLs it.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / "target" / "debug" / "gears-server"
START_TIMEOUT = 20.0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RawConn:
    """A plain TCP connection that speaks RESP by hand, for protocol edge cases."""

    def __init__(self, host, port, timeout=5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def send(self, data: bytes):
        self.sock.sendall(data)

    def command(self, *args):
        """Sends one command as a RESP multibulk and returns the parsed reply."""
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, str):
                a = a.encode()
            elif isinstance(a, int):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.send(b"".join(out))
        return self.read_reply()

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("connection closed by server")
        self.buf += data

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_reply(self):
        """Parses one RESP2 reply. Errors come back as RespError instances."""
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data.decode(errors="replace")
        if kind == b"*":
            n = int(rest)
            if n < 0:
                return None
            return [self.read_reply() for _ in range(n)]
        raise AssertionError("unexpected reply line %r" % line)

    def read_raw(self, timeout=1.0):
        """Everything the server sends until it closes the connection or goes
        quiet for `timeout` seconds. Returns (bytes, closed)."""
        self.sock.settimeout(timeout)
        data, self.buf = self.buf, b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return data, True
                data += chunk
        except socket.timeout:
            return data, False
        except ConnectionResetError:
            return data, True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class RespError(str):
    """An error reply read by RawConn (a str subclass holding the text without '-')."""


class Server:
    def __init__(self, host, port, proc=None, workdir=None, log_path=None):
        self.host = host
        self.port = port
        self.proc = proc
        self.workdir = workdir
        self.log_path = log_path
        self._clients = []

    def client(self, **kw):
        kw.setdefault("decode_responses", True)
        kw.setdefault("socket_timeout", 10)
        c = redis.Redis(host=self.host, port=self.port, **kw)
        self._clients.append(c)
        return c

    def raw(self, timeout=5.0):
        c = RawConn(self.host, self.port, timeout)
        self._clients.append(c)
        return c

    def is_running(self):
        return self.proc is None or self.proc.poll() is None

    def log(self):
        if self.log_path and os.path.exists(self.log_path):
            with open(self.log_path, errors="replace") as f:
                return f.read()
        return ""

    def close_clients(self):
        for c in self._clients:
            try:
                c.close()
            except Exception:
                pass
        self._clients = []


def _wait_ready(host, port, proc, log_path):
    deadline = time.monotonic() + START_TIMEOUT
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            with open(log_path, errors="replace") as f:
                raise RuntimeError(
                    "gears-server exited with code %s during startup:\n%s" % (proc.returncode, f.read())
                )
        try:
            c = redis.Redis(host=host, port=port, socket_timeout=2)
            try:
                if c.ping():
                    return
            finally:
                c.close()
        except redis.exceptions.RedisError as e:
            last = e
        time.sleep(0.05)
    raise RuntimeError("gears-server on port %d did not answer PING: %s" % (port, last))


def server_env():
    """The server embeds Python: when the suite runs from a venv (which has
    cloudpickle), the server adds that venv's site-packages via VIRTUAL_ENV."""
    env = dict(os.environ)
    if sys.prefix != sys.base_prefix:
        env.setdefault("VIRTUAL_ENV", sys.prefix)
    return env


def our_binary():
    binary = Path(os.environ.get("GEARS_SERVER_BIN", DEFAULT_BIN))
    if not binary.is_absolute():
        binary = REPO_ROOT / binary
    if not binary.exists():
        raise RuntimeError("gears-server binary not found at %s (run cargo build first)" % binary)
    return binary


def real_redis_binary():
    """Debian's redis-server, installed (scripts/ensure_redis.sh) when missing."""
    path = shutil.which("redis-server")
    if path is None:
        subprocess.run([str(REPO_ROOT / "scripts" / "ensure_redis.sh")], check=True)
        path = shutil.which("redis-server")
    if path is None:
        raise RuntimeError("redis-server is not installed and could not be installed")
    return Path(path)


def start_server(extra_args=(), workdir=None, binary=None, log_name="server.log"):
    """Starts our server (or `binary`, e.g. a real redis-server, which takes
    the same options) on a free port, in `workdir` (a new temp dir if None)."""
    external = os.environ.get("GEARS_TEST_ADDR")
    if external and binary is None and workdir is None:
        host, _, port = external.rpartition(":")
        return Server(host or "127.0.0.1", int(port))
    binary = binary or our_binary()
    own_dir = workdir is None
    workdir = workdir or tempfile.mkdtemp(prefix="gears-pytest-")
    log_path = os.path.join(workdir, log_name)
    for _ in range(5):
        port = free_port()
        args = [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir, *extra_args]
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=server_env())
        try:
            _wait_ready("127.0.0.1", port, proc, log_path)
            return Server("127.0.0.1", port, proc, workdir, log_path)
        except RuntimeError:
            stop_server(Server("127.0.0.1", port, proc, None, None), keep_dir=True)
            # The port may have been taken between free_port() and bind: retry
            # on another one, unless the log says something else went wrong.
            with open(log_path, errors="replace") as f:
                text = f.read()
            if "in use" not in text.lower():
                if own_dir:
                    shutil.rmtree(workdir, ignore_errors=True)
                raise
    if own_dir:
        shutil.rmtree(workdir, ignore_errors=True)
    raise RuntimeError("could not start gears-server on a free port")


def stop_server(srv, keep_dir=False):
    srv.close_clients()
    if srv.proc is not None and srv.proc.poll() is None:
        srv.proc.terminate()
        try:
            srv.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            srv.proc.kill()
            srv.proc.wait()
    if srv.workdir and not keep_dir:
        shutil.rmtree(srv.workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    """One gears-server per test module."""
    srv = start_server()
    try:
        yield srv
    finally:
        stop_server(srv)


@pytest.fixture
def clean(server):
    """Flushes the server before the test and checks it is still alive after."""
    assert server.is_running(), "gears-server died earlier in this module:\n" + server.log()
    c = server.client()
    c.flushall()
    c.close()
    yield server
    server.close_clients()
    assert server.is_running(), "gears-server died during the test:\n" + server.log()


@pytest.fixture
def r(clean):
    """A redis-py client (decode_responses=True) on a freshly flushed server."""
    return clean.client()


@pytest.fixture
def new_client(clean):
    """Factory for more redis-py clients on the same (flushed) server."""
    return clean.client


@pytest.fixture
def raw(clean):
    """Factory for raw RESP socket connections on the same (flushed) server: raw() -> RawConn."""
    return clean.raw
