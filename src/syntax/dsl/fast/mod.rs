//! The fast path of the DSL front end: a hand-written recursive-descent parser for
//! valid input, building the same AST (same nodes, same spans) as pest plus the
//! builder. `grammar/scenario.pest` stays the definition of the language and the parser
//! that explains errors: this one gives up (`GiveUp`) on anything it does not accept,
//! and the entry points in `dsl` then run pest, which returns the AST or the diagnostic.
//!
//! The rule that keeps the two equal: at every ordered choice of the grammar, this
//! parser takes the alternative pest would take, or gives up. It may give up where pest
//! succeeds (that costs time, not correctness), never succeed where pest fails or
//! builds something else. Literals, targets and every check that can report an error
//! are the builder's own code; any diagnostic they report makes this parser give up.
//! `tests/syntax_fast.rs` checks the two against each other.

mod claims;
mod exprs;
mod lex;
mod stmts;

use super::ModuleItems;
use super::builder::Builder;
use crate::syntax::ast::{self, Ident};
use crate::syntax::offset_map::OffsetMap;
use crate::syntax::span::Span;

/// The fast parser met something it does not accept: leave the input to pest.
#[derive(Debug)]
pub(super) struct GiveUp;

type R<T> = Result<T, GiveUp>;

/// Parses a whole `.scn` file (the grammar's `file`).
pub(super) fn file(src: &str, map: &OffsetMap) -> Option<ast::Scenario> {
    let mut f = Fast::new(src, map);
    let sc = f.file().ok()?;
    f.finish(sc)
}

/// Parses TOML `main` (`items_input`, read as the builder's `module_items`).
pub(super) fn module_items(src: &str, map: &OffsetMap) -> Option<ModuleItems> {
    let mut f = Fast::new(src, map);
    let items = f.items_input(Items::Module).ok()?;
    f.finish(items)
}

/// Parses a TOML function body (`items_input`, read as the builder's `function_body`).
pub(super) fn function_body(src: &str, map: &OffsetMap) -> Option<ast::Block> {
    let mut f = Fast::new(src, map);
    let items = f.items_input(Items::Body).ok()?;
    f.finish(items.body)
}

/// Parses `expr_input`: an expression list between optional line breaks.
pub(super) fn expr_input(src: &str, map: &OffsetMap) -> Option<ast::Expr> {
    let mut f = Fast::new(src, map);
    let e = f.expr_input().ok()?;
    f.finish(e)
}

/// Parses `param_input`: `name` or `name=default`.
pub(super) fn param_input(src: &str, map: &OffsetMap) -> Option<ast::Param> {
    let mut f = Fast::new(src, map);
    let p = f.param_input().ok()?;
    f.finish(p)
}

/// What a list of items may hold, by where it is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Items {
    /// A `.scn` file: `config` and `expect` blocks, imports, `def`s, statements.
    File,
    /// TOML `main`: imports, `def`s, statements.
    Module,
    /// A TOML function body: statements only.
    Body,
}

/// The parser's state: a position in the text and the builder that decodes literals.
struct Fast<'a> {
    /// Decodes literals, checks targets, maps spans; its diagnostics mean "give up".
    b: Builder<'a>,
    src: &'a str,
    s: &'a [u8],
    /// The next unread byte; always past the trivia that follows the last token.
    pos: usize,
    /// The end of the last token read: where the rule being parsed ends.
    last: usize,
    /// Open `(`, `[` and dict `{`: a line break is whitespace while any is open (the
    /// grammar's `PEEK[0..1]`).
    brackets: u32,
    /// An over-estimate of the builder's expression depth at this point, so that this
    /// parser gives up before the builder would report "nested too deeply" (and before
    /// its own recursion gets deep).
    nest: usize,
}

/// Where this parser gives up on nesting; the builder's limit is 400 and `nest` never
/// under-counts it.
const NEST_LIMIT: usize = 380;

