//! Table-driven tests of the grammar: the tree it builds (as compact S-expressions),
//! the exact spans of nodes, and the exact line:col of errors, in both front ends.

use interp::syntax::ast::{ExpectKind, Expr, ExprKind, FStrPart, Scenario, Stmt, StmtKind};
use interp::syntax::dsl::parse_expr;
use interp::syntax::offset_map::OffsetMap;
use interp::syntax::parse_scenario;
use interp::syntax::span::SourceFile;

/// A compact, span-free rendering of an expression.
fn sx(e: &Expr) -> String {
    let list = |items: &[Expr]| items.iter().map(sx).collect::<Vec<_>>().join(" ");
    match &e.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::None => "None".into(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Float(f) => format!("{f:?}"),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Bytes(b) => format!("b{b:?}"),
        ExprKind::FStr(parts) => {
            let ps: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    FStrPart::Lit(s) => format!("{s:?}"),
                    FStrPart::Expr { expr, conv, spec } => {
                        format!("{{{} {conv:?} {spec:?}}}", sx(expr))
                    }
                })
                .collect();
            format!("(f {})", ps.join(" "))
        }
        ExprKind::List(items) => format!("[{}]", list(items)),
        ExprKind::Tuple(items) => format!("(tuple {})", list(items)),
        ExprKind::Dict(kv) => {
            let ps: Vec<String> = kv
                .iter()
                .map(|(k, v)| format!("{}:{}", sx(k), sx(v)))
                .collect();
            format!("{{{}}}", ps.join(" "))
        }
        ExprKind::Attr { obj, name } => format!("{}.{}", sx(obj), name.name),
        ExprKind::Index { obj, index } => format!("{}[{}]", sx(obj), sx(index)),
        ExprKind::Slice { obj, lo, hi, step } => {
            let o = |x: &Option<Box<Expr>>| x.as_ref().map_or(String::new(), |e| sx(e));
            format!("{}[{}:{}:{}]", sx(obj), o(lo), o(hi), o(step))
        }
        ExprKind::Call { func, args } => {
            let a: Vec<String> = args
                .iter()
                .map(|a| {
                    let star = if a.star { "*" } else { "" };
                    match &a.name {
                        Some(n) => format!("{}={}", n.name, sx(&a.value)),
                        None => format!("{star}{}", sx(&a.value)),
                    }
                })
                .collect();
            format!("(call {} {})", sx(func), a.join(" "))
        }
        ExprKind::Unary { op, operand } => format!("({op:?} {})", sx(operand)),
        ExprKind::Binary { op, left, right } => format!("({op:?} {} {})", sx(left), sx(right)),
        ExprKind::Compare { left, rest } => {
            let r: Vec<String> = rest
                .iter()
                .map(|(o, e)| format!("{o:?} {}", sx(e)))
                .collect();
            format!("(cmp {} {})", sx(left), r.join(" "))
        }
        ExprKind::BoolOp { op, left, right } => format!("({op:?} {} {})", sx(left), sx(right)),
        ExprKind::IfExp { cond, then, orelse } => {
            format!("(if {} {} {})", sx(cond), sx(then), sx(orelse))
        }
        ExprKind::Lambda { params, body } => {
            let ps: Vec<&str> = params.iter().map(|p| p.name.name.as_str()).collect();
            format!("(lambda {} {})", ps.join(" "), sx(body))
        }
        ExprKind::ListComp {
            elt,
            target,
            iter,
            cond,
        } => format!(
            "(comp {} {} {} {})",
            sx(elt),
            sx(target),
            sx(iter),
            cond.as_ref().map_or("-".into(), |c| sx(c))
        ),
    }
}

fn expr(src: &str) -> Expr {
    parse_expr(src, &OffsetMap::identity(0)).unwrap_or_else(|d| panic!("{src}: {d:?}"))
}

