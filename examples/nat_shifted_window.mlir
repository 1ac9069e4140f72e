// NAT (neighbourhood attention) with NATTEN's border rule: each pixel of a
// 32x32 feature map attends to a 7x7 window that is shifted inwards at the
// map's border, so that every pixel sees 49 pixels (#attn.neighborhood
// itself cuts the window off there). Per axis the window starts at
// clamp(y - 3, 0, 32 - 7). The atom with radius 6, which holds every such
// window, bounds the tiles; the mask_mod region keeps the shifted window.
func.func @nat_shifted_window(%q: tensor<1x4x1024x32xbf16>, %k: tensor<1x4x1024x32xbf16>,
                              %v: tensor<1x4x1024x32xbf16>) -> tensor<1x4x1024x32xbf16> {
  %out = attn.attention %q, %k, %v
      mask [#attn.neighborhood<grid = [32, 32], radius = [6, 6], dilation = [1, 1]>]
      mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %width = arith.constant 32 : index
    %zero = arith.constant 0 : index
    %radius = arith.constant 3 : index
    %last_start = arith.constant 25 : index
    %yi = arith.divui %i, %width : index
    %xi = arith.remui %i, %width : index
    %yj = arith.divui %j, %width : index
    %xj = arith.remui %j, %width : index
    %y_low = arith.subi %yi, %radius : index
    %y_start = arith.maxsi %y_low, %zero : index
    %y_first = arith.minsi %y_start, %last_start : index
    %x_low = arith.subi %xi, %radius : index
    %x_start = arith.maxsi %x_low, %zero : index
    %x_first = arith.minsi %x_start, %last_start : index
    %dy = arith.subi %yj, %y_first : index
    %dx = arith.subi %xj, %x_first : index
    %six = arith.constant 6 : index
    %y_in = arith.cmpi ule, %dy, %six : index
    %x_in = arith.cmpi ule, %dx, %six : index
    %inside = arith.andi %y_in, %x_in : i1
    attn.yield %inside : i1
  } : tensor<1x4x1024x32xbf16>, tensor<1x4x1024x32xbf16>, tensor<1x4x1024x32xbf16>
      -> tensor<1x4x1024x32xbf16>
  return %out : tensor<1x4x1024x32xbf16>
}
