//! Statements, blocks, `def` and imports.

use super::{Fast, GiveUp, R, lex};
use crate::syntax::ast::{Block, ExprKind, FuncDef, Handler, Ident, Import, Stmt, StmtKind};
use crate::syntax::dsl::stmts::aug_op;

impl Fast<'_> {
    /// `block = lbrace ~ eol* ~ (stmt ~ (eol+ ~ stmt)*)? ~ eol* ~ rbrace`.
    pub(super) fn block(&mut self) -> R<Block> {
        self.expect(b'{')?;
        self.eols();
        let mut out = Vec::new();
        while self.peek() != b'}' {
            out.push(self.stmt()?);
            if !self.eols() {
                break;
            }
        }
        self.expect(b'}')?;
        Ok(out)
    }

    /// One statement of a block or of the top level (where `items` has taken `def` and
    /// imports out: here they are the builder's "only at the top level" errors).
    pub(super) fn stmt(&mut self) -> R<Stmt> {
        let start = self.pos;
        let w = self.word()?;
        if lex::is_keyword(w.as_bytes()) {
            // `keyword_assign` (`class = 1`) comes first in the grammar: an error.
            let after = self.trivia_end(self.pos + w.len());
            if self.s.get(after) == Some(&b'=')
                && !matches!(self.s.get(after + 1), Some(b'=' | b'>'))
            {
                return Err(GiveUp);
            }
        }
        let kind = match w {
            "if" => self.if_stmt()?,
            "while" => {
                self.bump(w.len());
                let cond = self.expr()?;
                let body = self.block()?;
                StmtKind::While { cond, body }
            }
            "for" => {
                self.bump(w.len());
                let target = self.target_list()?;
                self.b.check_target(&target, false);
                self.expect_word("in")?;
                let iter = self.expr_list()?;
                let body = self.block()?;
                StmtKind::For { target, iter, body }
            }
            "try" => self.try_stmt()?,
            "with" => self.with_stmt()?,
            "pass" | "break" | "continue" => {
                self.bump(w.len());
                match w {
                    "pass" => StmtKind::Pass,
                    "break" => StmtKind::Break,
                    _ => StmtKind::Continue,
                }
            }
            "return" => {
                self.bump(w.len());
                StmtKind::Return(if self.at_stmt_end() {
                    None
                } else {
                    Some(self.expr_list()?)
                })
            }
            "raise" => {
                self.bump(w.len());
                StmtKind::Raise(if self.at_stmt_end() {
                    None
                } else {
                    Some(self.expr()?)
                })
            }
            "global" => {
                self.bump(w.len());
                let mut names = vec![self.name()?];
                while self.eat(b',') {
                    names.push(self.name()?);
                }
                StmtKind::Global(names)
            }
            "assert" => {
                self.bump(w.len());
                let cond = self.expr()?;
                let msg = if self.eat(b',') {
                    Some(self.expr()?)
                } else {
                    None
                };
                StmtKind::Assert { cond, msg }
            }
            "del" => {
                self.bump(w.len());
                let target = self.target_list()?;
                self.b.check_target(&target, false);
                StmtKind::Del(target)
            }
            "not" | "lambda" | "None" | "True" | "False" => self.expr_stmt()?,
            _ if lex::is_keyword(w.as_bytes()) => return Err(GiveUp),
            _ => self.expr_stmt()?,
        };
        Ok(Stmt {
            kind,
            span: self.span_from(start),
        })
    }

    /// Where an optional trailing expression is absent: the statement ends here.
    fn at_stmt_end(&self) -> bool {
        self.at_end() || matches!(self.peek(), b'\n' | b';' | b'}')
    }

    /// Reads the word `kw` after the line breaks the grammar's `nls` allows, or reads
    /// nothing. Returns whether it was there.
    fn clause(&mut self, kw: &str) -> R<bool> {
        let save = self.pos;
        self.skip_lines();
        if self.eat_word(kw)? {
            return Ok(true);
        }
        self.pos = save;
        Ok(false)
    }

    /// `if_stmt = kw_if ~ expr ~ block ~ elif_clause* ~ else_clause?`.
    fn if_stmt(&mut self) -> R<StmtKind> {
        self.bump("if".len());
        let cond = self.expr()?;
        let mut branches = vec![(cond, self.block()?)];
        while self.clause("elif")? {
            let cond = self.expr()?;
            branches.push((cond, self.block()?));
        }
        let orelse = if self.clause("else")? {
            Some(self.block()?)
        } else {
            None
        };
        Ok(StmtKind::If { branches, orelse })
    }

    /// `try_stmt = kw_try ~ block ~ except_clause* ~ else_clause? ~ finally_clause?`.
    fn try_stmt(&mut self) -> R<StmtKind> {
        self.bump("try".len());
        let body = self.block()?;
        let mut handlers = Vec::new();
        loop {
            // A clause's span starts where its `nls` does.
            let start = self.pos;
            if !self.clause("except")? {
                break;
            }
            let mut types = Vec::new();
            let mut name = None;
            if self.peek() != b'{' || self.brace_is_dict()? {
                let e = self.expr()?;
                match e.kind {
                    ExprKind::Tuple(items) => types.extend(items),
                    _ => types.push(e),
                }
                if self.eat_word("as")? {
                    name = Some(self.name()?);
                }
            }
            let body = self.block()?;
            handlers.push(Handler {
                types,
                name,
                body,
                span: self.span_from(start),
            });
        }
        let orelse = if self.clause("else")? {
            Some(self.block()?)
        } else {
            None
        };
        let finally = if self.clause("finally")? {
            Some(self.block()?)
        } else {
            None
        };
        if handlers.is_empty() && finally.is_none() {
            // The builder's "`try` needs an `except` or a `finally` block".
            return Err(GiveUp);
        }
        Ok(StmtKind::Try {
            body,
            handlers,
            orelse,
            finally,
        })
    }

    /// Where a block's `{` may follow (after a bare `except`, after a trailing comma),
    /// pest first tries the `{` as a dict display. Says whether that would succeed
    /// far enough to be taken: the braces are empty, or their first expression is
    /// followed by `:`. Gives up when it cannot tell.
    pub(super) fn brace_is_dict(&mut self) -> R<bool> {
        if self.braces_empty() {
            return Ok(true);
        }
        if !self.colon_in_braces() {
            // No `:` at the braces' own level: no dict item can match.
            return Ok(false);
        }
        // A `:` at the braces' level (a dict item's, or a `lambda`'s): parse the first
        // expression as the dict would, then forget it. Where that parse gives up (it
        // commits where pest would backtrack) this gives up too.
        let (pos, last, brackets, nest) = (self.pos, self.last, self.brackets, self.nest);
        let diags = self.b.diags.len();
        self.open(b'{')?;
        let dict = if !self.starts_expr()? {
            false
        } else {
            self.expr()?;
            self.peek() == b':'
        };
        (self.pos, self.last, self.brackets, self.nest) = (pos, last, brackets, nest);
        self.b.diags.truncate(diags);
        Ok(dict)
    }

    /// Whether the braces at the position hold only trivia.
    fn braces_empty(&self) -> bool {
        // Inside a dict a line break is trivia too.
        self.s.get(lex::trivia_end(self.s, self.pos + 1, true)) == Some(&b'}')
    }

    /// Whether a `:` sits at the level of the braces at the position (outside nested
    /// brackets, strings and comments), before their closing `}`. Also `true` where a
    /// string cannot be read.
    fn colon_in_braces(&self) -> bool {
        let s = self.s;
        let mut depth = 0usize;
        let mut i = self.pos + 1;
        while i < s.len() {
            match s[i] {
                b'#' => {
                    while i < s.len() && s[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'"' | b'\'' => match lex::string(s, i) {
                    Ok(Some(end)) => {
                        i = end;
                        continue;
                    }
                    _ => return true,
                },
                b'}' if depth == 0 => return false,
                b':' if depth == 0 => return true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
        }
        true
    }

    /// `with_stmt = kw_with ~ with_item ~ ("," ~ with_item)* ~ block`.
    fn with_stmt(&mut self) -> R<StmtKind> {
        self.bump("with".len());
        let mut items = Vec::new();
        loop {
            let ctx = self.expr()?;
            let target = if self.eat_word("as")? {
                let t = self.target()?;
                self.b.check_target(&t, false);
                Some(t)
            } else {
                None
            };
            items.push((ctx, target));
            if !self.eat(b',') {
                break;
            }
        }
        let body = self.block()?;
        Ok(StmtKind::With { items, body })
    }

    /// `expr_stmt = expr_list ~ (aug_op ~ expr_list | (assign_eq ~ expr_list)+)?`.
    fn expr_stmt(&mut self) -> R<StmtKind> {
        let first = self.expr_list()?;
        if let Some(len) = self.aug_op_len() {
            let op = aug_op(&self.src[self.pos..self.pos + len]);
            self.bump(len);
            let value = self.expr_list()?;
            self.b.check_target(&first, true);
            return Ok(StmtKind::AugAssign {
                target: first,
                op,
                value,
            });
        }
        if !self.at_assign_eq() {
            return Ok(StmtKind::Expr(first));
        }
        self.bump(1);
        let value = self.expr_list()?;
        if self.at_assign_eq() {
            // Chained assignment: the builder's error.
            return Err(GiveUp);
        }
        self.b.check_target(&first, false);
        Ok(StmtKind::Assign {
            target: first,
            value,
        })
    }

    /// The length of the `aug_op` token at the position, if one is there.
    fn aug_op_len(&self) -> Option<usize> {
        let at = |k| self.peek_at(k);
        let three = matches!(
            (at(0), at(1)),
            (b'*', b'*') | (b'/', b'/') | (b'>', b'>') | (b'<', b'<')
        ) && at(2) == b'=';
        if three {
            return Some(3);
        }
        (matches!(at(0), b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^') && at(1) == b'=')
            .then_some(2)
    }

    /// `def_stmt = kw_def ~ def_name ~ open_paren ~ (param ~ ("," ~ param)* ~ ","?)? ~
    /// DROP ~ rparen ~ block`.
    pub(super) fn def(&mut self) -> R<FuncDef> {
        let start = self.pos;
        self.bump("def".len());
        let name = self.name()?;
        self.open(b'(')?;
        let mut params = Vec::new();
        while self.peek() != b')' {
            params.push(self.param()?);
            if !self.eat(b',') {
                break;
            }
        }
        self.close(b')')?;
        let body = self.block()?;
        Ok(FuncDef {
            name,
            params,
            body,
            span: self.span_from(start),
        })
    }

    /// `dotted = name ~ ("." ~ name)*`.
    pub(super) fn dotted(&mut self) -> R<Vec<Ident>> {
        let mut names = vec![self.name()?];
        while self.eat(b'.') {
            names.push(self.name()?);
        }
        Ok(names)
    }

    /// `import_stmt = kw_import ~ dotted_as ~ ("," ~ dotted_as)*`: one import each.
    pub(super) fn import(&mut self, out: &mut Vec<Import>) -> R<()> {
        self.bump("import".len());
        loop {
            let start = self.pos;
            let module = self.dotted()?;
            let alias = if self.eat_word("as")? {
                Some(self.name()?)
            } else {
                None
            };
            out.push(Import::Module {
                module,
                alias,
                span: self.span_from(start),
            });
            if !self.eat(b',') {
                return Ok(());
            }
        }
    }

    /// `from_import = kw_from ~ dotted ~ kw_import ~ (open_paren ~ import_names ~ DROP ~
    /// rparen | import_names)`.
    pub(super) fn import_from(&mut self, out: &mut Vec<Import>) -> R<()> {
        let start = self.pos;
        self.bump("from".len());
        let module = self.dotted()?;
        self.expect_word("import")?;
        let paren = self.peek() == b'(';
        if paren {
            self.open(b'(')?;
        }
        let mut names = Vec::new();
        loop {
            let name = self.name()?;
            let alias = if self.eat_word("as")? {
                Some(self.name()?)
            } else {
                None
            };
            names.push((name, alias));
            // After a comma, a name continues the list; anything else makes the comma
            // a trailing one.
            if !self.eat(b',') || self.word()?.is_empty() {
                break;
            }
        }
        if paren {
            self.close(b')')?;
        }
        out.push(Import::From {
            module,
            names,
            span: self.span_from(start),
        });
        Ok(())
    }
}
