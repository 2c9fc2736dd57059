//! Command handlers, one file per Redis command group. Each file ends with
//! its `COMMANDS` table; `TABLES` lists them all for the registry.

use gears_resp::Reply;

use crate::command::CommandSpec;

pub mod bitmap;
pub mod connection;
pub mod gears;
pub mod generic;
pub mod hash;
pub mod hyperloglog;
pub mod list;
pub mod persistence;
#[cfg(test)]
mod propagation_tests;
pub mod pubsub;
pub mod server;
pub mod set;
pub mod sorted_set;
pub mod stream;
pub mod string;
pub mod transactions;

pub static TABLES: &[&[CommandSpec]] = &[
    connection::COMMANDS,
    transactions::COMMANDS,
    string::COMMANDS,
    generic::COMMANDS,
    list::COMMANDS,
    set::COMMANDS,
    hash::COMMANDS,
    sorted_set::COMMANDS,
    stream::COMMANDS,
    bitmap::COMMANDS,
    hyperloglog::COMMANDS,
    pubsub::COMMANDS,
    server::COMMANDS,
    persistence::COMMANDS,
    gears::COMMANDS,
];

/// The reply of a `<CMD> HELP` subcommand, in Redis's layout.
pub fn help_reply(cmd: &str, lines: &[&str]) -> Reply {
    let mut v = vec![Reply::Status(bytes::Bytes::from(format!(
        "{cmd} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    )))];
    v.extend(lines.iter().map(|l| Reply::Status(bytes::Bytes::from(l.to_string()))));
    v.push(Reply::status("HELP"));
    v.push(Reply::status("    Prints this help."));
    Reply::Array(v)
}
