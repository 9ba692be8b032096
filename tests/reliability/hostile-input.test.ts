import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action as apiCheckout } from "~/routes/api.cart.checkout";
import { action as cartAction } from "~/routes/cart";
import { loader as successLoader } from "~/routes/checkout.$sessionId.success";
import { loader as receiptLoader } from "~/routes/checkout.$sessionId.receipt";
import { loader as downloadLoader } from "~/routes/downloads.$orderId.$fileId";
import { action as loginAction } from "~/routes/login";
import { action as signupAction } from "~/routes/signup";
import { action as stripeWebhook } from "~/routes/webhooks.stripe";
import { action as tossWebhook } from "~/routes/webhooks.toss";
import { usePaymentWorld, type PaymentWorld } from "../support/payment-world";
import { respond, Visitor } from "../support/requests";
import { createProducts, createUser, itemsOf, visitorFor } from "../support/shop";
import { addFigures } from "./figures";

// Every hostile request gets a 4xx (or the documented harmless answer) with a
// message a person can act on, and writes nothing.

let world: PaymentWorld;
let visitor: Visitor;
let buyer: { id: string };
let products: Array<{ id: string; price: number; currency: string; sellerId: string }>;
let krw: { id: string; price: number; currency: string };
let unpublished: { id: string; price: number; currency: string };
let victim: { sessionId: string; orderId: string; fileId: string };
const stripe = new Stripe("sk_test_sandbox");

usePaymentWorld((started) => (world = started));

beforeAll(async () => {
  buyer = await createUser("hostile");
  visitor = await visitorFor(buyer);
  products = await createProducts(2, { price: 1500 });
  [krw] = await createProducts(1, { currency: "KRW", price: 9000 });
  [unpublished] = await createProducts(1);
  await db().product.update({ where: { id: unpublished.id }, data: { published: false } });

  // Someone else's paid purchase, to probe from the hostile visitor's session.
  const owner = await createUser("victim");
  const ownerVisitor = await visitorFor(owner);
  const [bought] = await createProducts(1);
  const file = await db().productFile.create({
    data: { productId: bought.id, filename: "secret.txt", contentType: "text/plain", sizeBytes: 1, sha256: "x", storageKey: `hostile/${bought.id}` },
  });
  await respond(() => cartAction({ request: ownerVisitor.post("/cart", { intent: "checkout", items: itemsOf([bought]) }), params: {}, context: {} }));
  const session = await db().checkoutSession.findFirstOrThrow({ where: { buyerId: owner.id }, include: { orders: true, payment: true } });
  await world.control("POST", `/_sandbox/stripe/sessions/${session.payment!.providerReference}/pay`);
  await world.webhooksSettled();
  victim = { sessionId: session.id, orderId: session.orders[0].id, fileId: file.id };
});


async function rowCount(): Promise<number> {
  const [row] = await db().$queryRaw<Array<{ n: bigint }>>`
    SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM products) + (SELECT count(*) FROM checkout_sessions)
         + (SELECT count(*) FROM orders) + (SELECT count(*) FROM payments) + (SELECT count(*) FROM entitlements)
         + (SELECT count(*) FROM webhook_events) AS n`;
  return Number(row.n);
}

const checkoutWith = (items: string, fields: Record<string, string> = {}, options?: { csrf?: boolean }) => () =>
  cartAction({ request: visitor.post("/cart", { intent: "checkout", items, ...fields }, options), params: {}, context: {} });

const item = (overrides: Record<string, unknown>) => JSON.stringify([{ id: products[0].id, price: products[0].price, currency: "USD", ...overrides }]);

function rawPost(path: string, body: string, headers: Record<string, string>) {
  return new Request(`http://localhost${path}`, { method: "POST", body, headers: { Cookie: visitor.cookieHeader(), ...headers } });
}

const api = (body: string, headers: Record<string, string> = { "Content-Type": "application/json" }) => () =>
  apiCheckout({ request: rawPost("/api/cart/checkout", body, headers), params: {}, context: {} });

function signed(payload: string, secret = "whsec_sandbox", timestamp?: number) {
  return stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
}

const stripeHook = (body: string, signature?: string) => () =>
  stripeWebhook({
    request: new Request("http://localhost/webhooks/stripe", {
      method: "POST",
      body,
      headers: signature ? { "Stripe-Signature": signature } : {},
    }),
    params: {},
    context: {},
  });

const tossHook = (body: string) => () =>
  tossWebhook({ request: new Request("http://localhost/webhooks/toss", { method: "POST", body }), params: {}, context: {} });

const completed = () =>
  JSON.stringify({ id: `evt_hostile_${Date.now()}`, object: "event", type: "checkout.session.completed", data: { object: { id: "cs_test_nope", metadata: {} } } });

interface Case {
  name: string;
  run: () => Promise<unknown>;
  status: number;
  message: RegExp;
}

