// RUN: kiln-opt %s -split-input-file -kiln-emit-abi | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-emit-abi=symbol=fashion | FileCheck %s --check-prefix=SYM --implicit-check-not=kiln_model_
// RUN: kiln-opt %S/Inputs/kiln-emit-abi-errors.mlir -split-input-file -kiln-emit-abi -verify-diagnostics

// Tests that each entry point becomes internal, wrapped (never inlined, not optimized: a line of loads and a call) by <sym>_<entry>(bindings, call) that loads every argument from the table slot kiln.bindings names.
// kiln_bindings is {params, buffers, state, workspace, context} and kiln_call
// {inputs, targets, outputs, lr, step, seed} (runtime/include/kiln/abi.h): a
// table field is loaded, then the slot at the binding's index; a scalar or
// the workspace is the field itself.
// CHECK: llvm.func internal @train_step(
// CHECK-NOT: optimize_none
// CHECK: llvm.func internal @forward_1(
// CHECK-LABEL: llvm.func @kiln_model_train_step
// CHECK-SAME: (%[[BND:[^:]+]]: !llvm.ptr, %[[CALL:[^:]+]]: !llvm.ptr) -> f32 attributes {no_inline, optimize_none} {
// params[0], params[1]
// CHECK-NEXT: %[[F0:.+]] = llvm.getelementptr %[[BND]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, ptr, ptr, ptr)>
// CHECK-NEXT: %[[T0:.+]] = llvm.load %[[F0]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S0:.+]] = llvm.getelementptr %[[T0]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[W:.+]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[F1:.+]] = llvm.getelementptr %[[BND]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, ptr, ptr, ptr)>
// CHECK-NEXT: %[[T1:.+]] = llvm.load %[[F1]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S1:.+]] = llvm.getelementptr %[[T1]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[B:.+]] = llvm.load %[[S1]] : !llvm.ptr -> !llvm.ptr
// buffers[0]
// CHECK-NEXT: %[[F2:.+]] = llvm.getelementptr %[[BND]][0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, ptr, ptr, ptr)>
// CHECK-NEXT: %[[T2:.+]] = llvm.load %[[F2]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S2:.+]] = llvm.getelementptr %[[T2]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[RM:.+]] = llvm.load %[[S2]] : !llvm.ptr -> !llvm.ptr
// state[1], then state[0]: the index comes from the binding, not the position
// CHECK-NEXT: %[[F3:.+]] = llvm.getelementptr %[[BND]][0, 2] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, ptr, ptr, ptr)>
// CHECK-NEXT: %[[T3:.+]] = llvm.load %[[F3]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S3:.+]] = llvm.getelementptr %[[T3]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[VW:.+]] = llvm.load %[[S3]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[F4:.+]] = llvm.getelementptr %[[BND]][0, 2] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, ptr, ptr, ptr)>
// CHECK-NEXT: %[[T4:.+]] = llvm.load %[[F4]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S4:.+]] = llvm.getelementptr %[[T4]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[MW:.+]] = llvm.load %[[S4]] : !llvm.ptr -> !llvm.ptr
// inputs[0], targets[0]
// CHECK-NEXT: %[[F5:.+]] = llvm.getelementptr %[[CALL]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, f32, i64, i64)>
// CHECK-NEXT: %[[T5:.+]] = llvm.load %[[F5]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S5:.+]] = llvm.getelementptr %[[T5]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[X:.+]] = llvm.load %[[S5]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[F6:.+]] = llvm.getelementptr %[[CALL]][0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, f32, i64, i64)>
// CHECK-NEXT: %[[T6:.+]] = llvm.load %[[F6]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S6:.+]] = llvm.getelementptr %[[T6]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[Y:.+]] = llvm.load %[[S6]] : !llvm.ptr -> !llvm.ptr
// lr, step, seed: the fields themselves
// CHECK-NEXT: %[[F7:.+]] = llvm.getelementptr %[[CALL]][0, 3] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, f32, i64, i64)>
// CHECK-NEXT: %[[LR:.+]] = llvm.load %[[F7]] : !llvm.ptr -> f32
// CHECK-NEXT: %[[F8:.+]] = llvm.getelementptr %[[CALL]][0, 4] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, f32, i64, i64)>
// CHECK-NEXT: %[[STEP:.+]] = llvm.load %[[F8]] : !llvm.ptr -> i64
// CHECK-NEXT: %[[F9:.+]] = llvm.getelementptr %[[CALL]][0, 5] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, f32, i64, i64)>
// CHECK-NEXT: %[[SEED:.+]] = llvm.load %[[F9]] : !llvm.ptr -> i64
// outputs[0]
// CHECK-NEXT: %[[F10:.+]] = llvm.getelementptr %[[CALL]][0, 2] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, f32, i64, i64)>
// CHECK-NEXT: %[[T10:.+]] = llvm.load %[[F10]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[S10:.+]] = llvm.getelementptr %[[T10]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[OUT:.+]] = llvm.load %[[S10]] : !llvm.ptr -> !llvm.ptr
// the workspace
// CHECK-NEXT: %[[F11:.+]] = llvm.getelementptr %[[BND]][0, 3] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, ptr, ptr, ptr)>
// CHECK-NEXT: %[[WS:.+]] = llvm.load %[[F11]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[LOSS:.+]] = llvm.call @train_step(%[[W]], %[[B]], %[[RM]], %[[VW]], %[[MW]], %[[X]], %[[Y]], %[[LR]], %[[STEP]], %[[SEED]], %[[OUT]], %[[WS]])
// CHECK-NEXT: llvm.return %[[LOSS]] : f32

