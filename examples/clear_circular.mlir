// CLEAR (circular local attention for high-resolution images): each pixel
// of a 32x32 feature map attends to the pixels within Euclidean distance 4.
// The neighbourhood atom's 9x9 square bounds the tiles the kernels visit;
// the mask_mod region keeps the disc inside it (dy^2 + dx^2 <= 16).
func.func @clear_circular(%q: tensor<1x4x1024x32xbf16>, %k: tensor<1x4x1024x32xbf16>,
                          %v: tensor<1x4x1024x32xbf16>) -> tensor<1x4x1024x32xbf16> {
  %out = attn.attention %q, %k, %v
      mask [#attn.neighborhood<grid = [32, 32], radius = [4, 4], dilation = [1, 1]>]
      mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %width = arith.constant 32 : index
    %radius2 = arith.constant 16 : index
    %yi = arith.divui %i, %width : index
    %xi = arith.remui %i, %width : index
    %yj = arith.divui %j, %width : index
    %xj = arith.remui %j, %width : index
    %dy = arith.subi %yi, %yj : index
    %dx = arith.subi %xi, %xj : index
    %dy2 = arith.muli %dy, %dy : index
    %dx2 = arith.muli %dx, %dx : index
    %d2 = arith.addi %dy2, %dx2 : index
    %inside = arith.cmpi sle, %d2, %radius2 : index
    attn.yield %inside : i1
  } : tensor<1x4x1024x32xbf16>, tensor<1x4x1024x32xbf16>, tensor<1x4x1024x32xbf16>
      -> tensor<1x4x1024x32xbf16>
  return %out : tensor<1x4x1024x32xbf16>
}
