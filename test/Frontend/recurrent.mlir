// Tests the recurrent layers (lstm, gru, simple_rnn): PyTorch's parameter names per layer and direction, the nn ops
// they become, and the errors that name their layers.
// The models are in Inputs/ (not run by lit): JSON has no comments for RUN lines.

// Tests that a bidirectional 2-layer lstm over [5, 3] has PyTorch's parameters: per layer k and direction
// weight_ih_l<k>[_reverse] [4H, in], weight_hh_ [4H, H], bias_ih_, bias_hh_ [4H], all U(-1/sqrt(H), 1/sqrt(H))
// (fan_in = H), layer 1 reading both directions of layer 0 (in = 2H = 8). Each layer is a forward and a reverse
// nn.lstm on the same input joined by concat on the features; without return_sequences, last_step.
// RUN: kilnc %S/Inputs/recurrent-bilstm.json --compile-to=graph | FileCheck %s --check-prefix=BILSTM
// Parameters: 2 x (16 x 3 + 16 x 4 + 2 x 16) + 2 x (16 x 8 + 16 x 4 + 2 x 16) = 736.
// BILSTM: module attributes {kiln.layers = [{flops = 6880 : i64, name = "lstm", output_shape = [8], params = 736 : i64, trainable = true, type = "lstm"},
// BILSTM-LABEL: func.func @model
// BILSTM-SAME: (%[[X:[^:]+]]: tensor<2x5x3xf32> {kiln.input = {name = "x"}},
// BILSTM-SAME: %[[WIH0:[^:]+]]: tensor<16x3xf32> {kiln.param = {fan_in = 4 : i64, fan_out = 16 : i64, init = "uniform_fan_in", name = "lstm.weight_ih_l0", trainable = true}},
// BILSTM-SAME: %[[WHH0:[^:]+]]: tensor<16x4xf32> {kiln.param = {{.*}} name = "lstm.weight_hh_l0", trainable = true}},
// BILSTM-SAME: %[[BIH0:[^:]+]]: tensor<16xf32> {kiln.param = {fan_in = 4 : i64, fan_out = 16 : i64, init = "uniform_fan_in", name = "lstm.bias_ih_l0", trainable = true}},
// BILSTM-SAME: %[[BHH0:[^:]+]]: tensor<16xf32> {kiln.param = {{.*}} name = "lstm.bias_hh_l0", trainable = true}},
// BILSTM-SAME: %[[WIH0R:[^:]+]]: tensor<16x3xf32> {kiln.param = {{.*}} name = "lstm.weight_ih_l0_reverse", trainable = true}},
// BILSTM-SAME: %[[WHH0R:[^:]+]]: tensor<16x4xf32> {kiln.param = {{.*}} name = "lstm.weight_hh_l0_reverse", trainable = true}},
// BILSTM-SAME: %[[BIH0R:[^:]+]]: tensor<16xf32> {kiln.param = {{.*}} name = "lstm.bias_ih_l0_reverse", trainable = true}},
// BILSTM-SAME: %[[BHH0R:[^:]+]]: tensor<16xf32> {kiln.param = {{.*}} name = "lstm.bias_hh_l0_reverse", trainable = true}},
// BILSTM-SAME: %[[WIH1:[^:]+]]: tensor<16x8xf32> {kiln.param = {{.*}} name = "lstm.weight_ih_l1", trainable = true}},
// BILSTM-SAME: %[[WHH1:[^:]+]]: tensor<16x4xf32> {kiln.param = {{.*}} name = "lstm.weight_hh_l1", trainable = true}},
// BILSTM-SAME: %[[BIH1:[^:]+]]: tensor<16xf32> {kiln.param = {{.*}} name = "lstm.bias_ih_l1", trainable = true}},
// BILSTM-SAME: %[[BHH1:[^:]+]]: tensor<16xf32> {kiln.param = {{.*}} name = "lstm.bias_hh_l1", trainable = true}},
// BILSTM-SAME: %[[WIH1R:[^:]+]]: tensor<16x8xf32> {kiln.param = {{.*}} name = "lstm.weight_ih_l1_reverse", trainable = true}},
// BILSTM-SAME: %[[WHH1R:[^:]+]]: tensor<16x4xf32> {kiln.param = {{.*}} name = "lstm.weight_hh_l1_reverse", trainable = true}},
// BILSTM-SAME: %[[BIH1R:[^:]+]]: tensor<16xf32> {kiln.param = {{.*}} name = "lstm.bias_ih_l1_reverse", trainable = true}},
// BILSTM-SAME: %[[BHH1R:[^:]+]]: tensor<16xf32> {kiln.param = {{.*}} name = "lstm.bias_hh_l1_reverse", trainable = true}},
// BILSTM-SAME: %[[HW:[^:]+]]: tensor<1x8xf32> {kiln.param = {{.*}} name = "head.weight", trainable = true}},
// BILSTM-SAME: %[[HB:[^:]+]]: tensor<1xf32> {kiln.param = {{.*}} name = "head.bias", trainable = true}}) -> tensor<2x1xf32>
// BILSTM-NEXT: %[[F0:[^,]+]], %{{.+}}, %{{.+}} = nn.lstm %[[X]], %[[WIH0]], %[[WHH0]], %[[BIH0]], %[[BHH0]] : (tensor<2x5x3xf32>, tensor<16x3xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<2x5x16xf32>)
// BILSTM-NEXT: %[[R0:[^,]+]], %{{.+}}, %{{.+}} = nn.lstm %[[X]], %[[WIH0R]], %[[WHH0R]], %[[BIH0R]], %[[BHH0R]] {reverse} : (tensor<2x5x3xf32>, tensor<16x3xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<2x5x16xf32>)
// BILSTM-NEXT: %[[L0:.+]] = nn.concat %[[F0]], %[[R0]] {axis = 2 : i64} : (tensor<2x5x4xf32>, tensor<2x5x4xf32>) -> tensor<2x5x8xf32>
// BILSTM-NEXT: %[[F1:[^,]+]], %{{.+}}, %{{.+}} = nn.lstm %[[L0]], %[[WIH1]], %[[WHH1]], %[[BIH1]], %[[BHH1]] : (tensor<2x5x8xf32>, tensor<16x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<2x5x16xf32>)
// BILSTM-NEXT: %[[R1:[^,]+]], %{{.+}}, %{{.+}} = nn.lstm %[[L0]], %[[WIH1R]], %[[WHH1R]], %[[BIH1R]], %[[BHH1R]] {reverse} : (tensor<2x5x8xf32>, tensor<16x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<2x5x16xf32>)
// BILSTM-NEXT: %[[L1:.+]] = nn.concat %[[F1]], %[[R1]] {axis = 2 : i64} : (tensor<2x5x4xf32>, tensor<2x5x4xf32>) -> tensor<2x5x8xf32>
// BILSTM-NEXT: %[[LAST:.+]] = nn.last_step %[[L1]] : tensor<2x5x8xf32> -> tensor<2x8xf32>
// BILSTM-NEXT: %[[Y:.+]] = nn.dense %[[LAST]], %[[HW]], %[[HB]] : (tensor<2x8xf32>, tensor<1x8xf32>, tensor<1xf32>) -> tensor<2x1xf32>
// BILSTM-NEXT: return %[[Y]] : tensor<2x1xf32>

