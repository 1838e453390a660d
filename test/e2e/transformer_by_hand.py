"""e2e: a transformer_block layer and the same block written by hand in graph
form (multi_head_attention, add, layer_norm, dense relu, dense, add,
layer_norm) train identically: from the same weights, 5 steps give
bit-identical losses and weights (dropout 0, so no mask differs). Both
files compile to the same ops, so to the same kernels.

Usage: transformer_by_hand.py KILNC SRC WORKDIR
"""
import json, os, struct, subprocess, sys

import numpy as np

T, E, FF, HEADS, CLASSES, BATCH = 8, 12, 20, 3, 4, 6

BLOCK = {
    "name": "block", "input": {"shape": [T, E]},
    "layers": [
        {"type": "transformer_block", "name": "blk", "num_heads": HEADS, "dim_feedforward": FF,
         "dropout": 0, "causal": True},
        {"type": "global_avg_pool1d", "name": "pool"},
        {"type": "dense", "name": "out", "units": CLASSES},
    ],
    "training": {"loss": "softmax_cross_entropy", "optimizer": {"type": "sgd", "lr": 0.1},
                 "batch_size": BATCH},
}
HAND = {
    "name": "hand", "input": {"shape": [T, E]},
    "layers": [
        {"type": "multi_head_attention", "name": "attn", "num_heads": HEADS, "causal": True},
        {"type": "add", "name": "res1", "inputs": ["input", "attn"]},
        {"type": "layer_norm", "name": "norm1"},
        {"type": "dense", "name": "lin1", "units": FF, "activation": "relu"},
        {"type": "dense", "name": "lin2", "units": E},
        {"type": "add", "name": "res2", "inputs": ["norm1", "lin2"]},
        {"type": "layer_norm", "name": "norm2"},
        {"type": "global_avg_pool1d", "name": "pool"},
        {"type": "dense", "name": "out", "units": CLASSES},
    ],
    "training": BLOCK["training"],
}
# The block's parameter names -> the hand-written graph's.
RENAME = {"blk.self_attn.": "attn.", "blk.linear1.": "lin1.", "blk.linear2.": "lin2.",
          "blk.norm1.": "norm1.", "blk.norm2.": "norm2."}


def hand_name(name):
    for a, b in RENAME.items():
        if name.startswith(a):
            return b + name[len(a):]
    return name


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, a in tensors.items():
        raw = np.ascontiguousarray(a, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    blob = open(path, "rb").read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    return {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype="<f4").reshape(v["shape"])
            for k, v in header.items() if k != "__metadata__" and v["dtype"] == "F32"}


def main():
    kilnc, _, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(3)
    with open(f"{work}/data.csv", "w") as f:
        for _ in range(BATCH * 5):
            f.write(",".join(f"{v:.6f}" for v in rng.normal(size=T * E)) + f",{rng.integers(CLASSES)}\n")
    shapes = {"blk.self_attn.in_proj_weight": (3 * E, E), "blk.self_attn.in_proj_bias": (3 * E,),
              "blk.self_attn.out_proj.weight": (E, E), "blk.self_attn.out_proj.bias": (E,),
              "blk.linear1.weight": (FF, E), "blk.linear1.bias": (FF,),
              "blk.linear2.weight": (E, FF), "blk.linear2.bias": (E,),
              "blk.norm1.weight": (E,), "blk.norm1.bias": (E,),
              "blk.norm2.weight": (E,), "blk.norm2.bias": (E,),
              "out.weight": (CLASSES, E), "out.bias": (CLASSES,)}
    init = {k: rng.normal(scale=0.3, size=s).astype(np.float32) for k, s in shapes.items()}
    losses, finals = {}, {}
    for name, spec, rename in (("block", BLOCK, lambda n: n), ("hand", HAND, hand_name)):
        json.dump(spec, open(f"{work}/{name}.json", "w"))
        write_safetensors(f"{work}/{name}0.safetensors", {rename(k): v for k, v in init.items()})
        subprocess.run([kilnc, f"{work}/{name}.json", "-o", f"{work}/{name}"], check=True)
        subprocess.run([f"{work}/{name}", "train", "--data", f"{work}/data.csv", "--no-shuffle",
                        "--steps", "5", "--load", f"{work}/{name}0.safetensors",
                        "--save", f"{work}/{name}5.safetensors", "--metrics-json", f"{work}/{name}.m.json"],
                       check=True, stdout=subprocess.DEVNULL)
        losses[name] = json.load(open(f"{work}/{name}.m.json"))["history"][-1]["train_loss"]
        finals[name] = {k: v for k, v in read_safetensors(f"{work}/{name}5.safetensors").items()
                        if not k.startswith("optimizer.")}
    print(f"loss after 5 steps: transformer_block {losses['block']!r}, by hand {losses['hand']!r}")
    assert losses["block"] == losses["hand"], losses
    assert len(finals["block"]) == len(shapes) == len(finals["hand"])
    for k, v in finals["block"].items():
        other = finals["hand"][hand_name(k)]
        assert np.array_equal(v, other), (k, np.abs(v - other).max())
        assert not np.array_equal(v, init[k]), f"{k} did not train"
    print(f"all {len(shapes)} tensors bit-identical after 5 steps")


if __name__ == "__main__":
    main()
