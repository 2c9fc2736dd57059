//! Server and admin commands (INFO, CONFIG, COMMAND, SLOWLOG, MONITOR,
//! SHUTDOWN, DEBUG, LATENCY, MEMORY, TIME) against the real binary. Expected
//! texts are those of Redis 7.

mod common;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::{encode, Raw, TestServer};

/// The body of a bulk (or verbatim) reply.
fn bulk_body(reply: &str) -> String {
    let (head, rest) = reply.split_once("\r\n").expect("a bulk reply");
    assert!(head.starts_with('$') || head.starts_with('='), "not a bulk reply: {reply:?}");
    let n: usize = head[1..].parse().unwrap();
    assert_eq!(rest.len(), n + 2, "bulk length mismatch in {reply:?}");
    rest[..n].to_string()
}

fn info(r: &mut Raw, args: &[&str]) -> String {
    let mut cmd = vec!["INFO"];
    cmd.extend_from_slice(args);
    bulk_body(&r.cmd(&cmd))
}

/// `name:value` fields of an INFO text.
fn fields(text: &str) -> HashMap<String, String> {
    text.split("\r\n")
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn headers(text: &str) -> Vec<String> {
    text.split("\r\n").filter_map(|l| l.strip_prefix("# ")).map(String::from).collect()
}

fn int_reply(reply: &str) -> i64 {
    reply
        .strip_prefix(':')
        .and_then(|s| s.strip_suffix("\r\n"))
        .unwrap_or_else(|| panic!("not an integer: {reply:?}"))
        .parse()
        .unwrap()
}

#[test]
fn info_sections_layout_and_fields() {
    let s = TestServer::start();
    let mut r = s.raw();
    let text = info(&mut r, &[]);
    assert_eq!(
        headers(&text),
        [
            "Server",
            "Clients",
            "Memory",
            "Persistence",
            "Stats",
            "Replication",
            "CPU",
            "Modules",
            "Errorstats",
            "Cluster",
            "Keyspace"
        ]
    );
    // Redis's layout: CRLF lines, one blank line between sections, no bare LF.
    assert!(text.starts_with("# Server\r\nredis_version:"), "{text}");
    assert!(text.contains("\r\n\r\n# Clients\r\n"));
    assert!(text.ends_with("# Keyspace\r\n"), "{text}");
    assert!(!text.replace("\r\n", "").contains('\n'));
    let f = fields(&text);
    assert_eq!(f["redis_version"], gears_server::commands::connection::REDIS_VERSION);
    assert_eq!(f["redis_mode"], "standalone");
    assert_eq!(f["arch_bits"], "64");
    assert_eq!(f["tcp_port"], s.port.to_string());
    assert_eq!(f["run_id"].len(), 40);
    assert_eq!(f["hz"], "10");
    assert_eq!(f["configured_hz"], "10");
    assert!(f["executable"].ends_with("gears-server"));
    assert_eq!(f["config_file"], "");
    assert!(f["process_id"].parse::<u32>().unwrap() > 0);
    assert!(f["uptime_in_seconds"].parse::<u64>().is_ok());
    assert!(f["server_time_usec"].parse::<u64>().unwrap() > 1_600_000_000_000_000);
    // The harness's readiness probe may still be counted.
    assert!(f["connected_clients"].parse::<u64>().unwrap() >= 1);
    assert_eq!(f["maxclients"], "10000");
    assert_eq!(f["blocked_clients"], "0");
    assert_eq!(f["pubsub_clients"], "0");
    assert!(f["used_memory"].parse::<u64>().unwrap() > 0);
    assert!(f["used_memory_rss"].parse::<u64>().unwrap() > 0);
    assert!(f["used_memory_peak"].parse::<u64>().unwrap() >= f["used_memory"].parse::<u64>().unwrap());
    assert!(f["mem_allocator"].starts_with("jemalloc-"));
    assert_eq!(f["maxmemory"], "0");
    assert_eq!(f["maxmemory_human"], "0B");
    assert_eq!(f["maxmemory_policy"], "noeviction");
    assert!(f["mem_fragmentation_ratio"].parse::<f64>().is_ok());
    assert_eq!(f["loading"], "0");
    assert_eq!(f["rdb_bgsave_in_progress"], "0");
    assert_eq!(f["rdb_changes_since_last_save"], "0");
    assert_eq!(f["aof_enabled"], "0");
    assert!(f["total_connections_received"].parse::<u64>().unwrap() >= 1);
    assert_eq!(f["rejected_connections"], "0");
    assert_eq!(f["expired_keys"], "0");
    assert_eq!(f["evicted_keys"], "0");
    assert_eq!(f["keyspace_hits"], "0");
    assert_eq!(f["keyspace_misses"], "0");
    assert_eq!(f["total_error_replies"], "0");
    assert!(f["total_net_input_bytes"].parse::<u64>().unwrap() > 0);
    assert!(f.contains_key("instantaneous_ops_per_sec"));
    assert_eq!(f["role"], "master");
    assert_eq!(f["connected_slaves"], "0");
    assert_eq!(f["master_replid"].len(), 40);
    assert_eq!(f["master_repl_offset"], "0");
    assert_eq!(f["cluster_enabled"], "0");
    // getrusage times with six decimals, like Redis.
    for k in ["used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children"] {
        let (_, frac) = f[k].split_once('.').unwrap_or_else(|| panic!("{k}={}", f[k]));
        assert_eq!(frac.len(), 6, "{k}");
    }

    // Sections come in Redis's order whatever the argument order; names are case-insensitive.
    let t = info(&mut r, &["CPU", "server"]);
    assert_eq!(headers(&t), ["Server", "CPU"]);
    assert!(t.contains("io_threads_active:0\r\n\r\n# CPU\r\n"));
    assert_eq!(r.cmd(&["INFO", "nosuchsection"]), "$0\r\n\r\n");
    // Gears shows as the RedisGears module, as on a Redis that loaded it.
    assert!(info(&mut r, &["modules"]).starts_with("# Modules\r\nmodule:name=rg,ver=10213,"));
    let rg = info(&mut r, &["rg"]);
    assert_eq!(headers(&rg), ["rg"]);
    assert!(rg.contains("rg_nexecutions:0\r\n"), "{rg}");
    assert_eq!(headers(&info(&mut r, &["default", "commandstats"])).len(), 12);

    // errorstats and commandstats (subcommands as name|sub).
    assert_eq!(r.cmd(&["CONFIG", "GET", "hz"]), "*2\r\n$2\r\nhz\r\n$2\r\n10\r\n");
    assert!(r.cmd(&["NOSUCHCMD"]).starts_with("-ERR unknown command"));
    assert!(r.cmd(&["CONFIG", "SET", "hz", "x"]).starts_with("-ERR CONFIG SET failed"));
    let all = info(&mut r, &["all"]);
    assert!(headers(&all).contains(&"Commandstats".to_string()));
    let f = fields(&all);
    assert_eq!(f["errorstat_ERR"], "count=2");
    assert_eq!(f["total_error_replies"], "2");
    assert!(f["cmdstat_config|get"].starts_with("calls=1,usec="), "{}", f["cmdstat_config|get"]);
    assert!(f["cmdstat_config|get"].ends_with(",rejected_calls=0,failed_calls=0"));
    assert!(f["cmdstat_config|set"].ends_with(",rejected_calls=0,failed_calls=1"));
    let info_stat = &f["cmdstat_info"];
    assert!(info_stat.starts_with("calls=6,"), "{info_stat}");
    let per_call = info_stat.split(',').find_map(|p| p.strip_prefix("usec_per_call=")).unwrap();
    assert_eq!(per_call.split_once('.').unwrap().1.len(), 2);
    assert!(!f.contains_key("cmdstat_ping"), "commands never called are not listed");

    // RESP3: a verbatim string.
    assert!(r.cmd(&["HELLO", "3"]).starts_with('%'));
    let v = r.cmd(&["INFO", "server"]);
    assert!(v.starts_with('='), "{v}");
    assert!(bulk_body(&v).starts_with("txt:# Server\r\n"));
}

#[test]
fn info_keyspace_and_stats_follow_the_data() {
    let s = TestServer::start();
    let mut r = s.raw();
    assert_eq!(r.cmd(&["INFO", "keyspace"]), "$12\r\n# Keyspace\r\n\r\n");
    assert_eq!(r.cmd(&["SET", "a", "1"]), "+OK\r\n");
    assert_eq!(r.cmd(&["SET", "b", "2", "EX", "1000"]), "+OK\r\n");
    assert_eq!(r.cmd(&["SELECT", "3"]), "+OK\r\n");
    assert_eq!(r.cmd(&["SET", "c", "3"]), "+OK\r\n");
    let text = info(&mut r, &["keyspace"]);
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "# Keyspace");
    assert_eq!(lines[2], "db3:keys=1,expires=0,avg_ttl=0");
    let db0 = lines[1];
    assert!(db0.starts_with("db0:keys=2,expires=1,avg_ttl="), "{db0}");
    let ttl: u64 = db0.rsplit('=').next().unwrap().parse().unwrap();
    assert!(ttl > 990_000 && ttl <= 1_000_000, "{ttl}");

    assert_eq!(r.cmd(&["GET", "c"]), "$1\r\n3\r\n");
    assert_eq!(r.cmd(&["GET", "nope"]), "$-1\r\n");
    let f = fields(&info(&mut r, &["stats", "persistence"]));
    assert_eq!(f["keyspace_hits"], "1");
    assert_eq!(f["keyspace_misses"], "1");
    assert_eq!(f["rdb_changes_since_last_save"], "3");
    // CONFIG RESETSTAT clears the counters (hits and misses included).
    assert_eq!(r.cmd(&["CONFIG", "RESETSTAT"]), "+OK\r\n");
    let all = info(&mut r, &["all"]);
    let f = fields(&all);
    assert_eq!(f["keyspace_hits"], "0");
    assert_eq!(f["keyspace_misses"], "0");
    assert_eq!(f["total_commands_processed"], "1", "only CONFIG RESETSTAT itself");
    assert!(f.contains_key("cmdstat_config|resetstat"));
    assert!(!f.contains_key("cmdstat_get"));
    assert!(!f.contains_key("cmdstat_set"));
}

