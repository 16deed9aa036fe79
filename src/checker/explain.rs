//! A deadlock in the scenario's own words: each actor of the cycle, what it waits for,
//! where (file:line and the source line), what it holds, and one `fix:` line.

use std::time::Duration;

use crate::checker::call_sites;
use crate::checker::capability;
use crate::checker::classify::DeadlockKind;
use crate::checker::deadlock::Deadlock;
use crate::checker::run_record::DeadlockSummary;
use crate::checker::snapshot::{ActorId, ActorState, Snapshot, Wait, WaitOp};
use crate::checker::wait_graph::WaitGraph;
use crate::core::names::Method;
use crate::plan::ir::{Program, ResKind};
use crate::syntax::span::Span;

/// The summary the run record keeps: kind, cycle labels, explanation, detection time.
pub fn summary(program: &Program, snap: &Snapshot, dl: &Deadlock) -> DeadlockSummary {
    let g = WaitGraph::new(snap);
    DeadlockSummary {
        kind: dl.kind.name().to_string(),
        actors: dl.cycle.iter().map(|&a| g.label(a)).collect(),
        explanation: explain(program, snap, dl),
        after: Duration::from_millis(dl.at_ms),
        graph: crate::checker::dot::to_dot(snap, &dl.stuck),
    }
}

/// The full explanation: a header, one step per stuck actor (the cycle's first, in
/// order), and a `fix:` line.
pub fn explain(program: &Program, snap: &Snapshot, dl: &Deadlock) -> String {
    let g = WaitGraph::new(snap);
    let mut ids = dl.cycle.clone();
    let main = g.main();
    let mut rest: Vec<ActorId> = dl
        .stuck
        .iter()
        .copied()
        .filter(|a| !ids.contains(a))
        .collect();
    rest.sort_by_key(|&a| (Some(a) != main, a));
    ids.extend(rest);

    let rows: Vec<Row> = ids
        .iter()
        .map(|&a| {
            let text = describe_wait(&g, a);
            let mut more = text.more;
            if dl.kind == DeadlockKind::JoinBeforeDrain
                && dl.cycle.get(1) == Some(&a)
                && let Some(last) = more.last_mut()
            {
                last.push_str(&drain_detail(program, &g, dl.cycle[0], a));
            }
            let held: Vec<String> = g.held_by(a).iter().map(|r| g.res_label(r.id)).collect();
            if !held.is_empty() {
                more.push(format!("holds {}", held.join(", ")));
            }
            let (loc, source) = match g.wait(a) {
                Some(w) => location(program, w.span),
                None => (String::new(), String::new()),
            };
            Row {
                cells: vec![g.label(a), text.what, loc, source],
                more,
            }
        })
        .collect();
    let mut out = format!("deadlock ({}) after {} ms\n", dl.kind.name(), dl.at_ms);
    out.push_str(&render_rows(&rows));
    out.push_str(&format!("  fix: {}\n", fix(&g, dl)));
    out
}

/// A wait in words: the phrase for the wait column and continuation lines.
pub(crate) struct WaitText {
    /// The phrase: "waits for lock_b, held by t2".
    pub what: String,
    /// Detail lines printed under it: "into q; its pipe is full".
    pub more: Vec<String>,
}

/// What actor `a` waits for, in words ("waits for lock_b, held by t2").
pub(crate) fn describe_wait(g: &WaitGraph, a: ActorId) -> WaitText {
    let Some(w) = g.wait(a) else {
        return WaitText {
            what: "running".to_string(),
            more: Vec::new(),
        };
    };
    let res = w
        .res
        .map_or_else(|| "a resource".to_string(), |r| g.res_label(r));
    let r = w.res.and_then(|r| g.res(r));
    let mut more = Vec::new();
    let mut what = match w.op {
        WaitOp::LockAcquire => match r.and_then(|r| r.owner) {
            Some(o) if o == a => format!("waits for {res}, which it holds itself"),
            Some(o) => {
                let gone = g.actor(o).is_some_and(|x| x.state == ActorState::Exited);
                let exited = if gone { ", which exited" } else { "" };
                format!("waits for {res}, held by {}{exited}", g.label(o))
            }
            None => format!("waits for {res}"),
        },
        WaitOp::Join => match w.target {
            Some(t) => format!("waits for {} to exit", g.label(t)),
            None => "waits for an actor to exit".to_string(),
        },
        WaitOp::QueueGet => format!("waits for an item from {res}"),
        WaitOp::QueuePut => format!("waits for room in {res}"),
        WaitOp::QueueJoin if w.detail > 0 => {
            format!("waits for {} unfinished tasks of {res}", group(w.detail))
        }
        WaitOp::QueueJoin => format!("waits for the unfinished tasks of {res}"),
        WaitOp::QueueFlush | WaitOp::PipeSend => {
            let (noun, container) = if w.op == WaitOp::QueueFlush {
                ("pipe", "its pipe")
            } else {
                ("buffer", "its buffer")
            };
            let cap = r.map_or(0, |r| r.limit);
            let full = if cap > 0 {
                format!("{container} is full ({} bytes)", group(cap as u64))
            } else {
                format!("{container} is full")
            };
            more.push(format!("into {res}; {full}"));
            if w.detail > 0 {
                format!("waits to write {} bytes", group(w.detail))
            } else {
                format!("waits to write into a full {noun}")
            }
        }
        WaitOp::PipeRecv => format!("waits for data from {res}"),
        WaitOp::SemAcquire => format!("waits for {res} to be released"),
        WaitOp::EventWait => format!("waits for {res} to be set"),
        WaitOp::CondWait => format!("waits for {res} to be notified"),
        WaitOp::BarrierWait => match r {
            Some(r) if r.limit > 0 => format!(
                "waits at {res} ({} of {} parties arrived)",
                r.count, r.limit
            ),
            _ => format!("waits at {res}"),
        },
        WaitOp::FutureResult => match r.map(|r| r.link) {
            Some(Some(wk)) => format!("waits for the result of {res}, run by {}", g.label(wk)),
            Some(None) => format!("waits for the result of {res}, still queued"),
            None => format!("waits for the result of {res}"),
        },
        WaitOp::PoolJoin => format!("waits for the workers of {res} to exit"),
        WaitOp::Sleep => "sleeps".to_string(),
        WaitOp::Input => "waits for input".to_string(),
    };
    if w.timed && !matches!(w.op, WaitOp::Sleep) {
        what.push_str(" (with a timeout)");
    }
    WaitText { what, more }
}

