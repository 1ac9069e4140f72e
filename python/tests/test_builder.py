"""The builder: IR text, mask composition, tracing, and clear errors."""
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import pytest

import attn


def program(lq=64, lkv=64, hq=2, hkv=1, d=16, dtype="f32"):
    p = attn.Program("main")
    q = p.input("q", (1, hq, lq, d), dtype)
    k = p.input("k", (1, hkv, lkv, d), dtype)
    v = p.input("v", (1, hkv, lkv, d), dtype)
    return p, q, k, v


def test_masks_compose():
    mask = attn.causal() & (attn.window(8) | ~attn.prefix(4))
    assert mask.text == ("#attn.causal, #attn.or<[#attn.window<left = 8, right = 0>, "
                         "#attn.not<#attn.prefix<len = 4>>]>")
    nested = ~(attn.causal() & attn.window(3))
    assert nested.text == "#attn.not<#attn.and<[#attn.causal, #attn.window<left = 3, right = 0>]>>"


def test_program_text_parses_and_verifies():
    p, q, k, v = program()
    out, lse = p.attention(q, k, v, mask=attn.causal() & attn.window(16),
                           score=attn.softcap(20.0), scale=0.5, return_lse=True)
    p.output(out, lse)
    text = str(p)
    assert "attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 16, right = 0>]" in text
    assert "score [#attn.softcap<20.0>]" in text
    assert "-> tensor<1x2x64x16xf32>, tensor<1x2x64xf32>" in text
    parsed = str(p.module())
    assert "attn.attention" in parsed


def test_score_mod_is_traced():
    p, q, k, v = program()
    slopes = attn.table(np.array([0.5, 0.25], dtype=np.float32))
    out = p.attention(q, k, v, score_mod=lambda s, b, h, i, j: s - slopes[h] * (i - j),
                      mask_mod=lambda b, h, i, j: (i - j) % 2 == 0)
    p.output(out)
    text = str(p)
    assert "score_mod {" in text and "mask_mod {" in text
    assert "tensor.extract %table.1" in text
    assert "arith.remsi" in text and "arith.cmpi eq" in text
    assert "attn.yield" in text
    p.module()  # verifies


def test_intermediate_ir():
    p, q, k, v = program()
    p.output(p.attention(q, k, v, mask=attn.causal()))
    tiled = p.lower("builtin.module(attn-plan-tiles, attn-tile-attention)")
    assert "scf.forall" in tiled and "attn.attention" not in tiled


def test_pipeline_errors_are_reported():
    p, q, k, v = program()
    p.output(p.attention(q, k, v))
    with pytest.raises(attn.AttnError, match=r"pipeline 'builtin.module\(no-such-pass\)' failed:\n"
                                             r".*'no-such-pass' does not refer to a registered pass"):
        p.lower("builtin.module(no-such-pass)")


def test_traced_mask_mod_bounds_the_tiles():
    # A sliding window traced from Python: the block map reads the region's
    # intervals, so the flash loops skip the tiles before the window and
    # leave the region out of the tiles inside it.
    p, q, k, v = program(lq=512, lkv=512)
    p.output(p.attention(q, k, v, mask_mod=lambda b, h, i, j: (j <= i) & (i - j < 200)))
    tiled = p.lower("builtin.module(attn-plan-tiles, attn-tile-attention)")
    table = re.search(r"dense<(\[\[.*?\]\])> : tensor<\d+x4xi64>", tiled)
    assert table, tiled
    rows = json.loads(table.group(1))
    assert any(first > 0 for first, _, _, _ in rows)
    assert any(full_end > full_first for _, _, full_first, full_end in rows)


def test_untraceable_control_flow_is_refused():
    p, q, k, v = program()
    with pytest.raises(attn.AttnError, match="Python control flow"):
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: s if i > j else 0.0)


def test_untraceable_numpy_is_refused():
    p, q, k, v = program()
    with pytest.raises(attn.AttnError, match="score_mod"):
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: np.exp(s))
    table = np.ones(4)
    with pytest.raises(attn.AttnError, match="attn.table"):
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: s + table[h])


def test_mask_mod_must_return_a_boolean():
    p, q, k, v = program()
    with pytest.raises(attn.AttnError, match="must return a boolean"):
        p.attention(q, k, v, mask_mod=lambda b, h, i, j: i - j)


