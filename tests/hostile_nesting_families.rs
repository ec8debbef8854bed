//! Generated families of recursion shapes, per front-end: no shape may abort the process.
//!
//! Each shape (closures, generics, patterns, unary and binary chains, casts, attributes,
//! macros, postfix chains, keyword chains, ...) is generated at two sizes: `NEAR` (parsed, on
//! the deep-stack thread for Rust) and `DEEP` (far past every limit; syn would overflow any
//! thread's stack). Every file holds one leaking function before the deep code and one after
//! it; both must be reported, as must a separate good file's leak. The real binary runs all
//! shapes of one language and size at once (an abort would lose every file's findings, which
//! is what this guards against); if it dies, each shape is rerun alone to name the culprit.
//! `SESSIONLINT_HUGE_FAMILIES=1` adds a size ten times `DEEP` (release builds; minutes in debug).

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Near the Rust pre-scan's limit (at most 3 counted units per level: 2,700 < 3,000).
const NEAR: usize = 900;
/// Past every limit: 17,500 closures overflowed the release build's stack.
const DEEP: usize = 20_000;

type Shape = (&'static str, fn(usize) -> String);

fn rep(s: &str, n: usize) -> String {
    s.repeat(n)
}

fn rust_expr(e: String) -> String {
    format!("fn deep() {{ let _ = {e}; }}\n")
}

fn rust_shapes() -> Vec<Shape> {
    vec![
        ("closures", |n| rust_expr(rep("|a, b| ", n) + "0")),
        ("empty closures", |n| rust_expr(rep("|| ", n) + "0")),
        ("move closures", |n| rust_expr(rep("move |a| ", n) + "0")),
        ("closures with blocks", |n| {
            rust_expr(rep("|a| { ", n) + "0" + &rep(" }", n))
        }),
        ("generic type", |n| {
            format!("type T = {}u8{};\n", rep("A<u8, ", n), rep(", u8>", n))
        }),
        ("generic turbofish", |n| {
            rust_expr(format!("f::<{}u8{}>()", rep("A<", n), rep(">", n)))
        }),
        ("qualified paths", |n| {
            format!("type T = {}T{};\n", rep("<", n), rep(" as A>::B", n))
        }),
        ("at patterns", |n| {
            format!("fn deep(x: u8) {{ let {}_ = x; }}\n", rep("a @ ", n))
        }),
        ("reference patterns", |n| {
            format!("fn deep(x: u8) {{ let {}a = x; }}\n", rep("&", n))
        }),
        ("tuple patterns", |n| {
            format!(
                "fn deep(x: u8) {{ let {}b{} = x; }}\n",
                rep("(a, ", n),
                rep(")", n)
            )
        }),
        ("or patterns", |n| {
            format!(
                "fn deep(x: u8) {{ match x {{ {}B => {{}} }} }}\n",
                rep("A | ", n)
            )
        }),
        ("not", |n| rust_expr(rep("!", n) + "x")),
        ("negation", |n| rust_expr(rep("- ", n) + "x")),
        ("deref", |n| rust_expr(rep("*", n) + "x")),
        ("borrow", |n| rust_expr(rep("& ", n) + "x")),
        ("binary", |n| rust_expr(rep("a + ", n) + "a")),
        ("assignment", |n| rust_expr(rep("a = ", n) + "a")),
        ("and chain", |n| rust_expr(rep("a && ", n) + "a")),
        ("let chain", |n| {
            rust_expr(rep("if let a = b && ", n) + "c {}")
        }),
        ("ranges", |n| rust_expr(rep("a..", n) + "b")),
        ("casts", |n| rust_expr("x".to_string() + &rep(" as u8", n))),
        ("method chain", |n| {
            rust_expr("x".to_string() + &rep(".f()", n))
        }),
        ("field chain", |n| {
            rust_expr("x".to_string() + &rep(".f", n))
        }),
        ("try chain", |n| rust_expr("x".to_string() + &rep("?", n))),
        ("call chain", |n| rust_expr("f".to_string() + &rep("()", n))),
        ("index chain", |n| {
            rust_expr("a".to_string() + &rep("[0]", n))
        }),
        ("else if", |n| rust_expr(rep("if a {} else ", n) + "{}")),
        ("if in condition", |n| {
            rust_expr(rep("if ", n) + "x" + &rep(" {} else {}", n))
        }),
        ("match in scrutinee", |n| {
            rust_expr(rep("match ", n) + "x" + &rep(" {}", n))
        }),
        ("for in iterator", |n| {
            rust_expr(rep("for a in ", n) + "x" + &rep(" {}", n))
        }),
        ("return chain", |n| rust_expr(rep("return ", n) + "x")),
        ("expression attributes", |n| {
            rust_expr(rep("#[a] ", n) + "x")
        }),
        ("nested attributes", |n| {
            format!("#[{}a{}]\nfn deep() {{}}\n", rep("a(", n), rep(")", n))
        }),
        ("macro calls", |n| rust_expr(rep("m!(", n) + &rep(")", n))),
        ("parentheses", |n| {
            rust_expr(rep("(", n) + "1" + &rep(")", n))
        }),
        ("tuples", |n| rust_expr(rep("(a, ", n) + "b" + &rep(")", n))),
        ("blocks", |n| rust_expr(rep("{", n) + &rep("}", n))),
        ("struct literals", |n| {
            rust_expr(rep("S { a: ", n) + "1" + &rep(" }", n))
        }),
        ("reference types", |n| {
            format!("type T = {}u8;\n", rep("&", n))
        }),
        ("pointer types", |n| {
            format!("type T = {}u8;\n", rep("*const ", n))
        }),
        ("fn pointer types", |n| {
            format!("type T = {}u8;\n", rep("fn() -> ", n))
        }),
        ("impl Fn returns", |n| {
            format!("fn deep() -> {}u8 {{}}\n", rep("impl Fn() -> ", n))
        }),
        ("array types", |n| {
            format!("type T = {}u8{};\n", rep("[", n), rep("; 1]", n))
        }),
    ]
}

fn swift_expr(e: String) -> String {
    format!("func deep() {{\n    let _ = {e}\n}}\n")
}

fn swift_shapes() -> Vec<Shape> {
    vec![
        ("closures", |n| swift_expr(rep("{ ", n) + &rep("} ", n))),
        ("closures with parameters", |n| {
            swift_expr(rep("{ a, b in ", n) + "0" + &rep(" }", n))
        }),
        ("generic types", |n| {
            format!("typealias T = {}Int{}\n", rep("A<Int, ", n), rep(">", n))
        }),
        ("patterns", |n| {
            format!(
                "func deep(x: E) {{\n    if case {}a{} = x {{}}\n}}\n",
                rep(".a(", n),
                rep(")", n)
            )
        }),
        ("not", |n| swift_expr(rep("!", n) + "x")),
        ("negation", |n| {
            swift_expr(rep("-(", n) + "x" + &rep(")", n))
        }),
        ("binary", |n| swift_expr(rep("a + ", n) + "a")),
        ("ternary", |n| swift_expr(rep("a ? b : ", n) + "c")),
        ("casts", |n| swift_expr("x".to_string() + &rep(" as! T", n))),
        ("try", |n| swift_expr(rep("try ", n) + "x")),
        ("await", |n| swift_expr(rep("await ", n) + "x")),
        ("optional chain", |n| {
            swift_expr("a".to_string() + &rep("?.b", n))
        }),
        ("method chain", |n| {
            swift_expr("a".to_string() + &rep(".f()", n))
        }),
        ("subscripts", |n| {
            swift_expr("a".to_string() + &rep("[0]", n))
        }),
        ("tuples", |n| {
            swift_expr(rep("(a, ", n) + "b" + &rep(")", n))
        }),
        ("attributes", |n| {
            format!("{}func deep() {{}}\n", rep("@a ", n))
        }),
        ("macros", |n| swift_expr(rep("#m(", n) + &rep(")", n))),
        ("arrays", |n| swift_expr(rep("[", n) + &rep("]", n))),
    ]
}

fn objc_expr(e: String) -> String {
    format!("void deep(void) {{\n    id x = {e};\n}}\n")
}

fn objc_shapes() -> Vec<Shape> {
    vec![
        ("blocks", |n| {
            objc_expr(rep("^{ return ", n) + "0" + &rep("; }", n))
        }),
        ("casts", |n| objc_expr(rep("(T *)", n) + "x")),
        ("not", |n| objc_expr(rep("!", n) + "x")),
        ("negation", |n| objc_expr(rep("- ", n) + "x")),
        ("deref", |n| objc_expr(rep("*", n) + "x")),
        ("address", |n| objc_expr(rep("&", n) + "x")),
        ("binary", |n| objc_expr(rep("a + ", n) + "a")),
        ("ternary", |n| objc_expr(rep("a ? b : ", n) + "c")),
        ("comma", |n| objc_expr(rep("(a, ", n) + "b" + &rep(")", n))),
        ("message sends", |n| {
            objc_expr(rep("[", n) + "a" + &rep(" b]", n))
        }),
        ("macro calls", |n| objc_expr(rep("M(", n) + &rep(")", n))),
        ("attributes", |n| {
            format!("{}void deep(void) {{}}\n", rep("__attribute__((a)) ", n))
        }),
        ("generics", |n| {
            format!(
                "void deep(void) {{\n    {}id{} *x;\n}}\n",
                rep("NSArray<", n),
                rep(" *>", n)
            )
        }),
        ("boxed arrays", |n| objc_expr(rep("@[", n) + &rep("]", n))),
        ("call chain", |n| objc_expr("f".to_string() + &rep("()", n))),
        ("index chain", |n| {
            objc_expr("a".to_string() + &rep("[0]", n))
        }),
        ("member chain", |n| {
            objc_expr("a".to_string() + &rep("->f", n))
        }),
        ("sizeof", |n| objc_expr(rep("sizeof ", n) + "x")),
        ("else if", |n| {
            format!(
                "void deep(void) {{\n    {}{{}}\n}}\n",
                rep("if (a) {} else ", n)
            )
        }),
    ]
}

struct Lang {
    ext: &'static str,
    /// Two leaking functions with distinct names (`{}` = a name suffix).
    leak: fn(&str) -> String,
    /// Text on the line that creates the session.
    marker: &'static str,
}

const RUST: Lang = Lang {
    ext: "rs",
    leak: |n| {
        format!("fn leak_{n}(config: &NSURLSessionConfiguration, url: &NSURL) {{\n    let s = unsafe {{ NSURLSession::sessionWithConfiguration(config) }};\n    unsafe {{ s.dataTaskWithURL(url).resume() }};\n}}\n")
    },
    marker: "sessionWithConfiguration(config)",
};

const SWIFT: Lang = Lang {
    ext: "swift",
    leak: |n| {
        format!("func leak_{n}() {{\n    let s = URLSession(configuration: .default)\n    s.dataTask(with: URL(string: \"https://example.com\")!).resume()\n}}\n")
    },
    marker: "URLSession(configuration",
};

const OBJC: Lang = Lang {
    ext: "m",
    leak: |n| {
        format!("void leak_{n}(void) {{\n    NSURLSession *s = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];\n    [[s dataTaskWithURL:[NSURL URLWithString:@\"https://example.com\"]] resume];\n}}\n")
    },
    marker: "[NSURLSession sessionWithConfiguration",
};

/// 1-based lines of `marker` in `text`.
fn lines_of(text: &str, marker: &str) -> Vec<u64> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(marker))
        .map(|(i, _)| i as u64 + 1)
        .collect()
}

