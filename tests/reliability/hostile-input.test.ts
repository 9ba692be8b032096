import { createCookie } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { action as apiCheckout, loader as apiCheckoutLoader } from "~/routes/api.cart.checkout";
import { action as cartAction } from "~/routes/cart";
import { loader as successLoader } from "~/routes/checkout.$sessionId.success";
import { loader as receiptLoader } from "~/routes/checkout.$sessionId.receipt";
import { loader as downloadLoader } from "~/routes/downloads.$orderId.$fileId";
import { action as cancelAction } from "~/routes/checkout.$sessionId.cancel";
import { loader as failLoader } from "~/routes/checkout.$sessionId.fail";
import { action as loginAction, loader as loginLoader } from "~/routes/login";
import { action as logoutAction } from "~/routes/logout";
import { action as signupAction } from "~/routes/signup";
import { action as stripeWebhook, loader as stripeWebhookLoader } from "~/routes/webhooks.stripe";
import { action as tossWebhook } from "~/routes/webhooks.toss";
import { usePaymentWorld, type PaymentWorld } from "../support/payment-world";
import { respond, Visitor } from "../support/requests";
import { createProducts, createUser, itemsOf, visitorFor } from "../support/shop";
import { signStripeEvent } from "../support/stripe-events";
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
let ownStripeCheckout: string;
let loggedOut: Visitor;
let seller: { id: string };

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

  // The hostile visitor's own open Stripe checkout, for the fail route.
  await respond(() => cartAction({ request: visitor.post("/cart", { intent: "checkout", items: itemsOf([products[1]]) }), params: {}, context: {} }));
  ownStripeCheckout = (await db().checkoutSession.findFirstOrThrow({ where: { buyerId: buyer.id, status: "PENDING" } })).id;

  // A session that was logged out: its cookie is kept, its row is gone.
  const leaver = await createUser("logged-out");
  loggedOut = await visitorFor(leaver);
  await db().session.deleteMany({ where: { userId: leaver.id } });
  seller = await createUser("seller", { isSeller: true });
});


async function rowCount(): Promise<number> {
  const [row] = await db().$queryRaw<Array<{ n: bigint }>>`
    SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM products) + (SELECT count(*) FROM checkout_sessions)
         + (SELECT count(*) FROM orders) + (SELECT count(*) FROM payments) + (SELECT count(*) FROM entitlements)
         + (SELECT count(*) FROM webhook_events) + (SELECT count(*) FROM sessions) AS n`;
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

/** A body sent in chunks with no Content-Length, as a streaming client sends it. */
function chunked(path: string, bytes: number, headers: Record<string, string>): Request {
  const chunk = new TextEncoder().encode("a".repeat(16 * 1024));
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) controller.close();
      else {
        controller.enqueue(chunk);
        sent += chunk.byteLength;
      }
    },
  });
  return new Request(`http://localhost${path}`, { method: "POST", body, headers: { Cookie: visitor.cookieHeader(), ...headers }, duplex: "half" } as RequestInit);
}

/** A form post as another site's page sends it: the shopper's cookies and token, a foreign Origin. */
function crossSite(path: string, fields: Record<string, string>, origin = "https://evil.example"): Request {
  const request = visitor.post(path, fields);
  const headers = new Headers(request.headers);
  headers.set("Origin", origin);
  return new Request(request, { headers });
}

const loggedInAt = (path: string) => () => loginLoader({ request: visitor.get(path), params: {}, context: {} });

const stripeHookAt = (offsetSeconds: number) => () => {
  const body = completed();
  return stripeHook(body, signStripeEvent(body, { timestamp: Math.floor(Date.now() / 1000) + offsetSeconds }))();
};

const stripeGet = () => stripeWebhookLoader({ request: new Request("http://localhost/webhooks/stripe"), params: {}, context: {} });
const apiGet = () => apiCheckoutLoader({ request: new Request("http://localhost/api/cart/checkout"), params: {}, context: {} });

const quantity = (value: unknown) => checkoutWith(item({ quantity: value }));

