//! Pure functions over what runs produced: the wait-for graph and deadlock verdicts
//! (from `snapshot`s), and outcome grading (from `run_record`s). No I/O here.

pub mod run_record;
pub mod snapshot;
