//! The project-wide phase: merges every file's facts into one view of types and functions.
//!
//! Runs after the parallel per-file phase. It indexes types (all fragments: Swift
//! extensions, ObjC categories and headers, Rust `impl` blocks, in any file), functions by
//! name for call resolution, and which types live for the whole process.

mod index;
pub(crate) mod lifetime;
pub mod resolve;

use crate::config::Config;
use crate::facts::source::SourceFile;
use crate::facts::{
    FileFacts, Function, FunctionKind, LineIndex, MemberDecl, Name, TypeDecl, TypeKind, Visibility,
};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

/// Index of a function: (file, position in that file's `functions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnId {
    pub file: usize,
    pub index: usize,
}

/// A type merged from all its fragments: Swift extensions, ObjC categories and headers, Rust
/// `impl` blocks, in any file.
#[derive(Debug)]
struct TypeInfo {
    /// Where its fragments are, in file order: (file, index in that file's `types`). Never
    /// empty. Members are read from the fragments, not copied out of them: a whole tree
    /// declares tens of thousands, and copying each into a map per type was most of the merge.
    fragments: Vec<(usize, usize)>,
    /// Its members by name, the first declaration of each: (fragment, index in its
    /// `members`). Built the first time the analysis asks, which it does for few types.
    by_name: OnceLock<Vec<(usize, usize)>>,
}

/// All files' facts, merged.
pub struct Project {
    pub facts: Vec<FileFacts>,
    /// Each file's line index, for messages that name a line.
    pub lines: Vec<LineIndex>,
    pub config: Config,
    /// Every type declared or extended anywhere, by the hash of its name (see [`TypeInfo`]).
    types: Vec<(u64, TypeInfo)>,
    /// Functions by (owner, name), for call resolution.
    by_owner_name: index::NameIndex,
    /// Callable methods by name alone, for receivers of unknown type.
    methods_by_name: index::NameIndex,
    /// Types whose instances live for the whole process (singletons, configured types).
    pub process_lifetime: BTreeSet<Name>,
    /// Types that also have a shared instance but other instances too (judged like any type;
    /// messages say the shared one is fine).
    pub shared_and_more: BTreeSet<Name>,
    /// Types constructed into static storage whose verdict other constructions decide (any
    /// construction elsewhere in the project would change it).
    pub counted_instances: BTreeSet<Name>,
    /// For each type or protocol, the types that name it as a supertype (directly).
    subtypes: BTreeMap<Name, BTreeSet<Name>>,
    /// ObjC selectors declared in a header's `@interface`, per class: callable by users.
    header_methods: HashSet<(Name, Name)>,
}

impl Project {
    pub fn build(files: &[SourceFile], mut facts: Vec<FileFacts>, config: &Config) -> Project {
        // The run fills these in per file; facts built another way get them here.
        facts
            .par_iter_mut()
            .filter(|ff| ff.mentions.len() != ff.functions.len())
            .for_each(|ff| ff.mentions = crate::facts::mentions::index(ff));
        let types = merge_types(&facts);
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
        let mut subtypes: BTreeMap<Name, BTreeSet<Name>> = BTreeMap::new();
        let mut header_methods = HashSet::new();
        for ff in &facts {
            for t in &ff.types {
                for s in &t.info.supertypes {
                    subtypes
                        .entry(s.clone())
                        .or_default()
                        .insert(t.name.clone());
                }
                if ff.declarations_only {
                    header_methods.extend(
                        t.info
                            .declared_methods
                            .iter()
                            .map(|m| (t.name.clone(), m.clone())),
                    );
                }
            }
        }
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
            shared_and_more: BTreeSet::new(),
            counted_instances: BTreeSet::new(),
            subtypes,
            header_methods,
        };
        let lifetimes = lifetime::process_lifetime_types(&project);
        project.process_lifetime = lifetimes.process;
        project.shared_and_more = lifetimes.shared_and_more;
        project.counted_instances = lifetimes.counted_instances;
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

    /// Gives the facts back (to merge them again with more files).
    pub fn into_facts(self) -> Vec<FileFacts> {
        self.facts
    }

    /// Frees the facts on every worker thread: on a large tree, dropping millions of small
    /// facts on one thread shows at the end of the run.
    pub fn free(self) {
        self.facts.into_par_iter().for_each(drop);
    }

    /// What the function mentions (see [`crate::facts::mentions`]).
    pub fn mentions(&self, id: FnId) -> &crate::facts::mentions::Mentions {
        &self.facts[id.file].mentions[id.index]
    }

