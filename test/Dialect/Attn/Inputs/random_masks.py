"""Random mask attribute expressions for check_random_regions.py:

  random_masks.py --seed S --count N [--open]

prints N functions, each one f32 attn.attention (B = 1, Hq of 1, 2 or 4
with a Hkv that divides it, Lq and Lkv in 1..96, often equal, now and
then tiny, D of 8 or 16, now and then an LSE result) whose `mask` list
holds 1 to 3 random predicates: atoms of every kind of
docs/Semantics.md's table with valid random parameters, or (up to depth
3) `#attn.and`, `#attn.or` of 2 or 3 and `#attn.not` of one such
predicate. Forms that the canonicaliser folds come often: a predicate
repeated, next to its own negation, negated twice, in an `or` or `and`
with its negation; windows wider than the sequence, a window next to
causal; prefix and global counts of 0 or covering every key; dilation 1;
a neighbourhood covering its grid. Now and then a second attention of
the same operands follows, its mask the first's written otherwise
(reordered, in one `and`, each predicate negated twice, one repeated: the
canonicaliser makes the two one op) or with one parameter off by one.
Documents, block layouts and block
indices read operands (segment ids, a layout, indices) that attn-run
fills at random (ids and indices in [0, 4), layout bits ~ Bernoulli(1/2));
a neighbourhood needs Lq = Lkv = its cells.

With --open the functions suit check_random_regions.py --dynamic (their
lengths made open and run at other shapes): no atom that reads an operand
(whose shape follows the lengths) and no neighbourhood (whose grid fixes
them)."""
import argparse
import random
import re


