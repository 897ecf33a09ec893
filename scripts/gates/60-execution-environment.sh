#!/usr/bin/env bash
# Gate: meta/execution-environment.yml is found and read by ansible-builder's introspection
# (the Python and system dependencies it names reach the image), and `ansible-builder create`
# makes a build context for an EE that installs this collection. No image is built.
source "$(dirname "$0")/common.sh"
build_and_install

ansible-builder introspect "$WORK/installed" > "$WORK/introspect.txt"
# pywinrm / pypsrp: the Windows path (winrm / psrp connections) must work in the EE too.
for want in smbprotocol pyspnego pywinrm pypsrp 'libkrb5-3 \[platform:dpkg\]'; do
  grep -q "$want" "$WORK/introspect.txt" || { cat "$WORK/introspect.txt"; echo "FAIL: introspection lacks $want"; exit 1; }
done
echo "ansible-builder introspect: requirements.txt and bindep.txt of lanman.smb are picked up"

mkdir -p "$WORK/ee"
cp "$ROOT/tests/ee/execution-environment.yml" "$WORK/ee/"
cp "$TARBALL" "$WORK/ee/lanman-smb.tar.gz"
printf -- '---\ncollections:\n  - name: collections/lanman-smb.tar.gz\n    type: file\n' > "$WORK/ee/requirements.yml"
(cd "$WORK/ee" && ansible-builder create -f execution-environment.yml --context context >/dev/null)
BUILD_FILE="$WORK/ee/context/Containerfile"
[ -e "$BUILD_FILE" ] || BUILD_FILE="$WORK/ee/context/Dockerfile"   # named after the runtime found
grep -q 'ansible-galaxy collection install' "$BUILD_FILE" || { echo "FAIL: no collection install step"; exit 1; }
grep -q 'lanman-smb.tar.gz' "$WORK/ee/context/_build/requirements.yml" || { echo "FAIL: collection not in requirements"; exit 1; }
[ -s "$WORK/ee/context/_build/collections/lanman-smb.tar.gz" ] || { echo "FAIL: tarball not in the build context"; exit 1; }
echo "ansible-builder create: build context with lanman.smb ready ($(find "$WORK/ee/context" -mindepth 1 -maxdepth 1 -printf '%f '))"
