//! Pure functions over what runs produced: the wait-for graph and deadlock verdicts
//! (from `snapshot`s), and outcome grading (from `run_record`s). No I/O here.

pub mod call_sites;
pub mod capability;
pub mod claim_verdict;
pub mod classify;
pub mod const_repr;
pub mod deadlock;
pub mod detector;
pub mod dot;
pub mod example_run;
pub mod explain;
pub mod grade;
pub mod hang;
pub mod histogram;
pub mod run_record;
pub mod scenario_report;
pub mod snapshot;
pub mod wait_graph;
