//! How a process pool's chunk crosses between processes: its task (function, items,
//! keyword arguments) and its outcome (results or exception), as bytes for a heap blob.
//!
//! General values travel in the channel wire format, as one tuple per message (so
//! shared references inside a task stay shared, as pickle keeps them). The common
//! chunks have compact forms decoded in one tight loop with no intermediate list: items
//! or results that are all ints (ints have no identity to keep), and a `range`'s slice
//! (three numbers, whatever the chunk's size).

use std::sync::Arc;

use crate::core::value::{Exception, Res, Value};
use crate::engine::channel::wire::{self, DecodeError};
use crate::plan::ir::Kw;
use crate::syntax::span::Span;

/// A task: the wire tuple `(func, star, items, kwargs)`.
const TASK_WIRE: u8 = 0;
/// A task: the wire tuple `(func, star, kwargs)`, then the items as ints.
const TASK_INTS: u8 = 1;
/// A task: the wire tuple `(func, star, kwargs)`, then `start`, `step`, `len`.
const TASK_RANGE: u8 = 2;
/// An outcome: results that are all ints.
const OUT_INTS: u8 = 0;
/// An outcome: the wire tuple `(True, results)` or `(False, exception)`.
const OUT_WIRE: u8 = 1;

/// A chunk's items as the pool was given them.
pub enum ItemsRef<'a> {
    /// The values themselves.
    Values(&'a [Value]),
    /// `len` items of an int range.
    Range { start: i128, step: i128, len: usize },
}

/// A decoded task.
pub struct ChunkTask {
    pub func: Value,
    /// Each item is an argument tuple (`starmap`, `apply`).
    pub star: bool,
    pub items: Vec<Value>,
    pub kw: Vec<(Kw, Value)>,
}

/// Encodes a chunk's task; raises what CPython raises for values that cannot cross.
pub fn encode_task(
    func: &Value,
    star: bool,
    items: ItemsRef<'_>,
    kwargs: &Value,
    span: Span,
) -> Res<Vec<u8>> {
    let ints = match &items {
        ItemsRef::Values(v) if v.iter().all(|x| matches!(x, Value::Int(_))) => Some(*v),
        ItemsRef::Values(v) => {
            let body = Value::tuple(vec![
                func.clone(),
                Value::Bool(star),
                Value::list(v.to_vec()),
                kwargs.clone(),
            ]);
            let mut out = vec![TASK_WIRE];
            out.extend_from_slice(&wire::encode(&body, span)?);
            return Ok(out);
        }
        ItemsRef::Range { .. } => None,
    };
    let head = wire::encode(
        &Value::tuple(vec![func.clone(), Value::Bool(star), kwargs.clone()]),
        span,
    )?;
    let mut out = Vec::with_capacity(head.len() + 16 + ints.map_or(0, |v| v.len() * 3));
    match ints {
        Some(_) => out.push(TASK_INTS),
        None => out.push(TASK_RANGE),
    }
    put_uint(&mut out, head.len() as u128);
    out.extend_from_slice(&head);
    match (ints, items) {
        (Some(v), _) => put_ints(&mut out, v),
        (None, ItemsRef::Range { start, step, len }) => {
            put_int(&mut out, start);
            put_int(&mut out, step);
            put_uint(&mut out, len as u128);
        }
        (None, ItemsRef::Values(_)) => {}
    }
    Ok(out)
}

/// Decodes a task encoded by [`encode_task`].
pub fn decode_task(bytes: &[u8]) -> Result<ChunkTask, DecodeError> {
    let (&tag, rest) = bytes.split_first().ok_or(DecodeError("empty task"))?;
    if tag == TASK_WIRE {
        let Value::Tuple(parts) = wire::decode(rest)? else {
            return Err(DecodeError("task is not a tuple"));
        };
        let items = match parts.get(2) {
            Some(Value::List(l)) => l.lock().clone(),
            _ => return Err(DecodeError("task items are not a list")),
        };
        return Ok(task(&parts, items));
    }
    let mut r = Reader { buf: rest, pos: 0 };
    let head_len = r.uint()? as usize;
    let head = r.take(head_len)?;
    let Value::Tuple(parts) = wire::decode(head)? else {
        return Err(DecodeError("task head is not a tuple"));
    };
    let items = match tag {
        TASK_INTS => r.ints()?,
        TASK_RANGE => {
            let (start, step) = (r.int()?, r.int()?);
            let len = r.uint()?;
            (0..len as i128)
                .map(|i| Value::Int(start + i * step))
                .collect()
        }
        _ => return Err(DecodeError("unknown task form")),
    };
    if r.pos != r.buf.len() {
        return Err(DecodeError("trailing bytes after the task"));
    }
    // The head is (func, star, kwargs): the same slots as the wire form, less the items.
    let parts = [
        parts.first().cloned().unwrap_or(Value::None),
        parts.get(1).cloned().unwrap_or(Value::None),
        Value::None,
        parts.get(2).cloned().unwrap_or(Value::None),
    ];
    Ok(task(&parts, items))
}

