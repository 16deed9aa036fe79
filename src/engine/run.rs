//! Running a scenario: one arena for the invocation, one supervised fork of the main actor
//! per run, the deadlock detector polled while it runs, and a `RunRecord` decoded from the
//! arena afterwards.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::checker::detector::Detector;
use crate::checker::run_record::{ExcRecord, OutputChunk, RunEnd, RunRecord};
use crate::checker::snapshot::{ActorKind, ActorState};
use crate::core::interp::Interp;
use crate::core::repr;
use crate::core::value::{Unwind, Value};
use crate::engine::actor_world::ActorWorld;
use crate::engine::arena::{Arena, ArenaCaps};
use crate::engine::limits::{Cap, CapExceeded, RunLimits};
use crate::engine::run_event::RunEvent;
use crate::engine::runtime::Runtime;
use crate::engine::supervisor::{StopReason, Supervisor, Watch};
use crate::plan::ir::{ExpectKind, Program};

/// How to run: the scenario's config with the command line's overrides applied.
#[derive(Clone, Debug)]
pub struct RunSettings {
    pub runs: u32,
    pub seed: u64,
    pub time_scale: f64,
    /// Per-run wall-clock limit, real seconds.
    pub timeout: f64,
    pub stress: bool,
    /// Runs executed at once.
    pub jobs: u32,
    /// Threads of one process take turns for CPU work, like CPython's GIL.
    pub gil: bool,
    /// Run exactly once with this run seed.
    pub replay: Option<u64>,
}

impl RunSettings {
    pub fn from_program(p: &Program) -> RunSettings {
        RunSettings {
            runs: p.config.runs,
            seed: p.config.seed,
            time_scale: p.config.time_scale,
            timeout: p.config.timeout,
            stress: p.config.stress,
            jobs: 1,
            gil: p.config.gil,
            replay: None,
        }
    }

    /// The seed of run `i`: a fixed mix of the invocation seed and the run number, so any
    /// run can be replayed alone with `--replay`.
    pub fn run_seed(&self, i: u32) -> u64 {
        if let Some(s) = self.replay {
            return s;
        }
        let mut z = self.seed ^ (u64::from(i).wrapping_add(1)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Address space each scenario process may use (RLIMIT_AS): room for 256 thread stacks
/// of 16 MiB and a generous heap, far from what a 24 GiB machine can give several
/// processes. A memory bomb then fails its own allocation instead of the machine.
const MEMORY_CAP: u64 = 6 << 30;

/// Errors of the engine itself (not of the scenario).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot map the shared arena: {0}")]
    Arena(std::io::Error),
    #[error("cannot run the scenario: {0}")]
    Supervisor(std::io::Error),
}

/// Runs `program` as `settings` say, handing each run's record to `on_run` as soon as it
/// is complete (the caller keeps what it needs: a histogram, not the runs). With
/// `jobs > 1`, that many runs go at once, each job with its own arena and supervisor;
/// records then arrive in completion order.
pub fn run_scenario(
    program: &Arc<Program>,
    settings: &RunSettings,
    mut on_run: impl FnMut(RunRecord),
) -> Result<(), EngineError> {
    warm_up_before_forks();
    let runs = if settings.replay.is_some() {
        1
    } else {
        settings.runs.max(1)
    };
    let jobs = settings.jobs.clamp(1, runs);
    if jobs == 1 {
        return run_job(program, settings, &AtomicU32::new(0), runs, &mut on_run);
    }
    let next = AtomicU32::new(0);
    let (tx, rx) = std::sync::mpsc::channel();
    // A thread that starts or exits takes std's internal thread-registry lock. If one
    // job thread forked a run at that moment, the run's processes would inherit the lock
    // held and could never start a thread. So every job thread exists before any job
    // forks, and none exits before every job is done forking.
    let all_started = std::sync::Barrier::new(jobs as usize);
    let all_done = std::sync::Barrier::new(jobs as usize);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                let tx = tx.clone();
                let next = &next;
                let (all_started, all_done) = (&all_started, &all_done);
                scope.spawn(move || {
                    all_started.wait();
                    let r = run_job(program, settings, next, runs, &mut |r| {
                        let _ = tx.send(r);
                    });
                    all_done.wait();
                    r
                })
            })
            .collect();
        drop(tx);
        for record in rx {
            on_run(record);
        }
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or(Ok(())))
            .collect::<Result<Vec<()>, EngineError>>()
            .map(|_| ())
    })
}

