// `usage [--period YYYY-MM]`: the tenant's credits in a month.
import { type Command, parse, printJson, UsageError } from "./common.js";

export const usage: Command = async (args, ctx) => {
  const { values, positionals } = parse(args, { period: { type: "string", short: "p" } });
  if (positionals.length > 0) throw new UsageError(`usage takes no arguments, got "${positionals.join(" ")}"`);
  if (values.period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.period)) throw new UsageError("--period must be YYYY-MM");
  const u = await ctx.client.usage.get({ period: values.period });
  if (values.json) printJson(ctx.io, u);
  else ctx.io.out(`${u.period}\tspent ${u.spent}\treserved ${u.reserved}\tlimit ${u.limit ?? "none"}\tremaining ${u.remaining ?? "unlimited"}`);
  return 0;
};
