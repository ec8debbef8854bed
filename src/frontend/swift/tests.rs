//! Lowering tests: small Swift snippets and the facts they produce.

use super::lower;
use crate::facts::*;

pub(super) fn function<'f>(facts: &'f FileFacts, name: &str) -> &'f Function {
    facts
        .functions
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name} in {:#?}", facts.functions))
}

fn snapshot(src: &str) -> String {
    super::render::render(&lower(src))
}

fn first_stmt(facts: &FileFacts, name: &str) -> StmtKind {
    function(facts, name).body[0].kind.clone()
}

#[test]
fn class_members_and_bodies() {
    insta::assert_snapshot!(snapshot(
        r#"
final class Downloader: NSObject, URLSessionDelegate {
    static let shared = Downloader()
    lazy var session = URLSession(configuration: .default, delegate: self, delegateQueue: nil)
    private weak var owner: Owner?
    var backup: URLSession!
    var fresh: URLSession { URLSession(configuration: config) }
    var observed: URLSession? { didSet { oldValue?.invalidateAndCancel() } }
    init(config: URLSessionConfiguration) { self.config = config }
    deinit { session.invalidateAndCancel() }
    class func make() -> Downloader { Downloader(config: .default) }
}
extension Downloader { func stop() { session.finishTasksAndInvalidate() } }
"#
    ));
}

#[test]
fn control_flow() {
    insta::assert_snapshot!(snapshot(
        r#"
func fetch(_ s: String) throws {
    let session = URLSession(configuration: .ephemeral)
    defer { session.finishTasksAndInvalidate() }
    guard let url = URL(string: s) else { return }
    if let cached = cache[url], cached.valid { use(cached) } else if retry { continue } else { throw Failure.none }
    outer: for (i, item) in items.enumerated() where i > 0 { break outer }
    while true { break }
    repeat { n += 1 } while n < 3
    switch state { case .idle: start() case let .failed(error): report(error) default: fatalError("no") }
    do { try session.data(from: url) } catch let e as URLError { throw e } catch { }
}
"#
    ));
}

#[test]
fn expressions() {
    insta::assert_snapshot!(snapshot(
        r#"
func run() async throws {
    let (data, _) = try await URLSession(configuration: .ephemeral).data(from: url)
    URLSession(configuration: .default).dataTask(with: url) { [weak self] data, _, error in
        self?.handle(data)
    }.resume()
    let a = Foundation.URLSession(configuration: URLSessionConfiguration.background(withIdentifier: id))
    let b = URLSession(configuration: .background(withIdentifier: "x"), delegate: WeakProxy(self), delegateQueue: nil)
    let c = URLSession()
    let d = URLSession.shared
    let e = self.session ?? URLSession.shared
    let f = flag ? x! : y?.z
    let g = try? maybe()
    Task { await self.session.invalidateAndCancel() }
    "\(URLSession.shared) invalidateAndCancel"
    total += 1
}
"#
    ));
}

#[test]
fn dump() {
    let Ok(path) = std::env::var("SWIFT_DUMP") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    println!("{}", super::render::render(&lower(&text)));
}

/// Runs `f` on a thread with the stack the real runs give their workers.
fn with_worker_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("lowering panicked")
}

fn deep_case(kind: &str, n: usize) -> String {
    match kind {
        "parens" => format!("func f() {{ let x = {}1{} }}", "(".repeat(n), ")".repeat(n)),
        "braces" => format!("func f() {{ {}{{}}{} }}", "if x { ".repeat(n), " }".repeat(n)),
        _ => format!(
            "func f() {{ let s = URLSession(configuration: .default)\n{}s.invalidateAndCancel(){} }}",
            "g { ".repeat(n),
            " }".repeat(n)
        ),
    }
}

#[test]
fn deep_nesting_is_bounded_and_reported() {
    for kind in ["parens", "braces", "closures"] {
        let text = deep_case(kind, 100_000);
        let started = std::time::Instant::now();
        let facts = with_worker_stack(move || lower(&text));
        eprintln!("{kind}: {:?}", started.elapsed());
        assert!(
            facts
                .problems
                .iter()
                .any(|p| p.message == super::lowerer::TOO_DEEP_MESSAGE),
            "{kind}: {:?}",
            facts.problems
        );
        // The outer function is still there with its first statement.
        let f = function(&facts, "f");
        assert!(!f.body.is_empty(), "{kind}");
    }
}

