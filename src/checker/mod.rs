//! Pure functions over what runs produced: the wait-for graph and deadlock verdicts
//! (from `snapshot`s), and outcome grading (from `run_record`s). No I/O here.

pub mod claim_verdict;
pub mod const_repr;
pub mod example_run;
pub mod grade;
pub mod histogram;
pub mod run_record;
pub mod scenario_report;
pub mod snapshot;
