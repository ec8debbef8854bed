//! "Why silent": for the creation sites on one line, what the analysis concluded. Either the
//! rules reported it (which ones), or the reasons it is not reported: what ended the session's
//! life in its body ([`Reason`]), and for a session stored in a member, what the owner does
//! with it. `sessionlint check --explain FILE:LINE` prints these.

use super::diagnostic::Diagnostic;
use crate::analyze::reason::Reason;
use crate::analyze::ProjectAnalysis;
use crate::facts::Span;

/// The sites to explain: a file (index into the project's files) and a 1-based line.
#[derive(Clone, Copy, Debug)]
pub struct Query {
    pub file: usize,
    pub line: u32,
}

/// One creation site on the asked line.
#[derive(Clone, Debug)]
pub struct Explanation {
    pub file: usize,
    pub span: Span,
    /// How messages name the session (`session `s``, `the session returned by `make``).
    pub session: String,
    /// The rules that report it (empty when silent).
    pub reported: Vec<&'static str>,
    /// Why it is silent (or, when reported, what else the analysis knows), in order.
    pub reasons: Vec<Because>,
}

/// One reason, in words, with where it points.
#[derive(Clone, Debug)]
pub struct Because {
    /// A stable key for tools: `invalidated`, `stored_in_member`, `handed_off`, ...
    pub kind: &'static str,
    pub message: String,
    /// Where it happens: (file, span).
    pub at: Option<(usize, Span)>,
}

/// Explains every creation site on the asked line.
pub fn explain(cx: &ProjectAnalysis, diagnostics: &[Diagnostic], q: Query) -> Vec<Explanation> {
    let project = cx.project;
    let mut out: Vec<Explanation> = Vec::new();
    for (id, body) in cx.each_body() {
        if id.file != q.file {
            continue;
        }
        for (c, site) in body.creations.iter().enumerate() {
            if project.line_of(id.file, site.span.start) != q.line {
                continue;
            }
            let mut reported: Vec<&'static str> = diagnostics
                .iter()
                .filter(|d| d.file == id.file && d.span == site.span)
                .map(|d| d.rule)
                .collect();
            reported.sort_unstable();
            reported.dedup();
            let mut reasons: Vec<Because> = body.reasons[c]
                .iter()
                .flat_map(|r| because(cx, id.file, r))
                .collect();
            if reasons.is_empty() && reported.is_empty() {
                reasons.push(Because {
                    kind: "unknown",
                    message: "the analysis recorded nothing that ends this session here".into(),
                    at: None,
                });
            }
            // The same site is seen by a closure and by the body that runs it (`{ ... }()`):
            // one entry, with what both know.
            match out
                .iter_mut()
                .find(|e| e.file == id.file && e.span == site.span)
            {
                Some(known) => {
                    // The closure "returns" it to the body that ran it: that body's own
                    // reasons say where it went.
                    known.reasons.retain(|b| b.kind != "unknown");
                    known
                        .reasons
                        .extend(reasons.into_iter().filter(|b| b.kind != "returned"));
                }
                None => out.push(Explanation {
                    file: id.file,
                    span: site.span,
                    session: crate::rules::describe(site),
                    reported,
                    reasons,
                }),
            }
        }
    }
    out.sort_by_key(|e| e.span);
    out
}

