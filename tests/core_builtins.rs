//! Pure builtins and the methods of list, dict, str, bytes, tuple and range, against
//! CPython 3.11.

mod common;

use common::*;
use interp::core::builtins::{call_pure, call_pure_keyed};
use interp::core::names::{Builtin, ExcType, Method};
use interp::core::plain_methods::{call, call_keyed};
use interp::core::value::{Res, Value};
use interp::core::world::{Args, Caller};
use interp::syntax::span::Span;

fn b(builtin: Builtin, pos: Vec<Value>) -> String {
    bk(builtin, pos, vec![])
}

fn bk(builtin: Builtin, pos: Vec<Value>, kw: Vec<(&str, Value)>) -> String {
    match call_pure(builtin, &kwargs(pos, kw), SP) {
        Some(r) => show(r),
        None => "<not pure>".into(),
    }
}

fn m(recv: &Value, method: Method, pos: Vec<Value>) -> String {
    mk(recv, method, pos, vec![])
}

fn mk(recv: &Value, method: Method, pos: Vec<Value>, kw: Vec<(&str, Value)>) -> String {
    match call(recv, method, &kwargs(pos, kw), SP) {
        Some(r) => show(r),
        None => "<no such method>".into(),
    }
}

fn rng(a: i128, z: i128, step: i128) -> Value {
    Value::Range(a, z, step)
}

#[test]
fn conversions() {
    check(vec![
        (
            "int('x')",
            "ValueError: invalid literal for int() with base 10: 'x'",
            b(Builtin::Int, vec![s("x")]),
        ),
        (
            "int('12.5')",
            "ValueError: invalid literal for int() with base 10: '12.5'",
            b(Builtin::Int, vec![s("12.5")]),
        ),
        ("int(' 12 ')", "12", b(Builtin::Int, vec![s(" 12 ")])),
        ("int('1_000')", "1000", b(Builtin::Int, vec![s("1_000")])),
        (
            "int('-0x1f', 16)",
            "-31",
            b(Builtin::Int, vec![s("-0x1f"), i(16)]),
        ),
        (
            "int('0b101', 0)",
            "5",
            b(Builtin::Int, vec![s("0b101"), i(0)]),
        ),
        (
            "int('08', 0)",
            "ValueError: invalid literal for int() with base 0: '08'",
            b(Builtin::Int, vec![s("08"), i(0)]),
        ),
        ("int(b'12')", "12", b(Builtin::Int, vec![by(b"12")])),
        (
            "int(b'x')",
            "ValueError: invalid literal for int() with base 10: b'x'",
            b(Builtin::Int, vec![by(b"x")]),
        ),
        ("int(-3.9)", "-3", b(Builtin::Int, vec![f(-3.9)])),
        ("int(True)", "1", b(Builtin::Int, vec![bo(true)])),
        ("int()", "0", b(Builtin::Int, vec![])),
        (
            "int(float('inf'))",
            "OverflowError: cannot convert float infinity to integer",
            b(Builtin::Int, vec![f(f64::INFINITY)]),
        ),
        (
            "int(float('nan'))",
            "ValueError: cannot convert float NaN to integer",
            b(Builtin::Int, vec![f(f64::NAN)]),
        ),
        (
            "int(None)",
            "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
            b(Builtin::Int, vec![none()]),
        ),
        (
            "int('10', 1)",
            "ValueError: int() base must be >= 2 and <= 36, or 0",
            b(Builtin::Int, vec![s("10"), i(1)]),
        ),
        (
            "int(10, 16)",
            "TypeError: int() can't convert non-string with explicit base",
            b(Builtin::Int, vec![i(10), i(16)]),
        ),
        (
            "int('ff', base=16)",
            "255",
            bk(Builtin::Int, vec![s("ff")], vec![("base", i(16))]),
        ),
        (
            "float('abc')",
            "ValueError: could not convert string to float: 'abc'",
            b(Builtin::Float, vec![s("abc")]),
        ),
        (
            "float(None)",
            "TypeError: float() argument must be a string or a real number, not 'NoneType'",
            b(Builtin::Float, vec![none()]),
        ),
        (
            "float('  1e5  ')",
            "100000.0",
            b(Builtin::Float, vec![s("  1e5  ")]),
        ),
        ("float('-inf')", "-inf", b(Builtin::Float, vec![s("-inf")])),
        (
            "float('1_0.5')",
            "10.5",
            b(Builtin::Float, vec![s("1_0.5")]),
        ),
        (
            "float('1__0')",
            "ValueError: could not convert string to float: '1__0'",
            b(Builtin::Float, vec![s("1__0")]),
        ),
        ("float(3)", "3.0", b(Builtin::Float, vec![i(3)])),
        ("str(1.5)", "'1.5'", b(Builtin::Str, vec![f(1.5)])),
        ("str()", "''", b(Builtin::Str, vec![])),
        (
            "str(b'hi', 'utf-8')",
            "'hi'",
            b(Builtin::Str, vec![by(b"hi"), s("utf-8")]),
        ),
        ("str(None)", "'None'", b(Builtin::Str, vec![none()])),
        ("repr('a')", "\"'a'\"", b(Builtin::Repr, vec![s("a")])),
        ("bool([])", "False", b(Builtin::Bool, vec![l(vec![])])),
        ("bool('x')", "True", b(Builtin::Bool, vec![s("x")])),
        (
            "list('abc')",
            "['a', 'b', 'c']",
            b(Builtin::List, vec![s("abc")]),
        ),
        ("list(b'ab')", "[97, 98]", b(Builtin::List, vec![by(b"ab")])),
        (
            "list({'a': 1})",
            "['a']",
            b(Builtin::List, vec![d(vec![(s("a"), i(1))])]),
        ),
        (
            "tuple(range(3))",
            "(0, 1, 2)",
            b(Builtin::Tuple, vec![rng(0, 3, 1)]),
        ),
        (
            "list(5)",
            "TypeError: 'int' object is not iterable",
            b(Builtin::List, vec![i(5)]),
        ),
        (
            "dict(a=1)",
            "{'a': 1}",
            bk(Builtin::Dict, vec![], vec![("a", i(1))]),
        ),
        (
            "dict([(1, 2), ('k', 'v')])",
            "{1: 2, 'k': 'v'}",
            b(
                Builtin::Dict,
                vec![l(vec![t(vec![i(1), i(2)]), t(vec![s("k"), s("v")])])],
            ),
        ),
        (
            "dict([(1,2),(3,)])",
            "ValueError: dictionary update sequence element #1 has length 1; 2 is required",
            b(
                Builtin::Dict,
                vec![l(vec![t(vec![i(1), i(2)]), t(vec![i(3)])])],
            ),
        ),
        (
            "dict([1])",
            "TypeError: cannot convert dictionary update sequence element #0 to a sequence",
            b(Builtin::Dict, vec![l(vec![i(1)])]),
        ),
        ("chr(20013)", "'中'", b(Builtin::Chr, vec![i(20013)])),
        (
            "chr(-1)",
            "ValueError: chr() arg not in range(0x110000)",
            b(Builtin::Chr, vec![i(-1)]),
        ),
        (
            "chr('a')",
            "TypeError: 'str' object cannot be interpreted as an integer",
            b(Builtin::Chr, vec![s("a")]),
        ),
        ("ord('中')", "20013", b(Builtin::Ord, vec![s("中")])),
        (
            "ord('ab')",
            "TypeError: ord() expected a character, but string of length 2 found",
            b(Builtin::Ord, vec![s("ab")]),
        ),
        (
            "ord('')",
            "TypeError: ord() expected a character, but string of length 0 found",
            b(Builtin::Ord, vec![s("")]),
        ),
        (
            "ord(5)",
            "TypeError: ord() expected string of length 1, but int found",
            b(Builtin::Ord, vec![i(5)]),
        ),
        ("ord(b'a')", "97", b(Builtin::Ord, vec![by(b"a")])),
    ]);
}

