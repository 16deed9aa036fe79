//! Which parser the DSL entry points use, for the tests that compare them: normally the
//! fast parser with pest behind it; with the fast parser off, pest alone. Counters say
//! how often the fast parser built the result and how often it gave up.

use std::cell::Cell;

thread_local! {
    static FAST_OFF: Cell<bool> = const { Cell::new(false) };
    static FAST_BUILT: Cell<usize> = const { Cell::new(0) };
    static FAST_GAVE_UP: Cell<usize> = const { Cell::new(0) };
}

/// How the fast parser fared on the parses run by [`measure`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FastCounts {
    /// Parses (whole inputs, TOML strings, f-string fields) the fast parser built.
    pub built: usize,
    /// Parses it left to pest.
    pub gave_up: usize,
}

/// Runs `f` with pest alone on this thread (the reference the fast parser must match).
pub fn pest_only<T>(f: impl FnOnce() -> T) -> T {
    let before = FAST_OFF.replace(true);
    let out = f();
    FAST_OFF.set(before);
    out
}

/// Runs `f` and counts what the fast parser did in it on this thread.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, FastCounts) {
    let built = FAST_BUILT.get();
    let gave_up = FAST_GAVE_UP.get();
    let out = f();
    let counts = FastCounts {
        built: FAST_BUILT.get() - built,
        gave_up: FAST_GAVE_UP.get() - gave_up,
    };
    (out, counts)
}

pub(super) fn fast_enabled() -> bool {
    !FAST_OFF.get()
}

pub(super) fn count(built: bool) {
    let c = if built { &FAST_BUILT } else { &FAST_GAVE_UP };
    c.set(c.get() + 1);
}
