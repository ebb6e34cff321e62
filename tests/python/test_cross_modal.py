"""xmas.cross_modal_singular_values: the extractor's C++ functions (traj/)
against an independent PyTorch transcription of docs/method.md §3/§4."""
import math
import unittest

import numpy as np
import torch

import xmas

xmas.set_log_level("warn")


def reference_attention(q, k, image, length):
    """Head-averaged causal softmax(q kᵀ/√d), text rows after the image × image columns."""
    heads, _, d = q.shape
    group = heads // k.shape[0]
    rows = torch.arange(image[1], length)
    out = 0
    for h in range(heads):
        logits = q[h, rows].double() @ k[h // group, :length].double().T / math.sqrt(d)
        mask = torch.arange(length)[None, :] > rows[:, None]
        p = torch.softmax(logits.masked_fill(mask, -math.inf), dim=-1)
        out = out + p[:, image[0]:image[1]]
    return out / heads


def reference_official(q, k, image, padded, heads, kv_heads):
    """softmax_rows(K Qᵀ/√D) over every position (the authors' swap), K widened as the authors widen it:
    torch.repeat_interleave over features, each key feature repeated in place (docs/method.md)."""
    k = k.repeat_interleave(heads // kv_heads, dim=1)
    logits = k[image[1]:padded].double() @ q[:padded].double().T / math.sqrt(q.shape[1])
    return torch.softmax(logits, dim=-1)[:, image[0]:image[1]]


def top(matrix, k):
    s = torch.linalg.svdvals(matrix.double())[:k]
    return torch.cat([s, torch.zeros(k - len(s), dtype=torch.float64)]).numpy()


class CrossModalTest(unittest.TestCase):
    def test_attention_mode_matches_the_definition(self):
        g = torch.Generator().manual_seed(0)
        for heads, kv_heads, length, padded, image, layers in [(4, 2, 14, 16, (2, 7), 1), (2, 2, 9, 9, (0, 4), 3),
                                                               (6, 1, 20, 24, (5, 15), 2)]:
            with self.subTest(heads=heads, kv_heads=kv_heads, image=image, layers=layers):
                q = torch.randn(layers, heads, padded, 8, generator=g)
                k = torch.randn(layers, kv_heads, padded, 8, generator=g)
                got = xmas.cross_modal_singular_values(q, k, (image[1], length), image, top_k=5)
                ref = sum(reference_attention(q[l], k[l], image, length) for l in range(layers))
                np.testing.assert_allclose(got, top(ref, 5), rtol=1e-5, atol=1e-7)
                mean = xmas.cross_modal_singular_values(q, k, (image[1], length), image, top_k=5, combine="mean")
                np.testing.assert_allclose(mean, got / layers, rtol=1e-5, atol=1e-7)

    def test_official_mode_matches_the_definition(self):
        g = torch.Generator().manual_seed(1)
        for heads, kv_heads, d, padded, image in [(4, 4, 4, 12, (1, 6)), (4, 2, 3, 15, (3, 9)), (8, 2, 2, 10, (0, 3))]:
            with self.subTest(heads=heads, kv_heads=kv_heads, image=image):
                q = torch.randn(padded, heads * d, generator=g)
                k = torch.randn(padded, kv_heads * d, generator=g)
                got = xmas.cross_modal_singular_values(q, k, (image[1], padded), image, mode="official", top_k=4,
                                                       num_heads=heads, num_kv_heads=kv_heads)
                ref = reference_official(q, k, image, padded, heads, kv_heads)
                np.testing.assert_allclose(got, top(ref, 4), rtol=1e-5, atol=1e-7)

    def test_inputs_numpy_torch_and_half_precision(self):
        g = torch.Generator().manual_seed(2)
        q = torch.randn(2, 10, 4, generator=g).to(torch.bfloat16)
        k = torch.randn(2, 10, 4, generator=g).to(torch.bfloat16)
        a = xmas.cross_modal_singular_values(q, k, (5, 10), (1, 5))
        b = xmas.cross_modal_singular_values(q.float().numpy(), k.float().numpy(), (5, 10), (1, 5))
        c = xmas.cross_modal_singular_values([q, q], [k, k], (5, 10), (1, 5))  # two identical layers
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(c, 2 * a, rtol=1e-6)
        self.assertEqual(a.dtype, np.float64)
        self.assertTrue(np.all(np.diff(a) <= 0))

    def test_small_matrices_are_zero_padded_and_empty_text_gives_none(self):
        q = torch.randn(1, 6, 4)
        k = torch.randn(1, 6, 4)
        v = xmas.cross_modal_singular_values(q, k, (4, 6), (2, 4), top_k=5)  # 2 x 2 matrix
        self.assertEqual(v.shape, (5,))
        self.assertTrue(np.all(v[2:] == 0) and v[0] > 0)
        self.assertIsNone(xmas.cross_modal_singular_values(q, k, (6, 6), (2, 6)))

    def test_randomized_svd_is_seeded(self):
        q, k = torch.randn(2, 40, 8), torch.randn(2, 40, 8)
        a = xmas.cross_modal_singular_values(q, k, (20, 40), (4, 20), svd="randomized", seed=3)
        b = xmas.cross_modal_singular_values(q, k, (20, 40), (4, 20), svd="randomized", seed=3)
        exact = xmas.cross_modal_singular_values(q, k, (20, 40), (4, 20))
        np.testing.assert_array_equal(a, b)
        self.assertLessEqual(a[0], exact[0] * (1 + 1e-6))

    def test_bad_arguments(self):
        q, k = torch.randn(2, 10, 4), torch.randn(2, 10, 4)
        with self.assertRaisesRegex(ValueError, "text_span"):
            xmas.cross_modal_singular_values(q, k, (6, 10), (1, 5))
        with self.assertRaisesRegex(ValueError, "spans"):
            xmas.cross_modal_singular_values(q, k, (5, 11), (1, 5))
        with self.assertRaisesRegex(ValueError, "multiple"):
            xmas.cross_modal_singular_values(torch.randn(3, 10, 4), k, (5, 10), (1, 5))
        with self.assertRaisesRegex(xmas.errors.UsageError, "mode"):
            xmas.cross_modal_singular_values(q, k, (5, 10), (1, 5), mode="nope")
        with self.assertRaisesRegex(ValueError, "num_heads"):
            xmas.cross_modal_singular_values(torch.randn(10, 8), torch.randn(10, 4), (5, 10), (1, 5), mode="official")


if __name__ == "__main__":
    unittest.main()
