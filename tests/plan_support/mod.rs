//! Builders of hand-made ASTs over a real source text, for plan tests written before
//! the parser exists. Every node's span is found in the text (the nth occurrence of a
//! word, a call's span running to its matching parenthesis), so error spans asserted
//! as text are the ones a parsed file would give.
#![allow(dead_code)]

use std::sync::Arc;

use interp::diag::Diagnostic;
use interp::plan::{self, ir::Program};
use interp::syntax::ast::*;
use interp::syntax::span::{SourceFile, Span};

pub struct Src(pub String);

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl Src {
    pub fn new(text: &str) -> Src {
        Src(text.to_string())
    }

    /// The span of the `nth` (0-based) occurrence of `needle` as a whole word.
    pub fn word(&self, needle: &str, nth: usize) -> Span {
        let b = self.0.as_bytes();
        let mut found = 0;
        for (i, _) in self.0.match_indices(needle) {
            let end = i + needle.len();
            let before = i == 0 || !is_ident(b[i - 1]);
            let after = end >= b.len() || !is_ident(b[end]);
            if before && after {
                if found == nth {
                    return Span::new(i, end);
                }
                found += 1;
            }
        }
        panic!("no occurrence {nth} of {needle:?}");
    }

    /// The span of the `nth` occurrence of `needle` as a substring.
    pub fn sub(&self, needle: &str, nth: usize) -> Span {
        let (i, _) = self.0.match_indices(needle).nth(nth).expect("occurrence");
        Span::new(i, i + needle.len())
    }

    pub fn text(&self, s: Span) -> &str {
        &self.0[s.range()]
    }

    pub fn ident(&self, w: &str, nth: usize) -> Ident {
        Ident {
            name: w.into(),
            span: self.word(w, nth),
        }
    }

    pub fn name(&self, w: &str, nth: usize) -> Expr {
        Expr {
            kind: ExprKind::Name(w.into()),
            span: self.word(w, nth),
        }
    }

    pub fn int(&self, v: i128, nth: usize) -> Expr {
        Expr {
            kind: ExprKind::Int(v),
            span: self.word(&v.to_string(), nth),
        }
    }

    pub fn str(&self, v: &str, nth: usize) -> Expr {
        Expr {
            kind: ExprKind::Str(v.into()),
            span: self.sub(&format!("\"{v}\""), nth),
        }
    }

    /// The offset just past the bracket matching the one at or after `from`.
    fn close(&self, from: usize) -> usize {
        let b = self.0.as_bytes();
        let mut i = from;
        while !matches!(b[i], b'(' | b'[') {
            i += 1;
        }
        let mut depth = 0;
        loop {
            match b[i] {
                b'(' | b'[' => depth += 1,
                b')' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }

    pub fn call(&self, func: Expr, args: Vec<Arg>) -> Expr {
        let end = self.close(func.span.end as usize);
        Expr {
            span: Span::new(func.span.start as usize, end),
            kind: ExprKind::Call {
                func: Box::new(func),
                args,
            },
        }
    }

    /// `obj.name`: the name is the first `.name` after `obj`.
    pub fn attr(&self, obj: Expr, name: &str) -> Expr {
        let rest = &self.0[obj.span.end as usize..];
        let i = obj.span.end as usize + rest.find(&format!(".{name}")).expect("attribute") + 1;
        let ident = Ident {
            name: name.into(),
            span: Span::new(i, i + name.len()),
        };
        Expr {
            span: obj.span.to(ident.span),
            kind: ExprKind::Attr {
                obj: Box::new(obj),
                name: ident,
            },
        }
    }

    pub fn method(&self, obj: Expr, name: &str, args: Vec<Arg>) -> Expr {
        let a = self.attr(obj, name);
        self.call(a, args)
    }

    /// A parenthesized tuple: from the `(` before the first item to its match.
    pub fn tuple(&self, items: Vec<Expr>) -> Expr {
        let first = items.first().expect("non-empty tuple").span.start as usize;
        let open = self.0[..first].rfind('(').expect("(");
        Expr {
            span: Span::new(open, self.close(open)),
            kind: ExprKind::Tuple(items),
        }
    }

    /// A bare tuple target `a, b`.
    pub fn targets(&self, items: Vec<Expr>) -> Expr {
        let span = items[0].span.to(items[items.len() - 1].span);
        Expr {
            span,
            kind: ExprKind::Tuple(items),
        }
    }

    pub fn list(&self, items: Vec<Expr>, at: Span) -> Expr {
        Expr {
            span: at,
            kind: ExprKind::List(items),
        }
    }

    pub fn kw(&self, name: &str, nth: usize, value: Expr) -> Arg {
        Arg {
            name: Some(self.ident(name, nth)),
            star: false,
            value,
        }
    }

    pub fn import_from(&self, module: &str, names: &[&str]) -> Import {
        let m = self.word(module.split('.').next().unwrap(), 0);
        Import::From {
            module: module
                .split('.')
                .map(|p| Ident {
                    name: p.into(),
                    span: self.word(p, 0),
                })
                .collect(),
            names: names.iter().map(|n| (self.ident(n, 0), None)).collect(),
            span: m,
        }
    }

    pub fn import(&self, module: &str, alias: Option<&str>) -> Import {
        Import::Module {
            module: module
                .split('.')
                .map(|p| Ident {
                    name: p.into(),
                    span: self.word(p, 0),
                })
                .collect(),
            alias: alias.map(|a| self.ident(a, 0)),
            span: self.word(module.split('.').next().unwrap(), 0),
        }
    }

    /// `def name(params) { body }`, the name's nth occurrence being the definition.
    pub fn def(&self, name: &str, nth: usize, params: &[&str], body: Block) -> FuncDef {
        let n = self.ident(name, nth);
        let end = body.last().map_or(n.span, |s| s.span);
        FuncDef {
            params: params
                .iter()
                .map(|p| Param {
                    name: Ident {
                        name: p.to_string(),
                        span: {
                            let rest = &self.0[n.span.end as usize..];
                            let i = n.span.end as usize + rest.find(p).expect("param");
                            Span::new(i, i + p.len())
                        },
                    },
                    default: None,
                })
                .collect(),
            body,
            span: n.span.to(end),
            name: n,
        }
    }

    pub fn expect(&self, kind: ExpectKind, at: Span) -> Expect {
        Expect { kind, span: at }
    }

    pub fn scenario(
        &self,
        imports: Vec<Import>,
        functions: Vec<FuncDef>,
        body: Block,
        expects: Vec<Expect>,
    ) -> Scenario {
        Scenario {
            name: None,
            config: Vec::new(),
            imports,
            functions,
            body,
            expects,
            span: Span::new(0, self.0.len()),
        }
    }

    pub fn build(&self, sc: &Scenario) -> Result<Program, Vec<Diagnostic>> {
        let file = Arc::new(SourceFile::new("test.scn", self.0.clone()));
        plan::build(file, sc)
    }

    /// The errors of a scenario that must fail: (message, primary span text, help).
    pub fn errors(&self, sc: &Scenario) -> Vec<(String, String, Option<String>)> {
        match self.build(sc) {
            Ok(_) => panic!("expected errors"),
            Err(ds) => ds
                .iter()
                .map(|d| {
                    (
                        d.message.clone(),
                        self.text(d.span()).to_string(),
                        d.help.clone(),
                    )
                })
                .collect(),
        }
    }
}

pub fn pos(value: Expr) -> Arg {
    Arg {
        name: None,
        star: false,
        value,
    }
}

pub fn stmt(e: Expr) -> Stmt {
    Stmt {
        span: e.span,
        kind: StmtKind::Expr(e),
    }
}

pub fn assign(target: Expr, value: Expr) -> Stmt {
    Stmt {
        span: target.span.to(value.span),
        kind: StmtKind::Assign { target, value },
    }
}

pub fn simple(kind: StmtKind, span: Span) -> Stmt {
    Stmt { kind, span }
}
