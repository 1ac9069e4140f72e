//===- Passes.td - attn dialect passes ---------------------*- tablegen -*-===//

#ifndef ATTN_DIALECT_ATTN_TRANSFORMS_PASSES_TD
#define ATTN_DIALECT_ATTN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttnPrintBlockMapPass : Pass<"attn-print-block-map"> {
  let summary = "Report which tiles of each attention its mask leaves empty, "
                "full or partial";
  let description = [{
    For every `attn.attention` with static sequence lengths, classifies each
    (query tile, key tile) of a `block-q` x `block-kv` tiling: `.` empty
    (never visited), `#` full (visited without evaluating the mask), `+`
    partial (the mask is evaluated per element). Emits a remark on the op
    with the counts, the fraction of tiles inside the per-query-tile key
    ranges (the loop bounds of the flash lowering), and the map itself, one
    line per query tile. Predicates that read operands (documents, block
    layouts, block indices) make their tiles partial here and are flagged:
    their emptiness is decided by a block map built at run time.
  }];
  let options = [
    Option<"blockQ", "block-q", "int64_t", /*default=*/"64",
           "Query rows per tile">,
    Option<"blockKv", "block-kv", "int64_t", /*default=*/"64",
           "Keys per tile">,
  ];
}

#endif // ATTN_DIALECT_ATTN_TRANSFORMS_PASSES_TD
