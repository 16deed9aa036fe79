//! Token matchers for the fast parser: each one matches exactly what its rule in
//! `grammar/scenario.pest` matches (the same ordered choices and lookaheads), on bytes.
//!
//! A matcher returns `Err(GiveUp)` where the answer would need Unicode's XID tables
//! (a non-ASCII character next to a name or number): the fast parser then leaves the
//! input to pest.

use super::GiveUp;
use crate::syntax::dsl::literals::NumKind;

/// `true` for the ASCII bytes of `XID_CONTINUE`.
fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// pest's `!XID_CONTINUE` at `i`: `Ok(true)` when no name character follows.
fn not_xid(s: &[u8], i: usize) -> Result<bool, GiveUp> {
    match s.get(i) {
        Some(&b) if b >= 0x80 => Err(GiveUp),
        Some(&b) => Ok(!ident_byte(b)),
        None => Ok(true),
    }
}

/// The end of the whitespace and comments at `i` (pest's implicit `WHITESPACE` and
/// `COMMENT`); `lines`: whether a line break is whitespace (inside brackets).
pub(super) fn trivia_end(s: &[u8], mut i: usize, lines: bool) -> usize {
    loop {
        match s.get(i) {
            Some(b' ' | b'\t' | b'\r' | 0x0C) => i += 1,
            Some(b'\n') if lines => i += 1,
            Some(b'\\') => {
                let j = if s.get(i + 1) == Some(&b'\r') {
                    i + 2
                } else {
                    i + 1
                };
                if s.get(j) != Some(&b'\n') {
                    return i;
                }
                i = j + 1;
            }
            Some(b'#') => {
                while i < s.len() && s[i] != b'\n' {
                    i += 1;
                }
            }
            _ => return i,
        }
    }
}

/// The end of the name-like word at `i` (`i` itself when none starts there).
pub(super) fn word_end(s: &[u8], i: usize) -> Result<usize, GiveUp> {
    match s.get(i) {
        Some(&b) if b >= 0x80 => return Err(GiveUp),
        Some(&b) if b.is_ascii_alphabetic() || b == b'_' => {}
        _ => return Ok(i),
    }
    let mut j = i + 1;
    while j < s.len() && ident_byte(s[j]) {
        j += 1;
    }
    if s.get(j).is_some_and(|&b| b >= 0x80) {
        return Err(GiveUp);
    }
    Ok(j)
}

/// The grammar's `keyword` rule, for a whole word.
pub(super) fn is_keyword(w: &[u8]) -> bool {
    matches!(
        w,
        b"False"
            | b"None"
            | b"True"
            | b"and"
            | b"assert"
            | b"async"
            | b"as"
            | b"await"
            | b"break"
            | b"class"
            | b"continue"
            | b"def"
            | b"del"
            | b"elif"
            | b"else"
            | b"except"
            | b"finally"
            | b"for"
            | b"from"
            | b"global"
            | b"if"
            | b"import"
            | b"in"
            | b"is"
            | b"lambda"
            | b"nonlocal"
            | b"not"
            | b"or"
            | b"pass"
            | b"raise"
            | b"return"
            | b"try"
            | b"while"
            | b"with"
            | b"yield"
    )
}

/// `digits = ASCII_DIGIT ~ ("_"? ~ ASCII_DIGIT)*`.
fn digits(s: &[u8], i: usize) -> Option<usize> {
    if !s.get(i)?.is_ascii_digit() {
        return None;
    }
    let mut j = i + 1;
    loop {
        if s.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        } else if s.get(j) == Some(&b'_') && s.get(j + 1).is_some_and(u8::is_ascii_digit) {
            j += 2;
        } else {
            return Some(j);
        }
    }
}

/// `exponent = ^"e" ~ ("+" | "-")? ~ digits`.
fn exponent(s: &[u8], i: usize) -> Option<usize> {
    if !matches!(s.get(i), Some(b'e' | b'E')) {
        return None;
    }
    let j = if matches!(s.get(i + 1), Some(b'+' | b'-')) {
        i + 2
    } else {
        i + 1
    };
    digits(s, j)
}

/// Whether a byte is a digit of some radix.
type DigitTest = fn(u8) -> bool;

/// `"0" ~ ^"x" ~ ("_"? ~ ASCII_HEX_DIGIT)+` and its octal and binary twins.
fn radix_int(s: &[u8], i: usize, letter: u8, digit: DigitTest) -> Option<usize> {
    if s.get(i) != Some(&b'0') || s.get(i + 1).map(u8::to_ascii_lowercase) != Some(letter) {
        return None;
    }
    let mut j = i + 2;
    let start = j;
    loop {
        if s.get(j).is_some_and(|&b| digit(b)) {
            j += 1;
        } else if s.get(j) == Some(&b'_') && s.get(j + 1).is_some_and(|&b| digit(b)) {
            j += 2;
        } else {
            break;
        }
    }
    (j > start).then_some(j)
}

