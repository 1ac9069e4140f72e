"""Random mask_mod regions for attn-print-block-map's check-mask-mod:

  random_mask_mods.py --seed S --count N

prints N functions, each an attention over Lq = 20 (with --linear: 20, 36
or 45) and Lkv = 36 whose
mask_mod is a random integer expression of (b, h, i, j): sums, products,
divisions and remainders by positive constants, shifts by constants, min/max, selects, casts
through i32, i16, i8 and i1 (truncations too), ops of two results
(addui_extended, mulsi/mului_extended), compares of every predicate (signed
and unsigned, over negative values too), and/or/xor, and arithmetic,
compares and selects on i1 itself; some constants are defined outside the
region. The pass folds each region at every pair and checks the tile
classes that MaskModTiles gives against it.

With --linear each region is instead mostly ands and ors of compares of
sums and differences of i, j and constants, and of divisions of i or j
by constants (chunks), the forms whose key bounds
lengths known only at run time get (buildMaskModKeyInterval), now and then
with a part of another form (an ne, a product, b or h) that bounds nothing
and leaves no key known allowed; constants may be large, so that some
forms are refused for their size.

With --score-mod each region is instead a score_mod: the score plus a
bounded bias computed from such an integer expression (its unsigned
remainder by a small constant, through i32 to f32, times a power of two),
now and then replaced where a random boolean of (b, h, i, j) fails (by
half the score or by -inf, which disallows the key), now and then soft-
capped by tanh. The integer arithmetic is the point: on the GPU a
score_mod's index arithmetic is narrowed to i32 where that is exact
(attn-narrow-kernel-indices)."""
import argparse
import random

PREDICATES = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]


