//! sessionlint: finds `URLSession` / `NSURLSession` objects that are never invalidated.
//!
//! The pipeline, one module a stage (see ARCHITECTURE.md):
//! [`discover`] → [`frontend`] (parse + lower to [`facts`]) → [`project`] (merge) →
//! [`analyze`] (CFG + dataflow) → [`rules`] → [`report`].
//! [`run`] wires the stages together; the binary only parses the command line.

pub mod analyze;
pub mod baseline;
pub mod cache;
pub mod cli;
pub mod config;
pub mod discover;
pub mod facts;
pub mod fix;
pub mod frontend;
pub mod isolate;
pub mod prefilter;
pub mod project;
pub mod report;
pub mod rules;
pub mod run;
pub mod server;
pub mod suppress;
