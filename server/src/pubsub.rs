//! Pub/Sub delivery: who listens to which channel or pattern, publishing, and
//! turning keyspace events into `__keyspace@N__` / `__keyevent@N__` messages.
//!
//! Messages are encoded once per protocol (RESP2 array, RESP3 push) and
//! handed to each subscriber's connection task; a client that receives its
//! own publication gets it in front of the command's reply, as in Redis.

use std::collections::HashMap;

use bytes::Bytes;
use gears_resp::Reply;
use gears_store::{glob::glob_match, notify, ClientId};

use crate::client::Client;
use crate::state::Shared;

#[derive(Default)]
pub struct PubSub {
    pub channels: HashMap<Bytes, Vec<ClientId>>,
    pub patterns: HashMap<Bytes, Vec<ClientId>>,
    pub shard_channels: HashMap<Bytes, Vec<ClientId>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Channel,
    Pattern,
    Shard,
}

impl PubSub {
    fn map(&mut self, kind: Kind) -> &mut HashMap<Bytes, Vec<ClientId>> {
        match kind {
            Kind::Channel => &mut self.channels,
            Kind::Pattern => &mut self.patterns,
            Kind::Shard => &mut self.shard_channels,
        }
    }

    pub fn add(&mut self, kind: Kind, name: &Bytes, id: ClientId) {
        let list = self.map(kind).entry(name.clone()).or_default();
        if !list.contains(&id) {
            list.push(id);
        }
    }

    pub fn remove(&mut self, kind: Kind, name: &[u8], id: ClientId) {
        let m = self.map(kind);
        if let Some(list) = m.get_mut(name) {
            list.retain(|c| *c != id);
            if list.is_empty() {
                m.remove(name);
            }
        }
    }

    /// Drops every subscription of a disconnecting client.
    pub fn remove_client(&mut self, c: &Client) {
        for ch in &c.channels {
            self.remove(Kind::Channel, ch, c.id);
        }
        for p in &c.patterns {
            self.remove(Kind::Pattern, p, c.id);
        }
        for ch in &c.shard_channels {
            self.remove(Kind::Shard, ch, c.id);
        }
    }
}

/// Encodes `items` as a message for a client speaking `resp`.
pub fn encode_push(items: &[&[u8]], resp: u8) -> Bytes {
    Reply::Push(items.iter().map(|b| Reply::Bulk(Bytes::copy_from_slice(b))).collect()).to_bytes(resp)
}

/// Two cached encodings (RESP2, RESP3) of one message.
struct Encoded<'a> {
    items: Vec<&'a [u8]>,
    cache: [Option<Bytes>; 2],
}

impl<'a> Encoded<'a> {
    fn new(items: Vec<&'a [u8]>) -> Self {
        Encoded { items, cache: [None, None] }
    }
    fn get(&mut self, resp: u8) -> Bytes {
        let i = if resp >= 3 { 1 } else { 0 };
        self.cache[i].get_or_insert_with(|| encode_push(&self.items, resp)).clone()
    }
}

fn deliver(sh: &Shared, me: &mut Option<&mut Client>, target: ClientId, msg: &mut Encoded) {
    if let Some(c) = me.as_deref_mut() {
        if c.id == target {
            let b = msg.get(c.resp);
            c.self_push.push(b);
            return;
        }
    }
    if let Some(info) = sh.clients.map.get(&target) {
        let limit = sh.config.output_limits[info.output_class()];
        crate::client::queue_push(info, limit, msg.get(info.resp));
    }
}

/// PUBLISH: delivers to channel subscribers and matching patterns; returns
/// how many clients received it.
pub fn publish(sh: &mut Shared, mut me: Option<&mut Client>, channel: &[u8], message: &[u8]) -> usize {
    let mut n = 0;
    if let Some(subs) = sh.pubsub.channels.get(channel) {
        let mut msg = Encoded::new(vec![b"message", channel, message]);
        for id in subs.clone() {
            deliver(sh, &mut me, id, &mut msg);
            n += 1;
        }
    }
    if !sh.pubsub.patterns.is_empty() {
        let matching: Vec<(Bytes, Vec<ClientId>)> = sh
            .pubsub
            .patterns
            .iter()
            .filter(|(p, _)| glob_match(p, channel, false))
            .map(|(p, ids)| (p.clone(), ids.clone()))
            .collect();
        for (pat, ids) in matching {
            let mut msg = Encoded::new(vec![b"pmessage", &pat, channel, message]);
            for id in ids {
                deliver(sh, &mut me, id, &mut msg);
                n += 1;
            }
        }
    }
    n
}

/// SPUBLISH: shard channel subscribers only.
pub fn spublish(sh: &mut Shared, mut me: Option<&mut Client>, channel: &[u8], message: &[u8]) -> usize {
    let Some(subs) = sh.pubsub.shard_channels.get(channel).cloned() else { return 0 };
    let mut msg = Encoded::new(vec![b"smessage", channel, message]);
    for id in &subs {
        deliver(sh, &mut me, *id, &mut msg);
    }
    subs.len()
}

/// Turns the keyspace's pending events into notification messages.
pub fn deliver_keyspace_events(sh: &mut Shared, mut me: Option<&mut Client>) {
    if sh.ks.events.is_empty() {
        return;
    }
    let events = std::mem::take(&mut sh.ks.events);
    let flags = sh.config.notify_keyspace_events;
    for ev in &events {
        if flags & ev.class == 0 {
            continue;
        }
        if flags & notify::KEYSPACE != 0 {
            let mut ch = format!("__keyspace@{}__:", ev.db).into_bytes();
            ch.extend_from_slice(&ev.key);
            publish(sh, me.as_deref_mut(), &ch, ev.event.as_bytes());
        }
        if flags & notify::KEYEVENT != 0 {
            let ch = format!("__keyevent@{}__:{}", ev.db, ev.event);
            publish(sh, me.as_deref_mut(), ch.as_bytes(), &ev.key);
        }
    }
    // Give the allocation back for reuse.
    let mut events = events;
    events.clear();
    if sh.ks.events.is_empty() {
        sh.ks.events = events;
    }
}
