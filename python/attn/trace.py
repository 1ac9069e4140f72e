"""Tracing of Python score_mod / mask_mod functions into the regions of
attn.attention: the function runs once on symbolic values and every
operation on them becomes a line of MLIR (arith, math, tensor.extract).
Python control flow on traced values cannot be recorded and is refused."""
import numbers

from ._text import _F32_MAX, f32_literal
from .errors import AttnError

_F32, _INDEX, _I1 = "f32", "index", "i1"


class Tracer:
    def __init__(self, program, what):
        self.program = program  # owns constants emitted before the op
        self.what = what
        self.lines = []
        self.count = 0

    def fresh(self):
        # (A '.' that the program's own names cannot hold.)
        self.count += 1
        return f"%{self.what[0]}.{self.count}"

    def emit(self, text, type_):
        name = self.fresh()
        self.lines.append(f"{name} = {text}")
        return Sym(self, name, type_)

    def constant(self, value, type_):
        if type_ == _F32:
            return self.emit(f"arith.constant {f32_literal(value)} : f32", _F32)
        if type_ == _I1:
            return self.emit(f"arith.constant {'true' if value else 'false'}", _I1)
        return self.emit(f"arith.constant {int(value)} : index", _INDEX)

    def to_f32(self, sym):
        if sym.type == _F32:
            return sym
        if sym.type != _INDEX:
            raise AttnError(f"{self.what}: a boolean is not a number; use attn.where")
        wide = self.emit(f"arith.index_cast {sym.name} : index to i64", "i64")
        return self.emit(f"arith.sitofp {wide.name} : i64 to f32", _F32)

    def lift(self, value, like):
        if isinstance(value, Sym):
            if value.tracer is not self:
                raise AttnError(f"{self.what}: a value traced by another function is used here")
            return value
        if isinstance(value, bool):
            return self.constant(value, _I1)
        if isinstance(value, numbers.Integral):
            return self.constant(value, _INDEX if like == _INDEX else _F32)
        if isinstance(value, numbers.Real):
            return self.constant(value, _F32)
        raise AttnError(f"{self.what}: cannot trace a {type(value).__name__} ({value!r}); "
                        "use numbers, traced values and attn.table")

    def unify(self, a, b):
        """Both operands as one type: index if both are, else f32."""
        like = a.type if isinstance(a, Sym) else (b.type if isinstance(b, Sym) else _F32)
        a, b = self.lift(a, like), self.lift(b, like)
        if a.type == b.type:
            return a, b
        return self.to_f32(a), self.to_f32(b)