/// ` and only main reads q, at line 10, after the join`: who could drain the pipe.
fn drain_detail(program: &Program, g: &WaitGraph, joiner: ActorId, writer: ActorId) -> String {
    let Some(w) = g.wait(writer) else {
        return String::new();
    };
    let q = w.res.map_or_else(|| "it".to_string(), |r| g.res_label(r));
    let j = g.actor(joiner);
    let read = capability::Signal {
        kinds: &[ResKind::MpQueue, ResKind::Connection],
        methods: &[Method::Get, Method::GetNowait, Method::Recv],
    };
    let other_reader = g.snap.actors.iter().any(|a| {
        a.id != joiner
            && a.id != writer
            && matches!(a.state, ActorState::Running | ActorState::Blocked)
            && capability::may_perform(&program.facts, a.func, read)
    });
    let only = if other_reader { "" } else { "only " };
    let mut s = format!(" and {only}{} reads {q}", g.label(joiner));
    let join_end = g.wait(joiner).map_or(0, |jw| jw.span.end);
    if let Some(func) = j.and_then(|j| j.func) {
        let reads = call_sites::method_calls(program, func, &q, read.methods);
        if let Some(at) = reads.iter().find(|s| s.start >= join_end) {
            let (line, _) = program.source.line_col(at.start);
            s.push_str(&format!(", at line {line}, after the join"));
        }
    }
    s
}

/// One `fix:` line per kind.
fn fix(g: &WaitGraph, dl: &Deadlock) -> String {
    let label = |i: usize| dl.cycle.get(i).map_or_else(String::new, |&a| g.label(a));
    let waited = |a: ActorId| g.wait(a).and_then(|w| w.res).map(|r| g.res_label(r));
    match dl.kind {
        DeadlockKind::SelfDeadlock => {
            let l = dl
                .cycle
                .first()
                .and_then(|&a| waited(a))
                .unwrap_or_default();
            format!("use an RLock for {l}, or do not acquire {l} again while holding it")
        }
        DeadlockKind::LockCycle => {
            let mut locks: Vec<String> = dl.cycle.iter().filter_map(|&a| waited(a)).collect();
            locks.rotate_right(1);
            let who = actor_kinds(g, &dl.cycle);
            format!(
                "acquire {} in one fixed order in every {who}",
                and_list(&locks)
            )
        }
        DeadlockKind::JoinBeforeDrain => {
            let w = dl.cycle.get(1).and_then(|&a| g.wait(a));
            let q = w
                .and_then(|w| w.res)
                .map(|r| g.res_label(r))
                .unwrap_or_default();
            if w.is_some_and(|w| w.op == WaitOp::QueueFlush) {
                format!(
                    "read from {q} before joining {} (or let {} call {q}.cancel_join_thread())",
                    label(1),
                    label(1)
                )
            } else {
                format!("receive from {q} before joining {}", label(1))
            }
        }
        DeadlockKind::MutualJoin => format!(
            "{} and {} join each other: let only one of them join the other",
            label(0),
            label(1)
        ),
        DeadlockKind::JoinCycle => {
            let held = dl.cycle.iter().find_map(|&j| {
                let t = g.wait(j).filter(|w| w.op == WaitOp::Join)?.target?;
                let l = g.waited_res(t).filter(|r| r.owner == Some(j))?;
                Some((g.res_label(l.id), g.label(t)))
            });
            match held {
                Some((l, t)) => format!("release {l} before joining {t}"),
                None => format!(
                    "let {} finish without waiting for {}, or do what it waits for before the join",
                    label(1),
                    label(0)
                ),
            }
        }
        DeadlockKind::FuturesCycle => "do not make a task wait for a future whose task waits for \
             it back: compute the dependency outside the pool"
            .to_string(),
        DeadlockKind::PoolStarvation => "do not wait inside a pool task for another task of the \
             same pool: submit it from outside, or give the pool more workers"
            .to_string(),
        DeadlockKind::PipeFull => {
            "let one side receive before it sends, or send smaller messages".to_string()
        }
        DeadlockKind::BarrierShortfall => {
            let b = dl.cycle.first().and_then(|&a| g.waited_res(a));
            match b {
                Some(b) if b.limit > 0 => format!(
                    "make {} parties reach {}, or create it with parties={}, or pass a timeout",
                    b.limit,
                    g.res_label(b.id),
                    b.count
                ),
                _ => "make every party reach the barrier, or pass a timeout".to_string(),
            }
        }
        DeadlockKind::QueueJoin => {
            let q = dl
                .cycle
                .first()
                .and_then(|&a| waited(a))
                .unwrap_or_default();
            format!("call {q}.task_done() once per item taken, from a consumer that keeps running")
        }
        DeadlockKind::NoSignaller => no_signaller_fix(g, dl),
    }
}

