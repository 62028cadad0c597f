"""Exports zoo models to ONNX in the Hugging Face Optimum decoder layout, plus config.json and tokenizer.json.

Policy (head "lm"):  model.onnx         input_ids, attention_mask, position_ids, past_key_values.{i}.key/value
                                        -> logits, present.{i}.key/value        (dynamic batch, sequence, past)
                     model_embeds.onnx  the same with inputs_embeds (B,T,C) instead of input_ids (HARP needs it)
                     embeddings.f32     the token embedding table, row-major float32 (vocab_size x hidden_size)
Reward model (head "value"): model.onnx input_ids, attention_mask -> scores (B,T): sigmoid per position.
"""
import json
import os

import torch
import torch.nn as nn

from zoo.data import encode, pad_batch, tokenizer_spec
from zoo.gpt import GPT

OPSET = 14


class DecoderIds(nn.Module):
    def __init__(self, gpt: GPT):
        super().__init__()
        self.gpt = gpt

    def forward(self, input_ids, attention_mask, position_ids, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(len(flat_past) // 2)]
        logits, present = self.gpt(self.gpt.wte(input_ids), attention_mask, position_ids, past)
        return (logits, *[t for kv in present for t in kv])


class DecoderEmbeds(DecoderIds):
    def forward(self, inputs_embeds, attention_mask, position_ids, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(len(flat_past) // 2)]
        logits, present = self.gpt(inputs_embeds, attention_mask, position_ids, past)
        return (logits, *[t for kv in present for t in kv])


class Scorer(nn.Module):
    def __init__(self, gpt: GPT):
        super().__init__()
        self.gpt = gpt

    def forward(self, input_ids, attention_mask):
        T = input_ids.shape[1]
        positions = (attention_mask.cumsum(-1) - 1).clamp(min=0)
        values, _ = self.gpt(self.gpt.wte(input_ids), attention_mask, positions, self.gpt.empty_past(input_ids.shape[0]),
                            input_ids)
        return torch.sigmoid(values[:, :T])


def hf_config(gpt: GPT, extra):
    c = gpt.cfg
    spec = tokenizer_spec()
    return {
        "model_type": "thinktime-gpt", "architecture": f"gpt-{c.head}", "vocab_size": c.vocab_size,
        "hidden_size": c.n_embd, "num_hidden_layers": c.n_layer, "num_attention_heads": c.n_head,
        "head_dim": c.n_embd // c.n_head, "max_position_embeddings": c.block_size, "num_parameters": gpt.num_params(),
        "bos_token_id": spec["bos_id"], "eos_token_id": spec["eos_id"], "pad_token_id": spec["pad_id"], **extra,
    }


def export_decoder(gpt: GPT, out_dir, extra=None):
    os.makedirs(out_dir, exist_ok=True)
    gpt.eval()
    c = gpt.cfg
    L, H, D = c.n_layer, c.n_head, c.n_embd // c.n_head
    B, T, P = 2, 3, 4
    past = [torch.randn(B, H, P, D) for _ in range(2 * L)]
    mask = torch.ones(B, P + T, dtype=torch.long)
    pos = torch.arange(P, P + T).unsqueeze(0).repeat(B, 1)
    past_names = [f"past_key_values.{i}.{kv}" for i in range(L) for kv in ("key", "value")]
    present_names = [f"present.{i}.{kv}" for i in range(L) for kv in ("key", "value")]
    axes = {"attention_mask": {0: "batch", 1: "total_sequence"}, "position_ids": {0: "batch", 1: "sequence"},
            "logits": {0: "batch", 1: "sequence"}}
    axes.update({n: {0: "batch", 2: "past_sequence"} for n in past_names})
    axes.update({n: {0: "batch", 2: "total_sequence"} for n in present_names})
    with torch.no_grad():
        ids = torch.randint(0, c.vocab_size, (B, T))
        torch.onnx.export(DecoderIds(gpt), (ids, mask, pos, *past), os.path.join(out_dir, "model.onnx"),
                          input_names=["input_ids", "attention_mask", "position_ids", *past_names],
                          output_names=["logits", *present_names],
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, **axes}, opset_version=OPSET)
        embeds = gpt.wte(ids)
        torch.onnx.export(DecoderEmbeds(gpt), (embeds, mask, pos, *past), os.path.join(out_dir, "model_embeds.onnx"),
                          input_names=["inputs_embeds", "attention_mask", "position_ids", *past_names],
                          output_names=["logits", *present_names],
                          dynamic_axes={"inputs_embeds": {0: "batch", 1: "sequence"}, **axes}, opset_version=OPSET)
    gpt.wte.weight.detach().numpy().astype("<f4").tofile(os.path.join(out_dir, "embeddings.f32"))
    write_meta(gpt, out_dir, extra)


def export_scorer(gpt: GPT, out_dir, extra=None):
    os.makedirs(out_dir, exist_ok=True)
    gpt.eval()
    with torch.no_grad():
        ids = torch.randint(0, gpt.cfg.vocab_size, (2, 5))
        torch.onnx.export(Scorer(gpt), (ids, torch.ones(2, 5, dtype=torch.long)), os.path.join(out_dir, "model.onnx"),
                          input_names=["input_ids", "attention_mask"], output_names=["scores"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                        "attention_mask": {0: "batch", 1: "sequence"},
                                        "scores": {0: "batch", 1: "sequence"}}, opset_version=OPSET)
    write_meta(gpt, out_dir, extra)


def write_meta(gpt, out_dir, extra):
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(hf_config(gpt, extra or {}), f, indent=2)
    with open(os.path.join(out_dir, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_spec(), f)


def load_checkpoint(path):
    from zoo.gpt import GPTConfig
    ckpt = torch.load(path)
    gpt = GPT(GPTConfig(**ckpt["config"]))
    gpt.load_state_dict(ckpt["model"])
    return gpt, ckpt


def write_parity_fixture(gpt: GPT, texts, out_dir):
    """parity-fixture.json: torch's last logits of `texts` as one left-padded batch, which the engine's tests reproduce."""
    ids, mask = pad_batch([encode(t) for t in texts], left=True)
    with torch.no_grad():
        logits, _ = gpt.run_ids(ids, mask)
    fixture = {"texts": texts, "input_ids": ids.tolist(), "attention_mask": mask.tolist(),
               "last_logits": [logits[b, -1].tolist() for b in range(len(texts))]}
    with open(os.path.join(out_dir, "parity-fixture.json"), "w") as f:
        json.dump(fixture, f)
