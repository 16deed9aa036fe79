//! `len(pickle.dumps(v, protocol=4))` as CPython's C pickler (`Modules/_pickle.c`)
//! produces it, which is what `multiprocessing` writes into a pipe.
//!
//! Modelled exactly for None, bool, int, float, str, bytes, tuple, list and dict,
//! including protocol-4 framing: `PROTO 4` (2 bytes, outside any frame), then frames of
//! `FRAME` + 8-byte length (9 bytes) opened by the first write and committed when a
//! `save()` starts with the frame at ≥ 64 KiB (and at the end); a frame under 4 bytes
//! gets no header; a str/bytes payload of ≥ 64 KiB commits the current frame and is
//! written unframed. Memoisation is by identity (`Arc` address), like pickle's `id()`:
//! `MEMOIZE` after each str/bytes/tuple/list/dict, `BINGET`/`LONG_BINGET` on a repeat.
//!
//! Engine objects and functions are pickled by CPython through `__reduce__` or by
//! reference; their sizes here are close estimates (they only shift a pipe's fill level
//! by a few dozen bytes, and most of them cannot cross anyway).

use std::collections::HashMap;
use std::sync::Arc;

use crate::core::value::Value;

const FRAME_SIZE_TARGET: usize = 64 * 1024;
const FRAME_SIZE_MIN: usize = 4;
const FRAME_HEADER_SIZE: usize = 9;
const BATCHSIZE: usize = 1000;
/// Deeper values fail to encode (see `wire::MAX_DEPTH`); their size does not matter.
const MAX_DEPTH: usize = super::wire::MAX_DEPTH;
/// Estimated pickle of an engine object (a `__reduce__` with a few fields).
const HANDLE_ESTIMATE: usize = 64;

/// The length of CPython's protocol-4 pickle of `v`.
pub fn pickle_size(v: &Value) -> usize {
    let mut p = Pickler {
        total: 2, // PROTO 4, written before framing starts.
        ..Pickler::default()
    };
    p.save(v, 0);
    p.write(1); // STOP
    p.commit_frame();
    p.total
}

#[derive(Default)]
struct Pickler {
    /// Bytes committed (outside the open frame).
    total: usize,
    /// Length of the open frame's content, if a frame is open.
    frame: Option<usize>,
    /// Objects memoised so far (the next memo index).
    memo_len: usize,
    /// Identity → memo index.
    memo: HashMap<usize, usize>,
}

impl Pickler {
    /// `_Pickler_Write`: opens a frame if none is open.
    fn write(&mut self, n: usize) {
        *self.frame.get_or_insert(0) += n;
    }

    fn commit_frame(&mut self) {
        if let Some(len) = self.frame.take() {
            self.total += len
                + if len >= FRAME_SIZE_MIN {
                    FRAME_HEADER_SIZE
                } else {
                    0
                };
        }
    }

    /// `_Pickler_OpcodeBoundary`, run at the start of every `save()`.
    fn boundary(&mut self) {
        if self.frame.is_some_and(|len| len >= FRAME_SIZE_TARGET) {
            self.commit_frame();
        }
    }

    /// `_Pickler_write_bytes`: large payloads bypass framing.
    fn write_bytes(&mut self, header: usize, data: usize) {
        if data >= FRAME_SIZE_TARGET {
            self.commit_frame();
            self.total += header + data;
        } else {
            self.write(header + data);
        }
    }

    /// `memo_put` (protocol 4 writes `MEMOIZE`).
    fn memoize(&mut self, key: Option<usize>) {
        if let Some(k) = key {
            self.memo.insert(k, self.memo_len);
        }
        self.memo_len += 1;
        self.write(1);
    }

    /// Writes a memo GET if `key` was memoised; true when it did.
    fn memo_get(&mut self, key: usize) -> bool {
        match self.memo.get(&key) {
            Some(&idx) => {
                self.write(if idx < 256 { 2 } else { 5 });
                true
            }
            None => false,
        }
    }

