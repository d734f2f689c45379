#!/usr/bin/python3
"""MoE Scope reproduction study: do many small Soft MoE experts make the specialised expert
subset easier to find? (Chung et al., arXiv 2409.00879, on Fashion-MNIST.)

    /usr/bin/python3 study/train.py                   # all five models, n = 2, 4, 8, 16, 32
    /usr/bin/python3 study/train.py --only 8 16       # some of them
    /usr/bin/python3 study/train.py --holdout         # epoch-count pilot: train on 55k, report
                                                      # held-out accuracy after every epoch,
                                                      # write nothing
    /usr/bin/python3 study/train.py --epochs 1        # smoke test

For every n the script trains one model, exports it to ONNX (study/models/softmoe_fmnist_n{n}.onnx),
checks the export and runs it in a small NumPy ONNX interpreter against PyTorch, and writes the
PyTorch expert-dropping references (study/models/softmoe_fmnist_n{n}.pytorch.json). It also writes
the test set the ONNX models are evaluated on (study/models/fashion-mnist-test.npz).

Needs Debian's python3-torch (1.13), python3-onnx, python3-numpy and dataset-fashion-mnist.
"""

import sys

sys.dont_write_bytecode = True   # keep the source tree free of __pycache__

import argparse  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "test", "fixtures"))
from data import FASHION_MEAN, FASHION_STD, load_fashion_mnist  # noqa: E402
import onnx_numpy  # noqa: E402
from references import write_json  # noqa: E402

