// Character tokenizer read from the model zoo's tokenizer.json; the engine and verifier share it.

export interface TokenizerSpec {
  type: "char";
  vocab: string[];
  pad_id: number;
  bos_id: number;
  eos_id: number;
  unk_id: number;
}

export class CharTokenizer {
  private readonly ids = new Map<string, number>();
  constructor(readonly spec: TokenizerSpec) {
    if (spec.type !== "char") throw new Error(`unsupported tokenizer type ${String(spec.type)}`);
    spec.vocab.forEach((tok, i) => {
      if (tok.length === 1) this.ids.set(tok, i);
    });
  }

  get vocabSize(): number {
    return this.spec.vocab.length;
  }
  get eosId(): number {
    return this.spec.eos_id;
  }
  get bosId(): number {
    return this.spec.bos_id;
  }
  get padId(): number {
    return this.spec.pad_id;
  }

  /** BOS, then one id per character; characters outside the vocabulary become UNK. */
  encode(text: string, { bos = true }: { bos?: boolean } = {}): number[] {
    const out = bos ? [this.spec.bos_id] : [];
    for (const ch of text) out.push(this.ids.get(ch) ?? this.spec.unk_id);
    return out;
  }

  /** Special tokens decode to nothing, so decoded text is exactly what the model wrote. */
  decode(ids: readonly number[]): string {
    let s = "";
    for (const id of ids) {
      const tok = this.spec.vocab[id];
      if (tok !== undefined && tok.length === 1) s += tok;
    }
    return s;
  }
}
