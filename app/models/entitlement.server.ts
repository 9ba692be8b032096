import { db } from "~/db.server";

/** Of `productIds`, those the user already owns (an access grant not revoked). */
/** Which of `productIds` (or, without them, of every product) `userId` owns. */
export async function findOwnedProductIds(userId: string, productIds?: readonly string[]): Promise<Set<string>> {
  if (productIds?.length === 0) return new Set();
  const rows = await db().entitlement.findMany({
    where: { userId, revokedAt: null, ...(productIds ? { productId: { in: [...productIds] } } : {}) },
    select: { productId: true },
  });
  return new Set(rows.map((row) => row.productId));
}
