//! Termination: pathological shapes finish in seconds with the right findings.
//!
//! The first tests build the facts by hand (through a stand-in front-end), so they exercise
//! the CFG, the dataflow and the summary fixpoint whatever the front-ends do; the last ones
//! feed the same shapes as Swift source through the real front-end.

mod hostile_support;

use hostile_support::*;
use sessionlint::facts::*;
use sessionlint::run::{check_inputs, check_inputs_with, Input, Outcome, Settings};
use std::time::{Duration, Instant};

fn sp(at: usize) -> Span {
    Span::new(at, at + 1)
}
fn ex(kind: ExprKind, at: usize) -> Expr {
    Expr { kind, span: sp(at) }
}
fn st(kind: StmtKind, at: usize) -> Stmt {
    Stmt { kind, span: sp(at) }
}
fn name(n: &str) -> Expr {
    ex(ExprKind::Name(n.into()), 0)
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
fn eval(e: Expr) -> Stmt {
    st(StmtKind::Eval(e), 0)
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
fn func(n: &str, params: &[&str], body: Block) -> Function {
    Function {
        name: n.into(),
        kind: FunctionKind::Free,
        owner: None,
        params: params.iter().map(|p| p.to_string()).collect(),
        span: sp(0),
        name_span: sp(0),
        body: body.into(),
        visibility: Default::default(),
    }
}

/// Lints one file whose facts are `facts` (the bytes only need to exist), timing the run.
fn run_facts(make: impl Fn() -> FileFacts + Sync) -> (Outcome, Duration) {
    let lower = move |_: Language, _: &str, _: &std::path::Path| make();
    let settings = Settings {
        prefilter: false,
        jobs: Some(2),
        ..Settings::default()
    };
    let start = Instant::now();
    let inputs = vec![Input {
        path: "shape.swift".into(),
        content: Some(b"URLSession".to_vec()),
    }];
    let outcome = check_inputs_with(inputs, &settings, &lower);
    (outcome, start.elapsed())
}

/// (rule, primary span start) of every finding.
fn spans(outcome: &Outcome) -> Vec<(&'static str, u32)> {
    let mut v: Vec<_> = outcome
        .findings
        .iter()
        .map(|f| (f.diagnostic.rule, f.diagnostic.span.start))
        .collect();
    v.sort();
    v
}

fn facts(functions: Vec<Function>) -> FileFacts {
    FileFacts {
        functions,
        ..FileFacts::default()
    }
}

const FAST: Duration = Duration::from_secs(10);

#[test]
fn thousands_of_branches_each_with_an_early_return() {
    // let s = new; 5000 × `if c { return }`; s.invalidate() → SL002 (the returns skip it).
    let (outcome, took) = run_facts(|| {
        let mut body = vec![let_("s", new_session(10))];
        for i in 0..5000 {
            body.push(st(
                StmtKind::Branch {
                    arms: vec![vec![st(StmtKind::Return(None), 100 + i)]],
                    exhaustive: false,
                },
                100 + i,
            ));
        }
        body.push(eval(call(
            Some(name("s")),
            "invalidateAndCancel",
            vec![],
            50,
        )));
        facts(vec![func("f", &[], body)])
    });
    assert_eq!(spans(&outcome), vec![("SL002", 10)]);
    assert!(took < FAST, "took {took:?}");
}

#[test]
fn thousands_of_branches_that_each_may_invalidate() {
    // 3000 sequential `if c { s.invalidate() }` then a task: the task may follow an
    // invalidation on some path, and the session is not invalidated on every path.
    let (outcome, took) = run_facts(|| {
        let mut body = vec![let_("s", new_session(10))];
        for i in 0..3000 {
            body.push(st(
                StmtKind::Branch {
                    arms: vec![vec![eval(call(
                        Some(name("s")),
                        "invalidateAndCancel",
                        vec![],
                        1000 + i,
                    ))]],
                    exhaustive: false,
                },
                1000 + i,
            ));
        }
        body.push(eval(call(Some(name("s")), "dataTask", vec![], 50)));
        facts(vec![func("f", &[], body)])
    });
    let found = spans(&outcome);
    assert!(found.contains(&("SL002", 10)), "{found:?}");
    assert!(
        found.iter().any(|&(r, at)| r == "SL007" && at == 50),
        "{found:?}"
    );
    assert!(took < FAST, "took {took:?}");
}

#[test]
fn deeply_nested_loops_with_a_creation_inside() {
    let (outcome, took) = run_facts(|| {
        let mut body = vec![let_("s", new_session(10))];
        for i in 0..500 {
            body = vec![st(
                StmtKind::Loop {
                    label: None,
                    header: vec![],
                    body,
                    at_least_once: i % 2 == 0,
                    infinite: false,
                },
                20 + i,
            )];
        }
        facts(vec![func("f", &[], body)])
    });
    assert_eq!(spans(&outcome), vec![("SL001", 10)]);
    let message = &outcome.findings[0].diagnostic.message;
    assert!(message.contains("once per iteration"), "{message}");
    assert!(took < FAST, "took {took:?}");
}

#[test]
fn gotos_forming_an_irreducible_graph_terminate() {
    // Two labels jumping into each other's loops, 2000 times over, around a creation.
    let (outcome, took) = run_facts(|| {
        let mut body = vec![let_("s", new_session(10))];
        for i in 0..2000 {
            let (a, b) = (format!("a{i}"), format!("b{i}"));
            body.push(st(
                StmtKind::Branch {
                    arms: vec![vec![st(StmtKind::Goto(b.clone()), 0)]],
                    exhaustive: false,
                },
                0,
            ));
            body.push(st(StmtKind::Label(a.clone()), 0));
            body.push(eval(call(Some(name("s")), "dataTask", vec![], 0)));
            body.push(st(StmtKind::Label(b), 0));
            body.push(st(
                StmtKind::Branch {
                    arms: vec![vec![st(StmtKind::Goto(a), 0)]],
                    exhaustive: false,
                },
                0,
            ));
        }
        // One path jumps over the invalidation: SL002 (not invalidated on every path) is found
        // only if gotos are followed.
        body.push(st(
            StmtKind::Branch {
                arms: vec![vec![st(StmtKind::Goto("skip".into()), 0)]],
                exhaustive: false,
            },
            0,
        ));
        body.push(eval(call(
            Some(name("s")),
            "finishTasksAndInvalidate",
            vec![],
            60,
        )));
        body.push(st(StmtKind::Label("skip".into()), 0));
        facts(vec![func("f", &[], body)])
    });
    assert_eq!(spans(&outcome), vec![("SL002", 10)]);
    assert!(took < FAST, "took {took:?}");
}

#[test]
fn ten_thousand_functions_each_leaking() {
    let (outcome, took) = run_facts(|| {
        facts(
            (0..10_000)
                .map(|i| func(&format!("f{i}"), &[], vec![let_("s", new_session(i * 2))]))
                .collect(),
        )
    });
    let found = spans(&outcome);
    assert_eq!(found.len(), 10_000);
    assert!(found.iter().all(|(r, at)| *r == "SL001" && at % 2 == 0));
    assert!(took < FAST, "took {took:?}");
}

/// h0(s) calls h1(s) … h{n-1}(s), which invalidates `s`.
fn release_chain(n: usize) -> Vec<Function> {
    (0..n)
        .map(|i| {
            let body = if i + 1 == n {
                vec![eval(call(
                    Some(name("s")),
                    "invalidateAndCancel",
                    vec![],
                    5,
                ))]
            } else {
                vec![eval(call(None, &format!("h{}", i + 1), vec![name("s")], 5))]
            };
            func(&format!("h{i}"), &["s"], body)
        })
        .collect()
}

/// `let s = new; if c { <call>(s) }`: SL002 only if the analysis knows `<call>` invalidates
/// its argument (a call that merely took the session would make it silent).
fn maybe_release(helper: &str, at: usize) -> Function {
    func(
        &format!("user_of_{helper}"),
        &[],
        vec![
            let_("s", new_session(at)),
            st(
                StmtKind::Branch {
                    arms: vec![vec![eval(call(None, helper, vec![name("s")], at + 1))]],
                    exhaustive: false,
                },
                at + 1,
            ),
        ],
    )
}

#[test]
fn thousand_deep_chain_of_helpers_invalidates_the_argument() {
    let (outcome, took) = run_facts(|| {
        let mut functions = release_chain(1000);
        // Invalidated through the whole chain: silent.
        functions.push(func(
            "ok",
            &[],
            vec![
                let_("s", new_session(10)),
                eval(call(None, "h0", vec![name("s")], 11)),
            ],
        ));
        // Invalidated through it on one path only: SL002 proves the summary reached the top.
        functions.push(maybe_release("h0", 20));
        facts(functions)
    });
    assert_eq!(spans(&outcome), vec![("SL002", 20)]);
    assert!(took < FAST, "took {took:?}");
}

#[test]
fn thousand_deep_chain_of_factories_is_a_creation() {
    let (outcome, took) = run_facts(|| {
        let n = 1000;
        let mut functions: Vec<Function> = (0..n)
            .map(|i| {
                let value = if i + 1 == n {
                    new_session(5)
                } else {
                    call(None, &format!("make{}", i + 1), vec![], 5)
                };
                func(
                    &format!("make{i}"),
                    &[],
                    vec![st(StmtKind::Return(Some(value)), 5)],
                )
            })
            .collect();
        functions.push(func(
            "user",
            &[],
            vec![let_("s", call(None, "make0", vec![], 30))],
        ));
        facts(functions)
    });
    assert_eq!(spans(&outcome), vec![("SL001", 30)]);
    assert!(took < FAST, "took {took:?}");
}

#[test]
fn mutual_recursion_in_summaries_terminates() {
    // a(s) calls b(s), b(s) calls a(s) and invalidates: both are releasers.
    let (outcome, took) = run_facts(|| {
        facts(vec![
            func("a", &["s"], vec![eval(call(None, "b", vec![name("s")], 1))]),
            func(
                "b",
                &["s"],
                vec![
                    eval(call(None, "a", vec![name("s")], 2)),
                    eval(call(Some(name("s")), "invalidateAndCancel", vec![], 3)),
                ],
            ),
            maybe_release("a", 10),
        ])
    });
    assert_eq!(spans(&outcome), vec![("SL002", 10)]);
    assert!(took < FAST, "took {took:?}");
}

// ---- the same shapes as Swift source, through the real front-end ----

fn swift(text: String) -> (Outcome, Duration) {
    let start = Instant::now();
    let outcome = check_inputs(
        vec![Input {
            path: "shape.swift".into(),
            content: Some(text.into_bytes()),
        }],
        &settings(),
    );
    (outcome, start.elapsed())
}

#[test]
fn swift_thousands_of_branches() {
    let mut text =
        String::from("func f(c: [Bool]) {\n    let s = URLSession(configuration: .default)\n");
    for i in 0..5000 {
        text.push_str(&format!("    if c[{i}] {{ return }}\n"));
    }
    text.push_str("    s.invalidateAndCancel()\n}\n");
    let (outcome, took) = swift(text);
    assert_eq!(
        located(&outcome, "SL002"),
        vec![("shape.swift".into(), 2, 13)]
    );
    assert!(took < FAST, "took {took:?}");
}

#[test]
fn swift_deeply_nested_loops() {
    let depth = 300;
    let mut text = String::from("func f(xs: [Int]) {\n");
    for _ in 0..depth {
        text.push_str("for _ in xs {\n");
    }
    text.push_str("let s = URLSession(configuration: .default)\n");
    text.push_str("s.dataTask(with: URL(string: \"https://example.com\")!).resume()\n");
    for _ in 0..depth {
        text.push_str("}\n");
    }
    text.push_str("}\n");
    let (outcome, took) = swift(text);
    assert_eq!(
        located(&outcome, "SL001"),
        vec![("shape.swift".into(), depth + 2, 9)]
    );
    assert!(took < FAST, "took {took:?}");
}

#[test]
fn swift_ten_thousand_functions() {
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!(
            "func f{i}() {{\n    let s = URLSession(configuration: .default)\n    s.dataTask(with: URL(string: \"https://example.com\")!).resume()\n}}\n"
        ));
    }
    let (outcome, took) = swift(text);
    let found = located(&outcome, "SL001");
    assert_eq!(found.len(), 10_000);
    assert_eq!(found[9_999], ("shape.swift".into(), 9_999 * 4 + 2, 13));
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

#[test]
fn swift_thousand_deep_helper_chain() {
    let n = 1000;
    let mut text = String::new();
    for i in 0..n {
        if i + 1 == n {
            text.push_str(&format!(
                "func h{i}(_ s: URLSession) {{ s.invalidateAndCancel() }}\n"
            ));
        } else {
            text.push_str(&format!("func h{i}(_ s: URLSession) {{ h{}(s) }}\n", i + 1));
        }
    }
    // Invalidated through the chain on one path only: SL002 on line n + 2.
    text.push_str("func user(c: Bool) {\n    let s = URLSession(configuration: .default)\n    if c { h0(s) }\n}\n");
    let (outcome, took) = swift(text);
    let n = n as u32;
    assert_eq!(located(&outcome, "SL001"), vec![]);
    assert_eq!(
        located(&outcome, "SL002"),
        vec![("shape.swift".into(), n + 2, 13)]
    );
    assert!(took < FAST, "took {took:?}");
}

/// Fuzzer find: `defer { return }` (or a `try` in the defer) followed by an early `return`
/// in a function that creates a session overflowed the stack and aborted the whole run.
/// Reproducers in fuzz/regressions/open/swift/.
#[test]
fn swift_jump_inside_defer_terminates() {
    let text = "func f() {\n    let s = URLSession(configuration: .default)\n    defer { return }\n    return\n}\n";
    let (outcome, took) = swift(text.to_string());
    assert_eq!(
        located(&outcome, "SL001"),
        vec![("shape.swift".into(), 2, 13)]
    );
    assert!(took < FAST, "took {took:?}");
}
