"""Compiles every GPU case with attn-compile --target=CHIP (sm_90 by default;
sm_90a for the warp-specialised kernel) into bench/gpu/artifacts/ or --out
(carried to the GPU machine), with cases.json and, for bench cases, cubins."""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases as case_list  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def linear_mlir_for(case, t):
    b, hq, hkv, lq, lkv, d, dv = (case[k] for k in ("b", "hq", "hkv", "lq", "lkv", "d", "dv"))
    q = f"tensor<{b}x{hq}x{lq}x{d}x{t}>"
    k = f"tensor<{b}x{hkv}x{lkv}x{d}x{t}>"
    v = f"tensor<{b}x{hkv}x{lkv}x{dv}x{t}>"
    o = f"tensor<{b}x{hq}x{lq}x{dv}x{t}>"
    args, types, decay = [f"%q: {q}", f"%k: {k}", f"%v: {v}"], [q, k, v], ""
    if case["decay"]:
        g = f"tensor<{b}x{hq}x{lkv}xf32>"
        args.append(f"%a: {g}")
        types.append(g)
        decay = " decay(%a)"
    flags = (" causal" if case["causal"] else "") + (" normalize" if case["normalize"] else "")
    return (f"func.func @attn({', '.join(args)}) -> {o} {{\n"
            f"  %o = attn.linear_attention %q, %k, %v{decay} feature {case['feature']}{flags}"
            f" : {', '.join(types)} -> {o}\n"
            f"  return %o : {o}\n}}\n")


def program_sizes(case, b, length, compressed):
    """A program's batch, length and compressed length as its types spell
    them: "?" for the length (and the compressed length) with "dynamic", for
    the batch with "dynamic_batch" (one build for any size)."""
    if case.get("dynamic"):
        length, compressed = "?", "?"
    if case.get("dynamic_batch"):
        b = "?"
    return b, length, compressed


