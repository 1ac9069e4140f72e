// RUN: attn-opt %s --pass-pipeline="builtin.module(gpu.module(attn-check-float-types{gpu=true}))" --split-input-file --verify-diagnostics

// With `gpu` (the GPU pipeline runs it on the kernels before their
// conversion to NVVM) the report names the kernels' float types. The f8
// truncation had been reported as an op without an NVVM lowering, the f4
// scaling extension as an anonymous unrealized_conversion_cast.
gpu.module @kernels {
  gpu.func @truncation(%s: f32) -> f32 {
    // expected-error @below {{'arith.truncf' op computes on 'f8E4M3FN': GPU kernels compute on f16, bf16, f32 and f64 only}}
    %t = arith.truncf %s : f32 to f8E4M3FN
    %e = arith.extf %t : f8E4M3FN to f32
    gpu.return %e : f32
  }
}

// -----

gpu.module @kernels {
  gpu.func @scaling(%t: f4E2M1FN) -> f32 {
    %scale = arith.constant 1.0 : f8E8M0FNU
    // expected-error @below {{'arith.scaling_extf' op computes on 'f4E2M1FN': GPU kernels compute on f16, bf16, f32 and f64 only}}
    %u = arith.scaling_extf %t, %scale : f4E2M1FN, f8E8M0FNU to f32
    gpu.return %u : f32
  }
}

// -----

// Constants, selects and bitcasts of such types only move bits: no report.
gpu.module @kernels {
  gpu.func @moves(%c: i1, %x: f8E5M2) -> i8 {
    %k = arith.constant 1.0 : f8E5M2
    %m = arith.select %c, %k, %x : f8E5M2
    %b = arith.bitcast %m : f8E5M2 to i8
    gpu.return %b : i8
  }
}

// -----

// f128 (and x86's f80) arithmetic in a kernel aborted NVPTX's instruction
// selection ("unsupported library call operation").
gpu.module @kernels {
  gpu.func @quad(%x: f128) -> f128 {
    // expected-error @below {{'arith.divf' op computes on 'f128': GPU kernels compute on f16, bf16, f32 and f64 only}}
    %y = arith.divf %x, %x : f128
    gpu.return %y : f128
  }
}
