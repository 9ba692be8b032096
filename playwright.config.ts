import { defineConfig } from "@playwright/test";

// End-to-end tests drive the real server (built, migrated, seeded by
// `npm start`'s script) and the payment sandbox in the system Chromium.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const SANDBOX_PORT = Number(process.env.E2E_SANDBOX_PORT ?? 4110);
export const baseURL = `http://localhost:${PORT}`;

const serverEnv: Record<string, string> = {
  PORT: String(PORT),
  APP_URL: baseURL,
  SANDBOX_PORT: String(SANDBOX_PORT),
  STORAGE_DIR: ".data/e2e-storage",
  CHECKOUT_TTL_MINUTES: "60",
};
if (!process.env.DATABASE_URL) serverEnv.PGLITE_DATA_DIR = ".data/e2e-pglite";

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: "node scripts/start.mjs",
    url: `${baseURL}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: serverEnv,
  },
});