def test_verifier_errors_are_reported():
    p = attn.Program("bad")
    q = p.input("q", (1, 2, 8, 16))
    k = p.input("k", (1, 2, 8, 8))
    p.output(p.attention(q, k, k))
    with pytest.raises(attn.AttnError, match="'key' has shape"):
        p.module()


def test_bad_arguments():
    p, q, k, v = program()
    with pytest.raises(attn.AttnError, match="dtype"):
        p.input("x", (1,), "f64")
    with pytest.raises(attn.AttnError, match="expected a mask"):
        p.attention(q, k, v, mask="causal")
    with pytest.raises(attn.AttnError, match="needs q_segments"):
        p.attention(q, k, v, mask=attn.document())
    with pytest.raises(attn.AttnError, match="no output"):
        str(p)
    p.output(p.attention(q, k, v))
    with pytest.raises(attn.AttnError, match="target 'gfx90a' is not supported"):
        attn.compile(p, target="gfx90a")


def _errors():
    """(what to do, the message it must raise) for the builder's checks."""
    def fresh():
        return program()

    def name():
        attn.Program("not a name")

    def duplicate_input():
        p, *_ = fresh()
        p.input("q", (1,))

    def size():
        p, *_ = fresh()
        p.input("x", (1, -1))

    def unicode_name():
        attn.Program("prög")

    def name_not_text():
        attn.Program(3)

    def shape_not_sequence():
        p, *_ = fresh()
        p.input("x", 5)

    def fractional_size():
        p, *_ = fresh()
        p.input("x", (1, 2.5))

    def fractional_window():
        attn.window(2.7)

    def boolean_window():
        attn.window(True)

    def grid_not_a_list():
        attn.neighborhood(8, [1])

    def mask_as_score():
        p, q, k, v = fresh()
        p.attention(q, k, v, score=attn.causal())

    def infinite_scale():
        p, q, k, v = fresh()
        p.attention(q, k, v, scale=float("inf"))

    def nan_eps():
        p, q, k, v = fresh()
        p.linear_attention(q, k, v, eps=float("nan"))

    def infinite_softcap():
        attn.softcap(float("inf"))

    def slope_past_f32():
        attn.alibi([1e39])

    def slopes_not_a_sequence():
        attn.alibi(5)

    def module_compiled_twice():
        p, q, k, v = fresh()
        p.output(p.attention(q, k, v))
        module = p.module()
        with tempfile.TemporaryDirectory() as directory:
            module.compile_cpu(os.path.join(directory, "once.so"))
            module.compile_cpu(os.path.join(directory, "twice.so"))

    def boolean_scale():
        p, q, k, v = fresh()
        p.attention(q, k, v, scale=True)

    def merge_shapes_differ():
        p, q, k, v = fresh()
        short = p.input("short", (1, 2, 3, 16))
        p.merge("sum", p.attention(q, k, v), p.attention(short, k, v))

    def merge_dtypes_differ():
        p, q, k, v = fresh()
        half = p.input("half", (1, 2, 64, 16), "f16")
        p.merge("sum", p.attention(q, k, v), half)

    def linear_rank():
        p, q, k, v = fresh()
        x = p.input("x", (2, 64, 16))
        p.linear_attention(x, k, v)

    def target_not_text():
        p, q, k, v = fresh()
        p.output(p.attention(q, k, v))
        attn.compile(p, target=None)

    def compile_not_a_program():
        attn.compile("main")

    def bf16_on_the_cpu():
        p, q, k, v = program(dtype="bf16")
        p.output(p.attention(q, k, v))
        attn.compile(p)

    def modulo_zero():
        p, q, k, v = fresh()
        p.attention(q, k, v, mask_mod=lambda b, h, i, j: i % 0 == 1)

    def empty_table():
        attn.table(np.zeros(0))

    def table_shorter_than_heads():
        p, q, k, v = fresh()
        t = attn.table([0.5])
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: s + t[h])

    def table_constant_outside():
        p, q, k, v = fresh()
        t = attn.table(np.ones((2, 3)))
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: s + t[h, 5])

    def math_on_traced():
        import math
        p, q, k, v = fresh()
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: math.exp(s))

    def traced_index_of_a_list():
        p, q, k, v = fresh()
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: s + [0.5, 0.25][h])

    def traced_power():
        p, q, k, v = fresh()
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: s ** 2)

    def maximum_of_numbers():
        attn.maximum(1, 2)

    def one_segment():
        p, q, k, v = fresh()
        s = p.input("s", (1, 64), "i32")
        p.attention(q, k, v, q_segments=s)

    def bias_needs_operand():
        p, q, k, v = fresh()
        p.attention(q, k, v, score=attn.bias())

    def bad_modifier():
        p, q, k, v = fresh()
        p.attention(q, k, v, score=["softcap"])

    def score_not_a_list():
        p, q, k, v = fresh()
        p.attention(q, k, v, score=5)

    def bad_normalizer():
        p, q, k, v = fresh()
        p.attention(q, k, v, normalizer="sigmoid")

    def bad_scale():
        p, q, k, v = fresh()
        p.attention(q, k, v, scale="0.5")

    def foreign_value():
        p, q, k, v = fresh()
        other, oq, _, _ = program()
        p.attention(oq, k, v)

    def empty_stripes():
        attn.stripes()

    def bad_feature():
        p, q, k, v = fresh()
        p.linear_attention(q, k, v, feature="tanh")

    def decay_needs_causal():
        p, q, k, v = fresh()
        g = p.input("g", (1, 2, 64))
        p.linear_attention(q, k, v, decay=g)

    def bad_merge_kind():
        p, q, k, v = fresh()
        o = p.attention(q, k, v)
        p.merge("max", o, o)

    def merge_one_branch():
        p, q, k, v = fresh()
        p.merge("sum", p.attention(q, k, v))

    def merge_pairs():
        p, q, k, v = fresh()
        o = p.attention(q, k, v)
        p.merge("lse", o, o)

    def traced_boolean_arithmetic():
        p, q, k, v = fresh()
        p.attention(q, k, v, mask_mod=lambda b, h, i, j: (i < j) + (i > j))

    def traced_boolean_as_number():
        p, q, k, v = fresh()
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: (i < j) * s)

    def traced_floor_division_of_scores():
        p, q, k, v = fresh()
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: s // 2)

    def traced_and_of_numbers():
        p, q, k, v = fresh()
        p.attention(q, k, v, mask_mod=lambda b, h, i, j: i & j)

    def traced_invert_of_an_index():
        p, q, k, v = fresh()
        p.attention(q, k, v, mask_mod=lambda b, h, i, j: ~i)

    def traced_across_functions():
        p, q, k, v = fresh()
        kept = []
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: kept.append(i) or s,
                    mask_mod=lambda b, h, i, j: j < kept[0])

    def traced_string():
        p, q, k, v = fresh()
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: s + "1")

    def traced_nothing():
        p, q, k, v = fresh()
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: None)

    def table_rank():
        p, q, k, v = fresh()
        t = attn.table(np.ones((2, 2)))
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: s + t[h])

    def table_indexed_by_a_score():
        p, q, k, v = fresh()
        t = attn.table([0.5, 0.25])
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: t[s])

    def table_of_strings():
        attn.table(np.array(["a"]))

    def where_without_comparison():
        p, q, k, v = fresh()
        p.attention(q, k, v, score_mod=lambda s, b, h, i, j: attn.where(s, s, 0.0))

    def exp_of_number():
        attn.exp(1.0)

    return [
        (name, "must be an ASCII identifier"),
        (duplicate_input, "input name 'q' is taken"),
        (size, "sizes must not be negative"),
        (unicode_name, "must be an ASCII identifier"),
        (name_not_text, "must be an ASCII identifier"),
        (shape_not_sequence, "the shape must be a sequence of sizes"),
        (fractional_size, "a size must be an integer, got 2.5"),
        (fractional_window, "window left must be an integer, got 2.7"),
        (boolean_window, "window left must be an integer, got True"),
        (grid_not_a_list, "neighborhood grid must be a list of integers, got 8"),
        (mask_as_score, "a mask goes to mask="),
        (infinite_scale, "scale must be a finite f32"),
        (nan_eps, "eps must be a finite f32"),
        (infinite_softcap, "softcap must be a finite f32"),
        (slope_past_f32, "alibi slope must be a finite f32, got 1e\\+39"),
        (slopes_not_a_sequence, "alibi slopes must be a sequence of numbers"),
        (boolean_scale, "scale must be a number, got True"),
        (module_compiled_twice, "lowered in place by an earlier compile"),
        (merge_shapes_differ, "branch 2 has tensor<1x2x3x16xf32>, but branch 1 has"),
        (merge_dtypes_differ, "merge sum: branch 2 has tensor<1x2x64x16xf16>, but branch 1 has "
                              "tensor<1x2x64x16xf32>"),
        (linear_rank, "are \\[B, H, L, D\\]"),
        (target_not_text, "target must be 'cpu' or an NVIDIA chip"),
        (compile_not_a_program, "attn.compile takes an attn.Program, got str"),
        (bf16_on_the_cpu, "'q' is bf16, which has no NumPy dtype"),
        (modulo_zero, "% by zero"),
        (empty_table, "non-empty array"),
        (table_shorter_than_heads, "table axis 0 has 1 entries, but its index runs to 1"),
        (table_constant_outside, "table index 5 is outside axis 1 of 3 entries"),
        (math_on_traced, "not a Python number"),
        (traced_index_of_a_list, "score_mod: a traced value cannot index a Python or NumPy sequence"),
        (traced_power, "score_mod cannot be traced: TypeError: unsupported operand"),
        (maximum_of_numbers, "attn.maximum takes a traced value"),
        (one_segment, "both q_segments and kv_segments"),
        (bias_needs_operand, "needs the bias operand"),
        (bad_modifier, "expected attn.softcap/alibi/bias"),
        (score_not_a_list, "expected attn.softcap/alibi/bias or a list of them, got 5"),
        (bad_normalizer, "attn.sigmoid"),
        (bad_scale, "scale must be a number"),
        (foreign_value, "expected a value of this program"),
        (empty_stripes, "give columns, diagonals or both"),
        (bad_feature, "feature must be one of"),
        (decay_needs_causal, "decay needs causal=True"),
        (bad_merge_kind, "merge kind must be lse, gated or sum"),
        (merge_one_branch, "at least two branches"),
        (merge_pairs, "an \\(output, weight\\) pair"),
        (traced_boolean_arithmetic, "arithmetic on a boolean"),
        (traced_boolean_as_number, "a boolean is not a number"),
        (traced_floor_division_of_scores, "// is for indices"),
        (traced_and_of_numbers, "combine comparisons"),
        (traced_invert_of_an_index, "mask_mod: ~ negates a comparison"),
        (traced_across_functions, "mask_mod: a value traced by another function is used here"),
        (traced_string, "cannot trace a str"),
        (traced_nothing, "returned nothing"),
        (table_rank, "2 indices needed, got 1"),
        (table_indexed_by_a_score, "score_mod: table indices must be indices, not f32"),
        (table_of_strings, "numbers or booleans"),
        (where_without_comparison, "traced comparison first"),
        (exp_of_number, "takes a traced value"),
    ]


