#!/usr/bin/env python3
"""Writes a hostile source file: one small function leaking a URLSession, then one huge
function of many ordinary statements, to about SIZE bytes (issue 19 item 3).

usage: huge_function.py swift|objc|rust SIZE_BYTES OUT_FILE

The small leaking function comes first, so a run that skips or mangles the huge one can
still be checked for its SL001. Measure with
`/usr/bin/time -v target/release/sessionlint check OUT_FILE` (Maximum resident set size).
"""
import sys

HEAD = {
    "swift": (
        "import Foundation\n\n"
        "func leaky() {\n"
        "    let s = URLSession(configuration: .default)\n"
        "    s.dataTask(with: URL(string: \"https://example.com\")!).resume()\n"
        "}\n\n"
        "func huge(_ input: Int) -> Int {\n"
        "    var v = input\n"
    ),
    "objc": (
        "#import <Foundation/Foundation.h>\n\n"
        "@implementation Leaky\n"
        "- (void)leaky {\n"
        "    NSURLSession *s = [NSURLSession sessionWithConfiguration:[NSURLSessionConfiguration defaultSessionConfiguration]];\n"
        "    [[s dataTaskWithURL:[NSURL URLWithString:@\"https://example.com\"]] resume];\n"
        "}\n\n"
        "- (NSInteger)huge:(NSInteger)input {\n"
        "    NSInteger v = input;\n"
    ),
    "rust": (
        "use objc2_foundation::{NSURLSession, NSURLSessionConfiguration};\n\n"
        "fn leaky() {\n"
        "    let s = unsafe { NSURLSession::sessionWithConfiguration(&NSURLSessionConfiguration::defaultSessionConfiguration()) };\n"
        "    let _ = s;\n"
        "}\n\n"
        "fn huge(input: i64) -> i64 {\n"
        "    let mut v = input;\n"
    ),
}

TAIL = {"swift": "    return v\n}\n", "objc": "    return v;\n}\n@end\n", "rust": "    v\n}\n"}


def statements(lang, i):
    """A few ordinary statements: a call, a branch, a method call on an object."""
    if lang == "swift":
        return (
            f"    v = step(v, {i}) + {i % 7}\n"
            f"    if v > {i} {{ log(\"v\", v) }} else {{ v -= 1 }}\n"
            f"    cache.store(key: \"k{i}\", value: v)\n"
        )
    if lang == "objc":
        return (
            f"    v = step(v, {i}) + {i % 7};\n"
            f"    if (v > {i}) {{ NSLog(@\"%ld\", (long)v); }} else {{ v -= 1; }}\n"
            f"    [self.cache storeKey:@\"k{i}\" value:v];\n"
        )
    return (
        f"    v = step(v, {i}) + {i % 7};\n"
        f"    if v > {i} {{ log(\"v\", v); }} else {{ v -= 1; }}\n"
        f"    cache.store(\"k{i}\", v);\n"
    )


def main():
    lang, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    parts = [HEAD[lang]]
    written = len(parts[0])
    i = 0
    while written < size:
        chunk = statements(lang, i)
        parts.append(chunk)
        written += len(chunk)
        i += 1
    parts.append(TAIL[lang])
    with open(out, "w") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    main()