// An entry point without a loss returns 0 from its wrapper.
// CHECK-LABEL: llvm.func @kiln_model_forward_1
// CHECK-SAME: (%[[FBND:[^:]+]]: !llvm.ptr, %[[FCALL:[^:]+]]: !llvm.ptr) -> f32 attributes {no_inline, optimize_none} {
// CHECK-NEXT: %[[FWF:.+]] = llvm.getelementptr %[[FBND]][0, 0]
// CHECK-NEXT: %[[FWT:.+]] = llvm.load %[[FWF]]
// CHECK-NEXT: %[[FWS0:.+]] = llvm.getelementptr %[[FWT]][0]
// CHECK-NEXT: %[[FW:.+]] = llvm.load %[[FWS0]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[FXF:.+]] = llvm.getelementptr %[[FCALL]][0, 0]
// CHECK-NEXT: %[[FXT:.+]] = llvm.load %[[FXF]]
// CHECK-NEXT: %[[FXS0:.+]] = llvm.getelementptr %[[FXT]][0]
// CHECK-NEXT: %[[FX:.+]] = llvm.load %[[FXS0]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[FOF:.+]] = llvm.getelementptr %[[FCALL]][0, 2]
// CHECK-NEXT: %[[FOT:.+]] = llvm.load %[[FOF]]
// CHECK-NEXT: %[[FOS0:.+]] = llvm.getelementptr %[[FOT]][0]
// CHECK-NEXT: %[[FO:.+]] = llvm.load %[[FOS0]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[FWSA:.+]] = llvm.getelementptr %[[FBND]][0, 3]
// CHECK-NEXT: %[[FWS:.+]] = llvm.load %[[FWSA]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @forward_1(%[[FW]], %[[FX]], %[[FO]], %[[FWS]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: %[[ZERO:.+]] = llvm.mlir.constant(0.000000e+00 : f32) : f32
// CHECK-NEXT: llvm.return %[[ZERO]] : f32

