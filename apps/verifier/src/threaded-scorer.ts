// The ORM and PRM behind a worker thread each: the same calls as OrmScorer / PrmScorer, but onnxruntime-node's
// synchronous run happens off the event loop, so requests keep arriving (and batching) while a batch runs.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { CharTokenizer } from "@thinktime/core";
import { readModelFiles, type ModelConfig } from "./model-files.js";
import { ormTokens } from "./orm-input.js";
import type { OrmScorerOptions } from "./orm-scorer.js";
import type { PrmScorerOptions, RowScores, StepRow } from "./prm-scorer.js";
import type { ScoringThreadData, ThreadError, ThreadMessage } from "./scoring-protocol.js";

const HERE = fileURLToPath(import.meta.url);
/** scoring-thread.ts under tsx or vitest (the thread then registers tsx itself), scoring-thread.js once compiled. */
const ENTRY = path.join(path.dirname(HERE), `scoring-thread${path.extname(HERE)}`);
const TSX = ENTRY.endsWith(".ts") ? createRequire(import.meta.url).resolve("tsx/esm/api") : undefined;
const BOOT = `const { workerData } = require("node:worker_threads");
if (workerData.tsx) require(workerData.tsx).register();
import(require("node:url").pathToFileURL(workerData.entry).href);`;

/** A call lost because its model's thread ended unasked (crashed or was killed); the model restarts for the next. */
export class ScoringThreadExited extends Error {
  override name = "ScoringThreadExited";
}

/** A worker thread holding one model; calls are answered in order. Ref'd only while a call is pending. */
class ScoringThread {
  /** The PRM's KV-cache size after the last call. */
  cacheBytes = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (out: unknown) => void; reject: (err: Error) => void }>();
  private ended: Error | undefined;
  private closing = false;

  private constructor(
    private readonly worker: Worker,
    private readonly onCrash: (err: Error) => void,
  ) {
    worker.on("message", (m: ThreadMessage) => {
      if (m.type !== "result" && m.type !== "error") return;
      const call = this.pending.get(m.id);
      if (!call) return;
      this.settled(m.id);
      if (m.type === "error") return call.reject(rebuild(m.error));
      if (m.cacheBytes !== undefined) this.cacheBytes = m.cacheBytes;
      call.resolve(m.output);
    });
    worker.on("error", (err) => this.end(err));
    worker.on("exit", (code) => this.end(new Error(`the scoring thread exited (code ${code})`)));
  }

  /** Resolves once the thread has loaded its model; rejects with the load error (bad files, bad options). */
  static start(data: ScoringThreadData, onCrash: (err: Error) => void): Promise<ScoringThread> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(BOOT, { eval: true, workerData: { ...data, entry: ENTRY, tsx: TSX } });
      const early = (err: Error) => reject(err);
      const onExit = (code: number) => reject(new Error(`the scoring thread for ${data.dir} exited (code ${code}) before loading`));
      worker.once("error", early);
      worker.once("exit", onExit);
      worker.once("message", (m: ThreadMessage) => {
        worker.off("error", early);
        worker.off("exit", onExit);
        if (m.type === "ready") {
          worker.unref();
          resolve(new ScoringThread(worker, onCrash));
        } else {
          void worker.terminate();
          reject(m.type === "failed" ? rebuild(m.error) : new Error(`scoring thread sent ${m.type} before ready`));
        }
      });
    });
  }

  run<T>(input: unknown): Promise<T> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (out: unknown) => void, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, op: "score", input });
    });
  }

  /** Lets queued calls finish, releases the session, then ends the thread. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.ended) return;
    const id = this.nextId++;
    await new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, op: "close" });
    }).catch(() => {});
    await this.worker.terminate();
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  private end(err: Error): void {
    if (this.ended) return;
    this.ended = this.closing ? err : new ScoringThreadExited(`the scoring thread stopped (${err.message}); retry`);
    for (const call of this.pending.values()) call.reject(this.ended);
    this.pending.clear();
    if (!this.closing) this.onCrash(err);
  }
}

/**
 * One model's thread, started again whenever it ends unasked: the calls it held fail (ScoringThreadExited), later
 * calls wait for the new thread (the PRM's KV cache starts empty). A restart that fails is tried again by the next call.
 */
