//! Flow facts: the language-neutral program that every front-end lowers to.
//!
//! A front-end turns one source file into a [`FileFacts`]: the types it declares
//! (with their stored members) and, for every function-like body, a structured
//! statement tree ([`Block`]) that keeps only what the session rules need:
//! session creations, calls, bindings, stores, closures, and control flow.
//! Everything else is [`ExprKind::Opaque`]: unknown code, treated conservatively.
//!
//! The CFG builder (`analyze::cfg`) turns a [`Block`] into a graph; rules never see
//! syntax, only these facts and the answers of the analysis layer.

pub mod api;
pub mod body;
pub mod mentions;
pub mod source;
pub mod span;
pub mod walk;

pub use body::Body;
pub use span::{LineIndex, Span};

use serde::{Deserialize, Serialize};

/// Identifier text as written (after a front-end's normalisation, e.g. ObjC `_session` → `session`).
pub type Name = String;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Swift,
    #[serde(rename = "objective-c")]
    ObjC,
    Rust,
}

impl Language {
    pub fn from_path(path: &std::path::Path) -> Option<Language> {
        match path.extension()?.to_str()? {
            "swift" => Some(Language::Swift),
            "m" | "mm" | "h" => Some(Language::ObjC),
            "rs" => Some(Language::Rust),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Swift => "swift",
            Language::ObjC => "objective-c",
            Language::Rust => "rust",
        }
    }
}

/// Everything one file contributes to the project.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FileFacts {
    /// Every function-like body: functions, methods, initializers, deinit, getters,
    /// property initializers, global initializers. Closures stay inline in their parent.
    pub functions: Vec<Function>,
    /// Type declarations and extensions (one entry per fragment; merged project-wide).
    pub types: Vec<TypeDecl>,
    /// Regions the parser could not structure. Nothing is reported from inside them.
    pub problems: Vec<ParseProblem>,
    /// The identifiers written in each problem's lines (in `problems` order, sorted, each
    /// once): what unreadable code may do to a member (owner rules ask).
    pub unreadable_words: Vec<Vec<Name>>,
    /// Comments as (span, text) so suppressions can be read without re-parsing (a run moves
    /// the ones with a directive into its [`source::SourceFile`] and frees the rest).
    pub comments: Vec<Comment>,
    /// True for declaration-only files (ObjC headers): they contribute types, never findings.
    pub declarations_only: bool,
    /// What each function mentions, in function order: derived from the facts above, filled
    /// in after lowering (or by `Project::build` when missing). Kept in the facts cache with
    /// the bodies packed as lowering left them: reading them back walks no body.
    pub mentions: Vec<mentions::Mentions>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comment {
    pub span: Span,
    pub text: String,
}

/// A region the parser could not read, with the first position it failed at.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ParseProblem {
    pub span: Span,
    pub message: String,
}

/// A type declaration or one of its extension fragments
/// (Swift `extension`, ObjC `@interface`/`@implementation`/category, Rust `struct`/`impl`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TypeDecl {
    /// The type's name, without generic arguments or category name.
    pub name: Name,
    pub kind: TypeKind,
    pub span: Span,
    /// Stored members declared in this fragment (properties, ivars, fields).
    pub members: Vec<MemberDecl>,
    /// What ownership needs to know about the declaration itself.
    pub info: TypeDeclInfo,
}

/// Who may call a declaration: code outside its module (a library's users), code of its
/// module, or only its own file / type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Swift `public`/`open`, Rust `pub`, ObjC declared in a header.
    Public,
    /// The language's default (Swift `internal`, Rust private-to-module).
    #[default]
    Internal,
    /// Swift `private`/`fileprivate`.
    Private,
}

/// Declaration facts of a type fragment beyond its members.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TypeDeclInfo {
    pub visibility: Visibility,
    /// Superclass and adopted protocols as written in this fragment (Swift inheritance
    /// clause, ObjC `: Super <P, Q>`, Rust `impl Trait for`), plain names.
    pub supertypes: Vec<Name>,
    /// Attributes without `@` (`main`, `UIApplicationMain`, `NSApplicationMain`).
    pub attributes: Vec<Name>,
    /// Methods declared (not defined) in this fragment: ObjC `@interface` selectors.
    pub declared_methods: Vec<Name>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeKind {
    /// Reference type: Swift `class`/`actor`, ObjC `@interface`/`@implementation`.
    Class,
    /// Value type: Swift `struct`/`enum`, Rust `struct`/`enum`.
    Struct,
    Protocol,
    /// A fragment that adds to a type declared elsewhere: Swift `extension`,
    /// ObjC category / class extension, Rust `impl` block.
    Extension,
}

