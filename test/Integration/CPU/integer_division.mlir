// Integer division and remainder whose divisor reaches 0 and -1 (and whose
// dividend reaches INT_MIN): undefined in arith, a trap (SIGFPE) in x86's
// idiv. attn-run died on `i / j` at j = 0; the CPU pipeline's
// attn-guard-integer-division now gives the reference's values: 0 by 0, the
// wrapped negation as a signed quotient by -1, 0 as its remainder. Each
// result moves the scores (its remainder by 7, a tenth each), so a value
// that differed from the reference's would fail the check.
// PASS-NOT: FAIL
// PASS: check=PASS

// RUN: attn-run %s --function=signed_i32 --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=signed_i32 --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @signed_i32(%q: tensor<1x1x9x8xf32>, %k: tensor<1x1x9x8xf32>, %v: tensor<1x1x9x8xf32>) -> tensor<1x1x9x8xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %ii = arith.index_cast %i : index to i32
    %jj = arith.index_cast %j : index to i32
    %d = arith.subi %jj, %ii : i32
    %c7 = arith.constant 7 : i32
    %c20 = arith.constant 20 : i32
    %c3 = arith.constant 3 : i32
    %min = arith.constant -2147483648 : i32
    %x0 = arith.muli %ii, %c7 : i32
    %x1 = arith.subi %x0, %c20 : i32
    %at3 = arith.cmpi eq, %ii, %c3 : i32
    %a = arith.select %at3, %min, %x1 : i32
    %q0 = arith.divsi %a, %d : i32
    %q1 = arith.remsi %a, %d : i32
    %q2 = arith.floordivsi %a, %d : i32
    %q3 = arith.ceildivsi %a, %d : i32
    %t0 = arith.addi %q0, %q1 : i32
    %r0 = arith.remsi %t0, %c7 : i32
    %r2 = arith.remsi %q2, %c7 : i32
    %r3 = arith.remsi %q3, %c7 : i32
    %r23 = arith.subi %r2, %r3 : i32
    %r1 = arith.muli %r23, %c3 : i32
    %r = arith.addi %r0, %r1 : i32
    %f = arith.sitofp %r : i32 to f32
    %tenth = arith.constant 0.1 : f32
    %m = arith.mulf %f, %tenth : f32
    %y = arith.addf %s, %m : f32
    attn.yield %y : f32
  } : tensor<1x1x9x8xf32>, tensor<1x1x9x8xf32>, tensor<1x1x9x8xf32> -> tensor<1x1x9x8xf32>
  return %o : tensor<1x1x9x8xf32>
}

// On index (64 bits): INT64_MIN / -1 wraps too.
// RUN: attn-run %s --function=signed_index --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=signed_index --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @signed_index(%q: tensor<1x1x9x8xf32>, %k: tensor<1x1x9x8xf32>, %v: tensor<1x1x9x8xf32>) -> tensor<1x1x9x8xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %d = arith.subi %j, %i : index
    %c7 = arith.constant 7 : index
    %c3 = arith.constant 3 : index
    %min = arith.constant -9223372036854775808 : index
    %x = arith.muli %i, %c7 : index
    %at3 = arith.cmpi eq, %i, %c3 : index
    %a = arith.select %at3, %min, %x : index
    %q0 = arith.divsi %a, %d : index
    %q1 = arith.remsi %a, %d : index
    %q2 = arith.floordivsi %a, %d : index
    %q3 = arith.ceildivsi %a, %d : index
    %t0 = arith.addi %q0, %q1 : index
    %r0 = arith.remsi %t0, %c7 : index
    %r2 = arith.remsi %q2, %c7 : index
    %r3 = arith.remsi %q3, %c7 : index
    %r23 = arith.subi %r2, %r3 : index
    %r1 = arith.muli %r23, %c3 : index
    %r = arith.addi %r0, %r1 : index
    %ri = arith.index_cast %r : index to i64
    %f = arith.sitofp %ri : i64 to f32
    %tenth = arith.constant 0.1 : f32
    %m = arith.mulf %f, %tenth : f32
    %y = arith.addf %s, %m : f32
    attn.yield %y : f32
  } : tensor<1x1x9x8xf32>, tensor<1x1x9x8xf32>, tensor<1x1x9x8xf32> -> tensor<1x1x9x8xf32>
  return %o : tensor<1x1x9x8xf32>
}

