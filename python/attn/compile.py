"""attn.compile: a program to a callable. On the CPU, the program becomes a
shared library (attnCompileForCpu) that is called through ctypes with NumPy
arrays of any strides, without copies."""
import ctypes
import os
import tempfile

from .errors import AttnError
from .program import Program

_NUMPY = {"f32": "float32", "f16": "float16", "i32": "int32", "i1": "bool"}


def _descriptor_type(rank):
    class Descriptor(ctypes.Structure):
        _fields_ = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
                    ("offset", ctypes.c_int64), ("sizes", ctypes.c_int64 * rank),
                    ("strides", ctypes.c_int64 * rank)]
    return Descriptor


class Compiled:
    """A compiled program: call it with one NumPy array per input (any
    strides: a [B, L, H, D] array's transpose(0, 2, 1, 3) is passed as is);
    returns the outputs as new arrays (a tuple if there are several)."""

    def __init__(self, program, library_path, ir):
        import numpy as np
        self._np = np
        self.program = program
        self.ir = ir  # {"input": ..., "lowered": ...} when asked for
        self._library = ctypes.CDLL(library_path)
        self._entry = getattr(self._library, f"attn_{program.name}")
        self._entry.restype = ctypes.c_int
        self._inputs = [(v.name, v.shape, v.dtype) for v in program.inputs]
        self._outputs = [(v.name, v.shape, v.dtype) for v in program.outputs]

    def _descriptor(self, array):
        rank = array.ndim
        descriptor = _descriptor_type(rank)()
        pointer = array.ctypes.data
        descriptor.allocated = descriptor.aligned = pointer
        descriptor.offset = 0
        for i in range(rank):
            descriptor.sizes[i] = array.shape[i]
            if array.strides[i] % array.itemsize:
                raise AttnError("array strides must be whole elements")
            descriptor.strides[i] = array.strides[i] // array.itemsize
        return descriptor

    def __call__(self, *arrays):
        np = self._np
        if len(arrays) != len(self._inputs):
            raise AttnError(f"{self.program.name} takes {len(self._inputs)} arrays "
                            f"({', '.join(n for n, _, _ in self._inputs)}), got {len(arrays)}")
        descriptors, keep = [], []
        for array, (name, shape, dtype) in zip(arrays, self._inputs):
            if not isinstance(array, np.ndarray):
                raise AttnError(f"input '{name}': expected a NumPy array, got {type(array).__name__}")
            if dtype == "bf16":
                raise AttnError(f"input '{name}': bf16 has no NumPy dtype; "
                                "compile the program with f32 or f16 inputs")
            if array.dtype != np.dtype(_NUMPY[dtype]):
                raise AttnError(f"input '{name}': expected {_NUMPY[dtype]}, got {array.dtype}")
            if tuple(array.shape) != tuple(shape):
                raise AttnError(f"input '{name}': expected shape {tuple(shape)}, "
                                f"got {tuple(array.shape)}")
            if any(s < 0 for s in array.strides):
                array = np.ascontiguousarray(array)  # C descriptors take no negative strides here
            keep.append(array)
            descriptors.append(self._descriptor(array))
        results = []
        for name, shape, dtype in self._outputs:
            if dtype == "bf16":
                raise AttnError(f"output '{name}': bf16 has no NumPy dtype")
            result = np.empty(shape, dtype=_NUMPY[dtype])
            results.append(result)
            descriptors.append(self._descriptor(result))
        rc = self._entry(*[ctypes.byref(d) for d in descriptors])
        if rc != 0:
            raise AttnError(f"{self.program.name}: buffer {rc} was refused by the library")
        return results[0] if len(results) == 1 else tuple(results)


def compile(program, target="cpu", *, path="flash", threads=True, keep_ir=False):
    """Compiles a Program. target="cpu": the host, through the flash lowering
    (path="reference": the reference lowering). GPU targets (sm_80, sm_90)
    need the GPU backend, which this build does not have."""
    if not isinstance(program, Program):
        raise AttnError(f"attn.compile takes an attn.Program, got {type(program).__name__}")
    if target != "cpu":
        raise AttnError(f"target '{target}' is not available: this build compiles for 'cpu' "
                        "only (the GPU backend is not built)")
    if path not in ("flash", "reference"):
        raise AttnError(f"path must be 'flash' or 'reference', not '{path}'")
    module = program.module()
    ir = {}
    if keep_ir:
        ir["input"] = str(module)
    directory = tempfile.mkdtemp(prefix="attn-")
    library = os.path.join(directory, f"lib{program.name}.so")
    module.compile_cpu(library, flash=path == "flash", threads=threads)
    if keep_ir:
        ir["lowered"] = str(module)  # the LLVM dialect the library was built from
    return Compiled(program, library, ir)
