#!/usr/bin/env bash
# Brings a Debian 12 machine to a configured, built attn tree in build/.
# Idempotent: installs only missing packages, reconfigures only when needed,
# and rebuilds incrementally (through ccache, so clean clones reuse objects).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ATTN_BUILD_DIR:-$ROOT/build}"
LLVM_ROOT=/usr/lib/llvm-22

PACKAGES=(
  cmake ninja-build ccache python3
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  clang-22 lld-22 libclang-rt-22-dev libomp-22-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

# ccache with the checkout as its base directory: paths under it are hashed
# relative to the build directory, so that a clone at another path (a CI
# run's fresh clone) finds the objects an earlier clone compiled.
LAUNCHER="cmake;-E;env;CCACHE_BASEDIR=$ROOT;ccache"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR="$LLVM_ROOT/lib/cmake/mlir" \
    -DLLVM_EXTERNAL_LIT="$LLVM_ROOT/bin/lit" \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    "-DCMAKE_C_COMPILER_LAUNCHER=$LAUNCHER" \
    "-DCMAKE_CXX_COMPILER_LAUNCHER=$LAUNCHER" \
    ${ATTN_CMAKE_ARGS:-}
fi
cmake --build "$BUILD_DIR" --target attn-opt attn-run attn-compile attn-lsp-server attn-doc \
  AttnC AttnPlugin

# The Python package's test environment, in .venv: numpy and pytest, and
# setuptools and wheel, with which the tests install the package offline
# (pip --no-build-isolation), all from PyPI.
VENV="$ROOT/.venv"
if ! "$VENV/bin/python" -c "import numpy, pytest, setuptools, wheel" 2>/dev/null; then
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -q python3-venv
    /usr/bin/python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q numpy pytest setuptools wheel
fi
