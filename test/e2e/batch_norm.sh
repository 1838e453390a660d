#!/usr/bin/env bash
# e2e: batch norm on Fashion-MNIST. A small CNN with three batch_norm layers
# (after two convolutions: [N, C, H, W], affine, momentum 0.1 and 0.2; after a
# dense layer: [N, F], affine false) trains 200 steps (Adam 3e-3, batch 32)
# and must
#   * save the running statistics in its checkpoint (bnK.running_mean,
#     bnK.running_var, and bnK.num_batches_tracked: int64, 200) and `info`
#     must list them as buffers; every statistic must have moved away from
#     its start (means 0, variances 1) in every channel;
#   * evaluate (eval mode: running statistics) to test accuracy >= 0.75 and
#     test loss <= 0.65 (measured with seeds 1..3: accuracy 0.803..0.815,
#     loss 0.523..0.562), `eval` of the checkpoint to the train run's test line;
#   * predict a sample the same whatever else is in its batch and whether it
#     goes through forward (batch 32) or forward_1 (one sample): eval mode
#     must not depend on the batch (batch statistics would: the same sample
#     in two batches would get other logits). The logits of a "training":
#     false build (6 significant digits) of 70 test images, then of the same
#     images in other batches, then of one image alone, agree within 2e-5 of
#     max(1, |logit|) (one printed digit near 1 is 1e-5; measured 9.9e-6:
#     forward and forward_1 round apart in the last digit); and PyTorch (BatchNorm2d/1d in eval mode, Kiln's params and
#     buffers) gets those logits within 1e-4 relative and the test set's
#     accuracy and loss;
#   * resume: 50 steps, then --resume to 100, ends with the very file (every
#     param, buffer, optimizer slot and the metadata) of 100 steps in one run,
#     so the running statistics survive the checkpoint and continue.
# About 25 s on 2 cores. The PyTorch part needs Debian's python3-torch and
# python3-numpy (/usr/bin/python3, as the torch_reference tests): without
# them it fails, never skips.
set -euo pipefail
kilnc=$1 src=$2 work=$3
tool="python3 $src/test/e2e/safetensors_tool.py"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
data=/usr/share/datasets/fashion-mnist
cat > model.json <<'JSON'
{"name": "bn_cnn", "input": {"shape": [1, 28, 28]},
 "layers": [{"type": "conv2d", "name": "c1", "filters": 8, "kernel_size": 3, "strides": 2, "use_bias": false},
            {"type": "batch_norm", "name": "bn1"},
            {"type": "relu"},
            {"type": "conv2d", "name": "c2", "filters": 16, "kernel_size": 3, "strides": 2, "use_bias": false},
            {"type": "batch_norm", "name": "bn2", "momentum": 0.2},
            {"type": "relu"},
            {"type": "flatten"},
            {"type": "dense", "name": "d", "units": 32, "use_bias": false},
            {"type": "batch_norm", "name": "bn3", "affine": false},
            {"type": "relu"},
            {"type": "dense", "name": "out", "units": 10}],
 "training": {"batch_size": 32, "optimizer": {"type": "adam", "lr": 0.003}, "metrics": ["accuracy"]}}
JSON
python3 - <<'PY'
import json
m = json.load(open("model.json"))
m["training"] = False  # no loss: forward returns the logits
json.dump(m, open("logits.json", "w"))
PY
"$kilnc" model.json -o bn
"$kilnc" logits.json --batch-size 32 -o logits

./bn info > info.txt
buffers="bn1.running_mean [8], bn1.running_var [8], bn1.num_batches_tracked i64 [], bn2.running_mean [16], bn2.running_var [16], bn2.num_batches_tracked i64 [], bn3.running_mean [32], bn3.running_var [32], bn3.num_batches_tracked i64 []"
grep -qxF "buffers: $buffers" info.txt || { echo "FAIL: info does not list the buffers:"; cat info.txt; exit 1; }

./bn train --data "$data" --steps 200 --seed 1 --save w.safetensors --metrics-json m.json > train.txt
cat train.txt
python3 - <<'PY'
import json
test = json.load(open("m.json"))["test"]
print(f"after 200 steps, eval mode: test loss {test['loss']:.4f} (need <= 0.65), "
      f"accuracy {test['accuracy']:.4f} (need >= 0.75)")
assert test["loss"] <= 0.65 and test["accuracy"] >= 0.75, test
PY
./bn eval --load w.safetensors --data "$data" > eval.txt
[ "$(grep '^test:' eval.txt)" = "$(grep '^test:' train.txt)" ] ||
  { echo "FAIL: eval after reload '$(grep '^test:' eval.txt)' differs from train's '$(grep '^test:' train.txt)'"; exit 1; }
echo "eval after reload matches: $(grep '^test:' eval.txt)"

# The checkpoint: params, buffers, optimizer state; the buffers moved.
python3 - "$src/test/e2e" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import safetensors_tool as st
tensors, meta = st.read("w.safetensors")
names = {n for n in tensors if not n.startswith("optimizer.")}
params = {"c1.weight", "bn1.weight", "bn1.bias", "c2.weight", "bn2.weight", "bn2.bias", "d.weight",
          "out.weight", "out.bias"}
buffers = {f"bn{i}.running_{s}" for i in (1, 2, 3) for s in ("mean", "var")}
counters = {f"bn{i}.num_batches_tracked" for i in (1, 2, 3)}
assert names == params | buffers | counters, \
    f"checkpoint tensors: {sorted(names ^ (params | buffers | counters))} differ"
import struct
for name in sorted(counters):
    shape, raw = tensors[name]
    assert shape == [] and struct.unpack("<q", raw) == (200,), (name, shape, raw)
