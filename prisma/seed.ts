// `npm run db:seed`: the demo catalog, sellers and one demo buyer. Idempotent:
// running it again creates nothing twice and rewrites only missing files.
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import bcrypt from "bcryptjs";
import { closeDatabase, db } from "../app/db.server";
import { readStoredFileIfExists, writeStoredFile } from "../app/services/library/storage.server";
import { DEMO_BUYER, DEMO_PASSWORD, PRODUCTS, SELLERS, type SeedUser } from "./catalog";

async function ensureUser(user: SeedUser, passwordHash: string) {
  return db().user.upsert({
    where: { email: user.email },
    create: { ...user, passwordHash },
    update: {},
    select: { id: true, email: true },
  });
}

export async function seedCatalog({ log = (_line: string) => {} } = {}) {
  const passwordHash = await bcrypt.hash(DEMO_PASSWORD, 10);
  const users = await Promise.all([DEMO_BUYER, ...SELLERS].map((user) => ensureUser(user, passwordHash)));
  const userIdByEmail = new Map(users.map((user) => [user.email, user.id]));

  let filesWritten = 0;
  for (const { files, sellerEmail, ...product } of PRODUCTS) {
    const sellerId = userIdByEmail.get(sellerEmail);
    if (!sellerId) throw new Error(`Seed product ${product.slug} names an unknown seller ${sellerEmail}.`);
    const { id: productId } = await db().product.upsert({
      where: { slug: product.slug },
      create: { ...product, sellerId },
      update: {},
      select: { id: true },
    });
    for (const file of files) {
      const content = Buffer.from(file.content, "utf8");
      const storageKey = `products/${product.slug}/${file.filename}`;
      const existing = readStoredFileIfExists(storageKey);
      if (!existing || !existing.equals(content)) {
        writeStoredFile(storageKey, content);
        filesWritten += 1;
      }
      const facts = {
        contentType: file.contentType,
        sizeBytes: content.byteLength,
        sha256: createHash("sha256").update(content).digest("hex"),
      };
      await db().productFile.upsert({
        where: { storageKey },
        create: { productId, filename: file.filename, storageKey, ...facts },
        update: facts,
      });
    }
  }
  log(
    `Seeded ${SELLERS.length} sellers, 1 demo buyer and ${PRODUCTS.length} products ` +
      `(${filesWritten} files written). Demo login: ${DEMO_BUYER.email} / ${DEMO_PASSWORD}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  seedCatalog({ log: (line) => console.log(line) })
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => closeDatabase());
}