#[test]
fn config_get_set_errors_and_runtime_effects() {
    let s = TestServer::start();
    let mut r = s.raw();
    // CONFIG GET: globs (case-insensitive), exact names echoed as given, duplicates once.
    let mut c = s.conn();
    let m: HashMap<String, String> = redis::cmd("CONFIG").arg("GET").arg("MAXMEMORY*").query(&mut c).unwrap();
    assert_eq!(m["maxmemory"], "0");
    assert_eq!(m["maxmemory-policy"], "noeviction");
    assert!(m.keys().all(|k| k.starts_with("maxmemory")), "{m:?}");
    assert_eq!(r.cmd(&["CONFIG", "GET", "HZ"]), "*2\r\n$2\r\nHZ\r\n$2\r\n10\r\n");
    assert_eq!(r.cmd(&["CONFIG", "GET", "hz", "HZ", "h?"]), "*2\r\n$2\r\nhz\r\n$2\r\n10\r\n");
    assert_eq!(r.cmd(&["CONFIG", "GET", "nothing"]), "*0\r\n");
    assert_eq!(r.cmd(&["CONFIG", "GET"]), "-ERR wrong number of arguments for 'config|get' command\r\n");

    // CONFIG SET errors, texts as Redis 7.
    let cases: &[(&[&str], &str)] = &[
        (&["foo", "bar"], "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n"),
        (&["hz", "5", "foo", "1"], "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n"),
        (&["hz", "abc"], "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer\r\n"),
        (&["HZ", "abc"], "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer\r\n"),
        (&["hz", "5", "HZ", "6"], "-ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter\r\n"),
        (&["daemonize", "no"], "-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n"),
        (&["timeout", "-1"], "-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive\r\n"),
        (&["maxmemory", "1x"], "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n"),
        (
            &["maxmemory-policy", "nope"],
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\r\n",
        ),
        (&["loglevel", "foo"], "-ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning\r\n"),
        (&["hz", "1", "hz"], "-ERR syntax error\r\n"),
    ];
    for (args, want) in cases {
        let mut cmd = vec!["CONFIG", "SET"];
        cmd.extend_from_slice(args);
        assert_eq!(r.cmd(&cmd), *want, "CONFIG SET {args:?}");
    }
    assert_eq!(r.cmd(&["CONFIG", "SET", "hz"]), "-ERR wrong number of arguments for 'config|set' command\r\n");
    // Protected configs, as in Redis 7 (enable-protected-configs defaults to no).
    assert_eq!(
        r.cmd(&["CONFIG", "SET", "dir", "/tmp"]),
        "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n"
    );
    assert_eq!(
        r.cmd(&["CONFIG", "SET", "enable-debug-command", "yes"]),
        "-ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config\r\n"
    );

    // Round trips, several at once.
    assert_eq!(
        r.cmd(&["CONFIG", "SET", "hz", "20", "maxmemory", "100mb", "maxmemory-policy", "allkeys-lru"]),
        "+OK\r\n"
    );
    assert_eq!(r.cmd(&["CONFIG", "GET", "hz"]), "*2\r\n$2\r\nhz\r\n$2\r\n20\r\n");
    assert_eq!(r.cmd(&["CONFIG", "GET", "maxmemory"]), "*2\r\n$9\r\nmaxmemory\r\n$9\r\n104857600\r\n");
    let f = fields(&info(&mut r, &["server", "memory"]));
    assert_eq!(f["hz"], "20");
    assert_eq!(f["maxmemory"], "104857600");
    assert_eq!(f["maxmemory_human"], "100.00M");
    assert_eq!(f["maxmemory_policy"], "allkeys-lru");
    // All or nothing: a bad value leaves the good ones unapplied.
    assert!(r
        .cmd(&["CONFIG", "SET", "hz", "30", "maxmemory", "abc"])
        .starts_with("-ERR CONFIG SET failed (possibly related to argument 'maxmemory')"));
    assert_eq!(r.cmd(&["CONFIG", "GET", "hz"]), "*2\r\n$2\r\nhz\r\n$2\r\n20\r\n");
    assert_eq!(r.cmd(&["CONFIG", "SET", "maxmemory", "0"]), "+OK\r\n");

    // RESP3: a map.
    assert!(r.cmd(&["HELLO", "3"]).starts_with('%'));
    assert_eq!(r.cmd(&["CONFIG", "GET", "hz"]), "%1\r\n$2\r\nhz\r\n$2\r\n20\r\n");

    assert_eq!(r.cmd(&["CONFIG", "REWRITE"]), "-ERR The server is running without a config file\r\n");
    assert!(r
        .cmd(&["CONFIG", "HELP"])
        .starts_with("*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET <pattern>\r\n"));
    assert_eq!(r.cmd(&["CONFIG", "FOO"]), "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n");
}

