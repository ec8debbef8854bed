//! Lowering tests: snippets in, facts out (rendered compactly so snapshots stay readable).

use super::lower;
use crate::facts::{
    api::Api, Block, ConfigKind, Creation, Expr, ExprKind, FileFacts, Function, FunctionKind,
    LineIndex, Stmt, StmtKind, TypeKind,
};
use std::fmt::Write;

/// One line per statement, nested blocks indented; expressions in a short prefix form.
fn render(facts: &FileFacts) -> String {
    let mut out = String::new();
    for function in &facts.functions {
        let _ = writeln!(
            out,
            "fn {}{} [{:?}] ({})",
            function
                .owner
                .as_ref()
                .map(|o| format!("{o}::"))
                .unwrap_or_default(),
            function.name,
            function.kind,
            function.params.join(", ")
        );
        render_block(&function.body, 1, &mut out);
    }
    for ty in &facts.types {
        let _ = writeln!(out, "type {} [{:?}]", ty.name, ty.kind);
        for m in &ty.members {
            let _ = writeln!(
                out,
                "  member {}: session={} optional={} weak={} type={:?}",
                m.name, m.declared_session, m.is_optional, m.is_weak, m.declared_type
            );
        }
    }
    for p in &facts.problems {
        let _ = writeln!(out, "problem: {}", p.message);
    }
    out
}

fn render_block(block: &Block, indent: usize, out: &mut String) {
    for stmt in block {
        render_stmt(stmt, indent, out);
    }
}

fn render_stmt(stmt: &Stmt, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    match &stmt.kind {
        StmtKind::Let { name, value, .. } => {
            let value = value
                .as_ref()
                .map(render_expr)
                .unwrap_or_else(|| "_".into());
            let _ = writeln!(out, "{pad}let {name} = {value}");
        }
        StmtKind::Eval(e) => {
            let _ = writeln!(out, "{pad}eval {}", render_expr(e));
        }
        StmtKind::Branch { arms, exhaustive } => {
            let _ = writeln!(out, "{pad}branch exhaustive={exhaustive}");
            for arm in arms {
                let _ = writeln!(out, "{pad}  arm");
                render_block(arm, indent + 2, out);
            }
        }
        StmtKind::Loop {
            label,
            header,
            body,
            infinite,
            ..
        } => {
            let _ = writeln!(out, "{pad}loop label={label:?} infinite={infinite}");
            let _ = writeln!(out, "{pad}  header");
            render_block(header, indent + 2, out);
            let _ = writeln!(out, "{pad}  body");
            render_block(body, indent + 2, out);
        }
        StmtKind::Return(e) => {
            let _ = writeln!(
                out,
                "{pad}return {}",
                e.as_ref().map(render_expr).unwrap_or_default()
            );
        }
        StmtKind::Scope(body) => {
            let _ = writeln!(out, "{pad}scope");
            render_block(body, indent + 1, out);
        }
        other => {
            let _ = writeln!(out, "{pad}{other:?}");
        }
    }
}