    /// Every function id, in file order.
    pub fn function_ids(&self) -> impl Iterator<Item = FnId> + '_ {
        self.facts
            .iter()
            .enumerate()
            .flat_map(|(file, ff)| (0..ff.functions.len()).map(move |index| FnId { file, index }))
    }

    /// The stored member `name` of `owner`: its first declaration, across fragments in file
    /// order.
    pub fn member(&self, owner: &str, name: &str) -> Option<&MemberDecl> {
        let (info, by_name) = self.members_by_name(owner)?;
        let at = by_name
            .binary_search_by(|e| self.member_at(info, e).name.as_str().cmp(name))
            .ok()?;
        Some(self.member_at(info, &by_name[at]))
    }

    /// Every stored member of `owner`, each name once (its first declaration), by name.
    pub fn members_of<'a>(&'a self, owner: &str) -> impl Iterator<Item = &'a MemberDecl> + 'a {
        self.members_by_name(owner)
            .into_iter()
            .flat_map(move |(info, by_name)| by_name.iter().map(move |e| self.member_at(info, e)))
    }

    /// The type's members by name (see [`TypeInfo::by_name`]), built on first use.
    fn members_by_name(&self, owner: &str) -> Option<(&TypeInfo, &[(usize, usize)])> {
        let info = self.type_info(owner)?;
        let by_name = info.by_name.get_or_init(|| {
            let mut all: Vec<(usize, usize)> = info
                .fragments
                .iter()
                .enumerate()
                .flat_map(|(fragment, &at)| {
                    (0..self.fragment(at).members.len()).map(move |index| (fragment, index))
                })
                .collect();
            // Stable, then the first of each name kept: the first declaration wins.
            all.sort_by(|a, b| {
                self.member_at(info, a)
                    .name
                    .cmp(&self.member_at(info, b).name)
            });
            all.dedup_by(|later, first| {
                self.member_at(info, later).name == self.member_at(info, first).name
            });
            all
        });
        Some((info, by_name))
    }

    fn member_at(&self, info: &TypeInfo, &(fragment, index): &(usize, usize)) -> &MemberDecl {
        &self.fragment(info.fragments[fragment]).members[index]
    }

    /// The types that conform to or inherit from `name`, transitively (not `name` itself).
    pub fn subtypes_of(&self, name: &str) -> BTreeSet<Name> {
        let mut out = BTreeSet::new();
        let mut todo = vec![name.to_string()];
        while let Some(t) = todo.pop() {
            for sub in self.subtypes.get(&t).into_iter().flatten() {
                if out.insert(sub.clone()) {
                    todo.push(sub.clone());
                }
            }
        }
        out.remove(name);
        out
    }

    /// Supertypes of `name` across its fragments, transitively, nearest first.
    pub fn supertypes_of(&self, name: &str) -> Vec<Name> {
        let mut out: Vec<Name> = Vec::new();
        let mut i = 0;
        let mut current = name.to_string();
        loop {
            for decl in self.fragments_of(&current) {
                for s in &decl.info.supertypes {
                    if s != name && !out.contains(s) {
                        out.push(s.clone());
                    }
                }
            }
            let Some(next) = out.get(i) else { break };
            current = next.clone();
            i += 1;
        }
        out
    }

    /// Every fragment of the type `name`, in file order.
    pub fn fragments_of<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a TypeDecl> + 'a {
        self.type_info(name)
            .into_iter()
            .flat_map(move |info| info.fragments.iter().map(move |&at| self.fragment(at)))
    }

    /// Where the fragments of `name` are: (file, span).
    pub fn fragment_spans(&self, name: &str) -> Vec<(usize, crate::facts::Span)> {
        self.type_info(name)
            .map(|info| {
                info.fragments
                    .iter()
                    .map(|&(file, index)| (file, self.facts[file].types[index].span))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Some fragment of `name` holds a region the parser could not read that writes one of
    /// `words` (a member's name, an invalidation): what the type does there is unknown.
    pub fn has_unreadable_parts(&self, name: &str, words: &[&str]) -> bool {
        self.fragment_spans(name).into_iter().any(|(file, span)| {
            let ff = &self.facts[file];
            ff.problems.iter().enumerate().any(|(i, p)| {
                let overlaps = p.span.start < span.end && span.start <= p.span.end;
                // Facts built without words (tests) count every region.
                overlaps
                    && ff.unreadable_words.get(i).is_none_or(|written| {
                        words
                            .iter()
                            .any(|w| written.binary_search_by(|x| x.as_str().cmp(w)).is_ok())
                    })
            })
        })
    }

    /// The type is visible to a library's users: declared `public`/`open` (Swift, Rust) or
    /// in an ObjC header.
    pub fn is_public_type(&self, name: &str) -> bool {
        self.type_info(name).is_some_and(|info| {
            info.fragments.iter().any(|&(file, index)| {
                let decl = &self.facts[file].types[index];
                decl.info.visibility == Visibility::Public
                    || (self.facts[file].declarations_only && decl.kind == TypeKind::Class)
            })
        })
    }

    /// A library's users can call `f`: `public`/`open`/`pub`, or (ObjC) declared in a header.
    pub fn is_public_function(&self, f: &Function) -> bool {
        f.visibility == Visibility::Public
            || f.owner
                .as_ref()
                .is_some_and(|o| self.header_methods.contains(&(o.clone(), f.name.clone())))
    }

    /// 1-based line of a byte offset in a file.
    pub fn line_of(&self, file: usize, offset: u32) -> u32 {
        self.lines.get(file).map_or(0, |l| l.line_of(offset))
    }

    pub fn is_type(&self, name: &str) -> bool {
        self.type_info(name).is_some()
    }

    fn type_info(&self, name: &str) -> Option<&TypeInfo> {
        let hash = index::key(None, name);
        let from = self.types.partition_point(|&(h, _)| h < hash);
        self.types[from..]
            .iter()
            .take_while(|&&(h, _)| h == hash)
            .map(|(_, info)| info)
            .find(|info| self.fragment(info.fragments[0]).name == name)
    }

    fn fragment(&self, (file, index): (usize, usize)) -> &TypeDecl {
        &self.facts[file].types[index]
    }
}

/// Every type's fragments, grouped by name, in order of the name's hash. Hashing each name
/// once, in parallel, and sorting the hashes was far cheaper than sorting or mapping the
/// names themselves, whose bytes sit in memory written long before.
fn merge_types(facts: &[FileFacts]) -> Vec<(u64, TypeInfo)> {
    let mut fragments: Vec<(u64, &Name, (usize, usize))> = facts
        .par_iter()
        .enumerate()
        .flat_map_iter(|(file, ff)| {
            ff.types
                .iter()
                .enumerate()
                .map(move |(index, decl)| (index::key(None, &decl.name), &decl.name, (file, index)))
        })
        .collect();
    // Stable: the fragments of one type keep their file order.
    fragments.par_sort_by_key(|&(hash, _, _)| hash);
    fragments
        .par_chunk_by(|a, b| a.0 == b.0)
        .flat_map_iter(|same_hash| {
            // Two names with one hash (rare) are two types, in order of first appearance.
            let mut types: Vec<(u64, &Name, TypeInfo)> = Vec::with_capacity(1);
            for &(hash, name, at) in same_hash {
                match types.iter_mut().find(|(_, n, _)| *n == name) {
                    Some((_, _, info)) => info.fragments.push(at),
                    None => types.push((
                        hash,
                        name,
                        TypeInfo {
                            fragments: vec![at],
                            by_name: OnceLock::new(),
                        },
                    )),
                }
            }
            types.into_iter().map(|(hash, _, info)| (hash, info))
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Language, Span};

    fn member(name: &str, is_weak: bool) -> MemberDecl {
        MemberDecl {
            name: name.into(),
            span: Span::new(0, 1),
            is_static: false,
            is_lazy: false,
            is_optional: false,
            is_weak,
            is_computed: false,
            declared_session: false,
            declared_type: None,
        }
    }

    fn fragment(name: &str, kind: TypeKind, members: Vec<MemberDecl>) -> TypeDecl {
        TypeDecl {
            name: name.into(),
            kind,
            span: Span::new(0, 1),
            members,
            info: crate::facts::TypeDeclInfo::default(),
        }
    }

    fn project(types: Vec<Vec<TypeDecl>>) -> Project {
        let files: Vec<SourceFile> = (0..types.len())
            .map(|i| SourceFile::new(format!("{i}.swift").into(), Language::Swift, "", vec![]))
            .collect();
        let facts = types
            .into_iter()
            .map(|types| FileFacts {
                types,
                ..FileFacts::default()
            })
            .collect();
        Project::build(&files, facts, &Config::default())
    }

    #[test]
    fn a_type_is_merged_from_its_fragments_in_every_file_the_first_declaration_winning() {
        let p = project(vec![
            vec![
                fragment("B", TypeKind::Class, vec![member("b", false)]),
                fragment("A", TypeKind::Extension, vec![member("s", true)]),
            ],
            vec![fragment(
                "A",
                TypeKind::Class,
                vec![member("t", false), member("s", false)],
            )],
        ]);
        assert!(p.member("A", "s").is_some_and(|m| m.is_weak));
        assert!(p.member("A", "t").is_some());
        let names: Vec<&str> = p.members_of("A").map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["s", "t"]);
        assert!(p.members_of("A").next().is_some_and(|m| m.is_weak));
        assert_eq!(p.members_of("C").count(), 0);
        assert!(p.is_type("A") && p.is_type("B"));
        assert!(!p.is_type("C") && p.member("C", "s").is_none());
        assert!(p.member("B", "s").is_none() && p.member("B", "b").is_some());
    }
}
