//! Turns pest's parse tree into the AST: the shared state and the top-level items.
//! Statements, expressions, literals and claims live in their own files.

use pest::iterators::Pair;

use super::{ModuleItems, Rule};
use crate::diag::Diagnostic;
use crate::syntax::ast::{self, Ident};
use crate::syntax::offset_map::OffsetMap;
use crate::syntax::span::Span;

pub(super) type P<'i> = Pair<'i, Rule>;

/// Builds AST nodes from pairs, mapping spans into the file and collecting every error
/// it finds (several per parse when the tree is well-formed but the meaning is not).
pub(crate) struct Builder<'a> {
    /// The text pest parsed (the file, or a decoded TOML string).
    pub(super) src: &'a str,
    pub(super) map: &'a OffsetMap,
    pub(super) diags: Vec<Diagnostic>,
    /// Current expression nesting, bounded so deep chains (`not not ... x`) cannot
    /// exhaust the stack.
    pub(super) depth: usize,
}

/// Pairs that only delimit: keywords and punctuation carry no meaning once parsed.
fn is_noise(rule: Rule) -> bool {
    use Rule::*;
    matches!(
        rule,
        eol | lbrace
            | rbrace
            | rparen
            | rbracket
            | EOI
            | kw_and
            | kw_as
            | kw_assert
            | kw_break
            | kw_continue
            | kw_def
            | kw_del
            | kw_elif
            | kw_else
            | kw_except
            | kw_finally
            | kw_for
            | kw_from
            | kw_global
            | kw_if
            | kw_import
            | kw_in
            | kw_is
            | kw_lambda
            | kw_not
            | kw_or
            | kw_pass
            | kw_raise
            | kw_return
            | kw_try
            | kw_while
            | kw_with
            | kw_scenario
            | kw_config
            | kw_expect
            | cw_no
            | cw_deadlock
            | cw_hang
            | cw_output
            | cw_contains
            | cw_order
            | cw_before
            | cw_final
            | cw_raises
            | cw_exitcode
            | cw_outcome
            | assign_eq
    )
}

/// The meaningful children of a pair.
pub(super) fn children(p: P<'_>) -> impl Iterator<Item = P<'_>> {
    p.into_inner().filter(|c| !is_noise(c.as_rule()))
}

/// The next child, which the grammar guarantees is there.
pub(super) fn next<'i>(it: &mut impl Iterator<Item = P<'i>>) -> P<'i> {
    it.next()
        .expect("the grammar guarantees this child is present")
}