MODELS_DIR = os.path.join(HERE, "models")
EXPERT_COUNTS = (2, 4, 8, 16, 32)
PATCH = 14                      # four 14x14 patches per image
TOKENS = (28 // PATCH) ** 2     # m = 4
DIM = PATCH * PATCH             # d = 196
TOTAL_HIDDEN = 784              # total expert width, split over the n experts
CLASSES = 10
EPOCHS = 10
BATCH = 256
LR = 1e-3
SEED = 0
REFERENCE_COUNT = 1000
RANDOM_SEEDS = 10
OPSET = 17
EPS = 1e-6


# ---------------------------------------------------------------- model

def l2_normalize(x, dim):
    """x / sqrt(sum x^2 + eps), the normalisation of the Soft MoE reference router."""
    return x * torch.rsqrt((x * x).sum(dim=dim, keepdim=True) + EPS)


class SoftMoE(nn.Module):
    """One Soft MoE layer with p = 1 slot per expert (so n slots) and n bias-free ReLU experts
    d -> h -> d stored as stacked weights w1 [n, d, h], w2 [n, h, d].

    Exported graph (node names /moe/...): logits [b, m, n] = scale * (X^ . Phi^), then
    Softmax(axis=1) = dispatch (over tokens) and Softmax(axis=2) = combine (over slots).
    """

    def __init__(self, n, d=DIM, hidden=None):
        super().__init__()
        self.n = n
        self.hidden = hidden if hidden is not None else TOTAL_HIDDEN // n
        self.phi = nn.Parameter(torch.randn(d, n) * d ** -0.5)
        self.scale = nn.Parameter(torch.ones(()))
        self.w1 = nn.Parameter(torch.randn(n, d, self.hidden) * (2.0 / d) ** 0.5)
        self.w2 = nn.Parameter(torch.randn(n, self.hidden, d) * self.hidden ** -0.5)
        self.fast = False   # grouped-convolution experts for training (see _experts_fast)

    def routing(self, x):
        """Router logits, dispatch D (softmax over tokens) and combine C (softmax over slots)."""
        logits = self.scale * torch.matmul(l2_normalize(x, -1), l2_normalize(self.phi, 0))
        return logits, torch.softmax(logits, dim=1), torch.softmax(logits, dim=2)

    def experts(self, slots):
        """slots [b, n, d] -> expert outputs [b, n, d]; expert i sees only slot i."""
        if self.fast:
            return self._experts_fast(slots)
        s = slots.transpose(0, 1)                                   # [n, b, d]
        h = torch.relu(torch.matmul(s, self.w1))                   # [n, b, h]
        return torch.matmul(h, self.w2).transpose(0, 1)            # [b, n, d]

    def _experts_fast(self, slots):
        """Same computation as 1x1 grouped convolutions (one group per expert, slots along the
        length axis). Debian's torch links the reference BLAS, so batched matmuls are slow on
        CPU while oneDNN convolutions are fast; training only, never exported."""
        b, n, d = slots.shape
        h = self.hidden
        s = slots.permute(1, 2, 0).reshape(1, n * d, b)
        k1 = self.w1.permute(0, 2, 1).reshape(n * h, d, 1)
        k2 = self.w2.permute(0, 2, 1).reshape(n * d, h, 1)
        z = torch.relu(F.conv1d(s, k1, groups=n))                  # [1, n*h, b]
        y = F.conv1d(z, k2, groups=n)                              # [1, n*d, b]
        return y.reshape(n, d, b).permute(2, 0, 1)

    def forward(self, x):
        _, dispatch, combine = self.routing(x)
        slots = torch.matmul(dispatch.transpose(1, 2), x)         # [b, n, d] = D^T X
        return torch.matmul(combine, self.experts(slots))         # [b, m, d] = C Y~


class PatchSoftMoE(nn.Module):
    """pixels [b,1,28,28] in [0,1] -> normalise -> 4 tokens of 196 -> Soft MoE -> linear -> logits.
    No encoder, no residual, no biases (PAPERS.md section 5)."""

    def __init__(self, n):
        super().__init__()
        self.moe = SoftMoE(n)
        self.decoder = nn.Linear(TOKENS * DIM, CLASSES, bias=False)

    def tokens(self, pixels):
        x = (pixels - FASHION_MEAN) / FASHION_STD
        x = x.reshape(-1, 2, PATCH, 2, PATCH).permute(0, 1, 3, 2, 4)   # [b, row, col, 14, 14]
        return x.reshape(-1, TOKENS, DIM)       # tokens: top-left, top-right, bottom-left, bottom-right

    def forward(self, pixels):
        return self.decoder(self.moe(self.tokens(pixels)).reshape(-1, TOKENS * DIM))


# ---------------------------------------------------------------- training

def evaluate(model, pixels, labels, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            correct += (model(pixels[i:i + batch]).argmax(-1) == labels[i:i + batch]).sum().item()
    return correct / len(labels)


def train(n, epochs, train_x, train_y, val=None):
    torch.manual_seed(SEED)
    model = PatchSoftMoE(n)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    shuffle = torch.Generator().manual_seed(SEED)
    model.moe.fast = True
    start, cpu_start = time.time(), time.process_time()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(train_y), generator=shuffle)
        total = 0.0
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            loss = F.cross_entropy(model(train_x[idx]), train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        line = f"  n={n:2d} epoch {epoch + 1:2d}/{epochs}  loss {total / len(order):.4f}"
        if val is not None:
            line += f"  held-out acc {evaluate(model, *val):.4f}"
        print(line + f"  ({time.time() - start:.0f}s)", flush=True)
    model.moe.fast = False
    model.eval()
    return model, time.time() - start, time.process_time() - cpu_start


# ---------------------------------------------------------------- expert-dropping references

def masked_logits(model, combine, outs, keep):
    """Decoder output when only the experts with keep[b, i] = 1 run: dropped experts' slot
    outputs are zero, C is kept as is (not renormalised), as in the paper's official code."""
    y = torch.matmul(combine, outs * keep[:, :, None])
    return model.decoder(y.reshape(-1, TOKENS * DIM))


def keep_first(order, k):
    """[b, n] 0/1 mask keeping the experts order[:, :k]."""
    return torch.zeros(order.shape).scatter(1, order[:, :k], 1.0)


def compare(full_logits, logits, labels):
    full_pred = full_logits.argmax(-1)
    logp_full = torch.log_softmax(full_logits.double(), -1)
    logp = torch.log_softmax(logits.double(), -1)
    kl = (logp_full.exp() * (logp_full - logp)).sum(-1).mean().item()   # KL(full || masked), nats
    return {"accuracy": (logits.argmax(-1) == labels).double().mean().item(),
            "agreement": (logits.argmax(-1) == full_pred).double().mean().item(),
            "kl": kl}


def specialization_curves(model, pixels, labels):
    """Accuracy, agreement with the full model and KL(full || masked) for every k = 1..n,
    ranked (Algorithm 1, per input) and random (per input, 10 seeds)."""
    n = model.moe.n
    with torch.no_grad():
        x = model.tokens(pixels)
        _, dispatch, combine = model.moe.routing(x)
        outs = model.moe.experts(torch.matmul(dispatch.transpose(1, 2), x))   # [b, n, d]
        full = masked_logits(model, combine, outs, torch.ones(len(labels), n))
        err = (full - model(pixels)).abs().max().item()
        assert err < 1e-4, f"masked path with every expert differs from the model by {err}"
        # Algorithm 1: score_i = sum over tokens of C[t, slot(i)] (p = 1). Stable descending
        # sort, so among equal scores the lower expert index comes first.
        scores = combine.sum(dim=1)                                              # [b, n]
        ranked = torch.sort(scores, dim=1, descending=True, stable=True).indices
        # Random: one uniform permutation of the experts per input and seed (argsort of iid
        # uniforms from torch.Generator seeded 0..9); the subset of size k is its first k,
        # so for a given seed the random subsets are nested in k.
        perms = [torch.rand(len(labels), n, generator=torch.Generator().manual_seed(s)).argsort(1)
                 for s in range(RANDOM_SEEDS)]
        curves = []
        for k in range(1, n + 1):
            r = compare(full, masked_logits(model, combine, outs, keep_first(ranked, k)), labels)
            rand = [compare(full, masked_logits(model, combine, outs, keep_first(p, k)), labels)
                    for p in perms]
            curves.append({
                "k": k,
                "ranked": r,
                "random": {key: [float(np.mean([q[key] for q in rand])),
                                 float(np.std([q[key] for q in rand]))]
                           for key in ("accuracy", "agreement", "kl")},
            })
    return curves


# ---------------------------------------------------------------- export and checks

def export(model, path):
    model.eval()
    torch.onnx.export(
        model, (torch.zeros(2, 1, 28, 28),), path,
        opset_version=OPSET,
        input_names=["pixels"], output_names=["logits"],
        dynamic_axes={"pixels": {0: "batch"}, "logits": {0: "batch"}},
        do_constant_folding=False,   # keep Phi's normalisation on the named `moe.phi`
    )
    onnx_model = onnx.load(path)
    onnx.checker.check_model(onnx_model)
    return onnx_model


def routing_nodes(onnx_model):
    """The two Softmax nodes of the layer (/moe/...) with their axis, and the shared logits."""
    out = {}
    for node in onnx_model.graph.node:
        if node.op_type == "Softmax" and node.name.startswith("/moe/"):
            axis = next(onnx.helper.get_attribute_value(a) for a in node.attribute if a.name == "axis")
            out["dispatch" if axis == 1 else "combine"] = {
                "node": node.name, "axis": axis, "input": node.input[0], "output": node.output[0]}
    assert set(out) == {"dispatch", "combine"}, f"expected two /moe/ Softmax nodes, got {out}"
    assert out["dispatch"]["input"] == out["combine"]["input"], "softmaxes must share the logits"
    return out


def check_onnx(onnx_model, model, pixels, nodes):
    """Run the export in NumPy at a batch size other than the traced one; logits, dispatch and
    combine must match PyTorch."""
    env = onnx_numpy.run(onnx_model, {"pixels": pixels.numpy()})
    with torch.no_grad():
        logits = model(pixels)
        _, dispatch, combine = model.moe.routing(model.tokens(pixels))
    errs = {
        "logits": float(np.abs(env["logits"] - logits.numpy()).max()),
        "dispatch": float(np.abs(env[nodes["dispatch"]["output"]] - dispatch.numpy()).max()),
        "combine": float(np.abs(env[nodes["combine"]["output"]] - combine.numpy()).max()),
    }
    assert errs["logits"] < 1e-3 and errs["dispatch"] < 1e-5 and errs["combine"] < 1e-5, errs
    return errs


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", type=int, nargs="+", choices=EXPERT_COUNTS, default=EXPERT_COUNTS)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--holdout", action="store_true",
                    help="train on the first 55,000 training images, report accuracy on the "
                         "last 5,000 after every epoch, write nothing")
    args = ap.parse_args()
    torch.set_num_threads(2)

    train_x, train_y = (torch.from_numpy(a) for a in load_fashion_mnist("train"))
    test_np, test_labels_np = load_fashion_mnist("t10k")
    test_x, test_y = torch.from_numpy(test_np), torch.from_numpy(test_labels_np)

    if args.holdout:
        for n in args.only:
            train(n, args.epochs, train_x[:55000], train_y[:55000],
                  val=(train_x[55000:], train_y[55000:]))
        return

    os.makedirs(MODELS_DIR, exist_ok=True)
    np.savez(os.path.join(MODELS_DIR, "fashion-mnist-test.npz"),
             pixels=test_np.astype(np.float32), labels=test_labels_np.astype(np.int64))

    summary = []
    for n in args.only:
        model, seconds, cpu_seconds = train(n, args.epochs, train_x, train_y)
        accuracy = evaluate(model, test_x, test_y)
        path = os.path.join(MODELS_DIR, f"softmoe_fmnist_n{n}.onnx")
        onnx_model = export(model, path)
        nodes = routing_nodes(onnx_model)
        errs = check_onnx(onnx_model, model, test_x[:64], nodes)
        t0 = time.time()
        curves = specialization_curves(model, test_x[:REFERENCE_COUNT], test_y[:REFERENCE_COUNT])
        ref_seconds = time.time() - t0
        write_json(os.path.join(MODELS_DIR, f"softmoe_fmnist_n{n}.pytorch.json"), {
            "n": n,
            "hidden": model.moe.hidden,
            "epochs": args.epochs,
            "trainSeconds": round(seconds, 1),
            "trainCpuSeconds": round(cpu_seconds, 1),
            "testAccuracy": accuracy,
            "referenceCount": REFERENCE_COUNT,
            "activation": "relu",
            "randomSeeds": RANDOM_SEEDS,
            "rankedTieBreak": "lower expert index first among equal scores",
            "klUnits": "nats",
            "onnx": {"dispatch": nodes["dispatch"], "combine": nodes["combine"],
                     "maxAbsErrorVsPytorch": errs},
            "curves": curves,
        })
        print(f"n={n:2d} h={model.moe.hidden:3d}  test acc {accuracy:.4f}  train {seconds:.0f}s "
              f"(cpu {cpu_seconds:.0f}s)  "
              f"refs {ref_seconds:.1f}s  onnx err {errs['logits']:.1e}  "
              f"scale {model.moe.scale.item():.2f}  {os.path.getsize(path) / 1e6:.2f} MB",
              flush=True)
        summary.append((n, accuracy, seconds))
    print("total training time %.0fs" % sum(s for _, _, s in summary))


if __name__ == "__main__":
    main()
