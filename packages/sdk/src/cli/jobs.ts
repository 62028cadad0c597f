// `jobs [list|get ID|cancel ID]`: the tenant's jobs, one job, or cancel one.
import type { JobSummary } from "@thinktime/core/api/jobs";
import { type Command, type Io, intFlag, onePositional, parse, printJson, UsageError } from "./common.js";

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function row(io: Io, j: JobSummary): void {
  io.out([j.id, j.status, j.strategy, j.result?.answer ?? "-", clip(j.question.replace(/\s+/g, " "), 60)].join("\t"));
}

export const jobs: Command = async (args, ctx) => {
  const [sub = "list", ...rest] = args[0]?.startsWith("-") ? ["list", ...args] : args;
  const jobsApi = ctx.client.jobs;
  if (sub === "list") {
    const { values, positionals } = parse(rest, { limit: { type: "string" }, cursor: { type: "string" }, all: { type: "boolean" } });
    if (positionals.length > 0) throw new UsageError(`jobs list takes no arguments, got "${positionals.join(" ")}"`);
    const limit = intFlag("limit", values.limit, 1);
    if (values.all) {
      const all: JobSummary[] = [];
      for await (const j of jobsApi.listAll({ limit })) {
        if (values.json) all.push(j);
        else row(ctx.io, j);
      }
      if (values.json) printJson(ctx.io, all);
      return 0;
    }
    const page = await jobsApi.list({ limit, cursor: values.cursor });
    if (values.json) printJson(ctx.io, page);
    else {
      for (const j of page.data) row(ctx.io, j);
      if (page.next_cursor) ctx.io.err(`more: --cursor ${page.next_cursor}`);
    }
    return 0;
  }
  if (sub === "get" || sub === "cancel") {
    const { values, positionals } = parse(rest, {});
    const id = onePositional(positionals, `a job id: jobs ${sub} ID`);
    const job = sub === "get" ? await jobsApi.get(id) : await jobsApi.cancel(id);
    if (values.json) printJson(ctx.io, job);
    else if (sub === "cancel") ctx.io.out(`${job.id}\t${job.status}${job.cancel_requested && job.status === "running" ? "\tcancel requested" : ""}`);
    else {
      ctx.io.out(`${job.id}\t${job.status}\t${job.strategy}\tn=${job.params.n}`);
      ctx.io.out(`question: ${job.question}`);
      ctx.io.out(`answer: ${job.result?.answer ?? "-"}`);
      if (job.error) ctx.io.out(`error: ${job.error.code}: ${job.error.message}`);
      if (job.usage) ctx.io.out(`usage: ${job.usage.prompt_tokens} prompt + ${job.usage.generated_tokens} generated + ${job.usage.verifier_tokens} verifier tokens, ${job.usage.flops} FLOPs`);
    }
    return 0;
  }
  throw new UsageError(`unknown jobs command "${sub}": list, get ID or cancel ID`);
};
