"""The builder: IR text, mask composition, tracing, and clear errors."""
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
    assert "tensor.extract %table1" in text
    assert "arith.remsi" in text and "arith.cmpi eq" in text
    assert "attn.yield" in text
    p.module()  # verifies


def test_intermediate_ir():
    p, q, k, v = program()
    p.output(p.attention(q, k, v, mask=attn.causal()))
    tiled = p.lower("builtin.module(attn-plan-tiles, attn-tile-attention)")
    assert "scf.forall" in tiled and "attn.attention" not in tiled


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
    with pytest.raises(attn.AttnError, match="target 'sm_90'"):
        p.output(p.attention(q, k, v))
        attn.compile(p, target="sm_90")
