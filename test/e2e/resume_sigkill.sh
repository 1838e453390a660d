#!/usr/bin/env bash
# e2e: resumable training survives SIGKILL. fashion_mlp trains 600 steps on a
# 12000-sample Fashion-MNIST subset (10800 after a 10% validation split: 168
# batches an epoch, so the run crosses three epoch ends and their validation)
# once uninterrupted, and once with --checkpoint-every 12 killed with SIGKILL
# three times: after a random delay, in the middle of writing a checkpoint (a
# .tmp file exists), and after a random delay past step 180 (in epoch 2, so a
# resumed run has crossed an epoch's end); each restart is the same
# command line plus --resume. The final checkpoint must equal the
# uninterrupted run's byte for byte (every tensor, optimizer state included,
# and the metadata: the whole file), each resumed run must really continue
# (it reports the checkpoint's step and trains only the rest), and no
# checkpoint may ever be torn: a reader polls the file during all the runs and
# every version it sees, and the file after each kill, must parse completely.
# KILN_TEST_SEED=N repeats a failing run's delays.
set -euo pipefail
kilnc=$1 src=$2 work=$3
tool="python3 $src/test/e2e/safetensors_tool.py"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
RANDOM=${KILN_TEST_SEED:-$$}
echo "delays from KILN_TEST_SEED=${KILN_TEST_SEED:-$$}"

python3 "$src/test/e2e/fashion_subset.py" data 12000 1000
"$kilnc" "$src/examples/fashion_mlp/model.json" -o fmlp
steps=600 every=12
run=(./fmlp train --data data --steps $steps --seed 5 --validation-split 0.1)
"${run[@]}" --save ref.safetensors > ref.log
$tool check ref.safetensors

# The reader: parses every version of ck.safetensors it can open until
# `stop` appears. A rename is atomic, so an open file is always one whole
# checkpoint; a writer that truncated and rewrote in place would be caught.
cat > poll.py <<PY
import os, sys, time
sys.path.insert(0, "$src/test/e2e")
import safetensors_tool as st
seen, reads, torn = set(), 0, 0
while not os.path.exists("stop"):
    try:
        tensors, meta = st.read("ck.safetensors")
        reads += 1
        if int(meta["step"]) not in seen:
            with open("latest.tmp", "w") as f:
                f.write(meta["step"])
            os.replace("latest.tmp", "latest")
        seen.add(int(meta["step"]))
        time.sleep(0.003)  # leave the CPUs to the trainer
    except FileNotFoundError:
        time.sleep(0.003)
    except st.Bad as e:
        torn += 1
        print("TORN:", e, flush=True)
print(f"reader: {reads} reads, {len(seen)} distinct checkpoints, {torn} torn")
bad = sorted(s for s in seen if s % $every and s != $steps)
if bad: print("steps that are not checkpoint steps:", bad)
sys.exit(1 if torn or bad or not seen else 0)
PY
python3 poll.py > poll.log 2>&1 &
poller=$!
trap 'kill $poller 2>/dev/null || true' EXIT # when a check fails

inode() { stat -c %i ck.safetensors 2>/dev/null || echo none; }
ms_sleep() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }
kills=0
# round MODE [STEP]: one run (resumed if a checkpoint exists), killed by
# MODE once it has written a checkpoint (of at least STEP).
round() {
  local mode=$1 min=${2:-0} resume=() before pid rc start=0
  if [ -f ck.safetensors ]; then
    resume=(--resume ck.safetensors)
    start=$($tool meta ck.safetensors step)
  fi
  before=$(inode)
  "${run[@]}" --checkpoint-every $every --save ck.safetensors "${resume[@]}" > "run$kills.log" 2>&1 &
  pid=$!
  # Wait for a checkpoint written by this run: it is training.
  while kill -0 $pid 2>/dev/null && [ "$(inode)" = "$before" ]; do sleep 0.005; done
  while kill -0 $pid 2>/dev/null && [ "$(cat latest 2>/dev/null || echo 0)" -lt "$min" ]; do sleep 0.005; done
  if [ "$mode" = delay ]; then
    local ms=$((RANDOM % 250))
    ms_sleep $ms
    kill -KILL $pid 2>/dev/null || true
    mode="after $ms ms"
  else
    until [ -e "ck.safetensors.tmp-$pid" ] || ! kill -0 $pid 2>/dev/null; do :; done
    kill -KILL $pid 2>/dev/null || true
    mode="while writing"
  fi
  rc=0; wait $pid 2>/dev/null || rc=$?
  if [ $rc -eq 0 ]; then
    echo "run from step $start finished before the kill ($mode)"
    return
  fi
  [ $rc -eq 137 ] || { echo "FAIL: run exited $rc"; cat "run$kills.log"; exit 1; }
  if [ -n "${resume[*]}" ]; then
    grep -qx "resumed ck.safetensors (step $start: .*)" "run$kills.log" ||
      { echo "FAIL: no 'resumed ... (step $start: ...)' line"; cat "run$kills.log"; exit 1; }
  fi
  $tool check ck.safetensors > /dev/null
  kills=$((kills + 1))
  echo "kill $kills ($mode): run from step $start stopped; last checkpoint at step" \
       "$($tool meta ck.safetensors step)$(ls ck.safetensors.tmp-$pid >/dev/null 2>&1 && echo ', a partial .tmp file left')"
}
round delay
round mid-write
round delay 180 # in epoch 2: the run from here crossed an epoch's end
[ $kills -ge 2 ] || { echo "FAIL: only $kills runs were killed before they finished"; exit 1; }

# Finish the run: the same command line plus --resume.
start=$($tool meta ck.safetensors step)
"${run[@]}" --checkpoint-every $every --save ck.safetensors --resume ck.safetensors \
  --metrics-json m.json > final.log
touch stop
wait $poller || { echo "FAIL: the reader saw a bad checkpoint"; cat poll.log; exit 1; }
cat poll.log
if [ "$start" -lt $steps ]; then
  grep -qx "resumed ck.safetensors (step $start: .*)" final.log ||
    { echo "FAIL: the final run did not resume from step $start"; cat final.log; exit 1; }
fi
python3 -c "
import json; n = json.load(open('m.json'))['train']['steps']
assert n == $steps - $start, f'the resumed run trained {n} steps, expected $steps - $start'
print(f'final run: resumed at step $start, trained {n} steps')"

$tool same ref.safetensors ck.safetensors
cmp ref.safetensors ck.safetensors ||
  { echo "FAIL: same tensors, different files; metadata:"; $tool meta ref.safetensors step; exit 1; }
echo "ok: the resumed checkpoint is byte-identical to the uninterrupted run's (whole file)"

# Resuming the finished run trains nothing and changes nothing.
"${run[@]}" --save ck.safetensors --resume ck.safetensors > again.log
grep -qx "nothing left to train: the run was complete" again.log ||
  { echo "FAIL: resuming the finished run:"; cat again.log; exit 1; }
cmp ref.safetensors ck.safetensors
echo "ok: resuming a finished run trains nothing"
