import os from "node:os";
import path from "node:path";

// Without DATABASE_URL the tests use a throw-away embedded database held in
// memory, never the developer's .data folder.
if (!process.env.DATABASE_URL) process.env.PGLITE_DATA_DIR = "memory://";
process.env.STORAGE_DIR = path.join(os.tmpdir(), `marketplace-test-storage-${process.pid}`);
process.env.APP_ENV ??= "test";
