#!/usr/bin/env bash
# Kiln vs PyTorch training throughput on examples/fashion_cnn; prints a table.
# Usage: bench/cnn.sh [--rounds R] [--steps N1,N2] [--data DIR] [--kilnc PATH]
# Not part of the test suite. See bench/README.md.
exec /usr/bin/python3 "$(dirname "$0")/train.py" --example fashion_cnn --steps 100,600 "$@"
