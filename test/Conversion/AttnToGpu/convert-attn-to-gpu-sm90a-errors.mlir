// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" --verify-diagnostics

// The sm_90a host functions call the runtime's tensor-map encoder: another
// symbol of that name is an error, and nothing is rewritten.
// expected-error @+1 {{GPU lowering: 'attnCudaEncodeTensorMap' is the CUDA runtime's tensor-map encoder, which sm_90a host functions call; expected a func.func of type '(!llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64, i64, i64, i64, i32) -> i32', got '(i32) -> i32'}}
func.func private @attnCudaEncodeTensorMap(i32) -> i32

func.func @causal(%q: tensor<1x4x512x128xbf16>, %k: tensor<1x4x512x128xbf16>,
                  %v: tensor<1x4x512x128xbf16>) -> tensor<1x4x512x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x4x512x128xbf16>, tensor<1x4x512x128xbf16>, tensor<1x4x512x128xbf16>
      -> tensor<1x4x512x128xbf16>
  return %o : tensor<1x4x512x128xbf16>
}
