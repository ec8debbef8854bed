//! Lowering tests: small snippets, their facts rendered as an outline (snapshots) and
//! targeted assertions.

use super::lower;
use crate::facts::api::Api;
use crate::facts::{
    Block, ConfigKind, Expr, ExprKind, FileFacts, Function, FunctionKind, LineIndex, Stmt,
    StmtKind, TypeKind,
};
use std::fmt::Write;
use std::path::Path;

fn lower_m(text: &str) -> FileFacts {
    lower(text, Path::new("t.m"))
}

/// A compact outline of the facts: one line per statement, positions as line:col.
pub fn render(text: &str, facts: &FileFacts) -> String {
    let lines = LineIndex::new(text);
    let at = |offset: u32| {
        let p = lines.line_col(text, offset);
        format!("{}:{}", p.line, p.column)
    };
    let mut out = String::new();
    for t in &facts.types {
        let _ = writeln!(out, "type {} {:?} @{}", t.name, t.kind, at(t.span.start));
        for m in &t.members {
            let _ = writeln!(
                out,
                "  member {} optional={} weak={} static={} session={} type={:?}",
                m.name, m.is_optional, m.is_weak, m.is_static, m.declared_session, m.declared_type
            );
        }
    }
    for f in &facts.functions {
        let _ = writeln!(
            out,
            "fn {} {:?} owner={:?} params={:?} @{}",
            f.name,
            f.kind,
            f.owner,
            f.params,
            at(f.name_span.start)
        );
        render_block(&f.body, 1, &at, &mut out);
    }
    for p in &facts.problems {
        let _ = writeln!(out, "problem @{}: {}", at(p.span.start), p.message);
    }
    out
}

fn render_block(block: &Block, depth: usize, at: &dyn Fn(u32) -> String, out: &mut String) {
    for stmt in block {
        render_stmt(stmt, depth, at, out);
    }
}

fn render_stmt(stmt: &Stmt, depth: usize, at: &dyn Fn(u32) -> String, out: &mut String) {
    let pad = "  ".repeat(depth);
    let e = |x: &Expr| render_expr(x, at);
    match &stmt.kind {
        StmtKind::Let {
            name,
            value,
            is_static,
            ..
        } => {
            let value = value.as_ref().map(e).unwrap_or_default();
            let stat = if *is_static { "static " } else { "" };
            let _ = writeln!(out, "{pad}let {stat}{name} = {value}");
        }
        StmtKind::Eval(x) => {
            let _ = writeln!(out, "{pad}eval {}", e(x));
        }
        StmtKind::Branch { arms, exhaustive } => {
            let _ = writeln!(out, "{pad}branch exhaustive={exhaustive}");
            for arm in arms {
                let _ = writeln!(out, "{pad} arm");
                render_block(arm, depth + 1, at, out);
            }
        }
        StmtKind::Loop {
            header,
            body,
            at_least_once,
            infinite,
            ..
        } => {
            let _ = writeln!(out, "{pad}loop once={at_least_once} infinite={infinite}");
            render_block(header, depth + 1, at, out);
            let _ = writeln!(out, "{pad} body");
            render_block(body, depth + 1, at, out);
        }
        StmtKind::Return(x) => {
            let _ = writeln!(out, "{pad}return {}", x.as_ref().map(e).unwrap_or_default());
        }
        StmtKind::Throw(x) => {
            let _ = writeln!(out, "{pad}throw {}", x.as_ref().map(e).unwrap_or_default());
        }
        StmtKind::Try {
            body,
            handlers,
            catch_all,
        } => {
            let _ = writeln!(out, "{pad}try catch_all={catch_all}");
            render_block(body, depth + 1, at, out);
            for h in handlers {
                let _ = writeln!(out, "{pad} catch");
                render_block(h, depth + 1, at, out);
            }
        }
        StmtKind::Defer(b) => {
            let _ = writeln!(out, "{pad}defer");
            render_block(b, depth + 1, at, out);
        }
        StmtKind::Scope(b) => {
            let _ = writeln!(out, "{pad}scope");
            render_block(b, depth + 1, at, out);
        }
        other => {
            let _ = writeln!(out, "{pad}{other:?}");
        }
    }
}