/// One job: takes run numbers from `next` until `runs` are taken.
fn run_job(
    program: &Arc<Program>,
    settings: &RunSettings,
    next: &AtomicU32,
    runs: u32,
    on_run: &mut dyn FnMut(RunRecord),
) -> Result<(), EngineError> {
    let arena = Arc::new(Arena::new(ArenaCaps::default()).map_err(EngineError::Arena)?);
    arena.set_limits(program.config.max_processes, program.config.max_threads);
    let mut supervisor = Supervisor::new(RunLimits {
        wall: Duration::from_secs_f64(settings.timeout.max(0.001)),
        memory_bytes: Some(MEMORY_CAP),
        // The detector reports a stuck set once two snapshots DEFAULT_SETTLE_MS (10 ms)
        // apart agree, so the report comes one settle window plus up to two poll
        // intervals after the deadlock forms: 15-20 ms at a 5 ms poll, 11-14 ms at
        // 2 ms. A wake-up costs a few microseconds (a snapshot of the arena): at 2 ms
        // about 1% of a core while a scenario sleeps (docs/performance.md, issue 5).
        poll_interval: Duration::from_millis(2),
    })
    .map_err(EngineError::Supervisor)?;
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= runs || crate::engine::interrupt::interrupted() {
            break;
        }
        let seed = settings.run_seed(i);
        let record = run_once(program, &arena, &mut supervisor, settings, i, seed)?;
        let stop = matches!(record.end, RunEnd::Interrupted);
        on_run(record);
        if stop {
            break;
        }
    }
    Ok(())
}

/// Work every scenario process would otherwise redo after each fork, done once here,
/// before the first fork, so that forked processes inherit the result (measured with
/// perf; numbers in docs/performance.md):
///
/// - every actor seeds a ChaCha stream, and the first ChaCha of a process asks the CPU
///   which vector units it has (`cpuid`, which traps to the hypervisor on a VM): ~9% of
///   the CPU samples of a 2-process scenario run;
/// - glibc binds its own internal calls lazily, and the thread start and exit paths
///   (`__cxa_thread_atexit_impl`, ...) were resolved by the dynamic linker in every
///   scenario process that started a thread: ~20% of the CPU samples of a 1-thread
///   scenario run, mostly page faults on the linker's symbol tables.
fn warm_up_before_forks() {
    use rand::SeedableRng;
    std::hint::black_box(rand_chacha::ChaCha8Rng::seed_from_u64(0));
    // A failure to spawn only means the warm-up did not happen.
    if let Ok(t) = std::thread::Builder::new().spawn(|| {}) {
        let _ = t.join();
    }
}

fn run_once(
    program: &Arc<Program>,
    arena: &Arc<Arena>,
    supervisor: &mut Supervisor,
    settings: &RunSettings,
    index: u32,
    seed: u64,
) -> Result<RunRecord, EngineError> {
    arena.reset();
    let main_id = arena
        .alloc_actor(ActorKind::Process, None, None, "main", "MainProcess")
        .expect("a fresh arena has room for the main actor");
    arena.actor(main_id).set_func(Some(program.main));
    let mut detector = Detector::new(10);
    let mut deadlock = None;
    let mut cap = None;
    let child_program = program.clone();
    let child_arena = arena.clone();
    let (time_scale, stress, gil) = (settings.time_scale, settings.stress, settings.gil);
    let outcome = supervisor
        .run(
            move || run_main(child_program, child_arena, seed, time_scale, stress, gil),
            |elapsed| {
                if let Some((message, span)) = find_cap(arena) {
                    cap = Some((message, span));
                    return Watch::Stop(StopReason::CapExceeded(CapExceeded {
                        cap: Cap::Processes,
                        limit: 0,
                    }));
                }
                let snap = snapshot(arena);
                match detector.observe(&snap, &program.facts) {
                    // A woken waiter the scheduler has not run yet still shows its
                    // wait record: not proven until the OS agrees it sleeps.
                    Some(found) if crate::engine::os_confirm::any_runnable(arena, &found.stuck) => {
                        Watch::Continue
                    }
                    Some(found) => {
                        let _ = elapsed;
                        deadlock = Some(crate::checker::explain::summary(program, &snap, &found));
                        Watch::Stop(StopReason::Deadlock)
                    }
                    None => Watch::Continue,
                }
            },
        )
        .map_err(EngineError::Supervisor)?;
    // A run can hit a cap and end (the cap's RuntimeError unwinds the main process)
    // before the watch closure looks: the arena's flag still tells.
    let cap = cap.or_else(|| find_cap(arena));
    let end = match (outcome.stopped, deadlock, cap) {
        (Some(StopReason::Deadlock), Some(d), _) => RunEnd::Deadlock(d),
        (_, _, Some((message, span))) => RunEnd::CapExceeded { message, span },
        (Some(StopReason::Interrupted), _, _) => RunEnd::Interrupted,
        (Some(_), _, _) => {
            let snap = snapshot(arena);
            RunEnd::Hang {
                explanation: crate::checker::hang::hang_report(program, &snap),
            }
        }
        (None, _, None) => RunEnd::Completed,
    };
    Ok(collect_record(
        program,
        arena,
        index,
        seed,
        end,
        outcome.main_exit,
        outcome.elapsed,
    ))
}

