"""Exports a process reward model to ONNX: a full scorer and a KV-cache scorer, so the verifier can grow a beam
one step at a time and run only the new tokens.

  model.onnx     input_ids, attention_mask -> scores (B,T)                       (same as the ORM: zoo/export_onnx.py)
  model_kv.onnx  input_ids, attention_mask, position_ids, past_key_values.{i}.key/value
                 -> scores (B,T), present.{i}.key/value                          (the policy's Optimum decoder layout)
scores are sigmoid(value) per position; the score of a step is read at the last token of that step's text.
parity-fixture.json holds torch's step scores for two solutions; the verifier's tests reproduce them from the exports.

  /usr/bin/python3 models/prm/export.py                         # models/prm/checkpoints/ckpt.pt -> models/prm/onnx
  /usr/bin/python3 models/prm/export.py --random --n-layer 2 --n-head 2 --n-embd 32 --out /tmp/prm   # untrained
"""
import argparse
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from prm.steps import encode_steps  # noqa: E402
from zoo.export_onnx import OPSET, export_scorer, load_checkpoint  # noqa: E402
from zoo.gpt import GPT, GPTConfig  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STEP_READOUT = {"step_delimiter": "\n", "step_score_at": "last non-space token of each step", "kv_model": "model_kv.onnx"}


class ScorerKV(nn.Module):
    def __init__(self, gpt: GPT):
        super().__init__()
        self.gpt = gpt

    def forward(self, input_ids, attention_mask, position_ids, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(len(flat_past) // 2)]
        values, present = self.gpt(self.gpt.wte(input_ids), attention_mask, position_ids, past, input_ids)
        return (torch.sigmoid(values), *[t for kv in present for t in kv])


def export_scorer_kv(gpt: GPT, out_dir):
    gpt.eval()
    c = gpt.cfg
    L, H, D = c.n_layer, c.n_head, c.n_embd // c.n_head
    B, T, P = 2, 3, 4
    past = [torch.randn(B, H, P, D) for _ in range(2 * L)]
    mask = torch.ones(B, P + T, dtype=torch.long)
    pos = torch.arange(P, P + T).unsqueeze(0).repeat(B, 1)
    past_names = [f"past_key_values.{i}.{kv}" for i in range(L) for kv in ("key", "value")]
    present_names = [f"present.{i}.{kv}" for i in range(L) for kv in ("key", "value")]
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "total_sequence"},
            "position_ids": {0: "batch", 1: "sequence"}, "scores": {0: "batch", 1: "sequence"}}
    axes.update({n: {0: "batch", 2: "past_sequence"} for n in past_names})
    axes.update({n: {0: "batch", 2: "total_sequence"} for n in present_names})
    with torch.no_grad():
        ids = torch.randint(0, c.vocab_size, (B, T))
        torch.onnx.export(ScorerKV(gpt), (ids, mask, pos, *past), os.path.join(out_dir, "model_kv.onnx"),
                          input_names=["input_ids", "attention_mask", "position_ids", *past_names],
                          output_names=["scores", *present_names], dynamic_axes=axes, opset_version=OPSET)


def export_prm(gpt: GPT, out_dir, extra=None, kv=True):
    """model.onnx, config.json and the parity fixture; with kv, also model_kv.onnx (named in config.json)."""
    readout = STEP_READOUT if kv else {k: v for k, v in STEP_READOUT.items() if k != "kv_model"}
    export_scorer(gpt, out_dir, {**readout, **(extra or {})})
    if kv:
        export_scorer_kv(gpt, out_dir)
    write_parity_fixture(gpt, out_dir)


def write_parity_fixture(gpt: GPT, out_dir):
    """Torch's step scores for a few solutions, which the verifier's tests reproduce from the ONNX exports."""
    items = [("Ana has 12 apples. She gets 5 more. She loses 3. How many apples now?", "12+5=17\n17-3=14\nAnswer: 14"),
             ("Ben has 7 coins. He ends up with 3 times as many. How many coins now?", "7*3=21\nAnswer: 21")]
    rows = []
    with torch.no_grad():
        for q, s in items:
            ids, ends = encode_steps(q, s)
            values, _ = gpt.run_ids(torch.tensor([ids]))
            rows.append({"question": q, "solution": s, "step_scores": torch.sigmoid(values[0, ends]).tolist()})
    with open(os.path.join(out_dir, "parity-fixture.json"), "w") as f:
        json.dump({"generated_by": "models/prm/export.py", "items": rows}, f, indent=1)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("ckpt", nargs="?", default=os.path.join(HERE, "checkpoints", "ckpt.pt"))
    p.add_argument("--out", default=os.path.join(HERE, "onnx"))
    p.add_argument("--random", action="store_true", help="export an untrained model (tests, placeholders)")
    p.add_argument("--n-layer", type=int, default=3)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--n-embd", type=int, default=128)
    p.add_argument("--block-size", type=int, default=384)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    if args.random:
        torch.manual_seed(args.seed)
        gpt = GPT(GPTConfig(n_layer=args.n_layer, n_head=args.n_head, n_embd=args.n_embd,
                            block_size=args.block_size, head="value"))
        # A random head reads ~0.5 everywhere; a larger head spreads scores so tests can tell positions apart.
        nn.init.normal_(gpt.head.weight, std=1.0)
        export_prm(gpt, args.out, {"placeholder": "random-init, replaced by models/prm/train.py"})
    else:
        gpt, ckpt = load_checkpoint(args.ckpt)
        export_prm(gpt, args.out, {"train_iters": ckpt["iter"], "policy_iter": ckpt.get("policy_iter")})
    print(f"exported PRM -> {args.out}")
