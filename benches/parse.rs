//! Issue 2: parses and plans a generated 10,000-line scenario (DSL and TOML) and prints
//! the median wall and CPU time of 10 runs of each step and of both together (goal:
//! parse+plan < 50 ms). `cargo bench --bench parse`.

mod common;

use std::sync::Arc;

use common::{cpu_thread, median_ms};
use interp::syntax::parse_scenario;
use interp::syntax::span::SourceFile;

/// A `.scn` scenario of about `lines` lines, mixing every kind of statement.
fn generate_scn(lines: usize) -> String {
    let mut s =
        String::from("scenario \"generated\" {\n    config { runs = 10, time_scale = 0.01 }\n");
    s.push_str("    from multiprocessing import Process, Queue, Value\n    import threading\n    import queue\n");
    let mut n = 0;
    while s.lines().count() < lines - 20 {
        s.push_str(&format!(
            "    def worker_{n}(q, v, k=1) {{\n\
             \x20       for i in range(k * 10) {{\n\
             \x20           if i % 3 == 0 and not q.empty() {{ v.value += q.get() }}\n\
             \x20           elif i > 5 {{ q.put((i, f\"item {{i!r}}\", [x ** 2 for x in range(i) if x])) }}\n\
             \x20           else {{ continue }}\n\
             \x20       }}\n\
             \x20       with v.get_lock() {{ v.value = v.value + 1 if v.value < 100 else -v.value }}\n\
             \x20       try {{ q.get(timeout=0.1) }} except (queue.Empty, OSError) as e {{ pass }}\n\
             \x20   }}\n\
             \x20   q_{n} = Queue()\n\
             \x20   p_{n} = Process(target=worker_{n}, args=(q_{n}, Value('i', 0)), kwargs={{\"k\": {n}}})\n\
             \x20   p_{n}.start(); p_{n}.join()\n"
        ));
        n += 1;
    }
    s.push_str("    expect {\n        no deadlock\n        final q_0.qsize() == 0\n");
    s.push_str("        outcome q_0.qsize() {\n            0 => acceptable \"ok\"\n            _ => forbidden\n        }\n    }\n}\n");
    s
}

/// The same program in the TOML form: every function as a `[functions.*]` table.
fn generate_toml(lines: usize) -> String {
    let mut main = String::new();
    let mut funcs = String::new();
    let mut n = 0;
    while main.lines().count() + funcs.lines().count() < lines - 20 {
        funcs.push_str(&format!(
            "[functions.worker_{n}]\nparams = [\"q\", \"v\", \"k=1\"]\nbody = '''\n\
             for i in range(k * 10) {{\n\
             \x20   if i % 3 == 0 and not q.empty() {{ v.value += q.get() }}\n\
             \x20   elif i > 5 {{ q.put((i, f\"item {{i!r}}\", [x ** 2 for x in range(i) if x])) }}\n\
             }}\n'''\n"
        ));
        main.push_str(&format!(
            "q_{n} = Queue()\np_{n} = Process(target=worker_{n}, args=(q_{n}, Value('i', 0)))\np_{n}.start(); p_{n}.join()\n"
        ));
        n += 1;
    }
    format!(
        "name = \"generated\"\nmain = '''\nfrom multiprocessing import Process, Queue, Value\n{main}'''\n{funcs}\n[expect]\ndeadlock = false\n"
    )
}

fn main() {
    for (name, text) in [
        ("generated.scn", generate_scn(10_000)),
        ("generated.toml", generate_toml(10_000)),
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
