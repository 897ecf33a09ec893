#!/usr/bin/env bash
# Gate: molecule `default` scenario (extensions/molecule/default): the agentless modules
# against an embedded Samba: prepare, converge, idempotence, verify, cleanup.
source "$(dirname "$0")/common.sh"
mkdir -p "$WORK/collections/ansible_collections/lanman"
ln -s "$ROOT" "$WORK/collections/ansible_collections/lanman/smb"
export ANSIBLE_COLLECTIONS_PATH="$WORK/collections"
export ANSIBLE_LOCAL_TEMP="$WORK/tmp" ANSIBLE_REMOTE_TMP="$WORK/tmp"
export MOLECULE_PYTHON="$ROOT/.venv/bin/python"
export MOLECULE_EPHEMERAL_DIRECTORY="$WORK/ephemeral"
at_exit "'$MOLECULE_PYTHON' '$ROOT/tests/samba_lab/daemon.py' stop '$WORK/ephemeral/samba-lab' 2>/dev/null"
cd "$ROOT/extensions" || exit 1
molecule test -s default
echo "molecule default: converge, idempotence and verify passed against a real smbd"
