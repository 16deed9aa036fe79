//! The hang report: a run still going at its time limit with no provable deadlock. Each
//! live actor, its state, what it waits for (or "running"), and its line.

use crate::checker::explain::{Row, describe_wait, group, location, render_rows};
use crate::checker::snapshot::{ActorState, Snapshot, WaitOp};
use crate::checker::wait_graph::WaitGraph;
use crate::plan::ir::Program;

/// Explains a hang from the last snapshot taken before the run was stopped.
pub fn hang_report(program: &Program, snap: &Snapshot) -> String {
    let g = WaitGraph::new(snap);
    let main = g.main();
    let mut live: Vec<_> = snap
        .actors
        .iter()
        .filter(|a| a.state != ActorState::Exited)
        .collect();
    live.sort_by_key(|a| (Some(a.id) != main, a.id));
    let rows: Vec<Row> = live
        .iter()
        .map(|a| {
            let state = match (a.state, g.wait(a.id).map(|w| w.op)) {
                (ActorState::New, _) => "not started",
                (ActorState::Blocked, Some(WaitOp::Sleep)) => "sleeping",
                (ActorState::Blocked, _) => "blocked",
                _ => "running",
            };
            let text = describe_wait(&g, a.id);
            let (loc, source) = match g.wait(a.id) {
                Some(w) => location(program, w.span),
                None => (String::new(), String::new()),
            };
            let what = if g.wait(a.id).is_some() {
                text.what
            } else {
                String::new()
            };
            Row {
                cells: vec![a.label.clone(), state.to_string(), what, loc, source],
                more: text.more,
            }
        })
        .collect();
    let mut out = format!(
        "hang: still running after {} ms with no provable deadlock\n",
        group(snap.at_ms)
    );
    if rows.is_empty() {
        out.push_str("  no live actor\n");
    }
    out.push_str(&render_rows(&rows));
    out
}
