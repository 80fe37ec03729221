// The input layer's forward pass for shared data in one pass (kernel set "native"):
//   out[b, :] = (bias + xw[b, :]) + bag[b, :]
//   xw[b, u]  = +0 + Σ_k x[b, k] · w[k, u]            (k ascending, the product rounded, then added)
//   bag[b, u] = +0 + Σ_c table[idx[b, c], u]          (c ascending)
// which are the floats of the unfused ops, in their order: the native product (gemm.cc), tfjs'
// Add of the bias, the embedding bag's gather-sum (gather-sum.cc), tfjs' Add of the bag. The ops
// write and read the [B, U] intermediates four times more; on census (U = 786) each pass over them
// is as costly as the arithmetic. Vectors run across columns, so each lane is one output's
// sequential sums whatever the vector width; -ffp-contract=off keeps every multiply apart.
#include <cstdint>
#include <cstring>

#include "kernels.h"

namespace {

typedef float v16 __attribute__((vector_size(64), aligned(4)));

// Columns [u0, u0 + 16·NV) of every row b (one replica's w, bias and table).
template <int NV>
__attribute__((always_inline)) inline void columnBlock(const float* x, const float* w, const float* bias, const float* table, const int32_t* idx,
                                                       float* out, int64_t B, int64_t Dn, int64_t U, int64_t nCat, int64_t u0) {
  for (int64_t b = 0; b < B; b++) {
    v16 num[NV], bag[NV];
    for (int v = 0; v < NV; v++) num[v] = bag[v] = v16{};
    const float* xb = x + b * Dn;
    for (int64_t k = 0; k < Dn; k++) {
      const float s = xb[k];
      const float* wk = w + k * U + u0;
      for (int v = 0; v < NV; v++) {
        v16 wv;
        std::memcpy(&wv, wk + 16 * v, sizeof wv);
        num[v] = num[v] + s * wv;
      }
    }
    const int32_t* ib = idx + b * nCat;
    for (int64_t c = 0; c < nCat; c++) {
      const float* row = table + static_cast<int64_t>(ib[c]) * U + u0;
      for (int v = 0; v < NV; v++) {
        v16 t;
        std::memcpy(&t, row + 16 * v, sizeof t);
        bag[v] = bag[v] + t;
      }
    }
    float* ob = out + b * U + u0;
    for (int v = 0; v < NV; v++) {
      v16 bv;
      std::memcpy(&bv, bias + u0 + 16 * v, sizeof bv);
      const v16 h = (bv + num[v]) + bag[v];
      std::memcpy(ob + 16 * v, &h, sizeof h);
    }
  }
}

}  // namespace

__attribute__((target_clones("avx512f", "avx2", "default")))
void mtlInputLayer(const float* x, const float* w, const float* bias, const float* table, const int32_t* idx,
                   float* out, int64_t B, int64_t Dn, int64_t U, int64_t nCat) {
  int64_t u0 = 0;
  for (; u0 + 64 <= U; u0 += 64) columnBlock<4>(x, w, bias, table, idx, out, B, Dn, U, nCat, u0);
  for (; u0 + 16 <= U; u0 += 16) columnBlock<1>(x, w, bias, table, idx, out, B, Dn, U, nCat, u0);
  for (; u0 < U; u0++) {  // the last columns one by one
    for (int64_t b = 0; b < B; b++) {
      float num = 0.0f, bag = 0.0f;
      for (int64_t k = 0; k < Dn; k++) num = num + x[b * Dn + k] * w[k * U + u0];
      for (int64_t c = 0; c < nCat; c++) bag = bag + table[static_cast<int64_t>(idx[b * nCat + c]) * U + u0];
      out[b * U + u0] = (bias[u0] + num) + bag;
    }
  }
}
