#!/bin/sh
# Seeds each fuzz target's corpus from fixtures/ (run from anywhere).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../fixtures"
for target in swift objc rust pipeline; do mkdir -p "$here/corpus/$target"; done
n=0
find "$fixtures" "$here/seeds" -type f \( -name '*.swift' -o -name '*.m' -o -name '*.mm' -o -name '*.h' -o -name '*.rs' \) | sort |
while read -r f; do
    n=$((n + 1))
    case "$f" in
        *.swift) target=swift; lang=0 ;;
        *.mm) target=objc; lang=2 ;;
        *.h) target=objc; lang=3 ;;
        *.m) target=objc; lang=1 ;;
        *.rs) target=rust; lang=4 ;;
    esac
    cp "$f" "$here/corpus/$target/fixture_$n"
    # pipeline: the first byte picks the language (see fuzz_targets/pipeline.rs).
    { printf "\\$(printf '%03o' "$lang")"; cat "$f"; } > "$here/corpus/pipeline/fixture_$n"
done
# The committed reproducers of past crashes are seeds too.
if [ -d "$here/regressions" ]; then
    for target in swift objc rust pipeline; do
        [ -d "$here/regressions/$target" ] && cp "$here/regressions/$target/"* "$here/corpus/$target/" 2>/dev/null || true
    done
fi
for target in swift objc rust pipeline; do
    echo "$target: $(ls "$here/corpus/$target" | wc -l) seeds"
done