#[test]
fn numeric_builtins() {
    check(vec![
        ("abs(-3.5)", "3.5", b(Builtin::Abs, vec![f(-3.5)])),
        ("abs(True)", "1", b(Builtin::Abs, vec![bo(true)])),
        (
            "abs('a')",
            "TypeError: bad operand type for abs(): 'str'",
            b(Builtin::Abs, vec![s("a")]),
        ),
        ("round(2.5)", "2", b(Builtin::Round, vec![f(2.5)])),
        ("round(3.5)", "4", b(Builtin::Round, vec![f(3.5)])),
        ("round(0.5)", "0", b(Builtin::Round, vec![f(0.5)])),
        ("round(-0.5)", "0", b(Builtin::Round, vec![f(-0.5)])),
        (
            "round(2.675, 2)",
            "2.67",
            b(Builtin::Round, vec![f(2.675), i(2)]),
        ),
        (
            "round(2.5, 0)",
            "2.0",
            b(Builtin::Round, vec![f(2.5), i(0)]),
        ),
        (
            "round(1234, -2)",
            "1200",
            b(Builtin::Round, vec![i(1234), i(-2)]),
        ),
        (
            "round(1250, -2)",
            "1200",
            b(Builtin::Round, vec![i(1250), i(-2)]),
        ),
        ("round(7)", "7", b(Builtin::Round, vec![i(7)])),
        (
            "round(float('inf'))",
            "OverflowError: cannot convert float infinity to integer",
            b(Builtin::Round, vec![f(f64::INFINITY)]),
        ),
        (
            "round('a')",
            "TypeError: type str doesn't define __round__ method",
            b(Builtin::Round, vec![s("a")]),
        ),
        (
            "divmod(7, 2)",
            "(3, 1)",
            b(Builtin::Divmod, vec![i(7), i(2)]),
        ),
        (
            "divmod(-7, 2)",
            "(-4, 1)",
            b(Builtin::Divmod, vec![i(-7), i(2)]),
        ),
        (
            "divmod(7.5, -2)",
            "(-4.0, -0.5)",
            b(Builtin::Divmod, vec![f(7.5), i(-2)]),
        ),
        (
            "divmod(1, 0)",
            "ZeroDivisionError: integer division or modulo by zero",
            b(Builtin::Divmod, vec![i(1), i(0)]),
        ),
        (
            "divmod(1.0, 0)",
            "ZeroDivisionError: float divmod()",
            b(Builtin::Divmod, vec![f(1.0), i(0)]),
        ),
        (
            "divmod('a', 1)",
            "TypeError: unsupported operand type(s) for divmod(): 'str' and 'int'",
            b(Builtin::Divmod, vec![s("a"), i(1)]),
        ),
        ("pow(2, 10)", "1024", b(Builtin::Pow, vec![i(2), i(10)])),
        (
            "pow(3, -1, 7)",
            "5",
            b(Builtin::Pow, vec![i(3), i(-1), i(7)]),
        ),
        (
            "pow(2, 3, 0)",
            "ValueError: pow() 3rd argument cannot be 0",
            b(Builtin::Pow, vec![i(2), i(3), i(0)]),
        ),
        (
            "pow(2, -1, 4)",
            "ValueError: base is not invertible for the given modulus",
            b(Builtin::Pow, vec![i(2), i(-1), i(4)]),
        ),
        (
            "pow(2.0, 3, 5)",
            "TypeError: pow() 3rd argument not allowed unless all arguments are integers",
            b(Builtin::Pow, vec![f(2.0), i(3), i(5)]),
        ),
        (
            "sum([1.5, 2])",
            "3.5",
            b(Builtin::Sum, vec![l(vec![f(1.5), i(2)])]),
        ),
        (
            "sum(range(101))",
            "5050",
            b(Builtin::Sum, vec![rng(0, 101, 1)]),
        ),
        (
            "sum([[1], [2]], [])",
            "[1, 2]",
            b(
                Builtin::Sum,
                vec![l(vec![l(vec![i(1)]), l(vec![i(2)])]), l(vec![])],
            ),
        ),
        (
            "sum(['a', 'b'])",
            "TypeError: unsupported operand type(s) for +: 'int' and 'str'",
            b(Builtin::Sum, vec![l(vec![s("a"), s("b")])]),
        ),
        (
            "sum(['a'], '')",
            "TypeError: sum() can't sum strings [use ''.join(seq) instead]",
            b(Builtin::Sum, vec![l(vec![s("a")]), s("")]),
        ),
        ("hash(-1)", "-2", b(Builtin::Hash, vec![i(-1)])),
        (
            "hash(1.5)",
            "1152921504606846977",
            b(Builtin::Hash, vec![f(1.5)]),
        ),
        (
            "hash((1, 2))",
            "-3550055125485641917",
            b(Builtin::Hash, vec![t(vec![i(1), i(2)])]),
        ),
        (
            "hash([1])",
            "TypeError: unhashable type: 'list'",
            b(Builtin::Hash, vec![l(vec![i(1)])]),
        ),
        (
            "hash((1, [2]))",
            "TypeError: unhashable type: 'list'",
            b(Builtin::Hash, vec![t(vec![i(1), l(vec![i(2)])])]),
        ),
    ]);
}

