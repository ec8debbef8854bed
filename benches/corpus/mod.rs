//! A deterministic generator of a realistic source tree for the benchmark and the
//! prefilter-equivalence test: Swift app code, Objective-C (`.h`/`.m`, C++-heavy headers,
//! some `.mm`) and Rust, where about 3% of the files use sessions in the shapes of
//! SEMANTICS.md (buggy and correct), and names those files define (factories, releasers,
//! owner types) are used from ordinary files, so the prefilter needs more than one round.
//!
//! Same seed and size, same bytes: the only I/O is writing the files.

mod objc;
mod rust;
mod session;
mod swift;

use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Lines of ordinary and session code to write (the pathological files come on top).
    pub lines: usize,
    pub seed: u64,
    /// Add the 1 MB generated Swift file and the 600 KB protobuf-style C++ header.
    pub pathological: bool,
    /// One file in this many uses sessions (33: about 3%, as in real code).
    pub session_every: usize,
}

impl Spec {
    /// A realistic corpus of about `lines` lines.
    pub fn realistic(lines: usize) -> Spec {
        Spec {
            lines,
            seed: 0x5E55_1011,
            pathological: lines >= 500_000,
            session_every: 33,
        }
    }
}

/// What was generated.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub lines: usize,
    pub bytes: u64,
    /// Files containing a session shape (creation, invalidation or shared-session use).
    pub session_files: usize,
    /// Ordinary files that use a name a session file defines (found in a later prefilter round).
    pub cross_file_users: usize,
}

/// Bumped whenever the generated text changes, so cached corpora are regenerated.
pub const GENERATOR_VERSION: u32 = 1;

/// Writes the corpus under `root` (created if needed).
pub fn generate(root: &Path, spec: &Spec) -> std::io::Result<Summary> {
    let mut gen = Generator {
        rng: Rng::new(spec.seed),
        summary: Summary::default(),
        pending: Vec::new(),
        root: root.to_path_buf(),
        next_id: 0,
        shapes: [0; 3],
    };
    gen.run(spec)?;
    if spec.pathological {
        gen.write(
            "Generated/ApiModels.pb.swift",
            &swift::generated_protobuf(1_000_000),
        )?;
        gen.write("Vendor/Proto/api.pb.h", &objc::protobuf_header(600_000))?;
    }
    Ok(gen.summary)
}

/// Writes the two pathological files alone under `root`; returns their paths.
pub fn generate_pathological(root: &Path) -> std::io::Result<(PathBuf, PathBuf)> {
    let swift_path = root.join("ApiModels.pb.swift");
    let header_path = root.join("api.pb.h");
    std::fs::create_dir_all(root)?;
    std::fs::write(&swift_path, swift::generated_protobuf(1_000_000))?;
    std::fs::write(&header_path, objc::protobuf_header(600_000))?;
    Ok((swift_path, header_path))
}

/// A small, fast, seedable PRNG (splitmix64): no dependency, same stream everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Replaces each `$KEY` in `template` by its value (longest keys first is the caller's job:
/// keys here never prefix one another).
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (key, value) in vars {
        out = out.replace(key, value);
    }
    out
}

pub const NOUNS: &[&str] = &[
    "Account", "Profile", "Feed", "Order", "Cart", "Photo", "Message", "Contact", "Invoice",
    "Ticket", "Playlist", "Track", "Comment", "Review", "Store", "Coupon", "Address", "Payment",
    "Badge", "Event", "Album", "Channel", "Device", "Session", "Location", "Reminder", "Note",
    "Report", "Receipt", "Workout",
];

pub const FIELDS: &[(&str, &str)] = &[
    ("id", "Int"),
    ("title", "String"),
    ("subtitle", "String?"),
    ("createdAt", "Date"),
    ("updatedAt", "Date?"),
    ("isFavorite", "Bool"),
    ("count", "Int"),
    ("price", "Double"),
    ("tags", "[String]"),
    ("ownerID", "UUID"),
    ("thumbnailURL", "URL?"),
    ("rating", "Float"),
    ("summary", "String"),
    ("position", "Int"),
];

/// A language of the tree, with its share of ordinary lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Swift,
    ObjC,
    Rust,
}

/// A name a session file defines that ordinary files then use.
#[derive(Clone, Debug)]
pub enum CrossRef {
    /// A Swift factory and its releaser (`makeX()` / `releaseX(_:)`).
    SwiftFactory { make: String, release: String },
    /// A Swift owner type with a stored session, used per instance or made a singleton
    /// (`extension T { static let shared = T() }`) by another file.
    SwiftOwner { ty: String, singleton: bool },
    /// An ObjC class method returning a new session.
    ObjCFactory { class: String, method: String },
    /// A Rust factory function.
    RustFactory { make: String },
}

impl CrossRef {
    fn lang(&self) -> Lang {
        match self {
            CrossRef::SwiftFactory { .. } | CrossRef::SwiftOwner { .. } => Lang::Swift,
            CrossRef::ObjCFactory { .. } => Lang::ObjC,
            CrossRef::RustFactory { .. } => Lang::Rust,
        }
    }
}

