//! The interpreter core: runs one actor's lowered code. Makes no OS call; every effect
//! goes through `world::World`.

pub mod call;
pub mod eval;
pub mod exec;
pub mod globals;
pub mod interp;
pub mod names;
pub mod repr;
pub mod value;
pub mod world;
