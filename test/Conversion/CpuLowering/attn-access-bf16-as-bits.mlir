// RUN: attn-opt %s --attn-access-bf16-as-bits | FileCheck %s

// bf16 loads and stores move i16 bits; a value loaded and stored again
// never becomes a bfloat (the bitcast pair cancels). Other types stay.
// CHECK-LABEL: llvm.func @copy(
// CHECK-SAME: %[[P:.*]]: !llvm.ptr, %[[Q:.*]]: !llvm.ptr
// CHECK-NEXT: %[[BITS:.*]] = llvm.load %[[P]] : !llvm.ptr -> i16
// CHECK-NEXT: llvm.store %[[BITS]], %[[Q]] : i16, !llvm.ptr
// CHECK-NEXT: %[[V:.*]] = llvm.load %[[P]] {alignment = 16 : i64} : !llvm.ptr -> vector<8xi16>
// CHECK-NEXT: %[[VB:.*]] = llvm.bitcast %[[V]] : vector<8xi16> to vector<8xbf16>
// CHECK-NEXT: %[[F:.*]] = llvm.load %[[Q]] : !llvm.ptr -> f32
// CHECK-NEXT: llvm.store %[[F]], %[[P]] : f32, !llvm.ptr
// CHECK-NEXT: llvm.return %[[VB]] : vector<8xbf16>
llvm.func @copy(%p: !llvm.ptr, %q: !llvm.ptr) -> vector<8xbf16> {
  %x = llvm.load %p : !llvm.ptr -> bf16
  llvm.store %x, %q : bf16, !llvm.ptr
  %v = llvm.load %p {alignment = 16 : i64} : !llvm.ptr -> vector<8xbf16>
  %f = llvm.load %q : !llvm.ptr -> f32
  llvm.store %f, %p : f32, !llvm.ptr
  llvm.return %v : vector<8xbf16>
}

// A bfloat computed here (an argument) is stored through a bitcast.
// CHECK-LABEL: llvm.func @store(
// CHECK-NEXT: %[[B:.*]] = llvm.bitcast %{{.*}} : bf16 to i16
// CHECK-NEXT: llvm.store %[[B]], %{{.*}} : i16, !llvm.ptr
llvm.func @store(%x: bf16, %p: !llvm.ptr) {
  llvm.store %x, %p : bf16, !llvm.ptr
  llvm.return
}