struct Run {
    /// `None`: killed by a signal (an abort).
    code: Option<i32>,
    report: Value,
    took: Duration,
}

fn lint(dir: &Path, files: &[String]) -> Run {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(files)
        .output()
        .expect("run sessionlint");
    Run {
        code: out.status.code(),
        report: serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        took: start.elapsed(),
    }
}

/// (path, line) of every SL001 in a report.
fn leaks(report: &Value) -> Vec<(String, u64)> {
    report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["rule"] == "SL001")
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn errors_of<'a>(report: &'a Value, path: &str) -> Vec<&'a str> {
    report["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["path"] == path)
        .filter_map(|e| e["message"].as_str())
        .collect()
}

/// Lints every shape of `lang` at size `n` in one run; returns the failures.
fn run_family(lang: &Lang, shapes: &[Shape], n: usize, expect_refused: bool) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = format!("good.{}", lang.ext);
    let good_text = (lang.leak)("good");
    std::fs::write(dir.path().join(&good), &good_text).expect("write");
    let mut files = vec![good.clone()];
    let mut expected = lines_of(&good_text, lang.marker)
        .into_iter()
        .map(|l| (good.clone(), l))
        .collect::<Vec<_>>();
    for (i, (_, make)) in shapes.iter().enumerate() {
        let name = format!("shape{i}.{}", lang.ext);
        let text = format!(
            "{}{}{}",
            (lang.leak)("before"),
            make(n),
            (lang.leak)("after")
        );
        expected.extend(
            lines_of(&text, lang.marker)
                .into_iter()
                .map(|l| (name.clone(), l)),
        );
        std::fs::write(dir.path().join(&name), text).expect("write");
        files.push(name);
    }
    let run = lint(dir.path(), &files);
    let mut failures = Vec::new();
    let label = |file: &str| {
        let i: usize = file
            .trim_start_matches("shape")
            .split('.')
            .next()
            .and_then(|i| i.parse().ok())
            .unwrap_or(usize::MAX);
        shapes.get(i).map_or("good file", |s| s.0)
    };
    if run.code.is_none() || run.report.is_null() {
        // Name the culprits: each shape alone.
        for file in &files[1..] {
            let alone = lint(dir.path(), std::slice::from_ref(file));
            if alone.code.is_none() || alone.report.is_null() {
                failures.push(format!("{} x{n}: the process died", label(file)));
            }
        }
        failures.push(format!("x{n}: the run died (exit {:?})", run.code));
        return failures;
    }
    let found = leaks(&run.report);
    for want in &expected {
        if !found.contains(want) {
            failures.push(format!(
                "{} x{n}: leak at line {} lost; errors: {:?}",
                label(&want.0),
                want.1,
                errors_of(&run.report, &want.0)
            ));
        }
    }
    if expect_refused {
        for file in &files[1..] {
            let errors = errors_of(&run.report, file);
            if !errors.iter().any(|e| e.contains("nesting too deep")) {
                failures.push(format!(
                    "{} x{n}: not reported as too deep: {errors:?}",
                    label(file)
                ));
            }
        }
    }
    for file in &files {
        for e in errors_of(&run.report, file) {
            if e.contains("internal error") || e.contains("panicked") {
                failures.push(format!("{}: {e}", label(file)));
            }
        }
    }
    if run.took > Duration::from_secs(60) {
        failures.push(format!("x{n}: took {:?}", run.took));
    }
    failures
}

