//! Operators, comparisons and subscripts on plain values, against CPython 3.11.

mod common;

use common::*;
use interp::core::compare::{compare, sort_values};
use interp::core::ops::{binary, inplace_binary, unary};
use interp::core::subscript::{del_index, index, set_index, set_slice, slice};
use interp::core::value::Value;
use interp::syntax::ast::BinOp::*;
use interp::syntax::ast::CmpOp;
use interp::syntax::ast::UnaryOp;

fn bin(op: interp::syntax::ast::BinOp, a: Value, b: Value) -> String {
    show(binary(op, &a, &b, SP))
}

fn cmp(op: CmpOp, a: Value, b: Value) -> String {
    show(compare(op, &a, &b, SP).map(Value::Bool))
}

#[test]
fn arithmetic() {
    check(vec![
        (
            "1/0",
            "ZeroDivisionError: division by zero",
            bin(Div, i(1), i(0)),
        ),
        (
            "1//0",
            "ZeroDivisionError: integer division or modulo by zero",
            bin(FloorDiv, i(1), i(0)),
        ),
        (
            "1%0",
            "ZeroDivisionError: integer modulo by zero",
            bin(Mod, i(1), i(0)),
        ),
        (
            "1.0/0",
            "ZeroDivisionError: float division by zero",
            bin(Div, f(1.0), i(0)),
        ),
        (
            "1.0//0",
            "ZeroDivisionError: float floor division by zero",
            bin(FloorDiv, f(1.0), i(0)),
        ),
        (
            "1.0%0",
            "ZeroDivisionError: float modulo",
            bin(Mod, f(1.0), i(0)),
        ),
        (
            "0**-1",
            "ZeroDivisionError: 0.0 cannot be raised to a negative power",
            bin(Pow, i(0), i(-1)),
        ),
        (
            "10.0**400",
            "OverflowError: (34, 'Numerical result out of range')",
            bin(Pow, f(10.0), i(400)),
        ),
        ("2**-1", "0.5", bin(Pow, i(2), i(-1))),
        ("2**10", "1024", bin(Pow, i(2), i(10))),
        (
            "1 << -1",
            "ValueError: negative shift count",
            bin(Shl, i(1), i(-1)),
        ),
        (
            "1 << 100",
            "1267650600228229401496703205376",
            bin(Shl, i(1), i(100)),
        ),
        ("-9 >> 1", "-5", bin(Shr, i(-9), i(1))),
        ("-7 // 2", "-4", bin(FloorDiv, i(-7), i(2))),
        ("-7 % 2", "1", bin(Mod, i(-7), i(2))),
        ("7 // -2", "-4", bin(FloorDiv, i(7), i(-2))),
        ("7 % -2", "-1", bin(Mod, i(7), i(-2))),
        ("-7.5 // 2", "-4.0", bin(FloorDiv, f(-7.5), i(2))),
        ("-7.5 % 2", "0.5", bin(Mod, f(-7.5), i(2))),
        ("7.5 % -2", "-0.5", bin(Mod, f(7.5), i(-2))),
        ("-0.0 % 5", "0.0", bin(Mod, f(-0.0), i(5))),
        ("6 % -3", "0", bin(Mod, i(6), i(-3))),
        ("5 / 2", "2.5", bin(Div, i(5), i(2))),
        ("4 / 2", "2.0", bin(Div, i(4), i(2))),
        ("0.1 + 0.2", "0.30000000000000004", bin(Add, f(0.1), f(0.2))),
        ("True + True", "2", bin(Add, bo(true), bo(true))),
        ("True & False", "False", bin(BitAnd, bo(true), bo(false))),
        ("True | 2", "3", bin(BitOr, bo(true), i(2))),
        ("6 ^ 3", "5", bin(BitXor, i(6), i(3))),
        ("1 + 2.5", "3.5", bin(Add, i(1), f(2.5))),
        ("3 * 1.5", "4.5", bin(Mul, i(3), f(1.5))),
        ("1e308 * 10", "inf", bin(Mul, f(1e308), i(10))),
    ]);
}

