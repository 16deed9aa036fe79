//! The process exit codes, in one place.

use std::process::ExitCode;

/// Every claim held / the input is valid.
pub const OK: u8 = 0;
/// A claim failed.
pub const CLAIM_FAILED: u8 = 1;
/// Invalid input or usage.
pub const INVALID: u8 = 2;
/// An internal error of `interp` itself.
pub const INTERNAL: u8 = 3;

pub fn code(c: u8) -> ExitCode {
    ExitCode::from(c)
}