impl<'a> Builder<'a> {
    pub(crate) fn new(src: &'a str, map: &'a OffsetMap) -> Builder<'a> {
        Builder {
            src,
            map,
            diags: Vec::new(),
            depth: 0,
        }
    }

    /// The built value, or every error found while building it.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, Vec<Diagnostic>> {
        if self.diags.is_empty() {
            Ok(value)
        } else {
            Err(self.diags)
        }
    }

    /// The file span of a pair, without the whitespace and comments pest leaves at the
    /// end of a rule that ends in an optional or repeated part.
    pub(super) fn span(&self, p: &P<'_>) -> Span {
        let s = p.as_span();
        let end = s.start() + trimmed_len(s.as_str());
        self.map.span(s.start(), end)
    }

    pub(super) fn ident(&self, p: &P<'_>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    pub(super) fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// A name where a keyword was written: report it, keep going with the keyword.
    pub(super) fn name_or_reserved(&mut self, p: &P<'_>) -> Ident {
        let id = self.ident(p);
        if p.as_rule() == Rule::reserved {
            self.error(keyword_as_name(&id));
        }
        id
    }

    pub(crate) fn file(&mut self, p: P<'_>) -> ast::Scenario {
        let mut sc = ast::Scenario::empty(self.map.span(0, self.src.len()));
        for c in children(p) {
            match c.as_rule() {
                Rule::scenario_decl => {
                    let mut it = children(c);
                    let name = next(&mut it);
                    let span = self.span(&name);
                    if let Some(text) = self.plain_string(name, "the scenario name") {
                        sc.name = Some((text, span));
                    }
                    if let Some(items) = it.next() {
                        self.items(items, &mut sc);
                    }
                }
                Rule::items => self.items(c, &mut sc),
                _ => {}
            }
        }
        sc
    }

    fn items(&mut self, p: P<'_>, sc: &mut ast::Scenario) {
        for c in children(p) {
            match c.as_rule() {
                Rule::config_block => self.config_block(c, &mut sc.config),
                Rule::expect_block => self.expect_block(c, &mut sc.expects),
                Rule::def_stmt => sc.functions.push(self.def(c)),
                Rule::import_stmt | Rule::from_import => self.import(c, &mut sc.imports),
                _ => sc.body.extend(self.stmt(c)),
            }
        }
    }

    pub(crate) fn module_items(&mut self, p: P<'_>) -> ModuleItems {
        let mut out = ModuleItems::default();
        for c in children(p).flat_map(children) {
            match c.as_rule() {
                Rule::config_block | Rule::expect_block => self.section_in_toml_string(&c),
                Rule::def_stmt => out.functions.push(self.def(c)),
                Rule::import_stmt | Rule::from_import => self.import(c, &mut out.imports),
                _ => out.body.extend(self.stmt(c)),
            }
        }
        out
    }

    pub(crate) fn function_body(&mut self, p: P<'_>) -> ast::Block {
        let mut out = Vec::new();
        for c in children(p).flat_map(children) {
            match c.as_rule() {
                Rule::config_block | Rule::expect_block => self.section_in_toml_string(&c),
                _ => out.extend(self.stmt(c)),
            }
        }
        out
    }

    fn section_in_toml_string(&mut self, p: &P<'_>) {
        let word = if p.as_rule() == Rule::config_block {
            "config"
        } else {
            "expect"
        };
        let head = p.as_span().start();
        let d = Diagnostic::error(
            format!("`{word}` block inside a statement string"),
            self.map.span(head, head + word.len()),
        )
        .with_help(format!(
            "in the TOML form, write it as the `[{word}]` table"
        ));
        self.error(d);
    }

    pub(crate) fn expr_input(&mut self, p: P<'_>) -> ast::Expr {
        let e = next(&mut children(p));
        self.expr(e)
    }

    pub(crate) fn param_input(&mut self, p: P<'_>) -> ast::Param {
        let e = next(&mut children(p));
        self.param(e)
    }

    fn config_block(&mut self, p: P<'_>, out: &mut Vec<ast::ConfigItem>) {
        for item in children(p) {
            let span = self.span(&item);
            let mut it = children(item);
            let key = self.ident(&next(&mut it));
            let value = self.expr(next(&mut it));
            out.push(ast::ConfigItem { key, value, span });
        }
    }

    pub(super) fn param(&mut self, p: P<'_>) -> ast::Param {
        let mut it = children(p);
        let name = self.name_or_reserved(&next(&mut it));
        let default = it.next().map(|d| self.expr(d));
        ast::Param { name, default }
    }

    pub(super) fn def(&mut self, p: P<'_>) -> ast::FuncDef {
        let span = self.span(&p);
        let mut it = children(p);
        let name = self.name_or_reserved(&next(&mut it));
        let mut params = Vec::new();
        let mut body = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::param => params.push(self.param(c)),
                _ => body = self.block(c),
            }
        }
        ast::FuncDef {
            name,
            params,
            body,
            span,
        }
    }

    fn dotted(&self, p: P<'_>) -> Vec<Ident> {
        children(p).map(|n| self.ident(&n)).collect()
    }

    pub(super) fn import(&mut self, p: P<'_>, out: &mut Vec<ast::Import>) {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::import_stmt => {
                for d in children(p) {
                    let span = self.span(&d);
                    let mut it = children(d);
                    let module = self.dotted(next(&mut it));
                    let alias = it.next().map(|a| self.name_or_reserved(&a));
                    out.push(ast::Import::Module {
                        module,
                        alias,
                        span,
                    });
                }
            }
            _ => {
                let mut it = children(p);
                let module = self.dotted(next(&mut it));
                let mut names = Vec::new();
                for n in it {
                    let mut parts = children(n);
                    let name = self.name_or_reserved(&next(&mut parts));
                    let alias = parts.next().map(|a| self.name_or_reserved(&a));
                    names.push((name, alias));
                }
                out.push(ast::Import::From {
                    module,
                    names,
                    span,
                });
            }
        }
    }
}

/// The length of `text` without trailing whitespace, line continuations and comments.
fn trimmed_len(text: &str) -> usize {
    const TRIVIA: [char; 6] = [' ', '\t', '\r', '\n', '\\', '\x0C'];
    if !text.contains('#') {
        return text.trim_end_matches(TRIVIA).len();
    }
    // A `#` may start a comment or sit in a string: scan forward to tell.
    let b = text.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 2;
                    } else if b[i] == q
                        && (!triple || (b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q)))
                    {
                        i += if triple { 3 } else { 1 };
                        break;
                    } else if !triple && b[i] == b'\n' {
                        break;
                    } else {
                        i += 1;
                    }
                }
                last = i.min(b.len());
            }
            b' ' | b'\t' | b'\r' | b'\n' | b'\\' | 0x0C => i += 1,
            _ => {
                i += 1;
                last = i;
            }
        }
    }
    // `last` may sit inside a multi-byte character only if scanning stopped mid-way.
    while !text.is_char_boundary(last) {
        last += 1;
    }
    last
}

/// "`class` is a keyword and cannot be used as a name".
pub(super) fn keyword_as_name(id: &Ident) -> Diagnostic {
    Diagnostic::error(
        format!("`{}` is a keyword and cannot be used as a name", id.name),
        id.span,
    )
    .with_label("keyword used as a name")
    .with_help(format!("choose another name, such as `{}_`", id.name))
}
