//===- HostArray.cpp - n-d arrays in host memory and .npy files -----------===//

#include "attn/Support/HostArray.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::attn;

size_t mlir::attn::getElementBytes(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
  case ElementKind::I32:
    return 4;
  case ElementKind::F16:
  case ElementKind::BF16:
    return 2;
  case ElementKind::F64:
  case ElementKind::I64:
    return 8;
  case ElementKind::I1:
    return 1;
  }
  llvm_unreachable("unknown element kind");
}

llvm::StringRef mlir::attn::getElementName(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return "f32";
  case ElementKind::F16:
    return "f16";
  case ElementKind::BF16:
    return "bf16";
  case ElementKind::F64:
    return "f64";
  case ElementKind::I1:
    return "i1";
  case ElementKind::I32:
    return "i32";
  case ElementKind::I64:
    return "i64";
  }
  llvm_unreachable("unknown element kind");
}

std::optional<ElementKind> mlir::attn::getElementKind(Type type) {
  if (type.isF32())
    return ElementKind::F32;
  if (type.isF16())
    return ElementKind::F16;
  if (type.isBF16())
    return ElementKind::BF16;
  if (type.isF64())
    return ElementKind::F64;
  if (type.isInteger(1))
    return ElementKind::I1;
  if (type.isInteger(32))
    return ElementKind::I32;
  if (type.isInteger(64) || type.isIndex())
    return ElementKind::I64;
  return std::nullopt;
}

bool mlir::attn::isFloatKind(ElementKind kind) {
  return kind == ElementKind::F32 || kind == ElementKind::F16 ||
         kind == ElementKind::BF16 || kind == ElementKind::F64;
}

//===----------------------------------------------------------------------===//
// Half and bfloat16
//===----------------------------------------------------------------------===//

static uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return bits;
}

static float bitsFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

