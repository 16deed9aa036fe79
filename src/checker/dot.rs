//! The wait-for graph of a snapshot as Graphviz DOT: actors as boxes, resources as
//! ellipses, "waits for" / "held by" / "run by" edges, deadlocked nodes in red.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::checker::snapshot::{ActorId, ActorState, ResId, Snapshot};
use crate::checker::wait_graph::{ResEdge, WaitGraph};

/// The DOT text of `snap`'s wait-for graph; actors in `stuck` (and the resources they
/// wait on) are drawn red.
pub fn to_dot(snap: &Snapshot, stuck: &BTreeSet<ActorId>) -> String {
    let g = WaitGraph::new(snap);
    let mut waits: Vec<(ActorId, Node)> = Vec::new();
    for a in &snap.actors {
        if let Some(w) = g.wait(a.id) {
            if let Some(r) = w.res {
                waits.push((a.id, Node::Res(r)));
            } else if let Some(t) = w.target {
                waits.push((a.id, Node::Actor(t)));
            }
        }
    }
    let res_edges = g.res_edges();
    let red_res: BTreeSet<ResId> = waits
        .iter()
        .filter(|(a, _)| stuck.contains(a))
        .filter_map(|(_, n)| match n {
            Node::Res(r) => Some(*r),
            Node::Actor(_) => None,
        })
        .collect();

    let mut actors: BTreeSet<ActorId> = snap
        .actors
        .iter()
        .filter(|a| a.state != ActorState::Exited)
        .map(|a| a.id)
        .collect();
    let mut resources: BTreeSet<ResId> = res_edges.iter().map(|(r, _)| *r).collect();
    for (a, n) in &waits {
        actors.insert(*a);
        match n {
            Node::Res(r) => resources.insert(*r),
            Node::Actor(t) => actors.insert(*t),
        };
    }
    for (_, e) in &res_edges {
        let (ResEdge::HeldBy(a) | ResEdge::RunBy(a)) = *e;
        actors.insert(a);
    }

    let mut out = String::from("digraph waits {\n  rankdir=LR;\n");
    for &a in &actors {
        let red = if stuck.contains(&a) { RED } else { "" };
        let _ = writeln!(
            out,
            "  a{a} [shape=box, label={}{red}];",
            quote(&g.label(a))
        );
    }
    for &r in &resources {
        let red = if red_res.contains(&r) { RED } else { "" };
        let _ = writeln!(
            out,
            "  r{r} [shape=ellipse, label={}{red}];",
            quote(&g.res_label(r))
        );
    }
    for (a, n) in &waits {
        let (to, red) = match n {
            Node::Res(r) => (format!("r{r}"), stuck.contains(a)),
            Node::Actor(t) => (format!("a{t}"), stuck.contains(a) && stuck.contains(t)),
        };
        let red = if red { RED } else { "" };
        let _ = writeln!(out, "  a{a} -> {to} [label=\"waits for\"{red}];");
    }
    for (r, e) in &res_edges {
        let (a, label) = match *e {
            ResEdge::HeldBy(a) => (a, "held by"),
            ResEdge::RunBy(a) => (a, "run by"),
        };
        let red = if red_res.contains(r) && stuck.contains(&a) {
            RED
        } else {
            ""
        };
        let _ = writeln!(out, "  r{r} -> a{a} [label=\"{label}\"{red}];");
    }
    out.push_str("}\n");
    out
}

const RED: &str = ", color=red, fontcolor=red";

enum Node {
    Actor(ActorId),
    Res(ResId),
}

fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                q.push('\\');
                q.push(c);
            }
            '\n' => q.push_str("\\n"),
            _ => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_escape_dot_specials() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