def scout_mlir_for(case, t):
    """SCOUT as one GPU program (kind "scout"): a causal window mixer, its
    stride-S mean checkpoints, attention to the completed segments'
    checkpoints and to the query's own segment, merged by their LSEs. The
    own segment is causal within a window of S - 1 and the same segment by
    a mask_mod (affine bounds: a query tile visits at most two key tiles),
    or with segment_ids a document mask over segment ids (an argument)."""
    b, h, l, d, s, w = (case[k] for k in ("b", "hq", "lq", "d", "stride", "window"))
    b, l, cl = program_sizes(case, b, l, -(-l // s))
    x = f"tensor<{b}x{h}x{l}x{d}x{t}>"
    kv = f"tensor<{b}x{case['hkv']}x{l}x{d}x{t}>"
    c = f"tensor<{b}x{h}x{cl}x{d}x{t}>"
    lse = f"tensor<{b}x{h}x{l}xf32>"
    seg = f"tensor<{b}x{l}xi32>"
    if case.get("segment_ids"):
        args = f"%q: {x}, %k: {kv}, %v: {kv}, %seg: {seg}"
        own = (f"  %o_seg, %l_seg = attn.attention %q, %k, %v segments(%seg, %seg) mask "
               f"[#attn.document, #attn.causal] : {x}, {kv}, {kv}, {seg}, {seg} -> {x}, {lse}\n")
    elif case.get("chunked"):
        args = f"%q: {x}, %k: {kv}, %v: {kv}"
        own = (f"  %o_seg, %l_seg = attn.attention %q, %k, %v mask [#attn.causal, "
               f"#attn.chunked<size = {s}>] : {x}, {kv}, {kv} -> {x}, {lse}\n")
    else:
        args = f"%q: {x}, %k: {kv}, %v: {kv}"
        own = (f"  %o_seg, %l_seg = attn.attention %q, %k, %v mask [#attn.causal, "
               f"#attn.window<left = {s - 1}, right = 0>] mask_mod {{\n"
               f"  ^bb0(%b: index, %h: index, %i: index, %j: index):\n"
               f"    %c = arith.constant {s} : index\n"
               f"    %si = arith.divui %i, %c : index\n"
               f"    %sj = arith.divui %j, %c : index\n"
               f"    %same = arith.cmpi eq, %si, %sj : index\n"
               f"    attn.yield %same : i1\n"
               f"  }} : {x}, {kv}, {kv} -> {x}, {lse}\n")
    # "mixed_result": the mixer's output is a result too, so the kernel
    # that compresses it stores it as well.
    mixed = case.get("mixed_result")
    results = f"({x}, {x})" if mixed else x
    return (f"func.func @attn({args}) -> {results} {{\n"
            f"  %mixed = attn.attention %q, %k, %v mask [#attn.causal, "
            f"#attn.window<left = {w}, right = 0>] : {x}, {kv}, {kv} -> {x}\n"
            f"  %ck = attn.compress mean %mixed stride {s} : {x} -> {c}\n"
            f"  %o_ck, %l_ck = attn.attention %q, %ck, %ck mask [#attn.causal<stride = {s}>]"
            f" : {x}, {c}, {c} -> {x}, {lse}\n"
            + own +
            f"  %o = attn.merge lse (%o_seg, %l_seg), (%o_ck, %l_ck) : {x}, {lse} -> {x}\n"
            + (f"  return %o, %mixed : {x}, {x}\n}}\n" if mixed else
               f"  return %o : {x}\n}}\n"))


def gated_mlir_for(case, t):
    """Kind "gated": compressed keys (max over overlapping spans) and values
    (a weighted sum), their causal<stride> attention and a causal window,
    merged by gates, then summed with the window branch again; returns
    both merges."""
    b, h, l, d, s, span, w = (case[k] for k in ("b", "hq", "lq", "d", "stride", "span",
                                                 "window"))
    b, l, cl = program_sizes(case, b, l, -(-l // s))
    x = f"tensor<{b}x{h}x{l}x{d}x{t}>"
    c = f"tensor<{b}x{h}x{cl}x{d}x{t}>"
    g = f"tensor<{b}x{h}x{l}xf32>"
    wt = f"tensor<{h}x{span}xf32>"
    return (f"func.func @attn(%q: {x}, %k: {x}, %v: {x}, %w: {wt}, %g1: {g}, %g2: {g})"
            f" -> ({x}, {x}) {{\n"
            f"  %kc = attn.compress max %k stride {s} window {span} : {x} -> {c}\n"
            f"  %vc = attn.compress sum %v weights(%w) stride {s} window {span}"
            f" : {x}, {wt} -> {c}\n"
            f"  %o_c = attn.attention %q, %kc, %vc mask [#attn.causal<stride = {s}>]"
            f" : {x}, {c}, {c} -> {x}\n"
            f"  %o_w = attn.attention %q, %k, %v mask [#attn.causal, "
            f"#attn.window<left = {w}, right = 0>] : {x}, {x}, {x} -> {x}\n"
            f"  %o_g = attn.merge gated (%o_c, %g1), (%o_w, %g2) : {x}, {g} -> {x}\n"
            f"  %o = attn.merge sum (%o_g), (%o_w) : {x} -> {x}\n"
            f"  return %o, %o_g : {x}, {x}\n}}\n")


def selection_mlir_for(case, t):
    """NSA- and SLA-style programs (kinds "nsa", "sla"), as bench/scaling's:
    keys compressed by the mean of every S tokens score the S-token key
    blocks of each S-row query block (attn.block_scores, causal<stride>),
    the top k get exact causal attention (attn.topk, block_indices). NSA
    adds the compressed branch and a causal window under gates (inputs);
    SLA adds elu+1 linear attention. With "intermediates" the scores and
    the selection are results too (the checks compare them)."""
    b, hq, hkv, l, d, s, k = (case[n] for n in ("b", "hq", "hkv", "lq", "d", "stride", "k"))
    b, l, n = program_sizes(case, b, l, -(-l // s))
    x = f"tensor<{b}x{hq}x{l}x{d}x{t}>"
    kv = f"tensor<{b}x{hkv}x{l}x{d}x{t}>"
    c = f"tensor<{b}x{hkv}x{n}x{d}x{t}>"
    blocks = f"tensor<{b}x{hkv}x{n}x{n}xf32>"
    chosen = f"tensor<{b}x{hkv}x{n}x{k}xi32>"
    g = f"tensor<{b}x{hq}x{l}xf32>"
    args = f"%q: {x}, %k: {kv}, %v: {kv}"
    if case["kind"] == "nsa":
        args += f", %g1: {g}, %g2: {g}, %g3: {g}"
    # (SLA with causal=False: no mask anywhere.)
    causal = case.get("causal", True)
    score_mask = f" mask [#attn.causal<stride = {s}>]" if causal else ""
    body = (f"  %kc = attn.compress mean %k stride {s} : {kv} -> {c}\n"
            f"  %s = attn.block_scores %q, %kc block_q {s}{score_mask}"
            f" : {x}, {c} -> {blocks}\n"
            f"  %sel = attn.topk %s k {k} : {blocks} -> {chosen}\n"
            f"  %o_sel = attn.attention %q, %k, %v indices(%sel) mask "
            f"[{'#attn.causal, ' if causal else ''}"
            f"#attn.block_indices<block_q = {s}, block_kv = {s}>] : {x}, {kv}, {kv}, {chosen}"
            f" -> {x}\n")
    if case["kind"] == "sla":
        body += (f"  %o_lin = attn.linear_attention %q, %k, %v feature elu_plus_one"
                 f"{' causal' if causal else ''} "
                 f"normalize : {x}, {kv}, {kv} -> {x}\n"
                 f"  %o = attn.merge sum (%o_sel), (%o_lin) : {x} -> {x}\n")
    else:
        body += (f"  %vc = attn.compress mean %v stride {s} : {kv} -> {c}\n"
                 f"  %o_cmp = attn.attention %q, %kc, %vc mask [#attn.causal<stride = {s}>]"
                 f" : {x}, {c}, {c} -> {x}\n"
                 f"  %o_win = attn.attention %q, %k, %v mask [#attn.causal, "
                 f"#attn.window<left = {case['window']}, right = 0>] : {x}, {kv}, {kv} -> {x}\n"
                 f"  %o = attn.merge gated (%o_cmp, %g1), (%o_sel, %g2), (%o_win, %g3)"
                 f" : {x}, {g} -> {x}\n")
    if case.get("intermediates"):
        results, names = [x, blocks, chosen], "%o, %s, %sel"
    else:
        results, names = [x], "%o"
    return (f"func.func @attn({args}) -> ({', '.join(results)}) {{\n{body}"
            f"  return {names} : {', '.join(results)}\n}}\n")


def lawcat_mlir_for(case, t):
    """LAWCAT as a GPU program (kind "lawcat"): depthwise causal convs of
    4 taps (or "taps") over the queries and keys feed decayed elu+1 linear
    attention (the log-gates are an input); "feature" and "normalize"
    change the linear attention (identity without normaliser: Mamba-2's
    form)."""
    b, h, l, d = (case[n] for n in ("b", "hq", "lq", "d"))
    b, l, _ = program_sizes(case, b, l, None)
    taps = case.get("taps", 4)
    feature = case.get("feature", "elu_plus_one")
    normalize = " normalize" if case.get("normalize", True) else ""
    x = f"tensor<{b}x{h}x{l}x{d}x{t}>"
    # "static_query": the queries' type fixes the batch and length that the
    # others leave open, so attn-refine-shapes casts where the elementwise
    # ops (which keep their declared types) meet the attn ops.
    xq = f"tensor<{case['b']}x{h}x{case['lq']}x{d}x{t}>" if case.get("static_query") else x
    w = f"tensor<{h}x{d}x{taps}x{t}>"
    g = f"tensor<{b}x{h}x{l}xf32>"
    # With "gate_logits" the program takes x and computes its log-gates
    # a = -(0.05 x^2) itself (elementwise ops, fused into one kernel); with
    # "residual" it returns o + v (an elementwise op on a kernel's result).
    gates = "%x" if case.get("gate_logits") else "%a"
    body = ""
    if case.get("gate_logits"):
        if "?" in g:
            # Open sizes: a tensor.splat of the constant over the sizes
            # that tensor.dim asks of the logits.
            open_dims = [i for i, size in enumerate((b, h, l)) if size == "?"]
            body += "".join(f"  %c{i} = arith.constant {i} : index\n"
                            f"  %n{i} = tensor.dim %x, %c{i} : {g}\n" for i in open_dims)
            body += ("  %s = arith.constant 0.05 : f32\n"
                     f"  %c = tensor.splat %s[{', '.join(f'%n{i}' for i in open_dims)}]"
                     f" : {g}\n")
        else:
            body += f"  %c = arith.constant dense<0.05> : {g}\n"
        body += (f"  %sq = arith.mulf %x, %x : {g}\n"
                 f"  %sc = arith.mulf %sq, %c : {g}\n"
                 f"  %a = arith.negf %sc : {g}\n")
    result = "%o"
    if case.get("residual"):
        result = "%r"
    return (f"func.func @attn(%q: {xq}, %k: {x}, %v: {x}, %wq: {w}, %wk: {w}, {gates}: {g})"
            f" -> {x} {{\n"
            f"  %qc = attn.causal_conv %q, %wq : {xq}, {w} -> {x}\n"
            f"  %kc = attn.causal_conv %k, %wk : {x}, {w} -> {x}\n{body}"
            f"  %o = attn.linear_attention %qc, %kc, %v decay(%a) feature {feature}"
            f" causal{normalize} : {x}, {x}, {x}, {g} -> {x}\n"
            + (f"  %r = arith.addf %o, %v : {x}\n" if case.get("residual") else "")
            + f"  return {result} : {x}\n}}\n")


def topk_mlir_for(case):
    """attn.topk alone (kind "topk"): [b, hq, lq, width] f32 scores."""
    shape = f"{case['b']}x{case['hq']}x{case['lq']}"
    scores = f"tensor<{shape}x{case['width']}xf32>"
    picks = f"tensor<{shape}x{case['k']}xi32>"
    return (f"func.func @attn(%s: {scores}) -> {picks} {{\n"
            f"  %i = attn.topk %s k {case['k']} : {scores} -> {picks}\n"
            f"  return %i : {picks}\n}}\n")


def mlir_for(case):
    if case["kind"] == "topk":
        return topk_mlir_for(case)
    t = "bf16" if case.get("dtype", "bf16") == "bf16" else "f16"
    if case["kind"] == "linear":
        return linear_mlir_for(case, t)
    if case["kind"] == "scout":
        return scout_mlir_for(case, t)
    if case["kind"] == "gated":
        return gated_mlir_for(case, t)
    if case["kind"] in ("nsa", "sla"):
        return selection_mlir_for(case, t)
    if case["kind"] == "lawcat":
        return lawcat_mlir_for(case, t)
    b, hq, hkv, lq, lkv, d = (case[k] for k in ("b", "hq", "hkv", "lq", "lkv", "d"))
    # "dynamic": lengths known only at run time (the kernel's loop bounds
    # come from the mask's run-time key intervals, not a block map).
    lq_t, lkv_t = ("?", "?") if case.get("dynamic") else (lq, lkv)
    # "dynamic_batch": the batch known only at run time (static lengths, so
    # a tile list, but no launch-time key-tile ranges for documents).
    b_t = "?" if case.get("dynamic_batch") else b
    dv = case.get("dv", d)
    q = f"tensor<{b_t}x{hq}x{lq_t}x{d}x{t}>"
    kv = f"tensor<{b_t}x{hkv}x{lkv_t}x{d}x{t}>"
    vt = f"tensor<{b_t}x{hkv}x{lkv_t}x{dv}x{t}>"
    out_t = f"tensor<{b_t}x{hq}x{lq_t}x{dv}x{t}>"
    lse = f"tensor<{b_t}x{hq}x{lq_t}xf32>"
    args = [f"%q: {q}", f"%k: {kv}", f"%v: {vt}"]
    types = [q, kv, vt]
    operands, mask, score = "", [], ""

    def take(keyword, *named):
        """Adds the (name, type) operands as arguments and `keyword(...)`."""
        nonlocal operands
        for name, type_ in named:
            args.append(f"%{name}: {type_}")
            types.append(type_)
        operands += f" {keyword}({', '.join('%' + name for name, _ in named)})"

    regions = ""
    if case.get("as_region"):
        # The causal mask (and window, and chunks) as a mask_mod region
        # instead of atoms, as FlexAttention users write it:
        # 0 <= pos(i) - j (<= W) (and pos(i) // C == j // C).
        assert case["kind"] == "causal" and not case.get("prefix")
        window, chunk = case.get("window"), case.get("chunk")
        assert not (chunk and case["as_region"] == "opaque")
        lines = [f"    %off = arith.constant {lkv - lq} : index",
                 "    %p = arith.addi %i, %off : index",
                 "    %d = arith.subi %p, %j : index"]
        if case["as_region"] == "opaque":
            # The same compares in f32 (exact below 2^24): the region's
            # intervals decide no tile, as before the block map read them.
            lines += ["    %d64 = arith.index_cast %d : index to i64",
                      "    %x = arith.sitofp %d64 : i64 to f32",
                      "    %c0 = arith.constant 0.0 : f32",
                      "    %a = arith.cmpf oge, %x, %c0 : f32"]
            if window is not None:
                lines += [f"    %w = arith.constant {float(window)} : f32",
                          "    %in = arith.cmpf ole, %x, %w : f32",
                          "    %a2 = arith.andi %a, %in : i1"]
        else:
            lines += ["    %c0 = arith.constant 0 : index",
                      "    %a = arith.cmpi sge, %d, %c0 : index"]
            if window is not None:
                lines += [f"    %w = arith.constant {window} : index",
                          "    %in = arith.cmpi sle, %d, %w : index",
                          "    %a2 = arith.andi %a, %in : i1"]
        allowed = "%a2" if window is not None else "%a"
        if chunk:
            lines += [f"    %cs = arith.constant {chunk} : index",
                      "    %pc = arith.floordivsi %p, %cs : index",
                      "    %jc = arith.floordivsi %j, %cs : index",
                      "    %same = arith.cmpi eq, %pc, %jc : index",
                      f"    %a3 = arith.andi {allowed}, %same : i1"]
            allowed = "%a3"
        regions += (" mask_mod {\n"
                    "  ^bb0(%b: index, %h: index, %i: index, %j: index):\n"
                    + "\n".join(lines) +
                    f"\n    attn.yield {allowed} : i1\n  }}")
    else:
        if case["kind"] == "causal":
            mask.append("#attn.causal")
        if case.get("window") is not None:
            mask.append(f"#attn.window<left = {case['window']}, right = 0>")
    if case.get("chunk") and not case.get("as_region"):
        mask.append(f"#attn.chunked<size = {case['chunk']}>")
    if case.get("docs"):
        take("segments", ("qs", f"tensor<{b_t}x{lq_t}xi32>"),
             ("ks", f"tensor<{b_t}x{lkv_t}xi32>"))
        mask.insert(0, "#attn.document")
    if case.get("layout"):
        lay = case["layout"]
        blocks = f"{-(-lq // lay['block_q'])}x{-(-lkv // lay['block_kv'])}"
        take("layout", ("lay", f"tensor<{b_t}x{hq}x{blocks}xi1>"))
        mask.append(f"#attn.block_layout<block_q = {lay['block_q']}, "
                    f"block_kv = {lay['block_kv']}>")
    if case.get("select"):
        sel = case["select"]
        blocks = "?" if case.get("dynamic") else -(-lq // sel["block_q"])
        take("indices", ("idx", f"tensor<{b_t}x{hkv}x{blocks}x{sel['k']}xi32>"))
        mask.append(f"#attn.block_indices<block_q = {sel['block_q']}, "
                    f"block_kv = {sel['block_kv']}>")
    modifiers = []
    if case.get("softcap"):
        modifiers.append(f"#attn.softcap<{case['softcap']}>")
    if case.get("alibi_slopes"):
        slopes = ", ".join(repr(float(x)) for x in case["alibi_slopes"])
        modifiers.append(f"#attn.alibi<slopes = [{slopes}]>")
    if modifiers:
        score = f" score [{', '.join(modifiers)}]"
    if case.get("sink"):
        take("sink", ("s", f"tensor<{hq}xf32>"))
    if case.get("sigmoid") is not None:
        score += f" normalizer(#attn.sigmoid<bias = {case['sigmoid']}>)"
    # Tables of the function that the regions read (kernel arguments after
    # the operands): a relative-position bias per query head over the
    # distances -n..n (clamped), and a prefix length per batch under which
    # every key is visible (prefix-LM, or causal).
    if case.get("rel_bias"):
        n = case["rel_bias"]
        table = f"tensor<{hq}x{2 * n + 1}xf32>"
        args.append(f"%rb: {table}")
        regions += (" score_mod {\n"
                    "  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):\n"
                    f"    %n = arith.constant {n} : index\n"
                    f"    %m = arith.constant {-n} : index\n"
                    "    %d = arith.subi %i, %j : index\n"
                    "    %lo = arith.maxsi %d, %m : index\n"
                    "    %c = arith.minsi %lo, %n : index\n"
                    "    %e = arith.addi %c, %n : index\n"
                    f"    %x = tensor.extract %rb[%h, %e] : {table}\n"
                    "    %y = arith.addf %s, %x : f32\n"
                    "    attn.yield %y : f32\n  }")
    if case.get("prefix"):
        lengths = f"tensor<{b_t}xi32>"
        args.append(f"%pl: {lengths}")
        regions += (" mask_mod {\n"
                    "  ^bb0(%b: index, %h: index, %i: index, %j: index):\n"
                    f"    %p = tensor.extract %pl[%b] : {lengths}\n"
                    "    %pi = arith.index_cast %p : i32 to index\n"
                    "    %c = arith.cmpi sle, %j, %i : index\n"
                    "    %f = arith.cmpi slt, %j, %pi : index\n"
                    "    %a = arith.ori %c, %f : i1\n"
                    "    attn.yield %a : i1\n  }")
    if case.get("swapped"):
        assert dv == d, "swapped operands share one type"
        args[0], args[2] = args[2], args[0]
    results = [out_t] + ([lse] if case.get("lse") else [])
    mask_text = f" mask [{', '.join(mask)}]" if mask else ""
    names = "%o, %l" if case.get("lse") else "%o"
    return (f"func.func @attn({', '.join(args)}) -> ({', '.join(results)}) {{\n"
            f"  {names} = attn.attention %q, %k, %v{operands}{mask_text}{score}{regions}"
            f" : {', '.join(types)} -> {', '.join(results)}\n"
            f"  return {names} : {', '.join(results)}\n}}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--chip", default="sm_90")
    parser.add_argument("--only", default=None, help="bench, check or scaling")
    parser.add_argument("--warps", type=int, default=0)
    parser.add_argument("--row-tiles", type=int, default=0)
    parser.add_argument("--key-splits", type=int, default=0,
                        help="decode's key splits (0: automatic, 1: none)")
    parser.add_argument("--no-fuse-merges", action="store_true",
                        help="programs: each merge a kernel of its own (A/B)")
    parser.add_argument("--fuse-topk", action="store_true",
                        help="programs: top-k in the block-scores kernel (A/B)")
    parser.add_argument("--clusters", action="store_true",
                        help="sm_90a: grouped heads with a selection as clusters "
                             "with multicast K/V tiles (A/B)")
    parser.add_argument("--head-pairs", choices=("auto", "on", "off"), default="auto",
                        help="sm_90a: a fine selection over grouped heads two "
                             "heads to a CTA: by K and V's size, always or "
                             "never (A/B)")
    parser.add_argument("--persistent", choices=("auto", "on", "off"), default="auto",
                        help="sm_90a: the 128-row kernel's CTAs persistent, "
                             "taking work items in turn: for short loops, "
                             "always or never (A/B; a case's 'persistent' "
                             "overrides it)")
    parser.add_argument("--no-pair-key-blocks", action="store_true",
                        help="sm_90a: head pairs' tiles of one 64-key block (A/B runs)")
    parser.add_argument("--no-ping-pong", action="store_true",
                        help="sm_90a: consumers do not take turns (A/B runs)")
    parser.add_argument("--no-dependent-launches", action="store_true",
                        help="sm_90 and newer: kernels launched without "
                             "programmatic stream serialisation (A/B runs)")
    parser.add_argument("--via-object", action="store_true",
                        help="each library linked here from attn-compile's .o "
                             "output (checks the objects on the GPU)")
    parser.add_argument("--out", default=os.path.join(HERE, "artifacts"))
    parser.add_argument("--names", default=None, help="comma-separated case names")
    args = parser.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)
    selected = []
    if args.only in (None, "bench"):
        selected += case_list.bench_cases()
    if args.only in (None, "check"):
        selected += case_list.check_cases()
    if args.only in (None, "scaling"):
        selected += case_list.scaling_cases()
    if args.names:
        selected = [c for c in selected if c["name"] in args.names.split(",")]
    compile_tool = os.path.join(args.build, "bin", "attn-compile")

    def compile_to(case, src, output):
        run = subprocess.run([compile_tool, src, "-o", output, f"--target={args.chip}",
                              f"--gpu-warps={args.warps}",
                              f"--gpu-row-tiles={args.row_tiles}",
                              f"--gpu-key-splits={case.get('key_splits', args.key_splits)}",
                              f"--gpu-ping-pong={'false' if args.no_ping_pong else 'true'}",
                              "--gpu-pair-key-blocks="
                              f"{'false' if args.no_pair_key_blocks else 'true'}",
                              f"--gpu-fuse-merges={'false' if args.no_fuse_merges else 'true'}",
                              f"--gpu-fuse-topk={'true' if args.fuse_topk else 'false'}",
                              f"--gpu-clusters={'true' if args.clusters else 'false'}",
                              f"--gpu-head-pairs={args.head_pairs}",
                              f"--gpu-persistent={case.get('persistent', args.persistent)}",
                              f"--gpu-dependent-launches={'false' if args.no_dependent_launches else 'true'}"],
                             capture_output=True, text=True)
        if run.returncode:
            sys.exit(f"{case['name']}: {run.stderr.strip()}")

    for case in selected:
        src = os.path.join(out, case["name"] + ".mlir")
        with open(src, "w") as f:
            f.write(mlir_for(case))
        library = os.path.join(out, case["name"] + ".so")
        if args.via_object:
            obj = os.path.join(out, case["name"] + ".o")
            compile_to(case, src, obj)
            link = subprocess.run(["cc", "-shared", "-o", library, obj, "-ldl", "-lpthread"],
                                  capture_output=True, text=True)
            if link.returncode:
                sys.exit(f"{case['name']}: linking {obj}: {link.stderr.strip()}")
            os.remove(obj)
        else:
            compile_to(case, src, library)
        if not case["name"].startswith("chk-"):
            # The cubin too, for run.py --sass (cuobjdump cannot read the
            # image embedded in the library).
            compile_to(case, src, os.path.join(out, case["name"] + ".cubin"))
        print(f"built {case['name']}", flush=True)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(selected, f, indent=1)


if __name__ == "__main__":
    main()