impl<'a> Fast<'a> {
    fn new(src: &'a str, map: &'a OffsetMap) -> Fast<'a> {
        let mut f = Fast {
            b: Builder::new(src, map),
            src,
            s: src.as_bytes(),
            pos: 0,
            last: 0,
            brackets: 0,
            nest: 0,
        };
        f.pos = f.trivia_end(0);
        f
    }

    /// The value, unless the builder's code reported anything on the way.
    fn finish<T>(self, v: T) -> Option<T> {
        self.b.diags.is_empty().then_some(v)
    }

    /// The end of the trivia at `i`: a line break counts only inside brackets.
    fn trivia_end(&self, i: usize) -> usize {
        lex::trivia_end(self.s, i, self.brackets > 0)
    }

    fn peek(&self) -> u8 {
        self.s.get(self.pos).copied().unwrap_or(0)
    }

    fn peek_at(&self, k: usize) -> u8 {
        self.s.get(self.pos + k).copied().unwrap_or(0)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    /// Reads a token of `n` bytes and the trivia after it.
    fn bump(&mut self, n: usize) {
        self.pos += n;
        self.last = self.pos;
        self.pos = self.trivia_end(self.pos);
    }

    /// Reads the one-byte token `b` if it is next.
    fn eat(&mut self, b: u8) -> bool {
        let here = self.peek() == b;
        if here {
            self.bump(1);
        }
        here
    }

    fn expect(&mut self, b: u8) -> R<()> {
        if self.eat(b) { Ok(()) } else { Err(GiveUp) }
    }

    /// An opening bracket: line breaks become whitespace (pest's `PUSH`).
    fn open(&mut self, b: u8) -> R<()> {
        if self.peek() != b {
            return Err(GiveUp);
        }
        self.brackets += 1;
        self.bump(1);
        Ok(())
    }

    /// A closing bracket: the `DROP` comes first, so the trivia after it is the outer
    /// kind.
    fn close(&mut self, b: u8) -> R<()> {
        if self.peek() != b {
            return Err(GiveUp);
        }
        self.brackets -= 1;
        self.bump(1);
        Ok(())
    }

    /// The name-like word at the position, empty when none starts there.
    fn word(&self) -> R<&'a str> {
        let end = lex::word_end(self.s, self.pos)?;
        Ok(&self.src[self.pos..end])
    }

    /// Reads the keyword (or contextual word) `kw` if it is the next word.
    fn eat_word(&mut self, kw: &str) -> R<bool> {
        let here = self.word()? == kw;
        if here {
            self.bump(kw.len());
        }
        Ok(here)
    }

    fn expect_word(&mut self, kw: &str) -> R<()> {
        if self.eat_word(kw)? {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// The grammar's `name` (a word that is not a keyword). A keyword where a name
    /// belongs (`def_name`'s `reserved`) is an error, so it gives up too.
    fn name(&mut self) -> R<Ident> {
        let w = self.word()?;
        if w.is_empty() || lex::is_keyword(w.as_bytes()) {
            return Err(GiveUp);
        }
        let start = self.pos;
        self.bump(w.len());
        Ok(Ident {
            name: w.to_string(),
            span: self.span_from(start),
        })
    }

    /// `assign_eq`: `=` not followed by `=` or `>`.
    fn at_assign_eq(&self) -> bool {
        self.peek() == b'=' && !matches!(self.peek_at(1), b'=' | b'>')
    }

    /// The span of a rule that started at `start` and ends with the last token read.
    fn span_from(&self, start: usize) -> Span {
        self.b.map.span(start, self.last)
    }

    /// `eol*`: line breaks and `;`. Returns whether there was one.
    fn eols(&mut self) -> bool {
        let mut any = false;
        while matches!(self.peek(), b'\n' | b';') {
            self.bump(1);
            any = true;
        }
        any
    }

    /// Reads the trivia and line breaks before `elif`, `else`, `except`, `finally`
    /// (the grammar's `nls`).
    fn skip_lines(&mut self) {
        while self.peek() == b'\n' {
            self.pos = self.trivia_end(self.pos + 1);
        }
    }

    /// Whether an expression can start here. It may say yes where pest's expression
    /// would fail (the parse then gives up), never no where it would succeed.
    fn starts_expr(&self) -> R<bool> {
        Ok(match self.peek() {
            b'(' | b'[' | b'{' | b'"' | b'\'' | b'0'..=b'9' | b'.' | b'+' | b'-' | b'~' => true,
            _ => {
                let w = self.word()?;
                !w.is_empty()
                    && (!lex::is_keyword(w.as_bytes())
                        || matches!(w, "not" | "lambda" | "None" | "True" | "False"))
            }
        })
    }

    /// `file = SOI ~ eol* ~ (scenario_decl ~ eol* | items) ~ EOI`.
    fn file(&mut self) -> R<ast::Scenario> {
        self.eols();
        let mut sc = ast::Scenario::empty(self.b.map.span(0, self.s.len()));
        let after_word = self.pos + "scenario".len();
        if self.word()? == "scenario" && lex::string(self.s, self.trivia_end(after_word))?.is_some()
        {
            self.bump("scenario".len());
            let (text, off) = self.string_token()?;
            let span = self.span_from(off);
            if let Some(name) = self.b.plain_string_at(text, off, "the scenario name") {
                sc.name = Some((name, span));
            }
            self.expect(b'{')?;
            let items = self.items(Items::File, &mut sc)?;
            sc.imports = items.imports;
            sc.functions = items.functions;
            sc.body = items.body;
            self.expect(b'}')?;
            self.eols();
        } else {
            let items = self.items(Items::File, &mut sc)?;
            sc.imports = items.imports;
            sc.functions = items.functions;
            sc.body = items.body;
        }
        if !self.at_end() {
            return Err(GiveUp);
        }
        Ok(sc)
    }

    /// `items_input = SOI ~ items ~ EOI`.
    fn items_input(&mut self, kind: Items) -> R<ModuleItems> {
        let mut unused = ast::Scenario::empty(Span::default());
        let items = self.items(kind, &mut unused)?;
        if !self.at_end() {
            return Err(GiveUp);
        }
        Ok(items)
    }

    /// `items = eol* ~ (item ~ (eol+ ~ item)*)? ~ eol*`, up to a `}` or the end. Config
    /// and expect blocks go into `sc`.
    fn items(&mut self, kind: Items, sc: &mut ast::Scenario) -> R<ModuleItems> {
        let mut out = ModuleItems::default();
        self.eols();
        while !self.at_end() && self.peek() != b'}' {
            self.item(kind, sc, &mut out)?;
            if !self.eols() {
                break;
            }
        }
        Ok(out)
    }

    /// `item = config_block | expect_block | stmt`, with `def` and imports taken out as
    /// the builder does.
    fn item(&mut self, kind: Items, sc: &mut ast::Scenario, out: &mut ModuleItems) -> R<()> {
        let w = self.word()?;
        let brace_follows = self.s.get(self.trivia_end(self.pos + w.len())) == Some(&b'{');
        match w {
            "config" | "expect" if brace_follows => {
                if kind != Items::File {
                    // The builder reports a section inside a TOML string.
                    return Err(GiveUp);
                }
                if w == "config" {
                    self.config_block(&mut sc.config)
                } else {
                    self.expect_block(&mut sc.expects)
                }
            }
            "def" | "import" | "from" if kind == Items::Body => Err(GiveUp),
            "def" => {
                out.functions.push(self.def()?);
                Ok(())
            }
            "import" => self.import(&mut out.imports),
            "from" => self.import_from(&mut out.imports),
            _ => {
                out.body.push(self.stmt()?);
                Ok(())
            }
        }
    }

    /// `expr_input = SOI ~ eol* ~ expr_list ~ eol* ~ EOI`.
    fn expr_input(&mut self) -> R<ast::Expr> {
        self.eols();
        // The builder reaches the list through one more `expr` level.
        self.nest += 1;
        let e = self.expr_list()?;
        self.nest -= 1;
        self.eols();
        if !self.at_end() {
            return Err(GiveUp);
        }
        Ok(e)
    }

    /// `param_input = SOI ~ param ~ EOI`.
    fn param_input(&mut self) -> R<ast::Param> {
        let p = self.param()?;
        if !self.at_end() {
            return Err(GiveUp);
        }
        Ok(p)
    }

    /// `param = def_name ~ (assign_eq ~ expr)?`.
    fn param(&mut self) -> R<ast::Param> {
        let name = self.name()?;
        let default = if self.at_assign_eq() {
            self.bump(1);
            Some(self.expr()?)
        } else {
            None
        };
        Ok(ast::Param { name, default })
    }

    /// The `string` token at the position (which must be one) and its offset.
    fn string_token(&mut self) -> R<(&'a str, usize)> {
        let start = self.pos;
        let end = lex::string(self.s, start)?.ok_or(GiveUp)?;
        self.bump(end - start);
        Ok((&self.src[start..end], start))
    }
}
