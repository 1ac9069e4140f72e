"""attn.compile for NVIDIA targets, without a GPU: the program compiles to a
library embedding the cubin; the callable checks device arrays before the
launch and reports what the library refuses."""
import ctypes
import os
import shutil
import subprocess
import sys

import pytest

import attn

PTXAS = os.environ.get("ATTN_PTXAS") or (
    "/usr/local/cuda/bin/ptxas" if os.path.exists("/usr/local/cuda/bin/ptxas")
    else shutil.which("ptxas"))
needs_ptxas = pytest.mark.skipif(not PTXAS, reason="no ptxas")


def _has_driver():
    try:
        ctypes.CDLL("libcuda.so.1")
        return True
    except OSError:
        return False


class Device:
    """A stand-in for a device array: only its __cuda_array_interface__
    is read (the pointers are never dereferenced on the host)."""

    def __init__(self, shape, typestr="<f2", pointer=1 << 20, strides=None):
        self.__cuda_array_interface__ = {
            "shape": tuple(shape), "typestr": typestr, "data": (pointer, False),
            "strides": strides, "version": 3}


def gqa_program(dtype="f16"):
    p = attn.Program("gqa")
    q = p.input("q", (1, 4, 100, 64), dtype)
    k = p.input("k", (1, 2, 100, 64), dtype)
    v = p.input("v", (1, 2, 100, 64), dtype)
    p.output(p.attention(q, k, v, mask=attn.causal()))
    return p


@needs_ptxas
@pytest.mark.parametrize("target", ["sm_90", "sm_90a"])
def test_compiles_for_sm90_and_checks_buffers(target):
    # sm_90a: the warp-specialised kernel, whose library also encodes tensor
    # maps (after the same checks).
    fn = attn.compile(gqa_program(), target=target, keep_ir=True)
    assert "attn.attention" in fn.ir["input"]
    assert "gpu.binary" in fn.ir["lowered"]
    q, k, v = Device((1, 4, 100, 64)), Device((1, 2, 100, 64)), Device((1, 2, 100, 64))
    out = Device((1, 4, 100, 64), pointer=1 << 24)
    with pytest.raises(attn.AttnError, match="pass out="):
        fn(q, k, v)
    # An output over an input's bytes (here q's last row of 128) is refused.
    q_bytes = 4 * 100 * 64 * 2
    with pytest.raises(attn.AttnError, match="output 'out.1': its address range overlaps 'q's"):
        fn(q, k, v, out=[Device((1, 4, 100, 64), pointer=(1 << 20) + q_bytes - 128)])
    right_after_q = Device((1, 4, 100, 64), pointer=(1 << 20) + q_bytes)
    # Rows 64 bytes apart, each 128 bytes long.
    with pytest.raises(attn.AttnError, match="output 'out.1': the array in out= holds some of "
                                             "its elements in one place"):
        fn(q, k, v, out=[Device((1, 4, 100, 64), pointer=1 << 24,
                                strides=(4 * 100 * 64, 100 * 64, 64, 2))])
    with pytest.raises(attn.AttnError, match="buffer 'v' was refused"):
        fn(q, k, Device((1, 2, 100, 64), strides=(2 * 100 * 128 * 2, 100 * 128 * 2, 128 * 2, 4)),
           out=[right_after_q])
    with pytest.raises(attn.AttnError, match=r"'k': expected shape \(1, 2, 100, 64\)"):
        fn(q, Device((1, 2, 99, 64)), v, out=[out])
    with pytest.raises(attn.AttnError, match="'v': expected typestr <f2, got <f4"):
        fn(q, k, Device((1, 2, 100, 64), "<f4"), out=[out])
    # Not 16-byte aligned: refused by the library before any launch.
    with pytest.raises(attn.AttnError, match="buffer 'q' was refused"):
        fn(Device((1, 4, 100, 64), pointer=(1 << 20) + 8), k, v, out=[out])
    # Rows that are not contiguous.
    with pytest.raises(attn.AttnError, match="buffer 'v' was refused"):
        fn(q, k, Device((1, 2, 100, 64), strides=(2 * 100 * 128 * 2, 100 * 128 * 2, 128 * 2, 4)),
           out=[out])
    if not _has_driver():
        with pytest.raises(attn.AttnError, match="no CUDA driver"):
            fn(q, k, v, out=[out], stream=0)


