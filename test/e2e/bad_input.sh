#!/usr/bin/env bash
# e2e: bad input to a compiled model gets a clear message naming the place and
# a non-zero exit, never a crash (exit codes >= 128 are signals).
set -uo pipefail
kilnc=$1 KILN_SRC=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
failures=0

# expect_error NAME PATTERN CMD...: CMD must exit 1 or 2 and print PATTERN.
expect_error() {
  local name=$1 pattern=$2; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ $rc -eq 0 ] || [ $rc -ge 128 ] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $name: rc=$rc, expected /$pattern/ in:"; echo "$out" | head -5
    failures=$((failures + 1))
  else
    echo "ok   $name: $(grep -E -- "$pattern" <<<"$out" | head -1)"
  fi
}

cat > tiny.json <<'JSON'
{"name": "tiny", "input": {"shape": [4]},
 "layers": [{"type": "dense", "units": 8, "activation": "relu"}, {"type": "dense", "units": 3}],
 "training": {"loss": "softmax_cross_entropy", "batch_size": 4, "epochs": 1}}
JSON
"$kilnc" tiny.json -o tiny || { echo "FAIL: cannot compile tiny.json"; exit 1; }
mkdir -p csv && printf 'a,b,c,d,label\n0.1,0.2,0.3,0.4,1\n0.5,0.6,0.7,0.8,2\n0.1,0.1,0.1,0.1,0\n0.2,0.2,0.2,0.2,1\n' > csv/train.csv
cp csv/train.csv csv/test.csv
./tiny train --data csv --save good.safetensors >/dev/null 2>&1 || { echo "FAIL: tiny does not train"; exit 1; }

expect_error "missing dataset" "nonexistent" ./tiny train --data nonexistent-dir
mkdir -p bad_label && printf '0.1,0.2,0.3,0.4,7\n' > bad_label/train.csv
expect_error "label out of range" "train.csv.*(label|range).*7|7.*(label|range)" ./tiny train --data bad_label
mkdir -p bad_cell && printf '0.1,0.2,0.3,0.4,1\n0.1,x,0.3,0.4,1\n' > bad_cell/train.csv
expect_error "bad csv cell" "train.csv line 2, column 2" ./tiny train --data bad_cell
mkdir -p short_row && printf '0.1,0.2,0.3,1\n' > short_row/train.csv
expect_error "csv row too short" "train.csv" ./tiny train --data short_row

# IDX: a truncated gzip and a wrong magic number, against the real layout.
"$kilnc" "$KILN_SRC/examples/fashion_mlp/model.json" -o fmlp
mkdir -p idx_trunc && head -c 5000 /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz > idx_trunc/train-images-idx3-ubyte.gz
cp /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz /usr/share/datasets/fashion-mnist/t10k-* idx_trunc/
expect_error "truncated gzip IDX" "train-images-idx3-ubyte" ./fmlp train --data idx_trunc --steps 1
mkdir -p idx_magic && printf 'garbage-not-idx-data' > idx_magic/train-images-idx3-ubyte
cp /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz /usr/share/datasets/fashion-mnist/t10k-* idx_magic/
expect_error "IDX bad magic" "train-images-idx3-ubyte" ./fmlp train --data idx_magic --steps 1

# safetensors: truncated, garbage, and weights of another model.
head -c 100 good.safetensors > trunc.safetensors
expect_error "truncated safetensors" "trunc.safetensors" ./tiny eval --load trunc.safetensors --data csv
printf 'not a safetensors file at all' > junk.safetensors
expect_error "corrupt safetensors" "junk.safetensors" ./tiny eval --load junk.safetensors --data csv
expect_error "weights of another model" "dense_0.weight|shape|missing" ./fmlp eval --load good.safetensors --data /usr/share/datasets/fashion-mnist

# Outputs that cannot be written; the existing file survives.
expect_error "unwritable --save" "/nonexistent-dir/w.safetensors" ./tiny train --data csv --save /nonexistent-dir/w.safetensors
cp good.safetensors keep.safetensors
chmod 500 . 2>/dev/null
if [ "$(id -u)" != 0 ]; then
  expect_error "read-only directory" "keep.safetensors" ./tiny train --data csv --save keep.safetensors
fi
chmod 700 .
cmp -s good.safetensors keep.safetensors || { echo "FAIL: keep.safetensors changed"; failures=$((failures + 1)); }
expect_error "kilnc unwritable -o" "cannot write|/nonexistent-dir" "$kilnc" tiny.json --emit=obj -o /nonexistent-dir/t.o

# predict: a wrong-size .npy.
python3 -c "
import struct
hdr = \"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 5), }\"
hdr += ' ' * (63 - len(hdr) % 64) + '\n'
open('bad.npy','wb').write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr.encode() + b'\0' * 40)"
expect_error "npy shape mismatch" "bad.npy" ./tiny predict --load good.safetensors --input bad.npy
expect_error "unknown option" "--bogus|unknown" ./tiny train --bogus
expect_error "batch size mismatch" "batch" ./tiny train --data csv --batch-size 7

echo "$failures failed"
[ $failures -eq 0 ]
