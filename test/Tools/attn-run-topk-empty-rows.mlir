// attn.topk over rows of no entries: every slot is -1, on both paths and
// in attn-run's independent reference (which once left them 0, so --check
// failed a correct result).
// RUN: attn-run %s --function=empty_rows --check | FileCheck %s
// RUN: attn-run %s --function=empty_rows --check --path=reference | FileCheck %s
// And k far above a row's entries: the slots past them are -1 (the flash
// path's listing once scanned all k slots for each of the k outputs).
// RUN: attn-run %s --function=wide_k --check | FileCheck %s --check-prefix=WIDE
// WIDE: result 0 (1x2x4x50000xi32): 0 mismatches  PASS
// CHECK: result 0 (1x2x4x2xi32): 0 mismatches  PASS
// CHECK: check=PASS
func.func @empty_rows(%s: tensor<1x2x4x0xf32>) -> tensor<1x2x4x2xi32> {
  %0 = attn.topk %s k 2 : tensor<1x2x4x0xf32> -> tensor<1x2x4x2xi32>
  return %0 : tensor<1x2x4x2xi32>
}

func.func @wide_k(%s: tensor<1x2x4x8xf32>) -> tensor<1x2x4x50000xi32> {
  %0 = attn.topk %s k 50000 : tensor<1x2x4x8xf32> -> tensor<1x2x4x50000xi32>
  return %0 : tensor<1x2x4x50000xi32>
}
