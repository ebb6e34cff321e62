#include "xmas/select/kmeans_exhaustive.h"

#include <immintrin.h>

#include <limits>
#include <vector>

namespace xmas::select {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr size_t kMaxVectorDims = 64;  // broadcast x values kept in registers/stack

// Keeps (first, second) sorted; ties keep the earlier (lower) index first.
inline void Offer(float dist, int32_t c, TwoNearest* t) {
  if (dist < t->first_d2 || (dist == t->first_d2 && c < t->first)) {
    t->second_d2 = t->first_d2;
    t->second = t->first;
    t->first_d2 = dist;
    t->first = c;
  } else if (dist < t->second_d2 || (dist == t->second_d2 && c < t->second)) {
    t->second_d2 = dist;
    t->second = c;
  }
}

TwoNearest Empty() { return TwoNearest{-1, -1, kInf, kInf}; }

// Centroids [from, k) for one row, one at a time (ct: transposed, d × k).
void Scalar(const float* xi, size_t d, const float* ct, size_t k, size_t from, TwoNearest* t) {
  for (size_t c = from; c < k; ++c) {
    float s = 0.f;
    for (size_t j = 0; j < d; ++j) {
      const float u = ct[j * k + c] - xi[j];
      s += u * u;
    }
    Offer(s, static_cast<int32_t>(c), t);
  }
}

// Eight centroids at a time: per lane the two nearest so far, merged at the end.
__attribute__((target("avx2,fma"))) void Avx2(const float* xi, size_t d, const float* ct, size_t k,
                                              TwoNearest* t) {
  __m256 xb[kMaxVectorDims];
  for (size_t j = 0; j < d; ++j) xb[j] = _mm256_set1_ps(xi[j]);
  __m256 b1 = _mm256_set1_ps(kInf), b2 = b1;
  __m256 i1 = _mm256_set1_ps(-1.f), i2 = i1;  // indices as floats (exact below 2^24)
  __m256 idx = _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256 eight = _mm256_set1_ps(8.f);
  size_t c = 0;
  for (; c + 8 <= k; c += 8) {
    __m256 acc = _mm256_setzero_ps();
    for (size_t j = 0; j < d; ++j) {
      const __m256 u = _mm256_sub_ps(_mm256_loadu_ps(ct + j * k + c), xb[j]);
      acc = _mm256_fmadd_ps(u, u, acc);
    }
    const __m256 new_first = _mm256_cmp_ps(acc, b1, _CMP_LT_OQ);
    const __m256 new_second = _mm256_andnot_ps(new_first, _mm256_cmp_ps(acc, b2, _CMP_LT_OQ));
    b2 = _mm256_blendv_ps(_mm256_blendv_ps(b2, acc, new_second), b1, new_first);
    i2 = _mm256_blendv_ps(_mm256_blendv_ps(i2, idx, new_second), i1, new_first);
    b1 = _mm256_blendv_ps(b1, acc, new_first);
    i1 = _mm256_blendv_ps(i1, idx, new_first);
    idx = _mm256_add_ps(idx, eight);
  }
  alignas(32) float v1[8], v2[8], j1[8], j2[8];
  _mm256_store_ps(v1, b1);
  _mm256_store_ps(v2, b2);
  _mm256_store_ps(j1, i1);
  _mm256_store_ps(j2, i2);
  for (int lane = 0; lane < 8; ++lane) {
    if (j1[lane] >= 0) Offer(v1[lane], static_cast<int32_t>(j1[lane]), t);
    if (j2[lane] >= 0) Offer(v2[lane], static_cast<int32_t>(j2[lane]), t);
  }
  Scalar(xi, d, ct, k, c, t);
}

bool HasAvx2Fma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

}  // namespace

TwoNearest NearestTwoTransposed(const float* row, size_t d, const float* ct, size_t k) {
  TwoNearest t = Empty();
  if (HasAvx2Fma() && d <= kMaxVectorDims && k < (size_t{1} << 24)) {
    Avx2(row, d, ct, k, &t);
  } else {
    Scalar(row, d, ct, k, 0, &t);
  }
  return t;
}

void NearestTwo(const float* x, size_t n, size_t d, const float* centroids, size_t k, TwoNearest* out) {
  std::vector<float> ct(d * k);  // transposed, so a vector load covers 8 centroids
  for (size_t c = 0; c < k; ++c) {
    for (size_t j = 0; j < d; ++j) ct[j * k + c] = centroids[c * d + j];
  }
#pragma omp parallel for schedule(static)
  for (long i = 0; i < static_cast<long>(n); ++i) out[i] = NearestTwoTransposed(x + i * d, d, ct.data(), k);
}

}  // namespace xmas::select
