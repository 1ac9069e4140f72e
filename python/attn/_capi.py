"""ctypes bindings of libAttnC.so: attn's C API (include/attn-c/Attn.h) and
the few functions of MLIR's core C API that the package needs."""
import ctypes
import os
import threading

from .errors import AttnError


class _StringRef(ctypes.Structure):
    # Not c_char_p: MLIR's strings are not NUL-terminated, and ctypes would
    # read a c_char_p up to a NUL.
    _fields_ = [("data", ctypes.c_void_p), ("length", ctypes.c_size_t)]


class _Handle(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p)]


class _LogicalResult(ctypes.Structure):
    _fields_ = [("value", ctypes.c_int8)]


_Callback = ctypes.CFUNCTYPE(None, _StringRef, ctypes.c_void_p)


def _candidates():
    """Where libAttnC.so may be: ATTN_C_LIBRARY, inside the installed
    package, or the build tree this source tree belongs to."""
    if os.environ.get("ATTN_C_LIBRARY"):
        yield os.environ["ATTN_C_LIBRARY"]
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.join(here, "_lib", "libAttnC.so")
    build = os.environ.get("ATTN_BUILD_DIR") or os.path.join(here, "..", "..", "build")
    yield os.path.join(build, "lib", "libAttnC.so")


def _load():
    tried = []
    for path in _candidates():
        if os.path.exists(path):
            return ctypes.CDLL(os.path.abspath(path))
        tried.append(path)
    raise AttnError("cannot find libAttnC.so (tried: " + ", ".join(tried) +
                    "); build attn (scripts/setup.sh) or set ATTN_C_LIBRARY")


_lib = _load()


def _declare(name, restype, *argtypes):
    function = getattr(_lib, name)
    function.restype = restype
    function.argtypes = list(argtypes)
    return function


_attnRegisterPasses = _declare("attnRegisterPasses", None)
_attnContextCreate = _declare("attnContextCreate", _Handle)
_attnParseModule = _declare("attnParseModule", _Handle, _Handle, _StringRef, _Callback,
                            ctypes.c_void_p)
_attnRunPassPipeline = _declare("attnRunPassPipeline", _LogicalResult, _Handle, _StringRef,
                                _Callback, ctypes.c_void_p)
_attnCompileForCpu = _declare("attnCompileForCpu", _LogicalResult, _Handle, _StringRef,
                              ctypes.c_bool, ctypes.c_bool, _Callback, ctypes.c_void_p)
_attnCompileForGpuWithOptions = _declare("attnCompileForGpuWithOptions", _LogicalResult,
                                         _Handle, _StringRef, _StringRef, _StringRef,
                                         _Callback, ctypes.c_void_p)
_mlirModuleGetOperation = _declare("mlirModuleGetOperation", _Handle, _Handle)
_mlirModuleDestroy = _declare("mlirModuleDestroy", None, _Handle)
_mlirOperationPrint = _declare("mlirOperationPrint", None, _Handle, _Callback, ctypes.c_void_p)
_mlirContextDestroy = _declare("mlirContextDestroy", None, _Handle)

_attnRegisterPasses()


def _ref(text):
    data = ctypes.create_string_buffer(text.encode())
    # `data` must outlive the call that reads the reference.
    return _StringRef(ctypes.cast(data, ctypes.c_void_p), len(data) - 1), data


class _Collector:
    """A C callback that gathers the lines handed to it."""

    def __init__(self):
        self.lines = []
        self.callback = _Callback(self._append)

    def _append(self, text, _):
        self.lines.append(ctypes.string_at(text.data, text.length).decode(errors="replace"))


class _Context:
    """An MLIRContext, destroyed when neither its thread nor a module
    parsed in it holds it any more. Modules count themselves in and out:
    the garbage collector may finalise a context before a module of the
    same cycle, and the context must outlive the module's destruction."""

    def __init__(self):
        self.handle = _attnContextCreate()
        self.modules = 0
        self.released = False

    def release_module(self):
        self.modules -= 1
        if self.released and self.modules == 0:
            self._destroy()

    def _destroy(self):
        # (At interpreter exit the bindings may be gone already.)
        if self.handle is not None and _mlirContextDestroy is not None:
            _mlirContextDestroy(self.handle)
        self.handle = None

    def __del__(self):
        self.released = True
        if self.modules == 0:
            self._destroy()


# One MLIRContext per thread: contexts are not shared across threads here.
_local = threading.local()


def _context():
    if not hasattr(_local, "context"):
        _local.context = _Context()
    return _local.context


class Module:
    """A parsed module, owned by this object."""

    def __init__(self, text):
        collector = _Collector()
        ref, keep = _ref(text)
        self._context = _context()  # outlives this module
        self._context.modules += 1
        self._handle = _attnParseModule(self._context.handle, ref, collector.callback, None)
        if not self._handle.ptr:
            raise AttnError("the program does not parse or verify:\n" + "\n".join(collector.lines))

    def __del__(self):
        if getattr(self, "_handle", None) is not None and self._handle.ptr:
            _mlirModuleDestroy(self._handle)
        self._handle = None
        context = getattr(self, "_context", None)
        if context is not None:
            self._context = None
            context.release_module()

    def __str__(self):
        chunks = []
        callback = _Callback(lambda text, _: chunks.append(ctypes.string_at(text.data, text.length)))
        _mlirOperationPrint(_mlirModuleGetOperation(self._handle), callback, None)
        return b"".join(chunks).decode()

    def _check_not_compiled(self):
        # Compiling lowers the module in place (to LLVM and the C wrappers'
        # functions): a second compile or pipeline would see no attn ops,
        # and said "the module defines no public function".
        if getattr(self, "_compiled", False):
            raise AttnError("this module was lowered in place by an earlier compile: "
                            "take a new one from Program.module()")

    def run_pipeline(self, pipeline):
        self._check_not_compiled()
        collector = _Collector()
        ref, keep = _ref(pipeline)
        if not _attnRunPassPipeline(self._handle, ref, collector.callback, None).value:
            raise AttnError(f"pipeline '{pipeline}' failed:\n" + "\n".join(collector.lines))

    def compile_cpu(self, output, flash=True, threads=True):
        self._check_not_compiled()
        self._compiled = True
        collector = _Collector()
        ref, keep = _ref(output)
        if not _attnCompileForCpu(self._handle, ref, flash, threads, collector.callback, None).value:
            raise AttnError("compilation failed:\n" + "\n".join(collector.lines))

    def compile_gpu(self, output, chip, options=""):
        """options: the kernel options as text, "warps=4 head-pairs=on"
        (attnCompileForGpuWithOptions)."""
        self._check_not_compiled()
        self._compiled = True
        collector = _Collector()
        ref, keep = _ref(output)
        chip_ref, keep_chip = _ref(chip)
        options_ref, keep_options = _ref(options)
        if not _attnCompileForGpuWithOptions(self._handle, ref, chip_ref, options_ref,
                                             collector.callback, None).value:
            raise AttnError("compilation failed:\n" + "\n".join(collector.lines))
