#!/usr/bin/env python3
"""Print an MLIR test file followed by the VJP of each of its one-op kernels.

Usage: add-vjps.py KILN_OPT FILE [AUTODIFF_OPTIONS]

Every top-level function of FILE that applies one `nn` op to its arguments and
returns the result, the first argument being the op's input and the others
its parameters,

    func.func @conv(%x: tensor<...>, %w: tensor<...>) -> tensor<...> {
      %y = nn.conv2d %x, %w {...} : (...) -> tensor<...>
      return %y : tensor<...>
    }

gets a companion `@conv_vjp(x, params..., dy) -> (dx, dparams...)` holding
the linalg that the op's VJP rule (DifferentiableOpInterface::buildVJP, e.g.
ConvBuilders.cpp) emits: the script wraps the op in a @model/@loss module
(the result reshaped to [batch, rest] and fed to nn.mse_loss; a dummy
trainable parameter when the op has none), runs `kiln-opt --kiln-autodiff`,
(with AUTODIFF_OPTIONS, e.g. "l2-bytes=16384", as the pass's options),
and cuts out of @train_step the ops that compute the gradients of the input
and of the parameters from the cotangent of the op's result (the `nn.reshape`
back to the result's type). So the runner test always runs the gradient code
the compiler emits today, not a copy of it.
"""
import re
import subprocess
import sys

FUNC = re.compile(
    r"^func\.func @(\w+)\(([^)]*)\)\s*->\s*(tensor<[^>]+>)\s*\{\s*\n"
    r"\s*(%\w+) = (nn\.\w+ [^\n]*)\n"
    r"\s*return \4 : [^\n]*\n\}",
    re.M | re.S)
ARG = re.compile(r"(%\w+)\s*:\s*(tensor<[^>]+>)")
SSA = r"(?![\w$.\-])"


def fail(msg):
    sys.exit("add-vjps.py: " + msg)


def dims(t):
    return [int(d) for d in re.match(r"tensor<([\dx]+)x\w+>", t).group(1).split("x")]


def model_module(args, result, op):
    (x, xt), params = args[0], args[1:]
    n = dims(result)[0]
    rest = 1
    for d in dims(result)[1:]:
        rest *= d
    flat = f"tensor<{n}x{rest}xf32>"
    sig = [f"{x}: {xt} {{kiln.input = {{name = \"x\"}}}}"]
    for name, t in params:
        sig.append(f"{name}: {t} {{kiln.param = {{name = \"{name[1:]}\", trainable = true}}}}")
    if not params:
        sig.append("%unused: tensor<1xf32> {kiln.param = {name = \"unused\", trainable = true}}")
    return f"""module attributes {{kiln.optimizer = {{type = "sgd"}}}} {{
  func.func @model({", ".join(sig)}) -> {flat} {{
    %result = {op}
    %flat = nn.reshape %result : {result} -> {flat}
    return %flat : {flat}
  }}
  func.func @loss(%p: {flat}, %t: {flat} {{kiln.target = {{name = "y"}}}}) -> tensor<f32> {{
    %l = nn.mse_loss %p, %t : {flat} -> tensor<f32>
    return %l : tensor<f32>
  }}
}}
"""


def top_level_ops(body):
    """The body's top-level ops, each as its text (a region included)."""
    ops, cur, depth = [], [], 0
    for line in body.splitlines():
        if not line.strip():
            continue
        cur.append(line)
        depth += line.count("{") - line.count("}")
        if depth == 0:
            ops.append("\n".join(cur))
            cur = []
    if cur:
        fail("unbalanced braces in @train_step")
    return ops


def defs_and_uses(op):
    head = op.split("\n")[0]
    m = re.match(r"\s*((?:%[\w]+(?::\d+)?)(?:\s*,\s*%[\w]+)*)\s*=", head)
    defs = re.findall(r"%[\w]+", m.group(1)) if m else []
    inner = set()
    # A loop's induction variable and iter_args, defined in its head.
    inner.update(re.findall(r"(?:scf\.for |iter_args\(|, )(%[\w]+) = ", head.split("=", 1)[-1]))
    for line in op.split("\n")[1:]:
        lm = re.match(r"\s*((?:%[\w]+)(?:\s*,\s*%[\w]+)*)\s*=", line)
        if lm:
            inner.update(re.findall(r"%[\w]+", lm.group(1)))
        inner.update(re.findall(r"(%[\w]+)\s*:", line) if line.strip().startswith("^") else [])
    uses = {u for u in re.findall(r"%[\w]+", op) if u not in inner and u not in defs}
    return defs, uses


def result_type(op):
    """The type of an op's (first) result, from its printed form."""
    last = op.split("\n")[-1].strip()
    head = op.split("\n")[0]
    if "linalg.transpose" in head:
        return re.search(r"outs\(%\w+ : (tensor<[^>]+>)\)", head).group(1)
    m = re.search(r"(?:->| to| into|:) (tensor<[^>]+>)$", last)
    return m.group(1) if m else None


