// attn.topk over rows of no entries: every slot is -1, on both paths and
// in attn-run's independent reference (which once left them 0, so --check
// failed a correct result).
// RUN: attn-run %s --check | FileCheck %s
// RUN: attn-run %s --check --path=reference | FileCheck %s
// CHECK: result 0 (1x2x4x2xi32): 0 mismatches  PASS
// CHECK: check=PASS
func.func @empty_rows(%s: tensor<1x2x4x0xf32>) -> tensor<1x2x4x2xi32> {
  %0 = attn.topk %s k 2 : tensor<1x2x4x0xf32> -> tensor<1x2x4x2xi32>
  return %0 : tensor<1x2x4x2xi32>
}
