#!/usr/bin/env bash
# Gate: ansible-galaxy builds the collection, installs it from the tarball into a fresh
# path, and every module is found by FQCN and rendered by ansible-doc from there.
source "$(dirname "$0")/common.sh"
build_and_install
echo "built $(basename "$TARBALL") ($(du -k "$TARBALL" | cut -f1) KiB)"
if tar -tzf "$TARBALL" | grep -E '(^|/)(\.venv|\.cache|tests/output)/' ; then
  echo "FAIL: the tarball contains local build or venv files"; exit 1
fi
export ANSIBLE_COLLECTIONS_PATH="$WORK/installed"
# every module of the checkout must be found by FQCN
expected="$(module_fqcns)"
found="$(ansible-doc -l lanman.smb 2>/dev/null | awk '{print $1}' | sort | xargs)"
if [ "$found" != "$expected" ]; then
  echo "FAIL: modules found by FQCN: '$found', expected '$expected'"; exit 1
fi
for m in $expected; do
  ansible-doc "$m" >/dev/null 2>"$WORK/doc.err" || { cat "$WORK/doc.err"; echo "FAIL: ansible-doc $m"; exit 1; }
  if [ -s "$WORK/doc.err" ]; then cat "$WORK/doc.err"; echo "FAIL: ansible-doc $m warned"; exit 1; fi
done
for f in plugins/module_utils/NetSession.cs plugins/module_utils/NetConnection.cs plugins/module_utils/SessionNames.cs plugins/module_utils/LocalHostNames.cs plugins/module_utils/ClientResolver.cs plugins/module_utils/ShareSelector.cs plugins/module_utils/ClosePlanning.cs plugins/module_utils/ListAndClose.cs plugins/module_utils/_srvsvc/client.py plugins/module_utils/_srvsvc/connections.py meta/runtime.yml requirements.txt meta/execution-environment.yml; do
  [ -e "$WORK/installed/ansible_collections/lanman/smb/$f" ] || { echo "FAIL: $f missing from the installed collection"; exit 1; }
done
echo "installed from the tarball: $found all render with ansible-doc"