def autodiff(kiln_opt, kernels, options=""):
    """@train_step of each kernel's model, from one kiln-opt run."""
    flag = "--kiln-autodiff" + ("=" + options if options else "")
    out = subprocess.run(
        [kiln_opt, "--split-input-file", flag, "-mlir-print-local-scope", "-"],
        input="// -----\n".join(model_module(args, result, op) for _, args, result, op in kernels),
        capture_output=True, text=True)
    if out.returncode:
        fail(f"kiln-autodiff failed:\n{out.stderr}")
    modules = out.stdout.split("// -----")
    if len(modules) != len(kernels):
        fail(f"kiln-autodiff printed {len(modules)} modules for {len(kernels)} kernels")
    return modules


def vjp(module, name, args, result, op):
    m = re.search(r"func\.func @train_step\((.*?)\) -> .*? \{\n(.*?)\n  \}\n", module, re.S)
    if not m:
        fail(f"no @train_step for @{name}")
    # @train_step's arguments, by the names @model gave them.
    rename = {}
    for a, role in re.findall(r"(%arg\d+): [^ ]+ \{kiln\.(\w+) = ", m.group(1)):
        if role == "input":
            rename[a] = args[0][0]
        elif role == "param":
            pname = re.search(a + r": [^ ]+ \{kiln\.param = \{name = \"(\w+)\"", m.group(1)).group(1)
            if pname != "unused":
                rename[a] = "%" + pname
    ops = top_level_ops(m.group(2))
    info = [defs_and_uses(o) for o in ops]
    # The cotangent of the op's result: the reshape back to its type.
    dy = [d[0] for o, (d, _) in zip(ops, info) if "nn.reshape" in o and o.rstrip().endswith("-> " + result)]
    if len(dy) != 1:
        fail(f"@{name}: expected one nn.reshape back to {result} in @train_step")
    dy = dy[0]
    # The input's gradient: the value of the input's type that nothing reads
    # (@train_step does not return it; canonicalize would erase it). Each
    # parameter's: what its optim.sgd update reads.
    xt = args[0][1]
    read = set().union(*(u for _, u in info))
    dx = [ds[0] for o, (ds, _) in zip(ops, info)
          if ds and result_type(o) == xt and ds[0] not in read]
    if len(dx) != 1:
        fail(f"@{name}: expected one unread value of the input's type {xt} in "
             f"@train_step, got {dx}")
    targets = [dx[-1]]
    sgd = {a: g for a, g in re.findall(r"optim\.sgd (%arg\d+), (%[\w]+),", m.group(2))}
    for pname, _ in args[1:]:
        arg = [a for a, r in rename.items() if r == pname][0]
        targets.append(sgd[arg])
    # Backward slice from the gradients, stopping at dy and the arguments.
    owner = {d: i for i, (ds, _) in enumerate(info) for d in ds}
    keep, work = set(), list(targets)
    while work:
        v = work.pop()
        if v == dy or v in rename or v.startswith("%arg"):
            continue
        if v not in owner:
            fail(f"@{name}: {v} is defined nowhere")
        i = owner[v]
        if i not in keep:
            keep.add(i)
            work.extend(info[i][1])
    used_args = {u for i in keep for u in info[i][1] if u.startswith("%arg")}
    if used_args - set(rename):
        fail(f"@{name}: the gradient reads {sorted(used_args - set(rename))}")

    def ren(text):
        for old, new in list(rename.items()) + [(dy, "%dy")]:
            text = re.sub(re.escape(old) + SSA, new, text)
        return text

    sig = ", ".join(f"{a}: {t}" for a, t in args) + f", %dy: {result}"
    types = [xt] + [t for _, t in args[1:]]
    body = "\n".join(ren(ops[i]) for i in sorted(keep))
    rets = ", ".join(ren(t) for t in targets)
    return (f"func.func @{name}_vjp({sig}) -> ({', '.join(types)}) {{\n{body}\n"
            f"    return {rets} : {', '.join(types)}\n}}\n")


def main():
    if len(sys.argv) not in (3, 4):
        fail("usage: add-vjps.py KILN_OPT FILE [AUTODIFF_OPTIONS]")
    kiln_opt, path = sys.argv[1:3]
    options = sys.argv[3] if len(sys.argv) == 4 else ""
    text = open(path).read()
    out = [text, "\n// Generated by add-vjps.py.\n"]
    kernels = [(m.group(1), ARG.findall(m.group(2)), m.group(3), m.group(5))
               for m in FUNC.finditer(text)]
    if not kernels:
        fail(f"no one-op kernel in {path}")
    for module, kernel in zip(autodiff(kiln_opt, kernels, options), kernels):
        out.append(vjp(module, *kernel))
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
