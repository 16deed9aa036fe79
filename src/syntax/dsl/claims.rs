//! The `expect { ... }` block: one claim per line.

use super::Rule;
use super::builder::{Builder, P, children, next};
use crate::diag::Diagnostic;
use crate::diag::did_you_mean::did_you_mean;
use crate::syntax::ast::{Expect, ExpectKind, ExprKind, Grade, Ident, OutcomeCase};

/// The words that start a claim, for "did you mean".
const CLAIM_WORDS: &[&str] = &[
    "no", "deadlock", "hang", "output", "order", "final", "raises", "exitcode", "outcome",
];

/// Grade names, for "did you mean".
pub const GRADES: &[&str] = &["acceptable", "interesting", "forbidden", "required"];

impl Builder<'_> {
    pub(super) fn expect_block(&mut self, p: P<'_>, out: &mut Vec<Expect>) {
        let head = p.as_span().start();
        let span = self.map.span(head, head + "expect".len());
        let mut claims = 0;
        for c in children(p) {
            claims += 1;
            if let Some(e) = self.claim(c) {
                out.push(e);
            }
        }
        if claims == 0 {
            let d = Diagnostic::error("empty `expect` block", span)
                .with_label("no claims here")
                .with_help("add a claim per line, such as `no deadlock` or `output \"done\\n\"`");
            self.error(d);
        }
    }

    fn claim(&mut self, p: P<'_>) -> Option<Expect> {
        let span = self.span(&p);
        let head = p.as_span().start();
        let rule = p.as_rule();
        let kind = match rule {
            Rule::claim_no_deadlock => ExpectKind::NoDeadlock,
            Rule::claim_hang => ExpectKind::Hang,
            Rule::claim_deadlock => {
                let mut kind = None;
                let mut actors = Vec::new();
                for c in children(p) {
                    match c.as_rule() {
                        Rule::name => kind = Some(self.ident(&c)),
                        _ => actors = children(c).map(|a| self.ident(&a)).collect(),
                    }
                }
                ExpectKind::Deadlock { kind, actors }
            }
            Rule::claim_output | Rule::claim_output_contains => {
                let text = self.plain_string(next(&mut children(p)), "the expected output")?;
                if rule == Rule::claim_output {
                    ExpectKind::Output { text }
                } else {
                    ExpectKind::OutputContains { text }
                }
            }
            Rule::claim_order => {
                let mut it = children(p);
                let first = self.plain_string(next(&mut it), "an `order` line");
                let then = self.plain_string(next(&mut it), "an `order` line");
                ExpectKind::Order {
                    first: first?,
                    then: then?,
                }
            }
            Rule::claim_final => ExpectKind::Final(self.expr(next(&mut children(p)))),
            Rule::claim_raises => {
                let mut exc = None;
                let mut actor = None;
                let mut message = None;
                for c in children(p) {
                    match c.as_rule() {
                        Rule::dotted => exc = Some(self.dotted_ident(&c)),
                        Rule::name => actor = Some(self.ident(&c)),
                        _ => message = self.plain_string(c, "the exception message"),
                    }
                }
                ExpectKind::Raises {
                    exc: exc.expect("a raises claim names its exception"),
                    actor,
                    message,
                }
            }
            Rule::claim_exitcode => {
                let mut it = children(p);
                let actor = self.ident(&next(&mut it));
                let code_pair = next(&mut it);
                let Ok(code) = code_pair.as_str().parse::<i64>() else {
                    self.error(Diagnostic::error(
                        "exit code is too large",
                        self.span(&code_pair),
                    ));
                    return None;
                };
                ExpectKind::ExitCode { actor, code }
            }
            Rule::claim_outcome => {
                let mut observe = Vec::new();
                let mut cases = Vec::new();
                let mut written = 0;
                for c in children(p) {
                    if c.as_rule() == Rule::outcome_case {
                        written += 1;
                        cases.extend(self.outcome_case(c));
                    } else {
                        observe.push(self.expr(c));
                    }
                }
                if written == 0 {
                    let word = self.map.span(head, head + "outcome".len());
                    let d = Diagnostic::error("`outcome` claim without cases", word)
                        .with_help("add one case per line: `(1, 2) => acceptable \"why\"`");
                    self.error(d);
                    return None;
                }
                ExpectKind::Outcome { observe, cases }
            }
            _ => {
                let word = self.ident(&next(&mut children(p)));
                let mut d = Diagnostic::error(format!("unknown claim `{}`", word.name), word.span)
                    .with_label("not a claim");
                d = match did_you_mean(&word.name, CLAIM_WORDS.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(
                        "claims are: no deadlock, deadlock, hang, output, output contains, order, final, raises, exitcode, outcome",
                    ),
                };
                self.error(d);
                return None;
            }
        };
        Some(Expect { kind, span })
    }

    fn outcome_case(&mut self, p: P<'_>) -> Option<OutcomeCase> {
        let span = self.span(&p);
        let mut it = children(p);
        let pattern = self.expr(next(&mut it));
        let pattern = match &pattern.kind {
            ExprKind::Name(n) if n == "_" => None,
            _ => Some(pattern),
        };
        let grade_pair = next(&mut children(next(&mut it)));
        let grade_id = self.ident(&grade_pair);
        let grade = self.grade(&grade_id);
        let description = match it.next() {
            Some(s) => self.plain_string(s, "a case description"),
            None => None,
        };
        Some(OutcomeCase {
            pattern,
            grade: grade?,
            description,
            span,
        })
    }

    /// The grade named by `id`, or an error suggesting the closest one.
    pub(crate) fn grade(&mut self, id: &Ident) -> Option<Grade> {
        let g = Grade::from_name(&id.name);
        if g.is_none() {
            self.error(unknown_grade(id));
        }
        g
    }

    fn dotted_ident(&self, p: &P<'_>) -> Ident {
        let name = children(p.clone())
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(".");
        Ident {
            name,
            span: self.span(p),
        }
    }
}

/// "unknown grade `acceptible`", with the closest grade when there is one.
pub fn unknown_grade(id: &Ident) -> Diagnostic {
    let d = Diagnostic::error(format!("unknown grade `{}`", id.name), id.span)
        .with_label("not a grade");
    match did_you_mean(&id.name, GRADES.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help("grades are: acceptable, interesting, forbidden, required"),
    }
}
