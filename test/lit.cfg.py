# -*- Python -*-
import os
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "ATTN"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.attn_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "attn_capi_test.c"]
# The tests that run `cmake --install` on this build (test/CMake), one at a
# time.
lit_config.parallelism_groups["cmake-install"] = 1

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%attn_src_root", config.attn_src_root))
config.substitutions.append(("%python", sys.executable))
import shutil
import subprocess
cc = shutil.which("clang-22") or shutil.which("cc") or "cc"
# The compiler alone, for build systems (CMAKE_C_COMPILER).
config.substitutions.append(("%c_compiler", cc))
# In sanitiser builds, our shared libraries expect the sanitiser runtimes in
# the process: C programs link them (-fsanitize), and processes we do not
# build (python, mlir-opt) preload them (%sanitizer_env).
sanitized = config.attn_sanitizers.upper() in ("ON", "1", "TRUE", "YES")
sanitizer_env = "env"
if sanitized:
    runtime = subprocess.run([cc, "-print-file-name=libclang_rt.asan-x86_64.so"],
                             capture_output=True, text=True).stdout.strip()
    sanitizer_env = (f"env LD_PRELOAD={runtime} "
                     "ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0:"
                     "allocator_may_return_null=1")
    cc = f"{cc} -fsanitize=address,undefined"
config.substitutions.append(("%sanitizer_env", sanitizer_env))
config.substitutions.append(("%cc", cc))
omp_dir = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")
config.substitutions.append(
    ("%omp_link", f"-L{omp_dir} -lomp -Wl,-rpath,{omp_dir}"))

# Compiling and linking a C program against libAttnC.so.
config.substitutions.append(
    ("%attn_c_flags",
     f"-I{config.attn_src_root}/include -I{config.mlir_include_dir} "
     f"-L{config.attn_lib_dir} -lAttnC -Wl,-rpath,{config.attn_lib_dir}"))

config.substitutions.append(("%attn_obj_root", config.attn_obj_root))
config.substitutions.append(
    ("%attn_venv_python", os.path.join(config.attn_src_root, ".venv", "bin", "python")))
config.substitutions.append(("%mlir_cmake_dir", config.mlir_cmake_dir))
config.substitutions.append(
    ("%cxx", shutil.which("clang++-22") or shutil.which("c++") or "c++"))
config.substitutions.append(
    ("%attn_plugin", os.path.join(config.attn_lib_dir, "libAttnPlugin.so")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])

# Sanitizer builds (ATTN_ENABLE_SANITIZERS) instrument our code but not
# libMLIR.so. LLVM's BumpPtrAllocator poisons slab memory from the inlined,
# instrumented copy of its code while libMLIR's copy hands out the same slabs
# unpoisoned, which ASan reports as use-after-poison. Manual poisoning is
# therefore turned off; every real ASan check stays on. A request too large
# to serve returns NULL, as without ASan (which stops the process instead):
# the tests make such requests on purpose (the C wrappers' probe of the
# largest temporary, NumPy's array for a huge output).
config.environment["ASAN_OPTIONS"] = (
    "allow_user_poisoning=0:allocator_may_return_null=1:" +
    os.environ.get("ASAN_OPTIONS", ""))
config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
llvm_config.use_default_substitutions()

# ATTN_VERIFY_ROUNDTRIP=1 (CI sets it) makes every attn-opt invocation of the
# suite also check that its output parses back to the same IR, in both the
# custom and the generic form.
attn_opt_args = []
if os.environ.get("ATTN_VERIFY_ROUNDTRIP", "0") not in ("", "0"):
    attn_opt_args.append("--verify-roundtrip")

# Integration tests draw fresh random inputs on every run; the seed is
# printed so that a failure can be replayed with ATTN_TEST_SEED=<seed>.
import random
seed = os.environ.get("ATTN_TEST_SEED") or str(random.randrange(1 << 31))
lit_config.note(f"integration tests use --seed={seed} (ATTN_TEST_SEED)")
config.substitutions.append(("%seed", seed))

tool_dirs = [config.attn_tools_dir, config.llvm_tools_dir]
tools = [
    ToolSubst("attn-opt", extra_args=attn_opt_args, unresolved="fatal"),
    ToolSubst("attn-run", unresolved="fatal"),
    ToolSubst("attn-compile", unresolved="fatal"),
    ToolSubst("attn-lsp-server", unresolved="fatal"),
    ToolSubst("count", unresolved="fatal"),
    ToolSubst("not", unresolved="fatal"),
    ToolSubst("mlir-opt", unresolved="fatal"),
    ToolSubst("mlir-runner", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# ptxas from the CUDA toolkit (the GPU tests assemble what the pipeline
# emits; nothing runs on a GPU here).
ptxas = (os.environ.get("ATTN_PTXAS") or
         (os.path.exists("/usr/local/cuda/bin/ptxas") and "/usr/local/cuda/bin/ptxas")
         or shutil.which("ptxas"))
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas_dir", os.path.dirname(ptxas)))
    config.substitutions.append(("%ptxas", ptxas))
