//! Server counters reported by INFO (stats, commandstats, errorstats) and
//! reset by CONFIG RESETSTAT.

use std::collections::BTreeMap;

#[derive(Debug, Default, Clone, Copy)]
pub struct CmdStats {
    pub calls: u64,
    pub usec: u64,
    pub rejected_calls: u64,
    pub failed_calls: u64,
}

#[derive(Debug, Default)]
pub struct Stats {
    /// Indexed by `CommandRef::idx`.
    pub commands: Vec<CmdStats>,
    /// errorstats, by error code (first word).
    pub errors: BTreeMap<String, u64>,
    pub total_commands_processed: u64,
    pub total_connections_received: u64,
    pub rejected_connections: u64,
    pub total_error_replies: u64,
    pub unexpected_error_replies: u64,
    pub query_limit_disconnections: u64,
    pub slowlog_next_id: u64,
    /// Ring of (ms timestamp, commands processed) samples for instantaneous_ops_per_sec.
    pub ops_samples: Vec<(u64, u64)>,
    pub net_samples_in: Vec<(u64, u64)>,
    pub net_samples_out: Vec<(u64, u64)>,
}

impl Stats {
    pub fn new(ncommands: usize) -> Self {
        Stats { commands: vec![CmdStats::default(); ncommands], ..Default::default() }
    }

    pub fn count_error(&mut self, code: &str) {
        self.total_error_replies += 1;
        // Redis caps distinct error codes tracked at 128.
        if let Some(n) = self.errors.get_mut(code) {
            *n += 1;
        } else if self.errors.len() < 128 {
            self.errors.insert(code.to_string(), 1);
        }
    }

    pub fn reset(&mut self) {
        let n = self.commands.len();
        let next = self.slowlog_next_id;
        *self = Stats::new(n);
        self.slowlog_next_id = next;
    }

    /// Records a sample and returns the rate per second over the kept window.
    pub fn sample(samples: &mut Vec<(u64, u64)>, now_ms: u64, value: u64) -> u64 {
        samples.push((now_ms, value));
        if samples.len() > 16 {
            samples.remove(0);
        }
        let (t0, v0) = samples[0];
        if now_ms <= t0 {
            return 0;
        }
        value.saturating_sub(v0) * 1000 / (now_ms - t0)
    }

    pub fn rate(samples: &[(u64, u64)]) -> u64 {
        match (samples.first(), samples.last()) {
            (Some((t0, v0)), Some((t1, v1))) if t1 > t0 => v1.saturating_sub(*v0) * 1000 / (t1 - t0),
            _ => 0,
        }
    }
}
