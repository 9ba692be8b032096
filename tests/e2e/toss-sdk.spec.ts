import { expect, test, type Page, type Request, type Response } from "@playwright/test";
import { addFromCatalog, signUp } from "./support";

// 결제하기 for a KRW cart: with JavaScript on the page opens TossPayments' window
// through @tosspayments/payment-sdk (the sandbox serves the SDK script), and the
// server calls no window endpoint; with it off, or when the SDK cannot load,
// the server-created window of the same checkout (POST /v1/payments, which
// Toss does not document) while it is available. Every way ends in the same
// settlement.

const KRW_CART = ["한국어 마케팅 카피 프롬프트 팩", "Korean Speech Commands Dataset", "유튜브 쇼츠 대본 프롬프트 모음"];
const SANDBOX = `http://127.0.0.1:${Number(process.env.E2E_SANDBOX_PORT ?? 4110)}`;
// The server and the sandbox both default to the sandbox's secret key (app/env.server.ts, sandbox/env.ts).
const TOSS_SECRET_KEY = process.env.TOSS_SECRET_KEY || "test_sk_sandbox";

interface SdkRecord {
  scriptLoads: Array<{ status: number }>;
  data: Array<{ ok: boolean; method: string; clientKey: string; params: { orderId: string; amount: number }; paymentKey?: string; checkoutUrl?: string }>;
}

interface CheckoutAnswer {
  ok: true;
  sessionId: string;
  redirectUrl: string | null;
  toss: {
    sdkUrl: string;
    clientKey: string;
    method: string;
    payment: { amount: number; orderId: string; orderName: string; successUrl: string; failUrl: string; customerEmail?: string };
  } | null;
}

async function sandbox<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${SANDBOX}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.ok, `${method} ${path}`).toBe(true);
  return (await response.json()) as T;
}

const sdkRecord = () => sandbox<SdkRecord>("GET", "/_sandbox/sdk-calls");

/** How many times the sandbox was asked for a server-created window (POST /v1/payments). */
const serverWindowPosts = async () => (await sandbox<{ data: unknown[] }>("GET", "/_sandbox/requests?method=POST&path=/v1/payments")).data.length;

/** The sandbox's POST /v1/payments answering 404, as an endpoint Toss does not have would, during `work`. */
async function withServerWindowOff(work: () => Promise<void>) {
  await sandbox("POST", "/_sandbox/config", { tossServerWindow: false });
  try {
    await work();
  } finally {
    await sandbox("POST", "/_sandbox/config", { tossServerWindow: true });
  }
}

async function fillKrwCart(page: Page, javaScriptEnabled: boolean) {
  await signUp(page);
  await page.goto("/");
  for (const title of KRW_CART) await addFromCatalog(page, title, javaScriptEnabled);
  await page.goto("/cart");
  await expect(page.getByTestId("cart-group-KRW").getByTestId("cart-line")).toHaveCount(3);
}

/** Every POST of the cart form that asked for a checkout. */
function recordCheckoutPosts(page: Page): Request[] {
  const posts: Request[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/cart" && request.postData()?.includes("intent=checkout")) {
      posts.push(request);
    }
  });
  return posts;
}

