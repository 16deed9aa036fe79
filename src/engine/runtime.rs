//! The state of one run as seen from inside one scenario process.
//!
//! A run's main process builds a [`Runtime`]; a `fork` copies it into the child, which is
//! exactly Python's semantics for everything process-local here (thread objects, the
//! `input()` lines, pool bookkeeping). What must be shared lives in the arena.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::engine::fork_gate::ForkSafeMutex as Mutex;

use crate::checker::snapshot::ActorId;
use crate::core::globals::Globals;
use crate::core::value::Value;
use crate::core::world::Args;
use crate::engine::arena::Arena;
use crate::plan::ir::Program;
use crate::syntax::span::Span;

/// A Thread/Timer/Process object before and after it runs: what `start()` needs and what
/// `join()`/`is_alive()`/`exitcode` read. Keyed by the actor id (the handle's id).
pub struct ActorObj {
    pub target: Option<Value>,
    pub args: Args,
    pub daemon: bool,
    pub started: bool,
    /// Timer: seconds to wait before running the target.
    pub timer_delay: Option<f64>,
    /// Timer: its `finished` Event (set by `cancel()` and after the function ran).
    pub timer_event: Option<crate::checker::snapshot::ResId>,
    /// OS thread of a Thread actor started by this process.
    pub thread: Option<std::thread::JoinHandle<()>>,
    /// pid of a Process actor started by this process.
    pub pid: Option<i32>,
    /// The Python exit code once reaped.
    pub exitcode: Option<i32>,
    /// The actor that created the object (only it may join a process).
    pub creator: ActorId,
}

pub struct Runtime {
    pub program: Arc<Program>,
    pub arena: Arc<Arena>,
    pub globals: Arc<Globals>,
    /// Real time of the run's start: `time.monotonic()` counts from here.
    pub start: Instant,
    pub time_scale: f64,
    /// This run's seed; each actor's `random` stream derives from it and the actor id.
    pub seed: u64,
    pub stress: bool,
    /// Threads take turns for CPU work (the scenario's `gil`, or `--gil`).
    pub gil: bool,
    /// Creation-site labels: call span → variable name.
    pub labels: HashMap<Span, String>,
    /// This process's actor objects (threads it created; processes it created).
    pub actors: Mutex<HashMap<ActorId, ActorObj>>,
    /// `Barrier(parties, action=f)`: each barrier's action, by resource id.
    pub barrier_actions: Mutex<HashMap<crate::checker::snapshot::ResId, Value>>,
    /// Remaining `input()` lines.
    pub inputs: Mutex<VecDeque<String>>,
    /// The process actor this process is (0 for main; changes in a forked child).
    pub process_actor: AtomicU32,
    /// Python-style name counters (`Thread-3`, `Process-2`).
    pub thread_counter: AtomicU32,
    pub process_counter: AtomicU32,
}

impl Runtime {
    pub fn new(
        program: Arc<Program>,
        arena: Arc<Arena>,
        seed: u64,
        time_scale: f64,
        stress: bool,
    ) -> Runtime {
        let labels = program.labels.iter().cloned().collect();
        let globals = Arc::new(Globals::new(program.globals.len()));
        let inputs = program.config.inputs.iter().cloned().collect();
        let gil = program.config.gil;
        Runtime {
            program,
            arena,
            globals,
            start: Instant::now(),
            time_scale,
            seed,
            stress,
            gil,
            labels,
            actors: Mutex::new(HashMap::new()),
            barrier_actions: Mutex::new(HashMap::new()),
            inputs: Mutex::new(inputs),
            process_actor: AtomicU32::new(0),
            thread_counter: AtomicU32::new(0),
            process_counter: AtomicU32::new(0),
        }
    }

    /// Scenario seconds → real time.
    pub fn real(&self, secs: f64) -> Duration {
        Duration::from_secs_f64((secs * self.time_scale).max(0.0))
    }

    /// Real time since the start → scenario seconds.
    pub fn scenario_now(&self) -> f64 {
        self.start.elapsed().as_secs_f64() / self.time_scale
    }

    pub fn label_at(&self, span: Span) -> Option<String> {
        self.labels.get(&span).cloned()
    }

    pub fn process_actor(&self) -> ActorId {
        self.process_actor.load(Ordering::Relaxed)
    }
}