    fn save(&mut self, v: &Value, depth: usize) {
        self.boundary();
        if depth > MAX_DEPTH {
            return;
        }
        match v {
            Value::None | Value::Bool(_) => self.write(1),
            Value::Int(i) => self.write(int_size(*i)),
            Value::Float(_) => self.write(9),
            Value::Str(s) => {
                let key = Arc::as_ptr(s).cast::<u8>() as usize;
                if !self.memo_get(key) {
                    self.save_blob(s.len(), Some(key));
                }
            }
            Value::Bytes(b) => {
                let key = Arc::as_ptr(b).cast::<u8>() as usize;
                if !self.memo_get(key) {
                    self.save_blob(b.len(), Some(key));
                }
            }
            Value::Tuple(t) => {
                let key = Arc::as_ptr(t).cast::<u8>() as usize;
                if t.is_empty() {
                    self.write(1); // EMPTY_TUPLE, never memoised
                } else if !self.memo_get(key) {
                    self.save_tuple(t, Some(key), depth);
                }
            }
            Value::List(l) => {
                let key = Arc::as_ptr(l) as usize;
                if !self.memo_get(key) {
                    self.write(1); // EMPTY_LIST
                    self.memoize(Some(key));
                    let items = l.lock().clone();
                    self.batch_list(&items, depth);
                }
            }
            Value::Dict(d) => {
                let key = Arc::as_ptr(d) as usize;
                if !self.memo_get(key) {
                    self.write(1); // EMPTY_DICT
                    self.memoize(Some(key));
                    let pairs = d.lock().clone();
                    self.batch_dict(&pairs, depth);
                }
            }
            Value::Range(a, b, s) => {
                // range.__reduce__: (range, (start, stop, step))
                self.global("builtins", "range");
                self.write(int_size(*a) + int_size(*b) + int_size(*s) + 1); // TUPLE3
                self.memoize(None);
                self.write(1); // REDUCE
                self.memoize(None);
            }
            Value::Func(_) | Value::Closure(_) => self.global("__main__", "function"),
            Value::Builtin(b) => self.global("builtins", b.name()),
            Value::ExcType(t) => self.global("builtins", t.short_name()),
            Value::Exception(e) => {
                // BaseException.__reduce__: (type, args)
                self.global("builtins", e.ty.short_name());
                self.save_blob(e.msg.len(), None);
                self.write(1); // TUPLE1
                self.memoize(None);
                self.write(1); // REDUCE
                self.memoize(None);
            }
            Value::BoundMethod(bm) => {
                // method.__reduce__: (getattr, (obj, name))
                self.global("builtins", "getattr");
                self.save(&bm.0, depth + 1);
                self.boundary();
                self.save_blob(bm.1.name().len(), None);
                self.write(1); // TUPLE2
                self.memoize(None);
                self.write(1); // REDUCE
                self.memoize(None);
            }
            Value::Object(_) => {
                // object.__reduce_ex__(4): copyreg.__newobj__(object) → NEWOBJ
                self.global("builtins", "object");
                self.write(2); // EMPTY_TUPLE NEWOBJ
                self.memoize(None);
            }
            Value::Handle(_) => self.write(HANDLE_ESTIMATE),
        }
    }

    /// str/bytes: SHORT_ (1-byte length) up to 255 bytes, else a 4-byte (or 8-byte)
    /// length; then MEMOIZE.
    fn save_blob(&mut self, n: usize, key: Option<usize>) {
        let header = if n <= 0xff {
            2
        } else if n as u64 > 0xffff_ffff {
            9
        } else {
            5
        };
        self.write_bytes(header, n);
        self.memoize(key);
    }

    /// A STACK_GLOBAL reference: module and name strings, STACK_GLOBAL, MEMOIZE.
    fn global(&mut self, module: &str, name: &str) {
        self.save_blob(module.len(), None);
        self.save_blob(name.len(), None);
        self.write(1);
        self.memoize(None);
    }

    fn save_tuple(&mut self, t: &[Value], key: Option<usize>, depth: usize) {
        if t.len() <= 3 {
            for it in t {
                self.save(it, depth + 1);
            }
            self.write(1); // TUPLE1/2/3
        } else {
            self.write(1); // MARK
            for it in t {
                self.save(it, depth + 1);
            }
            self.write(1); // TUPLE
        }
        self.memoize(key);
    }

