import { db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import type { Currency, ProductKind } from "~/generated/prisma/enums";

const sellerSummary = { select: { id: true, displayName: true } } as const;

/** A bought product as the purchase pages show it: title, seller and its downloadable files. */
export const purchasedProductSelect = {
  id: true,
  title: true,
  seller: { select: { displayName: true } },
  files: { select: { id: true, filename: true, sizeBytes: true }, orderBy: { filename: "asc" } },
} as const;

export interface CatalogSearch {
  /** Each word must appear in the title, summary or description, in any case. */
  words: string[];
  kind: ProductKind | null;
  currency: Currency | null;
}

// Prisma's `contains` becomes a LIKE pattern without escaping LIKE's own
// characters, so a search for "%" or "_" would match every product.
function literalPattern(word: string): string {
  return word.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function catalogWhere(search: CatalogSearch): Prisma.ProductWhereInput {
  return {
    published: true,
    ...(search.kind ? { kind: search.kind } : {}),
    ...(search.currency ? { currency: search.currency } : {}),
    AND: search.words.map(literalPattern).map((pattern) => ({
      OR: [
        { title: { contains: pattern, mode: "insensitive" } },
        { summary: { contains: pattern, mode: "insensitive" } },
        { description: { contains: pattern, mode: "insensitive" } },
      ],
    })),
  };
}

/** One page of the published products matching `search`, oldest listing first, and how many match in all: two queries. */
export async function findCatalogPage(search: CatalogSearch, { skip, take }: { skip: number; take: number }) {
  const where = catalogWhere(search);
  const [total, products] = await Promise.all([
    db().product.count({ where }),
    db().product.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { title: "asc" }, { id: "asc" }],
      skip,
      take,
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
    }),
  ]);
  return { total, products };
}

/** What a published product's cover is drawn from, or null when no such product is on sale. */
export async function findPublishedCoverSubject(productId: string) {
  return db().product.findFirst({ where: { id: productId, published: true }, select: { id: true, kind: true } });
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
  currency: Currency;
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
