#!/usr/bin/env bash
# Helper for the gates: copy the working tree (tracked + new files, as they are now) to
# $1/ansible_collections/lanman/smb as a git repository, where ansible tools expect it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="$1/ansible_collections/lanman/smb"
mkdir -p "$DEST"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} "$DEST/")
(cd "$DEST" && git init -q && git add -A && git -c user.email=ci@localhost -c user.name=ci commit -qm snapshot)
echo "$DEST"
