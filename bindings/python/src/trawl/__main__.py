# SPDX-License-Identifier: Apache-2.0
"""`python -m trawl ...` runs the `trawl` command line tool shipped inside the package (the
same executable backend="process" starts as its worker): `python -m trawl crawl URL...`."""

import os
import shutil
import sys


def _executable():
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trawl")
    for path in (bundled, os.environ.get("TRAWL_WORKER"), shutil.which("trawl")):
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def main():
    path = _executable()
    if path is None:
        sys.exit("python -m trawl: the trawl executable is not inside this installation "
                 "(install the package with pip from the sources or a wheel), not in "
                 "$TRAWL_WORKER and not on PATH")
    # exec keeps the exit status, the signals and the standard streams the CLI's own.
    os.execv(path, [path] + sys.argv[1:])


if __name__ == "__main__":
    main()
