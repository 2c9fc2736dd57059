//! Connection commands: PING, ECHO, QUIT, RESET, SELECT, AUTH, HELLO, CLIENT.

use bytes::Bytes;
use gears_resp::{ErrorReply, Reply};

use crate::args::{eq_ic, parse_i64};
use crate::client::{ClientInfo, ConnMsg, ReplyMode};
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::Ctx;
use crate::state::unix_ms;

/// The Redis version we answer with (INFO, HELLO); clients gate features on it.
pub const REDIS_VERSION: &str = "7.4.0";

fn ping(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    if args.len() > 2 {
        return ErrorReply::wrong_arity("ping").into();
    }
    if ctx.client.in_pubsub_context() {
        let msg = args.get(1).cloned().unwrap_or_default();
        return Reply::Array(vec![Reply::bulk_str("pong"), Reply::Bulk(msg)]);
    }
    match args.get(1) {
        Some(m) => Reply::Bulk(m.clone()),
        None => Reply::status("PONG"),
    }
}

fn echo(_: &mut Ctx, args: &[Bytes]) -> Reply {
    Reply::Bulk(args[1].clone())
}

fn quit(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    ctx.client.close_after_reply = true;
    Reply::ok()
}

fn reset(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    super::transactions::discard_transaction(ctx.sh, ctx.client);
    super::transactions::unwatch_all(ctx.sh, ctx.client);
    ctx.sh.pubsub.remove_client(ctx.client);
    let c = &mut *ctx.client;
    c.channels.clear();
    c.patterns.clear();
    c.shard_channels.clear();
    if c.monitor {
        c.monitor = false;
        let id = c.id;
        ctx.sh.clients.monitors.retain(|m| *m != id);
    }
    c.db = 0;
    c.resp = 2;
    c.name = None;
    c.reply_mode = ReplyMode::On;
    c.no_evict = false;
    c.no_touch = false;
    c.authenticated = ctx.sh.config.requirepass.is_none();
    Reply::status("RESET")
}

pub fn select_db(ctx: &Ctx, arg: &[u8]) -> Result<usize, ErrorReply> {
    let n = parse_i64(arg)?;
    if n < 0 || n as usize >= ctx.sh.ks.db_count() {
        return Err(ErrorReply::db_index_out_of_range());
    }
    Ok(n as usize)
}

fn select(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match select_db(ctx, &args[1]) {
        Ok(db) => {
            ctx.client.db = db;
            Reply::ok()
        }
        Err(e) => e.into(),
    }
}

const WRONGPASS: ErrorReply = ErrorReply::new_static("WRONGPASS invalid username-password pair or user is disabled.");

/// Checks credentials for the default user (the only user until ACLs exist).
fn check_auth(ctx: &Ctx, user: Option<&[u8]>, pass: &[u8]) -> Result<(), ErrorReply> {
    if user.is_some_and(|u| u != b"default") {
        return Err(WRONGPASS);
    }
    match &ctx.sh.config.requirepass {
        // The default user is "nopass": any password is accepted.
        None => Ok(()),
        Some(p) if p.as_slice() == pass => Ok(()),
        Some(_) => Err(WRONGPASS),
    }
}

fn auth(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    if args.len() > 3 {
        return ErrorReply::syntax().into();
    }
    if args.len() == 2 && ctx.sh.config.requirepass.is_none() {
        return ErrorReply::new_static(
            "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
        )
        .into();
    }
    let (user, pass) = if args.len() == 3 { (Some(&args[1][..]), &args[2]) } else { (None, &args[1]) };
    match check_auth(ctx, user, pass) {
        Ok(()) => {
            ctx.client.authenticated = true;
            Reply::ok()
        }
        Err(e) => {
            ctx.srv.logger.verbose("Failed AUTH attempt");
            e.into()
        }
    }
}

