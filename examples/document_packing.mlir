// Document packing: four 256-token documents packed into one sequence; causal
// attention never crosses a document boundary. The segment ids are operands,
// so new packings need no recompile; here they are built in the program.
func.func @document_packing(%q: tensor<2x8x1024x64xbf16>, %k: tensor<2x8x1024x64xbf16>,
                            %v: tensor<2x8x1024x64xbf16>) -> tensor<2x8x1024x64xbf16> {
  %c256 = arith.constant 256 : index
  %segments = tensor.generate {
  ^bb0(%b: index, %t: index):
    %doc = arith.divui %t, %c256 : index
    %id = arith.index_cast %doc : index to i32
    tensor.yield %id : i32
  } : tensor<2x1024xi32>
  %out = attn.attention %q, %k, %v segments(%segments, %segments)
      mask [#attn.document, #attn.causal]
      : tensor<2x8x1024x64xbf16>, tensor<2x8x1024x64xbf16>, tensor<2x8x1024x64xbf16>,
        tensor<2x1024xi32>, tensor<2x1024xi32>
      -> tensor<2x8x1024x64xbf16>
  return %out : tensor<2x8x1024x64xbf16>
}