fn render_expr(expr: &Expr, at: &dyn Fn(u32) -> String) -> String {
    let r = |x: &Expr| render_expr(x, at);
    match &expr.kind {
        ExprKind::NewSession(c) => format!(
            "NewSession({:?}{}{})@{}",
            c.config,
            c.delegate_self
                .map(|s| format!(", delegate_self@{}", at(s.start)))
                .unwrap_or_default(),
            if c.has_other_delegate {
                ", other_delegate"
            } else {
                ""
            },
            at(expr.span.start)
        ),
        ExprKind::SharedSession => "Shared".into(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::SelfRef => "self".into(),
        ExprKind::TypeRef(t) => format!("type {t}"),
        ExprKind::Member { base, name } => format!("{}.{name}", r(base)),
        ExprKind::Call {
            receiver,
            method,
            args,
            api,
            method_span,
        } => {
            let args: Vec<String> = args
                .iter()
                .map(|a| match &a.label {
                    Some(l) => format!("{l}: {}", r(&a.value)),
                    None => r(&a.value),
                })
                .collect();
            let api = if *api == Api::Other {
                String::new()
            } else {
                format!(" <{api:?}>")
            };
            format!(
                "call {}{method}({}){api}@{}",
                receiver
                    .as_ref()
                    .map(|x| format!("{} ", r(x)))
                    .unwrap_or_default(),
                args.join(", "),
                at(method_span.start)
            )
        }
        ExprKind::Construct { type_name, args } => {
            let args: Vec<String> = args.iter().map(|a| r(&a.value)).collect();
            format!("new {type_name}({})", args.join(", "))
        }
        ExprKind::Assign { target, value } => format!("{} = {}", r(target), r(value)),
        ExprKind::Closure(c) => {
            let mut body = String::new();
            render_block(&c.body, 3, at, &mut body);
            format!(
                "block({}) weak={:?} {{\n{body}    }}",
                c.params.join(", "),
                c.weak_captures
            )
        }
        ExprKind::Try { inner, .. } => format!("try {}", r(inner)),
        ExprKind::Nil => "nil".into(),
        ExprKind::Literal => "lit".into(),
        ExprKind::Selector(s) => format!("@selector({s})"),
        ExprKind::Choice(xs) => format!(
            "choice({})",
            xs.iter().map(r).collect::<Vec<_>>().join(" | ")
        ),
        ExprKind::Opaque(xs) => format!(
            "opaque({})",
            xs.iter().map(r).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn function<'f>(facts: &'f FileFacts, name: &str) -> &'f Function {
    facts
        .functions
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}: {facts:#?}"))
}

/// Every expression in a block, depth first (closures included).
fn all_exprs(block: &Block) -> Vec<&Expr> {
    fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
        out.push(e);
        match &e.kind {
            ExprKind::Member { base, .. } => walk(base, out),
            ExprKind::Call { receiver, args, .. } => {
                if let Some(r) = receiver {
                    walk(r, out);
                }
                args.iter().for_each(|a| walk(&a.value, out));
            }
            ExprKind::Construct { args, .. } => args.iter().for_each(|a| walk(&a.value, out)),
            ExprKind::Assign { target, value } => {
                walk(target, out);
                walk(value, out);
            }
            ExprKind::Closure(c) => out.extend(all_exprs(&c.body)),
            ExprKind::Try { inner, .. } => walk(inner, out),
            ExprKind::Choice(xs) | ExprKind::Opaque(xs) => xs.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    fn stmts<'a>(block: &'a Block, out: &mut Vec<&'a Expr>) {
        for s in block {
            match &s.kind {
                StmtKind::Let { value: Some(v), .. } | StmtKind::Eval(v) => walk(v, out),
                StmtKind::Return(Some(v)) | StmtKind::Throw(Some(v)) => walk(v, out),
                StmtKind::Branch { arms, .. } => arms.iter().for_each(|a| stmts(a, out)),
                StmtKind::Loop { header, body, .. } => {
                    stmts(header, out);
                    stmts(body, out);
                }
                StmtKind::Defer(b) | StmtKind::Scope(b) => stmts(b, out),
                StmtKind::Try { body, handlers, .. } => {
                    stmts(body, out);
                    handlers.iter().for_each(|h| stmts(h, out));
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    stmts(block, &mut out);
    out
}

fn creations(facts: &FileFacts) -> Vec<(ConfigKind, u32)> {
    let text_lines = |f: &Function| {
        all_exprs(&f.body)
            .into_iter()
            .filter_map(|e| match &e.kind {
                ExprKind::NewSession(c) => Some((c.config, e.span.start)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    facts.functions.iter().flat_map(text_lines).collect()
}

const CLIENT: &str = r#"#import "Client.h"

@interface Client () <NSURLSessionDelegate> {
    NSURLSession *_backup;
    __weak id _observer;
}
@property (nonatomic, strong) NSURLSession *session;
@property (nonatomic, weak) id<ClientDelegate> delegate;
@property (class, nonatomic, readonly) Client *shared;
@end

@implementation Client

- (instancetype)initWithConfiguration:(NSURLSessionConfiguration *)configuration delegate:(id)delegate {
    if ((self = [super init])) {
        _session = [NSURLSession sessionWithConfiguration:configuration delegate:self delegateQueue:nil];
        self->_backup = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration ephemeralSessionConfiguration]];
    }
    return self;
}

+ (instancetype)sharedClient {
    static Client *shared = nil;
    static dispatch_once_t onceToken;
    dispatch_once(&onceToken, ^{
        shared = [[self alloc] initWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration] delegate:nil];
    });
    return shared;
}

- (void)fetch:(NSURL *)url {
    __weak typeof(self) weakSelf = self;
    [[self.session dataTaskWithURL:url completionHandler:^(NSData *data, NSURLResponse *response, NSError *error) {
        [weakSelf.session finishTasksAndInvalidate];
    }] resume];
    [[NSURLSession sharedSession] invalidateAndCancel];
    NSURLSession *shared = NSURLSession.sharedSession;
}

- (void)dealloc {
    [_session invalidateAndCancel];
}

@end
"#;

#[test]
fn snapshot_client_class() {
    let facts = lower_m(CLIENT);
    insta::assert_snapshot!(render(CLIENT, &facts));
}

#[test]
fn ivars_properties_and_self_spellings_are_one_member() {
    let facts = lower_m(CLIENT);
    let ext = &facts.types[0];
    assert_eq!(
        (ext.name.as_str(), ext.kind),
        ("Client", TypeKind::Extension)
    );
    let names: Vec<&str> = ext.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["backup", "observer", "session", "delegate", "shared"]
    );
    let session = &ext.members[2];
    assert!(session.declared_session && session.is_optional && !session.is_weak);
    assert_eq!(session.declared_type.as_deref(), Some("NSURLSession"));
    assert!(ext.members[1].is_weak && ext.members[3].is_weak);
    assert!(ext.members[4].is_static);

    let init = function(&facts, "initWithConfiguration:delegate:");
    assert_eq!(init.kind, FunctionKind::Initializer);
    assert_eq!(init.params, ["configuration", "delegate"]);
    let members: Vec<String> = all_exprs(&init.body)
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Member { base, name } if matches!(base.kind, ExprKind::SelfRef) => {
                Some(name.clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(members, ["session", "backup"]);
    assert_eq!(function(&facts, "dealloc").kind, FunctionKind::Deinit);
    assert_eq!(
        function(&facts, "sharedClient").kind,
        FunctionKind::StaticMethod
    );
}

#[test]
fn creations_know_their_configuration_and_delegate() {
    let facts = lower_m(CLIENT);
    let found = creations(&facts);
    let kinds: Vec<ConfigKind> = found.iter().map(|c| c.0).collect();
    assert_eq!(kinds, [ConfigKind::Other, ConfigKind::Ephemeral]);
    let first = found[0].1 as usize;
    assert!(CLIENT[first..].starts_with("[NSURLSession sessionWithConfiguration:configuration"));
    let init = function(&facts, "initWithConfiguration:delegate:");
    let delegate_self = all_exprs(&init.body)
        .into_iter()
        .find_map(|e| match &e.kind {
            ExprKind::NewSession(c) => c.delegate_self,
            _ => None,
        });
    let span = delegate_self.expect("delegate: self noted");
    assert_eq!(&CLIENT[span.range()], "self");
}

#[test]
fn singleton_construct_and_static_local() {
    let facts = lower_m(CLIENT);
    let shared = function(&facts, "sharedClient");
    assert!(matches!(
        &shared.body[0].kind,
        StmtKind::Let { name, is_static: true, value: Some(Expr { kind: ExprKind::Nil, .. }), .. } if name == "shared"
    ));
    let constructs: Vec<&str> = all_exprs(&shared.body)
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Construct { type_name, .. } => Some(type_name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(constructs, ["Client"]);
}

#[test]
fn message_sends_have_selectors_labels_and_apis() {
    let facts = lower_m(CLIENT);
    let fetch = function(&facts, "fetch:");
    let calls: Vec<(String, Api, Vec<Option<String>>)> = all_exprs(&fetch.body)
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Call {
                method, api, args, ..
            } => Some((
                method.clone(),
                *api,
                args.iter().map(|a| a.label.clone()).collect(),
            )),
            _ => None,
        })
        .collect();
    let names: Vec<&str> = calls.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "resume",
            "dataTaskWithURL:completionHandler:",
            "finishTasksAndInvalidate",
            "invalidateAndCancel"
        ]
    );
    assert_eq!(calls[0].1, Api::Resume);
    assert_eq!(calls[1].1, Api::MakeTask);
    assert_eq!(
        calls[1].2,
        [
            Some("dataTaskWithURL".into()),
            Some("completionHandler".into())
        ]
    );
    assert_eq!(calls[3].1, Api::Invalidate { cancel: true });
    let shared = all_exprs(&fetch.body)
        .into_iter()
        .filter(|e| matches!(e.kind, ExprKind::SharedSession))
        .count();
    assert_eq!(shared, 2);
    let weak = all_exprs(&fetch.body)
        .into_iter()
        .find_map(|e| match &e.kind {
            ExprKind::Closure(c) => Some(c.weak_captures.clone()),
            _ => None,
        });
    assert_eq!(weak, Some(vec!["weakSelf".to_string()]));
}

const CONTROL_FLOW: &str = r#"
void Run(NSArray *urls, int mode) {
    NSURLSession *s = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];
    switch (mode) {
        case 0:
            if (urls.count == 0) break;
            [s invalidateAndCancel];
            break;
        case 1:
            goto done;
        default:
            return;
    }
    for (NSURL *u in urls) { if (!u) continue; [[s dataTaskWithURL:u] resume]; }
    for (int i = 0; i < 3; i++) { }
    while (1) { break; }
    do { [s finishTasksAndInvalidate]; } while (0);
    @try { [s invalidateAndCancel]; } @catch (NSException *e) { @throw e; } @finally { s = nil; }
    @autoreleasepool { [s invalidateAndCancel]; }
    @synchronized (self) { [s invalidateAndCancel]; }
#if DEBUG
    [s invalidateAndCancel];
#else
    abort();
#endif
done:
    return;
}
"#;

#[test]
fn snapshot_control_flow() {
    let facts = lower_m(CONTROL_FLOW);
    insta::assert_snapshot!(render(CONTROL_FLOW, &facts));
}

#[test]
fn break_inside_switch_jumps_to_the_end_of_the_switch() {
    let facts = lower_m(CONTROL_FLOW);
    let run = function(&facts, "Run");
    let branch = run
        .body
        .iter()
        .position(
            |s| matches!(&s.kind, StmtKind::Branch { arms, exhaustive: true } if arms.len() == 3),
        )
        .expect("switch branch");
    let StmtKind::Label(end) = &run.body[branch + 1].kind else {
        panic!("label after switch")
    };
    let StmtKind::Branch { arms, .. } = &run.body[branch].kind else {
        unreachable!()
    };
    let StmtKind::Branch { arms: inner, .. } = &arms[0][0].kind else {
        panic!("if inside case")
    };
    assert!(matches!(&inner[0][0].kind, StmtKind::Goto(l) if l == end));
}

#[test]
fn macro_heavy_file_keeps_positions_and_finds_its_sessions() {
    let text = "#import <Foundation/Foundation.h>\nNS_ASSUME_NONNULL_BEGIN\n#if XX_METRICS\n\
        typedef void (^XXBlock)(NSURLSession *session, NSURLSessionTaskMetrics *m) XX_API_AVAILABLE(ios(10), macosx(10.12));\n#endif\n\
        FOUNDATION_EXPORT NSString * const XXDomain;\nXX_EXTERN NSString * const XXKey;\n\
        typedef NS_ENUM(NSInteger, XXState) { XXStateIdle };\n\
        @interface XXManager : NSObject\n- (instancetype)initWithConfiguration:(nullable NSURLSessionConfiguration *)c NS_DESIGNATED_INITIALIZER;\n@end\n\
        @implementation XXManager\n- (void)fetch {\n    NSURLSession *s = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration ephemeralSessionConfiguration]];\n}\n@end\nNS_ASSUME_NONNULL_END\n";
    let facts = lower_m(text);
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    let found = creations(&facts);
    assert_eq!(found.len(), 1);
    let at = found[0].1 as usize;
    assert!(text[at..].starts_with("[NSURLSession sessionWithConfiguration:"));
}

#[test]
fn methods_inside_an_error_region_are_recovered_with_exact_offsets() {
    let text = "@implementation Broken\n- (void)a {\n    NSURLSession *s = [NSURLSession sessionWithConfiguration:c];\n}\n\
        WEIRD_MACRO_THING(x) {\n- (void)b {\n    [_session invalidateAndCancel];\n}\n@end\n";
    let facts = lower_m(text);
    let names: Vec<&str> = facts.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert!(facts
        .functions
        .iter()
        .all(|f| f.owner.as_deref() == Some("Broken")));
    let found = creations(&facts);
    let at = found[0].1 as usize;
    assert!(text[at..].starts_with("[NSURLSession sessionWithConfiguration:c]"));
    let b = function(&facts, "b");
    assert!(text[b.name_span.range()].starts_with('b'));
    assert!(text[b.span.range()].starts_with("- (void)b {"));
    // The recovered methods are not inside any problem region.
    for p in &facts.problems {
        assert!(!p.span.contains(b.span) && !p.span.contains(found[0].1.into_span()));
    }
    assert!(!facts.problems.is_empty());
}

trait IntoSpan {
    fn into_span(self) -> crate::facts::Span;
}
impl IntoSpan for u32 {
    fn into_span(self) -> crate::facts::Span {
        crate::facts::Span::new(self as usize, self as usize + 1)
    }
}

#[test]
fn objective_cplusplus_templates_are_skipped_and_lambda_bodies_read_as_blocks() {
    let text = "namespace net { template <typename T> class Pool { void add(T t) { } }; }\n\
        @implementation Loader\n- (void)load {\n    auto make = [](NSURLSessionConfiguration *c) { return [NSURLSession sessionWithConfiguration:c]; };\n    std::vector<int> v{1, 2};\n}\n@end\n";
    let facts = lower(text, Path::new("t.mm"));
    // The lambda's body is read where it stands: its session is the one it returns.
    assert_eq!(creations(&facts).len(), 1, "{}", render(text, &facts));
    assert!(render(text, &facts).contains("return NewSession"));
    assert_eq!(facts.functions.len(), 1);
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
}

#[test]
fn comments_strings_and_if_zero_carry_no_facts() {
    let text = "- (void)x {}\n@implementation A\n- (void)f {\n    // [NSURLSession sessionWithConfiguration:c]\n    NSLog(@\"[NSURLSession sessionWithConfiguration:c]\");\n\
        #if 0\n    NSURLSession *s = [NSURLSession sessionWithConfiguration:c];\n#endif\n    /* [s invalidateAndCancel]; */\n}\n@end\n";
    let facts = lower_m(text);
    assert!(creations(&facts).is_empty());
    assert_eq!(facts.comments.len(), 2);
    assert!(facts.comments[0].text.starts_with("// [NSURLSession"));
}

#[test]
fn headers_are_declarations_only() {
    let text = "NS_ASSUME_NONNULL_BEGIN\n@interface Client : NSObject\n@property (nonatomic, strong, readonly) NSURLSession *session API_AVAILABLE(ios(7.0));\n\
        - (instancetype)initWithConfiguration:(NSURLSessionConfiguration *)c NS_DESIGNATED_INITIALIZER;\n@end\n\
        NS_INLINE NSURLSession *MakeSession(void) { return [NSURLSession sharedSession]; }\nNS_ASSUME_NONNULL_END\n";
    let facts = lower(text, Path::new("Client.h"));
    assert!(facts.declarations_only);
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    assert_eq!(facts.types.len(), 1);
    assert!(facts.types[0].members[0].declared_session);
    let names: Vec<&str> = facts.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["MakeSession"]);
}

#[test]
fn a_header_is_read_as_objective_c_and_its_cplusplus_sections_skipped() {
    let text = "#ifdef __cplusplus\n#include <vector>\nnamespace app {\ntemplate <typename T> class Pool {\npublic:\n    \
        void add(T t) { items_.push_back(t); }\n    std::vector<T> items_;\n};\n} // namespace app\nextern \"C\" {\n#endif\n\
        @interface Client : NSObject\n@property (nonatomic, strong) NSURLSession *session;\n@end\n\
        #ifdef __cplusplus\n}\n#endif\n";
    let header = lower(text, Path::new("Client.h"));
    assert!(header.problems.is_empty(), "{:?}", header.problems);
    assert_eq!(header.types.len(), 1);
    assert!(header.types[0].members[0].declared_session);
    let at = |needle: &str| text.find(needle).unwrap();
    assert_eq!(header.types[0].span.start as usize, at("@interface"));
    // Compiled as Objective-C++, the C++ is live: it is skipped, the Objective-C read.
    let objcpp = lower(text, Path::new("Client.mm"));
    assert!(objcpp.problems.is_empty(), "{:?}", objcpp.problems);
    assert!(objcpp.types[0].members[0].declared_session);
}

/// Lowers on a thread with the stack size the pipeline's workers have.
fn lower_on_worker(text: String) -> FileFacts {
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || lower_m(&text))
        .expect("thread")
        .join()
        .expect("no panic")
}

#[test]
fn deep_nesting_is_bounded_and_reported() {
    const N: usize = 100_000;
    let inputs = [
        format!("void f() {{ x = {}1{}; }}", "(".repeat(N), ")".repeat(N)),
        format!("void f() {{ {}{} }}", "{".repeat(N), "}".repeat(N)),
        format!(
            "void f() {{ x = {}0{}; }}",
            "^{ return ".repeat(N),
            "; }".repeat(N)
        ),
        format!(
            "void f() {{ {}[NSURLSession sharedSession]{}; }}",
            "[".repeat(N),
            " a]".repeat(N)
        ),
    ];
    for text in inputs {
        let start = std::time::Instant::now();
        let facts = lower_on_worker(text);
        assert!(
            start.elapsed().as_secs() < 20,
            "too slow: {:?}",
            start.elapsed()
        );
        assert!(
            facts
                .problems
                .iter()
                .any(|p| p.message.contains("nesting too deep")),
            "{:?}",
            facts.problems.first()
        );
        assert_eq!(facts.functions.len(), 1);
    }
}

#[test]
#[ignore]
fn dump_file() {
    let path = std::env::var("OBJC_FILE").unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let facts = lower(&text, Path::new(&path));
    println!("{}", render(&text, &facts));
}

#[test]
fn a_selector_expression_names_its_method() {
    let facts = lower_m(
        "@implementation Pool\n- (void)close {\n    [_sessions makeObjectsPerformSelector:@selector( invalidateAndCancel )];\n    [_tasks makeObjectsPerformSelector:@selector(cancelWith:reason:)];\n}\n@end\n",
    );
    let selectors: Vec<String> = all_exprs(&function(&facts, "close").body)
        .into_iter()
        .filter_map(|e| match &e.kind {
            ExprKind::Selector(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(selectors, ["invalidateAndCancel", "cancelWith:reason:"]);
}