fn hello(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let mut proto = None;
    let mut i = 1;
    if args.len() > 1 {
        let v = match parse_i64(&args[1]) {
            Ok(v) => v,
            Err(_) => return ErrorReply::new_static("ERR Protocol version is not an integer or out of range").into(),
        };
        if !(2..=3).contains(&v) {
            return ErrorReply::new_static("NOPROTO unsupported protocol version").into();
        }
        proto = Some(v as u8);
        i = 2;
    }
    let mut setname = None;
    let mut authed = false;
    while i < args.len() {
        let more = args.len() - i - 1;
        if eq_ic(&args[i], "auth") && more >= 2 {
            if let Err(e) = check_auth(ctx, Some(&args[i + 1]), &args[i + 2]) {
                return e.into();
            }
            authed = true;
            i += 3;
        } else if eq_ic(&args[i], "setname") && more >= 1 {
            if let Err(e) = validate_name(&args[i + 1], "Client names") {
                return e.into();
            }
            setname = Some(args[i + 1].clone());
            i += 2;
        } else {
            return ErrorReply::err(format_args!(
                "Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(&args[i])
            ))
            .into();
        }
    }
    if authed {
        ctx.client.authenticated = true;
    }
    if !ctx.client.authenticated {
        return ErrorReply::new_static("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time").into();
    }
    if let Some(n) = setname {
        ctx.client.name = if n.is_empty() { None } else { Some(n) };
    }
    if let Some(p) = proto {
        ctx.client.resp = p;
    }
    Reply::Map(vec![
        (Reply::bulk_str("server"), Reply::bulk_str("redis")),
        (Reply::bulk_str("version"), Reply::bulk_str(REDIS_VERSION)),
        (Reply::bulk_str("proto"), Reply::Int(ctx.client.resp as i64)),
        (Reply::bulk_str("id"), Reply::Int(ctx.client.id as i64)),
        (Reply::bulk_str("mode"), Reply::bulk_str("standalone")),
        (Reply::bulk_str("role"), Reply::bulk_str("master")),
        (Reply::bulk_str("modules"), Reply::Array(vec![])),
    ])
}

/// Names (client names, lib names) may not contain spaces, newlines or
/// other characters outside '!'..='~'.
fn validate_name(name: &[u8], what: &str) -> Result<(), ErrorReply> {
    if name.iter().any(|&c| !(b'!'..=b'~').contains(&c)) {
        return Err(ErrorReply::err(format_args!("{what} cannot contain spaces, newlines or special characters.")));
    }
    Ok(())
}

// ---- CLIENT ----------------------------------------------------------------

fn client_id(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::Int(ctx.client.id as i64)
}

fn client_setname(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    if let Err(e) = validate_name(&args[2], "Client names") {
        return e.into();
    }
    ctx.client.name = if args[2].is_empty() { None } else { Some(args[2].clone()) };
    Reply::ok()
}

fn client_getname(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    match &ctx.client.name {
        Some(n) => Reply::Bulk(n.clone()),
        None => Reply::Null,
    }
}

fn client_setinfo(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let (attr, val) = (&args[2], &args[3]);
    let is_name = eq_ic(attr, "lib-name");
    if !is_name && !eq_ic(attr, "lib-ver") {
        return ErrorReply::err(format_args!("Unrecognized option '{}'", String::from_utf8_lossy(attr))).into();
    }
    let what = if is_name { "lib-name" } else { "lib-ver" };
    if let Err(e) = validate_name(val, what) {
        return e.into();
    }
    let v = if val.is_empty() { None } else { Some(val.clone()) };
    if is_name {
        ctx.client.lib_name = v;
    } else {
        ctx.client.lib_ver = v;
    }
    Reply::ok()
}

/// The registry's view of every client, with this client's line fresh.
fn client_infos(ctx: &mut Ctx) -> Vec<ClientInfo> {
    let now = unix_ms();
    let me = ctx.client.id;
    let mut v: Vec<ClientInfo> = ctx.sh.clients.map.values().filter(|c| c.id != me).cloned().collect();
    let mut mine = ClientInfo::from_client(ctx.client, now);
    mine.last_cmd = ctx.cmd.full_name;
    if let Some(old) = ctx.sh.clients.map.get(&me) {
        mine.created_ms = old.created_ms;
    }
    v.push(mine);
    v.sort_by_key(|c| c.id);
    v
}

fn verbatim(ctx: &Ctx, text: String) -> Reply {
    let _ = ctx;
    Reply::Verbatim("txt", Bytes::from(text))
}

