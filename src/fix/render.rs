//! Turns a fix's edits into bytes: where lines start and end, indentation, and how each
//! language writes the call. Only layout is read here, never syntax: a span whose
//! surroundings are not plain (code after the statement on its line) gets no edit.

use super::{Edit, TextEdit};
use crate::facts::{Language, Span};

pub(super) fn edit(edit: &Edit, text: &str, language: Language) -> Option<TextEdit> {
    match edit {
        Edit::DeleteStatement(span) => delete_statement(*span, text),
        Edit::FinishAtScopeEnd {
            session,
            creation,
            last,
            leaves_early,
        } => match language {
            Language::Swift => swift_finish(session, *creation, *last, text),
            // No `defer`: the call goes after the scope's last statement, so only when
            // nothing between the creation and there can leave the scope.
            // Nor across a preprocessor line: the scope's last statement may be in another
            // `#if` group than the creation, compiled when the creation is not.
            Language::ObjC if !leaves_early && !directive_between(*creation, *last, text) => {
                insert_line_after(
                    *last,
                    &format!("[{session} finishTasksAndInvalidate];"),
                    text,
                )
            }
            // Rust: a block's last expression may be its value (a call after it changes the
            // block's type), and objc2 bindings differ on whether the method is `unsafe`: no
            // edit is equally safe without knowing both.
            Language::ObjC | Language::Rust => None,
        },
    }
}

/// Swift: `defer { s.finishTasksAndInvalidate() }` after the creation (`s?.` when declared
/// optional).
fn swift_finish(session: &str, creation: Span, last: Span, text: &str) -> Option<TextEdit> {
    let head = text.get(creation.range())?;
    let head = &head[..head.find('=').unwrap_or(head.len())];
    let call = if head.contains('?') { "?." } else { "." };
    let call = format!("{session}{call}finishTasksAndInvalidate()");
    // `defer` runs on every exit, early or not; as the scope's last statement it would run
    // at once (Swift warns), so then the plain call.
    let line = if creation == last {
        call
    } else {
        format!("defer {{ {call} }}")
    };
    insert_line_after(creation, &line, text)
}

/// A preprocessor line (`#if`, `#else`, `#endif`, ...) between the start of `from` and the
/// end of `to`.
fn directive_between(from: Span, to: Span, text: &str) -> bool {
    let start = line_start(text, (from.start as usize).min(text.len()));
    text.get(start..(to.end as usize).max(start))
        .is_none_or(|s| s.lines().any(|l| l.trim_start().starts_with('#')))
}

/// The statement's text is there: in bounds, on character boundaries, not blank (a file
/// that changed during the run is shown as blanks; no edit is made against those).
fn statement_present(span: Span, text: &str) -> bool {
    text.get(span.range()).is_some_and(|s| !s.trim().is_empty())
}

/// Where the line holding `offset` starts.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

/// Where the line holding `offset` ends (before its line break), and the break itself.
fn line_end(text: &str, offset: usize) -> (usize, &str) {
    match text[offset..].find(['\n', '\r']) {
        None => (text.len(), ""),
        Some(i) => {
            let at = offset + i;
            let brk = if text[at..].starts_with("\r\n") {
                "\r\n"
            } else {
                &text[at..at + 1]
            };
            (at, brk)
        }
    }
}

/// What may follow a statement on its line for a line to be added after it: nothing, a `;`,
/// a line comment.
fn only_trivia_after(rest: &str) -> bool {
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(';').unwrap_or(rest).trim_start();
    rest.is_empty() || rest.starts_with("//")
}

fn insert_line_after(statement: Span, line: &str, text: &str) -> Option<TextEdit> {
    if !statement_present(statement, text) {
        return None;
    }
    let (end, brk) = line_end(text, statement.end as usize);
    if !only_trivia_after(&text[statement.end as usize..end]) {
        return None;
    }
    let start = line_start(text, statement.start as usize);
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let brk = if brk.is_empty() {
        // The last line: break it the way the file's other lines are broken.
        if text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    } else {
        brk
    };
    Some(TextEdit {
        range: end..end,
        content: format!("{brk}{indent}{line}"),
    })
}

