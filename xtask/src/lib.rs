//! The generators behind `cargo xtask codegen`, as a library: the binary runs them over the
//! registry of every feature, and a feature crate's own tests can call them over its providers
//! (`codegen::reference::render`, `codegen::schemas`), as the feature template does.

pub mod codegen;
