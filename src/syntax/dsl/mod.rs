//! The DSL front end: `grammar/scenario.pest` parsed by pest, then turned into the AST.
//! A hand-written parser (`fast`) builds the same AST directly from valid input and
//! leaves everything else, errors included, to pest.
//!
//! The same entry points serve the TOML form, whose statement and expression strings
//! are DSL text: the [`OffsetMap`] carries each string's position in the TOML file.

mod brackets;
mod builder;
mod claims;
pub mod engine;
mod exprs;
mod fast;
mod literals;
mod parse_error;
mod stmts;

use pest::Parser;
use pest::iterators::Pair;
use pest_derive::Parser;

use super::ast;
use super::offset_map::OffsetMap;
use super::span::SourceFile;
use crate::diag::Diagnostic;
use builder::Builder;
pub use claims::unknown_grade;

/// The pest parser generated from `grammar/scenario.pest`.
#[derive(Parser)]
#[grammar = "../grammar/scenario.pest"]
pub(crate) struct DslParser;

/// What a module body holds: imports, top-level functions and statements.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModuleItems {
    pub imports: Vec<ast::Import>,
    pub functions: Vec<ast::FuncDef>,
    pub body: ast::Block,
}

/// Deeper bracket nesting than this is refused before parsing: the recursive parser
/// and AST builder would otherwise risk the stack of the thread that parses.
const MAX_NESTING: usize = 64;

/// Parses `src` as `rule`: the fast parser first, and pest (which explains errors) when
/// the fast parser gives up or is switched off.
fn parse<T>(
    rule: Rule,
    src: &str,
    map: &OffsetMap,
    fast: fn(&str, &OffsetMap) -> Option<T>,
    build: impl FnOnce(&mut Builder<'_>, Pair<'_, Rule>) -> T,
) -> Result<T, Vec<Diagnostic>> {
    if let Some(d) = brackets::too_deep(src, map, MAX_NESTING) {
        return Err(vec![d]);
    }
    if engine::fast_enabled() {
        let out = fast(src, map);
        engine::count(out.is_some());
        if let Some(v) = out {
            return Ok(v);
        }
    }
    let pair = match DslParser::parse(rule, src) {
        Ok(mut pairs) => pairs.next().expect("pest returns the entry rule's pair"),
        Err(e) => {
            return Err(vec![parse_error::from_pest(
                &e,
                src,
                map,
                rule == Rule::file,
            )]);
        }
    };
    let mut b = Builder::new(src, map);
    let value = build(&mut b, pair);
    b.finish(value)
}

/// Parses a whole `.scn` file.
pub fn parse_file(file: &SourceFile) -> Result<ast::Scenario, Vec<Diagnostic>> {
    let map = OffsetMap::for_file(&file.text);
    parse(Rule::file, &file.text, &map, fast::file, |b, p| b.file(p))
}

/// Parses one expression (a TOML `final` claim, an observed value, a case pattern).
pub fn parse_expr(src: &str, base: &OffsetMap) -> Result<ast::Expr, Vec<Diagnostic>> {
    parse(Rule::expr_input, src, base, fast::expr_input, |b, p| {
        b.expr_input(p)
    })
}

/// Parses a module body: imports, `def`s and statements (TOML `main`).
pub fn parse_module_items(src: &str, base: &OffsetMap) -> Result<ModuleItems, Vec<Diagnostic>> {
    parse(Rule::items_input, src, base, fast::module_items, |b, p| {
        b.module_items(p)
    })
}

/// Parses a function body: statements only (TOML `[functions.f] body`).
pub fn parse_block(src: &str, base: &OffsetMap) -> Result<ast::Block, Vec<Diagnostic>> {
    parse(Rule::items_input, src, base, fast::function_body, |b, p| {
        b.function_body(p)
    })
}

/// Parses one parameter, `name` or `name=default` (TOML `params`).
pub fn parse_param(src: &str, base: &OffsetMap) -> Result<ast::Param, Vec<Diagnostic>> {
    parse(Rule::param_input, src, base, fast::param_input, |b, p| {
        b.param_input(p)
    })
}
