"""attn.compile: a program to a callable. On the CPU, the program becomes a
shared library (attnCompileForCpu) that is called through ctypes with NumPy
arrays of any strides, without copies. For an NVIDIA chip it becomes a
library embedding the cubin (attnCompileForGpu), called with device arrays
(PyTorch CUDA tensors, or objects with __cuda_array_interface__) on a CUDA
stream."""
import ctypes
import os
import shutil
import tempfile

from .errors import AttnError
from .program import OpenSize, Program, check_read_bounds, resolve_size, shape_text

_NUMPY = {"f32": "float32", "f16": "float16", "i32": "int32", "i1": "bool"}


def _descriptor_type(rank):
    class Descriptor(ctypes.Structure):
        _fields_ = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
                    ("offset", ctypes.c_int64), ("sizes", ctypes.c_int64 * rank),
                    ("strides", ctypes.c_int64 * rank)]
    return Descriptor


def _fits(actual, shape):
    """Whether an array's shape is `shape` (any size where it is open)."""
    return len(actual) == len(shape) and all(
        isinstance(s, OpenSize) or a == s for a, s in zip(actual, shape))


def _overlaps_itself(shape, strides, itemsize):
    """Whether a strided array (strides in bytes) may hold two of its
    elements in one place. Taken by increasing stride, each axis must step
    past all that the axes before it span; an interleaving that happens to
    share no byte is refused too."""
    if any(size == 0 for size in shape):
        return False
    span = itemsize
    for size, stride in sorted(((size, abs(stride)) for size, stride in zip(shape, strides)
                                if size > 1), key=lambda axis: axis[1]):
        if stride < span:
            return True
        span += stride * (size - 1)
    return False


def _resolve(shape, input_shapes):
    """`shape` with its open sizes read from the call's inputs."""
    return tuple(resolve_size(s, input_shapes) for s in shape)


def _make_descriptor(pointer, sizes, strides):
    """An attn_strided_<rank>d for `pointer` with sizes and element strides."""
    descriptor = _descriptor_type(len(sizes))()
    descriptor.allocated = descriptor.aligned = pointer
    descriptor.offset = 0
    for i, (size, stride) in enumerate(zip(sizes, strides)):
        descriptor.sizes[i] = size
        descriptor.strides[i] = stride
    return descriptor


