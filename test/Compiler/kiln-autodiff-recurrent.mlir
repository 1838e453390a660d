// RUN: kiln-opt %s -kiln-autodiff -kiln-stage-linalg | FileCheck %s
// RUN: kiln-opt %s -kiln-autodiff -kiln-stage-linalg -kiln-stage-kernel -kiln-stage-tiled -kiln-stage-bufferized | FileCheck %s --check-prefix=BUF

// An LSTM over batch 5, T = 4 steps, 7 features, H = 6 (gates 4H = 24), its
// last step trained with mse.

// Tests that the LSTM's VJP is backprop through time as a loop: position 3 is
// peeled (nothing flows back into it), then an scf.for over positions
// n = 2 - k, k in [0, 2), then position 0 peeled (no previous cell). The loop
// carries the whole da [5, 4, 24] and the dh and dc [5, 4, 6] flowing back: an
// iteration reads the dh and dc that position n + 1 wrote at n, adds that dh
// to the loss's dh at n, writes its da at n and, by its one matmul by W_hh
// (da_n W_hh, [5, 24] x [24, 6]), the dh and dc flowing into n - 1. The
// weight gradients are then one matmul each over all steps: dW_ih = daᵀ x and
// dW_hh = daᵀ h_prev (h shifted one step, zeros at step 0).
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[WHH:[^:]+]]: tensor<24x6xf32> {kiln.param = {name = "lstm.weight_hh_l0", trainable = true}}
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// The forward: step 0 peeled, then steps k + 1 for k in [0, 3), each reading
// h of step k and doing one matmul by W_hhᵀ.
// CHECK: %[[WHHT:.+]] = linalg.transpose ins(%[[WHH]] : tensor<24x6xf32>) outs(%{{.+}} : tensor<6x24xf32>)
// CHECK-NOT: linalg.matmul ins
// CHECK: %[[FWD:.+]]:3 = scf.for %[[K:[^ ]+]] = %[[C0]] to %[[C3]] step %[[C1]] iter_args(%[[HA:[^ ]+]] = %{{.+}}, %{{[^ ]+}} = %{{.+}}, %{{[^ ]+}} = %{{.+}}) -> (tensor<5x4x6xf32>, tensor<5x4x6xf32>, tensor<5x4x24xf32>) {
// CHECK-NEXT: %[[N1:.+]] = arith.addi %[[K]], %[[C1]] : index
// CHECK-NEXT: tensor.extract_slice %{{.+}}[0, %[[N1]], 0] [5, 1, 24] [1, 1, 1] : tensor<5x4x24xf32> to tensor<5x24xf32>
// CHECK-NEXT: %[[HP:.+]] = tensor.extract_slice %[[HA]][0, %[[K]], 0] [5, 1, 6] [1, 1, 1] : tensor<5x4x6xf32> to tensor<5x6xf32>
// CHECK-NOT: linalg.matmul ins
// CHECK: linalg.matmul ins(%[[HP]], %[[WHHT]] : tensor<5x6xf32>, tensor<6x24xf32>)
// CHECK-NOT: linalg.matmul ins
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NOT: linalg.matmul ins
// The loss's dh: dy at step 3, zeros elsewhere.
// CHECK: %[[DH:.+]] = tensor.insert_slice %[[DY:[^ ]+]] into %{{.+}}[0, 3, 0] [5, 1, 6] [1, 1, 1] : tensor<5x6xf32> into tensor<5x4x6xf32>
// Position 3, peeled: dh = dy, no dc flowing in; c of steps 3 and 2.
// CHECK-NEXT: %[[G3:.+]] = tensor.extract_slice %[[FWD]]#2[0, 3, 0] [5, 1, 24] [1, 1, 1] : tensor<5x4x24xf32> to tensor<5x24xf32>
// CHECK-NEXT: %[[CT3:.+]] = tensor.extract_slice %[[FWD]]#1[0, 3, 0] [5, 1, 6] [1, 1, 1] : tensor<5x4x6xf32> to tensor<5x6xf32>
// CHECK-NEXT: %[[CT2:.+]] = tensor.extract_slice %[[FWD]]#1[0, 2, 0] [5, 1, 6] [1, 1, 1] : tensor<5x4x6xf32> to tensor<5x6xf32>
// CHECK-NEXT: %[[I3:.+]] = tensor.extract_slice %[[G3]][0, 0] [5, 6] [1, 1]
// CHECK-NEXT: %[[F3:.+]] = tensor.extract_slice %[[G3]][0, 6] [5, 6] [1, 1]
// CHECK-NEXT: %[[GG3:.+]] = tensor.extract_slice %[[G3]][0, 12] [5, 6] [1, 1]
// CHECK-NEXT: %[[O3:.+]] = tensor.extract_slice %[[G3]][0, 18] [5, 6] [1, 1]
// CHECK-NEXT: %[[D3:.+]]:5 = linalg.generic {{.*}} ins(%[[I3]], %[[F3]], %[[GG3]], %[[O3]], %[[CT3]], %[[DY]], %[[CT2]] : tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>) outs(
// CHECK-NOT: linalg.matmul ins
// CHECK: %[[DAT3:.+]] = tensor.insert_slice %[[D3]]#3 into %{{.+}}[0, 18] [5, 6] [1, 1] : tensor<5x6xf32> into tensor<5x24xf32>
// CHECK-NEXT: %[[DA3:.+]] = tensor.insert_slice %[[DAT3]] into %{{.+}}[0, 3, 0] [5, 1, 24] [1, 1, 1] : tensor<5x24xf32> into tensor<5x4x24xf32>
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: %[[DHB3:.+]] = linalg.matmul ins(%[[DAT3]], %[[WHH]] : tensor<5x24xf32>, tensor<24x6xf32>) outs(%{{.+}} : tensor<5x6xf32>)
// CHECK-NEXT: %[[DHS3:.+]] = tensor.insert_slice %[[DHB3]] into %{{.+}}[0, 2, 0] [5, 1, 6] [1, 1, 1] : tensor<5x6xf32> into tensor<5x4x6xf32>
// CHECK-NEXT: %[[DCS3:.+]] = tensor.insert_slice %[[D3]]#4 into %{{.+}}[0, 2, 0] [5, 1, 6] [1, 1, 1] : tensor<5x6xf32> into tensor<5x4x6xf32>
// Positions 2 and 1: the loop.
// CHECK-NEXT: %[[BWD:.+]]:3 = scf.for %[[J:[^ ]+]] = %[[C0]] to %[[C2]] step %[[C1]] iter_args(%[[DAA:[^ ]+]] = %[[DA3]], %[[DHA:[^ ]+]] = %[[DHS3]], %[[DCA:[^ ]+]] = %[[DCS3]]) -> (tensor<5x4x24xf32>, tensor<5x4x6xf32>, tensor<5x4x6xf32>) {
// CHECK-NEXT: %[[N:.+]] = arith.subi %[[C2]], %[[J]] : index
// CHECK-NEXT: %[[DHL:.+]] = tensor.extract_slice %[[DH]][0, %[[N]], 0] [5, 1, 6] [1, 1, 1] : tensor<5x4x6xf32> to tensor<5x6xf32>
// CHECK-NEXT: %[[DHF:.+]] = tensor.extract_slice %[[DHA]][0, %[[N]], 0] [5, 1, 6] [1, 1, 1] : tensor<5x4x6xf32> to tensor<5x6xf32>
// CHECK-NEXT: %[[DHT:.+]] = linalg.generic {{.*}} ins(%[[DHL]], %[[DHF]] : tensor<5x6xf32>, tensor<5x6xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK-NEXT: linalg.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[GN:.+]] = tensor.extract_slice %[[FWD]]#2[0, %[[N]], 0] [5, 1, 24] [1, 1, 1] : tensor<5x4x24xf32> to tensor<5x24xf32>
// CHECK-NEXT: %[[CTN:.+]] = tensor.extract_slice %[[FWD]]#1[0, %[[N]], 0] [5, 1, 6] [1, 1, 1] : tensor<5x4x6xf32> to tensor<5x6xf32>
// CHECK-NEXT: %[[P:.+]] = arith.subi %[[C1]], %[[J]] : index
// CHECK-NEXT: %[[CTP:.+]] = tensor.extract_slice %[[FWD]]#1[0, %[[P]], 0] [5, 1, 6] [1, 1, 1] : tensor<5x4x6xf32> to tensor<5x6xf32>
// CHECK-NEXT: %[[DCF:.+]] = tensor.extract_slice %[[DCA]][0, %[[N]], 0] [5, 1, 6] [1, 1, 1] : tensor<5x4x6xf32> to tensor<5x6xf32>
// CHECK-NEXT: %[[IN:.+]] = tensor.extract_slice %[[GN]][0, 0] [5, 6] [1, 1]
// CHECK-NEXT: %[[FN:.+]] = tensor.extract_slice %[[GN]][0, 6] [5, 6] [1, 1]
// CHECK-NEXT: %[[GGN:.+]] = tensor.extract_slice %[[GN]][0, 12] [5, 6] [1, 1]
// CHECK-NEXT: %[[ON:.+]] = tensor.extract_slice %[[GN]][0, 18] [5, 6] [1, 1]
// CHECK-NEXT: %[[D:.+]]:5 = linalg.generic {{.*}} ins(%[[IN]], %[[FN]], %[[GGN]], %[[ON]], %[[CTN]], %[[DHT]], %[[CTP]], %[[DCF]] : tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>) outs(
// dc = dh o (1 - tanh² c) + the dc flowing in; the dc flowing out is dc f.
// CHECK-NEXT: ^bb0(%[[AI:[^:]+]]: f32, %[[AF:[^:]+]]: f32, %[[AG:[^:]+]]: f32, %[[AO:[^:]+]]: f32, %[[AC:[^:]+]]: f32, %[[ADH:[^:]+]]: f32, %[[ACP:[^:]+]]: f32, %[[ADC:[^:]+]]: f32,
// CHECK-NEXT: %[[TC:.+]] = math.tanh %[[AC]] : f32
// CHECK-NEXT: %[[DHO:.+]] = arith.mulf %[[ADH]], %[[AO]] : f32
// CHECK-NEXT: %[[TC2:.+]] = arith.mulf %[[TC]], %[[TC]] : f32
// CHECK-NEXT: %[[OMT:.+]] = arith.subf %{{.+}}, %[[TC2]] : f32
// CHECK-NEXT: %[[DCH:.+]] = arith.mulf %[[DHO]], %[[OMT]] : f32
// CHECK-NEXT: %[[DC:.+]] = arith.addf %[[DCH]], %[[ADC]] : f32
// CHECK: %[[DCOUT:.+]] = arith.mulf %[[DC]], %[[AF]] : f32
// CHECK-NEXT: linalg.yield %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[DCOUT]] : f32, f32, f32, f32, f32
// CHECK-NOT: linalg.matmul ins
// CHECK: %[[DAT:.+]] = tensor.insert_slice %[[D]]#3 into %{{.+}}[0, 18] [5, 6] [1, 1] : tensor<5x6xf32> into tensor<5x24xf32>
// CHECK-NEXT: %[[DAN:.+]] = tensor.insert_slice %[[DAT]] into %[[DAA]][0, %[[N]], 0] [5, 1, 24] [1, 1, 1] : tensor<5x24xf32> into tensor<5x4x24xf32>
// CHECK-NEXT: %[[DHB:.+]] = linalg.matmul ins(%[[DAT]], %[[WHH]] : tensor<5x24xf32>, tensor<24x6xf32>) outs(%{{.+}} : tensor<5x6xf32>)
// CHECK-NEXT: %[[DHN:.+]] = tensor.insert_slice %[[DHB]] into %[[DHA]][0, %[[P]], 0] [5, 1, 6] [1, 1, 1] : tensor<5x6xf32> into tensor<5x4x6xf32>
// CHECK-NEXT: %[[DCN:.+]] = tensor.insert_slice %[[D]]#4 into %[[DCA]][0, %[[P]], 0] [5, 1, 6] [1, 1, 1] : tensor<5x6xf32> into tensor<5x4x6xf32>
// CHECK-NEXT: scf.yield %[[DAN]], %[[DHN]], %[[DCN]] : tensor<5x4x24xf32>, tensor<5x4x6xf32>, tensor<5x4x6xf32>
// CHECK-NEXT: }
// Position 0, peeled: the dh and dc the loop wrote at 0, no previous cell,
// no matmul by W_hh.
// CHECK-NEXT: %[[DHL0:.+]] = tensor.extract_slice %[[DH]][0, 0, 0] [5, 1, 6] [1, 1, 1]
// CHECK-NEXT: %[[DHF0:.+]] = tensor.extract_slice %[[BWD]]#1[0, 0, 0] [5, 1, 6] [1, 1, 1]
// CHECK-NEXT: %[[DHT0:.+]] = linalg.generic {{.*}} ins(%[[DHL0]], %[[DHF0]] : tensor<5x6xf32>, tensor<5x6xf32>)
// CHECK-NOT: linalg.matmul ins
// CHECK: %[[G0:.+]] = tensor.extract_slice %[[FWD]]#2[0, 0, 0] [5, 1, 24] [1, 1, 1]
// CHECK-NEXT: %[[CT0:.+]] = tensor.extract_slice %[[FWD]]#1[0, 0, 0] [5, 1, 6] [1, 1, 1]
// CHECK-NEXT: %[[DCF0:.+]] = tensor.extract_slice %[[BWD]]#2[0, 0, 0] [5, 1, 6] [1, 1, 1]
// CHECK-NOT: linalg.matmul ins
// CHECK: %[[D0:.+]]:5 = linalg.generic {{.*}} ins(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[CT0]], %[[DHT0]], %[[DCF0]] : tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x6xf32>) outs(
// CHECK-NOT: linalg.matmul ins
// CHECK: %[[DAT0:.+]] = tensor.insert_slice %[[D0]]#3 into %{{.+}}[0, 18] [5, 6] [1, 1]
// CHECK-NEXT: %[[DA:.+]] = tensor.insert_slice %[[DAT0]] into %[[BWD]]#0[0, 0, 0] [5, 1, 24] [1, 1, 1] : tensor<5x24xf32> into tensor<5x4x24xf32>
// CHECK-NEXT: %[[DAR:.+]] = tensor.collapse_shape %[[DA]] {{\[\[}}0, 1], [2]] : tensor<5x4x24xf32> into tensor<20x24xf32>
// CHECK-NOT: linalg.matmul ins
// CHECK: %[[DWIH:.+]] = linalg.matmul_transpose_a ins(%[[DAR]], %{{.+}} : tensor<20x24xf32>, tensor<20x7xf32>)
// CHECK-NOT: linalg.matmul ins
// CHECK: %[[HS:.+]] = tensor.extract_slice %[[FWD]]#0[0, 0, 0] [5, 3, 6] [1, 1, 1] : tensor<5x4x6xf32> to tensor<5x3x6xf32>
// CHECK-NEXT: %[[HPREV:.+]] = tensor.insert_slice %[[HS]] into %{{.+}}[0, 1, 0] [5, 3, 6] [1, 1, 1] : tensor<5x3x6xf32> into tensor<5x4x6xf32>
// CHECK-NEXT: %[[HPR:.+]] = tensor.collapse_shape %[[HPREV]] {{\[\[}}0, 1], [2]] : tensor<5x4x6xf32> into tensor<20x6xf32>
// CHECK-NOT: linalg.matmul ins
// CHECK: %[[DWHH:.+]] = linalg.matmul_transpose_a ins(%[[DAR]], %[[HPR]] : tensor<20x24xf32>, tensor<20x6xf32>)
// CHECK-NOT: linalg.matmul ins
// CHECK: linalg.generic {{.*}} ins(%[[DWIH]] : tensor<24x7xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[DWHH]] : tensor<24x6xf32>) outs(%[[WHH]] : tensor<24x6xf32>)

