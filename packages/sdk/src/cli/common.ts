// What every CLI command shares: the parsed context, usage errors (exit 2), number flags and output helpers.
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { Thinktime } from "../client.js";

/** A mistake in how the CLI was called: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** stderr is a terminal: progress may redraw one line. */
  errIsTty: boolean;
}

export interface Context {
  client: Thinktime;
  io: Io;
}

/** A command: its arguments after the command name, returning the exit code. */
export type Command = (args: string[], ctx: Context) => Promise<number>;

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs with `--json` on every command; its errors become usage errors. */
export function parse<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...options, json: { type: "boolean" } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function intFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, not "${value}"`);
  return Number(value);
}

export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, not "${value}"`);
  return n;
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

export function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(`expected ${what}`);
  return positionals[0];
}
