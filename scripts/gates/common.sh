# Sourced by the gate scripts: the venv on PATH, a temp WORK dir removed on exit, and
# helpers to snapshot the working tree and build/install the collection from it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$ROOT/.venv/bin:$PATH"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

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