const completed = () =>
  JSON.stringify({ id: `evt_hostile_${Date.now()}`, object: "event", type: "checkout.session.completed", data: { object: { id: "cs_test_nope", metadata: {} } } });

interface Case {
  name: string;
  run: () => Promise<unknown>;
  status: number;
  /** What the answer says; a redirect names where it sends the visitor instead. */
  message?: RegExp;
  location?: string;
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
  { name: "an unknown product", run: checkoutWith(item({ id: "00000000-0000-4000-8000-000000000000" })), status: 409, message: /products you cannot buy/ },
  { name: "an unpublished product", run: () => checkoutWith(itemsOf([unpublished]))(), status: 409, message: /products you cannot buy/ },
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
  { name: "Stripe webhook signed with a wrong secret", run: () => { const body = completed(); return stripeHook(body, signStripeEvent(body, { secret: "whsec_wrong" }))(); }, status: 400, message: /signature/ },
  { name: "Stripe webhook outside the time tolerance", run: () => { const body = completed(); return stripeHook(body, signStripeEvent(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 }))(); }, status: 400, message: /signature|tolerance/i },
  { name: "Stripe webhook with a tampered body", run: () => { const body = completed(); return stripeHook(body.replace("cs_test_nope", "cs_test_evil"), signStripeEvent(body))(); }, status: 400, message: /signature/ },
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

  // A session that ended, and one forged with a secret that was once in the repository.
  { name: "API with the cookie of a logged-out session", run: () => apiCheckout({ request: new Request("http://localhost/api/cart/checkout", { method: "POST", body: JSON.stringify({ items: JSON.parse(item({})) }), headers: { "Content-Type": "application/json", Cookie: loggedOut.cookieHeader() } }), params: {}, context: {} }), status: 401, message: /Log in/ },
  {
    name: "API with a seller session forged with a once-committed secret",
    run: async () => {
      const forged = await createCookie("__session", { secrets: ["development-only-session-secret-not-for-production"] }).serialize({ userId: seller.id });
      return apiCheckout({ request: new Request("http://localhost/api/cart/checkout", { method: "POST", body: JSON.stringify({ items: JSON.parse(item({})) }), headers: { "Content-Type": "application/json", Cookie: forged.split(";")[0] } }), params: {}, context: {} });
    },
    status: 401,
    message: /Log in/,
  },
  { name: "API with a session id that was never issued", run: async () => { const cookie = await createCookie("__session", { secrets: ["x".repeat(40)] }).serialize("made-up-session-id"); return apiCheckout({ request: new Request("http://localhost/api/cart/checkout", { method: "POST", body: "{}", headers: { "Content-Type": "application/json", Cookie: cookie.split(";")[0] } }), params: {}, context: {} }); }, status: 401, message: /Log in/ },

  // Redirect targets, tried by a logged-in visitor on /login: all go home.
  ...[
    ["tab after the slash", "/%09/evil.example"],
    ["CR LF after the slash", "/%0d%0a/evil.example"],
    ["line feed after the slash", "/%0a/evil.example"],
    ["backslash", "/%5Cevil.example"],
    ["slash backslash", "/%2F%5Cevil.example"],
    ["protocol-relative", "//evil.example"],
    ["absolute URL", "https://evil.example/cart"],
    ["javascript: URL", "javascript:alert(1)"],
    ["NUL byte", "/%00/evil.example"],
  ].map(([label, target]): Case => ({ name: `redirectTo with a ${label}`, run: loggedInAt(`/login?redirectTo=${target}`), status: 302, location: "/" })),

  // Bodies over the limit, declared or streamed.
  { name: "Stripe webhook body over 64 KB", run: () => stripeHook("x".repeat(100 * 1024), "t=1,v1=x")(), status: 413, message: /too large/ },
  { name: "Toss webhook body over 64 KB", run: tossHook("x".repeat(100 * 1024)), status: 413, message: /too large/ },
  { name: "Stripe webhook streamed past 64 KB", run: () => stripeWebhook({ request: chunked("/webhooks/stripe", 200 * 1024, { "Stripe-Signature": "t=1,v1=x" }), params: {}, context: {} }), status: 413, message: /too large/ },
  { name: "Toss webhook streamed past 64 KB", run: () => tossWebhook({ request: chunked("/webhooks/toss", 200 * 1024, { "Content-Type": "application/json" }), params: {}, context: {} }), status: 413, message: /too large/ },
  { name: "cart form streamed past 64 KB", run: () => cartAction({ request: chunked("/cart", 200 * 1024, { "Content-Type": "application/x-www-form-urlencoded" }), params: {}, context: {} }), status: 413, message: /too large/ },
  { name: "API body streamed past 64 KB", run: () => apiCheckout({ request: chunked("/api/cart/checkout", 200 * 1024, { "Content-Type": "application/json" }), params: {}, context: {} }), status: 413, message: /too large/ },

  // Posts from another site's page, with the shopper's cookies and even a valid token.
  { name: "cross-site checkout post", run: () => cartAction({ request: crossSite("/cart", { intent: "checkout", items: item({}) }), params: {}, context: {} }), status: 403, message: /another site/ },
  { name: "cross-site add to cart", run: () => cartAction({ request: crossSite("/cart", { intent: "add", productId: products[0].id }), params: {}, context: {} }), status: 403, message: /another site/ },
  { name: "cross-site login", run: () => loginAction({ request: crossSite("/login", { email: "a@example.test", password: "whatever1" }), params: {}, context: {} }), status: 403, message: /another site/ },
  { name: "cross-site sign-up", run: () => signupAction({ request: crossSite("/signup", { email: "cross@example.test", password: "long enough pw", displayName: "X" }), params: {}, context: {} }), status: 403, message: /another site/ },
  { name: "cross-site logout", run: () => logoutAction({ request: crossSite("/logout", {}), params: {}, context: {} }), status: 403, message: /another site/ },
  { name: "cross-site log out everywhere", run: () => logoutAction({ request: crossSite("/logout", { scope: "everywhere" }), params: {}, context: {} }), status: 403, message: /another site/ },
  { name: "cross-site checkout cancel", run: () => cancelAction({ request: crossSite(`/checkout/${ownStripeCheckout}/cancel`, {}), params: { sessionId: ownStripeCheckout }, context: {} }), status: 403, message: /another site/ },
  { name: "post from an opaque origin (null)", run: () => cartAction({ request: crossSite("/cart", { intent: "checkout", items: item({}) }, "null"), params: {}, context: {} }), status: 403, message: /another site/ },
  { name: "post from a look-alike origin", run: () => cartAction({ request: crossSite("/cart", { intent: "checkout", items: item({}) }, "http://localhost.evil.example:3000"), params: {}, context: {} }), status: 403, message: /another site/ },
  { name: "API from another site's page", run: api(JSON.stringify({ items: JSON.parse(item({})) }), { "Content-Type": "application/json", Origin: "https://evil.example" }), status: 403, message: /another site/ },

  // Form tokens that are not this session's.
  { name: "the token of before login, after it", run: checkoutWith(item({}), { csrf: "anonymous-token-from-the-login-page" }, { csrf: false }), status: 403, message: /did not come from this site/ },
  { name: "another session's token", run: () => cartAction({ request: (() => { const r = loggedOut.post("/cart", { intent: "checkout", items: item({}) }); const h = new Headers(r.headers); h.set("Cookie", visitor.cookieHeader()); return new Request(r, { headers: h }); })(), params: {}, context: {} }), status: 403, message: /did not come from this site/ },

  // The fail route changes nothing for a Stripe checkout, nor for someone else's.
  { name: "a fail return for a Stripe checkout", run: () => failLoader({ request: visitor.get(`/checkout/${ownStripeCheckout}/fail?code=PAY_PROCESS_CANCELED&message=${"<b>hacked</b>".repeat(25)}`), params: { sessionId: ownStripeCheckout }, context: {} }), status: 303, location: `/checkout/${ownStripeCheckout}/success` },
  { name: "another buyer's fail route", run: () => failLoader({ request: visitor.get(`/checkout/${victim.sessionId}/fail?code=PAY_PROCESS_CANCELED`), params: { sessionId: victim.sessionId }, context: {} }), status: 404, message: /Not found/ },
  { name: "another buyer's cancel", run: () => cancelAction({ request: visitor.post(`/checkout/${victim.sessionId}/cancel`, {}), params: { sessionId: victim.sessionId }, context: {} }), status: 404, message: /Not found/ },

  // Passwords past what bcrypt reads.
  { name: "signup with a 73-byte password", run: () => signupAction({ request: visitor.post("/signup", { email: "long73@example.test", password: "p".repeat(73), displayName: "x" }), params: {}, context: {} }), status: 400, message: /at most 72 bytes/ },
  { name: "signup with 25 Korean syllables (75 bytes)", run: () => signupAction({ request: visitor.post("/signup", { email: "korean@example.test", password: "가".repeat(25), displayName: "x" }), params: {}, context: {} }), status: 400, message: /at most 72 bytes/ },
  { name: "login with a 200-character password", run: () => loginAction({ request: visitor.post("/login", { email: "a@example.test", password: "p".repeat(200) }), params: {}, context: {} }), status: 400, message: /at most 72 bytes/ },
  { name: "signup with a 300-character email", run: () => signupAction({ request: visitor.post("/signup", { email: `${"a".repeat(290)}@example.test`, password: "long enough pw", displayName: "x" }), params: {}, context: {} }), status: 400, message: /too long/ },

  // Quantities: a digital product is bought once.
  { name: "quantity 0", run: quantity(0), status: 400, message: /quantity must be 1/ },
  { name: "quantity 2", run: quantity(2), status: 400, message: /quantity must be 1/ },
  { name: "quantity -1", run: quantity(-1), status: 400, message: /quantity must be 1/ },
  { name: "quantity 1.5", run: quantity(1.5), status: 400, message: /quantity must be 1/ },
  { name: "quantity as a string", run: quantity("1"), status: 400, message: /quantity must be 1/ },
  { name: "API with quantity 100", run: api(JSON.stringify({ items: JSON.parse(item({ quantity: 100 })) })), status: 400, message: /quantity must be 1/ },

  // Stripe signatures dated ahead of now.
  { name: "Stripe webhook signed an hour ahead", run: stripeHookAt(3600), status: 400, message: /in the future/ },
  { name: "Stripe webhook signed 10 minutes ahead", run: stripeHookAt(600), status: 400, message: /in the future/ },

  // Methods a route does not take.
  { name: "GET on the Stripe webhook", run: () => stripeGet(), status: 405, message: /POST requests only/ },
  { name: "GET on the checkout API", run: () => apiGet(), status: 405, message: /Use POST/ },
];

