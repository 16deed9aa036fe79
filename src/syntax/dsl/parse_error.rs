//! pest's "expected one of these rules" turned into a sentence a person would write.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::brackets::{closer, scan};
use super::{OffsetMap, Rule};
use crate::diag::Diagnostic;

/// What a rule is called in an error message; `None` for rules never worth naming.
fn human(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        eol => "a line break",
        lbrace | block => "`{`",
        rbrace => "`}`",
        rparen => "`)`",
        rbracket => "`]`",
        trailing_comma => "`,`",
        EOI => "the end of the input",
        keyword_assign | if_stmt | while_stmt | for_stmt | try_stmt | with_stmt | def_stmt
        | import_stmt | from_import | pass_stmt | break_stmt | continue_stmt | return_stmt
        | raise_stmt | global_stmt | assert_stmt | del_stmt | expr_stmt | config_block
        | expect_block | items => "a statement",
        op_eq | op_ne | op_le | op_ge | op_lt | op_gt | op_not_in | op_in | op_is_not | op_is
        | op_bitor | op_bitxor | op_bitand | op_shl | op_shr | op_add | op_sub | op_mul
        | op_floordiv | op_div | op_mod | op_pow | call | attribute | subscript | kw_and
        | kw_or => "an operator",
        assign_eq | aug_op => "`=`",
        lambda | ternary | or_test | and_test | not_test | comparison | bit_or | bit_xor
        | bit_and | shift | arith | term | factor | power | primary | paren | list_display
        | dict_display | strings | float | hex_int | oct_int | bin_int | dec_int | none_lit
        | true_lit | false_lit | op_pos | op_neg | op_invert | expr_list | slice | slice_lo
        | slice_hi | slice_step | list_comp | star_arg | kwarg | with_item | dict_item
        | unterminated_string => "an expression",
        name | reserved | dotted | dotted_as | import_name => "a name",
        string => "a string",
        param => "a parameter",
        target_list | paren_target | bracket_target => "an assignment target",
        claim_no_deadlock
        | claim_deadlock
        | claim_hang
        | claim_output_contains
        | claim_output
        | claim_order
        | claim_final
        | claim_raises
        | claim_exitcode
        | claim_outcome
        | claim_unknown => "a claim",
        actor_list => "`[`",
        exit_code => "an exit code",
        outcome_case => "an outcome case (`pattern => grade`)",
        grade => "a grade",
        config_item => "a setting (`key = value`)",
        kw_in => "`in`",
        kw_else => "`else`",
        kw_import => "`import`",
        kw_as => "`as`",
        cw_before => "`before`",
        cw_deadlock => "`deadlock`",
        cw_contains => "`contains`",
        scenario_decl => "`scenario`",
        _ => return None,
    })
}

/// `a`, `a or b`, `a, b or c`.
fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// How the text at `pos` reads in "found ...", and how many bytes to underline.
fn found(src: &str, pos: usize, end_name: &str) -> (String, usize) {
    let rest = &src[pos.min(src.len())..];
    let Some(c) = rest.chars().next() else {
        return (end_name.to_string(), 0);
    };
    if c == '\n' || c == '\r' {
        return ("a line break".to_string(), 0);
    }
    if c.is_alphanumeric() || c == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let len = word.len();
        if is_keyword(&word) {
            return (format!("keyword `{word}`"), len);
        }
        return (format!("`{word}`"), len);
    }
    if c == '"' || c == '\'' {
        return ("a string".to_string(), c.len_utf8());
    }
    (format!("`{c}`"), c.len_utf8())
}

fn is_keyword(w: &str) -> bool {
    matches!(
        w,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
    )
}

