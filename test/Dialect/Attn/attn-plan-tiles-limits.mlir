// attn-plan-tiles at the edges of its split-KV rule: no rows to split (zero
// queries or batch) leaves one split, and a machine of many cores takes at
// most the tiling's 1024 (the pass built a tiling past it, and
// TilingAttr::get asserted), and sizes near int64's largest.
// RUN: attn-opt %s --attn-plan-tiles="cores=100000" --split-input-file | FileCheck %s
// A core count at int64's largest plans as many cores do (twice the count
// overflowed).
// RUN: attn-opt %s --attn-plan-tiles="cores=9223372036854775807" --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @no_queries
// CHECK: #attn.tiling<block_q = {{[0-9]+}}, block_kv = {{[0-9]+}}>
// CHECK-NOT: kv_splits
func.func @no_queries(%q: tensor<1x1x0x64xf32>, %k: tensor<1x1x4194304x64xf32>, %v: tensor<1x1x4194304x64xf32>) -> tensor<1x1x0x64xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x1x0x64xf32>, tensor<1x1x4194304x64xf32>, tensor<1x1x4194304x64xf32> -> tensor<1x1x0x64xf32>
  return %o : tensor<1x1x0x64xf32>
}

// -----

// CHECK-LABEL: func.func @many_cores
// CHECK: kv_splits = 1024
func.func @many_cores(%q: tensor<1x1x1x64xf32>, %k: tensor<1x1x4194304x64xf32>, %v: tensor<1x1x4194304x64xf32>) -> tensor<1x1x1x64xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x1x1x64xf32>, tensor<1x1x4194304x64xf32>, tensor<1x1x4194304x64xf32> -> tensor<1x1x1x64xf32>
  return %o : tensor<1x1x1x64xf32>
}

// -----

// Head dims and lengths near int64's largest (the verifier takes them): the
// working set of every tile exceeds the caches, so the smallest tiles, and
// the sums that weigh them stay within int64 (UBSan checks them).
// CHECK-LABEL: func.func @huge_sizes
// CHECK: #attn.tiling<block_q = 8, block_kv = 16
func.func @huge_sizes(%q: tensor<1x1x8x1152921504606846976xf32>, %k: tensor<1x1x9223372036854775806x1152921504606846976xf32>, %v: tensor<1x1x9223372036854775806x1152921504606846976xf32>) -> tensor<1x1x8x1152921504606846976xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x1x8x1152921504606846976xf32>, tensor<1x1x9223372036854775806x1152921504606846976xf32>, tensor<1x1x9223372036854775806x1152921504606846976xf32> -> tensor<1x1x8x1152921504606846976xf32>
  return %o : tensor<1x1x8x1152921504606846976xf32>
}
