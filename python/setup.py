"""`pip install ./python` copies the built libAttnC.so (from ATTN_BUILD_DIR,
default ../build) into the package, so the installed package does not need
the build tree. Build attn first (scripts/setup.sh)."""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        build = os.environ.get("ATTN_BUILD_DIR") or os.path.join(HERE, "..", "build")
        library = os.path.join(build, "lib", "libAttnC.so")
        if not os.path.exists(library):
            raise SystemExit(f"attn: {library} does not exist; build attn first "
                             "(scripts/setup.sh) or set ATTN_BUILD_DIR")
        target = os.path.join(self.build_lib, "attn", "_lib")
        os.makedirs(target, exist_ok=True)
        shutil.copy2(library, target)


setup(cmdclass={"build_py": BuildWithLibrary})
