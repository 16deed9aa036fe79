//! The `config { ... }` and `expect { ... }` blocks of a `.scn` file.

use super::{Fast, GiveUp, R, lex};
use crate::syntax::ast::{ConfigItem, Expect, ExpectKind, ExprKind, Grade, Ident, OutcomeCase};

impl Fast<'_> {
    /// `config_block = kw_config ~ lbrace ~ cfg_sep* ~ (config_item ~ (cfg_sep+ ~
    /// config_item)*)? ~ cfg_sep* ~ rbrace`, with `cfg_sep = eol | ","`.
    pub(super) fn config_block(&mut self, out: &mut Vec<ConfigItem>) -> R<()> {
        self.bump("config".len());
        self.expect(b'{')?;
        self.cfg_seps();
        while self.peek() != b'}' {
            let start = self.pos;
            let key = self.name()?;
            if !self.at_assign_eq() {
                return Err(GiveUp);
            }
            self.bump(1);
            let value = self.expr()?;
            out.push(ConfigItem {
                key,
                value,
                span: self.span_from(start),
            });
            if !self.cfg_seps() {
                break;
            }
        }
        self.expect(b'}')
    }

    fn cfg_seps(&mut self) -> bool {
        let mut any = false;
        while matches!(self.peek(), b'\n' | b';' | b',') {
            self.bump(1);
            any = true;
        }
        any
    }

    /// `expect_block = kw_expect ~ lbrace ~ eol* ~ (claim ~ (eol+ ~ claim)*)? ~ eol* ~
    /// rbrace`.
    pub(super) fn expect_block(&mut self, out: &mut Vec<Expect>) -> R<()> {
        self.bump("expect".len());
        self.expect(b'{')?;
        self.eols();
        let before = out.len();
        while self.peek() != b'}' {
            out.push(self.claim()?);
            if !self.eols() {
                break;
            }
        }
        if out.len() == before {
            // The builder's "empty `expect` block".
            return Err(GiveUp);
        }
        self.expect(b'}')
    }

    /// One claim; a word that starts none is the builder's "unknown claim".
    fn claim(&mut self) -> R<Expect> {
        let start = self.pos;
        let w = self.word()?;
        let kind = match w {
            "no" => {
                self.bump(w.len());
                self.expect_word("deadlock")?;
                ExpectKind::NoDeadlock
            }
            "deadlock" => {
                self.bump(w.len());
                let kind = if self.word()?.is_empty() {
                    None
                } else {
                    Some(self.name()?)
                };
                let mut actors = Vec::new();
                if self.peek() == b'[' {
                    self.open(b'[')?;
                    while self.peek() != b']' {
                        actors.push(self.name()?);
                        if !self.eat(b',') {
                            break;
                        }
                    }
                    self.close(b']')?;
                }
                ExpectKind::Deadlock { kind, actors }
            }
            "hang" => {
                self.bump(w.len());
                ExpectKind::Hang
            }
            "output" => {
                self.bump(w.len());
                let contains = self.eat_word("contains")?;
                let text = self.plain_string("the expected output")?;
                if contains {
                    ExpectKind::OutputContains { text }
                } else {
                    ExpectKind::Output { text }
                }
            }
            "order" => {
                self.bump(w.len());
                let first = self.plain_string("an `order` line")?;
                self.expect_word("before")?;
                let then = self.plain_string("an `order` line")?;
                ExpectKind::Order { first, then }
            }
            "final" => {
                self.bump(w.len());
                ExpectKind::Final(self.expr()?)
            }
            "raises" => self.raises()?,
            "exitcode" => {
                self.bump(w.len());
                let actor = self.name()?;
                if !(self.peek() == b'=' && self.peek_at(1) == b'=') {
                    return Err(GiveUp);
                }
                self.bump(2);
                let minus = usize::from(self.peek() == b'-');
                let digits = self.s[self.pos + minus..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                if digits == 0 {
                    return Err(GiveUp);
                }
                let text = &self.src[self.pos..self.pos + minus + digits];
                let code = text.parse::<i64>().map_err(|_| GiveUp)?;
                self.bump(minus + digits);
                ExpectKind::ExitCode { actor, code }
            }
            "outcome" => self.outcome()?,
            _ => return Err(GiveUp),
        };
        Ok(Expect {
            kind,
            span: self.span_from(start),
        })
    }

    /// `claim_raises = cw_raises ~ dotted ~ (kw_in ~ name)? ~ string?`.
    fn raises(&mut self) -> R<ExpectKind> {
        self.bump("raises".len());
        let start = self.pos;
        let names = self.dotted()?;
        let exc = Ident {
            name: names
                .iter()
                .map(|n| n.name.as_str())
                .collect::<Vec<_>>()
                .join("."),
            span: self.span_from(start),
        };
        let actor = if self.eat_word("in")? {
            Some(self.name()?)
        } else {
            None
        };
        let message = if lex::string(self.s, self.pos)?.is_some() {
            Some(self.plain_string("the exception message")?)
        } else {
            None
        };
        Ok(ExpectKind::Raises {
            exc,
            actor,
            message,
        })
    }

    /// `claim_outcome = cw_outcome ~ expr ~ ("," ~ expr)* ~ lbrace ~ eol* ~
    /// (outcome_case ~ (eol+ ~ outcome_case)*)? ~ eol* ~ rbrace`.
    fn outcome(&mut self) -> R<ExpectKind> {
        self.bump("outcome".len());
        let mut observe = vec![self.expr()?];
        while self.eat(b',') {
            observe.push(self.expr()?);
        }
        self.expect(b'{')?;
        self.eols();
        let mut cases = Vec::new();
        while self.peek() != b'}' {
            cases.push(self.outcome_case()?);
            if !self.eols() {
                break;
            }
        }
        if cases.is_empty() {
            // The builder's "`outcome` claim without cases".
            return Err(GiveUp);
        }
        self.expect(b'}')?;
        Ok(ExpectKind::Outcome { observe, cases })
    }

    /// `outcome_case = expr ~ "=>" ~ grade ~ string?`.
    fn outcome_case(&mut self) -> R<OutcomeCase> {
        let start = self.pos;
        let pattern = self.expr()?;
        let pattern = match &pattern.kind {
            ExprKind::Name(n) if n == "_" => None,
            _ => Some(pattern),
        };
        if !(self.peek() == b'=' && self.peek_at(1) == b'>') {
            return Err(GiveUp);
        }
        self.bump(2);
        let grade_id = self.name()?;
        let grade = Grade::from_name(&grade_id.name).ok_or(GiveUp)?;
        let description = if lex::string(self.s, self.pos)?.is_some() {
            Some(self.plain_string("a case description")?)
        } else {
            None
        };
        Ok(OutcomeCase {
            pattern,
            grade,
            description,
            span: self.span_from(start),
        })
    }

    /// A `string` token that must be a plain string (the builder reports `b` and `f`).
    fn plain_string(&mut self, what: &str) -> R<String> {
        let (text, off) = self.string_token()?;
        self.b.plain_string_at(text, off, what).ok_or(GiveUp)
    }
}