#[test]
fn config_set_timeout_and_lower_maxmemory_take_effect() {
    let s = TestServer::start();
    let mut r = s.raw();
    // Lowering maxmemory below the usage evicts (allkeys policy).
    let value = "x".repeat(1000);
    let mut pipeline = Vec::new();
    for i in 0..3000 {
        pipeline.extend_from_slice(&encode(&["SET", &format!("key:{i}"), &value]));
    }
    r.send(&pipeline);
    for _ in 0..3000 {
        assert_eq!(r.read_reply(), "+OK\r\n");
    }
    let used: u64 = fields(&info(&mut r, &["memory"]))["used_memory"].parse().unwrap();
    assert_eq!(r.cmd(&["CONFIG", "SET", "maxmemory-policy", "allkeys-random"]), "+OK\r\n");
    let limit = (used - 1_500_000).to_string();
    assert_eq!(r.cmd(&["CONFIG", "SET", "maxmemory", &limit]), "+OK\r\n");
    let evicted: u64 = fields(&info(&mut r, &["stats"]))["evicted_keys"].parse().unwrap();
    assert!(evicted > 0, "CONFIG SET maxmemory must start evicting");

    // timeout applies to connections from then on.
    assert_eq!(r.cmd(&["CONFIG", "SET", "timeout", "1"]), "+OK\r\n");
    let mut idle = s.raw();
    assert_eq!(idle.cmd(&["PING"]), "+PONG\r\n");
    let started = Instant::now();
    assert!(idle.is_closed());
    assert!(started.elapsed() < Duration::from_secs(5));
    // The first connection, idle meanwhile, went the same way.
    assert!(r.is_closed());
}