// Tests that the bidirectional lstm trains: train_step updates all 18 parameters, and the model lowers completely.
// RUN: kilnc %S/Inputs/recurrent-bilstm.json --compile-to=autodiff | FileCheck %s --check-prefix=BILSTM-AUTODIFF
// BILSTM-AUTODIFF-LABEL: func.func @train_step
// BILSTM-AUTODIFF-COUNT-18: optim.adam
// BILSTM-AUTODIFF-NOT: optim.adam
// BILSTM-AUTODIFF-LABEL: func.func @eval_step
// RUN: kilnc %S/Inputs/recurrent-bilstm.json --compile-to=linalg | FileCheck %s --check-prefix=BILSTM-LINALG --implicit-check-not=" nn."
// BILSTM-LINALG-LABEL: func.func @train_step
// BILSTM-LINALG: math.tanh

// Tests that gru (3H rows) with return_sequences keeps every step (no last_step after it), and that a bidirectional
// simple_rnn (H rows) after it reads its [5, 4] and ends with last_step over both directions.
// RUN: kilnc %S/Inputs/recurrent-gru-rnn.json --compile-to=graph | FileCheck %s --check-prefix=GRU-RNN
// GRU-RNN: module attributes {kiln.layers = [{flops = 1040 : i64, name = "gru", output_shape = [5, 4], params = 108 : i64, trainable = true, type = "gru"},
// GRU-RNN-SAME: {flops = 440 : i64, name = "tanh_rnn", output_shape = [4], params = 32 : i64, trainable = true, type = "simple_rnn"},
// GRU-RNN-LABEL: func.func @model
// GRU-RNN-SAME: (%[[X:[^:]+]]: tensor<2x5x3xf32> {kiln.input = {name = "x"}},
// GRU-RNN-SAME: %[[GWIH:[^:]+]]: tensor<12x3xf32> {kiln.param = {{.*}} name = "gru.weight_ih_l0", trainable = true}},
// GRU-RNN-SAME: %[[GWHH:[^:]+]]: tensor<12x4xf32> {kiln.param = {{.*}} name = "gru.weight_hh_l0", trainable = true}},
// GRU-RNN-SAME: %[[GBIH:[^:]+]]: tensor<12xf32> {kiln.param = {{.*}} name = "gru.bias_ih_l0", trainable = true}},
// GRU-RNN-SAME: %[[GBHH:[^:]+]]: tensor<12xf32> {kiln.param = {{.*}} name = "gru.bias_hh_l0", trainable = true}},
// GRU-RNN-SAME: %[[RWIH:[^:]+]]: tensor<2x4xf32> {kiln.param = {fan_in = 2 : i64, fan_out = 2 : i64, init = "uniform_fan_in", name = "tanh_rnn.weight_ih_l0", trainable = true}},
// GRU-RNN-SAME: %[[RWHH:[^:]+]]: tensor<2x2xf32> {kiln.param = {{.*}} name = "tanh_rnn.weight_hh_l0", trainable = true}},
// GRU-RNN-SAME: %[[RBIH:[^:]+]]: tensor<2xf32> {kiln.param = {{.*}} name = "tanh_rnn.bias_ih_l0", trainable = true}},
// GRU-RNN-SAME: %[[RBHH:[^:]+]]: tensor<2xf32> {kiln.param = {{.*}} name = "tanh_rnn.bias_hh_l0", trainable = true}},
// GRU-RNN-SAME: %[[RWIHR:[^:]+]]: tensor<2x4xf32> {kiln.param = {{.*}} name = "tanh_rnn.weight_ih_l0_reverse", trainable = true}},
// GRU-RNN-SAME: %[[RWHHR:[^:]+]]: tensor<2x2xf32> {kiln.param = {{.*}} name = "tanh_rnn.weight_hh_l0_reverse", trainable = true}},
// GRU-RNN-SAME: %[[RBIHR:[^:]+]]: tensor<2xf32> {kiln.param = {{.*}} name = "tanh_rnn.bias_ih_l0_reverse", trainable = true}},
// GRU-RNN-SAME: %[[RBHHR:[^:]+]]: tensor<2xf32> {kiln.param = {{.*}} name = "tanh_rnn.bias_hh_l0_reverse", trainable = true}},
// GRU-RNN-NEXT: %[[G:[^,]+]], %{{.+}} = nn.gru %[[X]], %[[GWIH]], %[[GWHH]], %[[GBIH]], %[[GBHH]] : (tensor<2x5x3xf32>, tensor<12x3xf32>, tensor<12x4xf32>, tensor<12xf32>, tensor<12xf32>) -> (tensor<2x5x4xf32>, tensor<2x5x16xf32>)
// GRU-RNN-NEXT: %[[F:.+]] = nn.simple_rnn %[[G]], %[[RWIH]], %[[RWHH]], %[[RBIH]], %[[RBHH]] : (tensor<2x5x4xf32>, tensor<2x4xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x5x2xf32>
// GRU-RNN-NEXT: %[[R:.+]] = nn.simple_rnn %[[G]], %[[RWIHR]], %[[RWHHR]], %[[RBIHR]], %[[RBHHR]] {reverse} : (tensor<2x5x4xf32>, tensor<2x4xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x5x2xf32>
// GRU-RNN-NEXT: %[[C:.+]] = nn.concat %[[F]], %[[R]] {axis = 2 : i64} : (tensor<2x5x2xf32>, tensor<2x5x2xf32>) -> tensor<2x5x4xf32>
// GRU-RNN-NEXT: %[[LAST:.+]] = nn.last_step %[[C]] : tensor<2x5x4xf32> -> tensor<2x4xf32>
// GRU-RNN-NEXT: nn.dense %[[LAST]]