/// A task from the wire tuple's four slots and its items.
fn task(parts: &[Value], items: Vec<Value>) -> ChunkTask {
    let mut kw = Vec::new();
    if let Some(Value::Dict(d)) = parts.get(3) {
        for (k, v) in d.lock().iter() {
            if let Value::Str(s) = k {
                kw.push((s.clone(), v.clone()));
            }
        }
    }
    ChunkTask {
        func: parts.first().cloned().unwrap_or(Value::None),
        star: parts.get(1).is_some_and(Value::truthy),
        items,
        kw,
    }
}

/// Encodes a chunk's outcome; a result that cannot cross becomes its exception.
pub fn encode_outcome(outcome: Result<&[Value], &Arc<Exception>>) -> Vec<u8> {
    if let Ok(v) = outcome
        && v.iter().all(|x| matches!(x, Value::Int(_)))
    {
        let mut out = Vec::with_capacity(8 + v.len() * 3);
        out.push(OUT_INTS);
        put_ints(&mut out, v);
        return out;
    }
    let value = match outcome {
        Ok(v) => Value::tuple(vec![Value::Bool(true), Value::list(v.to_vec())]),
        Err(e) => Value::tuple(vec![Value::Bool(false), Value::Exception(e.clone())]),
    };
    let bytes = match wire::encode(&value, Span::default()) {
        Ok(b) => b,
        Err(crate::core::value::Unwind::Raise(e)) => {
            let v = Value::tuple(vec![Value::Bool(false), Value::Exception(e)]);
            wire::encode(&v, Span::default()).unwrap_or_default()
        }
        Err(crate::core::value::Unwind::Exit { .. }) => Vec::new(),
    };
    let mut out = Vec::with_capacity(bytes.len() + 1);
    out.push(OUT_WIRE);
    out.extend_from_slice(&bytes);
    out
}

/// Decodes an outcome encoded by [`encode_outcome`], appending its results to `into`;
/// `Ok(Err(e))` for a failed chunk.
pub fn decode_outcome_into(
    bytes: &[u8],
    into: &mut Vec<Value>,
) -> Result<Result<(), Arc<Exception>>, DecodeError> {
    let (&tag, rest) = bytes.split_first().ok_or(DecodeError("empty outcome"))?;
    match tag {
        OUT_INTS => {
            let mut r = Reader { buf: rest, pos: 0 };
            let n = r.uint()? as usize;
            into.reserve(n);
            for _ in 0..n {
                into.push(Value::Int(r.int()?));
            }
            if r.pos != r.buf.len() {
                return Err(DecodeError("trailing bytes after the outcome"));
            }
            Ok(Ok(()))
        }
        OUT_WIRE => {
            let Value::Tuple(t) = wire::decode(rest)? else {
                return Err(DecodeError("outcome is not a tuple"));
            };
            match (t.first(), t.get(1)) {
                (Some(Value::Bool(true)), Some(Value::List(l))) => {
                    into.extend_from_slice(&l.lock());
                    Ok(Ok(()))
                }
                (_, Some(Value::Exception(e))) => Ok(Err(e.clone())),
                _ => Err(DecodeError("malformed outcome")),
            }
        }
        _ => Err(DecodeError("unknown outcome form")),
    }
}

/// Appends a count, then each int (the caller checked they all are).
fn put_ints(out: &mut Vec<u8>, v: &[Value]) {
    put_uint(out, v.len() as u128);
    for x in v {
        if let Value::Int(i) = x {
            put_int(out, *i);
        }
    }
}

fn put_int(out: &mut Vec<u8>, i: i128) {
    // Zigzag so small negative numbers stay short.
    put_uint(out, ((i << 1) ^ (i >> 127)) as u128);
}