#[test]
#[ignore = "measurement"]
fn measure_parse_vs_lower() {
    let mut inputs: Vec<(String, String)> = ["parens", "braces", "closures"]
        .iter()
        .map(|k| (k.to_string(), deep_case(k, 100_000)))
        .collect();
    if let Ok(path) = std::env::var("SWIFT_MEASURE") {
        // Only the given file, lowered a few times for steadier numbers.
        let text = std::fs::read_to_string(&path).expect("SWIFT_MEASURE file");
        inputs = (0..5).map(|_| (path.clone(), text.clone())).collect();
    }
    with_worker_stack(move || {
        for (name, text) in inputs {
            let t0 = std::time::Instant::now();
            let tree = super::parse::parse(&text).unwrap();
            let t1 = t0.elapsed();
            let t0 = std::time::Instant::now();
            let scanned = super::scan::scan(&text, &tree);
            let t3 = t0.elapsed();
            let t0 = std::time::Instant::now();
            let mut lowerer = super::lowerer::Lowerer::new(&text);
            lowerer.lower_file(tree.root_node());
            let t5 = t0.elapsed();
            let t0 = std::time::Instant::now();
            drop(tree);
            let t4 = t0.elapsed();
            eprintln!(
                "{name}: parse {t1:?}, scan {t3:?} ({} comments), lower {t5:?} ({} fns), drop {t4:?}",
                scanned.0.len(),
                lowerer.functions.len()
            );
        }
    });
}

fn find_creation(block: &Block) -> Option<(&Creation, Span)> {
    block.iter().find_map(|s| match &s.kind {
        StmtKind::Let {
            value:
                Some(Expr {
                    kind: ExprKind::NewSession(c),
                    span,
                }),
            ..
        } => Some((c, *span)),
        _ => None,
    })
}

#[test]
fn delegate_self_points_at_the_argument() {
    let src = "func f() { let s = URLSession(configuration: .default, delegate: self, delegateQueue: nil) }";
    let facts = lower(src);
    let (creation, at) = find_creation(&function(&facts, "f").body).expect("creation");
    assert_eq!(
        &src[at.range()],
        "URLSession(configuration: .default, delegate: self, delegateQueue: nil)"
    );
    let delegate = creation.delegate_self.expect("delegate: self");
    assert_eq!(&src[delegate.range()], "delegate: self");
    assert!(!creation.has_other_delegate);
    assert_eq!(creation.config, ConfigKind::Default);
}

#[test]
fn method_calls_carry_the_api_and_the_name_span() {
    let src = "func f(s: URLSession) { s.invalidateAndCancel() }";
    let facts = lower(src);
    let StmtKind::Eval(Expr {
        kind:
            ExprKind::Call {
                receiver,
                method,
                api,
                method_span,
                ..
            },
        ..
    }) = first_stmt(&facts, "f")
    else {
        panic!("not a call");
    };
    assert!(matches!(receiver.map(|r| r.kind), Some(ExprKind::Name(n)) if n == "s"));
    assert_eq!(method, "invalidateAndCancel");
    assert_eq!(api, api::Api::Invalidate { cancel: true });
    assert_eq!(&src[method_span.range()], "invalidateAndCancel");
    assert_eq!(function(&facts, "f").params, vec!["s".to_string()]);
}

#[test]
fn comments_and_strings_never_produce_facts() {
    let src = r#"
// URLSession(configuration: .default)
/* session.invalidateAndCancel() */
func f() {
    print("URLSession(configuration: .default) invalidateAndCancel")
}
"#;
    let facts = lower(src);
    assert_eq!(facts.comments.len(), 2);
    assert_eq!(
        facts.comments[0].text,
        "// URLSession(configuration: .default)"
    );
    assert_eq!(
        &src[facts.comments[1].span.range()],
        "/* session.invalidateAndCancel() */"
    );
    let rendered = super::render::render(&facts);
    assert!(!rendered.contains("NewSession"), "{rendered}");
    assert!(!rendered.contains("Invalidate"), "{rendered}");
}

#[test]
fn plainly_false_conditional_code_is_skipped() {
    let src = r#"
#if false
let a = URLSession(configuration: .default)
#elseif DEBUG
let b = URLSession(configuration: .default)
#else
let c = URLSession(configuration: .default)
#endif
class K {
    func f() {
        #if DEBUG && false
        let s = URLSession(configuration: .default)
        #endif
        run()
    }
}
"#;
    let facts = lower(src);
    let names: Vec<&str> = facts.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["b", "c", "f"]);
    assert_eq!(function(&facts, "f").body.len(), 1);
}

#[test]
fn misread_code_is_a_problem_and_the_rest_still_lowers() {
    let src = r#"
func ok() { let s = URLSession(configuration: .default); s.invalidateAndCancel() }
func misread() { let x = ) ) ( }
func after() { let s = URLSession(configuration: .ephemeral) }
"#;
    let facts = lower(src);
    assert!(!facts.problems.is_empty());
    assert!(facts
        .problems
        .iter()
        .all(|p| p.message == super::scan::PARSE_MESSAGE));
    assert!(find_creation(&function(&facts, "ok").body).is_some());
    let (after, _) = find_creation(&function(&facts, "after").body).expect("after");
    assert_eq!(after.config, ConfigKind::Ephemeral);
}

#[test]
fn adjacent_parse_problems_are_coalesced() {
    let facts = lower("func f() { let x = ) ) ) }\nfunc g() {}");
    assert_eq!(facts.problems.len(), 1, "{:?}", facts.problems);
    assert!(facts.functions.iter().any(|f| f.name == "g"));
}

