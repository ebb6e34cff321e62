"""Builds the `xmas` Python package with the project's CMake.

`pip install --no-build-isolation .` runs this: it configures the CMake build
folder if it has none ($XMAS_BUILD_DIR, default build/, the one
scripts/build.sh uses, so an existing build is reused), builds the target
`xmas_python` (the extension modules xmas._core and xmas._torch) for the
interpreter running pip, and packages them with python/xmas/. No network.
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


class CMakeBuild(build_ext):
    def run(self):
        configure = ["cmake", "-S", ROOT, "-B", BUILD, f"-DPython_EXECUTABLE={sys.executable}",
                     "-DXMAS_BUILD_PYTHON=ON"]
        if not os.path.exists(os.path.join(BUILD, "CMakeCache.txt")):
            if shutil.which("ninja"):
                configure += ["-G", "Ninja"]
            configure += ["-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DXMAS_BUILD_TESTS=OFF", "-DXMAS_BUILD_BENCH=OFF"]
        subprocess.run(configure, check=True, stdout=subprocess.DEVNULL)
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
