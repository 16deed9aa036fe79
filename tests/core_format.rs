//! repr/str, format specs, `str.format` and `%`-formatting, against CPython 3.11.

// The rows use the literals of the Python snippets (3.14159 is not meant as pi).
#![allow(clippy::approx_constant)]

mod common;

use common::*;
use interp::core::format::{format_value, percent_format, str_format};
use interp::core::names::ExcType;
use interp::core::repr::{repr, str};
use interp::core::value::{Exception, Value};
use interp::core::world::Args;

fn fmt(v: Value, spec: &str) -> String {
    show(format_value(&v, spec, SP).map(|x| Value::str(&x)))
}

fn pct(template: &str, a: Value) -> String {
    show(percent_format(template, &a, SP).map(|x| Value::str(&x)))
}

fn sf(template: &str, a: Args) -> String {
    show(str_format(template, &a, SP).map(|x| Value::str(&x)))
}

fn exc(ty: ExcType, msg: &str) -> Value {
    Value::Exception(std::sync::Arc::new(Exception {
        ty,
        msg: msg.into(),
        span: SP,
    }))
}

/// `repr(str(v))`, so rows read like Python's `str(...)` at a prompt.
fn rs(v: Value) -> String {
    repr(&Value::str(&str(&v)))
}

fn r(v: Value) -> String {
    repr(&v)
}

#[test]
fn float_repr() {
    let pi: f64 = "3.1415927".parse().unwrap_or(0.0);
    check(vec![
        ("1e16", "1e+16", r(f(1e16))),
        ("1e15", "1000000000000000.0", r(f(1e15))),
        ("0.0001", "0.0001", r(f(0.0001))),
        ("0.00001", "1e-05", r(f(0.00001))),
        ("3.1415927", "3.1415927", r(f(pi))),
        ("0.1", "0.1", r(f(0.1))),
        ("-0.0", "-0.0", r(f(-0.0))),
        ("float('inf')", "inf", r(f(f64::INFINITY))),
        ("float('-inf')", "-inf", r(f(f64::NEG_INFINITY))),
        ("float('nan')", "nan", r(f(f64::NAN))),
        ("1.5e-10", "1.5e-10", r(f(1.5e-10))),
        (
            "123456789012345678.0",
            "1.2345678901234568e+17",
            r(f(123456789012345678.0)),
        ),
        ("2.0**60", "1.152921504606847e+18", r(f(2f64.powi(60)))),
        ("1e22", "1e+22", r(f(1e22))),
        ("100.0", "100.0", r(f(100.0))),
        ("5e-324", "5e-324", r(f(5e-324))),
        (
            "1.7976931348623157e308",
            "1.7976931348623157e+308",
            r(f(f64::MAX)),
        ),
    ]);
}

