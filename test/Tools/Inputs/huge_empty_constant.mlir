// A constant of no elements whose first size is 2^62: LLVM's translation
// built an array type of 2^62 empty arrays ("SmallVector unable to grow").
func.func @main() -> tensor<4611686018427387904x0xf64> {
  %c = arith.constant dense<> : tensor<4611686018427387904x0xf64>
  return %c : tensor<4611686018427387904x0xf64>
}
