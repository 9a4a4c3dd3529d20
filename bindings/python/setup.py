# SPDX-License-Identifier: Apache-2.0
"""Only here to mark the wheel as platform-specific when it carries libtrawl.so and the
worker executable (`make python-wheel`); all metadata lives in pyproject.toml."""

from setuptools import setup
from setuptools.dist import Distribution


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(distclass=BinaryDistribution)
