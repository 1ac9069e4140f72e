"""attn from Python: build attention programs declaratively (mask atoms that
compose with & | ~, score modifiers, traced score_mod/mask_mod functions),
print their IR, lower them with attn's pipelines and compile them to
callables, all through attn's C API (libAttnC.so)."""
from .errors import AttnError
from .masks import (Mask, ScoreModifier, alibi, bias, block_indices, block_layout, causal,
                    chunked, dilated, document, global_tokens, neighborhood, prefix,
                    softcap, stripes, window)
from .program import Program, Value, sigmoid
from .trace import Table as table, abs, exp, log, maximum, minimum, sqrt, tanh, where
from .compile import Compiled, compile

__all__ = [
    "AttnError", "Mask", "ScoreModifier", "alibi", "bias", "block_indices", "block_layout",
    "causal", "chunked", "dilated", "document",
    "global_tokens", "neighborhood", "prefix", "softcap", "stripes", "window", "Program",
    "Value", "sigmoid", "table", "abs", "exp", "log", "maximum", "minimum", "sqrt", "tanh",
    "where", "Compiled", "compile",
]
