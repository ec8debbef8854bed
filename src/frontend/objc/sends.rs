//! Message sends `[receiver part:arg part:arg]`: selectors, session creations, constructions.

use super::lowerer::Lowerer;
use super::syntax::{field_id, Field, Syntax};
use crate::facts::api::classify_method;
use crate::facts::{Arg, ConfigKind, Creation, Expr, ExprKind};
use tree_sitter::Node;

/// A message send taken apart.
pub struct Send<'t> {
    pub receiver: Option<Node<'t>>,
    /// `sessionWithConfiguration:delegate:delegateQueue:`, `resume`.
    pub selector: String,
    pub first_part: Option<Node<'t>>,
    /// (selector part, argument); variadic extras have no part.
    pub args: Vec<(Option<String>, Node<'t>)>,
}

pub fn take_apart<'t>(lowerer: &Lowerer, node: Node<'t>) -> Send<'t> {
    let receiver_field = field_id(Field::Receiver);
    let method_field = field_id(Field::Method);
    let mut send = Send {
        receiver: None,
        selector: String::new(),
        first_part: None,
        args: Vec::new(),
    };
    let mut current_part: Option<String> = None;
    let mut after_colon = false;
    // One pass over the children, their fields read from the cursor: looking the receiver
    // and the selector parts up by field name walked the children three times per send.
    let mut cursor = node.walk();
    let mut more = cursor.goto_first_child();
    while more {
        let child = cursor.node();
        let field = cursor.field_id();
        more = cursor.goto_next_sibling();
        if field.is_some() && field == receiver_field && send.receiver.is_none() {
            send.receiver = Some(child);
            continue;
        }
        match child.kind_name() {
            "comment" | "[" | "]" | "," => {}
            ":" => {
                send.selector.push(':');
                after_colon = true;
            }
            _ if field.is_some() && field == method_field => {
                let part = lowerer.text(child).to_owned();
                send.selector.push_str(&part);
                send.first_part.get_or_insert(child);
                current_part = Some(part);
                after_colon = false;
            }
            _ if child.is_named() => {
                let label = if after_colon {
                    current_part.take()
                } else {
                    None
                };
                after_colon = false;
                send.args.push((label, child));
            }
            _ => {}
        }
    }
    send
}

