// attn-run --check and attn.topk's near-ties: when the reference's last
// chosen score and its best unchosen one are within 1e-3 (relative), a
// correctly rounded computation may choose either (the compiled block
// scores differ from the exact ones by about 1e-4), and everything after
// the selection follows that choice. The check then takes the other entry
// in the reference too and passes if every result matches it; a gap wider
// than that is a wrong selection and fails.
// RUN: rm -rf %t && mkdir -p %t/other %t/first
// RUN: %python %S/make_npy.py %t/close.npy '<f4' 2x4 --values=1.0,0.99995,0.5,0.2,0.1,0.3,0.7,0.2
// RUN: %python %S/make_npy.py %t/apart.npy '<f4' 2x4 --values=1.0,0.98,0.5,0.2,0.1,0.3,0.7,0.2
// RUN: %python %S/make_npy.py %t/other/result0.npy '<i4' 2x1 --values=1,2
// RUN: %python %S/make_npy.py %t/first/result0.npy '<i4' 2x1 --values=0,2
// RUN: attn-run %s --input s=%t/close.npy --check --results %t/other | FileCheck %s --check-prefix=TIE
// TIE: topk near-tie (evaluation 0, row 0): checked with the other entry, as computed
// TIE: result 0 (2x1xi32): 0 mismatches  PASS
// TIE: check=PASS
// The reference's own choice passes without a note.
// RUN: attn-run %s --input s=%t/close.npy --check --results %t/first | FileCheck %s --check-prefix=PLAIN
// PLAIN-NOT: near-tie
// PLAIN: check=PASS
// 2% apart: not a tie.
// RUN: not attn-run %s --input s=%t/apart.npy --check --results %t/other | FileCheck %s --check-prefix=WRONG
// WRONG-NOT: near-tie
// WRONG: result 0 (2x1xi32): 1 mismatches  FAIL
// WRONG: check=FAIL

func.func @pick(%s: tensor<2x4xf32>) -> tensor<2x1xi32> {
  %i = attn.topk %s k 1 : tensor<2x4xf32> -> tensor<2x1xi32>
  return %i : tensor<2x1xi32>
}
