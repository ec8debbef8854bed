#!/usr/bin/env bash
# Runs sessionlint for the GitHub Action (action.yml) and records its exit code as the step
# output `exit-code`: findings do not stop the job here, so the SARIF upload still runs; the
# action's last step fails the job afterwards. A usage or config error (exit 2) fails at once.
#   SESSIONLINT_FORMAT      github (annotations on the pull request) or sarif
#   SESSIONLINT_PATHS       what to lint, space-separated (default: .)
#   SESSIONLINT_SARIF_FILE  where the SARIF log goes (format sarif; default: sessionlint.sarif)
#   SESSIONLINT_ARGS        more `check` options, space-separated
set -uo pipefail

format="${SESSIONLINT_FORMAT:-github}"
case "$format" in
    github | sarif) ;;
    *)
        echo "::error title=sessionlint action::format must be github or sarif, not '$format'"
        exit 2
        ;;
esac
read -r -a paths <<< "${SESSIONLINT_PATHS:-.}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
read -r -a extra <<< "${SESSIONLINT_ARGS:-}"

args=(check --format "$format")
if [ "$format" = sarif ]; then
    sarif="${SESSIONLINT_SARIF_FILE:-sessionlint.sarif}"
    mkdir -p "$(dirname "$sarif")"
    args+=(--output "$sarif")
fi

sessionlint "${args[@]}" "${extra[@]}" "${paths[@]}"
code=$?
echo "exit-code=$code" >> "${GITHUB_OUTPUT:-/dev/null}"
if [ "$code" -ge 2 ]; then
    exit "$code"
fi
exit 0
