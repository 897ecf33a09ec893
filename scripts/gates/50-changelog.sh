#!/usr/bin/env bash
# Gate: changelog config and fragments are valid (antsibull-changelog lint), and CHANGELOG.rst
# is what antsibull-changelog generates from changelogs/ (regenerated in a temp copy).
source "$(dirname "$0")/common.sh"
(cd "$ROOT" && antsibull-changelog lint)
COLL="$(snapshot "$WORK")"
(cd "$COLL" && ANSIBLE_COLLECTIONS_PATH="$WORK" antsibull-changelog generate >/dev/null 2>&1)
diff -u "$ROOT/CHANGELOG.rst" "$COLL/CHANGELOG.rst" || { echo "FAIL: CHANGELOG.rst is stale: run antsibull-changelog generate"; exit 1; }
grep -q "lanman.smb.win_smb_session_info" "$ROOT/CHANGELOG.rst" || { echo "FAIL: modules not announced"; exit 1; }
echo "changelog: fragments lint clean; CHANGELOG.rst matches changelogs/ and announces the modules"