# A libcuda.so.1 whose cuInit fails as a driver without a device does
# (CUDA_ERROR_NO_DEVICE, 100); the other entry points the libraries bind
# are never reached.
FAKE_DRIVER = "".join(
    f"int {name}(void) {{ return 100; }}\n"
    for name in ("cuInit", "cuDeviceGet", "cuCtxGetCurrent", "cuCtxSetCurrent",
                 "cuDevicePrimaryCtxRetain", "cuModuleLoadData", "cuModuleGetFunction",
                 "cuModuleUnload", "cuFuncSetAttribute", "cuLaunchKernel", "cuMemAlloc_v2",
                 "cuMemFree_v2", "cuStreamSynchronize"))


@needs_ptxas
def test_driver_errors_are_reported(tmp_path):
    # In a process of its own, whose libcuda.so.1 is the fake (loaded first,
    # the compiled library's dlopen finds it by its soname).
    compiler = next(filter(None, map(shutil.which, ("clang", "cc", "gcc"))), None)
    if not compiler:
        pytest.skip("no C compiler")
    source, driver = tmp_path / "fake_cuda.c", tmp_path / "libcuda.so.1"
    source.write_text(FAKE_DRIVER)
    subprocess.run([compiler, "-shared", "-fPIC", "-Wl,-soname,libcuda.so.1", "-o", str(driver),
                    str(source)], check=True)
    script = (
        "import ctypes, sys\n"
        "ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)\n"
        "import attn, test_gpu\n"
        "fn = attn.compile(test_gpu.gqa_program(), target='sm_90')\n"
        "q, k, v = (test_gpu.Device(s) for s in ((1, 4, 100, 64), (1, 2, 100, 64), (1, 2, 100, 64)))\n"
        "try:\n"
        "    fn(q, k, v, out=[test_gpu.Device((1, 4, 100, 64), pointer=1 << 24)], stream=0)\n"
        "except attn.AttnError as error:\n"
        "    print(error)\n")
    path = [os.path.dirname(os.path.dirname(attn.__file__)), os.path.dirname(__file__)]
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    result = subprocess.run([sys.executable, "-c", script, str(driver)], env=environment,
                            cwd=tmp_path, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "gqa: CUDA driver error 100", result.stdout + result.stderr


@needs_ptxas
@pytest.mark.parametrize("target", ["sm_90", "sm_90a"])
def test_traced_tables_compile_for_gpu(target):
    # attn.table's constant data in a score_mod (a constant global of the
    # kernels' module) and an input read by the mask_mod (a kernel
    # argument), both read by loads.
    np = pytest.importorskip("numpy")
    p = attn.Program("tables")
    q = p.input("q", (1, 2, 128, 64), "bf16")
    prefix = p.input("prefix", (1,), "i32")
    slopes = attn.table(np.array([[0.5, 0.0], [0.25, 1.0]], dtype=np.float32))
    p.output(p.attention(q, q, q,
                         score_mod=lambda s, b, h, i, j: s - slopes[h, 0] * (i - j),
                         mask_mod=lambda b, h, i, j: (j <= i) | (j < prefix[b])))
    fn = attn.compile(p, target=target, keep_ir=True)
    assert "arith.constant dense<[[5.000000e-01, 0.000000e+00], [2.500000e-01, " \
        "1.000000e+00]]> : tensor<2x2xf32>" in fn.ir["input"]
    assert "tensor.extract %arg1" in fn.ir["input"]
    assert "gpu.binary" in fn.ir["lowered"]


@needs_ptxas
def test_gpu_lowering_errors_are_reported():
    with pytest.raises(attn.AttnError, match="GPU lowering: query must be bf16 or f16"):
        attn.compile(gqa_program("f32"), target="sm_90")
    with pytest.raises(attn.AttnError, match="chip must be one of sm_80, sm_86, sm_87, sm_89, sm_90, sm_90a"):
        attn.compile(gqa_program(), target="sm_70")


@needs_ptxas
def test_gpu_options_reach_the_lowering():
    # Accepted: names with "_" or "-", ints, bools and strs.
    fn = attn.compile(gqa_program(), target="sm_90a", keep_ir=True,
                      gpu_options={"warps": 8, "row_tiles": 1, "ping-pong": False,
                                   "head_pairs": "off", "fuse_merges": True,
                                   "persistent": "on"})
    assert "gpu.binary" in fn.ir["lowered"]
    # NumPy scalars are taken for their values.
    np = pytest.importorskip("numpy")
    attn.compile(gqa_program(), target="sm_90",
                 gpu_options={"warps": np.int64(4), "fuse_topk": np.bool_(False)})
    # Ranges are checked before anything is lowered.
    with pytest.raises(attn.AttnError, match="GPU options: key-splits must be between 0 .automatic. and 64, got 99"):
        attn.compile(gqa_program(), target="sm_90", gpu_options={"key_splits": 99})
    refused = [
        # By the C API's parser.
        ({"warp": 2}, "GPU options: unknown option 'warp'"),
        ({"head_pairs": "true"}, "'head-pairs' takes auto, on or off, not 'true'"),
        ({"clusters": 2}, "'clusters' takes true or false, not '2'"),
        # In Python: what the text could not carry.
        ("warps=2", "gpu_options must be a dict"),
        ({"warps": 2.0}, "'warps' takes an int, a bool or a str, got float"),
        ({"warps=2": 4}, "'warps=2' is not an option name"),
        ({"head_pairs": "on off"}, "'head_pairs' has the value 'on off'"),
        ({"warps\t": 2}, r"'warps\\t' is not an option name"),
    ]
    for options, message in refused:
        with pytest.raises(attn.AttnError, match=message):
            attn.compile(gqa_program(), target="sm_90", gpu_options=options)
    with pytest.raises(attn.AttnError, match="the CPU target takes none"):
        attn.compile(gqa_program(), gpu_options={"warps": 2})


class FakeTensor:
    """Duck-types what the callable reads of a torch tensor."""

    def __init__(self, shape, dtype="torch.float16", is_cuda=True, pointer=1 << 20):
        self.shape, self._dtype, self.is_cuda, self._pointer = tuple(shape), dtype, is_cuda, pointer
        self.device = "cuda:0" if is_cuda else "cpu"
        strides, step = [], 1
        for size in reversed(self.shape):
            strides.insert(0, step)
            step *= size
        self._strides = tuple(strides)

    @property
    def dtype(self):
        return self._dtype

    def data_ptr(self):
        return self._pointer

    def stride(self):
        return self._strides


@needs_ptxas
def test_device_array_checks():
    fn = attn.compile(gqa_program(), target="sm_90")
    q, k, v = Device((1, 4, 100, 64)), Device((1, 2, 100, 64)), Device((1, 2, 100, 64))
    out = Device((1, 4, 100, 64), pointer=1 << 24)
    with pytest.raises(attn.AttnError, match=r"gqa takes 3 arrays \(q, k, v\), got 2"):
        fn(q, k, out=[out])
    with pytest.raises(attn.AttnError, match="gqa has 1 outputs, got 2 in out="):
        fn(q, k, v, out=[out, out])
    with pytest.raises(attn.AttnError, match="'q': expected a CUDA tensor or an object with "
                                             "__cuda_array_interface__, got list"):
        fn([0], k, v, out=[out])
    with pytest.raises(attn.AttnError, match="'k': strides must be whole elements"):
        fn(q, Device((1, 2, 100, 64), strides=(25601, 12800, 128, 2)), v, out=[out])
    with pytest.raises(attn.AttnError, match="stream must be a CUDA stream handle .an int, or an "
                                             "object with cuda_stream., got 'default'"):
        fn(q, k, v, out=[out], stream="default")
    torch_out = [FakeTensor((1, 4, 100, 64))]
    with pytest.raises(attn.AttnError, match="'q': expected a CUDA tensor, got one on cpu"):
        fn(FakeTensor((1, 4, 100, 64), is_cuda=False), FakeTensor((1, 2, 100, 64)),
           FakeTensor((1, 2, 100, 64)), out=torch_out, stream=0)
    with pytest.raises(attn.AttnError, match="'v': expected torch.float16, got torch.bfloat16"):
        fn(FakeTensor((1, 4, 100, 64)), FakeTensor((1, 2, 100, 64)),
           FakeTensor((1, 2, 100, 64), dtype="torch.bfloat16"), out=torch_out, stream=0)


def linear_program():
    # Mamba-2-style: identity features, log-gates (f32, one per query head
    # and key), causal.
    p = attn.Program("ssd")
    q = p.input("q", (1, 4, 100, 64), "f16")
    k = p.input("k", (1, 2, 100, 64), "f16")
    v = p.input("v", (1, 2, 100, 64), "f16")
    a = p.input("a", (1, 4, 100), "f32")
    p.output(p.linear_attention(q, k, v, feature="identity", causal=True, decay=a))
    return p


@needs_ptxas
def test_linear_attention_compiles_for_gpu_and_checks_gates():
    fn = attn.compile(linear_program(), target="sm_90", keep_ir=True)
    assert "attn.linear_attention" in fn.ir["input"]
    assert "gpu.binary" in fn.ir["lowered"]
    q, k, v = Device((1, 4, 100, 64)), Device((1, 2, 100, 64)), Device((1, 2, 100, 64))
    a, out = Device((1, 4, 100), "<f4"), Device((1, 4, 100, 64), pointer=1 << 24)
    with pytest.raises(attn.AttnError, match=r"'a': expected shape \(1, 4, 100\)"):
        fn(q, k, v, Device((1, 2, 100), "<f4"), out=[out])
    # The gates are copied 4 bytes at a time: their rows must be contiguous.
    with pytest.raises(attn.AttnError, match="buffer 'a' was refused"):
        fn(q, k, v, Device((1, 4, 100), "<f4", strides=(3200, 800, 8)), out=[out])
    if not _has_driver():
        with pytest.raises(attn.AttnError, match="no CUDA driver"):
            fn(q, k, v, a, out=[out], stream=0)


@needs_ptxas
def test_open_lengths_compile_once_for_gpu():
    # A program of several kernels with its lengths open compiles once; each
    # call's arrays give the sizes (outputs from the inputs'), and the
    # library refuses sizes that break the ops' rules before any launch.
    p = attn.Program("nsa_any")
    q = p.input("q", (1, 2, None, 64), "bf16")
    k, v = (p.input(n, (1, 2, None, 64), "bf16") for n in ("k", "v"))
    gates = p.input("gates", (1, 2, None), "f32")
    kc, vc = p.compress(k, "mean", 64), p.compress(v, "mean", 64)
    indices = p.topk(p.block_scores(q, kc, 64, mask=attn.causal(stride=64)), 2)
    selected = p.attention(q, k, v, mask=attn.causal() & attn.block_indices(64, 64),
                           indices=indices)
    compressed = p.attention(q, kc, vc, mask=attn.causal(stride=64))
    p.output(p.merge("gated", (compressed, gates), (selected, gates)))
    fn = attn.compile(p, target="sm_90a", keep_ir=True)
    assert "tensor<1x2x?x64xbf16>" in fn.ir["input"]
    for length in (100, 1000):
        arrays = [FakeTensor((1, 2, length, 64), "torch.bfloat16", pointer=(1 + i) << 24)
                  for i in range(3)]
        gates_array = FakeTensor((1, 2, length), "torch.float32", pointer=4 << 24)
        out = FakeTensor((1, 2, length, 64), "torch.bfloat16", pointer=5 << 24)
        if not _has_driver():
            with pytest.raises(attn.AttnError, match="no CUDA driver"):
                fn(*arrays, gates_array, out=[out], stream=0)
        # Gates of another length: refused by the library.
        longer = FakeTensor((1, 2, length + 1), "torch.float32", pointer=4 << 24)
        with pytest.raises(attn.AttnError, match="buffer 'gates' was refused"):
            fn(*arrays, longer, out=[out], stream=0)
    with pytest.raises(attn.AttnError, match=r"'q': expected shape \(1, 2, \?, 64\)"):
        fn(FakeTensor((1, 3, 100, 64), "torch.bfloat16"), *arrays[1:], gates_array,
           out=[out], stream=0)
