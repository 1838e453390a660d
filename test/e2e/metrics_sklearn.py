"""e2e: Kiln's evaluation metrics against scikit-learn on the same predictions.

Usage: metrics_sklearn.py KILNC SRC WORKDIR

Three models train briefly, then `eval --metrics-json` reports Kiln's metrics
and `predict --output` writes the same predictions (forward at the compiled
batch; the test sets are whole batches, so eval_step and forward run the same
kernels) as float32, which scikit-learn scores:
  * a 10-class Fashion-MNIST MLP (softmax cross-entropy on labels):
    accuracy, top-2..5 accuracy, precision/recall/F1 per class and macro
    (labels = every class, zero_division=0), ROC AUC one-vs-rest macro and
    the confusion matrix;
  * one sigmoid output (binary cross-entropy, 0/1 targets): binary ROC AUC,
    precision/recall/F1 of the positive class at 0.5;
  * three sigmoid outputs: macro ROC AUC, per-output scores;
  * a three-output regression: MAE, RMSE and R² (uniform average).
Scores must agree to 1e-9 (both compute in double from the same floats), the
confusion matrix exactly. Missing scikit-learn is a failure, not a skip.
"""
import json, os, subprocess, sys

import numpy as np
from sklearn import metrics as skm

kilnc, src, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
os.chdir(work)
failures = []


def close(what, got, want, tol=1e-9):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    if got.shape != want.shape or not np.all(np.abs(got - want) <= tol):
        failures.append(f"{what}: kiln {got.tolist()} sklearn {want.tolist()}")


def run(*args):
    subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL)


def kiln_model(name, spec, data, x):
    json.dump(spec, open(f"{name}.json", "w"))
    run(kilnc, f"{name}.json", "-o", name)
    run(f"./{name}", "train", "--data", data, "--epochs", "2", "--save", f"{name}.st")
    run(f"./{name}", "eval", "--load", f"{name}.st", "--data", data, "--metrics-json", f"{name}.m.json")
    np.save(f"{name}.x.npy", x)
    run(f"./{name}", "predict", "--load", f"{name}.st", "--input", f"{name}.x.npy", "--output", f"{name}.p.npy")
    return json.load(open(f"{name}.m.json"))["test"], np.load(f"{name}.p.npy")


# Fashion-MNIST: 2048 training and 992 (31 batches of 32) test samples.
subprocess.run([sys.executable, f"{src}/test/e2e/fashion_subset.py", "fashion", "2048", "992"], check=True)
x = np.frombuffer(open("fashion/t10k-images-idx3-ubyte", "rb").read()[16:], np.uint8)
x = (x.reshape(-1, 784).astype(np.float32) / np.float32(255))
y = np.frombuffer(open("fashion/t10k-labels-idx1-ubyte", "rb").read()[8:], np.uint8).astype(int)
spec = {"name": "classes", "input": {"shape": [784]},
        "layers": [{"type": "dense", "units": 32, "activation": "relu"}, {"type": "dense", "units": 10}],
        "training": {"loss": "softmax_cross_entropy", "batch_size": 32, "optimizer": {"type": "adam"},
                     "metrics": ["accuracy", "top_3_accuracy", "precision", "recall", "f1", "auc",
                                 "confusion_matrix"]}}
kiln, p = kiln_model("classes", spec, "fashion", x)
labels = list(range(10))
close("accuracy", kiln["accuracy"], skm.accuracy_score(y, p.argmax(1)))
for k in (2, 3, 4, 5):
    close(f"top_{k}_accuracy", kiln[f"top_{k}_accuracy"], skm.top_k_accuracy_score(y, p, k=k, labels=labels))
pr, rc, f1, _ = skm.precision_recall_fscore_support(y, p.argmax(1), labels=labels, zero_division=0)
close("per-class precision", kiln["per_class"]["precision"], pr)
close("per-class recall", kiln["per_class"]["recall"], rc)
close("per-class f1", kiln["per_class"]["f1"], f1)
close("macro precision", kiln["precision"], pr.mean())
close("macro recall", kiln["recall"], rc.mean())
close("macro f1", kiln["f1"], f1.mean())
close("auc (one vs rest, macro)", kiln["auc"], skm.roc_auc_score(y, p, multi_class="ovr", average="macro", labels=labels))
if kiln["confusion_matrix"] != skm.confusion_matrix(y, p.argmax(1), labels=labels).tolist():
    failures.append("confusion matrix differs")
