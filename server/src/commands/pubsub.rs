//! Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and
//! the PUBSUB introspection container.
//!
//! A (un)subscribe command confirms every channel with its own frame,
//! `[kind, channel, count]` (an array in RESP2, a push in RESP3), while a
//! handler returns one `Reply`. The frames are therefore encoded here, for the
//! client's protocol, into a single `Reply::Raw`: one reply for the
//! dispatcher, so inside EXEC they sit in the transaction's array exactly
//! where Redis writes them, and nothing else needs to know about sequences.
//! Under CLIENT REPLY OFF Redis still writes these frames (they are pushes),
//! so then they go through `self_push`, which bypasses the reply mode.

use std::collections::HashSet;

use bytes::{Bytes, BytesMut};
use gears_resp::{sanitize, ErrorReply, Reply};
use gears_store::glob::glob_match;

use crate::client::{Client, ReplyMode};
use crate::command::{flags::*, CommandSpec, Keys};
use crate::dispatch::Ctx;
use crate::pubsub::{self, Kind};

/// One subscribe/unsubscribe confirmation frame. `channel` is `None` when an
/// unsubscribe-all finds nothing to drop (Redis answers a null channel).
fn confirmation(kind: &'static str, channel: Option<&Bytes>, count: usize) -> Reply {
    Reply::Push(vec![
        Reply::Bulk(Bytes::from_static(kind.as_bytes())),
        channel.map_or(Reply::Null, |c| Reply::Bulk(c.clone())),
        Reply::Int(count as i64),
    ])
}

/// Emits a run of frames as this command's reply (see the module docs).
fn frames(ctx: &mut Ctx, frames: Vec<Reply>) -> Reply {
    let resp = ctx.client.resp;
    if ctx.client.reply_mode == ReplyMode::Off {
        for f in &frames {
            ctx.client.self_push.push(f.to_bytes(resp));
        }
        return Reply::Raw(Bytes::new());
    }
    let mut out = BytesMut::new();
    for f in &frames {
        f.encode(resp, &mut out);
    }
    Reply::Raw(out.freeze())
}

/// The client's own subscription set of one kind.
fn client_set(client: &mut Client, kind: Kind) -> &mut HashSet<Bytes> {
    match kind {
        Kind::Channel => &mut client.channels,
        Kind::Pattern => &mut client.patterns,
        Kind::Shard => &mut client.shard_channels,
    }
}

/// The count a confirmation carries: channels + patterns, or shard channels.
fn count(ctx: &Ctx, kind: Kind) -> usize {
    match kind {
        Kind::Channel | Kind::Pattern => ctx.client.subscriptions(),
        Kind::Shard => ctx.client.shard_channels.len(),
    }
}

fn do_subscribe(ctx: &mut Ctx, args: &[Bytes], kind: Kind, name: &'static str) -> Reply {
    let mut out = Vec::with_capacity(args.len() - 1);
    for ch in &args[1..] {
        if client_set(ctx.client, kind).insert(ch.clone()) {
            ctx.sh.pubsub.add(kind, ch, ctx.client.id);
        }
        out.push(confirmation(name, Some(ch), count(ctx, kind)));
    }
    frames(ctx, out)
}

fn do_unsubscribe(ctx: &mut Ctx, args: &[Bytes], kind: Kind, name: &'static str) -> Reply {
    let names: Vec<Bytes> = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        // Redis walks its dict (no useful order); sorted is at least stable.
        let mut v: Vec<Bytes> = client_set(ctx.client, kind).iter().cloned().collect();
        v.sort();
        v
    };
    if names.is_empty() {
        let n = count(ctx, kind);
        return frames(ctx, vec![confirmation(name, None, n)]);
    }
    let mut out = Vec::with_capacity(names.len());
    for ch in &names {
        if client_set(ctx.client, kind).remove(ch) {
            ctx.sh.pubsub.remove(kind, ch, ctx.client.id);
        }
        out.push(confirmation(name, Some(ch), count(ctx, kind)));
    }
    frames(ctx, out)
}

