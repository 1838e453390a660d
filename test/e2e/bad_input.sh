#!/usr/bin/env bash
# e2e: bad input to a compiled model gets a clear message naming the place and
# exit status 1 (2 for usage errors), never a crash. Every case checks the
# whole message, so a vaguer or wrong message fails the test.
set -uo pipefail
export LC_ALL=C # strerror texts in English
kilnc=$1 KILN_SRC=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
failures=0

# expect_error NAME RC MESSAGE CMD...: CMD exits with RC (1: a runtime
# error, 2: a usage error) and its stderr begins with the line MESSAGE,
# exactly. A runtime error prints that line alone; a usage error follows it
# with a blank line and the command's usage.
expect_error() {
  local name=$1 rc=$2 message=$3; shift 3
  local got=0 first rest
  "$@" > "$work/stdout.txt" 2> "$work/stderr.txt" || got=$?
  first=$(head -1 "$work/stderr.txt")
  rest=$(tail -n +2 "$work/stderr.txt")
  if [ $got -ne "$rc" ] || [ "$first" != "$message" ] ||
     { [ "$rc" -eq 1 ] && [ -n "$rest" ]; } ||
     { [ "$rc" -eq 2 ] && ! grep -q "^usage: " <<<"$rest"; }; then
    echo "FAIL $name: exit $got (expected $rc), expected stderr:"
    echo "  $message"
    echo "got:"; head -3 "$work/stderr.txt" | sed 's/^/  /'
    failures=$((failures + 1))
  else
    echo "ok   $name: $message"
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

expect_error "missing dataset" 1 "error: data: 'nonexistent-dir' does not exist" \
  ./tiny train --data nonexistent-dir
mkdir -p bad_label && printf '0.1,0.2,0.3,0.4,7\n' > bad_label/train.csv
expect_error "label out of range" 1 "error: bad_label/train.csv line 1, column 5: label 7 is out of range [0, 3)" \
  ./tiny train --data bad_label
mkdir -p bad_cell && printf '0.1,0.2,0.3,0.4,1\n0.1,x,0.3,0.4,1\n' > bad_cell/train.csv
expect_error "bad csv cell" 1 "error: bad_cell/train.csv line 2, column 2: 'x' is not a number" \
  ./tiny train --data bad_cell
mkdir -p short_row && printf '0.1,0.2,0.3,1\n' > short_row/train.csv
expect_error "csv row too short" 1 "error: short_row/train.csv line 1: expected 5 columns (4 inputs + 1 label), got 4" \
  ./tiny train --data short_row

# IDX: a truncated gzip and a wrong magic number, against the real layout.
"$kilnc" "$KILN_SRC/examples/fashion_mlp/model.json" -o fmlp
mkdir -p idx_trunc && head -c 5000 /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz > idx_trunc/train-images-idx3-ubyte.gz
cp /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz /usr/share/datasets/fashion-mnist/t10k-* idx_trunc/
expect_error "truncated gzip IDX" 1 "error: idx_trunc/train-images-idx3-ubyte.gz: truncated gzip data" \
  ./fmlp train --data idx_trunc --steps 1
mkdir -p idx_magic && printf 'garbage-not-idx-data' > idx_magic/train-images-idx3-ubyte
cp /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz /usr/share/datasets/fashion-mnist/t10k-* idx_magic/
expect_error "IDX bad magic" 1 "error: idx_magic/train-images-idx3-ubyte: not an IDX file (bad magic; expected 00 00 08 <rank>)" \
  ./fmlp train --data idx_magic --steps 1

# safetensors: truncated, garbage, and weights of another model.
head -c 100 good.safetensors > trunc.safetensors
header=$(python3 -c "import struct; print(struct.unpack('<Q', open('good.safetensors','rb').read(8))[0])")
expect_error "truncated safetensors" 1 "error: trunc.safetensors: header length $header exceeds the file size (100 bytes)" \
  ./tiny eval --load trunc.safetensors --data csv
printf 'not a safetensors file at all' > junk.safetensors
# The length field is the first 8 bytes, "not a sa", read little-endian.
expect_error "corrupt safetensors" 1 "error: junk.safetensors: header length 7021991845529153390 exceeds the file size (29 bytes)" \
  ./tiny eval --load junk.safetensors --data csv
expect_error "weights of another model" 1 "error: good.safetensors: tensor 'dense_0.weight' has shape [8, 4] but the model expects [512, 784]" \
  ./fmlp eval --load good.safetensors --data /usr/share/datasets/fashion-mnist

# Outputs that cannot be written; the existing file survives.
expect_error "unwritable --save" 1 "error: cannot write '/nonexistent-dir/w.safetensors': directory '/nonexistent-dir' does not exist" \
  ./tiny train --data csv --save /nonexistent-dir/w.safetensors
expect_error "--save names a directory" 1 "error: cannot write 'csv': it is a directory" \
  ./tiny train --data csv --save csv
mkdir ro && cp good.safetensors ro/keep.safetensors && chmod 555 ro
# Root writes anywhere: run this case as nobody where that works.
as_user=() skip=
if [ "$(id -u)" = 0 ]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  "${as_user[@]}" ./tiny info > /dev/null 2>&1 || skip="running as root, and cannot run as nobody"
fi
if [ -z "$skip" ]; then
  expect_error "read-only directory" 1 "error: cannot write 'ro/keep.safetensors': directory 'ro' is not writable" \
    "${as_user[@]}" ./tiny train --data csv --save ro/keep.safetensors
else
  echo "skip read-only directory: $skip"
fi
chmod 755 ro
cmp -s good.safetensors ro/keep.safetensors || { echo "FAIL: ro/keep.safetensors changed"; failures=$((failures + 1)); }
expect_error "kilnc unwritable -o" 1 "kilnc: error: cannot write /nonexistent-dir/t.o: No such file or directory" \
  "$kilnc" tiny.json --emit=obj -o /nonexistent-dir/t.o

# predict: a wrong-size .npy.
python3 -c "
import struct
hdr = \"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 5), }\"
hdr += ' ' * (63 - len(hdr) % 64) + '\n'
open('bad.npy','wb').write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr.encode() + b'\0' * 40)"
expect_error "npy shape mismatch" 1 "error: bad.npy: array shape [2, 5] does not fit model 'tiny': expected [n, 4] or [4]" \
  ./tiny predict --load good.safetensors --input bad.npy
