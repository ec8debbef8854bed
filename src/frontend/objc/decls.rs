//! Declarations: `@interface`/`@implementation` (with categories and class extensions),
//! `@property` and ivars, methods, and C functions.

use super::lowerer::{
    all_children, code_children, declared_name, has_weak_qualifier, ivar_member_name,
    FunctionState, Lowerer,
};
use super::syntax::{Field, Syntax};
use crate::facts::api::mentions_session_type;
use crate::facts::{Function, FunctionKind, MemberDecl, TypeDecl, TypeDeclInfo, TypeKind};
use std::collections::HashSet;
use tree_sitter::Node;

/// Everything the declaration walk found in one tree.
#[derive(Default)]
pub struct Declarations {
    pub functions: Vec<Function>,
    pub types: Vec<TypeDecl>,
    /// `(class, property)` pairs, to tell getters from ordinary methods.
    pub properties: HashSet<(String, String)>,
    /// ERROR nodes outside any function body (candidates for recovery).
    pub error_regions: Vec<(usize, usize)>,
}

/// Node kinds that only group other top-level declarations.
fn is_container(kind: &str) -> bool {
    matches!(
        kind,
        "translation_unit"
            | "preproc_if"
            | "preproc_ifdef"
            | "preproc_else"
            | "preproc_elif"
            | "preproc_elifdef"
            | "linkage_specification"
            | "declaration_list"
    )
}

