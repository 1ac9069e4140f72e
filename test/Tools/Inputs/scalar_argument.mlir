// A scalar argument has no C buffer descriptor.
func.func @scalar_arg(%x: tensor<4xf32>, %s: f32) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