expect_error "unknown option" 2 "error: unknown option '--bogus'" ./tiny train --bogus
expect_error "batch size mismatch" 1 "error: model 'tiny' was compiled for batch size 4; the training step is specialized to it, so recompile with \`kilnc --batch-size 7\` to train with that batch size" \
  ./tiny train --data csv --batch-size 7

# Resuming: flags and data that do not fit the checkpoint.
expect_error "--checkpoint-every without --save" 2 "error: --checkpoint-every needs --save FILE (where to write the checkpoints)" \
  ./tiny train --data csv --checkpoint-every 2
expect_error "--resume with another --seed" 2 "error: --seed 9 differs from the data_seed 0 of good.safetensors; the resumed run must keep its data order, so leave --seed out" \
  ./tiny train --data csv --resume good.safetensors --seed 9
head -4 csv/train.csv > three.csv
expect_error "--resume with other data" 1 "error: good.safetensors: was written by a run with 4 training samples per epoch, but this one has 3; resume with the same --data and --validation-split" \
  ./tiny train --data three.csv --resume good.safetensors

# kilnc: conv2d and pooling layers that do not fit their input. Each model
# is LAYERS, a flatten and a dense layer on the input SHAPE.
window_model() { # NAME SHAPE LAYERS
  printf '{"name": "%s", "input": {"shape": %s},\n "layers": [%s,\n  {"type": "flatten"}, {"type": "dense", "units": 3}],\n "training": {"batch_size": 4}}\n' \
    "$1" "$2" "$3" > "$1.json"
}
window_model big_kernel '[1, 4, 4]' '{"type": "conv2d", "filters": 2, "kernel_size": 5}'
expect_error "conv2d kernel larger than its input" 1 'kilnc: error: big_kernel.json: /layers/0: layer "conv2d_0": the 5x5 kernel does not fit its input [1, 4, 4] with padding [0, 0, 0, 0] [top, left, bottom, right]' \
  "$kilnc" big_kernel.json -o big_kernel
window_model dilated '[1, 8, 8]' '{"type": "conv2d", "filters": 2, "kernel_size": 3, "dilation": 4}'
expect_error "dilated kernel larger than its input" 1 'kilnc: error: dilated.json: /layers/0: layer "conv2d_0": the 3x3 kernel (dilation 4x4) does not fit its input [1, 8, 8] with padding [0, 0, 0, 0] [top, left, bottom, right]' \
  "$kilnc" dilated.json -o dilated
window_model pooled_empty '[1, 6, 6]' '{"type": "conv2d", "filters": 2, "kernel_size": 5}, {"type": "max_pool2d", "pool_size": 3}'
expect_error "pooled size below 1" 1 'kilnc: error: pooled_empty.json: /layers/1: layer "max_pool2d_1": the 3x3 window does not fit its input [2, 2, 2] with padding [0, 0, 0, 0] [top, left, bottom, right]' \
  "$kilnc" pooled_empty.json -o pooled_empty
window_model groups_in '[3, 8, 8]' '{"type": "conv2d", "filters": 4, "kernel_size": 3, "groups": 2}'
expect_error "input channels not divisible by groups" 1 'kilnc: error: groups_in.json: /layers/0: layer "conv2d_0": groups (2) must divide the input channels (3)' \
  "$kilnc" groups_in.json -o groups_in
window_model groups_out '[4, 8, 8]' '{"type": "conv2d", "filters": 3, "kernel_size": 3, "groups": 2}'
expect_error "filters not divisible by groups" 1 'kilnc: error: groups_out.json: /layers/0/groups: groups (2) must divide filters (3)' \
  "$kilnc" groups_out.json -o groups_out
