import { db } from "~/db.server";

const sellerSummary = { select: { id: true, displayName: true } } as const;

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