fn render_expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::NewSession(c) => format!("NewSession({})", render_creation(c)),
        ExprKind::SharedSession => "SharedSession".into(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::SelfRef => "self".into(),
        ExprKind::TypeRef(t) => format!("type {t}"),
        ExprKind::Member { base, name } => format!("{}.{name}", render_expr(base)),
        ExprKind::Call {
            receiver,
            method,
            args,
            api,
            ..
        } => {
            let receiver = receiver
                .as_ref()
                .map(|r| format!("{}.", render_expr(r)))
                .unwrap_or_default();
            let api = match api {
                Api::Other => String::new(),
                Api::Invalidate { cancel } => format!("<invalidate cancel={cancel}>"),
                Api::MakeTask => "<task>".into(),
                Api::Resume => "<resume>".into(),
            };
            let args: Vec<String> = args
                .iter()
                .map(|a| match &a.label {
                    Some(l) => format!("{l}: {}", render_expr(&a.value)),
                    None => render_expr(&a.value),
                })
                .collect();
            format!("{receiver}{method}{api}({})", args.join(", "))
        }
        ExprKind::Construct { type_name, args } => {
            let args: Vec<String> = args
                .iter()
                .map(|a| {
                    format!(
                        "{}: {}",
                        a.label.clone().unwrap_or_default(),
                        render_expr(&a.value)
                    )
                })
                .collect();
            format!("{type_name} {{ {} }}", args.join(", "))
        }
        ExprKind::Assign { target, value } => {
            format!("{} = {}", render_expr(target), render_expr(value))
        }
        ExprKind::Closure(c) => {
            let mut body = String::new();
            render_block(&c.body, 0, &mut body);
            let body: Vec<&str> = body.lines().map(str::trim).collect();
            format!("|{}| {{ {} }}", c.params.join(", "), body.join("; "))
        }
        ExprKind::Try { inner, propagates } => {
            format!("try({}, propagates={propagates})", render_expr(inner))
        }
        ExprKind::Nil => "nil".into(),
        ExprKind::Literal => "lit".into(),
        ExprKind::Selector(s) => format!("selector({s})"),
        ExprKind::Choice(arms) => {
            format!(
                "choice({})",
                arms.iter().map(render_expr).collect::<Vec<_>>().join(" | ")
            )
        }
        ExprKind::Opaque(children) => {
            format!(
                "opaque({})",
                children
                    .iter()
                    .map(render_expr)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}

fn render_creation(c: &Creation) -> String {
    let mut s = format!("{:?}", c.config).to_lowercase();
    if c.delegate_self.is_some() {
        s.push_str(", delegate: self");
    }
    if c.has_other_delegate {
        s.push_str(", delegate: other");
    }
    s
}

fn function<'f>(facts: &'f FileFacts, name: &str) -> &'f Function {
    facts
        .functions
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name} in\n{}", render(facts)))
}