class Sym:
    """A traced value: f32 (the score), index (batch, head, query, key) or
    i1 (a comparison). An argument knows its range [0, bound)."""

    def __init__(self, tracer, name, type_, bound=None):
        self.tracer, self.name, self.type, self.bound = tracer, name, type_, bound

    def _binary(self, other, float_op, index_op, reverse=False):
        t = self.tracer
        a, b = t.unify(other, self) if reverse else t.unify(self, other)
        if a.type == _I1:
            raise AttnError(f"{t.what}: arithmetic on a boolean; use attn.where")
        op = float_op if a.type == _F32 else index_op
        if op is None:
            a, b = t.to_f32(a), t.to_f32(b)
            op = float_op
        return t.emit(f"{op} {a.name}, {b.name} : {a.type}", a.type)

    def __add__(self, o): return self._binary(o, "arith.addf", "arith.addi")
    def __radd__(self, o): return self._binary(o, "arith.addf", "arith.addi", True)
    def __sub__(self, o): return self._binary(o, "arith.subf", "arith.subi")
    def __rsub__(self, o): return self._binary(o, "arith.subf", "arith.subi", True)
    def __mul__(self, o): return self._binary(o, "arith.mulf", "arith.muli")
    def __rmul__(self, o): return self._binary(o, "arith.mulf", "arith.muli", True)
    def __truediv__(self, o): return self._binary(o, "arith.divf", None)
    def __rtruediv__(self, o): return self._binary(o, "arith.divf", None, True)

    def _indices(self, other, reverse, symbol):
        """Both operands of // or % as indices; a constant divisor is not 0."""
        t = self.tracer
        divisor = self if reverse else other
        if not isinstance(divisor, Sym) and divisor == 0:
            raise AttnError(f"{t.what}: {symbol} by zero")
        a, b = t.unify(other, self) if reverse else t.unify(self, other)
        if a.type != _INDEX:
            raise AttnError(f"{t.what}: {symbol} is for indices")
        return a, b

    def _floordiv(self, other, reverse=False):
        a, b = self._indices(other, reverse, "//")
        return self.tracer.emit(f"arith.floordivsi {a.name}, {b.name} : index", _INDEX)

    def _mod(self, other, reverse=False):
        # Python's %: the remainder takes the divisor's sign (remsi takes the
        # dividend's), so a nonzero remainder of the other sign moves by b.
        t = self.tracer
        a, b = self._indices(other, reverse, "%")
        r = t.emit(f"arith.remsi {a.name}, {b.name} : index", _INDEX)
        zero = t.constant(0, _INDEX)
        nonzero = t.emit(f"arith.cmpi ne, {r.name}, {zero.name} : index", _I1)
        r_negative = t.emit(f"arith.cmpi slt, {r.name}, {zero.name} : index", _I1)
        b_negative = t.emit(f"arith.cmpi slt, {b.name}, {zero.name} : index", _I1)
        signs = t.emit(f"arith.xori {r_negative.name}, {b_negative.name} : i1", _I1)
        moves = t.emit(f"arith.andi {nonzero.name}, {signs.name} : i1", _I1)
        moved = t.emit(f"arith.addi {r.name}, {b.name} : index", _INDEX)
        return t.emit(f"arith.select {moves.name}, {moved.name}, {r.name} : index", _INDEX)

    def __floordiv__(self, o): return self._floordiv(o)
    def __rfloordiv__(self, o): return self._floordiv(o, True)
    def __mod__(self, o): return self._mod(o)
    def __rmod__(self, o): return self._mod(o, True)

    def __neg__(self):
        if self.type == _F32:
            return self.tracer.emit(f"arith.negf {self.name} : f32", _F32)
        return 0 - self

    def _compare(self, other, predicate):
        t = self.tracer
        a, b = t.unify(self, other)
        if a.type == _F32:
            fp = {"lt": "olt", "le": "ole", "gt": "ogt", "ge": "oge", "eq": "oeq", "ne": "une"}
            return t.emit(f"arith.cmpf {fp[predicate]}, {a.name}, {b.name} : f32", _I1)
        # Booleans order as Python's False < True: unsigned (signed, an i1
        # true is -1 and the order inverts).
        order = "u" if a.type == _I1 else "s"
        integer = {"lt": order + "lt", "le": order + "le", "gt": order + "gt",
                   "ge": order + "ge", "eq": "eq", "ne": "ne"}
        return t.emit(f"arith.cmpi {integer[predicate]}, {a.name}, {b.name} : {a.type}", _I1)

    def __lt__(self, o): return self._compare(o, "lt")
    def __le__(self, o): return self._compare(o, "le")
    def __gt__(self, o): return self._compare(o, "gt")
    def __ge__(self, o): return self._compare(o, "ge")
    def __eq__(self, o): return self._compare(o, "eq")
    def __ne__(self, o): return self._compare(o, "ne")
    __hash__ = None

    def _logical(self, other, op):
        t = self.tracer
        b = t.lift(other, _I1)
        if self.type != _I1 or b.type != _I1:
            raise AttnError(f"{t.what}: &, | and ~ combine comparisons (booleans)")
        return t.emit(f"{op} {self.name}, {b.name} : i1", _I1)

    def __and__(self, o): return self._logical(o, "arith.andi")
    def __rand__(self, o): return self._logical(o, "arith.andi")
    def __or__(self, o): return self._logical(o, "arith.ori")
    def __ror__(self, o): return self._logical(o, "arith.ori")

    def __invert__(self):
        if self.type != _I1:
            raise AttnError(f"{self.tracer.what}: ~ negates a comparison")
        return self._logical(True, "arith.xori")

    def __bool__(self):
        raise AttnError(f"{self.tracer.what}: Python control flow (if, and, or, not, while) "
                        "on a traced value cannot be traced; use attn.where and &, |, ~")

    def __index__(self):
        raise AttnError(f"{self.tracer.what}: a traced value cannot index a Python or NumPy "
                        "sequence; wrap the data in attn.table(...)")

    def __float__(self):
        raise AttnError(f"{self.tracer.what}: a traced value is not a Python number (math.* "
                        "and float() cannot take it); use attn.exp, attn.log, attn.tanh, "
                        "attn.sqrt, attn.abs, attn.where, ...")

    __int__ = __float__

    def __array__(self, *args, **kwargs):
        raise AttnError(f"{self.tracer.what}: NumPy cannot operate on a traced value; use "
                        "attn.exp, attn.tanh, attn.where, ... for functions and "
                        "attn.table(array)[index] for lookups")


