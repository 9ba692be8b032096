import { db } from "~/db.server";
import { purchasedProductSelect } from "~/models/product.server";

/**
 * The file, if `fileId` belongs to the product of `orderId` and the order is
 * the buyer's, with the buyer's access to that product (which follows their
 * orders, not this one order alone).
 */
export async function findOrderFile(orderId: string, fileId: string, buyerId: string) {
  const order = await db().order.findFirst({
    where: { id: orderId, buyerId },
    select: {
      status: true,
      product: {
        select: {
          files: {
            where: { id: fileId },
            select: { filename: true, contentType: true, sizeBytes: true, storageKey: true },
          },
          entitlements: { where: { userId: buyerId }, select: { revokedAt: true, suspendedAt: true } },
        },
      },
    },
  });
  if (!order) return null;
  const [file] = order.product.files;
  const [access] = order.product.entitlements;
  return file ? { orderStatus: order.status, access: access ?? null, file } : null;
}

/** Every product the user owns (access not revoked), newest first, with its files and the order that granted it. */
export async function listOwnedProducts(userId: string) {
  return db().entitlement.findMany({
    where: { userId, revokedAt: null },
    orderBy: { grantedAt: "desc" },
    select: {
      grantedAt: true,
      suspendedAt: true,
      order: { select: { id: true, checkoutSessionId: true, paidAt: true } },
      product: { select: purchasedProductSelect },
    },
  });
}

export async function listCheckoutSessions(buyerId: string, take = 50) {
  return db().checkoutSession.findMany({
    where: { buyerId },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      status: true,
      total: true,
      currency: true,
      createdAt: true,
      receiptNumber: true,
      quoteHash: true,
      _count: { select: { orders: true } },
      orders: { orderBy: { createdAt: "asc" }, take: 3, select: { product: { select: { title: true } } } },
    },
  });
}
