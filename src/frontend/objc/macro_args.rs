//! Vendor macros whose arguments are no expressions, made readable without moving a byte:
//!
//! - a macro wrapping a type where a type is expected, `- (void)f:(XX_SWIFT_ID(T *))t`,
//!   `- (XX_ID(id<P>))g`, `@property (strong) XX_ID(T) name;`: the macro's name and
//!   parentheses are blanked, the type stays;
//! - type arguments of a call, `XX_UNWRAP(struct objc_method, e)`, `ENCODING(C, signed char)`,
//!   `Args(BOOL animated, NSString * path)`: those arguments are blanked with their comma
//!   (no function takes a type, so the call is a macro's);
//! - a braced code argument, `Replacement({ ... return r; })`: read as a block (`^{ ... }`),
//!   which is deferred code, as the macro's expansion most likely is.

use super::cplusplus::Code;
use super::neutralize::is_word_byte;

/// Byte ranges to blank and single bytes to write, found in `text` (neutralised).
#[derive(Default)]
pub(super) struct Edits {
    pub blank: Vec<(usize, usize)>,
    pub write: Vec<(usize, u8)>,
}

pub(super) fn find(text: &[u8], code: &Code) -> Edits {
    let mut edits = Edits::default();
    let reader = Reader { text, code };
    let mut k = 0;
    while k < code.bytes.len() {
        let at = code.bytes[k];
        let starts_word = is_word_byte(text[at]) && (at == 0 || !is_word_byte(text[at - 1]));
        if !starts_word || text[at].is_ascii_digit() {
            k += 1;
            continue;
        }
        let len = text[at..].iter().take_while(|&&b| is_word_byte(b)).count();
        let open = code.bytes[k..].partition_point(|&o| o < at + len) + k;
        let is_call = open < code.bytes.len()
            && text[code.bytes[open]] == b'('
            && code.partner[open] != usize::MAX;
        if is_call {
            let name = &text[at..at + len];
            reader.call(k, name, open, &mut edits);
        }
        k = open.max(k + 1);
    }
    edits
}

/// Words after which a call's arguments are no macro's (`sizeof(int)`, `@selector(a:)`).
const NOT_MACROS: &[&[u8]] = &[
    b"return",
    b"case",
    b"else",
    b"do",
    b"in",
    b"if",
    b"while",
    b"for",
    b"switch",
    b"sizeof",
    b"typeof",
    b"__typeof",
    b"__typeof__",
    b"alignof",
    b"_Alignof",
    b"_Alignas",
    b"_Atomic",
    b"defined",
    b"selector",
    b"encode",
    b"protocol",
    b"catch",
    b"synchronized",
    b"autoreleasepool",
    b"property",
    b"available",
    b"__attribute__",
    b"__attribute",
    b"__declspec",
    b"decltype",
    b"va_arg",
    b"__builtin_va_arg",
    b"offsetof",
    b"__builtin_offsetof",
    b"__alignof__",
    b"__alignof",
    b"_Generic",
];

/// Words a type argument may consist of alone (`XX(void)`).
const TYPE_WORDS: &[&[u8]] = &[
    b"void",
    b"char",
    b"short",
    b"int",
    b"long",
    b"float",
    b"double",
    b"unsigned",
    b"signed",
];

struct Reader<'a> {
    text: &'a [u8],
    code: &'a Code,
}

/// One argument's top-level code indices and what they look like.
struct Argument {
    /// Code indices `[first, last]` of the argument (`None` when empty).
    span: Option<(usize, usize)>,
    /// Only words, `*`, `&` and `<...>` at its top level.
    type_tokens: bool,
    /// Two words side by side (`struct objc_method`, `BOOL animated`).
    adjacent_words: bool,
    /// Ends in `*` or `>` (`NSString *`, `NSArray<T *>`).
    ends_like_a_type: bool,
    /// A `*` between words (`NSString * path`): a declaration if a sibling is a type.
    has_star: bool,
    /// A single C type word (`void`, `unsigned`).
    type_word: bool,
}

impl Argument {
    fn is_type(&self) -> bool {
        self.span.is_some()
            && self.type_tokens
            && (self.adjacent_words || self.ends_like_a_type || self.type_word)
    }
}

