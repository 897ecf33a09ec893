#!/usr/bin/env bash
# Gate: ansible-test sanity, offline, on the newest ansible-core this machine's Pythons allow
# (.venv) and on the oldest one meta/runtime.yml claims (.venv-oldest, ansible-core 2.16).
# ansible-test's pip bootstrap is downloaded from a host CI cannot reach: a local stand-in
# (tests/sanity/get_pip_standin.py) is put where ansible-test caches it.
source "$(dirname "$0")/common.sh"
export HOME_FOR_SANITY="$ROOT/.cache/sanity-home"
mkdir -p "$HOME_FOR_SANITY/.ansible/test/cache" "$HOME_FOR_SANITY/.config/pip"
# ansible-test 2.16 runs pip without our environment (PIP_CERT etc.): give its HOME a pip
# config with the same CA bundle and package sources pip uses here.
{
  echo "[global]"
  cert="${PIP_CERT:-${SSL_CERT_FILE:-}}"
  [ -n "$cert" ] && echo "cert = $cert"
  "$ROOT/.venv/bin/python" -m pip config list 2>/dev/null | sed -n "s/^global\.\(extra-index-url\|index-url\|find-links\)='\(.*\)'$/\1 = \2/p"
} > "$HOME_FOR_SANITY/.config/pip/pip.conf"
COLL="$(snapshot "$WORK")"

run_sanity() {
  local venv="$1"
  local py
  py="$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  local pip_version
  pip_version="$("$venv/bin/python" - <<'PY'
import pathlib, re, ansible_test
src = (pathlib.Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py').read_text()
print(re.search(r"pip='([0-9.]+)'", src).group(1))
PY
)"
  cp "$ROOT/tests/sanity/get_pip_standin.py" "$HOME_FOR_SANITY/.ansible/test/cache/get_pip_${pip_version//./_}.py"
  echo "-- ansible-test sanity: $("$venv/bin/ansible" --version | sed -n 1p), Python $py"
  (cd "$COLL" && HOME="$HOME_FOR_SANITY" PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" sanity --python "$py" --color no)
}

run_sanity "$ROOT/.venv"
run_sanity "$ROOT/.venv-oldest"
