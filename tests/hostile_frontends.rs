//! Hostile inputs through the real front-ends: each case is a hostile region followed (or
//! preceded) by a function that leaks a session, and the leak must still be reported at its
//! line, with no internal error, in seconds. Every case runs and the failures are listed
//! together, so one run shows everything a front-end gets wrong.

mod hostile_support;

use hostile_support::*;
use sessionlint::run::{check_inputs, ErrorKind, Input};
use std::time::{Duration, Instant};

/// 100,000 levels, as the issue asks.
const DEEP: usize = 100_000;

struct Lang {
    ext: &'static str,
    /// A file that leaks one session, and the (line, column) of the creation.
    leak: &'static str,
    at: (u32, u32),
}

const SWIFT: Lang = Lang {
    ext: "swift",
    leak: LEAK_SWIFT,
    at: (2, 13),
};

const OBJC: Lang = Lang {
    ext: "m",
    leak: "@implementation Leaky\n- (void)fetch {\n    NSURLSession *s = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];\n    [[s dataTaskWithURL:[NSURL URLWithString:@\"https://example.com\"]] resume];\n}\n@end\n",
    at: (3, 23),
};

const RUST: Lang = Lang {
    ext: "rs",
    leak: "fn leak(config: &NSURLSessionConfiguration, url: &NSURL) {\n    let s = unsafe { NSURLSession::sessionWithConfiguration(config) };\n    unsafe { s.dataTaskWithURL(url).resume() };\n}\n",
    at: (2, 22),
};

/// A hostile region, placed before the leak (`before`) or after it.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    before: bool,
}

fn case(name: &'static str, bytes: impl Into<Vec<u8>>, before: bool) -> Case {
    Case {
        name,
        bytes: bytes.into(),
        before,
    }
}

fn nest(open: &str, middle: &str, close: &str) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * DEEP + middle.len());
    for _ in 0..DEEP {
        s.push_str(open);
    }
    s.push_str(middle);
    for _ in 0..DEEP {
        s.push_str(close);
    }
    s
}

/// Cases every language shares (bytes, not syntax).
fn common_cases() -> Vec<Case> {
    vec![
        case("invalid utf-8", &b"// caf\xE9 \xFF\xFE \xC3\n"[..], true),
        case("nul bytes", &b"\0\0\0\n"[..], true),
        case("bom", &b"\xEF\xBB\xBF\n"[..], true),
        case("binary junk after", binary_noise(8192), false),
        case(
            "unterminated block comment after",
            "/* never closed\n",
            false,
        ),
        case(
            "unterminated string after",
            "let x = \"never closed\n",
            false,
        ),
        case(
            "long comment line",
            format!("// {}\n", "x".repeat(10 << 20)),
            true,
        ),
    ]
}

fn binary_noise(n: usize) -> Vec<u8> {
    let mut state: u32 = 0x9e37_79b9;
    (0..n)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect()
}

fn swift_cases() -> Vec<Case> {
    let mut cases = common_cases();
    cases.extend([
        case(
            "deep ifs",
            format!("func deep(x: Bool) {{ {} }}\n", nest("if x { ", "", "} ")),
            true,
        ),
        case(
            "deep parens",
            format!("let v = {}\n", nest("(", "1", ")")),
            true,
        ),
        case(
            "deep closures",
            format!("let c = {}\n", nest("{ ", "", "} ")),
            true,
        ),
        case(
            "deep arrays",
            format!("let a = {}\n", nest("[", "", "]")),
            true,
        ),
        case("unclosed braces", nest("func f() { if x { ", "", ""), false),
        case(
            "unterminated multiline string",
            "let x = \"\"\"\nnever closed\n",
            false,
        ),
        case(
            "unterminated string before",
            "let x = \"never closed\n",
            true,
        ),
    ]);
    cases
}

fn objc_cases() -> Vec<Case> {
    let mut cases = common_cases();
    cases.extend([
        case(
            "deep blocks",
            format!("void deep(void) {{ {} }}\n", nest("{ ", "", "} ")),
            true,
        ),
        case(
            "deep parens",
            format!("int deep(void) {{ return {}; }}\n", nest("(", "1", ")")),
            true,
        ),
        case(
            "deep messages",
            format!("void deep(id x) {{ {}; }}\n", nest("[", "x", " y]")),
            true,
        ),
        case(
            "deep ifs",
            format!("void deep(int x) {{ {};}}\n", nest("if (x) ", "", "")),
            true,
        ),
        case(
            "unclosed braces",
            nest("void f(void) { if (x) { ", "", ""),
            false,
        ),
        case(
            "unterminated string before",
            "NSString *x = @\"never closed\n",
            true,
        ),
        case("unterminated #if", "#if 0\n", false),
    ]);
    cases
}

