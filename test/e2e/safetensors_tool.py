#!/usr/bin/env python3
"""Strict safetensors reader for the e2e tests (stdlib only).

  safetensors_tool.py check FILE...       every file parses completely
  safetensors_tool.py names FILE          tensor names, one a line
  safetensors_tool.py meta FILE KEY       one __metadata__ value
  safetensors_tool.py same A B [REGEX]    tensors (matching REGEX, default all)
                                          byte-identical, same names and shapes
  safetensors_tool.py differ A B REGEX    every tensor matching REGEX differs

Parsing checks what a torn or truncated write would break: the 8-byte length,
the JSON header, dtype F32 or I64, shapes, offsets inside the data section, tensors
that tile the data section exactly (no gap, no overlap, nothing after), and
byte counts of prod(shape) * 4.
"""
import json
import re
import struct
import sys


class Bad(Exception):
    pass


def read(path):
    """(tensors: {name: (shape, bytes)}, metadata: {str: str})."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise Bad(f"{path}: {len(blob)} bytes, too short for the header length")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        raise Bad(f"{path}: header length {n} beyond the file ({len(blob)} bytes)")
    try:
        header = json.loads(blob[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise Bad(f"{path}: bad JSON header: {e}")
    if not isinstance(header, dict):
        raise Bad(f"{path}: header is not an object")
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise Bad(f"{path}: __metadata__ is not a string map")
    tensors, spans = {}, []
    for name, info in header.items():
        width = {"F32": 4, "I64": 8}.get(info.get("dtype"))
        if width is None:
            raise Bad(f"{path}: {name}: dtype {info.get('dtype')}")
        shape, offsets = info.get("shape"), info.get("data_offsets")
        if not isinstance(shape, list) or not all(
                isinstance(d, int) and d >= 0 for d in shape):
            raise Bad(f"{path}: {name}: bad shape {shape}")
        if not (isinstance(offsets, list) and len(offsets) == 2 and
                all(isinstance(o, int) for o in offsets) and
                0 <= offsets[0] <= offsets[1] <= len(data)):
            raise Bad(f"{path}: {name}: offsets {offsets} outside {len(data)} data bytes")
        count = 1
        for d in shape:
            count *= d
        if offsets[1] - offsets[0] != width * count:
            raise Bad(f"{path}: {name}: {offsets[1] - offsets[0]} bytes for shape {shape}")
        tensors[name] = (shape, data[offsets[0]:offsets[1]])
        spans.append((offsets[0], offsets[1], name))
    end = 0
    for begin, stop, name in sorted(spans):
        if begin != end:
            raise Bad(f"{path}: {name}: starts at {begin}, expected {end} (gap or overlap)")
        end = stop
    if end != len(data):
        raise Bad(f"{path}: tensors end at {end} but the data section has {len(data)} bytes")
    return tensors, metadata


def main(argv):
    command, args = argv[1], argv[2:]
    try:
        if command == "check":
            for path in args:
                tensors, metadata = read(path)
                print(f"{path}: ok, {len(tensors)} tensors, step {metadata.get('step')}")
        elif command == "names":
            for name in read(args[0])[0]:
                print(name)
        elif command == "meta":
            print(read(args[0])[1][args[1]])
        elif command == "same":
            a, b = read(args[0])[0], read(args[1])[0]
            pattern = re.compile(args[2] if len(args) > 2 else "")
            names_a = sorted(n for n in a if pattern.search(n))
            names_b = sorted(n for n in b if pattern.search(n))
            if names_a != names_b:
                raise Bad(f"tensor names differ: {names_a} vs {names_b}")
            if not names_a:
                raise Bad(f"no tensor matches /{pattern.pattern}/")
            bad = [n for n in names_a if a[n] != b[n]]
            if bad:
                raise Bad(f"{args[0]} and {args[1]} differ in: {', '.join(bad)}")
            print(f"identical: {len(names_a)} tensors ({', '.join(names_a)})"
                  if len(names_a) <= 6 else f"identical: {len(names_a)} tensors")
        elif command == "differ":
            a, b = read(args[0])[0], read(args[1])[0]
            pattern = re.compile(args[2])
            names = sorted(n for n in a if pattern.search(n))
            if not names:
                raise Bad(f"no tensor matches /{pattern.pattern}/")
            same = [n for n in names if n in b and a[n] == b[n]]
            if same:
                raise Bad(f"{args[0]} and {args[1]} are equal in: {', '.join(same)}")
            print(f"changed: {', '.join(names)}")
        else:
            raise Bad(f"unknown command {command}")
    except Bad as e:
        print(f"safetensors_tool: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