fn sizes() -> Vec<usize> {
    let mut sizes = vec![NEAR, DEEP];
    if std::env::var_os("SESSIONLINT_HUGE_FAMILIES").is_some() {
        sizes.push(DEEP * 10);
    }
    sizes
}

/// Shapes a front-end gets wrong today (reported in issue 19's closing note): run by the
/// ignored `*_known_gaps` test, so the others guard against regressions meanwhile.
const OBJC_GAPS: &[&str] = &[
    // Past 2,048 brackets the middle is blanked; the `[[[ b] b]` left around it is an error
    // tree-sitter-objc recovers from only at the end of the file: the leak after it is lost.
    "message sends",
];

fn check(lang: &Lang, shapes: Vec<Shape>, gaps: &[&str], known: bool, refused_from: usize) {
    let shapes: Vec<Shape> = shapes
        .into_iter()
        .filter(|s| gaps.contains(&s.0) == known)
        .collect();
    let mut failures = Vec::new();
    for n in sizes() {
        failures.extend(run_family(lang, &shapes, n, n >= refused_from));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rust_recursion_shapes_never_abort() {
    // Past the pre-scan's limits every shape is refused, item by item.
    check(&RUST, rust_shapes(), &[], false, DEEP);
}

#[test]
fn swift_recursion_shapes_never_abort() {
    check(&SWIFT, swift_shapes(), &[], false, usize::MAX);
}

#[test]
fn objc_recursion_shapes_never_abort() {
    check(&OBJC, objc_shapes(), OBJC_GAPS, false, usize::MAX);
}

#[test]
#[ignore = "known gaps, see OBJC_GAPS"]
fn objc_known_gaps() {
    check(&OBJC, objc_shapes(), OBJC_GAPS, true, usize::MAX);
}
