#!/usr/bin/env bash
# Installs everything the demo and the tests need on a fresh Debian/Ubuntu machine (as root).
# Idempotent: a second run only checks. `--demo` skips what only the tests need. Nothing here touches /etc/passwd or starts the
# system smbd (tests start their own Samba on loopback).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

# What the demo needs: a real SMB server on loopback with private users, and a Python.
APT_DEMO=(
  samba samba-common-bin libnss-wrapper            # a real SMB server on loopback for tests and demo
  python3 python3-venv                            # fallback interpreter on a machine without pyenv
  procps                                          # pgrep/ps to stop what the lab started
)
# What only the tests need on top.
APT_TEST=(
  gcc libc6-dev                                   # stand-in netapi32 for the C# tests
                                                  # and CoreCLR's libssl.so.1.1 shim (tests/csharp/conftest.py);
                                                  # CoreCLR's ICU comes with samba-libs, OpenSSL 3 with python3
  mono-mcs mono-runtime mono-devel                # compile/run the C# utils as C# 5 against .NET 4.5
  smbclient                                       # rpcclient, a peer in benchmarks/srvsvc_bench.py
  git                                             # snapshots for the gates
  shellcheck                                      # ansible-test sanity lints the shell scripts with it
  chromium chromium-driver                        # headless browser for the compliance HTML report tests
)
MODE="${1:-}"
APT_PACKAGES=("${APT_DEMO[@]}")
[ "$MODE" = "--demo" ] || APT_PACKAGES+=("${APT_TEST[@]}")

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian's policy-rc.d (or its absence in containers) must not start the system smbd.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # If the package started the system daemons, stop them: tests use their own on loopback.
  for svc in smbd nmbd samba-ad-dc; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then
      systemctl stop "$svc" || true
    fi
  done
fi

# Newest Python that ansible-core's current release supports (3.12+), else the system one.
pick_python() {
  # pyenv shims answer "command not found" for versions not selected, so each candidate must run.
  for v in 3.13 3.12; do
    for cand in "$HOME"/.pyenv/versions/"$v".*/bin/python "/usr/bin/python$v" "/usr/local/bin/python$v"; do
      if [ -x "$cand" ] && "$cand" -c 'import venv' >/dev/null 2>&1; then echo "$cand"; return; fi
    done
  done
  echo /usr/bin/python3
}

VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  PY="$(pick_python)"
  echo "setup: creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi
# pip_install NAME FILE: install FILE into the venv unless the same FILE content is installed.
pip_install() {
  local stamp="$VENV/.$1.sha" want
  want="$(cat "$2" requirements.txt | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "setup: pip install -r $2"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$2"
    echo "$want" > "$stamp"
  fi
}
# The demo needs ansible-core and the runtime requirements only; the tests add their tools.
pip_install demo tests/requirements-demo.txt
[ "$MODE" = "--demo" ] || pip_install test tests/requirements.txt
# The oldest ansible-core meta/runtime.yml claims (2.16), for the sanity gate. 2.16 runs on
# Python 3.10-3.12; prefer 3.11/3.12 from pyenv, else the system python3.
OLDEST="$ROOT/.venv-oldest"
if [ "$MODE" != "--demo" ] && [ ! -x "$OLDEST/bin/ansible-test" ]; then
  OPY=""
  for v in 3.12 3.11 3.10; do
    for cand in "$HOME"/.pyenv/versions/"$v".*/bin/python "/usr/bin/python$v"; do
      if [ -z "$OPY" ] && [ -x "$cand" ] && "$cand" -c 'import venv, ensurepip' >/dev/null 2>&1; then OPY="$cand"; fi
    done
  done
  echo "setup: creating $OLDEST with ${OPY:-none found}"
  "${OPY:?no Python 3.10-3.12 for ansible-core 2.16}" -m venv "$OLDEST"
  "$OLDEST/bin/python" -m pip install -q --upgrade pip
  "$OLDEST/bin/python" -m pip install -q 'ansible-core>=2.16,<2.17' -r requirements.txt
fi

# sed reads all of its input: `head -1` would close the pipe early and ansible would print a BrokenPipe traceback.
echo "setup: ready ($("$VENV/bin/python" -V), $("$VENV/bin/ansible" --version | sed -n 1p))"
