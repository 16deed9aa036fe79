//! Expressions and assignment targets, one function per precedence level of the
//! grammar, building the nodes the builder builds with the spans it gives them: a
//! chain of binary or boolean operators spans its operands, every other node spans
//! its rule.

use super::{Fast, GiveUp, NEST_LIMIT, R, lex};
use crate::syntax::ast::{Arg, BinOp, BoolOp, CmpOp, Expr, ExprKind, Param, UnaryOp};

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// What one `expr` costs in the builder's depth: a call per precedence level from
/// `ternary` down to `atom` (15), plus one for a wrapping `expr_list` or `lambda`.
const EXPR_NEST: usize = 16;
/// What a recursion inside a level costs (`not not x`, `- - x`, `a ** b`).
const STEP_NEST: usize = 2;

impl Fast<'_> {
    /// `expr = lambda | ternary`.
    pub(super) fn expr(&mut self) -> R<Expr> {
        self.nest += EXPR_NEST;
        if self.nest >= NEST_LIMIT {
            return Err(GiveUp);
        }
        let e = if self.word()? == "lambda" {
            self.lambda()
        } else {
            self.ternary()
        };
        self.nest -= EXPR_NEST;
        e
    }

    /// `lambda = kw_lambda ~ (param ~ ("," ~ param)*)? ~ ":" ~ expr`.
    fn lambda(&mut self) -> R<Expr> {
        let start = self.pos;
        self.bump("lambda".len());
        let mut params: Vec<Param> = Vec::new();
        if self.peek() != b':' {
            params.push(self.param()?);
            while self.eat(b',') {
                params.push(self.param()?);
            }
        }
        self.expect(b':')?;
        let body = self.expr()?;
        Ok(Expr {
            kind: ExprKind::Lambda {
                params,
                body: boxed(body),
            },
            span: self.span_from(start),
        })
    }

    /// `ternary = or_test ~ (kw_if ~ or_test ~ kw_else ~ expr)?`.
    fn ternary(&mut self) -> R<Expr> {
        let start = self.pos;
        let then = self.or_test()?;
        if !self.eat_word("if")? {
            return Ok(then);
        }
        let cond = self.or_test()?;
        self.expect_word("else")?;
        let orelse = self.expr()?;
        Ok(Expr {
            kind: ExprKind::IfExp {
                cond: boxed(cond),
                then: boxed(then),
                orelse: boxed(orelse),
            },
            span: self.span_from(start),
        })
    }

    /// `or_test` and `and_test`: left-associative chains.
    pub(super) fn or_test(&mut self) -> R<Expr> {
        self.bool_chain(BoolOp::Or)
    }

    fn bool_chain(&mut self, op: BoolOp) -> R<Expr> {
        let (word, operand): (&str, fn(&mut Self) -> R<Expr>) = match op {
            BoolOp::Or => ("or", |f| f.bool_chain(BoolOp::And)),
            BoolOp::And => ("and", Self::not_test),
        };
        let mut acc = operand(self)?;
        while self.eat_word(word)? {
            let right = operand(self)?;
            acc = Expr {
                span: acc.span.to(right.span),
                kind: ExprKind::BoolOp {
                    op,
                    left: boxed(acc),
                    right: boxed(right),
                },
            };
        }
        Ok(acc)
    }

    /// `not_test = kw_not ~ not_test | comparison`.
    fn not_test(&mut self) -> R<Expr> {
        if self.word()? != "not" {
            return self.comparison();
        }
        let start = self.pos;
        self.bump("not".len());
        let operand = self.nested(Self::not_test)?;
        Ok(Expr {
            kind: ExprKind::Unary {
                op: UnaryOp::Not,
                operand: boxed(operand),
            },
            span: self.span_from(start),
        })
    }

    /// A recursion inside one precedence level, counted against the nesting limit.
    fn nested(&mut self, f: fn(&mut Self) -> R<Expr>) -> R<Expr> {
        self.nest += STEP_NEST;
        if self.nest >= NEST_LIMIT {
            return Err(GiveUp);
        }
        let e = f(self);
        self.nest -= STEP_NEST;
        e
    }

    /// `comparison = bit_or ~ (comp_op ~ bit_or)*`.
    fn comparison(&mut self) -> R<Expr> {
        let start = self.pos;
        let left = self.binary(0)?;
        let mut rest = Vec::new();
        while let Some(op) = self.comp_op()? {
            rest.push((op, self.binary(0)?));
        }
        if rest.is_empty() {
            return Ok(left);
        }
        Ok(Expr {
            kind: ExprKind::Compare {
                left: boxed(left),
                rest,
            },
            span: self.span_from(start),
        })
    }

    /// Reads a comparison operator if one is next.
    fn comp_op(&mut self) -> R<Option<CmpOp>> {
        let (op, len) = match (self.peek(), self.peek_at(1)) {
            (b'=', b'=') => (CmpOp::Eq, 2),
            (b'!', b'=') => (CmpOp::Ne, 2),
            (b'<', b'=') => (CmpOp::Le, 2),
            (b'>', b'=') => (CmpOp::Ge, 2),
            (b'<', b'<') | (b'>', b'>') => return Ok(None),
            (b'<', _) => (CmpOp::Lt, 1),
            (b'>', _) => (CmpOp::Gt, 1),
            _ => {
                return Ok(match self.word()? {
                    "not" => {
                        self.bump("not".len());
                        self.expect_word("in")?;
                        Some(CmpOp::NotIn)
                    }
                    "in" => {
                        self.bump("in".len());
                        Some(CmpOp::In)
                    }
                    "is" => {
                        self.bump("is".len());
                        Some(if self.eat_word("not")? {
                            CmpOp::IsNot
                        } else {
                            CmpOp::Is
                        })
                    }
                    _ => None,
                });
            }
        };
        self.bump(len);
        Ok(Some(op))
    }

    /// `bit_or` (level 0) down to `term` (level 5): left-associative chains.
    fn binary(&mut self, level: u8) -> R<Expr> {
        let operand = |f: &mut Self| {
            if level == 5 {
                f.factor()
            } else {
                f.binary(level + 1)
            }
        };
        let mut acc = operand(self)?;
        while let Some((op, len)) = lex::bin_op(self.s, self.pos, level) {
            self.bump(len);
            let right = operand(self)?;
            acc = Expr {
                span: acc.span.to(right.span),
                kind: ExprKind::Binary {
                    op,
                    left: boxed(acc),
                    right: boxed(right),
                },
            };
        }
        Ok(acc)
    }

    /// `factor = (op_pos | op_neg | op_invert) ~ factor | power`.
    fn factor(&mut self) -> R<Expr> {
        let op = match self.peek() {
            b'+' => UnaryOp::Pos,
            b'-' => UnaryOp::Neg,
            b'~' => UnaryOp::Invert,
            _ => return self.power(),
        };
        let start = self.pos;
        self.bump(1);
        let operand = self.nested(Self::factor)?;
        Ok(Expr {
            kind: ExprKind::Unary {
                op,
                operand: boxed(operand),
            },
            span: self.span_from(start),
        })
    }

    /// `power = primary ~ (op_pow ~ factor)?`.
    fn power(&mut self) -> R<Expr> {
        let start = self.pos;
        let base = self.primary()?;
        if !(self.peek() == b'*' && self.peek_at(1) == b'*' && self.peek_at(2) != b'=') {
            return Ok(base);
        }
        self.bump(2);
        let exp = self.nested(Self::factor)?;
        Ok(Expr {
            kind: ExprKind::Binary {
                op: BinOp::Pow,
                left: boxed(base),
                right: boxed(exp),
            },
            span: self.span_from(start),
        })
    }

    /// `primary = atom ~ (call | attribute | subscript)*`.
    pub(super) fn primary(&mut self) -> R<Expr> {
        let mut acc = self.atom()?;
        loop {
            let start = self.pos;
            let first = acc.span;
            let kind = match self.peek() {
                b'(' => {
                    let args = self.call_args()?;
                    ExprKind::Call {
                        func: boxed(acc),
                        args,
                    }
                }
                b'.' => {
                    self.bump(1);
                    let name = self.name()?;
                    ExprKind::Attr {
                        obj: boxed(acc),
                        name,
                    }
                }
                b'[' => {
                    self.open(b'[')?;
                    let kind = self.subscript(acc)?;
                    self.close(b']')?;
                    kind
                }
                _ => return Ok(acc),
            };
            acc = Expr {
                span: first.to(self.span_from(start)),
                kind,
            };
        }
    }

    /// `call = open_paren ~ (arg ~ ("," ~ arg)* ~ ","?)? ~ DROP ~ rparen`.
    fn call_args(&mut self) -> R<Vec<Arg>> {
        self.open(b'(')?;
        let mut args = Vec::new();
        while self.peek() != b')' {
            args.push(self.arg()?);
            if !self.eat(b',') {
                break;
            }
        }
        self.close(b')')?;
        Ok(args)
    }

    /// `arg = kwarg | star_arg | expr`.
    fn arg(&mut self) -> R<Arg> {
        if self.peek() == b'*' {
            self.bump(1);
            return Ok(Arg {
                name: None,
                star: true,
                value: self.expr()?,
            });
        }
        let w = self.word()?;
        if !w.is_empty() && !lex::is_keyword(w.as_bytes()) {
            let after = self.trivia_end(self.pos + w.len());
            if self.s.get(after) == Some(&b'=')
                && !matches!(self.s.get(after + 1), Some(b'=' | b'>'))
            {
                let name = Some(self.name()?);
                self.bump(1);
                return Ok(Arg {
                    name,
                    star: false,
                    value: self.expr()?,
                });
            }
        }
        Ok(Arg {
            name: None,
            star: false,
            value: self.expr()?,
        })
    }

    /// Inside `[...]` after an object: `slice | expr_list`.
    fn subscript(&mut self, obj: Expr) -> R<ExprKind> {
        let list_start = self.pos;
        let lo = if self.peek() == b':' {
            None
        } else {
            let first = self.expr()?;
            if self.peek() != b':' {
                let index = self.expr_list_from(first, list_start)?;
                return Ok(ExprKind::Index {
                    obj: boxed(obj),
                    index: boxed(index),
                });
            }
            Some(boxed(first))
        };
        self.bump(1);
        let hi = if matches!(self.peek(), b':' | b']') {
            None
        } else {
            Some(boxed(self.expr()?))
        };
        let mut step = None;
        if self.eat(b':') && self.peek() != b']' {
            step = Some(boxed(self.expr()?));
        }
        Ok(ExprKind::Slice {
            obj: boxed(obj),
            lo,
            hi,
            step,
        })
    }

    /// `expr_list = expr ~ ("," ~ expr)* ~ trailing_comma?`: a tuple when there is a
    /// comma, else the one expression.
    pub(super) fn expr_list(&mut self) -> R<Expr> {
        let start = self.pos;
        let first = self.expr()?;
        self.expr_list_from(first, start)
    }

    /// The rest of an `expr_list` that started at `start` with `first`.
    fn expr_list_from(&mut self, first: Expr, start: usize) -> R<Expr> {
        if self.peek() != b',' {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(b',') {
            // `for x in a, { ... }`: pest tries the block as a dict, fails, and reads the
            // comma as a trailing one.
            if !self.starts_expr()? || (self.peek() == b'{' && !self.brace_is_dict()?) {
                break;
            }
            items.push(self.expr()?);
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            span: self.span_from(start),
        })
    }

    /// `target_list = target ~ ("," ~ target)* ~ trailing_comma?`.
    pub(super) fn target_list(&mut self) -> R<Expr> {
        let start = self.pos;
        let first = self.target()?;
        if self.peek() != b',' {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(b',') {
            if !self.starts_expr()? {
                break;
            }
            items.push(self.target()?);
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            span: self.span_from(start),
        })
    }

    /// `target = paren_target | bracket_target | primary`. When a bracketed target
    /// fails pest would try it as a primary; this parser gives up instead.
    pub(super) fn target(&mut self) -> R<Expr> {
        let start = self.pos;
        let close = match self.peek() {
            b'(' => b')',
            b'[' => b']',
            _ => {
                self.nest += EXPR_NEST;
                if self.nest >= NEST_LIMIT {
                    return Err(GiveUp);
                }
                let e = self.primary();
                self.nest -= EXPR_NEST;
                return e;
            }
        };
        self.open(self.peek())?;
        let inner = self.target_list()?;
        self.close(close)?;
        let span = self.span_from(start);
        Ok(if close == b')' {
            Expr { span, ..inner }
        } else {
            Expr::list_target(inner, span)
        })
    }

    /// `atom`, in the grammar's order: brackets, strings, numbers, `None`/`True`/
    /// `False`, names. An unterminated string is an error: give up.
    fn atom(&mut self) -> R<Expr> {
        let start = self.pos;
        let kind = match self.peek() {
            b'(' => return self.paren(),
            b'[' => return self.list_display(),
            b'{' => return self.dict_display(),
            b'0'..=b'9' | b'.' => {
                let (kind, end) = lex::number(self.s, start)?.ok_or(GiveUp)?;
                let text = &self.src[start..end];
                self.bump(end - start);
                self.b.number_at(text, start, kind)
            }
            _ => {
                if lex::string(self.s, start)?.is_some() {
                    return self.strings();
                }
                let w = self.word()?;
                let kind = match w {
                    "None" => ExprKind::None,
                    "True" => ExprKind::Bool(true),
                    "False" => ExprKind::Bool(false),
                    _ if w.is_empty() || lex::is_keyword(w.as_bytes()) => return Err(GiveUp),
                    _ => ExprKind::Name(w.to_string()),
                };
                self.bump(w.len());
                kind
            }
        };
        Ok(Expr {
            kind,
            span: self.span_from(start),
        })
    }

    /// `strings = string ~ string*`: adjacent literals, decoded by the builder.
    fn strings(&mut self) -> R<Expr> {
        let start = self.pos;
        let mut tokens = Vec::new();
        while let Some(end) = lex::string(self.s, self.pos)? {
            let at = self.pos;
            tokens.push((&self.src[at..end], at));
            self.bump(end - at);
        }
        let span = self.span_from(start);
        Ok(self.b.strings_at(span, &tokens))
    }

    /// `paren = open_paren ~ (expr ~ ("," ~ expr)* ~ trailing_comma?)? ~ DROP ~ rparen`:
    /// one expression without a comma is itself (with its own span), else a tuple.
    fn paren(&mut self) -> R<Expr> {
        let start = self.pos;
        self.open(b'(')?;
        let mut items = Vec::new();
        let mut comma = false;
        while self.peek() != b')' {
            items.push(self.expr()?);
            if !self.eat(b',') {
                break;
            }
            comma = true;
        }
        self.close(b')')?;
        if items.len() == 1 && !comma {
            return Ok(items.pop().expect("one item"));
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            span: self.span_from(start),
        })
    }

    /// `list_display = open_bracket ~ (list_comp | expr ~ ("," ~ expr)* ~ ","?)? ~
    /// DROP ~ rbracket`.
    fn list_display(&mut self) -> R<Expr> {
        let start = self.pos;
        self.open(b'[')?;
        let mut items = Vec::new();
        while self.peek() != b']' {
            let e = self.expr()?;
            if items.is_empty() && self.eat_word("for")? {
                return self.list_comp(e, start);
            }
            items.push(e);
            if !self.eat(b',') {
                break;
            }
        }
        self.close(b']')?;
        Ok(Expr {
            kind: ExprKind::List(items),
            span: self.span_from(start),
        })
    }

    /// `list_comp = expr ~ kw_for ~ target_list ~ kw_in ~ or_test ~ (kw_if ~
    /// comp_cond)?`, after `for`; the node spans the brackets.
    fn list_comp(&mut self, elt: Expr, start: usize) -> R<Expr> {
        let target = self.target_list()?;
        self.b.check_target(&target, false);
        self.expect_word("in")?;
        let iter = self.nested_expr(Self::or_test)?;
        let cond = if self.eat_word("if")? {
            Some(boxed(self.nested_expr(Self::or_test)?))
        } else {
            None
        };
        self.close(b']')?;
        Ok(Expr {
            kind: ExprKind::ListComp {
                elt: boxed(elt),
                target: boxed(target),
                iter: boxed(iter),
                cond,
            },
            span: self.span_from(start),
        })
    }

    /// A sub-expression entered below `expr` (an `or_test`), at the cost of a whole one.
    fn nested_expr(&mut self, f: fn(&mut Self) -> R<Expr>) -> R<Expr> {
        self.nest += EXPR_NEST;
        if self.nest >= NEST_LIMIT {
            return Err(GiveUp);
        }
        let e = f(self);
        self.nest -= EXPR_NEST;
        e
    }

    /// `dict_display = open_dict ~ (dict_item ~ ("," ~ dict_item)* ~ ","?)? ~ DROP ~
    /// "}"`, `dict_item = expr ~ ":" ~ expr`.
    fn dict_display(&mut self) -> R<Expr> {
        let start = self.pos;
        self.open(b'{')?;
        let mut items = Vec::new();
        while self.peek() != b'}' {
            let k = self.expr()?;
            self.expect(b':')?;
            let v = self.expr()?;
            items.push((k, v));
            if !self.eat(b',') {
                break;
            }
        }
        self.close(b'}')?;
        Ok(Expr {
            kind: ExprKind::Dict(items),
            span: self.span_from(start),
        })
    }
}
