//===- HostArray.h - n-d arrays in host memory and .npy files ---*- C++ -*-===//
//
// The tools exchange tensors with users as NumPy .npy files. A HostArray
// owns 64-byte-aligned storage in one of the element types attn programs
// use, row-major.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_SUPPORT_HOSTARRAY_H
#define ATTN_SUPPORT_HOSTARRAY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace mlir {
class Type;
namespace attn {

enum class ElementKind { F32, F16, BF16, F64, I1, I32, I64 };

/// Bytes of one element.
size_t getElementBytes(ElementKind kind);
/// "f32", "bf16", ...
llvm::StringRef getElementName(ElementKind kind);
/// The element kind of an MLIR element type, if it is one of ours.
std::optional<ElementKind> getElementKind(Type type);
bool isFloatKind(ElementKind kind);

/// IEEE half and bfloat16 conversions (round to nearest even).
float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
float bf16ToFloat(uint16_t bits);
uint16_t floatToBf16(float value);
/// Rounds `value` to the precision of `kind` (identity for f64 and ints).
double roundToElement(double value, ElementKind kind);

class HostArray {
public:
  HostArray() = default;
  HostArray(ElementKind kind, llvm::ArrayRef<int64_t> shape);

  ElementKind getKind() const { return kind; }
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  int64_t getNumElements() const { return numElements; }
  size_t getSizeInBytes() const {
    return numElements * getElementBytes(kind);
  }
  void *getData() { return data.get(); }
  const void *getData() const { return data.get(); }

  /// Element `index` (row-major) as a double, and back (rounded to the
  /// element type; integers saturate, NaN stores 0).
  double get(int64_t index) const;
  void set(int64_t index, double value);

  /// A copy converted to `kind`: bit for bit when it is the array's own
  /// (i64 values past 2^53 kept), through doubles otherwise.
  HostArray convertTo(ElementKind newKind) const;

private:
  struct FreeDeleter {
    void operator()(void *pointer) const;
  };
  ElementKind kind = ElementKind::F32;
  llvm::SmallVector<int64_t> shape;
  int64_t numElements = 0;
  std::unique_ptr<void, FreeDeleter> data;
};

/// Reads a .npy file (little-endian, C order): f4, f2, f8, i4, i8, b1 (its
/// nonzero bytes read as 1, as NumPy reads them as True).
llvm::Expected<HostArray> readNpy(llvm::StringRef path);
/// Writes a .npy file through a temporary `path`.partial renamed at the
/// end, so a failure leaves no half-written file; bf16 arrays are written
/// as f32 (NumPy has no bf16).
llvm::Error writeNpy(llvm::StringRef path, const HostArray &array);
/// Writes a .npy file at `path` itself (removed if the write fails), for a
/// caller that renames several files into place together.
llvm::Error writeNpyFile(llvm::StringRef path, const HostArray &array);

} // namespace attn
} // namespace mlir

#endif // ATTN_SUPPORT_HOSTARRAY_H