const isCheckoutPost = (response: Response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/cart";

/**
 * Presses 결제하기 once the page is hydrated and returns the action's JSON answer.
 * The answer is read on its way to the page: the SDK may navigate away before
 * the browser would still hand out a response body.
 */
async function payWithJavaScript(page: Page): Promise<CheckoutAnswer> {
  const group = page.getByTestId("cart-group-KRW");
  await expect(group.locator('.checkout-form input[name="enhanced"]')).toHaveCount(1);
  let answer!: (seen: { status: number; text: string }) => void;
  const answered = new Promise<{ status: number; text: string }>((resolve) => (answer = resolve));
  const isCart = (url: URL) => url.pathname === "/cart";
  let seen = false;
  await page.route(isCart, async (route) => {
    // Only the first post: a fallback post after it goes to the server untouched.
    if (route.request().method() !== "POST" || seen) return route.fallback();
    seen = true;
    const response = await route.fetch({ maxRedirects: 0 });
    const text = await response.text();
    answer({ status: response.status(), text });
    await route.fulfill({ response, body: text });
  });
  try {
    await group.getByRole("button", { name: "결제하기" }).click();
    const { status, text } = await answered;
    expect(status).toBe(200);
    expect(text).not.toContain(TOSS_SECRET_KEY);
    return JSON.parse(text) as CheckoutAnswer;
  } finally {
    await page.unroute(isCart);
  }
}

/**
 * Approves in the sandbox's window and checks the success page of `sessionId`
 * (or of whichever session the window returns to): every order PAID. Returns the return URL.
 */
async function approveAndExpectPaid(page: Page, sessionId?: string): Promise<URL> {
  await expect(page.getByRole("cell", { name: "₩69,900" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Korean Speech Commands Dataset 외 2건" })).toBeVisible();
  const returned = page.waitForRequest((request) => /\/checkout\/[0-9a-f-]+\/success\?/.test(request.url()));
  await page.getByRole("button", { name: "결제 승인" }).click();
  const returnUrl = new URL((await returned).url());
  const returnedTo = returnUrl.pathname.split("/")[2];
  if (sessionId) expect(returnedTo).toBe(sessionId);

  await expect(page.getByTestId("checkout-result")).toHaveAttribute("data-status", "PAID");
  expect(new URL(page.url()).pathname).toBe(`/checkout/${returnedTo}/success`);
  await expect(page.getByTestId("order-line")).toHaveCount(3);
  await expect(page.getByTestId("order-status")).toHaveText(["Paid", "Paid", "Paid"]);
  return returnUrl;
}

test.beforeEach(async () => {
  await sandbox("DELETE", "/_sandbox/sdk-calls");
});

test.describe("with JavaScript on", () => {
  test.use({ javaScriptEnabled: true });

  test("a 3-product KRW cart opens Toss's window through the SDK's requestPayment, never through POST /v1/payments, and every order ends PAID", async ({ page }) => {
    await fillKrwCart(page, true);
    expect(await page.content()).not.toContain(TOSS_SECRET_KEY);
    const posts = recordCheckoutPosts(page);
    const windowPostsBefore = await serverWindowPosts();

    await withServerWindowOff(async () => {
      const answer = await payWithJavaScript(page);
      expect(answer.toss).not.toBeNull();
      expect(answer.redirectUrl).toBeNull();
      const toss = answer.toss!;
      expect(toss.method).toBe("카드");
      expect(toss.sdkUrl).toBe(`${SANDBOX}/v1/sdk/payment`);
      expect(toss.payment).toMatchObject({
        amount: 69_900,
        orderId: `order_${answer.sessionId.replace(/-/g, "")}`,
        orderName: "Korean Speech Commands Dataset 외 2건",
        successUrl: expect.stringMatching(new RegExp(`/checkout/${answer.sessionId}/success$`)),
        failUrl: expect.stringMatching(new RegExp(`/checkout/${answer.sessionId}/fail$`)),
      });

      await expect(page).toHaveURL(/\/v1\/payments\/[^/]+\/checkout$/);
      const returnUrl = await approveAndExpectPaid(page, answer.sessionId);

      const record = await sdkRecord();
      expect(record.scriptLoads.map((load) => load.status)).toEqual([200]);
      expect(record.data).toHaveLength(1);
      const [call] = record.data;
      expect(call).toMatchObject({ ok: true, method: "카드", clientKey: toss.clientKey, params: toss.payment });
      expect(call.paymentKey).toBe(returnUrl.searchParams.get("paymentKey"));
    });
    expect(posts).toHaveLength(1);
    expect(await serverWindowPosts()).toBe(windowPostsBefore);
  });

  for (const failure of ["unreachable", "answering 500"] as const) {
    test(`with the SDK script ${failure}, falls back to the server-created window of the same checkout and ends PAID with one session`, async ({ page }) => {
      if (failure === "unreachable") {
        await page.route("**/v1/sdk/payment", (route) => route.abort("connectionrefused"));
      } else {
        await sandbox("POST", "/_sandbox/faults", { kind: "sdk_script_error", status: 500 });
      }
      await fillKrwCart(page, true);
      const posts = recordCheckoutPosts(page);

      const answer = await payWithJavaScript(page);
      expect(answer.toss).not.toBeNull();
      // The page posts again as without JavaScript, and the server opens its window for the same checkout.
      await page.waitForURL(/\/v1\/payments\/[^/]+\/checkout$/);

      const returnUrl = await approveAndExpectPaid(page, answer.sessionId);
      expect(returnUrl.searchParams.get("orderId")).toBe(answer.toss!.payment.orderId);
      expect(posts).toHaveLength(2);
      expect(posts[1].postData()).toContain("fallback=1");
      expect(posts[1].postData()).not.toContain("enhanced=1");
      const record = await sdkRecord();
      expect(record.data).toEqual([]);
      expect(record.scriptLoads.map((load) => load.status)).toEqual(failure === "unreachable" ? [] : [500]);
    });
  }
});

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("a 3-product KRW cart goes to the window the server created with POST /v1/payments and every order ends PAID", async ({ page }) => {
    await fillKrwCart(page, false);
    expect(await page.content()).not.toContain(TOSS_SECRET_KEY);
    await expect(page.getByTestId("cart-group-KRW").locator('.checkout-form input[name="enhanced"]')).toHaveCount(0);

    const answered = page.waitForResponse(isCheckoutPost);
    await page.getByTestId("cart-group-KRW").getByRole("button", { name: "결제하기" }).click();
    const response = await answered;
    expect(response.status()).toBe(303);
    const windowUrl = response.headers().location;
    expect(windowUrl).toMatch(/\/v1\/payments\/[^/]+\/checkout$/);
    await page.waitForURL(windowUrl);

    const returnUrl = await approveAndExpectPaid(page);
    expect(returnUrl.searchParams.get("paymentKey")).toBe(windowUrl.split("/").at(-2));

    const record = await sdkRecord();
    expect(record).toEqual({ scriptLoads: [], data: [] });
  });

  test("with the server-created window unavailable, says JavaScript is needed and keeps the cart as it was", async ({ page }) => {
    await fillKrwCart(page, false);
    await withServerWindowOff(async () => {
      const answered = page.waitForResponse(isCheckoutPost);
      await page.getByTestId("cart-group-KRW").getByRole("button", { name: "결제하기" }).click();
      expect((await answered).status()).toBe(422);
      await expect(page.getByRole("alert")).toContainText("needs JavaScript: turn it on and press 결제하기 again. Nothing was charged");
      await expect(page.getByTestId("cart-group-KRW").getByTestId("cart-line")).toHaveCount(3);
    });
  });
});