/// `enumerate`, `zip`, `reversed` and the dict views give lists here (CPython gives
/// lazy iterators and views), so their rows read `list(...)`.
#[test]
fn iterable_builtins() {
    let mixed = || l(vec![i(1), s("a")]);
    check(vec![
        ("len('中文')", "2", b(Builtin::Len, vec![s("中文")])),
        (
            "len(range(0, 10, 3))",
            "4",
            b(Builtin::Len, vec![rng(0, 10, 3)]),
        ),
        (
            "len({'a': 1})",
            "1",
            b(Builtin::Len, vec![d(vec![(s("a"), i(1))])]),
        ),
        (
            "len(5)",
            "TypeError: object of type 'int' has no len()",
            b(Builtin::Len, vec![i(5)]),
        ),
        (
            "len()",
            "TypeError: len() takes exactly one argument (0 given)",
            b(Builtin::Len, vec![]),
        ),
        ("range(3)", "range(0, 3)", b(Builtin::Range, vec![i(3)])),
        (
            "range(1, 10, 2)",
            "range(1, 10, 2)",
            b(Builtin::Range, vec![i(1), i(10), i(2)]),
        ),
        (
            "range(1.5)",
            "TypeError: 'float' object cannot be interpreted as an integer",
            b(Builtin::Range, vec![f(1.5)]),
        ),
        (
            "range(1, 2, 0)",
            "ValueError: range() arg 3 must not be zero",
            b(Builtin::Range, vec![i(1), i(2), i(0)]),
        ),
        (
            "range()",
            "TypeError: range expected at least 1 argument, got 0",
            b(Builtin::Range, vec![]),
        ),
        ("min(3, 1, 2)", "1", b(Builtin::Min, vec![i(3), i(1), i(2)])),
        ("max('abc')", "'c'", b(Builtin::Max, vec![s("abc")])),
        (
            "max([(1, 'b'), (1, 'c'), (0, 'z')])",
            "(1, 'c')",
            b(
                Builtin::Max,
                vec![l(vec![
                    t(vec![i(1), s("b")]),
                    t(vec![i(1), s("c")]),
                    t(vec![i(0), s("z")]),
                ])],
            ),
        ),
        (
            "max([1, 3, 3.0])",
            "3",
            b(Builtin::Max, vec![l(vec![i(1), i(3), f(3.0)])]),
        ),
        (
            "min()",
            "TypeError: min expected at least 1 argument, got 0",
            b(Builtin::Min, vec![]),
        ),
        (
            "min([])",
            "ValueError: min() arg is an empty sequence",
            b(Builtin::Min, vec![l(vec![])]),
        ),
        (
            "max([])",
            "ValueError: max() arg is an empty sequence",
            b(Builtin::Max, vec![l(vec![])]),
        ),
        (
            "min([], default=5)",
            "5",
            bk(Builtin::Min, vec![l(vec![])], vec![("default", i(5))]),
        ),
        (
            "min(5)",
            "TypeError: 'int' object is not iterable",
            b(Builtin::Min, vec![i(5)]),
        ),
        (
            "max([1, 'a'])",
            "TypeError: '>' not supported between instances of 'str' and 'int'",
            b(Builtin::Max, vec![mixed()]),
        ),
        (
            "min([1, 'a'])",
            "TypeError: '<' not supported between instances of 'str' and 'int'",
            b(Builtin::Min, vec![mixed()]),
        ),
        (
            "sorted([1, 'a'])",
            "TypeError: '<' not supported between instances of 'str' and 'int'",
            b(Builtin::Sorted, vec![mixed()]),
        ),
        (
            "sorted([{}, {}])",
            "TypeError: '<' not supported between instances of 'dict' and 'dict'",
            b(Builtin::Sorted, vec![l(vec![d(vec![]), d(vec![])])]),
        ),
        (
            "sorted('bca', reverse=True)",
            "['c', 'b', 'a']",
            bk(Builtin::Sorted, vec![s("bca")], vec![("reverse", bo(true))]),
        ),
        (
            "sorted([3, 1.5, True])",
            "[True, 1.5, 3]",
            b(Builtin::Sorted, vec![l(vec![i(3), f(1.5), bo(true)])]),
        ),
        (
            "sorted({'b': 1, 'a': 2})",
            "['a', 'b']",
            b(
                Builtin::Sorted,
                vec![d(vec![(s("b"), i(1)), (s("a"), i(2))])],
            ),
        ),
        (
            "list(enumerate('ab'))",
            "[(0, 'a'), (1, 'b')]",
            b(Builtin::Enumerate, vec![s("ab")]),
        ),
        (
            "list(enumerate('ab', 1))",
            "[(1, 'a'), (2, 'b')]",
            b(Builtin::Enumerate, vec![s("ab"), i(1)]),
        ),
        (
            "enumerate(5)",
            "TypeError: 'int' object is not iterable",
            b(Builtin::Enumerate, vec![i(5)]),
        ),
        (
            "list(zip([1, 2, 3], 'ab'))",
            "[(1, 'a'), (2, 'b')]",
            b(Builtin::Zip, vec![l(vec![i(1), i(2), i(3)]), s("ab")]),
        ),
        (
            "zip(1, [2])",
            "TypeError: 'int' object is not iterable",
            b(Builtin::Zip, vec![i(1), l(vec![i(2)])]),
        ),
        (
            "any([0, '', 3])",
            "True",
            b(Builtin::Any, vec![l(vec![i(0), s(""), i(3)])]),
        ),
        ("all([])", "True", b(Builtin::All, vec![l(vec![])])),
        ("any([])", "False", b(Builtin::Any, vec![l(vec![])])),
        (
            "list(reversed([1, 2]))",
            "[2, 1]",
            b(Builtin::Reversed, vec![l(vec![i(1), i(2)])]),
        ),
        (
            "list(reversed(range(3)))",
            "[2, 1, 0]",
            b(Builtin::Reversed, vec![rng(0, 3, 1)]),
        ),
        (
            "reversed(5)",
            "TypeError: 'int' object is not reversible",
            b(Builtin::Reversed, vec![i(5)]),
        ),
        (
            "isinstance(1, int)",
            "True",
            b(
                Builtin::Isinstance,
                vec![i(1), Value::Builtin(Builtin::Int)],
            ),
        ),
        (
            "isinstance(True, int)",
            "True",
            b(
                Builtin::Isinstance,
                vec![bo(true), Value::Builtin(Builtin::Int)],
            ),
        ),
        (
            "isinstance(1, bool)",
            "False",
            b(
                Builtin::Isinstance,
                vec![i(1), Value::Builtin(Builtin::Bool)],
            ),
        ),
        (
            "isinstance('a', (int, str))",
            "True",
            b(
                Builtin::Isinstance,
                vec![
                    s("a"),
                    t(vec![
                        Value::Builtin(Builtin::Int),
                        Value::Builtin(Builtin::Str),
                    ]),
                ],
            ),
        ),
        (
            "isinstance(1.0, (int, list))",
            "False",
            b(
                Builtin::Isinstance,
                vec![
                    f(1.0),
                    t(vec![
                        Value::Builtin(Builtin::Int),
                        Value::Builtin(Builtin::List),
                    ]),
                ],
            ),
        ),
        (
            "isinstance(1, 5)",
            "TypeError: isinstance() arg 2 must be a type, a tuple of types, or a union",
            b(Builtin::Isinstance, vec![i(1), i(5)]),
        ),
        (
            "isinstance(KeyError('k'), LookupError)",
            "True",
            b(
                Builtin::Isinstance,
                vec![
                    Value::Exception(std::sync::Arc::new(interp::core::value::Exception {
                        ty: ExcType::KeyError,
                        msg: "'k'".into(),
                        span: SP,
                    })),
                    Value::ExcType(ExcType::LookupError),
                ],
            ),
        ),
        (
            "isinstance(None, object)",
            "True",
            b(
                Builtin::Isinstance,
                vec![none(), Value::Builtin(Builtin::Object)],
            ),
        ),
    ]);
}