float mlir::attn::halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  if (exponent == 0x1f)
    return bitsFloat(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24.
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  return bitsFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t mlir::attn::floatToHalf(float value) {
  uint32_t bits = floatBits(value);
  uint16_t sign = (bits >> 16) & 0x8000u;
  if (std::isnan(value))
    return sign | 0x7e00u;
  float magnitude = std::fabs(value);
  if (magnitude >= 65520.0f) // rounds to infinity
    return sign | 0x7c00u;
  if (magnitude < 6.103515625e-05f) {
    // Subnormal half: round magnitude / 2^-24 to nearest even.
    float scaled = magnitude * 16777216.0f;
    return sign | static_cast<uint16_t>(std::nearbyint(scaled));
  }
  uint32_t magnitudeBits = floatBits(magnitude);
  // Round the 23-bit mantissa to 10 bits, nearest even.
  uint32_t rounded = magnitudeBits + 0xfffu + ((magnitudeBits >> 13) & 1u);
  uint32_t exponent = ((rounded >> 23) & 0xff) - 112;
  uint32_t mantissa = (rounded >> 13) & 0x3ff;
  return sign | static_cast<uint16_t>((exponent << 10) | mantissa);
}

float mlir::attn::bf16ToFloat(uint16_t bits) {
  return bitsFloat(static_cast<uint32_t>(bits) << 16);
}

uint16_t mlir::attn::floatToBf16(float value) {
  uint32_t bits = floatBits(value);
  if (std::isnan(value))
    return static_cast<uint16_t>((bits >> 16) | 0x40u);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

double mlir::attn::roundToElement(double value, ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return static_cast<float>(value);
  case ElementKind::F16:
    return halfToFloat(floatToHalf(static_cast<float>(value)));
  case ElementKind::BF16:
    return bf16ToFloat(floatToBf16(static_cast<float>(value)));
  default:
    return value;
  }
}

//===----------------------------------------------------------------------===//
// HostArray
//===----------------------------------------------------------------------===//

void HostArray::FreeDeleter::operator()(void *pointer) const {
  std::free(pointer);
}

HostArray::HostArray(ElementKind kind, llvm::ArrayRef<int64_t> shape)
    : kind(kind), shape(shape.begin(), shape.end()) {
  numElements = 1;
  for (int64_t size : shape)
    numElements *= size;
  size_t bytes = getSizeInBytes();
  size_t padded = (bytes + 63) / 64 * 64;
  data.reset(std::aligned_alloc(64, padded ? padded : 64));
  std::memset(data.get(), 0, padded ? padded : 64);
}

double HostArray::get(int64_t index) const {
  const char *base = static_cast<const char *>(data.get());
  switch (kind) {
  case ElementKind::F32:
    return reinterpret_cast<const float *>(base)[index];
  case ElementKind::F16:
    return halfToFloat(reinterpret_cast<const uint16_t *>(base)[index]);
  case ElementKind::BF16:
    return bf16ToFloat(reinterpret_cast<const uint16_t *>(base)[index]);
  case ElementKind::F64:
    return reinterpret_cast<const double *>(base)[index];
  case ElementKind::I1:
    return reinterpret_cast<const uint8_t *>(base)[index] ? 1.0 : 0.0;
  case ElementKind::I32:
    return reinterpret_cast<const int32_t *>(base)[index];
  case ElementKind::I64:
    return static_cast<double>(reinterpret_cast<const int64_t *>(base)[index]);
  }
  llvm_unreachable("unknown element kind");
}

void HostArray::set(int64_t index, double value) {
  char *base = static_cast<char *>(data.get());
  switch (kind) {
  case ElementKind::F32:
    reinterpret_cast<float *>(base)[index] = static_cast<float>(value);
    return;
  case ElementKind::F16:
    reinterpret_cast<uint16_t *>(base)[index] =
        floatToHalf(static_cast<float>(value));
    return;
  case ElementKind::BF16:
    reinterpret_cast<uint16_t *>(base)[index] =
        floatToBf16(static_cast<float>(value));
    return;
  case ElementKind::F64:
    reinterpret_cast<double *>(base)[index] = value;
    return;
  case ElementKind::I1:
    reinterpret_cast<uint8_t *>(base)[index] = value != 0.0;
    return;
  // (Integers saturate, NaN becomes 0: a cast of a double out of range is
  // undefined.)
  case ElementKind::I32:
    reinterpret_cast<int32_t *>(base)[index] =
        std::isnan(value) ? 0
                          : static_cast<int32_t>(
                                std::clamp(value, -2147483648.0, 2147483647.0));
    return;
  case ElementKind::I64:
    reinterpret_cast<int64_t *>(base)[index] =
        std::isnan(value)                ? 0
        : value >= 9223372036854775808.0 ? INT64_MAX
        : value < -9223372036854775808.0 ? INT64_MIN
                                         : static_cast<int64_t>(value);
    return;
  }
}

HostArray HostArray::convertTo(ElementKind newKind) const {
  HostArray result(newKind, shape);
  // The same kind is copied bit for bit: i64 values past 2^53 would
  // round through doubles.
  if (newKind == kind) {
    if (numElements)
      std::memcpy(result.getData(), getData(), getSizeInBytes());
    return result;
  }
  for (int64_t index = 0; index < numElements; ++index)
    result.set(index, get(index));
  return result;
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

static llvm::Error npyError(llvm::StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (path + ": " + message).str());
}

namespace {
/// The three fields of a NumPy header, as written: descr and
/// fortran_order's texts, and shape's sizes.
struct NpyHeader {
  std::optional<std::string> descr, fortranOrder;
  std::optional<llvm::SmallVector<int64_t>> shape;
};

/// Reads a header, the Python dict literal NumPy writes, such as
/// "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }": exactly
/// the three keys, once each, with a string, a bool and a tuple of sizes.
/// Anything else is refused: a key inside a string, a repeated key, a
/// shape of `3` or `(1,,3)` must not be read as something NumPy would not.
class NpyHeaderParser {
public:
  explicit NpyHeaderParser(llvm::StringRef text) : rest(text) {}

  /// The header, or failure with `whyNot` saying where it broke.
  llvm::FailureOr<NpyHeader> parse(std::string &whyNot) {
    NpyHeader header;
    if (!consume("{"))
      return fail(whyNot, "does not start with '{'");
    while (!consume("}")) {
      std::optional<std::string> key = parseString();
      if (!key)
        return fail(whyNot, "expected a quoted key");
      if (!consume(":"))
        return fail(whyNot, "expected ':' after '" + *key + "'");
      if (*key == "descr" && !header.descr) {
        header.descr = parseString();
        if (!header.descr)
          return fail(whyNot, "'descr' is not a string");
      } else if (*key == "fortran_order" && !header.fortranOrder) {
        for (llvm::StringRef word : {"False", "True"}) {
          if (consume(word)) {
            header.fortranOrder = word.str();
            break;
          }
        }
        if (!header.fortranOrder)
          return fail(whyNot, "'fortran_order' is not True or False");
      } else if (*key == "shape" && !header.shape) {
        header.shape = parseSizes();
        if (!header.shape)
          return fail(whyNot, "'shape' is not a tuple of sizes");
      } else {
        return fail(whyNot, "'" + *key +
                                "' is not a key of the header or "
                                "is given twice");
      }
      if (!consume(",") && !rest.ltrim().starts_with("}"))
        return fail(whyNot, "expected ',' or '}'");
    }
    if (!rest.trim().empty())
      return fail(whyNot, "holds text after its '}'");
    if (!header.descr || !header.fortranOrder || !header.shape)
      return fail(whyNot, "lacks one of 'descr', 'fortran_order', 'shape'");
    return header;
  }

private:
  static llvm::FailureOr<NpyHeader> fail(std::string &whyNot,
                                         const llvm::Twine &reason) {
    whyNot = reason.str();
    return llvm::failure();
  }

  bool consume(llvm::StringRef token) {
    rest = rest.ltrim();
    return rest.consume_front(token);
  }

  /// A string in single or double quotes, without escapes.
  std::optional<std::string> parseString() {
    rest = rest.ltrim();
    if (rest.empty() || (rest.front() != '\'' && rest.front() != '"'))
      return std::nullopt;
    char quote = rest.front();
    size_t close = rest.find(quote, 1);
    llvm::StringRef text = rest.slice(1, close);
    if (close == llvm::StringRef::npos || text.contains('\\'))
      return std::nullopt;
    rest = rest.drop_front(close + 1);
    return text.str();
  }

  /// A tuple of non-negative sizes: "()", "(3,)", "(2, 3)" or "(2, 3,)".
  std::optional<llvm::SmallVector<int64_t>> parseSizes() {
    if (!consume("("))
      return std::nullopt;
    llvm::SmallVector<int64_t> sizes;
    bool comma = false;
    while (!consume(")")) {
      if (!sizes.empty() && !comma)
        return std::nullopt;
      rest = rest.ltrim();
      llvm::StringRef digits =
          rest.take_while([](char c) { return llvm::isDigit(c); });
      uint64_t size;
      // (Python refuses a literal with a leading zero, as "05", but reads
      // "00".)
      if (digits.empty() ||
          (digits.front() == '0' &&
           digits.find_first_not_of('0') != llvm::StringRef::npos) ||
          digits.getAsInteger(10, size) ||
          size > static_cast<uint64_t>(INT64_MAX))
        return std::nullopt;
      rest = rest.drop_front(digits.size());
      sizes.push_back(static_cast<int64_t>(size));
      comma = consume(",");
    }
    // (Python's "(3)" is 3, not a tuple.)
    if (sizes.size() == 1 && !comma)
      return std::nullopt;
    return sizes;
  }

  llvm::StringRef rest;
};
} // namespace

llvm::Expected<HostArray> mlir::attn::readNpy(llvm::StringRef path) {
  // A device or a pipe (/dev/zero) would be read whole before its first
  // bytes could be checked.
  llvm::sys::fs::file_status status;
  if (std::error_code statusError = llvm::sys::fs::status(path, status))
    return npyError(path, "cannot read: " + statusError.message());
  if (!llvm::sys::fs::is_regular_file(status))
    return npyError(path, "is not a regular file");
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return npyError(path, "cannot read: " + buffer.getError().message());
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY"))
    return npyError(path, "not a .npy file (bad magic)");
  uint8_t major = bytes[6], minor = bytes[7];
  // NumPy reads versions 1.0, 2.0 and 3.0 only.
  if (minor != 0 || major < 1 || major > 3)
    return npyError(path, "unsupported .npy version " +
                              llvm::Twine(static_cast<unsigned>(major)) + "." +
                              llvm::Twine(static_cast<unsigned>(minor)) +
                              " (1.0, 2.0 and 3.0 are read)");
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = static_cast<uint8_t>(bytes[8]) |
                   (static_cast<uint8_t>(bytes[9]) << 8);
    headerStart = 10;
  } else {
    if (bytes.size() < 12)
      return npyError(path, "truncated header");
    headerLength = 0;
    for (int i = 0; i < 4; ++i)
      headerLength |= static_cast<size_t>(static_cast<uint8_t>(bytes[8 + i]))
                      << (8 * i);
    headerStart = 12;
  }
  if (bytes.size() < headerStart + headerLength)
    return npyError(path, "truncated header");
  llvm::StringRef header = bytes.substr(headerStart, headerLength);

  std::string whyNot;
  llvm::FailureOr<NpyHeader> fields = NpyHeaderParser(header).parse(whyNot);
  if (failed(fields))
    return npyError(path,
                    "malformed header '" + header.trim() + "': " + whyNot);
  llvm::StringRef descr = *fields->descr;
  if (*fields->fortranOrder != "False")
    return npyError(path, "Fortran-order arrays are not supported");
  ElementKind kind;
  if (descr == "<f4")
    kind = ElementKind::F32;
  else if (descr == "<f2")
    kind = ElementKind::F16;
  else if (descr == "<f8")
    kind = ElementKind::F64;
  else if (descr == "<i4")
    kind = ElementKind::I32;
  else if (descr == "<i8")
    kind = ElementKind::I64;
  else if (descr == "|b1")
    kind = ElementKind::I1;
  else
    return npyError(path, "unsupported dtype '" + descr +
                              "' (expected <f4, <f2, <f8, <i4, <i8 or |b1)");
  llvm::SmallVector<int64_t> shape = *fields->shape;
  std::string shapeText;
  for (auto [index, size] : llvm::enumerate(shape))
    shapeText += (index ? ", " : "") + std::to_string(size);
  if (shape.size() == 1)
    shapeText += ",";
  // The promised size, checked against the file before anything is
  // allocated (a corrupt header may promise more than memory holds, or a
  // product that overflows).
  size_t dataStart = headerStart + headerLength;
  int64_t promised = getElementBytes(kind);
  for (int64_t size : shape)
    if (llvm::MulOverflow(promised, size, promised))
      return npyError(path, "shape '(" + shapeText + ")' is too large");
  if (bytes.size() - dataStart != static_cast<uint64_t>(promised))
    return npyError(path, "holds " + llvm::Twine(bytes.size() - dataStart) +
                              " data bytes, but its header promises " +
                              llvm::Twine(promised));
  HostArray array(kind, shape);
  std::memcpy(array.getData(), bytes.data() + dataStart,
              array.getSizeInBytes());
  // NumPy reads any nonzero byte of a bool array as True; the compiled code
  // loads i1 bytes other than 0 and 1 as undefined values.
  if (kind == ElementKind::I1) {
    auto *flags = static_cast<uint8_t *>(array.getData());
    for (int64_t i = 0; i < array.getNumElements(); ++i)
      flags[i] = flags[i] != 0;
  }
  return array;
}

