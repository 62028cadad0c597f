// `keys [list|create NAME --scopes a,b|revoke ID|rotate ID]`: the tenant's API keys.
import { SCOPES, type KeyResource, type Scope } from "@thinktime/core/api/keys";
import { type Command, type Io, intFlag, onePositional, parse, printJson, UsageError } from "./common.js";

function row(io: Io, k: KeyResource): void {
  const state = k.revoked_at ? `revoked ${k.revoked_at}` : k.expires_at ? `expires ${k.expires_at}` : "active";
  io.out([k.id, k.name || "-", k.prefix, k.scopes.join(","), state].join("\t"));
}

function scopes(value: string | undefined): Scope[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad.length > 0) throw new UsageError(`unknown scope ${bad.join(", ")}: use ${SCOPES.join(", ")}`);
  return list as Scope[];
}

export const keys: Command = async (args, ctx) => {
  const [sub = "list", ...rest] = args[0]?.startsWith("-") ? ["list", ...args] : args;
  const api = ctx.client.keys;
  switch (sub) {
    case "list": {
      const { values } = parse(rest, {});
      const list = await api.list();
      if (values.json) printJson(ctx.io, list);
      else for (const k of list.data) row(ctx.io, k);
      return 0;
    }
    case "create":
    case "rotate": {
      const { values, positionals } = parse(rest, { scopes: { type: "string" }, "expires-in": { type: "string" }, "grace-seconds": { type: "string" } });
      const arg = onePositional(positionals, sub === "create" ? "a key name: keys create NAME" : "a key id: keys rotate ID");
      const key =
        sub === "create"
          ? await api.create({ name: arg, scopes: scopes(values.scopes), expires_in: intFlag("expires-in", values["expires-in"], 1) })
          : await api.rotate(arg, { grace_seconds: intFlag("grace-seconds", values["grace-seconds"]) });
      if (values.json) printJson(ctx.io, key);
      else {
        ctx.io.err(`${key.id} (${key.scopes.join(",")}): the key is shown once, store it now`);
        ctx.io.out(key.key);
      }
      return 0;
    }
    case "revoke": {
      const { values, positionals } = parse(rest, {});
      const key = await api.revoke(onePositional(positionals, "a key id: keys revoke ID"));
      if (values.json) printJson(ctx.io, key);
      else row(ctx.io, key);
      return 0;
    }
    default:
      throw new UsageError(`unknown keys command "${sub}": list, create NAME, revoke ID or rotate ID`);
  }
};
