//! The rule families beyond syntax: one file each, called from the single walk (tree rules) or
//! from one pass over the lines (style).

pub(crate) mod complexity;
pub(crate) mod security;
pub(crate) mod style;
pub(crate) mod types;