#[test]
fn container_and_object_repr() {
    check(vec![
        (
            "[42, None, 'hello']",
            "[42, None, 'hello']",
            r(l(vec![i(42), none(), s("hello")])),
        ),
        ("(1,)", "(1,)", r(t(vec![i(1)]))),
        ("()", "()", r(t(vec![]))),
        (
            "{'a': 1, 2: [3]}",
            "{'a': 1, 2: [3]}",
            r(d(vec![(s("a"), i(1)), (i(2), l(vec![i(3)]))])),
        ),
        ("{}", "{}", r(d(vec![]))),
        (
            "[(1, 'a'), {'k': (2.5, True)}]",
            "[(1, 'a'), {'k': (2.5, True)}]",
            r(l(vec![
                t(vec![i(1), s("a")]),
                d(vec![(s("k"), t(vec![f(2.5), bo(true)]))]),
            ])),
        ),
        ("range(0, 10)", "range(0, 10)", r(Value::Range(0, 10, 1))),
        (
            "range(1, 10, 2)",
            "range(1, 10, 2)",
            r(Value::Range(1, 10, 2)),
        ),
        ("\"it's\"", "\"it's\"", r(s("it's"))),
        ("'say \"hi\"'", "'say \"hi\"'", r(s("say \"hi\""))),
        (
            "'both \\' and \"'",
            "'both \\' and \"'",
            r(s("both ' and \"")),
        ),
        ("'tab\\there\\n'", "'tab\\there\\n'", r(s("tab\there\n"))),
        (
            "'\\x00\\x7f\\x80\\xa0\\xad'",
            "'\\x00\\x7f\\x80\\xa0\\xad'",
            r(s("\u{0}\u{7f}\u{80}\u{a0}\u{ad}")),
        ),
        ("'中文'", "'中文'", r(s("中文"))),
        (
            "'\\u2028\\u200b\\ufeff\\u3000'",
            "'\\u2028\\u200b\\ufeff\\u3000'",
            r(s("\u{2028}\u{200b}\u{feff}\u{3000}")),
        ),
        ("'\\\\'", "'\\\\'", r(s("\\"))),
        ("b'a\\'b'", "b\"a'b\"", r(by(b"a'b"))),
        ("b'\\x00\\xff\\n'", "b'\\x00\\xff\\n'", r(by(b"\x00\xff\n"))),
        (
            "ValueError('bad 1')",
            "ValueError('bad 1')",
            r(exc(ExcType::ValueError, "bad 1")),
        ),
        (
            "ValueError()",
            "ValueError()",
            r(exc(ExcType::ValueError, "")),
        ),
        (
            "KeyError('a')",
            "KeyError('a')",
            r(exc(ExcType::KeyError, "'a'")),
        ),
        (
            "str(ValueError('bad 1'))",
            "'bad 1'",
            rs(exc(ExcType::ValueError, "bad 1")),
        ),
        (
            "str(KeyError('a'))",
            "\"'a'\"",
            rs(exc(ExcType::KeyError, "'a'")),
        ),
        (
            "__import__('queue').Empty()",
            "Empty()",
            r(exc(ExcType::QueueEmpty, "")),
        ),
        (
            "len",
            "<built-in function len>",
            r(Value::Builtin(interp::core::names::Builtin::Len)),
        ),
        (
            "int",
            "<class 'int'>",
            r(Value::Builtin(interp::core::names::Builtin::Int)),
        ),
        (
            "ValueError",
            "<class 'ValueError'>",
            r(Value::ExcType(ExcType::ValueError)),
        ),
        ("str('x')", "'x'", rs(s("x"))),
        ("str(1.0)", "'1.0'", rs(f(1.0))),
        ("str([1, 'a'])", "\"[1, 'a']\"", rs(l(vec![i(1), s("a")]))),
    ]);
}

#[test]
fn reprs_with_addresses() {
    let obj = repr(&Value::Object(3));
    assert!(
        obj.starts_with("<object object at 0x") && obj.ends_with('>'),
        "{obj}"
    );
    assert_eq!(obj, repr(&Value::Object(3)));
    assert_ne!(obj, repr(&Value::Object(4)));
    let lock = Value::Handle(interp::core::value::Handle {
        kind: interp::core::value::HandleKind::Lock { mp: false },
        id: 1,
    });
    let text = repr(&lock);
    assert!(text.starts_with("<_thread.lock object at 0x"), "{text}");
    let func = repr(&Value::Func(2));
    assert!(func.starts_with("<function #2 at 0x"), "{func}");
    // A list inside itself prints as [...] rather than recursing forever.
    let a = l(vec![i(1)]);
    if let Value::List(inner) = &a {
        inner.lock().push(a.clone());
    }
    assert_eq!(repr(&a), "[1, [...]]");
    if let Value::List(inner) = &a {
        inner.lock().clear();
    }
}