/// A stored member (property, ivar, field) or a static/class property.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MemberDecl {
    pub name: Name,
    pub span: Span,
    /// `static`/`class` storage: lives for the process.
    pub is_static: bool,
    /// Swift `lazy var`.
    pub is_lazy: bool,
    /// Declared optional / implicitly nil (Swift `T?`/`T!`, every ObjC object member, Rust `Option<_>`).
    pub is_optional: bool,
    /// `weak` / `__weak` / `unowned`: never owns what it points to.
    pub is_weak: bool,
    /// Computed property (getter body lowered as a [`FunctionKind::Getter`] function).
    pub is_computed: bool,
    /// The declared type mentions a session type (`URLSession`, `NSURLSession`, `Retained<NSURLSession>`).
    pub declared_session: bool,
    /// The declared type's name, when it is a plain named type (used to resolve receivers).
    pub declared_type: Option<Name>,
}

/// One function-like body.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Function {
    /// `fetch`, `init`, `deinit`, the property name for getters and property initializers,
    /// ObjC selectors as written (`initWithConfiguration:`).
    pub name: Name,
    pub kind: FunctionKind,
    /// The enclosing type (for extensions/categories/impls: the extended type).
    pub owner: Option<Name>,
    /// Parameter names as bound inside the body, in order.
    pub params: Vec<Name>,
    /// Whole declaration.
    pub span: Span,
    /// The name token, for labels ("the deinit").
    pub name_span: Span,
    pub body: Body,
    /// Who may call it (ObjC: `Internal`; a header declaring it makes it public project-wide).
    pub visibility: Visibility,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    /// A free (global / C / Rust module-level) function.
    Free,
    /// An instance method.
    Method,
    /// A `static`/`class` method, ObjC `+` method, Rust associated fn without `self`.
    StaticMethod,
    /// Swift `init`, ObjC `-init...`.
    Initializer,
    /// Swift `deinit`, ObjC `-dealloc`, Rust `Drop::drop`.
    Deinit,
    /// Computed property / getter: a body that runs on each member access.
    Getter,
    /// A stored property's initializer (`let s = URLSession(...)` as a member), lowered as
    /// `self.name = <init>`; for `lazy var` it runs on first access.
    PropertyInitializer,
    /// Top-level code and global / `static` initializers: process lifetime.
    GlobalInitializer,
    /// Property observers (`didSet`/`willSet`) and other accessors that run on assignment.
    Observer,
}

