import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// `npm run test:reliability`: real processes on a PostgreSQL server, one file at a time.
export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    include: ["tests/reliability/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts", "tests/reliability/global-setup.ts"],
    setupFiles: ["tests/support/setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