/// The number token at `i`, tried in the grammar's order (`float | hex_int | oct_int |
/// bin_int | dec_int`), each followed by `!XID_CONTINUE`.
pub(super) fn number(s: &[u8], i: usize) -> Result<Option<(NumKind, usize)>, GiveUp> {
    // float: the first alternative that matches decides; the lookahead follows it.
    let float = digits(s, i)
        .and_then(|d| {
            (s.get(d) == Some(&b'.')).then(|| {
                let j = digits(s, d + 1).unwrap_or(d + 1);
                exponent(s, j).unwrap_or(j)
            })
        })
        .or_else(|| {
            (s.get(i) == Some(&b'.'))
                .then(|| digits(s, i + 1))
                .flatten()
                .map(|j| exponent(s, j).unwrap_or(j))
        })
        .or_else(|| digits(s, i).and_then(|d| exponent(s, d)));
    if let Some(end) = float
        && not_xid(s, end)?
    {
        return Ok(Some((NumKind::Float, end)));
    }
    let radixes: [(u8, DigitTest, NumKind); 3] = [
        (b'x', |b| b.is_ascii_hexdigit(), NumKind::Hex),
        (b'o', |b| (b'0'..=b'7').contains(&b), NumKind::Oct),
        (b'b', |b| b == b'0' || b == b'1', NumKind::Bin),
    ];
    for (letter, digit, kind) in radixes {
        if let Some(end) = radix_int(s, i, letter, digit)
            && not_xid(s, end)?
        {
            return Ok(Some((kind, end)));
        }
    }
    if let Some(end) = digits(s, i)
        && not_xid(s, end)?
    {
        return Ok(Some((NumKind::Dec, end)));
    }
    Ok(None)
}

/// The length of the `str_prefix` at `i`: the first of `rb br rf fr r b f` (any case)
/// that matches, or 0.
fn prefix_len(s: &[u8], i: usize) -> usize {
    let lower = |k: usize| s.get(i + k).map(u8::to_ascii_lowercase);
    for two in [*b"rb", *b"br", *b"rf", *b"fr"] {
        if lower(0) == Some(two[0]) && lower(1) == Some(two[1]) {
            return 2;
        }
    }
    usize::from(matches!(lower(0), Some(b'r' | b'b' | b'f')))
}

/// The `string` token at `i`: `Ok(None)` when no string starts there. A string that
/// `unterminated_string` would take, or a triple quote that does not close (which pest
/// reads as an empty string and a new quote), is left to pest.
pub(super) fn string(s: &[u8], i: usize) -> Result<Option<usize>, GiveUp> {
    let q = i + prefix_len(s, i);
    let quote = match s.get(q) {
        Some(&c @ (b'"' | b'\'')) => c,
        _ => return Ok(None),
    };
    let triple = s.get(q + 1) == Some(&quote) && s.get(q + 2) == Some(&quote);
    let mut j = if triple { q + 3 } else { q + 1 };
    while j < s.len() {
        match s[j] {
            b'\\' => j += 2,
            b'\n' if !triple => return Err(GiveUp),
            c if c == quote => {
                if !triple {
                    return Ok(Some(j + 1));
                }
                if s.get(j + 1) == Some(&quote) && s.get(j + 2) == Some(&quote) {
                    return Ok(Some(j + 3));
                }
                j += 1;
            }
            _ => j += 1,
        }
    }
    Err(GiveUp)
}

/// Python's binary operators that the grammar's precedence levels `bit_or` to `term`
/// recognise at `i`, with their token length: `level` 0 is `|`, 5 is `* / // %`.
pub(super) fn bin_op(s: &[u8], i: usize, level: u8) -> Option<(crate::syntax::ast::BinOp, usize)> {
    use crate::syntax::ast::BinOp;
    let at = |k: usize| s.get(i + k).copied().unwrap_or(0);
    let (op, len) = match (level, at(0), at(1)) {
        (0, b'|', _) => (BinOp::BitOr, 1),
        (1, b'^', _) => (BinOp::BitXor, 1),
        (2, b'&', _) => (BinOp::BitAnd, 1),
        (3, b'<', b'<') => (BinOp::Shl, 2),
        (3, b'>', b'>') => (BinOp::Shr, 2),
        (4, b'+', _) => (BinOp::Add, 1),
        (4, b'-', _) => (BinOp::Sub, 1),
        (5, b'*', b'*') => return None,
        (5, b'*', _) => (BinOp::Mul, 1),
        (5, b'/', b'/') => (BinOp::FloorDiv, 2),
        (5, b'/', _) => (BinOp::Div, 1),
        (5, b'%', _) => (BinOp::Mod, 1),
        _ => return None,
    };
    // Every operator token refuses a following `=` (it would be an augmented assignment).
    (at(len) != b'=').then_some((op, len))
}