class Mask:
    def __init__(self, rng, lq, lkv, open_lengths):
        self.rng = rng
        self.lq, self.lkv = lq, lkv
        self.open = open_lengths
        # Predicates made so far that may be used again (repeated, negated):
        # none that reads a block operand, which one predicate at most may.
        self.pool = []
        self.layout = None  # (block_q, block_kv, heads) once used
        self.indices = None  # (block_q, block_kv, slots) once used
        self.segments = False

    def count(self, length):
        """A count or length parameter around `length`: 0, small, inside,
        at the edge, past it, or far past it."""
        r = self.rng
        return r.choice([0, 1, r.randint(0, 4), r.randint(0, length),
                         r.randint(0, length), max(length - 1, 0), length,
                         length + r.randint(1, 8), 4096])

    def atom(self):
        r = self.rng
        lq, lkv = self.lq, self.lkv
        longest = max(lq, lkv)
        kinds = ["causal", "causal", "window", "window", "dilated", "prefix",
                 "chunked", "global", "stripes"]
        if not self.open:
            kinds += ["document"]
            if self.layout is None:
                kinds += ["block_layout"]
            if self.indices is None:
                kinds += ["block_indices"]
            if lq == lkv:
                kinds += ["neighborhood"]
        kind = r.choice(kinds)
        if kind == "causal":
            if r.random() < 0.7:
                return "#attn.causal"
            return f"#attn.causal<stride = {r.randint(2, 4)}>"
        if kind == "window":
            return (f"#attn.window<left = {self.count(lkv)}, "
                    f"right = {self.count(lkv)}>")
        if kind == "dilated":
            window = r.choice([0, 1, r.randint(0, 8), r.randint(0, longest),
                               longest + r.randint(0, 4)])
            return (f"#attn.dilated<window = {window}, "
                    f"dilation = {r.choice([1, 1, 2, 3, r.randint(1, 8)])}>")
        if kind == "prefix":
            return f"#attn.prefix<len = {self.count(lkv)}>"
        if kind == "global":
            return f"#attn.global<count = {self.count(r.choice([lq, lkv]))}>"
        if kind == "chunked":
            size = r.choice([1, r.randint(1, 8), r.randint(1, longest),
                             longest + r.randint(0, 8)])
            return f"#attn.chunked<size = {size}>"
        if kind == "stripes":
            diagonals = sorted({r.randint(-lq - 2, lkv + 2)
                                for _ in range(r.randint(0, 3))})
            columns = sorted({r.randint(0, lkv + 2)
                              for _ in range(r.randint(0 if diagonals else 1, 2))})
            parts = []
            if diagonals:
                parts.append(f"diagonals = [{', '.join(map(str, diagonals))}]")
            if columns:
                parts.append(f"columns = [{', '.join(map(str, columns))}]")
            return f"#attn.stripes<{', '.join(parts)}>"
        if kind == "neighborhood":
            # A random factorisation of the length into 1 to 3 axes.
            grid, rest = [], lq
            for _ in range(r.randint(0, 2)):
                divisors = [d for d in range(1, rest + 1) if rest % d == 0]
                axis = r.choice(divisors)
                grid.append(axis)
                rest //= axis
            grid.append(rest)
            r.shuffle(grid)
            radius = [r.choice([0, 1, r.randint(0, n), n]) for n in grid]
            dilation = [r.choice([1, 1, 2, r.randint(1, 3)]) for _ in grid]
            return (f"#attn.neighborhood<grid = {grid}, radius = {radius}, "
                    f"dilation = {dilation}>")
        if kind == "document":
            self.segments = True
            return "#attn.document"
        blocks = (r.choice([1, 2, 4, 8, 16, r.randint(1, 40)]),
                  r.choice([1, 4, 8, 16, r.randint(1, 40)]))
        if kind == "block_layout":
            self.layout = blocks + (r.choice([1, "H"]),)
            return (f"#attn.block_layout<block_q = {blocks[0]}, "
                    f"block_kv = {blocks[1]}>")
        self.indices = blocks + (r.randint(1, 4),)
        return (f"#attn.block_indices<block_q = {blocks[0]}, "
                f"block_kv = {blocks[1]}>")

    def reuse(self):
        """An earlier predicate, or a form that folds to or against it."""
        r = self.rng
        p = r.choice(self.pool)
        forms = [
            lambda: p,
            lambda: f"#attn.not<{p}>",
            lambda: f"#attn.not<#attn.not<{p}>>",
            lambda: f"#attn.or<[{p}, #attn.not<{p}>]>",
            lambda: f"#attn.or<[#attn.not<{p}>, {self.predicate(3)}, {p}]>",
            lambda: f"#attn.and<[{p}, #attn.not<{p}>]>",
            lambda: f"#attn.and<[{p}, {p}]>",
        ]
        return r.choice(forms)()

    def predicate(self, depth):
        r = self.rng
        choice = r.random()
        if self.pool and choice < 0.25:
            result = self.reuse()
        elif depth < 3 and choice < 0.55:
            combinator = r.choice(["and", "or", "or", "not"])
            if combinator == "not":
                result = f"#attn.not<{self.predicate(depth + 1)}>"
            else:
                members = [self.predicate(depth + 1)
                           for _ in range(r.randint(2, 3))]
                result = f"#attn.{combinator}<[{', '.join(members)}]>"
        else:
            result = self.atom()
        if "block_" not in result:
            self.pool.append(result)
        return result

    def mask(self):
        r = self.rng
        predicates = [self.predicate(0) for _ in range(r.randint(1, 3))]
        if r.random() < 0.2:
            # A window next to causal (the window's right side folds to 0;
            # not next to a strided causal), in the list or in an and.
            causal = ("#attn.causal" if r.random() < 0.7
                      else f"#attn.causal<stride = {r.randint(2, 4)}>")
            pair = [causal, f"#attn.window<left = {self.count(self.lkv)}, "
                            f"right = {self.count(self.lkv)}>"]
            r.shuffle(pair)
            if r.random() < 0.3:
                pair = [f"#attn.{r.choice(['and', 'or'])}<[{', '.join(pair)}]>"]
                if r.random() < 0.5:
                    pair = [f"#attn.not<{pair[0]}>"]
            predicates += pair
            r.shuffle(predicates)
        return predicates

    def variant(self, predicates):
        """The same mask written otherwise (which canonicalises to the same
        op, which the earlier one's results then replace), or one parameter
        of it off by one (which must not)."""
        r = self.rng
        form = r.randrange(5)
        if form == 0:
            return r.sample(predicates, len(predicates))
        if form == 1:
            return [f"#attn.and<[{', '.join(predicates)}]>"]
        if form == 2:
            return [f"#attn.not<#attn.not<{p}>>" for p in predicates]
        if form == 3 and "block_" not in "".join(predicates):
            return predicates + [r.choice(predicates)]
        # One parameter plus one (every parameter stays valid), except those
        # that fix an operand's or the sequence's size.
        text = ", ".join(predicates)
        if "block_" in text or "neighborhood" in text:
            return predicates
        numbers = list(re.finditer(r"(?<![\w-])\d+", text))
        if not numbers:
            return predicates
        m = r.choice(numbers)
        return [text[:m.start()] + str(int(m.group()) + 1) + text[m.end():]]


