"""Programs: a function of named tensor inputs built op by op, printed as
attn IR (str(program)) and parsed and verified by MLIR through the C API."""

from . import trace as _trace
from ._text import f32_literal, float_literal, identifier, integer
from .errors import AttnError
from .masks import Mask, ScoreModifier, _as_mask

_DTYPES = ("f32", "f16", "bf16", "i32", "i1")


class OpenSize:
    """A size that Program.input's shape leaves open (None): the program
    compiles once for every size and reads it from the arrays at each call.
    A size derived from it (a compressed length, a count of query blocks)
    is ceil(size / divisor); ceil(ceil(x / a) / b) = ceil(x / ab)."""

    def __init__(self, program, input_index, axis, divisor=1):
        self.program, self.input_index = program, input_index
        self.axis, self.divisor = axis, divisor

    def ceil_div(self, n):
        return OpenSize(self.program, self.input_index, self.axis, self.divisor * n)

    def resolve(self, input_shapes):
        """The size for a call whose inputs have `input_shapes`."""
        return -(-input_shapes[self.input_index][self.axis] // self.divisor)

    def __repr__(self):
        name = self.program.inputs[self.input_index].name
        size = f"{name}.shape[{self.axis}]"
        return size if self.divisor == 1 else f"ceil({size} / {self.divisor})"


def resolve_size(size, input_shapes):
    """An int size, or an open one for a call whose inputs have
    `input_shapes`."""
    return size.resolve(input_shapes) if isinstance(size, OpenSize) else size


def check_read_bounds(read_bounds, input_shapes):
    """Refuses a call where a traced function's read (recorded in a
    program's read_bounds) would run past the axis it reads."""
    for what, read, axis, size, bound in read_bounds:
        size, bound = resolve_size(size, input_shapes), resolve_size(bound, input_shapes)
        if bound > size:
            raise AttnError(f"{what} reads axis {axis} of '{read}' up to index {bound - 1}, "
                            f"but the axis' size is {size} at this call")


def _ceil_div(size, n):
    return size.ceil_div(n) if isinstance(size, OpenSize) else -(-size // n)


def shape_text(shape):
    """A shape as Python prints a tuple, '?' for an open size."""
    sizes = ["?" if isinstance(s, OpenSize) else str(s) for s in shape]
    return "(" + ", ".join(sizes) + ("," if len(sizes) == 1 else "") + ")"


def _type(shape, dtype):
    return ("tensor<" + "".join("?x" if isinstance(s, OpenSize) else f"{s}x" for s in shape)
            + dtype + ">")


class Value:
    """A tensor of a program: an input or an op's result."""

    def __init__(self, program, name, shape, dtype):
        self.program, self.name = program, name
        self.shape, self.dtype = tuple(shape), dtype

    @property
    def type(self):
        return _type(self.shape, self.dtype)

    def __repr__(self):
        return f"<attn value {self.name}: {self.type}>"

    def __getitem__(self, index):
        """Inside a traced score_mod or mask_mod: the element at traced
        indices (`bias[h, q - kv + 128]`), read from this tensor on each call
        (f32 for floating elements, an index for i32, a boolean for i1)."""
        return _trace.read_element(self, index)


class Sigmoid:
    def __init__(self, bias=0.0):
        self.text = f"#attn.sigmoid<bias = {float_literal(bias, 'sigmoid bias')}>"


def sigmoid(bias=0.0):
    """The sigmoid normaliser: sigmoid(score + bias), no row normalisation."""
    return Sigmoid(bias)


class Program:
    """A function under construction.

        p = attn.Program("main")
        q = p.input("q", (1, 8, 1024, 64))
        k = p.input("k", (1, 2, 1024, 64)); v = p.input("v", (1, 2, 1024, 64))
        p.output(p.attention(q, k, v, mask=attn.causal() & attn.window(256)))
    """

    def __init__(self, name="main"):
        self.name = identifier(name, "the program name")
        self.inputs, self.lines, self.outputs = [], [], []
        # Reads in traced functions whose bounds involve an open size, for
        # the callables to check at each call: (function, what is read,
        # axis, the axis' size, the index bound), sizes int or OpenSize.
        self.read_bounds = []
        self._constants, self._tables, self._count = [], {}, 0

    def input(self, name, shape, dtype="f32"):
        identifier(name, "an input name")
        if any(v.name == name for v in self.inputs):
            raise AttnError(f"input name '{name}' is taken")
        if dtype not in _DTYPES:
            raise AttnError(f"input '{name}': dtype must be one of {', '.join(_DTYPES)}, not '{dtype}'")
        try:
            shape = tuple(None if s is None else integer(s, f"input '{name}': a size")
                          for s in shape)
        except TypeError:
            raise AttnError(f"input '{name}': the shape must be a sequence of sizes, "
                            f"got {shape!r}") from None
        if any(s is not None and s < 0 for s in shape):
            raise AttnError(f"input '{name}': sizes must not be negative, got {shape}")
        # None: a size given by each call's array (the program compiles once).
        shape = tuple(OpenSize(self, len(self.inputs), axis) if s is None else s
                      for axis, s in enumerate(shape))
        value = Value(self, name, shape, dtype)
        self.inputs.append(value)
        return value

    def _fresh(self, stem):
        # (A '.' that input names cannot hold: no generated name takes one.)
        self._count += 1
        return f"{stem}.{self._count}"

    def _check(self, value, what):
        if not isinstance(value, Value) or value.program is not self:
            raise AttnError(f"{what}: expected a value of this program, got {value!r}")
        return value

    def _table(self, table):
        key = id(table)
        if key not in self._tables:
            name = self._fresh("table")
            array = table.array
            literal = ((lambda x: "true" if x else "false") if table.element == "i1"
                       else f32_literal)

            def nested(part):
                # The dense literal nests as the shape does.
                if part.ndim == 0:
                    return literal(part.item())
                return "[" + ", ".join(nested(sub) for sub in part) + "]"

            shape = "x".join(str(s) for s in array.shape)
            self._constants.append(f"%{name} = arith.constant dense<{nested(array)}> : "
                                   f"tensor<{shape}x{table.element}>")
            self._tables[key] = (f"%{name}", table)
        return self._tables[key][0]

    def attention(self, q, k, v, *, mask=None, score=(), score_mod=None, mask_mod=None,
                  normalizer=None, scale=None, bias=None, q_segments=None, kv_segments=None,
                  layout=None, indices=None, sink=None, return_lse=False):
        """attn.attention (docs/Semantics.md): softmax(scale * q k^T + modifiers,
        masked) v, or the sigmoid normaliser. `mask` is a Mask (compose atoms
        with & | ~); `score` a ScoreModifier or a list of them (applied in
        order); `score_mod(score, b, h, q, kv)` and `mask_mod(b, h, q, kv)`
        are traced Python functions; `layout` and `indices` are the operands
        of attn.block_layout and attn.block_indices. Returns the output, and
        the LSE with return_lse."""
        q, k, v = (self._check(x, n) for x, n in ((q, "query"), (k, "key"), (v, "value")))
        self._check_ranks(q, k, v)
        operands, types, clauses = [q, k, v], [q.type, k.type, v.type], []
        if bias is not None:
            operands.append(self._check(bias, "bias"))
            clauses.append(f"bias(%{bias.name})")
        if (q_segments is None) != (kv_segments is None):
            raise AttnError("give both q_segments and kv_segments, or neither")
        if q_segments is not None:
            operands += [self._check(q_segments, "q_segments"), self._check(kv_segments, "kv_segments")]
            clauses.append(f"segments(%{q_segments.name}, %{kv_segments.name})")
        for operand, keyword in ((layout, "layout"), (indices, "indices")):
            if operand is not None:
                operands.append(self._check(operand, keyword))
                clauses.append(f"{keyword}(%{operand.name})")
        if sink is not None:
            operands.append(self._check(sink, "sink"))
            clauses.append(f"sink(%{sink.name})")
        types = [x.type for x in operands]
        reads = _as_mask(mask).reads if mask is not None else ()
        if mask is not None:
            clauses.append(f"mask [{_as_mask(mask).text}]")
            if "segments" in reads and q_segments is None:
                raise AttnError("attn.document() needs q_segments and kv_segments")
        for keyword, operand, atom in (("layout", layout, "attn.block_layout"),
                                       ("indices", indices, "attn.block_indices")):
            given = operand is not None
            if keyword in reads and not given:
                raise AttnError(f"{atom}() needs the {keyword}= operand")
            if given and keyword not in reads:
                raise AttnError(f"{keyword}= is read only by a mask with {atom}()")
        if score is None:
            score = ()
        if isinstance(score, Mask):
            raise AttnError("score takes score modifiers (attn.softcap, attn.alibi, "
                            "attn.bias); a mask goes to mask=")
        try:
            modifiers = [score] if isinstance(score, ScoreModifier) else list(score)
        except TypeError:
            raise AttnError(f"score: expected attn.softcap/alibi/bias or a list of them, "
                            f"got {score!r}") from None
        for modifier in modifiers:
            if not isinstance(modifier, ScoreModifier):
                raise AttnError(f"score: expected attn.softcap/alibi/bias, got {modifier!r}")
            if "bias" in modifier.reads and bias is None:
                raise AttnError("attn.bias() needs the bias operand")
        if modifiers:
            clauses.append("score [" + ", ".join(m.text for m in modifiers) + "]")
        if normalizer is not None:
            if not isinstance(normalizer, Sigmoid):
                raise AttnError("normalizer: attn.sigmoid(bias) (softmax is the default)")
            clauses.append(f"normalizer({normalizer.text})")
        # The arguments' ranges, for the tables they index directly.
        # (Open sizes too: a read they bound is checked at each call.)
        ranges = [q.shape[0], q.shape[1], q.shape[2], k.shape[2]]
        bounds = len(self.read_bounds)
        try:
            if score_mod is not None:
                clauses.append(_trace.trace(score_mod, self, "score_mod",
                                            ["f32", "index", "index", "index", "index"], "f32",
                                            [None] + ranges))
            if mask_mod is not None:
                clauses.append(_trace.trace(mask_mod, self, "mask_mod",
                                            ["index", "index", "index", "index"], "i1", ranges))
            if scale is not None:
                clauses.append(f"{{scale = {float_literal(scale, 'scale')} : f32}}")
        except AttnError:
            del self.read_bounds[bounds:]  # (the op is not added: nor its reads)
            raise
        out = Value(self, self._fresh("out"), q.shape[:3] + (v.shape[3],), q.dtype)
        results, result_types = [f"%{out.name}"], [out.type]
        lse = None
        if return_lse:
            lse = Value(self, self._fresh("lse"), q.shape[:3], "f32")
            results.append(f"%{lse.name}")
            result_types.append(lse.type)
        self.lines.append(
            f"{', '.join(results)} = attn.attention " +
            ", ".join(f"%{x.name}" for x in operands[:3]) +
            "".join(" " + c for c in clauses) +
            f" : {', '.join(types)} -> {', '.join(result_types)}")
        return (out, lse) if return_lse else out

    @staticmethod
    def _check_ranks(q, k, v):
        if any(len(x.shape) != 4 for x in (q, k, v)):
            raise AttnError(f"query, key and value are [B, H, L, D]; got {q.shape}, "
                            f"{k.shape} and {v.shape}")

    def linear_attention(self, q, k, v, *, feature="elu_plus_one", causal=False,
                         normalize=False, decay=None, eps=None):
        """attn.linear_attention: phi(q)^T S / (phi(q)^T z + eps) with
        S = sum gamma phi(k) v^T (docs/Semantics.md); `feature` is one of
        identity, relu, elu_plus_one, exp, sigmoid; `decay` ([B, Hq, Lkv]
        log-gates <= 0) needs causal=True."""
        features = ("identity", "relu", "elu_plus_one", "exp", "sigmoid")
        if feature not in features:
            raise AttnError(f"feature must be one of {', '.join(features)}, not '{feature}'")
        q, k, v = (self._check(x, n) for x, n in ((q, "query"), (k, "key"), (v, "value")))
        self._check_ranks(q, k, v)
        operands = [q, k, v]
        clause = ""
        if decay is not None:
            if not causal:
                raise AttnError("decay needs causal=True")
            operands.append(self._check(decay, "decay"))
            clause = f" decay(%{decay.name})"
        flags = (" causal" if causal else "") + (" normalize" if normalize else "")
        attrs = "" if eps is None else f" {{eps = {float_literal(eps, 'eps')} : f32}}"
        out = Value(self, self._fresh("out"), q.shape[:3] + (v.shape[3],), q.dtype)
        self.lines.append(
            f"%{out.name} = attn.linear_attention %{q.name}, %{k.name}, %{v.name}{clause} "
            f"feature {feature}{flags}{attrs} : {', '.join(x.type for x in operands)} -> {out.type}")
        return out

    def compress(self, x, reduce, stride, *, window=None, weights=None):
        """attn.compress: [B, H, L, D] -> [B, H, ceil(L / stride), D]; token c
        reduces (mean, max or sum) the tokens [c stride, c stride + window)
        (window defaults to stride); `weights` ([window] or [H, window], f32;
        only with sum) scales token t by w[t - c stride] first."""
        if reduce not in ("mean", "max", "sum"):
            raise AttnError(f"compress: reduce must be mean, max or sum, not '{reduce}'")
        x = self._check(x, "compress input")
        if len(x.shape) != 4:
            raise AttnError(f"compress: the input is [B, H, L, D]; got {x.shape}")
        stride = integer(stride, "compress stride")
        if stride < 1:
            raise AttnError(f"compress: the stride must be positive, got {stride}")
        operands, clause = [x], ""
        if weights is not None:
            operands.append(self._check(weights, "compress weights"))
            clause = f" weights(%{weights.name})"
        extra = "" if window is None else f" window {integer(window, 'compress window')}"
        out = Value(self, self._fresh("compressed"),
                    x.shape[:2] + (_ceil_div(x.shape[2], stride), x.shape[3]), x.dtype)
        self.lines.append(
            f"%{out.name} = attn.compress {reduce} %{x.name}{clause} stride {stride}{extra} : "
            f"{', '.join(v.type for v in operands)} -> {out.type}")
        return out

    def block_scores(self, q, keys, block_q, *, mask=None, scale=None):
        """attn.block_scores: [B, Hkv, ceil(Lq / block_q), Lc] f32, the mean
        over each query block's rows and each K/V head's query heads of
        softmax(scale q keys^T) under `mask` (predicates that read no
        operand), -inf where no row of the block may see the key."""
        q, keys = self._check(q, "query"), self._check(keys, "keys")
        if len(q.shape) != 4 or len(keys.shape) != 4:
            raise AttnError(f"block_scores: query and keys are [B, H, L, D]; got {q.shape} "
                            f"and {keys.shape}")
        block_q = integer(block_q, "block_q")
        if block_q < 1:
            raise AttnError(f"block_scores: block_q must be positive, got {block_q}")
        clauses = ""
        if mask is not None:
            if _as_mask(mask).reads:
                raise AttnError("block_scores: the mask may not read operands "
                                f"({', '.join(_as_mask(mask).reads)})")
            clauses += f" mask [{_as_mask(mask).text}]"
        if scale is not None:
            clauses += f" {{scale = {float_literal(scale, 'scale')} : f32}}"
        out = Value(self, self._fresh("scores"),
                    (q.shape[0], keys.shape[1], _ceil_div(q.shape[2], block_q), keys.shape[2]),
                    "f32")
        self.lines.append(
            f"%{out.name} = attn.block_scores %{q.name}, %{keys.name} block_q {block_q}{clauses}"
            f" : {q.type}, {keys.type} -> {out.type}")
        return out

    def topk(self, scores, k):
        """attn.topk: the indices (i32, ascending) of the k largest entries
        along the last dimension; ties prefer the lower index, -inf and NaN
        are never chosen, and left-over slots hold -1."""
        scores = self._check(scores, "scores")
        k = integer(k, "topk k")
        if k < 1:
            raise AttnError(f"topk: k must be positive, got {k}")
        if not scores.shape:
            raise AttnError("topk: the scores need at least one dimension")
        out = Value(self, self._fresh("indices"), scores.shape[:-1] + (k,), "i32")
        self.lines.append(f"%{out.name} = attn.topk %{scores.name} k {k} : {scores.type} -> "
                          f"{out.type}")
        return out

    def causal_conv(self, x, weight):
        """attn.causal_conv: out[b, h, t, d] = sum_k w[h, d, k] x[b, h, t - K
        + 1 + k, d] (zeros before the start), x [B, H, L, D], w [H, D, K]."""
        x, weight = self._check(x, "conv input"), self._check(weight, "conv weight")
        out = Value(self, self._fresh("conv"), x.shape, x.dtype)
        self.lines.append(f"%{out.name} = attn.causal_conv %{x.name}, %{weight.name} : "
                          f"{x.type}, {weight.type} -> {out.type}")
        return out

    def merge(self, kind, *branches):
        """attn.merge: `lse` of (output, lse) pairs (the exact softmax over
        the union of the branches' keys; returns (output, lse)), `gated` of
        (output, gate) pairs, or `sum` of outputs."""
        if kind not in ("lse", "gated", "sum"):
            raise AttnError(f"merge kind must be lse, gated or sum, not '{kind}'")
        if len(branches) < 2:
            raise AttnError("merge needs at least two branches")
        groups = []
        for branch in branches:
            parts = branch if isinstance(branch, tuple) else (branch,)
            if len(parts) != (1 if kind == "sum" else 2):
                raise AttnError(f"merge {kind}: each branch is "
                                f"{'an output' if kind == 'sum' else 'an (output, weight) pair'}")
            groups.append([self._check(p, "merge branch") for p in parts])
        # One type for every branch: where one leaves a size open that
        # another fixes, the merge takes the fixed size and the open branch a
        # tensor.cast to it (the library checks the open size at each call).
        # (Every position checked before a cast is written: a refused merge
        # leaves the program as it was.)
        joints = [self._joint_shape(kind, [group[position] for group in groups])
                  for position in range(len(groups[0]))]
        for position, joint in enumerate(joints):
            for group in groups:
                part = group[position]
                if part.type != _type(joint, part.dtype):
                    cast = Value(self, self._fresh("cast"), joint, part.dtype)
                    self.lines.append(f"%{cast.name} = tensor.cast %{part.name} : "
                                      f"{part.type} to {cast.type}")
                    group[position] = cast
        first = groups[0]
        out = Value(self, self._fresh("out"), first[0].shape, first[0].dtype)
        results, result_types = [f"%{out.name}"], [out.type]
        lse = None
        if kind == "lse":
            lse = Value(self, self._fresh("lse"), first[1].shape, "f32")
            results.append(f"%{lse.name}")
            result_types.append(lse.type)
        operands = ", ".join("(" + ", ".join(f"%{p.name}" for p in g) + ")" for g in groups)
        types = ", ".join(p.type for p in first)
        self.lines.append(f"{', '.join(results)} = attn.merge {kind} {operands} : {types} -> "
                          f"{', '.join(result_types)}")
        return (out, lse) if kind == "lse" else out

    @staticmethod
    def _joint_shape(kind, parts):
        """The shape that merge branches' `parts` (one position of each
        branch) share: each size that one of them fixes (all that fix it the
        same), else the first branch's open size."""
        first = parts[0]
        for number, part in enumerate(parts[1:], start=2):
            if part.dtype != first.dtype or len(part.shape) != len(first.shape):
                raise AttnError(f"merge {kind}: branch {number} has {part.type}, but "
                                f"branch 1 has {first.type}")
        joint = []
        for axis, sizes in enumerate(zip(*(part.shape for part in parts))):
            fixed = [(number, size) for number, size in enumerate(sizes, start=1)
                     if not isinstance(size, OpenSize)]
            for number, size in fixed[1:]:
                if size != fixed[0][1]:
                    raise AttnError(f"merge {kind}: branch {number} has {parts[number - 1].type}, "
                                    f"but branch {fixed[0][0]} has "
                                    f"{parts[fixed[0][0] - 1].type}")
            joint.append(fixed[0][1] if fixed else sizes[0])
        return tuple(joint)

    def output(self, *values):
        for value in values:
            self.outputs.append(self._check(value, "output"))

    def __str__(self):
        if not self.outputs:
            raise AttnError(f"program '{self.name}' has no output (Program.output)")
        args = ", ".join(f"%{v.name}: {v.type}" for v in self.inputs)
        results = ", ".join(v.type for v in self.outputs)
        body = [f"  {line}" for line in self._constants + self.lines]
        body.append(f"  return {', '.join('%' + v.name for v in self.outputs)} : {results}")
        return (f"func.func @{self.name}({args}) -> ({results}) {{\n" + "\n".join(body) + "\n}\n")

    def module(self):
        """The program parsed and verified by MLIR (raises AttnError with the
        diagnostics otherwise)."""
        from ._capi import Module
        return Module(str(self))

    def lower(self, pipeline):
        """The IR after a textual pass pipeline, e.g.
        "builtin.module(attn-plan-tiles, attn-tile-attention)"."""
        module = self.module()
        module.run_pipeline(pipeline)
        return str(module)
