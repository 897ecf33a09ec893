#!/usr/bin/env bash
# The one test command: sets up a fresh Debian/Ubuntu machine (scripts/setup.sh), then runs
# every test and quality gate. .ci/run calls exactly this. Exit code != 0 on any failure.
#
# pytest and the gates do not depend on each other (each gate works on a snapshot of the tree or
# in a temp dir of its own: scripts/gates/common.sh), and much of their time is spent waiting
# (servers, timeouts, pip, subprocess start-up), so they run side by side: pytest with
# TEST_WORKERS workers (pytest-xdist, one test file per worker at a time), the sanity gate (the
# longest) beside it from the start, the other gates one after another beside both. Each gate's
# output is printed whole, in order, when all have ended. TEST_WORKERS=0 runs everything one
# after another as before (pytest in one process).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SECONDS=0
./scripts/setup.sh
echo "== setup: ${SECONDS} s"
export PATH="$ROOT/.venv/bin:$PATH"
WORKERS="${TEST_WORKERS:-2}"

LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT
GATES=(scripts/gates/[0-9]*.sh)

# run_gate GATE: runs it with its output in $LOGS/NAME.log and "exit-code seconds" in $LOGS/NAME.rc
run_gate() {
  local name start rc=0
  name="$(basename "$1" .sh)"
  start=$SECONDS
  "$1" > "$LOGS/$name.log" 2>&1 || rc=$?
  echo "$rc $((SECONDS - start))" > "$LOGS/$name.rc"
}
# print_gate GATE: its output and result; returns its exit code
print_gate() {
  local name rc secs
  name="$(basename "$1" .sh)"
  read -r rc secs < "$LOGS/$name.rc"
  echo "== gate: $1"
  cat "$LOGS/$name.log"
  echo "== gate: $1: $([ "$rc" = 0 ] && echo passed || echo "FAILED (exit $rc)") in ${secs} s"
  return "$rc"
}

jobs_started=()
if [ "$WORKERS" != 0 ]; then
  for gate in "${GATES[@]}"; do
    case "$gate" in *-sanity.sh) run_gate "$gate" & jobs_started+=($!) ;; esac
  done
  (for gate in "${GATES[@]}"; do
     case "$gate" in *-sanity.sh) ;; *) run_gate "$gate" ;; esac
   done) &
  jobs_started+=($!)
fi

echo "== pytest: C# util on Mono and CoreCLR, Python module_utils, .ps1 checks, agentless modules on Samba"
start=$SECONDS
pytest_rc=0
if [ "$WORKERS" != 0 ]; then
  python -m pytest -p no:cacheprovider --durations=15 -n "$WORKERS" --dist loadfile tests || pytest_rc=$?
else
  python -m pytest -p no:cacheprovider --durations=15 tests || pytest_rc=$?
fi
echo "== pytest: $([ "$pytest_rc" = 0 ] && echo passed || echo "FAILED (exit $pytest_rc)") in $((SECONDS - start)) s"

# Collection-level gates (sanity, lint, docs, build/install, execution environment, molecule).
failed=0
[ "$pytest_rc" = 0 ] || failed=1
if [ "$WORKERS" != 0 ]; then
  for pid in "${jobs_started[@]}"; do wait "$pid" || true; done
else
  for gate in "${GATES[@]}"; do run_gate "$gate"; done
fi
for gate in "${GATES[@]}"; do
  print_gate "$gate" || failed=1
done
if [ "$failed" != 0 ]; then
  echo "== FAILED (see above); ${SECONDS} s in all"
  exit 1
fi
echo "== all tests and gates passed in ${SECONDS} s"
