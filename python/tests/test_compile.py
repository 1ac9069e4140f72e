"""Compiled programs against the NumPy reference, with fresh random data."""
import numpy as np
import pytest

import attn
import reference


def random(rng, shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def check(out, expected, tol=1e-4):
    bound = tol * max(1.0, float(np.abs(expected).max()))
    assert np.abs(out.astype(np.float64) - expected).max() <= bound


@pytest.fixture
def rng():
    seed = np.random.SeedSequence().entropy % (1 << 32)
    print(f"seed {seed}")
    return np.random.default_rng(seed)


@pytest.mark.parametrize("path", ["flash", "reference"])
def test_gqa_causal_window(rng, path):
    b, hq, hkv, l, d = 2, 4, 2, 150, 32
    p = attn.Program("gqa")
    q, k, v = (p.input(n, s) for n, s in (("q", (b, hq, l, d)), ("k", (b, hkv, l, d)),
                                          ("v", (b, hkv, l, d))))
    p.output(p.attention(q, k, v, mask=attn.causal() & attn.window(40)))
    fn = attn.compile(p, path=path)
    qa, ka, va = random(rng, (b, hq, l, d)), random(rng, (b, hkv, l, d)), random(rng, (b, hkv, l, d))
    i, j = reference.positions(l, l)
    check(fn(qa, ka, va), reference.attention(qa, ka, va, allowed=(j <= i) & (j >= i - 40)))


@pytest.mark.parametrize("path", ["flash", "reference"])
@pytest.mark.parametrize("lq,lkv", [(150, 150), (70, 150), (150, 70)])
def test_chunked_causal(rng, path, lq, lkv):
    # Llama 4's chunked local attention: chunks of 32 positions, causal;
    # with Lq > Lkv the rows before the keys see none (zeros).
    b, h, d, size = 1, 2, 32, 32
    p = attn.Program("chunked")
    q = p.input("q", (b, h, lq, d))
    k, v = (p.input(n, (b, h, lkv, d)) for n in ("k", "v"))
    p.output(p.attention(q, k, v, mask=attn.causal() & attn.chunked(size)))
    fn = attn.compile(p, path=path)
    qa, ka, va = random(rng, (b, h, lq, d)), random(rng, (b, h, lkv, d)), random(rng, (b, h, lkv, d))
    i, j = reference.positions(lq, lkv)
    allowed = (j <= i) & (i >= 0) & (np.floor_divide(i, size) == j // size)
    check(fn(qa, ka, va), reference.attention(qa, ka, va, allowed=allowed))


def test_strided_inputs_without_copies(rng):
    # [B, L, H, D] memory passed as [B, H, L, D] views.
    b, h, l, d = 1, 2, 70, 16
    p = attn.Program("strided")
    q, k, v = (p.input(n, (b, h, l, d)) for n in ("q", "k", "v"))
    p.output(p.attention(q, k, v, mask=attn.causal()))
    fn = attn.compile(p)
    blhd = [random(rng, (b, l, h, d)) for _ in range(3)]
    views = [x.transpose(0, 2, 1, 3) for x in blhd]
    assert not views[0].flags.c_contiguous
    i, j = reference.positions(l, l)
    expected = reference.attention(*views, allowed=j <= i)
    check(fn(*views), expected)
    # The output too: written through its strides into out=.
    out = np.full((b, l, h, d), np.nan, dtype=np.float32)
    written = fn(*views, out=[out.transpose(0, 2, 1, 3)])
    assert np.shares_memory(written, out)
    check(out.transpose(0, 2, 1, 3), expected)


def test_traced_score_and_mask_mods(rng):
    b, h, l, d = 1, 2, 48, 16
    slopes = np.array([0.5, 0.125], dtype=np.float32)
    p = attn.Program("traced")
    q, k, v = (p.input(n, (b, h, l, d)) for n in ("q", "k", "v"))
    table = attn.table(slopes)
    p.output(p.attention(
        q, k, v, mask=attn.causal(),
        score_mod=lambda s, bb, hh, i, j: attn.tanh(s / 5.0) * 5.0 - table[hh] * (i - j),
        mask_mod=lambda bb, hh, i, j: ((i + j) % 3 != 1) | (i == j)))
    fn = attn.compile(p)
    qa, ka, va = (random(rng, (b, h, l, d)) for _ in range(3))
    i, j = reference.positions(l, l)
    penalty = slopes[None, :, None, None] * (i - j)[None, None]
    expected = reference.attention(
        qa, ka, va, allowed=(j <= i) & (((i + j) % 3 != 1) | (i == j)),
        score_fn=lambda s: np.tanh(s / 5.0) * 5.0 - penalty)
    check(fn(qa, ka, va), expected)


def test_traced_reads_of_program_tensors(rng):
    # A relative-position bias table and a prefix length per batch, as
    # inputs: the regions read them on each call (new data, new result).
    b, h, l, d, n = 2, 2, 40, 16, 8
    p = attn.Program("tables")
    q, k, v = (p.input(name, (b, h, l, d)) for name in ("q", "k", "v"))
    bias = p.input("bias", (h, 2 * n + 1))
    prefix = p.input("prefix", (b,), "i32")
    p.output(p.attention(
        q, k, v,
        score_mod=lambda s, bb, hh, i, j:
            s + bias[hh, attn.minimum(attn.maximum(i - j, -n), n) + n],
        mask_mod=lambda bb, hh, i, j: (j <= i) | (j < prefix[bb])))
    fn = attn.compile(p)
    qa, ka, va = (random(rng, (b, h, l, d)) for _ in range(3))
    i, j = reference.positions(l, l)
    for _ in range(2):
        table = random(rng, (h, 2 * n + 1))
        lengths = rng.integers(0, l + 1, size=b).astype(np.int32)
        added = table[:, np.clip(i - j, -n, n) + n][None]
        allowed = (j <= i)[None, None] | (j[None, None] < lengths[:, None, None, None])
        expected = reference.attention(qa, ka, va, allowed=allowed,
                                       score_fn=lambda s: s + added)
        check(fn(qa, ka, va, table, lengths), expected)


def test_program_tensor_reads_are_checked():
    p = attn.Program("bad")
    q = p.input("q", (1, 1, 8, 16))
    table = p.input("t", (4,))
    with pytest.raises(attn.AttnError, match="table axis 0 has 4 entries, but its index runs to 7"):
        p.attention(q, q, q, score_mod=lambda s, bb, hh, i, j: s + table[j])
    with pytest.raises(attn.AttnError, match="'t' has 1 dimensions: 1 indices needed, got 2"):
        p.attention(q, q, q, score_mod=lambda s, bb, hh, i, j: s + table[j, i])
    with pytest.raises(attn.AttnError, match="index it inside a traced score_mod or mask_mod"):
        table[0]
    other = attn.Program("other")
    foreign = other.input("f", (4,))
    with pytest.raises(attn.AttnError, match="score_mod: 'f' belongs to another program"):
        p.attention(q, q, q, score_mod=lambda s, bb, hh, i, j: s + foreign[hh])
    empty = p.input("empty", (0,))
    with pytest.raises(attn.AttnError, match="score_mod: 'empty' has no elements to read"):
        p.attention(q, q, q, score_mod=lambda s, bb, hh, i, j: s + empty[hh])


def test_f16_inputs(rng):
    b, h, l, d = 1, 2, 64, 32
    p = attn.Program("half")
    q, k, v = (p.input(n, (b, h, l, d), "f16") for n in ("q", "k", "v"))
    p.output(p.attention(q, k, v, mask=attn.causal()))
    fn = attn.compile(p)
    qa, ka, va = (random(rng, (b, h, l, d), np.float16) for _ in range(3))
    out = fn(qa, ka, va)
    assert out.dtype == np.float16
    i, j = reference.positions(l, l)
    check(out, reference.attention(qa, ka, va, allowed=j <= i), tol=5e-3)


def test_keep_ir_and_call_errors(rng):
    p = attn.Program("small")
    q, k, v = (p.input(n, (1, 1, 8, 16)) for n in ("q", "k", "v"))
    p.output(p.attention(q, k, v))
    fn = attn.compile(p, keep_ir=True)
    assert "attn.attention" in fn.ir["input"] and "llvm.func" in fn.ir["lowered"]
    x = random(rng, (1, 1, 8, 16))
    with pytest.raises(attn.AttnError, match="takes 3 arrays"):
        fn(x, x)
    with pytest.raises(attn.AttnError, match="expected shape"):
        fn(x, x, random(rng, (1, 1, 9, 16)))
    with pytest.raises(attn.AttnError, match="expected float32"):
        fn(x, x, x.astype(np.float64))
    with pytest.raises(attn.AttnError, match="input 'v': expected a NumPy array, got list"):
        fn(x, x, [[0.0]])
    # Elements 2 bytes apart: no whole number of 4-byte elements.
    halves = np.lib.stride_tricks.as_strided(np.zeros(8 * 16 + 16, np.float32),
                                             shape=(1, 1, 8, 16), strides=(4, 4, 64, 2))
    with pytest.raises(attn.AttnError, match=r"'k': array strides must be whole elements, got "
                                             r"\(4, 4, 64, 2\) bytes for 4-byte elements"):
        fn(x, halves, x)
    with pytest.raises(attn.AttnError, match="small has 1 outputs, got 2 in out="):
        fn(x, x, x, out=[x.copy(), x.copy()])
    with pytest.raises(attn.AttnError, match="output 'out.1': expected shape"):
        fn(x, x, x, out=[random(rng, (1, 1, 9, 16))])
    with pytest.raises(attn.AttnError, match="output 'out.1': expected float32"):
        fn(x, x, x, out=np.zeros((1, 1, 8, 16)))
    read_only = x.copy()
    read_only.flags.writeable = False
    with pytest.raises(attn.AttnError, match="read-only"):
        fn(x, x, x, out=read_only)
    with pytest.raises(attn.AttnError, match="negative strides"):
        fn(x, x, x, out=np.zeros((1, 1, 8, 16), np.float32)[:, :, ::-1])
    with pytest.raises(attn.AttnError, match="expected a NumPy array in out="):
        fn(x, x, x, out=[[0.0]])
    with pytest.raises(attn.AttnError, match="output 'out.1': the array in out= shares memory "
                                             "with 'v'"):
        fn(x.copy(), x.copy(), x, out=x)
    # Rows 32 bytes apart, each 64 bytes long: elements share places.
    overlapping = np.lib.stride_tricks.as_strided(np.zeros(8 * 16 + 8, np.float32),
                                                  shape=(1, 1, 8, 16), strides=(4, 4, 32, 4))
    with pytest.raises(attn.AttnError, match=r"output 'out.1': the array in out= holds some "
                                             r"of its elements in one place \(strides "
                                             r"\(4, 4, 32, 4\) bytes"):
        fn(x, x, x, out=overlapping)


def test_linear_attention_with_decay(rng):
    b, h, l, d = 1, 2, 150, 16
    p = attn.Program("linear")
    q, k, v = (p.input(n, (b, h, l, d)) for n in ("q", "k", "v"))
    gates = p.input("gates", (b, h, l))
    p.output(p.linear_attention(q, k, v, feature="relu", causal=True, normalize=True,
                                decay=gates))
    fn = attn.compile(p)
    qa, ka, va = (random(rng, (b, h, l, d)) for _ in range(3))
    ga = -0.05 * random(rng, (b, h, l)) ** 2
    # The quadratic form in float64.
    phi_q, phi_k = np.maximum(qa, 0).astype(np.float64), np.maximum(ka, 0).astype(np.float64)
    cum = np.cumsum(ga.astype(np.float64), axis=-1)
    gamma = np.exp(cum[..., :, None] - cum[..., None, :])
    gamma = np.where(np.tril(np.ones((l, l), bool)), gamma, 0.0)
    w = np.einsum("bhid,bhjd->bhij", phi_q, phi_k) * gamma
    expected = np.einsum("bhij,bhjd->bhid", w, va) / (w.sum(-1, keepdims=True) + 1e-6)
    check(fn(qa, ka, va, ga.astype(np.float32)), expected)


def test_merge_lse_is_the_softmax_of_the_union(rng):
    # Two halves of the keys attended separately and merged by LSE equal
    # attention over all of them.
    b, h, l, d = 1, 2, 40, 16
    p = attn.Program("union")
    q = p.input("q", (b, h, l, d))
    k1, v1, k2, v2 = (p.input(n, (b, h, l // 2, d)) for n in ("k1", "v1", "k2", "v2"))
    o1, l1 = p.attention(q, k1, v1, return_lse=True)
    o2, l2 = p.attention(q, k2, v2, return_lse=True)
    out, _ = p.merge("lse", (o1, l1), (o2, l2))
    p.output(out)
    fn = attn.compile(p)
    qa = random(rng, (b, h, l, d))
    halves = [random(rng, (b, h, l // 2, d)) for _ in range(4)]
    expected = reference.attention(qa, np.concatenate([halves[0], halves[2]], axis=2),
                                   np.concatenate([halves[1], halves[3]], axis=2))
    check(fn(qa, *halves), expected)


@pytest.mark.parametrize("path", ["flash", "reference"])
def test_merge_of_a_fixed_and_an_open_gate(rng, path):
    # A gate whose length is open beside one whose type fixes it: the open
    # branch is cast to the fixed type, and the library refuses a gate of
    # another length at the call.
    b, h, l, d = 1, 2, 24, 16
    p = attn.Program("gated")
    q, k, v = (p.input(n, (b, h, l, d)) for n in ("q", "k", "v"))
    g1 = p.input("g1", (b, h, l))
    g2 = p.input("g2", (b, h, None))
    o1 = p.attention(q, k, v, mask=attn.causal())
    o2 = p.attention(q, k, v, mask=attn.window(4))
    p.output(p.merge("gated", (o1, g1), (o2, g2)))
    assert "tensor.cast" in str(p)
    fn = attn.compile(p, path=path)
    qa, ka, va = (random(rng, (b, h, l, d)) for _ in range(3))
    ga, gb = random(rng, (b, h, l)), random(rng, (b, h, l))
    causal = np.tril(np.ones((l, l), dtype=bool))
    window = causal & ~np.tril(np.ones((l, l), dtype=bool), -5)
    expected = (ga[..., None] * reference.attention(qa, ka, va, allowed=causal)
                + gb[..., None] * reference.attention(qa, ka, va, allowed=window))
    check(fn(qa, ka, va, ga, gb), expected)
    with pytest.raises(attn.AttnError, match="g2"):
        fn(qa, ka, va, ga, random(rng, (b, h, l + 1)))


def test_refused_merge_leaves_no_cast():
    # The outputs could share a type (one open, one fixed) but the gates
    # cannot (24 against 32): nothing of the merge is written.
    p = attn.Program("refused")
    q, k, v = (p.input(n, (1, 2, None, 16)) for n in ("q", "k", "v"))
    q24 = p.input("q24", (1, 2, 24, 16))
    g1, g2 = p.input("g1", (1, 2, 24)), p.input("g2", (1, 2, 32))
    o1, o2 = p.attention(q, k, v), p.attention(q24, k, v)
    with pytest.raises(attn.AttnError, match="branch 2 has tensor<1x2x32xf32>"):
        p.merge("gated", (o1, g1), (o2, g2))
    p.output(o1)
    assert "tensor.cast" not in str(p)


@pytest.mark.parametrize("path", ["flash", "reference"])
def test_floor_division_and_modulo_follow_python(rng, path):
    # (i - j) is negative above the diagonal: Python's // and % floor.
    b, h, l, d = 1, 2, 40, 16
    p = attn.Program("modulo")
    q, k, v = (p.input(n, (b, h, l, d)) for n in ("q", "k", "v"))
    table = attn.table(np.array([[0.0, 1.0, -1.0], [0.5, -0.5, 2.0]], dtype=np.float32))
    p.output(p.attention(
        q, k, v,
        mask_mod=lambda bb, hh, i, j: ((i - j) % 3 == 1) | ((i - j) // 5 == -2)
        | ((7 - j) % (i + 1) == 0),
        score_mod=lambda s, bb, hh, i, j: s + table[hh, -1] * ((j - i) % -4)))
    fn = attn.compile(p, path=path)
    qa, ka, va = (random(rng, (b, h, l, d)) for _ in range(3))
    i, j = reference.positions(l, l)
    allowed = ((i - j) % 3 == 1) | ((i - j) // 5 == -2) | ((7 - j) % (i + 1) == 0)
    heads = np.array([-1.0, 2.0]).reshape(1, 2, 1, 1)
    check(fn(qa, ka, va), reference.attention(
        qa, ka, va, allowed=allowed, score_fn=lambda s: s + heads * ((j - i) % -4)))


@pytest.mark.parametrize("path", ["flash", "reference"])
@pytest.mark.parametrize("region", [
    lambda i, j: (j <= i) & (i - j < 70),  # a sliding window
    lambda i, j: (i // 48 == j // 48) & (j <= i),  # causal chunks
])
def test_traced_window_over_open_lengths(rng, path, region):
    # A window or chunks written as a mask_mod, compiled once for any
    # length: with no block map its compares bound the key tiles at run
    # time, so lengths of several tiles, Lq < Lkv and Lq > Lkv included,
    # skip the tiles outside the band and the region inside it.
    b, h, d = 1, 2, 16
    p = attn.Program("open_window")
    q, k, v = (p.input(n, (b, h, None, d)) for n in ("q", "k", "v"))
    p.output(p.attention(q, k, v, mask_mod=lambda bb, hh, i, j: region(i, j)))
    fn = attn.compile(p, path=path)
    for lq, lkv in [(300, 300), (130, 300), (300, 130), (1, 257)]:
        qa = random(rng, (b, h, lq, d))
        ka, va = (random(rng, (b, h, lkv, d)) for _ in range(2))
        i, j = reference.positions(lq, lkv)
        i = i - (lkv - lq)  # positions() aligns bottom-right; the region reads raw rows
        check(fn(qa, ka, va), reference.attention(qa, ka, va, allowed=region(i, j)))


def test_zero_length_and_runtime_names(rng):
    # Lengths may be 0; a program may be called after C runtime functions.
    p = attn.Program("malloc")
    q = p.input("q", (1, 2, 0, 16))
    k, v = (p.input(n, (1, 2, 5, 16)) for n in ("k", "v"))
    p.output(p.attention(q, k, v))
    fn = attn.compile(p)
    assert fn(np.zeros((1, 2, 0, 16), np.float32), random(rng, (1, 2, 5, 16)),
              random(rng, (1, 2, 5, 16))).shape == (1, 2, 0, 16)
    # The library is loaded and its temporary folder gone.
    import os
    assert not os.path.exists(os.path.dirname(fn._library._name))


def test_compiler_errors_are_reported(monkeypatch, tmp_path):
    # The library is linked by the host C compiler: with none on PATH the
    # compile fails, and says why.
    p = attn.Program("no_compiler")
    q = p.input("q", (1, 1, 4, 8))
    p.output(p.attention(q, q, q))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(attn.AttnError, match=r"compilation failed:\n.*no C compiler "
                                             r"\(clang-22, clang, cc or gcc\) on PATH"):
        attn.compile(p)


def test_compress_block_scores_topk_and_selected_blocks(rng):
    # NSA from Python: compressed keys (means of 8 tokens), their branch
    # under causal<stride = 8>, block scores of 16-row query blocks, the
    # top 3 key blocks of each, and the selected blocks' branch; each
    # against NumPy (the selection from the program's own scores, so that
    # near-ties cannot flip it).
    b, hq, hkv, l, d, s, bq, top = 1, 4, 2, 96, 16, 8, 16, 3
    p = attn.Program("nsa")
    q = p.input("q", (b, hq, l, d))
    k, v = (p.input(n, (b, hkv, l, d)) for n in ("k", "v"))
    kc, vc = p.compress(k, "mean", s), p.compress(v, "mean", s)
    compressed = p.attention(q, kc, vc, mask=attn.causal(stride=s))
    scores = p.block_scores(q, kc, bq, mask=attn.causal(stride=s))
    indices = p.topk(scores, top)
    selected = p.attention(q, k, v, mask=attn.causal() & attn.block_indices(bq, s),
                           indices=indices)
    p.output(compressed, scores, indices, selected)
    fn = attn.compile(p)
    qa, ka, va = random(rng, (b, hq, l, d)), random(rng, (b, hkv, l, d)), random(rng, (b, hkv, l, d))
    out_c, out_scores, out_indices, out_s = fn(qa, ka, va)

    kc_ref, vc_ref = (x.astype(np.float64).reshape(b, hkv, l // s, s, d).mean(3) for x in (ka, va))
    i = np.arange(l)[:, None]
    j = np.arange(l // s)[None, :]
    allowed_c = (j + 1) * s - 1 <= i
    check(out_c, reference.attention(qa, kc_ref, vc_ref, allowed=allowed_c))

    # Block scores: softmax over the allowed compressed keys (0 elsewhere),
    # averaged over each block's rows and each group's heads; -inf where no
    # row of the block sees the key.
    g = hq // hkv
    logits = np.einsum("bhqd,bhkd->bhqk", qa.astype(np.float64),
                       np.repeat(kc_ref, g, axis=1)) / np.sqrt(d)
    logits = np.where(allowed_c, logits, -np.inf)
    top_logit = logits.max(-1, keepdims=True)
    probs = np.exp(logits - np.where(np.isfinite(top_logit), top_logit, 0.0))
    probs /= np.maximum(probs.sum(-1, keepdims=True), 1e-300)
    expected = probs.reshape(b, hkv, g, l // bq, bq, l // s).mean(axis=(2, 4))
    seen = allowed_c.reshape(l // bq, bq, l // s).any(1)
    expected = np.where(seen, expected, -np.inf)
    assert np.array_equal(np.isinf(out_scores), np.isinf(expected))
    finite = np.isfinite(expected)
    assert np.abs(out_scores[finite] - expected[finite]).max() <= 1e-5

    # Top-k of the program's scores: ascending indices of the largest,
    # lower index first on ties, never -inf, -1 in left-over slots.
    rows = out_scores.reshape(-1, l // s)
    chosen = []
    for row in rows:
        order = sorted((key for key in range(len(row)) if np.isfinite(row[key])),
                       key=lambda key: (-row[key], key))[:top]
        chosen.append(sorted(order) + [-1] * (top - len(order)))
    assert np.array_equal(out_indices.reshape(-1, top), np.array(chosen))

    # The selected blocks' branch, under the causal mask.
    i_tok, j_tok = reference.positions(l, l)
    heads = np.arange(hq) // g
    picked = out_indices[0][heads][:, i_tok[:, 0] // bq]          # [Hq, L, top]
    in_selection = (picked[:, :, None, :] == (j_tok[0] // s)[None, None, :, None]).any(-1)
    allowed_s = (j_tok <= i_tok)[None, None] & in_selection[None]
    check(out_s, reference.attention(qa, ka, va, allowed=allowed_s))


def test_causal_conv(rng):
    # A short causal convolution per head and channel (Mamba's, LAWCAT's):
    # zeros before the start of the sequence.
    b, h, l, d, width = 2, 3, 37, 8, 4
    p = attn.Program("conv")
    x = p.input("x", (b, h, l, d))
    w = p.input("w", (h, d, width))
    p.output(p.causal_conv(x, w))
    fn = attn.compile(p)
    xa, wa = random(rng, (b, h, l, d)), random(rng, (h, d, width))
    padded = np.concatenate([np.zeros((b, h, width - 1, d)), xa.astype(np.float64)], axis=2)
    expected = sum(padded[:, :, k:k + l, :] * wa.astype(np.float64)[None, :, None, :, k]
                   for k in range(width))
    check(fn(xa, wa), expected)


@pytest.mark.parametrize("path", ["flash", "reference"])
def test_open_lengths_compile_once(rng, path):
    # Lengths left open (None): one library, called at several lengths,
    # each output shaped from the call's inputs; sizes that break the ops'
    # rules are refused by the library.
    b, hq, hkv, d = 1, 4, 2, 32
    p = attn.Program("any_length")
    q = p.input("q", (b, hq, None, d))
    k, v = (p.input(n, (b, hkv, None, d)) for n in ("k", "v"))
    p.output(p.attention(q, k, v, mask=attn.causal() & attn.window(40)))
    assert "tensor<1x4x?x32xf32>" in str(p)
    fn = attn.compile(p, path=path)
    for lq, lkv in ((37, 37), (150, 150), (20, 90)):
        qa = random(rng, (b, hq, lq, d))
        ka, va = random(rng, (b, hkv, lkv, d)), random(rng, (b, hkv, lkv, d))
        out = fn(qa, ka, va)
        assert out.shape == (b, hq, lq, d)
        i, j = reference.positions(lq, lkv)
        check(out, reference.attention(qa, ka, va, allowed=(j <= i) & (j >= i - 40)))
    with pytest.raises(attn.AttnError, match="buffer 'v' was refused"):
        fn(random(rng, (b, hq, 30, d)), random(rng, (b, hkv, 30, d)),
           random(rng, (b, hkv, 31, d)))
    with pytest.raises(attn.AttnError, match=r"input 'q': expected shape \(1, 4, \?, 32\)"):
        fn(random(rng, (b, hq, 30, 16)), random(rng, (b, hkv, 30, d)),
           random(rng, (b, hkv, 30, d)))


@pytest.mark.parametrize("path", ["flash", "reference"])
def test_open_head_dims_refuse_zero(rng, path):
    # The verifiers take head dims from 1 (no products to score, and the
    # default scale 1/sqrt(D) has no value at 0); an open one is checked at
    # the call. (At 0 the two lowerings gave different outputs.)
    p = attn.Program("open_head_dims")
    q, k = (p.input(n, (1, 1, 4, None)) for n in ("q", "k"))
    v = p.input("v", (1, 1, 4, None))
    p.output(p.attention(q, k, v))
    fn = attn.compile(p, path=path)
    qa, ka, va = random(rng, (1, 1, 4, 8)), random(rng, (1, 1, 4, 8)), random(rng, (1, 1, 4, 3))
    check(fn(qa, ka, va), reference.attention(qa, ka, va))
    with pytest.raises(attn.AttnError, match="buffer 'q' was refused"):
        fn(random(rng, (1, 1, 4, 0)), random(rng, (1, 1, 4, 0)), va)
    with pytest.raises(attn.AttnError, match="buffer 'v' was refused"):
        fn(qa, ka, random(rng, (1, 1, 4, 0)))


@pytest.mark.parametrize("path", ["flash", "reference"])
def test_open_sizes_too_large_for_a_temporary_raise(rng, path):
    # Zero-stride views are legal arrays of any size. The compiled code
    # allocates its temporaries inside its loops, where a failed malloc was
    # written through (a segfault): the library asks their size first. On
    # the flash path a head dim of 2^40 makes query tiles of 2^40 floats a
    # row; the reference path's scores of 2^40 keys take as many.
    p = attn.Program("open_sizes")
    q, k, v = (p.input(n, (1, 1, None, None)) for n in ("q", "k", "v"))
    p.output(p.attention(q, k, v))
    fn = attn.compile(p, path=path)
    wide = 2**40
    lkv, d = (8, wide) if path == "flash" else (wide, 4)
    huge = np.lib.stride_tricks.as_strided(np.zeros(1, np.float32), (1, 1, lkv, d), (0,) * 4)
    qa = np.lib.stride_tricks.as_strided(np.zeros(1, np.float32), (1, 1, 2, d), (0,) * 4)
    va = huge if path == "reference" else random(rng, (1, 1, lkv, 4))
    with pytest.raises(attn.AttnError, match="could not allocate a temporary"):
        fn(qa, huge, va)
    qa, ka, va = random(rng, (1, 1, 2, 16)), random(rng, (1, 1, 8, 16)), random(rng, (1, 1, 8, 4))
    check(fn(qa, ka, va), reference.attention(qa, ka, va))


def test_open_lengths_through_compress_and_block_scores(rng):
    # Sizes derived from an open length (ceil(L / 8) compressed keys,
    # ceil(L / 16) query blocks, k picks) shape the outputs at each call;
    # the results are those of the program compiled for that length.
    b, hq, hkv, d, s, bq, top = 1, 4, 2, 16, 8, 16, 3

    def nsa(length):
        p = attn.Program("nsa")
        q = p.input("q", (b, hq, length, d))
        k, v = (p.input(n, (b, hkv, length, d)) for n in ("k", "v"))
        kc, vc = p.compress(k, "mean", s), p.compress(v, "mean", s)
        scores = p.block_scores(q, kc, bq, mask=attn.causal(stride=s))
        indices = p.topk(scores, top)
        selected = p.attention(q, k, v, mask=attn.causal() & attn.block_indices(bq, s),
                               indices=indices)
        p.output(p.attention(q, kc, vc, mask=attn.causal(stride=s)), scores, indices, selected)
        return p

    # (The block scores of both builds come out bitwise equal, over the
    # same tiles in the same order, so their picks agree too.)
    any_length = attn.compile(nsa(None))
    for length in (41, 96):
        fixed = attn.compile(nsa(length))
        arrays = (random(rng, (b, hq, length, d)), random(rng, (b, hkv, length, d)),
                  random(rng, (b, hkv, length, d)))
        got, expected = any_length(*arrays), fixed(*arrays)
        assert got[1].shape == (b, hkv, -(-length // bq), -(-length // s))
        assert got[2].shape == (b, hkv, -(-length // bq), top)
        for g, e in zip(got, expected):
            assert g.shape == e.shape
            if g.dtype == np.int32:
                assert np.array_equal(g, e)
            else:
                # (Block scores are -inf where no row of a block sees a key.)
                assert np.array_equal(np.isinf(g), np.isinf(e))
                finite = np.isfinite(e)
                check(g[finite], e[finite].astype(np.float64), tol=1e-5)


def test_open_lengths_bound_traced_reads_at_each_call(rng):
    # A traced read indexed by an argument whose range is open (or of a
    # tensor whose axis is open) cannot be checked when the program is
    # built: each call checks it before the library runs.
    b, h, d = 1, 2, 16
    p = attn.Program("biased")
    q, k, v = (p.input(n, (b, h, None, d)) for n in ("q", "k", "v"))
    bias = p.input("bias", (b, h, 8, 8))
    per_head = p.input("per_head", (None,))
    p.output(p.attention(q, k, v, mask=attn.causal(),
                         score_mod=lambda s, bb, hh, i, j: s + bias[bb, hh, i, j]
                         + per_head[hh]))
    fn = attn.compile(p)
    arrays = [random(rng, (b, h, 8, d)) for _ in range(3)]
    bias_array, heads = random(rng, (b, h, 8, 8)), random(rng, (h,))
    i, j = reference.positions(8, 8)
    added = bias_array.astype(np.float64) + heads.astype(np.float64)[None, :, None, None]
    expected = reference.attention(*arrays, allowed=j <= i, score_fn=lambda s: s + added)
    check(fn(*arrays, bias_array, heads), expected)
    longer = [random(rng, (b, h, 9, d)) for _ in range(3)]
    with pytest.raises(attn.AttnError, match=r"score_mod reads axis 2 of 'bias' up to index 8, "
                                             r"but the axis' size is 8 at this call"):
        fn(*longer, bias_array, heads)
    with pytest.raises(attn.AttnError, match=r"reads axis 0 of 'per_head' up to index 1, "
                                             r"but the axis' size is 1 at this call"):
        fn(*arrays, bias_array, heads[:1])
    # A constant index cannot count from the end of an open axis.
    rows = p.input("rows", (None, h))
    with pytest.raises(attn.AttnError, match="index -1 of 'rows' counts from the end"):
        p.attention(q, k, v, score_mod=lambda s, bb, hh, i, j: s + rows[-1, hh])
    # The callable checks the reads it was compiled with: growing the
    # program afterwards (a read of a new open input) leaves it as it was.
    later = p.input("later", (None,))
    p.output(p.attention(q, k, v, score_mod=lambda s, bb, hh, i, j: s + later[hh]))
    check(fn(*arrays, bias_array, heads), expected)


def test_traced_booleans_order_as_python(rng):
    # False < True, max(False, True) is True: booleans compare unsigned
    # (signed, an i1 true is -1, and the masks inverted).
    b, h, n, d = 1, 1, 12, 8
    q, k, v = (random(rng, (b, h, n, d)) for _ in range(3))
    i, j = reference.positions(n, n)
    cases = [
        (lambda bb, hh, ii, jj: attn.maximum(jj > ii, jj <= ii), np.ones((n, n), bool)),
        (lambda bb, hh, ii, jj: attn.minimum(jj <= ii, jj <= ii + 1), j <= i),
        (lambda bb, hh, ii, jj: (jj > ii) < (jj <= ii), j <= i),
        (lambda bb, hh, ii, jj: (jj + 2 <= ii) >= (jj <= ii), (j > i) | (j + 2 <= i)),
    ]
    for region, allowed in cases:
        p = attn.Program("booleans")
        qi, ki, vi = (p.input(name, (b, h, n, d)) for name in ("q", "k", "v"))
        p.output(p.attention(qi, ki, vi, mask_mod=region))
        check(attn.compile(p)(q, k, v), reference.attention(q, k, v, allowed=allowed))


def test_mask_and_option_misuse_raises_attn_errors():
    # Each of these raised TypeError or ValueError, or was accepted and
    # ignored, before.
    with pytest.raises(attn.AttnError, match="expected a mask"):
        3 & attn.causal()
    with pytest.raises(attn.AttnError, match="expected a mask"):
        3 | attn.causal()
    assert "columns = [1, 2]" in attn.stripes(columns=np.array([1, 2])).text
    with pytest.raises(attn.AttnError, match="attn.table: give a rectangular array"):
        attn.table([[1], [1, 2]])
    p = attn.Program("options")
    q = p.input("q", (1, 1, 4, 8))
    p.output(p.attention(q, q, q))
    with pytest.raises(attn.AttnError, match="threads must be True or False, not 'no'"):
        attn.compile(p, threads="no")
    with pytest.raises(attn.AttnError, match="path must be 'flash' or 'reference', not 'bogus'"):
        attn.compile(p, target="sm_90", path="bogus")
    with pytest.raises(attn.AttnError, match="a GPU target takes neither"):
        attn.compile(p, target="sm_90", path="reference")


def test_constants_past_f32_and_huge_outputs_raise_attn_errors(rng):
    # A finite constant past f32's range became +inf silently, which makes
    # every score of a row -inf or +inf and its output 0.
    def program(score_mod):
        p = attn.Program("constants")
        q = p.input("q", (1, 1, 4, 8))
        p.output(p.attention(q, q, q, score_mod=score_mod))
        return p
    with pytest.raises(attn.AttnError, match=r"a constant 1e\+300 is past f32's range"):
        program(lambda s, b, h, i, j: attn.where(j == 1, 1e300, s))
    with pytest.raises(attn.AttnError, match="attn.table: a finite value past f32's range"):
        attn.table([1.0, -1e39])
    with pytest.raises(attn.AttnError, match="attn.table: real numbers or booleans, not complex"):
        attn.table([1j])
    # An infinity written as one stays: -inf masks key 1 out.
    fn = attn.compile(program(lambda s, b, h, i, j: attn.where(j == 1, float("-inf"), s)))
    x = random(rng, (1, 1, 4, 8))
    allowed = np.ones((4, 4), bool)
    allowed[:, 1] = False
    check(fn(x), reference.attention(x, x, x, allowed=allowed))
    # Open sizes from zero-stride views can imply an output NumPy cannot
    # allocate: an AttnError that names it, not NumPy's MemoryError.
    p = attn.Program("huge_output")
    q = p.input("q", (1, None, None, 4))
    p.output(p.attention(q, q, q))
    huge = np.lib.stride_tricks.as_strided(np.zeros(1, np.float32), (1, 2**20, 2**20, 4), (0,) * 4)
    with pytest.raises(attn.AttnError, match=r"output '[\w.]+': cannot allocate its array of shape \(1, 1048576, 1048576, 4\)"):
        attn.compile(p)(huge)