// Tests that an lstm with return_sequences after an embedding feeds a dense per step, and softmax_cross_entropy
// then takes rows of classes: logits [batch, steps, classes] with labels [batch, steps].
// RUN: kilnc %S/Inputs/recurrent-seq2seq.json --compile-to=graph | FileCheck %s --check-prefix=SEQ2SEQ
// SEQ2SEQ-LABEL: func.func @model
// SEQ2SEQ: %[[E:.+]] = nn.embedding
// SEQ2SEQ-NEXT: %[[H:[^,]+]], %{{.+}}, %{{.+}} = nn.lstm %[[E]], {{.*}} -> (tensor<2x6x3xf32>, tensor<2x6x3xf32>, tensor<2x6x12xf32>)
// SEQ2SEQ-NEXT: %[[Y:.+]] = nn.dense %[[H]], {{.*}} -> tensor<2x6x10xf32>
// SEQ2SEQ-NEXT: return %[[Y]]
// SEQ2SEQ-LABEL: func.func @loss
// SEQ2SEQ-SAME: (%[[LG:[^:]+]]: tensor<2x6x10xf32>, %[[LB:[^:]+]]: tensor<2x6xi32> {kiln.target = {name = "y"}})
// SEQ2SEQ-NEXT: nn.softmax_cross_entropy %[[LG]], %[[LB]] : tensor<2x6x10xf32>, tensor<2x6xi32> -> tensor<f32>

// Tests that a recurrent layer needs [steps, features]: a flat [12] sample is refused.
// RUN: not kilnc %S/Inputs/recurrent-lstm-flat.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=LSTM-FLAT
// LSTM-FLAT: kilnc: error: {{.*}}Inputs/recurrent-lstm-flat.json: /layers/0: layer "rnn": lstm expects [steps, features], got [12]{{$}}

// Tests that units is required.
// RUN: not kilnc %S/Inputs/recurrent-gru-no-units.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=GRU-NO-UNITS
// GRU-NO-UNITS: kilnc: error: {{.*}}Inputs/recurrent-gru-no-units.json: /layers/0: missing key "units"{{$}}

// Tests that int32 token ids need an embedding before a recurrent layer.
// RUN: not kilnc %S/Inputs/recurrent-ids.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=IDS
// IDS: kilnc: error: {{.*}}Inputs/recurrent-ids.json: /layers/0: layer "rnn": simple_rnn expects float values, but "input" gives int32 token ids; an embedding layer turns ids into vectors{{$}}