class Region:
    def __init__(self, rng):
        self.rng = rng
        self.lines = []
        self.outer = []
        self.count = 0

    def fresh(self):
        self.count += 1
        return f"%v{self.count - 1}"

    def emit(self, text):
        name = self.fresh()
        self.lines.append(f"    {name} = {text}")
        return name

    def emit_pair(self, text):
        """An op of two results: their names."""
        name = self.fresh()
        self.lines.append(f"    {name}:2 = {text}")
        return f"{name}#0", f"{name}#1"

    def constant(self, value, type_="index"):
        text = (f"arith.constant {value}" if type_ == "i1"
                else f"arith.constant {value} : {type_}")
        if self.rng.random() < 0.2:
            # Defined in the function, read from inside the region.
            name = self.fresh()
            self.outer.append(f"  {name} = {text}")
            return name
        return self.emit(text)

    def narrow(self, a):
        """`a` through i16 and i8 (truncations that may wrap) and back."""
        r = self.rng
        wide = self.emit(f"arith.index_cast {a} : index to i16")
        if r.random() < 0.5:
            wide = self.emit(f"arith.trunci {wide} : i16 to i8")
            back = self.emit(f"arith.{r.choice(['extsi', 'extui'])} {wide} : i8 to i16")
        else:
            back = wide
        return self.emit(f"arith.{r.choice(['index_cast', 'index_castui'])} "
                         f"{back} : i16 to index")

    def leaf(self, value):
        """i, j, b or h, or a constant drawn by `value()`."""
        r = self.rng
        choice = r.random()
        if choice < 0.35:
            return "%i"
        if choice < 0.7:
            return "%j"
        if choice < 0.75:
            return r.choice(["%b", "%h"])
        return self.constant(value())

    def integer(self, depth):
        r = self.rng
        if depth == 0 or r.random() < 0.25:
            return self.leaf(lambda: r.randint(-40, 80))
        kind = r.choice(["add", "sub", "sub", "mul", "div", "rem", "minmax",
                         "select", "i32", "bool", "narrow", "extended", "shift"])
        if kind == "shift":
            op = r.choice(["shli", "shrsi", "shrui"])
            a = self.integer(depth - 1)
            amount = r.choice([0, 1, 2, 3, 5, 61, 62, 63])
            return self.emit(f"arith.{op} {a}, {self.constant(amount)} : index")
        if kind == "narrow":
            return self.narrow(self.integer(depth - 1))
        if kind == "extended":
            a, b = self.integer(depth - 1), self.integer(depth - 1)
            op = r.choice(["addui_extended", "mulsi_extended", "mului_extended"])
            types = "index, i1" if op == "addui_extended" else "index"
            results = self.emit_pair(f"arith.{op} {a}, {b} : {types}")
            # (addui_extended's second result is its i1 carry.)
            return results[0] if op == "addui_extended" else r.choice(results)
        if kind in ("add", "sub"):
            a, b = self.integer(depth - 1), self.integer(depth - 1)
            return self.emit(f"arith.{kind}i {a}, {b} : index")
        if kind == "mul":
            a = self.integer(depth - 1)
            factor = r.choice([-3, -1, 2, 3, 5, 1 << 62])
            return self.emit(f"arith.muli {a}, {self.constant(factor)} : index")
        if kind == "div":
            op = r.choice(["divui", "divsi", "floordivsi", "ceildivsi", "ceildivui"])
            a = self.integer(depth - 1)
            if op in ("floordivsi", "ceildivsi"):
                # MLIR's folders refuse these of the most negative index
                # (their intermediate negation overflows), so check-mask-mod
                # could not fold the region there: keep the dividend above
                # it (shifts by 61 to 63 and products by 2^62 reach it).
                a = self.emit(f"arith.maxsi {a}, {self.constant(-(1 << 63) + 1)} : index")
            return self.emit(f"arith.{op} {a}, {self.constant(r.randint(1, 20))} : index")
        if kind == "rem":
            op = r.choice(["remui", "remsi"])
            a = self.integer(depth - 1)
            return self.emit(f"arith.{op} {a}, {self.constant(r.randint(1, 20))} : index")
        if kind == "minmax":
            op = r.choice(["minsi", "maxsi", "minui", "maxui"])
            a, b = self.integer(depth - 1), self.integer(depth - 1)
            return self.emit(f"arith.{op} {a}, {b} : index")
        if kind == "select":
            c = self.boolean(depth - 1)
            a, b = self.integer(depth - 1), self.integer(depth - 1)
            return self.emit(f"arith.select {c}, {a}, {b} : index")
        if kind == "i32":
            # Through i32 and back: index_cast sign-extends, index_castui
            # zero-extends (negative values become large).
            a = self.integer(depth - 1)
            narrow = self.emit(f"arith.index_cast {a} : index to i32")
            if r.random() < 0.5:
                narrow = self.emit(f"arith.addi {narrow}, "
                                   f"{self.constant(r.randint(-5, 5), 'i32')} : i32")
            back = r.choice(["index_cast", "index_castui"])
            return self.emit(f"arith.{back} {narrow} : i32 to index")
        # A boolean widened: by zero (0 or 1) or sign (0 or -1).
        c = self.boolean(depth - 1)
        wide = self.emit(f"arith.{r.choice(['extui', 'extsi'])} {c} : i1 to i32")
        return self.emit(f"arith.index_cast {wide} : i32 to index")

    def boolean(self, depth):
        r = self.rng
        if depth == 0 or r.random() < 0.5:
            choice = r.random()
            if choice < 0.05:
                return self.constant(r.choice(["true", "false"]), "i1")
            a, b = self.integer(depth), self.integer(depth)
            if choice < 0.15:
                # The low bit of an integer.
                if r.random() < 0.5:
                    return self.emit(f"arith.index_cast {a} : index to i1")
                wide = self.emit(f"arith.index_cast {a} : index to i32")
                return self.emit(f"arith.trunci {wide} : i32 to i1")
            if choice < 0.2:
                # The carry of a sum.
                return self.emit_pair(f"arith.addui_extended {a}, {b} : index, i1")[1]
            return self.emit(f"arith.cmpi {r.choice(PREDICATES)}, {a}, {b} : index")
        kind = r.random()
        a, b = self.boolean(depth - 1), self.boolean(depth - 1)
        if kind < 0.5:
            op = r.choice(["andi", "ori", "xori"])
        elif kind < 0.7:
            # Arithmetic on i1 (signed ops read true as -1).
            op = r.choice(["addi", "subi", "muli", "minui", "maxui", "minsi",
                           "maxsi"])
        elif kind < 0.85:
            return self.emit(f"arith.cmpi {r.choice(PREDICATES)}, {a}, {b} : i1")
        else:
            c = self.boolean(depth - 1)
            return self.emit(f"arith.select {c}, {a}, {b} : i1")
        return self.emit(f"arith.{op} {a}, {b} : i1")

    def linear(self, depth):
        """A sum or difference of i, j and constants, now and then of
        another form."""
        r = self.rng
        if depth == 0 or r.random() < 0.3:
            # (Now and then a constant too large for the analysis.)
            return self.leaf(lambda: r.choice([(1 << 31) - 3, 1 << 31, (1 << 31) + 1,
                                               -(1 << 31), 1 << 62, -(1 << 63),
                                               (1 << 63) - 1])
                             if r.random() < 0.1 else r.randint(-12, 40))
        a, b = self.linear(depth - 1), self.linear(depth - 1)
        if r.random() < 0.1:
            return self.emit(f"arith.muli {a}, {self.constant(r.choice([2, 3]))} : index")
        return self.emit(f"arith.{r.choice(['addi', 'subi'])} {a}, {b} : index")

    def floor(self):
        """A division of i or j plus a constant by a constant (chunks),
        now and then of a form the analysis does not take."""
        r = self.rng
        x = r.choice(["%i", "%j", "%i", "%j", "%b"])
        if r.random() < 0.6:
            x = self.emit(f"arith.addi {x}, {self.constant(r.randint(-6, 12))} : index")
        op = r.choice(["floordivsi", "floordivsi", "divui", "divsi", "ceildivsi"])
        divisor = r.choice([1, 2, 3, 5, 8, 16, 0 if r.random() < 0.05 else 7, -3])
        if divisor == 0:
            divisor = 1  # (a division by 0 is undefined: not drawn)
        return self.emit(f"arith.{op} {x}, {self.constant(divisor)} : index")

    def conjunction(self):
        """Ands and ors of one to four compares of linear forms."""
        r = self.rng
        terms = []
        for _ in range(r.randint(1, 4)):
            # (Shallow forms half the time: bands, prefixes, diagonals.)
            depth = r.choice([1, 2])
            if r.random() < 0.3:
                # Chunks: i / C against j / C, or a division against a form.
                a = self.floor()
                b = self.floor() if r.random() < 0.6 else self.linear(depth)
                a, b = (a, b) if r.random() < 0.5 else (b, a)
            else:
                a, b = self.linear(depth), self.linear(depth)
            if r.random() < 0.08:
                terms.append(self.boolean(1))
            else:
                terms.append(self.emit(f"arith.cmpi {r.choice(PREDICATES)}, {a}, {b} : index"))
        if r.random() < 0.08:
            terms.append(self.constant(r.choice(["true", "false"]), "i1"))
        while len(terms) > 1:
            a, b = terms.pop(r.randrange(len(terms))), terms.pop(r.randrange(len(terms)))
            op = "andi" if r.random() < 0.7 else "ori"
            terms.append(self.emit(f"arith.{op} {a}, {b} : i1"))
        return terms[0]


