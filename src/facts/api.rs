//! The one table of Foundation API names the front-ends recognise.
//!
//! Front-ends spell the same method differently (Swift `dataTask(with:)`, ObjC
//! `dataTaskWithURL:completionHandler:`, objc2 `dataTaskWithURL_completionHandler`);
//! they pass the base name here and record the answer in [`super::ExprKind::Call`].

use serde::{Deserialize, Serialize};

/// What a method means when its receiver is a session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    /// Not a session API we know.
    #[default]
    Other,
    /// `invalidateAndCancel` (`cancel: true`) / `finishTasksAndInvalidate`.
    Invalidate { cancel: bool },
    /// Creates a task (`dataTask`, `downloadTask`, async `data(for:)`, `dataTaskPublisher`, ...).
    MakeTask,
    /// `resume()` on a task.
    Resume,
}

/// Type names that denote Foundation's session class.
pub const SESSION_TYPES: &[&str] = &["URLSession", "NSURLSession", "Foundation.URLSession"];

/// Names whose presence in a file can matter to a session rule (the prefilter's seed set).
/// Each matches inside longer names too (`NSURLSession`, objc2's
/// `sessionWithConfiguration_delegate_delegateQueue`), except [`SESSION_WORD`].
pub const API_WORDS: &[&str] = &[
    SESSION_WORD,
    "invalidateAndCancel",
    "finishTasksAndInvalidate",
    "sessionWithConfiguration",
];

/// The session class's name, which matters only where a name ends with it (`URLSession`,
/// `NSURLSession`, `MyURLSession`) or continues into an objc2 delegate method
/// (`URLSession_task_didCompleteWithError`). The task, configuration and delegate types
/// (`URLSessionDataTask`, `NSURLSessionConfiguration`, `URLSessionDelegate`) name no
/// session: a file that mentions only them holds none of its own.
pub const SESSION_WORD: &str = "URLSession";

/// Does the name whose text continues with `rest` after [`SESSION_WORD`] name a session
/// (nothing more of the identifier follows, or an objc2 `_` selector part does)?
pub fn ends_session_word(rest: &[u8]) -> bool {
    !rest.first().is_some_and(u8::is_ascii_alphanumeric)
}

/// Can the session class's name, between `before` and `rest`, make a session as the
/// front-ends read one? Swift: a construction (`URLSession(`, `URLSession.init`).
/// Objective-C: a message to the class (`[NSURLSession new]`, `[[NSURLSession alloc]
/// init]`) other than `sharedSession` and `class`, `NSURLSession.new`, or a call (C++,
/// macros); the front-end reads a creation only from a message whose receiver is the
/// class, so the name must follow a `[`, not a word (`The NSURLSession needs...` in a
/// comment) or a `)` (`initWithURLSession:(NSURLSession *)URLSession`). Rust: anywhere
/// (a `use` may rename the class). Elsewhere the name only types something (`URLSession?`,
/// `NSURLSession *`, `URLSession.shared`, `extension URLSession`): a session such code
/// holds was made by code that has one of these, or a factory call, and reaches it through
/// what the analysis demands.
pub fn session_word_may_create(language: super::Language, before: &[u8], rest: &[u8]) -> bool {
    let skip_space = |b: &[u8]| -> usize {
        b.iter()
            .position(|c| !c.is_ascii_whitespace())
            .unwrap_or(b.len())
    };
    let word = |b: &[u8]| -> usize {
        b.iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .unwrap_or(b.len())
    };
    let at = skip_space(rest);
    let rest = &rest[at..];
    match language {
        super::Language::Rust => true,
        super::Language::Swift => match rest.first() {
            Some(b'(') => true,
            Some(b'.') => {
                let member = &rest[1..][skip_space(&rest[1..])..];
                &member[..word(member)] == b"init"
            }
            _ => false,
        },
        super::Language::ObjC => {
            if rest.first() == Some(&b'(') {
                return true;
            }
            if let Some(member) = rest.strip_prefix(b".") {
                // Dot syntax: `NSURLSession.new`, not the end of a sentence in a comment.
                let member = &member[skip_space(member)..];
                return &member[..word(member)] == b"new";
            }
            // The name's start (`NS` and any other prefix), then what comes before it.
            let start = before
                .iter()
                .rposition(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .map_or(0, |at| at + 1);
            let previous = before[..start]
                .iter()
                .rev()
                .find(|c| !c.is_ascii_whitespace());
            let selector = match previous {
                Some(b'[') => &rest[..word(rest)],
                // `[/* why */ NSURLSession new]`: a comment may stand between them.
                Some(b'/') => &rest[..word(rest)],
                _ => return false,
            };
            !selector.is_empty() && !matches!(selector, b"sharedSession" | b"class")
        }
    }
}

/// Is `ty` (a type as written, possibly generic or optional) a session type? One of its
/// names must be the session class itself: `URLSession?`, `Retained<NSURLSession>`,
/// `Foundation.URLSession`, not `URLSessionDataTask`.
pub fn mentions_session_type(ty: &str) -> bool {
    ty.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|name| matches!(name, "URLSession" | "NSURLSession"))
}

