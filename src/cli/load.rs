//! Reading a scenario file into a checked plan, or the rendered diagnostics.

use std::path::Path;
use std::sync::Arc;

use crate::diag::render::render;
use crate::plan::ir::Program;
use crate::syntax::span::SourceFile;

/// Why a scenario could not be loaded.
pub enum LoadError {
    /// Rendered diagnostics (the input is invalid: exit code 2).
    Invalid(String),
    /// The file could not be read.
    Io(String),
}

/// Reads, parses and plans a scenario. `color` renders diagnostics for a terminal.
pub fn load(path: &Path, color: bool) -> Result<Arc<Program>, LoadError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadError::Io(format!("interp: cannot read {}: {e}", path.display())))?;
    let file = Arc::new(SourceFile::new(path.display().to_string(), text));
    let scenario = crate::syntax::parse_scenario(&file)
        .map_err(|d| LoadError::Invalid(render(&file, &d, color)))?;
    crate::plan::build(file.clone(), &scenario)
        .map(Arc::new)
        .map_err(|d| LoadError::Invalid(render(&file, &d, color)))
}
