#!/usr/bin/env bash
# Fails when git tracks generated or vendored files, or large binaries: the repository holds source
# only (`npm ci` installs dependencies, `npm run build` makes dist/). Run by .ci/run before anything else.
set -euo pipefail
cd "$(dirname "$0")/.."

# Paths that are built, installed or secret, never written by hand.
forbidden='(^|/)(node_modules|dist|\.bench-build|coverage)/|(^|/)\.env(\..*)?$|\.(pem|key|p12|pfx|tgz|zip|tar|gz|exe|dll|so|dylib|node|wasm)$'
# Anything tracked above this size is almost certainly not source (the lockfile is the largest, ~210 KB).
max_bytes=$((512 * 1024))

status=0
bad=$(git ls-files | grep -E "$forbidden" || true)
if [ -n "$bad" ]; then
  echo "check-tracked: these tracked files are generated, vendored or secret; untrack them (git rm --cached) and rely on .gitignore:" >&2
  printf '%s\n' "$bad" | head -20 | sed 's/^/  /' >&2
  [ "$(printf '%s\n' "$bad" | wc -l)" -gt 20 ] && echo "  … and $(($(printf '%s\n' "$bad" | wc -l) - 20)) more" >&2
  status=1
fi

# Large files: sizes from the index (what a clone gets), in one batch.
large=$(git ls-files -s | awk '{ print $2 }' | git cat-file --batch-check='%(objectsize)' \
  | paste -d' ' - <(git ls-files) | awk -v max="$max_bytes" '$1 > max { print "  " $2 " (" $1 " bytes)" }')
if [ -n "$large" ]; then
  echo "check-tracked: files over $max_bytes bytes are tracked; large files do not belong in the repository:" >&2
  printf '%s\n' "$large" >&2
  status=1
fi

# Binaries, by git's own text detection.
binaries=$(git ls-files --eol | awk '$1 == "i/-text" { print $NF }')
if [ -n "$binaries" ]; then
  echo "check-tracked: binary files are tracked; the repository holds text source only:" >&2
  printf '%s\n' "$binaries" | head -20 | sed 's/^/  /' >&2
  status=1
fi

[ "$status" -eq 0 ] && echo "check-tracked: $(git ls-files | wc -l) tracked files, all source"
exit "$status"