#[test]
fn config_rewrite_persists_across_restart() {
    let s = TestServer::start_with_config("# my settings\nhz 15\n", &[]);
    let mut r = s.raw();
    assert_eq!(
        fields(&info(&mut r, &["server"]))["config_file"],
        s.dir.join("gears.conf").canonicalize().unwrap().display().to_string()
    );
    assert_eq!(r.cmd(&["CONFIG", "SET", "hz", "25", "maxmemory-policy", "allkeys-lfu"]), "+OK\r\n");
    assert_eq!(r.cmd(&["CONFIG", "REWRITE"]), "+OK\r\n");
    let text = std::fs::read_to_string(s.dir.join("gears.conf")).unwrap();
    assert!(text.starts_with("# my settings\nhz 25\n"), "{text}");
    assert!(text.contains("\nmaxmemory-policy allkeys-lfu\n"), "{text}");
    drop(r);
    drop(s);
    let s2 = TestServer::start_with_config(&text, &[]);
    let mut r2 = s2.raw();
    assert_eq!(r2.cmd(&["CONFIG", "GET", "hz"]), "*2\r\n$2\r\nhz\r\n$2\r\n25\r\n");
    assert_eq!(
        r2.cmd(&["CONFIG", "GET", "maxmemory-policy"]),
        "*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lfu\r\n"
    );
}

