import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import Stripe from "stripe";
import { type RunningSandbox, startSandbox } from "../../sandbox/server.ts";

// The hosted pages must work as plain HTML forms: every test here runs without JavaScript.
test.use({ javaScriptEnabled: false });

const STRIPE_KEY = "sk_test_e2e_sandbox";
const TOSS_KEY = "test_sk_e2e_sandbox";

let sandbox: RunningSandbox;
let shop: Server;
let shopUrl: string;
let stripe: Stripe;

test.beforeAll(async () => {
  // A tiny stand-in for the shop: it renders whatever URL the provider sends the browser to.
  shop = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://shop.invalid");
    const rows = Array.from(url.searchParams, ([k, v]) => `<li data-param="${k.replace(/\W/g, "")}">${k}=${v.replace(/[<>&"]/g, "")}</li>`);
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><title>shop</title><h1 data-path="${url.pathname}">${url.pathname}</h1><ul>${rows.join("")}</ul>`);
  });
  await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  sandbox = await startSandbox({
    port: 0,
    host: "127.0.0.1",
    stripeSecretKey: STRIPE_KEY,
    stripeWebhookSecret: "whsec_e2e",
    tossSecretKey: TOSS_KEY,
    tossClientKey: "test_ck_e2e_sandbox",
    stripeWebhookUrl: `${shopUrl}/webhooks/stripe`,
    tossWebhookUrl: `${shopUrl}/webhooks/toss`,
    webhookRetryDelaysMs: [],
  });
  stripe = new Stripe(STRIPE_KEY, { host: "127.0.0.1", port: sandbox.port, protocol: "http", maxNetworkRetries: 0 });
});

test.afterAll(async () => {
  await sandbox?.close();
  await new Promise<void>((resolve) => (shop ? shop.close(() => resolve()) : resolve()));
});

async function stripeSession() {
  return stripe.checkout.sessions.create({
    mode: "payment",
    line_items: [
      { quantity: 1, price_data: { currency: "usd", unit_amount: 1900, product_data: { name: "Vision model weights" } } },
      { quantity: 2, price_data: { currency: "usd", unit_amount: 500, product_data: { name: "Prompt pack <Pro>" } } },
    ],
    success_url: `${shopUrl}/checkout/chk_e2e/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${shopUrl}/cart`,
    metadata: { checkoutSessionId: "chk_e2e" },
  });
}

let orderCounter = 0;
async function tossWindow() {
  orderCounter += 1;
  const response = await fetch(`http://127.0.0.1:${sandbox.port}/v1/payments`, {
    method: "POST",
    headers: { Authorization: `Basic ${Buffer.from(`${TOSS_KEY}:`).toString("base64")}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      method: "CARD",
      amount: 15_000,
      orderId: `e2e_order_${Date.now()}_${orderCounter}`,
      orderName: "데이터셋 외 1건",
      successUrl: `${shopUrl}/checkout/chk_toss/success`,
      failUrl: `${shopUrl}/checkout/chk_toss/fail`,
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { paymentKey: string; orderId: string; checkout: { url: string } };
}

test("pays on the Stripe hosted page and lands on success_url with the session id", async ({ page }) => {
  const session = await stripeSession();
  await page.goto(session.url as string);

  await expect(page.getByRole("cell", { name: "Vision model weights" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Prompt pack <Pro>" })).toBeVisible();
  await expect(page.getByTestId("total")).toHaveText("$29.00");
  await page.getByRole("button", { name: /^Pay/ }).click();

  await expect(page).toHaveURL(`${shopUrl}/checkout/chk_e2e/success?session_id=${session.id}`);
  const paid = await stripe.checkout.sessions.retrieve(session.id);
  expect([paid.status, paid.payment_status]).toEqual(["complete", "paid"]);
});

test("a declined card shows an error on the Stripe page and leaves the session open", async ({ page }) => {
  const session = await stripeSession();
  await page.goto(session.url as string);
  await page.getByRole("button", { name: "Decline card" }).click();

  await expect(page.getByRole("alert")).toContainText("Your card was declined");
  expect(new URL(page.url()).port).toBe(String(sandbox.port));
  expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
});

test("a fault-declined Pay on the Stripe page keeps the shopper there; cancel returns to cancel_url", async ({ page }) => {
  const session = await stripeSession();
  await fetch(`http://127.0.0.1:${sandbox.port}/_sandbox/faults`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ kind: "payment_declined", provider: "stripe", target: session.id, times: 1 }),
  });
  await page.goto(session.url as string);
  await page.getByRole("button", { name: /^Pay/ }).click();
  await expect(page.getByRole("alert")).toContainText("declined");

  await page.getByRole("button", { name: "Cancel and return" }).click();
  await expect(page).toHaveURL(`${shopUrl}/cart`);
});

test("approves in the Toss window and lands on successUrl with paymentKey, orderId and amount", async ({ page }) => {
  const payment = await tossWindow();
  await page.goto(payment.checkout.url);
  await expect(page.getByTestId("total")).toHaveText("₩15,000");
  await page.getByRole("button", { name: "결제 승인" }).click();

  await expect(page.locator("h1")).toHaveText("/checkout/chk_toss/success");
  const query = new URL(page.url()).searchParams;
  expect(query.get("paymentKey")).toBe(payment.paymentKey);
  expect(query.get("orderId")).toBe(payment.orderId);
  expect(query.get("amount")).toBe("15000");
  expect(query.get("paymentType")).toBe("NORMAL");
});

test("cancelling the Toss window lands on failUrl with PAY_PROCESS_CANCELED", async ({ page }) => {
  const payment = await tossWindow();
  await page.goto(payment.checkout.url);
  await page.getByRole("button", { name: "결제 취소" }).click();

  await expect(page.locator("h1")).toHaveText("/checkout/chk_toss/fail");
  const query = new URL(page.url()).searchParams;
  expect(query.get("code")).toBe("PAY_PROCESS_CANCELED");
  expect(query.get("orderId")).toBe(payment.orderId);
});

test("a declined card in the Toss window lands on failUrl with REJECT_CARD_COMPANY", async ({ page }) => {
  const payment = await tossWindow();
  await page.goto(payment.checkout.url);
  await page.getByRole("button", { name: "카드 거절" }).click();

  await expect(page.locator("h1")).toHaveText("/checkout/chk_toss/fail");
  expect(new URL(page.url()).searchParams.get("code")).toBe("REJECT_CARD_COMPANY");
});
