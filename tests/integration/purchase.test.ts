import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action as cartAction } from "~/routes/cart";
import { loader as successLoader } from "~/routes/checkout.$sessionId.success";
import { encodeCartCookieValue } from "~/services/cart/cart";
import { readCartIds } from "~/services/cart/cart.server";
import { loadLayout } from "~/services/web/layout.server";
import { seedCatalog } from "../../prisma/seed";
import { download } from "../support/pages";
import { usePaymentWorld, type PaymentWorld } from "../support/payment-world";
import { respond, type Visitor } from "../support/requests";
import { createProducts, createUser, itemsOf, visitorFor } from "../support/shop";

let world: PaymentWorld;
usePaymentWorld((started) => (world = started));

beforeAll(async () => {
  await seedCatalog();
});

async function seeded(slug: string) {
  return db().product.findUniqueOrThrow({ where: { slug }, include: { files: true } });
}

async function checkout(visitor: Visitor, products: Array<{ id: string; price: number; currency: string }>, buyerId: string) {
  visitor.remember(`ai_marketplace_cart=${encodeURIComponent(encodeCartCookieValue(products.map((p) => p.id)))}`);
  const response = await respond(() =>
    cartAction({ request: visitor.post("/cart", { intent: "checkout", items: itemsOf(products) }), params: {}, context: {} }),
  );
  expect(response.status).toBe(303);
  const session = await db().checkoutSession.findFirstOrThrow({
    where: { buyerId },
    orderBy: { createdAt: "desc" },
    include: { payment: true, orders: true },
  });
  return session;
}

/** Pays as the shopper would: Stripe's Pay button, or Toss's approve followed by the return that confirms. */
async function pay(reference: string, visitor?: Visitor, sessionId?: string) {
  if (reference.startsWith("cs_")) {
    await world.control("POST", `/_sandbox/stripe/sessions/${reference}/pay`);
  } else {
    const { body } = await world.control<{ redirectUrl: string }>("POST", `/_sandbox/toss/payments/${reference}/approve`);
    const url = new URL(body.redirectUrl);
    await respond(() =>
      successLoader({ request: visitor!.get(`${url.pathname}${url.search}`), params: { sessionId: sessionId! }, context: {} }),
    );
  }
  await world.webhooksSettled();
}

describe("downloads", () => {
  it("streams a purchased file with its type, length and a UTF-8 safe filename", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const product = await seeded("korean-marketing-copy-prompts");
    const session = await checkout(visitor, [product], buyer.id);
    await pay(session.payment!.providerReference!, visitor, session.id);
    const file = product.files.find((f) => f.filename === "프롬프트-목록.txt")!;
    const response = await download(visitor, session.orders[0].id, file.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("Content-Length")).toBe(String(file.sizeBytes));
    expect(response.headers.get("Content-Disposition")).toBe(
      `attachment; filename="????-??.txt"; filename*=UTF-8''${encodeURIComponent("프롬프트-목록.txt")}`,
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.byteLength).toBe(file.sizeBytes);
  });

  it("answers 404 for another buyer, a file of another product, an unpaid order and ids that do not parse", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const product = await seeded("webtoon-style-prompts");
    const other = await seeded("kobert-review-sentiment");
    const session = await checkout(visitor, [product], buyer.id);
    const orderId = session.orders[0].id;
    expect((await download(visitor, orderId, product.files[0].id)).status).toBe(404); // not paid yet
    await pay(session.payment!.providerReference!, visitor, session.id);
    expect((await download(visitor, orderId, product.files[0].id)).status).toBe(200);
    expect((await download(visitor, orderId, other.files[0].id)).status).toBe(404);
    expect((await download(await visitorFor(await createUser()), orderId, product.files[0].id)).status).toBe(404);
    expect((await download(visitor, "../../etc", "passwd")).status).toBe(404);
  });

  it("refuses clearly after a refund", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const [product] = await createProducts(1);
    const session = await checkout(visitor, [product], buyer.id);
    await pay(session.payment!.providerReference!);
    await world.control("POST", `/_sandbox/stripe/sessions/${session.payment!.providerReference}/refund`);
    await world.webhooksSettled();
    const file = await db().productFile.create({
      data: { productId: product.id, filename: "x.txt", contentType: "text/plain", sizeBytes: 1, sha256: "0", storageKey: `test/${product.id}.txt` },
    });
    const response = await download(visitor, session.orders[0].id, file.id);
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("This purchase was refunded, so its files can no longer be downloaded.");
  });
});

describe("the success page and the cart", () => {
  async function visitSuccess(visitor: Visitor, sessionId: string) {
    return visitor.absorb(
      await respond(() => successLoader({ request: visitor.get(`/checkout/${sessionId}/success`), params: { sessionId }, context: {} })),
    );
  }

  it("takes exactly the purchased products out of the cart cookie once PAID", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const products = await createProducts(3);
    const [extra] = await createProducts(1, { currency: "KRW", price: 5000 });
    const session = await checkout(visitor, products, buyer.id);
    visitor.remember(`ai_marketplace_cart=${encodeURIComponent(encodeCartCookieValue([...products.map((p) => p.id), extra.id]))}`);

    const pending = await visitSuccess(visitor, session.id);
    expect(pending.status).toBe(200);
    expect((await pending.json()).checkout.status).toBe("PENDING");
    expect(await readCartIds(visitor.get("/"))).toHaveLength(4);

    await pay(session.payment!.providerReference!);
    const paid = await visitSuccess(visitor, session.id);
    expect(paid.status).toBe(303);
    expect(await readCartIds(visitor.get("/"))).toEqual([extra.id]);
    const after = await visitSuccess(visitor, session.id);
    expect(after.status).toBe(200);
    expect((await after.json()).checkout.status).toBe("PAID");
  });

  it("flags a product the shopper already owns as in the library, left out of checkout", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const [product] = await createProducts(1);
    const session = await checkout(visitor, [product], buyer.id);
    await pay(session.payment!.providerReference!);
    visitor.remember(`ai_marketplace_cart=${encodeURIComponent(encodeCartCookieValue([product.id]))}`);
    const { data } = await loadLayout(visitor.get("/cart"));
    expect(data.cart.items.map((item) => item.id)).toEqual([product.id]);
    expect(data.cart.flags).toEqual({ [product.id]: "owned" });
  });

  it("clears nothing for a FAILED checkout", async () => {
    const buyer = await createUser();
    const visitor = await visitorFor(buyer);
    const products = await createProducts(2);
    const session = await checkout(visitor, products, buyer.id);
    await db().checkoutSession.update({ where: { id: session.id }, data: { status: "FAILED" } });
    const response = await visitSuccess(visitor, session.id);
    expect((await response.json()).checkout.status).toBe("FAILED");
    expect(await readCartIds(visitor.get("/"))).toHaveLength(2);
  });

  it("hands out unique, readable receipt numbers", async () => {
    const paid = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const buyer = await createUser();
        const session = await checkout(await visitorFor(buyer), await createProducts(1), buyer.id);
        await pay(session.payment!.providerReference!);
        return session.id;
      }),
    );
    const sessions = await db().checkoutSession.findMany({ where: { id: { in: paid } }, select: { status: true, receiptNumber: true } });
    expect(sessions.map((session) => session.status)).toEqual(["PAID", "PAID", "PAID"]);
    const receipts = sessions.map((session) => session.receiptNumber);
    for (const receipt of receipts) expect(receipt).toMatch(/^R-\d{4}-\d{6}$/);
    expect(new Set(receipts).size).toBe(3);
  });
});
