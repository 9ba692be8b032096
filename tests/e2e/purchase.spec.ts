import { expect, test, type Page } from "@playwright/test";
import { PRODUCTS } from "../../prisma/catalog";
import { addFromCatalog, openStripePage, sandboxFault, signUp } from "./support";

const BOUGHT = ["SQL Copilot Prompt Pack", "Multilingual Sentiment Dataset (120k)", "Product Photo Background Remover v2"];
const ADDED_MEANWHILE = "Midjourney Webtoon Style Prompts";

function seededFiles(title: string) {
  const product = PRODUCTS.find((p) => p.title === title);
  if (!product) throw new Error(`no seeded product ${title}`);
  return product.files;
}

async function payForCart(page: Page, titles: string[], javaScriptEnabled: boolean, duringPayment?: () => Promise<void>) {
  await page.goto("/");
  for (const title of titles) await addFromCatalog(page, title, javaScriptEnabled);
  await openStripePage(page);
  await duringPayment?.();
  await page.getByRole("button", { name: /^Pay / }).click();
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`after the purchase with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("shows every order PAID with files that download byte for byte, a receipt, and a cleared cart", async ({ page, context }) => {
      await signUp(page);
      await payForCart(page, BOUGHT, javaScriptEnabled, async () => {
        const other = await context.newPage();
        await other.goto("/");
        await addFromCatalog(other, ADDED_MEANWHILE, javaScriptEnabled);
        await other.close();
      });

      const result = page.getByTestId("checkout-result");
      await expect(result).toHaveAttribute("data-status", "PAID");
      await expect(page.getByTestId("order-line")).toHaveCount(3);
      await expect(page.getByTestId("order-status")).toHaveText(["Paid", "Paid", "Paid"]);
      await expect(page.getByText("Paid with Stripe")).toBeVisible();

      for (const title of BOUGHT) {
        const line = page.getByTestId("order-line").filter({ hasText: title });
        for (const file of seededFiles(title)) {
          const href = await line.getByRole("link", { name: file.filename, exact: true }).getAttribute("href");
          const download = await page.request.get(href!);
          expect(download.status()).toBe(200);
          expect(Buffer.compare(await download.body(), Buffer.from(file.content, "utf8"))).toBe(0);
          expect(download.headers()["content-type"].split(";")[0]).toBe(file.contentType.split(";")[0]);
          expect(download.headers()["content-length"]).toBe(String(Buffer.byteLength(file.content)));
          expect(download.headers()["content-disposition"]).toContain("attachment");
        }
      }

      // The cart lost exactly the three purchased products.
      await expect(page.getByTestId("cart-count")).toHaveText("1");
      await page.goto("/cart");
      await expect(page.getByTestId("cart-line")).toHaveCount(1);
      await expect(page.getByTestId("cart-line")).toContainText(ADDED_MEANWHILE);
      if (javaScriptEnabled) {
        const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("ai_marketplace_cart") ?? "[]"));
        expect(stored.map((item: { title: string }) => item.title)).toEqual([ADDED_MEANWHILE]);
      }

      await page.goBack();
      await page.getByRole("link", { name: "View receipt" }).click();
      await expect(page.getByRole("heading", { name: /^Receipt R-\d{4}-\d{6}$/ })).toBeVisible();
      await expect(page.getByTestId("receipt-line")).toHaveCount(3);
      await expect(page.getByTestId("receipt-total")).toHaveText("$76.50");

      await page.getByRole("link", { name: "Your library" }).click();
      await expect(page.getByTestId("owned-product")).toHaveCount(3);
      await expect(page.getByTestId("past-checkout").first()).toContainText("Paid");
    });

    test("shows processing for an asynchronous payment, then PAID by itself", async ({ page }) => {
      await signUp(page);
      await sandboxFault({ kind: "async_payment", provider: "stripe", outcome: "succeeded", delayMs: 3000 });
      await payForCart(page, BOUGHT.slice(0, 1), javaScriptEnabled);
      const result = page.getByTestId("checkout-result");
      await expect(result).toHaveAttribute("data-status", "PENDING");
      await expect(page.getByRole("heading", { name: "Processing your payment…" })).toBeVisible();
      await expect(result).toHaveAttribute("data-status", "PAID", { timeout: 20_000 });
      await expect(page.getByTestId("order-status")).toHaveText(["Paid"]);
    });
  });
}

test("another shopper gets 404 on the success, receipt and download URLs", async ({ page, browser }) => {
  await signUp(page);
  await payForCart(page, BOUGHT.slice(0, 1), true);
  await expect(page.getByTestId("checkout-result")).toHaveAttribute("data-status", "PAID");
  const successUrl = new URL(page.url()).pathname;
  const receiptUrl = successUrl.replace(/success$/, "receipt");
  const downloadUrl = await page.getByRole("link", { name: "sql-prompts.txt" }).getAttribute("href");

  const stranger = await browser.newContext();
  const strangerPage = await stranger.newPage();
  await signUp(strangerPage);
  for (const url of [successUrl, receiptUrl, downloadUrl!]) {
    const response = await strangerPage.request.get(url);
    expect(response.status(), url).toBe(404);
  }
  // The pages say what is missing in the shop's words.
  await strangerPage.goto(successUrl);
  await expect(strangerPage.getByRole("heading", { name: "Checkout not found" })).toBeVisible();
  await expect(strangerPage.getByText("There is no such checkout in your account.")).toBeVisible();
  for (const url of [downloadUrl!.replace(/[^/]+$/, "..%2F..%2Fetc%2Fpasswd"), "/downloads/not-an-id/also-not"]) {
    expect((await page.request.get(url)).status(), url).toBe(404);
  }
  await stranger.close();
});
