import fs from "node:fs";
import { FIGURES_FILE } from "./figures";
import { LOG_DIR } from "./harness/servers";

export default async function setup() {
  if (!process.env.DATABASE_URL) {
    throw new Error(
      "The reliability suite runs against a PostgreSQL server: set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test).",
    );
  }
  if (!fs.existsSync("build/index.js")) throw new Error("No server build: run `npm run build` first.");
  fs.rmSync(FIGURES_FILE, { force: true });
  // Only this run's server logs are scanned for secrets (logs.test.ts).
  fs.rmSync(LOG_DIR, { recursive: true, force: true });
}
