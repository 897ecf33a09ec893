#!/usr/bin/env bash
# The main job: set up (apt + venv), then the embedded Samba demo (scripts/demo.py).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/setup.sh" --demo
exec "$ROOT/.venv/bin/python" "$ROOT/scripts/demo.py"
