import { createHash, randomUUID } from "node:crypto";
import { db } from "~/db.server";
import { writeStoredFile } from "~/services/library/storage.server";
import { startLoginSession } from "~/services/web/session.server";
import { Visitor } from "./requests";

// Throw-away shop data for tests that write: each call makes its own users and
// products, so test files never step on each other's rows.

export async function createUser(label = "buyer", { isSeller = false } = {}) {
  return db().user.create({
    data: {
      email: `${label}-${randomUUID().slice(0, 8)}@example.test`,
      displayName: `Test ${label}`,
      passwordHash: "not-a-login",
      isSeller,
    },
  });
}

export async function createProducts(count: number, { currency = "USD" as "USD" | "KRW", price = 1000, sellerId = "" } = {}) {
  const seller = sellerId || (await createUser("seller", { isSeller: true })).id;
  const tag = randomUUID().slice(0, 8);
  const data = Array.from({ length: count }, (_, i) => ({
    slug: `test-${tag}-${i}`,
    title: `Test product ${tag} #${i + 1}`,
    summary: "A product made by a test.",
    description: "A product made by a test.",
    kind: "DATASET" as const,
    price: price + i,
    currency,
    verificationLevel: "VERIFIED" as const,
    sellerId: seller,
    published: true,
  }));
  await db().product.createMany({ data });
  return db().product.findMany({ where: { slug: { in: data.map((d) => d.slug) } }, orderBy: { price: "asc" } });
}

/** Gives each product one downloadable file, stored under STORAGE_DIR. */
export async function addFiles(products: Array<{ id: string; slug: string }>) {
  for (const product of products) {
    const content = Buffer.from(`Contents of ${product.slug}\n`);
    const storageKey = `products/${product.slug}/readme.txt`;
    writeStoredFile(storageKey, content);
    await db().productFile.create({
      data: {
        productId: product.id,
        filename: "readme.txt",
        contentType: "text/plain",
        sizeBytes: content.byteLength,
        sha256: createHash("sha256").update(content).digest("hex"),
        storageKey,
      },
    });
  }
  return db().productFile.findMany({ where: { productId: { in: products.map((p) => p.id) } } });
}

/** A visitor already logged in as `user`, holding their login session's CSRF token. */
export async function visitorFor(user: { id: string }): Promise<Visitor> {
  const visitor = await Visitor.start();
  visitor.csrfToken = randomUUID();
  visitor.remember(await startLoginSession(user.id, visitor.csrfToken));
  return visitor;
}

export function itemsOf(products: Array<{ id: string; price: number; currency: string }>) {
  return JSON.stringify(products.map((p) => ({ id: p.id, price: p.price, currency: p.currency })));
}

export async function rowCounts(buyerId: string) {
  const [sessions, orders, payments, entitlements] = await Promise.all([
    db().checkoutSession.count({ where: { buyerId } }),
    db().order.count({ where: { buyerId } }),
    db().payment.count({ where: { checkoutSession: { buyerId } } }),
    db().entitlement.count({ where: { userId: buyerId } }),
  ]);
  return { sessions, orders, payments, entitlements };
}

/** The products' download counts, cheapest product first (as createProducts prices them). */
export async function downloadCounts(products: Array<{ id: string }>) {
  const rows = await db().product.findMany({ where: { id: { in: products.map((p) => p.id) } }, orderBy: { price: "asc" } });
  return rows.map((row) => row.downloadCount);
}
