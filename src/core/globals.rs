//! Module globals of one process: shared by its threads, copied by `fork`.

use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use crate::core::immediate::{self, BOXED};
use crate::core::value::{Handle, Value};

/// One slot per global of the plan; unset until first assigned.
///
/// A read and the write that follows it (`num = num + 1`) are two separate accesses, so
/// threads can lose updates exactly as CPython's do. Each access is atomic on its own:
/// a slot holding an immediate (a small int, `None`, a bool, a handle: see
/// [`immediate`]) is one atomic word, read with a plain load and written with a plain
/// store (the loop's `v += 1`, the `lock` it reads each time, stay lock-free and keep
/// their cache lines shared between readers); any other value sits behind the slot's
/// mutex and the word says [`BOXED`].
pub struct Globals {
    slots: Box<[Slot]>,
}

/// 128-byte aligned: a thread writing one global must not invalidate the line that
/// another thread reads a different global (the lock, say) from.
#[repr(align(128))]
struct Slot {
    /// An encoded immediate, or [`BOXED`]: then the value (or `None`, unset) is `boxed`.
    /// Written only as the last step of a write, so a reader that sees an immediate
    /// sees the latest write; a reader that sees `BOXED` re-reads it under the mutex.
    word: AtomicU64,
    boxed: Mutex<Option<Value>>,
}

impl Globals {
    /// `n` unset slots.
    pub fn new(n: usize) -> Globals {
        Globals {
            slots: (0..n)
                .map(|_| Slot {
                    word: AtomicU64::new(BOXED),
                    boxed: Mutex::new(None),
                })
                .collect(),
        }
    }

    /// The value of global `slot`, `None` if unset.
    #[inline]
    pub fn get(&self, slot: u16) -> Option<Value> {
        let s = &self.slots[slot as usize];
        match immediate::decode(s.word.load(Ordering::Acquire)) {
            Some(v) => Some(v),
            None => get_boxed(s),
        }
    }

    /// The handle in global `slot`, if it holds one: the receiver of `with lock` and
    /// `lock.acquire()`, read without building a `Value`.
    #[inline]
    pub fn get_handle(&self, slot: u16) -> Option<Handle> {
        let s = &self.slots[slot as usize];
        // A handle is always stored as an immediate, never boxed.
        immediate::decode_handle(s.word.load(Ordering::Acquire))
    }

    /// Assigns global `slot`.
    #[inline]
    pub fn set(&self, slot: u16, v: Value) {
        let s = &self.slots[slot as usize];
        match immediate::encode(&v) {
            // Immediate over immediate: one store. A boxed write racing with it either
            // lands before (and this store wins) or after (and its BOXED wins): both are
            // an order of the two writes.
            Some(w) if s.word.load(Ordering::Relaxed) != BOXED => {
                s.word.store(w, Ordering::Release)
            }
            Some(w) => set_slow(s, w, None),
            None => set_slow(s, BOXED, Some(v)),
        }
    }

    /// `del` of global `slot`: reading it raises NameError again.
    pub fn unset(&self, slot: u16) {
        set_slow(&self.slots[slot as usize], BOXED, None);
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

#[cold]
#[inline(never)]
fn get_boxed(s: &Slot) -> Option<Value> {
    let g = s.boxed.lock();
    // An immediate written since our first look wins over the stale boxed value.
    match immediate::decode(s.word.load(Ordering::Acquire)) {
        Some(v) => Some(v),
        None => g.clone(),
    }
}

/// A write under the slot's mutex: `word` (an immediate, or `BOXED` with the value in
/// `boxed`). The old boxed value is dropped after the mutex is released.
#[inline(never)]
fn set_slow(s: &Slot, word: u64, boxed: Option<Value>) {
    let old = {
        let mut g = s.boxed.lock();
        let old = std::mem::replace(&mut *g, boxed);
        s.word.store(word, Ordering::Release);
        old
    };
    drop(old);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::value::HandleKind;

    fn int(g: &Globals, slot: u16) -> Option<i128> {
        match g.get(slot) {
            Some(Value::Int(i)) => Some(i),
            _ => None,
        }
    }

    #[test]
    fn every_kind_of_value_goes_in_and_out() {
        let g = Globals::new(2);
        assert!(g.get(0).is_none());
        g.set(0, Value::Int(5));
        assert_eq!(int(&g, 0), Some(5));
        g.set(0, Value::str("big"));
        assert!(matches!(g.get(0), Some(Value::Str(s)) if &*s == "big"));
        g.set(0, Value::Int(7));
        assert_eq!(int(&g, 0), Some(7));
        g.set(0, Value::Int(i128::MAX));
        assert_eq!(int(&g, 0), Some(i128::MAX));
        let h = Handle {
            kind: HandleKind::Lock { mp: false },
            id: 3,
        };
        g.set(1, Value::Handle(h));
        assert!(matches!(g.get(1), Some(Value::Handle(x)) if x == h));
        assert_eq!(g.get_handle(1), Some(h));
        assert_eq!(g.get_handle(0), None);
        g.unset(1);
        assert!(g.get(1).is_none());
        g.set(1, Value::None);
        assert!(matches!(g.get(1), Some(Value::None)));
        assert_eq!(int(&g, 0), Some(i128::MAX));
    }

    #[test]
    fn concurrent_writers_of_both_kinds_leave_one_of_their_values() {
        let g = Globals::new(1);
        std::thread::scope(|s| {
            s.spawn(|| {
                for i in 0..10_000 {
                    g.set(0, Value::Int(i));
                }
            });
            s.spawn(|| {
                for i in 0..10_000 {
                    g.set(0, Value::tuple(vec![Value::Int(i)]));
                    // Every read gives some whole value written by someone.
                    assert!(matches!(g.get(0), Some(Value::Int(_) | Value::Tuple(_))));
                }
            });
        });
        assert!(matches!(g.get(0), Some(Value::Int(9999) | Value::Tuple(_))));
    }
}
