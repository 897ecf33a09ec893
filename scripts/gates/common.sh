# shellcheck shell=bash
# Sourced by every gate script: the venv on PATH, a temp WORK dir removed on exit, exit hooks, and
# helpers to snapshot the working tree and build/install the collection from it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$ROOT/.venv/bin:$PATH"
WORK="$(mktemp -d)"
# at_exit CMD: run CMD when the gate ends (last added runs first), then remove $WORK.
EXIT_HOOKS=()
at_exit() { EXIT_HOOKS=("$1" "${EXIT_HOOKS[@]}"); }
run_exit_hooks() { local h; for h in "${EXIT_HOOKS[@]}"; do eval "$h" || true; done; rm -rf "$WORK"; }
trap run_exit_hooks EXIT

# module_fqcns: every module of the checkout as lanman.smb.NAME, space-separated. A module is a .py
# or a .ps1 file in plugins/modules (a .ps1 one is documented by a .yml), so none can be missed.
module_fqcns() {
  find "$ROOT/plugins/modules" -maxdepth 1 \( -name '*.py' -o -name '*.ps1' \) -printf 'lanman.smb.%f\n' \
    | sed 's/\.\(py\|ps1\)$//' | sort -u | xargs
}

# snapshot DIR: the working tree as DIR/ansible_collections/lanman/smb (a git repo); prints its path
snapshot() { "$ROOT/scripts/gates/snapshot.sh" "$1"; }

# build_and_install: sets TARBALL (built from a snapshot) and installs it under $WORK/installed
build_and_install() {
  local coll
  coll="$(snapshot "$WORK/src")"
  ansible-galaxy collection build "$coll" --output-path "$WORK/dist" >/dev/null
  TARBALL="$(ls "$WORK"/dist/lanman-smb-*.tar.gz)"
  ansible-galaxy collection install "$TARBALL" -p "$WORK/installed" >/dev/null 2>&1
}