#[test]
fn int_overflow_is_an_error_not_a_wrong_value() {
    let big = i128::MAX;
    let r = show(binary(Add, &i(big), &i(1), SP));
    assert!(r.starts_with("OverflowError: "), "{r}");
    let r = show(binary(Pow, &i(2), &i(200), SP));
    assert!(r.starts_with("OverflowError: "), "{r}");
    let r = show(binary(Mul, &i(1 << 100), &i(1 << 100), SP));
    assert!(r.starts_with("OverflowError: "), "{r}");
    let r = show(unary(UnaryOp::Neg, &i(i128::MIN), SP));
    assert!(r.starts_with("OverflowError: "), "{r}");
}

#[test]
fn unary_operators() {
    check(vec![
        (
            "-'a'",
            "TypeError: bad operand type for unary -: 'str'",
            show(unary(UnaryOp::Neg, &s("a"), SP)),
        ),
        (
            "~1.5",
            "TypeError: bad operand type for unary ~: 'float'",
            show(unary(UnaryOp::Invert, &f(1.5), SP)),
        ),
        ("~True", "-2", show(unary(UnaryOp::Invert, &bo(true), SP))),
        ("-True", "-1", show(unary(UnaryOp::Neg, &bo(true), SP))),
        ("+2.5", "2.5", show(unary(UnaryOp::Pos, &f(2.5), SP))),
        ("not []", "True", show(unary(UnaryOp::Not, &l(vec![]), SP))),
        ("-0.0", "-0.0", show(unary(UnaryOp::Neg, &f(0.0), SP))),
    ]);
}

#[test]
fn sequences() {
    check(vec![
        ("'ab' * 3", "'ababab'", bin(Mul, s("ab"), i(3))),
        ("3 * 'ab'", "'ababab'", bin(Mul, i(3), s("ab"))),
        ("'ab' * -2", "''", bin(Mul, s("ab"), i(-2))),
        ("[1] * -1", "[]", bin(Mul, l(vec![i(1)]), i(-1))),
        (
            "(1, 2) * 2",
            "(1, 2, 1, 2)",
            bin(Mul, t(vec![i(1), i(2)]), i(2)),
        ),
        ("[0] * True", "[0]", bin(Mul, l(vec![i(0)]), bo(true))),
        ("'a' + 'b'", "'ab'", bin(Add, s("a"), s("b"))),
        (
            "[1] + [2]",
            "[1, 2]",
            bin(Add, l(vec![i(1)]), l(vec![i(2)])),
        ),
        (
            "(1,) + (2,)",
            "(1, 2)",
            bin(Add, t(vec![i(1)]), t(vec![i(2)])),
        ),
        ("b'a' + b'b'", "b'ab'", bin(Add, by(b"a"), by(b"b"))),
        (
            "{'a': 1} | {'b': 2}",
            "{'a': 1, 'b': 2}",
            bin(BitOr, d(vec![(s("a"), i(1))]), d(vec![(s("b"), i(2))])),
        ),
        (
            "'a'+1",
            "TypeError: can only concatenate str (not \"int\") to str",
            bin(Add, s("a"), i(1)),
        ),
        (
            "1+'a'",
            "TypeError: unsupported operand type(s) for +: 'int' and 'str'",
            bin(Add, i(1), s("a")),
        ),
        (
            "[1]+(1,)",
            "TypeError: can only concatenate list (not \"tuple\") to list",
            bin(Add, l(vec![i(1)]), t(vec![i(1)])),
        ),
        (
            "(1,)+[1]",
            "TypeError: can only concatenate tuple (not \"list\") to tuple",
            bin(Add, t(vec![i(1)]), l(vec![i(1)])),
        ),
        (
            "b'a'+'a'",
            "TypeError: can't concat str to bytes",
            bin(Add, by(b"a"), s("a")),
        ),
        (
            "'a'*'b'",
            "TypeError: can't multiply sequence by non-int of type 'str'",
            bin(Mul, s("a"), s("b")),
        ),
        (
            "'a'*1.5",
            "TypeError: can't multiply sequence by non-int of type 'float'",
            bin(Mul, s("a"), f(1.5)),
        ),
        (
            "[1]-[1]",
            "TypeError: unsupported operand type(s) for -: 'list' and 'list'",
            bin(Sub, l(vec![i(1)]), l(vec![i(1)])),
        ),
        (
            "'a' ** 2",
            "TypeError: unsupported operand type(s) for ** or pow(): 'str' and 'int'",
            bin(Pow, s("a"), i(2)),
        ),
        (
            "None + 1",
            "TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'",
            bin(Add, none(), i(1)),
        ),
        ("'%d items' % 3", "'3 items'", bin(Mod, s("%d items"), i(3))),
    ]);
}