class ModelThread {
  /** Threads started after the first. */
  restarts = 0;
  private lastCacheBytes = 0;
  private closed = false;
  private current!: Promise<ScoringThread>;

  private constructor(
    private readonly data: ScoringThreadData,
    private readonly onRestart: () => void,
  ) {}

  static async start(data: ScoringThreadData, onRestart: () => void = () => {}): Promise<ModelThread> {
    const model = new ModelThread(data, onRestart);
    model.current = ScoringThread.start(data, (err) => model.crashed(err));
    await model.current; // the first start's failure (bad files, bad options) is the load's
    return model;
  }

  get cacheBytes(): number {
    return this.lastCacheBytes;
  }

  async run<T>(input: unknown): Promise<T> {
    if (this.closed) throw new Error(`the ${this.data.kind} scoring thread is closed`);
    let thread: ScoringThread;
    try {
      thread = await this.current;
    } catch (err) {
      this.current = this.spawn();
      throw new ScoringThreadExited(`the ${this.data.kind} scoring thread could not restart (${(err as Error).message}); retry`);
    }
    const out = await thread.run<T>(input);
    this.lastCacheBytes = thread.cacheBytes;
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    const thread = await this.current.catch(() => undefined);
    await thread?.close();
  }

  private crashed(err: Error): void {
    if (this.closed) return;
    console.error(`verifier: the ${this.data.kind} scoring thread stopped (${err.message}); restarting it`);
    this.current = this.spawn();
  }

  private spawn(): Promise<ScoringThread> {
    this.restarts++;
    this.onRestart();
    const next = ScoringThread.start(this.data, (err) => this.crashed(err));
    next.catch(() => {}); // reported to the next call
    return next;
  }
}

function rebuild(e: ThreadError): Error {
  const err = e.name === "RangeError" ? new RangeError(e.message) : new Error(e.message);
  err.name = e.name;
  return err;
}

/** What both threaded scorers share: config and tokenizer read here, the session held by a ModelThread. */
abstract class ThreadedScorer {
  readonly maxTokens: number;
  readonly config: ModelConfig;
  readonly tokenizer: CharTokenizer;
  readonly maxBatch: number;
  protected readonly thread: ModelThread;

  protected constructor(opened: Opened) {
    ({ config: this.config, tokenizer: this.tokenizer, maxBatch: this.maxBatch, thread: this.thread } = opened);
    this.maxTokens = this.config.max_position_embeddings;
  }

  /** `onRestart`: told each time the thread is started again after stopping unasked. */
  protected static async open(data: ScoringThreadData, onRestart?: () => void): Promise<Opened> {
    const { config, tokenizer } = await readModelFiles(data.dir);
    const thread = await ModelThread.start(data, onRestart);
    return { config, tokenizer, thread, maxBatch: data.options.maxBatch ?? 64 };
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

interface Opened {
  config: ModelConfig;
  tokenizer: CharTokenizer;
  maxBatch: number;
  thread: ModelThread;
}

/** OrmScorer's surface, the model run in its own thread. */
export class ThreadedOrmScorer extends ThreadedScorer {
  readonly model = "orm" as const;

  static async load(dir: string, options: OrmScorerOptions = {}, onRestart?: () => void): Promise<ThreadedOrmScorer> {
    return new ThreadedOrmScorer(await ThreadedScorer.open({ kind: "orm", dir, options }, onRestart));
  }

  encode(question: string, solution: string): number[] {
    return ormTokens(this.tokenizer, question, solution);
  }

  score(sequences: readonly (readonly number[])[]): Promise<number[]> {
    return this.thread.run(sequences);
  }
}

/** PrmScorer's surface, the model and its KV cache kept in their own thread. */
export class ThreadedPrmScorer extends ThreadedScorer {
  readonly model = "prm" as const;

  static async load(dir: string, options: PrmScorerOptions = {}, onRestart?: () => void): Promise<ThreadedPrmScorer> {
    return new ThreadedPrmScorer(await ThreadedScorer.open({ kind: "prm", dir, options }, onRestart));
  }

  scoreRows(rows: readonly StepRow[]): Promise<RowScores[]> {
    return this.thread.run(rows);
  }

  /** The thread's KV-cache size as of the last answered call. */
  cacheBytes(): number {
    return this.thread.cacheBytes;
  }
}
