#include "xmas/select/fma_gemm.h"

#include <immintrin.h>

#include <cmath>
#include <vector>

namespace {

inline float Finish(float acc, float alpha, float beta, float old) {
  float r = alpha * acc;
  if (beta != 0.f) r += beta * old;
  return r;
}

// Column j of C, rows [0, m): at is op(A) transposed to k × m (row l holds
// A's l-th element of every output row), bj is op(B)'s column j.
void ColumnScalar(const float* at, const float* bj, int m, int k, float alpha, float beta, float* cj) {
  for (int i = 0; i < m; ++i) {
    float acc = 0.f;
    for (int l = 0; l < k; ++l) acc = std::fma(at[static_cast<size_t>(l) * m + i], bj[l], acc);
    cj[i] = Finish(acc, alpha, beta, cj[i]);
  }
}

__attribute__((target("avx2,fma"))) void ColumnAvx2(const float* at, const float* bj, int m, int k,
                                                    float alpha, float beta, float* cj) {
  int i = 0;
  for (; i + 32 <= m; i += 32) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (int l = 0; l < k; ++l) {
      const float* row = at + static_cast<size_t>(l) * m + i;
      const __m256 b = _mm256_set1_ps(bj[l]);
      a0 = _mm256_fmadd_ps(_mm256_loadu_ps(row), b, a0);
      a1 = _mm256_fmadd_ps(_mm256_loadu_ps(row + 8), b, a1);
      a2 = _mm256_fmadd_ps(_mm256_loadu_ps(row + 16), b, a2);
      a3 = _mm256_fmadd_ps(_mm256_loadu_ps(row + 24), b, a3);
    }
    if (alpha == 1.f && beta == 0.f) {  // FAISS's case: store the chains as they are
      _mm256_storeu_ps(cj + i, a0);
      _mm256_storeu_ps(cj + i + 8, a1);
      _mm256_storeu_ps(cj + i + 16, a2);
      _mm256_storeu_ps(cj + i + 24, a3);
      continue;
    }
    alignas(32) float acc[32];
    _mm256_store_ps(acc, a0);
    _mm256_store_ps(acc + 8, a1);
    _mm256_store_ps(acc + 16, a2);
    _mm256_store_ps(acc + 24, a3);
    for (int t = 0; t < 32; ++t) cj[i + t] = Finish(acc[t], alpha, beta, cj[i + t]);
  }
  for (; i < m; ++i) {
    float acc = 0.f;
    for (int l = 0; l < k; ++l) acc = std::fma(at[static_cast<size_t>(l) * m + i], bj[l], acc);
    cj[i] = Finish(acc, alpha, beta, cj[i]);
  }
}

bool HasAvx2Fma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

}  // namespace

extern "C" int xmas_fma_sgemm_(const char* transa, const char* transb, const int* m_, const int* n_,
                               const int* k_, const float* alpha_, const float* a, const int* lda_,
                               const float* b, const int* ldb_, const float* beta_, float* c,
                               const int* ldc_) {
  const int m = *m_, n = *n_, k = *k_, lda = *lda_, ldb = *ldb_, ldc = *ldc_;
  const float alpha = *alpha_, beta = *beta_;
  if (m <= 0 || n <= 0) return 0;
  const bool ta = *transa == 'T' || *transa == 't' || *transa == 'C' || *transa == 'c';
  const bool tb = *transb == 'T' || *transb == 't' || *transb == 'C' || *transb == 'c';
  // op(A)(i, l) laid out as at[l * m + i] so a column of C is a run of FMAs.
  std::vector<float> at(static_cast<size_t>(k) * m);
  for (int i = 0; i < m; ++i) {
    for (int l = 0; l < k; ++l) {
      at[static_cast<size_t>(l) * m + i] = ta ? a[l + static_cast<size_t>(i) * lda] : a[i + static_cast<size_t>(l) * lda];
    }
  }
  const bool avx2 = HasAvx2Fma();
#pragma omp parallel
  {
    std::vector<float> bj(k);
#pragma omp for schedule(static)
    for (int j = 0; j < n; ++j) {
      for (int l = 0; l < k; ++l) bj[l] = tb ? b[j + static_cast<size_t>(l) * ldb] : b[l + static_cast<size_t>(j) * ldb];
      float* cj = c + static_cast<size_t>(j) * ldc;
      if (k == 0) {
        for (int i = 0; i < m; ++i) cj[i] = Finish(0.f, alpha, beta, cj[i]);
      } else if (avx2) {
        ColumnAvx2(at.data(), bj.data(), m, k, alpha, beta, cj);
      } else {
        ColumnScalar(at.data(), bj.data(), m, k, alpha, beta, cj);
      }
    }
  }
  return 0;
}
