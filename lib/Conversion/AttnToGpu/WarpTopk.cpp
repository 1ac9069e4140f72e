//===- WarpTopk.cpp - one warp's top-k of a row in shared memory ----------===//

#include "WarpTopk.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn::gpu_lowering;

namespace {

/// The arithmetic the selection repeats.
struct TopkArithmetic {
  OpBuilder &b;
  Location loc;

  Value index(int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  }
  Value i32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, v, 32).getResult();
  }
  Value negInf() {
    return arith::ConstantFloatOp::create(
        b, loc, b.getF32Type(),
        APFloat(-std::numeric_limits<float>::infinity()));
  }
  Value toI32(Value v) {
    return arith::IndexCastOp::create(b, loc, b.getI32Type(), v).getResult();
  }
  Value toIndex(Value v) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v).getResult();
  }
  Value select(Value condition, Value x, Value y) {
    return arith::SelectOp::create(b, loc, condition, x, y).getResult();
  }

  /// Whether (y, j) beats (x, i): larger, ties to the lower index.
  Value better(Value x, Value i, Value y, Value j) {
    return arith::OrIOp::create(
        b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, y, x),
        arith::AndIOp::create(
            b, loc,
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, y, x),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, j, i)));
  }

  /// The warp's best of the lanes' (value, index), in every lane, by two
  /// warp reductions (redux.sync) instead of shuffle trees: the largest
  /// key, a signed integer in the values' order (negative floats' magnitude
  /// bits flipped; -0 as +0, equal floats), then the lowest index among the
  /// lanes that hold it.
  std::pair<Value, Value> warpBest(Value value, Value bestIndex) {
    Type i32Type = b.getI32Type();
    Value all = i32(-1), magnitude = i32(0x7FFFFFFF);
    auto flipNegative = [&](Value x) {
      Value negative =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, i32(0));
      return select(negative, arith::XOrIOp::create(b, loc, x, magnitude), x);
    };
    Value bits = arith::BitcastOp::create(b, loc, i32Type, value);
    bits =
        select(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, bits,
                                     i32(std::numeric_limits<int32_t>::min())),
               i32(0), bits);
    Value key = flipNegative(bits);
    Value best =
        NVVM::ReduxOp::create(b, loc, i32Type, key, NVVM::ReduxKind::MAX, all);
    Value holds =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, key, best);
    Value lowest = NVVM::ReduxOp::create(
        b, loc, i32Type,
        select(holds, bestIndex, i32(std::numeric_limits<int32_t>::max())),
        NVVM::ReduxKind::MIN, all);
    // The key back to its float (flipping is its own inverse).
    Value bestValue =
        arith::BitcastOp::create(b, loc, b.getF32Type(), flipNegative(best));
    return {bestValue, lowest};
  }

  /// The best of a lane's entries lane + 32 i, i in [first, count) stepping
  /// by `step` (in units of 32 entries), starting from (-inf, `none`).
  std::pair<Value, Value> scanEntries(Value row, Value rowIndex, Value base,
                                      Value first, Value count, int64_t step,
                                      Value width) {
    auto scan = scf::ForOp::create(
        b, loc, first, count, index(step), ValueRange{negInf(), toI32(width)},
        [&](OpBuilder &, Location, Value i, ValueRange best) {
          Value j = arith::AddIOp::create(
              b, loc, base, arith::MulIOp::create(b, loc, i, index(32)));
          Value inRow = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                              j, width);
          Value x = memref::LoadOp::create(
              b, loc, row, ValueRange{rowIndex, select(inRow, j, index(0))});
          x = select(inRow, x, negInf());
          Value wins = better(best[0], best[1], x, toI32(j));
          scf::YieldOp::create(b, loc,
                               ValueRange{select(wins, x, best[0]),
                                          select(wins, toI32(j), best[1])});
        });
    return {scan.getResult(0), scan.getResult(1)};
  }

  /// ceil(width / 32): the entries a lane holds.
  Value perLane(Value width) {
    return arith::DivUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, width, index(31)), index(32));
  }
};

} // namespace

