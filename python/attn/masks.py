"""Mask atoms and score modifiers as values: atoms compose with `&` (all
must allow), `|` (any may allow) and `~` (not), in the spirit of
FlexAttention's and_masks/or_masks, and print as attn attributes."""
from collections.abc import Iterable

from ._text import float_literal, integer
from .errors import AttnError


def _int_list(values, what):
    try:
        values = list(values)
    except TypeError:
        raise AttnError(f"{what} must be a list of integers, got {values!r}") from None
    return [integer(v, what) for v in values]


def _ints(values, what):
    return "[" + ", ".join(str(v) for v in _int_list(values, what)) + "]"


class Mask:
    """A mask predicate: an #attn.* attribute. `&` gives a conjunction (the
    op's list of predicates), `|` #attn.or, `~` #attn.not."""

    def __init__(self, text, reads=()):
        self.text = text
        self.reads = tuple(reads)  # operands the predicate reads

    def __and__(self, other):
        return _conjunction(self, other)

    def __rand__(self, other):
        # (`3 & causal()`: Python asks the right operand; its check names 3.)
        return _conjunction(other, self)

    def __or__(self, other):
        other = _as_mask(other)
        return Mask(f"#attn.or<[{_attr(self)}, {_attr(other)}]>", self.reads + other.reads)

    def __ror__(self, other):
        return _as_mask(other) | self

    def __invert__(self):
        return Mask(f"#attn.not<{_attr(self)}>", self.reads)

    def atoms(self):
        return [self]

    def __repr__(self):
        return self.text


class _Conjunction(Mask):
    def __init__(self, parts):
        self.parts = parts
        super().__init__(", ".join(p.text for p in parts),
                         sum((p.reads for p in parts), ()))

    def atoms(self):
        return list(self.parts)


def _as_mask(value):
    if not isinstance(value, Mask):
        raise AttnError(f"expected a mask (attn.causal(), attn.window(...), ...), got {value!r}")
    return value


def _attr(mask):
    """One attribute for a mask: a conjunction becomes #attn.and."""
    if isinstance(mask, _Conjunction):
        return "#attn.and<[" + ", ".join(_attr(p) for p in mask.parts) + "]>"
    return mask.text


def _conjunction(*masks):
    parts = []
    for mask in masks:
        parts.extend(_as_mask(mask).atoms())
    return _Conjunction(parts)


def causal(stride=None):
    """Key j is allowed for query i when j <= i (aligned to the end when
    Lq != Lkv); with a stride, only up to the last multiple of it."""
    if stride is None:
        return Mask("#attn.causal")
    return Mask(f"#attn.causal<stride = {integer(stride, 'causal stride')}>")


def window(left, right=0):
    return Mask(f"#attn.window<left = {integer(left, 'window left')}, "
                f"right = {integer(right, 'window right')}>")


def dilated(window, dilation):
    return Mask(f"#attn.dilated<window = {integer(window, 'dilated window')}, "
                f"dilation = {integer(dilation, 'dilation')}>")


def prefix(length):
    return Mask(f"#attn.prefix<len = {integer(length, 'prefix length')}>")


def chunked(size):
    """Chunked local attention: pos(i) // size == j // size."""
    return Mask(f"#attn.chunked<size = {integer(size, 'chunk size')}>")


def global_tokens(count):
    return Mask(f"#attn.global<count = {integer(count, 'global token count')}>")


def stripes(columns=(), diagonals=()):
    fields = []
    # (len, not truth: a NumPy array of several entries has no truth value.)
    columns = _int_list(columns, "stripes columns")
    diagonals = _int_list(diagonals, "stripes diagonals")
    if len(columns):
        fields.append(f"columns = {_ints(columns, 'stripes columns')}")
    if len(diagonals):
        fields.append(f"diagonals = {_ints(diagonals, 'stripes diagonals')}")
    if not fields:
        raise AttnError("stripes: give columns, diagonals or both")
    return Mask(f"#attn.stripes<{', '.join(fields)}>")


def neighborhood(grid, radius, dilation=None):
    """Keys within `radius` cells of the query on an N-d `grid` of tokens
    (row-major), every `dilation` cells (default 1 on each axis)."""
    grid = _int_list(grid, "neighborhood grid")
    if dilation is None:
        dilation = [1] * len(grid)
    return Mask(f"#attn.neighborhood<grid = {_ints(grid, 'neighborhood grid')}, "
                f"radius = {_ints(radius, 'neighborhood radius')}, "
                f"dilation = {_ints(dilation, 'neighborhood dilation')}>")


def document():
    """Same document: reads the `segments` operands (q_segments, kv_segments
    given to Program.attention)."""
    return Mask("#attn.document", reads=("segments",))


def block_layout(block_q, block_kv):
    """layout[b, h, i // block_q, j // block_kv]: reads the `layout` operand
    given to Program.attention (i1, [1|B, 1|Hq, ceil(Lq/bq), ceil(Lkv/bk)])."""
    return Mask(f"#attn.block_layout<block_q = {integer(block_q, 'block_q')}, "
                f"block_kv = {integer(block_kv, 'block_kv')}>", reads=("layout",))


def block_indices(block_q, block_kv):
    """j // block_kv is one of indices[b, h // G, i // block_q, :]: reads the
    `indices` operand given to Program.attention (i32, [B, Hkv,
    ceil(Lq/bq), K], -1 for an unused slot; Program.topk's result)."""
    return Mask(f"#attn.block_indices<block_q = {integer(block_q, 'block_q')}, "
                f"block_kv = {integer(block_kv, 'block_kv')}>", reads=("indices",))


class ScoreModifier:
    def __init__(self, text, reads=()):
        self.text = text
        self.reads = tuple(reads)

    def __repr__(self):
        return self.text


def softcap(cap):
    return ScoreModifier(f"#attn.softcap<{float_literal(cap, 'softcap')}>")


def alibi(slopes=None):
    if slopes is None:
        return ScoreModifier("#attn.alibi")
    if isinstance(slopes, (str, bytes)) or not isinstance(slopes, Iterable):
        raise AttnError(f"alibi slopes must be a sequence of numbers (one per "
                        f"query head), got {slopes!r}")
    return ScoreModifier("#attn.alibi<slopes = [" +
                         ", ".join(float_literal(s, "alibi slope") for s in slopes) + "]>")


def bias():
    """Adds the `bias` operand given to Program.attention."""
    return ScoreModifier("#attn.bias", reads=("bias",))
