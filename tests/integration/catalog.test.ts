import { createHash } from "node:crypto";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { findCatalogPage, findPublishedProduct } from "~/models/product.server";
import { storagePath } from "~/services/library/storage.server";
import { seedCatalog } from "../../prisma/seed";
import { DEMO_BUYER, PRODUCTS, SELLERS } from "../../prisma/catalog";
import { prepareDatabase, releaseDatabase } from "../support/database";

const seededSlugs = PRODUCTS.map((product) => product.slug);

/** Every product the catalog lists, on all its pages. */
async function listedProducts() {
  const { products } = await findCatalogPage({ words: [], kind: null, currency: null }, { skip: 0, take: 100_000 });
  return products;
}

async function seededCounts() {
  const products = await db().product.findMany({ where: { slug: { in: seededSlugs } }, select: { id: true } });
  return {
    users: await db().user.count({ where: { email: { in: [DEMO_BUYER, ...SELLERS].map((u) => u.email) } } }),
    products: products.length,
    files: await db().productFile.count({ where: { productId: { in: products.map((p) => p.id) } } }),
  };
}

describe("the seeded catalog", () => {
  beforeAll(async () => {
    await prepareDatabase();
    await seedCatalog();
  });
  afterAll(releaseDatabase);

  it("is idempotent: a second run creates nothing twice", async () => {
    const before = await seededCounts();
    await seedCatalog();
    expect(await seededCounts()).toEqual(before);
    expect(before).toEqual({ users: 4, products: PRODUCTS.length, files: PRODUCTS.flatMap((p) => p.files).length });
  });

  it("offers at least 12 published products from 3 sellers, in both currencies", async () => {
    const seeded = (await listedProducts()).filter((p) => PRODUCTS.some((s) => s.published && s.title === p.title));
    expect(seeded.length).toBeGreaterThanOrEqual(12);
    expect(new Set(seeded.map((p) => p.seller.displayName)).size).toBeGreaterThanOrEqual(3);
    const usd = seeded.filter((p) => p.currency === "USD").length;
    const krw = seeded.filter((p) => p.currency === "KRW").length;
    expect(Math.abs(usd - krw)).toBeLessThanOrEqual(2);
  });

  it("keeps the unpublished product out of the catalog and its page", async () => {
    const draft = await db().product.findUniqueOrThrow({ where: { slug: "voice-clone-draft" } });
    expect(draft.published).toBe(false);
    expect((await listedProducts()).map((p) => p.id)).not.toContain(draft.id);
    expect(await findPublishedProduct(draft.id)).toBeNull();
  });

  it("stores every product file on disk with the recorded size and checksum", async () => {
    const files = await db().productFile.findMany({ where: { product: { slug: { in: seededSlugs } } } });
    for (const file of files) {
      const bytes = fs.readFileSync(storagePath(file.storageKey));
      expect(bytes.byteLength).toBe(file.sizeBytes);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(file.sha256);
    }
    const perProduct = await db().product.findMany({ where: { slug: { in: seededSlugs } }, select: { _count: { select: { files: true } } } });
    for (const product of perProduct) {
      expect(product._count.files).toBeGreaterThanOrEqual(1);
      expect(product._count.files).toBeLessThanOrEqual(3);
    }
  });

  it("refuses a storage key that climbs out of the storage folder", () => {
    expect(() => storagePath("../../etc/passwd")).toThrow(/outside the storage folder/);
  });
});
