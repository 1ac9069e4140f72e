"""The GPU benchmark's and check's cases, shared by build.py (here, where
attn-compile runs) and run.py (on the GPU machine)."""


def pairs(case):
    """Allowed (query, key) pairs of one head: the effective work."""
    lq, lkv, kind = case["lq"], case["lkv"], case["kind"]
    offset = lkv - lq
    chunk = case.get("chunk")
    if kind in ("dense", "decode", "softcap_dense") and not chunk:
        return lq * lkv
    select = case.get("select")
    if select:
        # Each 64-row query block t keeps its own block (causal inside) and
        # min(k - 1, t) whole earlier blocks (run.py's selection).
        bq, k = select["block_q"], select["k"]
        return sum(min(k - 1, i // bq) * bq + i % bq + 1 for i in range(lq))
    total = 0
    window = case.get("window")
    docs = case.get("docs")
    if docs:
        n = lq // docs
        return docs * n * (n + 1) // 2
    for i in range(lq):
        pos = i + offset
        hi = min(lkv - 1, pos) if kind == "causal" else lkv - 1
        lo = 0 if window is None else max(0, pos - window)
        if chunk:
            if pos < 0:
                continue
            lo, hi = max(lo, pos // chunk * chunk), min(hi, pos // chunk * chunk + chunk - 1)
        total += max(0, hi - lo + 1)
    return total


def linear(name, b, hq, hkv, lq, lkv, d, feature="elu_plus_one", causal=True,
           decay=False, normalize=True, dv=None, **extra):
    """attn.linear_attention (kind "linear"); dv defaults to d."""
    return case(name, "linear", b, hq, hkv, lq, lkv, d, feature=feature,
                causal=causal, decay=decay, normalize=normalize, dv=dv or d, **extra)


def scout(name, b, h, length, d, window=511, stride=64, hkv=None, **extra):
    """SCOUT as one program (kind "scout"; build.py's scout_mlir_for): window
    mixer, checkpoints, and attention to the checkpoints and to the own
    segment merged by their LSEs (one union kernel, unless the segment is a
    document mask). With hkv, K and V have fewer heads (GQA): the segment's
    keys then have hkv heads and the checkpoints (of the mixer's output) h."""
    return case(name, "scout", b, h, hkv or h, length, length, d, window=window,
                stride=stride, **extra)


def selective(name, kind, b, hq, hkv, length, d, stride=64, k=16, window=511, **extra):
    """NSA- or SLA-style programs (kinds "nsa", "sla"; build.py's
    selection_mlir_for): block scores of compressed keys, top-k selection,
    selected-block attention, and NSA's compressed and window branches under
    gates or SLA's linear attention."""
    return case(name, kind, b, hq, hkv, length, length, d, stride=stride, k=k,
                window=window, **extra)


def case(name, kind, b, hq, hkv, lq, lkv, d, **extra):
    c = dict(name=name, kind=kind, b=b, hq=hq, hkv=hkv, lq=lq, lkv=lkv, d=d)
    c.update(extra)
    return c


def bench_cases():
    cases = []
    for length, batch in ((1024, 16), (4096, 4), (16384, 1)):
        for d in (64, 128):
            for kind in ("dense", "causal"):
                cases.append(case(f"{kind}-L{length}-D{d}", kind, batch, 16, 16,
                                  length, length, d))
    cases.append(case("window1024-L16384", "causal", 1, 16, 16, 16384, 16384, 128,
                      window=1023))
    cases.append(case("4doc-causal-L16384", "causal", 1, 16, 16, 16384, 16384, 128,
                      docs=4))
    cases.append(case("softcap30-causal-L4096", "causal", 4, 16, 16, 4096, 4096, 128,
                      softcap=30.0))
    # Tables in the modifiers (kernel arguments or constant globals), against
    # FlexAttention's captured tensors.
    cases.append(case("alibi-slopes-causal-L4096", "causal", 4, 16, 16, 4096, 4096, 128,
                      alibi_slopes=[2.0 ** (-0.5 * (h + 1)) for h in range(16)]))
    cases.append(case("rel-bias-causal-L4096", "causal", 4, 16, 16, 4096, 4096, 128,
                      rel_bias=128))
    cases.append(case("prefix-lm-L4096", "dense", 4, 16, 16, 4096, 4096, 128, prefix=True))
    # Causal and a window written as mask_mod regions (as FlexAttention's
    # users write them): the block map reads their tiles' classes off the
    # region's intervals. FlexAttention gets the same mask_mod.
    cases.append(case("causal-region-L4096", "causal", 4, 16, 16, 4096, 4096, 128,
                      as_region=True))
    cases.append(case("window1024-region-L16384", "causal", 1, 16, 16, 16384, 16384, 128,
                      window=1023, as_region=True))
    # The same regions computing in f32: their intervals decide no tile, so
    # every tile is visited and tested per element (before f6be410, every
    # region).
    cases.append(case("causal-opaque-region-L4096", "causal", 4, 16, 16, 4096, 4096, 128,
                      as_region="opaque"))
    cases.append(case("window1024-opaque-region-L16384", "causal", 1, 16, 16, 16384, 16384,
                      128, window=1023, as_region="opaque"))
    # The regions compiled for any length: no block map, so their linear
    # compares bound the key tiles at run time (buildMaskModKeyInterval).
    cases.append(case("causal-region-dyn-L4096", "causal", 4, 16, 16, 4096, 4096, 128,
                      as_region=True, dynamic=True))
    cases.append(case("window1024-region-dyn-L16384", "causal", 1, 16, 16, 16384, 16384,
                      128, window=1023, as_region=True, dynamic=True))
    # Causal chunks of 1k as a region (floordivsi), static and for any length.
    cases.append(case("chunk1024-region-L16384", "causal", 1, 16, 16, 16384, 16384, 128,
                      chunk=1024, as_region=True))
    cases.append(case("chunk1024-region-dyn-L16384", "causal", 1, 16, 16, 16384, 16384,
                      128, chunk=1024, as_region=True, dynamic=True))
    cases.append(case("chunk1024-causal-L16384", "causal", 1, 16, 16, 16384, 16384, 128,
                      chunk=1024))
    # Llama 4's chunked local attention (#attn.chunked with causal): chunks
    # of 8k over 32k tokens, against FlexAttention's block mask of the same.
    cases.append(case("chunked8k-causal-L32768", "causal", 1, 16, 16, 32768, 32768, 128,
                      chunk=8192))
    # The same with the blocks the mask_mod allows as a layout operand (as
    # FlexAttention's block mask, computed before the call): empty tiles
    # are skipped.
    cases.append(case("prefix-lm-layout-L4096", "dense", 4, 16, 16, 4096, 4096, 128,
                      prefix=True, layout=dict(block_q=128, block_kv=128, from_prefix=True)))
    for cache in (8192, 65536):
        cases.append(case(f"decode-gqa-cache{cache}", "decode", 8, 32, 8, 1, cache, 128))
    return cases


def scaling_cases():
    """Issue 7's growth table on the GPU: full causal, a 1024 window and
    NSA's selected branch (top-16 of 64-token blocks, causal) for L =
    4k..128k (the H200's memory allows 128k for every variant)."""
    cases = []
    for length in (4096, 8192, 16384, 32768, 65536, 131072):
        common = dict(b=1, hq=16, hkv=16, lq=length, lkv=length, d=128)
        cases.append(case(f"scale-causal-L{length}", "causal", **common))
        cases.append(case(f"scale-window1024-L{length}", "causal", window=1023, **common))
        cases.append(case(f"scale-select16-L{length}", "causal",
                          select=dict(block_q=64, block_kv=64, k=16), **common))
        # bench/scaling's linear rows: elu+1 (normalised) and Mamba-2-style
        # decayed (identity features, log-gates, no normaliser).
        cases.append(linear(f"scale-linear-elu-L{length}", **common))
        cases.append(linear(f"scale-mamba2-L{length}", feature="identity",
                            decay=True, normalize=False, **common))
        # SCOUT as bench/scaling's: window 512 + stride-64 checkpoints.
        cases.append(scout(f"scale-scout-L{length}", 1, 16, length, 128))
        if length in (8192, 65536):
            cases.append(scout(f"scale-scout-chunked-L{length}", 1, 16, length, 128,
                               chunked=True))
        cases.append(selective(f"scale-nsa-L{length}", "nsa", 1, 16, 16, length, 128))
        # NSA's own setting: 4 query heads a K/V head, each selection shared
        # by the group (at every length: its growth); full causal with the
        # same heads beside at 8k and 64k.
        cases.append(selective(f"scale-nsa-gqa4-L{length}", "nsa", 1, 16, 4, length, 128))
        if length in (8192, 65536):
            cases.append(case(f"scale-causal-gqa4-L{length}", "causal", 1, 16, 4, length,
                              length, 128))
            grouped = dict(common, hkv=4)
            cases.append(case(f"scale-window1024-gqa4-L{length}", "causal", window=1023,
                              **grouped))
            cases.append(case(f"scale-select16-gqa4-L{length}", "causal",
                              select=dict(block_q=64, block_kv=64, k=16), **grouped))
        cases.append(selective(f"scale-sla-L{length}", "sla", 1, 16, 16, length, 128))
    # Compiled for any length (dynamic types) beside the static builds:
    # the affine masks' tiles bounded at run time.
    for length in (16384, 65536):
        common = dict(b=1, hq=16, hkv=16, lq=length, lkv=length, d=128)
        cases.append(case(f"scale-dyn-causal-L{length}", "causal", dynamic=True, **common))
        cases.append(case(f"scale-dyn-window1024-L{length}", "causal", window=1023,
                          dynamic=True, **common))
    # SCOUT as a program compiled for any length, beside scale-scout-L*
    # (its own segment by a mask_mod region, or by #attn.chunked).
    for length in (8192, 65536):
        cases.append(scout(f"scale-dyn-scout-L{length}", 1, 16, length, 128, dynamic=True))
        cases.append(scout(f"scale-dyn-scout-chunked-L{length}", 1, 16, length, 128,
                           chunked=True, dynamic=True))
        cases.append(selective(f"scale-dyn-nsa-L{length}", "nsa", 1, 16, 16, length, 128,
                               dynamic=True))
    # Selections whose list over any length comes from the CTA's candidates
    # (key blocks of two tiles; more than 32 slots), static and dynamic.
    for length in (16384, 65536):
        common = dict(b=1, hq=16, hkv=16, lq=length, lkv=length, d=128)
        for label, select in (("select8-b128", dict(block_q=64, block_kv=128, k=8)),
                              ("select40", dict(block_q=64, block_kv=64, k=40))):
            cases.append(case(f"scale-{label}-L{length}", "causal", select=select, **common))
            cases.append(case(f"scale-dyn-{label}-L{length}", "causal", select=select,
                              dynamic=True, **common))
    # LAWCAT (convs + decayed elu+1) as one program at the longest length.
    cases.append(case("scale-lawcat-L65536", "lawcat", 1, 16, 16, 65536, 65536, 128))
    # The own segment by a document mask over segment ids instead (the
    # kernel lists the tiles of every query tile at run time).
    cases.append(scout("scale-scout-docs-L65536", 1, 16, 65536, 128, segment_ids=True))
    return cases


def check_cases():
    """The edge shapes of the tests (test/Examples/edge_shapes.py) through the GPU kernel."""
    cases = []
    for length in (1, 17, 113, 255, 1023):
        cases.append(case(f"chk-dense-L{length}", "dense", 2, 4, 4, length, length, 64))
        cases.append(case(f"chk-causal-L{length}", "causal", 2, 4, 4, length, length, 64))
    cases.append(case("chk-causal-lq100-lkv300", "causal", 1, 4, 2, 100, 300, 64))
    cases.append(case("chk-causal-lq300-lkv100", "causal", 1, 4, 2, 300, 100, 64))
    for d in (16, 32, 80, 128, 256):
        cases.append(case(f"chk-causal-D{d}", "causal", 1, 4, 4, 200, 200, d))
    # Head dims of 8 (mod 16): tiles padded to 16 columns (zeros copied in,
    # never stored), on the sm_80 kernel (56 pads to 64, which sm_90a's
    # warp-specialised kernel would take unpadded); value dims apart from
    # the query's; decode (packed rows) and key splits; a selection; NSA's
    # block scores and gated merge; SCOUT's union of keys.
    for d in (8, 24, 40, 56, 72, 120):
        cases.append(case(f"chk-causal-D{d}", "causal", 1, 4, 4, 200, 200, d))
    cases.append(case("chk-D40-dv72-lse", "dense", 2, 4, 2, 150, 170, 40, dv=72, lse=True))
    cases.append(case("chk-D72-dv24-sink", "causal", 1, 4, 4, 130, 130, 72, dv=24,
                      sink=True))
    cases.append(case("chk-dyn-window-D40", "causal", 1, 4, 2, 333, 1000, 40, window=100,
                      dynamic=True, lse=True))
    cases.append(case("chk-decode-D40", "decode", 3, 8, 2, 1, 1000, 40))
    cases.append(case("chk-decode-split-D72", "causal", 2, 8, 2, 3, 5000, 72, sink=True,
                      lse=True))
    cases.append(case("chk-select-D40", "causal", 1, 4, 2, 700, 700, 40,
                      select=dict(block_q=64, block_kv=64, k=4, messy=False)))
    cases.append(selective("chk-nsa-D40", "nsa", 1, 4, 2, 1000, 40, k=4, window=200,
                           intermediates=True))
    cases.append(scout("chk-scout-D40", 1, 4, 600, 40, window=90))
    for group in (1, 2, 4, 8):
        cases.append(case(f"chk-gqa{group}", "causal", 1, 8, 8 // group, 130, 130, 64))
    cases.append(case("chk-window", "causal", 1, 4, 4, 700, 700, 64, window=100))
    # Windows aligned bottom-right over other key lengths (the partial tiles'
    # i32 positions: pos(i) = i + Lk - Lq, negative for early rows when
    # Lq > Lk), on the paired and the 128-row sm_90a forms.
    cases.append(case("chk-window-lq333-lkv1000", "causal", 1, 4, 2, 333, 1000, 128,
                      window=100))
    cases.append(case("chk-window-lq1000-lkv700", "causal", 1, 4, 4, 1000, 700, 64,
                      window=300))
    cases.append(case("chk-window-lq3000-lkv4100", "causal", 1, 2, 2, 3000, 4100, 128,
                      window=1100))
    # Lengths known only at run time: the key-tile bounds and full runs come
    # from the masks' run-time key intervals (no block map).
    cases.append(case("chk-dyn-causal-L1023", "causal", 2, 4, 4, 1023, 1023, 64,
                      dynamic=True))
    cases.append(case("chk-dyn-causal-lq300-lkv100", "causal", 1, 4, 2, 300, 100, 128,
                      dynamic=True))
    cases.append(case("chk-dyn-window-lq1000-lkv700", "causal", 1, 4, 4, 1000, 700, 64,
                      window=300, dynamic=True))
    cases.append(case("chk-dyn-window-lq333-lkv1000", "causal", 1, 4, 2, 333, 1000, 128,
                      window=100, dynamic=True))
    cases.append(case("chk-dyn-chunked", "causal", 1, 4, 4, 1500, 1500, 128, chunk=256,
                      dynamic=True))
    cases.append(case("chk-dyn-docs-random", "causal", 1, 4, 2, 700, 1000, 64, docs=1,
                      random_docs=True, dynamic=True))
    # A batch known only at run time (so no key-tile ranges: the list scans
    # the ids into chunks of 32 keys) at head dim 192: built for sm_90 with
    # --warps 8 --row-tiles 4, shared memory shrinks the key tiles to 16,
    # half a chunk each.
    cases.append(case("chk-docs-batches-d192", "causal", 3, 4, 2, 700, 1300, 192, docs=1,
                      random_docs=True, batch_docs=True, dynamic_batch=True))
    cases.append(case("chk-docs", "causal", 1, 4, 4, 512, 512, 64, docs=4))
    cases.append(case("chk-docs-random", "causal", 1, 4, 2, 700, 1000, 64, docs=1,
                      random_docs=True))
    cases.append(case("chk-docs-random-dense", "dense", 1, 4, 4, 300, 300, 128, docs=1,
                      random_docs=True))
    # Segment ids whose rows start off 16 bytes, and a key length that is no
    # multiple of 4: the document scan's one-id loads.
    cases.append(case("chk-docs-misaligned", "causal", 1, 4, 2, 700, 1000, 128, docs=1,
                      random_docs=True, misaligned_ids=True))
    cases.append(case("chk-docs-odd", "causal", 1, 4, 4, 901, 901, 128, docs=1,
                      random_docs=True))
    # Each batch its own ids: the launch's key-tile ranges per batch.
    cases.append(case("chk-docs-batches", "causal", 3, 4, 2, 700, 1300, 128, docs=1,
                      random_docs=True, batch_docs=True))
    cases.append(case("chk-softcap", "causal", 1, 4, 4, 300, 300, 64, softcap=20.0))
    # Tables in the modifiers: ALiBi's given slopes (a constant global of
    # the kernel), a relative-position bias per head read by a score_mod and
    # a prefix length per batch read by a mask_mod (kernel arguments).
    cases.append(case("chk-alibi-slopes", "causal", 1, 4, 2, 300, 300, 64,
                      alibi_slopes=[0.5, 0.25, 0.125, 0.0625]))
    cases.append(case("chk-alibi-slopes-D128", "causal", 2, 2, 2, 333, 400, 128, lse=True,
                      alibi_slopes=[0.3, 0.07]))
    cases.append(case("chk-rel-bias", "causal", 2, 4, 4, 333, 333, 128, rel_bias=64,
                      lse=True))
    cases.append(case("chk-prefix-lm", "dense", 2, 2, 2, 400, 400, 64, prefix=True))
    # Causal (bottom-right, Lq < Lkv) and a window as mask_mod regions:
    # full tiles skip the region, empty ones are not visited.
    cases.append(case("chk-causal-region", "causal", 1, 4, 2, 333, 400, 64, lse=True,
                      as_region=True))
    cases.append(case("chk-window-region", "causal", 2, 4, 4, 500, 500, 128, window=100,
                      lse=True, as_region=True))
    cases.append(case("chk-window-opaque-region", "causal", 1, 4, 2, 300, 350, 64,
                      window=70, as_region="opaque"))
    # The same regions over lengths known only at run time: their compares
    # bound the key tiles and give full ones (buildMaskModKeyInterval).
    cases.append(case("chk-causal-region-dyn", "causal", 1, 4, 2, 333, 400, 64, lse=True,
                      as_region=True, dynamic=True))
    cases.append(case("chk-window-region-dyn", "causal", 2, 4, 4, 500, 500, 128, window=100,
                      lse=True, as_region=True, dynamic=True))
    cases.append(case("chk-window-region-dyn-D64", "causal", 1, 4, 2, 1000, 700, 64,
                      window=300, as_region=True, dynamic=True))
    # Causal chunks as a region (floordivsi of pos(i) and j), bottom-right
    # aligned (Lq < Lkv): chunk edges fall inside tiles.
    cases.append(case("chk-chunk-region", "causal", 1, 4, 2, 333, 700, 64, chunk=100,
                      lse=True, as_region=True))
    cases.append(case("chk-chunk-region-dyn", "causal", 2, 4, 4, 600, 600, 128, chunk=200,
                      as_region=True, dynamic=True))
    cases.append(case("chk-prefix-lm-layout", "dense", 2, 4, 2, 700, 700, 128, prefix=True,
                      layout=dict(block_q=128, block_kv=128, from_prefix=True)))
    cases.append(case("chk-prefix-rel-bias-softcap", "dense", 2, 4, 2, 520, 520, 128,
                      prefix=True, rel_bias=32, softcap=20.0))
    cases.append(case("chk-decode-rel-bias", "causal", 2, 8, 2, 3, 500, 64, rel_bias=16))
    cases.append(case("chk-decode", "decode", 3, 8, 2, 1, 1000, 128))
    cases.append(case("chk-f16", "causal", 1, 4, 4, 257, 257, 128, dtype="f16"))
    cases.append(case("chk-lse", "causal", 1, 4, 4, 129, 129, 64, lse=True))
    cases.append(case("chk-sink", "causal", 1, 4, 2, 150, 150, 64, sink=True))
    cases.append(case("chk-sink-lse", "dense", 1, 4, 4, 70, 90, 64, sink=True, lse=True))
    cases.append(case("chk-sigmoid", "causal", 1, 4, 4, 200, 200, 64, sigmoid=-2.0))
    cases.append(case("chk-decode-mixed", "causal", 2, 8, 2, 3, 777, 64, sink=True,
                      lse=True, softcap=15.0))
    cases.append(case("chk-decode-sigmoid", "dense", 2, 4, 4, 2, 300, 128, sigmoid=-1.0))
    # Key splits (CTAs per tile of rows over shares of the keys, then a
    # combine kernel): a sink, LSE and softcap across splits; sigmoid (sums);
    # a window that leaves whole splits without keys; a table read; a split
    # count forced past the key tiles' (empty splits); f16.
    cases.append(case("chk-decode-split-mixed", "causal", 2, 8, 2, 3, 5000, 64, sink=True,
                      lse=True, softcap=15.0))
    cases.append(case("chk-decode-split-sigmoid", "dense", 2, 4, 4, 2, 3000, 128,
                      sigmoid=-1.0))
    cases.append(case("chk-decode-split-window", "causal", 1, 8, 2, 4, 9000, 128,
                      window=700, lse=True))
    cases.append(case("chk-decode-split-rel-bias", "causal", 2, 8, 2, 3, 4100, 64,
                      rel_bias=16))
    cases.append(case("chk-decode-split-f16", "decode", 3, 8, 2, 1, 6000, 128, dtype="f16"))
    cases.append(case("chk-decode-split-forced", "causal", 1, 4, 4, 1, 1000, 64, sink=True,
                      lse=True, key_splits=40))
    # Selections: one query block per CTA, several, whole tiles per key
    # block, key blocks smaller than a tile (the general tile tests), and
    # slots out of order with repeats and -1 between them.
    # (128 x 128 and 256 x 256 blocks nest with sm_90a's warp-specialised
    # tiles; the others keep the sm_80 kernel there.)
    for bq, bkv, k, messy in ((64, 64, 4, False), (256, 64, 3, False),
                              (32, 128, 2, False), (64, 32, 5, False),
                              (16, 64, 4, True), (128, 128, 2, False),
                              (256, 256, 2, True)):
        cases.append(case(f"chk-select-q{bq}-kv{bkv}{'-messy' if messy else ''}",
                          "causal", 1, 4, 2, 700, 700, 64,
                          select=dict(block_q=bq, block_kv=bkv, k=k, messy=messy)))
    # Block-sparse layouts: blocks of the warp-specialised tiles and finer
    # ones (tested per element inside a tile), with documents beside one.
    cases.append(case("chk-layout-128", "causal", 1, 4, 2, 700, 700, 128,
                      layout=dict(block_q=128, block_kv=128, density=0.5)))
    cases.append(case("chk-layout-64-docs", "dense", 1, 4, 4, 600, 900, 64,
                      docs=1, random_docs=True,
                      layout=dict(block_q=64, block_kv=32, density=0.6)))
    cases.append(case("chk-swapped", "causal", 1, 4, 2, 130, 130, 64, swapped=True))
    # No keys (every row empty: zeros, an LSE of -inf; on sm_90a the
    # launcher encodes all-zero tensor maps for K and V) and no queries.
    cases.append(case("chk-empty-kv", "dense", 1, 2, 2, 100, 0, 128, lse=True))
    cases.append(case("chk-empty-kv-causal-D64", "causal", 2, 4, 2, 70, 0, 64, lse=True))
    cases.append(case("chk-empty-q", "dense", 1, 2, 2, 0, 300, 128, lse=True))
    # More CTAs than multiprocessors (several waves; several items per CTA
    # where build.py --persistent on makes the kernels persistent; `auto`
    # leaves them a CTA an item: too few waves), partial last tiles,
    # grouped heads.
    cases.append(case("chk-items-causal", "causal", 3, 16, 4, 1000, 1000, 128))
    cases.append(case("chk-items-dense", "dense", 2, 32, 32, 777, 777, 64))
    # Linear attention: every feature map, causal or not, decay, the
    # normaliser, grouped heads, unequal lengths, head dims that leave warps
    # without state rows, value dims of one, two and six slices, f16.
    for length in (1, 17, 113, 255, 1023):
        cases.append(linear(f"chk-linear-L{length}", 2, 4, 4, length, length, 64))
    # (Identity features with the normaliser divide by phi(q).z, which is
    # near 0 for random data: the check is meaningful without it.)
    for feature in ("identity", "relu", "elu_plus_one", "exp", "sigmoid"):
        cases.append(linear(f"chk-linear-{feature}-dense", 1, 4, 2, 300, 300, 64,
                            feature=feature, causal=False,
                            normalize=feature != "identity"))
    cases.append(linear("chk-linear-exp-causal", 1, 4, 4, 200, 200, 32, feature="exp"))
    cases.append(linear("chk-linear-sigmoid-causal", 1, 4, 4, 200, 200, 64,
                        feature="sigmoid"))
    cases.append(linear("chk-linear-relu-unnormalised", 1, 4, 4, 200, 200, 64,
                        feature="relu", normalize=False))
    cases.append(linear("chk-linear-mamba2", 1, 4, 2, 700, 700, 128, feature="identity",
                        decay=True, normalize=False))
    cases.append(linear("chk-linear-decay-elu", 1, 4, 4, 333, 333, 64, decay=True))
    cases.append(linear("chk-linear-decay-long", 1, 2, 2, 4096, 4096, 64, decay=True))
    cases.append(linear("chk-linear-long", 1, 2, 2, 4096, 4096, 128))
    cases.append(linear("chk-linear-gqa4", 1, 8, 2, 130, 130, 64))
    cases.append(linear("chk-linear-lq100-lkv300", 1, 4, 2, 100, 300, 64))
    cases.append(linear("chk-linear-lq300-lkv100", 1, 4, 2, 300, 100, 64))
    cases.append(linear("chk-linear-dense-lq70-lkv500", 1, 4, 2, 70, 500, 64,
                        causal=False))
    cases.append(linear("chk-linear-D32-dv96", 1, 4, 4, 150, 150, 32, dv=96))
    cases.append(linear("chk-linear-D80-dv48", 1, 4, 4, 150, 150, 80, dv=48))
    cases.append(linear("chk-linear-D256", 1, 2, 2, 150, 150, 256, decay=True))
    cases.append(linear("chk-linear-many-heads", 4, 32, 8, 200, 200, 128))
    cases.append(linear("chk-linear-f16", 1, 4, 4, 257, 257, 128, dtype="f16",
                        decay=True))
    # f16's state copy is scaled by the keys it sums: long, decayed, dense.
    cases.append(linear("chk-linear-f16-long", 1, 2, 2, 4096, 4096, 128, dtype="f16"))
    cases.append(linear("chk-linear-f16-mamba2", 1, 2, 2, 3000, 3000, 64, dtype="f16",
                        feature="identity", decay=True, normalize=False))
    cases.append(linear("chk-linear-f16-dense", 1, 4, 2, 900, 900, 64, dtype="f16",
                        feature="exp", causal=False))
    # Programs of several kernels: SCOUT (partial last segment, stride 32,
    # f16, batches), and compress max / weighted sum with overlapping
    # windows feeding a gated merge and a sum merge, two results.
    cases.append(scout("chk-scout-L1000", 1, 4, 1000, 64, window=127))
    cases.append(scout("chk-scout-s32-D128", 2, 4, 777, 128, window=100, stride=32))
    cases.append(scout("chk-scout-f16", 1, 2, 300, 64, window=50, dtype="f16"))
    cases.append(scout("chk-scout-docs", 1, 4, 500, 64, window=70, segment_ids=True))
    # The own segment by documents as the union's listed lead (sm_90a): two
    # batches, head dim 128, stride 32, GQA.
    cases.append(scout("chk-scout-docs-D128", 2, 4, 777, 128, window=100, stride=32,
                       segment_ids=True))
    cases.append(scout("chk-scout-docs-gqa", 1, 4, 600, 128, window=90, hkv=2,
                       segment_ids=True))
    # The own segment as #attn.chunked: a static mask, so one union kernel.
    cases.append(scout("chk-scout-chunked", 2, 4, 700, 128, window=90, chunked=True))
    # #attn.chunked alone and with causal: chunks that straddle tiles, rows
    # before the keys (Lq > Lkv: none), and decode over split keys.
    cases.append(case("chk-chunked-causal", "causal", 1, 4, 2, 700, 700, 128, chunk=96,
                      lse=True))
    cases.append(case("chk-chunked-D64", "dense", 2, 4, 4, 300, 450, 64, chunk=64))
    cases.append(case("chk-chunked-rows-before", "dense", 1, 2, 2, 300, 200, 64, chunk=64,
                      lse=True))
    cases.append(case("chk-chunked-decode", "causal", 2, 8, 2, 3, 5000, 128, chunk=1000,
                      lse=True))
    # A union whose sources have different K/V heads (4 and 2).
    cases.append(scout("chk-scout-gqa", 1, 4, 600, 128, window=90, hkv=2))
    # The mixer's output returned as well (its kernel stores it beside the
    # checkpoints), over a last segment of 5 tokens and two CTAs' worth of
    # heads.
    cases.append(scout("chk-scout-mixed", 2, 6, 901, 128, window=200,
                       mixed_result=True))
    # A length that 64 divides: the own segment's mask_mod implies a
    # neighbourhood, so the union visits one tile of its own segment.
    cases.append(scout("chk-scout-L1024", 1, 4, 1024, 128, window=300))
    # NSA / SLA with their scores and selections as results: the scores
    # against the reference's, the selection against a top-k of the
    # kernel's own scores, the output with that selection.
    cases.append(selective("chk-nsa", "nsa", 1, 4, 2, 1000, 64, k=4, window=200,
                           intermediates=True))
    cases.append(selective("chk-nsa-s32-D128", "nsa", 2, 2, 2, 555, 128, stride=32, k=3,
                           window=60, intermediates=True))
    cases.append(selective("chk-sla", "sla", 1, 4, 4, 700, 64, stride=32, k=5,
                           intermediates=True))
    # Without masks the one key tile (22 of 64 compressed keys) is whole
    # but padded; 3 query heads per K/V head make 96 rows per block (a
    # chunk of 64, then 32).
    cases.append(selective("chk-sla-unmasked", "sla", 1, 4, 4, 700, 64, stride=32, k=5,
                           causal=False, intermediates=True))
    cases.append(selective("chk-nsa-g3", "nsa", 1, 6, 2, 600, 64, stride=32, k=3,
                           window=100, intermediates=True))
    # Blocks of 64 or 128 rows at head dims 64 and 128: sm_90a's block
    # scores on wgmma (two passes for SLA, the LSE's one for NSA), over
    # several key tiles (79 compressed keys) with a padded last one.
    cases.append(selective("chk-sla-s64-D128", "sla", 1, 4, 4, 5000, 128, k=6,
                           intermediates=True))
    cases.append(selective("chk-nsa-g2-s64-D128", "nsa", 2, 4, 2, 4500, 128, k=5,
                           window=300, intermediates=True))
    cases.append(selective("chk-sla-s64-unmasked", "sla", 1, 2, 2, 4300, 64, k=4,
                           causal=False, intermediates=True))
    # Head pairs (with --head-pairs on) over tiles of paired 64-key blocks:
    # odd numbers of selected blocks and of window blocks (a tile of one),
    # a key length that 64 does not divide, lengths known at run time.
    cases.append(selective("chk-nsa-g4-s64-D128-odd", "nsa", 1, 8, 2, 3001, 128, k=7,
                           window=511, intermediates=True))
    cases.append(selective("chk-nsa-g2-s64-D128-dyn", "nsa", 1, 4, 2, 2500, 128, k=3,
                           window=100, intermediates=True, dynamic=True))
    # 64-row blocks on wgmma under NSA's shared LSE at head dim 128, the
    # last block of a single row.
    cases.append(selective("chk-nsa-s64-pairs", "nsa", 1, 2, 2, 4097, 128, k=4,
                           window=150, intermediates=True))
    # Blocks of 4 queries x 16 heads per K/V head: 64 rows on wgmma, whose Q
    # and keys come by cp.async (TMA boxes need whole 8-row groups).
    cases.append(selective("chk-sla-q4-g16", "sla", 1, 16, 1, 300, 64, stride=4, k=4,
                           intermediates=True))
    # 192 rows (three 64-row chunks, the shifts read from shared memory) in
    # f16, and 128 rows at head dim 64.
    cases.append(selective("chk-sla-g3-s64-f16", "sla", 1, 6, 2, 4200, 64, k=4,
                           dtype="f16", intermediates=True))
    cases.append(selective("chk-nsa-g2-s64-D64", "nsa", 1, 4, 2, 4400, 64, k=4,
                           window=200, intermediates=True))
    # Groups of 4 and 8 query heads on sm_90a's paired form: a cluster per
    # group, its K and V tiles multicast (two batches, partial last tiles).
    cases.append(selective("chk-nsa-g4-s64-D128", "nsa", 2, 8, 2, 3000, 128, k=5,
                           window=300, intermediates=True))
    cases.append(selective("chk-nsa-g8-s64-D64", "nsa", 1, 8, 1, 2100, 64, k=4,
                           window=200, intermediates=True))
    cases.append(selective("chk-sla-g2-s64-D128", "sla", 1, 4, 2, 2500, 128, k=4,
                           intermediates=True))
    # 192 rows at head dim 128 (two CTAs a multiprocessor): pass 2 takes
    # them in one 192-row product (wgmma n = 192), after SLA's pass 1.
    cases.append(selective("chk-sla-g3-s64-D128", "sla", 1, 6, 2, 3100, 128, k=5,
                           intermediates=True))
    # attn.topk alone: ties, NaN, -inf, rows of few candidates; widths
    # under a warp, between, and past 32 entries per lane.
    for width, k in ((20, 4), (1000, 16), (2500, 7)):
        cases.append(case(f"chk-topk-w{width}", "topk", 2, 3, 3, 50, 0, 0, width=width, k=k))
    # LAWCAT: causal convs of the queries and keys (4 taps), decayed elu+1
    # linear attention; f16 too.
    cases.append(case("chk-lawcat", "lawcat", 1, 4, 4, 700, 700, 64))
    cases.append(case("chk-lawcat-f16-D128", "lawcat", 2, 2, 2, 333, 333, 128, dtype="f16"))
    cases.append(case("chk-lawcat-L5", "lawcat", 1, 2, 2, 5, 5, 64))
    # Mamba-2's form after the convs (identity features, no normaliser),
    # and convs of 8 taps.
    cases.append(case("chk-lawcat-identity", "lawcat", 1, 3, 3, 650, 650, 64,
                      feature="identity", normalize=False))
    cases.append(case("chk-lawcat-taps8-D128", "lawcat", 2, 2, 2, 515, 515, 128, taps=8))
    # Elementwise ops in the program: the log-gates computed from logits
    # (a fused chain with a splat constant), and a residual o + v returned.
    cases.append(case("chk-lawcat-gate-logits", "lawcat", 1, 4, 4, 700, 700, 64,
                      gate_logits=True, residual=True))
    cases.append(case("chk-program-gated", "gated", 2, 4, 4, 600, 600, 64, stride=16,
                      span=32, window=90))
    # Programs compiled for any batch and length ("?" in their types): the
    # launcher computes the temporaries and grids from the buffers' sizes.
    # SCOUT's union kernel (compress in the mixer's epilogue), its
    # chunked and document forms, the gated merges of weighted and max
    # compressions, and LAWCAT's convs into a decayed linear attention.
    cases.append(scout("chk-dynprog-scout", 1, 4, 1000, 64, window=127, dynamic=True))
    cases.append(scout("chk-dynprog-scout-s32-D128", 2, 4, 777, 128, window=100, stride=32,
                       dynamic=True, dynamic_batch=True))
    cases.append(scout("chk-dynprog-scout-chunked", 2, 4, 700, 128, window=90, chunked=True,
                       dynamic=True))
    cases.append(scout("chk-dynprog-scout-docs", 1, 4, 500, 64, window=70, segment_ids=True,
                       dynamic=True))
    cases.append(scout("chk-dynprog-scout-gqa-mixed", 2, 4, 601, 128, window=90, hkv=2,
                       mixed_result=True, dynamic=True))
    cases.append(scout("chk-dynprog-scout-L17", 1, 2, 17, 64, window=7, stride=8,
                       dynamic=True))
    cases.append(case("chk-dynprog-gated", "gated", 2, 4, 4, 600, 600, 64, stride=16,
                      span=32, window=90, dynamic=True, dynamic_batch=True))
    # NSA- and SLA-style: block scores (a block's key tiles bounded at run
    # time), top-k over rows of any width, the selection's tiles.
    cases.append(selective("chk-dynprog-nsa", "nsa", 1, 4, 4, 1000, 128, stride=64, k=4,
                           window=127, intermediates=True, dynamic=True))
    cases.append(selective("chk-dynprog-nsa-g2-s32", "nsa", 2, 4, 2, 555, 64, stride=32,
                           k=3, window=90, intermediates=True, dynamic=True,
                           dynamic_batch=True))
    cases.append(selective("chk-dynprog-sla", "sla", 1, 4, 4, 700, 128, stride=64, k=3,
                           intermediates=True, dynamic=True))
    cases.append(case("chk-dynprog-lawcat", "lawcat", 1, 4, 4, 700, 700, 64, dynamic=True))
    # A selection alone over any length: its tile list from the slots
    # (64 x 64 blocks at head dim 128: the paired sm_90a form), and one
    # whose blocks the list cannot take (128-key blocks at head dim 64).
    cases.append(case("chk-dyn-select-D128", "causal", 1, 4, 2, 1000, 1000, 128,
                      select=dict(block_q=64, block_kv=64, k=5), dynamic=True))
    cases.append(case("chk-dyn-select-D64-b128", "causal", 1, 4, 4, 900, 900, 64,
                      select=dict(block_q=128, block_kv=128, k=3), dynamic=True))
    # Selections whose list over any length the CTA builds from its
    # candidates (a thread per slot's tile): key blocks of two tiles, and
    # more than 32 slots.
    cases.append(case("chk-dyn-select-D128-b128", "causal", 1, 4, 2, 1000, 1000, 128,
                      select=dict(block_q=64, block_kv=128, k=4), dynamic=True))
    cases.append(case("chk-dyn-select-D128-k40", "causal", 1, 4, 2, 3000, 3000, 128,
                      select=dict(block_q=64, block_kv=64, k=40), dynamic=True))
    cases.append(case("chk-dyn-select-D64-b256-q128", "causal", 1, 4, 4, 2100, 2100, 64,
                      select=dict(block_q=128, block_kv=256, k=3), dynamic=True))
    # Static lengths too long for a list of a flag and an entry a key tile
    # beside two stages (the paired form's past about 260k keys): lists
    # from the slots, by warp 0 and from the candidates.
    cases.append(case("chk-long-select-D128", "causal", 1, 4, 2, 270000, 270000, 128,
                      select=dict(block_q=64, block_kv=64, k=5)))
    cases.append(case("chk-long-select-D128-b128", "causal", 1, 4, 2, 270000, 270000, 128,
                      select=dict(block_q=64, block_kv=128, k=4)))
    cases.append(case("chk-dynprog-lawcat-L5", "lawcat", 2, 2, 2, 5, 5, 128, dynamic=True,
                      dynamic_batch=True))
    # Elementwise ops over any batch and length: the log-gates from logits
    # (a tensor.splat over the sizes tensor.dim asks for, fused into the
    # chain's kernel) and the residual o + v returned.
    cases.append(case("chk-dynprog-lawcat-gate-logits", "lawcat", 2, 4, 4, 700, 700, 64,
                      gate_logits=True, residual=True, dynamic=True, dynamic_batch=True))
    # The same with the queries' batch and length static: tensor.casts
    # between the gates' and residual's elementwise ops and the attn ops.
    cases.append(case("chk-dynprog-lawcat-static-query", "lawcat", 2, 4, 4, 700, 700, 64,
                      gate_logits=True, residual=True, dynamic=True, dynamic_batch=True,
                      static_query=True))
    # Persistent CTAs (sm_90a's 128-row form, forced on): more work items
    # than the grid's 132 CTAs, so that a CTA takes two or three, with
    # different tile counts (causal), partial tiles (dense over 300 keys),
    # lengths known at run time, and NSA's compressed branch (its first
    # query rows see no compressed key).
    cases.append(case("chk-persistent-causal-D128", "causal", 3, 8, 8, 1500, 1500, 128,
                      lse=True, persistent="on"))
    cases.append(case("chk-persistent-dense-lq2100-lkv300", "dense", 2, 8, 4, 2100, 300,
                      128, persistent="on"))
    # Causal with more queries than keys: the first 900 rows have no key
    # (bottom-right alignment), so the first query tiles, which each CTA
    # takes last, have no key tiles: CTAs end on items that store zeros and
    # free Q without visiting a key tile.
    cases.append(case("chk-persistent-causal-lq1500-lkv600", "causal", 3, 16, 8, 1500, 600,
                      128, persistent="on"))
    cases.append(case("chk-persistent-dyn-causal", "causal", 2, 8, 8, 2000, 2000, 64,
                      dynamic=True, persistent="on"))
    cases.append(selective("chk-persistent-nsa", "nsa", 1, 8, 2, 4500, 128, k=4,
                           window=200, intermediates=True, persistent="on"))
    return cases
