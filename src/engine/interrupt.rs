//! Ctrl-C and SIGTERM for the `interp` process: the handlers only raise a flag, the
//! supervisor sees it at its next wake-up (at most one poll interval later), tears the
//! scenario down and reports `StopReason::Interrupted`.
//!
//! The scenario runs in its own process group, so a terminal's Ctrl-C reaches only
//! `interp`; scenario processes get the default dispositions back right after fork
//! (`restore_default_in_child`), so the scenario's own `terminate()` still kills.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

/// Raised by the SIGINT/SIGTERM handler; read by the supervisor.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The signals `interp` handles itself and scenario processes must not inherit handled.
const HANDLED: [Signal; 2] = [Signal::SIGINT, Signal::SIGTERM];

extern "C" fn on_interrupt(_signal: libc::c_int) {
    // Only an atomic store: async-signal-safe, and it touches no errno.
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Installs the SIGINT/SIGTERM handlers in `interp`. Call once, before the first run.
pub fn install() -> io::Result<()> {
    let action = SigAction::new(
        SigHandler::Handler(on_interrupt),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    for signal in HANDLED {
        // SAFETY: the handler only performs an atomic store, which is async-signal-safe.
        unsafe { sigaction(signal, &action) }?;
    }
    Ok(())
}

/// Whether SIGINT or SIGTERM arrived since `install`. Sticky: once raised, every later
/// run stops at once, so one Ctrl-C ends a whole batch of runs.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The process-wide flag the handlers raise, for `Supervisor::with_interrupt_flag`'s
/// default.
pub fn interrupt_flag() -> &'static AtomicBool {
    &INTERRUPTED
}

/// In a freshly forked scenario process: SIGINT and SIGTERM back to their default
/// action, and the inherited flag cleared. Failure is impossible for valid signals
/// with SIG_DFL, so errors are ignored.
pub(crate) fn restore_default_in_child() {
    let default = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
    for signal in HANDLED {
        // SAFETY: installing SIG_DFL runs no code of ours in signal context.
        let _ = unsafe { sigaction(signal, &default) };
    }
    INTERRUPTED.store(false, Ordering::SeqCst);
}
