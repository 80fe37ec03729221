// The embedding bag's gather-sum, the same function as the wasm module in
// lib/kernels/wasm-bag-kernel.ts, at the CPU's vector width:
//   out[o, :] = +0 + Σ_{j = starts[o] .. starts[o+1]-1} src[list[j], :]
// Every output float is its own sequential sum in list order (vectors run across columns, and
// -ffp-contract=off / no reassociation keep each lane a scalar float32 add), so the result equals
// the wasm kernel's bit for bit. Columns are walked in blocks whose source rows stay in L1 while
// every output row reads them, as the wasm kernel does.
#include <cstdint>
#include <cstring>

#include "kernels.h"

namespace {

typedef float v16 __attribute__((vector_size(64), aligned(4)));

// Output rows [0, nOut) × columns [u0, u0 + 16·NV): NV vectors of accumulators held in registers.
template <int NV>
__attribute__((always_inline)) inline void columnBlock(const float* src, const int32_t* list, const int32_t* starts, float* out, int64_t nOut, int64_t U, int64_t u0) {
  for (int64_t o = 0; o < nOut; o++) {
    v16 acc[NV];
    for (int v = 0; v < NV; v++) acc[v] = v16{};  // every lane +0, as the wasm kernel starts
    for (int32_t j = starts[o]; j < starts[o + 1]; j++) {
      const float* row = src + static_cast<int64_t>(list[j]) * U + u0;
      for (int v = 0; v < NV; v++) {
        v16 x;
        std::memcpy(&x, row + 16 * v, sizeof x);
        acc[v] += x;
      }
    }
    std::memcpy(out + o * U + u0, acc, sizeof acc);
  }
}

}  // namespace

__attribute__((target_clones("avx512f", "avx2", "default")))
void mtlGatherSum(const float* src, const int32_t* list, const int32_t* starts, float* out, int64_t nOut, int64_t U) {
  int64_t u0 = 0;
  for (; u0 + 64 <= U; u0 += 64) columnBlock<4>(src, list, starts, out, nOut, U, u0);
  for (; u0 + 16 <= U; u0 += 16) columnBlock<1>(src, list, starts, out, nOut, U, u0);
  for (; u0 < U; u0++) {  // the last columns one by one
    for (int64_t o = 0; o < nOut; o++) {
      float acc = 0.0f;
      for (int32_t j = starts[o]; j < starts[o + 1]; j++) acc += src[static_cast<int64_t>(list[j]) * U + u0];
      out[o * U + u0] = acc;
    }
  }
}