/// Every expression of a function, depth first.
fn all_exprs(block: &Block) -> Vec<&Expr> {
    fn walk_expr<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
        out.push(e);
        match &e.kind {
            ExprKind::Member { base, .. } => walk_expr(base, out),
            ExprKind::Call { receiver, args, .. } => {
                receiver.iter().for_each(|r| walk_expr(r, out));
                args.iter().for_each(|a| walk_expr(&a.value, out));
            }
            ExprKind::Construct { args, .. } => args.iter().for_each(|a| walk_expr(&a.value, out)),
            ExprKind::Assign { target, value } => {
                walk_expr(target, out);
                walk_expr(value, out);
            }
            ExprKind::Closure(c) => walk_block(&c.body, out),
            ExprKind::Try { inner, .. } => walk_expr(inner, out),
            ExprKind::Choice(v) | ExprKind::Opaque(v) => v.iter().for_each(|x| walk_expr(x, out)),
            _ => {}
        }
    }
    fn walk_block<'e>(block: &'e Block, out: &mut Vec<&'e Expr>) {
        for stmt in block {
            match &stmt.kind {
                StmtKind::Let { value: Some(e), .. }
                | StmtKind::Eval(e)
                | StmtKind::Return(Some(e)) => walk_expr(e, out),
                StmtKind::Branch { arms, .. } => arms.iter().for_each(|a| walk_block(a, out)),
                StmtKind::Loop { header, body, .. } => {
                    walk_block(header, out);
                    walk_block(body, out);
                }
                StmtKind::Scope(b) | StmtKind::Defer(b) => walk_block(b, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk_block(block, &mut out);
    out
}

fn creations(facts: &FileFacts) -> Vec<(&Expr, &Creation)> {
    facts
        .functions
        .iter()
        .flat_map(|f| all_exprs(&f.body))
        .filter_map(|e| match &e.kind {
            ExprKind::NewSession(c) => Some((e, c)),
            _ => None,
        })
        .collect()
}

fn line_col(text: &str, offset: u32) -> (u32, u32) {
    let pos = LineIndex::new(text).line_col(text, offset);
    (pos.line, pos.column)
}

#[test]
fn snapshot_of_a_client_with_drop_closures_and_error_paths() {
    let text = r#"
use objc2_foundation::{NSURLSession, NSURLSessionConfiguration, NSURL};

pub struct Client {
    session: Retained<NSURLSession>,
    backup: Option<Retained<NSURLSession>>,
    owner: Weak<Owner>,
    name: String,
}

impl Client {
    pub fn new() -> Self {
        let config = unsafe { NSURLSessionConfiguration::ephemeralSessionConfiguration() };
        let session = unsafe { NSURLSession::sessionWithConfiguration(&config) };
        Client { session, backup: None, owner: Weak::new(), name: String::new() }
    }

    fn fetch(&self, s: &str) -> Result<(), Error> {
        let url = NSURL::URLWithString(&NSString::from_str(s)).ok_or(Error::BadUrl)?;
        let Some(host) = url.host() else { return Err(Error::NoHost) };
        let task = unsafe {
            self.session.dataTaskWithURL_completionHandler(&url, &block2::RcBlock::new(move |data, _, _| {
                println!("{:?}", data);
            }))
        };
        task.resume();
        Ok(())
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Some(backup) = self.backup.take() {
            unsafe { backup.finishTasksAndInvalidate() };
        }
        unsafe { self.session.invalidateAndCancel() };
    }
}
"#;
    insta::assert_snapshot!(render(&lower(text)));
}

#[test]
fn snapshot_of_control_flow() {
    let text = r#"
fn flow(items: Vec<i32>) -> i32 {
    let mut total = 0;
    'outer: for item in items.iter() {
        while let Some(x) = next() {
            if x > 3 { continue 'outer; } else if x < 0 { break 'outer; }
        }
        loop { break; }
    }
    let kind = match total { 0 => "none", _ => "some" };
    let value = if total > 1 { log(); total } else { 0 };
    match fetch() {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}
"#;
    insta::assert_snapshot!(render(&lower(text)));
}

#[test]
fn objc2_creation_shapes_and_their_configurations() {
    let text = r#"
use objc2_foundation::NSURLSession as Session;
fn a() { let s = unsafe { NSURLSession::sessionWithConfiguration(&NSURLSessionConfiguration::defaultSessionConfiguration()) }; }
fn b() { let s = Session::sessionWithConfiguration(&config); }
fn c() { let s = objc2_foundation::NSURLSession::sessionWithConfiguration(&NSURLSessionConfiguration::backgroundSessionConfigurationWithIdentifier(&id)); }
fn d() { let s = Session::sharedSession(); }
fn e() { let s = foundation::NSURLSession::new(); }
"#;
    let facts = lower(text);
    let configs: Vec<ConfigKind> = creations(&facts).iter().map(|(_, c)| c.config).collect();
    assert_eq!(
        configs,
        vec![
            ConfigKind::Default,
            ConfigKind::Other,
            ConfigKind::Background,
            ConfigKind::NoConfiguration
        ]
    );
    let shared = all_exprs(&function(&facts, "d").body)
        .iter()
        .any(|e| matches!(e.kind, ExprKind::SharedSession));
    assert!(shared, "{}", render(&facts));
    let (creation, _) = creations(&facts)[0];
    assert!(text[creation.span.range()].starts_with("NSURLSession::sessionWithConfiguration("));
}

#[test]
fn delegate_built_from_self_is_noted_with_its_span() {
    let text = r#"
impl Downloader {
    fn start(&self) {
        let s = unsafe { NSURLSession::sessionWithConfiguration_delegate_delegateQueue(&config, Some(ProtocolObject::from_ref(self)), None) };
        let t = unsafe { NSURLSession::sessionWithConfiguration_delegate_delegateQueue(&config, Some(&*self.proxy()), None) };
        let u = unsafe { NSURLSession::sessionWithConfiguration_delegate_delegateQueue(&config, Some(&proxy), None) };
        let v = unsafe { NSURLSession::sessionWithConfiguration_delegate_delegateQueue(&config, None, None) };
    }
}
"#;
    let facts = lower(text);
    let found = creations(&facts);
    assert_eq!(found.len(), 4);
    let delegate = found[0].1.delegate_self.expect("delegate from self");
    assert_eq!(
        &text[delegate.range()],
        "Some(ProtocolObject::from_ref(self))"
    );
    assert!(found[1].1.delegate_self.is_some());
    assert!(found[2].1.delegate_self.is_none() && found[2].1.has_other_delegate);
    assert!(found[3].1.delegate_self.is_none() && !found[3].1.has_other_delegate);
}

#[test]
fn msg_send_variants() {
    let text = r#"
unsafe fn legacy(config: id, delegate: id) {
    let a: id = msg_send![class!(NSURLSession), sessionWithConfiguration: config];
    let b: id = msg_send![class!(NSURLSession), sessionWithConfiguration: config delegate: self delegateQueue: nil];
    let c: Retained<NSURLSession> = msg_send_id![NSURLSession::class(), sessionWithConfiguration: config, delegate: delegate, delegateQueue: None];
    let d: id = objc::msg_send![class!(NSURLSession), sharedSession];
    let _: () = msg_send![a, invalidateAndCancel];
    let task: id = msg_send![b, dataTaskWithURL: url completionHandler: block];
}
"#;
    let facts = lower(text);
    let rendered = render(&facts);
    let found = creations(&facts);
    assert_eq!(found.len(), 3, "{rendered}");
    assert!(found[1].1.delegate_self.is_some());
    assert!(found[2].1.has_other_delegate);
    assert!(rendered.contains("let d = SharedSession"), "{rendered}");
    assert!(
        rendered.contains("eval a.invalidateAndCancel<invalidate cancel=true>()"),
        "{rendered}"
    );
    assert!(
        rendered.contains("let task = b.dataTaskWithURL:completionHandler:<task>(dataTaskWithURL: url, completionHandler: block)"),
        "{rendered}"
    );
}

#[test]
fn method_calls_aliases_and_try() {
    let text = r#"
fn run(session: &NSURLSession) -> Result<Retained<NSURLSession>, E> {
    let copy = session.clone();
    let other = Retained::clone(&copy);
    other.as_ref().unwrap().finishTasksAndInvalidate();
    let data = load()?;
    NSURLSession::invalidateAndCancel(&copy);
    Ok(make()?)
}
"#;
    let rendered = render(&lower(text));
    for expected in [
        "let copy = session",
        "let other = copy",
        "eval other.finishTasksAndInvalidate<invalidate cancel=false>()",
        "let data = try(load(), propagates=true)",
        "eval copy.invalidateAndCancel<invalidate cancel=true>()",
        "return try(make(), propagates=true)",
    ] {
        assert!(
            rendered.contains(expected),
            "missing `{expected}` in\n{rendered}"
        );
    }
}

#[test]
fn tail_expressions_return_only_from_value_returning_functions() {
    let text = "fn make() -> Retained<NSURLSession> { unsafe { NSURLSession::sessionWithConfiguration(&c) } }\nfn unit() { cleanup(s) }";
    let facts = lower(text);
    assert!(
        matches!(
            &function(&facts, "make").body[..],
            [Stmt { kind: StmtKind::Scope(body), .. }] if matches!(&body[..], [Stmt { kind: StmtKind::Return(Some(Expr { kind: ExprKind::NewSession(_), .. })), .. }])
        ),
        "{}",
        render(&facts)
    );
    assert!(matches!(
        &function(&facts, "unit").body[..],
        [Stmt {
            kind: StmtKind::Eval(_),
            ..
        }]
    ));
}

#[test]
fn let_else_branches_before_binding() {
    let text = "fn f() { let s = make(); let Some(url) = parse(x) else { return; }; s.invalidateAndCancel(); }";
    let rendered = render(&lower(text));
    let expected = "  let s = make()\n  branch exhaustive=false\n    arm\n      return \n  let url = parse(x)\n";
    assert!(rendered.contains(expected), "{rendered}");
}

#[test]
fn items_kinds_owners_and_members() {
    let text = r#"
use std::sync::{LazyLock, OnceLock};
struct Holder { session: RefCell<Option<Retained<NSURLSession>>>, weak: WeakId<NSURLSession>, client: Arc<Client>, config: Retained<NSURLSessionConfiguration> }
struct Pair(Retained<NSURLSession>, u8);
impl Holder { fn get(&self) {} fn make() -> Self { todo!() } const LIMIT: usize = 3; }
impl Drop for Holder { fn drop(&mut self) { outer(); fn helper() {} } }
static SHARED: LazyLock<Retained<NSURLSession>> = LazyLock::new(|| unsafe { NSURLSession::sessionWithConfiguration(&c) });
thread_local! { static LOCAL: Retained<NSURLSession> = unsafe { NSURLSession::sharedSession() }; }
lazy_static! { static ref OLD: Retained<NSURLSession> = make(); }
mod inner { pub fn nested() {} }
#[cfg(test)] mod tests { #[test] fn checks() {} }
#[cfg(any())] fn disabled() {}
trait Fetcher { fn fetch(&self) { go(); } fn required(&self); }
"#;
    let facts = lower(text);
    let kinds: Vec<(String, Option<String>, FunctionKind)> = facts
        .functions
        .iter()
        .map(|f| (f.name.clone(), f.owner.clone(), f.kind))
        .collect();
    let expect = |name: &str, owner: Option<&str>, kind: FunctionKind| {
        assert!(
            kinds.contains(&(name.to_string(), owner.map(String::from), kind)),
            "missing {name} in {kinds:?}"
        )
    };
    expect("get", Some("Holder"), FunctionKind::Method);
    expect("make", Some("Holder"), FunctionKind::StaticMethod);
    expect("LIMIT", Some("Holder"), FunctionKind::GlobalInitializer);
    expect("drop", Some("Holder"), FunctionKind::Deinit);
    expect("helper", None, FunctionKind::Free);
    expect("SHARED", None, FunctionKind::GlobalInitializer);
    expect("LOCAL", None, FunctionKind::GlobalInitializer);
    expect("OLD", None, FunctionKind::GlobalInitializer);
    expect("nested", None, FunctionKind::Free);
    expect("checks", None, FunctionKind::Free);
    expect("fetch", Some("Fetcher"), FunctionKind::Method);
    assert!(!kinds
        .iter()
        .any(|(n, _, _)| n == "disabled" || n == "required"));

    let rendered = render(&facts);
    assert!(
        rendered
            .contains("eval SHARED = type LazyLock.new(|| { scope; return NewSession(other) })"),
        "{rendered}"
    );
    assert!(
        rendered.contains("eval LOCAL = SharedSession"),
        "{rendered}"
    );
    assert!(
        rendered.contains(
            "member session: session=true optional=true weak=false type=Some(\"NSURLSession\")"
        ),
        "{rendered}"
    );
    assert!(
        rendered.contains("member weak: session=true optional=false weak=true"),
        "{rendered}"
    );
    assert!(
        rendered.contains(
            "member client: session=false optional=false weak=false type=Some(\"Client\")"
        ),
        "{rendered}"
    );
    assert!(
        rendered.contains("member config: session=false"),
        "{rendered}"
    );
    assert!(rendered.contains("member 0: session=true"), "{rendered}");
    let extension = facts
        .types
        .iter()
        .find(|t| t.name == "Holder" && t.kind == TypeKind::Extension);
    assert!(extension.is_some());
}

#[test]
fn closures_bodies_return_their_value() {
    let text =
        "fn f() { run(move || session.invalidateAndCancel()); let g = |x| { x.resume(); }; }";
    let rendered = render(&lower(text));
    assert!(
        rendered.contains(
            "eval run(|| { return session.invalidateAndCancel<invalidate cancel=true>() })"
        ),
        "{rendered}"
    );
    assert!(
        rendered.contains("let g = |x| { eval x.resume<resume>() }"),
        "{rendered}"
    );
}

#[test]
fn stores_through_cells_and_self_members() {
    let text = r#"
impl C {
    fn reset(&self) {
        self.session = unsafe { NSURLSession::sessionWithConfiguration(&c) };
        *self.other.borrow_mut() = Some(make());
        self.third.set(Some(make()));
        if let Some(old) = self.fourth.take() { old.invalidateAndCancel(); }
    }
}
"#;
    let rendered = render(&lower(text));
    for expected in [
        "eval self.session = NewSession(other)",
        "eval self.other = make()",
        "eval self.third = make()",
        "  branch exhaustive=false\n    arm\n      let old = self.fourth\n",
    ] {
        assert!(
            rendered.contains(expected),
            "missing `{expected}` in\n{rendered}"
        );
    }
}

#[test]
fn comments_are_collected_and_text_never_makes_facts() {
    let text = r##"
/// Calls NSURLSession::sharedSession() and invalidateAndCancel.
fn quiet() {
    // sessionlint:disable-next-line SL001
    let s = "NSURLSession::sessionWithConfiguration(&c).invalidateAndCancel()"; /* invalidateAndCancel */
    let r = r#"msg_send![class!(NSURLSession), sharedSession]"#;
}
"##;
    let facts = lower(text);
    let comments: Vec<&str> = facts.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        comments,
        vec![
            "/// Calls NSURLSession::sharedSession() and invalidateAndCancel.",
            "// sessionlint:disable-next-line SL001",
            "/* invalidateAndCancel */",
        ]
    );
    let body = &function(&facts, "quiet").body;
    assert!(
        all_exprs(body)
            .iter()
            .all(|e| matches!(e.kind, ExprKind::Literal)),
        "{}",
        render(&facts)
    );
}

#[test]
fn spans_count_characters_after_multibyte_text() {
    let text = "fn f() {\n    let é = \"日本\"; let s = NSURLSession::sharedSession();\r\n    s.invalidateAndCancel();\n}\n";
    let facts = lower(text);
    let body = &function(&facts, "f").body;
    let shared = all_exprs(body)
        .into_iter()
        .find(|e| matches!(e.kind, ExprKind::SharedSession))
        .unwrap();
    assert_eq!(&text[shared.span.range()], "NSURLSession::sharedSession()");
    assert_eq!(line_col(text, shared.span.start), (2, 27));
    let call = all_exprs(body)
        .into_iter()
        .find(
            |e| matches!(&e.kind, ExprKind::Call { method, .. } if method == "invalidateAndCancel"),
        )
        .unwrap();
    assert_eq!(line_col(text, call.span.start), (3, 5));
    assert_eq!(&text[call.span.range()], "s.invalidateAndCancel()");
}

#[test]
fn shebang_and_bom_keep_positions() {
    let text = "\u{feff}#!/usr/bin/env run-cargo-script\nfn main() { let s = NSURLSession::sharedSession(); }\n";
    let facts = lower(text);
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    let shared = all_exprs(&function(&facts, "main").body)
        .into_iter()
        .find(|e| matches!(e.kind, ExprKind::SharedSession))
        .unwrap();
    assert_eq!(&text[shared.span.range()], "NSURLSession::sharedSession()");
}

#[test]
fn a_broken_item_is_a_problem_and_the_other_items_are_still_lowered() {
    let text = "fn good() { let s = NSURLSession::sharedSession(); }\n\nfn bad() { let x = ; }\n\nfn also_good() {}\n";
    let facts = lower(text);
    assert_eq!(facts.problems.len(), 1);
    let problem = &facts.problems[0];
    assert!(
        problem.message.starts_with("cannot parse Rust:"),
        "{}",
        problem.message
    );
    assert_eq!(line_col(text, problem.span.start).0, 3);
    let names: Vec<&str> = facts.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["good", "also_good"]);
}