// Unsigned: only 0 traps.
// RUN: attn-run %s --function=unsigned_mask --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=unsigned_mask --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @unsigned_mask(%q: tensor<1x1x9x8xf32>, %k: tensor<1x1x9x8xf32>, %v: tensor<1x1x9x8xf32>) -> tensor<1x1x9x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c5 = arith.constant 5 : index
    %x = arith.addi %i, %c5 : index
    %q0 = arith.divui %x, %j : index
    %q1 = arith.remui %x, %j : index
    %q2 = arith.ceildivui %x, %j : index
    %t = arith.addi %q0, %q1 : index
    %u = arith.addi %t, %q2 : index
    %c2 = arith.constant 2 : index
    %parity = arith.remui %u, %c2 : index
    %c0 = arith.constant 0 : index
    %even = arith.cmpi eq, %parity, %c0 : index
    %diagonal = arith.cmpi eq, %i, %j : index
    %keep = arith.ori %even, %diagonal : i1
    attn.yield %keep : i1
  } : tensor<1x1x9x8xf32>, tensor<1x1x9x8xf32>, tensor<1x1x9x8xf32> -> tensor<1x1x9x8xf32>
  return %o : tensor<1x1x9x8xf32>
}

// Element-wise on tensors outside the attention: divisors of -1, 0, 1 and
// 2 (the random fill draws i32 in [0, 4)), and a dividend of INT_MIN where
// the divisor is -1.
// RUN: attn-run %s --function=tensor_division --check --seed=%seed | FileCheck %s --check-prefix=PASS
func.func @tensor_division(%a: tensor<64xi32>, %d: tensor<64xi32>) -> tensor<64xi32> {
  %c1 = arith.constant dense<1> : tensor<64xi32>
  %c3 = arith.constant dense<3> : tensor<64xi32>
  %min = arith.constant dense<-2147483648> : tensor<64xi32>
  %divisor = arith.subi %d, %c1 : tensor<64xi32>
  %x = arith.addi %a, %c3 : tensor<64xi32>
  %odd = arith.cmpi eq, %a, %c1 : tensor<64xi32>
  %y = arith.select %odd, %min, %x : tensor<64xi1>, tensor<64xi32>
  %q = arith.divsi %y, %divisor : tensor<64xi32>
  %r = arith.remsi %y, %divisor : tensor<64xi32>
  %u = arith.remui %x, %d : tensor<64xi32>
  %s = arith.addi %q, %r : tensor<64xi32>
  %t = arith.addi %s, %u : tensor<64xi32>
  return %t : tensor<64xi32>
}

// The same on i1 (where 1 is -1), and on tensors of open size.
// RUN: attn-run %s --function=boolean_and_open --shape a=40 --shape d=40 --check --seed=%seed | FileCheck %s --check-prefix=PASS
func.func @boolean_and_open(%a: tensor<?xi32>, %d: tensor<?xi32>) -> (tensor<?xi32>, tensor<?xi32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xi32>
  %one = arith.constant 1 : i32
  %ones = tensor.splat %one[%n] : tensor<?xi32>
  %divisor = arith.subi %d, %ones : tensor<?xi32>
  %q = arith.divsi %a, %divisor : tensor<?xi32>
  %two = arith.constant 2 : i32
  %twos = tensor.splat %two[%n] : tensor<?xi32>
  %ab = arith.cmpi slt, %a, %twos : tensor<?xi32>
  %db = arith.cmpi slt, %d, %twos : tensor<?xi32>
  %bq = arith.divsi %ab, %db : tensor<?xi1>
  %br = arith.remsi %ab, %db : tensor<?xi1>
  %bu = arith.divui %ab, %db : tensor<?xi1>
  %x1 = arith.extui %bq : tensor<?xi1> to tensor<?xi32>
  %x2 = arith.extui %br : tensor<?xi1> to tensor<?xi32>
  %x3 = arith.extui %bu : tensor<?xi1> to tensor<?xi32>
  %s1 = arith.addi %x1, %x2 : tensor<?xi32>
  %s2 = arith.addi %s1, %x3 : tensor<?xi32>
  return %q, %s2 : tensor<?xi32>, tensor<?xi32>
}
