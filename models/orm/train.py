"""Trains the outcome reward model (ORM): P(the solution's final answer is right | question, whole solution).

The ORM is the PRM's architecture and training loop (models/prm/train.py) with outcome labels (--outcome): the frozen
policy, a surprise block and two new blocks; every step end learns the solution's outcome, ranking pairs compare whole
solutions of one question, and near misses change the last result and the answer alike. This file is that recipe.
  /usr/bin/python3 models/orm/train.py                  # about 18 minutes on 2 cores (5 of them labelling, cached)
  /usr/bin/python3 models/orm/train.py --minutes 5      # extra flags go to models/prm/train.py
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RECIPE = ["--outcome", "--problems-per-step", "0", "--checker-problems-per-step", "120", "--checker-samples", "8",
          "--surprise", "--extra-layers", "2", "--freeze-body", "--rank-weight", "1", "--lr", "1e-3",
          "--max-iters", "700", "--minutes", "32", "--val-questions", "48", "--val-every", "100",
          "--out", os.path.join(HERE, "onnx"), "--ckpt", os.path.join(HERE, "checkpoints", "ckpt.pt")]

if __name__ == "__main__":
    os.makedirs(os.path.join(HERE, "checkpoints"), exist_ok=True)
    trainer = os.path.join(os.path.dirname(HERE), "prm", "train.py")
    sys.exit(subprocess.call([sys.executable, trainer, *RECIPE, *sys.argv[1:]]))
