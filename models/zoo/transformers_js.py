"""Writes the files transformers.js needs to load an exported decoder, so `generate` can serve as a baseline.

It reads the engine's config.json and character tokenizer.json from the ONNX folder and writes, into
<onnx>/transformers-js/, a GPT-2 style config.json (model_type "gpt2": n_layer, n_head, n_embd, n_positions name the
shape of the Optimum-layout model.onnx beside it) and a Hugging Face tokenizer.json (WordLevel over our vocabulary,
every character its own pre-token, <bos> prepended, Fuse decoder). transformers.js loads it with
`subfolder: ".."`, so the weights are the same file the engine runs. Needs nothing beyond the standard library:

  python3 models/zoo/transformers_js.py models/policy/onnx
"""
import json
import os
import sys


def hf_tokenizer(spec):
    vocab = spec["vocab"]
    specials = {spec["pad_id"], spec["bos_id"], spec["eos_id"], spec["unk_id"]}
    bos = vocab[spec["bos_id"]]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": vocab[i], "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for i in sorted(specials)
        ],
        "normalizer": None,
        # One pre-token per character, newlines included ([\s\S], not ".", which skips "\n").
        "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "[\\s\\S]"}, "behavior": "Isolated", "invert": False},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {bos: {"id": bos, "ids": [spec["bos_id"]], "tokens": [bos]}},
        },
        "decoder": {"type": "Fuse"},
        "model": {"type": "WordLevel", "vocab": {tok: i for i, tok in enumerate(vocab)}, "unk_token": vocab[spec["unk_id"]]},
    }


def write_transformers_js(onnx_dir):
    with open(os.path.join(onnx_dir, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(onnx_dir, "tokenizer.json")) as f:
        spec = json.load(f)
    vocab = spec["vocab"]
    out = os.path.join(onnx_dir, "transformers-js")
    os.makedirs(out, exist_ok=True)
    config = {
        "model_type": "gpt2",
        "architectures": ["GPT2LMHeadModel"],
        "vocab_size": cfg["vocab_size"],
        "n_layer": cfg["num_hidden_layers"],
        "n_head": cfg["num_attention_heads"],
        "n_embd": cfg["hidden_size"],
        "n_positions": cfg["max_position_embeddings"],
        "n_ctx": cfg["max_position_embeddings"],
        "bos_token_id": cfg["bos_token_id"],
        "eos_token_id": cfg["eos_token_id"],
        "pad_token_id": cfg["pad_token_id"],
        "use_cache": True,
        "transformers.js_config": {"dtype": "fp32"},
    }
    tokenizer_config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": vocab[spec["bos_id"]],
        "eos_token": vocab[spec["eos_id"]],
        "pad_token": vocab[spec["pad_id"]],
        "unk_token": vocab[spec["unk_id"]],
        "model_max_length": cfg["max_position_embeddings"],
        "clean_up_tokenization_spaces": False,
    }
    generation_config = {
        "bos_token_id": cfg["bos_token_id"], "eos_token_id": cfg["eos_token_id"], "pad_token_id": cfg["pad_token_id"],
    }
    files = {"config.json": config, "tokenizer.json": hf_tokenizer(spec), "tokenizer_config.json": tokenizer_config,
             "generation_config.json": generation_config}
    for name, data in files.items():
        with open(os.path.join(out, name), "w") as f:
            json.dump(data, f, indent=1)
    return out


if __name__ == "__main__":
    print(f"wrote {write_transformers_js(sys.argv[1] if len(sys.argv) > 1 else 'models/policy/onnx')}")
