"""How numbers and names are spelled in the IR the package prints."""
import math
import numbers
import operator
import struct

from .errors import AttnError

_F32_MAX = 3.4028234663852886e38


def float_literal(value, what):
    """A finite number as an MLIR float literal. Python's repr is not one:
    MLIR reads `1e-05` as an integer followed by a name, so the mantissa
    always gets a '.'."""
    # (bool is an int to Python; True as a scale is a slip, not 1.0.)
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise AttnError(f"{what} must be a number, got {value!r}")
    x = float(value)
    # (Finite as the f32 it becomes: 1e39 would print as a literal MLIR
    # rounds to +inf.)
    if not math.isfinite(x) or abs(x) > _F32_MAX:
        raise AttnError(f"{what} must be a finite f32, got {x!r}")
    mantissa, mark, exponent = repr(x).partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + mark + exponent


def f32_literal(value):
    """Any f32 value: a float literal, or the bit pattern of an infinity or
    NaN (0xFF800000 is -inf), which MLIR reads for float types."""
    x = float(value)
    if math.isfinite(x) and abs(x) <= _F32_MAX:
        return float_literal(x, "a constant")
    # (A finite number past f32's range would become an infinity, which
    # makes the score rows that see it NaN: a slip, not a choice. An infinity or
    # NaN written as one stays.)
    if math.isfinite(x):
        raise AttnError(f"a constant {x!r} is past f32's range (largest {_F32_MAX!r}); "
                        "write float('inf') for an infinity")
    return "0x%08X" % struct.unpack("<I", struct.pack("<f", x))[0]


def integer(value, what):
    """An integer parameter: ints and NumPy integers; 2.7 is refused rather
    than truncated."""
    if isinstance(value, bool):
        raise AttnError(f"{what} must be an integer, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise AttnError(f"{what} must be an integer, got {value!r}") from None


def identifier(name, what):
    """A name MLIR and C both take: an ASCII Python identifier."""
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
        raise AttnError(f"{what} must be an ASCII identifier (letters, digits, '_'), "
                        f"got {name!r}")
    return name
