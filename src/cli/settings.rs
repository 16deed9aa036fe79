//! Command-line overrides applied to a scenario's own run settings.

use crate::cli::RunOptions;
use crate::engine::run::RunSettings;
use crate::plan::ir::Program;

pub fn settings(program: &Program, opts: &RunOptions) -> RunSettings {
    let mut s = RunSettings::from_program(program);
    if let Some(r) = opts.runs {
        s.runs = r;
    }
    if let Some(seed) = opts.seed {
        s.seed = seed;
    }
    if let Some(t) = opts.time_scale {
        s.time_scale = t;
    }
    if let Some(t) = opts.timeout {
        s.timeout = t;
    }
    s.stress |= opts.stress;
    if let Some(j) = opts.jobs {
        s.jobs = j.max(1);
    }
    if let Some(g) = opts.gil {
        s.gil = g;
    }
    s
}