print(f"10 classes: accuracy {kiln['accuracy']:.4f} top-3 {kiln['top_3_accuracy']:.4f} "
      f"f1 {kiln['f1']:.4f} auc {kiln['auc']:.4f}")

# Binary and multi-label: random features, targets from a random linear rule.
rng = np.random.default_rng(4)
for width in (1, 3):
    n = 640 + 320  # train, then 320 test rows (10 batches of 32)
    xs = rng.standard_normal((n, 12)).astype(np.float32)
    w = rng.standard_normal((12, width))
    t = ((xs @ w + 0.8 * rng.standard_normal((n, width))) > 0).astype(np.float32)
    os.makedirs(f"data{width}", exist_ok=True)
    for part, rows in (("train", slice(0, 640)), ("test", slice(640, n))):
        np.savetxt(f"data{width}/{part}.csv", np.hstack([xs[rows], t[rows]]), delimiter=",", fmt="%.9g")
    spec = {"name": f"bin{width}", "input": {"shape": [12]},
            "layers": [{"type": "dense", "units": 16, "activation": "tanh"}, {"type": "dense", "units": width}],
            "training": {"loss": "binary_cross_entropy", "batch_size": 32, "optimizer": {"type": "adam", "lr": 0.01}}}
    # What Kiln read (the CSV's text), so both sides see the same floats.
    test = np.loadtxt(f"data{width}/test.csv", delimiter=",", dtype=np.float64, ndmin=2)
    kiln, p = kiln_model(f"bin{width}", spec, f"data{width}", test[:, :12].astype(np.float32))
    truth = test[:, 12:] >= 0.5
    pred = p >= 0.5
    pr = [skm.precision_score(truth[:, j], pred[:, j], zero_division=0) for j in range(width)]
    rc = [skm.recall_score(truth[:, j], pred[:, j], zero_division=0) for j in range(width)]
    f1 = [skm.f1_score(truth[:, j], pred[:, j], zero_division=0) for j in range(width)]
    auc = (skm.roc_auc_score(truth[:, 0], p[:, 0]) if width == 1
           else skm.roc_auc_score(truth, p, average="macro"))
    close(f"{width} outputs: accuracy", kiln["accuracy"], (truth == pred).mean())
    close(f"{width} outputs: precision", kiln["per_class"]["precision"], pr)
    close(f"{width} outputs: recall", kiln["per_class"]["recall"], rc)
    close(f"{width} outputs: f1", kiln["per_class"]["f1"], f1)
    close(f"{width} outputs: auc", kiln["auc"], auc)
    print(f"{width} sigmoid output{'s' if width > 1 else ''}: accuracy {kiln['accuracy']:.4f} auc {kiln['auc']:.4f}")

# Regression, three outputs: MAE, RMSE and R² (averaged over the outputs).
n = 640 + 320
xs = rng.standard_normal((n, 12)).astype(np.float32)
ys = np.tanh(xs @ rng.standard_normal((12, 3)) / 3) + 0.2 * rng.standard_normal((n, 3))
os.makedirs("reg", exist_ok=True)
for part, rows in (("train", slice(0, 640)), ("test", slice(640, n))):
    np.savetxt(f"reg/{part}.csv", np.hstack([xs[rows], ys[rows]]), delimiter=",", fmt="%.9g")
spec = {"name": "regress", "input": {"shape": [12]},
        "layers": [{"type": "dense", "units": 16, "activation": "tanh"}, {"type": "dense", "units": 3}],
        "training": {"loss": "mse", "batch_size": 32, "optimizer": {"type": "adam", "lr": 0.01},
                     "metrics": ["mae", "rmse", "r2"]}}
test = np.loadtxt("reg/test.csv", delimiter=",", dtype=np.float64, ndmin=2)
kiln, p = kiln_model("regress", spec, "reg", test[:, :12].astype(np.float32))
truth = test[:, 12:].astype(np.float32).astype(np.float64)
close("mae", kiln["mae"], skm.mean_absolute_error(truth, p))
close("rmse", kiln["rmse"], np.sqrt(skm.mean_squared_error(truth, p)))
close("r2", kiln["r2"], skm.r2_score(truth, p))
close("mse loss", kiln["loss"], skm.mean_squared_error(truth, p), tol=1e-6)
print(f"regression: mae {kiln['mae']:.4f} rmse {kiln['rmse']:.4f} r2 {kiln['r2']:.4f}")

for f in failures:
    print("MISMATCH " + f)
print("ok" if not failures else f"MISMATCH: {len(failures)} checks failed")
sys.exit(1 if failures else 0)
