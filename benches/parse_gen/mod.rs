//! The generated scenarios of the parse bench, shared with `tests/syntax_fast.rs`
//! (which checks that the fast parser and pest agree on them).

/// A `.scn` scenario of about `lines` lines, mixing every kind of statement.
pub fn generate_scn(lines: usize) -> String {
    let mut s =
        String::from("scenario \"generated\" {\n    config { runs = 10, time_scale = 0.01 }\n");
    s.push_str("    from multiprocessing import Process, Queue, Value\n    import threading\n    import queue\n");
    // Every piece ends in a line break: lines are counted piece by piece.
    let mut count = s.matches('\n').count();
    let mut n = 0;
    while count < lines - 20 {
        let piece = format!(
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
        );
        count += piece.matches('\n').count();
        s.push_str(&piece);
        n += 1;
    }
    s.push_str("    expect {\n        no deadlock\n        final q_0.qsize() == 0\n");
    s.push_str("        outcome q_0.qsize() {\n            0 => acceptable \"ok\"\n            _ => forbidden\n        }\n    }\n}\n");
    s
}

/// The same program in the TOML form: every function as a `[functions.*]` table.
pub fn generate_toml(lines: usize) -> String {
    let mut main = String::new();
    let mut funcs = String::new();
    let mut count = 0;
    let mut n = 0;
    while count < lines - 20 {
        let func = format!(
            "[functions.worker_{n}]\nparams = [\"q\", \"v\", \"k=1\"]\nbody = '''\n\
             for i in range(k * 10) {{\n\
             \x20   if i % 3 == 0 and not q.empty() {{ v.value += q.get() }}\n\
             \x20   elif i > 5 {{ q.put((i, f\"item {{i!r}}\", [x ** 2 for x in range(i) if x])) }}\n\
             }}\n'''\n"
        );
        let call = format!(
            "q_{n} = Queue()\np_{n} = Process(target=worker_{n}, args=(q_{n}, Value('i', 0)))\np_{n}.start(); p_{n}.join()\n"
        );
        count += func.matches('\n').count() + call.matches('\n').count();
        funcs.push_str(&func);
        main.push_str(&call);
        n += 1;
    }
    format!(
        "name = \"generated\"\nmain = '''\nfrom multiprocessing import Process, Queue, Value\n{main}'''\n{funcs}\n[expect]\ndeadlock = false\n"
    )
}