def _unary(name, op):
    def function(x):
        if not isinstance(x, Sym):
            raise AttnError(f"attn.{name} takes a traced value inside score_mod/mask_mod")
        y = x.tracer.to_f32(x)
        return x.tracer.emit(f"{op} {y.name} : f32", _F32)
    function.__name__ = name
    function.__doc__ = f"{op} of a traced value (inside score_mod)."
    return function


exp = _unary("exp", "math.exp")
log = _unary("log", "math.log")
tanh = _unary("tanh", "math.tanh")
sqrt = _unary("sqrt", "math.sqrt")
abs = _unary("abs", "math.absf")


def where(condition, if_true, if_false):
    """arith.select: `if_true` where the traced comparison holds."""
    if not isinstance(condition, Sym) or condition.type != _I1:
        raise AttnError("attn.where takes a traced comparison first")
    t = condition.tracer
    a, b = t.unify(if_true, if_false)
    return t.emit(f"arith.select {condition.name}, {a.name}, {b.name} : {a.type}", a.type)


def _tracer_of(name, a, b):
    if isinstance(a, Sym):
        return a.tracer
    if isinstance(b, Sym):
        return b.tracer
    raise AttnError(f"attn.{name} takes a traced value inside score_mod/mask_mod")


def maximum(a, b):
    t = _tracer_of("maximum", a, b)
    a, b = t.unify(a, b)
    # (Booleans unsigned: maximum is `or`, as max(False, True) is True.)
    op = ("arith.maximumf" if a.type == _F32
          else "arith.maxui" if a.type == _I1 else "arith.maxsi")
    return t.emit(f"{op} {a.name}, {b.name} : {a.type}", a.type)


def minimum(a, b):
    t = _tracer_of("minimum", a, b)
    a, b = t.unify(a, b)
    op = ("arith.minimumf" if a.type == _F32
          else "arith.minui" if a.type == _I1 else "arith.minsi")
    return t.emit(f"{op} {a.name}, {b.name} : {a.type}", a.type)


class Table:
    """Constant data that a traced function indexes with traced indices:
    attn.table(numpy_array)[h] or [h, q]. It becomes a dense constant of the
    program (f32 for floating data, i1 for booleans)."""

    def __init__(self, values):
        import numpy as np
        try:
            array = np.asarray(values)
        except ValueError as error:  # rows of different lengths
            raise AttnError(f"attn.table: give a rectangular array ({error})") from None
        if array.dtype == np.bool_:
            self.array, self.element = array, _I1
        elif np.iscomplexobj(array):
            raise AttnError(f"attn.table: real numbers or booleans, not {array.dtype}")
        elif np.issubdtype(array.dtype, np.number):
            wide = np.abs(array[np.isfinite(array)].astype(np.float64)) > _F32_MAX
            if wide.any():
                raise AttnError("attn.table: a finite value past f32's range "
                                f"(largest {_F32_MAX!r}) would become an infinity")
            self.array, self.element = array.astype(np.float32), _F32
        else:
            raise AttnError(f"attn.table: numbers or booleans, not {array.dtype}")
        if array.ndim == 0 or array.size == 0:
            raise AttnError(f"attn.table: give a non-empty array with at least one "
                            f"dimension, got shape {array.shape}")

    def __getitem__(self, index):
        index = index if isinstance(index, tuple) else (index,)
        if len(index) != self.array.ndim:
            raise AttnError(f"attn.table: {self.array.ndim} indices needed, got {len(index)}")
        tracer = next((i.tracer for i in index if isinstance(i, Sym)), None)
        if tracer is None:
            value = self.array[tuple(int(i) for i in index)]
            return bool(value) if self.element == _I1 else float(value)
        names = _index_names(tracer, index, self.array.shape, "attn.table")
        constant = tracer.program._table(self)
        shape = "x".join(str(s) for s in self.array.shape)
        return tracer.emit(f"tensor.extract {constant}[{', '.join(names)}] : "
                           f"tensor<{shape}x{self.element}>", self.element)


