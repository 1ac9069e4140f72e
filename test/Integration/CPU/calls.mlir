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

// Called functions written for open sizes (an attention layer over any
// length, applied in a loop): their results of dynamic shape are inlined
// (attn-inline-dynamic-results); the pipeline failed on them ("cannot
// create out param for dynamically shaped result").
// RUN: attn-run %s --function=open_layers --shape q=1x2x9x16 --shape k=1x1x9x16 --check --seed=%seed --path=flash | FileCheck %s
// RUN: attn-run %s --function=open_layers --shape q=1x2x9x16 --shape k=1x1x9x16 --check --seed=%seed --path=reference | FileCheck %s
func.func private @open_layer(%x: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>) {
  %o = attn.attention %x, %k, %k mask [#attn.causal] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>
  return %o, %k : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>
}

func.func private @doubled(%x: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  %d = arith.addf %x, %x : tensor<1x1x?x16xf32>
  return %d : tensor<1x1x?x16xf32>
}

func.func @open_layers(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %k2 = func.call @doubled(%k) : (tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32>
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%x = %q) -> (tensor<1x2x?x16xf32>) {
    %o, %kk = func.call @open_layer(%x, %k2) : (tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>)
    scf.yield %o : tensor<1x2x?x16xf32>
  }
  return %r, %k2 : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>
}
