"""e2e: Kiln's compiled train_step against PyTorch, step for step.

Usage: torch_reference.py KILNC SRC WORKDIR [adam|sgd]

PyTorch initializes the fashion MLP and writes the weights as safetensors;
Kiln loads them (PyTorch -> Kiln), trains a few Adam steps on the first
batches in file order and saves; this script reads Kiln's weights back
(Kiln -> PyTorch) and compares them, and the per-step losses, with PyTorch
doing the same steps. Exits 77 (skipped) when torch is not installed.
"""
import gzip, json, os, struct, subprocess, sys

try:
    import numpy as np
    import torch
except ImportError:
    print("torch or numpy not installed: skipped")
    sys.exit(77)

kilnc, src, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
OPT = sys.argv[4] if len(sys.argv) > 4 else "adam"
STEPS, BATCH = 5, 64
DATA = "/usr/share/datasets/fashion-mnist"


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + b:8 + n + e], "<f4").reshape(info["shape"])
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = np.ascontiguousarray(t, "<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


torch.manual_seed(0)
torch.set_num_threads(1)
model = torch.nn.Sequential(
    torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256), torch.nn.ReLU(),
    torch.nn.Linear(256, 10))
names = {"0": "dense_0", "2": "dense_1", "4": "dense_2"}
def kiln_name(torch_name):
    layer, kind = torch_name.split(".")
    return f"{names[layer]}.{kind}"

write_safetensors(f"{work}/init.safetensors",
                  {kiln_name(k): v.detach().numpy() for k, v in model.state_dict().items()})

spec = json.load(open(f"{src}/examples/fashion_mlp/model.json"))
if OPT == "sgd":
    spec["training"]["optimizer"] = {"type": "sgd", "lr": 0.1}
json.dump(spec, open(f"{work}/model.json", "w"))
subprocess.run([kilnc, f"{work}/model.json", "-o", f"{work}/fashion_mlp"], check=True)
out = subprocess.run([f"{work}/fashion_mlp", "train", "--data", DATA, "--load", f"{work}/init.safetensors",
                      "--steps", str(STEPS), "--no-shuffle", "--save", f"{work}/after.safetensors",
                      "--metrics-json", f"{work}/m.json"], check=True, capture_output=True, text=True)
kiln_loss = json.load(open(f"{work}/m.json"))["history"][0]["train_loss"]

images = np.frombuffer(gzip.open(f"{DATA}/train-images-idx3-ubyte.gz").read()[16:], np.uint8)
labels = np.frombuffer(gzip.open(f"{DATA}/train-labels-idx1-ubyte.gz").read()[8:], np.uint8)
x = torch.from_numpy(images[:STEPS * BATCH * 784].reshape(-1, 784).astype(np.float32) / 255)
y = torch.from_numpy(labels[:STEPS * BATCH].astype(np.int64))
opt = (torch.optim.SGD(model.parameters(), lr=0.1) if OPT == "sgd"
       else torch.optim.Adam(model.parameters(), lr=1e-3))
losses = []
for s in range(STEPS):
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x[s * BATCH:(s + 1) * BATCH]), y[s * BATCH:(s + 1) * BATCH])
    loss.backward()
    opt.step()
    losses.append(loss.item())

after = read_safetensors(f"{work}/after.safetensors")
# SGD must agree to float rounding: that pins down forward, loss and every
# gradient. Adam's update lr * m / (sqrt(v) + eps) divides by the gradient's
# own size, so where gradients are tiny or cancel, rounding differences in
# them (summation order) are amplified up to a fraction of lr; a wrong
# formula (bias correction, eps, betas) moves nearly every weight instead.
ok = True
for k, v in model.state_dict().items():
    ref, got = v.numpy(), after[kiln_name(k)]
    assert got.shape == ref.shape, (k, got.shape, ref.shape)
    diff = np.abs(got - ref)
    off = float((diff > 1e-6).mean())
    print(f"{kiln_name(k):16s} max |kiln - torch| = {diff.max():.2e}, "
          f"{off:.4%} of weights differ by more than 1e-6")
    if OPT == "sgd":
        ok &= diff.max() < 1e-7
    else:
        ok &= diff.max() < 1e-4 and off < 1e-3
torch_loss = sum(losses) / len(losses)
print(f"mean loss over {STEPS} steps: kiln {kiln_loss:.6f} torch {torch_loss:.6f}")
ok &= abs(kiln_loss - torch_loss) < 1e-5
print("ok" if ok else "MISMATCH")
sys.exit(0 if ok else 1)
