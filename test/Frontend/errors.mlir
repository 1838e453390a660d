// Tests that kilnc rejects bad model files, naming the file, the JSON path and the problem.
// Each model is in Inputs/ (not run by lit): JSON has no comments for RUN lines.

// RUN: not kilnc %S/Inputs/malformed.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: kilnc: error: {{.*}}Inputs/malformed.json: invalid JSON [5:34, byte={{[0-9]+}}]: Expected object key

// RUN: not kilnc %S/Inputs/unknown-layer.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=UNKNOWN-LAYER
// UNKNOWN-LAYER: kilnc: error: {{.*}}Inputs/unknown-layer.json: /layers/1/type: unknown value "conv3d" (expected one of: dense, relu, sigmoid, tanh, leaky_relu, softmax, flatten, reshape, dropout)

// RUN: not kilnc %S/Inputs/unknown-key.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=UNKNOWN-KEY
// UNKNOWN-KEY: kilnc: error: {{.*}}Inputs/unknown-key.json: /layers/0/unit: unknown key (expected one of: type, name, trainable, units, activation, use_bias, kernel_init, bias_init)

// RUN: not kilnc %S/Inputs/wrong-type.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=WRONG-TYPE
// WRONG-TYPE: kilnc: error: {{.*}}Inputs/wrong-type.json: /layers/0/units: expected a positive integer, got "8"

// RUN: not kilnc %S/Inputs/wrong-type-lr.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=WRONG-TYPE-LR
// WRONG-TYPE-LR: kilnc: error: {{.*}}Inputs/wrong-type-lr.json: /training/optimizer/lr: expected a number in {{.*}}, got "0.01"

// RUN: not kilnc %S/Inputs/non-positive-units.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=UNITS
// UNITS: kilnc: error: {{.*}}Inputs/non-positive-units.json: /layers/1/units: expected a positive integer, got -4

// RUN: not kilnc %S/Inputs/shape-mismatch.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: kilnc: error: {{.*}}Inputs/shape-mismatch.json: /layers/1: layer "dense_1": dense expects a flat input [features], got [28, 28]; add a flatten layer before it

// RUN: not kilnc %S/Inputs/missing-input.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=NO-INPUT
// NO-INPUT: kilnc: error: {{.*}}Inputs/missing-input.json: /: missing key "input" (e.g. {"shape": [784]})

// RUN: not kilnc %S/Inputs/duplicate-names.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DUPLICATE
// DUPLICATE: kilnc: error: {{.*}}Inputs/duplicate-names.json: /layers/2/name: duplicate layer name "hidden"

// RUN: not kilnc %S/Inputs/softmax-before-loss.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=SOFTMAX
// SOFTMAX: kilnc: error: {{.*}}Inputs/softmax-before-loss.json: /layers/0: layer "dense_0": softmax_cross_entropy applies softmax itself; remove the final softmax so the last layer outputs logits

// RUN: not kilnc %S/Inputs/unknown-optimizer.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=OPTIMIZER
// OPTIMIZER: kilnc: error: {{.*}}Inputs/unknown-optimizer.json: /training/optimizer/type: unknown value "rmsprop" (expected one of: sgd, momentum, adam, adamw)

// RUN: not kilnc %S/Inputs/no-parameters.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=NO-PARAMS
// NO-PARAMS: kilnc: error: {{.*}}Inputs/no-parameters.json: /layers: the model has no trainable parameters; compile it for inference ("training": false){{$}}

// Tests that a model whose every layer is frozen cannot be trained either.
// RUN: not kilnc %S/Inputs/all-frozen.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=ALL-FROZEN
// ALL-FROZEN: kilnc: error: {{.*}}Inputs/all-frozen.json: /layers: the model has no trainable parameters; compile it for inference ("training": false){{$}}

// Tests that "training" is an object or false: true means nothing.
// RUN: not kilnc %S/Inputs/training-true.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=TRAINING-TRUE
// TRAINING-TRUE: kilnc: error: {{.*}}Inputs/training-true.json: /training: expected an object or false, got true{{$}}

// Tests that a layer's "trainable" is a boolean.
// RUN: not kilnc %S/Inputs/bad-trainable.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=TRAINABLE
// TRAINABLE: kilnc: error: {{.*}}Inputs/bad-trainable.json: /layers/0/trainable: expected true or false, got "no"{{$}}