#[test]
fn format_specs() {
    check(vec![
        (
            "format(1234567.891, ',.2f')",
            "'1,234,567.89'",
            fmt(f(1234567.891), ",.2f"),
        ),
        ("format(255, '#x')", "'0xff'", fmt(i(255), "#x")),
        ("format(255, '08b')", "'11111111'", fmt(i(255), "08b")),
        ("format(-42, '=+8d')", "'-     42'", fmt(i(-42), "=+8d")),
        (
            "format(3.14159, '10.3e')",
            "' 3.142e+00'",
            fmt(f(3.14159), "10.3e"),
        ),
        (
            "format(0.000012345, 'g')",
            "'1.2345e-05'",
            fmt(f(0.000012345), "g"),
        ),
        (
            "format(123456789.0, 'g')",
            "'1.23457e+08'",
            fmt(f(123456789.0), "g"),
        ),
        ("format(1e16, '')", "'1e+16'", fmt(f(1e16), "")),
        ("format(12.0, '.3')", "'12.0'", fmt(f(12.0), ".3")),
        ("format(123.0, '.3')", "'1.23e+02'", fmt(f(123.0), ".3")),
        ("format(0.5, '%')", "'50.000000%'", fmt(f(0.5), "%")),
        ("format(0.25, '.1%')", "'25.0%'", fmt(f(0.25), ".1%")),
        ("format('ab', '^7')", "'  ab   '", fmt(s("ab"), "^7")),
        ("format('ab', '*>7')", "'*****ab'", fmt(s("ab"), "*>7")),
        ("format('abc', '.2')", "'ab'", fmt(s("abc"), ".2")),
        ("format('ab', '10.1')", "'a         '", fmt(s("ab"), "10.1")),
        (
            "format('ab', 'd')",
            "ValueError: Unknown format code 'd' for object of type 'str'",
            fmt(s("ab"), "d"),
        ),
        (
            "format(1.5, 'd')",
            "ValueError: Unknown format code 'd' for object of type 'float'",
            fmt(f(1.5), "d"),
        ),
        (
            "format(1, 's')",
            "ValueError: Unknown format code 's' for object of type 'int'",
            fmt(i(1), "s"),
        ),
        ("format([1], '')", "'[1]'", fmt(l(vec![i(1)]), "")),
        (
            "format([1], '>5')",
            "TypeError: unsupported format string passed to list.__format__",
            fmt(l(vec![i(1)]), ">5"),
        ),
        (
            "format(None, '>5')",
            "TypeError: unsupported format string passed to NoneType.__format__",
            fmt(none(), ">5"),
        ),
        ("format(True, '>5')", "'    1'", fmt(bo(true), ">5")),
        ("format(True, '')", "'True'", fmt(bo(true), "")),
        ("format(1234567, '_')", "'1_234_567'", fmt(i(1234567), "_")),
        (
            "format(10**20, ',')",
            "'100,000,000,000,000,000,000'",
            fmt(i(10i128.pow(20)), ","),
        ),
        (
            "format(float('inf'), '08.2f')",
            "'00000inf'",
            fmt(f(f64::INFINITY), "08.2f"),
        ),
        ("format(float('nan'), 'F')", "'NAN'", fmt(f(f64::NAN), "F")),
        ("format(-0.0, '')", "'-0.0'", fmt(f(-0.0), "")),
        ("format(-0.0, 'z.1f')", "'0.0'", fmt(f(-0.0), "z.1f")),
        ("format(1.0, 'n')", "'1'", fmt(f(1.0), "n")),
        ("format(65, 'c')", "'A'", fmt(i(65), "c")),
        (
            "format(-1, 'c')",
            "OverflowError: %c arg not in range(0x110000)",
            fmt(i(-1), "c"),
        ),
        (
            "format(1, '+c')",
            "ValueError: Sign not allowed with integer format specifier 'c'",
            fmt(i(1), "+c"),
        ),
        (
            "format('ab', '=5')",
            "ValueError: '=' alignment not allowed in string format specifier",
            fmt(s("ab"), "=5"),
        ),
        (
            "format('ab', '+')",
            "ValueError: Sign not allowed in string format specifier",
            fmt(s("ab"), "+"),
        ),
        (
            "format(3, '.2')",
            "ValueError: Precision not allowed in integer format specifier",
            fmt(i(3), ".2"),
        ),
        (
            "format(3, ',x')",
            "ValueError: Cannot specify ',' with 'x'.",
            fmt(i(3), ",x"),
        ),
        (
            "format(1, 'abc')",
            "ValueError: Invalid format specifier 'abc' for object of type 'int'",
            fmt(i(1), "abc"),
        ),
        ("format(10, '#o')", "'0o12'", fmt(i(10), "#o")),
        ("format(-10, '#b')", "'-0b1010'", fmt(i(-10), "#b")),
        ("format(1e-7, '')", "'1e-07'", fmt(f(1e-7), "")),
        (
            "format(12345.6789, ',')",
            "'12,345.6789'",
            fmt(f(12345.6789), ","),
        ),
        ("format(123456, '_o')", "'36_1100'", fmt(i(123456), "_o")),
        ("format(5, '%')", "'500.000000%'", fmt(i(5), "%")),
        ("format(5, '=5')", "'    5'", fmt(i(5), "=5")),
        ("format(5, '<=5')", "'<<<<5'", fmt(i(5), "<=5")),
        (
            "format(-1234.5, '020,.2f')",
            "'-0,000,000,001,234.50'",
            fmt(f(-1234.5), "020,.2f"),
        ),
        (
            "format(0.0001234, '+.3g')",
            "'+0.000123'",
            fmt(f(0.0001234), "+.3g"),
        ),
        ("format(0, 'e')", "'0.000000e+00'", fmt(i(0), "e")),
        ("format(15000, '.0e')", "'2e+04'", fmt(i(15000), ".0e")),
        ("format(2, '#.0f')", "'2.'", fmt(i(2), "#.0f")),
        ("format(2.0, '#g')", "'2.00000'", fmt(f(2.0), "#g")),
        ("format(150, '.2g')", "'1.5e+02'", fmt(i(150), ".2g")),
        ("format(1e22, '.3')", "'1e+22'", fmt(f(1e22), ".3")),
        ("format(1.5, '10')", "'       1.5'", fmt(f(1.5), "10")),
        ("format(2, '<10')", "'2         '", fmt(i(2), "<10")),
        (
            "format(' hi ', '=^11')",
            "'=== hi ===='",
            fmt(s(" hi "), "=^11"),
        ),
        ("format('a', '0>5')", "'0000a'", fmt(s("a"), "0>5")),
        ("format('a', '05')", "'a0000'", fmt(s("a"), "05")),
        ("format(-3, '05')", "'-0003'", fmt(i(-3), "05")),
        ("format(-3.5, '05')", "'-03.5'", fmt(f(-3.5), "05")),
        ("format(3, '<05')", "'30000'", fmt(i(3), "<05")),
        (
            "format(3.14159, '#>+010.2f')",
            "'#####+3.14'",
            fmt(f(3.14159), "#>+010.2f"),
        ),
        ("format(2.675, '.2f')", "'2.67'", fmt(f(2.675), ".2f")),
        ("format(0.125, '.2f')", "'0.12'", fmt(f(0.125), ".2f")),
        (
            "format(1e100, '.3f')[:10]",
            "'1000000000'",
            fmt(f(1e100), ".3f")
                .chars()
                .take(11)
                .chain("'".chars())
                .collect(),
        ),
    ]);
}