// The manifest (docs/abi.md), generated from the module: abi_version 3, the
// tables of kiln.abi, the entry points in kiln_model_api order with their
// batch, mode and workspace bytes, the training defaults, the optimizer and
// the layers; num_classes from the output of a softmax_cross_entropy model.
// CHECK: llvm.mlir.global internal constant @kiln_model_manifest_text("{
// CHECK-SAME: \22abi_version\22:3,\22batch_size\22:3,
// CHECK-SAME: \22buffers\22:[{\22dtype\22:\22f32\22,\22name\22:\22bn.running_mean\22,\22shape\22:[4]}],
// CHECK-SAME: \22entry_points\22:[{\22batch\22:3,\22mode\22:\22train\22,\22name\22:\22train_step\22,\22workspace_bytes\22:256},{\22batch\22:1,\22mode\22:\22eval\22,\22name\22:\22forward_1\22,\22workspace_bytes\22:64}],
// CHECK-SAME: \22inputs\22:[{\22dtype\22:\22f32\22,\22name\22:\22x\22,\22shape\22:[2]}],
// CHECK-SAME: \22layers\22:[{\22name\22:\22fc\22,\22params\22:12,\22trainable\22:true,\22type\22:\22dense\22}],
// CHECK-SAME: \22loss\22:\22softmax_cross_entropy\22,\22name\22:\22tiny\22,\22num_classes\22:4,
// CHECK-SAME: \22optimizer\22:{\22lr\22:0.5,\22type\22:\22momentum\22},
// CHECK-SAME: \22outputs\22:[{\22dtype\22:\22f32\22,\22kind\22:\22probabilities\22,\22name\22:\22prediction\22,\22shape\22:[4]}],
// CHECK-SAME: \22params\22:[{\22dtype\22:\22f32\22,\22name\22:\22fc.weight\22,\22shape\22:[4,2],\22trainable\22:true},{\22dtype\22:\22f32\22,\22name\22:\22fc.bias\22,\22shape\22:[4],\22trainable\22:false}],
// CHECK-SAME: \22state\22:[{\22dtype\22:\22f32\22,\22param\22:\22fc.weight\22,\22shape\22:[4,2],\22slot\22:\22exp_avg\22},{\22dtype\22:\22f32\22,\22param\22:\22fc.weight\22,\22shape\22:[4,2],\22slot\22:\22exp_avg_sq\22}],
// CHECK-SAME: \22targets\22:[{\22dtype\22:\22i32\22,\22name\22:\22y\22,\22shape\22:[]}],
// CHECK-SAME: \22training\22:{\22epochs\22:3}}\00")
// CHECK-LABEL: llvm.func @kiln_model_manifest() -> !llvm.ptr {
// CHECK-NEXT: %[[ADDR:.+]] = llvm.mlir.addressof @kiln_model_manifest_text : !llvm.ptr
// CHECK-NEXT: llvm.return %[[ADDR]] : !llvm.ptr

// kiln_model_api {manifest, train_step, eval_step, eval_step_1, forward,
// forward_1, check_step, prepare}: entry points the module lacks are null.
// CHECK: llvm.mlir.global internal constant @kiln_model_api() {{.*}} : !llvm.struct<(ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr)> {
// CHECK-NEXT: %[[U:.+]] = llvm.mlir.undef : !llvm.struct<(ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr)>
// CHECK-NEXT: %[[M:.+]] = llvm.mlir.addressof @kiln_model_manifest : !llvm.ptr
// CHECK-NEXT: %[[A0:.+]] = llvm.insertvalue %[[M]], %[[U]][0]
// CHECK-NEXT: %[[TS:.+]] = llvm.mlir.addressof @kiln_model_train_step : !llvm.ptr
// CHECK-NEXT: %[[A1:.+]] = llvm.insertvalue %[[TS]], %[[A0]][1]
// CHECK-NEXT: %[[Z2:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[A2:.+]] = llvm.insertvalue %[[Z2]], %[[A1]][2]
// CHECK-NEXT: %[[Z3:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[A3:.+]] = llvm.insertvalue %[[Z3]], %[[A2]][3]
// CHECK-NEXT: %[[Z4:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[A4:.+]] = llvm.insertvalue %[[Z4]], %[[A3]][4]
// CHECK-NEXT: %[[F1:.+]] = llvm.mlir.addressof @kiln_model_forward_1 : !llvm.ptr
// CHECK-NEXT: %[[A5:.+]] = llvm.insertvalue %[[F1]], %[[A4]][5]
// CHECK-NEXT: %[[Z6:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[A6:.+]] = llvm.insertvalue %[[Z6]], %[[A5]][6]
// CHECK-NEXT: %[[Z7:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[A7:.+]] = llvm.insertvalue %[[Z7]], %[[A6]][7]
// CHECK-NEXT: llvm.return %[[A7]]
// CHECK-LABEL: llvm.func @kiln_model_abi() -> !llvm.ptr {
// CHECK-NEXT: %[[API:.+]] = llvm.mlir.addressof @kiln_model_api : !llvm.ptr
// CHECK-NEXT: llvm.return %[[API]] : !llvm.ptr

