//! Worker pools and futures: `multiprocessing.Pool`, `multiprocessing.dummy.Pool`
//! (`ThreadPool`), `concurrent.futures.ThreadPoolExecutor` / `ProcessPoolExecutor`, their
//! `AsyncResult`s, `Future`s and `imap` iterators, and `wait` / `as_completed`.
//!
//! One design serves all four pools. The pool is an arena record ([`PoolRec`]) holding a
//! FIFO of task nodes in the arena heap ([`task_queue`]); each result object is an arena
//! record too ([`FutureRec`]) whose state word is a futex, whose `count` is 1 once done
//! and whose `link` is the worker running it: exactly what the deadlock checker reads.
//! Workers are scenario actors (threads, or processes forked when the pool starts), so
//! every wait of theirs is recorded. Thread pools keep task bodies and results as
//! process-local values; process pools encode them with the channel wire format into the
//! shared heap, so nothing needs a helper thread or a pipe.
//!
//! Deviations from CPython, on purpose: `executor.map(...)` and `as_completed(...)` return
//! lists (not lazy generators), so their waits and their `TimeoutError` happen at the call;
//! `wait(...)` returns a `(done, not_done)` tuple of lists (sets in CPython); a task whose
//! arguments cannot cross to a process pool raises at `submit`/`apply_async`.

mod blobs;
mod callbacks;
mod chunk_codec;
mod executor_calls;
mod future;
mod local_work;
mod pool_calls;
mod pool_rec;
mod registry;
mod result_calls;
mod seq_word;
pub mod task_queue;
mod wait_funcs;
mod worker;

pub use future::FutureRec;
pub use pool_rec::PoolRec;