class Compiled:
    """A compiled program: call it with one NumPy array per input (any
    strides: a [B, L, H, D] array's transpose(0, 2, 1, 3) is passed as is;
    negative ones through a copy);
    returns the outputs as new arrays (a tuple if there are several), or
    writes them into `out=[...]`, writeable arrays of any non-negative
    strides (a [B, L, H, D] output's transpose too) that share no memory
    with the inputs, one another or themselves, and returns those."""

    def __init__(self, program, library_path, ir):
        import numpy as np
        self._np = np
        self.program = program
        self.ir = ir  # {"input": ..., "lowered": ...} when asked for
        self._library = ctypes.CDLL(library_path)
        self._entry = getattr(self._library, f"attn_{program.name}")
        self._entry.restype = ctypes.c_int
        # The program as compiled: it may grow after this, the library not.
        self._inputs = [(v.name, v.shape, v.dtype) for v in program.inputs]
        self._outputs = [(v.name, v.shape, v.dtype) for v in program.outputs]
        self._read_bounds = list(program.read_bounds)

    def _descriptor(self, array, name):
        if any(stride % array.itemsize for stride in array.strides):
            raise AttnError(f"'{name}': array strides must be whole elements, got "
                            f"{array.strides} bytes for {array.itemsize}-byte elements")
        return _make_descriptor(array.ctypes.data, array.shape,
                                [stride // array.itemsize for stride in array.strides])

    def __call__(self, *arrays, out=None):
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
            if not _fits(tuple(array.shape), shape):
                raise AttnError(f"input '{name}': expected shape {shape_text(shape)}, "
                                f"got {tuple(array.shape)}")
            if any(s < 0 for s in array.strides):
                array = np.ascontiguousarray(array)  # C descriptors take no negative strides here
            keep.append(array)
            descriptors.append(self._descriptor(array, name))
        if out is not None:
            out = list(out) if isinstance(out, (list, tuple)) else [out]
            if len(out) != len(self._outputs):
                raise AttnError(f"{self.program.name} has {len(self._outputs)} outputs, "
                                f"got {len(out)} in out=")
        results = []
        input_names = [n for n, _, _ in self._inputs]
        output_names = [n for n, _, _ in self._outputs]
        input_shapes = [tuple(a.shape) for a in keep]
        check_read_bounds(self._read_bounds, input_shapes)
        for index, (name, shape, dtype) in enumerate(self._outputs):
            # (Open sizes from the inputs'; the library checks that they
            # meet the ops' rules.)
            shape = _resolve(shape, input_shapes)
            if dtype == "bf16":
                raise AttnError(f"output '{name}': bf16 has no NumPy dtype")
            if out is None:
                # (Open sizes can come from zero-stride views of any size.)
                try:
                    result = np.empty(shape, dtype=_NUMPY[dtype])
                except (MemoryError, ValueError) as error:
                    raise AttnError(f"output '{name}': cannot allocate its array of shape "
                                    f"{tuple(shape)} ({error})") from None
            else:
                result = out[index]
                if not isinstance(result, np.ndarray):
                    raise AttnError(f"output '{name}': expected a NumPy array in out=, "
                                    f"got {type(result).__name__}")
                if result.dtype != np.dtype(_NUMPY[dtype]):
                    raise AttnError(f"output '{name}': expected {_NUMPY[dtype]}, "
                                    f"got {result.dtype}")
                if tuple(result.shape) != tuple(shape):
                    raise AttnError(f"output '{name}': expected shape {tuple(shape)}, "
                                    f"got {tuple(result.shape)}")
                if not result.flags.writeable:
                    raise AttnError(f"output '{name}': the array in out= is read-only")
                if any(s < 0 for s in result.strides):
                    raise AttnError(f"output '{name}': negative strides are not supported, "
                                    f"got {result.strides} bytes")
                if _overlaps_itself(result.shape, result.strides, result.itemsize):
                    raise AttnError(f"output '{name}': the array in out= holds some of its "
                                    f"elements in one place (strides {result.strides} bytes "
                                    f"for shape {tuple(result.shape)})")
                # The kernels read the inputs while they write the outputs.
                for other, other_name in zip(keep + results, input_names + output_names):
                    if np.may_share_memory(result, other):
                        raise AttnError(f"output '{name}': the array in out= shares memory "
                                        f"with '{other_name}'")
            results.append(result)
            descriptors.append(self._descriptor(result, name))
        rc = self._entry(*[ctypes.byref(d) for d in descriptors])
        if rc < 0:
            raise AttnError(f"{self.program.name}: the library could not allocate a "
                            "temporary (a result's, or the largest its kernels make for "
                            "these sizes)")
        if rc != 0:
            names = input_names + output_names
            raise AttnError(f"{self.program.name}: buffer '{names[rc - 1]}' was refused by "
                            "the library (its sizes)")
        return results[0] if len(results) == 1 else tuple(results)


_TYPESTR = {"f32": "<f4", "f16": "<f2", "i32": "<i4", "i1": "|b1"}
_TORCH = {"f32": "float32", "f16": "float16", "bf16": "bfloat16", "i32": "int32", "i1": "bool"}
_ITEMSIZE = {"f32": 4, "f16": 2, "bf16": 2, "i32": 4, "i1": 1}


def _byte_span(pointer, shape, strides, itemsize):
    """[first, last + 1) of the bytes a strided array touches (None if it
    has no elements)."""
    if any(size == 0 for size in shape):
        return None
    low = sum(min(0, (size - 1) * stride) for size, stride in zip(shape, strides))
    high = sum(max(0, (size - 1) * stride) for size, stride in zip(shape, strides))
    return pointer + low * itemsize, pointer + (high + 1) * itemsize


class CompiledGpu:
    """A program compiled for an NVIDIA GPU. Call it with one device array
    per input: PyTorch CUDA tensors (any strides; rows of Q, K, V contiguous
    and 16-byte aligned) or objects with __cuda_array_interface__. Outputs
    are new torch tensors when the inputs are, else pass `out=[...]`
    (address ranges apart from the inputs' and one another's).
    `stream` is a CUDA stream handle (an int, or an object with a
    `cuda_stream`); default: PyTorch's current stream, else the legacy
    default stream. The call only launches: synchronise as usual."""

    def __init__(self, program, library_path, ir):
        self.program = program
        self.ir = ir
        self._library = ctypes.CDLL(library_path)
        self._entry = getattr(self._library, f"attn_{program.name}")
        self._entry.restype = ctypes.c_int
        # The program as compiled: it may grow after this, the library not.
        self._inputs = [(v.name, v.shape, v.dtype) for v in program.inputs]
        self._outputs = [(v.name, v.shape, v.dtype) for v in program.outputs]
        self._read_bounds = list(program.read_bounds)

    @staticmethod
    def _view(array, name, shape, dtype):
        """(pointer, strides in elements) of a device array, checked."""
        if hasattr(array, "data_ptr") and hasattr(array, "stride"):  # torch
            if not getattr(array, "is_cuda", False):
                raise AttnError(f"'{name}': expected a CUDA tensor, got one on {array.device}")
            if str(array.dtype) != f"torch.{_TORCH[dtype]}":
                raise AttnError(f"'{name}': expected torch.{_TORCH[dtype]}, got {array.dtype}")
            actual, pointer, strides = tuple(array.shape), array.data_ptr(), array.stride()
        elif hasattr(array, "__cuda_array_interface__"):
            interface = array.__cuda_array_interface__
            if dtype not in _TYPESTR or interface["typestr"] != _TYPESTR[dtype]:
                raise AttnError(f"'{name}': expected typestr {_TYPESTR.get(dtype, dtype)}, "
                                f"got {interface['typestr']}")
            actual, pointer = tuple(interface["shape"]), interface["data"][0]
            byte_strides = interface.get("strides")
            if byte_strides is None:  # C-contiguous
                byte_strides, step = [], _ITEMSIZE[dtype]
                for size in reversed(actual):
                    byte_strides.insert(0, step)
                    step *= size
            if any(s % _ITEMSIZE[dtype] for s in byte_strides):
                raise AttnError(f"'{name}': strides must be whole elements")
            strides = [s // _ITEMSIZE[dtype] for s in byte_strides]
        else:
            raise AttnError(f"'{name}': expected a CUDA tensor or an object with "
                            f"__cuda_array_interface__, got {type(array).__name__}")
        if not _fits(actual, shape):
            raise AttnError(f"'{name}': expected shape {shape_text(shape)}, got {actual}")
        return pointer, actual, strides

    def __call__(self, *arrays, out=None, stream=None):
        if len(arrays) != len(self._inputs):
            raise AttnError(f"{self.program.name} takes {len(self._inputs)} arrays "
                            f"({', '.join(n for n, _, _ in self._inputs)}), got {len(arrays)}")
        torch_inputs = all(hasattr(a, "data_ptr") for a in arrays)
        inputs = [self._view(array, name, shape, dtype)
                  for array, (name, shape, dtype) in zip(arrays, self._inputs)]
        # The outputs' shapes with open sizes read from the inputs' (the
        # library checks that they meet the ops' rules).
        input_shapes = [actual for _, actual, _ in inputs]
        check_read_bounds(self._read_bounds, input_shapes)
        output_shapes = [_resolve(shape, input_shapes) for _, shape, _ in self._outputs]
        if out is None:
            if not torch_inputs:
                raise AttnError("pass out=[...] device arrays for the outputs "
                                "(only torch inputs get torch outputs allocated)")
            import torch
            out = [torch.empty(shape, dtype=getattr(torch, _TORCH[dtype]), device=arrays[0].device)
                   for shape, (_, _, dtype) in zip(output_shapes, self._outputs)]
        out = list(out) if isinstance(out, (list, tuple)) else [out]
        if len(out) != len(self._outputs):
            raise AttnError(f"{self.program.name} has {len(self._outputs)} outputs, "
                            f"got {len(out)} in out=")
        if stream is None and torch_inputs:
            import torch
            stream = torch.cuda.current_stream(arrays[0].device).cuda_stream
        stream = getattr(stream, "cuda_stream", stream) or 0
        if isinstance(stream, bool) or not isinstance(stream, int):
            raise AttnError(f"stream must be a CUDA stream handle (an int, or an object with "
                            f"cuda_stream), got {stream!r}")
        outputs = [self._view(array, name, shape, dtype)
                   for array, shape, (name, _, dtype) in zip(out, output_shapes, self._outputs)]
        for (_, actual, strides), (name, _, dtype) in zip(outputs, self._outputs):
            if _overlaps_itself(actual, strides, 1):
                raise AttnError(f"output '{name}': the array in out= holds some of its "
                                f"elements in one place (strides {tuple(strides)} elements "
                                f"for shape {actual})")
        descriptors, spans = [], []
        for (pointer, shape, strides), (name, _, dtype) in zip(inputs + outputs,
                                                               self._inputs + self._outputs):
            descriptors.append(_make_descriptor(pointer, shape, strides))
            spans.append((name, _byte_span(pointer, shape, strides, _ITEMSIZE[dtype])))
        # The kernels read the inputs while they write the outputs: an
        # output's address range (first to last byte) may not meet an
        # input's or another output's (interleaved views that share no byte
        # are refused too).
        for index, (name, span) in enumerate(spans[len(self._inputs):], len(self._inputs)):
            for other, other_span in spans[:index]:
                if span and other_span and span[0] < other_span[1] and other_span[0] < span[1]:
                    raise AttnError(f"output '{name}': its address range overlaps '{other}'s")
        rc = self._entry(*[ctypes.byref(d) for d in descriptors], ctypes.c_void_p(stream))
        names = [n for n, _, _ in self._inputs + self._outputs]
        if rc == -999:
            raise AttnError(f"{self.program.name}: no CUDA driver (libcuda.so.1 could not be loaded)")
        if rc < 0:
            raise AttnError(f"{self.program.name}: CUDA driver error {-rc}")
        if rc > 0:
            raise AttnError(f"{self.program.name}: buffer '{names[rc - 1]}' was refused (sizes, "
                            "or rows not contiguous and 16-byte aligned)")
        return out[0] if len(out) == 1 else tuple(out)


def _gpu_options_text(gpu_options):
    """{"warps": 4, "head_pairs": "on", "ping_pong": False} as the C API's
    text, "warps=4 head-pairs=on ping-pong=false"; the names and values are
    checked there."""
    if not isinstance(gpu_options, dict):
        raise AttnError(f"gpu_options must be a dict of option names to values, "
                        f"got {type(gpu_options).__name__}")
    pairs = []
    for name, value in gpu_options.items():
        if not isinstance(name, str) or not name or "=" in name or \
                any(c.isspace() for c in name):
            raise AttnError(f"gpu_options: {name!r} is not an option name")
        if type(value).__module__ == "numpy" and hasattr(value, "item"):
            value = value.item()  # a NumPy scalar: its Python value
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (int, str)):
            text = str(value)
        else:
            raise AttnError(f"gpu_options: '{name}' takes an int, a bool or a str, "
                            f"got {type(value).__name__}")
        if not text or any(c.isspace() for c in text):
            raise AttnError(f"gpu_options: '{name}' has the value {value!r}")
        pairs.append(f"{name.replace('_', '-')}={text}")
    return " ".join(pairs)


def compile(program, target="cpu", *, path="flash", threads=True, keep_ir=False,
            gpu_options=None):
    """Compiles a Program. target="cpu": the host, through the flash lowering
    (path="reference": the reference lowering). target="sm_80", "sm_90", ...:
    an NVIDIA GPU (one attention of its inputs, or a program of attn ops,
    as attn-compile --target takes; "sm_90a" selects Hopper's
    warp-specialised TMA + wgmma kernel where it applies); the result is a
    CompiledGpu. gpu_options sets the GPU kernel options that attn-compile's
    --gpu-* flags set ({"warps": 4, "head_pairs": "on"}; "_" or "-" in the
    names). Sizes that Program.input leaves open (None) are read from
    each call's arrays: one library serves every length."""
    if not isinstance(program, Program):
        raise AttnError(f"attn.compile takes an attn.Program, got {type(program).__name__}")
    if not isinstance(target, str):
        raise AttnError(f"target must be 'cpu' or an NVIDIA chip ('sm_80', 'sm_90', ...), "
                        f"got {target!r}")
    gpu = target.startswith("sm_")
    if not gpu and target != "cpu":
        raise AttnError(f"target '{target}' is not supported: use 'cpu' or an NVIDIA chip "
                        "('sm_80', 'sm_90', ...)")
    if path not in ("flash", "reference"):
        raise AttnError(f"path must be 'flash' or 'reference', not {path!r}")
    if not isinstance(threads, bool):
        raise AttnError(f"threads must be True or False, not {threads!r}")
    if gpu and (path != "flash" or not threads):
        raise AttnError("path= and threads= choose the CPU lowering; a GPU target "
                        "takes neither")
    if not gpu and gpu_options is not None:
        raise AttnError("gpu_options= sets the GPU kernels' options; the CPU target "
                        "takes none")
    options_text = _gpu_options_text(gpu_options) if gpu_options is not None else ""
    if not gpu:
        for value in program.inputs + program.outputs:
            if value.dtype == "bf16":
                raise AttnError(f"'{value.name}' is bf16, which has no NumPy dtype: the CPU "
                                "target takes f32 or f16 (bf16 runs on the GPU targets)")
    module = program.module()
    ir = {"input": str(module)} if keep_ir else {}
    # The library is loaded at once: its folder goes, whatever happens.
    directory = tempfile.mkdtemp(prefix="attn-")
    try:
        library = os.path.join(directory, f"lib{program.name}.so")
        if gpu:
            module.compile_gpu(library, target, options_text)
        else:
            module.compile_cpu(library, flash=path == "flash", threads=threads)
        if keep_ir:
            ir["lowered"] = str(module)  # what the library was built from
        try:
            return (CompiledGpu if gpu else Compiled)(program, library, ir)
        except OSError as error:
            raise AttnError(f"the compiled library does not load: {error}") from None
    finally:
        shutil.rmtree(directory, ignore_errors=True)
