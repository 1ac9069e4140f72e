// A mask_mod that divides by a value of an input (a block size): by zero,
// undefined in arith, it gives 0 (attn-guard-integer-division; the
// reference agrees), which attn-run-reference-errors.mlir checks.
func.func @blocks(%q: tensor<1x2x8x4xf32>, %size: tensor<1xi32>) -> tensor<1x2x8x4xf32> {
  %o = attn.attention %q, %q, %q mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c0 = arith.constant 0 : index
    %s = tensor.extract %size[%c0] : tensor<1xi32>
    %sz = arith.index_cast %s : i32 to index
    %bi = arith.divui %i, %sz : index
    %bj = arith.divui %j, %sz : index
    %c = arith.cmpi eq, %bi, %bj : index
    attn.yield %c : i1
  } : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}
