//! Analysis tests over hand-built facts: the CFG and dataflow, independent of any front-end.

use crate::config::Config;
use crate::facts::*;
use crate::project::Project;
use crate::run::SourceFile;

fn sp(at: usize) -> Span {
    Span::new(at, at + 1)
}
fn ex(kind: ExprKind, at: usize) -> Expr {
    Expr { kind, span: sp(at) }
}
fn st(kind: StmtKind, at: usize) -> Stmt {
    Stmt { kind, span: sp(at) }
}
fn new_session(at: usize) -> Expr {
    new_session_with(at, None)
}
fn new_session_with(at: usize, delegate_self: Option<Span>) -> Expr {
    ex(
        ExprKind::NewSession(Creation {
            config: ConfigKind::Default,
            delegate_self,
            has_other_delegate: false,
        }),
        at,
    )
}
fn name(n: &str) -> Expr {
    ex(ExprKind::Name(n.into()), 0)
}
fn member(n: &str) -> Expr {
    ex(
        ExprKind::Member {
            base: Box::new(ex(ExprKind::SelfRef, 0)),
            name: n.into(),
        },
        0,
    )
}
fn call(recv: Option<Expr>, method: &str, args: Vec<Expr>, at: usize) -> Expr {
    ex(
        ExprKind::Call {
            receiver: recv.map(Box::new),
            method: method.into(),
            args: args
                .into_iter()
                .map(|value| Arg { label: None, value })
                .collect(),
            api: api::classify_method(method),
            method_span: sp(at),
        },
        at,
    )
}
fn let_(n: &str, value: Expr) -> Stmt {
    st(
        StmtKind::Let {
            name: n.into(),
            name_span: sp(0),
            value: Some(value),
            is_static: false,
        },
        0,
    )
}
fn eval(e: Expr) -> Stmt {
    st(StmtKind::Eval(e), 0)
}
fn assign(target: Expr, value: Expr, at: usize) -> Stmt {
    eval(ex(
        ExprKind::Assign {
            target: Box::new(target),
            value: Box::new(value),
        },
        at,
    ))
}
fn branch(arms: Vec<Vec<Stmt>>, exhaustive: bool) -> Stmt {
    st(StmtKind::Branch { arms, exhaustive }, 0)
}
fn func(
    n: &str,
    kind: FunctionKind,
    owner: Option<&str>,
    params: &[&str],
    body: Block,
) -> Function {
    Function {
        name: n.into(),
        kind,
        owner: owner.map(Into::into),
        params: params.iter().map(|p| p.to_string()).collect(),
        span: sp(0),
        name_span: sp(1),
        body: body.into(),
        visibility: crate::facts::Visibility::default(),
    }
}
fn free(body: Block) -> Function {
    func("f", FunctionKind::Free, None, &[], body)
}
fn class(n: &str, members: &[(&str, bool)]) -> TypeDecl {
    TypeDecl {
        name: n.into(),
        kind: TypeKind::Class,
        span: sp(0),
        members: members
            .iter()
            .map(|(m, optional)| MemberDecl {
                name: m.to_string(),
                span: sp(0),
                is_static: false,
                is_lazy: false,
                is_optional: *optional,
                is_weak: false,
                is_computed: false,
                declared_session: true,
                declared_type: None,
            })
            .collect(),
        info: TypeDeclInfo::default(),
    }
}

/// A one-file project of these facts.
fn project(functions: Vec<Function>, types: Vec<TypeDecl>) -> Project {
    let facts = FileFacts {
        functions,
        types,
        ..FileFacts::default()
    };
    let file = SourceFile::new("t.swift".into(), Language::Swift, "", Vec::new());
    Project::build(&[file], vec![facts], &Config::default())
}

/// Runs every rule; returns (rule, primary span start) sorted.
fn run(functions: Vec<Function>, types: Vec<TypeDecl>) -> Vec<(&'static str, u32)> {
    let project = project(functions, types);
    let mut out: Vec<_> = crate::rules::check_project(&project)
        .diagnostics
        .into_iter()
        .map(|d| (d.rule, d.span.start))
        .collect();
    out.sort();
    out
}

#[test]
fn dropped_session_is_sl001_and_invalidated_one_is_silent() {
    let leak = free(vec![
        let_("s", new_session(10)),
        eval(call(Some(name("s")), "dataTask", vec![], 20)),
    ]);
    assert_eq!(run(vec![leak], vec![]), vec![("SL001", 10)]);
    let ok = free(vec![
        let_("s", new_session(10)),
        eval(call(Some(name("s")), "dataTask", vec![], 20)),
        eval(call(
            Some(name("s")),
            "finishTasksAndInvalidate",
            vec![],
            30,
        )),
    ]);
    assert_eq!(run(vec![ok], vec![]), vec![]);
}

#[test]
fn chained_creation_leaks_and_alias_invalidation_counts() {
    let chained = free(vec![eval(call(
        Some(call(Some(new_session(5)), "dataTask", vec![], 7)),
        "resume",
        vec![],
        9,
    ))]);
    assert_eq!(run(vec![chained], vec![]), vec![("SL001", 5)]);
    let alias = free(vec![
        let_("s", new_session(5)),
        let_("t", name("s")),
        eval(call(Some(name("t")), "invalidateAndCancel", vec![], 9)),
    ]);
    assert_eq!(run(vec![alias], vec![]), vec![]);
}