#[test]
fn huge_repetition_is_fast() {
    let start = std::time::Instant::now();
    let v = binary(Mul, &s("X"), &i(1_000_000), SP);
    match v {
        Ok(Value::Str(text)) => assert_eq!(text.len(), 1_000_000),
        other => panic!("{}", show(other)),
    }
    assert!(start.elapsed().as_millis() < 500);
    let r = show(binary(Mul, &s("XY"), &i(1 << 100), SP));
    assert!(r.starts_with("OverflowError: "), "{r}");
}

#[test]
fn list_inplace_add_is_visible_through_aliases() {
    // a = [1]; b = a; a += [2]; a += a; b
    let a = l(vec![i(1)]);
    let b = a.clone();
    let a2 = inplace_binary(Add, &a, &l(vec![i(2)]), SP).unwrap_or(Value::None);
    let a3 = inplace_binary(Add, &a2, &a2, SP).unwrap_or(Value::None);
    assert_eq!(show(Ok(b.clone())), "[1, 2, 1, 2]");
    assert!(interp::core::compare::is(&a3, &b));
    // a += 'xy' extends with the characters; a += 1 is a TypeError.
    let _ = inplace_binary(Add, &b, &s("xy"), SP);
    assert_eq!(show(Ok(b.clone())), "[1, 2, 1, 2, 'x', 'y']");
    assert_eq!(
        show(inplace_binary(Add, &b, &i(1), SP)),
        "TypeError: 'int' object is not iterable"
    );
    // Tuples are immutable: t += (2,) makes a new tuple and leaves the alias alone.
    let t1 = t(vec![i(1)]);
    let t2 = inplace_binary(Add, &t1, &t(vec![i(2)]), SP).unwrap_or(Value::None);
    assert_eq!(
        (show(Ok(t1)), show(Ok(t2))),
        ("(1,)".into(), "(1, 2)".into())
    );
    // x *= 2 on a list repeats in place.
    let c = l(vec![i(7)]);
    let _ = inplace_binary(Mul, &c, &i(3), SP);
    assert_eq!(show(Ok(c)), "[7, 7, 7]");
}

#[test]
fn comparisons() {
    let dict = || d(vec![]);
    check(vec![
        (
            "(1, 'drink') < (1, 'work')",
            "True",
            cmp(
                CmpOp::Lt,
                t(vec![i(1), s("drink")]),
                t(vec![i(1), s("work")]),
            ),
        ),
        (
            "(2, 'a') < (1, 'z')",
            "False",
            cmp(CmpOp::Lt, t(vec![i(2), s("a")]), t(vec![i(1), s("z")])),
        ),
        (
            "[1, 2] < [1, 2, 3]",
            "True",
            cmp(CmpOp::Lt, l(vec![i(1), i(2)]), l(vec![i(1), i(2), i(3)])),
        ),
        (
            "(1, 2) == [1, 2]",
            "False",
            cmp(CmpOp::Eq, t(vec![i(1), i(2)]), l(vec![i(1), i(2)])),
        ),
        ("1 == 1.0", "True", cmp(CmpOp::Eq, i(1), f(1.0))),
        ("True == 1", "True", cmp(CmpOp::Eq, bo(true), i(1))),
        (
            "float('nan') == float('nan')",
            "False",
            cmp(CmpOp::Eq, f(f64::NAN), f(f64::NAN)),
        ),
        (
            "float('nan') < 1",
            "False",
            cmp(CmpOp::Lt, f(f64::NAN), i(1)),
        ),
        (
            "{'a': 1} == {'a': 1}",
            "True",
            cmp(CmpOp::Eq, d(vec![(s("a"), i(1))]), d(vec![(s("a"), i(1))])),
        ),
        (
            "{1: 'a'} == {1.0: 'a'}",
            "True",
            cmp(
                CmpOp::Eq,
                d(vec![(i(1), s("a"))]),
                d(vec![(f(1.0), s("a"))]),
            ),
        ),
        ("1 == 'a'", "False", cmp(CmpOp::Eq, i(1), s("a"))),
        ("1 != 'a'", "True", cmp(CmpOp::Ne, i(1), s("a"))),
        ("'abc' < 'abd'", "True", cmp(CmpOp::Lt, s("abc"), s("abd"))),
        ("'Z' < 'a'", "True", cmp(CmpOp::Lt, s("Z"), s("a"))),
        ("2 <= 2.0", "True", cmp(CmpOp::Le, i(2), f(2.0))),
        ("3 >= 4", "False", cmp(CmpOp::Ge, i(3), i(4))),
        (
            "(1, {}) < (1, {})",
            "False",
            cmp(CmpOp::Lt, t(vec![i(1), dict()]), t(vec![i(1), dict()])),
        ),
        (
            "{} < {}",
            "TypeError: '<' not supported between instances of 'dict' and 'dict'",
            cmp(CmpOp::Lt, dict(), dict()),
        ),
        (
            "(1, {}) < (1, {'a': 1})",
            "TypeError: '<' not supported between instances of 'dict' and 'dict'",
            cmp(
                CmpOp::Lt,
                t(vec![i(1), dict()]),
                t(vec![i(1), d(vec![(s("a"), i(1))])]),
            ),
        ),
        (
            "1 < 'a'",
            "TypeError: '<' not supported between instances of 'int' and 'str'",
            cmp(CmpOp::Lt, i(1), s("a")),
        ),
        (
            "1 > 'a'",
            "TypeError: '>' not supported between instances of 'int' and 'str'",
            cmp(CmpOp::Gt, i(1), s("a")),
        ),
        (
            "'a' >= 1",
            "TypeError: '>=' not supported between instances of 'str' and 'int'",
            cmp(CmpOp::Ge, s("a"), i(1)),
        ),
        (
            "(1,2) < (1,'a')",
            "TypeError: '<' not supported between instances of 'int' and 'str'",
            cmp(CmpOp::Lt, t(vec![i(1), i(2)]), t(vec![i(1), s("a")])),
        ),
        (
            "None < None",
            "TypeError: '<' not supported between instances of 'NoneType' and 'NoneType'",
            cmp(CmpOp::Lt, none(), none()),
        ),
        (
            "2**100 > 1e30",
            "True",
            cmp(CmpOp::Gt, i(1 << 100), f(1e30)),
        ),
        (
            "2**53 + 1 > 2.0**53",
            "True",
            cmp(CmpOp::Gt, i((1 << 53) + 1), f(9007199254740992.0)),
        ),
    ]);
}

