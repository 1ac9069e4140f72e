#!/usr/bin/env bash
# The README's first command: set up and build, then run the main job over
# every program in examples/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ATTN_BUILD_DIR:-$ROOT/build}"

"$ROOT/scripts/setup.sh"

# Until the CPU pipeline lands, the main job parses, verifies and
# canonicalises every example and reports what each one contains.
printf '%-28s %-10s %s\n' "example" "status" "attn ops"
status=0
for example in "$ROOT"/examples/*.mlir; do
  name="$(basename "$example" .mlir)"
  if out="$("$BUILD_DIR/bin/attn-opt" --canonicalize "$example" 2>&1)"; then
    ops="$(grep -o 'attn\.[a-z_]*' <<<"$out" | grep -v 'attn\.yield' | sort | uniq -c | awk '{printf "%s%s x%d", sep, $2, $1; sep=", "}')"
    printf '%-28s %-10s %s\n' "$name" "ok" "$ops"
  else
    printf '%-28s %-10s %s\n' "$name" "FAILED" "$(head -1 <<<"$out")"
    status=1
  fi
done
exit $status