fn subscribe(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    do_subscribe(ctx, args, Kind::Channel, "subscribe")
}

fn unsubscribe(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    do_unsubscribe(ctx, args, Kind::Channel, "unsubscribe")
}

fn psubscribe(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    do_subscribe(ctx, args, Kind::Pattern, "psubscribe")
}

fn punsubscribe(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    do_unsubscribe(ctx, args, Kind::Pattern, "punsubscribe")
}

fn ssubscribe(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    do_subscribe(ctx, args, Kind::Shard, "ssubscribe")
}

fn sunsubscribe(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    do_unsubscribe(ctx, args, Kind::Shard, "sunsubscribe")
}

fn publish(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let n = pubsub::publish(ctx.sh, Some(&mut *ctx.client), &args[1], &args[2]);
    Reply::Int(n as i64)
}

fn spublish(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    let n = pubsub::spublish(ctx.sh, Some(&mut *ctx.client), &args[1], &args[2]);
    Reply::Int(n as i64)
}

// ---- PUBSUB ----------------------------------------------------------------

/// Redis's addReplySubcommandSyntaxError.
fn sub_syntax_error(args: &[Bytes]) -> Reply {
    ErrorReply::err(format_args!(
        "unknown subcommand or wrong number of arguments for '{}'. Try PUBSUB HELP.",
        sanitize(&args[1], 128)
    ))
    .into()
}

/// CHANNELS / SHARDCHANNELS: active names matching an optional pattern.
fn list_channels(ctx: &mut Ctx, args: &[Bytes], kind: Kind) -> Reply {
    if args.len() > 3 {
        return sub_syntax_error(args);
    }
    let pattern = args.get(2);
    let map = match kind {
        Kind::Shard => &ctx.sh.pubsub.shard_channels,
        _ => &ctx.sh.pubsub.channels,
    };
    let names: Vec<Reply> = map
        .keys()
        .filter(|ch| pattern.is_none_or(|p| glob_match(p, ch, false)))
        .map(|ch| Reply::Bulk(ch.clone()))
        .collect();
    Reply::Array(names)
}

/// NUMSUB / SHARDNUMSUB: a flat channel, count, ... array in argument order.
fn count_subscribers(ctx: &mut Ctx, args: &[Bytes], kind: Kind) -> Reply {
    let map = match kind {
        Kind::Shard => &ctx.sh.pubsub.shard_channels,
        _ => &ctx.sh.pubsub.channels,
    };
    let mut out = Vec::with_capacity(2 * (args.len() - 2));
    for ch in &args[2..] {
        out.push(Reply::Bulk(ch.clone()));
        out.push(Reply::Int(map.get(ch).map_or(0, |ids| ids.len()) as i64));
    }
    Reply::Array(out)
}

fn pubsub_channels(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    list_channels(ctx, args, Kind::Channel)
}

fn pubsub_shardchannels(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    list_channels(ctx, args, Kind::Shard)
}

fn pubsub_numsub(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    count_subscribers(ctx, args, Kind::Channel)
}

fn pubsub_shardnumsub(ctx: &mut Ctx, args: &[Bytes]) -> Reply {
    count_subscribers(ctx, args, Kind::Shard)
}

/// The number of distinct patterns subscribed to (by any client).
fn pubsub_numpat(ctx: &mut Ctx, _: &[Bytes]) -> Reply {
    Reply::Int(ctx.sh.pubsub.patterns.len() as i64)
}

fn pubsub_help(_: &mut Ctx, _: &[Bytes]) -> Reply {
    super::help_reply(
        "PUBSUB",
        &[
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
        ],
    )
}

fn container(_: &mut Ctx, _: &[Bytes]) -> Reply {
    // Never called: dispatch resolves a subcommand first.
    ErrorReply::syntax().into()
}

const PS: &str = "pubsub";
/// Allowed while a RESP2 client is subscribed.
const PSC: u32 = PUBSUB_CONTEXT;
/// SSUBSCRIBE/SUNSUBSCRIBE/SPUBLISH declare their shard channels where keys go
/// (Redis's key specs flag them NOT_KEY), so cluster routing can hash them.
const ALL_CHANNELS: Keys = Keys::Range { first: 1, last: -1, step: 1 };

