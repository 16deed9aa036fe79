//! Front ends: the DSL (`grammar/scenario.pest`) and TOML, both producing `ast::Scenario`.

pub mod ast;
pub mod dsl;
pub mod offset_map;
pub mod span;
pub mod toml_form;

use crate::diag::Diagnostic;
use span::SourceFile;

/// Parses a scenario file: `.toml` files with the TOML front end, anything else (`.scn`)
/// with the DSL. Spans in the result and in the errors point into `file.text`.
pub fn parse_scenario(file: &SourceFile) -> Result<ast::Scenario, Vec<Diagnostic>> {
    if file.name.ends_with(".toml") {
        toml_form::parse_toml(file)
    } else {
        dsl::parse_file(file)
    }
}