const buildCases = (): Case[] => [
  { name: "items missing", run: () => cartAction({ request: visitor.post("/cart", { intent: "checkout" }), params: {}, context: {} }), status: 400, message: /No items were sent/ },
  { name: "items not JSON", run: checkoutWith("{not json"), status: 400, message: /could not be read/ },
  { name: "items an object", run: checkoutWith(JSON.stringify({ id: "x" })), status: 400, message: /must be a list/ },
  { name: "items empty", run: checkoutWith("[]"), status: 400, message: /cart is empty/ },
  { name: "1,000 items (over the body limit)", run: checkoutWith(JSON.stringify(Array.from({ length: 1000 }, () => JSON.parse(item({}))[0]))), status: 413, message: /too large/ },
  { name: "51 items", run: checkoutWith(JSON.stringify(Array.from({ length: 51 }, () => JSON.parse(item({}))[0]))), status: 400, message: /at most 50 products/ },
  { name: "body over 64 KB", run: checkoutWith("x".repeat(70 * 1024)), status: 413, message: /too large/ },
  { name: "non-integer price", run: checkoutWith(item({ price: 15.5 })), status: 400, message: /whole numbers/ },
  { name: "negative price", run: checkoutWith(item({ price: -1500 })), status: 400, message: /cannot be negative/ },
  { name: "price as a string", run: checkoutWith(item({ price: "1500" })), status: 400, message: /must be a number/ },
  { name: "price beyond safe integers", run: checkoutWith(item({ price: 1e20 })), status: 400, message: /Item 1/ },
  { name: "unknown currency", run: checkoutWith(item({ currency: "EUR" })), status: 400, message: /USD or KRW/ },
  { name: "lowercase currency", run: checkoutWith(item({ currency: "usd" })), status: 400, message: /USD or KRW/ },
  { name: "id that is not a uuid", run: checkoutWith(item({ id: "42" })), status: 400, message: /product id/ },
  { name: "SQL fragment as id", run: checkoutWith(item({ id: "' OR 1=1; DROP TABLE orders; --" })), status: 400, message: /product id/ },
  { name: "script tag as id", run: checkoutWith(item({ id: "<script>alert(1)</script>" })), status: 400, message: /product id/ },
  { name: "duplicate ids", run: () => checkoutWith(itemsOf([products[0], products[0]]))(), status: 400, message: /once/ },
  { name: "a lower price than the shop's", run: () => checkoutWith(itemsOf([{ ...products[0], price: 1 }]))(), status: 409, message: /changed/ },
  { name: "an unknown product", run: checkoutWith(item({ id: "00000000-0000-4000-8000-000000000000" })), status: 409, message: /changed since you saw it/ },
  { name: "an unpublished product", run: () => checkoutWith(itemsOf([unpublished]))(), status: 409, message: /changed since you saw it/ },
  { name: "mixed currencies", run: () => checkoutWith(itemsOf([products[0], krw]))(), status: 409, message: /changed since you saw it/ },
  { name: "missing CSRF token", run: checkoutWith(item({}), {}, { csrf: false }), status: 403, message: /did not come from this site/ },
  { name: "wrong CSRF token", run: checkoutWith(item({}), { csrf: "forged-token" }, { csrf: false }), status: 403, message: /did not come from this site/ },
  { name: "unknown intent", run: () => cartAction({ request: visitor.post("/cart", { intent: "pay-less" }), params: {}, context: {} }), status: 400, message: /not understood/ },
  { name: "add with a path as product id", run: () => cartAction({ request: visitor.post("/cart", { intent: "add", productId: "../../etc/passwd", enhanced: "1" }), params: {}, context: {} }), status: 400, message: /not understood/ },
  {
    name: "multipart form",
    run: () => cartAction({ request: rawPost("/cart", "--x\r\n", { "Content-Type": "multipart/form-data; boundary=x" }), params: {}, context: {} }),
    status: 415,
    message: /urlencoded/,
  },
  { name: "API: form instead of JSON", run: api("items=[]", { "Content-Type": "application/x-www-form-urlencoded" }), status: 415, message: /JSON/ },
  { name: "API: broken JSON", run: api("{"), status: 400, message: /not valid JSON/ },
  { name: "API: items missing", run: api("{}"), status: 400, message: /No items were sent/ },
  { name: "API: body over 64 KB", run: api(JSON.stringify({ items: "x".repeat(70 * 1024) })), status: 413, message: /too large/ },
  {
    name: "API: no session",
    run: () => apiCheckout({ request: new Request("http://localhost/api/cart/checkout", { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } }), params: {}, context: {} }),
    status: 401,
    message: /Log in/,
  },
  { name: "Stripe webhook without a signature", run: () => stripeHook(completed())(), status: 400, message: /Missing Stripe-Signature/ },
  { name: "Stripe webhook signed with a wrong secret", run: () => { const body = completed(); return stripeHook(body, signed(body, "whsec_wrong"))(); }, status: 400, message: /signature/ },
  { name: "Stripe webhook outside the time tolerance", run: () => { const body = completed(); return stripeHook(body, signed(body, "whsec_sandbox", Math.floor(Date.now() / 1000) - 3600))(); }, status: 400, message: /signature|tolerance/i },
  { name: "Stripe webhook with a tampered body", run: () => { const body = completed(); return stripeHook(body.replace("cs_test_nope", "cs_test_evil"), signed(body))(); }, status: 400, message: /signature/ },
  { name: "Stripe webhook with a garbage signature header", run: () => stripeHook(completed(), "t=1,v1=deadbeef")(), status: 400, message: /signature/ },
  { name: "Toss webhook that is not JSON", run: tossHook("<xml/>"), status: 400, message: /not JSON/ },
  { name: "Toss webhook without a paymentKey", run: tossHook(JSON.stringify({ eventType: "PAYMENT_STATUS_CHANGED", data: {} })), status: 400, message: /not a TossPayments payment event/ },
  { name: "another buyer's success page", run: () => successLoader({ request: visitor.get(`/checkout/${victim.sessionId}/success`), params: { sessionId: victim.sessionId }, context: {} }), status: 404, message: /Not found/ },
  { name: "another buyer's receipt", run: () => receiptLoader({ request: visitor.get(`/checkout/${victim.sessionId}/receipt`), params: { sessionId: victim.sessionId }, context: {} }), status: 404, message: /Not found/ },
  { name: "another buyer's download", run: () => downloadLoader({ request: visitor.get("/downloads/x/y"), params: { orderId: victim.orderId, fileId: victim.fileId }, context: {} }), status: 404, message: /Not found/ },
  { name: "path tricks in download ids", run: () => downloadLoader({ request: visitor.get("/downloads/x/y"), params: { orderId: "..", fileId: "../../../etc/passwd" }, context: {} }), status: 404, message: /Not found/ },
  { name: "a success page id that does not parse", run: () => successLoader({ request: visitor.get("/checkout/1%20OR%201/success"), params: { sessionId: "1 OR 1" }, context: {} }), status: 404, message: /Not found/ },
  { name: "signup with a malformed email", run: () => signupAction({ request: visitor.post("/signup", { email: "<script>@", password: "long enough pw", displayName: "x" }), params: {}, context: {} }), status: 400, message: /valid email/ },
  { name: "signup with a 7-character password", run: () => signupAction({ request: visitor.post("/signup", { email: "short@example.test", password: "1234567", displayName: "x" }), params: {}, context: {} }), status: 400, message: /at least 8/ },
  { name: "login without a password", run: () => loginAction({ request: visitor.post("/login", { email: "a@example.test" }), params: {}, context: {} }), status: 400, message: /Enter your password/ },
];

