//! The value wire format: round trips of generated values, and the pickle-size padding.

mod channels_common;

use std::sync::Arc;

use channels_common::same;
use interp::core::names::{Builtin, ExcType, Method};
use interp::core::value::{Closure, Exception, Handle, HandleKind, Value};
use interp::engine::channel::pickle_size::pickle_size;
use interp::engine::channel::wire::{decode, encode};
use interp::syntax::span::Span;
use parking_lot::Mutex;
use proptest::prelude::*;

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::None),
        any::<bool>().prop_map(Value::Bool),
        any::<i128>().prop_map(Value::Int),
        any::<f64>().prop_map(Value::Float),
        ".{0,40}".prop_map(|s| Value::str(&s)),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(|b| Value::Bytes(Arc::from(b))),
        (any::<i128>(), any::<i128>(), any::<i128>()).prop_map(|(a, b, c)| Value::Range(a, b, c)),
        any::<u32>().prop_map(Value::Func),
        (0..Builtin::ALL.len()).prop_map(|i| Value::Builtin(Builtin::ALL[i])),
        (0..ExcType::ALL.len()).prop_map(|i| Value::ExcType(ExcType::ALL[i])),
        (0..ExcType::ALL.len(), ".{0,20}", any::<u32>()).prop_map(|(i, m, s)| {
            Value::Exception(Arc::new(Exception {
                ty: ExcType::ALL[i],
                msg: m,
                span: Span {
                    start: s,
                    end: s.saturating_add(3),
                },
            }))
        }),
        any::<u32>().prop_map(|id| Value::Handle(Handle {
            kind: HandleKind::Connection,
            id
        })),
        any::<u64>().prop_map(Value::Object),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::list),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::tuple),
            proptest::collection::vec((inner.clone(), inner.clone()), 0..4)
                .prop_map(|kv| Value::Dict(Arc::new(Mutex::new(kv)))),
            (any::<u32>(), proptest::collection::vec(inner.clone(), 0..3))
                .prop_map(|(func, captured)| Value::Closure(Arc::new(Closure { func, captured }))),
            (inner, 0..Method::ALL.len())
                .prop_map(|(v, m)| Value::BoundMethod(Arc::new((v, Method::ALL[m])))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_generated_value_round_trips(v in value()) {
        let bytes = encode(&v, Span::default()).unwrap();
        let back = decode(&bytes).unwrap();
        prop_assert!(same(&v, &back));
    }

    #[test]
    fn truncated_encodings_fail_cleanly(v in value(), cut in 0usize..64) {
        let bytes = encode(&v, Span::default()).unwrap();
        if cut < bytes.len() {
            prop_assert!(decode(&bytes[..cut]).is_err());
        }
    }

    #[test]
    fn pickle_size_is_at_least_a_stop_and_proto(v in value()) {
        prop_assert!(pickle_size(&v) >= 4);
    }
}

#[test]
fn pickle_sizes_of_the_s18_strings() {
    let x = |n: usize| pickle_size(&Value::str(&"X".repeat(n)));
    assert_eq!(x(1), 16);
    assert_eq!(x(62500), 62518);
    assert_eq!(x(65514), 65532);
    assert_eq!(x(65515), 65533);
    assert_eq!(x(1_000_000), 1_000_009);
}

#[test]
fn self_containing_list_has_a_finite_pickle_size() {
    let l = Value::list(vec![]);
    let Value::List(cell) = &l else {
        unreachable!()
    };
    cell.lock().push(l.clone());
    // `] MEMOIZE BINGET 0 APPEND STOP`: a 6-byte frame, as CPython gives 17 bytes.
    assert_eq!(pickle_size(&l), 2 + 9 + 6);
    // Break the cycle so the test does not leak it.
    cell.lock().clear();
}
