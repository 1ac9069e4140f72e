// attn-run --bench N: the median line, a table of the runs' spread (min,
// quartiles, max) with the GFLOP/s at the median and at the best run, and
// the summary's median, the table's.
// RUN: attn-run %s --bench=4 --flops=2e6 | FileCheck %s
// CHECK: time: median {{[0-9.]+}} ms of 4 runs, {{[0-9.]+}} GFLOP/s effective (2e+06 allowed-pair FLOP)
// CHECK-NEXT: | runs | min ms | q1 ms | median ms | q3 ms | max ms | GFLOP/s at the median | at the min |
// CHECK-NEXT: |---|---|---|---|---|---|---|---|
// CHECK-NEXT: | 4 | {{[0-9.]+}} | {{[0-9.]+}} | [[MEDIAN:[0-9.]+]] | {{[0-9.]+}} | {{[0-9.]+}} | [[GFLOPS:[0-9.]+]] | {{[0-9.]+}} |
// CHECK-NEXT: summary: function=small shapes=1x2x33x16xf32,1x2x33x16xf32,1x2x33x16xf32 ms=[[MEDIAN]] gflops=[[GFLOPS]] peak_rss_mb=

// The timed calls reuse the inputs: the compiled code may not write into
// them (an elementwise op on q bufferized into q's buffer, and each call
// doubled it again). The outputs written after the runs are the checked
// ones: q2 is twice the q given, on both paths.
// RUN: rm -rf %t && mkdir -p %t
// RUN: attn-run %S/Inputs/scaled_query.mlir --seed=3 --output=%t/once
// RUN: attn-run %S/Inputs/scaled_query.mlir --seed=3 --check --bench=3 --output=%t/flash | FileCheck %s --check-prefix=PASS
// RUN: attn-run %S/Inputs/scaled_query.mlir --seed=3 --path=reference --bench=3 --output=%t/reference
// RUN: %attn_venv_python %S/../Raising/compare_outputs.py %t/once %t/flash
// RUN: %attn_venv_python %S/../Raising/compare_outputs.py %t/once %t/reference
// PASS: PASS

func.func @small(%q: tensor<1x2x33x16xf32>, %k: tensor<1x2x33x16xf32>, %v: tensor<1x2x33x16xf32>) -> tensor<1x2x33x16xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x33x16xf32>, tensor<1x2x33x16xf32>, tensor<1x2x33x16xf32> -> tensor<1x2x33x16xf32>
  return %o : tensor<1x2x33x16xf32>
}
