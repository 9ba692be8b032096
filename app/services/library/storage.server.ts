import fs from "node:fs";
import path from "node:path";
import { env } from "~/env.server";

// Product files live under STORAGE_DIR, addressed by a storage key such as
// `products/<slug>/<filename>`. A key never leaves that folder.

export class StorageKeyError extends Error {}

function storageRoot(): string {
  return path.resolve(env().STORAGE_DIR);
}

export function storagePath(key: string): string {
  const root = storageRoot();
  const resolved = path.resolve(root, key);
  if (!resolved.startsWith(root + path.sep)) {
    throw new StorageKeyError(`Storage key ${JSON.stringify(key)} points outside the storage folder.`);
  }
  return resolved;
}

export function writeStoredFile(key: string, content: Buffer): void {
  const target = storagePath(key);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content);
}

export function readStoredFileIfExists(key: string): Buffer | undefined {
  const target = storagePath(key);
  return fs.existsSync(target) ? fs.readFileSync(target) : undefined;
}
