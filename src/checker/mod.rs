//! Pure functions over what runs produced: the wait-for graph and deadlock verdicts
//! (from `snapshot`s), and outcome grading (from `run_record`s). No I/O here.

pub mod call_sites;
pub mod capability;
pub mod classify;
pub mod deadlock;
pub mod detector;
pub mod dot;
pub mod explain;
pub mod hang;
pub mod run_record;
pub mod snapshot;
pub mod wait_graph;
