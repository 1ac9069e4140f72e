"""Random attn programs for the GPU lowering, to be built, run and checked
as bench/gpu/examples.py does with examples/ (a differential test: the
GPU's results against attn-run's double-precision reference).

  .venv/bin/python bench/gpu/fuzz.py --count 120 --seed 1 --out /tmp/fuzz
  .venv/bin/python bench/gpu/examples.py build --sources /tmp/fuzz --chip sm_90a \
      --out bench/gpu/artifacts/fuzz

then `examples.py run` on the GPU machine and `examples.py check` here.

Each program is valid by construction (f16 or bf16 data, head dims that
are multiples of 8, of 16 for linear attention, the operands each mask atom and modifier reads, GQA
ratios that divide), small (at most 2048 tokens), and mixes what
the GPU lowering supports: one attention with random masks (atoms, their
compositions, mask_mod), score modifiers (softcap, alibi, bias, score_mod),
scales, the sigmoid normaliser, sinks and LSE results; two attentions
merged (lse, gated, sum); linear attention (every feature map, causal,
normalised, decayed); a compressed branch; block scores, top-k and the
selected blocks' attention."""
import argparse
import pathlib
import random

# (Dims of 8 mod 16 are padded tiles on the GPU; linear attention draws
# its own, multiples of 16.)
DIMS = (16, 32, 64, 80, 96, 128, 256, 8, 24, 40, 72)
LENGTHS = (1, 7, 16, 17, 64, 100, 128, 129, 255, 256, 300, 513, 1000, 2048)
# Lengths that are grids, for neighbourhoods: length -> [rows, columns].
GRIDS = {16: [4, 4], 64: [8, 8], 100: [10, 10], 128: [8, 16], 256: [16, 16],
         300: [15, 20], 1000: [25, 40], 2048: [32, 64]}


def tensor(shape, element):
    return "tensor<" + "".join(f"{s}x" for s in shape) + element + ">"


class Program:
    """A function under construction: arguments, body lines, results."""

    def __init__(self, name):
        self.name, self.args, self.lines, self.results = name, [], [], []
        self.count = 0

    def arg(self, stem, type_):
        name = f"%{stem}{len(self.args)}"
        self.args.append((name, type_))
        return name

    def value(self):
        self.count += 1
        return f"%r.{self.count}"

    def text(self):
        args = ", ".join(f"{n}: {t}" for n, t in self.args)
        types = ", ".join(t for _, t in self.results)
        body = "\n".join("  " + line for line in self.lines)
        names = ", ".join(n for n, _ in self.results)
        return (f"func.func @{self.name}({args}) -> ({types}) {{\n{body}\n"
                f"  return {names} : {types}\n}}\n")


def random_atom(rng, lq, lkv):
    """One mask atom whose operands (none) the op always has."""
    kind = rng.choice(["causal", "causal_stride", "window", "dilated", "prefix",
                       "global", "stripes", "chunked"])
    if kind == "causal":
        return "#attn.causal"
    if kind == "causal_stride":
        return f"#attn.causal<stride = {rng.choice([2, 16, 64, 100])}>"
    if kind == "window":
        return (f"#attn.window<left = {rng.choice([0, 3, 31, 64, 200])}, "
                f"right = {rng.choice([0, 0, 5, 40])}>")
    if kind == "dilated":
        return f"#attn.dilated<window = {rng.choice([8, 33, 128])}, dilation = {rng.choice([2, 3])}>"
    if kind == "prefix":
        return f"#attn.prefix<len = {rng.choice([1, 16, 70])}>"
    if kind == "global":
        return f"#attn.global<count = {rng.choice([1, 4, 20])}>"
    if kind == "chunked":
        return f"#attn.chunked<size = {rng.choice([1, 16, 64, 100, 300])}>"
    diagonals = sorted(rng.sample(range(-40, 40), rng.choice([1, 2, 3])))
    return f"#attn.stripes<diagonals = [{', '.join(map(str, diagonals))}]>"