impl Lowerer<'_> {
    /// Walks the top level (iteratively: containers can nest deeply in broken input).
    pub fn declarations(&mut self, root: Node, header: bool, out: &mut Declarations) {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match node.kind_name() {
                kind if is_container(kind) => {
                    let children = code_children(node);
                    stack.extend(children.into_iter().rev());
                }
                "class_interface" | "protocol_declaration" => {
                    if let Some(decl) = self.type_decl(node, out) {
                        out.types.push(decl);
                    }
                }
                "class_implementation" => {
                    let decl = self.type_decl(node, out);
                    let owner = decl.as_ref().map(|d| d.name.clone());
                    if let Some(decl) = decl {
                        out.types.push(decl);
                    }
                    if !header {
                        self.implementation_body(node, owner.as_deref(), out);
                    }
                }
                "function_definition" if is_cplusplus_misread(self.text(node)) => {}
                "function_definition" if !header || self.is_inline(node) => {
                    if let Some(f) = self.c_function(node) {
                        out.functions.push(f);
                    }
                }
                "ERROR" => out.error_regions.push((node.start_byte(), node.end_byte())),
                _ => {}
            }
        }
    }

    fn implementation_body(&mut self, node: Node, owner: Option<&str>, out: &mut Declarations) {
        let mut stack: Vec<Node> = code_children(node).into_iter().rev().collect();
        while let Some(child) = stack.pop() {
            match child.kind_name() {
                "implementation_definition" => {
                    stack.extend(code_children(child).into_iter().rev());
                }
                kind if is_container(kind) => stack.extend(code_children(child).into_iter().rev()),
                "method_definition" => {
                    if let Some(f) = self.method(child, owner) {
                        out.functions.push(f);
                    }
                }
                "function_definition" => {
                    if let Some(f) = self.c_function(child) {
                        out.functions.push(f);
                    }
                }
                "ERROR" => out
                    .error_regions
                    .push((child.start_byte(), child.end_byte())),
                _ => {}
            }
        }
    }

    /// `@interface Foo : Bar`, `@interface Foo ()`, `@interface Foo (Cat)`, `@implementation ...`.
    fn type_decl(&mut self, node: Node, out: &mut Declarations) -> Option<TypeDecl> {
        let children = all_children(node);
        let name_node = children.iter().find(|c| c.kind_name() == "identifier")?;
        let name = self.text(*name_node).to_owned();
        let kind = if node.kind_name() == "protocol_declaration" {
            TypeKind::Protocol
        } else if children.iter().any(|c| c.kind_name() == "(") {
            TypeKind::Extension
        } else {
            TypeKind::Class
        };
        let info = self.type_decl_info(node, kind, &children);
        let mut members = Vec::new();
        if kind != TypeKind::Protocol {
            let mut stack: Vec<Node> = code_children(node).into_iter().rev().collect();
            while let Some(child) = stack.pop() {
                match child.kind_name() {
                    "instance_variables" | "instance_variable" => {
                        stack.extend(code_children(child).into_iter().rev())
                    }
                    k if is_container(k) => stack.extend(code_children(child).into_iter().rev()),
                    "struct_declaration" | "field_declaration" | "declaration" => {
                        self.members(child, None, &mut members)
                    }
                    "property_declaration" => {
                        let attributes = code_children(child)
                            .into_iter()
                            .find(|c| c.kind_name() == "property_attributes_declaration")
                            .map(|a| self.text(a));
                        let first_new = members.len();
                        for decl in code_children(child) {
                            if decl.kind_name() == "struct_declaration" {
                                self.members(decl, Some(attributes.unwrap_or("")), &mut members);
                            }
                        }
                        for m in &members[first_new..] {
                            out.properties.insert((name.clone(), m.name.clone()));
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(TypeDecl {
            name,
            kind,
            span: self.span(node),
            members,
            info,
        })
    }

    /// Superclass, adopted protocols and declared selectors of an `@interface` /
    /// `@protocol` (an `@implementation` names its superclass at most).
    fn type_decl_info(&self, node: Node, kind: TypeKind, children: &[Node]) -> TypeDeclInfo {
        let mut info = TypeDeclInfo::default();
        let mut identifiers = 0;
        for child in children {
            match child.kind_name() {
                "identifier" => {
                    identifiers += 1;
                    // The second identifier of a class is its superclass (of a category, its name).
                    if identifiers == 2 && kind == TypeKind::Class {
                        info.supertypes.push(self.text(*child).to_owned());
                    }
                }
                "parameterized_arguments" | "protocol_reference_list" => {
                    let mut stack = vec![*child];
                    while let Some(n) = stack.pop() {
                        if matches!(n.kind_name(), "type_identifier" | "identifier") {
                            info.supertypes.push(self.text(n).to_owned());
                        } else {
                            stack.extend(code_children(n).into_iter().rev());
                        }
                    }
                }
                "method_declaration" if node.kind_name() != "class_implementation" => {
                    info.declared_methods.push(self.selector(*child));
                }
                _ => {}
            }
        }
        info
    }

    /// The selector a method declaration or definition spells (`initWithURL:delegate:`).
    fn selector(&self, method: Node) -> String {
        let mut selector = String::new();
        for child in all_children(method) {
            match child.kind_name() {
                "identifier" => selector.push_str(self.text(child)),
                "method_parameter" => selector.push(':'),
                _ => {}
            }
        }
        selector
    }

    /// One ivar or property declaration (`NSURLSession *_a, *_b;`).
    fn members(&self, decl: Node, property_attributes: Option<&str>, out: &mut Vec<MemberDecl>) {
        let declarators: Vec<Node> = code_children(decl)
            .into_iter()
            .filter(|c| {
                c.kind_name() == "struct_declarator" || c.kind_name().ends_with("declarator")
            })
            .collect();
        let type_end = declarators
            .first()
            .map_or(decl.end_byte(), |d| d.start_byte());
        let type_text = self
            .src()
            .get(decl.start_byte()..type_end)
            .map(String::from_utf8_lossy)
            .unwrap_or_default()
            .into_owned();
        let declared_type = code_children(decl)
            .into_iter()
            .find(|c| c.kind_name() == "type_identifier")
            .map(|t| self.text(t).to_owned());
        let attributes: Vec<&str> = property_attributes
            .unwrap_or("")
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        let weak_attribute = attributes
            .iter()
            .any(|a| matches!(*a, "weak" | "assign" | "unsafe_unretained"));
        for declarator in declarators {
            let Some(name_node) = declared_name(declarator) else {
                continue;
            };
            let written = self.text(name_node);
            let name = if property_attributes.is_some() {
                written
            } else {
                ivar_member_name(written)
            };
            let declarator_text = self.text(declarator);
            let is_object = declarator_text.contains('*')
                || declarator_text.contains('^')
                || is_object_type(&type_text, declared_type.as_deref());
            out.push(MemberDecl {
                name: name.to_owned(),
                span: self.span(declarator),
                is_static: attributes.contains(&"class"),
                is_lazy: false,
                is_optional: is_object,
                is_weak: weak_attribute
                    || has_weak_qualifier(&type_text)
                    || has_weak_qualifier(declarator_text),
                is_computed: false,
                declared_session: mentions_session_type(&type_text),
                declared_type: declared_type.clone(),
            });
        }
    }

    /// `- (instancetype)initWithConfiguration:(C *)c delegate:(id)d { ... }`.
    pub fn method(&mut self, node: Node, owner: Option<&str>) -> Option<Function> {
        let children = all_children(node);
        let is_class_method = children.first().is_some_and(|c| c.kind_name() == "+");
        let mut selector = String::new();
        let mut name_span = None;
        let mut params = Vec::new();
        let mut body = None;
        for child in &children {
            match child.kind_name() {
                "identifier" => {
                    selector.push_str(self.text(*child));
                    name_span.get_or_insert(self.span(*child));
                }
                "method_parameter" => {
                    selector.push(':');
                    if let Some(param) = code_children(*child)
                        .into_iter()
                        .rev()
                        .find(|c| c.kind_name() == "identifier")
                    {
                        params.push(self.text(param).to_owned());
                    }
                }
                "compound_statement" => body = Some(*child),
                _ => {}
            }
        }
        let body = body?;
        let kind = if is_class_method {
            FunctionKind::StaticMethod
        } else if selector == "dealloc" {
            FunctionKind::Deinit
        } else if is_initializer(&selector) {
            FunctionKind::Initializer
        } else {
            FunctionKind::Method
        };
        self.function = FunctionState {
            owner: owner.map(str::to_owned),
            is_class_method,
            ..FunctionState::default()
        };
        for p in &params {
            self.declare_local(p, false);
        }
        let body = self.block(body);
        Some(Function {
            name: selector,
            kind,
            owner: owner.map(str::to_owned),
            params,
            span: self.span(node),
            name_span: name_span.unwrap_or_else(|| self.span(node)),
            body: body.into(),
            visibility: crate::facts::Visibility::default(),
        })
    }

    /// `static NSURLSession *MakeSession(NSURLSessionConfiguration *c) { ... }`.
    fn c_function(&mut self, node: Node) -> Option<Function> {
        let mut declarator = node.field(Field::Declarator)?;
        for _ in 0..16 {
            if declarator.kind_name() == "function_declarator" {
                break;
            }
            declarator = declarator.field(Field::Declarator)?;
        }
        if declarator.kind_name() != "function_declarator" {
            return None;
        }
        let name_node = declarator
            .field(Field::Declarator)
            .and_then(declared_name)?;
        let params: Vec<String> = declarator
            .field(Field::Parameters)
            .map(code_children)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.field(Field::Declarator).and_then(declared_name))
            .map(|n| self.text(n).to_owned())
            .collect();
        let body = node.field(Field::Body)?;
        self.function = FunctionState::default();
        for p in &params {
            self.declare_local(p, false);
        }
        let body = self.block(body);
        Some(Function {
            name: self.text(name_node).to_owned(),
            kind: FunctionKind::Free,
            owner: None,
            params,
            span: self.span(node),
            name_span: self.span(name_node),
            body: body.into(),
            visibility: crate::facts::Visibility::default(),
        })
    }

    /// Header bodies are only lowered for inline functions.
    fn is_inline(&self, node: Node) -> bool {
        let end = node
            .field(Field::Declarator)
            .map_or(node.start_byte(), |d| d.start_byte());
        self.src()
            .get(node.start_byte()..end)
            .map(String::from_utf8_lossy)
            .is_some_and(|s| s.to_ascii_lowercase().contains("inline"))
    }
}

/// `namespace x { }`, `template <...>`, `class X { }` read as a C function in `.mm` files.
fn is_cplusplus_misread(text: &str) -> bool {
    let first = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next();
    matches!(
        first,
        Some("namespace" | "template" | "class" | "using" | "typename" | "struct" | "union")
    )
}

/// ObjC object types are implicitly nil; scalars (`BOOL`, `NSInteger`, C types) are not.
fn is_object_type(type_text: &str, declared_type: Option<&str>) -> bool {
    const SCALARS: &[&str] = &[
        "BOOL",
        "NSInteger",
        "NSUInteger",
        "CGFloat",
        "NSTimeInterval",
        "CGRect",
        "CGSize",
        "CGPoint",
        "SEL",
        "Class",
        "dispatch_once_t",
        "int64_t",
        "uint64_t",
        "int32_t",
        "uint32_t",
        "size_t",
    ];
    let words: Vec<&str> = type_text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .collect();
    if words.iter().any(|w| matches!(*w, "id" | "instancetype")) {
        return true;
    }
    declared_type.is_some_and(|t| !SCALARS.contains(&t))
}

/// `init`, `initWithURL:` (not `initialize`, `initials`).
fn is_initializer(selector: &str) -> bool {
    selector.strip_prefix("init").is_some_and(|rest| {
        rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase() || c == ':')
    })
}

/// Instance methods without parameters that are named like a property of their class are getters.
pub fn mark_getters(declarations: &mut Declarations) {
    for f in &mut declarations.functions {
        let is_getter = f.kind == FunctionKind::Method
            && f.params.is_empty()
            && f.owner.as_ref().is_some_and(|o| {
                declarations
                    .properties
                    .contains(&(o.clone(), f.name.clone()))
            });
        if is_getter {
            f.kind = FunctionKind::Getter;
        }
    }
}
