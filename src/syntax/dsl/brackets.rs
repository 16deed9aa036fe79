//! A small lexical scan of DSL text: bracket nesting and unterminated strings, for
//! errors pest cannot phrase well ("the `{` opened at line 3 is never closed").

use super::OffsetMap;
use crate::diag::Diagnostic;

/// What the text looks like at some offset.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// Brackets still open, innermost last: the bracket and its offset.
    pub open: Vec<(u8, usize)>,
    /// A string that starts at this offset and is never closed.
    pub unterminated: Option<usize>,
    /// The first block whose `}` starts a line indented unlike the line of its `{`:
    /// the likely culprit when a `}` is missing. Offsets of the `{` and the `}`.
    pub misindented: Option<(usize, usize)>,
}

/// Scans `src[..limit]`, skipping comments and string literals.
pub(super) fn scan(src: &str, limit: usize) -> Scan {
    let b = src.as_bytes();
    let limit = limit.min(b.len());
    let mut s = Scan::default();
    let mut i = 0;
    while i < limit {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            q @ (b'"' | b'\'') => {
                let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
                let start = i;
                i += if triple { 3 } else { 1 };
                let mut closed = false;
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if !triple && b[i] == b'\n' {
                        break;
                    }
                    if b[i] == q
                        && (!triple || (b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q)))
                    {
                        i += if triple { 3 } else { 1 };
                        closed = true;
                        break;
                    }
                    i += 1;
                }
                if !closed && s.unterminated.is_none() && start < limit {
                    s.unterminated = Some(start);
                }
                continue;
            }
            o @ (b'(' | b'[' | b'{') => s.open.push((o, i)),
            c @ (b')' | b']' | b'}') => {
                if let Some((o, at)) = s.open.pop()
                    && c == b'}'
                    && o == b'{'
                    && s.misindented.is_none()
                {
                    let close_indent = indent_before(b, i);
                    if close_indent.is_some() && close_indent != Some(line_indent(b, at)) {
                        s.misindented = Some((at, i));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    s
}

/// The indentation of the line holding offset `i`.
fn line_indent(b: &[u8], i: usize) -> usize {
    let start = b[..i]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    b[start..]
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()
}

/// The indentation before offset `i` if only spaces precede it on its line.
fn indent_before(b: &[u8], i: usize) -> Option<usize> {
    let start = b[..i]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    b[start..i]
        .iter()
        .all(|&c| c == b' ' || c == b'\t')
        .then_some(i - start)
}

/// The closing bracket for an opening one.
pub(super) fn closer(open: u8) -> char {
    match open {
        b'(' => ')',
        b'[' => ']',
        _ => '}',
    }
}

/// An error when brackets nest deeper than `max`.
pub(super) fn too_deep(src: &str, map: &OffsetMap, max: usize) -> Option<Diagnostic> {
    // Cheap pre-check: nesting needs at least `max` opening brackets.
    if src
        .bytes()
        .filter(|b| matches!(b, b'(' | b'[' | b'{'))
        .count()
        <= max
    {
        return None;
    }
    let b = src.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(_) if c == b'\\' => i += 1,
            Some(q) if c == q || c == b'\n' => quote = None,
            Some(_) => {}
            None => match c {
                b'#' => {
                    while i + 1 < b.len() && b[i + 1] != b'\n' {
                        i += 1;
                    }
                }
                b'"' | b'\'' => quote = Some(c),
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > max {
                        return Some(
                            Diagnostic::error("brackets are nested too deeply", map.span(i, i + 1))
                                .with_note(format!("at most {max} levels of nesting are allowed")),
                        );
                    }
                }
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        i += 1;
    }
    None
}
