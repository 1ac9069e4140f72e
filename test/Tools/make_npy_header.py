"""Writes a version-1 .npy file with a given header text and a number of
zero data bytes: make_npy_header.py OUT HEADER DATA_BYTES. For headers
that make_npy.py would not write (malformed ones, other hands' forms)."""
import struct
import sys

out, header, data_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3])
header = header.encode() + b"\n"
with open(out, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + bytes(data_bytes))
