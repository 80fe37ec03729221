// The addon's kernels (gemm.cc, adam.cc, gather-sum.cc), called by addon.cc on memory inside the wasm heap.
#pragma once
#include <cstdint>

// One operand of a product: op(X)[r, c] = p[r * rs + c * cs] (a transposed operand swaps the strides).
struct Operand {
  const float* p;
  int64_t rs, cs;
};

// c = op(a) · op(b), c row-major M × N (gemm.cc).
void mtlGemm(const Operand& a, const Operand& b, float* c, int64_t M, int64_t N, int64_t K);

// Adam's scalars, each already rounded to float32 the way tfjs rounds a JS number to a scalar tensor.
struct AdamScalars {
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, c1, c2, epsilon, lr;
};

// One replica's slice of one variable, n elements: the next θ, m and v (adam.cc), in buffers apart from the inputs.
void mtlAdam(const float* theta, const float* m, const float* v, const float* g,
             float* thetaOut, float* mOut, float* vOut, int64_t n, const AdamScalars& s);

// One replica's input layer for shared data: out[b, :] = (bias + x[b, :] · w) + Σ_c table[idx[b, c], :] (input-layer.cc).
void mtlInputLayer(const float* x, const float* w, const float* bias, const float* table, const int32_t* idx,
                   float* out, int64_t B, int64_t Dn, int64_t U, int64_t nCat);

// The gated mix's weight gradient, R replicas: out[r, b, k, i] = +0 + Σ_h dy[r, k, b, h] · e[r, i, b, h] (mix-dots.cc).
void mtlMixDots(const float* dy, const float* e, float* out, int64_t R, int64_t K, int64_t N, int64_t B, int64_t H);

// out = dy · step(x), elementwise: ReLU's gradient (relu-grad.cc).
void mtlReluGrad(const float* dy, const float* x, float* out, int64_t n);

// One replica: out[o, :] = +0 + Σ_{j = starts[o] .. starts[o+1]-1} src[list[j], :], rows of U floats (gather-sum.cc).
void mtlGatherSum(const float* src, const int32_t* list, const int32_t* starts, float* out, int64_t nOut, int64_t U);
