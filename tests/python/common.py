"""Shared helpers of the Python tests (run by CTest; see CMakeLists.txt).

CTest sets PYTHONPATH to <build>/python (the package as built), XMAS_BINARY
to the CLI and XMAS_TEST_DATA_DIR to tests/fixtures.
"""
import gzip
import json
import os
import shutil
import subprocess
import tempfile
import unittest

XMAS = os.environ.get("XMAS_BINARY", "xmas")
DATA = os.environ.get("XMAS_TEST_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "fixtures"))


def run_cli(*args, check=True):
    """Runs the xmas CLI; returns the CompletedProcess (text)."""
    p = subprocess.run([XMAS, "--quiet", *map(str, args)], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"xmas {' '.join(map(str, args))} exited {p.returncode}: {p.stderr}")
    return p


def cli_error(*args):
    """The one-line message the CLI prints for a failing command (without "xmas: error: ")."""
    p = run_cli(*args, check=False)
    assert p.returncode != 0, f"xmas {args} succeeded"
    lines = [l for l in p.stderr.splitlines() if l.startswith("xmas: error: ")]
    assert len(lines) == 1, p.stderr
    return lines[0][len("xmas: error: "):]


def gunzip(src, dst):
    with gzip.open(src, "rb") as f, open(dst, "wb") as out:
        shutil.copyfileobj(f, out)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def read_json(path):
    with open(path) as f:
        return json.load(f)


def comparable_report(report):
    """A report without what legitimately differs between two runs: paths, timings, and how many k-means
    iterations took the exhaustive step (the engine picks the faster of two exact steps by timing them)."""
    r = dict(report)
    for key in ("data", "trajectories", "output", "timings_seconds", "cpu_seconds"):
        r.pop(key, None)
    for key, value in list(r.items()):
        if isinstance(value, dict) and "kmeans_exhaustive_iterations" in value:
            r[key] = {k: v for k, v in value.items() if k != "kmeans_exhaustive_iterations"}
    r.pop("kmeans_exhaustive_iterations", None)
    return r


class TempDirTest(unittest.TestCase):
    """A fresh temporary folder per test in self.tmp."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="xmas-pytest-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, *names):
        return os.path.join(self.tmp, *names)
