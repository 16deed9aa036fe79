//! Module globals of one process: shared by its threads, copied by `fork`.

use parking_lot::Mutex;

use crate::core::value::Value;

/// One slot per global of the plan; `None` until first assigned.
///
/// Each slot has its own mutex, held only for a clone or a store: a read and the write
/// that follows it (`num = num + 1`) are two separate critical sections, so threads can
/// lose updates exactly as CPython's do.
pub struct Globals {
    slots: Box<[Mutex<Option<Value>>]>,
}

impl Globals {
    pub fn new(n: usize) -> Globals {
        Globals {
            slots: (0..n).map(|_| Mutex::new(None)).collect(),
        }
    }

    pub fn get(&self, slot: u16) -> Option<Value> {
        self.slots[slot as usize].lock().clone()
    }

    pub fn set(&self, slot: u16, v: Value) {
        *self.slots[slot as usize].lock() = Some(v);
    }

    pub fn unset(&self, slot: u16) {
        *self.slots[slot as usize].lock() = None;
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}