/// One diagnostic for a failed parse of `src`. `whole_file` says whether `src` is the
/// whole file or a string inside it (a TOML value, an f-string field), for "found the
/// end of ...".
pub(super) fn from_pest(
    err: &Error<Rule>,
    src: &str,
    map: &OffsetMap,
    whole_file: bool,
) -> Diagnostic {
    let end_name = if whole_file {
        "the end of the file"
    } else {
        "the end of the string"
    };
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(src.len());
    let positives: Vec<Rule> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { message } => {
            return Diagnostic::error(
                "the input is nested too deeply to parse",
                map.span(pos, pos),
            )
            .with_note(message.clone());
        }
    };
    let mut expected: Vec<&str> = Vec::new();
    for r in &positives {
        if let Some(h) = human(*r)
            && !expected.contains(&h)
        {
            expected.push(h);
        }
    }
    // A line break already says "the statement may end here".
    if expected.contains(&"a line break") {
        expected.retain(|h| *h != "the end of the input" && *h != "`}`");
    }
    if expected.contains(&"an operator") {
        expected.retain(|h| *h != "`in`");
    }
    expected.sort_by_key(|h| rank(h));
    let (found_text, found_len) = found(src, pos, end_name);
    let here = map.span(pos, pos + found_len);
    let s = scan(src, pos);

    if let Some(start) = s.unterminated {
        let quote_len = if src[start..].starts_with("\"\"\"") || src[start..].starts_with("'''") {
            3
        } else {
            1
        };
        return unterminated(
            map.span(start, start + quote_len),
            &src[start..start + quote_len],
        );
    }

    if let Some(d) = orphan_clause(src, pos, map) {
        return d;
    }

    let at_end = pos >= src.trim_end().len();
    let wants_closer = positives
        .iter()
        .any(|r| matches!(r, Rule::rbrace | Rule::rparen | Rule::rbracket));
    if let Some(&(open, at)) = s.open.last()
        && (at_end || wants_closer)
    {
        let close = closer(open);
        let what = if open == b'{' { "block" } else { "bracket" };
        let line = map
            .line_of(map.pos(at))
            .map_or(String::new(), |l| format!(" at line {l}"));
        let message = if at_end {
            format!("expected `{close}` to close the {what} opened{line}")
        } else {
            format!("expected `{close}` to close the {what} opened{line}, found {found_text}")
        };
        let mut d = Diagnostic::error(message, here)
            .with_label(format!("expected `{close}`"))
            .with_secondary(map.span(at, at + 1), format!("unclosed `{}`", open as char));
        if let Some((o, c)) = s.misindented
            && at_end
        {
            let line = map
                .line_of(map.pos(c))
                .map_or(String::new(), |l| format!(" at line {l}"));
            d = d
                .with_secondary(map.span(o, o + 1), "perhaps this block is missing its `}`")
                .with_note(format!(
                    "the `}}`{line} closes this block but is indented differently"
                ));
        }
        return d;
    }

    // `if x` with `{` on the next line.
    let wants_block = positives
        .iter()
        .any(|r| matches!(r, Rule::block | Rule::lbrace));
    if found_text == "a line break" && wants_block {
        let next_brace = src[pos..].trim_start().starts_with('{');
        if next_brace {
            return Diagnostic::error("expected `{` on the same line", here)
                .with_label("the block must open here")
                .with_help("move `{` to the end of this line: a line break ends the statement");
        }
    }
    // `if x:` written the Python way.
    if found_text == "`:`" && wants_block {
        return Diagnostic::error(format!("expected `{{`, found {found_text}"), here)
            .with_label("blocks are written with braces")
            .with_help("open the block with `{` on this line and close it with `}`, instead of `:` and indentation");
    }

    let message = if expected.is_empty() {
        format!("unexpected {found_text}")
    } else {
        format!("expected {}, found {found_text}", join(&expected))
    };
    let mut d = Diagnostic::error(message, here);
    if found_text.starts_with("keyword")
        && (expected.contains(&"a name") || expected.contains(&"an expression"))
    {
        d = d.with_help("keywords cannot be used as names");
    }
    d
}

/// "`else` without `if`": a clause keyword starting the line of the error.
fn orphan_clause(src: &str, pos: usize, map: &OffsetMap) -> Option<Diagnostic> {
    let line_start = src[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = &src[line_start..];
    let indent = line.len() - line.trim_start().len();
    let word: String = line
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let opener = match word.as_str() {
        "else" | "elif" => "an `if` (or `try`)",
        "except" | "finally" => "a `try`",
        _ => return None,
    };
    let at = line_start + indent;
    Some(
        Diagnostic::error(
            format!("`{word}` without {opener} block before it"),
            map.span(at, at + word.len()),
        )
        .with_label(format!("this `{word}` follows no block"))
        .with_help(format!(
            "`{word}` continues the statement whose block ends just before it, as in `}} {word} {{`"
        )),
    )
}

/// "unterminated string literal", pointing at the opening quote.
pub(super) fn unterminated(span: crate::syntax::span::Span, quote: &str) -> Diagnostic {
    let d = Diagnostic::error("unterminated string literal", span)
        .with_label("this string is never closed");
    if quote.len() == 3 {
        d.with_help(format!("close it with `{quote}`"))
    } else {
        d.with_help(
            "a quoted string ends on its own line; use a triple-quoted string for several lines",
        )
    }
}

/// Closers first, then the most common expectations, operators last.
fn rank(h: &str) -> u8 {
    match h {
        "`}`" | "`)`" | "`]`" => 0,
        "an expression" | "a name" | "a statement" => 1,
        "an operator" => 3,
        "a line break" => 4,
        _ => 2,
    }
}