#[test]
fn early_return_is_sl002_and_defer_covers_it() {
    let early = free(vec![
        let_("s", new_session(10)),
        branch(vec![vec![st(StmtKind::Return(None), 15)]], false),
        eval(call(
            Some(name("s")),
            "finishTasksAndInvalidate",
            vec![],
            30,
        )),
    ]);
    assert_eq!(run(vec![early], vec![]), vec![("SL002", 10)]);
    let deferred = free(vec![
        let_("s", new_session(10)),
        st(
            StmtKind::Defer(vec![eval(call(
                Some(name("s")),
                "finishTasksAndInvalidate",
                vec![],
                30,
            ))]),
            12,
        ),
        branch(vec![vec![st(StmtKind::Return(None), 15)]], false),
    ]);
    assert_eq!(run(vec![deferred], vec![]), vec![]);
}

#[test]
fn returned_or_passed_away_sessions_are_handed_off() {
    let factory = free(vec![st(StmtKind::Return(Some(new_session(10))), 9)]);
    let passed = free(vec![
        let_("s", new_session(20)),
        eval(call(None, "register", vec![name("s")], 25)),
    ]);
    assert_eq!(run(vec![factory, passed], vec![]), vec![]);
}

#[test]
fn task_after_invalidation_is_sl007_and_shared_invalidation_is_sl006() {
    let body = free(vec![
        let_("s", new_session(10)),
        eval(call(Some(name("s")), "invalidateAndCancel", vec![], 20)),
        eval(call(Some(name("s")), "dataTask", vec![], 30)),
        eval(call(
            Some(ex(ExprKind::SharedSession, 40)),
            "finishTasksAndInvalidate",
            vec![],
            45,
        )),
    ]);
    assert_eq!(run(vec![body], vec![]), vec![("SL006", 45), ("SL007", 30)]);
}

#[test]
fn session_in_loop_leaks_per_iteration() {
    let body = free(vec![st(
        StmtKind::Loop {
            label: None,
            header: vec![],
            body: vec![
                let_("s", new_session(10)),
                eval(call(Some(name("s")), "dataTask", vec![], 20)),
            ],
            at_least_once: false,
            infinite: false,
        },
        0,
    )]);
    assert_eq!(run(vec![body], vec![]), vec![("SL001", 10)]);
}

#[test]
fn releaser_and_factory_summaries_compose_across_functions() {
    let release = func(
        "cleanup",
        FunctionKind::Free,
        None,
        &["x"],
        vec![eval(call(
            Some(name("x")),
            "invalidateAndCancel",
            vec![],
            1,
        ))],
    );
    let release_twice = func(
        "done",
        FunctionKind::Free,
        None,
        &["y"],
        vec![eval(call(None, "cleanup", vec![name("y")], 2))],
    );
    let make = func(
        "make",
        FunctionKind::Free,
        None,
        &[],
        vec![st(StmtKind::Return(Some(new_session(3))), 3)],
    );
    let make_twice = func(
        "make2",
        FunctionKind::Free,
        None,
        &[],
        vec![st(StmtKind::Return(Some(call(None, "make", vec![], 4))), 4)],
    );
    let good = free(vec![
        let_("s", call(None, "make2", vec![], 50)),
        eval(call(None, "done", vec![name("s")], 55)),
    ]);
    let bad = func(
        "g",
        FunctionKind::Free,
        None,
        &[],
        vec![let_("s", call(None, "make2", vec![], 60))],
    );
    let found = run(
        vec![release, release_twice, make, make_twice, good, bad],
        vec![],
    );
    assert_eq!(found, vec![("SL001", 60)]);
}

#[test]
fn recursive_helpers_terminate() {
    let a = func(
        "a",
        FunctionKind::Free,
        None,
        &["x"],
        vec![eval(call(None, "b", vec![name("x")], 1))],
    );
    let b = func(
        "b",
        FunctionKind::Free,
        None,
        &["x"],
        vec![
            eval(call(None, "a", vec![name("x")], 2)),
            eval(call(Some(name("x")), "invalidateAndCancel", vec![], 3)),
        ],
    );
    let user = free(vec![
        let_("s", new_session(10)),
        eval(call(None, "a", vec![name("s")], 11)),
    ]);
    assert_eq!(run(vec![a, b, user], vec![]), vec![]);
}