fn delete_statement(span: Span, text: &str) -> Option<TextEdit> {
    if !statement_present(span, text) {
        return None;
    }
    let start = span.start as usize;
    let mut end = span.end as usize;
    let spaces = text[end..].len() - text[end..].trim_start_matches([' ', '\t']).len();
    if text[end + spaces..].starts_with(';') {
        end += spaces + 1;
    }
    let first = line_start(text, start);
    let (last, brk) = line_end(text, end);
    let before = &text[first..start];
    let after = &text[end..last];
    let range = if before.trim().is_empty() && after.trim().is_empty() {
        // Alone on its lines: the lines go.
        first..last + brk.len()
    } else if before.trim().is_empty() && after.trim_start().starts_with("//") {
        // A trailing comment stays, where it was.
        let spaces = after.len() - after.trim_start().len();
        start..end + spaces
    } else {
        start..end
    };
    Some(TextEdit {
        range,
        content: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_of(text: &str, needle: &str) -> Span {
        let at = text.find(needle).unwrap();
        Span::new(at, at + needle.len())
    }

    fn applied(text: &str, e: TextEdit) -> String {
        let mut out = text.to_string();
        out.replace_range(e.range, &e.content);
        out
    }

    #[test]
    fn a_statement_alone_on_its_line_takes_the_line_with_it() {
        let text = "func f() {\n    a()\n    [s invalidate];\n    b()\n}\n";
        let e = delete_statement(span_of(text, "[s invalidate]"), text).unwrap();
        assert_eq!(applied(text, e), "func f() {\n    a()\n    b()\n}\n");
    }

    #[test]
    fn a_trailing_comment_stays_and_code_on_the_line_is_kept() {
        let text = "{\r\n  s.invalidate() // why\r\n  a(); s.invalidate(); b()\r\n}";
        let e = delete_statement(span_of(text, "s.invalidate()"), text).unwrap();
        assert_eq!(
            applied(text, e),
            "{\r\n  // why\r\n  a(); s.invalidate(); b()\r\n}"
        );
        let second = Span::new(text.rfind("s.invalidate()").unwrap(), 0);
        let second = Span::new(second.start as usize, second.start as usize + 14);
        let e = delete_statement(second, text).unwrap();
        assert_eq!(
            applied(text, e),
            "{\r\n  s.invalidate() // why\r\n  a();  b()\r\n}"
        );
    }

    #[test]
    fn a_line_is_added_after_the_statement_with_its_indentation_and_line_break() {
        let text = "\tlet s = make() // note\r\n\tuse(s)\r\n";
        let e = insert_line_after(span_of(text, "let s = make()"), "defer { x }", text).unwrap();
        assert_eq!(
            applied(text, e),
            "\tlet s = make() // note\r\n\tdefer { x }\r\n\tuse(s)\r\n"
        );
    }

    #[test]
    fn no_call_at_the_scope_end_across_a_preprocessor_line() {
        let text = "    NSURLSession *s = make();\n#if WATCH\n    use(s);\n#endif\n";
        let edit = Edit::FinishAtScopeEnd {
            session: "s".into(),
            creation: span_of(text, "NSURLSession *s = make();"),
            last: span_of(text, "use(s);"),
            leaves_early: false,
        };
        assert_eq!(super::edit(&edit, text, Language::ObjC), None);
        let text = text.replace("#if WATCH", "").replace("#endif", "");
        let edit = Edit::FinishAtScopeEnd {
            session: "s".into(),
            creation: span_of(&text, "NSURLSession *s = make();"),
            last: span_of(&text, "use(s);"),
            leaves_early: false,
        };
        let e = super::edit(&edit, &text, Language::ObjC).unwrap();
        assert_eq!(e.content, "\n    [s finishTasksAndInvalidate];");
    }

    #[test]
    fn no_edit_when_code_follows_on_the_line_or_the_text_is_gone() {
        let text = "if c { let s = make() }\n";
        assert_eq!(
            insert_line_after(span_of(text, "let s = make()"), "x", text),
            None
        );
        let blank = "                \n";
        assert_eq!(delete_statement(Span::new(2, 8), blank), None);
        assert_eq!(delete_statement(Span::new(2, 80), blank), None);
    }
}
