// RUN: kiln-translate --kiln-to-cpp --split-input-file --verify-diagnostics %s

// What the C++ backend cannot print is an error on the op, never wrong code.

func.func private @alloc() {
  // expected-error @+1 {{kiln C++ backend: cannot print 'memref.alloc'}}
  %m = memref.alloc() : memref<4xf32>
  return
}

// -----

func.func private @dynamic_strides(%m: memref<4x4xf32, strided<[?, 1]>>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{kiln C++ backend: memref without static strides}}
  %v = memref.load %m[%c0, %c0] : memref<4x4xf32, strided<[?, 1]>>
  return %v : f32
}

// -----

func.func private @transpose(%v: vector<4x8xf32>) -> vector<8x4xf32> {
  // expected-error @+1 {{kiln C++ backend: cannot print 'vector.transpose': no C++ form}}
  %t = vector.transpose %v, [1, 0] : vector<4x8xf32> to vector<8x4xf32>
  return %t : vector<8x4xf32>
}

// -----

// expected-error @+1 {{kiln C++ backend: external function 'sinf'}}
func.func private @sinf(f32) -> f32

// -----

func.func private @masked(%m: memref<32xf32>, %i: index) -> vector<32xf32> {
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{only in-bounds, unmasked, minor-identity reads of memrefs}}
  %v = vector.transfer_read %m[%i], %zero : memref<32xf32>, vector<32xf32>
  return %v : vector<32xf32>
}

// -----

func.func private @i1_in_memory(%m: memref<16xi1>) -> vector<16xi1> {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{kiln C++ backend: vector transfers of i1}}
  %v = vector.load %m[%c0] : memref<16xi1>, vector<16xi1>
  return %v : vector<16xi1>
}

// -----

func.func private @dynamic_lane(%v: vector<32xf32>, %i: index) -> f32 {
  // expected-error @+1 {{kiln C++ backend: a dynamic lane of a vector wider than 16 lanes}}
  %e = vector.extractelement %v[%i : index] : vector<32xf32>
  return %e : f32
}
