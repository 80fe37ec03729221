// The gated mix's weight gradient (MtlMixGradW; the wasm module's `dots` in
// lib/kernels/wasm-bag-kernel.ts) at the CPU's vector width:
//   out[r, b, k, i] = +0 + Σ_h dy[r, k, b, h] · e[r, i, b, h]      (h ascending, each product rounded, then added)
// Each output is one sequential sum, so vectors run across 16 rows b, one per lane: the K + n
// rows of a block are first transposed into a scratch [K + n][H][16], then every (k, i) sum runs
// down h with all 16 lanes at once. Lanes past the last row hold zeros whose sums are dropped.
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels.h"

namespace {

typedef float v16 __attribute__((vector_size(64), aligned(4)));
constexpr int L = 16;  // rows b per block, one per lane

// Sums of the block: acc[k·n + i] lane l = out[b0 + l, k, i]. K, N fixed: the accumulators stay in registers.
template <int K, int N>
__attribute__((always_inline)) inline void dotsFixed(const float* td, const float* te, float* out, int64_t H, int64_t lanes) {
  v16 acc[K * N];
  for (int j = 0; j < K * N; j++) acc[j] = v16{};
  for (int64_t h = 0; h < H; h++) {
    v16 d[K], e[N];
    for (int k = 0; k < K; k++) std::memcpy(&d[k], td + (k * H + h) * L, sizeof(v16));
    for (int i = 0; i < N; i++) std::memcpy(&e[i], te + (i * H + h) * L, sizeof(v16));
    for (int k = 0; k < K; k++) {
      for (int i = 0; i < N; i++) acc[k * N + i] = acc[k * N + i] + d[k] * e[i];
    }
  }
  for (int j = 0; j < K * N; j++) {
    float lane[L];
    std::memcpy(lane, &acc[j], sizeof lane);
    for (int64_t l = 0; l < lanes; l++) out[l * K * N + j] = lane[l];
  }
}

// Any K, n: one (k, i) sum at a time.
void dotsAny(const float* td, const float* te, float* out, int64_t K, int64_t N, int64_t H, int64_t lanes) {
  for (int64_t k = 0; k < K; k++) {
    for (int64_t i = 0; i < N; i++) {
      v16 acc = v16{};
      for (int64_t h = 0; h < H; h++) {
        v16 d, e;
        std::memcpy(&d, td + (k * H + h) * L, sizeof d);
        std::memcpy(&e, te + (i * H + h) * L, sizeof e);
        acc = acc + d * e;
      }
      float lane[L];
      std::memcpy(lane, &acc, sizeof lane);
      for (int64_t l = 0; l < lanes; l++) out[l * K * N + k * N + i] = lane[l];
    }
  }
}

}  // namespace

__attribute__((target_clones("avx512f", "avx2", "default")))
void mtlMixDots(const float* dy, const float* e, float* out, int64_t R, int64_t K, int64_t N, int64_t B, int64_t H) {
  thread_local std::vector<float> scratch;
  const int64_t rows = K + N;
  if (scratch.size() < static_cast<size_t>(rows * H * L)) scratch.resize(rows * H * L);
  float* td = scratch.data();
  float* te = td + K * H * L;
  for (int64_t r = 0; r < R; r++) {
    for (int64_t b0 = 0; b0 < B; b0 += L) {
      const int64_t lanes = B - b0 < L ? B - b0 : L;
      for (int64_t j = 0; j < rows; j++) {  // t[j][h][l] = (dy rows, then e rows)[r, j, b0 + l, h]
        const float* src = j < K ? dy + ((r * K + j) * B + b0) * H : e + ((r * N + (j - K)) * B + b0) * H;
        float* t = td + j * H * L;
        for (int64_t l = 0; l < lanes; l++) {
          for (int64_t h = 0; h < H; h++) t[h * L + l] = src[l * H + h];
        }
        for (int64_t l = lanes; l < L; l++) {
          for (int64_t h = 0; h < H; h++) t[h * L + l] = 0.0f;
        }
      }
      float* o = out + (r * B + b0) * K * N;
      if (K == 3 && N == 6) {
        dotsFixed<3, 6>(td, te, o, H, lanes);  // census AdaTT-sp: 3 tasks × 2 experts
      } else if (K == 2 && N == 8) {
        dotsFixed<2, 8>(td, te, o, H, lanes);  // MMoE: 2 tasks, 8 experts
      } else {
        dotsAny(td, te, o, K, N, H, lanes);
      }
    }
  }
}
