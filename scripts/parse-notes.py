#!/usr/bin/env python3
"""Files with parse notes, per extension, for one sessionlint binary over one tree.

    scripts/parse-notes.py BIN DIR [--list [EXT]] [--context N]

Runs `BIN check --format json --no-prefilter DIR` (each file appears at most once in
`errors`) and `BIN check --show-files DIR` (the files linted), and prints, per extension,
files with notes / files linted. Files that mention a session API (`URLSession`) and have a
note are named. `--list` prints each noted file's first region with N lines of context
(only extension EXT if given), to classify what the parser still cannot read.
"""

import collections
import json
import os
import subprocess
import sys


def ext_of(path):
    base = os.path.basename(path)
    return base.rsplit(".", 1)[-1] if "." in base else ""


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    binary, root = os.path.abspath(args[0]), args[1]
    listing = "--list" in args
    only = None
    if listing:
        i = args.index("--list")
        if i + 1 < len(args) and not args[i + 1].startswith("--"):
            only = args[i + 1]
    context = 2
    if "--context" in args:
        context = int(args[args.index("--context") + 1])

    cwd = os.path.dirname(os.path.abspath(root))
    files = subprocess.run(
        [binary, "check", "--show-files", root], cwd=cwd, capture_output=True, text=True
    ).stdout.split("\n")
    files = [f for f in files if f]
    help_text = subprocess.run(
        [binary, "check", "--help"], capture_output=True, text=True
    ).stdout
    # Never a cache folder inside the measured tree (older builds have no cache).
    no_cache = ["--no-cache"] if "--no-cache" in help_text else []
    out = subprocess.run(
        [binary, "check", "--format", "json", "--no-prefilter", *no_cache, "--exit-zero", root],
        cwd=cwd,
        capture_output=True,
        text=True,
    ).stdout
    report = json.loads(out)

    total = collections.Counter(ext_of(f) for f in files)
    noted = {}
    for error in report["errors"]:
        noted.setdefault(error["path"], error)
    per_ext = collections.Counter(ext_of(p) for p in noted)

    all_files = sum(total.values())
    print(f"{'ext':<6} {'noted':>6} {'files':>6} {'share':>7}")
    for ext in sorted(total, key=lambda e: -total[e]):
        share = 100.0 * per_ext[ext] / total[ext] if total[ext] else 0.0
        print(f"{ext:<6} {per_ext[ext]:>6} {total[ext]:>6} {share:>6.2f}%")
    share = 100.0 * len(noted) / all_files if all_files else 0.0
    print(f"{'all':<6} {len(noted):>6} {all_files:>6} {share:>6.2f}%")

    session = []
    for path in sorted(noted):
        try:
            with open(os.path.join(cwd, path), encoding="utf-8", errors="replace") as f:
                if "URLSession" in f.read():
                    session.append(path)
        except OSError:
            pass
    print(f"session-API files with notes: {len(session)}")
    for path in session:
        print(f"  {path}:{noted[path]['line']}")

    if listing:
        for path in sorted(noted):
            if only and ext_of(path) != only:
                continue
            error = noted[path]
            line = error.get("line") or 1
            print(f"\n== {path}:{line}: {error['message']}")
            try:
                with open(os.path.join(cwd, path), encoding="utf-8", errors="replace") as f:
                    lines = f.read().split("\n")
            except OSError:
                continue
            for n in range(max(1, line - context), min(len(lines), line + context) + 1):
                mark = ">" if n == line else " "
                print(f"{mark}{n:>6} {lines[n - 1]}")


if __name__ == "__main__":
    main()