// RUN: not kilnc %S/Inputs/does-not-exist.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=MISSING-FILE
// MISSING-FILE: kilnc: error: cannot read {{.*}}Inputs/does-not-exist.json: No such file or directory

// Each error stops kilnc before any IR is printed.
// RUN: not kilnc %S/Inputs/unknown-layer.json --compile-to=graph 2>/dev/null | FileCheck %s --check-prefix=NO-IR --allow-empty
// NO-IR-NOT: module

// Tests that a key given twice is an error naming it (JSON parsers keep the last silently).
// RUN: not kilnc %S/Inputs/duplicate-key.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DUPKEY
// DUPKEY: kilnc: error: {{.*}}duplicate-key.json: duplicate key "units" at /layers/0/units (byte 70)

// Tests that sizes are bounded, so no shape arithmetic overflows.
// RUN: not kilnc %S/Inputs/too-large.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=TOO-LARGE
// TOO-LARGE: kilnc: error: {{.*}}too-large.json: /input/shape/0: expected at most 2147483647, got 4294967296

// Tests that a layer whose batch of outputs has more than 2^31-1 elements is rejected by name.
// RUN: not kilnc %S/Inputs/too-many-elements.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=TOO-MANY
// TOO-MANY: kilnc: error: {{.*}}too-many-elements.json: /layers/0: layer "dense_0": its output [100000, 100000] has more than 2147483647 elements

// Tests that a softmax before softmax_cross_entropy is found through a flatten.
// RUN: not kilnc %S/Inputs/softmax-before-flatten.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=SOFTMAX-FLATTEN
// SOFTMAX-FLATTEN: kilnc: error: {{.*}}softmax-before-flatten.json: /layers/1: layer "softmax_1": softmax_cross_entropy applies softmax itself

// Tests that duplicate keys are found after decoding escapes ("unit\u0073" is "units").
// RUN: not kilnc %S/Inputs/duplicate-key-escaped.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DUPKEY-ESC
// DUPKEY-ESC: kilnc: error: {{.*}}duplicate-key-escaped.json: duplicate key "units" at /layers/0/units

// Tests that deep nesting is refused before the recursive JSON parser sees it.
// RUN: not kilnc %S/Inputs/deep-nesting.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DEEP
// DEEP: kilnc: error: {{.*}}deep-nesting.json: invalid model: arrays and objects nested more than 64 deep

// Tests that --name must be a C identifier and the header may not overwrite the object.
// RUN: not kilnc %examples/fashion_mlp/model.json --emit=obj --name 'a b' -o %t.o 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: kilnc: error: --name 'a b' is not a C identifier ([A-Za-z_][A-Za-z0-9_]*)
// RUN: not kilnc %examples/fashion_mlp/model.json --emit=obj -o %t.h 2>&1 | FileCheck %s --check-prefix=HEADER
// HEADER: kilnc: error: the header would overwrite the object

// RUN: not kilnc %S/Inputs/dropout-rate.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DROPOUT-RATE
// DROPOUT-RATE: kilnc: error: {{.*}}Inputs/dropout-rate.json: /layers/1/rate: expected a number in [0, 1), got 1{{$}}

// RUN: not kilnc %S/Inputs/dropout-no-rate.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DROPOUT-NO-RATE
// DROPOUT-NO-RATE: kilnc: error: {{.*}}Inputs/dropout-no-rate.json: /layers/1: missing key "rate" (the probability of zeroing an element){{$}}

// RUN: not kilnc %S/Inputs/dropout-negative.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=DROPOUT-NEGATIVE
// DROPOUT-NEGATIVE: kilnc: error: {{.*}}Inputs/dropout-negative.json: /layers/1/rate: expected a number in [0, 1), got -0.1{{$}}

// RUN: not kilnc %S/Inputs/optimizer-name.json --compile-to=graph 2>&1 | FileCheck %s --check-prefix=OPTIMIZER-NAME
// OPTIMIZER-NAME: kilnc: error: {{.*}}Inputs/optimizer-name.json: /layers/0/name: "optimizer" is reserved (checkpoints store optimizer state under it){{$}}
