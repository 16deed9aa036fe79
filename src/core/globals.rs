//! Module globals of one process: shared by its threads, copied by `fork`.

use parking_lot::Mutex;

use crate::core::value::Value;

/// One slot per global of the plan; `None` until first assigned.
///
/// Each slot has its own mutex, held only for a clone or a store: a read and the write
/// that follows it (`num = num + 1`) are two separate critical sections, so threads can
/// lose updates exactly as CPython's do.
pub struct Globals {
    slots: Box<[Slot]>,
}

/// A slot on its own pair of cache lines. Unpadded, neighbouring globals shared a line,
/// so a thread reading one (`lock` in `with lock: v += 1`) and a thread writing the next
/// (`v`) bounced that line between cores on every access although they never touched
/// the same global (see docs/performance.md, issue 3). 128 bytes, not 64: x86 fetches
/// lines in adjacent pairs.
#[repr(align(128))]
struct Slot(Mutex<Option<Value>>);

impl Globals {
    pub fn new(n: usize) -> Globals {
        Globals {
            slots: (0..n).map(|_| Slot(Mutex::new(None))).collect(),
        }
    }

    pub fn get(&self, slot: u16) -> Option<Value> {
        self.slots[slot as usize].0.lock().clone()
    }

    pub fn set(&self, slot: u16, v: Value) {
        *self.slots[slot as usize].0.lock() = Some(v);
    }

    pub fn unset(&self, slot: u16) {
        *self.slots[slot as usize].0.lock() = None;
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}