#[test]
fn str_format_method() {
    let w = |pos: Vec<Value>, kw: Vec<(&str, Value)>| kwargs(pos, kw);
    check(vec![
        (
            "'{} {}'.format(1, 'a')",
            "'1 a'",
            sf("{} {}", args(vec![i(1), s("a")])),
        ),
        (
            "'{0:>5}|{0!r}'.format('ab')",
            "\"   ab|'ab'\"",
            sf("{0:>5}|{0!r}", args(vec![s("ab")])),
        ),
        (
            "'{name}-{0}'.format(7, name='n')",
            "'n-7'",
            sf("{name}-{0}", w(vec![i(7)], vec![("name", s("n"))])),
        ),
        (
            "'{:<{}}|'.format('a', 4)",
            "'a   |'",
            sf("{:<{}}|", args(vec![s("a"), i(4)])),
        ),
        (
            "'{:{w}.{p}f}'.format(3.14159, w=8, p=2)",
            "'    3.14'",
            sf(
                "{:{w}.{p}f}",
                w(vec![f(3.14159)], vec![("w", i(8)), ("p", i(2))]),
            ),
        ),
        (
            "'{0[1]}{{}}'.format([1, 2])",
            "'2{}'",
            sf("{0[1]}{{}}", args(vec![l(vec![i(1), i(2)])])),
        ),
        (
            "'{0[k]}'.format({'k': 'v'})",
            "'v'",
            sf("{0[k]}", args(vec![d(vec![(s("k"), s("v"))])])),
        ),
        (
            "'{!s:>4}'.format(1)",
            "'   1'",
            sf("{!s:>4}", args(vec![i(1)])),
        ),
        (
            "'{:%}'.format(1)",
            "'100.000000%'",
            sf("{:%}", args(vec![i(1)])),
        ),
        (
            "'{} {}'.format(1)",
            "IndexError: Replacement index 1 out of range for positional args tuple",
            sf("{} {}", args(vec![i(1)])),
        ),
        (
            "'{0} {}'.format(1, 2)",
            "ValueError: cannot switch from manual field specification to automatic field numbering",
            sf("{0} {}", args(vec![i(1), i(2)])),
        ),
        (
            "'{} {0}'.format(1, 2)",
            "ValueError: cannot switch from automatic field numbering to manual field specification",
            sf("{} {0}", args(vec![i(1), i(2)])),
        ),
        (
            "'{x}'.format(1)",
            "KeyError: 'x'",
            sf("{x}", args(vec![i(1)])),
        ),
        (
            "'}'.format()",
            "ValueError: Single '}' encountered in format string",
            sf("}", args(vec![])),
        ),
        (
            "'{'.format()",
            "ValueError: Single '{' encountered in format string",
            sf("{", args(vec![])),
        ),
        (
            "'{0'.format(1)",
            "ValueError: expected '}' before end of string",
            sf("{0", args(vec![i(1)])),
        ),
        (
            "'{!x}'.format(1)",
            "ValueError: Unknown conversion specifier x",
            sf("{!x}", args(vec![i(1)])),
        ),
        (
            "'{:d}'.format('a')",
            "ValueError: Unknown format code 'd' for object of type 'str'",
            sf("{:d}", args(vec![s("a")])),
        ),
        (
            "'{:,d}'.format(1234567)",
            "'1,234,567'",
            sf("{:,d}", args(vec![i(1234567)])),
        ),
    ]);
}

