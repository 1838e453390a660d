#!/usr/bin/env python3
"""fashion_subset.py OUT_DIR N_TRAIN N_TEST [--npy N,...]

Writes the first N_TRAIN training and N_TEST test samples of Fashion-MNIST
(/usr/share/datasets/fashion-mnist) as uncompressed IDX files in OUT_DIR, so
e2e tests load small data quickly. With --npy N,..., also writes
OUT_DIR/x<N>.npy for each N: the first N test images as float32 [N, 784]
(v / 255, as the IDX loader scales them), and OUT_DIR/x1.npy: the first test
image alone, as float32 [784]. Stdlib only.
"""
import gzip
import os
import struct
import sys

SRC = "/usr/share/datasets/fashion-mnist"


def subset(name, count, out_dir):
    with gzip.open(os.path.join(SRC, name + ".gz"), "rb") as f:
        blob = f.read()
    (magic,) = struct.unpack(">I", blob[:4])
    dims = struct.unpack(">" + "I" * (magic & 0xFF), blob[4:4 + 4 * (magic & 0xFF)])
    sample = 1
    for d in dims[1:]:
        sample *= d
    start = 4 + 4 * len(dims)
    assert count <= dims[0], (name, count, dims)
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(struct.pack(">I", magic))
        f.write(struct.pack(">" + "I" * len(dims), count, *dims[1:]))
        f.write(blob[start:start + count * sample])
    return blob[start:start + count * sample], sample


def write_npy(path, shape, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        "".join(f"{d}, " for d in shape) if len(shape) == 1 else ", ".join(map(str, shape)))
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack(f"<{len(values)}f", *values))


def main(argv):
    out_dir, n_train, n_test = argv[1], int(argv[2]), int(argv[3])
    os.makedirs(out_dir, exist_ok=True)
    subset("train-images-idx3-ubyte", n_train, out_dir)
    subset("train-labels-idx1-ubyte", n_train, out_dir)
    images, size = subset("t10k-images-idx3-ubyte", n_test, out_dir)
    subset("t10k-labels-idx1-ubyte", n_test, out_dir)
    if len(argv) > 5 and argv[4] == "--npy":
        counts = [int(n) for n in argv[5].split(",")]
        values = [v / 255 for v in images[:max(counts) * size]]
        for n in counts:
            assert n <= n_test, (n, n_test)
            write_npy(os.path.join(out_dir, f"x{n}.npy"), (n, size), values[:n * size])
        write_npy(os.path.join(out_dir, "x1.npy"), (size,), values[:size])


if __name__ == "__main__":
    main(sys.argv)
