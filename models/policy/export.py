"""Exports the trained policy checkpoint to models/policy/onnx (the engine's input) and writes a parity fixture.

  /usr/bin/python3 models/policy/export.py
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo.data import encode, pad_batch  # noqa: E402
from zoo.export_onnx import export_decoder, load_checkpoint  # noqa: E402
from zoo.transformers_js import write_transformers_js  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ckpt_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "checkpoints", "ckpt.pt")
out = os.path.join(HERE, "onnx")
gpt, ckpt = load_checkpoint(ckpt_path)
export_decoder(gpt, out, {"train_iters": ckpt["iter"], "train_minutes": round(ckpt["minutes"], 1)})
# config.json + tokenizer.json in the formats transformers.js reads (the engine benchmark's baseline).
write_transformers_js(out)

# Parity fixture: full-sequence logits for a left-padded batch, which the engine's tests compare against.
texts = ["Ana has 12 apples. She gets 5 more. How many apples now?\n12+5=17\n", "Ben has 3 coins.\n"]
ids, mask = pad_batch([encode(t) for t in texts], left=True)
with torch.no_grad():
    logits, _ = gpt.run_ids(ids, mask)
fixture = {"texts": texts, "input_ids": ids.tolist(), "attention_mask": mask.tolist(),
           "last_logits": [logits[b, -1].tolist() for b in range(len(texts))]}
with open(os.path.join(out, "parity-fixture.json"), "w") as f:
    json.dump(fixture, f)
print(f"exported {ckpt_path} (iter {ckpt['iter']}) -> {out}")
