#!/usr/bin/env bash
# The README's second command: set up and build, then run every test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ATTN_BUILD_DIR:-$ROOT/build}"

"$ROOT/scripts/setup.sh"
cmake --build "$BUILD_DIR" --target attn-test-depends attn-doc

# Every attn-opt run in the suite also checks the custom and generic
# round trip of its output.
export ATTN_VERIFY_ROUNDTRIP=1
results="$BUILD_DIR/test-results.xml"
set +e
/usr/lib/llvm-22/bin/lit -sv --xunit-xml-output "$results" "$BUILD_DIR/test"
rc=$?
set -e
python3 - "$results" <<'PY'
import sys, xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot()
cases = suite.iter("testcase")
passed = failed = skipped = 0
for case in cases:
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif case.find("skipped") is not None:
        skipped += 1
    else:
        passed += 1
print(f"check-attn: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $rc
