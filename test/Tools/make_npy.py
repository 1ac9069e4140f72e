USAGE = """Writes a .npy file without NumPy: make_npy.py OUT DESCR SHAPE [--truncate]
[--random=SEED | --values=V,V,...]

DESCR is a NumPy dtype string (<f4, <f2, <i4, |b1, ...), SHAPE like 2x3.
Values are 0.5 * (index % 7) - 1, or with --random=SEED floats ~ N(0, 1)
(a seeded generator: a test's lit seed gives fresh data per run), or with
--values the given ones (one per element).
--truncate drops the last data byte.
"""
import random
import struct
import sys

if "--help" in sys.argv[1:] or "-h" in sys.argv[1:]:
    print(USAGE)
    sys.exit(0)
if len(sys.argv) < 4:
    sys.exit("usage: " + USAGE.split("\n\n")[0])
out, descr, shape_text = sys.argv[1:4]
shape = [int(s) for s in shape_text.split("x")] if shape_text else []
count = 1
for s in shape:
    count *= s
header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
    descr, "".join(f"{s}, " for s in shape).rstrip(" ") if len(shape) > 1 else (f"{shape[0]}," if shape else ""))
pad = (64 - (10 + len(header) + 1) % 64) % 64
header = header + " " * pad + "\n"
fmt = {"<f4": "f", "<f2": "e", "<f8": "d", "<i4": "i", "<i8": "q", "|b1": "?"}.get(descr, "f")
values = [0.5 * (i % 7) - 1 for i in range(count)]
if fmt in "iq":
    values = [int(i % 5) for i in range(count)]
if fmt == "?":
    values = [bool(i % 2) for i in range(count)]
seeds = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--random=")]
if seeds and fmt in "efd":
    generator = random.Random(int(seeds[0]))
    values = [generator.gauss(0.0, 1.0) for _ in range(count)]
given = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--values=")]
if given:
    values = [float(v) if fmt in "efd" else int(v) for v in given[0].split(",")]
    assert len(values) == count, "--values needs one value per element"
data = b"".join(struct.pack("<" + fmt, v) for v in values)
if "--truncate" in sys.argv:
    data = data[:-1]
with open(out, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data)