#[test]
fn membership_and_identity() {
    check(vec![
        ("'ab' in 'xaby'", "True", cmp(CmpOp::In, s("ab"), s("xaby"))),
        ("'' in 'x'", "True", cmp(CmpOp::In, s(""), s("x"))),
        (
            "1 in 'abc'",
            "TypeError: 'in <string>' requires string as left operand, not int",
            cmp(CmpOp::In, i(1), s("abc")),
        ),
        (
            "1 in 5",
            "TypeError: argument of type 'int' is not iterable",
            cmp(CmpOp::In, i(1), i(5)),
        ),
        (
            "[1] in {}",
            "TypeError: unhashable type: 'list'",
            cmp(CmpOp::In, l(vec![i(1)]), d(vec![])),
        ),
        (
            "'a' in {'a': 1}",
            "True",
            cmp(CmpOp::In, s("a"), d(vec![(s("a"), i(1))])),
        ),
        (
            "1 not in [1.0]",
            "False",
            cmp(CmpOp::NotIn, i(1), l(vec![f(1.0)])),
        ),
        (
            "2 in range(0, 10, 2)",
            "True",
            cmp(CmpOp::In, i(2), Value::Range(0, 10, 2)),
        ),
        (
            "3 in range(0, 10, 2)",
            "False",
            cmp(CmpOp::In, i(3), Value::Range(0, 10, 2)),
        ),
        (
            "2.0 in range(5)",
            "True",
            cmp(CmpOp::In, f(2.0), Value::Range(0, 5, 1)),
        ),
        ("97 in b'abc'", "True", cmp(CmpOp::In, i(97), by(b"abc"))),
        ("None is None", "True", cmp(CmpOp::Is, none(), none())),
        ("[] is []", "False", cmp(CmpOp::Is, l(vec![]), l(vec![]))),
        ("1 is not None", "True", cmp(CmpOp::IsNot, i(1), none())),
    ]);
    let a = l(vec![]);
    assert_eq!(cmp(CmpOp::Is, a.clone(), a), "True");
}