impl Reader<'_> {
    fn at(&self, k: usize) -> u8 {
        self.text[self.code.bytes[k]]
    }

    fn word_ending_at(&self, k: usize) -> &[u8] {
        let end = self.code.bytes[k] + 1;
        let start = self.text[..end]
            .iter()
            .rposition(|&b| !is_word_byte(b))
            .map_or(0, |p| p + 1);
        &self.text[start..end]
    }

    fn call(&self, k: usize, name: &[u8], open: usize, edits: &mut Edits) {
        if NOT_MACROS.contains(&name) {
            return;
        }
        let close = self.code.partner[open];
        if self.type_position(k, close) {
            // `(XX_ID(T))`: the name and its parentheses go, the type stays.
            edits
                .blank
                .push((self.code.bytes[k], self.code.bytes[open] + 1));
            edits
                .blank
                .push((self.code.bytes[close], self.code.bytes[close] + 1));
            return;
        }
        let before = k.checked_sub(1).map(|p| self.at(p));
        let declared = match before {
            // `void f(int a)`, `NSString *f(id a)`: a function's parameters.
            Some(b) if is_word_byte(b) => {
                !matches!(self.word_ending_at(k - 1), b"return" | b"case" | b"else")
            }
            Some(b'*' | b'@' | b'&' | b'~' | b'^') => true,
            _ => false,
        };
        if declared {
            return;
        }
        // `Replacement({ ... })`: a block.
        if open + 1 < close && self.at(open + 1) == b'{' && self.code.partner[open + 1] + 1 == close
        {
            edits
                .blank
                .push((self.code.bytes[k], self.code.bytes[open]));
            edits.write.push((self.code.bytes[open], b'^'));
            edits
                .blank
                .push((self.code.bytes[close], self.code.bytes[close] + 1));
            return;
        }
        let arguments = self.arguments(open, close);
        if !arguments.iter().any(Argument::is_type) {
            return;
        }
        let blanked: Vec<bool> = arguments
            .iter()
            .map(|a| a.is_type() || (a.type_tokens && a.has_star))
            .collect();
        for (i, argument) in arguments.iter().enumerate() {
            let Some((first, last)) = argument.span else {
                continue;
            };
            if blanked[i] {
                edits
                    .blank
                    .push((self.code.bytes[first], self.code.bytes[last] + 1));
            }
            // The comma after it stays only between two arguments that stay.
            let separates = !blanked[i] && blanked[i + 1..].iter().any(|b| !b);
            if i + 1 < arguments.len() && !separates {
                let comma = self.code.bytes[last + 1];
                edits.blank.push((comma, comma + 1));
            }
        }
    }

    /// The macro at code index `k` whose `)` is `close` fills a type's parentheses: a
    /// method's parameter or return type, `(XX(T))`, or a property's type.
    fn type_position(&self, k: usize, close: usize) -> bool {
        let shouty = {
            let start = self.code.bytes[k];
            let name = &self.text[start..];
            let len = name.iter().take_while(|&&b| is_word_byte(b)).count();
            let name = &name[..len];
            len >= 4
                && name.contains(&b'_')
                && name[0].is_ascii_uppercase()
                && name
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        };
        let Some(prev) = k.checked_sub(1) else {
            return false;
        };
        if !shouty {
            return false;
        }
        match self.at(prev) {
            b'(' => {
                let outer_close = self.code.partner[prev];
                let signature = prev
                    .checked_sub(1)
                    .is_some_and(|p| matches!(self.at(p), b'-' | b'+' | b':'));
                signature && outer_close == close + 1
            }
            b')' => {
                let attrs = self.code.partner[prev];
                attrs != usize::MAX && attrs >= 2 && self.property_at(attrs - 1)
            }
            _ => self.property_at(prev),
        }
    }

    /// Does the word `property` of `@property` end at code index `k`?
    fn property_at(&self, k: usize) -> bool {
        let word = self.word_ending_at(k);
        word == b"property" && {
            let start = self.code.bytes[k] + 1 - word.len();
            start > 0 && self.text[start - 1] == b'@'
        }
    }

    /// The arguments between `open` and `close`, split at top-level commas (and not at
    /// the commas of `NSDictionary<K *, V>`).
    fn arguments(&self, open: usize, close: usize) -> Vec<Argument> {
        let mut arguments = Vec::new();
        let mut j = open + 1;
        while j <= close {
            let mut argument = Argument {
                span: None,
                type_tokens: true,
                adjacent_words: false,
                ends_like_a_type: false,
                has_star: false,
                type_word: false,
            };
            let mut angles = 0usize;
            let mut words = 0usize;
            let mut last_word_end = usize::MAX;
            let mut last = None;
            while j < close && !(self.at(j) == b',' && angles == 0) {
                let b = self.at(j);
                let first = *argument.span.get_or_insert((j, j));
                argument.span = Some((first.0, j));
                last = Some(b);
                match b {
                    b'(' | b'[' | b'{' => {
                        argument.type_tokens = false;
                        let partner = self.code.partner[j];
                        if partner == usize::MAX || partner >= close {
                            return Vec::new();
                        }
                        j = partner;
                        argument.span = Some((first.0, j));
                    }
                    b'<' => angles += 1,
                    b'>' => angles = angles.saturating_sub(1),
                    b'*' => argument.has_star = true,
                    b'&' | b',' => {}
                    _ if is_word_byte(b) => {
                        let at = self.code.bytes[j];
                        let len = self.text[at..]
                            .iter()
                            .take_while(|&&c| is_word_byte(c))
                            .count();
                        if angles == 0 {
                            let before = &self.text[last_word_end.min(at)..at];
                            if words > 0
                                && last_word_end != usize::MAX
                                && before.iter().all(u8::is_ascii_whitespace)
                            {
                                argument.adjacent_words = true;
                            }
                            words += 1;
                            argument.type_word =
                                words == 1 && TYPE_WORDS.contains(&&self.text[at..at + len]);
                        }
                        last_word_end = at + len;
                        j = self.code.bytes[j..].partition_point(|&o| o < at + len) + j - 1;
                        argument.span = Some((first.0, j));
                    }
                    _ => argument.type_tokens = false,
                }
                j += 1;
            }
            if angles != 0 {
                argument.type_tokens = false;
            }
            argument.ends_like_a_type = matches!(last, Some(b'*' | b'>'));
            if words != 1 {
                argument.type_word = false;
            }
            arguments.push(argument);
            j += 1;
        }
        arguments
    }
}