#[test]
fn engine_builtins_and_engine_arguments_are_not_ours() {
    assert!(call_pure(Builtin::Print, &args(vec![i(1)]), SP).is_none());
    assert!(call_pure(Builtin::Sleep, &args(vec![i(1)]), SP).is_none());
    assert!(call_pure(Builtin::Lock, &args(vec![]), SP).is_none());
    let array = Value::Handle(interp::core::value::Handle {
        kind: interp::core::value::HandleKind::Array,
        id: 0,
    });
    assert!(call_pure(Builtin::Len, &args(vec![array.clone()]), SP).is_none());
    assert!(call_pure(Builtin::Sum, &args(vec![array.clone()]), SP).is_none());
    // Identity-level builtins do handle engine objects.
    assert!(matches!(
        call_pure(Builtin::Repr, &args(vec![array.clone()]), SP),
        Some(Ok(Value::Str(_)))
    ));
    let thread = Value::Handle(interp::core::value::Handle {
        kind: interp::core::value::HandleKind::Timer,
        id: 3,
    });
    assert_eq!(
        b(
            Builtin::Isinstance,
            vec![thread, Value::Builtin(Builtin::Thread)]
        ),
        "True"
    );
}

#[test]
fn ids_and_objects_are_stable_and_distinct() {
    let a = l(vec![]);
    let id1 = b(Builtin::Id, vec![a.clone()]);
    assert_eq!(id1, b(Builtin::Id, vec![a.clone()]));
    assert_ne!(id1, b(Builtin::Id, vec![l(vec![])]));
    let o1 = call_pure(Builtin::Object, &args(vec![]), SP);
    let o2 = call_pure(Builtin::Object, &args(vec![]), SP);
    match (o1, o2) {
        (Some(Ok(x)), Some(Ok(y))) => {
            assert!(!interp::core::compare::is(&x, &y));
            assert!(interp::core::compare::is(&x, &x.clone()));
        }
        other => panic!("object() failed: {other:?}"),
    }
}