def random_mask(rng, lq, lkv):
    """A list of predicates: atoms and their or / and / not."""
    predicates = []
    if lq == lkv and lq in GRIDS and rng.random() < 0.3:
        rows, columns = GRIDS[lq]
        predicates.append(
            f"#attn.neighborhood<grid = [{rows}, {columns}], radius = "
            f"[{rng.choice([0, 1, 3])}, {rng.choice([1, 2, 5])}], dilation = "
            f"[{rng.choice([1, 2])}, {rng.choice([1, 3])}]>")
    for _ in range(rng.choice([1, 1, 2, 3])):
        roll = rng.random()
        if roll < 0.6:
            predicates.append(random_atom(rng, lq, lkv))
        elif roll < 0.8:
            predicates.append(f"#attn.or<[{random_atom(rng, lq, lkv)}, "
                              f"{random_atom(rng, lq, lkv)}]>")
        elif roll < 0.9:
            predicates.append(f"#attn.not<{random_atom(rng, lq, lkv)}>")
        else:
            predicates.append(f"#attn.not<#attn.and<[{random_atom(rng, lq, lkv)}, "
                              f"{random_atom(rng, lq, lkv)}]>>")
    return predicates


def attention(rng, p, q, k, v, shape, results, softmax_only=False, with_lse=False,
              plain=False):
    """One attn.attention of q, k, v with random clauses (a softmax with an
    LSE result when `with_lse`; `plain`: a softmax with a random static mask
    and nothing else); returns the output's name and the LSE's (and appends
    its results to `results` when asked)."""
    b, hq, hkv, lq, lkv, d, dv, element = shape
    operands, types, clauses = [q, k, v], [tensor((b, hq, lq, d), element),
                                           tensor((b, hkv, lkv, d), element),
                                           tensor((b, hkv, lkv, dv), element)], []
    predicates = random_mask(rng, lq, lkv) if rng.random() < 0.7 else []
    modifiers = []
    if plain:
        if predicates:
            clauses.append(f"mask [{', '.join(predicates)}]")
        out = p.value()
        out_type = tensor((b, hq, lq, dv), element)
        p.lines.append(f"{out} = attn.attention {', '.join(operands)}"
                       + "".join(" " + c for c in clauses)
                       + f" : {', '.join(types)} -> {out_type}")
        if results is not None:
            results.append((out, out_type))
        return out, None
    if rng.random() < 0.2:
        bias_shape = (rng.choice([1, b]), rng.choice([1, hq]), lq, lkv)
        bias = p.arg("bias", tensor(bias_shape, rng.choice(["f32", element])))
        operands.append(bias)
        types.append(dict(p.args)[bias])
        clauses.append(f"bias({bias})")
        modifiers.append("#attn.bias")
    if rng.random() < 0.15:
        # Document masks over random segment ids in [0, 4).
        qs = p.arg("qseg", tensor((b, lq), "i32"))
        ks = p.arg("kseg", tensor((b, lkv), "i32"))
        operands += [qs, ks]
        types += [tensor((b, lq), "i32"), tensor((b, lkv), "i32")]
        clauses.append(f"segments({qs}, {ks})")
        predicates.append("#attn.document")
    elif rng.random() < 0.15:
        bq, bk = rng.choice([16, 64, 128]), rng.choice([16, 64, 128])
        layout_shape = (rng.choice([1, b]), rng.choice([1, hq]), -(-lq // bq), -(-lkv // bk))
        layout = p.arg("layout", tensor(layout_shape, "i1"))
        operands.append(layout)
        types.append(tensor(layout_shape, "i1"))
        clauses.append(f"layout({layout})")
        predicates.append(f"#attn.block_layout<block_q = {bq}, block_kv = {bk}>")
    elif rng.random() < 0.15:
        bq, bk = rng.choice([16, 64]), rng.choice([16, 32, 64])
        slots = rng.choice([1, 2, 3])
        shape_i = (b, hkv, -(-lq // bq), slots)
        indices = p.arg("idx", tensor(shape_i, "i32"))
        operands.append(indices)
        types.append(tensor(shape_i, "i32"))
        clauses.append(f"indices({indices})")
        selected = f"#attn.block_indices<block_q = {bq}, block_kv = {bk}>"
        predicates.append(selected if rng.random() < 0.8 else f"#attn.not<{selected}>")
    sigmoid = not softmax_only and not with_lse and rng.random() < 0.12
    lse = (not sigmoid and rng.random() < 0.3) or with_lse
    if not sigmoid and rng.random() < 0.15:
        sink = p.arg("sink", tensor((hq,), "f32"))
        operands.append(sink)
        types.append(tensor((hq,), "f32"))
        clauses.append(f"sink({sink})")
    if predicates:
        clauses.append(f"mask [{', '.join(predicates)}]")
    if rng.random() < 0.2:
        modifiers.insert(0, f"#attn.softcap<{rng.choice(['5.0', '30.0'])}>")
    if rng.random() < 0.15:
        modifiers.append("#attn.alibi")
    if modifiers:
        clauses.append(f"score [{', '.join(modifiers)}]")
    if sigmoid:
        clauses.append(f"normalizer(#attn.sigmoid<bias = {rng.choice(['0.0', '-2.0'])}>)")
    if rng.random() < 0.15:
        clauses.append("score_mod {\n  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):\n"
                       "    %d = arith.subi %i, %j : index\n"
                       "    %w = arith.index_cast %d : index to i32\n"
                       "    %f = arith.sitofp %w : i32 to f32\n"
                       "    %c = arith.constant 0.03125 : f32\n"
                       "    %t = arith.mulf %f, %c : f32\n"
                       "    %r = arith.subf %s, %t : f32\n"
                       "    attn.yield %r : f32\n  }")
    if rng.random() < 0.1:
        modulus = rng.choice([2, 3, 7])
        clauses.append("mask_mod {\n  ^bb0(%b: index, %h: index, %i: index, %j: index):\n"
                       f"    %c = arith.constant {modulus} : index\n"
                       "    %s = arith.addi %i, %j : index\n"
                       "    %r = arith.remui %s, %c : index\n"
                       "    %z = arith.constant 0 : index\n"
                       "    %ok = arith.cmpi ne, %r, %z : index\n"
                       "    attn.yield %ok : i1\n  }")
    attrs = []
    if rng.random() < 0.3:
        attrs.append(f"scale = {rng.choice(['0.0', '-0.125', '0.5', '1.0'])} : f32")
    out, out_type = p.value(), tensor((b, hq, lq, dv), element)
    names, result_types = [out], [out_type]
    if lse:
        lse_name = p.value()
        names.append(lse_name)
        result_types.append(tensor((b, hq, lq), "f32"))
    text = (f"{', '.join(names)} = attn.attention {', '.join(operands[:3])}"
            + "".join(" " + c for c in clauses)
            + (f" {{{', '.join(attrs)}}}" if attrs else "")
            + f" : {', '.join(types)} -> {', '.join(result_types)}")
    p.lines.append(text)
    if results is not None:
        results.extend(zip(names, result_types))
    return out, (names[1] if lse else None)


def shape_of(rng, element):
    b = rng.choice([1, 1, 2])
    hkv = rng.choice([1, 2])
    hq = hkv * rng.choice([1, 2, 4])
    lq, lkv = rng.choice(LENGTHS), rng.choice(LENGTHS)
    if rng.random() < 0.4:
        lq = lkv
    d = rng.choice(DIMS)
    dv = d if rng.random() < 0.7 else rng.choice(DIMS)
    return b, hq, hkv, lq, lkv, d, dv, element


def single(rng, name):
    element = rng.choice(["bf16", "bf16", "f16"])
    shape = shape_of(rng, element)
    b, hq, hkv, lq, lkv, d, dv, _ = shape
    p = Program(name)
    q = p.arg("q", tensor((b, hq, lq, d), element))
    k = p.arg("k", tensor((b, hkv, lkv, d), element))
    v = p.arg("v", tensor((b, hkv, lkv, dv), element))
    attention(rng, p, q, k, v, shape, p.results)
    return p


def merged(rng, name):
    """Two attentions of one query over two key sources, merged."""
    element = rng.choice(["bf16", "f16"])
    b, hq, hkv, lq, _, d, dv, _ = shape_of(rng, element)
    p = Program(name)
    q = p.arg("q", tensor((b, hq, lq, d), element))
    kind = rng.choice(["lse", "gated", "sum"])
    count = rng.choice([2, 2, 3])
    # Gated and sum merges of branches over one key source, mostly plain
    # softmax: the sm_90a lowering runs two of them in one kernel.
    shared = kind != "lse" and rng.random() < 0.5
    branches = []
    for index in range(count):
        if index == 0 or not shared:
            lkv = rng.choice(LENGTHS)
            k = p.arg("k", tensor((b, hkv, lkv, d), element))
            v = p.arg("v", tensor((b, hkv, lkv, dv), element))
        shape = (b, hq, hkv, lq, lkv, d, dv, element)
        branches.append(attention(rng, p, q, k, v, shape, None, softmax_only=True,
                                  with_lse=kind == "lse",
                                  plain=shared and rng.random() < 0.7))
    x, rows = tensor((b, hq, lq, dv), element), tensor((b, hq, lq), "f32")
    result = p.value()
    if kind == "lse":
        merged_lse = p.value()
        pairs = ", ".join(f"({o}, {l})" for o, l in branches)
        p.lines.append(f"{result}, {merged_lse} = attn.merge lse {pairs} : "
                       f"{x}, {rows} -> {x}, {rows}")
        p.results += [(result, x), (merged_lse, rows)]
    elif kind == "gated":
        pairs = ", ".join(f"({o}, {p.arg('g', rows)})" for o, _ in branches)
        p.lines.append(f"{result} = attn.merge gated {pairs} : {x}, {rows} -> {x}")
        p.results.append((result, x))
    else:
        outputs = ", ".join(f"({o})" for o, _ in branches)
        p.lines.append(f"{result} = attn.merge sum {outputs} : {x} -> {x}")
        p.results.append((result, x))
    return p


def linear(rng, name):
    element = rng.choice(["bf16", "f16"])
    b, hq, hkv, lq, _, d, dv, _ = shape_of(rng, element)
    d = rng.choice((16, 32, 64, 128))
    dv = rng.choice((16, 32, 64, 128))
    p = Program(name)
    q = p.arg("q", tensor((b, hq, lq, d), element))
    k = p.arg("k", tensor((b, hkv, lq, d), element))
    v = p.arg("v", tensor((b, hkv, lq, dv), element))
    feature = rng.choice(["identity", "relu", "elu_plus_one", "exp", "sigmoid"])
    causal = rng.random() < 0.7
    normalize = feature != "identity" and rng.random() < 0.6
    if feature == "exp" and element == "f16":
        # Unnormalised, exp(q) . exp(k) summed over the keys passes f16's
        # 65504 on N(0, 1) inputs (after a causal conv, from a few hundred
        # tokens): a program that overflows in every implementation.
        normalize = True
    operands, types = [q, k, v], [dict(p.args)[x] for x in (q, k, v)]
    clause = ""
    if causal and rng.random() < 0.5:
        # Log-gates <= 0 from any input: a = -(x * x) / 16.
        rows = tensor((b, hq, lq), "f32")
        x = p.arg("x", rows)
        square, scale, gate = p.value(), p.value(), p.value()
        p.lines += [f"{square} = arith.mulf {x}, {x} : {rows}",
                    f"{scale} = arith.constant dense<-0.0625> : {rows}",
                    f"{gate} = arith.mulf {square}, {scale} : {rows}"]
        operands.append(gate)
        types.append(rows)
        clause = f" decay({gate})"
    if hq == hkv and rng.random() < 0.3:
        # LAWCAT's form: short causal convolutions of the queries and keys.
        taps = rng.choice([2, 4])
        convolved = []
        for x, dim in ((q, d), (k, d)):
            weights = p.arg("w", tensor((hq, dim, taps), element))
            y = p.value()
            t = dict(p.args)[x]
            p.lines.append(f"{y} = attn.causal_conv {x}, {weights} : {t}, "
                           f"{tensor((hq, dim, taps), element)} -> {t}")
            convolved.append(y)
        q, k = convolved
    out, out_type = p.value(), tensor((b, hq, lq, dv), element)
    flags = (" causal" if causal else "") + (" normalize" if normalize else "")
    p.lines.append(f"{out} = attn.linear_attention {q}, {k}, {v}{clause} feature {feature}"
                   f"{flags} : {', '.join(types)} -> {out_type}")
    p.results.append((out, out_type))
    return p


def selective(rng, name):
    """Compressed keys score blocks; the top k get attention; with a
    compressed branch merged in (NSA's form) half of the time."""
    element = rng.choice(["bf16", "f16"])
    b, hq, hkv, _, length, d, dv, _ = shape_of(rng, element)
    length = max(length, 17)
    d = dv = rng.choice((32, 64, 128, 40, 72))
    stride = rng.choice([16, 32, 64])
    blocks = -(-length // stride)
    top = rng.choice([1, 2, 4])
    p = Program(name)
    x = tensor((b, hq, length, d), element)
    kv = tensor((b, hkv, length, d), element)
    c = tensor((b, hkv, blocks, d), element)
    q, k, v = p.arg("q", x), p.arg("k", kv), p.arg("v", kv)
    kc, vc, scores, chosen, sel = (p.value() for _ in range(5))
    reduce = rng.choice(["mean", "mean", "max", "sum"])
    window = rng.choice(["", "", f" window {stride * 2}"])
    scores_type = tensor((b, hkv, -(-length // stride), blocks), "f32")
    chosen_type = tensor((b, hkv, -(-length // stride), top), "i32")
    p.lines += [
        f"{kc} = attn.compress {reduce} {k} stride {stride}{window} : {kv} -> {c}",
        f"{scores} = attn.block_scores {q}, {kc} block_q {stride} mask "
        f"[#attn.causal<stride = {stride}>] : {x}, {c} -> {scores_type}",
        f"{chosen} = attn.topk {scores} k {top} : {scores_type} -> {chosen_type}",
        f"{sel} = attn.attention {q}, {k}, {v} indices({chosen}) mask [#attn.causal, "
        f"#attn.block_indices<block_q = {stride}, block_kv = {stride}>] : {x}, {kv}, {kv}, "
        f"{chosen_type} -> {x}"]
    if rng.random() < 0.5:
        cmp, out = p.value(), p.value()
        g = tensor((b, hq, length), "f32")
        g1, g2 = p.arg("g", g), p.arg("g", g)
        p.lines += [
            f"{vc} = attn.compress {reduce} {v} stride {stride}{window} : {kv} -> {c}",
            f"{cmp} = attn.attention {q}, {kc}, {vc} mask [#attn.causal<stride = {stride}>] "
            f": {x}, {c}, {c} -> {x}"]
        branches = f"({cmp}, {g1}), ({sel}, {g2})"
        if rng.random() < 0.5:
            # NSA's sliding window too (with the selected branch, one kernel
            # on sm_90a).
            win, g3 = p.value(), p.arg("g", g)
            p.lines.append(
                f"{win} = attn.attention {q}, {k}, {v} mask [#attn.causal, #attn.window<"
                f"left = {rng.choice([0, 31, 100, 511])}, right = 0>] : {x}, {kv}, {kv} -> {x}")
            branches += f", ({win}, {g3})"
        p.lines.append(f"{out} = attn.merge gated {branches} : {x}, {g} -> {x}")
        p.results.append((out, x))
    else:
        p.results.append((sel, x))
    if rng.random() < 0.3:
        p.results.append((chosen, chosen_type))
    return p


# The usual mix of program kinds, by weight.
USUAL_MIX = [single] * 6 + [merged] * 2 + [linear] + [selective]
KINDS = {"single": single, "merged": merged, "linear": linear,
         "selective": selective}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--kinds", default=None,
                        help="comma-separated program kinds to draw from "
                        f"({', '.join(KINDS)}) in equal shares, e.g. "
                        "selective to exercise options that change only "
                        "selections' kernels; default: the usual mix")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    makers = USUAL_MIX
    if args.kinds:
        unknown = [k for k in args.kinds.split(",") if k not in KINDS]
        if unknown:
            parser.error(f"unknown kinds {', '.join(unknown)}; "
                         f"expected some of {', '.join(KINDS)}")
        makers = [KINDS[k] for k in args.kinds.split(",")]
    for index in range(args.count):
        name = f"fuzz{args.seed}_{index}"
        program = rng.choice(makers)(rng, name)
        (out / f"{name}.mlir").write_text(program.text())
    print(f"wrote {args.count} programs to {out}")


if __name__ == "__main__":
    main()