fn rust_cases() -> Vec<Case> {
    let mut cases = common_cases();
    cases.extend([
        case(
            "deep blocks",
            format!("fn deep() {{ {} }}\n", nest("{ ", "", "} ")),
            true,
        ),
        case(
            "deep parens",
            format!("fn deep() -> i32 {{ {} }}\n", nest("(", "1", ")")),
            true,
        ),
        case(
            "deep ifs",
            format!("fn deep(x: bool) {{ {} }}\n", nest("if x { ", "", "} ")),
            true,
        ),
        case(
            "deep types",
            format!("type T = {};\n", nest("Option<", "u8", ">")),
            true,
        ),
        case(
            "deep macro tokens",
            format!("fn deep() {{ m!{}; }}\n", nest("(", "", ")")),
            true,
        ),
        case("unclosed braces", nest("fn f() { if x { ", "", ""), false),
        case(
            "unterminated raw string",
            "const X: &str = r#\"never closed\n",
            false,
        ),
        // (A Rust string may span lines: an unterminated one swallows what follows, so it is
        // only placed after the leak.)
    ]);
    cases
}

fn lines_in(bytes: &[u8]) -> u32 {
    let text = String::from_utf8_lossy(bytes);
    sessionlint::facts::LineIndex::new(&text).line_count() as u32 - 1
}

/// Runs every case; returns a description of each failure.
fn run_cases(lang: &Lang, cases: Vec<Case>) -> Vec<String> {
    let mut failures = Vec::new();
    for c in cases {
        let (bytes, line) = if c.before {
            let mut b = c.bytes.clone();
            if !b.ends_with(b"\n") {
                b.push(b'\n');
            }
            let shift = lines_in(&b);
            b.extend_from_slice(lang.leak.as_bytes());
            (b, lang.at.0 + shift)
        } else {
            let mut b = lang.leak.as_bytes().to_vec();
            b.extend_from_slice(&c.bytes);
            (b, lang.at.0)
        };
        let name = format!("hostile.{}", lang.ext);
        let inputs = vec![
            Input {
                path: format!("good.{}", lang.ext).into(),
                content: Some(lang.leak.as_bytes().to_vec()),
            },
            Input {
                path: name.clone().into(),
                content: Some(bytes),
            },
        ];
        let start = Instant::now();
        let outcome = std::panic::catch_unwind(|| check_inputs(inputs, &settings()));
        let took = start.elapsed();
        let Ok(outcome) = outcome else {
            failures.push(format!("{}: the run panicked", c.name));
            continue;
        };
        let found = located(&outcome, "SL001");
        let want_good = (format!("good.{}", lang.ext), lang.at.0, lang.at.1);
        if !found.contains(&want_good) {
            failures.push(format!(
                "{}: the good file's leak was lost: {found:?}",
                c.name
            ));
        }
        if !found.iter().any(|(f, l, _)| *f == name && *l == line) {
            failures.push(format!(
                "{}: no SL001 at line {line} of the hostile file: {found:?}, errors {:?}",
                c.name,
                errors(&outcome)
            ));
        }
        if let Some(e) = outcome
            .errors
            .iter()
            .find(|e| e.kind == ErrorKind::Internal)
        {
            failures.push(format!("{}: internal error: {}", c.name, e.message));
        }
        if took > Duration::from_secs(20) {
            failures.push(format!("{}: took {took:?}", c.name));
        }
    }
    failures
}

/// Cases a front-end is known to get wrong today (reported to the lead): run by the ignored
/// `*_known_gaps` tests, so the others guard against regressions meanwhile.
const SWIFT_GAPS: &[&str] = &[];
const OBJC_GAPS: &[&str] = &["unterminated string before"];
const RUST_GAPS: &[&str] = &[];

