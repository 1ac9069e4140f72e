// A per-head temperature and a key pattern held in resource blobs, as
// torch-mlir emits a module's parameters and buffers: the kernel reads both
// as constant tables (bf16, 4 heads, 300 tokens, head dim 64, causal).
func.func @temperature_pattern(%q: tensor<1x4x300x64xbf16>, %k: tensor<1x4x300x64xbf16>, %v: tensor<1x4x300x64xbf16>) -> tensor<1x4x300x64xbf16> {
  %t = arith.constant dense_resource<temperatures> : tensor<4xf32>
  %m = arith.constant dense_resource<keep> : tensor<16xi1>
  %o = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %x = tensor.extract %t[%h] : tensor<4xf32>
    %y = arith.mulf %s, %x : f32
    attn.yield %y : f32
  } mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c16 = arith.constant 16 : index
    %r = arith.remui %j, %c16 : index
    %keep = tensor.extract %m[%r] : tensor<16xi1>
    %diagonal = arith.cmpi eq, %i, %j : index
    %any = arith.ori %keep, %diagonal : i1
    attn.yield %any : i1
  } : tensor<1x4x300x64xbf16>, tensor<1x4x300x64xbf16>, tensor<1x4x300x64xbf16> -> tensor<1x4x300x64xbf16>
  return %o : tensor<1x4x300x64xbf16>
}
{-#
  dialect_resources: {
    builtin: {
      temperatures: "0x040000000000003f0000a03f0000403f00000040",
      keep: "0x0100000001010001010001010101010001010001"
    }
  }
#-}
