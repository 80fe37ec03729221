// ReLU's gradient as one pass, bit-identical to the ops tfjs' gradient runs,
// mul(dy, cast(step(x), 'float32')): three kernels and three full passes over the activation
// (Step, a Cast that copies float32 to float32, Multiply). tfjs' wasm Step gives NaN for NaN,
// 1 for x > 0 (denormals too) and 0 otherwise; the product dy · s is the same one float32
// multiply, so -0, NaN and infinities come out as the ops make them (dy · 0 keeps dy's sign).
#include <cstdint>

#include "kernels.h"

__attribute__((target_clones("avx512f", "avx2", "default")))
void mtlReluGrad(const float* dy, const float* x, float* out, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const float xi = x[i];
    const float s = xi > 0.0f ? 1.0f : (xi != xi ? xi : 0.0f);
    out[i] = dy[i] * s;
  }
}