    /// `batch_list_exact`: one item → APPEND; else MARK … APPENDS per 1000 items.
    fn batch_list(&mut self, items: &[Value], depth: usize) {
        match items.len() {
            0 => {}
            1 => {
                self.save(&items[0], depth + 1);
                self.write(1);
            }
            _ => {
                for chunk in items.chunks(BATCHSIZE) {
                    self.write(1);
                    for it in chunk {
                        self.save(it, depth + 1);
                    }
                    self.write(1);
                }
            }
        }
    }

    /// `batch_dict_exact`: one pair → SETITEM; else MARK … SETITEMS per 1000 pairs.
    /// Its loop runs `while (i == BATCHSIZE)`, so an exact multiple of 1000 pairs ends
    /// with an empty MARK SETITEMS batch.
    fn batch_dict(&mut self, pairs: &[(Value, Value)], depth: usize) {
        match pairs.len() {
            0 => {}
            1 => {
                self.save(&pairs[0].0, depth + 1);
                self.save(&pairs[0].1, depth + 1);
                self.write(1);
            }
            n => {
                for chunk in pairs.chunks(BATCHSIZE) {
                    self.write(1);
                    for (k, v) in chunk {
                        self.save(k, depth + 1);
                        self.save(v, depth + 1);
                    }
                    self.write(1);
                }
                if n % BATCHSIZE == 0 {
                    self.write(2);
                }
            }
        }
    }
}

/// `save_long`: BININT1 (0..=255), BININT2 (..=65535), BININT (other 32-bit signed,
/// negatives included), else LONG1 with the minimal two's-complement byte count.
fn int_size(i: i128) -> usize {
    if (0..=0xff).contains(&i) {
        2
    } else if (0..=0xffff).contains(&i) {
        3
    } else if (i128::from(i32::MIN)..=i128::from(i32::MAX)).contains(&i) {
        5
    } else {
        2 + twos_complement_len(i)
    }
}

