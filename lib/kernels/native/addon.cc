// The N-API face of the native kernels (loaded by lib/kernels/native-addon.ts). Every
// function takes the wasm heap's ArrayBuffer and byte offsets into it, checks that each operand
// lies inside the heap and is float-aligned, and works in place: no copies in or out.
#include <node_api.h>

#include <cstring>
#include <string>

#include "kernels.h"

namespace {

struct Heap {
  char* data = nullptr;
  int64_t size = 0;
};

bool heapOf(napi_env env, napi_value value, Heap* heap) {
  bool isBuffer = false;
  void* data = nullptr;
  size_t bytes = 0;
  napi_is_arraybuffer(env, value, &isBuffer);
  if (!isBuffer || napi_get_arraybuffer_info(env, value, &data, &bytes) != napi_ok) {
    napi_throw_type_error(env, nullptr, "the first argument must be the wasm heap's ArrayBuffer");
    return false;
  }
  heap->data = static_cast<char*>(data);
  heap->size = static_cast<int64_t>(bytes);
  return true;
}

bool ints(napi_env env, const napi_value* argv, int count, int64_t* out) {
  for (int i = 0; i < count; i++) {
    if (napi_get_value_int64(env, argv[i], &out[i]) != napi_ok || out[i] < 0) {
      napi_throw_range_error(env, nullptr, "sizes, offsets and steps must be non-negative integers");
      return false;
    }
  }
  return true;
}

bool floats(napi_env env, const napi_value* argv, int count, float* out) {
  for (int i = 0; i < count; i++) {
    double d = 0;
    if (napi_get_value_double(env, argv[i], &d) != napi_ok) {
      napi_throw_type_error(env, nullptr, "Adam's scalars must be numbers");
      return false;
    }
    out[i] = static_cast<float>(d);  // JS number → float32, as tfjs makes a scalar tensor
  }
  return true;
}

// [off, off + (count − 1)·step + bytes) inside the heap, float-aligned.
bool inside(napi_env env, const Heap& heap, int64_t off, int64_t step, int64_t count, int64_t bytes) {
  if (off % 4 != 0 || step % 4 != 0) {
    napi_throw_range_error(env, nullptr, "an operand is not float-aligned");
    return false;
  }
  if (off + (count > 0 ? count - 1 : 0) * step + bytes > heap.size) {
    napi_throw_range_error(env, nullptr, "an operand lies outside the heap");
    return false;
  }
  return true;
}

// True when each of `count` int32 row indices lies in [0, limit); else false, with `message` thrown.
bool rowsWithin(napi_env env, const int32_t* rows, int64_t count, int64_t limit, const char* message) {
  for (int64_t j = 0; j < count; j++) {
    if (rows[j] < 0 || rows[j] >= limit) {
      napi_throw_range_error(env, nullptr, message);
      return false;
    }
  }
  return true;
}

// Reads a call's `count` arguments, the first being the heap; false (a JS error thrown) otherwise.
bool callArgs(napi_env env, napi_callback_info info, const char* name, size_t count, napi_value* argv, Heap* heap) {
  size_t argc = count;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != count) {
    const std::string msg = std::string(name) + ": expected " + std::to_string(count) + " arguments";
    napi_throw_type_error(env, nullptr, msg.c_str());
    return false;
  }
  return heapOf(env, argv[0], heap);
}

// gemm(heap, G, M, N, K, aOff, aStep, bOff, bStep, cOff, transposeA, transposeB): G products
// op(A) [M × K] · op(B) [K × N]; steps in bytes between pairs, 0 = the operand is shared.
napi_value Gemm(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  Heap heap;
  int64_t n[9];
  if (!callArgs(env, info, "gemm", 12, argv, &heap) || !ints(env, argv + 1, 9, n)) return nullptr;
  bool ta = false, tb = false;
  napi_get_value_bool(env, argv[10], &ta);
  napi_get_value_bool(env, argv[11], &tb);
  const int64_t G = n[0], M = n[1], N = n[2], K = n[3];
  const int64_t aOff = n[4], aStep = n[5], bOff = n[6], bStep = n[7], cOff = n[8];
  if (!inside(env, heap, aOff, aStep, G, M * K * 4) || !inside(env, heap, bOff, bStep, G, K * N * 4) ||
      !inside(env, heap, cOff, M * N * 4, G, M * N * 4)) {
    return nullptr;
  }
  for (int64_t g = 0; g < G; g++) {
    const float* ap = reinterpret_cast<const float*>(heap.data + aOff + g * aStep);
    const float* bp = reinterpret_cast<const float*>(heap.data + bOff + g * bStep);
    float* cp = reinterpret_cast<float*>(heap.data + cOff + g * M * N * 4);
    if (K == 0) {
      std::memset(cp, 0, M * N * 4);
      continue;
    }
    const Operand a = ta ? Operand{ap, 1, M} : Operand{ap, K, 1};
    const Operand b = tb ? Operand{bp, 1, K} : Operand{bp, N, 1};
    mtlGemm(a, b, cp, M, N, K);
  }
  return nullptr;
}