@pytest.mark.parametrize("action,message", _errors(), ids=lambda x: getattr(x, "__name__", ""))
def test_builder_errors(action, message):
    with pytest.raises(attn.AttnError, match=message):
        action()


def test_numbers_print_as_mlir_reads_them():
    # Python's repr of 1e-05 is not an MLIR float literal; infinities in
    # traced constants and tables are bit patterns.
    p, q, k, v = program()
    t = attn.table(np.array([float("-inf"), 1e-30, 2.0], dtype=np.float32))
    out = p.attention(q, k, v, scale=1e-5, score=attn.softcap(1e16),
                      score_mod=lambda s, b, h, i, j: attn.where(i < j, float("-inf"), s * 1e-5)
                      + t[2])
    lin = p.linear_attention(q, k, v, feature="elu_plus_one", normalize=True, eps=1e-6)
    p.output(out, lin)
    text = str(p.module())
    assert "0xFF800000" in text and "scale = 9.99999974E-6" in text


def test_generated_names_leave_input_names_free():
    p = attn.Program("main")
    q, k, v = (p.input(n, (1, 1, 16, 8)) for n in ("out1", "s1", "table1"))
    t = attn.table([0.5])
    p.output(p.attention(q, k, v, score_mod=lambda s, b, h, i, j: s * t[h]))
    p.module()