#[test]
fn pathological_nesting_is_refused_without_overflowing() {
    let n = 100_000;
    let cases = [
        format!("fn f() {{ let x = {}1{}; }}", "(".repeat(n), ")".repeat(n)),
        format!("fn f() {}{}", "{".repeat(n), "}".repeat(n)),
        format!("fn f() {{ let c = {}1; }}", "|| ".repeat(n)),
        format!("fn f() {{ let c = {}x; }}", "!".repeat(n)),
        format!("fn f() {{ let c = x{}; }}", " + x".repeat(n)),
        format!("fn f() {{ let c = x{}; }}", ".m()".repeat(n)),
        format!("fn f() {{ if a {{}}{} }}", " else if a {}".repeat(n)),
    ];
    for text in &cases {
        let facts = lower(text);
        assert_eq!(facts.problems.len(), 1, "{}", &text[..40]);
        assert!(
            facts.problems[0].message.starts_with("nesting too deep"),
            "{}",
            facts.problems[0].message
        );
        assert!(facts.functions.is_empty());
    }
}

#[test]
fn deep_but_allowed_nesting_is_parsed() {
    let depth = 450;
    let text = format!(
        "fn f() {{ let s = {}NSURLSession::sharedSession(){}; }}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let facts = lower(&text);
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    assert_eq!(facts.functions.len(), 1);
    // At the inline limits the parse runs on the caller's (here: a 2 MiB test) thread.
    let inline = format!(
        "fn f() {{ let s = {}{}x{}; }}",
        "(|| ".repeat(20),
        "!".repeat(super::SHALLOW_NESTING - 62),
        ")".repeat(20)
    );
    let facts = lower(&inline);
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    assert_eq!(facts.functions.len(), 1);
    let closures = format!(
        "fn f() {{ let c = {}s.invalidateAndCancel(); }}",
        "|| ".repeat(900)
    );
    let facts = lower(&closures);
    assert!(facts.problems.is_empty(), "{:?}", facts.problems);
    assert_eq!(facts.functions.len(), 1);
}
