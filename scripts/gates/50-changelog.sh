#!/usr/bin/env bash
# Gate: changelog config and fragments are valid (antsibull-changelog lint), and the next
# release's changelog renders from them (generated into a temp copy, not committed).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export PATH="$ROOT/.venv/bin:$PATH"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && antsibull-changelog lint)
COLL="$("$ROOT/scripts/gates/sanity_copy.sh" "$WORK")"
(cd "$COLL" && antsibull-changelog release --version "$(sed -n 's/^version: //p' galaxy.yml)" --date 2026-11-24 >/dev/null)
grep -q "New Modules" "$COLL/CHANGELOG.rst" && grep -q "win_smb_session_info" "$COLL/CHANGELOG.rst" \
  || { cat "$COLL/CHANGELOG.rst"; echo "FAIL: the release changelog does not announce the modules"; exit 1; }
echo "changelog: fragments lint clean; release notes render with the four new modules"
