"""xmas.Store: the feature store (docs/formats.md) written and read from NumPy."""
import json
import os

import numpy as np

import xmas
from common import TempDirTest, cli_error, read_json

xmas.set_log_level("warn")


class StoreTest(TempDirTest):
    def test_round_trip(self):
        rng = np.random.default_rng(0)
        n, t, k = 37, 4, 5
        ids = [f"id{i}::img/{i}.jpg" for i in range(n)]
        svd = rng.random((n, t, k), dtype=np.float32)
        valid = rng.random(n) > 0.2
        svd[~valid] = 0
        loss = rng.random((n, t)).astype(np.float64)  # converted to float32
        embed = rng.normal(size=(n, 8)).astype(np.float32)
        store = xmas.write_store(self.path("s"), ids, svd=svd, loss=loss, steps=[10, 20, 30, 40], valid=valid,
                                 static={"embed": embed, "nll": loss[:, 0]}, settings={"mode": "attention", "layers": [1, 2]})
        self.assertEqual(len(store), n)
        self.assertEqual(store.ids, ids)
        np.testing.assert_array_equal(store.valid, valid)
        self.assertEqual(store.steps("svd"), [10, 20, 30, 40])
        self.assertEqual(store.top_k, k)
        self.assertEqual(sorted(store.features), ["embed", "loss", "nll", "svd"])
        self.assertEqual(store.settings, {"mode": "attention", "layers": [1, 2]})
        np.testing.assert_array_equal(store.trajectories("svd"), svd)
        np.testing.assert_array_equal(store.trajectories("loss"), loss.astype(np.float32))
        self.assertEqual(store.read_checkpoint("loss", 20).shape, (n,))
        np.testing.assert_array_equal(store.read_checkpoint("svd", 30), svd[:, 2])
        np.testing.assert_array_equal(store.read_static("embed"), embed)
        self.assertEqual(store.read_static("nll").shape, (n,))
        self.assertEqual(store.info("embed")["cols"], 8)
        self.assertEqual(store.info("nll")["cols"], -1)
        # The files are plain .npy, as docs/formats.md says.
        self.assertEqual(np.load(self.path("s", "valid.npy")).dtype, np.int32)
        np.testing.assert_array_equal(np.load(self.path("s", "svd", "checkpoint-20.npy")), svd[:, 1])
        manifest = read_json(self.path("s", "manifest.json"))
        self.assertEqual(manifest["features"]["svd"]["shape"], [n, k])
        self.assertTrue(xmas.Store.is_store(self.path("s")))

    def test_writer_step_by_step(self):
        w = xmas.Store.create(self.path("w"), ["a", "b", "c"])
        w.add_checkpoint("svd", 5, np.ones((3, 2)))
        self.assertFalse(xmas.Store.is_store(self.path("w")))  # no manifest before finish()
        with self.assertRaises(xmas.errors.Error):
            xmas.Store(self.path("w"))
        w.set_top_k(2)
        w.finish()
        s = xmas.Store(self.path("w"))
        self.assertEqual(s.trajectories().shape, (3, 1, 2))
        self.assertTrue(s.valid.all())

    def test_bad_input(self):
        with self.assertRaisesRegex(xmas.errors.DataError, r"row 1 \(id 'a'\): duplicate id$"):
            xmas.Store.create(self.path("d"), ["a", "a"])
        with self.assertRaisesRegex(xmas.errors.DataError, "line break"):
            xmas.Store.create(self.path("d2"), ["a\nb"])
        w = xmas.Store.create(self.path("n"), ["a", "b"])
        bad = np.array([1.0, np.nan], dtype=np.float32)
        with self.assertRaisesRegex(xmas.errors.DataError, "row 1 .*id 'b'"):
            w.add_checkpoint("loss", 1, bad)
        with self.assertRaisesRegex(ValueError, r"shape \[2\]"):
            w.add_checkpoint("loss", 1, np.zeros(3))
        with self.assertRaises(ValueError):
            xmas.Store.create(self.path("v"), ["a", "b"], valid=[True])
        xmas.write_store(self.path("full"), ["x"], loss=np.ones((1, 1)))
        with self.assertRaises(xmas.errors.Error):  # not empty, no overwrite
            xmas.write_store(self.path("full"), ["x"], loss=np.ones((1, 1)))
        xmas.write_store(self.path("full"), ["x"], loss=np.ones((1, 1)), overwrite=True)
        with self.assertRaises(xmas.errors.NotFoundError):
            xmas.Store(self.path("full")).read_static("embed")

    def test_corrupt_store_error_is_the_cli_line(self):
        data = self.path("data.json")
        with open(data, "w") as f:
            json.dump([{"id": "a", "image": "x.jpg", "conversations": []},
                       {"id": "b", "image": "y.jpg", "conversations": []}], f)
        keys = xmas.Dataset(data).unique_idx
        xmas.write_store(self.path("s"), keys, svd=np.ones((2, 3, 5), np.float32))
        np.save(self.path("s", "svd", "checkpoint-2.npy"), np.array([[1, 2, 3, 4, 5], [1, 2, np.inf, 0, 0]], np.float32))
        expected = cli_error("select", "--trajectories", self.path("s"), "--data", data, "--budget", "1",
                             "--clusters", "1", "-o", self.path("o.json"))
        with self.assertRaises(xmas.errors.DataError) as e:
            xmas.Store(self.path("s")).read_checkpoint("svd", 2)
        self.assertEqual(str(e.exception), expected)
        with self.assertRaises(xmas.errors.DataError) as e:
            xmas.select(self.path("s"), 1, data=data, clusters=1)
        self.assertEqual(str(e.exception), expected)


if __name__ == "__main__":
    import unittest
    unittest.main()
