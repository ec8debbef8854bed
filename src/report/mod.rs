//! Output formats. Emitters only format: no analysis, no I/O beyond the writer they get.

pub mod json;
