//! The project-wide phase: merges every file's facts into one view of types and functions.
//!
//! Runs after the parallel per-file phase. It indexes types (all fragments: Swift
//! extensions, ObjC categories and headers, Rust `impl` blocks, in any file), functions by
//! name for call resolution, and which types live for the whole process.

mod index;
pub(crate) mod lifetime;
pub mod resolve;

use crate::config::Config;
use crate::facts::{FileFacts, Function, FunctionKind, LineIndex, MemberDecl, Name, TypeKind};
use crate::run::SourceFile;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Index of a function: (file, position in that file's `functions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnId {
    pub file: usize,
    pub index: usize,
}

/// A type merged from all its fragments.
#[derive(Debug, Default)]
pub struct TypeInfo {
    /// `Class` or `Struct` when a primary declaration was seen; `None` for types only extended.
    pub kind: Option<TypeKind>,
    /// Stored members from every fragment; the first declaration of a name wins.
    pub members: BTreeMap<Name, MemberDecl>,
}

/// All files' facts, merged.
pub struct Project {
    pub facts: Vec<FileFacts>,
    /// Each file's line index, for messages that name a line.
    pub lines: Vec<LineIndex>,
    pub config: Config,
    pub types: BTreeMap<Name, TypeInfo>,
    /// Functions by (owner, name), for call resolution.
    by_owner_name: index::NameIndex,
    /// Callable methods by name alone, for receivers of unknown type.
    methods_by_name: index::NameIndex,
    /// Types whose instances live for the whole process (singletons, configured types).
    pub process_lifetime: BTreeSet<Name>,
}

impl Project {
    pub fn build(files: &[SourceFile], mut facts: Vec<FileFacts>, config: &Config) -> Project {
        // The run fills these in per file; facts built another way get them here.
        facts
            .par_iter_mut()
            .filter(|ff| ff.mentions.len() != ff.functions.len())
            .for_each(|ff| ff.mentions = crate::analyze::mentions::index(ff));
        let mut types: BTreeMap<Name, TypeInfo> = BTreeMap::new();
        for ff in &facts {
            for decl in &ff.types {
                let info = types.entry(decl.name.clone()).or_default();
                if matches!(decl.kind, TypeKind::Class | TypeKind::Struct) {
                    info.kind.get_or_insert(decl.kind);
                }
                for m in &decl.members {
                    info.members
                        .entry(m.name.clone())
                        .or_insert_with(|| m.clone());
                }
            }
        }
        let keyed: Vec<(index::Keyed, index::Keyed)> = facts
            .par_iter()
            .enumerate()
            .map(|(file, ff)| {
                let mut by_owner = Vec::with_capacity(ff.functions.len());
                let mut methods = Vec::new();
                for (index, f) in ff.functions.iter().enumerate() {
                    let id = FnId { file, index };
                    by_owner.push((index::key(f.owner.as_deref(), &f.name), id));
                    if f.owner.is_some() && is_callable(f) {
                        methods.push((index::key(None, &f.name), id));
                    }
                }
                (by_owner, methods)
            })
            .collect();
        let (by_owner, methods): (Vec<_>, Vec<_>) = keyed.into_iter().unzip();
        let by_owner_name = index::NameIndex::new(by_owner.concat());
        let methods_by_name = index::NameIndex::new(methods.concat());
        let mut project = Project {
            facts,
            lines: files.iter().map(|f| f.lines.clone()).collect(),
            config: config.clone(),
            types,
            by_owner_name,
            methods_by_name,
            process_lifetime: BTreeSet::new(),
        };
        project.process_lifetime = lifetime::process_lifetime_types(&project);
        project
    }

    pub fn function(&self, id: FnId) -> &Function {
        &self.facts[id.file].functions[id.index]
    }

    /// The functions named `name` with this owner (`None`: free functions), in file order.
    pub fn functions_named<'a>(
        &'a self,
        owner: Option<&'a str>,
        name: &'a str,
    ) -> impl Iterator<Item = FnId> + 'a {
        self.by_owner_name
            .candidates(index::key(owner, name))
            .filter(move |&id| {
                let f = self.function(id);
                f.name == name && f.owner.as_deref() == owner
            })
    }

    /// The callable methods named `name`, whatever their owner, in file order.
    pub fn methods_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = FnId> + 'a {
        self.methods_by_name
            .candidates(index::key(None, name))
            .filter(move |&id| self.function(id).name == name)
    }

    /// Frees the facts on every worker thread: on a large tree, dropping millions of small
    /// facts on one thread shows at the end of the run.
    pub fn free(self) {
        self.facts.into_par_iter().for_each(drop);
    }

    /// What the function mentions (see [`crate::analyze::mentions`]).
    pub fn mentions(&self, id: FnId) -> &crate::analyze::mentions::Mentions {
        &self.facts[id.file].mentions[id.index]
    }

    /// Every function id, in file order.
    pub fn function_ids(&self) -> impl Iterator<Item = FnId> + '_ {
        self.facts
            .iter()
            .enumerate()
            .flat_map(|(file, ff)| (0..ff.functions.len()).map(move |index| FnId { file, index }))
    }

    pub fn member(&self, owner: &str, name: &str) -> Option<&MemberDecl> {
        self.types.get(owner)?.members.get(name)
    }

    /// 1-based line of a byte offset in a file.
    pub fn line_of(&self, file: usize, offset: u32) -> u32 {
        self.lines.get(file).map_or(0, |l| l.line_of(offset))
    }

    pub fn is_type(&self, name: &str) -> bool {
        self.types.contains_key(name)
    }
}

/// Functions a call can reach (not initializers of properties, not deinit).
pub(crate) fn is_callable(f: &Function) -> bool {
    matches!(
        f.kind,
        FunctionKind::Free
            | FunctionKind::Method
            | FunctionKind::StaticMethod
            | FunctionKind::Getter
    )
}
