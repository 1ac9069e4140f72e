//===- CInterface.cpp - the C header and checked wrappers -----------------===//

#include "CInterface.h"
#include "SizeRelations.h"

#include "attn/Conversion/Passes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::attn;

static bool isCIdentifier(StringRef name) {
  return !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
         llvm::all_of(name, [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

/// Whether a buffer may keep `name` in the generated C: not a keyword, and
/// none of the names the wrappers and launchers declare themselves (their
/// locals, in CpuCompiler's wrappers and GpuCompiler's launchers; the
/// stream; result<N>; the attn_ and underscore prefixes of generated
/// symbols and types).
static bool isReservedCName(StringRef name) {
  static const llvm::StringSet<> reserved = {
      // C11 keywords and the usual macros.
      "auto", "break", "case", "char", "const", "continue", "default", "do",
      "double", "else", "enum", "extern", "float", "for", "goto", "if",
      "inline", "int", "long", "register", "restrict", "return", "short",
      "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
      "unsigned", "void", "volatile", "while", "bool", "true", "false", "NULL",
      "alignas", "alignof", "asm", "constexpr", "nullptr", "static_assert",
      "thread_local", "typeof", "typeof_unqual",
      // C++ keywords (the header is included from C++ too).
      "and", "and_eq", "bitand", "bitor", "catch", "char8_t", "char16_t",
      "char32_t", "class", "co_await", "co_return", "co_yield", "compl",
      "concept", "const_cast", "consteval", "constinit", "decltype", "delete",
      "dynamic_cast", "explicit", "export", "friend", "mutable", "namespace",
      "new", "noexcept", "not", "not_eq", "operator", "or", "or_eq", "private",
      "protected", "public", "reinterpret_cast", "requires", "static_cast",
      "template", "this", "throw", "try", "typeid", "typename", "using",
      "virtual", "wchar_t", "xor", "xor_eq",
      // The generated code's own names.
      "stream", "status", "freed", "zero", "params", "n", "i", "maps", "gridX",
      "gridY", "workspace", "ordered", "launched", "workspaceOffset",
      "workspaceSize", "workspaceStride", "offset"};
  // Macros that the header's own includes or a consumer's may define:
  // upper-case names with an underscore or a digit by convention
  // (SIZE_MAX, INT64_MAX), the standard headers' short ones (complex.h's I;
  // EOF and errno.h's by the E prefix below), and the compilers' predefined
  // lower-case ones. (Q, K and V stay.)
  static const llvm::StringSet<> macros = {
      "I",         "NAN",       "INFINITY", "BUFSIZ", "TRUE",
      "FALSE",     "linux",     "unix",     "i386",   "errno",
      "assert",    "stdin",     "stdout",   "stderr", "complex",
      "imaginary", "offsetof",  "setjmp",   "va_arg", "math_errhandling",
      "L_tmpnam",  "L_ctermid", "P_tmpdir"};
  bool upperCase = llvm::none_of(
      name, [](char c) { return std::islower(static_cast<unsigned char>(c)); });
  // The prefixes the C and POSIX headers reserve for their macros: E and a
  // digit or capital (errno.h's ENOMEM), SIG and a capital (signal.h's
  // SIGINT), PRI or SCN and a small letter or X (inttypes.h's PRId64).
  auto reservedPrefix = [&](StringRef prefix, auto isNext) {
    return name.size() > prefix.size() && name.starts_with(prefix) &&
           isNext(static_cast<unsigned char>(name[prefix.size()]));
  };
  auto isCapitalOrDigit = [](unsigned char c) {
    return std::isupper(c) || std::isdigit(c);
  };
  auto isCapital = [](unsigned char c) { return std::isupper(c) != 0; };
  auto isFormatLetter = [](unsigned char c) {
    return std::islower(c) || c == 'X';
  };
  if (reservedPrefix("E", isCapitalOrDigit) ||
      reservedPrefix("SIG", isCapital) ||
      reservedPrefix("PRI", isFormatLetter) ||
      reservedPrefix("SCN", isFormatLetter))
    return true;
  if (macros.contains(name) ||
      (upperCase && llvm::any_of(name, [](char c) {
         return c == '_' || std::isdigit(static_cast<unsigned char>(c));
       })))
    return true;
  // (attnCuda...: the runtime's functions the launchers call; attnResult...
  // and attnScratch...: the CPU wrappers' helpers; ..._t: type names, which
  // POSIX reserves and the wrappers use, int64_t first.)
  if (reserved.contains(name) || name.starts_with("attn_") ||
      name.starts_with("attnCuda") || name.starts_with("attnResult") ||
      name.starts_with("attnScratch") || name.ends_with("_t") ||
      name.starts_with("_"))
    return true;
  // result<N>, and the launchers' temporaries t<N>[Ordered|Sizes|Strides].
  for (StringRef prefix : {"result", "t"}) {
    StringRef rest = name;
    if (!rest.consume_front(prefix))
      continue;
    size_t digits = rest.find_if_not(
        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (digits == 0)
      continue;
    rest = rest.drop_front(std::min(digits, rest.size()));
    if (rest.empty() ||
        (prefix == "t" &&
         llvm::is_contained({"Ordered", "Sizes", "Strides"}, rest)))
      return true;
  }
  return false;
}

/// A C name for argument `index`: its source name where C may use it, else
/// arg<index>; made unique among `used` by trailing underscores.
static std::string cName(StringRef name, size_t index,
                         llvm::StringSet<> &used) {
  std::string candidate = isCIdentifier(name) && !isReservedCName(name)
                              ? name.str()
                              : "arg" + std::to_string(index);
  while (used.contains(candidate))
    candidate += "_";
  used.insert(candidate);
  return candidate;
}

static std::string typeText(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

/// The element types whose buffers the C entry points describe: integers
/// of whole bytes (and i1, a byte each) up to 64 bits, index, and the
/// floats the tools hold. (Complex or vector elements have no C layout
/// here; the wrappers' byte counts read the element's width.)
static bool hasCElementType(Type type) {
  Type element = cast<RankedTensorType>(type).getElementType();
  if (auto integer = dyn_cast<IntegerType>(element))
    return integer.getWidth() == 1 ||
           (integer.getWidth() % 8 == 0 && integer.getWidth() >= 8 &&
            integer.getWidth() <= 64);
  return isa<IndexType, Float16Type, BFloat16Type, Float32Type, Float64Type>(
      element);
}
static constexpr const char *kCElementTypes =
    "; attn-compile's entry points take ranked tensors of i1, i8, i16, i32, "
    "i64, index, f16, bf16, f32 or f64";

LogicalResult mlir::attn::collectEntryPoints(
    ModuleOp module, ArrayRef<std::string> functions,
    const std::function<SmallVector<std::string>(func::FuncOp)> &argumentNames,
    SmallVectorImpl<func::FuncOp> &selected, std::vector<CEntryPoint> &entries,
    std::string &error) {
  auto fail = [&](const llvm::Twine &message) {
    error = message.str();
    return failure();
  };
  if (functions.empty()) {
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && !func.isPrivate())
        selected.push_back(func);
  } else {
    for (const std::string &name : functions) {
      auto func = module.lookupSymbol<func::FuncOp>(name);
      if (!func || func.isExternal())
        return fail("no function '" + name + "' to export");
      // (Asked for twice, exported once.)
      if (!llvm::is_contained(selected, func))
        selected.push_back(func);
    }
  }
  if (selected.empty())
    return fail("the module defines no public function");
  for (func::FuncOp func : selected) {
    if (!isCIdentifier(func.getName()))
      return fail("function '" + func.getName() +
                  "' cannot be exported to C: its entry point would be "
                  "'attn_" +
                  func.getName() +
                  "', and C identifiers hold letters, digits and '_' only");
    // Entry points are attn_<name>: not the header's and launchers' own
    // attn_ names.
    StringRef rank = func.getName();
    bool descriptorName = rank.consume_front("strided_") &&
                          rank.consume_back("d") && !rank.empty() &&
                          llvm::all_of(rank, [](char c) {
                            return std::isdigit(static_cast<unsigned char>(c));
                          });
    if (descriptorName ||
        llvm::is_contained({"cuda_tensor_map", "cuda_kernel", "cubin"},
                           func.getName()))
      return fail("function '" + func.getName() +
                  "' cannot be exported to C: its entry point would be "
                  "'attn_" +
                  func.getName() +
                  "', a name the generated code declares itself");
    CEntryPoint entry{func.getName().str(), func.getName().str(), {}, {}};
    SmallVector<std::string> names(func.getNumArguments());
    if (argumentNames)
      names = argumentNames(func);
    FunctionType type = func.getFunctionType();
    auto addBuffer = [&](Type bufferType, std::string name, bool isResult) {
      auto tensorType = dyn_cast<RankedTensorType>(bufferType);
      if (!tensorType)
        return false;
      entry.buffers.push_back({std::move(name), tensorType, isResult});
      return true;
    };
    llvm::StringSet<> used;
    for (auto [index, argType] : llvm::enumerate(type.getInputs())) {
      if (!addBuffer(argType, cName(names[index], index, used), false))
        return fail("argument " + llvm::Twine(index) + " of '" + entry.name +
                    "' is not a ranked tensor");
      if (!hasCElementType(argType))
        return fail("argument " + llvm::Twine(index) + " of '" + entry.name +
                    "' has type " + typeText(argType) + kCElementTypes);
    }
    for (auto [index, resultType] : llvm::enumerate(type.getResults())) {
      if (!addBuffer(resultType, "result" + std::to_string(index), true))
        return fail("result " + llvm::Twine(index) + " of '" + entry.name +
                    "' is not a ranked tensor");
      if (!hasCElementType(resultType))
        return fail("result " + llvm::Twine(index) + " of '" + entry.name +
                    "' has type " + typeText(resultType) + kCElementTypes);
    }
    entry.sizeRules = collectSizeRules(func, entry.buffers);
    entries.push_back(std::move(entry));
  }
  return success();
}

static std::string shapeText(RankedTensorType type) {
  std::string text;
  for (int64_t size : type.getShape())
    text += (ShapedType::isDynamic(size) ? std::string("?")
                                         : std::to_string(size)) +
            "x";
  return text + typeText(type.getElementType());
}

static std::string descriptorName(RankedTensorType type) {
  return "attn_strided_" + std::to_string(type.getRank()) + "d";
}

/// Bytes of one element in memory (i1 elements are bytes).
static int64_t elementBytes(RankedTensorType type) {
  Type element = type.getElementType();
  if (element.isIndex())
    return 8;
  return std::max<int64_t>(element.getIntOrFloatBitWidth() / 8, 1);
}

static std::string signature(const CEntryPoint &entry, StringRef prefix,
                             bool withStream = false) {
  std::string text = "int " + prefix.str() + entry.name + "(";
  for (auto [index, buffer] : llvm::enumerate(entry.buffers)) {
    if (index)
      text += ",\n    ";
    text += (buffer.isResult ? "" : "const ") + descriptorName(buffer.type) +
            " *" + buffer.name;
  }
  if (withStream)
    text += ",\n    void *stream";
  return text + ")";
}

std::string mlir::attn::emitCSignature(const CEntryPoint &entry,
                                       bool withStream) {
  return signature(entry, "attn_", withStream);
}

std::string mlir::attn::emitCHeader(StringRef guard,
                                    ArrayRef<CEntryPoint> entries, bool gpu) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* Generated by attn-compile. */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "/* A strided buffer: element (i0, i1, ...) is at\n"
     << " * aligned + offset + i0 * strides[0] + i1 * strides[1] + ...\n"
     << " * (in elements). Strides may be anything, so a [B, L, H, D] tensor\n"
     << " * is passed as [B, H, L, D] without a copy. f16 and bf16 elements\n"
     << " * are 16-bit patterns; i1 elements are bytes of 0 or 1 (a C\n"
     << " * bool; other byte values give undefined results). */\n";
  if (gpu)
    os << "/* GPU entry points take device pointers and run on `stream` (a\n"
       << " * CUstream; NULL is the legacy default stream) in the calling\n"
       << " * thread's current CUDA context (the device's primary context if\n"
       << " * none). Q, K, V and the output need rows of contiguous elements\n"
       << " * (innermost stride 1), 16-byte aligned (other strides multiples\n"
       << " * of 8 elements). Results are written through their strides. */\n";
  else
    os << "/* Results are written into caller-allocated buffers of any\n"
       << " * strides (other than row-major: through a temporary). */\n";
  llvm::SmallSet<int64_t, 4> ranks;
  for (const CEntryPoint &entry : entries)
    for (const CBuffer &buffer : entry.buffers)
      ranks.insert(buffer.type.getRank());
  for (int64_t rank : ranks) {
    os << "#ifndef ATTN_STRIDED_" << rank << "D\n#define ATTN_STRIDED_" << rank
       << "D\n"
       << "typedef struct {\n  void *allocated;\n  void *aligned;\n"
       << "  int64_t offset;\n  int64_t sizes[" << std::max<int64_t>(rank, 1)
       << "];\n  int64_t strides[" << std::max<int64_t>(rank, 1) << "];\n} "
       << "attn_strided_" << rank << "d;\n#endif\n\n";
  }
  for (const CEntryPoint &entry : entries) {
    os << "/* " << entry.name << ":\n";
    for (const CBuffer &buffer : entry.buffers)
      os << " *   " << (buffer.isResult ? "out " : "in  ") << buffer.name
         << ": " << shapeText(buffer.type) << "\n";
    if (gpu)
      os << " * Returns 0 once the kernel is launched; the 1-based position\n"
         << " * of the first buffer whose sizes differ from the static shape\n"
         << " * above or whose layout is not supported (nothing is run); or\n"
         << " * -N for CUDA driver error N. */\n";
    else
      os << " * Returns 0; the 1-based position of the first buffer whose\n"
         << " * sizes differ from the static shape above or from the sizes\n"
         << " * the ops tie them to (keys and values of one length, ...); or\n"
         << " * -1 without memory for a temporary: a result's, or the\n"
         << " * largest one the kernels can make for these sizes (nothing is\n"
         << " * run then). */\n";
    os << signature(entry, "attn_", gpu) << ";\n\n";
  }
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  return text;
}

/// The wrappers' helpers for results that are not row-major (no entry
/// point or argument can take their names: those start with attn_, these
/// with attnResult). The C library is reached through the compilers'
/// builtins: an argument called `free` or a macro of <stdlib.h> cannot
/// break them.
static constexpr const char *kResultHelpers =
    R"c(/* Whether a result with elements has a stride of 0 on a dimension of
 * more than one element: they would share memory. */
static int attnResultOverlaps(const int64_t *sizes, const int64_t *strides,
                              int rank) {
  int shared = 0;
  for (int dim = 0; dim < rank; ++dim) {
    if (sizes[dim] == 0)
      return 0;
    shared |= sizes[dim] > 1 && strides[dim] == 0;
  }
  return shared;
}

static int attnResultIsRowMajor(const int64_t *sizes,
                                const int64_t *strides, int rank) {
  int64_t stride = 1, elements = 1;
  for (int dim = 0; dim < rank; ++dim)
    elements *= sizes[dim];
  /* No elements: nothing is written (NumPy gives such arrays any strides). */
  for (int dim = rank - 1; elements && dim >= 0; --dim) {
    if (strides[dim] != stride && sizes[dim] != 1)
      return 0;
    stride *= sizes[dim];
  }
  return 1;
}

/* A row-major temporary for a result: its strides into `strides`. */
static void *attnResultTemporary(const int64_t *sizes, int64_t *strides,
                                 int rank, int64_t bytes) {
  int64_t elements = 1;
  for (int dim = rank - 1; dim >= 0; --dim) {
    strides[dim] = elements;
    elements *= sizes[dim];
  }
  return __builtin_malloc((__SIZE_TYPE__)(elements * bytes));
}

/* Copies the row-major elements at *from through `strides` to `to`. */
static void attnResultScatter(const char **from, char *to,
                              const int64_t *sizes, const int64_t *strides,
                              int rank, int64_t bytes) {
  if (rank == 1 && strides[0] == 1) {
    __builtin_memcpy(to, *from, (__SIZE_TYPE__)(sizes[0] * bytes));
    *from += sizes[0] * bytes;
    return;
  }
  for (int64_t i = 0; i < sizes[0]; ++i) {
    char *at = to + i * strides[0] * bytes;
    if (rank == 1) {
      __builtin_memcpy(at, *from, (__SIZE_TYPE__)bytes);
      *from += bytes;
    } else {
      attnResultScatter(from, at, sizes + 1, strides + 1, rank - 1, bytes);
    }
  }
}

)c";

void mlir::attn::emitOpenSizeSignChecks(llvm::raw_ostream &os,
                                        const CEntryPoint &entry) {
  for (auto [index, buffer] : llvm::enumerate(entry.buffers))
    for (auto [dim, size] : llvm::enumerate(buffer.type.getShape()))
      if (ShapedType::isDynamic(size))
        os << "  if (" << buffer.name << "->sizes[" << dim << "] < 0) return "
           << index + 1 << ";\n";
}

void mlir::attn::emitSizeRuleChecks(llvm::raw_ostream &os,
                                    const CEntryPoint &entry) {
  for (const CSizeRule &rule : entry.sizeRules) {
    const std::string &a = entry.buffers[rule.a].name;
    const std::string &b = entry.buffers[rule.b].name;
    // A refusal names the buffer at fault: of two sides, the one whose size
    // is open (a static size was checked against its type already), else
    // the later one.
    bool aStatic = !entry.buffers[rule.a].type.isDynamicDim(rule.dimA);
    bool bStatic = !entry.buffers[rule.b].type.isDynamicDim(rule.dimB);
    unsigned position = (aStatic != bStatic ? (aStatic ? rule.b : rule.a)
                                            : std::max(rule.a, rule.b)) +
                        1;
    std::string sizeA = a + "->sizes[" + std::to_string(rule.dimA) + "]";
    std::string sizeB = b + "->sizes[" + std::to_string(rule.dimB) + "]";
    switch (rule.kind) {
    case CSizeRule::Equal:
      os << "  if (" << sizeA << " != " << sizeB << ")";
      break;
    case CSizeRule::Divides:
      os << "  if (" << sizeB << " < 1 || " << sizeA << " % " << sizeB << ")";
      break;
    case CSizeRule::CeilDiv:
      os << "  if (" << sizeA << " != (" << sizeB << " + " << rule.number - 1
         << ") / " << rule.number << ")";
      break;
    case CSizeRule::EqualOrOne:
      os << "  if (" << sizeA << " != " << sizeB << " && " << sizeA << " != 1)";
      break;
    case CSizeRule::Constant:
      os << "  if (" << sizeA << " != " << rule.number << ")";
      break;
    case CSizeRule::CeilDivIs:
      os << "  if ((" << sizeA << " + " << rule.number - 1 << ") / "
         << rule.number << " != " << rule.value << ")";
      break;
    case CSizeRule::MultipleOf:
      // (No size is a multiple of 0 heads.)
      if (rule.number < 1)
        os << "  if (1)";
      else
        os << "  if (" << sizeA << " % " << rule.number << ")";
      break;
    case CSizeRule::DivisorOf:
      os << "  if (" << sizeA << " < 1 || " << rule.number << " % " << sizeA
         << ")";
      break;
    case CSizeRule::AtLeastOne:
      os << "  if (" << sizeA << " < 1)";
      break;
    }
    os << " return " << position << ";\n";
  }
}

std::string mlir::attn::emitCWrappers(StringRef headerName,
                                      ArrayRef<CEntryPoint> entries) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* Generated by attn-compile. */\n#include \"" << headerName
     << "\"\n\n"
     << kResultHelpers;
  for (const CEntryPoint &entry : entries) {
    // The MLIR functions take a descriptor pointer per buffer.
    std::string parameters;
    for (size_t index = 0; index < entry.buffers.size(); ++index)
      parameters += index ? ", const void *" : "const void *";
    os << "void _mlir_ciface_" << entry.symbol << "(" << parameters << ");\n";
    // The bound's function is not a C identifier: an asm label names it.
    std::string scratch =
        "attnScratchBytes" + std::to_string(&entry - entries.data());
    if (entry.boundsScratch)
      os << "int64_t " << scratch << "(" << parameters
         << ") __asm__(\"_mlir_ciface_"
         << getScratchBytesFunctionName(entry.symbol) << "\");\n";
    os << "\n" << signature(entry, "attn_") << " {\n";
    for (auto [index, buffer] : llvm::enumerate(entry.buffers))
      for (auto [dim, size] : llvm::enumerate(buffer.type.getShape()))
        if (!ShapedType::isDynamic(size))
          os << "  if (" << buffer.name << "->sizes[" << dim << "] != " << size
             << ") return " << index + 1 << ";\n";
    // Sizes the static shapes leave open are never negative and must still
    // meet the ops' rules, or the kernels would index past a buffer.
    emitOpenSizeSignChecks(os, entry);
    emitSizeRuleChecks(os, entry);
    // A result whose elements would share memory (a stride of 0, as a
    // broadcast view has) is refused like a wrong size.
    for (auto [index, buffer] : llvm::enumerate(entry.buffers))
      if (buffer.isResult && buffer.type.getRank() > 0)
        os << "  if (attnResultOverlaps(" << buffer.name << "->sizes, "
           << buffer.name << "->strides, " << buffer.type.getRank()
           << ")) return " << index + 1 << ";\n";
    // The kernels write row-major results: one with other strides gets a
    // row-major temporary, scattered into it by its strides afterwards.
    for (auto [index, buffer] : llvm::enumerate(entry.buffers))
      if (buffer.isResult)
        os << "  void *attn_temp_" << index << " = 0;\n";
    os << "  int attn_missing = 0;\n";
    for (auto [index, buffer] : llvm::enumerate(entry.buffers)) {
      if (!buffer.isResult)
        continue;
      int64_t rank = buffer.type.getRank();
      std::string view = "attn_view_" + std::to_string(index);
      std::string temp = "attn_temp_" + std::to_string(index);
      os << "  " << descriptorName(buffer.type) << " " << view << " = *"
         << buffer.name << ";\n";
      if (rank == 0)
        continue;
      os << "  if (!attnResultIsRowMajor(" << view << ".sizes, " << view
         << ".strides, " << rank << ")) {\n    " << temp
         << " = attnResultTemporary(" << view << ".sizes, " << view
         << ".strides, " << rank << ", " << elementBytes(buffer.type)
         << ");\n    " << view << ".allocated = " << view
         << ".aligned = " << temp << ";\n    " << view
         << ".offset = 0;\n    attn_missing |= !" << temp << ";\n  }\n";
    }
    // The kernels' temporaries are allocated inside their loops, which
    // cannot report a failure: the largest one is tried here first (one
    // that cannot be allocated at all; several that together exceed the
    // memory are not caught).
    if (entry.boundsScratch) {
      os << "  if (!attn_missing) {\n    int64_t attn_scratch = " << scratch
         << "(";
      for (auto [index, buffer] : llvm::enumerate(entry.buffers))
        os << (index ? ", " : "")
           << (buffer.isResult ? "&attn_view_" + std::to_string(index)
                               : buffer.name);
      // (volatile: compilers drop a malloc whose result is only freed,
      // taking it to succeed.)
      os << ");\n    void *volatile attn_probe = attn_scratch > 0 ? "
            "__builtin_malloc((__SIZE_TYPE__)attn_scratch) : 0;\n"
         << "    attn_missing = attn_scratch > 0 && !attn_probe;\n"
         << "    __builtin_free(attn_probe);\n  }\n";
    }
    os << "  if (attn_missing) {\n";
    for (auto [index, buffer] : llvm::enumerate(entry.buffers))
      if (buffer.isResult)
        os << "    __builtin_free(attn_temp_" << index << ");\n";
    os << "    return -1;\n  }\n";
    os << "  _mlir_ciface_" << entry.symbol << "(";
    for (auto [index, buffer] : llvm::enumerate(entry.buffers)) {
      os << (index ? ", " : "");
      if (buffer.isResult)
        os << "&attn_view_" << index;
      else
        os << buffer.name;
    }
    os << ");\n";
    for (auto [index, buffer] : llvm::enumerate(entry.buffers)) {
      if (!buffer.isResult || buffer.type.getRank() == 0)
        continue;
      std::string temp = "attn_temp_" + std::to_string(index);
      int64_t bytes = elementBytes(buffer.type);
      os << "  if (" << temp << ") {\n    const char *attn_from = " << temp
         << ";\n    attnResultScatter(&attn_from, (char *)" << buffer.name
         << "->aligned + " << buffer.name << "->offset * " << bytes << ", "
         << buffer.name << "->sizes, " << buffer.name << "->strides, "
         << buffer.type.getRank() << ", " << bytes << ");\n    __builtin_free("
         << temp << ");\n  }\n";
    }
    os << "  return 0;\n}\n\n";
  }
  return text;
}
