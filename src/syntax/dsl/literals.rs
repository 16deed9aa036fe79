//! Literals: numbers, strings with Python's escapes, bytes, and f-strings whose fields
//! are parsed as expressions with spans into the file.

use super::Rule;
use super::builder::{Builder, P, children};
use crate::diag::Diagnostic;
use crate::syntax::ast::{Expr, ExprKind, FStrPart};
use crate::syntax::span::Span;

/// Which number token the grammar matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NumKind {
    Float,
    Hex,
    Oct,
    Bin,
    Dec,
}

/// One literal of a (possibly concatenated) string expression.
enum Piece {
    Str(String),
    Bytes(Vec<u8>),
    F(Vec<FStrPart>),
}

impl Builder<'_> {
    pub(super) fn number(&mut self, p: &P<'_>) -> ExprKind {
        let kind = match p.as_rule() {
            Rule::float => NumKind::Float,
            Rule::hex_int => NumKind::Hex,
            Rule::oct_int => NumKind::Oct,
            Rule::bin_int => NumKind::Bin,
            _ => NumKind::Dec,
        };
        self.number_at(p.as_str(), p.as_span().start(), kind)
    }

    /// The value of the number token `token` at offset `off` of the parsed text.
    pub(super) fn number_at(&mut self, token: &str, off: usize, kind: NumKind) -> ExprKind {
        let span = || self.map.span(off, off + token.len());
        let text: String = token.chars().filter(|&c| c != '_').collect();
        let (digits, radix) = match kind {
            NumKind::Float => {
                return match text.parse::<f64>() {
                    Ok(f) => ExprKind::Float(f),
                    Err(_) => {
                        let d = Diagnostic::error("invalid float literal", span());
                        self.error(d);
                        ExprKind::Float(0.0)
                    }
                };
            }
            NumKind::Hex => (&text[2..], 16),
            NumKind::Oct => (&text[2..], 8),
            NumKind::Bin => (&text[2..], 2),
            NumKind::Dec => {
                if text.len() > 1 && text.starts_with('0') && text.bytes().any(|b| b != b'0') {
                    let d = Diagnostic::error(
                        "leading zeros are not allowed in decimal integers",
                        span(),
                    )
                    .with_help("write it without the zeros, or use `0o` for an octal number");
                    self.error(d);
                    return ExprKind::Int(0);
                }
                (text.as_str(), 10)
            }
        };
        match i128::from_str_radix(digits, radix) {
            Ok(v) => ExprKind::Int(v),
            Err(_) => {
                let d = Diagnostic::error("integer literal is too large", span())
                    .with_note("integers must fit in 128 bits");
                self.error(d);
                ExprKind::Int(0)
            }
        }
    }

    /// `"a" f"{b}" 'c'`: adjacent literals concatenated.
    pub(super) fn strings(&mut self, p: P<'_>) -> Expr {
        let span = self.span(&p);
        let tokens: Vec<(&str, usize)> = children(p)
            .map(|s| (s.as_str(), s.as_span().start()))
            .collect();
        self.strings_at(span, &tokens)
    }

    /// The string expression spanning `span` made of the string tokens `tokens`, each
    /// with its offset in the parsed text.
    pub(super) fn strings_at(&mut self, span: Span, tokens: &[(&str, usize)]) -> Expr {
        let pieces: Vec<(Piece, Span)> = tokens
            .iter()
            .map(|&(text, off)| (self.piece(text, off), self.map.span(off, off + text.len())))
            .collect();
        let kind = if pieces.iter().all(|(x, _)| matches!(x, Piece::Str(_))) {
            let mut s = String::new();
            for (x, _) in pieces {
                if let Piece::Str(t) = x {
                    s.push_str(&t);
                }
            }
            ExprKind::Str(s)
        } else if pieces.iter().all(|(x, _)| matches!(x, Piece::Bytes(_))) {
            let mut v = Vec::new();
            for (x, _) in pieces {
                if let Piece::Bytes(b) = x {
                    v.extend(b);
                }
            }
            ExprKind::Bytes(v)
        } else if let Some((_, at)) = pieces.iter().find(|(x, _)| matches!(x, Piece::Bytes(_))) {
            let d = Diagnostic::error("cannot mix bytes and string literals", *at)
                .with_label("bytes literal next to a string literal");
            self.error(d);
            ExprKind::Str(String::new())
        } else {
            let mut parts = Vec::new();
            for (x, _) in pieces {
                match x {
                    Piece::Str(t) => push_lit(&mut parts, t),
                    Piece::F(ps) => {
                        for part in ps {
                            match part {
                                FStrPart::Lit(t) => push_lit(&mut parts, t),
                                e => parts.push(e),
                            }
                        }
                    }
                    Piece::Bytes(_) => {}
                }
            }
            ExprKind::FStr(parts)
        };
        Expr { kind, span }
    }

    /// The value of a `string` token that must be a plain string (not bytes, no fields).
    pub(super) fn plain_string(&mut self, p: P<'_>, what: &str) -> Option<String> {
        self.plain_string_at(p.as_str(), p.as_span().start(), what)
    }

    /// [`Self::plain_string`] of the string token `text` at offset `off`.
    pub(super) fn plain_string_at(&mut self, text: &str, off: usize, what: &str) -> Option<String> {
        match self.piece(text, off) {
            Piece::Str(s) => Some(s),
            _ => {
                let span = self.map.span(off, off + text.len());
                let d = Diagnostic::error(format!("{what} must be a plain string"), span)
                    .with_help("remove the `b` or `f` prefix");
                self.error(d);
                None
            }
        }
    }

    pub(super) fn unterminated_string(&mut self, p: &P<'_>) {
        let text = p.as_str();
        let start = p.as_span().start();
        let quote_at = text.find(['"', '\'']).unwrap_or(0);
        let q3 = text.get(quote_at..quote_at + 3);
        let qlen = if q3 == Some("\"\"\"") || q3 == Some("\'\'\'") {
            3
        } else {
            1
        };
        let span = self.map.span(start, start + quote_at + qlen);
        let d = super::parse_error::unterminated(span, &text[quote_at..quote_at + qlen]);
        self.error(d);
    }

    /// The value of one string token `text` at offset `off` of the parsed text.
    fn piece(&mut self, text: &str, off: usize) -> Piece {
        let prefix_len = text.find(['"', '\'']).unwrap_or(0);
        let prefix = text[..prefix_len].to_ascii_lowercase();
        let raw = prefix.contains('r');
        let rest = &text[prefix_len..];
        let q = if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
            3
        } else {
            1
        };
        let body = rest.get(q..rest.len().saturating_sub(q)).unwrap_or("");
        let body_off = off + prefix_len + q;
        if prefix.contains('f') {
            Piece::F(self.fstring(body, body_off, raw))
        } else if prefix.contains('b') {
            Piece::Bytes(self.unescape(body, body_off, raw, true))
        } else {
            let v = self.unescape(body, body_off, raw, false);
            Piece::Str(String::from_utf8_lossy(&v).into_owned())
        }
    }

    /// Decodes Python escapes in `body` (at offset `off` of the parsed text) into bytes:
    /// UTF-8 for strings, raw bytes for bytes literals.
    fn unescape(&mut self, body: &str, off: usize, raw: bool, bytes: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(body.len());
        let mut it = body.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if bytes && !c.is_ascii() {
                let d = Diagnostic::error(
                    "bytes literals can only contain ASCII characters",
                    self.map.span(off + i, off + i + c.len_utf8()),
                )
                .with_help("write the byte as an escape, such as `\\xe4`");
                self.error(d);
                continue;
            }
            if c != '\\' || raw {
                push_char(&mut out, c);
                if c == '\\' {
                    // In raw strings a backslash still keeps the next character (even a
                    // quote) in the literal.
                    if let Some((_, n)) = it.next() {
                        push_char(&mut out, n);
                    }
                }
                continue;
            }
            let Some((_, e)) = it.next() else {
                out.push(b'\\');
                break;
            };
            let simple = match e {
                '\n' => Some(None),
                '\\' => Some(Some(b'\\')),
                '\'' => Some(Some(b'\'')),
                '"' => Some(Some(b'"')),
                'a' => Some(Some(7)),
                'b' => Some(Some(8)),
                'f' => Some(Some(12)),
                'n' => Some(Some(b'\n')),
                'r' => Some(Some(b'\r')),
                't' => Some(Some(b'\t')),
                'v' => Some(Some(11)),
                _ => None,
            };
            if let Some(b) = simple {
                out.extend(b);
                continue;
            }
            let mut digits = String::new();
            let (want, radix) = match e {
                '0'..='7' => {
                    digits.push(e);
                    (2, 8)
                }
                'x' => (2, 16),
                'u' if !bytes => (4, 16),
                'U' if !bytes => (8, 16),
                _ => (0, 0),
            };
            while digits.len() < want + usize::from(radix == 8) {
                match it.peek() {
                    Some(&(_, d)) if d.is_digit(radix) => {
                        digits.push(d);
                        it.next();
                    }
                    _ => break,
                }
            }
            let end = it.peek().map_or(body.len(), |&(j, _)| j);
            let span = self.map.span(off + i, off + end);
            if radix == 0 {
                let shown = &body[i..end];
                let d = if e == 'N' && !bytes {
                    Diagnostic::error("named unicode escapes (`\\N{...}`) are not supported", span)
                        .with_help("write the character itself, or its `\\uXXXX` code")
                } else {
                    Diagnostic::error(format!("unknown escape sequence `{shown}`"), span)
                        .with_label("unknown escape")
                        .with_help(format!(
                            "to write a backslash, double it (`\\{shown}`) or use a raw string (`r\"...\"`)"
                        ))
                };
                self.error(d);
                continue;
            }
            if radix == 16 && digits.len() < want {
                let d = Diagnostic::error(
                    format!("incomplete `\\{e}` escape: expected {want} hex digits"),
                    span,
                );
                self.error(d);
                continue;
            }
            let value = u32::from_str_radix(&digits, radix).unwrap_or(0);
            if bytes {
                out.push((value & 0xff) as u8);
            } else if let Some(ch) = char::from_u32(value) {
                push_char(&mut out, ch);
            } else {
                let d = Diagnostic::error(
                    format!("`{}` is not a valid unicode character", &body[i..end]),
                    span,
                );
                self.error(d);
            }
        }
        out
    }

    fn fstring(&mut self, body: &str, off: usize, raw: bool) -> Vec<FStrPart> {
        let mut parts = Vec::new();
        let bytes = body.as_bytes();
        let mut lit_start = 0;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'{' if bytes.get(i + 1) == Some(&b'{') => {
                    self.fstr_lit(&mut parts, &body[lit_start..=i], off + lit_start, raw);
                    i += 2;
                    lit_start = i;
                }
                b'}' if bytes.get(i + 1) == Some(&b'}') => {
                    self.fstr_lit(&mut parts, &body[lit_start..=i], off + lit_start, raw);
                    i += 2;
                    lit_start = i;
                }
                b'{' => {
                    self.fstr_lit(&mut parts, &body[lit_start..i], off + lit_start, raw);
                    let Some(close) = field_end(body, i + 1) else {
                        let d = Diagnostic::error(
                            "f-string field is never closed",
                            self.map.span(off + i, off + i + 1),
                        )
                        .with_label("this `{` has no matching `}`")
                        .with_help("close the field with `}`, or write `{{` for a literal brace");
                        self.error(d);
                        return parts;
                    };
                    if let Some(part) = self.fstr_field(&body[i + 1..close], off + i + 1) {
                        parts.push(part);
                    }
                    i = close + 1;
                    lit_start = i;
                }
                b'}' => {
                    let d = Diagnostic::error(
                        "single `}` in an f-string",
                        self.map.span(off + i, off + i + 1),
                    )
                    .with_help("write `}}` for a literal brace");
                    self.error(d);
                    i += 1;
                }
                b'\\' if !raw => i += 2,
                _ => i += 1,
            }
        }
        if lit_start < body.len() {
            self.fstr_lit(&mut parts, &body[lit_start..], off + lit_start, raw);
        }
        parts
    }

    fn fstr_lit(&mut self, parts: &mut Vec<FStrPart>, text: &str, off: usize, raw: bool) {
        let v = self.unescape(text, off, raw, false);
        let s = String::from_utf8_lossy(&v).into_owned();
        push_lit(parts, s);
    }

    /// `expr[!conv][:spec]`, the text between the braces at offset `off`.
    fn fstr_field(&mut self, field: &str, off: usize) -> Option<FStrPart> {
        let (expr_end, conv_at, spec_at) = split_field(field);
        let expr_text = &field[..expr_end];
        if expr_text.trim().is_empty() {
            let d = Diagnostic::error(
                "empty expression in f-string field",
                self.map.span(off.saturating_sub(1), off + field.len() + 1),
            )
            .with_help("put an expression between the braces, or write `{{` for a literal brace");
            self.error(d);
            return None;
        }
        let conv = match conv_at {
            Some(at) => {
                let c = field[at + 1..].chars().next();
                match c {
                    Some(c @ ('r' | 's' | 'a')) if spec_at.map_or(field.len(), |s| s) == at + 2 => {
                        Some(c)
                    }
                    _ => {
                        let end = spec_at.unwrap_or(field.len());
                        let d = Diagnostic::error(
                            "invalid conversion in f-string field",
                            self.map.span(off + at, off + end),
                        )
                        .with_help("use `!r`, `!s` or `!a`");
                        self.error(d);
                        None
                    }
                }
            }
            None => None,
        };
        let spec = spec_at.map(|s| field[s + 1..].to_string());
        let map = self.map.shifted(off);
        match super::parse_expr(expr_text, &map) {
            Ok(expr) => Some(FStrPart::Expr { expr, conv, spec }),
            Err(ds) => {
                self.diags.extend(ds);
                None
            }
        }
    }
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

fn push_lit(parts: &mut Vec<FStrPart>, s: String) {
    if s.is_empty() {
        return;
    }
    if let Some(FStrPart::Lit(prev)) = parts.last_mut() {
        prev.push_str(&s);
    } else {
        parts.push(FStrPart::Lit(s));
    }
}

/// The index of the `}` closing the field that starts at `from`, skipping nested
/// brackets and quoted strings.
fn field_end(body: &str, from: usize) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' => depth = depth.saturating_sub(1),
                b'}' if depth == 0 => return Some(i),
                b'}' => depth -= 1,
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Where the expression of a field ends, and where its `!conv` and `:spec` start.
fn split_field(field: &str) -> (usize, Option<usize>, Option<usize>) {
    let bytes = field.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut conv = None;
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                b'!' if depth == 0 && conv.is_none() && bytes.get(i + 1) != Some(&b'=') => {
                    conv = Some(i);
                }
                b':' if depth == 0 => return (conv.unwrap_or(i), conv, Some(i)),
                _ => {}
            },
        }
    }
    (conv.unwrap_or(field.len()), conv, None)
}
