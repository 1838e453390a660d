#!/usr/bin/python3
"""Writes the seed corpora fuzz/corpus/<target>/ (small valid inputs, and a
few near misses): python3 fuzz/make_seeds.py KILNC. Inputs named
regression-* (a fuzzer's findings, kept as regression tests) are left alone. The model JSON seeds are
copies of the examples and of the frontend tests' inputs; the manifest seeds
are those of the examples, compiled with KILNC."""
import gzip, json, os, shutil, struct, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def idx(dims, payload):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


def gz(data):
    return gzip.compress(data, mtime=0)


def npy(descr, shape, payload, version=1):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload
    return b"\x93NUMPY\x02\x00" + struct.pack("<I", len(header)) + header.encode() + payload


def safetensors(tensors, metadata=None):
    header, data = {}, b""
    for name, dtype, shape, payload in tensors:
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def f32(*values):
    return struct.pack("<%df" % len(values), *values)


def main():
    # Regression inputs (fuzzers' findings, "regression-*") stay.
    for d, _, files in os.walk(os.path.join(HERE, "corpus")):
        for f in files:
            if not f.startswith("regression-"):
                os.remove(os.path.join(d, f))
    # IDX: both files of a tiny dataset, raw and gzip.
    images = idx([3, 2, 2], bytes(range(12)))
    labels = idx([3], bytes([2, 0, 1]))
    put("idx", "images", images)
    put("idx", "labels", labels)
    put("idx", "labels.gz", gz(labels))
    put("idx", "images.gz", gz(images))
    put("idx", "two-members.gz", gz(labels[:5]) + gz(labels[5:]))
    # CSV: the first byte picks the model (0 classifier [4] -> 3 classes,
    # 1 regressor [3] -> 2, 2 ids [5] < 11 -> 3 classes, 3 ids [6] -> labels [6]).
    put("csv", "classifier", "\x00a,b,c,d,label\n1,2,3,4,0\n5,6,7,8,2\n")
    put("csv", "classifier-noheader", "\x001.5,-2,3e1,4,1\r\n0,0,0,0,2\n")
    put("csv", "regressor", "\x01x0,x1,x2,y0,y1\n0.5,1,2,3.25,-1\n")
    put("csv", "ids", "\x023,1,0,10,4,2\n9,9,9,9,9,0\n")
    put("csv", "positions", "\x021,2,3,4,5,6,0,1,2,3,0,1\n")
    put("csv", "positions-3", "\x031,2,3,4,5,6,0,1,2,3,0,1\n")
    put("csv", "bom", "\x00\xef\xbb\xbf1,2,3,4,0\n")
    put("csv", "gzip", b"\x00" + gz(b"a,b,c,d,label\n1,2,3,4,0\n"))
    # NPY: float32, uint8, int32 and int64 ids, version 2.
    put("npy", "f4", npy("<f4", "(2, 3)", f32(1, 2, 3, 4, 5, 6)))
    put("npy", "u1", npy("|u1", "(3,)", bytes([0, 51, 255])))
    put("npy", "i4", npy("<i4", "(2,)", struct.pack("<2i", 7, 255)))
    put("npy", "i8", npy("<i8", "(1, 2)", struct.pack("<2q", 7, 255)))
    put("npy", "scalar-v2", npy("<f4", "()", f32(7), version=2))
    # safetensors: tensors of both dtypes, metadata.
    put("safetensors", "two", safetensors([("w", "F32", [2, 2], f32(1, 2, 3, 4)),
                                           ("n", "I64", [], struct.pack("<q", 5))],
                                          {"format": "kiln", "step": "3"}))
    put("safetensors", "empty", safetensors([]))
    # Checkpoints of fuzz/Manifests.cpp's model: weights only, resumable,
    # and a transfer source with one matching tensor.
    weights = [("dense.weight", "F32", [3, 4], f32(*range(12))),
               ("dense.bias", "F32", [3], f32(0, 1, 2)),
               ("bn.num_batches_tracked", "I64", [], struct.pack("<q", 4)),
               ("bn.running_var", "F32", [3], f32(1, 1, 1))]
    state = [("optimizer.dense.weight.momentum_buffer", "F32", [3, 4], f32(*([0.5] * 12))),
             ("optimizer.dense.bias.momentum_buffer", "F32", [3], f32(0, 0, 0))]
    put("checkpoint", "weights", safetensors(weights, {"format": "kiln", "model": "fuzz_checkpoint",
                                                       "step": "0"}))
    put("checkpoint", "resumable", safetensors(weights + state, {
        "format": "kiln", "model": "fuzz_checkpoint", "step": "12", "epoch": "2",
        "batch": "3", "data_seed": "5", "epoch_samples": "20", "loop.lr_factor": "0.5",
        "loop.best": "0.25", "data.series_mean": "1.5", "data.series_std": "2",
        "data.class_names": '["a", "b", "c"]'}))
    put("checkpoint", "transfer", safetensors([weights[1], ("other.weight", "F32", [2], f32(1, 2))]))
    # Manifests: every example's, as its executable embeds it.
    kilnc = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        for example in sorted(os.listdir(os.path.join(ROOT, "examples"))):
            src = os.path.join(ROOT, "examples", example, "model.json")
            if not os.path.exists(src):
                continue
            exe = os.path.join(tmp, example)
            subprocess.run([kilnc, src, "-o", exe], check=True)
            binary = open(exe, "rb").read()
            start = binary.index(b'{"abi_version"')
            put("manifest", example + ".json", binary[start:binary.index(b"\0", start)])
    # Text for a next-byte model of [8] byte ids.
    put("text", "prose", b"The quick brown fox jumps over the lazy dog.\n" * 3)
    put("text", "bytes", bytes(range(256)))
    put("text", "short", b"abc")
    # Model files: every example and every frontend test input.
    for example in sorted(os.listdir(os.path.join(ROOT, "examples"))):
        src = os.path.join(ROOT, "examples", example, "model.json")
        if os.path.exists(src):
            put("model_json", example + ".json", open(src, "rb").read())
    inputs = os.path.join(ROOT, "test", "Frontend", "Inputs")
    for name in sorted(os.listdir(inputs)):
        if name.endswith(".json"):
            put("model_json", "frontend-" + name, open(os.path.join(inputs, name), "rb").read())


if __name__ == "__main__":
    sys.exit(main())
