// drizzle-kit: `pnpm --filter @thinktime/db generate` writes committed SQL migrations from the schema.
import { defineConfig } from "drizzle-kit";

export default defineConfig({ dialect: "postgresql", schema: "./src/schema.ts", out: "./migrations" });
