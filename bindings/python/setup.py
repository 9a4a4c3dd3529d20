# SPDX-License-Identifier: Apache-2.0
"""Builds libtrawl.so and the `trawl` executable from trawl's Swift sources (SwiftPM, release
mode) and puts both inside the package, so that `import trawl` and backend="process" need
nothing else. All metadata lives in pyproject.toml.

Where the Swift sources come from:
- in a clone of the repository, the repository itself (../../Package.swift);
- in an sdist, the folder swift/ beside this file, which `sdist` fills with a copy of the
  repository's Package.swift, LICENSE, Sources/, include/ and Tests/ (SwiftPM checks that the
  folders of every target exist). swift/ is git-ignored and never used inside a clone.

What is bundled is always what the current sources build to: SwiftPM rebuilds what changed
in its own .build folder, and the package's copy in build/lib is replaced on every build, so
a leftover build/ from an earlier install is never shipped.

Environment: SWIFT names the `swift` executable (default: the one on PATH).
"""

import os
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.dist import Distribution
from setuptools.errors import SetupError

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
VENDORED = os.path.join(HERE, "swift")
# What the Swift package needs, relative to its root (tests included: see above).
SWIFT_SOURCES = ["Package.swift", "LICENSE", "Sources", "include", "Tests"]
# Built products -> their names inside the package. `trawl` next to libtrawl.so is where the
# library looks for its worker executable.
PRODUCTS = {"libtrawl.so": "libtrawl.so", "trawl-cli": "trawl"}


def _in_repository():
    """Whether this setup.py is the one of a clone (not of an unpacked sdist)."""
    mine = os.path.join(REPO, "bindings", "python", "setup.py")
    return (os.path.exists(os.path.join(REPO, "Package.swift")) and os.path.exists(mine)
            and os.path.samefile(mine, __file__))


def _swift_root():
    if _in_repository():
        return REPO
    if os.path.exists(os.path.join(VENDORED, "Package.swift")):
        return VENDORED
    raise SetupError(
        "trawl's Swift sources were not found (no ../../Package.swift and no swift/ folder): "
        "install from a clone of the repository or from its sdist")


def _swift():
    swift = os.environ.get("SWIFT") or shutil.which("swift")
    if not swift or not os.access(swift, os.X_OK):
        raise SetupError(
            "trawl-crawler is built from Swift sources and needs the Swift 6 toolchain, but "
            + (f"SWIFT={os.environ['SWIFT']} is not an executable" if os.environ.get("SWIFT")
               else "`swift` is not on PATH")
            + " (install it from swift.org and put its usr/bin on PATH, or set SWIFT)")
    return swift


def _run(cmd, cwd):
    print("+ " + " ".join(cmd), flush=True)
    # The compiler's messages go straight to our stdout/stderr, which pip shows on failure.
    rc = subprocess.call(cmd, cwd=cwd)
    if rc != 0:
        raise SetupError(f"`{' '.join(cmd)}` failed with exit status {rc}: "
                         "the Swift compiler's errors are above")


def build_swift_products():
    """Runs SwiftPM and returns the directory holding libtrawl.so and trawl-cli."""
    swift, root = _swift(), _swift_root()
    # The command of `make release`, so that in a clone both share SwiftPM's build folder.
    cmd = [swift, "build", "-c", "release", "--static-swift-stdlib"]
    _run(cmd, cwd=root)
    out = subprocess.run(cmd + ["--show-bin-path"], cwd=root, check=True,
                         capture_output=True, text=True).stdout.strip()
    for name in PRODUCTS:
        if not os.path.isfile(os.path.join(out, name)):
            raise SetupError(f"SwiftPM finished but {out}/{name} is missing")
    return out


class BuildPy(build_py):
    """The Python files, then the freshly built library and executable beside them."""

    def run(self):
        package_dir = os.path.join(self.build_lib, "trawl")
        # Nothing from an earlier build survives into this one.
        shutil.rmtree(package_dir, ignore_errors=True)
        super().run()
        products = build_swift_products()
        for built, bundled in PRODUCTS.items():
            target = os.path.join(package_dir, bundled)
            shutil.copyfile(os.path.join(products, built), target)
            os.chmod(target, 0o755)


class Sdist(sdist):
    """Copies the Swift sources into swift/ first, so that the sdist builds on its own."""

    def run(self):
        if _in_repository():
            shutil.rmtree(VENDORED, ignore_errors=True)
            os.makedirs(VENDORED)
            for name in SWIFT_SOURCES:
                src, dst = os.path.join(REPO, name), os.path.join(VENDORED, name)
                if os.path.isdir(src):
                    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(
                        ".build*", "__pycache__", "*.o", "*.so"))
                else:
                    shutil.copy2(src, dst)
        elif not os.path.exists(os.path.join(VENDORED, "Package.swift")):
            raise SetupError("an sdist needs the Swift sources: build it from a clone")
        super().run()


class BinaryDistribution(Distribution):
    """Platform-specific: the files go to platlib (where auditwheel repairs them) and the
    wheel gets a platform tag."""

    def has_ext_modules(self):
        return True


class BdistWheel(bdist_wheel):
    """One wheel per platform for every Python 3: the package is pure Python over ctypes,
    with a native library and executable beside it."""

    def get_tag(self):
        return "py3", "none", super().get_tag()[2]


setup(distclass=BinaryDistribution,
      cmdclass={"build_py": BuildPy, "sdist": Sdist, "bdist_wheel": BdistWheel})
