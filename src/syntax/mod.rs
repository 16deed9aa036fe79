//! Front ends: the DSL (`grammar/scenario.pest`) and TOML, both producing `ast::Scenario`.

pub mod ast;
pub mod span;