#[test]
fn expressions_follow_python_precedence() {
    let cases = [
        ("-2**2", "(Neg (Pow 2 2))"),
        ("2**-1", "(Pow 2 (Neg 1))"),
        ("2**3**2", "(Pow 2 (Pow 3 2))"),
        ("not a == b", "(Not (cmp a Eq b))"),
        ("a or b and c", "(Or a (And b c))"),
        ("a < b <= c", "(cmp a Lt b Le c)"),
        ("(a < b) < c", "(cmp (cmp a Lt b) Lt c)"),
        ("a not in b", "(cmp a NotIn b)"),
        ("a is not None", "(cmp a IsNot None)"),
        (
            "a | b ^ c & d << e + f * g",
            "(BitOr a (BitXor b (BitAnd c (Shl d (Add e (Mul f g))))))",
        ),
        ("a - b - c", "(Sub (Sub a b) c)"),
        ("a // b % c / d", "(Div (Mod (FloorDiv a b) c) d)"),
        ("~x + +y", "(Add (Invert x) (Pos y))"),
        ("x if c else y", "(if c x y)"),
        ("lambda a, b: a + b", "(lambda a b (Add a b))"),
        ("f(a, k=v, *rest)", "(call f a k=v *rest)"),
        ("a.b[c](d)", "(call a.b[c] d)"),
        (
            "s[1:], s[::2], s[:-1]",
            "(tuple s[1::] s[::2] s[:(Neg 1):])",
        ),
        ("(a,)", "(tuple a)"),
        ("()", "(tuple )"),
        ("[1, 2,]", "[1 2]"),
        ("{'k': 1, 2: [3]}", "{\"k\":1 2:[3]}"),
        ("[x * 2 for x in xs if x]", "(comp (Mul x 2) x xs x)"),
        ("[a for a, b in ps]", "(comp a (tuple a b) ps -)"),
        (
            "1_000_000 + 0x10 + 0o7 + 0b11",
            "(Add (Add (Add 1000000 16) 7) 3)",
        ),
        (
            "0.1 + 1e-3 + .5 + 2.",
            "(Add (Add (Add 0.1 0.001) 0.5) 2.0)",
        ),
        ("None, True, False", "(tuple None true false)"),
        (r#""a\tb\x41\u4e2d\'""#, "\"a\\tbA中'\""),
        (r#""a" 'b'"#, "\"ab\""),
        (r"r'\d'", "\"\\\\d\""),
        (r#"b'\x00\xff'"#, "b[0, 255]"),
        ("'''two\nlines'''", "\"two\\nlines\""),
        (
            r#"f"{x} and {y!r:>5}""#,
            "(f {x None None} \" and \" {y Some('r') Some(\">5\")})",
        ),
        (
            r#"f"{{literal}} {d['k']}""#,
            "(f \"{literal} \" {d[\"k\"] None None})",
        ),
        ("(1 +\n 2 # comment\n)", "(Add 1 2)"),
    ];
    for (src, want) in cases {
        assert_eq!(sx(&expr(src)), want, "{src}");
    }
}

fn scenario(name: &str, text: &str) -> (SourceFile, Scenario) {
    let f = SourceFile::new(name, text);
    let sc = parse_scenario(&f)
        .unwrap_or_else(|d| panic!("{}", interp::diag::render::render(&f, &d, false)));
    (f, sc)
}

fn text_of(f: &SourceFile, span: interp::syntax::span::Span) -> &str {
    &f.text[span.range()]
}

fn first_call(stmts: &[Stmt]) -> &Expr {
    match &stmts[0].kind {
        StmtKind::Expr(e) => e,
        other => panic!("not an expression statement: {other:?}"),
    }
}

#[test]
fn spans_point_at_the_source_in_both_front_ends() {
    let (f, sc) = scenario("a.scn", "def f(q) {\n    q.put(x)  # send\n}\n");
    let call = first_call(&sc.functions[0].body);
    assert_eq!(text_of(&f, call.span), "q.put(x)");
    assert_eq!(f.line_col(call.span.start), (2, 5));
    assert_eq!(text_of(&f, sc.functions[0].body[0].span), "q.put(x)");

    let toml = "main = \"f(1)\"\n[functions.f]\nparams = [\"q\"]\nbody = '''\n  q.put(x)\n'''\n";
    let (f, sc) = scenario("a.toml", toml);
    let call = first_call(&sc.functions[0].body);
    assert_eq!(text_of(&f, call.span), "q.put(x)");
    assert_eq!(f.line_col(call.span.start), (5, 3));
    assert_eq!(text_of(&f, sc.functions[0].params[0].name.span), "q");

    // Escapes before the call: the span still covers the written text.
    let toml = "main = \"\\t\\u00e9 = 1; q.put(\\u00e9)\"\n";
    let (f, sc) = scenario("b.toml", toml);
    let call = first_call(&sc.body[1..]);
    assert_eq!(text_of(&f, call.span), "q.put(\\u00e9)");
    let StmtKind::Assign { target, .. } = &sc.body[0].kind else {
        panic!()
    };
    assert_eq!(text_of(&f, target.span), "\\u00e9");

    // An f-string field's expression points into the file.
    let (f, sc) = scenario("c.scn", "print(f\"n={a + b!r}\")\n");
    let ExprKind::Call { args, .. } = &first_call(&sc.body).kind else {
        panic!()
    };
    let ExprKind::FStr(parts) = &args[0].value.kind else {
        panic!()
    };
    let FStrPart::Expr { expr, .. } = &parts[1] else {
        panic!()
    };
    assert_eq!(text_of(&f, expr.span), "a + b");
}

#[test]
fn statements_build_the_right_nodes() {
    let src = "a, b = Pipe()\nv.value += 1; x **= 2\nfor (i, j) in pairs { continue }\n\
               with l as x, m { pass }\n\
               try { raise } except (ValueError, queue.Empty) as e { pass } else { pass } finally { pass }\n\
               if a { pass }\nelif b { pass }\nelse { pass }\n\
               global n, m\nassert n, 'msg'\ndel d[k]\n";
    let (_, sc) = scenario("s.scn", src);
    let kinds: Vec<String> = sc
        .body
        .iter()
        .map(|s| match &s.kind {
            StmtKind::Assign { target, value } => format!("assign {} {}", sx(target), sx(value)),
            StmtKind::AugAssign { target, op, value } => {
                format!("aug {} {op:?} {}", sx(target), sx(value))
            }
            StmtKind::For { target, iter, .. } => format!("for {} {}", sx(target), sx(iter)),
            StmtKind::With { items, .. } => format!("with {}", items.len()),
            StmtKind::Try {
                handlers,
                orelse,
                finally,
                ..
            } => format!(
                "try {} {} {} {}",
                handlers[0].types.len(),
                handlers[0].name.as_ref().unwrap().name,
                orelse.is_some(),
                finally.is_some()
            ),
            StmtKind::If { branches, orelse } => {
                format!("if {} {}", branches.len(), orelse.is_some())
            }
            StmtKind::Global(names) => format!("global {}", names.len()),
            StmtKind::Assert { msg, .. } => format!("assert {}", msg.is_some()),
            StmtKind::Del(e) => format!("del {}", sx(e)),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "assign (tuple a b) (call Pipe )",
            "aug v.value Add 1",
            "aug x Pow 2",
            "for (tuple i j) pairs",
            "with 2",
            "try 2 e true true",
            "if 2 true",
            "global 2",
            "assert true",
            "del d[k]",
        ]
    );
}

#[test]
fn claims_are_parsed() {
    let src = "expect {\n    deadlock lock_cycle [t1, t2]\n    no deadlock\n    hang\n    \
               output \"x\\n\"\n    output contains 'y'\n    order \"A\" before \"B\"\n    \
               final n == 1\n    raises queue.Empty in p\n    exitcode p == -15\n}\n";
    let (f, sc) = scenario("e.scn", src);
    let ExpectKind::Deadlock { kind, actors } = &sc.expects[0].kind else {
        panic!()
    };
    assert_eq!(kind.as_ref().unwrap().name, "lock_cycle");
    assert_eq!(text_of(&f, actors[1].span), "t2");
    assert_eq!(sc.expects[1].kind, ExpectKind::NoDeadlock);
    assert_eq!(sc.expects[2].kind, ExpectKind::Hang);
    assert_eq!(
        sc.expects[3].kind,
        ExpectKind::Output { text: "x\n".into() }
    );
    let ExpectKind::Raises {
        exc,
        actor,
        message,
    } = &sc.expects[7].kind
    else {
        panic!()
    };
    assert_eq!(
        (exc.name.as_str(), actor.as_ref().unwrap().name.as_str()),
        ("queue.Empty", "p")
    );
    assert!(message.is_none());
    assert_eq!(text_of(&f, exc.span), "queue.Empty");
    let ExpectKind::ExitCode { code, .. } = &sc.expects[8].kind else {
        panic!()
    };
    assert_eq!(*code, -15);
}

#[test]
fn errors_land_on_the_exact_line_and_column() {
    let cases: &[(&str, &str, (usize, usize), &str)] = &[
        ("a.scn", "x = 1\ny = (2 +\n", (3, 1), "expected `)`"),
        (
            "a.scn",
            "if x {\n    y = \"abc\n}\n",
            (2, 9),
            "unterminated string",
        ),
        ("a.scn", "x = f(class)\n", (1, 7), "keyword `class`"),
        (
            "a.scn",
            "def f() {\n  def g() { pass }\n}\n",
            (2, 7),
            "only allowed at the top level",
        ),
        (
            "a.scn",
            "x = 'a\\qb'\n",
            (1, 7),
            "unknown escape sequence `\\q`",
        ),
        (
            "a.scn",
            "print(f'{a +}')\n",
            (1, 13),
            "expected an expression",
        ),
        ("a.scn", "x = 1 = 2 = 3\n", (1, 7), "chained assignment"),
        (
            "a.toml",
            "main = '''\nx = 1\ny = = 2\n'''\n",
            (3, 5),
            "expected an expression",
        ),
        (
            "a.toml",
            "main = \"\\t\\t x = )\"\n",
            (1, 18),
            "expected an expression",
        ),
        (
            "a.toml",
            "[expect]\nfinal = 3\n",
            (2, 9),
            "must be a string",
        ),
        (
            "a.toml",
            "[expect]\nhangs = true\n",
            (2, 1),
            "unknown key `hangs`",
        ),
        ("a.toml", "name = \n", (1, 8), "invalid TOML"),
    ];
    for (name, text, at, msg) in cases {
        let f = SourceFile::new(*name, *text);
        let diags = parse_scenario(&f).expect_err(text);
        let d = &diags[0];
        assert!(d.message.contains(msg), "{text:?}: {:?}", d.message);
        assert_eq!(f.line_col(d.span().start), *at, "{text:?}: {}", d.message);
    }
}

#[test]
fn errors_in_two_toml_strings_are_both_reported() {
    let f = SourceFile::new(
        "t.toml",
        "main = \"x = (\"\n[expect]\nfinal = [\"==\", \"x\", \"y +\"]\n",
    );
    let diags = parse_scenario(&f).unwrap_err();
    assert_eq!(diags.len(), 3, "{diags:?}");
    let lines: Vec<usize> = diags.iter().map(|d| f.line_col(d.span().start).0).collect();
    assert_eq!(lines, [1, 3, 3]);
}