fn client_list(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let now = unix_ms();
    let mut ids: Option<Vec<u64>> = None;
    let mut kind: Option<String> = None;
    let mut i = 2;
    while i < args.len() {
        if eq_ic(&args[i], "type") && i + 1 < args.len() {
            let t = String::from_utf8_lossy(&args[i + 1]).to_ascii_lowercase();
            if !matches!(t.as_str(), "normal" | "master" | "replica" | "slave" | "pubsub") {
                return ErrorReply::err(format_args!(
                    "Unknown client type '{}'",
                    String::from_utf8_lossy(&args[i + 1])
                ))
                .into();
            }
            kind = Some(t);
            i += 2;
        } else if eq_ic(&args[i], "id") && i + 1 < args.len() {
            let mut v = vec![];
            i += 1;
            while i < args.len() {
                match parse_i64(&args[i]) {
                    Ok(n) if n > 0 => v.push(n as u64),
                    _ => return ErrorReply::new_static("ERR Invalid client ID").into(),
                }
                i += 1;
            }
            ids = Some(v);
        } else {
            return ErrorReply::syntax().into();
        }
    }
    let mut text = String::new();
    for c in client_infos(ctx) {
        if ids.as_ref().is_some_and(|ids| !ids.contains(&c.id)) {
            continue;
        }
        if let Some(k) = &kind {
            let pubsub = c.sub + c.psub + c.ssub > 0;
            let ok = match k.as_str() {
                "pubsub" => pubsub,
                "normal" => !pubsub,
                _ => false,
            };
            if !ok {
                continue;
            }
        }
        text.push_str(&c.list_line(now));
        text.push('\n');
    }
    verbatim(ctx, text)
}

fn client_info(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    let now = unix_ms();
    let mut info = ClientInfo::from_client(ctx.client, now);
    info.last_cmd = ctx.cmd.full_name;
    if let Some(old) = ctx.sh.clients.map.get(&ctx.client.id) {
        info.created_ms = old.created_ms;
    }
    let mut line = info.list_line(now);
    line.push('\n');
    verbatim(ctx, line)
}

fn client_kill(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    // Old form: CLIENT KILL addr:port
    if args.len() == 3 {
        let addr = String::from_utf8_lossy(&args[2]).into_owned();
        let target = ctx.sh.clients.map.values().find(|c| c.addr == addr).map(|c| c.id);
        let target = target.or_else(|| (ctx.client.addr == addr).then_some(ctx.client.id));
        return match target {
            Some(id) => {
                kill(ctx, id);
                Reply::ok()
            }
            None => ErrorReply::new_static("ERR No such client").into(),
        };
    }
    if !args.len().is_multiple_of(2) {
        return ErrorReply::syntax().into();
    }
    let mut id_f = None;
    let mut addr_f = None;
    let mut laddr_f = None;
    let mut type_f: Option<String> = None;
    let mut user_f = None;
    let mut skipme = true;
    let mut maxage = None;
    for pair in args[2..].chunks(2) {
        let (k, v) = (&pair[0], &pair[1]);
        let vs = String::from_utf8_lossy(v).into_owned();
        if eq_ic(k, "id") {
            match parse_i64(v) {
                Ok(n) if n > 0 => id_f = Some(n as u64),
                _ => return ErrorReply::new_static("ERR client-id should be greater than 0").into(),
            }
        } else if eq_ic(k, "addr") {
            addr_f = Some(vs);
        } else if eq_ic(k, "laddr") {
            laddr_f = Some(vs);
        } else if eq_ic(k, "type") {
            let t = vs.to_ascii_lowercase();
            if !matches!(t.as_str(), "normal" | "master" | "replica" | "slave" | "pubsub") {
                return ErrorReply::err(format_args!("Unknown client type '{vs}'")).into();
            }
            type_f = Some(t);
        } else if eq_ic(k, "user") {
            user_f = Some(vs);
        } else if eq_ic(k, "skipme") {
            if eq_ic(v, "yes") {
                skipme = true;
            } else if eq_ic(v, "no") {
                skipme = false;
            } else {
                return ErrorReply::syntax().into();
            }
        } else if eq_ic(k, "maxage") {
            match parse_i64(v) {
                Ok(n) if n >= 0 => maxage = Some(n as u64),
                _ => return ErrorReply::syntax().into(),
            }
        } else {
            return ErrorReply::syntax().into();
        }
    }
    let now = unix_ms();
    let me = ctx.client.id;
    let victims: Vec<u64> = client_infos(ctx)
        .into_iter()
        .filter(|c| id_f.is_none_or(|id| c.id == id))
        .filter(|c| addr_f.as_ref().is_none_or(|a| &c.addr == a))
        .filter(|c| laddr_f.as_ref().is_none_or(|a| &c.laddr == a))
        .filter(|_| user_f.as_ref().is_none_or(|u| u == "default"))
        .filter(|c| {
            type_f.as_ref().is_none_or(|t| {
                let pubsub = c.sub + c.psub + c.ssub > 0;
                match t.as_str() {
                    "pubsub" => pubsub,
                    "normal" => !pubsub,
                    _ => false,
                }
            })
        })
        .filter(|c| maxage.is_none_or(|m| now.saturating_sub(c.created_ms) / 1000 >= m))
        .filter(|c| !(skipme && c.id == me))
        .map(|c| c.id)
        .collect();
    for id in &victims {
        kill(ctx, *id);
    }
    Reply::Int(victims.len() as i64)
}

