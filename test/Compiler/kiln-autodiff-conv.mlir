// RUN: kiln-opt %s -split-input-file -kiln-autodiff | FileCheck %s

// Tests the reverse sweep through conv2d (stride 2, padding 1, bias) and
// max_pool2d (2x2 windows at stride 1) in train_step. Everything works
// channels-last ([N, H, W, C]) between transposes.
// - max pooling: the index of each window's first maximum (taps compared with
//   the pooled result from the last to the first, so the first wins), then
//   per tap dy where the index is that tap, added into the tap's window of a
//   zero-filled dx.
// - conv2d, input gradient: dy [2, 3, 3, 4] spread at strides 2 into a
//   zero frame from row and column (3 - 1) * 1 = 2 (zeros between its rows
//   and columns), then a stride-1 convolution with the taps flipped (tap
//   (0, 0) reads weight tap (2, 2)), with the weight regrouped as [KH, KW, G,
//   F/G, C/G]; the 7x7 result read from [top, left] = [1, 1].
// - conv2d, weight gradient: per tap, the tap's strided view of the padded
//   input against dy, reduced over (n, oh, ow) into [C/G, F/G], inserted into
//   [KH, KW, G, C/G, F/G], then transposed and collapsed to [F, C/G, KH, KW].
// - conv2d, bias gradient: dy summed over the batch and the positions into
//   [F].
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[VIEW:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[TAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d4, d3)>
// CHECK-DAG: #[[ACC:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[WX:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4, d0)>
// CHECK-DAG: #[[WDY:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4, d1)>
// CHECK-DAG: #[[WOUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1)>
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<4x1x3x3xf32> {kiln.param = {name = "conv.weight", trainable = true}},
// CHECK-SAME: %[[B:[^:]+]]: tensor<4xf32> {kiln.param = {name = "conv.bias", trainable = true}},
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x1x6x6xf32> {kiln.input = {name = "x"}},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {kiln.scalar = "lr"}
// CHECK-NEXT: %[[C:.+]] = nn.conv2d %[[X]], %[[W]], %[[B]] {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
// CHECK-NEXT: %[[P:.+]] = nn.max_pool2d %[[C]]
// CHECK-NEXT: %[[F:.+]] = nn.reshape %[[P]]
// CHECK-NEXT: nn.mse_loss %[[F]]

// max_pool2d's VJP.
// CHECK: %[[DP:.+]] = nn.reshape %{{.+}} : tensor<2x16xf32> -> tensor<2x4x2x2xf32>
// CHECK: %[[DPL:.+]] = linalg.transpose ins(%[[DP]] : tensor<2x4x2x2xf32>) outs(%{{.+}} : tensor<2x2x2x4xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[CL:.+]] = linalg.transpose ins(%[[C]] : tensor<2x4x3x3xf32>) outs(%{{.+}} : tensor<2x3x3x4xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[V00:.+]] = tensor.extract_slice %[[CL]][0, 0, 0, 0] [2, 2, 2, 4] [1, 1, 1, 1]
// CHECK: %[[V01:.+]] = tensor.extract_slice %[[CL]][0, 0, 1, 0] [2, 2, 2, 4] [1, 1, 1, 1]
// CHECK: %[[V10:.+]] = tensor.extract_slice %[[CL]][0, 1, 0, 0] [2, 2, 2, 4] [1, 1, 1, 1]
// CHECK: %[[V11:.+]] = tensor.extract_slice %[[CL]][0, 1, 1, 0] [2, 2, 2, 4] [1, 1, 1, 1]
// CHECK: %[[PL:.+]] = linalg.transpose ins(%[[P]] : tensor<2x4x2x2xf32>) {{.*}} permutation = [0, 2, 3, 1]
// CHECK: %[[IDX:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]], #[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[V00]], %[[V01]], %[[V10]], %[[V11]], %[[PL]] : {{.*}}) outs(%{{.+}} : tensor<2x2x2x4xi32>)
// CHECK-NEXT: ^bb0(%[[T0:[^:]+]]: f32, %[[T1:[^:]+]]: f32, %[[T2:[^:]+]]: f32, %[[T3:[^:]+]]: f32, %[[MAX:[^:]+]]: f32, %{{.+}}: i32):
// CHECK-NEXT: %[[NONE:.+]] = arith.constant 4 : i32
// CHECK-NEXT: %[[HIT3:.+]] = arith.cmpf oeq, %[[T3]], %[[MAX]] : f32
// CHECK-NEXT: %[[C3:.+]] = arith.constant 3 : i32
// CHECK-NEXT: %[[S3:.+]] = arith.select %[[HIT3]], %[[C3]], %[[NONE]] : i32
// CHECK: arith.cmpf oeq, %[[T2]], %[[MAX]]
// CHECK: arith.cmpf oeq, %[[T1]], %[[MAX]]
// CHECK: %[[HIT0:.+]] = arith.cmpf oeq, %[[T0]], %[[MAX]] : f32
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : i32
// CHECK-NEXT: %[[S0:.+]] = arith.select %[[HIT0]], %[[C0]], %{{.+}} : i32
// CHECK-NEXT: linalg.yield %[[S0]] : i32
// CHECK: %[[DC0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x3x3x4xf32>)
// CHECK: %[[W00:.+]] = tensor.extract_slice %[[DC0]][0, 0, 0, 0] [2, 2, 2, 4] [1, 1, 1, 1]
// CHECK: %[[U00:.+]] = linalg.generic {{.*}} ins(%[[DPL]], %[[IDX]] : tensor<2x2x2x4xf32>, tensor<2x2x2x4xi32>) outs(%[[W00]] : tensor<2x2x2x4xf32>)
// CHECK-NEXT: ^bb0(%[[G:[^:]+]]: f32, %[[I:[^:]+]]: i32, %[[OLD:[^:]+]]: f32):
// CHECK-NEXT: %[[TAP0:.+]] = arith.constant 0 : i32
// CHECK-NEXT: %[[MINE:.+]] = arith.cmpi eq, %[[I]], %[[TAP0]] : i32
// CHECK-NEXT: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[SHARE:.+]] = arith.select %[[MINE]], %[[G]], %[[Z]] : f32
// CHECK-NEXT: %[[NEW:.+]] = arith.addf %[[OLD]], %[[SHARE]] : f32
// CHECK-NEXT: linalg.yield %[[NEW]]
// CHECK: %[[DC1:.+]] = tensor.insert_slice %[[U00]] into %[[DC0]][0, 0, 0, 0] [2, 2, 2, 4] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %[[DC1]][0, 0, 1, 0] [2, 2, 2, 4] [1, 1, 1, 1]
// CHECK: arith.constant 1 : i32
// CHECK: %[[DC2:.+]] = tensor.insert_slice %{{.+}} into %[[DC1]][0, 0, 1, 0]
// CHECK: %[[DC3:.+]] = tensor.insert_slice %{{.+}} into %[[DC2]][0, 1, 0, 0]
// CHECK: %[[DC4:.+]] = tensor.insert_slice %{{.+}} into %[[DC3]][0, 1, 1, 0]
// CHECK: %[[DCL:.+]] = tensor.extract_slice %[[DC4]][0, 0, 0, 0] [2, 3, 3, 4] [1, 1, 1, 1]
// CHECK: %[[DC:.+]] = linalg.transpose ins(%[[DCL]] : tensor<2x3x3x4xf32>) outs(%{{.+}} : tensor<2x4x3x3xf32>) permutation = [0, 3, 1, 2]

// conv2d's input gradient.
// CHECK: %[[DYL:.+]] = linalg.transpose ins(%[[DC]] : tensor<2x4x3x3xf32>) {{.*}} permutation = [0, 2, 3, 1]
// CHECK: %[[ZF:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x9x9x4xf32>)
// CHECK: %[[ZW:.+]] = tensor.extract_slice %[[ZF]][0, 2, 2, 0] [2, 3, 3, 4] [1, 2, 2, 1] : tensor<2x9x9x4xf32> to tensor<2x3x3x4xf32>
// CHECK: %[[ZC:.+]] = linalg.copy ins(%[[DYL]] : tensor<2x3x3x4xf32>) outs(%[[ZW]] : tensor<2x3x3x4xf32>)
// CHECK: %[[ZP:.+]] = tensor.insert_slice %[[ZC]] into %[[ZF]][0, 2, 2, 0] [2, 3, 3, 4] [1, 2, 2, 1]
// CHECK: %[[W5:.+]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [1, 4, 1, 3, 3]
// CHECK: %[[FT:.+]] = linalg.transpose ins(%[[W5]] : tensor<1x4x1x3x3xf32>) outs(%{{.+}} : tensor<3x3x1x4x1xf32>) permutation = [3, 4, 0, 1, 2]
// CHECK: %[[DX0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x7x7x1xf32>)
// CHECK: %[[ZV00:.+]] = tensor.extract_slice %[[ZP]][0, 0, 0, 0] [2, 7, 7, 4] [1, 1, 1, 1]
// CHECK: %[[FT22:.+]] = tensor.extract_slice %[[FT]][2, 2, 0, 0, 0] [1, 1, 1, 4, 1] [1, 1, 1, 1, 1] : tensor<3x3x1x4x1xf32> to tensor<4x1xf32>
// CHECK: %[[DX1:.+]] = linalg.generic {indexing_maps = [#[[VIEW]], #[[TAP]], #[[ACC]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[ZV00]], %[[FT22]] : tensor<2x7x7x4xf32>, tensor<4x1xf32>) outs(%[[DX0]] : tensor<2x7x7x1xf32>)
// CHECK: %[[ZV01:.+]] = tensor.extract_slice %[[ZP]][0, 0, 1, 0] [2, 7, 7, 4] [1, 1, 1, 1]
// CHECK: %[[FT21:.+]] = tensor.extract_slice %[[FT]][2, 1, 0, 0, 0] [1, 1, 1, 4, 1]
// CHECK: %[[DX2:.+]] = linalg.generic {{.*}} ins(%[[ZV01]], %[[FT21]] : {{.*}}) outs(%[[DX1]] : tensor<2x7x7x1xf32>)
// CHECK: %[[ZV22:.+]] = tensor.extract_slice %[[ZP]][0, 2, 2, 0] [2, 7, 7, 4] [1, 1, 1, 1]
// CHECK: %[[FT00:.+]] = tensor.extract_slice %[[FT]][0, 0, 0, 0, 0] [1, 1, 1, 4, 1]
// CHECK: %[[DX9:.+]] = linalg.generic {{.*}} ins(%[[ZV22]], %[[FT00]] : {{.*}}) outs(%{{.+}} : tensor<2x7x7x1xf32>)
// CHECK: %[[DXL:.+]] = tensor.extract_slice %[[DX9]][0, 1, 1, 0] [2, 6, 6, 1] [1, 1, 1, 1] : tensor<2x7x7x1xf32> to tensor<2x6x6x1xf32>
// CHECK: linalg.transpose ins(%[[DXL]] : tensor<2x6x6x1xf32>) outs(%{{.+}} : tensor<2x1x6x6xf32>) permutation = [0, 3, 1, 2]

// conv2d's weight gradient.
// CHECK: %[[XL:.+]] = linalg.transpose ins(%[[X]] : tensor<2x1x6x6xf32>) {{.*}} permutation = [0, 2, 3, 1]
// CHECK: tensor.empty() : tensor<2x8x8x1xf32>
// Zeros in the padding only: rows 0 and 7, then columns 0 and 7 of rows 1-6.
// CHECK: linalg.fill {{.*}} outs(%{{.+}} : tensor<2x1x8x1xf32>)
// CHECK: linalg.fill {{.*}} outs(%{{.+}} : tensor<2x1x8x1xf32>)
// CHECK: linalg.fill {{.*}} outs(%{{.+}} : tensor<2x6x1x1xf32>)
// CHECK: linalg.fill {{.*}} outs(%{{.+}} : tensor<2x6x1x1xf32>)
// CHECK: %[[XF:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 1, 7, 0] [2, 6, 1, 1] [1, 1, 1, 1]
// CHECK: %[[XW:.+]] = tensor.extract_slice %[[XF]][0, 1, 1, 0] [2, 6, 6, 1] [1, 1, 1, 1]
// CHECK: %[[XC:.+]] = linalg.copy ins(%[[XL]] : tensor<2x6x6x1xf32>) outs(%[[XW]] : tensor<2x6x6x1xf32>)
// CHECK: %[[XP:.+]] = tensor.insert_slice %[[XC]] into %[[XF]][0, 1, 1, 0] [2, 6, 6, 1] [1, 1, 1, 1]
// CHECK: %[[DYL2:.+]] = linalg.transpose ins(%[[DC]] : tensor<2x4x3x3xf32>) {{.*}} permutation = [0, 2, 3, 1]
// CHECK: %[[TAPS0:.+]] = tensor.empty() : tensor<3x3x1x1x4xf32>
// CHECK: %[[XV00:.+]] = tensor.extract_slice %[[XP]][0, 0, 0, 0] [2, 3, 3, 1] [1, 2, 2, 1] : tensor<2x8x8x1xf32> to tensor<2x3x3x1xf32>
// CHECK: %[[DW0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x4xf32>)
// CHECK: %[[DW00:.+]] = linalg.generic {indexing_maps = [#[[WX]], #[[WDY]], #[[WOUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[XV00]], %[[DYL2]] : tensor<2x3x3x1xf32>, tensor<2x3x3x4xf32>) outs(%[[DW0]] : tensor<1x4xf32>)
// CHECK: %[[TAPS1:.+]] = tensor.insert_slice %[[DW00]] into %[[TAPS0]][0, 0, 0, 0, 0] [1, 1, 1, 1, 4] [1, 1, 1, 1, 1] : tensor<1x4xf32> into tensor<3x3x1x1x4xf32>
// CHECK: %[[XV01:.+]] = tensor.extract_slice %[[XP]][0, 0, 1, 0] [2, 3, 3, 1] [1, 2, 2, 1]
// CHECK: %[[DW01:.+]] = linalg.generic {{.*}} ins(%[[XV01]], %[[DYL2]] : {{.*}})
// CHECK: tensor.insert_slice %[[DW01]] into %[[TAPS1]][0, 1, 0, 0, 0]
// CHECK: %[[XV22:.+]] = tensor.extract_slice %[[XP]][0, 2, 2, 0] [2, 3, 3, 1] [1, 2, 2, 1]
// CHECK: %[[DW22:.+]] = linalg.generic {{.*}} ins(%[[XV22]], %[[DYL2]] : {{.*}})
// CHECK: %[[TAPS9:.+]] = tensor.insert_slice %[[DW22]] into %{{.+}}[2, 2, 0, 0, 0] [1, 1, 1, 1, 4]
// CHECK: %[[DW5:.+]] = linalg.transpose ins(%[[TAPS9]] : tensor<3x3x1x1x4xf32>) outs(%{{.+}} : tensor<1x4x1x3x3xf32>) permutation = [2, 4, 3, 0, 1]
// CHECK: %[[DW:.+]] = tensor.collapse_shape %[[DW5]] {{\[\[}}0, 1], [2], [3], [4]] : tensor<1x4x1x3x3xf32> into tensor<4x1x3x3xf32>

// conv2d's bias gradient, then the updates.
// CHECK: %[[DB:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[G:[^:]+]]: f32, %[[SUM:[^:]+]]: f32):
// CHECK-NEXT: arith.addf %[[SUM]], %[[G]] : f32
// CHECK: optim.sgd %[[W]], %[[DW]], %[[LR]] : tensor<4x1x3x3xf32>, f32
// CHECK-NEXT: optim.sgd %[[B]], %[[DB]], %[[LR]] : tensor<4xf32>, f32
// CHECK-LABEL: func.func @eval_step(
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<2x1x6x6xf32> {kiln.input = {name = "x"}},
                   %w: tensor<4x1x3x3xf32> {kiln.param = {name = "conv.weight", trainable = true}},
                   %b: tensor<4xf32> {kiln.param = {name = "conv.bias", trainable = true}}) -> tensor<2x16xf32> {
    %c = nn.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
        : (tensor<2x1x6x6xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<2x4x3x3xf32>
    %p = nn.max_pool2d %c {window = array<i64: 2, 2>, strides = array<i64: 1, 1>} : tensor<2x4x3x3xf32> -> tensor<2x4x2x2xf32>
    %f = nn.reshape %p : tensor<2x4x2x2xf32> -> tensor<2x16xf32>
    return %f : tensor<2x16xf32>
  }
  func.func @loss(%p: tensor<2x16xf32>, %t: tensor<2x16xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x16xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests the reverse sweep through a grouped conv2d (2 groups: 2 channels in,
// 3 filters out each; no bias) and global average pooling.
// - global average pooling: dy [N, C] broadcast over height and width, times
//   1 / 9.
// - grouped input gradient: the weight regrouped as [KH, KW, G, F/G, C/G],
//   one contraction with dims (n, oh, ow, g, c, f), the channels split per
//   group.
// - grouped weight gradient: dims (g, c, f, n, oh, ow), x and dy split per
//   group, into [KH, KW, G, C/G, F/G].
// CHECK-DAG: #[[NC:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[GX:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5, d0, d1)>
// CHECK-DAG: #[[GDY:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5, d0, d2)>
// CHECK-DAG: #[[GOUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:[^:]+]]: tensor<6x2x1x1xf32> {kiln.param = {name = "conv.weight", trainable = true}},
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x4x3x3xf32> {kiln.input = {name = "x"}},
// CHECK: %[[DP:.+]] = nn.reshape %{{.+}} : tensor<2x6xf32> -> tensor<2x6x1x1xf32>
// CHECK: %[[DPF:.+]] = tensor.collapse_shape %[[DP]] {{\[\[}}0], [1, 2, 3]] : tensor<2x6x1x1xf32> into tensor<2x6xf32>
// CHECK: %[[DCL:.+]] = linalg.generic {indexing_maps = [#[[NC]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[DPF]] : tensor<2x6xf32>) outs(%{{.+}} : tensor<2x3x3x6xf32>)
// CHECK-NEXT: ^bb0(%[[G:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[NINTH:.+]] = arith.constant 0.1111{{[0-9]+}} : f32
// CHECK-NEXT: %[[SHARE:.+]] = arith.mulf %[[G]], %[[NINTH]] : f32
// CHECK-NEXT: linalg.yield %[[SHARE]]
// CHECK: %[[DC:.+]] = linalg.transpose ins(%[[DCL]] : tensor<2x3x3x6xf32>) outs(%{{.+}} : tensor<2x6x3x3xf32>) permutation = [0, 3, 1, 2]
// CHECK: %[[W5:.+]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 3, 2, 1, 1]
// CHECK: linalg.transpose ins(%[[W5]] : tensor<2x3x2x1x1xf32>) outs(%{{.+}} : tensor<1x1x2x3x2xf32>) permutation = [3, 4, 0, 1, 2]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<2x3x3x2x3xf32>, tensor<2x3x2xf32>) outs(%{{.+}} : tensor<2x3x3x2x2xf32>)
// CHECK: tensor.collapse_shape %{{.+}} {{\[\[}}0], [1], [2], [3, 4]] : tensor<2x3x3x2x2xf32> into tensor<2x3x3x4xf32>
// CHECK: %[[XL:.+]] = linalg.transpose ins(%[[X]] : tensor<2x4x3x3xf32>)
// CHECK: %[[TAPS0:.+]] = tensor.empty() : tensor<1x1x2x2x3xf32>
// CHECK: %[[XV:.+]] = tensor.extract_slice %[[XL]][0, 0, 0, 0] [2, 3, 3, 4] [1, 1, 1, 1]
// CHECK: %[[XG:.+]] = tensor.expand_shape %[[XV]] {{\[\[}}0], [1], [2], [3, 4]] output_shape [2, 3, 3, 2, 2]
// CHECK: %[[DYG:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0], [1], [2], [3, 4]] output_shape [2, 3, 3, 2, 3]
// CHECK: %[[DWT:.+]] = linalg.generic {indexing_maps = [#[[GX]], #[[GDY]], #[[GOUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[XG]], %[[DYG]] : tensor<2x3x3x2x2xf32>, tensor<2x3x3x2x3xf32>) outs(%{{.+}} : tensor<2x2x3xf32>)
// CHECK: %[[TAPS:.+]] = tensor.insert_slice %[[DWT]] into %[[TAPS0]][0, 0, 0, 0, 0] [1, 1, 2, 2, 3] [1, 1, 1, 1, 1]
// CHECK: %[[DW5:.+]] = linalg.transpose ins(%[[TAPS]] : tensor<1x1x2x2x3xf32>) outs(%{{.+}} : tensor<2x3x2x1x1xf32>) permutation = [2, 4, 3, 0, 1]
// CHECK: %[[DW:.+]] = tensor.collapse_shape %[[DW5]] {{\[\[}}0, 1], [2], [3], [4]] : tensor<2x3x2x1x1xf32> into tensor<6x2x1x1xf32>
// CHECK: optim.sgd %[[W]], %[[DW]]
// CHECK-LABEL: func.func @eval_step(
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<2x4x3x3xf32> {kiln.input = {name = "x"}},
                   %w: tensor<6x2x1x1xf32> {kiln.param = {name = "conv.weight", trainable = true}}) -> tensor<2x6xf32> {
    %c = nn.conv2d %x, %w {groups = 2} : (tensor<2x4x3x3xf32>, tensor<6x2x1x1xf32>) -> tensor<2x6x3x3xf32>
    %p = nn.avg_pool2d %c {window = array<i64: 3, 3>, strides = array<i64: 1, 1>} : tensor<2x6x3x3xf32> -> tensor<2x6x1x1xf32>
    %f = nn.reshape %p : tensor<2x6x1x1xf32> -> tensor<2x6xf32>
    return %f : tensor<2x6xf32>
  }
  func.func @loss(%p: tensor<2x6xf32>, %t: tensor<2x6xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x6xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests the input gradient of a conv2d with 8 filters (no groups), stride 2,
// padding 1: each tap, last first, adds dy times its weights ([F, C] =
// [8, 3]) into its strided window [2, 3, 3, 3] of a zeroed padded dx
// [2, 8, 8, 3] (no zeros spread into dy), one contraction per tap; dx is read
// from [1, 1] on.
// CHECK-DAG: #[[SVIEW:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[STAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d4, d3)>
// CHECK-DAG: #[[SACC:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @train_step
// CHECK: nn.conv2d
// CHECK: nn.conv2d
// CHECK: %[[DYL:.+]] = linalg.transpose ins(%{{.+}} : tensor<2x8x3x3xf32>) {{.*}} permutation = [0, 2, 3, 1]
// CHECK: %[[DX0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x8x8x3xf32>)
// CHECK-NEXT: %[[W22:.+]] = tensor.extract_slice %[[DX0]][0, 2, 2, 0] [2, 3, 3, 3] [1, 2, 2, 1] : tensor<2x8x8x3xf32> to tensor<2x3x3x3xf32>
// CHECK-NEXT: %[[T22:.+]] = tensor.extract_slice %{{.+}}[2, 2, 0, 0, 0] [1, 1, 1, 8, 3] [1, 1, 1, 1, 1] : tensor<3x3x1x8x3xf32> to tensor<8x3xf32>
// CHECK-NEXT: %[[S22:.+]] = linalg.generic {indexing_maps = [#[[SVIEW]], #[[STAP]], #[[SACC]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[DYL]], %[[T22]] : tensor<2x3x3x8xf32>, tensor<8x3xf32>) outs(%[[W22]] : tensor<2x3x3x3xf32>)
// CHECK: %[[DX1:.+]] = tensor.insert_slice %[[S22]] into %[[DX0]][0, 2, 2, 0] [2, 3, 3, 3] [1, 2, 2, 1]
// CHECK-NEXT: %[[W21:.+]] = tensor.extract_slice %[[DX1]][0, 2, 1, 0] [2, 3, 3, 3] [1, 2, 2, 1]
// CHECK: tensor.extract_slice %{{.+}}[0, 0, 0, 0] [2, 3, 3, 3] [1, 2, 2, 1]
// CHECK: %[[DX9:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 0, 0] [2, 3, 3, 3] [1, 2, 2, 1]
// CHECK-NEXT: %[[DXL:.+]] = tensor.extract_slice %[[DX9]][0, 1, 1, 0] [2, 6, 6, 3] [1, 1, 1, 1] : tensor<2x8x8x3xf32> to tensor<2x6x6x3xf32>
// CHECK: linalg.transpose ins(%[[DXL]] : tensor<2x6x6x3xf32>) outs(%{{.+}} : tensor<2x3x6x6xf32>) permutation = [0, 3, 1, 2]
// CHECK-LABEL: func.func @eval_step(
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<2x3x6x6xf32> {kiln.input = {name = "x"}},
                   %v: tensor<3x3x1x1xf32> {kiln.param = {name = "pre.weight", trainable = true}},
                   %w: tensor<8x3x3x3xf32> {kiln.param = {name = "conv.weight", trainable = true}}) -> tensor<2x72xf32> {
    %xs = nn.conv2d %x, %v : (tensor<2x3x6x6xf32>, tensor<3x3x1x1xf32>) -> tensor<2x3x6x6xf32>
    %c = nn.conv2d %xs, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
        : (tensor<2x3x6x6xf32>, tensor<8x3x3x3xf32>) -> tensor<2x8x3x3xf32>
    %f = nn.reshape %c : tensor<2x8x3x3xf32> -> tensor<2x72xf32>
    return %f : tensor<2x72xf32>
  }
  func.func @loss(%p: tensor<2x72xf32>, %t: tensor<2x72xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x72xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}

// -----

// Tests max pooling's input gradient when its windows tile the input (2x2 at
// stride 2; a 5x5 input leaves its last row and column uncovered): those
// strips of the channels-last dx frame are zeroed, and one op over
// (n, oh, i, ow, j, c) writes the covered [2, 4, 4, 3] part viewed as
// [2, 2, 2, 2, 2, 3]: dy where tap i * 2 + j is the first (row-major) tap equal
// to the window's maximum (the taps compared from the last to the first, so the
// first wins; 4 when none is, a NaN window).
// CHECK-DAG: #[[WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d5)>
// CHECK-DAG: #[[ID6:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-LABEL: func.func @train_step
// CHECK: %[[ROW:.+]] = linalg.fill {{.*}} -> tensor<2x1x5x3xf32>
// CHECK: %[[COL:.+]] = linalg.fill {{.*}} -> tensor<2x4x1x3xf32>
// CHECK: %[[FRAME:.+]] = tensor.insert_slice %[[COL]] into %{{.+}}[0, 0, 4, 0] [2, 4, 1, 3]
// CHECK-NEXT: %[[COVERED:.+]] = tensor.extract_slice %[[FRAME]][0, 0, 0, 0] [2, 4, 4, 3] [1, 1, 1, 1]
// CHECK-NEXT: %[[VIEW:.+]] = tensor.expand_shape %[[COVERED]] {{\[\[}}0], [1, 2], [3, 4], [5]] output_shape [2, 2, 2, 2, 2, 3]
// CHECK: %[[GRAD:.+]] = linalg.generic {indexing_maps = [#[[WIN]], #[[WIN]], #[[WIN]], #[[WIN]], #[[WIN]], #[[WIN]], #[[ID6]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%[[DY:[^,]+]], %[[T00:[^,]+]], %[[T01:[^,]+]], %[[T10:[^,]+]], %[[T11:[^,]+]], %[[Y:[^ ]+]] : {{.*}}) outs(%[[VIEW]] : tensor<2x2x2x2x2x3xf32>)
// CHECK-NEXT: ^bb0(%[[G:[^:]+]]: f32, %[[A:[^:]+]]: f32, %[[B:[^:]+]]: f32, %[[C:[^:]+]]: f32, %[[D:[^:]+]]: f32, %[[M:[^:]+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[NONE:.+]] = arith.constant 4 : i32
// CHECK-NEXT: %[[HD:.+]] = arith.cmpf oeq, %[[D]], %[[M]] : f32
// CHECK-NEXT: %[[THREE:.+]] = arith.constant 3 : i32
// CHECK-NEXT: %[[F3:.+]] = arith.select %[[HD]], %[[THREE]], %[[NONE]] : i32
// CHECK: %[[HA:.+]] = arith.cmpf oeq, %[[A]], %[[M]] : f32
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0 : i32
// CHECK-NEXT: %[[FIRST:.+]] = arith.select %[[HA]], %[[ZERO]], %{{.+}} : i32
// CHECK-NEXT: %[[I:.+]] = linalg.index 2 : index
// CHECK-NEXT: %[[KW:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[IK:.+]] = arith.muli %[[I]], %[[KW]] : index
// CHECK-NEXT: %[[J:.+]] = linalg.index 4 : index
// CHECK-NEXT: %[[TAP:.+]] = arith.addi %[[IK]], %[[J]] : index
// CHECK-NEXT: %[[TAP32:.+]] = arith.index_cast %[[TAP]] : index to i32
// CHECK-NEXT: %[[MINE:.+]] = arith.cmpi eq, %[[FIRST]], %[[TAP32]] : i32
// CHECK-NEXT: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[SHARE:.+]] = arith.select %[[MINE]], %[[G]], %[[Z]] : f32
// CHECK-NEXT: linalg.yield %[[SHARE]] : f32
// CHECK: %[[BACK:.+]] = tensor.collapse_shape %[[GRAD]] {{\[\[}}0], [1, 2], [3, 4], [5]] : tensor<2x2x2x2x2x3xf32> into tensor<2x4x4x3xf32>
// CHECK-NEXT: %[[DX:.+]] = tensor.insert_slice %[[BACK]] into %[[FRAME]][0, 0, 0, 0] [2, 4, 4, 3] [1, 1, 1, 1]
// CHECK-NOT: linalg.generic
// CHECK: linalg.transpose ins(%{{.+}} : tensor<2x5x5x3xf32>) outs(%{{.+}} : tensor<2x3x5x5xf32>) permutation = [0, 3, 1, 2]
// CHECK-LABEL: func.func @eval_step(
module attributes {kiln.optimizer = {type = "sgd"}} {
  func.func @model(%x: tensor<2x2x5x5xf32> {kiln.input = {name = "x"}},
                   %w: tensor<3x2x1x1xf32> {kiln.param = {name = "conv.weight", trainable = true}}) -> tensor<2x12xf32> {
    %c = nn.conv2d %x, %w : (tensor<2x2x5x5xf32>, tensor<3x2x1x1xf32>) -> tensor<2x3x5x5xf32>
    %p = nn.max_pool2d %c {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x3x5x5xf32> -> tensor<2x3x2x2xf32>
    %f = nn.reshape %p : tensor<2x3x2x2xf32> -> tensor<2x12xf32>
    return %f : tensor<2x12xf32>
  }
  func.func @loss(%p: tensor<2x12xf32>, %t: tensor<2x12xf32> {kiln.target = {name = "y"}}) -> tensor<f32> {
    %l = nn.mse_loss %p, %t : tensor<2x12xf32> -> tensor<f32>
    return %l : tensor<f32>
  }
}
