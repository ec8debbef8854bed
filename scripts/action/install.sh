#!/usr/bin/env bash
# Installs sessionlint for the GitHub Action (action.yml): the release tag SESSIONLINT_VERSION
# from the repository, or, without a version, the action's own checkout (the ref the workflow
# named in `uses:`). A sessionlint of that version already on PATH (a cache) is kept.
set -euo pipefail

version="${SESSIONLINT_VERSION:-}"
repository="${SESSIONLINT_REPOSITORY:-https://github.com/sessionlint/sessionlint}"

if [ -n "$version" ] && command -v sessionlint >/dev/null 2>&1 \
    && [ "$(sessionlint --version)" = "sessionlint ${version#v}" ]; then
    echo "sessionlint ${version#v} is already installed"
    exit 0
fi

if [ -n "$version" ]; then
    cargo install --locked --git "$repository" --tag "$version" sessionlint
else
    cargo install --locked --path "${GITHUB_ACTION_PATH:?set by GitHub Actions to the folder of the action}"
fi
sessionlint --version