fn kill(ctx: &mut Ctx, id: u64) {
    if id == ctx.client.id {
        ctx.client.close_after_reply = true;
    } else if let Some(c) = ctx.sh.clients.map.get(&id) {
        let _ = c.tx.send(ConnMsg::Kill);
    }
}

fn client_reply(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let m = &args[2];
    ctx.client.reply_mode = if eq_ic(m, "on") {
        ReplyMode::On
    } else if eq_ic(m, "off") {
        ReplyMode::Off
    } else if eq_ic(m, "skip") {
        ReplyMode::Skip
    } else {
        return ErrorReply::syntax().into();
    };
    Reply::ok()
}

fn on_off(arg: &[u8]) -> Option<bool> {
    if eq_ic(arg, "on") {
        Some(true)
    } else if eq_ic(arg, "off") {
        Some(false)
    } else {
        None
    }
}

fn client_no_evict(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match on_off(&args[2]) {
        Some(b) => {
            ctx.client.no_evict = b;
            Reply::ok()
        }
        None => ErrorReply::syntax().into(),
    }
}

fn client_no_touch(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    match on_off(&args[2]) {
        Some(b) => {
            ctx.client.no_touch = b;
            Reply::ok()
        }
        None => ErrorReply::syntax().into(),
    }
}

fn client_unblock(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let id = match parse_i64(&args[2]) {
        Ok(n) => n,
        Err(e) => return e.into(),
    };
    let error = match args.get(3) {
        None => false,
        Some(a) if eq_ic(a, "timeout") => false,
        Some(a) if eq_ic(a, "error") => true,
        Some(_) => return ErrorReply::new_static("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR").into(),
    };
    let reply = error.then_some(Reply::Error(crate::blocking::UNBLOCKED_ERROR));
    Reply::Int(crate::blocking::finish(ctx.sh, id as u64, reply) as i64)
}

fn client_getredir(_: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::Int(-1)
}

fn client_help(_: &mut Ctx, _: &[Bytes]) -> Reply {
    super::help_reply(
        "CLIENT",
        &[
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "    * ID <client-id>",
            "      Kill connections by client id.",
            "    * MAXAGE <maxage>",
            "      Kill connections older than the specified age.",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
            "NO-TOUCH (ON|OFF)",
            "    Will not touch LRU/LFU stats when this mode is on.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "SETINFO <option> <value>",
            "    Set client meta attr. Options are:",
            "    * LIB-NAME: the client lib name.",
            "    * LIB-VER: the client lib version.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "GETREDIR",
            "    Return the client ID we are redirecting to when tracking is enabled.",
        ],
    )
}

const CONN: &str = "connection";
const PSC: u32 = PUBSUB_CONTEXT;