/// Writes `array` to `file`; messages name `shown` (the file asked for,
/// where `file` is its temporary).
static llvm::Error writeNpyTo(llvm::StringRef file, llvm::StringRef shown,
                              const HostArray &array) {
  if (array.getKind() == ElementKind::BF16)
    return writeNpyTo(file, shown, array.convertTo(ElementKind::F32));
  llvm::StringRef descr;
  switch (array.getKind()) {
  case ElementKind::F32:
    descr = "<f4";
    break;
  case ElementKind::F16:
    descr = "<f2";
    break;
  case ElementKind::F64:
    descr = "<f8";
    break;
  case ElementKind::I1:
    descr = "|b1";
    break;
  case ElementKind::I32:
    descr = "<i4";
    break;
  case ElementKind::I64:
    descr = "<i8";
    break;
  case ElementKind::BF16:
    llvm_unreachable("converted above");
  }
  std::string shape;
  for (int64_t size : array.getShape())
    shape += std::to_string(size) + ", ";
  if (array.getShape().size() > 1)
    shape.erase(shape.size() - 2);
  else if (array.getShape().size() == 1)
    shape.erase(shape.size() - 1);
  std::string header = "{'descr': '" + descr.str() +
                       "', 'fortran_order': False, 'shape': (" + shape +
                       "), }";
  // Version 1 counts the header in 2 bytes; a longer one (a rank in the
  // thousands) takes version 2's 4.
  int version = 10 + header.size() + 1 > 0xffff ? 2 : 1;
  size_t prefix = version == 1 ? 10 : 12;
  // Pad with spaces so that the data starts at a multiple of 64 bytes.
  size_t total = prefix + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::error_code ec;
  llvm::raw_fd_ostream os(file, ec, llvm::sys::fs::OF_None);
  if (ec)
    return npyError(shown, "cannot write: " + ec.message());
  os << "\x93NUMPY" << static_cast<char>(version) << static_cast<char>(0);
  for (size_t byte = 0; byte < prefix - 8; ++byte)
    os << static_cast<char>((header.size() >> (8 * byte)) & 0xff);
  os << header;
  os.write(static_cast<const char *>(array.getData()), array.getSizeInBytes());
  os.close();
  if (os.has_error()) {
    llvm::sys::fs::remove(file);
    return npyError(shown, "cannot write: " + os.error().message());
  }
  return llvm::Error::success();
}

llvm::Error mlir::attn::writeNpyFile(llvm::StringRef path,
                                     const HostArray &array) {
  return writeNpyTo(path, path, array);
}

llvm::Error mlir::attn::writeNpy(llvm::StringRef path, const HostArray &array) {
  // Write to a temporary file and rename, so that a failure never leaves a
  // half-written array behind.
  std::string temporary = (path + ".partial").str();
  if (llvm::Error error = writeNpyTo(temporary, path, array))
    return error;
  if (std::error_code renameError = llvm::sys::fs::rename(temporary, path)) {
    llvm::sys::fs::remove(temporary);
    return npyError(path, "cannot write: " + renameError.message());
  }
  return llvm::Error::success();
}