fn put_uint(out: &mut Vec<u8>, mut u: u128) {
    while u >= 0x80 {
        out.push((u as u8) | 0x80);
        u >>= 7;
    }
    out.push(u as u8);
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or(DecodeError("truncated chunk"))?;
        let b = &self.buf[self.pos..end];
        self.pos = end;
        Ok(b)
    }

    fn uint(&mut self) -> Result<u128, DecodeError> {
        // Most counts and ints take one or two bytes.
        match self.buf.get(self.pos..self.pos + 2) {
            Some(&[a, _]) if a < 0x80 => {
                self.pos += 1;
                return Ok(u128::from(a));
            }
            Some(&[a, b]) if b < 0x80 => {
                self.pos += 2;
                return Ok(u128::from(a & 0x7f) | u128::from(b) << 7);
            }
            _ => {}
        }
        let mut u = 0u128;
        let mut shift = 0;
        loop {
            let b = *self
                .buf
                .get(self.pos)
                .ok_or(DecodeError("truncated chunk"))?;
            self.pos += 1;
            if shift >= 128 {
                return Err(DecodeError("varint too long"));
            }
            u |= u128::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(u);
            }
            shift += 7;
        }
    }

    fn int(&mut self) -> Result<i128, DecodeError> {
        let u = self.uint()?;
        Ok((u >> 1) as i128 ^ -((u & 1) as i128))
    }

    fn ints(&mut self) -> Result<Vec<Value>, DecodeError> {
        let n = self.uint()? as usize;
        // Every int takes at least a byte: a corrupt count cannot reserve more.
        let mut v = Vec::with_capacity(n.min(self.buf.len() - self.pos));
        for _ in 0..n {
            v.push(Value::Int(self.int()?));
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::names::ExcType;

    fn ints(v: &[i128]) -> Vec<Value> {
        v.iter().map(|&i| Value::Int(i)).collect()
    }

    fn same(a: &[Value], b: &[Value]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| match (x, y) {
                (Value::Int(x), Value::Int(y)) => x == y,
                (Value::Str(x), Value::Str(y)) => x == y,
                _ => false,
            })
    }

    #[test]
    fn int_tasks_and_outcomes_round_trip_at_the_extremes() {
        let v = ints(&[0, 1, -1, 63, -64, 64, 1 << 40, i128::MAX, i128::MIN]);
        let bytes = encode_task(
            &Value::Func(3),
            false,
            ItemsRef::Values(&v),
            &Value::None,
            Span::default(),
        )
        .unwrap();
        assert_eq!(bytes[0], TASK_INTS);
        let t = decode_task(&bytes).unwrap();
        assert!(matches!(t.func, Value::Func(3)) && !t.star && t.kw.is_empty());
        assert!(same(&t.items, &v));
        let out = encode_outcome(Ok(&v));
        assert_eq!(out[0], OUT_INTS);
        let mut got = ints(&[7]);
        assert!(decode_outcome_into(&out, &mut got).unwrap().is_ok());
        assert!(same(&got[1..], &v));
    }

    #[test]
    fn ranges_and_general_values_round_trip() {
        let r = ItemsRef::Range {
            start: 10,
            step: -3,
            len: 4,
        };
        let t = decode_task(
            &encode_task(&Value::Func(1), true, r, &Value::None, Span::default()).unwrap(),
        )
        .unwrap();
        assert!(t.star && same(&t.items, &ints(&[10, 7, 4, 1])));
        let v = vec![Value::Int(1), Value::str("a")];
        let bytes = encode_task(
            &Value::Func(1),
            false,
            ItemsRef::Values(&v),
            &Value::None,
            Span::default(),
        )
        .unwrap();
        assert_eq!(bytes[0], TASK_WIRE);
        assert!(same(&decode_task(&bytes).unwrap().items, &v));
        let mut got = Vec::new();
        assert!(
            decode_outcome_into(&encode_outcome(Ok(&v)), &mut got)
                .unwrap()
                .is_ok()
        );
        assert!(same(&got, &v));
    }

    #[test]
    fn failures_and_corrupt_bytes_are_errors() {
        let e = Arc::new(Exception {
            ty: ExcType::ValueError,
            msg: "bad".into(),
            span: Span::default(),
        });
        let mut got = Vec::new();
        let back = decode_outcome_into(&encode_outcome(Err(&e)), &mut got).unwrap();
        assert!(matches!(back, Err(x) if x.ty == ExcType::ValueError && x.msg == "bad"));
        let out = encode_outcome(Ok(&ints(&[1, 300])));
        assert!(decode_outcome_into(&out[..out.len() - 1], &mut got).is_err());
        assert!(decode_outcome_into(&[], &mut got).is_err());
        assert!(decode_task(&[TASK_INTS, 0x80]).is_err());
        assert!(decode_task(&[9]).is_err());
    }
}
