//===- AlibiRecognition.cpp - ALiBi biases of front-end IR ----------------===//
//
// A slope is read where the distance is largest (the last query's first
// key) and every element is then compared with the product attn's ALiBi
// computes in f32, so the raised attention adds the same numbers.
//
//===----------------------------------------------------------------------===//

#include "AlibiRecognition.h"

using namespace mlir;

std::optional<SmallVector<float>> mlir::attn::recognizeAlibiSlopes(
    int64_t batch, int64_t heads, int64_t queries, int64_t keys,
    llvm::function_ref<double(int64_t, int64_t, int64_t, int64_t)> bias) {
  auto distance = [&](int64_t i, int64_t j) {
    return static_cast<float>(j - (i + keys - queries));
  };
  if (batch < 1 || heads < 1 || queries < 1 || keys < 1)
    return std::nullopt;
  float widest = distance(queries - 1, 0);
  if (widest == 0)
    return std::nullopt;
  SmallVector<float> slopes;
  for (int64_t h = 0; h < heads; ++h) {
    float slope = static_cast<float>(bias(0, h, queries - 1, 0) / widest);
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t i = 0; i < queries; ++i)
        for (int64_t j = 0; j < keys; ++j) {
          float expected = slope * distance(i, j);
          if (bias(b, h, i, j) != static_cast<double>(expected))
            return std::nullopt;
        }
    slopes.push_back(slope);
  }
  return slopes;
}