describe("hostile input", () => {
  it("answers each of at least 70 hostile requests with a 4xx and a message (or a redirect home), writing no rows", async () => {
    const cases = buildCases();
    expect(cases.length).toBeGreaterThanOrEqual(70);
    let rowsWritten = 0;
    const failures: string[] = [];
    for (const hostile of cases) {
      const before = await rowCount();
      const response = await respond(hostile.run);
      const text = await response.text();
      const after = await rowCount();
      rowsWritten += after - before;
      const location = response.headers.get("Location");
      if (response.status !== hostile.status) failures.push(`${hostile.name}: status ${response.status}, expected ${hostile.status} (${text.slice(0, 120)})`);
      else if (hostile.message && !hostile.message.test(text)) failures.push(`${hostile.name}: message ${JSON.stringify(text.slice(0, 160))} does not match ${hostile.message}`);
      else if (hostile.location !== undefined && location !== hostile.location) failures.push(`${hostile.name}: sent to ${location}`);
      if (after !== before) failures.push(`${hostile.name}: wrote ${after - before} rows`);
    }
    addFigures({ hostile_inputs_tried: cases.length, hostile_rows_written: rowsWritten });
    expect(failures).toEqual([]);
    expect(rowsWritten).toBe(0);
    // Nothing was changed either: the Stripe checkout a fail return named is still open.
    expect((await db().checkoutSession.findUniqueOrThrow({ where: { id: ownStripeCheckout } })).status).toBe("PENDING");
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
