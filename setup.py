"""Builds the `xmas` Python package with the project's CMake.

`pip install --no-build-isolation .` runs this: it configures the CMake build
folder for the interpreter running pip if the folder has no configuration
yet ($XMAS_BUILD_DIR, default build/, the one scripts/build.sh uses; an
existing one is reused as configured, after checking that it builds modules
for the same Python ABI), builds the target `xmas_python` (the extension
modules xmas._core and xmas._torch) and packages them with python/xmas/.
No network.
"""
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.abspath(os.environ.get("XMAS_BUILD_DIR", os.path.join(ROOT, "build")))


class CMakeModule(Extension):
    """An extension module that CMake builds into <build>/python/xmas/."""

    def __init__(self, name):
        super().__init__(name, sources=[])


def cached_python(build):
    """The Python_EXECUTABLE an existing build folder was configured with, or None."""
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        for line in f:  # FindPython keeps what it found in _Python_EXECUTABLE
            if line.startswith("Python_EXECUTABLE:") or line.startswith("_Python_EXECUTABLE:"):
                return line.split("=", 1)[1].strip()
    return None


def ext_suffix(python):
    return subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"],
                          check=True, capture_output=True, text=True).stdout.strip()


class CMakeBuild(build_ext):
    def run(self):
        if not os.path.exists(os.path.join(BUILD, "CMakeCache.txt")):
            configure = ["cmake", "-S", ROOT, "-B", BUILD, f"-DPython_EXECUTABLE={sys.executable}",
                         "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DXMAS_BUILD_TESTS=OFF", "-DXMAS_BUILD_BENCH=OFF"]
            if shutil.which("ninja"):
                configure += ["-G", "Ninja"]
            subprocess.run(configure, check=True, stdout=subprocess.DEVNULL)
        else:  # reuse it as configured (a venv's interpreter is ABI-identical to the one it was made from)
            python = cached_python(BUILD)
            if python is None:
                sys.exit(f"{BUILD}: configured without the Python package (-DXMAS_BUILD_PYTHON=ON)")
            mine = self.get_ext_filename("x")[1:]
            if ext_suffix(python) != mine:
                sys.exit(f"{BUILD} builds modules for {python} ({ext_suffix(python)}), not {sys.executable} "
                         f"({mine}): set XMAS_BUILD_DIR to another folder")
        jobs = os.environ.get("XMAS_JOBS", str(os.cpu_count() or 1))
        subprocess.run(["cmake", "--build", BUILD, "--target", "xmas_python", "-j", jobs], check=True)
        for ext in self.extensions:
            name = ext.name.split(".")[-1] + self.get_ext_filename("x")[1:]  # "_core" + ".cpython-...so"
            built = os.path.join(BUILD, "python", "xmas", name)
            target = self.get_ext_fullpath(ext.name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(built, target)

setup(
    packages=["xmas"],
    package_dir={"": "python"},
    package_data={"xmas": ["*.pyi", "py.typed"]},
    ext_modules=[CMakeModule("xmas._core"), CMakeModule("xmas._torch")],
    cmdclass={"build_ext": CMakeBuild},
    options={"build": {"build_base": os.path.join(BUILD, "python-setuptools")},
             "egg_info": {"egg_base": BUILD}},
    zip_safe=False,
)
