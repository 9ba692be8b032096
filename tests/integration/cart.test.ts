import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action as cartAction } from "~/routes/cart";
import { encodeCartCookieValue } from "~/services/cart/cart";
import { loadLayout } from "~/services/web/layout.server";
import { seedCatalog } from "../../prisma/seed";
import { prepareDatabase, releaseDatabase } from "../support/database";
import { respond, Visitor } from "../support/requests";
import { createUser, visitorFor } from "../support/shop";

async function productId(slug: string) {
  return (await db().product.findUniqueOrThrow({ where: { slug } })).id;
}

function withCart(visitor: Visitor, ids: string[]) {
  visitor.remember(`ai_marketplace_cart=${encodeURIComponent(encodeCartCookieValue(ids))}`);
}

const post = (visitor: Visitor, fields: Record<string, string>, options?: { csrf?: boolean }) =>
  respond(() => cartAction({ request: visitor.post("/cart", fields, options), params: {}, context: {} })).then((r) =>
    visitor.absorb(r),
  );

describe("the cart action and the cart the server sees", () => {
  beforeAll(async () => {
    await prepareDatabase();
    await seedCatalog();
  });
  afterAll(releaseDatabase);

  it("adds without JavaScript: sets the cookie and redirects back with a notice", async () => {
    const visitor = await Visitor.start();
    const id = await productId("sql-copilot-prompts");
    const response = await post(visitor, { intent: "add", productId: id, returnTo: "/products/x" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/products/x");
    const { data } = await loadLayout(visitor.get("/"));
    expect(data.cart.items.map((item) => item.id)).toEqual([id]);
    expect(data.notices).toEqual(["Added SQL Copilot Prompt Pack to your cart."]);
  });

  it("does not add a product the shopper owns, says why, and marks it owned on every page", async () => {
    const owner = await createUser("owner");
    const id = await productId("sql-copilot-prompts");
    const product = await db().product.findUniqueOrThrow({ where: { id } });
    const session = await db().checkoutSession.create({
      data: {
        buyerId: owner.id,
        currency: product.currency,
        total: product.price,
        provider: "STRIPE",
        status: "PAID",
        quoteHash: randomUUID(),
        expiresAt: new Date(),
        paidAt: new Date(),
        orders: { create: { productId: id, buyerId: owner.id, amount: product.price, currency: product.currency, status: "PAID" } },
      },
      include: { orders: true },
    });
    await db().entitlement.create({ data: { userId: owner.id, productId: id, orderId: session.orders[0].id } });
    const visitor = await visitorFor(owner);

    const plain = await post(visitor, { intent: "add", productId: id, returnTo: "/" });
    expect(plain.status).toBe(303);
    const { data } = await loadLayout(visitor.get("/"));
    expect(data.cart.items).toEqual([]);
    expect(data.owned).toEqual([id]);
    expect(data.notices).toEqual(["You already own SQL Copilot Prompt Pack: its files are in your library, so it was not added."]);

    const enhanced = await post(visitor, { intent: "add", productId: id, enhanced: "1" });
    expect(enhanced.status).toBe(409);
    expect((await enhanced.json()).message).toMatch(/^You already own SQL Copilot Prompt Pack/);
  });

  it("answers an enhanced add with JSON and no redirect", async () => {
    const visitor = await Visitor.start();
    const id = await productId("sql-copilot-prompts");
    const response = await post(visitor, { intent: "add", productId: id, enhanced: "1" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, message: "Added SQL Copilot Prompt Pack to your cart." });
  });

  it("refuses a cart change without a CSRF token and keeps the cart", async () => {
    const visitor = await Visitor.start();
    const id = await productId("sql-copilot-prompts");
    withCart(visitor, [id]);
    const response = await post(visitor, { intent: "remove", productId: id }, { csrf: false });
    expect(response.status).toBe(403);
    expect(response.headers.get("Set-Cookie")).toBeNull();
  });

  it("refuses an unpublished product and drops it from an existing cart with a notice", async () => {
    const visitor = await Visitor.start();
    const draft = await productId("voice-clone-draft");
    const kept = await productId("webtoon-style-prompts");
    const refused = await post(visitor, { intent: "add", productId: draft, enhanced: "1" });
    expect(refused.status).toBe(404);
    expect((await refused.json()).message).toBe("That product is no longer available, so it was not added.");

    withCart(visitor, [draft, randomUUID(), kept]);
    const { data, headers } = await loadLayout(visitor.get("/cart"));
    expect(data.cart.items.map((item) => item.id)).toEqual([kept]);
    expect(data.notices).toEqual(["2 products in your cart are no longer available and were removed."]);
    expect(headers.get("Set-Cookie")).toContain(`ai_marketplace_cart=${encodeURIComponent(encodeCartCookieValue([kept]))}`);
  });

  it("counts a duplicated id once and refuses a 51st product with a message", async () => {
    const visitor = await Visitor.start();
    const id = await productId("sql-copilot-prompts");
    withCart(visitor, [id, id, id]);
    expect((await loadLayout(visitor.get("/"))).data.cart.items).toHaveLength(1);

    withCart(visitor, Array.from({ length: 50 }, () => randomUUID()));
    const response = await post(visitor, { intent: "add", productId: id, enhanced: "1" });
    expect(response.status).toBe(409);
    expect((await response.json()).message).toBe(
      "Your cart holds at most 50 products. Check out or remove some before adding more.",
    );
  });

  it("answers a malformed cart request with 400 and a message", async () => {
    const visitor = await Visitor.start();
    const response = await post(visitor, { intent: "add", productId: "../../etc/passwd", enhanced: "1" });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toBe("That cart request was not understood. Reload the page and try again.");
  });
});