fn twos_complement_len(i: i128) -> usize {
    // Bits needed including the sign bit, rounded up to bytes.
    let bits = if i >= 0 {
        128 - i.leading_zeros() as usize + 1
    } else {
        128 - (!i).leading_zeros() as usize + 1
    };
    bits.div_ceil(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: usize) -> Value {
        Value::str(&"X".repeat(n))
    }

    /// Sizes measured with CPython 3.11.7 (`python-semantics.md` §1 S18).
    #[test]
    fn strings_match_cpython_measurements() {
        assert_eq!(pickle_size(&s(1)), 16);
        assert_eq!(pickle_size(&s(10)), 25);
        assert_eq!(pickle_size(&s(62500)), 62518);
        assert_eq!(pickle_size(&s(64453)), 64471);
        assert_eq!(pickle_size(&s(65429)), 65447);
        assert_eq!(pickle_size(&s(65490)), 65508);
        assert_eq!(pickle_size(&s(65505)), 65523);
        assert_eq!(pickle_size(&s(65512)), 65530);
        assert_eq!(pickle_size(&s(65514)), 65532);
        assert_eq!(pickle_size(&s(65515)), 65533);
        assert_eq!(pickle_size(&s(65516)), 65534);
        assert_eq!(pickle_size(&s(65520)), 65538);
        assert_eq!(pickle_size(&s(65551)), 65560);
        assert_eq!(pickle_size(&s(65673)), 65682);
        assert_eq!(pickle_size(&s(66406)), 66415);
        assert_eq!(pickle_size(&s(125000)), 125009);
        assert_eq!(pickle_size(&s(219255)), 219264);
        assert_eq!(pickle_size(&s(219256)), 219265);
        assert_eq!(pickle_size(&s(1_000_000)), 1_000_009);
    }

    /// Hand-derived from `_pickle.c` opcode by opcode.
    #[test]
    fn scalars_and_containers_follow_the_c_pickler() {
        // PROTO(2) + FRAME(9) + content + STOP(1), content ≥ 4 bytes;
        // shorter content has no frame header.
        assert_eq!(pickle_size(&Value::None), 4); // 80 04 N .
        assert_eq!(pickle_size(&Value::Bool(true)), 4);
        assert_eq!(pickle_size(&Value::Int(5)), 5); // K 05, 3-byte frame: no header
        assert_eq!(pickle_size(&Value::Int(300)), 2 + 9 + 3 + 1);
        assert_eq!(pickle_size(&Value::Int(-1)), 2 + 9 + 5 + 1);
        assert_eq!(pickle_size(&Value::Int(1 << 40)), 2 + 9 + (2 + 6) + 1);
        assert_eq!(
            pickle_size(&Value::Int(-(1 << 31) - 1)),
            2 + 9 + (2 + 5) + 1
        );
        assert_eq!(pickle_size(&Value::Float(1.5)), 2 + 9 + 9 + 1);
        // 'é' is 2 utf-8 bytes.
        assert_eq!(pickle_size(&Value::str("é")), 2 + 9 + 2 + 2 + 1 + 1);
        assert_eq!(
            pickle_size(&Value::str(&"é".repeat(200))),
            2 + 9 + 5 + 400 + 1 + 1
        );
        assert_eq!(
            pickle_size(&Value::Bytes(Arc::from(&b"ab"[..]))),
            2 + 9 + 4 + 1 + 1
        );
        // [42, None, 'hello']: ] MEMOIZE ( K42 N SHORT_BINUNICODE5 MEMOIZE e .
        let l = Value::list(vec![Value::Int(42), Value::None, Value::str("hello")]);
        assert_eq!(pickle_size(&l), 2 + 9 + (2 + 1 + 2 + 1 + 7 + 1 + 1) + 1);
        assert_eq!(pickle_size(&Value::list(vec![])), 2 + 2 + 1);
        assert_eq!(pickle_size(&Value::tuple(vec![])), 2 + 1 + 1);
        // (1, 2): K1 K2 TUPLE2 MEMOIZE
        assert_eq!(
            pickle_size(&Value::tuple(vec![Value::Int(1), Value::Int(2)])),
            2 + 9 + 6 + 1
        );
        // {'a': 1}: } MEMOIZE 'a' MEMOIZE K1 s
        let d = Value::Dict(Arc::new(parking_lot::Mutex::new(vec![(
            Value::str("a"),
            Value::Int(1),
        )])));
        assert_eq!(pickle_size(&d), 2 + 9 + (2 + 4 + 2 + 1) + 1);
    }

    #[test]
    fn shared_string_is_a_memo_get() {
        let x = Value::str("abc");
        let l = Value::list(vec![x.clone(), x]);
        // ] MEMOIZE ( 'abc' MEMOIZE BINGET e
        assert_eq!(pickle_size(&l), 2 + 9 + (2 + 1 + 5 + 1 + 2 + 1) + 1);
    }

    #[test]
    fn large_list_is_split_into_frames() {
        // 1000-byte strings: each costs 5 + 1000 + 1 = 1006 bytes inside frames.
        let items: Vec<Value> = (0..200).map(|_| s(1000)).collect();
        let n = pickle_size(&Value::list(items));
        // EMPTY_LIST MEMOIZE MARK, the items, APPENDS, STOP.
        let content = 3 + 200 * 1006 + 1 + 1;
        // A frame closes at the first save() that finds it ≥ 65536 bytes: after items
        // 66, 132 and 198, so there are 4 frames.
        assert_eq!(n, 2 + content + 4 * 9);
    }

    #[test]
    fn twos_complement_lengths() {
        assert_eq!(twos_complement_len(i128::from(i32::MAX) + 1), 5);
        assert_eq!(twos_complement_len(-(1i128 << 31) - 1), 5);
        assert_eq!(twos_complement_len(-(1i128 << 39)), 5);
        assert_eq!(twos_complement_len(1i128 << 39), 6);
        assert_eq!(twos_complement_len(i128::MIN), 16);
        assert_eq!(twos_complement_len(i128::MAX), 16);
    }
}
