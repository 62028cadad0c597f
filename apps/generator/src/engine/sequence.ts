// One sample being generated: its tokens, text, log-probabilities and the rules that end it.
import { mulberry32 } from "@thinktime/core";
import type { CharTokenizer } from "@thinktime/core";
import { harpRand, type HarpSettings } from "./harp.js";
import { deriveSeed } from "./sampling.js";
import type { FinishReason, SamplingParams } from "./types.js";

export class Sequence {
  readonly tokens: number[] = [];
  readonly logprobs: number[] = [];
  text = "";
  finish: FinishReason | null = null;
  readonly rand: () => number;
  /** Entropy (bits) per generated token, when the request asked for it. */
  readonly entropy: number[] | null;
  /** HARP reframes run for this sample, and their FLOPs. */
  reframes = 0;
  reframeFlops = 0;
  /** The dropout masks' own stream (HARP only). */
  readonly harpRand: (() => number) | null;
  private readonly maxStop: number;

  constructor(
    /** The full prompt ids; shared (not copied) by the request's samples. */
    readonly prompt: readonly number[],
    readonly sample: number,
    readonly params: SamplingParams,
    private readonly tokenizer: CharTokenizer,
    private readonly maxPositions: number,
    /** HARP settings, or null in vanilla mode. */
    readonly harp: HarpSettings | null = null,
    reportEntropy = false,
  ) {
    this.rand = mulberry32(deriveSeed(params.seed, sample));
    this.harpRand = harp ? harpRand(params.seed, sample) : null;
    this.entropy = reportEntropy ? [] : null;
    this.maxStop = Math.max(0, ...(params.stop ?? []).map((s) => s.length));
  }

  get promptLen(): number {
    return this.prompt.length;
  }

  /** Token `i` of prompt + generated (HARP rebuilds the whole sequence from these). */
  tokenAt(i: number): number {
    return i < this.prompt.length ? this.prompt[i]! : this.tokens[i - this.prompt.length]!;
  }

  /** Real positions held: prompt plus generated tokens. */
  get length(): number {
    return this.promptLen + this.tokens.length;
  }

  /**
   * Appends a sampled token and decides whether the sequence is done: EOS or a stop string → "stop";
   * max_tokens or the model's position limit → "length". A stop string is cut from the text (not from tokens,
   * which were generated and billed).
   */
  push(token: number, logprob: number): void {
    this.tokens.push(token);
    this.logprobs.push(logprob);
    if (token === this.tokenizer.eosId) {
      this.finish = "stop";
      return;
    }
    const piece = this.tokenizer.decode([token]);
    if (piece.length > 0) {
      this.text += piece;
      if (this.maxStop > 0) {
        const from = Math.max(0, this.text.length - piece.length - this.maxStop + 1);
        let cut = -1;
        for (const stop of this.params.stop ?? []) {
          if (stop.length === 0) continue;
          const at = this.text.indexOf(stop, from);
          if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0) {
          this.text = this.text.slice(0, cut);
          this.finish = "stop";
          return;
        }
      }
    }
    if (this.tokens.length >= this.params.max_tokens || this.length >= this.maxPositions) this.finish = "length";
  }
}
