// RUN: kiln-translate --kiln-to-cpp %s | FileCheck %s
// RUN: kiln-translate --kiln-to-cpp --cpp-vector-bits=256 %s | FileCheck %s --check-prefix=AVX2

// The C++ backend's printer (compiler/codegen/cpp): kernels and entry
// points of the cpp stage as C++17 with kiln_vec.h's vector types.

// Every function is declared first; the result structs before them.
// CHECK:       struct tiny_kernel_forward_2_result {
// CHECK-NEXT:    float r0;
// CHECK-NEXT:    f32x16 r1_0;
// CHECK-NEXT:    f32x16 r1_1;
// CHECK-NEXT:  };
// CHECK:       static void forward(const kiln_context *ctx, float *dense_0_weight, float *input_x, float *output_y, int8_t *workspace);

module attributes {kiln.name = "tiny", kiln.abi = {params = [{name = "dense_0.weight", shape = [64, 32], dtype = "f32"}], buffers = [], state = [], inputs = [{name = "x", shape = [32], dtype = "f32"}], targets = [], outputs = [{name = "y", shape = [32], dtype = "f32"}]}} {

  // A carried n-D vector (rows of 32 lanes: two 16-lane pieces each at 512
  // bits, four of 8 at 256), rows taken and replaced without copies, a
  // reduction of the pieces in halves, a view of the workspace, IEEE max.
  // CHECK-LABEL: // tiny_dense_0_forward (tiny_k0): layers dense_0
  // CHECK-NEXT:  static KILN_NOINLINE float tiny_dense_0_forward(float *a0, float *a1, int8_t *a2, int64_t a3) {
  // CHECK-NEXT:    float *v0 = reinterpret_cast<float *>(a2 + a3);
  // CHECK-NEXT:    f32x16 r1;
  // CHECK:         r4 = kiln::splat<f32x16>(0.0f);
  // CHECK-NEXT:    for (int64_t i0 = 0; i0 < 64; i0++) {
  // CHECK-NEXT:      f32x16 v5 = kiln::load<f32x16, 16>(a0 + i0 * 32);
  // CHECK-NEXT:      f32x16 v6 = kiln::load<f32x16, 16>(a0 + i0 * 32 + 16);
  // CHECK-NEXT:      f32x16 v7 = r1 + v5;
  // CHECK-NEXT:      f32x16 v8 = r2 + v6;
  // CHECK-NEXT:      r1 = v7;
  // CHECK-NEXT:      r2 = v8;
  // CHECK-NEXT:    }
  // CHECK-NEXT:    kiln::store<16>(a1, r1);
  // CHECK-NEXT:    kiln::store<16>(a1 + 16, r2);
  // CHECK-NEXT:    f32x16 v9 = r1 + r2;
  // CHECK-NEXT:    float v10 = kiln::reduce_add<16>(v9);
  // CHECK-NEXT:    float v11 = v0[32];
  // CHECK-NEXT:    float v12 = kiln::max<float>(v10, v11);
  // CHECK-NEXT:    return v12;
  // AVX2-LABEL: static KILN_NOINLINE float tiny_dense_0_forward(
  // AVX2:         f32x8 v{{[0-9]+}} = kiln::load<f32x8, 8>(a0 + i0 * 32 + 24);
  // AVX2:         kiln::reduce_add<8>(
  func.func private @tiny_k0(%buf: memref<64x32xf32>, %out: memref<32xf32>, %ws: memref<1024xi8>, %off: index) -> f32 attributes {no_inline} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c64 = arith.constant 64 : index
    %zero = arith.constant 0.0 : f32
    %acc0 = arith.constant dense<0.0> : vector<2x32xf32>
    %view = memref.view %ws[%off][] : memref<1024xi8> to memref<8x32xf32>
    %r = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %acc0) -> (vector<2x32xf32>) {
      %v = vector.transfer_read %buf[%i, %c0], %zero {in_bounds = [true]} : memref<64x32xf32>, vector<32xf32>
      %a = vector.extract %acc[0] : vector<32xf32> from vector<2x32xf32>
      %s = arith.addf %a, %v : vector<32xf32>
      %n = vector.insert %s, %acc [0] : vector<32xf32> into vector<2x32xf32>
      scf.yield %n : vector<2x32xf32>
    } loc("dense_0"("model.json":1:1))
    %row = vector.extract %r[0] : vector<32xf32> from vector<2x32xf32>
    vector.transfer_write %row, %out[%c0] {in_bounds = [true]} : vector<32xf32>, memref<32xf32>
    %sum = vector.reduction <add>, %row : vector<32xf32> into f32
    %x = memref.load %view[%c1, %c0] : memref<8x32xf32>
    %t = arith.maximumf %sum, %x : f32
    return %t : f32
  }

  // Lanes: a shuffle of two vectors (one builtin), a 10-lane vector in 16
  // lanes, a mask from an unordered compare, a select, an int conversion.
  // Vector arguments by const reference, each piece of a wide one (g++
  // passes a vector wider than the registers in memory, and crashed reading
  // a 64-byte one on AVX2).
  // CHECK-LABEL: static KILN_NOINLINE void tiny_kernel_forward(const f32x16 &a0, const f32x16 &a1, float *a2, int64_t *a3) {
  // AVX2-LABEL: static KILN_NOINLINE void tiny_kernel_forward(const f32x8 &a0_0, const f32x8 &a0_1, const f32x8 &a1_0, const f32x8 &a1_1, float *a2, int64_t *a3) {
  // CHECK:         f32x16 v{{[0-9]+}} = __builtin_shufflevector(a0, a1, 0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28, 13, 29);
  // CHECK:         f32x16 [[T:v[0-9]+]] = kiln::load<f32x16, 10>(a2);
  // CHECK:         i32x16 [[M:v[0-9]+]] = kiln::cmp_ult<f32x16>([[T]], (kiln::splat<f32x16>(1.0f)));
  // CHECK:         f32x16 [[S:v[0-9]+]] = kiln::select([[M]], [[T]], (kiln::splat<f32x16>(1.0f)));
  // CHECK:         kiln::store<10>(a2, [[S]]);
  // CHECK:         i64x16 v{{[0-9]+}} = kiln::convert<i64x16>(
  func.func private @tiny_k1(%a: vector<16xf32>, %b: vector<16xf32>, %m: memref<10xf32>, %n: memref<10xi64>) attributes {no_inline} {
    %c0 = arith.constant 0 : index
    %zero = arith.constant 0.0 : f32
    %one = arith.constant dense<1.0> : vector<10xf32>
    %s = vector.shuffle %a, %b [0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28, 13, 29] : vector<16xf32>, vector<16xf32>
    %t = vector.transfer_read %m[%c0], %zero {in_bounds = [true]} : memref<10xf32>, vector<10xf32>
    %lt = arith.cmpf ult, %t, %one : vector<10xf32>
    %sel = arith.select %lt, %t, %one : vector<10xi1>, vector<10xf32>
    vector.transfer_write %sel, %m[%c0] {in_bounds = [true]} : vector<10xf32>, memref<10xf32>
    %i = arith.fptosi %sel : vector<10xf32> to vector<10xi64>
    vector.transfer_write %i, %n[%c0] {in_bounds = [true]} : vector<10xi64>, memref<10xi64>
    return
  }

  // Several results: a struct (declared first), one field per piece of a
  // wide vector.
  func.func private @tiny_k2(%x: f32) -> (f32, vector<32xf32>) attributes {no_inline} {
    %v = vector.splat %x : vector<32xf32>
    return %x, %v : f32, vector<32xf32>
  }

  // An entry point: the context first, arguments named after the manifest;
  // a kernel split for threads is called through kiln_parallel when called
  // over all its trips.
  // CHECK-LABEL: static void forward(const kiln_context *ctx, float *dense_0_weight, float *input_x, float *output_y, int8_t *workspace) {
  // CHECK-NEXT:    kiln_parallel(ctx, 4, [&](int64_t begin, int64_t end) { tiny_dense_0_forward_2(dense_0_weight, input_x, begin, end); });
  // CHECK-NEXT:    tiny_dense_0_forward_2(dense_0_weight, input_x, 0, 2);
  // CHECK-NEXT:    tiny_kernel_forward_2_result v0 = tiny_kernel_forward_2(1.0f);
  // CHECK-NEXT:    return;
  func.func private @tiny_k3(%w: memref<64x32xf32>, %x: memref<32xf32>, %begin: index, %end: index) attributes {no_inline, kiln.parallel_trips = 4 : i64} {
    %c0 = arith.constant 0 : index
    %v = memref.load %w[%begin, %c0] : memref<64x32xf32> loc("dense_0"("model.json":1:1))
    memref.store %v, %x[%end] : memref<32xf32>
    return
  }
  func.func @forward(%w: memref<64x32xf32>, %x: memref<32xf32>, %y: memref<32xf32>, %ws: memref<1024xi8>) attributes {kiln.entry = {name = "forward", mode = "eval", batch = 1 : i64}, kiln.bindings = [{table = "params", index = 0 : i64}, {table = "inputs", index = 0 : i64}, {table = "outputs", index = 0 : i64}, {table = "workspace"}], kiln.workspace_bytes = 1024 : i64} {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %one = arith.constant 1.0 : f32
    call @tiny_k3(%w, %x, %c0, %c4) : (memref<64x32xf32>, memref<32xf32>, index, index) -> ()
    call @tiny_k3(%w, %x, %c0, %c2) : (memref<64x32xf32>, memref<32xf32>, index, index) -> ()
    %r:2 = call @tiny_k2(%one) : (f32) -> (f32, vector<32xf32>)
    return
  }
  // The ABI wrapper reads each argument from its table slot.
  // CHECK-LABEL: extern "C" float model_forward(const kiln_bindings *bindings, const kiln_call *call) {
  // CHECK-NEXT:    forward(bindings->context,
  // CHECK-NEXT:        (float *)bindings->params[0],
  // CHECK-NEXT:        (float *)call->inputs[0],
  // CHECK-NEXT:        (float *)call->outputs[0],
  // CHECK-NEXT:        (int8_t *)bindings->workspace);
  // CHECK-NEXT:    return 0;
  // CHECK:       extern "C" const kiln_model_api *model_abi(void) {
  // CHECK:             model_forward, // forward
}