#[test]
fn top_level_code_and_globals() {
    let facts = lower(
        "let shared = URLSession(configuration: .default)\nshared.dataTask(with: u).resume()\n",
    );
    let global = function(&facts, "shared");
    assert_eq!(global.kind, FunctionKind::GlobalInitializer);
    assert!(matches!(
        &global.body[0].kind,
        StmtKind::Eval(Expr { kind: ExprKind::Assign { target, .. }, .. }) if matches!(&target.kind, ExprKind::Name(n) if n == "shared")
    ));
    let main = function(&facts, super::decls::TOP_LEVEL_CODE);
    assert_eq!(main.kind, FunctionKind::GlobalInitializer);
    assert_eq!(main.body.len(), 1);
}

#[test]
fn nested_functions_and_struct_owners() {
    let src = r#"
struct Loader {
    static var cache = URLSession(configuration: .default)
    func load() {
        func helper(_ s: URLSession) { s.invalidateAndCancel() }
        helper(session)
    }
    static func reset() { func inner() {} }
}
"#;
    let facts = lower(src);
    assert_eq!(facts.types[0].kind, TypeKind::Struct);
    let helper = function(&facts, "helper");
    assert_eq!(
        (helper.kind, helper.owner.as_deref()),
        (FunctionKind::Method, Some("Loader"))
    );
    assert_eq!(helper.params, vec!["s".to_string()]);
    assert_eq!(function(&facts, "inner").kind, FunctionKind::StaticMethod);
    let cache = function(&facts, "cache");
    assert_eq!(cache.kind, FunctionKind::GlobalInitializer);
    let StmtKind::Eval(Expr {
        kind: ExprKind::Assign { target, .. },
        ..
    }) = &cache.body[0].kind
    else {
        panic!("not an assignment");
    };
    assert!(
        matches!(&target.kind, ExprKind::Member { base, name } if name == "cache" && matches!(&base.kind, ExprKind::TypeRef(t) if t == "Loader"))
    );
    assert!(facts.types[0].members[0].is_static);
}

#[test]
fn fixtures_parse_without_problems() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut stack = vec![root];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "swift") {
                let text = std::fs::read_to_string(&path).expect("fixture");
                let facts = lower(&text);
                assert!(
                    facts.problems.is_empty(),
                    "{}: {:?}",
                    path.display(),
                    facts.problems
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 0);
}

#[test]
fn comments_are_found_anywhere_but_not_in_strings() {
    let src = "let url = \"https://x//y/*z*/\" // trailing\nfunc f(/* inline */ a: Int) {\n    g() /* a // b */ // c\n}\n";
    let facts = lower(src);
    let texts: Vec<&str> = facts.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        vec!["// trailing", "/* inline */", "/* a // b */", "// c"]
    );
}

#[test]
fn an_unterminated_string_does_not_swallow_the_code_below() {
    let src = "let x = \"never closed\nfunc leak() {\n    let s = URLSession(configuration: .default)\n}\n";
    let facts = lower(src);
    let leak = function(&facts, "leak");
    assert!(find_creation(&leak.body).is_some());
    assert!(facts
        .problems
        .iter()
        .any(|p| p.message == super::recover::UNTERMINATED_MESSAGE && p.span.start == 8));
}

#[test]
fn a_block_comment_in_front_of_a_statement_does_not_break_it() {
    // tree-sitter-swift misreads `/* ... */ stmt` after another statement; recovery blanks
    // block comments, re-parses, and still reports the comments (for suppressions).
    let src = "func f(_ u: URL) {\n    let s = URLSession(configuration: .default)\n/* ñ 🚀 sessionlint:disable-line */    s.dataTask(with: u).resume()\n}\n";
    let facts = lower(src);
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    let body = &function(&facts, "f").body;
    assert_eq!(body.len(), 2, "{body:#?}");
    assert!(matches!(&body[1].kind, StmtKind::Eval(e) if matches!(e.kind, ExprKind::Call { .. })));
    assert_eq!(facts.comments.len(), 1);
    assert!(facts.comments[0].text.contains("sessionlint:disable-line"));
    assert_eq!(&src[facts.comments[0].span.range()], facts.comments[0].text);
}

#[test]
fn interpolations_are_lowered_and_plain_literals_are_not_walked() {
    let out = snapshot(
        r##"
func log(_ session: URLSession) {
    print("plain \n text, no interpolation")
    print("state: \(session.invalidateAndCancel())")
    print(#"raw \#(session.finishTasksAndInvalidate())"#)
}
"##,
    );
    assert!(out.contains("invalidateAndCancel"), "{out}");
    assert!(out.contains("finishTasksAndInvalidate"), "{out}");
    let facts = lower("func f() {\n    print(\"no interpolation\")\n    g()\n}");
    let StmtKind::Eval(Expr {
        kind: ExprKind::Call { args, .. },
        ..
    }) = first_stmt(&facts, "f")
    else {
        panic!("{:#?}", facts.functions)
    };
    assert!(matches!(args[0].value.kind, ExprKind::Literal), "{args:#?}");
}
