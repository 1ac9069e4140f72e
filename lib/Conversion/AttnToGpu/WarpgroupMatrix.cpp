//===- WarpgroupMatrix.cpp - Hopper warpgroup tensor-core builders --------===//

#include "WarpgroupMatrix.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

#include "llvm/Support/FormatVariadic.h"

#include <string>

using namespace mlir;
using namespace mlir::attn::gpu_lowering;

Value mlir::attn::gpu_lowering::swizzledDescriptor(OpBuilder &b, Location loc,
                                                   Value address,
                                                   int64_t leadingBytes,
                                                   int64_t strideBytes) {
  auto i64 = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, v, 64).getResult();
  };
  Value start = arith::ShRUIOp::create(
      b, loc, arith::AndIOp::create(b, loc, address, i64(0x3FFFF)), i64(4));
  uint64_t fields = (static_cast<uint64_t>(leadingBytes >> 4) << 16) |
                    (static_cast<uint64_t>(strideBytes >> 4) << 32) |
                    (uint64_t{1} << 62);
  return arith::OrIOp::create(b, loc, start, i64(static_cast<int64_t>(fields)));
}

/// `count` f32 results of side-effecting inline asm `text`: outputs $0 ..
/// $count-1, then `operands` as `constraints` describe them.
static SmallVector<Value> asmFloats(OpBuilder &b, Location loc, StringRef text,
                                    StringRef constraints, ValueRange operands,
                                    int64_t count) {
  SmallVector<Type> fields(count, b.getF32Type());
  auto structType = LLVM::LLVMStructType::getLiteral(b.getContext(), fields);
  auto asmOp = LLVM::InlineAsmOp::create(
      b, loc, structType, operands, text, constraints,
      /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::tailcallkind::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
      ArrayAttr());
  SmallVector<Value> result;
  for (int64_t i = 0; i < count; ++i)
    result.push_back(
        LLVM::ExtractValueOp::create(b, loc, asmOp.getResult(0), i));
  return result;
}

/// "=f,=f,...": `count` f32 outputs, then the inputs tied to them.
static std::string tiedFloatConstraints(int64_t count, StringRef between) {
  std::string constraints;
  for (int64_t i = 0; i < count; ++i)
    constraints += (i ? ",=f" : "=f");
  constraints += between;
  for (int64_t i = 0; i < count; ++i)
    constraints += "," + std::to_string(i);
  return constraints;
}

SmallVector<Value> mlir::attn::gpu_lowering::multiplyRegisterA(
    OpBuilder &b, Location loc, Type elementType, ArrayRef<Value> a,
    Value descriptorB, ArrayRef<Value> acc, bool mnMajorB, bool accumulate) {
  int64_t count = static_cast<int64_t>(acc.size());
  std::string type = elementType.isBF16() ? "bf16" : "f16";
  std::string outputs;
  for (int64_t i = 0; i < count; ++i)
    outputs += (i ? ", $" : "$") + std::to_string(i);
  // Operands after the outputs: A's four registers, B's descriptor, the
  // scale-d flag (1: accumulate), then the accumulators tied to outputs.
  // The immediates: A's and B's scales (1), then B's transpose.
  std::string text =
      llvm::formatv(
          "{{\n.reg .pred p;\nsetp.ne.b32 p, ${0}, 0;\n"
          "wgmma.mma_async.sync.aligned.m64n{1}k16.f32.{2}.{2} {{{3}}, "
          "{{${4}, ${5}, ${6}, ${7}}, ${8}, p, 1, 1, {9};\n}\n",
          count + 5, 2 * count, type, outputs, count, count + 1, count + 2,
          count + 3, count + 4, mnMajorB ? 1 : 0)
          .str();
  SmallVector<Value> operands(a.begin(), a.end());
  operands.push_back(descriptorB);
  operands.push_back(arith::ConstantIntOp::create(b, loc, accumulate, 32));
  operands.append(acc.begin(), acc.end());
  return asmFloats(b, loc, text, tiedFloatConstraints(count, ",r,r,r,r,l,r"),
                   operands, count);
}

SmallVector<Value>
mlir::attn::gpu_lowering::pinRegisters(OpBuilder &b, Location loc,
                                       ArrayRef<Value> values) {
  int64_t count = static_cast<int64_t>(values.size());
  return asmFloats(b, loc, "", tiedFloatConstraints(count, ""), values, count);
}

Type mlir::attn::gpu_lowering::tensorMapType(MLIRContext *context) {
  return LLVM::LLVMArrayType::get(IntegerType::get(context, 64), 16);
}

Value mlir::attn::gpu_lowering::sharedPointer(OpBuilder &b, Location loc,
                                              Value address) {
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), 3), address);
}

Value mlir::attn::gpu_lowering::tensorMapSlot(OpBuilder &b, Location loc,
                                              Value map) {
  Value slot = LLVM::AllocaOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()),
      tensorMapType(b.getContext()),
      arith::ConstantIntOp::create(b, loc, 1, 32), /*alignment=*/64);
  LLVM::StoreOp::create(b, loc, map, slot);
  return slot;
}

Value mlir::attn::gpu_lowering::clusterPointer(OpBuilder &b, Location loc,
                                               Value address) {
  return LLVM::AddrSpaceCastOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), 7),
      sharedPointer(b, loc, address));
}

void mlir::attn::gpu_lowering::loadTensorBox(OpBuilder &b, Location loc,
                                             Value map, Value destination,
                                             ValueRange coordinates, Value bar,
                                             Value multicastMask) {
  NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
      b, loc, destination, map, coordinates, bar, ValueRange{}, multicastMask,
      Value(), NVVM::TMALoadMode::TILE, /*isCTAOnly=*/false,
      NVVM::CTAGroupKindAttr(), Value());
}

void mlir::attn::gpu_lowering::arriveInCluster(OpBuilder &b, Location loc,
                                               Value bar, Value rank) {
  // Address space 7: shared::cluster.
  auto clusterType = LLVM::LLVMPointerType::get(b.getContext(), 7);
  Value remote = NVVM::MapaOp::create(b, loc, clusterType, bar, rank);
  // Release at CTA scope, as CUTLASS's cluster pipelines arrive: the
  // arrival orders this thread's (awaited) reads of the stage before the
  // remote producer's next TMA into it; cluster scope put a full memory
  // barrier before each of the G arrivals (H200: the kernel 2.9x slower).
  NVVM::MBarrierArriveOp::create(b, loc, Type(), remote, Value(),
                                 NVVM::MemScopeKind::CTA, /*relaxed=*/false);
}

void mlir::attn::gpu_lowering::clusterBarrier(OpBuilder &b, Location loc) {
  NVVM::ClusterArriveOp::create(b, loc, b.getUnitAttr());
  NVVM::ClusterWaitOp::create(b, loc, b.getUnitAttr());
}

void mlir::attn::gpu_lowering::waitParity(OpBuilder &b, Location loc, Value bar,
                                          Value phase) {
  // The suspend-time hint (ns) of each try: upstream nvgpu's.
  NVVM::MBarrierTryWaitParityOp::create(
      b, loc, bar, phase, arith::ConstantIntOp::create(b, loc, 10000000, 32));
}
