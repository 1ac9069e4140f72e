/* The C API end to end: registration, parsing, pass pipelines, compilation,
 * and every failure reported through the callback rather than an abort.
 * usage: attn_capi_test SCRATCH_DIR */
#include "attn-c/Attn.h"

#include "mlir-c/IR.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static void printDiagnostic(MlirStringRef text, void *userData) {
  int *count = (int *)userData;
  ++*count;
  printf("diagnostic: %.*s\n", (int)text.length, text.data);
}

static void printChunk(MlirStringRef text, void *userData) {
  (void)userData;
  fwrite(text.data, 1, text.length, stdout);
}

static MlirStringRef str(const char *text) {
  return mlirStringRefCreateFromCString(text);
}

static const char *kProgram =
    "func.func @causal(%q: tensor<1x2x128x32xf32>, %k: tensor<1x2x128x32xf32>,"
    "                  %v: tensor<1x2x128x32xf32>) -> tensor<1x2x128x32xf32> "
    "{\n"
    "  %o = attn.attention %q, %k, %v mask [#attn.causal, "
    "#attn.window<left = 1000, right = 0>] : tensor<1x2x128x32xf32>, "
    "tensor<1x2x128x32xf32>, tensor<1x2x128x32xf32> -> tensor<1x2x128x32xf32>\n"
    "  return %o : tensor<1x2x128x32xf32>\n"
    "}\n";

/* Parses `program` and compiles it for sm_90 to directory/name, with the
 * kernel options `options` (NULL: attnCompileForGpu, the defaults). */
static MlirLogicalResult compileForGpu(MlirContext context, const char *program,
                                       const char *directory, const char *name,
                                       const char *options, int *diagnostics) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", directory, name);
  MlirModule module =
      attnParseModule(context, str(program), printDiagnostic, diagnostics);
  MlirLogicalResult result =
      options ? attnCompileForGpuWithOptions(module, str(path), str("sm_90"),
                                             str(options), printDiagnostic,
                                             diagnostics)
              : attnCompileForGpu(module, str(path), str("sm_90"),
                                  printDiagnostic, diagnostics);
  mlirModuleDestroy(module);
  return result;
}