// Bufferized, both step loops update the carried sequences in place: each
// iteration reads the previous step's h and c (forward) or the dh and dc
// flowing in (backward) from the same buffers it writes its step's results
// into, and copies only step-sized blocks ([5, 6] of h, c, dh, dc; [5, 24] of
// the gates or da) into subviews of them. No memref.copy inside either loop
// has a rank-3 [5, T, ...] side.
// BUF-LABEL: func.func @train_step
// BUF-SAME: (%{{[^:]+}}: memref<24x7xf32>, %[[WHH:[^:]+]]: memref<24x6xf32>,
// BUF: scf.for %[[K:[^ ]+]] = %{{.+}} to %c3 step %{{.+}} {
// BUF-NEXT: %[[N1:.+]] = arith.addi %[[K]], %{{.+}} : index
// BUF-NOT: memref.copy {{.*}}memref<5x{{[0-9]+}}x{{[0-9]+}}x
// BUF: scf.for %[[R:[^ ]+]] = %{{.+}} to %c6 step %{{.+}} {
// BUF-NEXT: vector.transfer_read %[[HS:[a-z0-9_]+]][%{{.+}}, %[[K]], %[[R]]]{{.*}} : memref<5x4x6xf32>
// BUF-NOT: memref.copy {{.*}}memref<5x{{[0-9]+}}x{{[0-9]+}}x
// BUF: scf.for %[[B:[^ ]+]] = %{{.+}} to %c5 step %{{.+}} {
// BUF-NEXT: vector.transfer_read %{{[^[]+}}[%[[B]], %{{[^]]+}}]{{.*}} : memref<5x24xf32>
// BUF-NEXT: vector.transfer_read %{{[^[]+}}[%[[B]], %{{[^]]+}}]{{.*}} : memref<5x24xf32>
// BUF-NEXT: vector.transfer_read %{{[^[]+}}[%[[B]], %{{[^]]+}}]{{.*}} : memref<5x24xf32>
// BUF-NEXT: vector.transfer_read %{{[^[]+}}[%[[B]], %{{[^]]+}}]{{.*}} : memref<5x24xf32>
// BUF-NEXT: vector.transfer_read %[[CS:[a-z0-9_]+]][%[[B]], %[[K]], %{{.+}}]{{.*}} : memref<5x4x6xf32>
// BUF-NOT: memref.copy {{.*}}memref<5x{{[0-9]+}}x{{[0-9]+}}x
// BUF: %[[HV:.+]] = memref.subview %[[HS]][0, %[[N1]], 0] [5, 1, 6] [1, 1, 1] : memref<5x4x6xf32> to memref<5x6xf32, strided<[24, 1], offset: ?>>
// BUF-NEXT: memref.copy %{{.+}}, %[[HV]] : memref<5x6xf32> to memref<5x6xf32, strided<[24, 1], offset: ?>>
// BUF-NEXT: %[[CV:.+]] = memref.subview %[[CS]][0, %[[N1]], 0] [5, 1, 6] [1, 1, 1] : memref<5x4x6xf32> to memref<5x6xf32, strided<[24, 1], offset: ?>>
// BUF-NEXT: memref.copy %{{.+}}, %[[CV]] : memref<5x6xf32> to memref<5x6xf32, strided<[24, 1], offset: ?>>
// BUF-NEXT: %[[GV:.+]] = memref.subview %{{[^[]+}}[0, %[[N1]], 0] [5, 1, 24] [1, 1, 1] : memref<5x4x24xf32> to memref<5x24xf32, strided<[96, 1], offset: ?>>
// BUF-NEXT: memref.copy %{{.+}}, %[[GV]] : memref<5x24xf32> to memref<5x24xf32, strided<[96, 1], offset: ?>>
// BUF-NEXT: }
// The backward loop: position n = 2 - k reads the dh (added to the loss's)
// and dc flowing in at n, writes da at n, and the dh (da_n W_hh: a reduction
// over 4H = 24 reading W_hh itself) and dc flowing out at n - 1 = 1 - k.
// BUF: scf.for %[[J:[^ ]+]] = %{{.+}} to %c2 step %{{.+}} {
// BUF-NEXT: %[[N:.+]] = arith.subi %c2, %[[J]] : index
// BUF-NEXT: %[[P:.+]] = arith.subi %c1, %[[J]] : index
// BUF-NEXT: scf.for %[[B:[^ ]+]] = %{{.+}} to %c5 step %{{.+}} {
// BUF-NEXT: %[[DHL:.+]] = vector.transfer_read %{{[^[]+}}[%[[B]], %[[N]], %{{.+}}]{{.*}} : memref<5x4x6xf32>
// BUF-NEXT: %[[DHF:.+]] = vector.transfer_read %[[DHS:[a-z0-9_]+]][%[[B]], %[[N]], %{{.+}}]{{.*}} : memref<5x4x6xf32>
// BUF-NEXT: arith.addf %[[DHL]], %[[DHF]]
// BUF-NEXT: vector.transfer_read %{{[^[]+}}[%[[B]], %[[N]], %{{[^]]+}}]{{.*}} : memref<5x4x24xf32>
// BUF-NEXT: vector.transfer_read %{{[^[]+}}[%[[B]], %[[N]], %{{[^]]+}}]{{.*}} : memref<5x4x24xf32>
// BUF-NEXT: vector.transfer_read %{{[^[]+}}[%[[B]], %[[N]], %{{[^]]+}}]{{.*}} : memref<5x4x24xf32>
// BUF-NEXT: vector.transfer_read %{{[^[]+}}[%[[B]], %[[N]], %{{[^]]+}}]{{.*}} : memref<5x4x24xf32>
// BUF-NEXT: vector.transfer_read %{{[^[]+}}[%[[B]], %[[N]], %{{.+}}]{{.*}} : memref<5x4x6xf32>
// BUF-NEXT: vector.transfer_read %{{[^[]+}}[%[[B]], %[[P]], %{{.+}}]{{.*}} : memref<5x4x6xf32>
// BUF-NEXT: vector.transfer_read %[[DCS:[a-z0-9_]+]][%[[B]], %[[N]], %{{.+}}]{{.*}} : memref<5x4x6xf32>
// BUF-NOT: memref.copy {{.*}}memref<5x{{[0-9]+}}x{{[0-9]+}}x
// BUF: %[[DAV:.+]] = memref.subview %{{[^[]+}}[0, %[[N]], 0] [5, 1, 24] [1, 1, 1] : memref<5x4x24xf32> to memref<5x24xf32, strided<[96, 1], offset: ?>>
// BUF-NEXT: memref.copy %[[DAT:[^,]+]], %[[DAV]] : memref<5x24xf32> to memref<5x24xf32, strided<[96, 1], offset: ?>>
// BUF-NOT: memref.copy {{.*}}memref<5x{{[0-9]+}}x{{[0-9]+}}x
// BUF: scf.for %[[R:[^ ]+]] = %{{.+}} to %c24 step %{{.+}} {
// BUF-NEXT: vector.transfer_read %[[DAT]][%{{.+}}, %[[R]]]
// BUF-NEXT: vector.transfer_read %[[WHH]][%[[R]], %{{.+}}]
// BUF-NOT: memref.copy {{.*}}memref<5x{{[0-9]+}}x{{[0-9]+}}x
// BUF: %[[DHV:.+]] = memref.subview %[[DHS]][0, %[[P]], 0] [5, 1, 6] [1, 1, 1] : memref<5x4x6xf32> to memref<5x6xf32, strided<[24, 1], offset: ?>>
// BUF-NEXT: memref.copy %{{.+}}, %[[DHV]] : memref<5x6xf32> to memref<5x6xf32, strided<[24, 1], offset: ?>>
// BUF-NEXT: %[[DCV:.+]] = memref.subview %[[DCS]][0, %[[P]], 0] [5, 1, 6] [1, 1, 1] : memref<5x4x6xf32> to memref<5x6xf32, strided<[24, 1], offset: ?>>
// BUF-NEXT: memref.copy %{{.+}}, %[[DCV]] : memref<5x6xf32> to memref<5x6xf32, strided<[24, 1], offset: ?>>
// BUF-NEXT: }
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<5x4x7xf32> {kiln.input = {name = "x"}},
                   %wih: tensor<24x7xf32> {kiln.param = {name = "lstm.weight_ih_l0", trainable = true}},
                   %whh: tensor<24x6xf32> {kiln.param = {name = "lstm.weight_hh_l0", trainable = true}},
                   %bih: tensor<24xf32> {kiln.param = {name = "lstm.bias_ih_l0", trainable = true}},
                   %bhh: tensor<24xf32> {kiln.param = {name = "lstm.bias_hh_l0", trainable = true}}) -> tensor<5x6xf32> {
    %h, %c, %g = nn.lstm %x, %wih, %whh, %bih, %bhh
        : (tensor<5x4x7xf32>, tensor<24x7xf32>, tensor<24x6xf32>, tensor<24xf32>, tensor<24xf32>)
        -> (tensor<5x4x6xf32>, tensor<5x4x6xf32>, tensor<5x4x24xf32>)
    %y = nn.last_step %h : tensor<5x4x6xf32> -> tensor<5x6xf32>
    return %y : tensor<5x6xf32>
  }
  func.func @loss(%p: tensor<5x6xf32>, %t: tensor<5x6xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<5x6xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
