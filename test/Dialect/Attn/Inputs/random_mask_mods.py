"""Random mask_mod regions for attn-print-block-map's check-mask-mod:

  random_mask_mods.py --seed S --count N

prints N functions, each an attention over Lq = 20 and Lkv = 36 whose
mask_mod is a random integer expression of (b, h, i, j): sums, products,
divisions and remainders by positive constants, min/max, selects, casts
through i32 and i1, compares of every predicate (signed and unsigned, over
negative values too) and and/or/xor. The pass folds each region at every
pair and checks the tile classes that MaskModTiles gives against it."""
import argparse
import random

PREDICATES = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]


class Region:
    def __init__(self, rng):
        self.rng = rng
        self.lines = []
        self.count = 0

    def emit(self, text):
        name = f"%v{self.count}"
        self.count += 1
        self.lines.append(f"    {name} = {text}")
        return name

    def constant(self, value, type_="index"):
        if type_ == "i1":
            return self.emit(f"arith.constant {value}")
        return self.emit(f"arith.constant {value} : {type_}")

    def integer(self, depth):
        r = self.rng
        if depth == 0 or r.random() < 0.25:
            choice = r.random()
            if choice < 0.35:
                return "%i"
            if choice < 0.7:
                return "%j"
            if choice < 0.75:
                return r.choice(["%b", "%h"])
            return self.constant(r.randint(-40, 80))
        kind = r.choice(["add", "sub", "sub", "mul", "div", "rem", "minmax",
                         "select", "i32", "bool"])
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
        if depth == 0 or r.random() < 0.6:
            if r.random() < 0.05:
                return self.constant(r.choice(["true", "false"]), "i1")
            a, b = self.integer(depth), self.integer(depth)
            return self.emit(f"arith.cmpi {r.choice(PREDICATES)}, {a}, {b} : index")
        op = r.choice(["andi", "ori", "xori"])
        a, b = self.boolean(depth - 1), self.boolean(depth - 1)
        return self.emit(f"arith.{op} {a}, {b} : i1")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    q, k = "tensor<1x1x20x8xf32>", "tensor<1x1x36x8xf32>"
    for n in range(args.count):
        region = Region(rng)
        allowed = region.boolean(3)
        body = "\n".join(region.lines)
        print(f"func.func @f{n}(%q: {q}, %k: {k}) -> {q} {{\n"
              f"  %o = attn.attention %q, %k, %k mask_mod {{\n"
              f"  ^bb0(%b: index, %h: index, %i: index, %j: index):\n{body}\n"
              f"    attn.yield {allowed} : i1\n"
              f"  }} : {q}, {k}, {k} -> {q}\n  return %o : {q}\n}}\n")


if __name__ == "__main__":
    main()