/// Calls key functions that are pure builtins, the way the interpreter would.
struct PureCaller;

impl Caller for PureCaller {
    fn call_value(&mut self, func: &Value, args: Args, span: Span) -> Res<Value> {
        match func {
            Value::Builtin(bi) => call_pure(*bi, &args, span).unwrap_or(Ok(Value::None)),
            _ => Ok(Value::None),
        }
    }
}

#[test]
fn key_functions() {
    let words = || l(vec![s("bb"), s("a"), s("ccc"), s("dd")]);
    let key = |bi: Builtin| vec![("key", Value::Builtin(bi))];
    let run = |bi: Builtin, pos: Vec<Value>, kw: Vec<(&str, Value)>| {
        show(call_pure_keyed(bi, &kwargs(pos, kw), &mut PureCaller, SP).unwrap_or(Ok(none())))
    };
    assert_eq!(
        run(Builtin::Sorted, vec![words()], key(Builtin::Len)),
        "['a', 'bb', 'dd', 'ccc']"
    );
    assert_eq!(run(Builtin::Max, vec![words()], key(Builtin::Len)), "'ccc'");
    assert_eq!(
        run(Builtin::Min, vec![l(vec![i(-3), i(2)])], key(Builtin::Abs)),
        "2"
    );
    let lst = words();
    let r = call_keyed(
        &lst,
        Method::Sort,
        &kwargs(
            vec![],
            vec![("key", Value::Builtin(Builtin::Len)), ("reverse", bo(true))],
        ),
        &mut PureCaller,
        SP,
    );
    assert!(matches!(r, Some(Ok(Value::None))));
    assert_eq!(show(Ok(lst)), "['ccc', 'bb', 'dd', 'a']");
    // Without a caller, key= is refused rather than ignored.
    let r = bk(Builtin::Sorted, vec![words()], key(Builtin::Len));
    assert!(r.starts_with("TypeError: "), "{r}");
}

