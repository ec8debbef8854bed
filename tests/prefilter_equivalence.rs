//! The prefilter is sound: on a generated corpus (the benchmark's generator, with sessions in
//! every third file and names used across files) the findings are identical with it on and
//! off, and they are real findings, including ones only a later prefilter round reaches.

#[path = "../benches/corpus/mod.rs"]
#[allow(dead_code)]
mod corpus;

use sessionlint::run::{check_paths, Settings};
use std::path::Path;

fn small_spec() -> corpus::Spec {
    corpus::Spec {
        lines: 9_000,
        seed: 7,
        pathological: false,
        session_every: 3,
    }
}

/// The `diagnostics` array of the JSON report, as the CLI would print it.
fn diagnostics(root: &Path, prefilter: bool) -> (serde_json::Value, sessionlint::run::Timings) {
    let settings = Settings {
        prefilter,
        jobs: Some(2),
        ..Settings::default()
    };
    let outcome = check_paths(&[root.to_path_buf()], &settings).expect("corpus exists");
    let mut out = Vec::new();
    let report = sessionlint::report::position::Report::new(&outcome, root);
    sessionlint::report::json::write(&report, &mut out).expect("json");
    let report: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
    (report["diagnostics"].clone(), outcome.timings)
}

/// A project of `files`, linted with the prefilter and without: the findings must be the
/// same. Returns the folder, those findings and the prefilter run's timings.
fn lint_both_ways(
    files: &[(&str, &str)],
) -> (
    tempfile::TempDir,
    serde_json::Value,
    sessionlint::run::Timings,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let (with, timings) = diagnostics(dir.path(), true);
    let (without, _) = diagnostics(dir.path(), false);
    assert_eq!(with, without, "the prefilter changed the findings");
    (dir, with, timings)
}

#[test]
fn findings_are_identical_with_and_without_the_prefilter() {
    let dir = tempfile::tempdir().expect("temp dir");
    let summary = corpus::generate(dir.path(), &small_spec()).expect("generate");
    assert!(summary.session_files >= 10, "{summary:?}");
    assert!(summary.cross_file_users >= 2, "{summary:?}");

    let (with, timings) = diagnostics(dir.path(), true);
    let (without, _) = diagnostics(dir.path(), false);
    assert_eq!(with, without, "the prefilter changed the findings");

    let found = with.as_array().expect("diagnostics array");
    let rules: std::collections::BTreeSet<&str> =
        found.iter().filter_map(|d| d["rule"].as_str()).collect();
    for rule in ["SL001", "SL002", "SL003", "SL004", "SL006"] {
        assert!(rules.contains(rule), "no {rule} in {rules:?}");
    }
    // Ordinary files that call a factory defined elsewhere mention no API name: only a
    // later prefilter round reaches them, and their finding must still be there.
    let cross_file = found
        .iter()
        .filter(|d| d["message"].is_string())
        .filter_map(|d| d["path"].as_str())
        .filter(|p| {
            !p.contains("Networking") && !p.contains("NetworkClient") && !p.contains("net_")
        })
        .count();
    assert!(
        cross_file >= 1,
        "no finding in a file reached through a factory: {found:#?}"
    );
    assert!(timings.files_skipped > 0, "the prefilter skipped nothing");
}

#[test]
fn the_generator_is_deterministic() {
    let a = tempfile::tempdir().expect("temp dir");
    let b = tempfile::tempdir().expect("temp dir");
    let spec = corpus::Spec {
        lines: 3_000,
        ..small_spec()
    };
    let sa = corpus::generate(a.path(), &spec).expect("generate");
    let sb = corpus::generate(b.path(), &spec).expect("generate");
    assert_eq!(
        (sa.files, sa.lines, sa.bytes),
        (sb.files, sb.lines, sb.bytes)
    );
    let files = sessionlint::discover::discover(&[a.path().to_path_buf()], false)
        .expect("exists")
        .files;
    assert_eq!(files.len(), sa.files);
    for path in files {
        let rel = path.strip_prefix(a.path()).expect("under root");
        let left = std::fs::read(&path).expect("read");
        let right = std::fs::read(b.path().join(rel)).expect("read twin");
        assert_eq!(left, right, "{} differs between runs", rel.display());
    }
}

