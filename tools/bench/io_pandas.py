"""The pandas side of `npm run bench -- io` (tools/bench/io.ts): the work `discern score` does, the way a Python
user writes it. Reads the CSV with pandas.read_csv, standardises the ten features and runs the same MLP (weights
from discern's saved model: relu hidden layers, a sigmoid output) as numpy matrix products, writes P(h), P(g), the
score and the predicted label with DataFrame.to_csv. Prints its parts' wall times as JSON on stdout.

    /usr/bin/python3 tools/bench/io_pandas.py big.csv magic-mlp.json scores.csv [--maxrss FILE]
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

FEATURES = ["fLength", "fWidth", "fSize", "fConc", "fConc1", "fAsym", "fM3Long", "fM3Trans", "fAlpha", "fDist"]


def main(argv):
    data, weights, out = argv[0], argv[1], argv[2]
    maxrss = argv[argv.index("--maxrss") + 1] if "--maxrss" in argv else None
    model = json.load(open(weights))
    t0, c0 = time.perf_counter(), time.process_time()
    df = pd.read_csv(data)
    t1, c1 = time.perf_counter(), time.process_time()
    x = df[FEATURES].to_numpy(dtype=np.float64)
    x = (x - np.array(model["standardizer"]["mean"])) / np.array(model["standardizer"]["scale"])
    h = x
    layers = model["mlp"]["layers"]
    for layer in layers:
        w = np.array(layer["weights"]).reshape(layer["inputs"], layer["outputs"])
        h = h @ w + np.array(layer["biases"])
        if layer["activation"] == "relu":
            h = np.maximum(h, 0)
        elif layer["activation"] == "sigmoid":
            h = 1 / (1 + np.exp(-h))
    p = h[:, 0]
    t2, c2 = time.perf_counter(), time.process_time()
    scores = pd.DataFrame({"probabilities_h": 1 - p, "probabilities_g": p, "score": p, "label": (p >= 0.5).astype(np.int64)})
    scores.to_csv(out, index=False)
    t3, c3 = time.perf_counter(), time.process_time()
    print(json.dumps({"read_csv": t1 - t0, "compute": t2 - t1, "to_csv": t3 - t2, "read_csv_cpu": c1 - c0, "to_csv_cpu": c3 - c2, "rows": len(df)}))
    if maxrss:
        u = resource.getrusage(resource.RUSAGE_SELF)
        with open(maxrss, "w") as f:
            json.dump({"maxRSS": u.ru_maxrss, "cpu": u.ru_utime + u.ru_stime}, f)


if __name__ == "__main__":
    main(sys.argv[1:])