std::pair<Value, Value> WarpTopk::scanLaneBests() {
  TopkArithmetic a{b, loc};
  // Lane l's entries l + 32 i: the loop over i from 0, base l. A NaN never
  // beats the -inf it starts from, nor -inf itself.
  return a.scanEntries(row, rowIndex, lane, a.index(0), a.perLane(width), 1,
                       width);
}

void WarpTopk::pick(Value best, Value bestIndex,
                    function_ref<void(Value slot, Value index)> store) {
  TopkArithmetic a{b, loc};
  Value negInf = a.negInf();
  Value width32 = a.i32(32);
  Value lane32 = a.toI32(lane);
  Value perLane = a.perLane(width);
  // k rounds; `found` counts the picks.
  auto rounds = scf::ForOp::create(
      b, loc, a.index(0), a.index(k), a.index(1),
      ValueRange{a.index(0), best, bestIndex},
      [&](OpBuilder &, Location, Value, ValueRange carried) {
        Value found = carried[0], mine = carried[1], mineIndex = carried[2];
        auto [value, index] = a.warpBest(mine, mineIndex);
        Value picked = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                             value, negInf);
        auto record = scf::IfOp::create(
            b, loc,
            arith::AndIOp::create(
                b, loc, picked,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                      a.index(0))),
            false);
        {
          OpBuilder::InsertionGuard insertion(b);
          b.setInsertionPointToStart(record.thenBlock());
          memref::StoreOp::create(b, loc, index, picks,
                                  ValueRange{rowIndex, found});
          memref::StoreOp::create(b, loc, negInf, row,
                                  ValueRange{rowIndex, a.toIndex(index)});
        }
        NVVM::SyncWarpOp::create(b, loc, a.i32(-1));
        // The owner's new best: lane i reads the owner's entries i, i + 32,
        // ... (without a pick the owner is lane 0 and nothing changed, but
        // rescanning it is harmless).
        Value owner = arith::RemUIOp::create(
            b, loc, a.select(picked, index, a.i32(0)), width32);
        auto [ownerBest, ownerBestIndex] = a.scanEntries(
            row, rowIndex, a.toIndex(owner), lane, perLane, 32, width);
        std::tie(ownerBest, ownerBestIndex) =
            a.warpBest(ownerBest, ownerBestIndex);
        Value isOwner = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                              lane32, owner);
        scf::YieldOp::create(
            b, loc,
            ValueRange{
                a.select(picked,
                         arith::AddIOp::create(b, loc, found, a.index(1)),
                         found),
                a.select(isOwner, ownerBest, mine),
                a.select(isOwner, ownerBestIndex, mineIndex)});
      });
  Value found = rounds.getResult(0);

  // Pick s goes to slot rank(s); the slots after the picks hold -1.
  scf::ForOp::create(
      b, loc, lane, a.index(k), a.index(32), ValueRange{},
      [&](OpBuilder &, Location, Value s, ValueRange) {
        auto isPick = scf::IfOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, s, found),
            true);
        OpBuilder::InsertionGuard insertion(b);
        b.setInsertionPointToStart(isPick.thenBlock());
        Value mine =
            memref::LoadOp::create(b, loc, picks, ValueRange{rowIndex, s});
        auto rank = scf::ForOp::create(
            b, loc, a.index(0), found, a.index(1), ValueRange{a.index(0)},
            [&](OpBuilder &, Location, Value t, ValueRange count) {
              Value other = memref::LoadOp::create(b, loc, picks,
                                                   ValueRange{rowIndex, t});
              Value before = arith::CmpIOp::create(
                  b, loc, arith::CmpIPredicate::slt, other, mine);
              scf::YieldOp::create(
                  b, loc,
                  ValueRange{a.select(
                      before,
                      arith::AddIOp::create(b, loc, count[0], a.index(1)),
                      count[0])});
            });
        store(rank.getResult(0), mine);
        b.setInsertionPointToStart(isPick.elseBlock());
        store(s, a.i32(-1));
        b.setInsertionPointAfter(isPick);
        scf::YieldOp::create(b, loc);
      });
}
