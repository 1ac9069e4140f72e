"""Runs every program in examples/ at the edge lengths it is given
through the flash path, against the double-precision reference.

usage: edge_shapes.py ATTN-RUN EXAMPLES-DIR SEED LENGTH...
(bench/gpu/examples.py imports `resize` for the GPU's run of the same
shapes.)

An example's sequence length L0 is the largest length (dimension 2) of its
rank-4 tensors; every length derived from it by a stride or block size of
the program (compressed keys, query blocks, block layouts: L0 / S) becomes
ceil(L / S), and L0 itself becomes L. Decode shapes keep their one query
(Lq = 1 against a cache of L: Lq != Lkv). A 2-D neighbourhood's grid becomes
the most nearly square rows x columns = L (1 x L for a prime L).
"""
import math
import pathlib
import re
import subprocess
import sys
import tempfile

TYPE = re.compile(r"tensor<((?:\d+x)+)(\w+)>")
STRIDES = re.compile(r"(?:stride|block_q|block_kv)(?: =)? (\d+)")


def resize(text, length):
    dims = [[int(d) for d in m.group(1).split("x")[:-1]] for m in TYPE.finditer(text)]
    base = max(d[2] for d in dims if len(d) == 4)
    head_dim = next(d[3] for d in dims if len(d) == 4 and d[2] == base)
    derived = {base: length}
    for stride in sorted({int(s) for s in STRIDES.findall(text)}):
        if stride > 1 and base % stride == 0:
            derived.setdefault(base // stride, math.ceil(length / stride))

    def new_type(match):
        shape = [int(d) for d in match.group(1).split("x")[:-1]]
        if len(shape) in (3, 4) and shape[2] in derived:
            shape[2] = derived[shape[2]]
        if len(shape) == 4 and shape[3] in derived and shape[3] != head_dim:
            shape[3] = derived[shape[3]]
        if len(shape) == 2 and shape[1] == base:
            shape[1] = length
        return "tensor<" + "".join(f"{d}x" for d in shape) + match.group(2) + ">"

    rows = max((r for r in range(1, math.isqrt(length) + 1) if length % r == 0), default=1)
    text = re.sub(r"grid = \[\d+, \d+\]", f"grid = [{rows}, {length // rows}]", text)
    return TYPE.sub(new_type, text)


def any_length(text):
    """`text` with the sizes that resize() changes (the sequence length L0
    and the lengths derived from it) left open (`?`): the program compiled
    once for every length. None for a neighbourhood, whose grid fixes the
    length."""
    if re.search(r"grid = \[", text):
        return None
    dims = [[int(d) for d in m.group(1).split("x")[:-1]] for m in TYPE.finditer(text)]
    base = max(d[2] for d in dims if len(d) == 4)
    head_dim = next(d[3] for d in dims if len(d) == 4 and d[2] == base)
    derived = {base}
    for stride in sorted({int(s) for s in STRIDES.findall(text)}):
        if stride > 1 and base % stride == 0:
            derived.add(base // stride)

    def open_type(match):
        shape = [str(d) for d in match.group(1).split("x")[:-1]]
        if len(shape) in (3, 4) and int(shape[2]) in derived:
            shape[2] = "?"
        if len(shape) == 4 and int(shape[3]) in derived and int(shape[3]) != head_dim:
            shape[3] = "?"
        if len(shape) == 2 and int(shape[1]) == base:
            shape[1] = "?"
        return "tensor<" + "".join(f"{d}x" for d in shape) + match.group(2) + ">"
    return with_size_queries(text, lambda line: TYPE.sub(open_type, line))


def with_size_queries(text, open_line):
    """The lines of `text` through `open_line` (which leaves sizes open in
    their types), where a splat constant or a tensor.generate of a type
    with open sizes becomes a tensor.splat or a generate that takes them:
    each is asked for (tensor.dim) of a function argument, or of an earlier
    single-result op, whose type had the same static size."""
    opened_type = re.compile(r"tensor<((?:(?:\d+|\?)x)+)(\w+)>")
    lines = text.splitlines()
    out, sources, fresh = [], {}, iter(range(1 << 30))

    def remember(name, original, opened):
        """`name`'s open sizes, by their static sizes in `original`."""
        old = TYPE.search(original)
        new = opened_type.search(opened)
        if not old or not new:
            return
        for dim, (a, b) in enumerate(zip(old.group(1).split("x")[:-1],
                                         new.group(1).split("x")[:-1])):
            if b == "?":
                sources.setdefault(int(a), (name, new.group(0), dim))

    def queries(original_type, indent):
        """tensor.dim lines for the open sizes of `original_type`: the
        lines and the values, in order."""
        old = original_type.group(1).split("x")[:-1]
        new = opened_type.search(open_line(original_type.group(0))).group(1)
        lines, values = [], []
        for a, b in zip(old, new.split("x")[:-1]):
            if b != "?":
                continue
            if int(a) not in sources:
                raise ValueError(f"no argument or earlier op result has a size {a} "
                                 f"to ask for ({original_type.group(0)})")
            name, type_, dim = sources[int(a)]
            n = next(fresh)
            lines += [f"{indent}%attn_c{n} = arith.constant {dim} : index",
                      f"{indent}%attn_d{n} = tensor.dim {name}, %attn_c{n} : {type_}"]
            values.append(f"%attn_d{n}")
        return lines, values

    signature = False
    for index, line in enumerate(lines):
        opened = open_line(line)
        indent = re.match(r"\s*", line).group(0)
        if "func.func" in line:
            # A function's sizes are asked of its own values only.
            signature, sources = True, {}
        if signature:
            for name, type_ in re.findall(r"(%\w+): (tensor<[^>]*>)", line):
                remember(name, type_, open_line(type_))
            signature = not line.rstrip().endswith("{")
            out.append(opened)
            continue
        splat = re.match(r"(\s*)(%\w+) = arith\.constant dense<([^>\]\[]+)> : (tensor<[^>]*>)", line)
        if splat and "?" in open_line(splat.group(4)):
            found = TYPE.search(splat.group(4))
            extra, values = queries(found, indent)
            n = next(fresh)
            out += extra + [
                f"{indent}%attn_s{n} = arith.constant {splat.group(3)} : {found.group(2)}",
                f"{indent}{splat.group(2)} = tensor.splat %attn_s{n}[{', '.join(values)}]"
                f" : {open_line(splat.group(4))}"]
            continue
        generate = re.match(r"(\s*)(%\w+) = tensor\.generate \{", line)
        if generate:
            end = next(l for l in lines[index:] if re.match(rf"{indent}\}} : tensor<", l))
            found = TYPE.search(end)
            if "?" in open_line(found.group(0)):
                extra, values = queries(found, indent)
                out += extra + [opened.replace("tensor.generate {",
                                               f"tensor.generate {', '.join(values)} {{")]
                continue
        # An op of one result: its type's open sizes can be asked of it.
        single = re.match(r"\s*(%\w+) = (attn\.\w+)", line)
        if single:
            statement = " ".join(lines[index:index + 6])
            arrow = statement.split("->", 1)
            if len(arrow) == 2:
                remember(single.group(1), arrow[1], open_line(arrow[1]))
        out.append(opened)
    return "\n".join(out) + "\n"


def passes(command, label):
    """Whether attn-run `command` passes its check; else prints `label` and
    the run's last line."""
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode == 0 and "check=PASS" in run.stdout:
        return True
    detail = (run.stderr.strip() or run.stdout.strip()).splitlines()
    print(f"{label}: {detail[-1] if detail else 'no output'}")
    return False


def main():
    attn_run, examples_dir, seed = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    lengths = [int(n) for n in sys.argv[4:]]
    failures = checked = 0
    with tempfile.TemporaryDirectory() as work:
        for example in sorted(examples_dir.glob("*.mlir")):
            for length in lengths:
                path = pathlib.Path(work) / f"{example.stem}_{length}.mlir"
                path.write_text(resize(example.read_text(), length))
                checked += 1
                failures += not passes([attn_run, str(path), "--check", "--path=flash",
                                        f"--seed={seed}"], f"{example.stem} at L = {length}")
    print(f"checked {checked} programs, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
