//===- AttnLowerings.h - pattern groups of the reference lowering -*- C++ -*-=//

#ifndef ATTN_LIB_CONVERSION_ATTNTOLINALG_ATTNLOWERINGS_H
#define ATTN_LIB_CONVERSION_ATTNTOLINALG_ATTNLOWERINGS_H

namespace mlir {
class RewritePatternSet;
namespace attn::lowering {

/// attn.attention and attn.block_scores.
void populateAttentionLoweringPatterns(RewritePatternSet &patterns);
/// attn.linear_attention.
void populateLinearAttentionLoweringPatterns(RewritePatternSet &patterns);
/// attn.compress, attn.topk, attn.merge, attn.causal_conv.
void populateTokenOpLoweringPatterns(RewritePatternSet &patterns);

} // namespace attn::lowering
} // namespace mlir

#endif // ATTN_LIB_CONVERSION_ATTNTOLINALG_ATTNLOWERINGS_H