struct Generator {
    rng: Rng,
    summary: Summary,
    /// Names defined by session files, each waiting for ordinary files to use it.
    pending: Vec<(CrossRef, usize)>,
    root: PathBuf,
    next_id: usize,
    /// Session shapes written so far, per language (each language cycles through its own).
    shapes: [usize; 3],
}
/// How many ordinary files use each cross-file name.
const USES_PER_NAME: usize = 2;

impl Generator {
    fn run(&mut self, spec: &Spec) -> std::io::Result<()> {
        let mut file_index = 0usize;
        while self.summary.lines < spec.lines {
            let id = self.fresh();
            let lang = match self.rng.below(100) {
                0..=47 => Lang::Swift,
                48..=84 => Lang::ObjC,
                _ => Lang::Rust,
            };
            let dir = format!(
                "{}/Module{:02}/Feature{:03}",
                match lang {
                    Lang::Swift => "App",
                    Lang::ObjC => "Legacy",
                    Lang::Rust => "core/src",
                },
                file_index / 400,
                file_index / 25
            );
            let every = spec.session_every.max(1);
            let is_session = file_index % every == every / 2;
            if is_session {
                let shape = &mut self.shapes[lang as usize];
                *shape += 1;
                let shape = *shape - 1;
                self.write_session_file(&dir, lang, shape, id)?;
            } else {
                self.write_ordinary_file(&dir, lang, id)?;
            }
            file_index += 1;
        }
        Ok(())
    }

    fn fresh(&mut self) -> usize {
        self.next_id += 1;
        self.next_id
    }

    fn take_cross_ref(&mut self, lang: Lang) -> Option<CrossRef> {
        let pos = self.pending.iter().position(|(r, _)| r.lang() == lang)?;
        let (r, uses) = &mut self.pending[pos];
        let taken = r.clone();
        *uses += 1;
        if *uses >= USES_PER_NAME {
            self.pending.remove(pos);
        }
        Some(taken)
    }

    fn write_ordinary_file(&mut self, dir: &str, lang: Lang, id: usize) -> std::io::Result<()> {
        let target = self.file_lines();
        let cross = self.take_cross_ref(lang);
        if cross.is_some() {
            self.summary.cross_file_users += 1;
        }
        let noun = self.rng.pick(NOUNS).to_string();
        match lang {
            Lang::Swift => {
                let mut text = swift::ordinary(&mut self.rng, &noun, id, target);
                if let Some(r) = &cross {
                    text.push_str(&session::swift_user(r, id));
                }
                self.write(&format!("{dir}/{noun}{id}.swift"), &text)
            }
            Lang::ObjC => {
                let class = format!("{noun}Controller{id}");
                let cpp = self.rng.chance(25);
                let header = if cpp {
                    objc::cpp_header(&mut self.rng, &class, id, target / 2)
                } else {
                    objc::header(&mut self.rng, &class, target / 5)
                };
                self.write(&format!("{dir}/{class}.h"), &header)?;
                let objcpp = cpp && self.rng.chance(40);
                let mut body = objc::implementation(&mut self.rng, &class, id, target, objcpp);
                if let Some(r) = &cross {
                    body.push_str(&session::objc_user(r, id));
                }
                let ext = if objcpp { "mm" } else { "m" };
                self.write(&format!("{dir}/{class}.{ext}"), &body)
            }
            Lang::Rust => {
                let mut text = rust::ordinary(&mut self.rng, &noun, id, target);
                if let Some(r) = &cross {
                    text.push_str(&session::rust_user(r, id));
                }
                self.write(&format!("{dir}/{}_{id}.rs", noun.to_lowercase()), &text)
            }
        }
    }

    fn write_session_file(
        &mut self,
        dir: &str,
        lang: Lang,
        shape: usize,
        id: usize,
    ) -> std::io::Result<()> {
        self.summary.session_files += 1;
        let target = self.file_lines() / 2;
        let noun = self.rng.pick(NOUNS).to_string();
        match lang {
            Lang::Swift => {
                let (code, refs) = session::swift(shape, id);
                let mut text = swift::ordinary(&mut self.rng, &noun, id, target);
                text.push_str(&code);
                self.pending.extend(refs.into_iter().map(|r| (r, 0)));
                self.write(&format!("{dir}/{noun}Networking{id}.swift"), &text)
            }
            Lang::ObjC => {
                let (header, body, refs) = session::objc(shape, id);
                self.pending.extend(refs.into_iter().map(|r| (r, 0)));
                self.write(&format!("{dir}/NetworkClient{id}.h"), &header)?;
                self.write(&format!("{dir}/NetworkClient{id}.m"), &body)
            }
            Lang::Rust => {
                let (code, refs) = session::rust(shape, id);
                let mut text = rust::ordinary(&mut self.rng, &noun, id, target);
                text.push_str(&code);
                self.pending.extend(refs.into_iter().map(|r| (r, 0)));
                self.write(&format!("{dir}/net_{id}.rs"), &text)
            }
        }
    }

    /// Lines per file: mostly 60-250, sometimes large.
    fn file_lines(&mut self) -> usize {
        if self.rng.chance(8) {
            self.rng.range(400, 900)
        } else {
            self.rng.range(50, 220)
        }
    }

    fn write(&mut self, rel: &str, text: &str) -> std::io::Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        self.summary.files += 1;
        self.summary.lines += text.lines().count();
        self.summary.bytes += text.len() as u64;
        Ok(())
    }
}