impl Lowerer<'_> {
    pub fn message(&mut self, node: Node) -> ExprKind {
        let send = take_apart(self, node);
        let method_span = send
            .first_part
            .map(|p| self.span(p))
            .unwrap_or_else(|| self.span(node));
        let receiver_class = send.receiver.and_then(|r| self.class_name(r));

        if let Some(kind) = self.session_factory(&send, receiver_class.as_deref()) {
            return kind;
        }
        if let Some(kind) = self.construction(&send, receiver_class.as_deref()) {
            return kind;
        }
        let receiver = send.receiver.map(|r| Box::new(self.receiver(r)));
        let args = self.labelled_args(&send);
        ExprKind::Call {
            receiver,
            api: classify_method(&send.selector),
            method: send.selector,
            args,
            method_span,
        }
    }

    /// A receiver: class names become type references, `super` a reference to the superclass.
    pub fn receiver(&mut self, node: Node) -> Expr {
        let span = self.span(node);
        if let Some(class) = self.class_name(node) {
            return Expr {
                kind: ExprKind::TypeRef(class),
                span,
            };
        }
        if node.kind_name() == "identifier" && self.text(node) == "super" {
            return Expr {
                kind: ExprKind::SuperRef,
                span,
            };
        }
        self.expr(node)
    }

    /// A capitalised identifier that is not a local names a class (`NSURLSession`, `Foo`).
    pub fn class_name(&self, node: Node) -> Option<String> {
        let node = unwrap_parens(node);
        if node.kind_name() != "identifier" {
            return None;
        }
        let text = self.text(node);
        let capitalised = text.starts_with(|c: char| c.is_ascii_uppercase());
        let constant_like = matches!(text, "YES" | "NO" | "NULL" | "Nil" | "TRUE" | "FALSE");
        (capitalised && !constant_like && !self.is_local(text)).then(|| text.to_owned())
    }

    /// `[NSURLSession sessionWithConfiguration:...]`, `sharedSession`, `new`, `[[NSURLSession alloc] init]`.
    fn session_factory(&mut self, send: &Send, class: Option<&str>) -> Option<ExprKind> {
        if class == Some("NSURLSession") {
            return match send.selector.as_str() {
                "sharedSession" => Some(ExprKind::SharedSession),
                "new" => Some(ExprKind::NewSession(no_configuration())),
                s if s.starts_with("sessionWithConfiguration:") => {
                    Some(ExprKind::NewSession(self.creation(send)))
                }
                _ => None,
            };
        }
        let allocated = send.receiver.and_then(|r| self.allocated_class(r));
        (allocated.as_deref() == Some("NSURLSession") && send.selector.starts_with("init"))
            .then(|| ExprKind::NewSession(no_configuration()))
    }

    fn creation(&mut self, send: &Send) -> Creation {
        let mut creation = Creation {
            config: ConfigKind::Other,
            delegate_self: None,
            has_other_delegate: false,
        };
        for (label, value) in &send.args {
            match label.as_deref() {
                Some("sessionWithConfiguration") => creation.config = self.config_kind(*value),
                Some("delegate") => {
                    let inner = unwrap_parens(*value);
                    match self.text(inner) {
                        "self" => creation.delegate_self = Some(self.span(*value)),
                        "nil" | "NULL" | "Nil" | "nullptr" => {}
                        _ => creation.has_other_delegate = true,
                    }
                }
                _ => {}
            }
        }
        creation
    }

    /// `[NSURLSessionConfiguration defaultSessionConfiguration]` or its dot-syntax spelling.
    fn config_kind(&self, node: Node) -> ConfigKind {
        let node = unwrap_parens(node);
        let (class, name) = match node.kind_name() {
            "message_expression" => {
                let send = take_apart(self, node);
                (send.receiver.map(|r| self.text(r)), send.selector)
            }
            "field_expression" => (
                node.field(Field::Argument).map(|a| self.text(a)),
                node.field(Field::Member)
                    .map(|f| self.text(f).to_owned())
                    .unwrap_or_default(),
            ),
            _ => return ConfigKind::Other,
        };
        if class != Some("NSURLSessionConfiguration") {
            return ConfigKind::Other;
        }
        match name.as_str() {
            "defaultSessionConfiguration" => ConfigKind::Default,
            "ephemeralSessionConfiguration" => ConfigKind::Ephemeral,
            n if n.starts_with("backgroundSessionConfiguration") => ConfigKind::Background,
            _ => ConfigKind::Other,
        }
    }

    /// `[[Foo alloc] init...]`, `[Foo new]`, `[[self alloc] init]` in a class method.
    /// The send's arguments, labelled by their selector parts.
    fn labelled_args(&mut self, send: &Send) -> Vec<Arg> {
        send.args
            .iter()
            .map(|(label, value)| Arg {
                label: label.clone(),
                value: self.expr(*value),
            })
            .collect()
    }

    fn construction(&mut self, send: &Send, class: Option<&str>) -> Option<ExprKind> {
        let receiver = send.receiver?;
        let type_name = if send.selector == "new" {
            class
                .map(str::to_owned)
                .or_else(|| self.self_class(receiver))?
        } else if send.selector.starts_with("init") {
            self.allocated_class(receiver)?
        } else {
            return None;
        };
        let args = self.labelled_args(send);
        Some(ExprKind::Construct { type_name, args })
    }

    /// The class of `[X alloc]` / `[X allocWithZone:z]`.
    fn allocated_class(&self, node: Node) -> Option<String> {
        let node = unwrap_parens(node);
        if node.kind_name() != "message_expression" {
            return None;
        }
        let send = take_apart(self, node);
        if send.selector != "alloc" && send.selector != "allocWithZone:" {
            return None;
        }
        let receiver = send.receiver?;
        self.class_name(receiver)
            .or_else(|| self.self_class(receiver))
    }

    /// The owner, when `node` is `self` in a class method or `[self class]`.
    fn self_class(&self, node: Node) -> Option<String> {
        let node = unwrap_parens(node);
        let is_self_class = match node.kind_name() {
            "identifier" => self.text(node) == "self" && self.function.is_class_method,
            "message_expression" => {
                let send = take_apart(self, node);
                send.selector == "class" && send.receiver.is_some_and(|r| self.text(r) == "self")
            }
            _ => false,
        };
        is_self_class.then(|| self.function.owner.clone()).flatten()
    }
}

pub(super) fn no_configuration() -> Creation {
    Creation {
        config: ConfigKind::NoConfiguration,
        delegate_self: None,
        has_other_delegate: false,
    }
}

/// Looks through parentheses and casts.
pub fn unwrap_parens(mut node: Node) -> Node {
    for _ in 0..64 {
        let inner = match node.kind_name() {
            "parenthesized_expression" => node.named_child(0),
            "cast_expression" => node.field(Field::Value),
            _ => None,
        };
        match inner {
            Some(i) if i.kind_name() != "comment" => node = i,
            _ => break,
        }
    }
    node
}
