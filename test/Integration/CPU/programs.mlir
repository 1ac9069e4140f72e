// Program shapes the pipelines must take, not only single attentions: a
// result returned twice (two output buffers, the second a copy), attention
// inside an scf.for carrying its output (a layer applied repeatedly; the
// reference evaluates the loop too), length-0 sequences (the tiled
// lowerings leave them to the reference forms), on both paths.
// One branch merged by lse: its rows of LSE -inf are 0 (the fold to the
// branch kept them: a max abs error of the branch's values).
// RUN: attn-run %s --function=merge_one_branch --check --seed=%seed --path=flash | FileCheck %s
// RUN: attn-run %s --function=merge_one_branch --check --seed=%seed --path=reference | FileCheck %s
// RUN: attn-run %s --function=returned_twice --check --seed=%seed --path=flash | FileCheck %s
// RUN: attn-run %s --function=returned_twice --check --seed=%seed --path=reference | FileCheck %s
// RUN: attn-run %s --function=in_loop --check --seed=%seed --path=flash | FileCheck %s
// RUN: attn-run %s --function=in_loop --check --seed=%seed --path=reference | FileCheck %s
// RUN: attn-run %s --function=empty --check --seed=%seed --path=flash | FileCheck %s
// RUN: attn-run %s --function=shrinking_loop --check --seed=%seed --path=flash | FileCheck %s
// RUN: attn-run %s --function=shrinking_loop --check --seed=%seed --path=reference | FileCheck %s
// RUN: attn-run %s --function=kept_loop --check --seed=%seed --path=flash | FileCheck %s
// RUN: attn-run %s --function=kept_loop --check --seed=%seed --path=reference | FileCheck %s
// RUN: attn-run %s --function=empty --check --seed=%seed --path=reference | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: check=PASS

func.func @returned_twice(%q: tensor<1x2x17x16xf32>, %k: tensor<1x1x17x16xf32>, %v: tensor<1x1x17x16xf32>) -> (tensor<1x2x17x16xf32>, tensor<1x2x17x16xf32>) {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x17x16xf32>, tensor<1x1x17x16xf32>, tensor<1x1x17x16xf32> -> tensor<1x2x17x16xf32>
  return %o, %o : tensor<1x2x17x16xf32>, tensor<1x2x17x16xf32>
}

func.func @in_loop(%q: tensor<1x2x17x16xf32>, %k: tensor<1x2x17x16xf32>, %v: tensor<1x2x17x16xf32>) -> tensor<1x2x17x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%x = %q) -> (tensor<1x2x17x16xf32>) {
    %o = attn.attention %x, %k, %v mask [#attn.causal] : tensor<1x2x17x16xf32>, tensor<1x2x17x16xf32>, tensor<1x2x17x16xf32> -> tensor<1x2x17x16xf32>
    scf.yield %o : tensor<1x2x17x16xf32>
  }
  return %r : tensor<1x2x17x16xf32>
}

// A loop whose carried keys halve each iteration (a compression per level,
// attention over each level): the pipeline's canonicalizer leaves out
// upstream's fold of the init's cast into the loop, which gave the carried
// keys the init's static size and failed on the halved yield.
func.func @shrinking_loop(%q: tensor<1x2x16x16xf32>, %k: tensor<1x2x64x16xf32>) -> tensor<1x2x16x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant dense<0.0> : tensor<1x2x16x16xf32>
  %init = tensor.cast %k : tensor<1x2x64x16xf32> to tensor<1x2x?x16xf32>
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%x = %init, %acc = %zero) -> (tensor<1x2x?x16xf32>, tensor<1x2x16x16xf32>) {
    %o = attn.attention %q, %x, %x : tensor<1x2x16x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32> -> tensor<1x2x16x16xf32>
    %a = arith.addf %acc, %o : tensor<1x2x16x16xf32>
    %c = attn.compress mean %x stride 2 : tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
    scf.yield %c, %a : tensor<1x2x?x16xf32>, tensor<1x2x16x16xf32>
  }
  return %r#1 : tensor<1x2x16x16xf32>
}

// The layer loop with its carried queries cast to a dynamic length (which
// the loop then carries as written: nothing proves the body keeps it).
func.func @kept_loop(%q: tensor<1x2x17x16xf32>, %k: tensor<1x2x17x16xf32>, %v: tensor<1x2x17x16xf32>) -> tensor<1x2x?x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %init = tensor.cast %q : tensor<1x2x17x16xf32> to tensor<1x2x?x16xf32>
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%x = %init) -> (tensor<1x2x?x16xf32>) {
    %o = attn.attention %x, %k, %v mask [#attn.causal] : tensor<1x2x?x16xf32>, tensor<1x2x17x16xf32>, tensor<1x2x17x16xf32> -> tensor<1x2x?x16xf32>
    scf.yield %o : tensor<1x2x?x16xf32>
  }
  return %r : tensor<1x2x?x16xf32>
}

func.func @empty(%q: tensor<1x2x0x16xbf16>, %k: tensor<1x2x0x16xbf16>, %v: tensor<1x2x0x16xbf16>) -> (tensor<1x2x0x16xbf16>, tensor<1x2x0x16xbf16>) {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x0x16xbf16>, tensor<1x2x0x16xbf16>, tensor<1x2x0x16xbf16> -> tensor<1x2x0x16xbf16>
  %l = attn.linear_attention %q, %k, %v feature elu_plus_one causal normalize : tensor<1x2x0x16xbf16>, tensor<1x2x0x16xbf16>, tensor<1x2x0x16xbf16> -> tensor<1x2x0x16xbf16>
  return %o, %l : tensor<1x2x0x16xbf16>, tensor<1x2x0x16xbf16>
}

func.func @merge_one_branch(%o: tensor<1x2x3x4xf32>) -> (tensor<1x2x3x4xf32>, tensor<1x2x3xf32>) {
  %l = arith.constant dense<[[[0xFF800000, 0.5, 0xFF800000], [1.0, 0xFF800000, -2.0]]]> : tensor<1x2x3xf32>
  %m, %ml = attn.merge lse (%o, %l) : tensor<1x2x3x4xf32>, tensor<1x2x3xf32> -> tensor<1x2x3x4xf32>, tensor<1x2x3xf32>
  return %m, %ml : tensor<1x2x3x4xf32>, tensor<1x2x3xf32>
}