/// A method whose name and arity two analysed types share (`cancel()`) can only be reached
/// through code that names its owner: the extension calling it on `self` is parsed, a
/// namesake on an unrelated type is not, and the findings are those of parsing everything.
#[test]
fn a_shared_method_name_pulls_in_its_owners_code_only() {
    let (_dir, _, timings) = lint_both_ways(&[
        (
            "Downloader.swift",
            "final class Downloader: NSObject, URLSessionDelegate {\n    private var session: URLSession?\n\n    func start() {\n        session = URLSession(configuration: .default)\n    }\n\n    func cancel() {\n        session?.invalidateAndCancel()\n    }\n}\n",
        ),
        (
            "Uploader.swift",
            "final class Uploader {\n    private var session: URLSession?\n\n    func begin() {\n        session = URLSession(configuration: .ephemeral)\n    }\n\n    func cancel() {\n        session?.invalidateAndCancel()\n    }\n}\n",
        ),
        (
            "Downloader+Stop.swift",
            "extension Downloader {\n    func stopAll() {\n        cancel()\n    }\n}\n",
        ),
        (
            "Label.swift",
            "final class Label {\n    func cancel() {}\n\n    func render() {\n        cancel()\n    }\n}\n",
        ),
    ]);
    assert_eq!(
        (timings.files_parsed, timings.files_skipped),
        (3, 1),
        "the extension is parsed, the unrelated namesake is not"
    );
}

