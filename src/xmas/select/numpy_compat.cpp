#include "xmas/select/numpy_compat.h"

#include <utility>

namespace xmas::select {
namespace {

constexpr size_t kPairwiseBlock = 128;  // NumPy's PW_BLOCKSIZE
constexpr ptrdiff_t kSmallQuicksort = 15;  // NumPy 1.24's SMALL_QUICKSORT
constexpr int kStackSize = 128;             // NumPy's PYA_QS_STACK (2 * bits of npy_intp)

int MostSignificantBit(uint64_t n) {
  int depth = 0;
  while (n >>= 1) ++depth;
  return depth;
}

// NumPy's aheapsort_: a 1-based heap over the index slice [first, first + n).
void ArgHeapsort(const int64_t* v, int64_t* first, ptrdiff_t n) {
  int64_t* a = first - 1;
  auto sift = [&](ptrdiff_t i, ptrdiff_t size, int64_t tmp) {
    for (ptrdiff_t j = i << 1; j <= size;) {
      if (j < size && v[a[j]] < v[a[j + 1]]) ++j;
      if (v[tmp] < v[a[j]]) {
        a[i] = a[j];
        i = j;
        j += j;
      } else {
        break;
      }
    }
    a[i] = tmp;
  };
  for (ptrdiff_t l = n >> 1; l > 0; --l) sift(l, n, a[l]);
  for (; n > 1;) {
    int64_t tmp = a[n];
    a[n] = a[1];
    n -= 1;
    sift(1, n, tmp);
  }
}

}  // namespace

float NumpyPairwiseSum(const float* a, size_t n) {
  if (n < 8) {
    float res = 0.f;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= kPairwiseBlock) {
    float r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return NumpyPairwiseSum(a, n2) + NumpyPairwiseSum(a + n2, n - n2);
}

std::vector<int64_t> NumpyArgsortQuick(const std::vector<int64_t>& values) {
  const ptrdiff_t num = static_cast<ptrdiff_t>(values.size());
  std::vector<int64_t> order(values.size());
  for (ptrdiff_t i = 0; i < num; ++i) order[i] = i;
  if (num < 2) return order;
  const int64_t* v = values.data();
  int64_t* pl = order.data();
  int64_t* pr = pl + num - 1;
  int64_t* stack[kStackSize];
  int64_t** sptr = stack;
  int depth[kStackSize];
  int* psdepth = depth;
  int cdepth = MostSignificantBit(static_cast<uint64_t>(num)) * 2;
  for (;;) {
    if (cdepth < 0) {
      ArgHeapsort(v, pl, pr - pl + 1);
    } else {
      while ((pr - pl) > kSmallQuicksort) {
        int64_t* pm = pl + ((pr - pl) >> 1);
        if (v[*pm] < v[*pl]) std::swap(*pm, *pl);
        if (v[*pr] < v[*pm]) std::swap(*pr, *pm);
        if (v[*pm] < v[*pl]) std::swap(*pm, *pl);
        const int64_t vp = v[*pm];
        int64_t* pi = pl;
        int64_t* pj = pr - 1;
        std::swap(*pm, *pj);
        for (;;) {
          do ++pi; while (v[*pi] < vp);
          do --pj; while (vp < v[*pj]);
          if (pi >= pj) break;
          std::swap(*pi, *pj);
        }
        std::swap(*pi, *(pr - 1));
        // Push the larger partition, loop on the smaller one.
        if (pi - pl < pr - pi) {
          *sptr++ = pi + 1;
          *sptr++ = pr;
          pr = pi - 1;
        } else {
          *sptr++ = pl;
          *sptr++ = pi - 1;
          pl = pi + 1;
        }
        *psdepth++ = --cdepth;
      }
      for (int64_t* pi = pl + 1; pi <= pr; ++pi) {  // insertion sort
        const int64_t vi = *pi;
        const int64_t vp = v[vi];
        int64_t* pj = pi;
        int64_t* pk = pi - 1;
        while (pj > pl && vp < v[*pk]) *pj-- = *pk--;
        *pj = vi;
      }
    }
    if (sptr == stack) break;
    pr = *(--sptr);
    pl = *(--sptr);
    cdepth = *(--psdepth);
  }
  return order;
}

}  // namespace xmas::select
