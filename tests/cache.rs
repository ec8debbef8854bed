//! The persistent cache: a re-run gives the same bytes as a run without it, whatever
//! changed in between, and a damaged or contended cache never changes a result.

use std::path::{Path, PathBuf};
use std::process::Command;

const LEAK: &str = "import Foundation\n\nfunc fetch() {\n    let session = URLSession(configuration: .default)\n    session.dataTask(with: URL(string: \"https://example.com\")!).resume()\n}\n";
const FIXED: &str = "import Foundation\n\nfunc fetch() {\n    let session = URLSession(configuration: .default)\n    session.dataTask(with: URL(string: \"https://example.com\")!).resume()\n    session.finishTasksAndInvalidate()\n}\n";
const OWNER: &str = "import Foundation\n\nfinal class Client {\n    let session = URLSession(configuration: .default)\n}\n";
const UNRELATED: &str = "struct Point {\n    var x = 0\n}\n";

/// A project of a few files, one leak per kind, and some unrelated code.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("Sources");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("Fetch.swift"), LEAK).unwrap();
    std::fs::write(src.join("Client.swift"), OWNER).unwrap();
    for i in 0..5 {
        std::fs::write(src.join(format!("Point{i}.swift")), UNRELATED).unwrap();
    }
    dir
}

struct Run {
    stdout: String,
    stderr: String,
}

fn check(dir: &Path, extra: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .current_dir(dir)
        .args(["check", "--format", "json", "-v"])
        .args(extra)
        .arg("Sources")
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The findings as `rule path:line` lines.
fn findings(run: &Run) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}:{}", f["rule"], f["path"], f["line"]))
        .collect()
}

/// How many files' facts a run that linted again took from the cache (`-v` says).
fn facts_reused(run: &Run) -> Option<usize> {
    let line = run
        .stderr
        .lines()
        .find_map(|l| l.split("unchanged files whose facts were reused: ").nth(1))?;
    line.split(';').next()?.parse().ok()
}

