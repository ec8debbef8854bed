//! Rules: one file each. A rule's words live in `rules/<ID>.toml`, its logic here.

pub mod diagnostic;
pub mod registry;
