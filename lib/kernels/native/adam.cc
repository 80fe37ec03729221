// Adam's update as one pass, bit-identical to the chain of tfjs ops in lib/kernels/ops.ts (adamUpdate):
// every operation below is one IEEE float32 operation (multiply, add, divide, square root),
// done in the same order and with the same float32 constants as those ops, and the build passes
// -ffp-contract=off so none is fused. Elementwise, so the vector width changes nothing.
// The chain costs ~12 kernels and ~10 full passes over each variable; this costs one.
// __restrict: the outputs are new buffers, never the inputs (addon.cc passes distinct tensors).
// Without it GCC needs more run-time overlap checks between the seven arrays than it will emit,
// and leaves the loop scalar: 3 ns an element, compute-bound, instead of memory-bound.
#include <cmath>

#include "kernels.h"

__attribute__((target_clones("avx512f", "avx2", "default")))
void mtlAdam(const float* __restrict theta, const float* __restrict m, const float* __restrict v, const float* __restrict g,
             float* __restrict thetaOut, float* __restrict mOut, float* __restrict vOut, int64_t n, const AdamScalars& s) {
  const float b1 = s.beta1, ob1 = s.oneMinusBeta1, b2 = s.beta2, ob2 = s.oneMinusBeta2;
  const float c1 = s.c1, c2 = s.c2, eps = s.epsilon, lr = s.lr;
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * ob1;                      // add(mul(m, β1), mul(g, 1 − β1))
    const float vi = v[i] * b2 + (gi * gi) * ob2;               // add(mul(v, β2), mul(square(g), 1 − β2))
    const float step = (mi / c1) / (std::sqrt(vi / c2) + eps);  // div(div(m, c1), add(sqrt(div(v, c2)), ε))
    thetaOut[i] = theta[i] - lr * step;                         // sub(θ, mul(lr_r, step))
    mOut[i] = mi;
    vOut[i] = vi;
  }
}
