//! The `expect` block → [`ir::Expect`]s: expressions resolved in the module scope (with
//! their source text kept for reports), actor names, deadlock kinds and exception
//! classes checked, outcome patterns checked to be constants of the observed shape.

use crate::core::names::ExcType;
use crate::diag::Diagnostic;
use crate::diag::did_you_mean::did_you_mean;
use crate::plan::ir::{self, ExpectKind, OutcomeCaseIr};
use crate::plan::lower::{Lowerer, lower_const};
use crate::syntax::ast::{self, Ident};
use crate::syntax::span::Span;

/// The deadlock classes the checker reports.
pub const DEADLOCK_KINDS: &[&str] = &[
    "self_deadlock",
    "lock_cycle",
    "join_before_drain",
    "mutual_join",
    "join_cycle",
    "futures_cycle",
    "pool_starvation",
    "pipe_full",
    "no_signaller",
    "barrier_shortfall",
    "queue_join",
];

/// Resolves the exception class named in `raises X`: a full name (`queue.Empty`,
/// `TimeoutError`) or an unambiguous short one (`Empty`).
pub fn exc_type(name: &str) -> Option<ExcType> {
    ExcType::from_name(name).or_else(|| {
        let mut it = ExcType::ALL.iter().filter(|e| e.short_name() == name);
        match (it.next(), it.next()) {
            (Some(e), None) => Some(*e),
            _ => None,
        }
    })
}

fn with_suggestion<'a>(
    d: Diagnostic,
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    match did_you_mean(name, candidates) {
        Some(s) => d.with_help(format!("did you mean '{s}'?")),
        None => d,
    }
}

/// Lowers every claim. `actors` are the names an actor can be referred to by: `main`,
/// the labels of Thread/Process/Timer creation sites and their `name=` strings.
pub(crate) fn lower_expects(
    lw: &mut Lowerer<'_>,
    expects: &[ast::Expect],
    actors: &[String],
) -> Vec<ir::Expect> {
    let mut out = Vec::new();
    let mut deadlock: Option<Span> = None;
    let mut no_deadlock: Option<Span> = None;
    for e in expects {
        let kind = match &e.kind {
            ast::ExpectKind::Deadlock {
                kind,
                actors: named,
            } => {
                deadlock.get_or_insert(e.span);
                if let Some(k) = kind
                    && !DEADLOCK_KINDS.contains(&k.name.as_str())
                {
                    let d =
                        Diagnostic::error(format!("unknown deadlock kind '{}'", k.name), k.span)
                            .with_label("not a deadlock kind");
                    let d = with_suggestion(d, &k.name, DEADLOCK_KINDS.iter().copied());
                    lw.error(d);
                }
                for a in named {
                    check_actor(lw, a, actors);
                }
                ExpectKind::Deadlock {
                    kind: kind.as_ref().map(|k| k.name.clone()),
                    actors: named.iter().map(|a| a.name.clone()).collect(),
                }
            }
            ast::ExpectKind::NoDeadlock => {
                no_deadlock.get_or_insert(e.span);
                ExpectKind::NoDeadlock
            }
            ast::ExpectKind::Hang => ExpectKind::Hang,
            ast::ExpectKind::Output { text } => ExpectKind::Output(text.clone()),
            ast::ExpectKind::OutputContains { text } => ExpectKind::OutputContains(text.clone()),
            ast::ExpectKind::Order { first, then } => ExpectKind::Order {
                first: first.clone(),
                then: then.clone(),
            },
            ast::ExpectKind::Final(x) => ExpectKind::Final {
                expr: lw.lower_expect_expr(x),
                source: lw.file.text[x.span.range()].to_string(),
            },
            ast::ExpectKind::Raises {
                exc,
                actor,
                message,
            } => {
                if let Some(a) = actor {
                    check_actor(lw, a, actors);
                }
                let Some(ty) = exc_type(&exc.name) else {
                    let d = Diagnostic::error(
                        format!("unknown exception class '{}'", exc.name),
                        exc.span,
                    )
                    .with_label("not an exception the language raises");
                    let names = ExcType::ALL.iter().flat_map(|e| [e.name(), e.short_name()]);
                    lw.error(with_suggestion(d, &exc.name, names));
                    continue;
                };
                ExpectKind::Raises {
                    exc: ty,
                    actor: actor.as_ref().map(|a| a.name.clone()),
                    message: message.clone(),
                }
            }
            ast::ExpectKind::ExitCode { actor, code } => {
                check_actor(lw, actor, actors);
                ExpectKind::ExitCode {
                    actor: actor.name.clone(),
                    code: *code,
                }
            }
            ast::ExpectKind::Outcome { observe, cases } => ExpectKind::Outcome {
                observe: observe.iter().map(|o| lw.lower_expect_expr(o)).collect(),
                sources: observe
                    .iter()
                    .map(|o| lw.file.text[o.span.range()].to_string())
                    .collect(),
                cases: cases
                    .iter()
                    .map(|c| outcome_case(lw, c, observe.len()))
                    .collect(),
            },
        };
        out.push(ir::Expect { kind, span: e.span });
    }
    if let (Some(d), Some(n)) = (deadlock, no_deadlock) {
        let (first, second) = if d < n { (d, n) } else { (n, d) };
        lw.error(
            Diagnostic::error("`deadlock` and `no deadlock` contradict each other", second)
                .with_label("contradicts the other claim")
                .with_secondary(first, "other claim here"),
        );
    }
    out
}

fn check_actor(lw: &mut Lowerer<'_>, a: &Ident, actors: &[String]) {
    if a.name == "main" || actors.contains(&a.name) {
        return;
    }
    let d = Diagnostic::error(format!("unknown actor '{}'", a.name), a.span)
        .with_label("no thread, process or timer has this name")
        .with_note(
            "actors are `main`, the variables Thread/Process/Timer objects are assigned to, \
             and their `name=` strings",
        );
    let names = std::iter::once("main").chain(actors.iter().map(|s| s.as_str()));
    lw.error(with_suggestion(d, &a.name, names));
}

fn outcome_case(lw: &mut Lowerer<'_>, c: &ast::OutcomeCase, observed: usize) -> OutcomeCaseIr {
    let pattern = c.pattern.as_ref().and_then(|p| {
        let Some(lowered) = lower_const(p) else {
            lw.error(
                Diagnostic::error("an outcome pattern must be a constant", p.span)
                    .with_label("not a constant")
                    .with_help("write the value itself, like `(20, 5)` or `\"done\"`, or `_`"),
            );
            return None;
        };
        if observed > 1 {
            let len = match &p.kind {
                ast::ExprKind::Tuple(items) => Some(items.len()),
                _ => None,
            };
            if len != Some(observed) {
                let got = len.map_or("a single value".to_string(), |n| format!("{n} values"));
                lw.error(
                    Diagnostic::error(
                        format!(
                            "this outcome has {observed} observed values but the pattern has {got}"
                        ),
                        p.span,
                    )
                    .with_label(format!("expected a tuple of {observed}")),
                );
            }
        }
        Some(lowered)
    });
    OutcomeCaseIr {
        pattern,
        grade: c.grade,
        description: c.description.clone(),
        span: c.span,
    }
}
