#!/usr/bin/env bash
# The README's first command: set up and build, then run the main job: every
# program in examples/ through attn-run --check --bench on the CPU.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ATTN_BUILD_DIR:-$ROOT/build}"
BENCH_RUNS="${ATTN_BENCH_RUNS:-3}"

"$ROOT/scripts/setup.sh"

printf '%-22s %-52s %10s %9s %10s %s\n' example shapes ms GFLOP/s max_error check
status=0
for example in "$ROOT"/examples/*.mlir; do
  name="$(basename "$example" .mlir)"
  if out="$("$BUILD_DIR/bin/attn-run" "$example" --check --bench "$BENCH_RUNS" --seed 1 2>&1)"; then :; else status=1; fi
  summary="$(grep '^summary:' <<<"$out" || true)"
  if [ -z "$summary" ]; then
    printf '%-22s %s\n' "$name" "ERROR: $(tail -1 <<<"$out")"
    status=1
    continue
  fi
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$summary"; }
  shapes="$(field shapes)"
  [ ${#shapes} -le 52 ] || shapes="${shapes:0:49}..."
  printf '%-22s %-52s %10s %9s %10s %s\n' "$name" "$shapes" "$(field ms)" \
    "$(field gflops)" "$(field max_error)" "$(field check)"
done
exit $status