#[test]
fn sorting_is_stable_and_raises_like_cpython() {
    let mut items = vec![
        t(vec![i(2), s("b")]),
        t(vec![i(1), s("z")]),
        t(vec![i(1), s("a")]),
    ];
    sort_values(&mut items, None, false, SP).unwrap_or(());
    assert_eq!(show(Ok(l(items))), "[(1, 'a'), (1, 'z'), (2, 'b')]");
    // reverse=True keeps equal keys in their original order.
    let mut items = vec![s("b1"), s("a"), s("b2")];
    let keys = vec![i(1), i(0), i(1)];
    sort_values(&mut items, Some(keys), true, SP).unwrap_or(());
    assert_eq!(show(Ok(l(items))), "['b1', 'b2', 'a']");
    let mut items = vec![i(1), i(2), s("a")];
    assert_eq!(
        show_with(sort_values(&mut items, None, false, SP), |()| "ok".into()),
        "TypeError: '<' not supported between instances of 'str' and 'int'"
    );
    assert_eq!(items.len(), 3);
}

#[test]
fn subscripts() {
    let lst = || l(vec![i(1), i(2), i(3)]);
    let ix = |o: Value, k: Value| show(index(&o, &k, SP));
    let sl = |o: Value, a: Option<Value>, b: Option<Value>, c: Option<Value>| {
        show(slice(&o, a.as_ref(), b.as_ref(), c.as_ref(), SP))
    };
    check(vec![
        ("[1,2,3][-1]", "3", ix(lst(), i(-1))),
        ("'héllo'[1]", "'é'", ix(s("héllo"), i(1))),
        (
            "'a'[5]",
            "IndexError: string index out of range",
            ix(s("a"), i(5)),
        ),
        (
            "'a'['x']",
            "TypeError: string indices must be integers, not 'str'",
            ix(s("a"), s("x")),
        ),
        (
            "[1][5]",
            "IndexError: list index out of range",
            ix(l(vec![i(1)]), i(5)),
        ),
        (
            "[1]['x']",
            "TypeError: list indices must be integers or slices, not str",
            ix(l(vec![i(1)]), s("x")),
        ),
        (
            "(1,)[5]",
            "IndexError: tuple index out of range",
            ix(t(vec![i(1)]), i(5)),
        ),
        (
            "(1,)['x']",
            "TypeError: tuple indices must be integers or slices, not str",
            ix(t(vec![i(1)]), s("x")),
        ),
        ("b'a'[0]", "97", ix(by(b"a"), i(0))),
        (
            "b'a'[5]",
            "IndexError: index out of range",
            ix(by(b"a"), i(5)),
        ),
        (
            "b'a'['x']",
            "TypeError: byte indices must be integers or slices, not str",
            ix(by(b"a"), s("x")),
        ),
        (
            "range(3)[5]",
            "IndexError: range object index out of range",
            ix(Value::Range(0, 3, 1), i(5)),
        ),
        (
            "range(10, 0, -3)[-1]",
            "1",
            ix(Value::Range(10, 0, -3), i(-1)),
        ),
        (
            "range(3)['x']",
            "TypeError: range indices must be integers or slices, not str",
            ix(Value::Range(0, 3, 1), s("x")),
        ),
        ("{}['a']", "KeyError: 'a'", ix(d(vec![]), s("a"))),
        (
            "{(1, 2): 'p'}[(1, 2)]",
            "'p'",
            ix(d(vec![(t(vec![i(1), i(2)]), s("p"))]), t(vec![i(1), i(2)])),
        ),
        (
            "{}[[1]]",
            "TypeError: unhashable type: 'list'",
            ix(d(vec![]), l(vec![i(1)])),
        ),
        (
            "{}[(1, [2])]",
            "TypeError: unhashable type: 'list'",
            ix(d(vec![]), t(vec![i(1), l(vec![i(2)])])),
        ),
        (
            "5[0]",
            "TypeError: 'int' object is not subscriptable",
            ix(i(5), i(0)),
        ),
        (
            "[1,2,3][::-1]",
            "[3, 2, 1]",
            sl(lst(), None, None, Some(i(-1))),
        ),
        (
            "'hello'[1:-1]",
            "'ell'",
            sl(s("hello"), Some(i(1)), Some(i(-1)), None),
        ),
        (
            "(1,2,3,4)[::2]",
            "(1, 3)",
            sl(t(vec![i(1), i(2), i(3), i(4)]), None, None, Some(i(2))),
        ),
        (
            "range(10)[2:8:3]",
            "range(2, 8, 3)",
            sl(Value::Range(0, 10, 1), Some(i(2)), Some(i(8)), Some(i(3))),
        ),
        ("'abc'[10:]", "''", sl(s("abc"), Some(i(10)), None, None)),
        (
            "[1,2][-3:5]",
            "[1, 2]",
            sl(l(vec![i(1), i(2)]), Some(i(-3)), Some(i(5)), None),
        ),
        (
            "[1,2,3][5:0:-2]",
            "[3]",
            sl(lst(), Some(i(5)), Some(i(0)), Some(i(-2))),
        ),
        (
            "'abc'[None:2]",
            "'ab'",
            sl(s("abc"), Some(none()), Some(i(2)), None),
        ),
        (
            "[1][::0]",
            "ValueError: slice step cannot be zero",
            sl(l(vec![i(1)]), None, None, Some(i(0))),
        ),
        (
            "[1]['a':]",
            "TypeError: slice indices must be integers or None or have an __index__ method",
            sl(l(vec![i(1)]), Some(s("a")), None, None),
        ),
    ]);
}