/// The main actor, in the forked main process: the module body, Python's exit protocol,
/// then the claims' expressions evaluated in the module scope.
fn run_main(
    program: Arc<Program>,
    arena: Arc<Arena>,
    seed: u64,
    time_scale: f64,
    stress: bool,
    gil: bool,
) -> i32 {
    let mut rt = Runtime::new(program.clone(), arena, seed, time_scale, stress);
    rt.gil = gil;
    let rt = Arc::new(rt);
    let world = ActorWorld::new(rt.clone(), 0);
    world.actor_started();
    let result = {
        let mut interp = Interp::new(&program, &rt.globals, &world);
        interp.run_main()
    };
    if let Err(Unwind::Exit { code, hard: true }) = result {
        world.actor_exited_now(Some(code));
        return code;
    }
    // A process forked with os.fork() continues the module body and ends here too, but
    // only the real main actor speaks for the claims.
    let is_main = world.actor() == 0;
    let code = world.finish_code(result);
    world.process_epilogue(
        is_main,
        crate::engine::actors::end_span(&rt, Some(program.main)),
    );
    if is_main {
        evaluate_claims(&program, &rt, &world);
    }
    world.actor_exited_now(Some(code));
    code
}

fn evaluate_claims(program: &Program, rt: &Runtime, world: &ActorWorld) {
    let mut interp = Interp::new(program, &rt.globals, world);
    let (mut fi, mut oi) = (0u32, 0u32);
    for e in &program.expects {
        match &e.kind {
            ExpectKind::Final { expr, .. } => {
                let value = interp.eval_in_module(expr).ok().map(|v| v.truthy());
                world.emit(&RunEvent::Final { index: fi, value });
                fi += 1;
            }
            ExpectKind::Outcome { observe, .. } => {
                let values: Result<Vec<Value>, _> =
                    observe.iter().map(|x| interp.eval_in_module(x)).collect();
                let repr = values.ok().map(|vs| match vs.len() {
                    1 => repr::repr(&vs[0]),
                    _ => repr::repr(&Value::tuple(vs)),
                });
                world.emit(&RunEvent::Observed { index: oi, repr });
                oi += 1;
            }
            _ => {}
        }
    }
}

fn find_cap(arena: &Arena) -> Option<(String, crate::syntax::span::Span)> {
    if !arena.cap_hit() {
        return None;
    }
    arena
        .log()
        .read_all()
        .into_iter()
        .find_map(|(_, t, b)| match RunEvent::decode(t, &b) {
            Some(RunEvent::Cap { message, span }) => Some((message, span)),
            _ => None,
        })
}

fn collect_record(
    program: &Program,
    arena: &Arena,
    index: u32,
    seed: u64,
    end: RunEnd,
    main_exit: Option<i32>,
    duration: Duration,
) -> RunRecord {
    let snap = snapshot(arena);
    let label = |id: u32| {
        snap.actors
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| format!("actor-{id}"), |a| a.label.clone())
    };
    let n_final = program
        .expects
        .iter()
        .filter(|e| matches!(e.kind, ExpectKind::Final { .. }))
        .count();
    let n_obs = program
        .expects
        .iter()
        .filter(|e| matches!(e.kind, ExpectKind::Outcome { .. }))
        .count();
    let mut record = RunRecord {
        index,
        seed,
        output: Vec::new(),
        exceptions: Vec::new(),
        exit_codes: Vec::new(),
        end,
        finals: vec![None; n_final],
        observed: vec![None; n_obs],
        duration,
    };
    for (actor, t, bytes) in arena.log().read_all() {
        match RunEvent::decode(t, &bytes) {
            Some(RunEvent::Output(text)) => {
                let actor = label(actor);
                match record.output.last_mut() {
                    // Fragments of one actor's line (`end="|"`) stay one chunk.
                    Some(last) if last.actor == actor && !last.text.ends_with('\n') => {
                        last.text.push_str(&text)
                    }
                    _ => record.output.push(OutputChunk { actor, text }),
                }
            }
            Some(RunEvent::Exception { ty, msg, span }) => {
                record.exceptions.push(ExcRecord {
                    actor: label(actor),
                    ty,
                    msg,
                    span,
                });
            }
            Some(RunEvent::Final { index, value }) => {
                if let Some(slot) = record.finals.get_mut(index as usize) {
                    *slot = value;
                }
            }
            Some(RunEvent::Observed { index, repr }) => {
                if let Some(slot) = record.observed.get_mut(index as usize) {
                    *slot = repr;
                }
            }
            _ => {}
        }
    }
    for a in &snap.actors {
        if a.kind == ActorKind::Process {
            let code = if a.id == 0 {
                main_exit.or(arena.actor(0).exit_code())
            } else if a.state == ActorState::Exited {
                arena.actor(a.id).exit_code()
            } else {
                None
            };
            record.exit_codes.push((a.label.clone(), code));
        }
    }
    record
}

/// The arena's snapshot, with the channels' own counters filled in.
fn snapshot(arena: &Arena) -> crate::checker::snapshot::Snapshot {
    let mut snap = arena.snapshot();
    crate::engine::channel_calls::fill_channel_state(arena, &mut snap);
    snap
}
