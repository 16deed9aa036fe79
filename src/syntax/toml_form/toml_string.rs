//! Decodes a TOML string token as written in the file, recording where every decoded
//! byte came from, so DSL spans inside the string point at the right line and column.

use crate::syntax::offset_map::OffsetMap;

/// Decodes the string token `file[start..end]` (quotes included). `None` when the
/// token is not a string this decoder understands; the caller then falls back.
pub(crate) fn decode(file: &str, start: usize, end: usize) -> Option<(String, OffsetMap)> {
    let raw = file.get(start..end)?;
    let (quote, multi) = if raw.starts_with("'''") {
        ("'''", true)
    } else if raw.starts_with("\"\"\"") {
        ("\"\"\"", true)
    } else if raw.starts_with('\'') {
        ("'", false)
    } else if raw.starts_with('"') {
        ("\"", false)
    } else {
        return None;
    };
    if raw.len() < 2 * quote.len() || !raw.ends_with(quote) {
        return None;
    }
    let mut body = &raw[quote.len()..raw.len() - quote.len()];
    let mut body_start = start + quote.len();
    // A newline right after the opening delimiter of a multi-line string is dropped.
    if multi {
        for nl in ["\r\n", "\n"] {
            if let Some(rest) = body.strip_prefix(nl) {
                body = rest;
                body_start += nl.len();
                break;
            }
        }
    }
    let mut out = String::with_capacity(body.len());
    let mut map = OffsetMap::builder(body_start);
    if quote.starts_with('\'') {
        out.push_str(body);
        map.verbatim(body.len());
        return Some((out, map.finish()));
    }
    let b = body.as_bytes();
    let mut i = 0;
    let mut run = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            run += 1;
            continue;
        }
        out.push_str(&body[i - run..i]);
        map.verbatim(run);
        run = 0;
        let e = *b.get(i + 1)?;
        let simple = match e {
            b'b' => Some('\u{8}'),
            b't' => Some('\t'),
            b'n' => Some('\n'),
            b'f' => Some('\u{c}'),
            b'r' => Some('\r'),
            b'e' => Some('\u{1b}'),
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            map.escape(2, 1);
            i += 2;
            continue;
        }
        let hex = match e {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => 0,
        };
        if hex > 0 {
            let digits = body.get(i + 2..i + 2 + hex)?;
            let c = char::from_u32(u32::from_str_radix(digits, 16).ok()?)?;
            out.push(c);
            map.escape(2 + hex, c.len_utf8());
            i += 2 + hex;
            continue;
        }
        // Line-ending backslash: the newline and all whitespace after it vanish.
        if multi && matches!(e, b' ' | b'\t' | b'\r' | b'\n') {
            let mut j = i + 1;
            while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\r' | b'\n') {
                j += 1;
            }
            map.escape(j - i, 0);
            i = j;
            continue;
        }
        return None;
    }
    out.push_str(&body[i - run..i]);
    map.verbatim(run);
    Some((out, map.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::span::Span;

    fn check(file: &str, want: &str) -> OffsetMap {
        let start = file.find(['"', '\'']).unwrap();
        let (s, m) = decode(file, start, file.len()).unwrap();
        assert_eq!(s, want);
        m
    }

    #[test]
    fn basic_string_escapes_keep_offsets() {
        // `x = "a\tq.put(1)"`: `q` is decoded offset 2, file offset 8.
        let m = check(r#"x = "a\tq.put(1)""#, "a\tq.put(1)");
        assert_eq!(m.span(2, 10), Span::new(8, 16));
        let m = check(r#"x = "\u4e2d = 1""#, "中 = 1");
        assert_eq!(m.span(0, 3), Span::new(5, 11));
        assert_eq!(m.pos(4), 12);
    }

    #[test]
    fn multi_line_strings_drop_the_first_newline_and_continuations() {
        let m = check("x = '''\nab\n'''", "ab\n");
        assert_eq!(m.pos(0), 8);
        let m = check("x = \"\"\"\na\\\n   b\"\"\"", "ab");
        assert_eq!(m.pos(1), 14);
    }

    #[test]
    fn unknown_escapes_are_refused() {
        assert!(decode(r#""\q""#, 0, 4).is_none());
    }
}
