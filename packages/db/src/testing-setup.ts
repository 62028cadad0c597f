// Vitest globalSetup: one migrated Postgres template per run, cloned by createTestDatabase and dropped at the end.
import { createTemplateDatabase, TEMPLATE_ENV } from "./testing.js";

/** Use as `globalSetup: [fileURLToPath(import.meta.resolve("@thinktime/db/testing-setup"))]` in vitest.config.ts. */
export default async function setup(): Promise<() => Promise<void>> {
  const template = await createTemplateDatabase();
  process.env[TEMPLATE_ENV] = template.name;
  return async () => {
    await template.drop();
    delete process.env[TEMPLATE_ENV];
  };
}
