//! The interpreter: runs one actor's code — a function of the plan — over a [`World`].
//!
//! One `Interp` per OS thread. It owns the thread's call stack (frames of locals); the
//! process's globals are shared with the other threads of the process. Statements are in
//! `exec.rs`, expressions in `eval.rs`, argument binding in `call.rs`.

use std::rc::Rc;
use std::sync::Arc;

use crate::core::code::{self, Block};
use crate::core::exec::Ctl;

use crate::core::globals::Globals;
use crate::core::value::{Exception, Res, Unwind, Value};
use crate::core::world::{Args, Caller, World};
use crate::plan::ir::{Expr, FuncId, Program};
use crate::syntax::span::Span;

/// How deep scenario calls may nest before `RecursionError` (CPython's default limit is
/// 1000; ours is lower because each level is a native Rust frame on a thread stack).
pub const MAX_DEPTH: u32 = 400;

pub struct Interp<'a> {
    pub program: &'a Program,
    pub globals: &'a Globals,
    pub world: &'a dyn World,
    /// Current call depth.
    pub(crate) depth: u32,
    /// Exceptions being handled (innermost last), for a bare `raise`.
    pub(crate) handling: Vec<Arc<Exception>>,
    /// Function bodies prepared for execution, by `FuncId`, each on its first call.
    bodies: Vec<Option<Rc<Block<'a>>>>,
    /// Locals vectors of returned frames, for the next calls to reuse.
    spare_locals: Vec<Vec<Option<Value>>>,
}

/// One function activation's locals.
pub(crate) struct Frame {
    pub locals: Vec<Option<Value>>,
    pub func: FuncId,
    /// The value of the `return` being executed (see `Ctl::Return`).
    pub ret: Value,
}

impl<'a> Interp<'a> {
    pub fn new(program: &'a Program, globals: &'a Globals, world: &'a dyn World) -> Interp<'a> {
        Interp {
            program,
            globals,
            world,
            depth: 0,
            handling: Vec::new(),
            bodies: Vec::new(),
            spare_locals: Vec::new(),
        }
    }

    /// Runs the module body (the main actor's code).
    pub fn run_main(&mut self) -> Res<()> {
        self.call_function(
            self.program.main,
            Vec::new(),
            Args::default(),
            self.program_span(),
        )
        .map(|_| ())
    }

    fn program_span(&self) -> Span {
        self.program.functions[self.program.main as usize].span
    }

    /// Calls function `func`, with `captured` values for a lambda's captures.
    pub fn call_function(
        &mut self,
        func: FuncId,
        captured: Vec<Value>,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        if self.depth >= MAX_DEPTH {
            return Err(recursion_error(span));
        }
        let f = &self.program.functions[func as usize];
        let mut frame = self.new_frame(func);
        let bound = self.bind_args(f, &mut frame, captured, args, span);
        self.enter_frame(frame, bound)
    }

    /// Calls `func` with positional arguments evaluated straight into its locals (a
    /// plain `f(a, b)`: no `Args` built). `None` when the call needs the general path
    /// (more arguments than parameters: that path raises Python's error).
    pub(crate) fn call_direct(
        &mut self,
        func: FuncId,
        args: &[Expr],
        caller: &mut Frame,
        span: Span,
    ) -> Option<Res<Value>> {
        let f = &self.program.functions[func as usize];
        if args.len() > f.params.len() {
            return None;
        }
        let mut frame = self.new_frame(func);
        for (i, a) in args.iter().enumerate() {
            match self.eval(a, caller) {
                Ok(v) => frame.locals[i] = Some(v),
                Err(e) => {
                    self.free_frame(frame);
                    return Some(Err(e));
                }
            }
        }
        if self.depth >= MAX_DEPTH {
            self.free_frame(frame);
            return Some(Err(recursion_error(span)));
        }
        // Defaults and missing-argument errors, as for any call.
        let bound = self.bind_args(f, &mut frame, Vec::new(), Args::default(), span);
        Some(self.enter_frame(frame, bound))
    }

    /// Calls `func` with positional arguments `pos`, cloned straight into a scenario
    /// function's locals (no `Args` built): what a pool worker does for each item.
    /// Any other callable, or more arguments than parameters, takes the general path.
    pub(crate) fn call_positional(
        &mut self,
        func: &Value,
        pos: &[Value],
        span: Span,
    ) -> Res<Value> {
        if let Value::Func(id) = func {
            let f = &self.program.functions[*id as usize];
            if pos.len() <= f.params.len() && self.depth < MAX_DEPTH {
                let mut frame = self.new_frame(*id);
                for (slot, v) in frame.locals.iter_mut().zip(pos) {
                    *slot = Some(v.clone());
                }
                let bound = self.bind_args(f, &mut frame, Vec::new(), Args::default(), span);
                return self.enter_frame(frame, bound);
            }
        }
        self.call(func, Args::new(pos.to_vec()), span)
    }

    /// Runs `func`'s body in `frame` once its arguments are bound.
    fn enter_frame(&mut self, mut frame: Frame, bound: Res<()>) -> Res<Value> {
        if let Err(e) = bound {
            self.free_frame(frame);
            return Err(e);
        }
        let body = self.body(frame.func);
        self.depth += 1;
        let result = self.run(&body, &mut frame);
        self.depth -= 1;
        let out = match result {
            Ok(Ctl::Return) => Ok(std::mem::replace(&mut frame.ret, Value::None)),
            Ok(_) => Ok(Value::None),
            Err(e) => Err(e),
        };
        self.free_frame(frame);
        out
    }

    /// A frame for `func`, its locals unset; the vector comes from the pool of freed
    /// frames when there is one (a call then allocates nothing).
    fn new_frame(&mut self, func: FuncId) -> Frame {
        let n = self.program.functions[func as usize].n_locals as usize;
        let mut locals = self.spare_locals.pop().unwrap_or_default();
        locals.resize(n, None);
        Frame {
            locals,
            func,
            ret: Value::None,
        }
    }

    fn free_frame(&mut self, frame: Frame) {
        let mut locals = frame.locals;
        locals.clear();
        // The pool never holds more vectors than frames were ever live at once.
        self.spare_locals.push(locals);
    }

    /// The prepared body of `func`, prepared now if this is its first call here.
    fn body(&mut self, func: FuncId) -> Rc<Block<'a>> {
        let i = func as usize;
        if self.bodies.len() <= i {
            self.bodies
                .resize(self.program.functions.len().max(i + 1), None);
        }
        let program = self.program;
        self.bodies[i]
            .get_or_insert_with(|| Rc::new(code::compile(&program.functions[i].body)))
            .clone()
    }
}

fn recursion_error(span: Span) -> Unwind {
    Unwind::raise(
        crate::core::names::ExcType::RecursionError,
        "maximum recursion depth exceeded",
        span,
    )
}

impl Caller for Interp<'_> {
    fn call_value(&mut self, func: &Value, args: Args, span: Span) -> Res<Value> {
        self.call(func, args, span)
    }
}

impl Interp<'_> {
    /// Evaluates a claim's expression (`final num == 100`, an `outcome` observation) in
    /// the module scope, after main has finished.
    pub fn eval_in_module(&mut self, e: &crate::plan::ir::Expr) -> Res<Value> {
        let main = &self.program.functions[self.program.main as usize];
        let mut frame = Frame {
            locals: vec![None; main.n_locals as usize],
            func: self.program.main,
            ret: Value::None,
        };
        self.eval(e, &mut frame)
    }
}
