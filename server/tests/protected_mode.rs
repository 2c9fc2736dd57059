//! Protected mode needs a client that is not on loopback. The test builds two
//! private network namespaces joined by a veth pair (our own test hosts), runs
//! the server in one and a client in the other, and checks Redis's DENIED
//! reply, then that a password or `protected-mode no` lets the client in.
//! Where namespaces cannot be created (not root, no `ip`), it says so and skips.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Netns {
    names: [String; 2],
}

impl Netns {
    /// Two namespaces: `srv` (10.254.7.1) and `cli` (10.254.7.2), linked by veth.
    fn create() -> Option<Netns> {
        let tag = std::process::id() % 100_000;
        let names = [format!("gsrv{tag}"), format!("gcli{tag}")];
        let ns = Netns { names: names.clone() };
        let ip =
            |args: &[&str]| Command::new("ip").args(args).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
        let (a, b) = (format!("gva{tag}"), format!("gvb{tag}"));
        let ok = ip(&["netns", "add", &names[0]])
            && ip(&["netns", "add", &names[1]])
            && ip(&["link", "add", &a, "type", "veth", "peer", "name", &b])
            && ip(&["link", "set", &a, "netns", &names[0]])
            && ip(&["link", "set", &b, "netns", &names[1]])
            && ip(&["-n", &names[0], "addr", "add", "10.254.7.1/30", "dev", &a])
            && ip(&["-n", &names[1], "addr", "add", "10.254.7.2/30", "dev", &b])
            && ip(&["-n", &names[0], "link", "set", &a, "up"])
            && ip(&["-n", &names[1], "link", "set", &b, "up"])
            && ip(&["-n", &names[0], "link", "set", "lo", "up"]);
        ok.then_some(ns)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        for n in &self.names {
            let _ = Command::new("ip").args(["netns", "del", n]).stderr(Stdio::null()).status();
        }
    }
}

/// Sends `cmd` (inline) from the client namespace; returns the first reply line.
fn client_says(ns: &Netns, cmd: &str) -> String {
    let script = format!(
        "import socket\ns=socket.create_connection(('10.254.7.1',7777),timeout=5)\ns.sendall(b'{cmd}\\r\\n')\nprint(s.recv(4096).decode().split('\\r\\n')[0])"
    );
    let out = Command::new("ip").args(["netns", "exec", &ns.names[1], "python3", "-c", &script]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

struct Server(std::process::Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(ns: &Netns, extra: &[&str]) -> Server {
    let dir = std::env::temp_dir();
    let mut args = vec!["netns", "exec", &ns.names[0], env!("CARGO_BIN_EXE_gears-server"), "--port", "7777"];
    args.extend_from_slice(&["--dir", dir.to_str().unwrap()]);
    args.extend_from_slice(extra);
    let child = Command::new("ip").args(&args).stdout(Stdio::null()).spawn().unwrap();
    let s = Server(child);
    // Wait until it answers on loopback inside its namespace.
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let probe = Command::new("ip")
            .args([
                "netns",
                "exec",
                &ns.names[0],
                "python3",
                "-c",
                "import socket;socket.create_connection(('127.0.0.1',7777),timeout=1)",
            ])
            .stderr(Stdio::null())
            .status()
            .unwrap();
        if probe.success() {
            return s;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("server did not start in its namespace");
}

#[test]
fn protected_mode_denies_remote_clients_without_password() {
    let Some(ns) = Netns::create() else {
        eprintln!("SKIPPED protected_mode: cannot create network namespaces here (needs root and iproute2)");
        return;
    };
    {
        let _s = start(&ns, &[]);
        let reply = client_says(&ns, "PING");
        assert!(
            reply.starts_with("-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user.") && reply.contains("4) Setup a an authentication password for the default user."),
            "{reply}"
        );
    }
    {
        let _s = start(&ns, &["--requirepass", "pw"]);
        assert_eq!(client_says(&ns, "PING"), "-NOAUTH Authentication required.");
        assert_eq!(client_says(&ns, "AUTH pw"), "+OK");
    }
    {
        let _s = start(&ns, &["--protected-mode", "no"]);
        assert_eq!(client_says(&ns, "PING"), "+PONG");
    }
}
