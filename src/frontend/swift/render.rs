//! A compact, span-free rendering of facts for snapshot tests.

use crate::facts::*;
use std::fmt::Write;

pub(super) fn render(facts: &FileFacts) -> String {
    let mut out = String::new();
    for t in &facts.types {
        let _ = writeln!(out, "type {:?} {}", t.kind, t.name);
        for m in &t.members {
            let mut flags = Vec::new();
            for (on, word) in [
                (m.is_static, "static"),
                (m.is_lazy, "lazy"),
                (m.is_optional, "optional"),
                (m.is_weak, "weak"),
                (m.is_computed, "computed"),
                (m.declared_session, "session"),
            ] {
                if on {
                    flags.push(word);
                }
            }
            let ty = m.declared_type.as_deref().unwrap_or("_");
            let _ = writeln!(out, "  member {}: {} [{}]", m.name, ty, flags.join(" "));
        }
    }
    for f in &facts.functions {
        let owner = f.owner.as_deref().unwrap_or("-");
        let _ = writeln!(
            out,
            "fn {:?} {}.{}({})",
            f.kind,
            owner,
            f.name,
            f.params.join(", ")
        );
        block(&mut out, &f.body, 1);
    }
    for p in &facts.problems {
        let _ = writeln!(
            out,
            "problem {}..{}: {}",
            p.span.start, p.span.end, p.message
        );
    }
    out
}

fn block(out: &mut String, body: &Block, depth: usize) {
    for s in body {
        stmt(out, s, depth);
    }
}

fn stmt(out: &mut String, s: &Stmt, depth: usize) {
    let pad = "  ".repeat(depth);
    match &s.kind {
        StmtKind::Let { name, value, .. } => {
            let v = value.as_ref().map(expr).unwrap_or_else(|| "_".into());
            let _ = writeln!(out, "{pad}let {name} = {v}");
        }
        StmtKind::Eval(e) => {
            let _ = writeln!(out, "{pad}{}", expr(e));
        }
        StmtKind::Branch { arms, exhaustive } => {
            let _ = writeln!(out, "{pad}branch exhaustive={exhaustive}");
            for arm in arms {
                let _ = writeln!(out, "{pad} arm:");
                block(out, arm, depth + 1);
            }
        }
        StmtKind::Loop {
            label,
            header,
            body,
            at_least_once,
            infinite,
        } => {
            let _ = writeln!(
                out,
                "{pad}loop label={label:?} at_least_once={at_least_once} infinite={infinite}"
            );
            let _ = writeln!(out, "{pad} header:");
            block(out, header, depth + 1);
            let _ = writeln!(out, "{pad} body:");
            block(out, body, depth + 1);
        }
        StmtKind::Return(e) => {
            let v = e.as_ref().map(expr).unwrap_or_default();
            let _ = writeln!(out, "{pad}return {v}");
        }
        StmtKind::Throw(e) => {
            let v = e.as_ref().map(expr).unwrap_or_default();
            let _ = writeln!(out, "{pad}throw {v}");
        }
        StmtKind::Break(l) => {
            let _ = writeln!(out, "{pad}break {l:?}");
        }
        StmtKind::Continue(l) => {
            let _ = writeln!(out, "{pad}continue {l:?}");
        }
        StmtKind::Label(l) => {
            let _ = writeln!(out, "{pad}label {l}");
        }
        StmtKind::Goto(l) => {
            let _ = writeln!(out, "{pad}goto {l}");
        }
        StmtKind::Defer(b) => {
            let _ = writeln!(out, "{pad}defer:");
            block(out, b, depth + 1);
        }
        StmtKind::Try {
            body,
            handlers,
            catch_all,
        } => {
            let _ = writeln!(out, "{pad}do catch_all={catch_all}:");
            block(out, body, depth + 1);
            for h in handlers {
                let _ = writeln!(out, "{pad} catch:");
                block(out, h, depth + 1);
            }
        }
        StmtKind::Scope(b) => {
            let _ = writeln!(out, "{pad}scope:");
            block(out, b, depth + 1);
        }
        StmtKind::Abort => {
            let _ = writeln!(out, "{pad}abort");
        }
    }
}

fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::NewSession(c) => {
            let mut s = format!("NewSession({:?}", c.config);
            if c.delegate_self.is_some() {
                s.push_str(", delegate: self");
            }
            if c.has_other_delegate {
                s.push_str(", delegate: other");
            }
            s + ")"
        }
        ExprKind::SharedSession => "SharedSession".into(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::SelfRef => "self".into(),
        ExprKind::TypeRef(t) => format!("type {t}"),
        ExprKind::Member { base, name } => format!("{}.{name}", expr(base)),
        ExprKind::Call {
            receiver,
            method,
            args,
            api,
            ..
        } => {
            let args: Vec<String> = args
                .iter()
                .map(|a| match &a.label {
                    Some(l) => format!("{l}: {}", expr(&a.value)),
                    None => expr(&a.value),
                })
                .collect();
            let api = if *api == api::Api::Other {
                String::new()
            } else {
                format!(" <{api:?}>")
            };
            match receiver {
                Some(r) => format!("{}.{method}({}){api}", expr(r), args.join(", ")),
                None => format!("{method}({}){api}", args.join(", ")),
            }
        }
        ExprKind::Construct { type_name, args } => format!("new {type_name}({})", args.len()),
        ExprKind::Assign { target, value } => format!("{} = {}", expr(target), expr(value)),
        ExprKind::Closure(c) => {
            let mut s = String::new();
            block(&mut s, &c.body, 0);
            let body = s.trim_end().replace('\n', "; ");
            format!(
                "{{ weak[{}] ({}) in {body} }}",
                c.weak_captures.join(","),
                c.params.join(",")
            )
        }
        ExprKind::Try { inner, propagates } => {
            format!(
                "{}{}",
                if *propagates { "try " } else { "try? " },
                expr(inner)
            )
        }
        ExprKind::Nil => "nil".into(),
        ExprKind::Literal => "lit".into(),
        ExprKind::Selector(s) => format!("#selector({s})"),
        ExprKind::Choice(v) => format!(
            "choice({})",
            v.iter().map(expr).collect::<Vec<_>>().join(" | ")
        ),
        ExprKind::Opaque(v) => format!(
            "opaque({})",
            v.iter().map(expr).collect::<Vec<_>>().join(", ")
        ),
    }
}
