// attn-run --check --results checks results computed elsewhere (a GPU build
// of the function, say) against the reference instead of running the
// function: results written by a run pass, a corrupted element fails, and
// misuse or a wrong file is a clear error.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/make_npy.py %t/q.npy '<f4' 1x2x5x4
// RUN: %python %S/make_npy.py %t/k.npy '<f4' 1x1x7x4
// RUN: attn-run %s --function=brain --input q=%t/q.npy --input k=%t/k.npy --input v=%t/k.npy --output %t/run
// RUN: attn-run %s --function=brain --input q=%t/q.npy --input k=%t/k.npy --input v=%t/k.npy --check --results %t/run | FileCheck %s --check-prefix=PASS
// --output removes the results an earlier run of a function with more
// results left (result1.npy, result2.npy), and no other file.
// RUN: mkdir -p %t/stale/result3.npy && touch %t/stale/result1.npy %t/stale/result2.npy %t/stale/result01.npy %t/stale/resultx.npy %t/stale/result.npy %t/stale/result1.npy.txt
// RUN: attn-run %s --function=brain --output %t/stale > /dev/null
// RUN: ls %t/stale | FileCheck %s --check-prefix=STALE --implicit-check-not=result1.npy --implicit-check-not=result2.npy
// STALE: result.npy
// STALE-NEXT: result0.npy
// STALE-NEXT: result01.npy
// STALE-NEXT: result1.npy.txt
// STALE-NEXT: result3.npy
// STALE-NEXT: resultx.npy
// A stale-named file that this run reads as an input stays, with a warning.
// RUN: mkdir -p %t/reread && cp %t/k.npy %t/reread/result1.npy && touch %t/reread/result2.npy
// RUN: attn-run %s --function=brain --input q=%t/q.npy --input k=%t/reread/result1.npy --input v=%t/k.npy --output %t/reread 2>&1 > /dev/null | FileCheck %s --check-prefix=REREAD -DDIR=%t/reread
// RUN: ls %t/reread | FileCheck %s --check-prefix=REREAD-LS --implicit-check-not=result2.npy
// REREAD: attn-run: warning: [[DIR]]{{/|\\}}result1.npy is left in place: this run read it as an input, though its name is that of an earlier run's result
// REREAD-LS: result0.npy
// REREAD-LS-NEXT: result1.npy
// PASS: result 0 (1x2x5x4xbf16): max abs error
// PASS-SAME: PASS
// PASS: check=PASS
// Another run's inputs (a different random fill) do not match these results.
// RUN: not attn-run %s --function=brain --seed=7 --check --results %t/run | FileCheck %s --check-prefix=FAIL
// FAIL: check=FAIL
// One element (the last) moved by 1.0 fails:
// RUN: mkdir -p %t/bad && %python -c "import struct; d=bytearray(open('%t/run/result0.npy','rb').read()); d[-4:]=struct.pack('<f', struct.unpack('<f', d[-4:])[0] + 1.0); open('%t/bad/result0.npy','wb').write(d)"
// RUN: not attn-run %s --function=brain --input q=%t/q.npy --input k=%t/k.npy --input v=%t/k.npy --check --results %t/bad | FileCheck %s --check-prefix=FAIL
// The failing line names the element and both values.
// RUN: not attn-run %s --function=brain --input q=%t/q.npy --input k=%t/k.npy --input v=%t/k.npy --check --results %t/bad | FileCheck %s --check-prefix=MOVED
// MOVED: result 0 (1x2x5x4xbf16): {{.*}}; element [0, 1, 4, 3] is {{.*}}, the reference's {{.*}}  FAIL
// NaN never passes, not even where the reference is NaN too: sqrt of a
// negative number is NaN both ways (attn-run used to pass it).
// RUN: not attn-run %s --function=nan_program --check | FileCheck %s --check-prefix=NAN
// RUN: not attn-run %s --function=nan_program --check --path=reference | FileCheck %s --check-prefix=NAN
// NAN: result 0 (2x3xf32): max abs error {{.*}}, 6 NaN/inf entries; element [0, 0] is nan, the reference's nan  FAIL
// NAN: max_error=nan check=FAIL
// RUN: not attn-run %s --function=brain --results %t/run 2>&1 | FileCheck %s --check-prefix=USAGE
// RUN: not attn-run %s --function=brain --check --bench=2 --results %t/run 2>&1 | FileCheck %s --check-prefix=USAGE
// USAGE: attn-run: error: --results checks results computed elsewhere: it needs --check and takes neither --bench nor --output
// RUN: not attn-run %s --function=brain --check --results %t/none 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: attn-run: error: {{.*}}none/result0.npy
// RUN: mkdir -p %t/wrong && %python %S/make_npy.py %t/wrong/result0.npy '<f4' 1x2x6x4
// RUN: not attn-run %s --function=brain --check --results %t/wrong 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: attn-run: error: result 0 is 1x2x5x4xbf16 (f32 in the file), but '{{.*}}wrong/result0.npy' holds 1x2x6x4xf32

func.func @brain(%q: tensor<1x2x5x4xbf16>, %k: tensor<1x1x7x4xbf16>, %v: tensor<1x1x7x4xbf16>) -> tensor<1x2x5x4xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x5x4xbf16>, tensor<1x1x7x4xbf16>, tensor<1x1x7x4xbf16> -> tensor<1x2x5x4xbf16>
  return %o : tensor<1x2x5x4xbf16>
}

func.func @nan_program(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %m = arith.mulf %x, %x : tensor<2x3xf32>
  %one = arith.constant dense<1.0> : tensor<2x3xf32>
  %s = arith.addf %m, %one : tensor<2x3xf32>
  %n = arith.negf %s : tensor<2x3xf32>
  %r = math.sqrt %n : tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}