/* Whether the file directory/name has a line that contains `text`. */
static int fileContains(const char *directory, const char *name,
                        const char *text) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", directory, name);
  FILE *file = fopen(path, "r");
  char line[256];
  int found = 0;
  while (file && fgets(line, sizeof line, file))
    found |= strstr(line, text) != NULL;
  if (file)
    fclose(file);
  return found;
}

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  char path[4096];
  int diagnostics = 0;

  /* The dialect handle alone registers attn in any context. */
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirDialectHandleInsertDialect(mlirGetDialectHandle__attn__(), registry);
  MlirContext bare = mlirContextCreateWithRegistry(registry, false);
  MlirDialect attn = mlirContextGetOrLoadDialect(bare, str("attn"));
  printf("handle loads attn: %d\n", !mlirDialectIsNull(attn));
  mlirContextDestroy(bare);
  mlirDialectRegistryDestroy(registry);

  attnRegisterPasses();
  attnRegisterPasses(); /* idempotent */
  MlirContext context = attnContextCreate();

  /* Parse, canonicalise (the wide window folds away), plan tiles. */
  MlirModule module =
      attnParseModule(context, str(kProgram), printDiagnostic, &diagnostics);
  printf("parsed: %d\n", !mlirModuleIsNull(module));
  MlirLogicalResult result = attnRunPassPipeline(
      module, str("builtin.module(canonicalize, attn-plan-tiles)"),
      printDiagnostic, &diagnostics);
  printf("pipeline: %d\n", mlirLogicalResultIsSuccess(result));
  mlirOperationPrint(mlirModuleGetOperation(module), printChunk, NULL);
  printf("\n");

  /* Compile to a shared library and call into it. */
  snprintf(path, sizeof path, "%s/causal.so", argv[1]);
  result = attnCompileForCpu(module, str(path), true, true, printDiagnostic,
                             &diagnostics);
  printf("compiled: %d\n", mlirLogicalResultIsSuccess(result));
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  printf("entry point: %d\n",
         library != NULL && dlsym(library, "attn_causal") != NULL);
  snprintf(path, sizeof path, "%s/causal.h", argv[1]);
  FILE *header = fopen(path, "r");
  printf("header: %d\n", header != NULL);
  if (header)
    fclose(header);
  mlirModuleDestroy(module);
  printf("diagnostics so far: %d\n", diagnostics);

  /* Failures: each returns, with a diagnostic line. */
  module = attnParseModule(
      context,
      str("func.func @f(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x7xf32>) "
          "-> tensor<1x1x4x8xf32> {\n  %o = attn.attention %q, %k, %k : "
          "tensor<1x1x4x8xf32>, tensor<1x1x4x7xf32>, tensor<1x1x4x7xf32> -> "
          "tensor<1x1x4x8xf32>\n  return %o : tensor<1x1x4x8xf32>\n}\n"),
      printDiagnostic, &diagnostics);
  printf("bad program is null: %d\n", mlirModuleIsNull(module));

  module =
      attnParseModule(context, str(kProgram), printDiagnostic, &diagnostics);
  result = attnRunPassPipeline(module, str("builtin.module(no-such-pass)"),
                               printDiagnostic, &diagnostics);
  printf("unknown pass fails: %d\n", mlirLogicalResultIsFailure(result));
  result = attnRunPassPipeline(
      module, str("builtin.module(attn-cpu-pipeline{vector-bits=7})"),
      printDiagnostic, &diagnostics);
  printf("bad pipeline option fails: %d\n", mlirLogicalResultIsFailure(result));
  result = attnRunPassPipeline(module, str("func.func(cse)"), printDiagnostic,
                               &diagnostics);
  printf("wrong anchor fails: %d\n", mlirLogicalResultIsFailure(result));
  result = attnRunPassPipeline(
      module, str("builtin.module(attn-print-block-map{block-q=0})"),
      printDiagnostic, &diagnostics);
  printf("failing pass fails: %d\n", mlirLogicalResultIsFailure(result));
  snprintf(path, sizeof path, "%s/causal.dll", argv[1]);
  result = attnCompileForCpu(module, str(path), true, true, printDiagnostic,
                             &diagnostics);
  printf("bad output fails: %d\n", mlirLogicalResultIsFailure(result));
  FILE *partial = fopen(path, "r");
  printf("nothing written: %d\n", partial == NULL);
  mlirModuleDestroy(module);

  /* C's empty string (NULL, 0) parses as an empty module; the null module
   * of a failed parse is refused by every call that takes a module. */
  module = attnParseModule(context, mlirStringRefCreate(NULL, 0),
                           printDiagnostic, &diagnostics);
  printf("null source parses: %d\n", !mlirModuleIsNull(module));
  mlirModuleDestroy(module);
  MlirModule none = {NULL};
  result = attnRunPassPipeline(none, str("builtin.module(cse)"),
                               printDiagnostic, &diagnostics);
  printf("null module pipeline fails: %d\n",
         mlirLogicalResultIsFailure(result));
  result = attnCompileForCpu(none, str(path), true, true, printDiagnostic,
                             &diagnostics);
  printf("null module compile fails: %d\n", mlirLogicalResultIsFailure(result));
  /* A module edited through the API into one that does not verify (its
   * function type no longer matches the block's arguments) is refused, not
   * compiled (the compiler asserted on it). */
  module =
      attnParseModule(context, str(kProgram), printDiagnostic, &diagnostics);
  MlirOperation function =
      mlirBlockGetFirstOperation(mlirModuleGetBody(module));
  mlirOperationSetAttributeByName(
      function, str("function_type"),
      mlirAttributeParseGet(context, str("(tensor<3xf32>) -> tensor<3xf32>")));
  snprintf(path, sizeof path, "%s/edited.so", argv[1]);
  result = attnCompileForCpu(module, str(path), true, true, printDiagnostic,
                             &diagnostics);
  printf("invalid module fails: %d\n", mlirLogicalResultIsFailure(result));
  mlirModuleDestroy(module);
  MlirContext noContext = {NULL};
  module =
      attnParseModule(noContext, str(kProgram), printDiagnostic, &diagnostics);
  printf("null context is null: %d\n", mlirModuleIsNull(module));

  /* GPU: PTX needs no toolkit; an f32 program is refused with the reason. */
  static const char *kGpuProgram =
      "func.func @gpu(%q: tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16> {\n"
      "  %o = attn.attention %q, %q, %q mask [#attn.causal] : "
      "tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16> "
      "-> tensor<1x2x64x64xbf16>\n"
      "  return %o : tensor<1x2x64x64xbf16>\n"
      "}\n";
  result = compileForGpu(context, kGpuProgram, argv[1], "gpu.ptx", NULL,
                         &diagnostics);
  printf("ptx: %d\n", mlirLogicalResultIsSuccess(result));
  printf("ptx has mma.sync: %d\n",
         fileContains(argv[1], "gpu.ptx", "mma.sync.aligned.m16n8k16"));
  printf("default CTA of 4 warps: %d\n",
         fileContains(argv[1], "gpu.ptx", ".maxntid 128,"));
  result =
      compileForGpu(context, kProgram, argv[1], "f32.so", NULL, &diagnostics);
  printf("f32 on the GPU fails: %d\n", mlirLogicalResultIsFailure(result));

  /* Kernel options as text reach the lowering (2 warps: 64 threads); any
   * whitespace separates them, and numbers and flags read as attn-compile's
   * flags do. */
  result = compileForGpu(context, kGpuProgram, argv[1], "two.ptx",
                         "warps=0x2\tping-pong=False\n head-pairs=off",
                         &diagnostics);
  printf("options ptx: %d\n", mlirLogicalResultIsSuccess(result));
  printf("CTA of 2 warps: %d\n",
         fileContains(argv[1], "two.ptx", ".maxntid 64,"));
  result = compileForGpu(context, kGpuProgram, argv[1], "empty.ptx", "",
                         &diagnostics);
  printf("empty options: %d\n", mlirLogicalResultIsSuccess(result));
  static const char *kBadOptions[] = {"warp=2",
                                      "warps=two",
                                      "clusters=yes",
                                      "head-pairs=true",
                                      "persistent=always",
                                      "warps=2 warps=4",
                                      "warps",
                                      "=2",
                                      "key-splits=99",
                                      "warps=1.5\tclusters=TRUE"};
  for (size_t i = 0; i < sizeof kBadOptions / sizeof *kBadOptions; ++i) {
    result = compileForGpu(context, kGpuProgram, argv[1], "bad.ptx",
                           kBadOptions[i], &diagnostics);
    printf("options '%s' fail: %d\n", kBadOptions[i],
           mlirLogicalResultIsFailure(result));
  }
  snprintf(path, sizeof path, "%s/bad.ptx", argv[1]);
  FILE *bad = fopen(path, "r");
  printf("nothing written for bad options: %d\n", bad == NULL);
  if (bad)
    fclose(bad);
  mlirContextDestroy(context);
  return 0;
}
