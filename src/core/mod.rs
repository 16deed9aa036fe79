//! The interpreter core: runs one actor's lowered code. Makes no OS call; every effect
//! goes through `world::World`.

pub mod builtins;
pub mod call;
pub mod code;
pub mod compare;
pub mod conversions;
pub mod eval;
pub mod exec;
pub mod float_fmt;
pub mod format;
pub mod globals;
pub mod hash_eq;
pub mod immediate;
pub mod interp;
pub mod iter;
pub mod names;
pub mod ops;
pub mod percent_format;
pub mod plain_methods;
pub mod repr;
pub mod rounding;
pub mod str_format;
pub mod subscript;
pub mod value;
pub mod world;