pub type Block = Vec<Stmt>;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum StmtKind {
    /// `let x = e`, `var x: T = e`, `NSURLSession *x = e;`, Rust `let x = e;`.
    /// `is_static` marks function-level static storage (ObjC `static Foo *shared;`), which is process-lifetime.
    Let {
        name: Name,
        name_span: Span,
        value: Option<Expr>,
        is_static: bool,
    },
    /// An expression evaluated for its effects (including assignments, see [`ExprKind::Assign`]).
    Eval(Expr),
    /// A choice between arms. `if`/`else` is two arms; an `if` without `else` is one arm with
    /// `exhaustive: false` (control may skip every arm); `switch`/`match` are N arms.
    /// The condition is lowered into the statements before the `Branch`.
    Branch {
        arms: Vec<Block>,
        exhaustive: bool,
    },
    /// `while`/`for`/`repeat`/`loop`. `header` runs before each iteration (the condition
    /// or the iterated expression); the loop may run zero times unless `at_least_once`.
    /// `infinite` marks `loop {}` / `while true`, which leave only through `break`/exits.
    Loop {
        label: Option<Name>,
        header: Block,
        body: Block,
        at_least_once: bool,
        infinite: bool,
    },
    Return(Option<Expr>),
    /// `throw e`: leaves to the nearest enclosing catch, or the function.
    Throw(Option<Expr>),
    Break(Option<Name>),
    Continue(Option<Name>),
    /// A labelled position (ObjC `goto` targets).
    Label(Name),
    Goto(Name),
    /// `defer { ... }`: runs when the enclosing block is left, on every path.
    /// ObjC `@finally` and Rust scope guards are lowered to this too.
    Defer(Block),
    /// `do { } catch { }` / `@try { } @catch { }`: throws inside `body` go to the handlers
    /// (if `catch_all`, control never leaves the function through a throw from `body`).
    Try {
        body: Block,
        handlers: Vec<Block>,
        catch_all: bool,
    },
    /// A plain nested scope `{ ... }` (defers run at its end).
    Scope(Block),
    /// A statement that ends the program or never returns (`fatalError`, `abort()`, `panic!`).
    Abort,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ExprKind {
    /// A new session: `URLSession(configuration:)`, `[NSURLSession sessionWithConfiguration:]`,
    /// `NSURLSession::sessionWithConfiguration(..)`, `msg_send![class!(NSURLSession), ...]`.
    NewSession(Creation),
    /// The process-wide shared session.
    SharedSession,
    /// A bare identifier: a local, a parameter, an implicit-`self` member (Swift) or a global.
    /// The analysis resolves which, from the function's scopes and the owner's members.
    Name(Name),
    /// `self` / Rust `self`.
    SelfRef,
    /// `super` as a receiver (`super.init(...)`, `[super initWithSession:...]`): the
    /// superclass's implementation, on this object.
    SuperRef,
    /// A type name used as a value/receiver: `Foo.make()`, `[Foo make]`, `Foo::make()`.
    TypeRef(Name),
    /// `base.name`, `self.session`, ObjC `_session`/`self->_session` (base = `SelfRef`),
    /// `Foo.shared` (base = `TypeRef`). Optional chaining and force unwrap are transparent.
    Member { base: Box<Expr>, name: Name },
    /// A call. `receiver: None` is a free function call (`cleanup(s)`, Swift `Foo()`);
    /// `api` is what the shared API table says the method is.
    Call {
        receiver: Option<Box<Expr>>,
        method: Name,
        args: Vec<Arg>,
        api: api::Api,
        /// The method name token (for diagnostics pointing at the call).
        method_span: Span,
    },
    /// A construction of a named type the front-end is sure of (`[[Foo alloc] init]`,
    /// Rust `Foo { .. }`). Swift `Foo()` is a `Call` the analysis resolves against known types.
    Construct { type_name: Name, args: Vec<Arg> },
    /// `target = value` (also compound and ObjC in-expression assignment).
    Assign { target: Box<Expr>, value: Box<Expr> },
    /// A closure / block / lambda. Its body is analysed as its own unit and as a capture.
    Closure(Box<Closure>),
    /// An expression whose evaluation may leave the function: Swift `try`, Rust `?`.
    /// `propagates` is false for `try?`/`try!` which do not exit.
    Try { inner: Box<Expr>, propagates: bool },
    /// `nil` / `None` / `NULL`.
    Nil,
    /// A literal or other leaf that carries no session.
    Literal,
    /// A method named as a value (ObjC `@selector(invalidateAndCancel)`): carries no
    /// session, but says which method a callee such as `makeObjectsPerformSelector:` calls.
    Selector(Name),
    /// A conditional value (`c ? a : b`, `a ?? b`, `if` / `match` expressions): one of the arms.
    Choice(Vec<Expr>),
    /// Anything else. Children are evaluated in order; a session flowing into it is
    /// treated as handed off (unknown code may keep it).
    Opaque(Vec<Expr>),
}

impl Expr {
    /// A read without effects of its own (a name, a member chain, `nil`, a literal): testing
    /// it (`session == nil`) neither keeps nor hands on what it holds.
    pub fn is_plain_read(&self) -> bool {
        match &self.kind {
            ExprKind::Name(_)
            | ExprKind::SelfRef
            | ExprKind::SuperRef
            | ExprKind::TypeRef(_)
            | ExprKind::SharedSession
            | ExprKind::Nil
            | ExprKind::Literal
            | ExprKind::Selector(_) => true,
            ExprKind::Member { base, .. } => base.is_plain_read(),
            _ => false,
        }
    }
}

/// A call argument.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Arg {
    /// Swift argument label / ObjC selector part; `None` when unlabelled.
    pub label: Option<Name>,
    pub value: Expr,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Creation {
    pub config: ConfigKind,
    /// The span of the `delegate:` argument when the delegate is the enclosing object itself
    /// (`delegate: self`, objc2 delegate built from `self`).
    pub delegate_self: Option<Span>,
    /// A delegate is passed that is not `self` (a dedicated or weak-proxy object).
    pub has_other_delegate: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigKind {
    Default,
    Ephemeral,
    Background,
    /// A configuration the front-end cannot see (a variable, a parameter).
    Other,
    /// `URLSession()` / `[[NSURLSession alloc] init]` / `[NSURLSession new]`: deprecated.
    NoConfiguration,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Closure {
    pub params: Vec<Name>,
    pub body: Block,
    /// Swift `[weak self]` / ObjC `__weak` captured names (informational).
    pub weak_captures: Vec<Name>,
}