def length(rng):
    return rng.randint(1, 4) if rng.random() < 0.2 else rng.randint(1, 96)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--open", action="store_true",
                        help="no atom that fixes or follows the lengths")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for n in range(args.count):
        lq = length(rng)
        lkv = lq if rng.random() < 0.35 else length(rng)
        heads = rng.choice([1, 2, 4])
        kv_heads = rng.choice([h for h in (1, 2, 4) if heads % h == 0])
        dim = rng.choice([8, 16])
        mask = Mask(rng, lq, lkv, args.open)
        predicates = mask.mask()
        q = f"tensor<1x{heads}x{lq}x{dim}xf32>"
        kv = f"tensor<1x{kv_heads}x{lkv}x{dim}xf32>"
        args_, types, operands = [f"%q: {q}", f"%k: {kv}", f"%v: {kv}"], [q, kv, kv], ""
        if mask.segments:
            qs, ks = f"tensor<1x{lq}xi32>", f"tensor<1x{lkv}xi32>"
            args_ += [f"%qs: {qs}", f"%ks: {ks}"]
            types += [qs, ks]
            operands += " segments(%qs, %ks)"
        if mask.layout:
            bq, bk, h = mask.layout
            layout = (f"tensor<1x{heads if h == 'H' else 1}x{-(-lq // bq)}x"
                      f"{-(-lkv // bk)}xi1>")
            args_.append(f"%layout: {layout}")
            types.append(layout)
            operands += " layout(%layout)"
        if mask.indices:
            bq, bk, slots = mask.indices
            indices = f"tensor<1x{kv_heads}x{-(-lq // bq)}x{slots}xi32>"
            args_.append(f"%idx: {indices}")
            types.append(indices)
            operands += " indices(%idx)"
        # Now and then a second attention of the same operands, its mask
        # written otherwise or one parameter off.
        masks = [predicates]
        if rng.random() < 0.2:
            masks.append(mask.variant(predicates))
        ops, all_names, all_types = [], [], []
        for index, predicates in enumerate(masks):
            results = [q]
            if rng.random() < 0.3:
                results.append(f"tensor<1x{heads}x{lq}xf32>")
            names = [f"{name}{index or ''}" for name in ["%o", "%l"]][:len(results)]
            ops.append(f"  {', '.join(names)} = attn.attention %q, %k, %v{operands} "
                       f"mask [{', '.join(predicates)}] : "
                       f"{', '.join(types)} -> {', '.join(results)}\n")
            all_names += names
            all_types += results
        result_types = ", ".join(all_types)
        print(f"func.func @f{n}({', '.join(args_)}) -> ({result_types}) {{\n"
              + "".join(ops) +
              f"  return {', '.join(all_names)} : {result_types}\n}}\n")


if __name__ == "__main__":
    main()
