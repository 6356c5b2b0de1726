//! A counting global allocator for allocation measurements.
//!
//! [`CountingAlloc`] wraps [`System`] and counts, per thread, the allocations,
//! deallocations and reallocations made while a [`measure`] call runs on that thread, and
//! the bytes they leave live. Counting is per thread, so other threads (the test harness,
//! other tests) allocating at the same time do not disturb a measurement.
//!
//! A binary or test that measures declares the allocator itself:
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: benches::counting_alloc::CountingAlloc = benches::counting_alloc::CountingAlloc;
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// A [`GlobalAlloc`] that forwards to [`System`] and counts inside [`measure`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAlloc;

/// Allocator activity of one thread during one [`measure`] call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllocStats {
    /// Calls to `alloc` and `alloc_zeroed`.
    pub allocs: u64,
    /// Calls to `dealloc`.
    pub deallocs: u64,
    /// Calls to `realloc`.
    pub reallocs: u64,
    /// Bytes requested by `alloc`, `alloc_zeroed` and the growth of `realloc`.
    pub allocated_bytes: u64,
    /// Bytes allocated minus bytes freed: the heap the measured code left live (negative
    /// when it freed more than it allocated).
    pub live_bytes: i64,
}

impl AllocStats {
    /// Allocator calls that obtain memory: `allocs + reallocs` (a realloc may move).
    pub fn allocations(&self) -> u64 {
        self.allocs + self.reallocs
    }
}

struct Counters {
    enabled: Cell<bool>,
    allocs: Cell<u64>,
    deallocs: Cell<u64>,
    reallocs: Cell<u64>,
    allocated_bytes: Cell<u64>,
    live_bytes: Cell<i64>,
}

thread_local! {
    // Const-initialised and without `Drop`: reachable from the allocator without
    // allocating or registering a destructor.
    static COUNTERS: Counters = const {
        Counters {
            enabled: Cell::new(false),
            allocs: Cell::new(0),
            deallocs: Cell::new(0),
            reallocs: Cell::new(0),
            allocated_bytes: Cell::new(0),
            live_bytes: Cell::new(0),
        }
    };
}

fn record(f: impl FnOnce(&Counters)) {
    let _ = COUNTERS.try_with(|c| {
        if c.enabled.get() {
            f(c);
        }
    });
}

fn add(cell: &Cell<u64>, n: usize) {
    cell.set(cell.get() + n as u64);
}

fn add_live(c: &Counters, n: i64) {
    c.live_bytes.set(c.live_bytes.get() + n);
}

#[allow(unsafe_code)]
// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// bookkeeping around it touches only thread-local `Cell`s and never allocates.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, passed on as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            record(|c| {
                add(&c.allocs, 1);
                add(&c.allocated_bytes, layout.size());
                add_live(c, layout.size() as i64);
            });
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            record(|c| {
                add(&c.allocs, 1);
                add(&c.allocated_bytes, layout.size());
                add_live(c, layout.size() as i64);
            });
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract, passed on as is.
        unsafe { System.dealloc(ptr, layout) };
        record(|c| {
            add(&c.deallocs, 1);
            add_live(c, -(layout.size() as i64));
        });
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract, passed on as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            record(|c| {
                add(&c.reallocs, 1);
                add(&c.allocated_bytes, new_size.saturating_sub(layout.size()));
                add_live(c, new_size as i64 - layout.size() as i64);
            });
        }
        p
    }
}

/// Runs `f` on this thread with counting on and returns its result with the allocator
/// activity of this thread meanwhile. Whatever `f` returns is still live, so
/// `live_bytes` includes the heap it holds. Not reentrant.
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, AllocStats) {
    COUNTERS.with(|c| {
        assert!(!c.enabled.get(), "measure is not reentrant");
        c.allocs.set(0);
        c.deallocs.set(0);
        c.reallocs.set(0);
        c.allocated_bytes.set(0);
        c.live_bytes.set(0);
        c.enabled.set(true);
    });
    let result = f();
    let stats = COUNTERS.with(|c| {
        c.enabled.set(false);
        AllocStats {
            allocs: c.allocs.get(),
            deallocs: c.deallocs.get(),
            reallocs: c.reallocs.get(),
            allocated_bytes: c.allocated_bytes.get(),
            live_bytes: c.live_bytes.get(),
        }
    });
    (result, stats)
}

/// Whether [`CountingAlloc`] is the global allocator (measurements are all zero if not).
pub fn installed() -> bool {
    let ((), stats) = measure(|| drop(std::hint::black_box(Box::new(0u64))));
    stats.allocs == 1 && stats.deallocs == 1
}
