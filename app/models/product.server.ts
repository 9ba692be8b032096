import { db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";

const sellerSummary = { select: { id: true, displayName: true } } as const;

/** A bought product as the purchase pages show it: title, seller and its downloadable files. */
export const purchasedProductSelect = {
  id: true,
  title: true,
  seller: { select: { displayName: true } },
  files: { select: { id: true, filename: true, sizeBytes: true }, orderBy: { filename: "asc" } },
} as const;

export async function listPublishedProducts() {
  return db().product.findMany({
    where: { published: true },
    orderBy: [{ createdAt: "asc" }, { title: "asc" }],
    select: {
      id: true,
      title: true,
      summary: true,
      kind: true,
      price: true,
      currency: true,
      verificationLevel: true,
      seller: sellerSummary,
    },
  });
}

export async function findPublishedProduct(productId: string) {
  return db().product.findFirst({
    where: { id: productId, published: true },
    select: {
      id: true,
      title: true,
      summary: true,
      description: true,
      kind: true,
      price: true,
      currency: true,
      verificationLevel: true,
      downloadCount: true,
      seller: sellerSummary,
      files: {
        select: { id: true, filename: true, sizeBytes: true, contentType: true },
        orderBy: { filename: "asc" },
      },
    },
  });
}

/** The products behind a cart's ids, whatever their state, for re-checking the cart. */
export async function findProductsByIds(ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db().product.findMany({
    where: { id: { in: [...ids] } },
    select: {
      id: true,
      title: true,
      price: true,
      currency: true,
      verificationLevel: true,
      published: true,
      sellerId: true,
      seller: sellerSummary,
    },
  });
}

export interface QuotedProduct {
  id: string;
  title: string;
  price: number;
  currency: "USD" | "KRW";
  published: boolean;
  sellerId: string;
  /** The buyer already has access (a grant not revoked). */
  owned: boolean;
}

/** The products behind a cart's ids, whatever their state, each with whether `buyerId` owns it: one query. */
export async function findProductsForBuyer(buyerId: string, ids: readonly string[]): Promise<QuotedProduct[]> {
  if (ids.length === 0) return [];
  return db().$queryRaw<QuotedProduct[]>(productsForBuyerStatement(buyerId, ids));
}

export function productsForBuyerStatement(buyerId: string, ids: readonly string[]) {
  return Prisma.sql`
    SELECT p.id, p.title, p.price, p.currency::text AS currency, p.published, p.seller_id AS "sellerId",
           EXISTS (SELECT 1 FROM entitlements e
                    WHERE e.user_id = ${buyerId}::uuid AND e.product_id = p.id AND e.revoked_at IS NULL) AS owned
      FROM products p
     WHERE p.id = ANY(${[...ids]}::uuid[])`;
}