#[test]
fn percent_formatting() {
    check(vec![
        (
            "'%s子进程结束，进程ID：%d。耗时%0.2f' % ('1', 123, 2.0)",
            "'1子进程结束，进程ID：123。耗时2.00'",
            pct(
                "%s子进程结束，进程ID：%d。耗时%0.2f",
                t(vec![s("1"), i(123), f(2.0)]),
            ),
        ),
        (
            "'%s子进程开始，进程ID：%d' % ('worker', 4242)",
            "'worker子进程开始，进程ID：4242'",
            pct("%s子进程开始，进程ID：%d", t(vec![s("worker"), i(4242)])),
        ),
        ("'%0.2f' % 3.14159", "'3.14'", pct("%0.2f", f(3.14159))),
        (
            "'%5d|%-5s|%05.1f|%x|%r|%%|%c|%+d|% d' % (42, 'ab', 3.14159, 255, 'q', 65, 5, 5)",
            "\"   42|ab   |003.1|ff|'q'|%|A|+5| 5\"",
            pct(
                "%5d|%-5s|%05.1f|%x|%r|%%|%c|%+d|% d",
                t(vec![
                    i(42),
                    s("ab"),
                    f(3.14159),
                    i(255),
                    s("q"),
                    i(65),
                    i(5),
                    i(5),
                ]),
            ),
        ),
        (
            "'%.3s|%5.1s|%-6.2f|%e|%g|%G|%E' % ('abcdef', 'xyz', 2.5, 12345.678, 0.00001, 1e20, 1.5)",
            "'abc|    x|2.50  |1.234568e+04|1e-05|1E+20|1.500000E+00'",
            pct(
                "%.3s|%5.1s|%-6.2f|%e|%g|%G|%E",
                t(vec![
                    s("abcdef"),
                    s("xyz"),
                    f(2.5),
                    f(12345.678),
                    f(0.00001),
                    f(1e20),
                    f(1.5),
                ]),
            ),
        ),
        (
            "'%(a)s-%(b)d' % {'a': 'x', 'b': 3}",
            "'x-3'",
            pct("%(a)s-%(b)d", d(vec![(s("a"), s("x")), (s("b"), i(3))])),
        ),
        ("'%s' % [1, 2]", "'[1, 2]'", pct("%s", l(vec![i(1), i(2)]))),
        (
            "'%s' % {'a': 1}",
            "\"{'a': 1}\"",
            pct("%s", d(vec![(s("a"), i(1))])),
        ),
        (
            "'%s %(a)s' % {'a': 1}",
            "\"{'a': 1} 1\"",
            pct("%s %(a)s", d(vec![(s("a"), i(1))])),
        ),
        ("'%d' % 3.9", "'3'", pct("%d", f(3.9))),
        (
            "'%i %u' % (1, 2)",
            "'1 2'",
            pct("%i %u", t(vec![i(1), i(2)])),
        ),
        (
            "'%o %#o %#x %X' % (8, 8, 255, 255)",
            "'10 0o10 0xff FF'",
            pct("%o %#o %#x %X", t(vec![i(8), i(8), i(255), i(255)])),
        ),
        ("'%*d' % (5, 3)", "'    3'", pct("%*d", t(vec![i(5), i(3)]))),
        (
            "'%*.*f' % (8, 2, 3.14159)",
            "'    3.14'",
            pct("%*.*f", t(vec![i(8), i(2), f(3.14159)])),
        ),
        ("'%.3d' % 5", "'005'", pct("%.3d", i(5))),
        ("'%-5d|' % -3", "'-3   |'", pct("%-5d|", i(-3))),
        ("'%05d' % -3", "'-0003'", pct("%05d", i(-3))),
        ("'%+.2e' % 12.5", "'+1.25e+01'", pct("%+.2e", f(12.5))),
        ("'%5.1f%%' % 99.44", "' 99.4%'", pct("%5.1f%%", f(99.44))),
        ("'%s' % None", "'None'", pct("%s", none())),
        ("'%d' % True", "'1'", pct("%d", bo(true))),
        ("'%f' % True", "'1.000000'", pct("%f", bo(true))),
        ("'%a' % 'é'", "\"'\\\\xe9'\"", pct("%a", s("é"))),
        ("'%10r' % 'x'", "\"       'x'\"", pct("%10r", s("x"))),
        (
            "'%d' % 'a'",
            "TypeError: %d format: a real number is required, not str",
            pct("%d", s("a")),
        ),
        (
            "'%d' % None",
            "TypeError: %d format: a real number is required, not NoneType",
            pct("%d", none()),
        ),
        (
            "'%x' % 3.5",
            "TypeError: %x format: an integer is required, not float",
            pct("%x", f(3.5)),
        ),
        (
            "'%f' % 'a'",
            "TypeError: must be real number, not str",
            pct("%f", s("a")),
        ),
        (
            "'%c' % 'ab'",
            "TypeError: %c requires int or char",
            pct("%c", s("ab")),
        ),
        (
            "'%c' % 1114112",
            "OverflowError: %c arg not in range(0x110000)",
            pct("%c", i(1114112)),
        ),
        (
            "'%s %s' % (1,)",
            "TypeError: not enough arguments for format string",
            pct("%s %s", t(vec![i(1)])),
        ),
        (
            "'%s' % (1, 2)",
            "TypeError: not all arguments converted during string formatting",
            pct("%s", t(vec![i(1), i(2)])),
        ),
        (
            "'%d %d' % (1, 2, 3)",
            "TypeError: not all arguments converted during string formatting",
            pct("%d %d", t(vec![i(1), i(2), i(3)])),
        ),
        (
            "'abc' % 5",
            "TypeError: not all arguments converted during string formatting",
            pct("abc", i(5)),
        ),
        ("'abc' % {}", "'abc'", pct("abc", d(vec![]))),
        (
            "'%s' % ()",
            "TypeError: not enough arguments for format string",
            pct("%s", t(vec![])),
        ),
        (
            "'%z' % 1",
            "ValueError: unsupported format character 'z' (0x7a) at index 1",
            pct("%z", i(1)),
        ),
        ("'%' % 1", "ValueError: incomplete format", pct("%", i(1))),
        (
            "'%(a)s' % 5",
            "TypeError: format requires a mapping",
            pct("%(a)s", i(5)),
        ),
        ("'%(a)s' % {}", "KeyError: 'a'", pct("%(a)s", d(vec![]))),
        (
            "'%*d' % ('a', 1)",
            "TypeError: * wants int",
            pct("%*d", t(vec![s("a"), i(1)])),
        ),
        (
            "'%s %s' % {'a': 1}",
            "TypeError: not enough arguments for format string",
            pct("%s %s", d(vec![(s("a"), i(1))])),
        ),
    ]);
}
