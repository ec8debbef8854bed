//! A function's statements, live or packed.
//!
//! Lowering builds every body as a tree of statements. Most bodies are never read again:
//! on a whole tree with the prefilter off, nearly every function touches no session API and
//! names nothing that makes it matter. Kept live until the project-wide analysis, their
//! statement trees were most of the run's memory (about 14 bytes per source byte) and a
//! good part of its time went to the kernel handing out fresh pages for them. A packed body
//! is the same tree serialised into one byte buffer, a few times smaller; it is unpacked
//! the first time anything reads it, so readers never see the difference.

use super::Block;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

pub struct Body {
    /// The statements, once built or unpacked.
    live: OnceLock<Block>,
    /// The serialised statements, while `live` is empty.
    packed: Option<Box<[u8]>>,
}

impl Body {
    pub fn new(block: Block) -> Body {
        Body {
            live: OnceLock::from(block),
            packed: None,
        }
    }

    /// Serialises the statements into one buffer and frees the tree. Readers unpack it
    /// again on first use; a body that cannot be serialised stays live.
    pub fn pack(&mut self) {
        let Some(block) = self.live.take() else {
            return;
        };
        match serialise(&block) {
            Some(bytes) => self.packed = Some(bytes),
            None => self.live = OnceLock::from(block),
        }
    }

    /// Whether the statements are packed and not unpacked yet.
    pub fn is_packed(&self) -> bool {
        self.live.get().is_none()
    }

    fn block(&self) -> &Block {
        self.live.get_or_init(|| {
            let bytes = self.packed.as_deref().unwrap_or_default();
            // Only `pack` writes these bytes, from a tree of the same types.
            postcard::from_bytes(bytes).expect("a packed body unpacks")
        })
    }
}

/// Room for this many bytes of a serialised body at first; it doubles when a body needs more.
const SCRATCH_BYTES: usize = 16 * 1024;

thread_local! {
    /// Each thread serialises into one buffer it keeps, and copies the result out at its
    /// exact size: growing a fresh vector per body copied it several times, into memory
    /// that was not in the cache yet.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; SCRATCH_BYTES]);
}

fn serialise(block: &Block) -> Option<Box<[u8]>> {
    SCRATCH.with_borrow_mut(|scratch| loop {
        match postcard::to_slice(block, scratch) {
            Ok(written) => return Some(Box::from(&*written)),
            Err(postcard::Error::SerializeBufferFull) => {
                let bigger = scratch.len() * 2;
                scratch.resize(bigger, 0);
            }
            Err(_) => return None,
        }
    })
}

/// An empty body, live (a derived default would be neither live nor packed).
impl Default for Body {
    fn default() -> Body {
        Body::new(Block::new())
    }
}

impl From<Block> for Body {
    fn from(block: Block) -> Body {
        Body::new(block)
    }
}

impl Deref for Body {
    type Target = Block;

    fn deref(&self) -> &Block {
        self.block()
    }
}

impl DerefMut for Body {
    fn deref_mut(&mut self) -> &mut Block {
        self.block();
        self.packed = None;
        self.live.get_mut().expect("unpacked above")
    }
}

impl Clone for Body {
    fn clone(&self) -> Body {
        match self.live.get() {
            Some(block) => Body::new(block.clone()),
            None => Body {
                live: OnceLock::new(),
                packed: self.packed.clone(),
            },
        }
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.block().fmt(f)
    }
}

/// A body as the facts' encoding holds it: a packed body stays packed (the facts cache
/// stores finished facts, and reading them back must not unpack what lowering packed).
#[derive(Serialize)]
enum Stored<'a> {
    Live(&'a Block),
    Packed(&'a [u8]),
}

#[derive(Deserialize)]
enum Read {
    Live(Block),
    Packed(Box<[u8]>),
}

impl Serialize for Body {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self.live.get(), &self.packed) {
            (None, Some(bytes)) => Stored::Packed(bytes).serialize(serializer),
            _ => Stored::Live(self.block()).serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Body, D::Error> {
        Ok(match Read::deserialize(deserializer)? {
            Read::Live(block) => Body::new(block),
            // Bytes `pack` wrote, in the same build (the cache's keys name the build, and its
            // checksum refuses a damaged file before anything is decoded).
            Read::Packed(bytes) => Body {
                live: OnceLock::new(),
                packed: Some(bytes),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Expr, ExprKind, Span, Stmt, StmtKind};

    fn sample() -> Block {
        let name = |n: &str| Expr {
            kind: ExprKind::Name(n.to_string()),
            span: Span::new(3, 4),
        };
        vec![
            Stmt {
                kind: StmtKind::Let {
                    name: "s".into(),
                    name_span: Span::new(1, 2),
                    value: Some(Expr {
                        kind: ExprKind::Opaque(vec![name("a"), name("b")]),
                        span: Span::new(0, 9),
                    }),
                    is_static: false,
                },
                span: Span::new(0, 10),
            },
            Stmt {
                kind: StmtKind::Branch {
                    arms: vec![
                        vec![],
                        vec![Stmt {
                            kind: StmtKind::Return(Some(name("s"))),
                            span: Span::new(11, 19),
                        }],
                    ],
                    exhaustive: true,
                },
                span: Span::new(10, 20),
            },
        ]
    }

    #[test]
    fn a_packed_body_reads_as_it_was_built() {
        let mut body = Body::new(sample());
        let before = format!("{body:?}");
        body.pack();
        assert!(body.is_packed());
        assert_eq!(format!("{body:?}"), before);
        assert!(!body.is_packed(), "reading unpacks it once");
        assert_eq!(format!("{:?}", body.clone()), before);
    }

    #[test]
    fn an_encoded_body_comes_back_live_or_packed_as_it_was() {
        let live = Body::new(sample());
        let mut packed = Body::new(sample());
        packed.pack();
        let before = format!("{live:?}");
        for (body, stays_packed) in [(live, false), (packed, true)] {
            let bytes = postcard::to_allocvec(&body).unwrap();
            let back: Body = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back.is_packed(), stays_packed);
            assert_eq!(format!("{back:?}"), before);
        }
    }

    #[test]
    fn a_packed_body_is_smaller_than_its_tree() {
        let mut body = Body::new(sample());
        body.pack();
        let packed = body.packed.as_ref().map_or(0, |b| b.len());
        let tree = 2 * std::mem::size_of::<Stmt>() + 2 * std::mem::size_of::<Expr>();
        assert!(packed > 0 && packed < tree / 4, "{packed} bytes packed");
    }

    #[test]
    fn a_body_larger_than_the_scratch_buffer_packs_whole() {
        let block: Block = (0..SCRATCH_BYTES).flat_map(|_| sample()).collect();
        let mut body = Body::new(block);
        let before = format!("{body:?}");
        body.pack();
        let packed = body.packed.as_ref().map_or(0, |b| b.len());
        assert!(packed > SCRATCH_BYTES, "{packed} bytes packed");
        assert_eq!(format!("{body:?}"), before);
    }

    #[test]
    fn a_default_body_is_empty_and_live() {
        let body = Body::default();
        assert!(!body.is_packed());
        assert!(body.is_empty());
    }

    #[test]
    fn writing_to_a_packed_body_unpacks_it_first() {
        let mut body = Body::new(sample());
        body.pack();
        body.push(Stmt {
            kind: StmtKind::Abort,
            span: Span::new(20, 21),
        });
        assert_eq!(body.len(), 3);
        let copy = body.clone();
        assert_eq!(copy.len(), 3);
    }
}