describe("hostile input", () => {
  it("answers each of at least 40 hostile requests with a 4xx and a message, writing no rows", async () => {
    const cases = buildCases();
    expect(cases.length).toBeGreaterThanOrEqual(40);
    let rowsWritten = 0;
    const failures: string[] = [];
    for (const hostile of cases) {
      const before = await rowCount();
      const response = await respond(hostile.run);
      const text = await response.text();
      const after = await rowCount();
      rowsWritten += after - before;
      if (response.status !== hostile.status) failures.push(`${hostile.name}: status ${response.status}, expected ${hostile.status} (${text.slice(0, 120)})`);
      else if (!hostile.message.test(text)) failures.push(`${hostile.name}: message ${JSON.stringify(text.slice(0, 160))} does not match ${hostile.message}`);
      if (after !== before) failures.push(`${hostile.name}: wrote ${after - before} rows`);
    }
    addFigures({ hostile_inputs_tried: cases.length, hostile_rows_written: rowsWritten });
    expect(failures).toEqual([]);
    expect(rowsWritten).toBe(0);
  });

  it("redirects a login with redirectTo=https://evil.example to the shop's home", async () => {
    const email = `redirect-${Date.now()}@example.test`;
    await respond(() => signupAction({ request: visitor.post("/signup", { email, password: "long enough pw", displayName: "R" }), params: {}, context: {} }));
    const withToken = await Visitor.start();
    const ok = await respond(() =>
      loginAction({ request: withToken.post("/login", { email, password: "long enough pw", redirectTo: "https://evil.example" }), params: {}, context: {} }),
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.get("Location")).toBe("/");
  });

  it("never grants anything for a Toss success return with a tampered amount", async () => {
    const own = await createUser("toss-tamper");
    const tamperer = await visitorFor(own);
    const [product] = await createProducts(1, { currency: "KRW", price: 30000 });
    await respond(() => cartAction({ request: tamperer.post("/cart", { intent: "checkout", items: itemsOf([product]) }), params: {}, context: {} }));
    const session = await db().checkoutSession.findFirstOrThrow({ where: { buyerId: own.id }, include: { payment: true } });
    const { body } = await world.control<{ redirectUrl: string }>("POST", `/_sandbox/toss/payments/${session.payment!.providerReference}/approve`);
    const url = new URL(body.redirectUrl);
    url.searchParams.set("amount", "100");
    await respond(() => successLoader({ request: tamperer.get(`${url.pathname}${url.search}`), params: { sessionId: session.id }, context: {} }));
    const after = await db().checkoutSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(after.status).toBe("FAILED");
    expect(await db().entitlement.count({ where: { userId: own.id } })).toBe(0);
  });
});