#[cfg(test)]
mod tests {
    use super::super::cplusplus::Code;
    use super::find;

    fn run(src: &str) -> String {
        let mut text = src.as_bytes().to_vec();
        let code = Code::read(&text);
        let edits = find(&text, &code);
        for (s, e) in edits.blank {
            for b in &mut text[s..e] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
        for (at, b) in edits.write {
            text[at] = b;
        }
        let out = String::from_utf8(text).unwrap();
        assert_eq!(out.len(), src.len());
        out
    }

    #[test]
    fn type_macros_in_signatures_and_properties_keep_the_type() {
        let src = "- (void)f:(XX_SWIFT_ID(id<P>))p g:(XX_VALUE(\n    Kind))k;\n\
                   - (XX_ID(Tracker *))tracker;\n@property (strong) XX_ID(Buffer) buffer;\n\
                   @property XX_ID(Buffer) other;\n";
        let out = run(src);
        assert!(!out.contains("XX_"), "{out}");
        for kept in [
            "(            id<P> )p",
            "(         \n    Kind )k",
            "- (      Tracker * )tracker",
            "@property (strong)       Buffer  buffer;",
            "@property       Buffer  other;",
        ] {
            assert!(out.contains(kept), "{kept} lost:\n{out}");
        }
    }

    #[test]
    fn type_arguments_are_blanked_with_their_comma() {
        let src = "x = XX_UNWRAP(struct objc_method, class_get(c, s));\n\
                   [a b:XX_UNWRAP(NSArray<T *>, e.threads)];\n\
                   d = XX_DICT(NSDictionary<NSString *, id> *, id, extras);\n\
                   ENCODING(SIGNED_CHAR, signed char);\nCASE(unsigned char, UC);\n\
                   Swizzle(c, s, ReturnType(void), Arguments(BOOL animated, NSString * path));\n\
                   return XX_VALUE(id<S>, [self start]);\nSYMBOL(void *, store, void **, void *);\n";
        let out = run(src);
        for kept in [
            "x = XX_UNWRAP(                    class_get(c, s));",
            "[a b:XX_UNWRAP(              e.threads)];",
            "ENCODING(SIGNED_CHAR             );",
            "CASE(               UC);",
            "ReturnType(    ), Arguments(                              ));",
            "return XX_VALUE(       [self start]);",
            "SYMBOL(        store                 );",
        ] {
            assert!(out.contains(kept), "{kept} lost:\n{out}");
        }
        assert!(out.contains("d = XX_DICT("), "{out}");
        assert!(out.contains(" id, extras);") && !out.contains("NSDictionary"));
    }

    #[test]
    fn braced_code_arguments_become_blocks() {
        let src = "Swizzle(c, s, Replacement({\n  return Original(a);\n}), mode);\n";
        let out = run(src);
        assert_eq!(
            out,
            "Swizzle(c, s,            ^{\n  return Original(a);\n} , mode);\n"
        );
    }

    #[test]
    fn expressions_and_declarations_stay() {
        let src = "void f(int a, char *b);\nNSString *g(id x) { return h(a * b, c < d, e > f); }\n\
                   - (void)f:(NSString *)s { NSLog(@\"%@\", s); x = sizeof(int); y = (int)(z);\n\
                   char *t = va_arg(args, char *); return (NSArray *)j;\n\
                   [self m:@selector(a:b:)]; dispatch_async(q, ^{ [s go]; }); m = MAX(a, b); }\n";
        assert_eq!(run(src), src);
    }
}