/// Classifies a method by its base name: the Swift name without labels, the first ObjC
/// selector part without the colon, or the objc2 method name (underscore-joined selector).
pub fn classify_method(name: &str) -> Api {
    let base = name.split([':', '_', '(']).next().unwrap_or(name);
    match base {
        "invalidateAndCancel" => Api::Invalidate { cancel: true },
        "finishTasksAndInvalidate" => Api::Invalidate { cancel: false },
        "resume" => Api::Resume,
        "data" | "bytes" | "download" | "upload" | "dataTaskPublisher" => Api::MakeTask,
        _ if TASK_PREFIXES.iter().any(|p| base.starts_with(p)) => Api::MakeTask,
        _ => Api::Other,
    }
}

const TASK_PREFIXES: &[&str] = &[
    "dataTask",
    "downloadTask",
    "uploadTask",
    "streamTask",
    "webSocketTask",
];

/// A session delegate method, called by the session with itself as first argument: Swift
/// `urlSession(_:...)`, ObjC `URLSession:...`, objc2 `URLSession_...`.
pub fn is_delegate_callback(name: &str) -> bool {
    name.starts_with("urlSession")
        || name.starts_with("URLSession:")
        || name.starts_with("URLSession_")
}

/// Delegate callbacks a session calls with itself as first argument, by the names the
/// front-ends give them (Swift base name, ObjC selector, objc2 method).
pub const DELEGATE_CALLBACKS: &[&str] = &[
    "urlSession",
    "URLSession:task:didCompleteWithError:",
    "URLSession:didBecomeInvalidWithError:",
    "URLSession:dataTask:didReceiveData:",
    "URLSession:dataTask:didReceiveResponse:completionHandler:",
    "URLSession:downloadTask:didFinishDownloadingToURL:",
    "URLSessionDidFinishEventsForBackgroundURLSession:",
    "URLSession_task_didCompleteWithError",
    "URLSession_didBecomeInvalidWithError",
    "URLSession_dataTask_didReceiveData",
    "URLSession_downloadTask_didFinishDownloadingToURL",
];

/// Calls that keep a closure argument (initializers, setters, type constructions): what it
/// captures is stored with it.
pub fn stores_closure_argument(method: &str) -> bool {
    method.starts_with(|c: char| c.is_ascii_uppercase())
        || method.starts_with("init")
        || method.starts_with("set") && method[3..].starts_with(|c: char| c.is_ascii_uppercase())
}

/// Methods that put their argument into the collection they are called on (an array, set,
/// dictionary or `Vec`/`HashMap`): called on a member, the member's type keeps what they get.
pub fn adds_to_collection(method: &str) -> bool {
    matches!(
        method,
        "append"
            | "insert"
            | "updateValue"
            | "push"
            | "push_back"
            | "push_front"
            | "addObject:"
            | "insertObject:atIndex:"
            | "setObject:forKey:"
            | "setObject:forKeyedSubscript:"
            | "setValue:forKey:"
    )
}

/// Methods that run their argument (a closure, a selector) on every element of a collection.
pub fn visits_each_element(method: &str) -> bool {
    matches!(
        method,
        "forEach"
            | "for_each"
            | "makeObjectsPerformSelector:"
            | "enumerateObjectsUsingBlock:"
            | "enumerateKeysAndObjectsUsingBlock:"
    )
}

/// Methods that fill an empty slot on first use and return its content (Rust `Option`,
/// `OnceCell`): called on a member, they store what their argument makes.
pub fn initializes_on_first_use(method: &str) -> bool {
    matches!(
        method,
        "get_or_insert_with" | "get_or_insert" | "get_or_init" | "get_or_try_init"
    )
}

/// The method name of a call of a closure value (`{ ... }()`): the closure runs at once.
pub const INVOKE_CLOSURE: &str = "callAsFunction";

/// A once-initialiser (`OnceLock::get_or_init`, `dispatch_once`-style): what it is given
/// lands in process-lifetime storage when called on a static.
pub fn is_once_init(method: &str) -> bool {
    matches!(
        method,
        "get_or_init" | "get_or_try_init" | "get_or_insert_with" | "call_once" | "with"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_each_spelling_of_the_same_method() {
        for name in [
            "dataTask",
            "dataTaskWithURL:completionHandler:",
            "dataTaskWithURL_completionHandler",
            "webSocketTaskWithURL",
        ] {
            assert_eq!(classify_method(name), Api::MakeTask, "{name}");
        }
        assert_eq!(
            classify_method("invalidateAndCancel"),
            Api::Invalidate { cancel: true }
        );
        assert_eq!(
            classify_method("finishTasksAndInvalidate"),
            Api::Invalidate { cancel: false }
        );
        assert_eq!(classify_method("configuration"), Api::Other);
    }

    #[test]
    fn configuration_types_are_not_sessions() {
        assert!(mentions_session_type("URLSession?"));
        assert!(mentions_session_type("Retained<NSURLSession>"));
        assert!(!mentions_session_type("URLSessionConfiguration"));
        assert!(!mentions_session_type("NSURLSessionConfiguration *"));
        assert!(mentions_session_type("Foundation.URLSession!"));
        assert!(mentions_session_type("[URLSession]"));
        assert!(!mentions_session_type("URLSessionDataTask?"));
        assert!(!mentions_session_type("NSURLSessionTask *"));
        assert!(!mentions_session_type("MyURLSessionWrapper"));
    }
}
