//! The report model and its renderers.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
mod model;
pub mod sarif;

pub use model::*;