pub static CLIENT_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Returns the unique client ID of the connection.",
        since: "5.0.0",
        ..CommandSpec::new("id", 2, NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_id)
    },
    CommandSpec {
        summary: "Sets the connection name.",
        since: "2.6.9",
        ..CommandSpec::new("setname", 3, NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_setname)
    },
    CommandSpec {
        summary: "Returns the name of the connection.",
        since: "2.6.9",
        ..CommandSpec::new("getname", 2, NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_getname)
    },
    CommandSpec {
        summary: "Sets information specific to the client or connection.",
        since: "7.2.0",
        ..CommandSpec::new("setinfo", 4, NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_setinfo)
    },
    CommandSpec {
        summary: "Lists open connections.",
        since: "2.4.0",
        ..CommandSpec::new("list", -2, ADMIN | NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_list)
    },
    CommandSpec {
        summary: "Returns information about the connection.",
        since: "6.2.0",
        ..CommandSpec::new("info", 2, NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_info)
    },
    CommandSpec {
        summary: "Terminates open connections.",
        since: "2.4.0",
        ..CommandSpec::new("kill", -3, ADMIN | NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_kill)
    },
    CommandSpec {
        summary: "Instructs the server whether to reply to commands.",
        since: "3.2.0",
        ..CommandSpec::new("reply", 3, NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_reply)
    },
    CommandSpec {
        summary: "Sets the client eviction mode of the connection.",
        since: "7.0.0",
        ..CommandSpec::new("no-evict", 3, ADMIN | NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_no_evict)
    },
    CommandSpec {
        summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
        since: "7.2.0",
        ..CommandSpec::new("no-touch", 3, NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_no_touch)
    },
    CommandSpec {
        summary: "Returns the client ID to which the connection's tracking notifications are redirected.",
        since: "6.0.0",
        ..CommandSpec::new("getredir", 2, NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_getredir)
    },
    CommandSpec {
        summary: "Unblocks a client blocked by a blocking command from a different connection.",
        since: "5.0.0",
        complexity: "O(log N) where N is the number of client connections",
        ..CommandSpec::new("unblock", -3, ADMIN | NOSCRIPT | LOADING | STALE, Keys::None, CONN, client_unblock)
    },
    CommandSpec {
        summary: "Returns helpful text about the different subcommands.",
        since: "5.0.0",
        ..CommandSpec::new("help", 2, LOADING | STALE, Keys::None, CONN, client_help)
    },
];

fn container(_: &mut Ctx, _: &[Bytes]) -> Reply {
    // Never called: dispatch resolves a subcommand first.
    ErrorReply::syntax().into()
}

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Returns the server's liveliness response.",
        complexity: "O(1)",
        ..CommandSpec::new("ping", -1, FAST | PSC, Keys::None, CONN, ping)
    },
    CommandSpec {
        summary: "Returns the given string.",
        complexity: "O(1)",
        ..CommandSpec::new("echo", 2, FAST, Keys::None, CONN, echo)
    },
    CommandSpec {
        summary: "Closes the connection.",
        complexity: "O(1)",
        ..CommandSpec::new(
            "quit",
            -1,
            ALLOW_BUSY | NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | PSC | MULTI_CONTROL,
            Keys::None,
            CONN,
            quit,
        )
    },
    CommandSpec {
        summary: "Resets the connection.",
        since: "6.2.0",
        complexity: "O(1)",
        ..CommandSpec::new(
            "reset",
            1,
            NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY | PSC | MULTI_CONTROL,
            Keys::None,
            CONN,
            reset,
        )
    },
    CommandSpec {
        summary: "Changes the selected database.",
        complexity: "O(1)",
        ..CommandSpec::new("select", 2, LOADING | STALE | FAST, Keys::None, CONN, select)
    },
    CommandSpec {
        summary: "Authenticates the connection.",
        complexity: "O(N) where N is the number of passwords defined for the user",
        ..CommandSpec::new("auth", -2, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY, Keys::None, CONN, auth)
    },
    CommandSpec {
        summary: "Handshakes with the Redis server.",
        since: "6.0.0",
        complexity: "O(1)",
        ..CommandSpec::new(
            "hello",
            -1,
            NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
            Keys::None,
            CONN,
            hello,
        )
    },
    CommandSpec {
        summary: "A container for client connection commands.",
        since: "2.4.0",
        subcommands: CLIENT_SUBCOMMANDS,
        ..CommandSpec::new("client", -2, 0, Keys::None, CONN, container)
    },
];
