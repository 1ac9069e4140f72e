#!/usr/bin/env bash
# bench/cpu: one command, one table (see run.py). Builds attn if needed and
# installs the peers (torch from PyPI) into bench/.venv, not into the build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/scripts/setup.sh" >/dev/null
if ! dpkg-query -W -f='${Status}' libopenblas-dev 2>/dev/null | grep -q "install ok installed"; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libopenblas-dev
fi
VENV="$ROOT/bench/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import torch, iree.compiler, iree.runtime" 2>/dev/null; then
  "$VENV/bin/pip" install -q torch numpy iree-base-compiler iree-base-runtime
fi
exec python3 "$ROOT/bench/cpu/run.py" --python "$VENV/bin/python" "$@"
