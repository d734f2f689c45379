#!/usr/bin/python3
"""Print the markdown tables of the MoE Scope reproduction study from the PyTorch references
written by study/train.py (study/models/softmoe_fmnist_n{n}.pytorch.json).

    /usr/bin/python3 study/report.py
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS_DIR = os.path.join(HERE, "models")
FRACTIONS = (2, 4, 8)   # keep 1/2, 1/4, 1/8 of the experts


def load():
    out = []
    for n in (2, 4, 8, 16, 32):
        path = os.path.join(MODELS_DIR, f"softmoe_fmnist_n{n}.pytorch.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                out.append(json.load(f))
    return out


def at(ref, k):
    return next(c for c in ref["curves"] if c["k"] == k)


def pct(x):
    return f"{100 * x:.1f}"


def main():
    refs = load()
    print("| n | h | epochs | train s | test acc (10k) | full acc (1k) | "
          + " | ".join(f"keep 1/{f}: ranked | keep 1/{f}: random" for f in FRACTIONS) + " |")
    print("|---" * (6 + 2 * len(FRACTIONS)) + "|")
    for r in refs:
        n = r["n"]
        cells = [str(n), str(r["hidden"]), str(r["epochs"]), f"{r['trainSeconds']:.0f}",
                 pct(r["testAccuracy"]), pct(at(r, n)["ranked"]["accuracy"])]
        for f in FRACTIONS:
            if n % f or n // f < 1:
                cells += ["–", "–"]
                continue
            c = at(r, n // f)
            mean, std = c["random"]["accuracy"]
            cells += [f"{pct(c['ranked']['accuracy'])} (k={n // f})",
                      f"{pct(mean)} ± {pct(std)}"]
        print("| " + " | ".join(cells) + " |")

    print()
    print("| n | " + " | ".join(f"1/{f}: gap acc | 1/{f}: KL ranked | 1/{f}: KL random"
                                 for f in FRACTIONS) + " |")
    print("|---" * (1 + 3 * len(FRACTIONS)) + "|")
    for r in refs:
        n = r["n"]
        cells = [str(n)]
        for f in FRACTIONS:
            if n % f:
                cells += ["–", "–", "–"]
                continue
            c = at(r, n // f)
            gap = c["ranked"]["accuracy"] - c["random"]["accuracy"][0]
            kl_mean, kl_std = c["random"]["kl"]
            cells += [f"{100 * gap:+.1f}", f"{c['ranked']['kl']:.3f}",
                      f"{kl_mean:.3f} ± {kl_std:.3f}"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
