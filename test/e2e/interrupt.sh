#!/usr/bin/env bash
# e2e: SIGINT and SIGTERM stop training cleanly. fashion_mlp trains 2000
# steps on a 12000-sample Fashion-MNIST subset (168 batches an epoch after a
# 10% validation split) once uninterrupted, and once interrupted three times
# at random moments: SIGINT twice, SIGTERM once. Each interrupted run must
# finish its step, write --save, say how to resume, and exit 128 + the
# signal; the same command plus --resume continues it. The final checkpoint
# must equal the uninterrupted run's byte for byte. Without --save the
# message says nothing was kept. A SIGINT ignored by the parent stays
# ignored. KILN_TEST_SEED=N repeats a run's delays.
set -euo pipefail
# Job control: without it bash starts background jobs with SIGINT ignored,
# and Kiln keeps an ignored SIGINT ignored (as nohup expects).
set -m
kilnc=$1 src=$2 work=$3
tool="python3 $src/test/e2e/safetensors_tool.py"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
RANDOM=${KILN_TEST_SEED:-$$}
echo "delays from KILN_TEST_SEED=${KILN_TEST_SEED:-$$}"

python3 "$src/test/e2e/fashion_subset.py" data 12000 1000
"$kilnc" "$src/examples/fashion_mlp/model.json" -o fmlp
steps=2000
run=(./fmlp train --data data --steps $steps --seed 5 --validation-split 0.1)
"${run[@]}" --save ref.safetensors > ref.log

ms_sleep() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }
stops=0
# interrupt SIGNAL CODE: one run (resumed if a checkpoint exists) sent
# SIGNAL once it is training.
interrupt() {
  local signal=$1 code=$2 resume=() start=0 pid rc
  if [ -f ck.safetensors ]; then
    resume=(--resume ck.safetensors)
    start=$($tool meta ck.safetensors step)
  fi
  "${run[@]}" --save ck.safetensors "${resume[@]}" > "run$stops.log" 2>&1 &
  pid=$!
  # Training has begun once the first line is out.
  until grep -q "^training" "run$stops.log" || ! kill -0 $pid 2>/dev/null; do sleep 0.01; done
  ms_sleep $((100 + RANDOM % 600))
  kill -s "$signal" $pid 2>/dev/null || true
  rc=0; wait $pid || rc=$?
  if [ $rc -eq 0 ] || grep -q "^interrupted after the run's last step, which is saved" "run$stops.log"; then
    echo "run from step $start finished before SIG$signal (exit $rc)"
    return
  fi
  [ $rc -eq "$code" ] || { echo "FAIL: SIG$signal: exit $rc, expected $code"; cat "run$stops.log"; exit 1; }
  local step
  step=$($tool meta ck.safetensors step)
  grep -q "^interrupted at step $step (epoch [0-9]*, [0-9]* batch.*): saved ck.safetensors; to continue, run the same command with --resume ck.safetensors" "run$stops.log" ||
    { echo "FAIL: SIG$signal: no resume message for step $step"; cat "run$stops.log"; exit 1; }
  [ "$step" -gt "$start" ] || { echo "FAIL: no progress past step $start"; exit 1; }
  stops=$((stops + 1))
  echo "SIG$signal: run from step $start stopped at step $step, exit $rc"
}
interrupt INT 130
interrupt TERM 143
interrupt INT 130
[ $stops -ge 2 ] || { echo "FAIL: only $stops runs were interrupted before they finished"; exit 1; }

"${run[@]}" --save ck.safetensors --resume ck.safetensors > final.log
$tool same ref.safetensors ck.safetensors
cmp ref.safetensors ck.safetensors
echo "ok: interrupted and resumed, the checkpoint is byte-identical to the uninterrupted run's"

# Without --save: nothing is kept, and the message says so.
./fmlp train --data data --steps 100000 > nosave.log 2>&1 &
pid=$!
until grep -q "^training" nosave.log || ! kill -0 $pid 2>/dev/null; do sleep 0.01; done
sleep 0.3
kill -INT $pid
rc=0; wait $pid || rc=$?
[ $rc -eq 130 ] || { echo "FAIL: exit $rc without --save"; cat nosave.log; exit 1; }
grep -q "^interrupted at step [0-9]* .*: nothing saved (no --save)" nosave.log ||
  { echo "FAIL: no 'nothing saved' message"; cat nosave.log; exit 1; }
echo "ok: without --save the interruption says nothing was kept"

# An ignored SIGINT stays ignored (nohup, a script's background job).
(trap '' INT; exec ./fmlp train --data data --steps 300 --save ign.safetensors > ign.log 2>&1) &
pid=$!
until grep -q "^training" ign.log || ! kill -0 $pid 2>/dev/null; do sleep 0.01; done
kill -INT $pid 2>/dev/null || true
wait $pid || { echo "FAIL: an ignored SIGINT stopped the run"; cat ign.log; exit 1; }
echo "ok: an ignored SIGINT stays ignored"
