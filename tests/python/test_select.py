"""xmas.select equals `xmas select`: on the authors' golden files, and on
arrays (vs the CLI on a feature store holding the same numbers)."""
import json
import os
import tempfile
import unittest

import numpy as np

import xmas
from common import DATA, TempDirTest, comparable_report, gunzip, read_bytes, read_json, run_cli

xmas.set_log_level("warn")
GOLDEN = os.path.join(DATA, "official-golden-12k")


class GoldenTest(unittest.TestCase):
    """The authors' 12,000-example trajectory files (tests/fixtures/official-golden-12k)."""

    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="xmas-pytest-")
        cls.dir = cls._tmp.name
        cls.data = os.path.join(cls.dir, "data.json")
        gunzip(os.path.join(GOLDEN, "data.json.gz"), cls.data)
        cls.attn = os.path.join(cls.dir, "attn")
        os.mkdir(cls.attn)
        for name in os.listdir(os.path.join(GOLDEN, "attn_svd_files")):
            gunzip(os.path.join(GOLDEN, "attn_svd_files", name), os.path.join(cls.attn, name[:-3]))

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def both(self, name, budget, *cli_args, **py_args):
        """Runs the CLI and xmas.select with the same settings; returns (cli_report, result, paths)."""
        cli_out, py_out = (os.path.join(self.dir, f"{name}.{who}.json") for who in ("cli", "py"))
        run_cli("select", "--trajectories", self.attn, "--data", self.data, "--budget", budget, "-o", cli_out,
                *cli_args)
        result = xmas.select(self.attn, budget, data=self.data, output=py_out, **py_args)
        return read_json(cli_out[:-5] + ".report.json"), result, (cli_out, py_out)

    def check_equal(self, cli_report, result, paths):
        cli_out, py_out = paths
        self.assertEqual(read_bytes(cli_out), read_bytes(py_out))
        self.assertEqual(comparable_report(cli_report), comparable_report(result.report))
        self.assertEqual(result.indices.tolist(), cli_report["chosen_indices"])
        self.assertEqual(result.cluster_of.tolist(), cli_report["cluster_of_example"])
        self.assertEqual(result.report["trajectories"], self.attn)

    def test_official_mode_equals_cli_and_the_authors(self):
        cli_report, result, paths = self.both("official20", "20%", "--compat", "official", "--official-format",
                                              compat="official", official_format=True)
        self.check_equal(cli_report, result, paths)
        expected = os.path.join(self.dir, "subset_20.json")
        gunzip(os.path.join(GOLDEN, "official_out", "subset_20.json.gz"), expected)
        self.assertEqual(read_bytes(paths[1]), read_bytes(expected))  # the authors' own subset
        stability = read_json_gz(os.path.join(GOLDEN, "official_out",
                                              "attn_svd_stability_vals_top-5_singular_vals.json.gz"))
        ds = xmas.Dataset(self.data)
        keys = ds.unique_idx
        for i in (0, 1, 777, 11999):
            self.assertEqual(result.stability[i], stability[keys[i]])

    def test_default_mode_equals_cli(self):
        cli_report, result, paths = self.both("default", "1234", "--clusters", "40", "--seed", "7", clusters=40, seed=7)
        self.check_equal(cli_report, result, paths)
        self.assertEqual(len(result.indices), 1234)


def read_json_gz(path):
    import gzip
    with gzip.open(path, "rt") as f:
        return json.load(f)