#[test]
fn command_introspection() {
    let s = TestServer::start();
    let mut r = s.raw();
    let reg = gears_server::command::registry();
    let top = reg.top_level().count() as i64;
    assert_eq!(int_reply(&r.cmd(&["COMMAND", "COUNT"])), top);
    // COMMAND INFO without names: every top-level command.
    assert!(r.cmd(&["COMMAND", "INFO"]).starts_with(&format!("*{top}\r\n")));
    // COMMAND LIST: commands and subcommands.
    assert!(r.cmd(&["COMMAND", "LIST"]).starts_with(&format!("*{}\r\n", reg.len())));
    let mut c = s.conn();
    let mut names: Vec<String> =
        redis::cmd("COMMAND").arg("LIST").arg("FILTERBY").arg("PATTERN").arg("config*").query(&mut c).unwrap();
    names.sort();
    assert_eq!(names, ["config", "config|get", "config|help", "config|resetstat", "config|rewrite", "config|set"]);
    let admin: Vec<String> =
        redis::cmd("COMMAND").arg("LIST").arg("FILTERBY").arg("ACLCAT").arg("admin").query(&mut c).unwrap();
    assert!(admin.contains(&"config|set".to_string()) && admin.contains(&"monitor".to_string()));
    assert!(!admin.contains(&"get".to_string()));
    assert_eq!(r.cmd(&["COMMAND", "LIST", "FILTERBY", "MODULE", "x"]), "*0\r\n");
    assert_eq!(r.cmd(&["COMMAND", "LIST", "FILTERBY", "foo", "x"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["COMMAND", "LIST", "foo"]), "-ERR syntax error\r\n");

    // COMMAND INFO shape: name, arity, flags, first, last, step, categories, tips, key specs, subcommands.
    let get = r.cmd(&["COMMAND", "INFO", "get"]);
    assert!(
        get.starts_with("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n"),
        "{get}"
    );
    assert!(get.contains("+@read\r\n") && get.contains("+@string\r\n") && get.contains("+@fast\r\n"));
    assert_eq!(r.cmd(&["COMMAND", "INFO", "nosuch"]), "*1\r\n$-1\r\n");
    let cg = r.cmd(&["COMMAND", "INFO", "config|get"]);
    assert!(cg.starts_with("*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n"), "{cg}");
    let cfg = r.cmd(&["COMMAND", "INFO", "config"]);
    assert!(cfg.starts_with("*1\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n*0\r\n"), "{cfg}");
    assert!(cfg.contains("$10\r\nconfig|set\r\n:-4\r\n"));

    // COMMAND DOCS
    let docs = r.cmd(&["COMMAND", "DOCS", "time", "nosuch"]);
    assert!(docs.starts_with("*2\r\n$4\r\ntime\r\n*8\r\n$7\r\nsummary\r\n"), "{docs}");
    assert!(docs.contains("$5\r\ngroup\r\n$6\r\nserver\r\n"));
    assert!(r.cmd(&["COMMAND", "DOCS", "config"]).contains("$11\r\nsubcommands\r\n"));

    // GETKEYS / GETKEYSANDFLAGS
    assert_eq!(r.cmd(&["COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"]), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    assert_eq!(r.cmd(&["COMMAND", "GETKEYS", "memory", "usage", "k"]), "*1\r\n$1\r\nk\r\n");
    assert_eq!(r.cmd(&["COMMAND", "GETKEYSANDFLAGS", "get", "k"]), "*1\r\n*2\r\n$1\r\nk\r\n*1\r\n+RO\r\n");
    assert_eq!(r.cmd(&["COMMAND", "GETKEYS", "nosuch", "a"]), "-ERR Invalid command specified\r\n");
    assert_eq!(r.cmd(&["COMMAND", "GETKEYS", "config", "foo"]), "-ERR Invalid command specified\r\n");
    assert_eq!(r.cmd(&["COMMAND", "GETKEYS", "config", "get"]), "-ERR The command has no key arguments\r\n");
    assert_eq!(
        r.cmd(&["COMMAND", "GETKEYS", "get", "a", "b"]),
        "-ERR Invalid number of arguments specified for command\r\n"
    );
    assert_eq!(
        r.cmd(&["COMMAND", "GETKEYS", "get"]),
        "-ERR wrong number of arguments for 'command|getkeys' command\r\n"
    );
    assert!(r.cmd(&["COMMAND", "HELP"]).starts_with(
        "*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+(no subcommand)\r\n"
    ));
    assert_eq!(r.cmd(&["COMMAND", "FOO"]), "-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n");
}

/// Bare `COMMAND` runs the container itself (arity -1), as in Redis. This
/// needs the dispatch gate to run a container with no subcommand argument
/// when its arity allows it.
#[test]
fn bare_command_lists_everything() {
    let s = TestServer::start();
    let mut r = s.raw();
    let top = gears_server::command::registry().top_level().count();
    assert!(r.cmd(&["COMMAND"]).starts_with(&format!("*{top}\r\n*10\r\n")));
    assert_eq!(r.cmd(&["CONFIG"]), "-ERR wrong number of arguments for 'config' command\r\n");
}

#[test]
fn slowlog_records_entries() {
    let s = TestServer::start_with(&["--slowlog-log-slower-than", "0"]);
    let mut r = s.raw();
    assert_eq!(r.cmd(&["CLIENT", "SETNAME", "bob"]), "+OK\r\n");
    assert_eq!(r.cmd(&["ECHO", "hi"]), "$2\r\nhi\r\n");
    let addr = {
        let l = bulk_body(&r.cmd(&["CLIENT", "INFO"]));
        l.split(' ').find_map(|f| f.strip_prefix("addr=")).unwrap().to_string()
    };
    // Newest first: CLIENT INFO, then ECHO.
    let got = r.cmd(&["SLOWLOG", "GET", "2"]);
    let echo_tail = format!("*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n${}\r\n{addr}\r\n$3\r\nbob\r\n", addr.len());
    assert!(got.starts_with("*2\r\n*6\r\n:2\r\n:"), "{got}");
    assert!(got.ends_with(&echo_tail), "{got}");
    let entry = got.split("*6\r\n").nth(2).unwrap();
    let parts: Vec<&str> = entry.split("\r\n").collect();
    assert_eq!(parts[0], ":1");
    let ts: u64 = parts[1][1..].parse().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!(ts <= now && ts + 60 > now);
    assert!(parts[2][1..].parse::<u64>().is_ok());

    assert_eq!(int_reply(&r.cmd(&["SLOWLOG", "LEN"])), 4);
    assert_eq!(r.cmd(&["SLOWLOG", "RESET"]), "+OK\r\n");
    // The RESET itself is logged after clearing, as in Redis.
    assert_eq!(r.cmd(&["SLOWLOG", "LEN"]), ":1\r\n");
    assert_eq!(r.cmd(&["SLOWLOG", "GET", "-2"]), "-ERR count should be greater than or equal to -1\r\n");
    assert_eq!(r.cmd(&["SLOWLOG", "GET", "x"]), "-ERR count should be greater than or equal to -1\r\n");
    assert_eq!(r.cmd(&["SLOWLOG", "GET", "0"]), "*0\r\n");
    assert_eq!(
        r.cmd(&["SLOWLOG", "get", "1", "2"]),
        "-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n"
    );
    assert_eq!(r.cmd(&["CONFIG", "SET", "slowlog-max-len", "3"]), "+OK\r\n");
    for _ in 0..5 {
        r.cmd(&["PING"]);
    }
    assert_eq!(r.cmd(&["SLOWLOG", "LEN"]), ":3\r\n");
    assert!(r.cmd(&["SLOWLOG", "GET", "-1"]).starts_with("*3\r\n"));
    assert!(r.cmd(&["SLOWLOG", "HELP"]).starts_with("*12\r\n+SLOWLOG <subcommand>"));
}

#[test]
fn monitor_sees_other_clients() {
    let s = TestServer::start();
    let mut m = s.raw();
    assert_eq!(m.cmd(&["MONITOR"]), "+OK\r\n");
    let mut c = s.raw();
    assert_eq!(c.cmd(&["ECHO", "a b\"c\n"]), "$6\r\na b\"c\n\r\n");
    assert_eq!(c.cmd(&["SELECT", "2"]), "+OK\r\n");
    // Admin commands are not shown.
    c.cmd(&["CONFIG", "GET", "hz"]);
    assert_eq!(c.cmd(&["PING"]), "+PONG\r\n");
    let addr = {
        let l = bulk_body(&c.cmd(&["CLIENT", "INFO"]));
        l.split(' ').find_map(|f| f.strip_prefix("addr=")).unwrap().to_string()
    };
    let expect = [
        format!("[0 {addr}] \"ECHO\" \"a b\\\"c\\n\"\r\n"),
        format!("[2 {addr}] \"SELECT\" \"2\"\r\n"),
        format!("[2 {addr}] \"PING\"\r\n"),
    ];
    for want in expect {
        let line = m.read_reply();
        // +<unix secs>.<6 digits> [db addr] "arg" ...
        let rest = line.strip_prefix('+').unwrap_or_else(|| panic!("{line:?}"));
        let (ts, tail) = rest.split_once(' ').unwrap();
        let (secs, usec) = ts.split_once('.').unwrap();
        assert!(secs.parse::<u64>().unwrap() > 1_600_000_000);
        assert_eq!(usec.len(), 6);
        assert_eq!(tail, want);
    }
    let flags = bulk_body(&c.cmd(&["CLIENT", "LIST"]));
    assert!(flags.lines().any(|l| l.contains(" flags=O ")), "{flags}");
}

#[test]
fn shutdown_variants() {
    let mut s = TestServer::start();
    let mut r = s.raw();
    assert_eq!(r.cmd(&["SHUTDOWN", "FOO"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["SHUTDOWN", "SAVE", "NOSAVE"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["SHUTDOWN", "NOSAVE", "ABORT"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["SHUTDOWN", "ABORT"]), "-ERR No shutdown in progress.\r\n");
    assert!(s.alive());
    assert_eq!(r.cmd(&["MULTI"]), "+OK\r\n");
    assert_eq!(r.cmd(&["SHUTDOWN"]), "-ERR Command not allowed inside a transaction\r\n");
    assert_eq!(r.cmd(&["DISCARD"]), "+OK\r\n");
    assert_eq!(r.cmd(&["SET", "k", "v"]), "+OK\r\n");
    r.send(&encode(&["SHUTDOWN", "NOSAVE"]));
    assert!(r.is_closed(), "no reply, the connection closes");
    assert_eq!(s.wait_exit(Duration::from_secs(10)), Some(0));
    assert!(!s.dir.join("dump.rdb").exists(), "NOSAVE writes no dump");

    // SHUTDOWN SAVE writes the dump before exiting, even without save points.
    let mut s = TestServer::start_with(&["--save", ""]);
    let mut r = s.raw();
    assert_eq!(r.cmd(&["SET", "k", "v"]), "+OK\r\n");
    r.send(&encode(&["SHUTDOWN", "SAVE"]));
    assert!(r.is_closed(), "no reply, the connection closes");
    assert_eq!(s.wait_exit(Duration::from_secs(10)), Some(0));
    let dump = std::fs::read(s.dir.join("dump.rdb")).expect("dump.rdb written");
    assert!(dump.starts_with(b"REDIS0010"));
}

#[test]
fn debug_sleep_blocks_the_server() {
    let s = TestServer::start_with(&["--enable-debug-command", "local"]);
    let mut a = s.raw();
    let mut b = s.raw();
    assert_eq!(b.cmd(&["PING"]), "+PONG\r\n");
    a.send(&encode(&["DEBUG", "SLEEP", "0.3"]));
    std::thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    assert_eq!(b.cmd(&["PING"]), "+PONG\r\n");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(150), "PING answered after {waited:?}");
    assert_eq!(a.read_reply(), "+OK\r\n");
    assert_eq!(a.cmd(&["DEBUG", "SLEEP", "0"]), "+OK\r\n");
    assert_eq!(a.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]), "+OK\r\n");
    assert_eq!(a.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "1"]), "+OK\r\n");
    assert_eq!(a.cmd(&["DEBUG", "ERROR", "WRONG custom error"]), "-WRONG custom error\r\n");
    assert_eq!(
        a.cmd(&["DEBUG", "FOO"]),
        "-ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP.\r\n"
    );
    assert_eq!(a.cmd(&["DEBUG", "OBJECT", "nokey"]), "-ERR no such key\r\n");
    assert_eq!(a.cmd(&["SET", "foo", "bar"]), "+OK\r\n");
    let obj = a.cmd(&["DEBUG", "OBJECT", "foo"]);
    assert!(
        obj.starts_with("+Value at:0x") && obj.contains(" refcount:1 encoding:embstr serializedlength:4 lru:"),
        "{obj}"
    );
    assert_eq!(a.cmd(&["DEBUG", "PROTOCOL", "map"]), "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n");
    assert!(a.cmd(&["HELLO", "3"]).starts_with('%'));
    assert_eq!(a.cmd(&["DEBUG", "PROTOCOL", "map"]), "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
    assert_eq!(a.cmd(&["DEBUG", "PROTOCOL", "bignum"]), "(1234567999999999999999999999999999999\r\n");
}

#[test]
fn latency_monitor() {
    let s = TestServer::start_with(&["--enable-debug-command", "yes"]);
    let mut r = s.raw();
    assert!(bulk_body(&r.cmd(&["LATENCY", "DOCTOR"]))
        .starts_with("I'm sorry, Dave, I can't do that. Latency monitoring is disabled"));
    assert_eq!(r.cmd(&["LATENCY", "LATEST"]), "*0\r\n");
    assert_eq!(r.cmd(&["CONFIG", "SET", "latency-monitor-threshold", "10"]), "+OK\r\n");
    assert_eq!(r.cmd(&["DEBUG", "SLEEP", "0.05"]), "+OK\r\n");
    let latest = r.cmd(&["LATENCY", "LATEST"]);
    assert!(latest.starts_with("*1\r\n*4\r\n$7\r\ncommand\r\n:"), "{latest}");
    let parts: Vec<&str> = latest.split("\r\n").collect();
    let ms: u64 = parts[5][1..].parse().unwrap();
    assert!(ms >= 50, "{latest}");
    let hist = r.cmd(&["LATENCY", "HISTORY", "command"]);
    assert!(hist.starts_with("*1\r\n*2\r\n:"), "{hist}");
    assert_eq!(r.cmd(&["LATENCY", "HISTORY", "nosuch"]), "*0\r\n");
    assert!(bulk_body(&r.cmd(&["LATENCY", "DOCTOR"])).contains("1. command: 1 latency spikes"));
    assert_eq!(r.cmd(&["LATENCY", "RESET", "nosuch"]), ":0\r\n");
    assert_eq!(r.cmd(&["LATENCY", "RESET"]), ":1\r\n");
    assert_eq!(r.cmd(&["LATENCY", "LATEST"]), "*0\r\n");
}

#[test]
fn memory_and_time() {
    let s = TestServer::start();
    let mut r = s.raw();
    assert_eq!(r.cmd(&["SET", "foo", "bar"]), "+OK\r\n");
    // Same estimates as Redis 7 for the same data.
    assert_eq!(r.cmd(&["MEMORY", "USAGE", "foo"]), ":64\r\n");
    assert_eq!(r.cmd(&["SET", "n", "12345"]), "+OK\r\n");
    assert_eq!(r.cmd(&["MEMORY", "USAGE", "n", "SAMPLES", "0"]), ":48\r\n");
    assert_eq!(r.cmd(&["MEMORY", "USAGE", "nokey"]), "$-1\r\n");
    assert_eq!(r.cmd(&["MEMORY", "USAGE", "foo", "SAMPLES", "x"]), "-ERR value is not an integer or out of range\r\n");
    assert_eq!(r.cmd(&["MEMORY", "USAGE", "foo", "SAMPLES", "-1"]), "-ERR syntax error\r\n");
    assert_eq!(r.cmd(&["MEMORY", "USAGE", "foo", "BAR"]), "-ERR syntax error\r\n");
    let stats = r.cmd(&["MEMORY", "STATS"]);
    assert!(stats.starts_with("*"), "{stats}");
    for k in ["peak.allocated", "total.allocated", "db.0", "keys.count", "dataset.bytes", "fragmentation"] {
        assert!(stats.contains(&format!("${}\r\n{k}\r\n", k.len())), "{k}");
    }
    assert!(stats.contains("$10\r\nkeys.count\r\n:2\r\n"));
    assert!(bulk_body(&r.cmd(&["MEMORY", "DOCTOR"])).starts_with("Hi Sam"));
    assert_eq!(r.cmd(&["MEMORY", "PURGE"]), "+OK\r\n");

    // DEBUG is refused unless enable-debug-command allows it (Redis 7's default).
    assert_eq!(
        r.cmd(&["DEBUG", "SLEEP", "0"]),
        "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n"
    );
    assert_eq!(r.cmd(&["CONFIG", "GET", "enable-debug-command"]), "*2\r\n$20\r\nenable-debug-command\r\n$2\r\nno\r\n");

    let t = r.cmd(&["TIME"]);
    let parts: Vec<&str> = t.split("\r\n").collect();
    assert_eq!(parts[0], "*2");
    let secs: u64 = parts[2].parse().unwrap();
    let usec: u64 = parts[4].parse().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!(secs.abs_diff(now) <= 2);
    assert!(usec < 1_000_000);
    assert_eq!(r.cmd(&["TIME", "x"]), "-ERR wrong number of arguments for 'time' command\r\n");
}

#[test]
fn invalid_startup_option_exits_naming_it() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gears-server"))
            .args(args)
            .output()
            .expect("run gears-server");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, err) = run(&["--port", "0", "--maxmemory-policy", "nope"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("FATAL CONFIG FILE ERROR"), "{err}");
    assert!(err.contains(">>> 'maxmemory-policy \"nope\"'") || err.contains(">>> 'maxmemory-policy nope'"), "{err}");
    assert!(err.contains("argument(s) must be one of the following"), "{err}");
    let (code, err) = run(&["--port", "0", "--no-such-option", "1"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("no-such-option"), "{err}");
    assert!(err.contains("Bad directive or wrong number of arguments"), "{err}");
}
