//! Server log lines in Redis's format (`pid:M 21 Nov 2026 21:55:38.123 * text`),
//! to stdout or to `logfile`, filtered by `loglevel`.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

use parking_lot::Mutex;

use crate::config::LogLevel;

pub struct Logger {
    level: AtomicU8,
    file: Mutex<Option<std::fs::File>>,
}

fn rank(l: LogLevel) -> u8 {
    match l {
        LogLevel::Debug => 0,
        LogLevel::Verbose => 1,
        LogLevel::Notice => 2,
        LogLevel::Warning => 3,
    }
}

impl Logger {
    pub fn new(level: LogLevel, logfile: &str) -> std::io::Result<Logger> {
        let file = if logfile.is_empty() {
            None
        } else {
            Some(std::fs::OpenOptions::new().create(true).append(true).open(logfile)?)
        };
        Ok(Logger { level: AtomicU8::new(rank(level)), file: Mutex::new(file) })
    }

    pub fn set_level(&self, l: LogLevel) {
        self.level.store(rank(l), Ordering::Relaxed);
    }

    pub fn enabled(&self, l: LogLevel) -> bool {
        rank(l) >= self.level.load(Ordering::Relaxed)
    }

    pub fn log(&self, l: LogLevel, msg: &str) {
        if !self.enabled(l) {
            return;
        }
        let mark = match l {
            LogLevel::Debug => '.',
            LogLevel::Verbose => '-',
            LogLevel::Notice => '*',
            LogLevel::Warning => '#',
        };
        let line = format!("{}:M {} {} {}\n", std::process::id(), timestamp(), mark, msg);
        let mut f = self.file.lock();
        match f.as_mut() {
            Some(file) => {
                let _ = file.write_all(line.as_bytes());
            }
            None => {
                let _ = std::io::stdout().lock().write_all(line.as_bytes());
            }
        }
    }

    pub fn notice(&self, msg: &str) {
        self.log(LogLevel::Notice, msg);
    }
    pub fn warning(&self, msg: &str) {
        self.log(LogLevel::Warning, msg);
    }
    pub fn verbose(&self, msg: &str) {
        self.log(LogLevel::Verbose, msg);
    }
    pub fn debug(&self, msg: &str) {
        self.log(LogLevel::Debug, msg);
    }
}

/// "21 Nov 2026 21:55:38.123" in UTC.
fn timestamp() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let secs = now.as_secs() as i64;
    let ms = now.subsec_millis();
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{:02} {} {} {:02}:{:02}:{:02}.{:03}",
        d,
        MONTHS[(m - 1) as usize],
        y,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z.rem_euclid(146097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20778), (2026, 11, 21));
    }
}