// Tests that the symbol option renames the exported functions, the manifest and the api.
// SYM: llvm.func @fashion_train_step(
// SYM: llvm.func @fashion_forward_1(
// SYM: llvm.mlir.global internal constant @fashion_manifest_text
// SYM: llvm.func @fashion_manifest()
// SYM: llvm.mlir.global internal constant @fashion_api()
// SYM: llvm.mlir.addressof @fashion_manifest
// SYM: llvm.mlir.addressof @fashion_train_step
// SYM: llvm.mlir.addressof @fashion_forward_1
// SYM: llvm.func @fashion_abi()
module attributes {
    kiln.name = "tiny",
    kiln.abi = {params = [{name = "fc.weight", shape = [4, 2], dtype = "f32", trainable = true}, {name = "fc.bias", shape = [4], dtype = "f32", trainable = false}],
                buffers = [{name = "bn.running_mean", shape = [4], dtype = "f32"}],
                state = [{param = "fc.weight", slot = "exp_avg", shape = [4, 2], dtype = "f32"}, {param = "fc.weight", slot = "exp_avg_sq", shape = [4, 2], dtype = "f32"}],
                inputs = [{name = "x", shape = [2], dtype = "f32"}], targets = [{name = "y", shape = [], dtype = "i32"}],
                outputs = [{name = "prediction", kind = "probabilities", shape = [4], dtype = "f32"}]},
    kiln.layers = [{name = "fc", type = "dense", params = 12, trainable = true}],
    kiln.training = {loss = "softmax_cross_entropy", epochs = 3},
    kiln.optimizer = {type = "momentum", lr = 0.5}} {
  llvm.func @train_step(%w: !llvm.ptr, %b: !llvm.ptr, %rm: !llvm.ptr, %vw: !llvm.ptr, %mw: !llvm.ptr, %x: !llvm.ptr, %y: !llvm.ptr,
                        %lr: f32, %step: i64, %seed: i64, %out: !llvm.ptr, %ws: !llvm.ptr) -> f32
      attributes {kiln.entry = {name = "train_step", mode = "train", batch = 3 : i64}, kiln.workspace_bytes = 256 : i64,
                  kiln.bindings = [{table = "params", index = 0 : i64}, {table = "params", index = 1 : i64}, {table = "buffers", index = 0 : i64},
                                   {table = "state", index = 1 : i64}, {table = "state", index = 0 : i64},
                                   {table = "inputs", index = 0 : i64}, {table = "targets", index = 0 : i64},
                                   {table = "lr", index = 0 : i64}, {table = "step", index = 0 : i64}, {table = "seed", index = 0 : i64},
                                   {table = "outputs", index = 0 : i64}, {table = "workspace"}]} {
    llvm.return %lr : f32
  }
  llvm.func @forward_1(%w: !llvm.ptr, %x: !llvm.ptr, %out: !llvm.ptr, %ws: !llvm.ptr)
      attributes {kiln.entry = {name = "forward_1", mode = "eval", batch = 1 : i64}, kiln.workspace_bytes = 64 : i64,
                  kiln.bindings = [{table = "params", index = 0 : i64}, {table = "inputs", index = 0 : i64},
                                   {table = "outputs", index = 0 : i64}, {table = "workspace"}]} {
    llvm.return
  }
}

// -----

