//! Builtins with an effect: output, time, CPU work, input, os, random, and the
//! constructors of engine objects.

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use rand::RngExt;

use crate::checker::snapshot::{Wait, WaitOp};
use crate::core::names::{Builtin, ExcType};
use crate::core::value::{Handle, HandleKind, Res, Unwind, Value};
use crate::core::world::{Args, Caller};
use crate::engine::actor_world::ActorWorld;
use crate::engine::arg;
use crate::engine::run_event::RunEvent;
use crate::syntax::span::Span;

impl ActorWorld {
    pub(crate) fn builtin(
        &self,
        cx: &mut dyn Caller,
        b: Builtin,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        match b {
            Builtin::Print => {
                if let Some(Value::Str(s)) = args.pos.first() {
                    self.emit(&RunEvent::Output(s.to_string()));
                }
                Ok(Value::None)
            }
            Builtin::Flush => Ok(Value::None),
            Builtin::Sleep => {
                let secs = arg::opt_float(&args, 0, "secs", span)?.unwrap_or(0.0);
                if secs < 0.0 {
                    return Err(Unwind::raise(
                        ExcType::ValueError,
                        "sleep length must be non-negative",
                        span,
                    ));
                }
                self.sleep(secs, span);
                Ok(Value::None)
            }
            Builtin::Time => {
                let epoch = self.rt_epoch();
                Ok(Value::Float(epoch + self.rt.scenario_now()))
            }
            Builtin::PerfCounter | Builtin::Monotonic => Ok(Value::Float(self.rt.scenario_now())),
            Builtin::Work => {
                let n = arg::opt_int(&args, 0, "n", span)?.unwrap_or(0).max(0) as u64;
                self.work(n);
                Ok(Value::None)
            }
            Builtin::Input => self.input(&args, span),
            Builtin::Getpid => Ok(Value::Int(i128::from(std::process::id()))),
            // SAFETY: getppid has no preconditions and cannot fail.
            Builtin::Getppid => Ok(Value::Int(i128::from(unsafe { libc::getppid() }))),
            Builtin::CpuCount => Ok(Value::Int(
                std::thread::available_parallelism().map_or(1, |n| n.get()) as i128,
            )),
            Builtin::SysExit => {
                let code = match args.pos.first() {
                    None | Some(Value::None) => 0,
                    Some(Value::Int(i)) => *i as i32,
                    Some(Value::Bool(b)) => i32::from(*b),
                    Some(other) => {
                        self.emit(&RunEvent::Output(format!(
                            "{}\n",
                            crate::core::repr::str(other)
                        )));
                        1
                    }
                };
                Err(Unwind::Exit { code, hard: false })
            }
            Builtin::OsExit => {
                let code = arg::opt_int(&args, 0, "n", span)?.unwrap_or(0) as i32;
                Err(Unwind::Exit { code, hard: true })
            }
            Builtin::RandInt => {
                let a = arg::int(args.pos.first().unwrap_or(&Value::None), span)?;
                let b = arg::int(args.pos.get(1).unwrap_or(&Value::None), span)?;
                if a > b {
                    return Err(Unwind::raise(
                        ExcType::ValueError,
                        format!(
                            "empty range for randrange() ({a}, {}, {})",
                            b + 1,
                            b + 1 - a
                        ),
                        span,
                    ));
                }
                Ok(Value::Int(self.rng.borrow_mut().random_range(a..=b)))
            }
            Builtin::Random => Ok(Value::Float(self.rng.borrow_mut().random::<f64>())),
            Builtin::Uniform => {
                let a = arg::float(args.pos.first().unwrap_or(&Value::None), span)?;
                let b = arg::float(args.pos.get(1).unwrap_or(&Value::None), span)?;
                let r: f64 = self.rng.borrow_mut().random();
                Ok(Value::Float(a + (b - a) * r))
            }
            Builtin::Choice => {
                let seq = args.pos.first().cloned().unwrap_or(Value::None);
                let items = crate::core::iter::to_vec(&seq, span)?;
                if items.is_empty() {
                    return Err(Unwind::raise(
                        ExcType::IndexError,
                        "Cannot choose from an empty sequence",
                        span,
                    ));
                }
                let i = self.rng.borrow_mut().random_range(0..items.len());
                Ok(items[i].clone())
            }
            Builtin::Shuffle => {
                if let Some(Value::List(l)) = args.pos.first() {
                    let mut v = l.lock();
                    let mut rng = self.rng.borrow_mut();
                    for i in (1..v.len()).rev() {
                        let j = rng.random_range(0..=i);
                        v.swap(i, j);
                    }
                }
                Ok(Value::None)
            }
            Builtin::Fork => self.os_fork(span),
            Builtin::Thread | Builtin::Timer | Builtin::Process => self.new_actor(b, args, span),
            Builtin::CurrentThread | Builtin::MainThread => {
                let id = if b == Builtin::MainThread {
                    self.rt.process_actor()
                } else {
                    self.actor()
                };
                Ok(Value::Handle(Handle {
                    kind: HandleKind::Thread,
                    id,
                }))
            }
            Builtin::CurrentProcess => Ok(Value::Handle(Handle {
                kind: HandleKind::Process,
                id: self.rt.process_actor(),
            })),
            Builtin::GetIdent => Ok(Value::Int(i128::from(self.actor()) + 1)),
            Builtin::ActiveCount => Ok(Value::Int(self.live_threads_here() as i128)),
            Builtin::ActiveChildren => Ok(Value::list(self.live_children_here())),
            Builtin::Value | Builtin::Array => self.new_shared(b, args, span),
            Builtin::MpQueue | Builtin::JoinableQueue | Builtin::MpSimpleQueue | Builtin::Pipe => {
                self.new_channel(b, args, span)
            }
            Builtin::Pool
            | Builtin::ThreadPool
            | Builtin::ThreadPoolExecutor
            | Builtin::ProcessPoolExecutor
            | Builtin::Wait
            | Builtin::AsCompleted => self.pool_builtin(b, args, span),
            _ => self.new_sync(cx, b, args, span),
        }
    }

    /// Seconds since the Unix epoch at the run's start, in scenario seconds.
    fn rt_epoch(&self) -> f64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        now - self.rt.start.elapsed().as_secs_f64()
    }

    /// `time.sleep`: a wait that always ends by itself.
    pub(crate) fn sleep(&self, secs: f64, span: Span) {
        let d = self.rt.real(secs);
        self.begin_wait(Wait {
            op: WaitOp::Sleep,
            res: None,
            target: None,
            span,
            timed: true,
            detail: 0,
        });
        std::thread::sleep(d);
        self.end_wait();
    }

    /// `work(n)`: n units of CPU. Under `gil = true` the threads of one process take turns.
    fn work(&self, n: u64) {
        let mut gil = self.gil_enter();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for i in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if i % 4096 == 4095 {
                gil.maybe_switch();
            }
        }
        black_box(x);
    }

    fn input(&self, args: &Args, span: Span) -> Res<Value> {
        if let Some(p) = args.pos.first() {
            self.emit(&RunEvent::Output(crate::core::repr::str(p)));
        }
        match self.rt.inputs.lock().pop_front() {
            Some(line) => Ok(Value::str(&line)),
            None => Err(Unwind::raise(
                ExcType::EOFError,
                "EOF when reading a line",
                span,
            )),
        }
    }
}
