//! The static process/thread/resource graph of a program (`interp graph`): the main
//! actor, every actor creation site (threads, processes, timers, pools, executors) with
//! its target functions, every resource creation site, and which actor may use which
//! resource with which methods.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::core::names::Method;
use crate::plan::facts;
use crate::plan::ir::Program;
use crate::plan::kinds::{self, Site};
use crate::plan::signatures::kind_name;

/// A node of the graph: the main actor or a creation site.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Main,
    Site(u32),
}

/// The graph's data, recomputed from the program's IR (inference is a pure function of
/// it, so `Program` need not carry it).
struct Graph<'p> {
    program: &'p Program,
    sites: Vec<Site>,
    /// Actor node → (resource site → methods).
    edges: BTreeMap<Node, BTreeMap<u32, Vec<Method>>>,
}

impl<'p> Graph<'p> {
    fn new(program: &'p Program) -> Graph<'p> {
        let kinds = kinds::infer(&program.functions);
        let uses = facts::compute(program.functions.len(), &kinds).uses;
        let mut edges: BTreeMap<Node, BTreeMap<u32, Vec<Method>>> = BTreeMap::new();
        let mut add = |node: Node, funcs: &[u32]| {
            let e = edges.entry(node).or_default();
            for f in funcs {
                for (site, m) in &uses[*f as usize] {
                    let ms = e.entry(*site).or_default();
                    if !ms.contains(m) {
                        ms.push(*m);
                    }
                }
            }
        };
        add(Node::Main, &[program.main]);
        for (i, s) in kinds.sites.iter().enumerate() {
            if s.kind.is_actor() {
                add(Node::Site(i as u32), &s.targets);
            }
        }
        Graph {
            program,
            sites: kinds.sites,
            edges,
        }
    }

    fn line(&self, site: &Site) -> usize {
        self.program.source.line_col(site.span.start).0
    }

    /// A site's label, or `ctor@line` when it is not assigned to a variable.
    fn site_name(&self, i: u32) -> String {
        let s = &self.sites[i as usize];
        match self.program.labels.iter().find(|(sp, _)| *sp == s.span) {
            Some((_, l)) => l.clone(),
            None => format!("{}@{}", s.ctor, self.line(s)),
        }
    }

    fn node_name(&self, n: Node) -> String {
        match n {
            Node::Main => "main".into(),
            Node::Site(i) => self.site_name(i),
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
    for (i, s) in g.sites.iter().enumerate() {
        if s.kind.is_actor() {
            let _ = write!(out, "  {} = {}", g.site_name(i as u32), s.ctor);
            if !s.targets.is_empty() {
                let _ = write!(out, " -> {}", g.targets(s));
            }
            let _ = writeln!(out, "  (line {})", g.line(s));
        }
    }
    let _ = writeln!(out, "resources:");
    for (i, s) in g.sites.iter().enumerate() {
        if !s.kind.is_actor() {
            let _ = writeln!(
                out,
                "  {} = {} [{}]  (line {})",
                g.site_name(i as u32),
                s.ctor,
                kind_name(s.kind),
                g.line(s)
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
                g.site_name(*site),
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
    for (i, s) in g.sites.iter().enumerate() {
        let name = g.site_name(i as u32);
        let (shape, detail) = if s.kind.is_actor() {
            ("box", format!("{}({})", s.ctor, g.targets(s)))
        } else {
            ("ellipse", kind_name(s.kind).to_string())
        };
        let label = format!("{name}\\n{} line {}", dot_escape(&detail), g.line(s));
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
