//! Diagnostics: errors with spans, and the one place that renders them.

pub mod diagnostic;
pub mod did_you_mean;
pub mod render;

pub use diagnostic::{Diagnostic, Label, Severity};
