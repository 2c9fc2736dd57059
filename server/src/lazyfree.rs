//! Lazy freeing (Redis's lazyfree bio thread): FLUSHDB/FLUSHALL ASYNC and
//! UNLINK hand large values to one background thread to drop, so freeing a
//! big keyspace never holds the keyspace lock.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};

type Garbage = Box<dyn Send>;

static QUEUE: OnceLock<Mutex<Sender<Garbage>>> = OnceLock::new();
static PENDING: AtomicUsize = AtomicUsize::new(0);
static FREED: AtomicUsize = AtomicUsize::new(0);

/// Values larger than this (estimated heap bytes) are freed in the background
/// by UNLINK; smaller ones cost less to free than to hand over.
pub const THRESHOLD_BYTES: usize = 64 * 1024;

/// Drops `value` on the lazyfree thread.
pub fn drop_later<T: Send + 'static>(value: T) {
    let q = QUEUE.get_or_init(|| {
        let (tx, rx) = channel::<Garbage>();
        std::thread::Builder::new()
            .name("gears-lazyfree".into())
            .spawn(move || {
                for g in rx {
                    drop(g);
                    PENDING.fetch_sub(1, Ordering::Relaxed);
                    FREED.fetch_add(1, Ordering::Relaxed);
                }
            })
            .expect("spawn the lazyfree thread");
        Mutex::new(tx)
    });
    PENDING.fetch_add(1, Ordering::Relaxed);
    let sent = q.lock().map(|tx| tx.send(Box::new(value))).is_ok_and(|r| r.is_ok());
    if !sent {
        PENDING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Objects freed by the lazyfree thread so far (INFO lazyfreed_objects).
pub fn freed() -> usize {
    FREED.load(Ordering::Relaxed)
}

/// Objects waiting to be freed (INFO lazyfree_pending_objects).
pub fn pending() -> usize {
    PENDING.load(Ordering::Relaxed)
}