def test_neighborhood_dilation_defaults_to_one():
    p, q, k, v = program()
    p.output(p.attention(q, k, v, mask=attn.neighborhood([8, 8], [1, 2])))
    assert "dilation = [1, 1]" in str(p.module())


def test_module_outlives_its_thread():
    # A module keeps the context of the thread that parsed it.
    import threading
    modules = []
    p, q, k, v = program()
    p.output(p.attention(q, k, v))
    thread = threading.Thread(target=lambda: modules.append(p.module()))
    thread.start()
    thread.join()
    assert "attn.attention" in str(modules[0])


def test_missing_library_is_reported(tmp_path):
    # Without libAttnC.so (none where ATTN_C_LIBRARY or ATTN_BUILD_DIR
    # point, none in the package) the first parse says where it looked.
    package = os.path.dirname(attn.__file__)
    if os.path.exists(os.path.join(package, "_lib", "libAttnC.so")):
        pytest.skip("the installed package holds its own libAttnC.so")
    script = (
        "import attn\n"
        "p = attn.Program('main')\n"
        "q = p.input('q', (1, 1, 4, 8))\n"
        "p.output(p.attention(q, q, q))\n"
        "try:\n"
        "    p.module()\n"
        "except attn.AttnError as error:\n"
        "    print(error)\n")
    missing = str(tmp_path / "missing")
    environment = dict(os.environ, ATTN_C_LIBRARY=os.path.join(missing, "libAttnC.so"),
                       ATTN_BUILD_DIR=missing, PYTHONPATH=os.path.dirname(package))
    result = subprocess.run([sys.executable, "-c", script], env=environment, cwd=tmp_path,
                            capture_output=True, text=True, check=True)
    assert re.search(r"cannot find libAttnC\.so \(tried: " + re.escape(missing)
                     + r"/libAttnC\.so, .*\); build attn \(scripts/setup\.sh\) or set "
                     r"ATTN_C_LIBRARY", result.stdout), result.stdout + result.stderr