pub static PUBSUB_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec { summary: "Returns the active channels.", since: "2.8.0", complexity: "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)", ..CommandSpec::new("channels", -2, PUBSUB | LOADING | STALE, Keys::None, PS, pubsub_channels) },
    CommandSpec { summary: "Returns a count of subscribers to channels.", since: "2.8.0", complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels", ..CommandSpec::new("numsub", -2, PUBSUB | LOADING | STALE, Keys::None, PS, pubsub_numsub) },
    CommandSpec { summary: "Returns a count of unique pattern subscriptions.", since: "2.8.0", complexity: "O(1)", ..CommandSpec::new("numpat", 2, PUBSUB | LOADING | STALE, Keys::None, PS, pubsub_numpat) },
    CommandSpec { summary: "Returns the active shard channels.", since: "7.0.0", complexity: "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).", ..CommandSpec::new("shardchannels", -2, PUBSUB | LOADING | STALE, Keys::None, PS, pubsub_shardchannels) },
    CommandSpec { summary: "Returns the count of subscribers of shard channels.", since: "7.0.0", complexity: "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels", ..CommandSpec::new("shardnumsub", -2, PUBSUB | LOADING | STALE, Keys::None, PS, pubsub_shardnumsub) },
    CommandSpec { summary: "Returns helpful text about the different subcommands.", since: "6.2.0", complexity: "O(1)", ..CommandSpec::new("help", 2, LOADING | STALE, Keys::None, PS, pubsub_help) },
];

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec { summary: "Listens for messages published to channels.", since: "2.0.0", complexity: "O(N) where N is the number of channels to subscribe to.", ..CommandSpec::new("subscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE | PSC, Keys::None, PS, subscribe) },
    CommandSpec { summary: "Stops listening to messages posted to channels.", since: "2.0.0", complexity: "O(N) where N is the number of clients already subscribed to a channel.", ..CommandSpec::new("unsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE | PSC, Keys::None, PS, unsubscribe) },
    CommandSpec { summary: "Listens for messages published to channels that match one or more patterns.", since: "2.0.0", complexity: "O(N) where N is the number of patterns the client is already subscribed to.", ..CommandSpec::new("psubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE | PSC, Keys::None, PS, psubscribe) },
    CommandSpec { summary: "Stops listening to messages published to channels that match one or more patterns.", since: "2.0.0", complexity: "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).", ..CommandSpec::new("punsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE | PSC, Keys::None, PS, punsubscribe) },
    CommandSpec { summary: "Listens for messages published to shard channels.", since: "7.0.0", complexity: "O(N) where N is the number of shard channels to subscribe to.", ..CommandSpec::new("ssubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE | PSC, ALL_CHANNELS, PS, ssubscribe) },
    CommandSpec { summary: "Stops listening to messages posted to shard channels.", since: "7.0.0", complexity: "O(N) where N is the number of clients already subscribed to a shard channel.", ..CommandSpec::new("sunsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE | PSC, ALL_CHANNELS, PS, sunsubscribe) },
    CommandSpec { summary: "Posts a message to a channel.", since: "2.0.0", complexity: "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).", ..CommandSpec::new("publish", 3, PUBSUB | LOADING | STALE | FAST, Keys::None, PS, publish) },
    CommandSpec { summary: "Post a message to a shard channel", since: "7.0.0", complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.", ..CommandSpec::new("spublish", 3, PUBSUB | LOADING | STALE | FAST, Keys::Range { first: 1, last: 1, step: 1 }, PS, spublish) },
    CommandSpec { summary: "A container for Pub/Sub commands.", since: "2.8.0", complexity: "Depends on subcommand.", subcommands: PUBSUB_SUBCOMMANDS, ..CommandSpec::new("pubsub", -2, 0, Keys::None, PS, container) },
];
