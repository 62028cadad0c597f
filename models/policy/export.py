"""Exports the trained policy checkpoint to models/policy/onnx (the engine's input) and writes a parity fixture.

  /usr/bin/python3 models/policy/export.py                  # models/policy/checkpoints/ckpt.pt -> models/policy/onnx
  /usr/bin/python3 models/policy/export.py CKPT OUT_DIR     # another checkpoint, somewhere else
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo.export_onnx import export_decoder, load_checkpoint, write_parity_fixture  # noqa: E402
from zoo.transformers_js import write_transformers_js  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ckpt_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "checkpoints", "ckpt.pt")
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "onnx")
gpt, ckpt = load_checkpoint(ckpt_path)
export_decoder(gpt, out, {"train_iters": ckpt["iter"], "train_minutes": round(ckpt["minutes"], 1)})
# config.json + tokenizer.json in the formats transformers.js reads (the engine benchmark's baseline).
write_transformers_js(out)
# Parity fixture: last logits of a left-padded batch, which the engine's tests compare against.
write_parity_fixture(gpt, ["Ana has 12 apples. She gets 5 more. How many apples now?\n12+5=17\n", "Ben has 3 coins.\n"], out)
print(f"exported {ckpt_path} (iter {ckpt['iter']}) -> {out}")
