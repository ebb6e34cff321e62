// The matrix product FAISS's k-means uses for its distance search, with
// every dot product evaluated as one fused multiply-add chain
// (acc = fma(a_l, b_l, acc) for l = 0, 1, ...), as optimised BLAS kernels
// (OpenBLAS on AVX2/AVX-512 machines) do.
//
// Why: the authors' published outputs (our golden test) were produced by
// python3-faiss through such a BLAS; the reference BLAS Debian installs by
// default rounds each product separately, and after 100 k-means iterations
// 3% of the cluster assignments differ. Our build links a private copy of
// libfaiss.a whose sgemm_ calls are renamed to xmas_fma_sgemm_ (see
// CMakeLists.txt), so official mode matches bit for bit without touching
// the BLAS that the rest of the process (libtorch) uses. Because each
// output element's chain is independent, the result does not depend on
// vector width or thread count.
#pragma once

extern "C" {
// Fortran-BLAS sgemm_ signature: C = alpha·op(A)·op(B) + beta·C, column-major.
int xmas_fma_sgemm_(const char* transa, const char* transb, const int* m, const int* n,
                    const int* k, const float* alpha, const float* a, const int* lda,
                    const float* b, const int* ldb, const float* beta, float* c,
                    const int* ldc);
}
