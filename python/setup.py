"""`pip install ./python` copies the built libAttnC.so (from ATTN_BUILD_DIR,
default ../build) into the package, with the CUDA runtime archive and header
that its GPU libraries link (libAttnC.so looks for them beside itself), so
the installed package does not need the build tree. Build attn first
(scripts/setup.sh)."""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        build = os.environ.get("ATTN_BUILD_DIR") or os.path.join(HERE, "..", "build")
        files = [os.path.join(build, "lib", "libAttnC.so"),
                 os.path.join(build, "runtime", "libAttnCudaRuntime.a"),
                 os.path.join(build, "runtime", "AttnCudaRuntime.h")]
        for path in files:
            if not os.path.exists(path):
                raise SystemExit(f"attn: {path} does not exist; build attn first "
                                 "(scripts/setup.sh) or set ATTN_BUILD_DIR")
        target = os.path.join(self.build_lib, "attn", "_lib")
        os.makedirs(target, exist_ok=True)
        for path in files:
            shutil.copy2(path, target)


setup(cmdclass={"build_py": BuildWithLibrary})