#[test]
fn list_methods() {
    let a = l(vec![i(3), i(1), i(2)]);
    check(vec![
        (
            "a = [3, 1, 2]; a.append(4)",
            "None",
            m(&a, Method::Append, vec![i(4)]),
        ),
        (
            "a = [3, 1, 2, 4]; a.extend('xy'); a",
            "[3, 1, 2, 4, 'x', 'y']",
            {
                m(&a, Method::Extend, vec![s("xy")]);
                show(Ok(a.clone()))
            },
        ),
        (
            "a = [3, 1, 2, 4, 'x', 'y']; a.pop()",
            "'y'",
            m(&a, Method::Pop, vec![]),
        ),
        (
            "a = [3, 1, 2, 4, 'x']; a.pop(0)",
            "3",
            m(&a, Method::Pop, vec![i(0)]),
        ),
        ("a = [1, 2, 4, 'x']; a.remove('x'); a", "[1, 2, 4]", {
            m(&a, Method::Remove, vec![s("x")]);
            show(Ok(a.clone()))
        }),
        ("a = [1, 2, 4]; a.insert(-1, 3); a", "[1, 2, 3, 4]", {
            m(&a, Method::Insert, vec![i(-1), i(3)]);
            show(Ok(a.clone()))
        }),
        (
            "a = [1, 2, 3, 4]; a.insert(100, 5); a",
            "[1, 2, 3, 4, 5]",
            {
                m(&a, Method::Insert, vec![i(100), i(5)]);
                show(Ok(a.clone()))
            },
        ),
        (
            "[1, 2, 3, 4, 5].index(3)",
            "2",
            m(&a, Method::Index, vec![i(3)]),
        ),
        (
            "[1, 2, 3, 4, 5].index(3, -1)",
            "ValueError: 3 is not in list",
            m(&a, Method::Index, vec![i(3), i(-1)]),
        ),
        (
            "[1, 2, 3, 4, 5].count(2.0)",
            "1",
            m(&a, Method::Count, vec![f(2.0)]),
        ),
        ("a = [1, 2, 3, 4, 5]; a.reverse(); a", "[5, 4, 3, 2, 1]", {
            m(&a, Method::Reverse, vec![]);
            show(Ok(a.clone()))
        }),
        ("a = [5, 4, 3, 2, 1]; a.sort(); a", "[1, 2, 3, 4, 5]", {
            m(&a, Method::Sort, vec![]);
            show(Ok(a.clone()))
        }),
        (
            "a = [1, 2, 3, 4, 5]; a.sort(reverse=True); a",
            "[5, 4, 3, 2, 1]",
            {
                mk(&a, Method::Sort, vec![], vec![("reverse", bo(true))]);
                show(Ok(a.clone()))
            },
        ),
        (
            "[5, 4, 3, 2, 1].copy()",
            "[5, 4, 3, 2, 1]",
            m(&a, Method::Copy, vec![]),
        ),
        (
            "[].pop()",
            "IndexError: pop from empty list",
            m(&l(vec![]), Method::Pop, vec![]),
        ),
        (
            "[1].pop(5)",
            "IndexError: pop index out of range",
            m(&l(vec![i(1)]), Method::Pop, vec![i(5)]),
        ),
        (
            "[].pop('a')",
            "TypeError: 'str' object cannot be interpreted as an integer",
            m(&l(vec![]), Method::Pop, vec![s("a")]),
        ),
        (
            "[1].remove(2)",
            "ValueError: list.remove(x): x not in list",
            m(&l(vec![i(1)]), Method::Remove, vec![i(2)]),
        ),
        (
            "[1].index(2)",
            "ValueError: 2 is not in list",
            m(&l(vec![i(1)]), Method::Index, vec![i(2)]),
        ),
        (
            "[].append()",
            "TypeError: list.append() takes exactly one argument (0 given)",
            m(&l(vec![]), Method::Append, vec![]),
        ),
        (
            "[].append(1, 2)",
            "TypeError: list.append() takes exactly one argument (2 given)",
            m(&l(vec![]), Method::Append, vec![i(1), i(2)]),
        ),
        (
            "[].insert(0)",
            "TypeError: insert expected 2 arguments, got 1",
            m(&l(vec![]), Method::Insert, vec![i(0)]),
        ),
        (
            "[].pop(1, 2)",
            "TypeError: pop expected at most 1 argument, got 2",
            m(&l(vec![]), Method::Pop, vec![i(1), i(2)]),
        ),
        (
            "[].index()",
            "TypeError: index expected at least 1 argument, got 0",
            m(&l(vec![]), Method::Index, vec![]),
        ),
        (
            "[].sort(1)",
            "TypeError: sort() takes no positional arguments",
            m(&l(vec![]), Method::Sort, vec![i(1)]),
        ),
        (
            "[].reverse(1)",
            "TypeError: list.reverse() takes no arguments (1 given)",
            m(&l(vec![]), Method::Reverse, vec![i(1)]),
        ),
        (
            "[].count()",
            "TypeError: list.count() takes exactly one argument (0 given)",
            m(&l(vec![]), Method::Count, vec![]),
        ),
        (
            "[1, 2].extend(3)",
            "TypeError: 'int' object is not iterable",
            m(&l(vec![i(1), i(2)]), Method::Extend, vec![i(3)]),
        ),
        (
            "[].append(x=1)",
            "TypeError: list.append() takes no keyword arguments",
            mk(&l(vec![]), Method::Append, vec![], vec![("x", i(1))]),
        ),
        (
            "[3, 'a'].sort()",
            "TypeError: '<' not supported between instances of 'str' and 'int'",
            m(&l(vec![i(3), s("a")]), Method::Sort, vec![]),
        ),
        (
            "(1, 2, 1).count(1)",
            "2",
            m(&t(vec![i(1), i(2), i(1)]), Method::Count, vec![i(1)]),
        ),
        (
            "(1,).index(2)",
            "ValueError: tuple.index(x): x not in tuple",
            m(&t(vec![i(1)]), Method::Index, vec![i(2)]),
        ),
        (
            "range(0, 10, 2).index(4)",
            "2",
            m(&rng(0, 10, 2), Method::Index, vec![i(4)]),
        ),
        (
            "range(3).index(5)",
            "ValueError: 5 is not in range",
            m(&rng(0, 3, 1), Method::Index, vec![i(5)]),
        ),
    ]);
    // a.extend(a) and a.count(a) must not deadlock on the list's own lock.
    let x = l(vec![i(1)]);
    m(&x, Method::Extend, vec![x.clone()]);
    assert_eq!(m(&x, Method::Count, vec![x.clone()]), "0");
    assert_eq!(show(Ok(x)), "[1, 1]");
}

