//! The project-wide phase: merges every file's facts into one view of types and functions.

use crate::config::Config;
use crate::facts::FileFacts;
use crate::run::SourceFile;

/// All files' facts, merged.
pub struct Project {
    pub facts: Vec<FileFacts>,
    pub config: Config,
}

impl Project {
    pub fn build(_files: &[SourceFile], facts: Vec<FileFacts>, config: &Config) -> Project {
        Project {
            facts,
            config: config.clone(),
        }
    }
}
