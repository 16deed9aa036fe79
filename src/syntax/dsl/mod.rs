//! The DSL front end: `grammar/scenario.pest` parsed by pest, then turned into the AST.
//!
//! The same entry points serve the TOML form, whose statement and expression strings
//! are DSL text: the [`OffsetMap`] carries each string's position in the TOML file.

mod brackets;
mod builder;
mod claims;
mod exprs;
mod literals;
mod parse_error;
mod stmts;

use pest::Parser;
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

fn run<'i>(
    rule: Rule,
    src: &'i str,
    map: &OffsetMap,
) -> Result<pest::iterators::Pair<'i, Rule>, Vec<Diagnostic>> {
    if let Some(d) = brackets::too_deep(src, map, MAX_NESTING) {
        return Err(vec![d]);
    }
    match DslParser::parse(rule, src) {
        Ok(mut pairs) => Ok(pairs.next().expect("pest returns the entry rule's pair")),
        Err(e) => Err(vec![parse_error::from_pest(
            &e,
            src,
            map,
            rule == Rule::file,
        )]),
    }
}

/// Parses a whole `.scn` file.
pub fn parse_file(file: &SourceFile) -> Result<ast::Scenario, Vec<Diagnostic>> {
    let map = OffsetMap::for_file(&file.text);
    let pair = run(Rule::file, &file.text, &map)?;
    let mut b = Builder::new(&file.text, &map);
    let scenario = b.file(pair);
    b.finish(scenario)
}

/// Parses one expression (a TOML `final` claim, an observed value, a case pattern).
pub fn parse_expr(src: &str, base: &OffsetMap) -> Result<ast::Expr, Vec<Diagnostic>> {
    let pair = run(Rule::expr_input, src, base)?;
    let mut b = Builder::new(src, base);
    let e = b.expr_input(pair);
    b.finish(e)
}

/// Parses a module body: imports, `def`s and statements (TOML `main`).
pub fn parse_module_items(src: &str, base: &OffsetMap) -> Result<ModuleItems, Vec<Diagnostic>> {
    let pair = run(Rule::items_input, src, base)?;
    let mut b = Builder::new(src, base);
    let items = b.module_items(pair);
    b.finish(items)
}

/// Parses a function body: statements only (TOML `[functions.f] body`).
pub fn parse_block(src: &str, base: &OffsetMap) -> Result<ast::Block, Vec<Diagnostic>> {
    let pair = run(Rule::items_input, src, base)?;
    let mut b = Builder::new(src, base);
    let block = b.function_body(pair);
    b.finish(block)
}

/// Parses one parameter, `name` or `name=default` (TOML `params`).
pub fn parse_param(src: &str, base: &OffsetMap) -> Result<ast::Param, Vec<Diagnostic>> {
    let pair = run(Rule::param_input, src, base)?;
    let mut b = Builder::new(src, base);
    let p = b.param_input(pair);
    b.finish(p)
}