fn no_signaller_fix(g: &WaitGraph, dl: &Deadlock) -> String {
    let Some(&a) = dl.cycle.first() else {
        return "make sure a live actor can end the wait, or pass a timeout".to_string();
    };
    let w: Option<&Wait> = g.wait(a);
    let r = w
        .and_then(|w| w.res)
        .map(|r| g.res_label(r))
        .unwrap_or_default();
    let call = match w.map(|w| w.op) {
        Some(WaitOp::EventWait) => format!("{r}.set()"),
        Some(WaitOp::CondWait) => format!("{r}.notify()"),
        Some(WaitOp::QueueGet) => format!("{r}.put(...)"),
        Some(WaitOp::QueuePut) => format!("{r}.get()"),
        Some(WaitOp::SemAcquire) => format!("{r}.release()"),
        Some(WaitOp::PipeRecv) => "send on the other end".to_string(),
        Some(WaitOp::LockAcquire) => {
            return format!("release {r} before its holder exits (use `with {r}:`)");
        }
        _ => return "make sure a live actor can end the wait, or pass a timeout".to_string(),
    };
    format!("make sure an actor that is still running calls {call}, or pass a timeout")
}

/// "thread", "process" or "thread and process", for the actors given.
fn actor_kinds(g: &WaitGraph, ids: &[ActorId]) -> &'static str {
    use crate::checker::snapshot::ActorKind;
    let kinds: Vec<ActorKind> = ids
        .iter()
        .filter_map(|&a| g.actor(a))
        .map(|a| a.kind)
        .collect();
    let threads = kinds.contains(&ActorKind::Thread);
    let processes = kinds.contains(&ActorKind::Process);
    match (threads, processes) {
        (true, true) => "thread and process",
        (false, true) => "process",
        _ => "thread",
    }
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `at file:line` padded so that every line of the file aligns, and the trimmed source.
pub(crate) fn location(program: &Program, span: Span) -> (String, String) {
    let src = &program.source;
    let (line, _) = src.line_col(span.start);
    let digits = src.text.lines().count().max(1).to_string().len();
    let loc = format!("at {}:{:<digits$}", src.name, line);
    (loc, src.line_text(line).trim().to_string())
}

/// `1000013` → `1,000,013`.
pub(crate) fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A table row: cells (the last one unpadded) and lines continued under the second cell.
pub(crate) struct Row {
    /// Column texts; every one but the last is padded to its column's width.
    pub cells: Vec<String>,
    /// Lines continued under the second column.
    pub more: Vec<String>,
}

/// Renders rows with aligned columns, indented by two spaces.
pub(crate) fn render_rows(rows: &[Row]) -> String {
    let n = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.cells.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let indent = 2 + widths.first().map_or(0, |w| w + 2);
    let mut out = String::new();
    for r in rows {
        let mut line = String::from("  ");
        for (i, c) in r.cells.iter().enumerate() {
            line.push_str(c);
            if i + 1 < r.cells.len() {
                let pad = widths[i] - c.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        for m in &r.more {
            out.push_str(&" ".repeat(indent));
            out.push_str(m);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(65536), "65,536");
        assert_eq!(group(1_000_013), "1,000,013");
    }

    #[test]
    fn rows_align_and_continue_under_the_second_column() {
        let rows = vec![
            Row {
                cells: vec!["main".into(), "short".into(), "x".into()],
                more: vec![],
            },
            Row {
                cells: vec!["p".into(), "longer one".into(), "".into()],
                more: vec!["more".into()],
            },
        ];
        assert_eq!(
            render_rows(&rows),
            "  main  short       x\n  p     longer one\n        more\n"
        );
    }
}
