"""Rebuilds a torch checkpoint from a committed ONNX export, so a fresh machine can continue from the committed models.

Checkpoints are not committed (only ONNX artifacts are); the reward models and the revision policy start from the
policy's weights, and the reward models' evaluate.py scripts read checkpoints. The exporter keeps named parameters as
named initializers and turns each Linear weight into a MatMul initializer (its transpose), in module order: per block
qkv, proj, mlp.0, mlp.2 (a surprise block: the tied LM head, then its proj), then the head (tied for the policy).
  /usr/bin/python3 models/zoo/from_onnx.py models/policy/onnx/model.onnx models/policy/checkpoints/ckpt.pt
  /usr/bin/python3 models/zoo/from_onnx.py models/prm/onnx/model.onnx models/prm/checkpoints/ckpt.pt
  /usr/bin/python3 models/zoo/from_onnx.py models/orm/onnx/model.onnx models/orm/checkpoints/ckpt.pt
The rebuilt model is checked against the export's parity fixture before it is saved.
"""
import json
import os
import re
import sys

import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo.gpt import GPT, GPTConfig  # noqa: E402


def config_of(onnx_dir):
    with open(os.path.join(onnx_dir, "config.json")) as f:
        c = json.load(f)
    return c, GPTConfig(vocab_size=c["vocab_size"], block_size=c["max_position_embeddings"], n_layer=c["num_hidden_layers"],
                        n_head=c["num_attention_heads"], n_embd=c["hidden_size"],
                        head="value" if c.get("architecture") == "gpt-value" else "lm",
                        surprise_at=c.get("surprise_at", -1))


def linear_names(cfg):
    """The Linear layers in the order the exporter writes their MatMul weights ("tied": the LM head's wte.t())."""
    out = []
    for i in range(cfg.n_layer):
        if i == cfg.surprise_at:
            out += ["tied", f"blocks.{i}.proj"]
        else:
            out += [f"blocks.{i}.{n}" for n in ("attn.qkv", "attn.proj", "mlp.0", "mlp.2")]
    return out + ["tied" if cfg.head == "lm" else "head"]


def gpt_from_onnx(model_path):
    """(GPT with the ONNX weights, config.json) for a policy ("lm" head) or a reward model ("value" head) export."""
    meta, cfg = config_of(os.path.dirname(model_path))
    graph = onnx.load(model_path).graph
    named, matmuls = {}, []
    for init in graph.initializer:
        w = torch.from_numpy(numpy_helper.to_array(init).copy())
        m = re.fullmatch(r"onnx::MatMul_(\d+)", init.name)
        if m:
            matmuls.append((int(m[1]), w))
        else:
            named[init.name.removeprefix("gpt.")] = w
    matmuls = [w for _, w in sorted(matmuls, key=lambda t: t[0])]
    linears = linear_names(cfg)
    if len(matmuls) != len(linears):
        raise SystemExit(f"{model_path}: expected {len(linears)} MatMul weights, found {len(matmuls)}")
    tied = [w for name, w in zip(linears, matmuls) if name == "tied"]
    for name, w in zip(linears, matmuls):
        if name != "tied":
            named[f"{name}.weight"] = w.t().contiguous()
    gpt = GPT(cfg)
    missing = set(gpt.state_dict()) - set(named) - ({"head.weight"} if cfg.head == "lm" else set())
    if missing:
        raise SystemExit(f"{model_path}: no initializer for {sorted(missing)}")
    gpt.load_state_dict({k: v for k, v in named.items() if k in gpt.state_dict()}, strict=False)
    if any(not torch.allclose(gpt.wte.weight.t(), w, atol=1e-6) for w in tied):
        raise SystemExit(f"{model_path}: the LM head is not tied to the token embeddings")
    return gpt, meta


def check_fixture(gpt, onnx_dir):
    """Max |difference| from the export's parity fixture: the policy's last logits, or a reward model's step scores
    (a value export without a fixture is checked against nothing: 0)."""
    path = os.path.join(onnx_dir, "parity-fixture.json")
    if gpt.cfg.head == "value":
        if not os.path.exists(path):
            return 0.0
        from prm.steps import encode_steps
        with open(path) as f:
            items = json.load(f)["items"]
        err = 0.0
        with torch.no_grad():
            for it in items:
                ids, ends = encode_steps(it["question"], it["solution"])
                scores = torch.sigmoid(gpt.run_ids(torch.tensor([ids]))[0][0, ends])
                err = max(err, (scores - torch.tensor(it["step_scores"])).abs().max().item())
        if err > 1e-3:
            raise SystemExit(f"rebuilt model differs from the parity fixture by {err}")
        return err
    with open(path) as f:
        fx = json.load(f)
    with torch.no_grad():
        logits, _ = gpt.run_ids(torch.tensor(fx["input_ids"]), torch.tensor(fx["attention_mask"]))
    err = (logits[:, -1] - torch.tensor(fx["last_logits"])).abs().max().item()
    if err > 1e-3:
        raise SystemExit(f"rebuilt model differs from the parity fixture by {err}")
    return err


if __name__ == "__main__":
    src, dst = sys.argv[1], sys.argv[2]
    gpt, meta = gpt_from_onnx(src)
    err = check_fixture(gpt, os.path.dirname(src))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    torch.save({"model": gpt.state_dict(), "config": vars(gpt.cfg), "iter": meta.get("train_iters", 0),
                "minutes": meta.get("train_minutes", 0.0), "from_onnx": src}, dst)
    print(f"rebuilt {dst} from {src} (iter {meta.get('train_iters')}, fixture max |diff| {err:.2e})")
