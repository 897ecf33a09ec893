#!/usr/bin/env bash
# The one test command: sets up a fresh Debian/Ubuntu machine (scripts/setup.sh), then runs
# every test and quality gate. .ci/run calls exactly this. Exit code != 0 on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
./scripts/setup.sh
export PATH="$ROOT/.venv/bin:$PATH"

echo "== pytest: C# util on Mono and CoreCLR, Python module_utils, .ps1 checks, agentless modules on Samba"
python -m pytest -p no:cacheprovider --durations=15 tests

# Collection-level gates (sanity, lint, docs, build/install, execution environment, molecule).
for gate in scripts/gates/[0-9]*.sh; do
  [ -e "$gate" ] || continue
  echo "== gate: $gate"
  "$gate"
done
echo "== all tests and gates passed"