#[test]
fn owner_rules_judge_stored_sessions() {
    // SL003: stored, never invalidated.
    let init = func(
        "init",
        FunctionKind::Initializer,
        Some("A"),
        &[],
        vec![assign(member("session"), new_session(10), 9)],
    );
    assert_eq!(
        run(vec![init.clone()], vec![class("A", &[("session", false)])]),
        vec![("SL003", 10)]
    );

    // SL004: delegate is self, invalidated only in deinit.
    let init_cycle = func(
        "init",
        FunctionKind::Initializer,
        Some("A"),
        &[],
        vec![assign(
            member("session"),
            new_session_with(10, Some(sp(12))),
            9,
        )],
    );
    let deinit = func(
        "deinit",
        FunctionKind::Deinit,
        Some("A"),
        &[],
        vec![eval(call(
            Some(member("session")),
            "invalidateAndCancel",
            vec![],
            30,
        ))],
    );
    assert_eq!(
        run(
            vec![init_cycle, deinit.clone()],
            vec![class("A", &[("session", false)])]
        ),
        vec![("SL004", 10)]
    );

    // SL005: a non-optional member set in init, replaced in reset without invalidation.
    let reset = func(
        "reset",
        FunctionKind::Method,
        Some("A"),
        &[],
        vec![assign(member("session"), new_session(40), 39)],
    );
    assert_eq!(
        run(
            vec![init.clone(), reset.clone(), deinit.clone()],
            vec![class("A", &[("session", false)])]
        ),
        vec![("SL005", 39)]
    );
    // Optional member: not known to hold one, silent.
    assert_eq!(
        run(
            vec![init, reset, deinit],
            vec![class("A", &[("session", true)])]
        ),
        vec![]
    );
}

#[test]
fn singleton_owner_is_silent() {
    let init = func(
        "init",
        FunctionKind::Initializer,
        Some("A"),
        &[],
        vec![assign(member("session"), new_session(10), 9)],
    );
    let shared = func(
        "shared",
        FunctionKind::GlobalInitializer,
        Some("A"),
        &[],
        vec![assign(
            ex(
                ExprKind::Member {
                    base: Box::new(ex(ExprKind::TypeRef("A".into()), 0)),
                    name: "shared".into(),
                },
                0,
            ),
            call(None, "A", vec![], 50),
            49,
        )],
    );
    assert_eq!(
        run(vec![init, shared], vec![class("A", &[("session", false)])]),
        vec![]
    );
}

#[test]
fn thousands_of_branches_and_deep_loops_finish() {
    let mut body = vec![let_("s", new_session(10))];
    for i in 0..3000 {
        body.push(branch(
            vec![vec![eval(call(
                Some(name("s")),
                "dataTask",
                vec![],
                100 + i,
            ))]],
            false,
        ));
    }
    let mut nested = vec![eval(call(Some(name("s")), "dataTask", vec![], 20))];
    for _ in 0..200 {
        nested = vec![st(
            StmtKind::Loop {
                label: None,
                header: vec![],
                body: nested,
                at_least_once: false,
                infinite: false,
            },
            0,
        )];
    }
    body.extend(nested);
    let start = std::time::Instant::now();
    assert_eq!(run(vec![free(body)], vec![]), vec![("SL001", 10)]);
    assert!(start.elapsed().as_secs() < 10);
}

#[test]
fn passing_a_session_away_is_the_same_whether_the_callee_is_known_or_not() {
    // `perform` is also a name whose closures run later; a session argument still escapes,
    // so an unparsed namesake (skipped by the prefilter) cannot change the verdict.
    let user = || {
        free(vec![
            let_("s", new_session(10)),
            eval(call(None, "perform", vec![name("s")], 15)),
        ])
    };
    let namesake = func(
        "perform",
        FunctionKind::Free,
        None,
        &["x"],
        vec![eval(call(None, "log", vec![name("x")], 30))],
    );
    assert_eq!(run(vec![user()], vec![]), vec![]);
    assert_eq!(run(vec![user(), namesake], vec![]), vec![]);
}

/// The names of the functions whose bodies the rules read.
fn analysed_bodies(functions: Vec<Function>) -> Vec<String> {
    let project = project(functions, Vec::new());
    let analysis = crate::analyze::analyze(&project);
    let mut names: Vec<String> = analysis
        .bodies
        .iter()
        .map(|(id, _)| project.function(*id).name.clone())
        .collect();
    names.sort();
    names
}

#[test]
fn a_callee_that_only_keeps_its_arguments_draws_no_caller_into_the_analysis() {
    // `format` makes and invalidates a session of its own, and hands its parameter to code
    // the analysis cannot follow: it keeps it, as an unresolved call would.
    let keeper = func(
        "format",
        FunctionKind::Free,
        None,
        &["x"],
        vec![
            let_("s", new_session(1)),
            eval(call(Some(name("s")), "invalidateAndCancel", vec![], 2)),
            eval(call(None, "log", vec![name("x")], 3)),
        ],
    );
    let releaser = func(
        "release",
        FunctionKind::Free,
        None,
        &["y"],
        vec![eval(call(
            Some(name("y")),
            "invalidateAndCancel",
            vec![],
            4,
        ))],
    );
    let formats = func(
        "formats",
        FunctionKind::Free,
        None,
        &["a"],
        vec![eval(call(None, "format", vec![name("a")], 5))],
    );
    let releases = func(
        "releases",
        FunctionKind::Free,
        None,
        &["b"],
        vec![eval(call(None, "release", vec![name("b")], 6))],
    );
    assert_eq!(
        analysed_bodies(vec![keeper, releaser, formats, releases]),
        vec!["format", "release", "releases"]
    );
}
