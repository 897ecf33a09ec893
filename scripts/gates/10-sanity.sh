#!/usr/bin/env bash
# Gate: ansible-test sanity, offline, on the newest ansible-core this machine's Pythons allow
# (.venv) and on the oldest one meta/runtime.yml claims (.venv-oldest, ansible-core 2.16).
# The two run at the same time, each in a snapshot of its own (ansible-test writes tests/output
# in the collection it checks); their venvs (per Python version) and pip stand-ins (per pip
# version) in the shared HOME do not collide. Every test runs on both: each version brings its
# own checks and pinned linters (pylint, pycodestyle, validate-modules, ...), so none of the
# results can be assumed to be the same.
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

# pip_standin VENV: puts the pip bootstrap stand-in where that venv's ansible-test looks for it
pip_standin() {
  local pip_version
  pip_version="$("$1/bin/python" - <<'PY'
import pathlib, re, ansible_test
src = (pathlib.Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py').read_text()
print(re.search(r"pip='([0-9.]+)'", src).group(1))
PY
)"
  cp "$ROOT/tests/sanity/get_pip_standin.py" "$HOME_FOR_SANITY/.ansible/test/cache/get_pip_${pip_version//./_}.py"
}

run_sanity() {
  local venv="$1" coll py
  coll="$(snapshot "$WORK/$(basename "$venv")")"
  py="$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  echo "-- ansible-test sanity: $("$venv/bin/ansible" --version | sed -n 1p), Python $py"
  (cd "$coll" && HOME="$HOME_FOR_SANITY" PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" sanity --python "$py" --color no)
  echo "-- ansible-test sanity on Python $py: passed in ${SECONDS} s"
}

pip_standin "$ROOT/.venv"
pip_standin "$ROOT/.venv-oldest"
# Both at once; each one's output is printed whole after it ended, then the gate fails if either did.
failed=0
SECONDS=0
run_sanity "$ROOT/.venv" > "$WORK/newest.log" 2>&1 & newest=$!
run_sanity "$ROOT/.venv-oldest" > "$WORK/oldest.log" 2>&1 & oldest=$!
wait "$newest" || failed=1
cat "$WORK/newest.log"
wait "$oldest" || failed=1
cat "$WORK/oldest.log"
[ "$failed" = 0 ] || { echo "FAIL: ansible-test sanity (see above)"; exit 1; }
