//! Test harness: starts the real `gears-server` binary on a free port and
//! talks to it over TCP, with the `redis` crate or raw RESP bytes.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct TestServer {
    pub port: u16,
    pub dir: PathBuf,
    child: Child,
}

/// Does process `pid` own the socket listening on 127.0.0.1:`port`? Read from
/// /proc, so checking sends the server nothing (its stats stay untouched).
fn listens_on(pid: u32, port: u16) -> bool {
    let Ok(tcp) = std::fs::read_to_string("/proc/net/tcp") else { return true };
    let want = format!("0100007F:{port:04X}");
    let inode = tcp.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.len() > 9 && f[1] == want && f[3] == "0A").then(|| f[9].to_string())
    });
    let Some(inode) = inode else { return false };
    let target = format!("socket:[{inode}]");
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return false };
    fds.flatten().any(|e| std::fs::read_link(e.path()).is_ok_and(|l| l.to_string_lossy() == target))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl TestServer {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts with extra `--name value` arguments.
    pub fn start_with(extra: &[&str]) -> Self {
        Self::spawn(None, extra)
    }

    /// Starts with a config file holding `text` (first argument), plus extra args.
    pub fn start_with_config(text: &str, extra: &[&str]) -> Self {
        Self::spawn(Some(text), extra)
    }

    /// Starts a server on a free port. Another test may grab the same port
    /// between our probe and the bind, so the server that answers must be
    /// our own process (INFO process_id); otherwise retry on a new port.
    fn spawn(config: Option<&str>, extra: &[&str]) -> Self {
        for _ in 0..10 {
            let port = free_port();
            let dir = std::env::temp_dir().join(format!("gears-test-{}-{}", std::process::id(), port));
            std::fs::create_dir_all(&dir).unwrap();
            let mut args: Vec<String> = Vec::new();
            if let Some(text) = config {
                let conf = dir.join("gears.conf");
                std::fs::write(&conf, text).unwrap();
                args.push(conf.to_str().unwrap().to_string());
            }
            for a in ["--port", &port.to_string(), "--bind", "127.0.0.1", "--dir", dir.to_str().unwrap()] {
                args.push(a.to_string());
            }
            args.extend(extra.iter().map(|a| a.to_string()));
            let child = Command::new(env!("CARGO_BIN_EXE_gears-server"))
                .args(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("spawn gears-server");
            let mut s = TestServer { port, dir, child };
            if s.wait_ready() {
                return s;
            }
            let _ = s.child.kill();
        }
        panic!("could not start gears-server on a free port");
    }

    /// True once our own process answers on the port; false if it exited
    /// (port taken) or another process answers there.
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.child.try_wait().unwrap().is_some() {
                return false;
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return listens_on(self.child.id(), self.port);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("gears-server did not start on port {}", self.port);
    }

    /// Waits until PING stops answering -LOADING (a dataset loading at
    /// startup). Only for tests that restart on a directory with data: the
    /// PINGs show in the server's command stats.
    pub fn wait_loaded(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let mut r = self.raw();
            if !r.cmd(&["PING"]).starts_with("-LOADING") {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("gears-server on port {} still loading", self.port);
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// A synchronous redis-rs connection.
    pub fn conn(&self) -> redis::Connection {
        redis::Client::open(self.url()).unwrap().get_connection().unwrap()
    }

    /// A raw TCP connection for byte-exact checks.
    pub fn raw(&self) -> Raw {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Raw { r: BufReader::new(s.try_clone().unwrap()), w: s }
    }

    /// Is the process still running?
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits for the process to exit (after SHUTDOWN); returns its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Where a suite's expectations are checked: our binary, or a real Redis at
/// `REAL_REDIS_PORT` (to confirm that the expected replies are Redis's own).
/// A real Redis is a scratch instance: it is FLUSHALLed, and the settings the
/// tests change are put back.
pub enum Target {
    Ours(TestServer),
    Real(u16),
}

impl Target {
    /// Starts our server with `args`, or applies them to the real Redis with CONFIG SET.
    pub fn start(args: &[&str]) -> Target {
        match std::env::var("REAL_REDIS_PORT") {
            Ok(p) => {
                let t = Target::Real(p.parse().expect("REAL_REDIS_PORT is a port number"));
                let mut r = t.raw();
                r.cmd(&["FLUSHALL"]);
                for pair in args.chunks(2) {
                    r.cmd(&["CONFIG", "SET", pair[0].trim_start_matches("--"), pair[1]]);
                }
                t
            }
            Err(_) => Target::Ours(TestServer::start_with(args)),
        }
    }

    pub fn is_real(&self) -> bool {
        matches!(self, Target::Real(_))
    }

    pub fn port(&self) -> u16 {
        match self {
            Target::Ours(s) => s.port,
            Target::Real(p) => *p,
        }
    }

    pub fn raw(&self) -> Raw {
        let s = TcpStream::connect(("127.0.0.1", self.port())).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Raw { r: BufReader::new(s.try_clone().unwrap()), w: s }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if self.is_real() {
            let mut r = self.raw();
            r.cmd(&["FLUSHALL"]);
            for (k, v) in [
                ("hz", "10"),
                ("maxmemory-policy", "noeviction"),
                ("maxmemory", "0"),
                ("notify-keyspace-events", ""),
                ("proto-max-bulk-len", "512mb"),
            ] {
                r.cmd(&["CONFIG", "SET", k, v]);
            }
        }
    }
}

/// Raw RESP connection. `cmd` sends a multibulk command and returns the reply
/// bytes exactly as received (one whole reply, nested arrays included).
pub struct Raw {
    pub r: BufReader<TcpStream>,
    pub w: TcpStream,
}

impl Raw {
    pub fn send(&mut self, bytes: &[u8]) {
        self.w.write_all(bytes).unwrap();
    }

    pub fn cmd(&mut self, args: &[&str]) -> String {
        self.send(&encode(args));
        self.read_reply()
    }

    /// Sends a command of binary arguments; returns the reply's exact bytes.
    pub fn cmd_bytes(&mut self, args: &[&[u8]]) -> Vec<u8> {
        let mut v = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            v.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            v.extend_from_slice(a);
            v.extend_from_slice(b"\r\n");
        }
        self.send(&v);
        let mut out = Vec::new();
        self.read_one(&mut out);
        out
    }

    /// Reads exactly one reply and returns its raw text.
    pub fn read_reply(&mut self) -> String {
        let mut out = Vec::new();
        self.read_one(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn read_line(&mut self, out: &mut Vec<u8>) -> Vec<u8> {
        let mut line = Vec::new();
        self.r.read_until(b'\n', &mut line).unwrap();
        assert!(!line.is_empty(), "connection closed while reading a reply");
        out.extend_from_slice(&line);
        line
    }

    fn read_one(&mut self, out: &mut Vec<u8>) {
        let line = self.read_line(out);
        let body = std::str::from_utf8(&line[1..line.len() - 2]).unwrap_or("").to_string();
        match line[0] {
            b'$' | b'=' | b'!' => {
                let n: i64 = body.parse().unwrap();
                if n >= 0 {
                    let mut buf = vec![0u8; n as usize + 2];
                    self.r.read_exact(&mut buf).unwrap();
                    out.extend_from_slice(&buf);
                }
            }
            b'*' | b'~' | b'>' => {
                let n: i64 = body.parse().unwrap();
                for _ in 0..n.max(0) {
                    self.read_one(out);
                }
            }
            b'%' => {
                let n: i64 = body.parse().unwrap();
                for _ in 0..n * 2 {
                    self.read_one(out);
                }
            }
            _ => {}
        }
    }

    /// True if the server closed the connection (reads EOF within the timeout).
    pub fn is_closed(&mut self) -> bool {
        let mut b = [0u8; 1];
        matches!(self.r.read(&mut b), Ok(0) | Err(_))
    }
}

pub fn encode(args: &[&str]) -> Vec<u8> {
    let mut v = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        v.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        v.extend_from_slice(a.as_bytes());
        v.extend_from_slice(b"\r\n");
    }
    v
}

// ---- reply builders and keyspace-event helpers shared by the suites --------------

/// `:n`
pub fn int(n: i64) -> String {
    format!(":{n}\r\n")
}

/// `$len` bulk
pub fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// an array of bulks
pub fn arr(items: &[&str]) -> String {
    let mut s = format!("*{}\r\n", items.len());
    for i in items {
        s.push_str(&bulk(i));
    }
    s
}

/// Subscribes to the key events of db 0.
pub fn subscribe_events(t: &Target) -> Raw {
    let mut sub = t.raw();
    assert!(sub.cmd(&["PSUBSCRIBE", "__keyevent@0__:*"]).starts_with("*3\r\n$10\r\npsubscribe\r\n"));
    sub
}

/// Reads `n` keyspace event notifications as "event:key".
pub fn read_events(sub: &mut Raw, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let msg = sub.read_reply();
            let parts: Vec<&str> = msg.split("\r\n").collect();
            assert_eq!(parts[2], "pmessage", "{msg:?}");
            let channel = parts[6].strip_prefix("__keyevent@").unwrap();
            let (_, event) = channel.split_once("__:").unwrap();
            format!("{event}:{}", parts[8])
        })
        .collect()
}

pub const OK: &str = "+OK\r\n";

pub const NULL: &str = "$-1\r\n";

/// A script of (binary arguments, exact expected reply bytes).
pub type Script = &'static [(&'static [&'static [u8]], &'static [u8])];

/// Runs a binary-safe script, comparing every reply byte for byte.
pub fn run(r: &mut Raw, script: Script) {
    for (args, want) in script {
        let got = r.cmd_bytes(args);
        let show: Vec<String> = args.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(want), "{show:?}");
        assert_eq!(got, *want, "{show:?}");
    }
}

/// Runs a text script, comparing every reply exactly.
pub fn check(r: &mut Raw, script: &[(&[&str], &str)]) {
    for (cmd, want) in script {
        assert_eq!(r.cmd(cmd), *want, "{cmd:?}");
    }
}