def test_selection_ops_print_and_verify():
    p = attn.Program("selection")
    q = p.input("q", (1, 4, 64, 16))
    k = p.input("k", (1, 2, 64, 16))
    w = p.input("w", (8,))
    kc = p.compress(k, "sum", 8, weights=w)
    scores = p.block_scores(q, kc, 16, mask=attn.causal(stride=8), scale=0.5)
    indices = p.topk(scores, 2)
    conv = p.causal_conv(k, p.input("cw", (2, 16, 4)))
    layout = p.input("layout", (1, 1, 4, 8), dtype="i1")
    out = p.attention(q, conv, k, mask=attn.block_layout(16, 8), layout=layout)
    p.output(indices, out)
    text = str(p)
    assert "attn.compress sum %k weights(%w) stride 8" in text
    assert "block_q 16 mask [#attn.causal<stride = 8>] {scale = 0.5 : f32}" in text
    assert "attn.topk" in text and "-> tensor<1x2x4x2xi32>" in text
    assert "layout(%layout) mask [#attn.block_layout<block_q = 16, block_kv = 8>]" in text
    p.module()  # parses and verifies


@pytest.mark.parametrize("action,message", [
    (lambda p, q, k: p.compress(k, "median", 4), "reduce must be mean, max or sum"),
    (lambda p, q, k: p.compress(k, "mean", 0), "stride must be positive"),
    (lambda p, q, k: p.compress(p.input("x", (1, 32, 16)), "mean", 4),
     "compress: the input is [B, H, L, D]; got (1, 32, 16)"),
    (lambda p, q, k: p.block_scores(q, k, 0), "block_q must be positive"),
    (lambda p, q, k: p.block_scores(q, p.input("x", (2, 32, 16)), 16),
     "block_scores: query and keys are [B, H, L, D]; got (1, 2, 32, 16) and (2, 32, 16)"),
    (lambda p, q, k: p.block_scores(q, k, 16, mask=attn.document()), "may not read operands"),
    (lambda p, q, k: p.topk(q, 0), "k must be positive"),
    (lambda p, q, k: p.topk(p.input("s", ()), 2), "topk: the scores need at least one dimension"),
    (lambda p, q, k: p.attention(q, k, k, mask=attn.block_indices(16, 16)),
     "attn.block_indices() needs the indices= operand"),
    (lambda p, q, k: p.attention(q, k, k, layout=q), "layout= is read only by a mask"),
])
def test_selection_builder_errors(action, message):
    p = attn.Program("bad")
    q = p.input("q", (1, 2, 32, 16))
    k = p.input("k", (1, 2, 32, 16))
    with pytest.raises(attn.AttnError, match=re.escape(message)):
        action(p, q, k)
