// The end-to-end tests need the system Chromium; say how to get it instead of
// skipping them.
import fs from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
try {
  fs.accessSync(chromium, fs.constants.X_OK);
} catch {
  console.error(
    `Chromium was not found at ${chromium}. The end-to-end tests need it.\n` +
      `Install it with:  sudo apt-get install -y chromium\n` +
      `or point CHROMIUM_PATH at another Chromium binary.`,
  );
  process.exit(1);
}
