//! RedisGears commands (RG.*): batch executions, their results, the engine's
//! configuration and introspection. The work happens in gears-engine; these
//! handlers parse, check the context, and hand over. Commands that wait for
//! an execution (RG.PYEXECUTE, RG.GETRESULTSBLOCKING, RG.ABORTEXECUTION)
//! park the client and reply when the engine calls back.

use bytes::{Bytes, BytesMut};
use gears_engine::{engine, error_reply, Engine, Responder};
use gears_resp::{ErrorReply, Reply};

use crate::client::ConnMsg;
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::Ctx;

const NOT_HERE: &str = "Can not run gears inside a multi exec, lua, or when blocking is not allowed";

fn with_engine(f: impl FnOnce(&'static Engine) -> Reply) -> Reply {
    match engine() {
        Some(e) => f(e),
        None => Reply::err(ErrorReply::err("Gears engine is not running")),
    }
}

/// The shape of the commands that wait for an execution: they may not wait
/// inside MULTI/EXEC or a Gears execution; `prepare` checks the arguments
/// (its error is the reply); then the client is parked and `start` hands the
/// responder to the engine.
fn waiting<T>(
    ctx: &mut Ctx,
    prepare: impl FnOnce() -> Result<T, Reply>,
    start: impl FnOnce(&'static Engine, T, Responder),
) -> Reply {
    with_engine(|e| {
        if ctx.client.in_exec || ctx.client.is_gears {
            return error_reply(NOT_HERE);
        }
        match prepare() {
            Ok(t) => {
                start(e, t, defer(ctx));
                Reply::Null
            }
            Err(r) => r,
        }
    })
}

/// Parks the client; the returned responder delivers its reply.
fn defer(ctx: &mut Ctx) -> Responder {
    ctx.client.blocked = true;
    let tx = ctx.client.tx.clone();
    let resp = ctx.client.resp;
    Box::new(move |reply: Reply| {
        let mut out = BytesMut::new();
        reply.encode(resp, &mut out);
        let _ = tx.send(ConnMsg::Unblocked(out.freeze()));
    })
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn pyexecute(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    waiting(
        ctx,
        || gears_engine::parse_pyexecute(&args[2..]),
        |e, opts, respond| e.py_execute(args[1].to_vec(), opts, respond),
    )
}

fn getresults(_: &mut Ctx, args: &[Bytes]) -> Reply {
    with_engine(|e| e.get_results(&args[1]))
}

fn getresultsblocking(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    waiting(ctx, || Ok(()), |e, (), respond| e.get_results_blocking(&args[1], respond))
}

fn abortexecution(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    waiting(ctx, || Ok(()), |e, (), respond| e.abort_execution(&args[1], respond))
}

fn dropexecution(_: &mut Ctx, args: &[Bytes]) -> Reply {
    with_engine(|e| e.drop_execution(&args[1]))
}

fn dumpexecutions(_: &mut Ctx, _: &[Bytes]) -> Reply {
    with_engine(|e| e.dump_executions())
}

fn getexecution(_: &mut Ctx, args: &[Bytes]) -> Reply {
    if args.len() > 3 {
        return Reply::err(ErrorReply::wrong_arity("rg.getexecution"));
    }
    with_engine(|e| e.get_execution(&args[1], args.get(2).map(|b| &b[..])))
}

fn configget(_: &mut Ctx, args: &[Bytes]) -> Reply {
    let names: Vec<String> = args[1..].iter().map(|a| text(a)).collect();
    with_engine(|e| e.config_get(&names))
}

fn configset(_: &mut Ctx, args: &[Bytes]) -> Reply {
    if !(args.len() - 1).is_multiple_of(2) {
        return Reply::err(ErrorReply::wrong_arity("rg.configset"));
    }
    let pairs: Vec<(String, String)> = args[1..].chunks(2).map(|p| (text(&p[0]), text(&p[1]))).collect();
    with_engine(|e| e.config_set(&pairs))
}

fn pystats(_: &mut Ctx, _: &[Bytes]) -> Reply {
    let (total, peak, curr) = gears_engine::alloc::stats();
    Reply::Array(vec![
        Reply::bulk_str("TotalAllocated"),
        Reply::Int(total as i64),
        Reply::bulk_str("PeakAllocated"),
        Reply::Int(peak),
        Reply::bulk_str("CurrAllocated"),
        Reply::Int(curr),
    ])
}

fn pydumpsessions(_: &mut Ctx, args: &[Bytes]) -> Reply {
    with_engine(|e| e.dump_sessions(&args[1..]))
}

fn infocluster(_: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::bulk_str("no cluster mode")
}

fn refreshcluster(_: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::ok()
}

/// No registrations exist until register() lands; these answer for an empty set.
fn dumpregistrations(_: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::Array(vec![])
}

fn unregister(_: &mut Ctx, _: &[Bytes]) -> Reply {
    error_reply("execution is not registered")
}

fn pydumpreqs(_: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::Array(vec![])
}

/// The `# rg` section of INFO.
pub fn info_section() -> String {
    let (total, peak, curr) = gears_engine::alloc::stats();
    let (execs, sessions) = engine().map(|e| (e.executions_count(), e.sessions_count())).unwrap_or((0, 0));
    format!(
        "rg_nexecutions:{execs}\r\nrg_nregistrations:0\r\nrg_nsessions:{sessions}\r\nrg_TotalAllocated:{total}\r\nrg_PeakAllocated:{peak}\r\nrg_CurrAllocated:{curr}\r\n"
    )
}

const G: &str = "gears";
const N: Keys = Keys::None;

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        summary: "Runs a RedisGears Python script: its run() result, an execution id (UNBLOCKING), or OK.",
        since: "1.0.0",
        ..CommandSpec::new("rg.pyexecute", -2, NOSCRIPT | SKIP_SLOWLOG, N, G, pyexecute)
    },
    CommandSpec {
        summary: "The results and errors of a finished execution.",
        ..CommandSpec::new("rg.getresults", 2, READONLY, N, G, getresults)
    },
    CommandSpec {
        summary: "The results and errors of an execution, waiting until it finishes.",
        ..CommandSpec::new("rg.getresultsblocking", 2, READONLY | NOSCRIPT, N, G, getresultsblocking)
    },
    CommandSpec {
        summary: "Aborts an execution.",
        ..CommandSpec::new("rg.abortexecution", 2, READONLY | NOSCRIPT, N, G, abortexecution)
    },
    CommandSpec {
        summary: "Removes a finished execution.",
        ..CommandSpec::new("rg.dropexecution", 2, READONLY, N, G, dropexecution)
    },
    CommandSpec {
        summary: "Lists the executions of this shard.",
        ..CommandSpec::new("rg.dumpexecutions", 1, READONLY, N, G, dumpexecutions)
    },
    CommandSpec {
        summary: "An execution's plan, status, errors and step durations.",
        ..CommandSpec::new("rg.getexecution", -2, READONLY, N, G, getexecution)
    },
    CommandSpec { summary: "Reads Gears settings.", ..CommandSpec::new("rg.configget", -2, READONLY, N, G, configget) },
    CommandSpec {
        summary: "Changes Gears settings at runtime.",
        ..CommandSpec::new("rg.configset", -3, READONLY, N, G, configset)
    },
    CommandSpec {
        summary: "Memory used by the embedded Python.",
        ..CommandSpec::new("rg.pystats", 1, READONLY, N, G, pystats)
    },
    CommandSpec {
        summary: "Lists Python sessions.",
        ..CommandSpec::new("rg.pydumpsessions", -1, READONLY, N, G, pydumpsessions)
    },
    CommandSpec {
        summary: "Cluster topology as Gears sees it.",
        ..CommandSpec::new("rg.infocluster", 1, READONLY, N, G, infocluster)
    },
    CommandSpec {
        summary: "Re-reads the cluster topology.",
        ..CommandSpec::new("rg.refreshcluster", 1, READONLY, N, G, refreshcluster)
    },
    CommandSpec {
        summary: "Lists registrations.",
        ..CommandSpec::new("rg.dumpregistrations", 1, READONLY, N, G, dumpregistrations)
    },
    CommandSpec {
        summary: "Removes a registration.",
        ..CommandSpec::new("rg.unregister", -2, READONLY, N, G, unregister)
    },
    CommandSpec {
        summary: "Lists installed Python requirements.",
        ..CommandSpec::new("rg.pydumpreqs", 1, READONLY, N, G, pydumpreqs)
    },
];
