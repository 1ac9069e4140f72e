// Intermediates have f32's range (Semantics.md, "Conventions"): an f16
// program's scores past 65504 and its feature maps past 65504 are finite
// in both CPU paths, which hold them in f32, and in the reference, which
// made them f16's infinity and every such row NaN, so the check failed
// on correct results.
//
// Scores of about 1e5 (scale 1e5 on N(0, 1) inputs): attention picks each
// row's largest key.
// RUN: attn-run %s --function=big_scores --check --seed=%seed --path=flash | FileCheck %s --check-prefix=SCORES
// RUN: attn-run %s --function=big_scores --check --seed=%seed --path=reference | FileCheck %s --check-prefix=SCORES
// The naive f16 computation's bound can be large (rounded scores may pick
// another key), so the error itself is checked: each row is its largest
// key's value, exactly.
// SCORES: result 0 (1x2x40x16xf16): max abs error {{0\.000e\+00|[0-9]\.[0-9]{3}e-0[5-9]}}, {{.*}}  PASS
// SCORES: check=PASS
//
// exp of inputs near 11.5 is past f16's largest value; normalised, the
// output is a weighted mean of the values.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %attn_venv_python -c "import numpy as np; g = np.random.default_rng(%seed); [np.save('%t/' + n + '.npy', (11.5 + 0.3 * g.standard_normal((1, 2, 40, 16))).astype(np.float16)) for n in 'qk']"
// RUN: attn-run %s --function=big_features --input q=%t/q.npy --input k=%t/k.npy --check --seed=%seed --path=flash | FileCheck %s --check-prefix=FEATURES
// RUN: attn-run %s --function=big_features --input q=%t/q.npy --input k=%t/k.npy --check --seed=%seed --path=reference | FileCheck %s --check-prefix=FEATURES
// FEATURES: result 0 (1x2x40x16xf16): max abs error {{.*}}, bound {{.*}}  PASS
// FEATURES: check=PASS

func.func @big_scores(%q: tensor<1x2x40x16xf16>, %k: tensor<1x2x40x16xf16>, %v: tensor<1x2x40x16xf16>) -> tensor<1x2x40x16xf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] {scale = 1.0e+05 : f32} : tensor<1x2x40x16xf16>, tensor<1x2x40x16xf16>, tensor<1x2x40x16xf16> -> tensor<1x2x40x16xf16>
  return %o : tensor<1x2x40x16xf16>
}

func.func @big_features(%q: tensor<1x2x40x16xf16>, %k: tensor<1x2x40x16xf16>, %v: tensor<1x2x40x16xf16>) -> tensor<1x2x40x16xf16> {
  %o = attn.linear_attention %q, %k, %v feature exp causal normalize : tensor<1x2x40x16xf16>, tensor<1x2x40x16xf16>, tensor<1x2x40x16xf16> -> tensor<1x2x40x16xf16>
  return %o : tensor<1x2x40x16xf16>
}