#[test]
fn dict_methods() {
    let dd = d(vec![(s("a"), i(1))]);
    check(vec![
        ("{'a': 1}.get('a')", "1", m(&dd, Method::Get, vec![s("a")])),
        (
            "{'a': 1}.get('z')",
            "None",
            m(&dd, Method::Get, vec![s("z")]),
        ),
        (
            "{'a': 1}.get('z', 0)",
            "0",
            m(&dd, Method::Get, vec![s("z"), i(0)]),
        ),
        (
            "{'a': 1}.get([])",
            "TypeError: unhashable type: 'list'",
            m(&dd, Method::Get, vec![l(vec![])]),
        ),
        (
            "d = {'a': 1}; d.setdefault('b', []); d",
            "{'a': 1, 'b': []}",
            {
                m(&dd, Method::SetDefault, vec![s("b"), l(vec![])]);
                show(Ok(dd.clone()))
            },
        ),
        (
            "{'a': 1, 'b': []}.setdefault('a', 5)",
            "1",
            m(&dd, Method::SetDefault, vec![s("a"), i(5)]),
        ),
        (
            "d = {'a': 1, 'b': []}; d.update([('c', 3)], e=5); d",
            "{'a': 1, 'b': [], 'c': 3, 'e': 5}",
            {
                mk(
                    &dd,
                    Method::Update,
                    vec![l(vec![t(vec![s("c"), i(3)])])],
                    vec![("e", i(5))],
                );
                show(Ok(dd.clone()))
            },
        ),
        (
            "list({'a': 1, 'b': [], 'c': 3, 'e': 5}.keys())",
            "['a', 'b', 'c', 'e']",
            m(&dd, Method::Keys, vec![]),
        ),
        (
            "list({'a': 1, 'b': [], 'c': 3, 'e': 5}.values())",
            "[1, [], 3, 5]",
            m(&dd, Method::Values, vec![]),
        ),
        (
            "d = {'a': 1, 'b': [], 'c': 3, 'e': 5}; d.pop('b'); d.pop('c'); list(d.items())",
            "[('a', 1), ('e', 5)]",
            {
                m(&dd, Method::Pop, vec![s("b")]);
                m(&dd, Method::Pop, vec![s("c")]);
                m(&dd, Method::Items, vec![])
            },
        ),
        (
            "{}.pop('a')",
            "KeyError: 'a'",
            m(&d(vec![]), Method::Pop, vec![s("a")]),
        ),
        (
            "{}.pop('a', 9)",
            "9",
            m(&d(vec![]), Method::Pop, vec![s("a"), i(9)]),
        ),
        (
            "{}.get()",
            "TypeError: get expected at least 1 argument, got 0",
            m(&d(vec![]), Method::Get, vec![]),
        ),
        (
            "{}.get(1, 2, 3)",
            "TypeError: get expected at most 2 arguments, got 3",
            m(&d(vec![]), Method::Get, vec![i(1), i(2), i(3)]),
        ),
        (
            "{}.keys(1)",
            "TypeError: dict.keys() takes no arguments (1 given)",
            m(&d(vec![]), Method::Keys, vec![i(1)]),
        ),
        (
            "{}.update(1, 2)",
            "TypeError: update expected at most 1 argument, got 2",
            m(&d(vec![]), Method::Update, vec![i(1), i(2)]),
        ),
        (
            "{}.append(1)",
            "<no such method>",
            m(&d(vec![]), Method::Append, vec![i(1)]),
        ),
    ]);
    let copy = match call(&dd, Method::Copy, &args(vec![]), SP) {
        Some(Ok(v)) => v,
        other => panic!("copy failed: {other:?}"),
    };
    m(&copy, Method::Clear, vec![]);
    assert_eq!(
        (show(Ok(copy)), show(Ok(dd))),
        ("{}".into(), "{'a': 1, 'e': 5}".into())
    );
}

