// A function that calls others (a layer applied twice, a private helper
// that itself calls one): attn-run compiles it with what it calls, and the
// reference follows the calls.
// RUN: attn-run %s --function=model --check --seed=%seed --path=flash | FileCheck %s
// RUN: attn-run %s --function=model --check --seed=%seed --path=reference | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: check=PASS

func.func private @layer(%x: tensor<1x2x20x16xf32>, %k: tensor<1x1x20x16xf32>) -> tensor<1x2x20x16xf32> {
  %o = attn.attention %x, %k, %k mask [#attn.causal] : tensor<1x2x20x16xf32>, tensor<1x1x20x16xf32>, tensor<1x1x20x16xf32> -> tensor<1x2x20x16xf32>
  return %o : tensor<1x2x20x16xf32>
}

// Named as the C runtime's allocator: compiled under a name of its own.
func.func private @malloc(%x: tensor<1x2x20x16xf32>, %k: tensor<1x1x20x16xf32>) -> tensor<1x2x20x16xf32> {
  %a = func.call @layer(%x, %k) : (tensor<1x2x20x16xf32>, tensor<1x1x20x16xf32>) -> tensor<1x2x20x16xf32>
  %r = arith.addf %a, %x : tensor<1x2x20x16xf32>
  return %r : tensor<1x2x20x16xf32>
}

// Named as attn-run's entry: renamed before the entry takes the name.
func.func private @__attn_run_entry(%x: tensor<1x2x20x16xf32>) -> tensor<1x2x20x16xf32> {
  %r = arith.mulf %x, %x : tensor<1x2x20x16xf32>
  return %r : tensor<1x2x20x16xf32>
}

func.func @model(%x: tensor<1x2x20x16xf32>, %k: tensor<1x1x20x16xf32>) -> tensor<1x2x20x16xf32> {
  %a0 = func.call @malloc(%x, %k) : (tensor<1x2x20x16xf32>, tensor<1x1x20x16xf32>) -> tensor<1x2x20x16xf32>
  %a = func.call @__attn_run_entry(%a0) : (tensor<1x2x20x16xf32>) -> tensor<1x2x20x16xf32>
  %b = func.call @layer(%a, %k) : (tensor<1x2x20x16xf32>, tensor<1x1x20x16xf32>) -> tensor<1x2x20x16xf32>
  return %b : tensor<1x2x20x16xf32>
}

func.func @unused(%x: tensor<1x2x20x16xf32>) -> tensor<1x2x20x16xf32> {
  return %x : tensor<1x2x20x16xf32>
}
