// Native products for the wasm backend's heap: C = op(A) · op(B), read and written in
// place in the tfjs wasm heap (addon.cc hands the heap's ArrayBuffer memory to these kernels).
//
// Bit-identical to XNNPACK's wasm SIMD GEMM, which every committed result used: each output is
// acc = +0, then acc = acc + a[i,k]·b[k,j] for k ascending, the product rounded before the add
// (wasm SIMD has no fused multiply-add). Here the same: vectors run across output COLUMNS, so
// each lane is one output's sequential sum whatever the vector width, and the build passes
// -ffp-contract=off so the compiler cannot fuse the multiply into the add. That keeps runs
// reproducible across machines and lets the run key keep its numerics class.
//
// Speed comes from keeping a 6 × 32 block of C in registers while streaming K, with the 32
// columns of B packed k-major once per column panel (an explicit transpose of B costs no extra
// pass: the packing reads either layout). target_clones builds AVX-512, AVX2 and baseline
// versions; the loader picks the one this CPU runs.
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels.h"

namespace {

constexpr int NR = 32;  // columns of a C block (two 16-float vectors)
constexpr int MR = 6;   // rows of a C block
typedef float v16 __attribute__((vector_size(64), aligned(4)));

// C block rows [i0, i0+mr) × columns [j0, j0+nc) from a packed B panel bp[k][NR].
template <int mr>
__attribute__((always_inline)) inline void block(const Operand& a, const float* bp, float* c, int64_t ldc, int64_t i0, int64_t j0, int nc, int64_t K) {
  v16 acc[mr][2];
  for (int i = 0; i < mr; i++) acc[i][0] = acc[i][1] = v16{} ;
  const float* ai = a.p + i0 * a.rs;
  for (int64_t k = 0; k < K; k++) {
    v16 b0, b1;
    std::memcpy(&b0, bp + k * NR, 64);
    std::memcpy(&b1, bp + k * NR + 16, 64);
    const float* ak = ai + k * a.cs;
    for (int i = 0; i < mr; i++) {
      // scalar · vector broadcasts s (one broadcast load); `v16{} + s` cost an add per row and k
      const float s = ak[i * a.rs];
      acc[i][0] = acc[i][0] + s * b0;
      acc[i][1] = acc[i][1] + s * b1;
    }
  }
  for (int i = 0; i < mr; i++) {
    float* ci = c + (i0 + i) * ldc + j0;
    if (nc == NR) {
      std::memcpy(ci, &acc[i][0], 64);
      std::memcpy(ci + 16, &acc[i][1], 64);
    } else {
      float tmp[NR];
      std::memcpy(tmp, &acc[i][0], 64);
      std::memcpy(tmp + 16, &acc[i][1], 64);
      std::memcpy(ci, tmp, nc * sizeof(float));
    }
  }
}

}  // namespace

__attribute__((target_clones("avx512f", "avx2", "default")))
void mtlGemm(const Operand& a, const Operand& b, float* c, int64_t M, int64_t N, int64_t K) {
  if (N == 1 && M > 1) {
    // one column (every tower's output layer): 31 of a block's 32 lanes would idle, so compute the
    // row op(B)ᵀ · op(A)ᵀ instead, whose lanes run across the M outputs. Each output is the same
    // sum, +0 then + b[k]·a[i, k] for k ascending (a product is the same float either way round),
    // and a 1 × M row is laid out as the M × 1 column.
    mtlGemm(Operand{b.p, b.cs, b.rs}, Operand{a.p, a.cs, a.rs}, c, 1, M, K);
    return;
  }
  thread_local std::vector<float> pack;
  if (pack.size() < static_cast<size_t>(K * NR)) pack.resize(K * NR);
  float* bp = pack.data();
  for (int64_t j0 = 0; j0 < N; j0 += NR) {
    const int nc = static_cast<int>(N - j0 < NR ? N - j0 : NR);
    for (int64_t k = 0; k < K; k++) {
      const float* bk = b.p + k * b.rs + j0 * b.cs;
      float* dst = bp + k * NR;
      int j = 0;
      for (; j < nc; j++) dst[j] = bk[j * b.cs];
      for (; j < NR; j++) dst[j] = 0.0f;
    }
    int64_t i0 = 0;
    for (; i0 + MR <= M; i0 += MR) block<MR>(a, bp, c, N, i0, j0, nc, K);
    for (; i0 < M; i0++) block<1>(a, bp, c, N, i0, j0, nc, K);
  }
}