fn because(cx: &ProjectAnalysis, file: usize, r: &Reason) -> Vec<Because> {
    let project = cx.project;
    let line = |span: Span| project.line_of(file, span.start);
    let here = r.span().map(|s| (file, s));
    let one = |kind, message: String| {
        vec![Because {
            kind,
            message,
            at: here,
        }]
    };
    match r {
        Reason::Invalidated { at } => one("invalidated", format!("invalidated at line {}", line(*at))),
        Reason::InvalidatedByCallee { callee, at } => one(
            "invalidated_by_callee",
            format!("passed to `{callee}` at line {}, which invalidates it", line(*at)),
        ),
        Reason::InvalidatedByDelegate { callback } => {
            let f = project.function(*callback);
            vec![Because {
                kind: "invalidated_by_delegate",
                message: format!(
                    "created with `delegate: self`; the delegate callback `{}` (line {}) invalidates the session that calls it",
                    f.name,
                    project.line_of(callback.file, f.name_span.start)
                ),
                at: Some((callback.file, f.name_span)),
            }]
        }
        Reason::StoredInMember { owner, member, at } => {
            let mut out = one(
                "stored_in_member",
                format!(
                    "stored in `{owner}.{member}` at line {}: its owner is judged instead (SL003-SL005)",
                    line(*at)
                ),
            );
            out.extend(owner_verdict(cx, owner, member));
            out
        }
        Reason::Returned { at } => one(
            "returned",
            format!(
                "returned at line {}: the function is a factory, and each call of it is judged where it happens",
                line(*at)
            ),
        ),
        Reason::StaticStorage { at } => one(
            "static_storage",
            format!("kept in static storage at line {}: it lives for the whole process", line(*at)),
        ),
        Reason::HandedOff { to, at } => {
            let message = match to {
                Some(to) => format!(
                    "handed to `{to}` at line {}, which the analysis cannot follow (it may keep or invalidate it)",
                    line(*at)
                ),
                None => format!(
                    "handed to code the analysis cannot follow at line {} (it may keep or invalidate it)",
                    line(*at)
                ),
            };
            one("handed_off", message)
        }
    }
}

/// What the owner of a stored session does with it.
fn owner_verdict(cx: &ProjectAnalysis, owner: &str, member: &str) -> Vec<Because> {
    let project = cx.project;
    let mut out = Vec::new();
    if project.process_lifetime.contains(owner) {
        out.push(Because {
            kind: "process_lifetime_owner",
            message: format!(
                "`{owner}` lives for the whole process (a singleton, static or configured type): its session is deliberate"
            ),
            at: None,
        });
    }
    if let Some(facts) = cx.members.get(&(owner.to_string(), member.to_string())) {
        for (f, span, deinit_only) in &facts.invalidations {
            let function = project.function(*f);
            let suffix = if *deinit_only {
                " (only on the way out of `deinit`/`dealloc`/`Drop`)"
            } else {
                ""
            };
            out.push(Because {
                kind: "owner_invalidates",
                message: format!(
                    "`{owner}` invalidates `{member}` in `{}` at line {}{suffix}",
                    function.name,
                    project.line_of(f.file, span.start)
                ),
                at: Some((f.file, *span)),
            });
        }
        if facts.escapes {
            out.push(Because {
                kind: "member_handed_off",
                message: format!(
                    "`{owner}.{member}` is handed to code the analysis cannot follow, so its owner is not judged"
                ),
                at: None,
            });
        }
        for (other, other_member) in &facts.shared_into {
            let ended = cx
                .members
                .get(&(other.clone(), other_member.clone()))
                .is_some_and(|f| f.invalidated_reachably());
            let verdict = if ended {
                "which invalidates it in a teardown that runs".to_string()
            } else {
                format!("but `{owner}` still holds it, so it is still `{owner}`'s to invalidate")
            };
            out.push(Because {
                kind: "member_shared",
                message: format!(
                    "`{owner}.{member}` is also stored into `{other}.{other_member}`, {verdict}"
                ),
                at: None,
            });
        }
    }
    out
}

/// Rules the configuration turns off report nothing: said as a reason instead.
pub fn honour_config(explanations: &mut [Explanation], config: &crate::config::Config) {
    use crate::config::Level;
    use crate::rules::registry;
    for e in explanations {
        let (on, off): (Vec<&'static str>, Vec<&'static str>) = e
            .reported
            .iter()
            .partition(|rule| config.level(registry::get(rule)) != Level::Off);
        e.reported = on;
        for rule in off {
            e.reasons.push(Because {
                kind: "rule_off",
                message: format!("{rule} would report it, but the configuration turns it off"),
                at: None,
            });
        }
    }
}
