#!/usr/bin/env bash
# e2e: compile examples/fashion_cnn (conv 32 3x3 relu, max pool 2, conv 64 3x3
# relu, max pool 2, dense 128 relu, dense 10; Adam 1e-3, batch 64), train it
# 500 steps on Fashion-MNIST (its [1, 28, 28] input fed by the flat [784]
# images) and require
#   * the mean training loss over the 500 steps <= 0.60, test loss <= 0.47 and
#     test accuracy >= 0.83 (measured with seeds 1..5: mean training loss
#     0.497..0.518, test loss 0.385..0.411, test accuracy 0.851..0.863;
#     seed 1: 0.497, 0.388, 0.8599);
#   * `eval` of the saved checkpoint reproduces the test line exactly;
#   * the checkpoint loaded into a PyTorch model written here by hand
#     (Conv2d, MaxPool2d, Linear under Kiln's parameter names) predicts what
#     `predict` prints for the first 70 test images (64 through forward, 6
#     through forward_1): probabilities (printed with 4 decimals) within 1e-4,
#     and the logits of a "training": false build of the same layers
#     (6 significant digits) within 1e-4 relative; and PyTorch evaluates the
#     whole test set to Kiln's test accuracy and loss.
# About 35 s on 2 cores (compile 10 s, training 10-15 s). The PyTorch part
# needs Debian's python3-torch and python3-numpy (/usr/bin/python3, as the
# torch_reference tests): without them it fails, never skips.
set -euo pipefail
kilnc=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
data=/usr/share/datasets/fashion-mnist
model=$src/examples/fashion_cnn/model.json
"$kilnc" "$model" -o fashion_cnn
python3 - "$model" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["training"] = False  # no loss: forward returns the logits
json.dump(m, open("logits.json", "w"))
PY
"$kilnc" logits.json --batch-size 64 -o logits
./fashion_cnn train --data "$data" --steps 500 --seed 1 --save w.safetensors --metrics-json m.json > train.txt
cat train.txt
python3 - <<'PY'
import json
m = json.load(open("m.json"))
train_loss, test = m["history"][0]["train_loss"], m["test"]
print(f"after 500 steps: mean training loss {train_loss:.4f} (need <= 0.60), test loss "
      f"{test['loss']:.4f} (need <= 0.47), test accuracy {test['accuracy']:.4f} (need >= 0.83)")
assert m["history"][0]["steps"] == 500, m["history"]
assert train_loss <= 0.60 and test["loss"] <= 0.47 and test["accuracy"] >= 0.83, m
PY
# The checkpoint reloads and evaluates to the very same test line.
./fashion_cnn eval --load w.safetensors --data "$data" > eval.txt
[ "$(grep '^test:' eval.txt)" = "$(grep '^test:' train.txt)" ] ||
  { echo "FAIL: eval after reload '$(grep '^test:' eval.txt)' differs from train's '$(grep '^test:' train.txt)'"; exit 1; }
echo "eval after reload matches: $(grep '^test:' eval.txt)"

/usr/bin/python3 - <<'PY'
import gzip, json
import numpy as np
images = np.frombuffer(gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()[16:],
                       np.uint8).reshape(-1, 1, 28, 28)
np.save("x70.npy", images[:70].astype(np.float32) / np.float32(255))  # as the IDX loader scales them
PY
./fashion_cnn predict --load w.safetensors --input x70.npy > probabilities.txt
./logits predict --load w.safetensors --input x70.npy > logits.txt

/usr/bin/python3 - "$src/test/e2e" <<'PY'
import collections, gzip, json, sys
import numpy as np
import torch
sys.path.insert(0, sys.argv[1])
from torch_models import check_test_set
from torch_reference import read_safetensors

torch.set_num_threads(2)
nn = torch.nn
model = nn.Sequential(collections.OrderedDict([  # Kiln's default layer names
    ("conv2d_0", nn.Conv2d(1, 32, 3)), ("relu_0", nn.ReLU()),
    ("max_pool2d_1", nn.MaxPool2d(2)),
    ("conv2d_2", nn.Conv2d(32, 64, 3)), ("relu_2", nn.ReLU()),
    ("max_pool2d_3", nn.MaxPool2d(2)),
    ("flatten_4", nn.Flatten()),
    ("dense_5", nn.Linear(64 * 5 * 5, 128)), ("relu_5", nn.ReLU()),
    ("dense_6", nn.Linear(128, 10))]))
tensors, meta = read_safetensors("w.safetensors")
params = {k: torch.from_numpy(v.copy()) for k, v in tensors.items() if not k.startswith("optimizer.")}
model.load_state_dict(params, strict=True)  # every parameter, nothing else
model.eval()

def rows(path, word):
    out = []
    for line in open(path):
        f = line.split()
        i = f.index(word)
        out.append(([int(f[1])] if f[0] == "class" else []) + [float(v) for v in f[i + 1:]])
    return np.array(out)

dataset = "/usr/share/datasets/fashion-mnist"
x = np.load("x70.npy")
with torch.no_grad():
    logits = model(torch.from_numpy(x)).double().numpy()
probs = torch.softmax(torch.from_numpy(logits), 1).numpy()
kiln_p, kiln_l = rows("probabilities.txt", "probabilities"), rows("logits.txt", "values")
assert kiln_p.shape == (70, 11) and kiln_l.shape == (70, 10), (kiln_p.shape, kiln_l.shape)
dp = np.abs(kiln_p[:, 1:] - probs).max()
dl = (np.abs(kiln_l - logits) / np.maximum(1, np.abs(logits))).max()
top2 = np.sort(probs, 1)[:, -2:]
wrong = [i for i in range(70) if kiln_p[i, 0] != probs[i].argmax() and top2[i, 1] - top2[i, 0] > 1e-4]
print(f"PyTorch on Kiln's checkpoint, 70 test images: probabilities differ by at most {dp:.1e} "
      f"(printed to 4 decimals; tolerance 1e-4), logits by {dl:.1e} relative (tolerance 1e-4), "
      f"{len(wrong)} other classes")
assert dp <= 1e-4 and dl <= 1e-4 and not wrong, (dp, dl, wrong)

# The whole test set: PyTorch's accuracy and loss against Kiln's.
check_test_set(model, "m.json", "test set")
PY
echo "ok: fashion_cnn trains, reloads, and predicts as PyTorch does"
