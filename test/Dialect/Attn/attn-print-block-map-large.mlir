// A mask over more than 2^24 tiles is not classified at compile time (16M
// tokens at 64 x 64 tiles would be 2^36 of them, beyond memory): the pass
// says so, and the flash lowering bounds the key tiles at run time (the
// mask's key intervals). Both return at once.
// RUN: attn-opt %s --attn-print-block-map -o /dev/null 2>&1 | FileCheck %s
// RUN: attn-opt %s --attn-tile-attention -o /dev/null

// CHECK: remark: block map: more than 2^24 tiles, not classified at compile time; key-tile bounds from the mask's run-time key intervals
func.func @long(%q: tensor<1x1x16777216x64xbf16>) -> tensor<1x1x16777216x64xbf16> {
  %o = attn.attention %q, %q, %q mask [#attn.causal]
      : tensor<1x1x16777216x64xbf16>, tensor<1x1x16777216x64xbf16>, tensor<1x1x16777216x64xbf16>
      -> tensor<1x1x16777216x64xbf16>
  return %o : tensor<1x1x16777216x64xbf16>
}