fn entries(cache: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(cache)
        .map(|read| {
            read.map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "bin"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_warm_run_prints_the_same_bytes_as_a_cold_one() {
    let dir = project();
    let cold = check(dir.path(), &["--no-cache"]);
    assert!(!dir.path().join(".sessionlint_cache").exists());
    assert_eq!(findings(&cold).len(), 2, "{}", cold.stdout);
    let first = check(dir.path(), &[]);
    assert!(first.stderr.contains("linted again"), "{}", first.stderr);
    let warm = check(dir.path(), &[]);
    assert!(warm.stderr.contains("nothing changed"), "{}", warm.stderr);
    assert_eq!(warm.stdout, cold.stdout);
    assert_eq!(first.stdout, cold.stdout);
    let cache = dir.path().join(".sessionlint_cache");
    assert_eq!(entries(&cache).len(), 1);
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore"))
            .unwrap()
            .trim_end()
            .lines()
            .last(),
        Some("*")
    );
}

#[test]
fn an_unrelated_edit_is_patched_in_and_a_relevant_one_lints_again() {
    let dir = project();
    let src = dir.path().join("Sources");
    check(dir.path(), &[]);

    // A file with no session in it: the findings stand.
    std::fs::write(
        src.join("Point3.swift"),
        "struct Point {\n    var y = 1\n}\n",
    )
    .unwrap();
    std::fs::write(src.join("Added.swift"), UNRELATED).unwrap();
    std::fs::remove_file(src.join("Point4.swift")).unwrap();
    let patched = check(dir.path(), &[]);
    assert!(
        patched.stderr.contains("3 files changed"),
        "{}",
        patched.stderr
    );
    assert_eq!(patched.stdout, check(dir.path(), &["--no-cache"]).stdout);

    // The leak fixed: linted again, one finding fewer.
    std::fs::write(src.join("Fetch.swift"), FIXED).unwrap();
    let fixed = check(dir.path(), &[]);
    assert!(fixed.stderr.contains("linted again"), "{}", fixed.stderr);
    assert_eq!(findings(&fixed).len(), 1, "{}", fixed.stdout);
    assert_eq!(fixed.stdout, check(dir.path(), &["--no-cache"]).stdout);

    // An unrelated file that starts using a session is not inert any more.
    std::fs::write(src.join("Point0.swift"), LEAK.replace("fetch", "load")).unwrap();
    let spread = check(dir.path(), &[]);
    assert!(spread.stderr.contains("linted again"), "{}", spread.stderr);
    assert_eq!(findings(&spread).len(), 2, "{}", spread.stdout);
    assert_eq!(spread.stdout, check(dir.path(), &["--no-cache"]).stdout);
}

#[test]
fn an_edit_that_keeps_size_and_second_is_still_seen() {
    let dir = project();
    let src = dir.path().join("Sources");
    check(dir.path(), &[]);
    // Same length, written at once: size and (coarse) time may not move; the hash does.
    let same_length = LEAK.replace("resume()", "cancel()");
    assert_eq!(same_length.len(), LEAK.len());
    std::fs::write(src.join("Fetch.swift"), &same_length).unwrap();
    let run = check(dir.path(), &[]);
    assert_eq!(run.stdout, check(dir.path(), &["--no-cache"]).stdout);
    assert!(run.stderr.contains("linted again"), "{}", run.stderr);
}

#[test]
fn a_damaged_entry_is_ignored_and_rebuilt() {
    let dir = project();
    let expected = check(dir.path(), &["--no-cache"]).stdout;
    check(dir.path(), &[]);
    let cache = dir.path().join(".sessionlint_cache");
    let entry = entries(&cache).pop().unwrap();
    let whole = std::fs::read(&entry).unwrap();
    let damages: Vec<Vec<u8>> = vec![
        whole[..whole.len() / 2].to_vec(),
        Vec::new(),
        whole
            .iter()
            .enumerate()
            .map(|(i, b)| if i == whole.len() - 3 { b ^ 0x20 } else { *b })
            .collect(),
        b"not a cache entry at all".to_vec(),
    ];
    for damaged in damages {
        std::fs::write(&entry, &damaged).unwrap();
        let run = check(dir.path(), &[]);
        assert_eq!(run.stdout, expected);
        assert!(run.stderr.contains("damaged"), "{}", run.stderr);
        assert!(
            run.stderr
                .contains("linted again (the entry could not be read)"),
            "{}",
            run.stderr
        );
        let again = check(dir.path(), &[]);
        assert!(again.stderr.contains("nothing changed"), "{}", again.stderr);
        assert_eq!(again.stdout, expected);
    }
}

#[test]
fn concurrent_runs_agree_and_leave_a_whole_entry() {
    let dir = project();
    let expected = check(dir.path(), &["--no-cache"]).stdout;
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_sessionlint"))
                .current_dir(dir.path())
                .args(["check", "--format", "json", "Sources"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    }
    let after = check(dir.path(), &[]);
    assert!(after.stderr.contains("nothing changed"), "{}", after.stderr);
    assert_eq!(after.stdout, expected);
    let cache = dir.path().join(".sessionlint_cache");
    let leftovers: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn cache_dir_moves_the_cache_and_other_settings_keep_their_own_entry() {
    let dir = project();
    let elsewhere = tempfile::tempdir().unwrap();
    let flag = elsewhere.path().to_str().unwrap();
    check(dir.path(), &["--cache-dir", flag]);
    assert!(!dir.path().join(".sessionlint_cache").exists());
    assert_eq!(entries(elsewhere.path()).len(), 1);
    let warm = check(dir.path(), &["--cache-dir", flag]);
    assert!(warm.stderr.contains("nothing changed"), "{}", warm.stderr);
    // A setting that changes results is another entry, never a stale hit.
    let fewer = check(dir.path(), &["--cache-dir", flag, "--select", "SL003"]);
    assert!(fewer.stderr.contains("linted again"), "{}", fewer.stderr);
    assert_eq!(findings(&fewer).len(), 1, "{}", fewer.stdout);
    assert_eq!(entries(elsewhere.path()).len(), 2);
}

/// After an edit to a file that matters, the files the last run found relevant are parsed
/// on sight; one that no longer matters gives the same findings as a run without the cache,
/// and counts as inert again (an edit to it is patched in).
#[test]
fn files_relevant_last_time_are_parsed_at_once_and_judged_again() {
    let dir = project();
    let src = dir.path().join("Sources");
    let factory = "import Foundation\n\nenum Sessions {\n    static func make() -> URLSession {\n        URLSession(configuration: .default)\n    }\n}\n";
    let caller = "final class Loader {\n    func load() {\n        let s = Sessions.make()\n        s.dataTask(with: url).resume()\n    }\n}\n";
    std::fs::write(src.join("Factory.swift"), factory).unwrap();
    std::fs::write(src.join("Caller.swift"), caller).unwrap();
    let first = check(dir.path(), &[]);
    assert!(
        findings(&first).iter().any(|f| f.contains("Caller.swift")),
        "the factory's caller leaks: {}",
        first.stdout
    );

    // The factory stops making sessions: its caller, parsed on sight, no longer matters.
    std::fs::write(
        src.join("Factory.swift"),
        factory.replace("URLSession(configuration: .default)", "URLSession.shared"),
    )
    .unwrap();
    let edited = check(dir.path(), &[]);
    assert!(edited.stderr.contains("linted again"), "{}", edited.stderr);
    assert_eq!(edited.stdout, check(dir.path(), &["--no-cache"]).stdout);
    assert!(
        !findings(&edited).iter().any(|f| f.contains("Caller.swift")),
        "{}",
        edited.stdout
    );

    // So an edit to the caller is patched in, not linted again.
    std::fs::write(
        src.join("Caller.swift"),
        caller.replace("load()", "reload()"),
    )
    .unwrap();
    let patched = check(dir.path(), &[]);
    assert!(
        patched.stderr.contains("1 file changed"),
        "{}",
        patched.stderr
    );
    assert_eq!(patched.stdout, check(dir.path(), &["--no-cache"]).stdout);
}

/// A run that lints again parses only the files whose bytes changed: the others' facts come
/// from the last run. Damaged packs cost the parse, never a result.
#[test]
fn a_relevant_edit_parses_only_the_files_that_changed() {
    let dir = project();
    let src = dir.path().join("Sources");
    check(dir.path(), &[]);

    std::fs::write(src.join("Fetch.swift"), FIXED).unwrap();
    let fixed = check(dir.path(), &[]);
    assert!(fixed.stderr.contains("linted again"), "{}", fixed.stderr);
    // `Client.swift` is parsed (it makes a session) but did not change; the five files
    // without a session are not even read.
    assert!(
        fixed
            .stderr
            .contains("unchanged files whose facts were reused: 1; not read at all: 5\n"),
        "{}",
        fixed.stderr
    );
    assert_eq!(fixed.stdout, check(dir.path(), &["--no-cache"]).stdout);

    // One pack of facts, one of the inert files' identifiers.
    let packs = entries(&dir.path().join(".sessionlint_cache").join("facts"));
    assert_eq!(packs.len(), 2, "{packs:?}");
    for pack in &packs {
        std::fs::write(pack, b"not a pack of facts").unwrap();
    }
    std::fs::write(src.join("Fetch.swift"), LEAK).unwrap();
    let damaged = check(dir.path(), &[]);
    assert!(damaged.stderr.contains("damaged"), "{}", damaged.stderr);
    assert!(
        !damaged.stderr.contains("whose facts"),
        "{}",
        damaged.stderr
    );
    assert_eq!(findings(&damaged).len(), 2, "{}", damaged.stdout);
    assert_eq!(damaged.stdout, check(dir.path(), &["--no-cache"]).stdout);

    // Rebuilt by that run: the next edit reuses it again.
    std::fs::write(src.join("Fetch.swift"), FIXED).unwrap();
    let again = check(dir.path(), &[]);
    assert!(
        again
            .stderr
            .contains("unchanged files whose facts were reused: 1; not read at all: 5\n"),
        "{}",
        again.stderr
    );
    assert_eq!(again.stdout, check(dir.path(), &["--no-cache"]).stdout);
}

/// An inert file taken as unchanged without being read is still read, and counts, once an
/// edit elsewhere makes the analysis want it.
#[test]
fn an_unread_inert_file_is_read_when_an_edit_comes_to_want_it() {
    let dir = project();
    let src = dir.path().join("Sources");
    std::fs::write(
        src.join("Holder.swift"),
        "final class Holder {\n    var item: AnyObject?\n    func stop() {}\n}\n",
    )
    .unwrap();
    check(dir.path(), &[]);
    let stores = "import Foundation\n\nfunc fetch() {\n    let session = URLSession(configuration: .default)\n    let holder = Holder()\n    holder.item = session\n}\n";
    std::fs::write(src.join("Fetch.swift"), stores).unwrap();
    let run = check(dir.path(), &["--timings"]);
    assert!(
        run.stderr.contains("not read at all: 6\n"),
        "{}",
        run.stderr
    );
    // Fetch.swift and Client.swift on sight, then Holder.swift for the store into it.
    assert!(run.stderr.contains("3 files parsed"), "{}", run.stderr);
    assert_eq!(run.stdout, check(dir.path(), &["--no-cache"]).stdout);
}

/// An edit of one file that matters writes that file's facts apart (not every parsed file's
/// again); the next runs read both packs, and a damaged small pack only costs a parse.
#[test]
fn an_edit_among_many_relevant_files_adds_only_its_facts() {
    let dir = project();
    let src = dir.path().join("Sources");
    for i in 0..10 {
        let owner = OWNER.replace("Client", &format!("Client{i}"));
        std::fs::write(src.join(format!("Client{i}.swift")), owner).unwrap();
    }
    check(dir.path(), &[]);
    let folder = dir.path().join(".sessionlint_cache").join("facts");
    assert_eq!(entries(&folder).len(), 2, "{:?}", entries(&folder));
    let newest = || {
        entries(&folder)
            .into_iter()
            .max_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap())
            .unwrap()
    };

    std::fs::write(src.join("Fetch.swift"), FIXED).unwrap();
    let fixed = check(dir.path(), &[]);
    assert_eq!(facts_reused(&fixed), Some(11), "{}", fixed.stderr);
    assert_eq!(fixed.stdout, check(dir.path(), &["--no-cache"]).stdout);
    assert_eq!(entries(&folder).len(), 3, "the edited file's facts apart");

    // Edited again: the last pack and the small one both serve; only the new text is parsed.
    std::fs::write(src.join("Fetch.swift"), format!("{LEAK}// edited\n")).unwrap();
    let again = check(dir.path(), &[]);
    assert_eq!(facts_reused(&again), Some(11), "{}", again.stderr);
    // The leak in `Fetch.swift` again, and each of the eleven owners'.
    assert_eq!(findings(&again).len(), 12, "{}", again.stdout);
    assert_eq!(again.stdout, check(dir.path(), &["--no-cache"]).stdout);

    // The small pack (written last) damaged: ignored, and the result is the same.
    std::fs::write(newest(), b"not a pack of facts").unwrap();
    std::fs::write(src.join("Fetch.swift"), FIXED).unwrap();
    let damaged = check(dir.path(), &[]);
    assert!(damaged.stderr.contains("damaged"), "{}", damaged.stderr);
    assert_eq!(damaged.stdout, check(dir.path(), &["--no-cache"]).stdout);
    assert_eq!(
        facts_reused(&damaged),
        Some(11),
        "the main pack still serves: {}",
        damaged.stderr
    );
}
