//! Name resolution, checks and lowering: `ast::Scenario` → `ir::Program`.

pub mod ir;