def make_case(dir, n, t, k, text_share, seed):
    """A dataset of n records (some text-only, repeated ids) and svd values
    [n, t, k] (descending, zero rows for text-only). Returns (data, keys, values, text_only)."""
    rng = np.random.default_rng(seed)
    text_only = rng.random(n) < text_share
    records = []
    for i in range(n):
        r = {"id": f"ex{i % (n - 3)}", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]}
        if not text_only[i]:
            r["image"] = f"{['coco', 'gqa', 'vg'][i % 3]}/{i}.jpg"
        records.append(r)
    data = os.path.join(dir, "data.json")
    with open(data, "w") as f:
        json.dump(records, f, indent=1)
    keys = xmas.Dataset(data).unique_idx
    # Trajectories with structure (a few drifting groups) and noise.
    base = rng.random((5, t, k)) * 3
    values = base[rng.integers(0, 5, n)] + rng.normal(0, 0.3, (n, t, k)) + np.linspace(0, 1, t)[None, :, None]
    values = -np.sort(-np.abs(values), axis=2).astype(np.float32)
    values[text_only] = 0
    return data, keys, values, text_only


class ArraysTest(TempDirTest):
    """Arrays vs the CLI on a store with the same float32 values, over varied cases."""

    CASES = [  # n, t, k, text-only share, seed, budget, extra CLI args, extra python args
        (300, 4, 5, 0.1, 1, "20%", [], {}),
        (257, 6, 3, 0.0, 2, "50", ["--clusters", "7", "--features", "all"], dict(clusters=7, features="all")),
        (400, 3, 5, 0.3, 3, "33.3%", ["--standardize", "--seed", "99"], dict(standardize=True, seed=99)),
        (120, 8, 2, 0.05, 4, "40", ["--within", "centroid", "--clusters", "5"], dict(within="centroid", clusters=5)),
        (200, 5, 5, 0.2, 5, "10%", ["--compat", "official", "--clusters", "9"], dict(compat="official", clusters=9)),
    ]

    def test_arrays_equal_cli_on_a_store(self):
        for n, t, k, share, seed, budget, cli_args, py_args in self.CASES:
            with self.subTest(n=n, t=t, k=k, seed=seed):
                case = os.path.join(self.tmp, f"case{seed}")
                os.mkdir(case)
                data, keys, values, text_only = make_case(case, n, t, k, share, seed)
                steps = [100 * (s + 1) for s in range(t)]
                store = os.path.join(case, "store")
                xmas.write_store(store, keys, svd=values, steps=steps, valid=~text_only)
                cli_out = os.path.join(case, "cli.json")
                run_cli("select", "--trajectories", store, "--data", data, "--budget", budget, "-o", cli_out, *cli_args)
                cli_report = read_json(os.path.join(case, "cli.report.json"))
                py_out = os.path.join(case, "py.json")
                r = xmas.select(values, budget, data=data, ids=keys, text_only=text_only, steps=steps,
                                output=py_out, **py_args)
                self.assertEqual(read_bytes(cli_out), read_bytes(py_out))
                self.assertEqual(comparable_report(cli_report), comparable_report(r.report))
                # The same store read back by path gives the same again.
                again = xmas.select(store, budget, data=data, **py_args)
                self.assertEqual(again.indices.tolist(), r.indices.tolist())
                # Rows in another order: matched by key, same result.
                perm = np.random.default_rng(seed).permutation(n)
                shuffled = xmas.select(values[perm], budget, data=data, ids=[keys[i] for i in perm],
                                       text_only=text_only[perm], steps=steps, **py_args)
                if py_args.get("compat") != "official":  # official mode clusters in row order, as the authors
                    self.assertEqual(shuffled.indices.tolist(), r.indices.tolist())
                # Without data: one made-up record per row, the same choice.
                bare = xmas.select(values, budget, text_only=text_only, steps=steps, **py_args)
                self.assertEqual(bare.indices.tolist(), r.indices.tolist())
                self.assertEqual(bare.cluster_of.tolist(), r.cluster_of.tolist())

    def test_sums_equal_singular_values(self):
        data, keys, values, text_only = make_case(self.tmp, 240, 5, 5, 0.1, 11)
        sums = np.zeros(values.shape[:2])
        for d in range(values.shape[2]):  # left to right in double, as the store reader sums
            sums += values[:, :, d].astype(np.float64)
        a = xmas.select(values, "25%", text_only=text_only)
        b = xmas.select(sums.astype(np.float32), "25%", text_only=text_only)
        self.assertEqual(a.indices.tolist(), b.indices.tolist())
        np.testing.assert_array_equal(a.stability, b.stability)
        # Without normalisation (the authors' raw Σσ), stability = total variation
        # of the (float32) Σσ trajectory; NaN for text-only rows.
        raw = xmas.select(values, "25%", text_only=text_only, normalize="none")
        s32 = sums.astype(np.float32)
        tv = np.abs(np.diff(s32, axis=1)).sum(axis=1)
        np.testing.assert_allclose(raw.stability[~text_only], tv[~text_only], rtol=1e-6)
        self.assertTrue(np.isnan(a.stability[text_only]).all())
        self.assertTrue(np.isnan(raw.stability[text_only]).all())
        self.assertTrue((a.cluster_of[text_only] == a.report["details"]["clusters"]).all())

    def test_s2l_losses_equal_cli(self):
        data, keys, values, text_only = make_case(self.tmp, 150, 4, 1, 0.0, 12)
        loss = values[:, :, 0]
        store = self.path("loss-store")
        xmas.write_store(store, keys, loss=loss)
        run_cli("select", "--trajectories", store, "--data", data, "--budget", "30", "--method", "s2l",
                "-o", self.path("cli.json"))
        r = xmas.select(loss, 30, data=data, ids=keys, method="s2l")
        cli_report = read_json(self.path("cli.report.json"))
        self.assertEqual(comparable_report(cli_report), comparable_report(r.report))

    def test_torch_tensors_are_accepted(self):
        import torch
        data, keys, values, text_only = make_case(self.tmp, 100, 3, 5, 0.1, 13)
        a = xmas.select(values, 20, text_only=text_only)
        b = xmas.select(torch.from_numpy(values), 20, text_only=torch.from_numpy(text_only))
        self.assertEqual(a.indices.tolist(), b.indices.tolist())

    def test_errors(self):
        data, keys, values, text_only = make_case(self.tmp, 50, 3, 5, 0.0, 14)
        with self.assertRaisesRegex(xmas.errors.UsageError, r"^--method 'nope': unknown method \(expected: xmas, random, "):
            xmas.select(values, 5, method="nope")
        with self.assertRaisesRegex(xmas.errors.UsageError, r"examples asked, the data has 50$"):
            xmas.select(values, 51)
        with self.assertRaisesRegex(xmas.errors.UsageError, "feature store"):
            xmas.select(values, 5, method="semdedup")
        with self.assertRaises(ValueError):
            xmas.select(values[:, 0, 0], 5)  # 1-D
        with self.assertRaises(ValueError):
            xmas.select(values, 5, text_only=np.zeros(49, bool))
        with self.assertRaisesRegex(ValueError, "ids"):
            xmas.select(values, 5, data=data)
        bad_keys = list(keys)
        bad_keys[3] = "nobody::x.jpg"
        with self.assertRaisesRegex(xmas.errors.DataError, "key 'nobody::x.jpg': no record of .* \\(extra key\\)$"):
            xmas.select(values, 5, data=data, ids=bad_keys)
        with self.assertRaisesRegex(xmas.errors.DataError, r"^trajectories: row 2 \(id '2'\), checkpoint 1: non-finite"):
            v = values.copy()
            v[2, 1, 0] = np.nan
            xmas.select(v, 5)
        with self.assertRaisesRegex(xmas.errors.UsageError, "needs data="):
            xmas.select(self.tmp, 5)

    def test_path_error_is_the_cli_line(self):
        from common import cli_error
        data, keys, values, text_only = make_case(self.tmp, 40, 3, 5, 0.0, 15)
        missing = self.path("nothing-here")
        os.mkdir(missing)
        expected = cli_error("select", "--trajectories", missing, "--data", data, "--budget", "5", "-o",
                             self.path("o.json"))
        with self.assertRaises(xmas.errors.NotFoundError) as e:
            xmas.select(missing, 5, data=data)
        self.assertEqual(str(e.exception), expected)


if __name__ == "__main__":
    unittest.main()
