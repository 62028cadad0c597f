"""Exports the revision policy to models/revise/onnx (same layout as the policy's) with two fixtures for the tests:
the engine's logits parity and the revision prompt format (packages/core formatRevisionPrompt must match it).

  /usr/bin/python3 models/revise/export.py
"""
import json
import os
import random
import sys


sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo.data import load  # noqa: E402
from zoo.export_onnx import export_decoder, load_checkpoint, write_parity_fixture  # noqa: E402
from zoo.revisions import revision_example, revision_prompt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ckpt_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "checkpoints", "ckpt.pt")
out = os.path.join(HERE, "onnx")
gpt, ckpt = load_checkpoint(ckpt_path)
export_decoder(gpt, out, {"name": "revise", "train_iters": ckpt["iter"], "train_minutes": round(ckpt["minutes"], 1)})

# Parity fixture: the last logits of a left-padded batch, one prompt longer than the policy's 384-character context.
rng = random.Random(0)
rows = [r for r in load("test") if r["steps"] == 8][:3]
texts = [revision_example(r, rng, 768, p_correct_last=0)[0] for r in rows]
texts = [max(texts, key=len), "Ben has 3 coins.\n"]
write_parity_fixture(gpt, texts, out)

# Prompt fixture: question + attempts -> the prompt the model was trained on.
cases = [{"question": "Ana has 12 apples. She gets 5 more. How many apples now?  ", "attempts": attempts}
         for attempts in ([], ["12+5=18\nAnswer: 18"], ["12-5=7\nAnswer: 7\n", "12+5=16\nAnswer: 16"])]
for c in cases:
    c["prompt"] = revision_prompt(c["question"], c["attempts"])
with open(os.path.join(out, "prompt-fixture.json"), "w") as f:
    json.dump(cases, f, indent=1)
print(f"exported {ckpt_path} (iter {ckpt['iter']}, longest fixture text {len(texts[0])} chars) -> {out}")
