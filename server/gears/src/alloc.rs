//! Python's memory, counted: hooks around CPython's three allocator domains
//! (raw, mem, object) that keep a size header in front of every block, so
//! RG.PYSTATS and INFO rg can report TotalAllocated / PeakAllocated /
//! CurrAllocated as RedisGears does with its allocator override. Installed
//! before the interpreter starts, so every block has the header.

use std::ffi::c_void;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use pyo3::ffi::{PyMemAllocatorDomain, PyMemAllocatorEx, PyMem_GetAllocator, PyMem_SetAllocator};

/// Keeps blocks 16-byte aligned, as CPython expects on 64-bit.
const HEADER: usize = 16;

static TOTAL: AtomicU64 = AtomicU64::new(0);
static CURR: AtomicI64 = AtomicI64::new(0);
static PEAK: AtomicI64 = AtomicI64::new(0);

static mut ORIG: [PyMemAllocatorEx; 3] = [EMPTY; 3];
const EMPTY: PyMemAllocatorEx =
    PyMemAllocatorEx { ctx: std::ptr::null_mut(), malloc: None, calloc: None, realloc: None, free: None };

/// (total ever allocated, peak, current) in bytes.
pub fn stats() -> (u64, i64, i64) {
    (TOTAL.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed), CURR.load(Ordering::Relaxed))
}

fn grew(n: usize) {
    TOTAL.fetch_add(n as u64, Ordering::Relaxed);
    let now = CURR.fetch_add(n as i64, Ordering::Relaxed) + n as i64;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(n: usize) {
    CURR.fetch_sub(n as i64, Ordering::Relaxed);
}

/// # Safety
/// `ctx` is a pointer to one of the ORIG entries.
unsafe fn orig(ctx: *mut c_void) -> &'static PyMemAllocatorEx {
    // SAFETY: set up by install(); never changed afterwards.
    unsafe { &*(ctx as *const PyMemAllocatorEx) }
}

extern "C" fn h_malloc(ctx: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: ctx is ours (install); the original allocator is called as CPython would.
    unsafe {
        let o = orig(ctx);
        let Some(total) = size.checked_add(HEADER) else { return std::ptr::null_mut() };
        let p = (o.malloc.unwrap_unchecked())(o.ctx, total);
        if p.is_null() {
            return p;
        }
        *(p as *mut usize) = size;
        grew(size);
        (p as *mut u8).add(HEADER) as *mut c_void
    }
}

extern "C" fn h_calloc(ctx: *mut c_void, nelem: usize, elsize: usize) -> *mut c_void {
    // SAFETY: as h_malloc.
    unsafe {
        let o = orig(ctx);
        let Some(size) = nelem.checked_mul(elsize) else { return std::ptr::null_mut() };
        let Some(total) = size.checked_add(HEADER) else { return std::ptr::null_mut() };
        let p = (o.calloc.unwrap_unchecked())(o.ctx, 1, total);
        if p.is_null() {
            return p;
        }
        *(p as *mut usize) = size;
        grew(size);
        (p as *mut u8).add(HEADER) as *mut c_void
    }
}

extern "C" fn h_realloc(ctx: *mut c_void, ptr: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: `ptr` came from h_malloc/h_calloc/h_realloc of the same domain.
    unsafe {
        if ptr.is_null() {
            return h_malloc(ctx, size);
        }
        let o = orig(ctx);
        let base = (ptr as *mut u8).sub(HEADER) as *mut c_void;
        let old = *(base as *mut usize);
        let Some(total) = size.checked_add(HEADER) else { return std::ptr::null_mut() };
        let p = (o.realloc.unwrap_unchecked())(o.ctx, base, total);
        if p.is_null() {
            return p;
        }
        *(p as *mut usize) = size;
        shrank(old);
        grew(size);
        (p as *mut u8).add(HEADER) as *mut c_void
    }
}

extern "C" fn h_free(ctx: *mut c_void, ptr: *mut c_void) {
    // SAFETY: as h_realloc.
    unsafe {
        if ptr.is_null() {
            return;
        }
        let o = orig(ctx);
        let base = (ptr as *mut u8).sub(HEADER) as *mut c_void;
        shrank(*(base as *mut usize));
        (o.free.unwrap_unchecked())(o.ctx, base);
    }
}

/// Wraps the three domains. Must run before the interpreter is initialised.
pub fn install() {
    let domains = [
        PyMemAllocatorDomain::PYMEM_DOMAIN_RAW,
        PyMemAllocatorDomain::PYMEM_DOMAIN_MEM,
        PyMemAllocatorDomain::PYMEM_DOMAIN_OBJ,
    ];
    for (i, d) in domains.into_iter().enumerate() {
        // SAFETY: single-threaded start-up, before Py_Initialize; ORIG[i] is
        // written once here and only read afterwards.
        unsafe {
            let slot = std::ptr::addr_of_mut!(ORIG[i]);
            PyMem_GetAllocator(d, slot);
            let mut hook = PyMemAllocatorEx {
                ctx: slot as *mut c_void,
                malloc: Some(h_malloc),
                calloc: Some(h_calloc),
                realloc: Some(h_realloc),
                free: Some(h_free),
            };
            PyMem_SetAllocator(d, &mut hook);
        }
    }
}
