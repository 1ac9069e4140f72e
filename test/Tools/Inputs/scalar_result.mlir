// A scalar result has no C buffer descriptor.
func.func @scalar_result(%x: tensor<4xf32>) -> f32 {
  %c = arith.constant 0 : index
  %e = tensor.extract %x[%c] : tensor<4xf32>
  return %e : f32
}
