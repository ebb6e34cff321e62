"""xmas.Dataset: read, validate and subset byte for byte, as the CLI does;
data errors are exceptions with the CLI's one-line messages."""
import json
import os

import numpy as np

import xmas
from common import DATA, TempDirTest, cli_error, read_bytes, read_json, run_cli

xmas.set_log_level("warn")
TINY = os.path.join(DATA, "dataset", "tiny_llava.json")


class DatasetTest(TempDirTest):
    def test_reads_keys_and_sources(self):
        ds = xmas.Dataset(TINY)
        with open(os.path.join(DATA, "dataset", "tiny_llava.golden.tsv")) as f:
            golden = [line.rstrip("\n").split("\t") for line in f]
        self.assertEqual(len(ds), len(golden))
        self.assertEqual(ds.unique_idx, [g[0] for g in golden])
        self.assertEqual(ds.sources, [g[1] for g in golden])
        self.assertEqual(ds[0]["id"], "000000033471")
        self.assertEqual(ds[-1]["index"], len(ds) - 1)
        self.assertEqual(ds.has_image.tolist(), [r != "text-only" for r in ds.sources])
        turns = ds.conversations(0)
        self.assertEqual(turns[0]["from"], "human")
        self.assertIn("<image>", turns[0]["value"])
        raw = read_bytes(TINY)
        self.assertIn(ds.raw(2), raw)
        self.assertEqual(json.loads(ds.raw(2))["id"], ds[2]["id"])
        self.assertEqual(ds.find_unique_idx(ds.unique_idx[4]), 4)
        self.assertEqual(ds.find_unique_idx("nope"), -1)
        self.assertEqual(ds.find_id("000000033471"), [0, 1, 10])
        with self.assertRaises(IndexError):
            ds[len(ds)]

    def test_subset_equals_cli(self):
        ds = xmas.Dataset(TINY)
        rng = np.random.default_rng(3)
        for trial, indices in enumerate([[0], [3, 1, 3, 10], list(range(len(ds))), rng.integers(0, len(ds), 7).tolist(), []]):
            with self.subTest(indices=indices):
                listing = self.path(f"keep{trial}.txt")
                with open(listing, "w") as f:
                    f.write("".join(f"{i}\n" for i in indices))
                cli, py = self.path(f"cli{trial}.json"), self.path(f"py{trial}.json")
                run_cli("data", "subset", TINY, "--indices", listing, "-o", cli)
                ds.subset(indices, py)
                self.assertEqual(read_bytes(cli), read_bytes(py))
        ds.subset([5, 2], self.path("given.json"), order="given")
        self.assertEqual(read_json(self.path("given.json")), [json.loads(ds.raw(5)), json.loads(ds.raw(2))])
        with self.assertRaises(IndexError):
            ds.subset([len(ds)], self.path("x.json"))
        with self.assertRaises(xmas.errors.Error):  # never over its input
            ds.subset([0], TINY)
        self.assertFalse(os.path.exists(self.path("x.json")))

    def test_data_errors_are_the_cli_lines(self):
        cases = {
            "no-id": '[{"image": "a.jpg", "conversations": []}]',
            "id-type": '[{"id": "a", "conversations": []}, {"id": [1], "conversations": []}]',
            "image-type": '[{"id": "a", "image": 3, "conversations": []}]',
            "conv-type": '[{"id": "a", "conversations": {"from": "human"}}]',
            "syntax": '[{"id": "a", "conversations": []},\n {"id": "b" "conversations": []}]',
            "not-array": '"a"',
            "collision": '[{"id": "a", "image": "x.jpg"}, {"id": "a", "image": "x.jpg"}, {"id": "a::x.jpg#1"}]',
        }
        for name, text in cases.items():
            with self.subTest(case=name):
                path = self.path(name + ".json")
                with open(path, "w") as f:
                    f.write(text)
                # `xmas tokenizer train` reads its data strictly, as xmas.Dataset(path) does.
                expected = cli_error("tokenizer", "train", path, "-o", self.path(name + ".model"))
                with self.assertRaises(xmas.errors.DataError) as e:
                    xmas.Dataset(path)
                self.assertEqual(str(e.exception), expected)
                self.assertNotIn("\n", str(e.exception))
        with self.assertRaises(xmas.errors.NotFoundError) as e:
            xmas.Dataset(self.path("missing.json"))
        self.assertIn("missing.json", str(e.exception))

    def test_validate_equals_cli(self):
        records = [
            {"id": "ok", "image": "a.jpg", "conversations": [{"from": "human", "value": "<image>\nq"}, {"from": "gpt", "value": "a"}]},
            {"id": "two-images", "image": "a.jpg", "conversations": [{"from": "human", "value": "<image><image>"}, {"from": "gpt", "value": "a"}]},
            {"id": "roles", "conversations": [{"from": "user", "value": "q"}, {"from": "gpt", "value": "a"}]},
            {"id": "", "conversations": []},
            {"id": 7, "image": "../../etc/passwd", "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "x"}]},
        ]
        path = self.path("v.json")
        with open(path, "w") as f:
            json.dump(records, f, indent=2)
        p = run_cli("data", "validate", path, check=False)
        self.assertEqual(p.returncode, 1)
        cli_lines = p.stdout.splitlines()
        ds = xmas.Dataset(path, strict=False)
        report = ds.validate()
        self.assertFalse(report["ok"])
        self.assertEqual([q["message"] for q in report["problems"]], cli_lines[:-2 if "not checked" in cli_lines[-1] else -1])
        self.assertTrue(any(line.endswith(report["summary"]) for line in cli_lines))
        self.assertEqual(report["bad_records"], [1, 2, 3])
        with self.assertRaises(xmas.errors.DataError) as e:
            ds.check()
        self.assertTrue(str(e.exception).startswith(report["problems"][0]["message"]))
        self.assertEqual(ds.check(on_error="skip"), [0, 4])

    def test_images_checked_in_a_folder(self):
        images = self.path("img")
        os.mkdir(images)
        with open(os.path.join(images, "broken.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\nnot really")
        records = [{"id": "a", "image": "missing.jpg", "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "x"}]},
                   {"id": "b", "image": "broken.png", "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "x"}]}]
        path = self.path("i.json")
        with open(path, "w") as f:
            json.dump(records, f)
        p = run_cli("data", "validate", path, "--image-folder", images, check=False)
        report = xmas.Dataset(path).validate(image_folder=images)
        self.assertEqual([q["message"] for q in report["problems"]], p.stdout.splitlines()[:-1])
        self.assertEqual(report["bad_records"], [0, 1])


if __name__ == "__main__":
    import unittest
    unittest.main()