/// A file with no API name that calls a factory defined elsewhere is reached (a later
/// round), and its leak found; a file that names nothing the analysis asks for is not.
#[test]
fn a_factory_caller_without_api_names_is_reached() {
    let (_dir, with, timings) = lint_both_ways(&[
        (
            "Factory.swift",
            "enum Sessions {\n    static func makeSession() -> URLSession {\n        URLSession(configuration: .default)\n    }\n}\n",
        ),
        (
            "Client.swift",
            "final class Client {\n    func load() {\n        let s = Sessions.makeSession()\n        s.dataTask(with: url).resume()\n    }\n}\n",
        ),
        (
            "Unrelated.swift",
            "final class View {\n    func draw() {\n        render()\n    }\n}\n",
        ),
    ]);
    let found = with.as_array().expect("diagnostics array");
    assert!(
        found.iter().any(|d| d["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("Client.swift"))),
        "the caller's leak is found: {found:#?}"
    );
    assert_eq!((timings.files_parsed, timings.files_skipped), (2, 1));
}

/// A store into another object's member matters only where a session can reach it: the
/// type a session is stored into through a parameter is parsed (its declaration decides the
/// finding), the type a plain value is stored into through a parameter is not.
#[test]
fn a_store_through_a_parameter_pulls_in_its_type_only_when_a_session_reaches_it() {
    let (_dir, with, timings) = lint_both_ways(&[
        (
            "Client.swift",
            "final class Client {\n    func start(_ url: URL) {\n        let s = URLSession(configuration: .default)\n        _ = configure(with: s, url)\n    }\n}\n",
        ),
        (
            "Configure.swift",
            "func configure(with transport: URLSession, _ url: URL) -> Options {\n    transport.dataTask(with: url).resume()\n    let options = Options()\n    options.transport = transport\n    return options\n}\n",
        ),
        (
            "Options.swift",
            "final class Options {\n    var transport: AnyObject?\n}\n",
        ),
        (
            "Styler.swift",
            "final class Styler {\n    var session: URLSession?\n\n    func apply(_ tint: AnyObject) {\n        let button = Button()\n        button.tint = tint\n        session?.invalidateAndCancel()\n    }\n}\n",
        ),
        ("Button.swift", "final class Button {\n    var tint: AnyObject?\n}\n"),
    ]);
    let found = with.as_array().expect("diagnostics array");
    assert!(
        found.iter().any(|d| d["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("Client.swift"))
            && d["rule"] == "SL003"),
        "the session stored into Options is judged: {found:#?}"
    );
    assert_eq!(
        (timings.files_parsed, timings.files_skipped),
        (4, 1),
        "Options.swift is parsed, Button.swift is not"
    );
}

/// A followed function's namesakes matter (a second `begin(_:_:)` makes the call ambiguous,
/// so the session is no longer known to stay with its caller); its other callers do not.
#[test]
fn a_followed_function_pulls_in_namesake_declarations_not_callers() {
    let (dir, with, timings) = lint_both_ways(&[
        (
            "Client.swift",
            "final class Client {\n    func run(_ url: URL) {\n        let s = URLSession(configuration: .default)\n        Starter().begin(s, url)\n    }\n}\n",
        ),
        (
            "Starter.swift",
            "final class Starter {\n    func begin(_ s: URLSession, _ url: URL) {\n        s.dataTask(with: url).resume()\n    }\n}\n",
        ),
        (
            "Other.swift",
            "final class Other {\n    func begin(_ a: Int, _ b: Int) {}\n}\n",
        ),
        (
            "User.swift",
            "final class User {\n    func go(_ o: Other) {\n        o.begin(1, 2)\n    }\n}\n",
        ),
    ]);
    assert_eq!(
        (timings.files_parsed, timings.files_skipped),
        (3, 1),
        "the namesake's declaration is parsed, its caller is not"
    );
    // Without the namesake the call is followed and the session is the caller's to end.
    std::fs::remove_file(dir.path().join("Other.swift")).expect("remove");
    let (alone, _) = diagnostics(dir.path(), true);
    let leaks = |found: &serde_json::Value| {
        found
            .as_array()
            .expect("diagnostics array")
            .iter()
            .filter(|d| {
                d["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("Client.swift"))
            })
            .count()
    };
    assert_eq!(
        (leaks(&with), leaks(&alone)),
        (0, 1),
        "{with:#?} {alone:#?}"
    );
}

/// A method that invalidates its owner's members matters where it is called on `self`:
/// in code that names the owner (an extension), not in another type calling a namesake.
#[test]
fn a_member_teardown_pulls_in_its_owners_callers_only() {
    let (_dir, _, timings) = lint_both_ways(&[
        (
            "Downloader.swift",
            "final class Downloader {\n    private var session: URLSession?\n\n    func start() {\n        session = URLSession(configuration: .default)\n    }\n\n    func teardown() {\n        session?.invalidateAndCancel()\n    }\n}\n",
        ),
        (
            "Downloader+Stop.swift",
            "extension Downloader {\n    func stop() {\n        teardown()\n    }\n}\n",
        ),
        (
            "Screen.swift",
            "final class Screen {\n    func close(_ v: View) {\n        v.teardown()\n    }\n}\n",
        ),
    ]);
    assert_eq!(
        (timings.files_parsed, timings.files_skipped),
        (2, 1),
        "the extension is parsed, the other type's call is not"
    );
}

/// What a closure hands on of a captured local counts as the function's: a session captured
/// and passed by name pulls in the callee's namesakes, a captured plain value does not.
#[test]
fn a_captured_session_handed_on_in_a_closure_pulls_in_namesakes() {
    let client = "final class Client {\n    func run(_ url: URL, _ c: Color) {\n        let s = URLSession(configuration: .default)\n        DispatchQueue.main.async {\n            Starter().begin(s, url)\n            Starter().paint(c, 1)\n        }\n    }\n}\n";
    assert_eq!(
        parsed_beside_starter(client),
        (3, 1),
        "begin's namesake is parsed, paint's is not"
    );
}

/// Lints `client` beside `Starter`, whose `begin` and `paint` each have a namesake in a
/// file without API words, both ways: how many files the prefilter parsed and skipped.
fn parsed_beside_starter(client: &str) -> (usize, usize) {
    let starter = "final class Starter {\n    func begin(_ s: URLSession, _ url: URL) {\n        s.dataTask(with: url).resume()\n    }\n\n    func paint(_ c: Color, _ n: Int) {\n        c.apply()\n        session?.invalidateAndCancel()\n    }\n\n    var session: URLSession?\n}\n";
    let (_dir, _, timings) = lint_both_ways(&[
        ("Client.swift", client),
        ("Starter.swift", starter),
        (
            "Other.swift",
            "final class Other {\n    func begin(_ a: Int, _ b: Int) {}\n}\n",
        ),
        (
            "Brush.swift",
            "final class Brush {\n    func paint(_ a: Int, _ b: Int) {}\n}\n",
        ),
    ]);
    (timings.files_parsed, timings.files_skipped)
}

/// A closure's local captured by a closure inside it counts as what it holds in the closure
/// that declares it: a session pulls in the callee's namesakes, a plain value does not.
#[test]
fn a_local_of_an_enclosing_closure_counts_as_what_it_holds_there() {
    let client = "final class Client {\n    func run(_ url: URL, _ c: Color) {\n        let s = URLSession(configuration: .default)\n        DispatchQueue.main.async {\n            let t = s\n            let w = c.darker()\n            DispatchQueue.global().async {\n                Starter().begin(t, url)\n                Starter().paint(w, 1)\n            }\n        }\n    }\n}\n";
    assert_eq!(
        parsed_beside_starter(client),
        (3, 1),
        "begin's namesake is parsed, paint's is not"
    );
}

/// A session handed to a construction of a type no parsed file declares: the file that
/// declares it (with no API word in it) is parsed, since its initializer would be followed;
/// a type constructed with no session is not.
#[test]
fn a_construction_handed_a_session_pulls_in_its_type_s_declaration() {
    let (_dir, with, timings) = lint_both_ways(&[
        (
            "Client.swift",
            "import Foundation\n\nfinal class Client {\n    func start() {\n        let s = URLSession(configuration: .default)\n        let keeper = Keeper(transport: s)\n        let label = Label(text: \"x\")\n        keeper.run(label)\n    }\n}\n",
        ),
        (
            "Keeper.swift",
            "final class Keeper {\n    var transport: AnyObject?\n\n    init(transport: AnyObject) {\n        self.transport = transport\n    }\n\n    func run(_ l: Label) {}\n}\n",
        ),
        (
            "Label.swift",
            "final class Label {\n    init(text: String) {}\n}\n",
        ),
    ]);
    let found = with.as_array().expect("diagnostics array");
    assert_eq!(found.len(), 1, "{with}");
    assert_eq!(found[0]["rule"], "SL003", "{with}");
    assert_eq!(
        (timings.files_parsed, timings.files_skipped),
        (2, 1),
        "Keeper.swift is parsed, Label.swift is not"
    );
}

/// An initializer that stores what it is given into another object is followed even though
/// no rule reads it: the type it stores into, declared in a header without API words, is
/// parsed once a construction hands the initializer a session.
#[test]
fn an_initializer_storing_its_argument_elsewhere_pulls_in_that_type() {
    let (_dir, with, timings) = lint_both_ways(&[
        (
            "Client.m",
            "#import \"Holder.h\"\n\n@implementation Client\n- (void)start {\n    NSURLSession *s = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];\n    Holder *h = [[Holder alloc] initWithTransport:s];\n    [h run];\n}\n@end\n",
        ),
        (
            "Holder.m",
            "@implementation Holder\n- (instancetype)initWithTransport:(NSURLSession *)transport {\n    self = [super init];\n    Options *o = [[Options alloc] init];\n    o.transport = transport;\n    return self;\n}\n- (void)run {\n}\n@end\n",
        ),
        (
            "Options.h",
            "@interface Options : NSObject\n@property (nonatomic, strong) id transport;\n@end\n",
        ),
        (
            "Button.h",
            "@interface Button : NSObject\n@property (nonatomic, strong) id tint;\n@end\n",
        ),
    ]);
    let found = with.as_array().expect("diagnostics array");
    assert!(
        found
            .iter()
            .any(|d| d["rule"] == "SL003"
                && d["path"].as_str().is_some_and(|p| p.ends_with("Client.m"))),
        "the session stored into Options is judged: {found:#?}"
    );
    assert_eq!((timings.files_parsed, timings.files_skipped), (3, 1));
}

/// The session class's name is a seed only where a name ends with it: files that name only
/// task, configuration or delegate types hold no session of their own and are not parsed,
/// while a delegate callback (its parameter is a session) is, and ends the session.
#[test]
fn task_and_delegate_type_names_are_not_seeds() {
    let (_dir, with, timings) = lint_both_ways(&[
        (
            "Client.swift",
            "import Foundation\n\nfinal class Client: NSObject {\n    var session: URLSession?\n\n    func start() {\n        session = URLSession(configuration: .default, delegate: self, delegateQueue: nil)\n    }\n}\n",
        ),
        (
            "Client+Delegate.swift",
            "extension Client: URLSessionTaskDelegate {\n    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {\n        session.finishTasksAndInvalidate()\n    }\n}\n",
        ),
        (
            "Leaky.swift",
            "import Foundation\n\nfinal class Leaky {\n    func load() {\n        let s = URLSession(configuration: .ephemeral)\n        s.dataTask(with: url).resume()\n    }\n}\n",
        ),
        (
            "Tracker.swift",
            "final class Tracker {\n    var task: URLSessionDataTask?\n    let config = URLSessionConfiguration.default\n\n    func stop() {\n        task?.cancel()\n    }\n}\n",
        ),
        (
            "Observer.h",
            "@interface Observer : NSObject <NSURLSessionDataDelegate>\n@property (nonatomic, strong) NSURLSessionTask *task;\n@end\n",
        ),
    ]);
    let found = with.as_array().expect("diagnostics array");
    let paths: Vec<&str> = found.iter().filter_map(|d| d["path"].as_str()).collect();
    assert!(
        paths.len() == 1 && paths[0].ends_with("Leaky.swift"),
        "only the local session leaks; the delegate ends Client's: {with}"
    );
    assert_eq!(
        (timings.files_parsed, timings.files_skipped),
        (3, 2),
        "Tracker.swift and Observer.h are not parsed"
    );
}

/// A construction of a session-owning type matters where it may be into static storage (a
/// global makes the type live for the process): a test that builds one in a method is not
/// parsed, unless a static instance is known and other instances would change the verdict.
#[test]
fn constructions_matter_only_into_statics_until_instances_are_counted() {
    let client = (
        "Client.swift",
        "import Foundation\n\nfinal class Client {\n    let session = URLSession(configuration: .default)\n\n    func fetch() {\n        session.dataTask(with: url).resume()\n    }\n}\n",
    );
    let tests = (
        "ClientTests.swift",
        "final class ClientTests: XCTestCase {\n    func testFetch() {\n        let c = Client()\n        c.fetch()\n    }\n}\n",
    );
    let unrelated = (
        "Label.swift",
        "final class Label {\n    func draw() {\n        let l = Label()\n        l.draw()\n    }\n}\n",
    );
    let (_dir, alone, timings) = lint_both_ways(&[client, tests, unrelated]);
    assert_eq!(
        (timings.files_parsed, timings.files_skipped),
        (1, 2),
        "no static instance: the test's construction cannot matter"
    );
    assert_eq!(alone.as_array().map(Vec::len), Some(1), "{alone}");
    assert_eq!(alone[0]["rule"], "SL003", "{alone}");

    let global = ("Shared.swift", "let sharedClient = Client()\n");
    let (_dir, with_global, timings) = lint_both_ways(&[client, tests, unrelated, global]);
    assert_eq!(
        (timings.files_parsed, timings.files_skipped),
        (3, 1),
        "the global is parsed, and then the test's second instance"
    );
    assert_eq!(
        with_global.as_array().map(Vec::len),
        Some(1),
        "{with_global}"
    );

    // Its only instance lives for the process: no finding.
    let (_dir, only_global, timings) = lint_both_ways(&[client, unrelated, global]);
    assert_eq!((timings.files_parsed, timings.files_skipped), (2, 1));
    assert_eq!(
        only_global.as_array().map(Vec::len),
        Some(0),
        "{only_global}"
    );
}

/// A call nothing analysed resolves, handed a session, is followed once a declaration of
/// it is found, wherever that may be: a free function, a method reached by name alone (a
/// receiver of unknown type), a method of a member's declared type, an ObjC selector sent
/// to `id`. Each declaration sits in a file without API words and keeps nothing, so the
/// session leaks: the prefilter must parse it to see that.
#[test]
fn an_unresolved_call_handed_a_session_pulls_in_its_declaration() {
    let creator = |call: &str| {
        format!(
            "final class Client {{\n    let helper: Helper = Helper()\n    func go(x: Thing, u: URL) {{\n        let s = URLSession(configuration: .default)\n        {call}\n    }}\n}}\n"
        )
    };
    let unrelated = (
        "Other.swift",
        "final class Other {\n    func paint() {}\n}\n",
    );
    for (call, declaration) in [
        (
            "start(s, u)",
            "func start(_ s: Transport, _ u: URL) {\n    s.dataTask(with: u).resume()\n}\n",
        ),
        (
            "x.start(s, u)",
            "final class K {\n    func start(_ s: Transport, _ u: URL) { s.dataTask(with: u).resume() }\n}\n",
        ),
        (
            "self.helper.start(s, u)",
            "final class Helper {\n    func start(_ s: Transport, _ u: URL) { s.dataTask(with: u).resume() }\n}\n",
        ),
    ] {
        let client = creator(call);
        let (_dir, with, timings) = lint_both_ways(&[
            ("Client.swift", &client),
            ("Start.swift", declaration),
            unrelated,
        ]);
        let found = with.as_array().expect("diagnostics array");
        assert_eq!(found.len(), 1, "{call}: {with}");
        assert_eq!(found[0]["rule"], "SL001", "{call}: {with}");
        assert_eq!(
            (timings.files_parsed, timings.files_skipped),
            (2, 1),
            "{call}: the declaration is parsed, Other.swift is not"
        );
    }
    let (_dir, with, _) = lint_both_ways(&[
        (
            "Client.m",
            "void go(id x) {\n    NSURLSession *s = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];\n    [x useSession:s];\n}\n",
        ),
        (
            "Holder.h",
            "@interface Holder : NSObject\n@property (nonatomic, strong) NSURLSession *session;\n- (void)useSession:(NSURLSession *)s;\n@end\n",
        ),
        (
            "Holder.m",
            "@implementation Holder\n- (void)useSession:(NSURLSession *)s { _session = s; }\n@end\n",
        ),
    ]);
    let found = with.as_array().expect("diagnostics array");
    assert_eq!(found.len(), 1, "{with}");
    assert_eq!(found[0]["rule"], "SL003", "{with}");
}

/// The session class's name only makes a file a seed where it may make a session: a file
/// that only types members, parameters or delegate methods with it (or names the shared
/// session) is parsed when what the analysis reads reaches it (a type a session is stored
/// into, a method handed one), and not otherwise.
#[test]
fn the_session_class_s_name_is_a_seed_only_where_it_makes_a_session() {
    let (_dir, with, timings) = lint_both_ways(&[
        (
            "Client.swift",
            "final class Client {\n    let holder: Holder = Holder()\n    func start() {\n        let s = URLSession(configuration: .default)\n        holder.adopt(s)\n    }\n}\n",
        ),
        (
            "Holder.swift",
            "final class Holder {\n    var session: URLSession?\n    func adopt(_ s: URLSession) {\n        session = s\n    }\n}\n",
        ),
        (
            "Holder.h",
            "@interface Keeper : NSObject\n@property (nonatomic, strong) NSURLSession *session;\n@end\n",
        ),
        (
            "Delegate.swift",
            "final class Observer: NSObject, URLSessionTaskDelegate {\n    let shared = URLSession.shared\n    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {}\n}\n",
        ),
    ]);
    let found = with.as_array().expect("diagnostics array");
    assert_eq!(found.len(), 1, "{with}");
    assert_eq!(found[0]["rule"], "SL003", "{with}");
    assert_eq!(
        (timings.files_parsed, timings.files_skipped),
        (2, 2),
        "Holder.swift is parsed for the member the session reaches; Holder.h and Delegate.swift are not"
    );
}
