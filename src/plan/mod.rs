//! Name resolution, checks and lowering: `ast::Scenario` → `ir::Program`.
//!
//! The passes, in order: config (`config`), imports/defs/scopes and lowering with the
//! checks that need only names (`lower`, `calls`, `scope`, `modules`, `signatures`),
//! claims (`expect`), kind inference over the lowered program (`kinds`), the checks
//! that need kinds (`checks`), and the static facts (`facts`). Every error of every
//! pass is collected; the program is returned only when there are none.

use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::syntax::ast;
use crate::syntax::span::SourceFile;

mod calls;
mod checks;
pub mod config;
pub mod expect;
pub mod facts;
mod fx_hash;
pub mod graph;
pub mod ir;
pub mod kinds;
mod lower;
pub mod modules;
mod scope;
pub mod signatures;

/// Resolves, checks and lowers a scenario. On failure, every error found, in source order.
pub fn build(
    file: Arc<SourceFile>,
    scenario: &ast::Scenario,
) -> Result<ir::Program, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let config = config::lower_config(&scenario.config, &mut diags);
    let mut lw = lower::Lowerer::new(&file, scenario);
    lw.lower_program(scenario);
    let actors = lw.actor_names.clone();
    let expects = expect::lower_expects(&mut lw, &scenario.expects, &actors);
    let claimed = lw.claimed;
    let (lowered, lower_diags) = lw.finish();
    diags.extend(lower_diags);
    let kinds = kinds::infer(&lowered.functions);
    diags.extend(checks::check(&kinds, &lowered.side, claimed));
    if diags.iter().any(|d| d.is_error()) {
        diags.sort_by_key(|d| d.span().start);
        return Err(diags);
    }
    let facts = facts::compute(lowered.functions.len(), &kinds).facts;
    let name = match &scenario.name {
        Some((n, _)) => n.clone(),
        None => std::path::Path::new(&file.name)
            .file_stem()
            .map_or_else(|| file.name.clone(), |s| s.to_string_lossy().into_owned()),
    };
    Ok(ir::Program {
        source: file,
        name,
        config,
        globals: lowered.globals,
        functions: lowered.functions,
        main: lowered.main,
        expects,
        facts,
        labels: lowered.labels,
    })
}