print("num_batches_tracked: 200 in each batch_norm layer (int64)")
for name in sorted(buffers):
    shape, raw = tensors[name]
    values = struct.unpack(f"<{len(raw) // 4}f", raw)
    start = 0.0 if name.endswith("mean") else 1.0
    same = [i for i, v in enumerate(values) if v == start]
    assert not same, f"{name}: channels {same} still at {start}"
    if name.endswith("var"):
        assert all(v > 0 for v in values), (name, values)
    print(f"{name} {shape}: {min(values):.4g} .. {max(values):.4g} (started at {start:g})")
PY

# Eval mode does not depend on the batch. a: test images 0..69 (0..31 and
# 32..63 through forward, 64..69 through forward_1); b: 64..69 and 6..31 in
# one batch, 32..63 in the next, 0..5 through forward_1; one: image 0 alone.
/usr/bin/python3 - <<'PY'
import gzip
import numpy as np
images = np.frombuffer(gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()[16:],
                       np.uint8).reshape(-1, 1, 28, 28).astype(np.float32) / np.float32(255)
np.save("a.npy", images[:70])
np.save("b.npy", np.concatenate([images[64:70], images[6:64], images[0:6]]))
np.save("one.npy", images[0])
PY
for x in a b one; do ./logits predict --load w.safetensors --input $x.npy > $x.txt; done

/usr/bin/python3 - "$src/test/e2e" <<'PY'
import collections, copy, gzip, json, sys
import numpy as np
import torch
sys.path.insert(0, sys.argv[1])
from torch_reference import read_safetensors
from torch_models import check_test_set

def logits(path):
    return np.array([[float(v) for v in line.split()[1:]] for line in open(path)
                     if line.startswith("values")])
a, b, one = logits("a.txt"), logits("b.txt"), logits("one.txt")
assert a.shape == (70, 10) and b.shape == (70, 10) and one.shape == (1, 10), (a.shape, b.shape, one.shape)
order = list(range(64, 70)) + list(range(6, 64)) + list(range(6))
b_as_a = np.empty_like(b)
b_as_a[order] = b

def rel(x, y):
    return (np.abs(x - y) / np.maximum(1, np.abs(y))).max()
batch_err, one_err = rel(b_as_a, a), rel(one[0], a[0])
print(f"the same images in other batches (forward vs forward_1, other batch mates): logits differ by "
      f"{batch_err:.1e} relative (tolerance 2e-5); image 0 alone: {one_err:.1e}")
assert batch_err <= 2e-5 and one_err <= 2e-5, (batch_err, one_err)

torch.set_num_threads(2)
nn = torch.nn
model = nn.Sequential(collections.OrderedDict([  # Kiln's layer names
    ("c1", nn.Conv2d(1, 8, 3, stride=2, bias=False)), ("bn1", nn.BatchNorm2d(8)), ("relu_2", nn.ReLU()),
    ("c2", nn.Conv2d(8, 16, 3, stride=2, bias=False)), ("bn2", nn.BatchNorm2d(16, momentum=0.2)),
    ("relu_5", nn.ReLU()), ("flatten_6", nn.Flatten()),
    ("d", nn.Linear(576, 32, bias=False)), ("bn3", nn.BatchNorm1d(32, affine=False)), ("relu_9", nn.ReLU()),
    ("out", nn.Linear(32, 10))]))
tensors, meta = read_safetensors("w.safetensors")
state = {k: torch.from_numpy(v.copy()) for k, v in tensors.items() if not k.startswith("optimizer.")}
model.load_state_dict(state, strict=True)  # every tensor, num_batches_tracked included
x = torch.from_numpy(np.load("a.npy"))
model.eval()
with torch.no_grad():
    ref = model(x).double().numpy()
    # Batch statistics (training mode, on a copy: it updates the running
    # statistics): images 0..31 as one batch, then with b's batch mates.
    batch = copy.deepcopy(model).train()
    batch_a = batch(x[:32]).double().numpy()
    batch_b = batch(torch.from_numpy(np.load("b.npy"))[:32]).double().numpy()
err = rel(a, ref)
stats = rel(batch_b[6:32], batch_a[6:32])
print(f"PyTorch in eval mode on Kiln's checkpoint: logits of 70 images within {err:.1e} relative "
      f"(tolerance 1e-4); with batch statistics instead they would differ from eval mode by "
      f"{rel(batch_a, ref[:32]):.2f} and between two batches by {stats:.2f}")
assert err <= 1e-4, err
assert stats > 1e-3, "batch statistics would not tell the batches apart: the check above proves nothing"

check_test_set(model, "m.json", "test set in eval mode")
PY

# Resume: 50 steps, then the same run resumed to 100, against 100 in one go.
./bn train --data "$data" --steps 100 --seed 4 --save full.safetensors > /dev/null
./bn train --data "$data" --steps 50 --seed 4 --save half.safetensors > /dev/null
cp half.safetensors resumed.safetensors
./bn train --data "$data" --steps 100 --seed 4 --resume resumed.safetensors --save resumed.safetensors > resume.txt
grep -q "^resumed resumed.safetensors (step 50: " resume.txt ||
  { echo "FAIL: no 'resumed ... (step 50: ...)' line"; cat resume.txt; exit 1; }
$tool differ half.safetensors full.safetensors 'running_(mean|var)$'
$tool same full.safetensors resumed.safetensors
cmp full.safetensors resumed.safetensors ||
  { echo "FAIL: same tensors, different files"; exit 1; }
echo "ok: 50 steps + --resume to 100 give the 100-step checkpoint byte for byte (running statistics included)"
echo "ok: batch norm trains, keeps its running statistics, and evaluates in eval mode"
