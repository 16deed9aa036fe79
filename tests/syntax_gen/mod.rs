//! Random well-formed scenarios built from every construct of the grammar, with random
//! (valid) whitespace, comments, line continuations and line breaks inside brackets.
//! Driven by a seed so that a failing case can be replayed.

/// A small deterministic generator (xorshift): the seed is the whole test case.
pub struct Gen {
    state: u64,
    depth: usize,
    /// No `'''` strings: the TOML form embeds the code in a string.
    for_toml: bool,
    /// No line breaks or continuations between tokens (a one-line TOML string).
    one_line: bool,
    /// The next block's `{` is one pest first tries as a dict (after a bare `except`
    /// or a trailing comma).
    dict_doubt: bool,
    /// Blocks of that kind being written.
    in_doubt: usize,
    /// A `lambda` outside brackets was written in such a block: the fast parser may
    /// then give up on purpose (see `brace_is_dict`).
    lambda: bool,
}

/// One token of a statement and how it changes bracket nesting.
struct Tok {
    text: String,
    nest: i8,
}

fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen {
            state: seed | 1,
            depth: 0,
            for_toml: false,
            one_line: false,
            dict_doubt: false,
            in_doubt: 0,
            lambda: false,
        }
    }

    /// Whether the fast parser may give up on what was generated (and pest decide).
    pub fn may_give_up(&self) -> bool {
        self.lambda
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Trivia between two tokens; line breaks only inside brackets.
    fn gap(&mut self, in_brackets: bool, need_space: bool) -> &'static str {
        if self.one_line {
            return if need_space || self.chance(50) {
                " "
            } else {
                ""
            };
        }
        let plain: &[&str] = if need_space {
            &[" ", " ", " ", "  ", "\t", " \\\n  "]
        } else {
            &["", "", "", " ", " ", "  ", " \\\n "]
        };
        let lines: &[&str] = &["\n", "\n    ", " # note\n  ", "\n\n", " #\n"];
        if in_brackets && self.chance(20) {
            lines[self.below(lines.len())]
        } else {
            plain[self.below(plain.len())]
        }
    }

    /// Joins a statement's tokens with random trivia.
    fn join(&mut self, toks: Vec<Tok>) -> String {
        let mut out = String::new();
        let mut nest = 0i32;
        let mut prev: Option<String> = None;
        for t in toks {
            if let Some(p) = &prev {
                let a = p.chars().last().unwrap_or(' ');
                let b = t.text.chars().next().unwrap_or(' ');
                let quotes = |c: char| c == '\'' || c == '"';
                let need = (ident_char(a) && (ident_char(b) || quotes(b)))
                    || (quotes(a) && (quotes(b) || ident_char(b)))
                    || (a == '.' && ident_char(b))
                    || (a == '*' && b == '*')
                    || (a == '=' && b == '=')
                    || (a == '.' && b.is_ascii_digit());
                out.push_str(self.gap(nest > 0, need));
            }
            out.push_str(&t.text);
            // A `lambda`'s `:` outside brackets is what `brace_is_dict` cannot rule out.
            self.lambda |= self.in_doubt > 0 && nest == 0 && t.text == "lambda";
            nest += i32::from(t.nest);
            prev = Some(t.text);
        }
        out
    }

    // ------------------------------------------------------------ expressions

    fn leaf(&mut self, out: &mut Vec<Tok>) {
        let text = match self.below(6) {
            0 | 1 => self
                .pick(&[
                    "a", "b", "x", "y_1", "q", "_", "config", "deadlock", "output", "r", "f", "rb",
                    "nothing", "iffy",
                ])
                .to_string(),
            2 => self
                .pick(&[
                    "0", "1", "42", "1_000", "0x1F", "0o17", "0b1_01", "1.5", ".5", "1e3", "1.e5",
                    "2.5E-3", "7.", "0",
                ])
                .to_string(),
            3 => self.pick(&["None", "True", "False"]).to_string(),
            _ => return self.string(out),
        };
        out.push(Tok { text, nest: 0 });
    }

    fn string(&mut self, out: &mut Vec<Tok>) {
        let mut text = vec![
            "'s'",
            "\"d\"",
            "r'raw\\d'",
            "f'{x}!'",
            "f\"{a + 1!r:>5} and {b}\"",
            "'esc\\t\\u00e9'",
            "\"\"",
            "''",
            "'#not a comment'",
            "F'{{lit}}'",
            "'中文'",
            "f'{\"k\"}'",
        ];
        if !self.for_toml {
            text.extend(["'\'\'tri\nple\'\''", "\"\"\"two\n  lines\"\"\""]);
        }
        let bytes = ["b'by\\x00'", "Rb'\\q'"];
        // Adjacent literals concatenate: strings with strings, bytes with bytes.
        let n = 1 + usize::from(self.chance(15));
        let pool: &[&str] = if self.chance(20) { &bytes } else { &text };
        for _ in 0..n {
            let t = pool[self.below(pool.len())].to_string();
            out.push(Tok { text: t, nest: 0 });
        }
    }

    fn tok(out: &mut Vec<Tok>, text: &str) {
        out.push(Tok {
            text: text.to_string(),
            nest: 0,
        });
    }

    fn open(out: &mut Vec<Tok>, text: &str) {
        out.push(Tok {
            text: text.to_string(),
            nest: 1,
        });
    }

    fn close(out: &mut Vec<Tok>, text: &str) {
        out.push(Tok {
            text: text.to_string(),
            nest: -1,
        });
    }

    /// A comma-separated list of `n` items, with an optional trailing comma.
    fn list(
        &mut self,
        out: &mut Vec<Tok>,
        n: usize,
        trailing: bool,
        item: fn(&mut Gen, &mut Vec<Tok>),
    ) {
        for i in 0..n {
            if i > 0 {
                Self::tok(out, ",");
            }
            item(self, out);
        }
        if trailing && n > 0 && self.chance(30) {
            Self::tok(out, ",");
        }
    }

    /// A primary that can take calls, attributes and subscripts.
    fn primary(&mut self, out: &mut Vec<Tok>) {
        match self.below(4) {
            0 => {
                Self::open(out, "(");
                self.expr(out);
                Self::close(out, ")");
            }
            _ => {
                let name = self.pick(&["a", "q", "obj", "p_1", "lock", "_x"]);
                Self::tok(out, name);
            }
        }
        let n = self.below(3);
        for _ in 0..n {
            match self.below(5) {
                0 | 1 => {
                    Self::open(out, "(");
                    let k = self.below(4);
                    self.list(out, k, true, |g, o| match g.below(5) {
                        0 => {
                            let k = g.pick(&["timeout", "k", "target", "args"]);
                            Gen::tok(o, k);
                            Gen::tok(o, "=");
                            g.expr(o);
                        }
                        1 => {
                            Gen::tok(o, "*");
                            g.expr(o);
                        }
                        _ => g.expr(o),
                    });
                    Self::close(out, ")");
                }
                2 => {
                    Self::tok(out, ".");
                    let name = self.pick(&["value", "put", "get_lock", "name", "is_alive"]);
                    Self::tok(out, name);
                }
                3 => {
                    Self::open(out, "[");
                    let k = 1 + self.below(2);
                    self.list(out, k, true, Gen::expr);
                    Self::close(out, "]");
                }
                _ => {
                    Self::open(out, "[");
                    if self.chance(60) {
                        self.expr(out);
                    }
                    Self::tok(out, ":");
                    if self.chance(60) {
                        self.expr(out);
                    }
                    if self.chance(40) {
                        Self::tok(out, ":");
                        if self.chance(60) {
                            self.expr(out);
                        }
                    }
                    Self::close(out, "]");
                }
            }
        }
    }

    /// An atom or a bracketed display.
    fn atom(&mut self, out: &mut Vec<Tok>) {
        if self.depth > 4 {
            return self.leaf(out);
        }
        self.depth += 1;
        self.atom_at_depth(out);
        self.depth -= 1;
    }

    fn atom_at_depth(&mut self, out: &mut Vec<Tok>) {
        match self.below(9) {
            0 => {
                Self::open(out, "(");
                let k = self.below(4);
                self.list(out, k, true, Gen::expr);
                if k == 1 && out.last().is_some_and(|t| t.text != ",") && self.chance(50) {
                    Self::tok(out, ",");
                }
                Self::close(out, ")");
            }
            1 => {
                Self::open(out, "[");
                let k = self.below(4);
                self.list(out, k, true, Gen::expr);
                Self::close(out, "]");
            }
            2 => {
                Self::open(out, "[");
                self.expr(out);
                Self::tok(out, "for");
                self.target_list(out);
                Self::tok(out, "in");
                self.or_operand(out);
                if self.chance(50) {
                    Self::tok(out, "if");
                    self.or_operand(out);
                }
                Self::close(out, "]");
            }
            3 => {
                Self::open(out, "{");
                let k = self.below(3);
                self.list(out, k, true, |g, o| {
                    g.expr(o);
                    Gen::tok(o, ":");
                    g.expr(o);
                });
                Self::close(out, "}");
            }
            4 | 5 => self.primary(out),
            _ => self.leaf(out),
        }
    }

    /// An operand of arithmetic: `factor` and tighter, or a chain of binary operators.
    fn arith(&mut self, out: &mut Vec<Tok>) {
        if self.depth > 3 || self.chance(40) {
            return self.atom(out);
        }
        self.depth += 1;
        match self.below(4) {
            0 => {
                let op = self.pick(&["-", "+", "~"]);
                Self::tok(out, op);
                self.arith_factor(out);
            }
            1 => {
                self.atom(out);
                Self::tok(out, "**");
                self.arith_factor(out);
            }
            _ => {
                self.atom(out);
                let op = self.pick(&["+", "-", "*", "/", "//", "%", "|", "^", "&", "<<", ">>"]);
                Self::tok(out, op);
                self.arith(out);
            }
        }
        self.depth -= 1;
    }

    /// A `factor`: an atom under unary operators.
    fn arith_factor(&mut self, out: &mut Vec<Tok>) {
        if self.chance(30) {
            let op = self.pick(&["-", "+", "~"]);
            Self::tok(out, op);
        }
        self.atom(out);
    }

    /// An operand that is not a ternary or lambda (`or_test` in the grammar).
    fn or_operand(&mut self, out: &mut Vec<Tok>) {
        if self.depth > 3 || self.chance(40) {
            return self.arith(out);
        }
        self.depth += 1;
        match self.below(4) {
            0 => {
                Self::tok(out, "not");
                self.or_operand(out);
            }
            1 => {
                self.arith(out);
                let op = self.pick(&["and", "or"]);
                Self::tok(out, op);
                self.or_operand(out);
            }
            2 => {
                self.arith(out);
                let n = 1 + self.below(2);
                for _ in 0..n {
                    let op = self.pick(&[
                        "==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not",
                    ]);
                    for w in op.split(' ') {
                        Self::tok(out, w);
                    }
                    self.arith(out);
                }
            }
            _ => self.arith(out),
        }
        self.depth -= 1;
    }

    fn expr(&mut self, out: &mut Vec<Tok>) {
        match self.below(12) {
            0 if self.depth < 3 => {
                self.depth += 1;
                self.or_operand(out);
                Self::tok(out, "if");
                self.or_operand(out);
                Self::tok(out, "else");
                self.expr(out);
                self.depth -= 1;
            }
            1 if self.depth < 3 => {
                self.depth += 1;
                Self::tok(out, "lambda");
                let k = self.below(3);
                self.list(out, k, false, |g, o| {
                    let n = g.pick(&["a", "b", "c"]);
                    Gen::tok(o, n);
                    if g.chance(30) {
                        Gen::tok(o, "=");
                        g.atom(o);
                    }
                });
                Self::tok(out, ":");
                self.expr(out);
                self.depth -= 1;
            }
            _ => self.or_operand(out),
        }
    }

    fn expr_list(&mut self, out: &mut Vec<Tok>) {
        let k = 1 + usize::from(self.chance(20));
        self.list(out, k, true, Gen::expr);
    }

    fn target(&mut self, out: &mut Vec<Tok>) {
        match self.below(6) {
            0 if self.depth < 2 => {
                self.depth += 1;
                let (o, c) = if self.chance(50) {
                    ("(", ")")
                } else {
                    ("[", "]")
                };
                Self::open(out, o);
                self.target_list(out);
                Self::close(out, c);
                self.depth -= 1;
            }
            1 => {
                let n = self.pick(&["a", "v"]);
                Self::tok(out, n);
                Self::tok(out, ".");
                Self::tok(out, "value");
            }
            2 => {
                Self::tok(out, "d");
                Self::open(out, "[");
                self.atom(out);
                Self::close(out, "]");
            }
            _ => {
                let n = self.pick(&["x", "i", "a_b", "config", "expect", "deadlock"]);
                Self::tok(out, n);
            }
        }
    }

    fn target_list(&mut self, out: &mut Vec<Tok>) {
        let k = 1 + self.below(2);
        self.list(out, k, true, Gen::target);
    }

    // ------------------------------------------------------------ statements

    fn block(&mut self, indent: usize) -> String {
        let doubt = std::mem::take(&mut self.dict_doubt);
        self.in_doubt += usize::from(doubt);
        let b = self.block_body(indent);
        self.in_doubt -= usize::from(doubt);
        b
    }

    fn block_body(&mut self, indent: usize) -> String {
        if self.depth > 2 || self.chance(40) {
            let s = self.simple_stmt();
            return format!("{{ {s} }}");
        }
        self.depth += 1;
        let n = 1 + self.below(3);
        let pad = "    ".repeat(indent + 1);
        let mut s = String::from("{\n");
        for _ in 0..n {
            s.push_str(&pad);
            s.push_str(&self.stmt(indent + 1));
            s.push_str(self.pick(&["\n", "\n", "  # trailing\n", "\n\n"]));
        }
        s.push_str(&"    ".repeat(indent));
        s.push('}');
        self.depth -= 1;
        s
    }

    /// A one-line statement.
    fn simple_stmt(&mut self) -> String {
        let mut t = Vec::new();
        match self.below(14) {
            0 => {
                self.target_list(&mut t);
                Self::tok(&mut t, "=");
                self.expr_list(&mut t);
            }
            1 => {
                // Updated in place: a name, attribute or item, never a tuple.
                let n = self.pick(&["x", "v.value", "d[0]", "a.b[k]"]);
                Self::tok(&mut t, n);
                let op = self.pick(&[
                    "+=", "-=", "*=", "/=", "//=", "%=", "**=", "|=", "&=", "^=", "<<=", ">>=",
                ]);
                Self::tok(&mut t, op);
                self.expr_list(&mut t);
            }
            2 => {
                let w = self.pick(&["pass", "break", "continue", "return", "raise"]);
                Self::tok(&mut t, w);
            }
            3 => {
                Self::tok(&mut t, "return");
                self.expr_list(&mut t);
            }
            4 => {
                Self::tok(&mut t, "raise");
                self.expr(&mut t);
            }
            5 => {
                Self::tok(&mut t, "global");
                let k = 1 + self.below(2);
                self.list(&mut t, k, false, |g, o| {
                    let n = g.pick(&["total", "num"]);
                    Gen::tok(o, n);
                });
            }
            6 => {
                Self::tok(&mut t, "assert");
                self.expr(&mut t);
                if self.chance(50) {
                    Self::tok(&mut t, ",");
                    self.string(&mut t);
                }
            }
            7 => {
                Self::tok(&mut t, "del");
                self.target_list(&mut t);
            }
            _ => self.expr_list(&mut t),
        }
        self.join(t)
    }

    fn head(&mut self, words: impl FnOnce(&mut Gen, &mut Vec<Tok>)) -> String {
        let mut t = Vec::new();
        words(self, &mut t);
        self.join(t)
    }

    fn stmt(&mut self, indent: usize) -> String {
        let pad = "    ".repeat(indent);
        match self.below(10) {
            0 => {
                let h = self.head(|g, t| {
                    Gen::tok(t, "if");
                    g.expr(t);
                });
                let mut s = format!("{h} {}", self.block(indent));
                for _ in 0..self.below(3) {
                    let sep = if self.chance(50) {
                        " ".to_string()
                    } else {
                        format!("\n{pad}")
                    };
                    let c = self.head(|g, t| {
                        Gen::tok(t, "elif");
                        g.expr(t);
                    });
                    s += &format!("{sep}{c} {}", self.block(indent));
                }
                if self.chance(50) {
                    let sep = if self.chance(50) {
                        " ".to_string()
                    } else {
                        format!("\n{pad}")
                    };
                    s += &format!("{sep}else {}", self.block(indent));
                }
                s
            }
            1 => {
                let h = self.head(|g, t| {
                    Gen::tok(t, "while");
                    g.expr(t);
                });
                format!("{h} {}", self.block(indent))
            }
            2 => {
                let h = self.head(|g, t| {
                    Gen::tok(t, "for");
                    g.target_list(t);
                    Gen::tok(t, "in");
                    g.expr_list(t);
                    g.dict_doubt |= t.last().is_some_and(|t| t.text == ",");
                });
                format!("{h} {}", self.block(indent))
            }
            3 => {
                let mut s = format!("try {}", self.block(indent));
                let handlers = self.below(3);
                for _ in 0..handlers {
                    let sep = if self.chance(50) {
                        " ".to_string()
                    } else {
                        format!(" # c\n{pad}")
                    };
                    let h = self.head(|g, t| {
                        Gen::tok(t, "except");
                        match g.below(3) {
                            0 => g.dict_doubt = true,
                            1 => {
                                let e = g.pick(&["ValueError", "queue.Empty"]);
                                Gen::tok(t, e);
                            }
                            _ => {
                                Gen::open(t, "(");
                                Gen::tok(t, "A");
                                Gen::tok(t, ",");
                                Gen::tok(t, "B");
                                Gen::close(t, ")");
                                Gen::tok(t, "as");
                                Gen::tok(t, "e");
                            }
                        }
                    });
                    s += &format!("{sep}{h} {}", self.block(indent));
                }
                if handlers > 0 && self.chance(30) {
                    s += &format!("\n{pad}else {}", self.block(indent));
                }
                if handlers == 0 || self.chance(30) {
                    s += &format!(" finally {}", self.block(indent));
                }
                s
            }
            4 => {
                let h = self.head(|g, t| {
                    Gen::tok(t, "with");
                    let k = 1 + g.below(2);
                    g.list(t, k, false, |g, o| {
                        g.expr(o);
                        if g.chance(50) {
                            Gen::tok(o, "as");
                            g.target(o);
                        }
                    });
                });
                format!("{h} {}", self.block(indent))
            }
            _ => {
                let mut s = self.simple_stmt();
                if self.chance(15) {
                    s += "; ";
                    s += &self.simple_stmt();
                }
                s
            }
        }
    }

    /// Top-level items: imports, `def`s and statements.
    pub fn module_items(&mut self) -> String {
        let mut s = String::new();
        for _ in 0..1 + self.below(6) {
            let item = match self.below(8) {
                0 => self.head(|g, t| {
                    Gen::tok(t, "import");
                    let k = 1 + g.below(2);
                    g.list(t, k, false, |g, o| {
                        Gen::tok(o, "multiprocessing");
                        if g.chance(50) {
                            Gen::tok(o, ".");
                            Gen::tok(o, "dummy");
                        }
                        if g.chance(50) {
                            Gen::tok(o, "as");
                            Gen::tok(o, "mp");
                        }
                    });
                }),
                1 => self.head(|g, t| {
                    Gen::tok(t, "from");
                    Gen::tok(t, "queue");
                    Gen::tok(t, "import");
                    let paren = g.chance(40);
                    if paren {
                        Gen::open(t, "(");
                    }
                    let k = 1 + g.below(3);
                    g.list(t, k, true, |g, o| {
                        let n = g.pick(&["Queue", "Empty", "Full"]);
                        Gen::tok(o, n);
                        if g.chance(30) {
                            Gen::tok(o, "as");
                            Gen::tok(o, "Q");
                        }
                    });
                    if paren {
                        Gen::close(t, ")");
                    }
                }),
                2 => self.def(),
                _ => self.stmt(0),
            };
            s += &item;
            s += self.pick(&["\n", "\n\n", " # end\n", ";\n"]);
        }
        s
    }

    fn def(&mut self) -> String {
        let h = self.head(|g, t| {
            Gen::tok(t, "def");
            let n = g.pick(&["f", "worker", "output"]);
            Gen::tok(t, n);
            Gen::open(t, "(");
            let k = g.below(4);
            g.list(t, k, true, |g, o| {
                let n = g.pick(&["q", "n", "k"]);
                Gen::tok(o, n);
                if g.chance(30) {
                    Gen::tok(o, "=");
                    g.expr(o);
                }
            });
            Gen::close(t, ")");
        });
        format!("{h} {}", self.block(0))
    }

    fn claim(&mut self) -> String {
        let mut t = Vec::new();
        match self.below(10) {
            0 => {
                Self::tok(&mut t, "no");
                Self::tok(&mut t, "deadlock");
            }
            1 => {
                Self::tok(&mut t, "deadlock");
                if self.chance(50) {
                    Self::tok(&mut t, "join_before_drain");
                }
                if self.chance(50) {
                    Self::open(&mut t, "[");
                    let k = self.below(3);
                    self.list(&mut t, k, true, |g, o| {
                        let n = g.pick(&["main", "p"]);
                        Gen::tok(o, n);
                    });
                    Self::close(&mut t, "]");
                }
            }
            2 => Self::tok(&mut t, "hang"),
            3 => {
                Self::tok(&mut t, "output");
                if self.chance(50) {
                    Self::tok(&mut t, "contains");
                }
                Self::tok(&mut t, "\"done\\n\"");
            }
            4 => {
                Self::tok(&mut t, "order");
                Self::tok(&mut t, "'A'");
                Self::tok(&mut t, "before");
                Self::tok(&mut t, "'B'");
            }
            5 => {
                Self::tok(&mut t, "final");
                self.expr(&mut t);
            }
            6 => {
                Self::tok(&mut t, "raises");
                Self::tok(&mut t, "queue");
                Self::tok(&mut t, ".");
                Self::tok(&mut t, "Empty");
                if self.chance(50) {
                    Self::tok(&mut t, "in");
                    Self::tok(&mut t, "p");
                }
                if self.chance(50) {
                    Self::tok(&mut t, "'boom'");
                }
            }
            7 => {
                Self::tok(&mut t, "exitcode");
                Self::tok(&mut t, "p");
                Self::tok(&mut t, "==");
                let c = self.pick(&["0", "1", "-15"]);
                Self::tok(&mut t, c);
            }
            _ => {
                Self::tok(&mut t, "outcome");
                let k = 1 + self.below(2);
                self.list(&mut t, k, false, Gen::expr);
                let head = self.join(t);
                let mut s = format!("{head} {{\n");
                for _ in 0..1 + self.below(3) {
                    let mut c = Vec::new();
                    if self.chance(30) {
                        Self::tok(&mut c, "_");
                    } else {
                        self.expr(&mut c);
                    }
                    Self::tok(&mut c, "=>");
                    let g = self.pick(&["acceptable", "interesting", "forbidden", "required"]);
                    Self::tok(&mut c, g);
                    if self.chance(50) {
                        Self::tok(&mut c, "\"why\"");
                    }
                    s += "        ";
                    s += &self.join(c);
                    s += "\n";
                }
                s += "    }";
                return s;
            }
        }
        self.join(t)
    }

    /// A whole `.scn` file.
    pub fn scn(&mut self) -> String {
        let mut s = String::from("# generated\n");
        let wrapped = self.chance(60);
        if wrapped {
            s += "scenario \"gen\" {\n";
        }
        if self.chance(40) {
            let items = self.pick(&[
                "runs = 10",
                "runs = 1, time_scale = 0.01",
                "\n  runs = 2\n",
                "",
            ]);
            s += &format!("config {{ {items} }}\n");
        }
        s += &self.module_items();
        if self.chance(70) {
            s += "expect {\n";
            for _ in 0..1 + self.below(4) {
                s += "    ";
                s += &self.claim();
                s += "\n";
            }
            s += "}\n";
        }
        if wrapped {
            s += "}\n";
        }
        s
    }

    /// The TOML form: statements in `main` and a function's `body`, each a basic
    /// multi-line string (so that escapes move the offsets).
    pub fn toml(&mut self) -> String {
        self.for_toml = true;
        let esc = |s: String| s.replace('\\', "\\\\").replace('"', "\\\"");
        let main = esc(self.module_items());
        let mut body = String::new();
        for _ in 0..1 + self.below(3) {
            body += &self.stmt(0);
            body += "\n";
        }
        let body = esc(body);
        let mut t = Vec::new();
        self.expr(&mut t);
        self.one_line = true;
        let fin = esc(self.join(t));
        self.one_line = false;
        format!(
            "name = \"gen\"\nmain = \"\"\"\n{main}\"\"\"\n\n[functions.g]\nparams = [\"q\", \"n=1\"]\nbody = \"\"\"\n{body}\"\"\"\n\n[expect]\nfinal = \"{fin}\"\n"
        )
    }
}