// Tests that an f64 model (as gradient checks compile) gets lr extended and the loss truncated, the ABI being f32; an inference-only module lists no training.
// CHECK-LABEL: llvm.func @kiln_model_eval_step
// CHECK-SAME: (%[[BND:[^:]+]]: !llvm.ptr, %[[CALL:[^:]+]]: !llvm.ptr) -> f32 attributes {no_inline, optimize_none} {
// CHECK: %[[LRA:.+]] = llvm.getelementptr %[[CALL]][0, 3]
// CHECK-NEXT: %[[LR:.+]] = llvm.load %[[LRA]] : !llvm.ptr -> f32
// CHECK-NEXT: %[[LR64:.+]] = llvm.fpext %[[LR]] : f32 to f64
// CHECK-NEXT: %[[LOSS:.+]] = llvm.call @eval_step(%{{.+}}, %[[LR64]]) : (!llvm.ptr, f64) -> f64
// CHECK-NEXT: %[[LOSS32:.+]] = llvm.fptrunc %[[LOSS]] : f64 to f32
// CHECK-NEXT: llvm.return %[[LOSS32]] : f32
// CHECK: @kiln_model_manifest_text("{\22abi_version\22:3,\22batch_size\22:5,\22buffers\22:[],\22derived\22:[],\22entry_points\22:[{\22batch\22:5,\22mode\22:\22eval\22,\22name\22:\22eval_step\22,\22workspace_bytes\22:0}],\22inputs\22:[],\22outputs\22:[],\22params\22:[],\22state\22:[],\22targets\22:[]}\00")
// CHECK-NOT: training
// CHECK: llvm.mlir.global internal constant @kiln_model_api()
// CHECK-NEXT: llvm.mlir.undef
// CHECK-NEXT: llvm.mlir.addressof @kiln_model_manifest
// CHECK-NEXT: llvm.insertvalue
// CHECK-NEXT: llvm.mlir.zero
// CHECK-NEXT: llvm.insertvalue
// CHECK-NEXT: llvm.mlir.addressof @kiln_model_eval_step
// CHECK-NEXT: llvm.insertvalue
// CHECK-NEXT: llvm.mlir.zero
// CHECK-NEXT: llvm.insertvalue
// CHECK-NEXT: llvm.mlir.zero
// CHECK-NEXT: llvm.insertvalue
// CHECK-NEXT: llvm.mlir.zero
// CHECK-NEXT: llvm.insertvalue
// CHECK-NEXT: llvm.mlir.zero
// CHECK-NEXT: llvm.insertvalue
// CHECK-NEXT: llvm.mlir.zero
// CHECK-NEXT: llvm.insertvalue
// CHECK-NEXT: llvm.return
module {
  llvm.func @eval_step(%w: !llvm.ptr, %lr: f64) -> f64
      attributes {kiln.entry = {name = "eval_step", mode = "eval", batch = 5 : i64},
                  kiln.bindings = [{table = "params", index = 0 : i64}, {table = "lr", index = 0 : i64}]} {
    llvm.return %lr : f64
  }
}

// -----

// Tests that a data-parallel train_step's context argument is the bindings' fifth field, the kiln_context pointer itself (null when the runtime has none), and that the manifest says train_step all-reduces.
// CHECK-LABEL: llvm.func @kiln_model_train_step
// CHECK-SAME: (%[[BND:[^:]+]]: !llvm.ptr, %[[CALL:[^:]+]]: !llvm.ptr) -> f32
// CHECK: %[[CTXA:.+]] = llvm.getelementptr %[[BND]][0, 4] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, ptr, ptr, ptr, ptr)>
// CHECK-NEXT: %[[CTX:.+]] = llvm.load %[[CTXA]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @train_step(%{{.+}}, %[[CTX]]) : (!llvm.ptr, !llvm.ptr) -> f32
// CHECK: \22entry_points\22:[{\22allreduce\22:true,\22batch\22:2,\22mode\22:\22train\22,\22name\22:\22train_step\22
module {
  llvm.func @train_step(%w: !llvm.ptr, %ctx: !llvm.ptr) -> f32
      attributes {kiln.entry = {allreduce = true, name = "train_step", mode = "train", batch = 2 : i64},
                  kiln.bindings = [{table = "params", index = 0 : i64}, {table = "context", index = 0 : i64}]} {
    %0 = llvm.mlir.constant(0.0 : f32) : f32
    llvm.return %0 : f32
  }
}
