//! The static process/thread/resource graph of a program (`interp graph`): the main
//! actor, every actor creation site (threads, processes, timers, pools, executors) with
//! its target functions, every resource creation site, and which actor may use which
//! resource with which methods.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::core::names::Method;
use crate::plan::ir::{Program, Site};
use crate::plan::signatures::kind_name;

/// A node of the graph: the main actor or a creation site.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Main,
    Site(u32),
}

struct Graph<'p> {
    program: &'p Program,
    /// Actor node → (resource site → methods).
    edges: BTreeMap<Node, BTreeMap<u32, Vec<Method>>>,
}

fn line(p: &Program, site: &Site) -> usize {
    p.source.line_col(site.span.start).0
}

fn site_name(p: &Program, i: u32) -> String {
    let s = &p.facts.sites[i as usize];
    match &s.label {
        Some(l) => l.clone(),
        None => format!("{}@{}", s.ctor, line(p, s)),
    }
}

impl<'p> Graph<'p> {
    fn new(program: &'p Program) -> Graph<'p> {
        let mut edges: BTreeMap<Node, BTreeMap<u32, Vec<Method>>> = BTreeMap::new();
        let mut add = |node: Node, funcs: &[u32]| {
            let e = edges.entry(node).or_default();
            for f in funcs {
                for (site, m) in &program.facts.uses[*f as usize] {
                    let ms = e.entry(*site).or_default();
                    if !ms.contains(m) {
                        ms.push(*m);
                    }
                }
            }
        };
        add(Node::Main, &[program.main]);
        for (i, s) in program.facts.sites.iter().enumerate() {
            if s.kind.is_actor() {
                add(Node::Site(i as u32), &s.targets);
            }
        }
        Graph { program, edges }
    }

    fn node_name(&self, n: Node) -> String {
        match n {
            Node::Main => "main".into(),
            Node::Site(i) => site_name(self.program, i),
        }
    }

    fn targets(&self, s: &Site) -> String {
        let names: Vec<&str> = s
            .targets
            .iter()
            .map(|f| self.program.functions[*f as usize].name.as_str())
            .collect();
        names.join(", ")
    }
}

/// The graph as text, one section per node kind.
pub fn render_text(p: &Program) -> String {
    let g = Graph::new(p);
    let mut out = String::new();
    let _ = writeln!(out, "scenario {}", p.name);
    let _ = writeln!(out, "actors:");
    let _ = writeln!(out, "  main (module body)");
    for (i, s) in p.facts.sites.iter().enumerate() {
        if s.kind.is_actor() {
            let _ = write!(out, "  {} = {}", site_name(p, i as u32), s.ctor);
            if !s.targets.is_empty() {
                let _ = write!(out, " -> {}", g.targets(s));
            }
            let _ = writeln!(out, "  (line {})", line(p, s));
        }
    }
    let _ = writeln!(out, "resources:");
    for (i, s) in p.facts.sites.iter().enumerate() {
        if !s.kind.is_actor() {
            let _ = writeln!(
                out,
                "  {} = {} [{}]  (line {})",
                site_name(p, i as u32),
                s.ctor,
                kind_name(s.kind),
                line(p, s)
            );
        }
    }
    let _ = writeln!(out, "uses:");
    for (node, uses) in &g.edges {
        for (site, methods) in uses {
            let ms: Vec<&str> = methods.iter().map(|m| m.name()).collect();
            let _ = writeln!(
                out,
                "  {} -> {}: {}",
                g.node_name(*node),
                site_name(p, *site),
                ms.join(", ")
            );
        }
    }
    out
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The graph in Graphviz DOT: actors are boxes, resources ellipses, uses labelled edges.
pub fn render_dot(p: &Program) -> String {
    let g = Graph::new(p);
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", dot_escape(&p.name));
    let _ = writeln!(out, "  main [shape=box, label=\"main\"];");
    for (i, s) in p.facts.sites.iter().enumerate() {
        let name = site_name(p, i as u32);
        let (shape, detail) = if s.kind.is_actor() {
            ("box", format!("{}({})", s.ctor, g.targets(s)))
        } else {
            ("ellipse", kind_name(s.kind).to_string())
        };
        let label = format!("{name}\\n{} line {}", dot_escape(&detail), line(p, s));
        let _ = writeln!(out, "  s{i} [shape={shape}, label=\"{label}\"];");
    }
    for (node, uses) in &g.edges {
        let from = match node {
            Node::Main => "main".to_string(),
            Node::Site(i) => format!("s{i}"),
        };
        for (site, methods) in uses {
            let ms: Vec<&str> = methods.iter().map(|m| m.name()).collect();
            let _ = writeln!(out, "  {from} -> s{site} [label=\"{}\"];", ms.join(", "));
        }
    }
    out.push_str("}\n");
    out
}
