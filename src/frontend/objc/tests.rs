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
