//! Issue 2: parses and plans a generated 10,000-line scenario (DSL and TOML) and prints
//! the median wall and CPU time of 10 runs of each step and of both together (goal:
//! parse+plan < 50 ms). `cargo bench --bench parse`.

mod common;
mod parse_gen;

use std::sync::Arc;

use common::{cpu_thread, median_ms};
use interp::syntax::parse_scenario;
use interp::syntax::span::SourceFile;

fn main() {
    for (name, text) in [
        ("generated.scn", parse_gen::generate_scn(10_000)),
        ("generated.toml", parse_gen::generate_toml(10_000)),
    ] {
        let lines = text.lines().count();
        let file = Arc::new(SourceFile::new(name, text));
        let (parse, parse_cpu) = median_ms(10, cpu_thread, || {
            std::hint::black_box(parse_scenario(&file).expect("the generated scenario parses"));
        });
        let ast = parse_scenario(&file).expect("the generated scenario parses");
        let (plan, plan_cpu) = median_ms(10, cpu_thread, || {
            let p = interp::plan::build(file.clone(), &ast);
            assert!(p.is_ok(), "the generated scenario plans");
            std::hint::black_box(p.ok());
        });
        let (both, both_cpu) = median_ms(10, cpu_thread, || {
            let ast = parse_scenario(&file).expect("the generated scenario parses");
            std::hint::black_box(interp::plan::build(file.clone(), &ast).ok());
        });
        println!(
            "{name}: {lines} lines; median of 10, wall (CPU): parse {parse:.1} ms ({parse_cpu:.1}), \
             plan {plan:.1} ms ({plan_cpu:.1}), parse+plan {both:.1} ms ({both_cpu:.1})"
        );
    }
}