def score_mod(region):
    """A score_mod body over %s; its result's name."""
    r = region.rng
    expression = region.integer(3)
    bounded = region.emit(f"arith.remui {expression}, "
                          f"{region.constant(r.choice([7, 31, 97]))} : index")
    narrow = region.emit(f"arith.index_cast {bounded} : index to i32")
    bias = region.emit(f"arith.sitofp {narrow} : i32 to f32")
    step = region.constant(r.choice(["0.03125", "-0.0625", "0.125"]), "f32")
    scaled = region.emit(f"arith.mulf {bias}, {step} : f32")
    score = region.emit(f"arith.addf %s, {scaled} : f32")
    if r.random() < 0.5:
        keep = region.boolean(2)
        if r.random() < 0.5:
            other = region.constant("0xFF800000", "f32")
        else:
            other = region.emit(f"arith.mulf {score}, {region.constant('0.5', 'f32')} : f32")
        score = region.emit(f"arith.select {keep}, {score}, {other} : f32")
    if r.random() < 0.3:
        cap = region.constant("8.0", "f32")
        ratio = region.emit(f"arith.divf {score}, {cap} : f32")
        capped = region.emit(f"math.tanh {ratio} : f32")
        score = region.emit(f"arith.mulf {capped}, {cap} : f32")
    return score


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--linear", action="store_true",
                        help="conjunctions of linear compares of i and j")
    parser.add_argument("--score-mod", action="store_true",
                        help="score_mod regions: integer-derived biases")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    q, k = "tensor<1x1x20x8xf32>", "tensor<1x1x36x8xf32>"
    for n in range(args.count):
        if args.linear:
            # Fewer, as many or more queries than keys.
            q = f"tensor<1x1x{rng.choice([20, 36, 45])}x8xf32>"
        region = Region(rng)
        if args.score_mod:
            result = score_mod(region)
            hook, score_arg, yielded = "score_mod", "%s: f32, ", "f32"
        else:
            result = region.conjunction() if args.linear else region.boolean(3)
            hook, score_arg, yielded = "mask_mod", "", "i1"
        body = "\n".join(region.lines)
        outer = "".join(line + "\n" for line in region.outer)
        print(f"func.func @f{n}(%q: {q}, %k: {k}) -> {q} {{\n{outer}"
              f"  %o = attn.attention %q, %k, %k {hook} {{\n"
              f"  ^bb0({score_arg}%b: index, %h: index, %i: index, %j: index):\n{body}\n"
              f"    attn.yield {result} : {yielded}\n"
              f"  }} : {q}, {k}, {k} -> {q}\n  return %o : {q}\n}}\n")


if __name__ == "__main__":
    main()
