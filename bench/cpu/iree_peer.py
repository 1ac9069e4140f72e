"""Times IREE's compiled attention (iree_linalg_ext.attention through
iree-base-compiler's llvm-cpu backend, run by iree-base-runtime's local-task
driver on the same thread count) on the benchmark cases.

Masked cases pass the mask as an i1 [Lq, Lkv] operand, which is how front
ends hand IREE a mask it cannot see into; GQA repeats the key/value heads
beforehand (IREE's op has no head groups), which leaves the FLOP count as is.

usage: iree_peer.py CASES.json THREADS  ->  one JSON line per case
"""
import json
import sys

import numpy as np
import iree.compiler
import iree.runtime

from common import allowed, timed

threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
iree.runtime.flags.parse_flags(f"--task_topology_max_group_count={threads}")
cases = json.load(open(sys.argv[1]))


def module_text(b, h, lq, lkv, d, masked):
    q = f"tensor<{b}x{h}x{lq}x{d}xf32>"
    kv = f"tensor<{b}x{h}x{lkv}x{d}xf32>"
    mask_t = f"tensor<{lq}x{lkv}xi1>"
    maps = ["(b, h, m, k1) ", "(b, h, k2, k1)", "(b, h, k2, n)", "()"]
    dims = "(b, h, m, n, k1, k2)"
    maps = [f"affine_map<{dims} -> (b, h, m, k1)>",
            f"affine_map<{dims} -> (b, h, k2, k1)>",
            f"affine_map<{dims} -> (b, h, k2, n)>",
            f"affine_map<{dims} -> ()>"]
    args = f"%q: {q}, %k: {kv}, %v: {kv}"
    ins, types = "%q, %k, %v, %scale", f"{q}, {kv}, {kv}, f32"
    if masked:
        maps.append(f"affine_map<{dims} -> (m, k2)>")
        args += f", %mask: {mask_t}"
        ins += ", %mask"
        types += f", {mask_t}"
    maps.append(f"affine_map<{dims} -> (b, h, m, n)>")
    return f"""func.func @main({args}) -> {q} {{
  %scale = arith.constant {1.0 / d ** 0.5} : f32
  %empty = tensor.empty() : {q}
  %out = iree_linalg_ext.attention <{{indexing_maps = [{", ".join(maps)}]}}>
      ins({ins} : {types}) outs(%empty : {q}) {{
    ^bb0(%score: f32):
      iree_linalg_ext.yield %score : f32
  }} -> {q}
  return %out : {q}
}}
"""


# IREE computes every (query, key) pair whatever the mask, at a rate
# measured on the first case; a case predicted to take over a minute a run is
# reported as skipped with the prediction instead of stalling the benchmark.
rate = None

for case in cases:
    b, hq, hkv, lq, lkv, d = (case[k] for k in ("b", "hq", "hkv", "lq", "lkv", "d"))
    kind = case["kind"]
    dense_flops = 4.0 * b * hq * lq * lkv * d
    if rate is not None and dense_flops / rate > 60.0:
        print(json.dumps({"case": case["name"],
                          "iree": f"skipped (~{dense_flops / rate:.0f} s a run at "
                                  f"{rate / 1e9:.1f} GFLOP/s)"}), flush=True)
        continue
    if case.get("softcap") is not None:
        print(json.dumps({"case": case["name"], "iree": "no softcap"}), flush=True)
        continue
    try:
        masked = kind not in ("dense", "decode")
        vmfb = iree.compiler.compile_str(
            module_text(b, hq, lq, lkv, d, masked), target_backends=["llvm-cpu"],
            extra_args=["--iree-llvmcpu-target-cpu=host"])
        config = iree.runtime.Config("local-task")
        context = iree.runtime.SystemContext(config=config)
        context.add_vm_module(iree.runtime.VmModule.copy_buffer(config.vm_instance, vmfb))
        main = context.modules.module["main"]
        rng = np.random.default_rng(0)
        group = hq // hkv
        q = rng.standard_normal((b, hq, lq, d), dtype=np.float32)
        k = np.repeat(rng.standard_normal((b, hkv, lkv, d), dtype=np.float32), group, axis=1)
        v = np.repeat(rng.standard_normal((b, hkv, lkv, d), dtype=np.float32), group, axis=1)
        inputs = [q, k, v]
        if masked:
            inputs.append(allowed(case, np.arange(lq)[:, None], np.arange(lkv)[None, :]))
        device_inputs = [iree.runtime.asdevicearray(config.device, x) for x in inputs]
        ms = timed(lambda: main(*device_inputs).to_host(), case["runs"],
                   single_run_over_ms=20e3)
        rate = rate or dense_flops / (ms / 1e3)
        result = {"iree": ms}
    except Exception as error:  # a peer that cannot run the case
        result = {"iree": f"error: {type(error).__name__}: {str(error)[:200]}"}
    print(json.dumps({"case": case["name"], **result}), flush=True)