// adam(heap, R, n, thetaOff, mOff, vOff, gOff, thetaOutOff, mOutOff, vOutOff, lrOff, activeOff | null,
//      beta1, 1 − beta1, beta2, 1 − beta2, c1, c2, epsilon): a variable of R replicas × n elements;
// lr is float32[R] and active (tfjs bool: one byte per replica) uint8[R], both read in the heap, so
// the trainer's step reads nothing back to the host; an inactive replica's θ, m, v are copied unchanged.
napi_value Adam(napi_env env, napi_callback_info info) {
  napi_value argv[19];
  Heap heap;
  int64_t n[10];
  float k[7];
  if (!callArgs(env, info, "adam", 19, argv, &heap) || !ints(env, argv + 1, 10, n) || !floats(env, argv + 12, 7, k)) return nullptr;
  const int64_t R = n[0], E = n[1];
  for (int i = 2; i < 9; i++) {
    if (!inside(env, heap, n[i], 0, 1, R * E * 4)) return nullptr;
  }
  if (!inside(env, heap, n[9], 0, 1, R * 4)) return nullptr;
  const float* lr = reinterpret_cast<const float*>(heap.data + n[9]);
  const uint8_t* active = nullptr;  // null: every replica trains
  napi_valuetype activeType;
  napi_typeof(env, argv[11], &activeType);
  if (activeType != napi_null) {
    int64_t activeOff = 0;
    if (!ints(env, argv + 11, 1, &activeOff)) return nullptr;
    if (activeOff + R > heap.size) {
      napi_throw_range_error(env, nullptr, "an operand lies outside the heap");
      return nullptr;
    }
    active = reinterpret_cast<const uint8_t*>(heap.data + activeOff);
  }
  for (int64_t r = 0; r < R; r++) {
    const auto at = [&](int i) { return reinterpret_cast<float*>(heap.data + n[i] + r * E * 4); };
    if (active && !active[r]) {  // θ, m, v kept bit for bit
      for (int i = 0; i < 3; i++) std::memmove(at(6 + i), at(2 + i), E * 4);
      continue;
    }
    const AdamScalars s{k[0], k[1], k[2], k[3], k[4], k[5], k[6], lr[r]};
    mtlAdam(at(2), at(3), at(4), at(5), at(6), at(7), at(8), E, s);
  }
  return nullptr;
}

// gsum(heap, R, nOut, U, nSrc, srcOff, srcStep, listOff, listLength, startsOff, outOff, outStep):
// per replica r, out_r[o, :] = +0 + Σ_j src_r[list[j], :] over j in [starts[o], starts[o+1]);
// src_r has nSrc rows of U floats; steps are bytes between replicas. The list and the starts are
// int32 in the heap, shared by the replicas, and checked before anything is read through them.
napi_value GatherSum(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  Heap heap;
  int64_t n[11];
  if (!callArgs(env, info, "gsum", 12, argv, &heap) || !ints(env, argv + 1, 11, n)) return nullptr;
  const int64_t R = n[0], nOut = n[1], U = n[2], nSrc = n[3], srcOff = n[4], srcStep = n[5];
  const int64_t listOff = n[6], listLength = n[7], startsOff = n[8], outOff = n[9], outStep = n[10];
  if (!inside(env, heap, srcOff, srcStep, R, nSrc * U * 4) || !inside(env, heap, outOff, outStep, R, nOut * U * 4) ||
      !inside(env, heap, listOff, 0, 1, listLength * 4) || !inside(env, heap, startsOff, 0, 1, (nOut + 1) * 4)) {
    return nullptr;
  }
  const int32_t* list = reinterpret_cast<const int32_t*>(heap.data + listOff);
  const int32_t* starts = reinterpret_cast<const int32_t*>(heap.data + startsOff);
  for (int64_t o = 0; o < nOut; o++) {
    if (starts[o] < 0 || starts[o] > starts[o + 1] || starts[o + 1] > listLength) {
      napi_throw_range_error(env, nullptr, "gsum: the starts must ascend within the list");
      return nullptr;
    }
  }
  if (!rowsWithin(env, list, listLength, nSrc, "gsum: a list entry is not a source row")) return nullptr;
  for (int64_t r = 0; r < R; r++) {
    const float* src = reinterpret_cast<const float*>(heap.data + srcOff + r * srcStep);
    float* out = reinterpret_cast<float*>(heap.data + outOff + r * outStep);
    if (U > 0) mtlGatherSum(src, list, starts, out, nOut, U);
  }
  return nullptr;
}