window_model flat_conv '[784]' '{"type": "conv2d", "filters": 4, "kernel_size": 3}'
expect_error "conv2d on a flat input" 1 'kilnc: error: flat_conv.json: /layers/0: layer "conv2d_0": conv2d expects [channels, height, width], got [784]; give the input shape [1, 28, 28] (a flat dataset of as many values feeds it)' \
  "$kilnc" flat_conv.json -o flat_conv
window_model pool_pad '[1, 8, 8]' '{"type": "conv2d", "filters": 4, "kernel_size": 3}, {"type": "max_pool2d", "pool_size": 2, "padding": 2}'
expect_error "max pool padding not smaller than the window" 1 'kilnc: error: pool_pad.json: /layers/1: layer "max_pool2d_1": padding [2, 2, 2, 2] [top, left, bottom, right] must be smaller than the 2x2 window' \
  "$kilnc" pool_pad.json -o pool_pad
window_model avg_pad '[1, 8, 8]' '{"type": "avg_pool2d", "pool_size": [3, 2], "strides": 1, "padding": [1, 2]}'
expect_error "avg pool padding not smaller than the window" 1 'kilnc: error: avg_pad.json: /layers/0: layer "avg_pool2d_0": padding [1, 2, 1, 2] [top, left, bottom, right] must be smaller than the 3x2 window' \
  "$kilnc" avg_pad.json -o avg_pad
# An input shape that compiles but does not match the dataset's samples.
python3 "$KILN_SRC/test/e2e/fashion_subset.py" idx_small 100 10
window_model narrow '[1, 28, 27]' '{"type": "conv2d", "filters": 2, "kernel_size": 3}'
"$kilnc" narrow.json -o narrow || { echo "FAIL: cannot compile narrow.json"; exit 1; }
expect_error "input shape of another element count than the data" 1 "error: idx_small/train-images-idx3-ubyte: samples have 784 values but model 'narrow' expects input shape [1, 28, 27] (756 values)" \
  ./narrow train --data idx_small --steps 1

# Files that are not regular: a FIFO would block a reader forever; an atomic
# write would replace a symlink or a device node by a plain file.
mkfifo fifo
expect_error "FIFO as data" 1 "error: cannot read 'fifo': not a regular file" \
  timeout 20 ./tiny train --data fifo
expect_error "FIFO as the model file" 1 "kilnc: error: cannot read fifo: not a regular file" \
  timeout 20 "$kilnc" fifo -o fifo_model
ln -s good.safetensors link.safetensors
expect_error "save over a symlink" 1 "error: cannot write 'link.safetensors': it exists and is not a regular file (a symbolic link); refusing to replace it" \
  ./tiny train --data csv --save link.safetensors
[ -L link.safetensors ] || { echo "FAIL: the symlink was replaced"; failures=$((failures + 1)); }
expect_error "save over a device" 1 "error: cannot write '/dev/null': it exists and is not a regular file (a device or socket); refusing to replace it" \
  ./tiny train --data csv --save /dev/null
expect_error "save to an empty path" 1 "error: cannot write '': the path is empty" \
  ./tiny train --data csv --save ""
expect_error "two outputs to one file" 2 "error: --save and --metrics-json both write 'same.out'" \
  ./tiny train --data csv --save same.out --metrics-json same.out
expect_error "kilnc to a full device" 1 "kilnc: error: cannot write /dev/full: No space left on device" \
  "$kilnc" tiny.json --emit=llvm-ir -o /dev/full
expect_error "kilnc --mpi of an inference-only model" 1 "kilnc: error: --mpi applies to training; an inference-only model has no train_step to run data-parallel" \
  "$kilnc" tiny.json --inference --mpi -o tiny_mpi
# Without mpirun, a plain executable in an environment that says it is one
# of several MPI processes refuses to train.
expect_error "plain executable in an MPI job" 1 "error: this executable was built without --mpi, but it is one of 3 processes of an MPI job: each would train alone on all the data and write the same files. Recompile the model with \`kilnc --mpi\`, or run it without mpirun" \
  env OMPI_COMM_WORLD_SIZE=3 ./tiny train --data csv
# --emit=cpp writes a folder.
expect_error "kilnc --emit=cpp without -o" 1 "kilnc: error: --emit=cpp writes a folder: pass -o DIR" \
  "$kilnc" tiny.json --emit=cpp
expect_error "kilnc --emit=cpp into a file" 1 "kilnc: error: cannot create the folder tiny.json: it exists and is not a folder" \
  "$kilnc" tiny.json --emit=cpp -o tiny.json
expect_error "kilnc --emit=cpp named as a CMake target" 1 "kilnc: error: --emit=cpp: the model would be named 'all', which CMake or Kiln's runtime already use; pass --name NAME or another folder name" \
  "$kilnc" tiny.json --emit=cpp -o out/all
expect_error "kilnc --emit=cpp under /proc" 1 "kilnc: error: cannot create /proc/kiln-cpp: No such file or directory" \
  "$kilnc" tiny.json --emit=cpp -o /proc/kiln-cpp

echo "$failures failed"
[ $failures -eq 0 ]