#[test]
fn item_assignment_and_deletion() {
    let a = l(vec![i(1), i(2), i(3)]);
    let set = |o: &Value, k: Value, v: Value| show_with(set_index(o, &k, v, SP), |()| "ok".into());
    assert_eq!(set(&a, i(-1), i(9)), "ok");
    assert_eq!(
        set(&a, i(3), i(0)),
        "IndexError: list assignment index out of range"
    );
    assert_eq!(
        set(&t(vec![i(1)]), i(0), i(1)),
        "TypeError: 'tuple' object does not support item assignment"
    );
    assert_eq!(
        set(&s("ab"), i(0), s("x")),
        "TypeError: 'str' object does not support item assignment"
    );
    let m = d(vec![(s("a"), i(1))]);
    assert_eq!(set(&m, s("a"), i(2)), "ok");
    assert_eq!(set(&m, f(1.0), s("one")), "ok");
    assert_eq!(set(&m, i(1), s("uno")), "ok");
    assert_eq!(
        set(&m, l(vec![]), i(0)),
        "TypeError: unhashable type: 'list'"
    );
    assert_eq!(show(Ok(m.clone())), "{'a': 2, 1.0: 'uno'}");
    assert_eq!(
        show_with(del_index(&m, &s("zz"), SP), |()| "ok".into()),
        "KeyError: 'zz'"
    );
    assert_eq!(
        show_with(del_index(&m, &s("a"), SP), |()| "ok".into()),
        "ok"
    );
    assert_eq!(show_with(del_index(&a, &i(0), SP), |()| "ok".into()), "ok");
    assert_eq!(show(Ok(a.clone())), "[2, 9]");
    let r = set_slice(&a, Some(&i(0)), Some(&i(1)), None, &l(vec![i(7), i(8)]), SP);
    assert!(r.is_ok());
    assert_eq!(show(Ok(a.clone())), "[7, 8, 9]");
    let r = set_slice(&a, None, None, Some(&i(2)), &l(vec![i(0)]), SP);
    assert_eq!(
        show_with(r, |()| "ok".into()),
        "ValueError: attempt to assign sequence of size 1 to extended slice of size 2"
    );
}

#[test]
fn self_referential_updates_do_not_deadlock() {
    // d |= d; a += a; a.extend(a); a[:] = a; d == d; [a] == [a]
    let dd = d(vec![(s("k"), i(1))]);
    assert_eq!(show(inplace_binary(BitOr, &dd, &dd, SP)), "{'k': 1}");
    assert_eq!(show(binary(BitOr, &dd, &dd, SP)), "{'k': 1}");
    let a = l(vec![i(1)]);
    assert_eq!(show(inplace_binary(Add, &a, &a, SP)), "[1, 1]");
    assert!(set_slice(&a, None, None, None, &a, SP).is_ok());
    assert_eq!(show(Ok(a.clone())), "[1, 1]");
    assert_eq!(
        cmp(CmpOp::Eq, l(vec![a.clone()]), l(vec![a.clone()])),
        "True"
    );
    assert_eq!(cmp(CmpOp::In, a.clone(), l(vec![a.clone()])), "True");
    assert_eq!(
        cmp(CmpOp::Lt, l(vec![a.clone()]), l(vec![a.clone(), i(0)])),
        "True"
    );
}
