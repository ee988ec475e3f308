//! The report model and its renderers.

pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
mod model;

pub use model::*;