#[test]
fn str_and_bytes_methods() {
    check(vec![
        (
            "'a b  c'.split()",
            "['a', 'b', 'c']",
            m(&s("a b  c"), Method::Split, vec![]),
        ),
        (
            "'a,b,,c'.split(',')",
            "['a', 'b', '', 'c']",
            m(&s("a,b,,c"), Method::Split, vec![s(",")]),
        ),
        (
            "'a b c'.split(None, 1)",
            "['a', 'b c']",
            m(&s("a b c"), Method::Split, vec![none(), i(1)]),
        ),
        (
            "'  a  b  '.split(None, 1)",
            "['a', 'b  ']",
            m(&s("  a  b  "), Method::Split, vec![none(), i(1)]),
        ),
        (
            "'a b'.split(maxsplit=0)",
            "['a b']",
            mk(&s("a b"), Method::Split, vec![], vec![("maxsplit", i(0))]),
        ),
        (
            "'a,b'.split(',', -1)",
            "['a', 'b']",
            m(&s("a,b"), Method::Split, vec![s(","), i(-1)]),
        ),
        (
            "''.split(',')",
            "['']",
            m(&s(""), Method::Split, vec![s(",")]),
        ),
        ("''.split()", "[]", m(&s(""), Method::Split, vec![])),
        (
            "'a'.split('')",
            "ValueError: empty separator",
            m(&s("a"), Method::Split, vec![s("")]),
        ),
        (
            "'a'.split(1)",
            "TypeError: must be str or None, not int",
            m(&s("a"), Method::Split, vec![i(1)]),
        ),
        (
            "'  x '.strip()",
            "'x'",
            m(&s("  x "), Method::Strip, vec![]),
        ),
        (
            "'xxaxx'.strip('x')",
            "'a'",
            m(&s("xxaxx"), Method::Strip, vec![s("x")]),
        ),
        (
            "'a'.strip(1)",
            "TypeError: strip arg must be None or str",
            m(&s("a"), Method::Strip, vec![i(1)]),
        ),
        (
            "', '.join(['a', 'b'])",
            "'a, b'",
            m(&s(", "), Method::Join, vec![l(vec![s("a"), s("b")])]),
        ),
        (
            "'-'.join('abc')",
            "'a-b-c'",
            m(&s("-"), Method::Join, vec![s("abc")]),
        ),
        (
            "'a'.join([1])",
            "TypeError: sequence item 0: expected str instance, int found",
            m(&s("a"), Method::Join, vec![l(vec![i(1)])]),
        ),
        (
            "'abc'.replace('b', 'X')",
            "'aXc'",
            m(&s("abc"), Method::Replace, vec![s("b"), s("X")]),
        ),
        (
            "'aaa'.replace('a', 'b', 2)",
            "'bba'",
            m(&s("aaa"), Method::Replace, vec![s("a"), s("b"), i(2)]),
        ),
        (
            "'a'.replace('a')",
            "TypeError: replace expected at least 2 arguments, got 1",
            m(&s("a"), Method::Replace, vec![s("a")]),
        ),
        (
            "'abc'.startswith(('x', 'a'))",
            "True",
            m(&s("abc"), Method::StartsWith, vec![t(vec![s("x"), s("a")])]),
        ),
        (
            "'abc'.startswith('b', 1)",
            "True",
            m(&s("abc"), Method::StartsWith, vec![s("b"), i(1)]),
        ),
        (
            "'abc'.endswith('c')",
            "True",
            m(&s("abc"), Method::EndsWith, vec![s("c")]),
        ),
        (
            "'ab'.startswith(1)",
            "TypeError: startswith first arg must be str or a tuple of str, not int",
            m(&s("ab"), Method::StartsWith, vec![i(1)]),
        ),
        (
            "'Hello'.upper()",
            "'HELLO'",
            m(&s("Hello"), Method::Upper, vec![]),
        ),
        (
            "'Hello'.lower()",
            "'hello'",
            m(&s("Hello"), Method::Lower, vec![]),
        ),
        (
            "'x'.upper(1)",
            "TypeError: str.upper() takes no arguments (1 given)",
            m(&s("x"), Method::Upper, vec![i(1)]),
        ),
        (
            "'aXa'.count('a')",
            "2",
            m(&s("aXa"), Method::Count, vec![s("a")]),
        ),
        (
            "'aaa'.count('a', 1)",
            "2",
            m(&s("aaa"), Method::Count, vec![s("a"), i(1)]),
        ),
        (
            "'中文abc'.index('c')",
            "4",
            m(&s("中文abc"), Method::Index, vec![s("c")]),
        ),
        (
            "'abcabc'.index('c', 3)",
            "5",
            m(&s("abcabc"), Method::Index, vec![s("c"), i(3)]),
        ),
        (
            "'abc'.index('z')",
            "ValueError: substring not found",
            m(&s("abc"), Method::Index, vec![s("z")]),
        ),
        (
            "'{} {x}'.format(1, x=2)",
            "'1 2'",
            mk(&s("{} {x}"), Method::Format, vec![i(1)], vec![("x", i(2))]),
        ),
        (
            "'abc'.encode()",
            "b'abc'",
            m(&s("abc"), Method::Encode, vec![]),
        ),
        (
            "'é'.encode('latin-1')",
            "b'\\xe9'",
            m(&s("é"), Method::Encode, vec![s("latin-1")]),
        ),
        (
            "'é'.encode()",
            "b'\\xc3\\xa9'",
            m(&s("é"), Method::Encode, vec![]),
        ),
        (
            "'a'.encode('foo')",
            "LookupError: unknown encoding: foo",
            m(&s("a"), Method::Encode, vec![s("foo")]),
        ),
        (
            "b'abc'.decode()",
            "'abc'",
            m(&by(b"abc"), Method::Decode, vec![]),
        ),
        (
            "b'\\xc3\\xa9'.decode('utf-8')",
            "'é'",
            m(&by(b"\xc3\xa9"), Method::Decode, vec![s("utf-8")]),
        ),
        (
            "'x'.append(1)",
            "<no such method>",
            m(&s("x"), Method::Append, vec![i(1)]),
        ),
        (
            "(5).put(1)",
            "<no such method>",
            m(&i(5), Method::Put, vec![i(1)]),
        ),
    ]);
    // UnicodeDecodeError/UnicodeEncodeError are ValueErrors; the message is CPython's.
    assert_eq!(
        m(&by(b"\xff"), Method::Decode, vec![]),
        "ValueError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"
    );
    assert_eq!(
        m(&s("中"), Method::Encode, vec![s("latin-1")]),
        "ValueError: 'latin-1' codec can't encode character '\\u4e2d' in position 0: ordinal not in range(256)"
    );
}
