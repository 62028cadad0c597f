#!/usr/bin/env -S node --import tsx
// thinktime-cli: the API from a shell (ask, submit, jobs, usage, keys); exit 0 ok, 1 API error, 2 usage error.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ask, submit } from "./cli/ask.js";
import { type Command, type Io, UsageError } from "./cli/common.js";
import { jobs } from "./cli/jobs.js";
import { keys } from "./cli/keys.js";
import { usage } from "./cli/usage.js";
import { Thinktime } from "./client.js";
import { ThinktimeError } from "./errors.js";

export const HELP = `usage: thinktime-cli COMMAND [options] [--json]

  ask "QUESTION" [--strategy S] [--n N] [--budget-tokens T] [--budget-flops F]
                         submit, show progress on stderr, print the answer
  submit "QUESTION" [same options] [--wait]
                         print the job id (--wait: when it has finished)
  jobs [list [--limit N] [--cursor C] [--all] | get ID | cancel ID]
  usage [--period YYYY-MM]
  keys [list | create NAME [--scopes a,b] [--expires-in S] | revoke ID | rotate ID [--grace-seconds S]]

environment: THINKTIME_URL (default http://127.0.0.1:8787), THINKTIME_API_KEY
exit codes: 0 ok, 1 API error, 2 usage error`;

const COMMANDS: Record<string, Command> = { ask, submit, jobs, usage, keys };

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    (name ? io.out : io.err)(HELP);
    return name ? 0 : 2;
  }
  try {
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}"`);
    if (!env.THINKTIME_API_KEY) throw new UsageError("THINKTIME_API_KEY is not set");
    const client = new Thinktime({ baseUrl: env.THINKTIME_URL || "http://127.0.0.1:8787", apiKey: env.THINKTIME_API_KEY });
    return await command(args, { client, io });
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`thinktime-cli: ${err.message}\n\n${HELP}`);
      return 2;
    }
    if (err instanceof ThinktimeError) {
      io.err(`error: ${err.title}: ${err.detail}`);
      for (const e of err.errors) io.err(`  ${e.path}: ${e.message}`);
      if (err.requestId) io.err(`  (${err.code}, ${err.requestId})`);
      return 1;
    }
    // fetch's own failures (refused, DNS) say "fetch failed"; the reason is in `cause`.
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    io.err(`error: ${(err as Error).message ?? String(err)}${cause ? ` (${cause}; THINKTIME_URL=${env.THINKTIME_URL || "http://127.0.0.1:8787"})` : ""}`);
    return 1;
  }
}

const isEntry = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  const io: Io = { out: (l) => console.log(l), err: (l) => console.error(l), errIsTty: Boolean(process.stderr.isTTY) };
  main(process.argv.slice(2), process.env, io).then((code) => (process.exitCode = code));
}
