//! Macro invocations in expression and statement position: `msg_send!` and friends are
//! parsed from their tokens (`msg_send![receiver, selector: arg other: arg2]`); `panic!`
//! and its kin never return; `vec!`/`println!`/`assert!` arguments are plain expressions.

use super::calls::call;
use super::context::{expr, opaque, Lowerer};
use crate::facts::{Arg, Block, ConfigKind, Creation, Expr, ExprKind, Span, Stmt, StmtKind};
use proc_macro2::Ident;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;

const MESSAGE_SENDS: &[&str] = &["msg_send", "msg_send_id", "msg_send_bool"];
const ABORTS: &[&str] = &["panic", "unreachable", "todo", "unimplemented"];
/// Macros whose arguments are comma-separated expressions.
const EXPRESSION_LISTS: &[&str] = &[
    "vec",
    "println",
    "print",
    "eprintln",
    "eprint",
    "format",
    "write",
    "writeln",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "dbg",
    "info",
    "debug",
    "warn",
    "error",
    "trace",
    "format_args",
];

fn macro_name(mac: &syn::Macro) -> String {
    mac.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

pub fn is_abort_macro(mac: &syn::Macro) -> bool {
    ABORTS.contains(&macro_name(mac).as_str())
}

/// `msg_send![obj, a: x b: y]` → receiver and `[(a, x), (b, y)]`; `[obj, name]` → `[(name, None)]`.
struct MessageSend {
    receiver: syn::Expr,
    parts: Vec<(Ident, Option<syn::Expr>)>,
}

fn parse_message_send(input: ParseStream) -> syn::Result<MessageSend> {
    let receiver: syn::Expr = input.parse()?;
    input.parse::<syn::Token![,]>()?;
    let mut parts = Vec::new();
    while !input.is_empty() {
        let name = input.call(Ident::parse_any)?;
        if input.peek(syn::Token![:]) && !input.peek(syn::Token![::]) {
            input.parse::<syn::Token![:]>()?;
            let arg: syn::Expr = input.parse()?;
            parts.push((name, Some(arg)));
        } else {
            parts.push((name, None));
        }
        // objc2 separates the parts with commas, the `objc` crate with spaces.
        if input.peek(syn::Token![,]) {
            input.parse::<syn::Token![,]>()?;
        }
    }
    Ok(MessageSend { receiver, parts })
}

impl MessageSend {
    /// The selector as ObjC writes it: `dataTaskWithURL:completionHandler:`, `sharedSession`.
    fn selector(&self) -> String {
        self.parts
            .iter()
            .map(|(name, arg)| {
                let name = name.unraw().to_string();
                if arg.is_some() {
                    name + ":"
                } else {
                    name
                }
            })
            .collect()
    }
}

/// The selector of a message-send macro, if `mac` is one.
pub fn message_selector(mac: &syn::Macro) -> Option<String> {
    if !MESSAGE_SENDS.contains(&macro_name(mac).as_str()) {
        return None;
    }
    parse_message_send
        .parse2(mac.tokens.clone())
        .ok()
        .map(|send| send.selector())
}

impl Lowerer<'_> {
    pub fn lower_macro(&mut self, mac: &syn::Macro, out: &mut Block) -> Expr {
        let span = match super::edges::macro_edges(mac) {
            Some((first, last)) => self.spans.join(first, last),
            None => self.span_of(mac),
        };
        let name = macro_name(mac);
        if MESSAGE_SENDS.contains(&name.as_str()) {
            return match parse_message_send.parse2(mac.tokens.clone()) {
                Ok(send) => self.lower_message_send(&send, span, out),
                Err(_) => opaque(vec![], span),
            };
        }
        if name == "class" {
            return match syn::parse2::<syn::Path>(mac.tokens.clone()) {
                Ok(path) => match path.segments.last() {
                    Some(last) => expr(ExprKind::TypeRef(self.type_name(&last.ident)), span),
                    None => opaque(vec![], span),
                },
                Err(_) => opaque(vec![], span),
            };
        }
        if ABORTS.contains(&name.as_str()) {
            out.push(Stmt {
                kind: StmtKind::Abort,
                span,
            });
            return opaque(vec![], span);
        }
        if EXPRESSION_LISTS.contains(&name.as_str()) {
            let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
            if let Ok(args) = parser.parse2(mac.tokens.clone()) {
                return self.lower_all(args.iter(), span, out);
            }
        }
        opaque(vec![], span)
    }

    fn lower_message_send(&mut self, send: &MessageSend, span: Span, out: &mut Block) -> Expr {
        let selector = send.selector();
        let receiver = self.message_receiver(&send.receiver, out);
        if let ExprKind::TypeRef(class) = &receiver.kind {
            if self.imports.is_session(class) {
                let arg = |i: usize| send.parts.get(i).and_then(|(_, a)| a.as_ref());
                let kind = match (selector.as_str(), arg(0), arg(1)) {
                    ("sharedSession", _, _) => Some(ExprKind::SharedSession),
                    ("new", _, _) => Some(ExprKind::NewSession(Creation {
                        config: ConfigKind::NoConfiguration,
                        delegate_self: None,
                        has_other_delegate: false,
                    })),
                    ("sessionWithConfiguration:", Some(config), _) => {
                        Some(ExprKind::NewSession(self.creation(config, None, out)))
                    }
                    (
                        "sessionWithConfiguration:delegate:delegateQueue:",
                        Some(config),
                        Some(delegate),
                    ) => Some(ExprKind::NewSession(self.creation(
                        config,
                        Some(delegate),
                        out,
                    ))),
                    _ => None,
                };
                if let Some(kind) = kind {
                    return expr(kind, span);
                }
            }
        }
        let method_span = send
            .parts
            .first()
            .map_or(span, |(name, _)| self.spans.span(name.span()));
        let args = send
            .parts
            .iter()
            .filter_map(|(name, arg)| {
                let arg = arg.as_ref()?;
                Some(Arg {
                    label: Some(name.unraw().to_string()),
                    value: self.lower_expr(arg, out),
                })
            })
            .collect();
        call(Some(receiver), selector, args, method_span, span)
    }

    /// `class!(NSURLSession)` and `NSURLSession::class()` name the class itself.
    fn message_receiver(&mut self, receiver: &syn::Expr, out: &mut Block) -> Expr {
        let span = self.span_of_expr(receiver);
        if let syn::Expr::Call(c) = receiver {
            if let syn::Expr::Path(p) = &*c.func {
                let segments = &p.path.segments;
                if c.args.is_empty()
                    && segments.len() >= 2
                    && segments.last().is_some_and(|s| s.ident == "class")
                {
                    let class = self.type_name(&segments[segments.len() - 2].ident);
                    return expr(ExprKind::TypeRef(class), span);
                }
            }
        }
        self.lower_expr(receiver, out)
    }
}