def _index_names(tracer, index, shape, read):
    """The names of a table read's indices (traced, or integers checked
    against their axes, negative ones Python's). Where an axis or an
    argument's range is an open size, known only at a call, the program
    keeps the check for its callables (Program.read_bounds: `read` names
    what is read)."""
    names = []
    for axis, (i, size) in enumerate(zip(index, shape)):
        if isinstance(i, Sym):
            # An argument indexes within its range; indices computed from
            # it are the function's to keep in range (a read outside the
            # table is undefined, as docs/Integration.md says).
            if i.bound is not None:
                if isinstance(i.bound, int) and isinstance(size, int):
                    if i.bound > size:
                        raise AttnError(f"{tracer.what}: table axis {axis} has {size} "
                                        f"entries, but its index runs to {i.bound - 1}")
                else:
                    tracer.program.read_bounds.append((tracer.what, read, axis, size, i.bound))
        elif isinstance(i, numbers.Integral) and not isinstance(i, bool):
            if not isinstance(size, int):
                # (An open axis: a negative index cannot count from an end
                # that no one knows yet.)
                if i < 0:
                    raise AttnError(f"{tracer.what}: index {i} of '{read}' counts from the "
                                    f"end of axis {axis}, whose size is open")
                tracer.program.read_bounds.append((tracer.what, read, axis, size, i + 1))
            else:
                if not -size <= i < size:
                    raise AttnError(f"{tracer.what}: table index {i} is outside axis {axis} "
                                    f"of {size} entries")
                i = i % size  # Python's negative indices
        i = tracer.lift(i, _INDEX)
        if i.type != _INDEX:
            raise AttnError(f"{tracer.what}: table indices must be indices, not {i.type}")
        names.append(i.name)
    return names


# A program tensor's elements as traced values: floats as f32, i32 as an
# index, i1 as a boolean.
_ELEMENT_READS = {"f32": (_F32, None), "f16": (_F32, "arith.extf {} : f16 to f32"),
                  "bf16": (_F32, "arith.extf {} : bf16 to f32"),
                  "i32": (_INDEX, "arith.index_cast {} : i32 to index"), "i1": (_I1, None)}


def read_element(value, index):
    """value[index] inside a traced function: a tensor of the program (an
    input, or an earlier op's result) read at traced indices, with the data
    of each call (the GPU kernel takes it as an argument)."""
    index = index if isinstance(index, tuple) else (index,)
    if len(index) != len(value.shape):
        raise AttnError(f"'{value.name}' has {len(value.shape)} dimensions: "
                        f"{len(value.shape)} indices needed, got {len(index)}")
    tracer = next((i.tracer for i in index if isinstance(i, Sym)), None)
    if tracer is None:
        raise AttnError(f"'{value.name}' is a tensor of the program: index it inside a traced "
                        "score_mod or mask_mod, with indices computed from its arguments")
    if tracer.program is not value.program:
        raise AttnError(f"{tracer.what}: '{value.name}' belongs to another program")
    if 0 in value.shape:
        raise AttnError(f"{tracer.what}: '{value.name}' has no elements to read")
    names = _index_names(tracer, index, value.shape, value.name)
    element = tracer.emit(f"tensor.extract %{value.name}[{', '.join(names)}] : {value.type}",
                          value.dtype)
    traced_type, conversion = _ELEMENT_READS[value.dtype]
    if conversion is None:
        element.type = traced_type
        return element
    return tracer.emit(conversion.format(element.name), traced_type)


def trace(function, program, what, argument_types, result_type, ranges=None):
    """Runs `function` on symbolic arguments (index arguments in [0, range)
    where `ranges` gives one); returns the region's text."""
    tracer = Tracer(program, what)
    names = [f"%{what[0]}.arg{i}" for i in range(len(argument_types))]
    ranges = ranges or [None] * len(argument_types)
    args = [Sym(tracer, n, t, r) for n, t, r in zip(names, argument_types, ranges)]
    try:
        result = function(*args)
    except AttnError:
        raise
    except Exception as error:  # anything Python raised on a traced value
        raise AttnError(f"{what} cannot be traced: {type(error).__name__}: {error}. Traced "
                        "functions may use + - * / // %, comparisons, &, |, ~, attn.where, "
                        "attn.exp/log/tanh/sqrt/abs, attn.maximum/minimum and attn.table "
                        "lookups") from None
    if result is None:
        raise AttnError(f"{what} returned nothing")
    result = tracer.lift(result, result_type)
    if result.type == _INDEX and result_type == _F32:
        result = tracer.to_f32(result)
    if result.type != result_type:
        raise AttnError(f"{what} must return {'a score (f32)' if result_type == _F32 else 'a boolean'}"
                        f", not {result.type}")
    block = ", ".join(f"{n}: {t}" for n, t in zip(names, argument_types))
    body = "\n".join("    " + line for line in tracer.lines)
    return (f"{what} {{\n  ^bb0({block}):\n{body}\n    attn.yield {result.name} : {result.type}\n  }}")
