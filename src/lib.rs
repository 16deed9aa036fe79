//! `interp`: run concurrency scenarios on real processes and threads, catch deadlocks as
//! they form, and grade race outcomes against the claims stored in the scenario.
//!
//! The pipeline (see ARCHITECTURE.md): `syntax` → `plan` → `core` + `engine` → `checker`
//! → `report`. `diag` holds the diagnostics every layer returns.

pub mod checker;
pub mod cli;
pub mod core;
pub mod diag;
pub mod engine;
pub mod plan;
pub mod report;
pub mod syntax;