fn check(lang: &Lang, cases: Vec<Case>, gaps: &[&str], known: bool) {
    let cases = cases
        .into_iter()
        .filter(|c| gaps.contains(&c.name) == known)
        .collect();
    let failures = run_cases(lang, cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn swift_front_end_survives_hostile_input() {
    check(&SWIFT, swift_cases(), SWIFT_GAPS, false);
}

#[test]
fn objc_front_end_survives_hostile_input() {
    check(&OBJC, objc_cases(), OBJC_GAPS, false);
}

#[test]
#[ignore = "ObjC gap: a method after an unterminated string literal is lost"]
fn objc_known_gaps() {
    check(&OBJC, objc_cases(), OBJC_GAPS, true);
}

#[test]
fn rust_front_end_survives_hostile_input() {
    check(&RUST, rust_cases(), RUST_GAPS, false);
}

/// CRLF and lone CR through the real front-ends: the finding's line and column are the
/// same as with `\n`. The file starts with a `//` comment and an import (`#import` in
/// Objective-C): a line end not seen would make either swallow the rest of the file.
fn line_endings(lang: &Lang) -> Vec<String> {
    let mut failures = Vec::new();
    let header = match lang.ext {
        "m" => "// A comment.\n#import <Foundation/Foundation.h>\n",
        "rs" => "// A comment.\nuse objc2_foundation::*;\n",
        _ => "// A comment.\nimport Foundation\n",
    };
    for (ending, name) in [("\r\n", "crlf"), ("\r", "cr")] {
        let text = format!("{header}{}", lang.leak).replace('\n', ending);
        let path = format!("{name}.{}", lang.ext);
        let outcome = check_inputs(
            vec![Input {
                path: path.clone().into(),
                content: Some(text.into_bytes()),
            }],
            &settings(),
        );
        let found = located(&outcome, "SL001");
        let want = vec![(path, lang.at.0 + 2, lang.at.1)];
        if found != want {
            failures.push(format!("{name}: {found:?}, want {want:?}"));
        }
    }
    failures
}

#[test]
fn swift_line_endings() {
    let failures = line_endings(&SWIFT);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn objc_line_endings() {
    let failures = line_endings(&OBJC);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rust_line_endings() {
    let failures = line_endings(&RUST);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Times one case alone (run with `--ignored --nocapture` to measure).
#[test]
#[ignore = "measurement"]
fn time_each_case() {
    for (lang, cases) in [
        (&SWIFT, swift_cases()),
        (&OBJC, objc_cases()),
        (&RUST, rust_cases()),
    ] {
        let only = std::env::var("HOSTILE_CASE").ok();
        for c in cases {
            let name = c.name;
            if only
                .as_deref()
                .is_some_and(|o| o != format!("{}: {name}", lang.ext))
            {
                continue;
            }
            let start = Instant::now();
            let _ = run_cases(lang, vec![c]);
            eprintln!("{}: {name}: {:?}", lang.ext, start.elapsed());
        }
    }
}

/// Fuzzer find (fuzz/regressions/swift/): tree-sitter-swift 0.7.4 reads past a string constant
/// when `#if`/`#endif` is followed by a NUL or the end of the file. Under AddressSanitizer it is
/// a crash; without it the read is out of bounds but the file must still be linted right.
#[test]
fn swift_directive_at_end_of_file_or_before_nul_keeps_its_findings() {
    for (name, text) in [
        (
            "endif_at_eof.swift",
            format!("#if DEBUG\n{LEAK_SWIFT}#endif"),
        ),
        ("nul.swift", format!("#if DEBUG\n{LEAK_SWIFT}#endif\n#if\0")),
    ] {
        let outcome = check_inputs(
            vec![Input {
                path: name.into(),
                content: Some(text.into_bytes()),
            }],
            &settings(),
        );
        assert_eq!(
            located(&outcome, "SL001"),
            vec![(name.to_string(), 3, 13)],
            "{name}"
        );
        assert!(!outcome.errors.iter().any(|e| e.kind == ErrorKind::Internal));
    }
}

/// A 50 MB generated Swift file with a leak on its last lines, through the real front-end.
#[test]
#[ignore = "slow in debug builds (measurement): run with --ignored"]
fn swift_fifty_megabyte_generated_file() {
    let block = "let value = compute(42, \"generated\") // generated\n";
    let lines = 50 * 1024 * 1024 / block.len();
    let mut text = block.repeat(lines);
    text.push_str(LEAK_SWIFT);
    let start = Instant::now();
    let outcome = check_inputs(
        vec![Input {
            path: "Generated.swift".into(),
            content: Some(text.into_bytes()),
        }],
        &settings(),
    );
    eprintln!("50 MB Swift: {:?}", start.elapsed());
    assert_eq!(
        located(&outcome, "SL001"),
        vec![("Generated.swift".into(), lines as u32 + 2, 13)]
    );
}
