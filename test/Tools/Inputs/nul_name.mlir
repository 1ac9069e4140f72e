// A public function whose name holds a NUL byte (attn-run-errors.mlir).
func.func @"f\00x"(%a: tensor<2xf32>) -> tensor<2xf32> {
  return %a : tensor<2xf32>
}
