"""`pip install --no-build-isolation .` works offline from the repository:
into a fresh virtual environment (seeing Debian's numpy/torch), reusing the
CTest build folder, and the installed package imports and runs."""
import os
import subprocess
import sys
import unittest

from common import TempDirTest

SOURCE = os.environ.get("XMAS_SOURCE_DIR")
BUILD = os.environ.get("XMAS_BUILD_DIR")


@unittest.skipUnless(SOURCE and BUILD, "needs XMAS_SOURCE_DIR and XMAS_BUILD_DIR (set by CTest)")
class PipInstallTest(TempDirTest):
    def test_install_and_import(self):
        venv = self.path("venv")
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv], check=True)
        pip = [os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--no-build-isolation", "--no-index",
               "--no-cache-dir", "--quiet", SOURCE]
        env = dict(os.environ, XMAS_BUILD_DIR=BUILD, PIP_NO_INPUT="1")
        env.pop("PYTHONPATH", None)
        p = subprocess.run(pip, env=env, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        script = ("import os, numpy as np, xmas, xmas.torch\n"
                  "assert os.path.dirname(xmas.__file__).startswith(os.environ['VENV']), xmas.__file__\n"
                  "r = xmas.select(np.random.default_rng(0).random((60, 3), dtype=np.float32), 12, clusters=3)\n"
                  "v = xmas.cross_modal_singular_values(np.ones((1, 6, 4)), np.ones((1, 6, 4)), (3, 6), (1, 3))\n"
                  "print(len(r.indices), v.shape)\n")
        p = subprocess.run([os.path.join(venv, "bin", "python"), "-c", script], env=dict(env, VENV=venv),
                           capture_output=True, text=True, cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split(), ["12", "(5,)"])


if __name__ == "__main__":
    unittest.main()
