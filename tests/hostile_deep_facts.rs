//! Facts nested 100,000 levels deep, built by hand: whatever depth a front-end lets through,
//! the analysis (CFG builder, dataflow, drops) must not overflow its stack.
//! In its own test binary: a stack overflow aborts the whole process.

mod hostile_support;

use hostile_support::*;
use sessionlint::facts::*;
use sessionlint::run::{check_inputs_with, Input, Outcome, Settings};

const DEEP: usize = 100_000;

fn run_facts(make: impl Fn() -> FileFacts + Sync) -> Outcome {
    let lower = move |_: Language, _: &str, _: &std::path::Path| make();
    let settings = Settings {
        prefilter: false,
        jobs: Some(1),
        ..Settings::default()
    };
    let inputs = vec![Input {
        path: "deep.swift".into(),
        content: Some(b"URLSession".to_vec()),
    }];
    check_inputs_with(inputs, &settings, &lower)
}

fn rules(outcome: &Outcome) -> Vec<(&'static str, u32)> {
    outcome
        .findings
        .iter()
        .map(|f| (f.diagnostic.rule, f.diagnostic.span.start))
        .collect()
}

fn one_function(body: Block) -> FileFacts {
    FileFacts {
        functions: vec![Function {
            name: "deep".into(),
            kind: FunctionKind::Free,
            owner: None,
            params: Vec::new(),
            span: Span::new(0, 1),
            name_span: Span::new(0, 1),
            body: body.into(),
            visibility: Default::default(),
        }],
        ..FileFacts::default()
    }
}

/// Deeper than any front-end emits: not analysed (no stack overflow), and said so.
fn assert_skipped_with_error(outcome: &Outcome) {
    assert_eq!(rules(outcome), vec![]);
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    assert!(
        outcome.errors[0].message.contains("nests deeper than"),
        "{:?}",
        outcome.errors
    );
}

#[test]
fn statements_nested_100000_deep() {
    let outcome = run_facts(|| {
        let mut body = vec![let_session(7)];
        for _ in 0..DEEP {
            body = vec![Stmt {
                kind: StmtKind::Branch {
                    arms: vec![body],
                    exhaustive: false,
                },
                span: Span::new(0, 1),
            }];
        }
        one_function(body)
    });
    assert_skipped_with_error(&outcome);
}

#[test]
fn expressions_nested_100000_deep() {
    let outcome = run_facts(|| {
        let mut e = new_session(7);
        for _ in 0..DEEP {
            e = Expr {
                kind: ExprKind::Choice(vec![e]),
                span: Span::new(0, 1),
            };
        }
        one_function(vec![Stmt {
            kind: StmtKind::Let {
                name: "s".into(),
                name_span: Span::new(0, 1),
                value: Some(e),
                is_static: false,
            },
            span: Span::new(0, 1),
        }])
    });
    assert_skipped_with_error(&outcome);
}

#[test]
fn statements_nested_as_deep_as_a_front_end_should_let_through() {
    // 2,000 levels: what a front-end that flattens deeper nesting into `Opaque` still emits.
    let outcome = run_facts(|| {
        let mut body = vec![let_session(7)];
        for _ in 0..2_000 {
            body = vec![Stmt {
                kind: StmtKind::Branch {
                    arms: vec![body],
                    exhaustive: false,
                },
                span: Span::new(0, 1),
            }];
        }
        one_function(body)
    });
    assert_eq!(rules(&outcome), vec![("SL001", 7)]);
}

#[test]
fn expressions_nested_as_deep_as_a_front_end_should_let_through() {
    let outcome = run_facts(|| {
        let mut e = new_session(7);
        for i in 0..2_000 {
            let kind = if i % 2 == 0 {
                ExprKind::Choice(vec![e])
            } else {
                ExprKind::Opaque(vec![e])
            };
            e = Expr {
                kind,
                span: Span::new(0, 1),
            };
        }
        one_function(vec![Stmt {
            kind: StmtKind::Eval(e),
            span: Span::new(0, 1),
        }])
    });
    // Handed to unknown code (`Opaque`) the session escapes: silent, and no crash.
    assert_eq!(rules(&outcome), vec![]);
    assert!(outcome.errors.is_empty());
}

/// Fuzzer find (fuzz/regressions/open/swift/): a jump inside a `defer` body, with a jump after
/// the `defer`, re-enters the same defer body without end (the defer is still pending in
/// `scopes` while its body is emitted): stack overflow, the whole run aborts.
#[test]
fn jump_inside_a_defer_body_terminates() {
    let outcome = run_facts(|| {
        let ret = Stmt {
            kind: StmtKind::Return(None),
            span: Span::new(20, 21),
        };
        one_function(vec![
            let_session(7),
            Stmt {
                kind: StmtKind::Defer(vec![ret.clone()]),
                span: Span::new(10, 11),
            },
            ret,
        ])
    });
    assert_eq!(rules(&outcome), vec![("SL001", 7)]);
}