// reluGrad(heap, n, dyOff, xOff, outOff): out = dy · step(x) over n floats.
napi_value ReluGrad(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  Heap heap;
  int64_t n[4];
  if (!callArgs(env, info, "reluGrad", 5, argv, &heap) || !ints(env, argv + 1, 4, n)) return nullptr;
  for (int i = 1; i < 4; i++) {
    if (!inside(env, heap, n[i], 0, 1, n[0] * 4)) return nullptr;
  }
  const auto at = [&](int i) { return reinterpret_cast<float*>(heap.data + n[i]); };
  mtlReluGrad(at(1), at(2), at(3), n[0]);
  return nullptr;
}

// inputLayer(heap, R, B, Dn, U, V, nCat, xOff, wOff, biasOff, tableOff, idxOff, outOff): per replica r,
// out_r[b, :] = (bias_r + x[b, :] · w_r) + Σ_c table_r[idx[b, c], :]; x [B, Dn] and idx int32
// [B, nCat] are shared, w_r [Dn, U], bias_r [U], table_r [V, U], out_r [B, U] follow each other.
napi_value InputLayer(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  Heap heap;
  int64_t n[12];
  if (!callArgs(env, info, "inputLayer", 13, argv, &heap) || !ints(env, argv + 1, 12, n)) return nullptr;
  const int64_t R = n[0], B = n[1], Dn = n[2], U = n[3], V = n[4], nCat = n[5];
  if (!inside(env, heap, n[6], 0, 1, B * Dn * 4) || !inside(env, heap, n[7], 0, 1, R * Dn * U * 4) ||
      !inside(env, heap, n[8], 0, 1, R * U * 4) || !inside(env, heap, n[9], 0, 1, R * V * U * 4) ||
      !inside(env, heap, n[10], 0, 1, B * nCat * 4) || !inside(env, heap, n[11], 0, 1, R * B * U * 4)) {
    return nullptr;
  }
  const int32_t* idx = reinterpret_cast<const int32_t*>(heap.data + n[10]);
  if (!rowsWithin(env, idx, B * nCat, V, "inputLayer: an index is not a table row")) return nullptr;
  const auto at = [&](int i, int64_t r, int64_t size) { return reinterpret_cast<float*>(heap.data + n[i] + r * size * 4); };
  for (int64_t r = 0; r < R; r++) {
    mtlInputLayer(at(6, 0, 0), at(7, r, Dn * U), at(8, r, U), at(9, r, V * U), idx, at(11, r, B * U), B, Dn, U, nCat);
  }
  return nullptr;
}

// mixDots(heap, R, K, n, B, H, dyOff, eOff, outOff): out [R, B, K, n] = Σ_h dy [R, K, B, H] · e [R, n, B, H].
napi_value MixDots(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  Heap heap;
  int64_t n[8];
  if (!callArgs(env, info, "mixDots", 9, argv, &heap) || !ints(env, argv + 1, 8, n)) return nullptr;
  const int64_t R = n[0], K = n[1], N = n[2], B = n[3], H = n[4];
  if (!inside(env, heap, n[5], 0, 1, R * K * B * H * 4) || !inside(env, heap, n[6], 0, 1, R * N * B * H * 4) ||
      !inside(env, heap, n[7], 0, 1, R * B * K * N * 4)) {
    return nullptr;
  }
  const auto at = [&](int i) { return reinterpret_cast<float*>(heap.data + n[i]); };
  if (R * B * K * N > 0) mtlMixDots(at(5), at(6), at(7), R, K, N, B, H);
  return nullptr;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_value gemm, adam, gsum;
  napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, Gemm, nullptr, &gemm);
  napi_create_function(env, "adam", NAPI_AUTO_LENGTH, Adam, nullptr, &adam);
  napi_set_named_property(env, exports, "gemm", gemm);
  napi_set_named_property(env, exports, "adam", adam);
  napi_create_function(env, "gsum", NAPI_AUTO_LENGTH, GatherSum, nullptr, &gsum);
  napi_set_named_property(env, exports, "gsum", gsum);
  napi_value reluGrad;
  napi_create_function(env, "reluGrad", NAPI_AUTO_LENGTH, ReluGrad, nullptr, &reluGrad);
  napi_set_named_property(env, exports, "reluGrad", reluGrad);
  napi_value inputLayer;
  napi_create_function(env, "inputLayer", NAPI_AUTO_LENGTH, InputLayer, nullptr, &inputLayer);
  napi_set_named_property(env, exports, "inputLayer", inputLayer);
  napi_value mixDots;
  napi_create_function(env, "mixDots", NAPI_AUTO_LENGTH, MixDots, nullptr, &mixDots);
  napi_set_named_property(env, exports, "mixDots", mixDots);
  return exports;
}
