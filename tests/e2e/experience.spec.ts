import { expect, test, type Page } from "@playwright/test";
import { addFromCatalog, catalogSearch, openStripePage, PASSWORD, signUp, uniqueEmail } from "./support";

const USD_A = "SQL Copilot Prompt Pack";
const USD_B = "Multilingual Sentiment Dataset (120k)";
const KRW_A = "한국어 마케팅 카피 프롬프트 팩";
const KRW_B = "Korean Speech Commands Dataset";
const BUY_NOW = "Invoice Extraction Agent"; // $99.00

async function openProduct(page: Page, title: string) {
  await page.goto(catalogSearch(title));
  await page.getByRole("link", { name: title, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`the shopper's way with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("Back from Stripe's page and from Toss's window shows the cart as it is now", async ({ page, context }) => {
      await signUp(page);
      await page.goto("/");
      for (const title of [USD_A, USD_B, KRW_A, KRW_B]) await addFromCatalog(page, title, javaScriptEnabled);
      const elsewhere = await context.newPage();

      // For each provider: open its page, change the cart in another tab meanwhile, come Back.
      const rounds = [
        { group: "cart-group-USD", providerButton: /^Pay /, removed: USD_A, left: 3 },
        { group: "cart-group-KRW", providerButton: "결제 승인", removed: KRW_A, left: 2 },
      ];
      for (const { group, providerButton, removed, left } of rounds) {
        await page.goto("/cart");
        await page.getByTestId(group).getByRole("button", { name: "결제하기" }).click();
        await expect(page.getByRole("button", { name: providerButton })).toBeVisible();
        await elsewhere.goto("/cart");
        await elsewhere.getByRole("button", { name: `Remove ${removed} from cart` }).click();
        await expect(elsewhere.getByTestId("cart-line")).toHaveCount(left);

        await page.goBack();
        await expect(page).toHaveURL(/\/cart$/);
        await expect(page.getByTestId("cart-line")).toHaveCount(left);
        await expect(page.getByTestId(group)).not.toContainText(removed);
        await expect(page.getByTestId("cart-count")).toHaveText(String(left));
      }
    });

    test("a canceled Toss payment returns to the cart calmly, and the library shows the tries as one purchase", async ({ page }) => {
      await signUp(page);
      await page.goto("/");
      for (const title of [KRW_A, KRW_B]) await addFromCatalog(page, title, javaScriptEnabled);
      for (let attempt = 0; attempt < 2; attempt++) {
        await page.goto("/cart");
        await page.getByTestId("cart-group-KRW").getByRole("button", { name: "결제하기" }).click();
        await page.getByRole("button", { name: "결제 취소" }).click();
        await expect(page).toHaveURL(/\/cart\?canceled=/);
        await expect(page.getByText("Payment canceled. Nothing was charged, and your cart is as you left it.")).toBeVisible();
        await expect(page.getByRole("alert")).toHaveCount(0);
        await expect(page.getByTestId("cart-line")).toHaveCount(2);
      }
      // The canceled checkout's own page says the same, without an error's alarm.
      await page.goto(`/checkout/${new URL(page.url()).searchParams.get("canceled")}/success`);
      await expect(page.getByRole("heading", { level: 1, name: "This checkout was canceled" })).toBeVisible();
      await expect(page.getByText("Nothing was charged, and your cart is as you left it.")).toBeVisible();
      await expect(page.locator(".alert")).toHaveCount(0);
      await page.goto("/account/purchases");
      const history = page.getByTestId("past-checkout");
      await expect(history).toHaveCount(1);
      await expect(history).toContainText("2 attempts");
      await expect(history).toContainText("Canceled, nothing charged");
      await expect(history).toContainText(KRW_A);
      await expect(page.getByText(/fail/i)).toHaveCount(0);
    });

    test("signed out, Buy now continues to the payment page after signing up, and the cart is kept", async ({ page }) => {
      await page.goto("/");
      await addFromCatalog(page, USD_A, javaScriptEnabled);
      await openProduct(page, BUY_NOW);
      const productUrl = new URL(page.url()).pathname;
      await page.getByRole("button", { name: "Buy now" }).click();

      await expect(page).toHaveURL(/\/login\?redirectTo=/);
      await expect(page.getByText("Log in to buy this product")).toBeVisible();
      await page.getByRole("link", { name: "Create an account" }).click();
      await expect(page.getByText("Create an account to buy this product")).toBeVisible();
      await page.getByLabel("Email").fill(uniqueEmail("buyer"));
      await page.getByLabel("Display name").fill("Buy Now Shopper");
      await page.getByLabel("Password (at least 8 characters)").fill(PASSWORD);
      await page.getByRole("button", { name: "Create account" }).click();

      await expect(page).toHaveURL(new RegExp(`${productUrl}\\?buy=1$`));
      await expect(page.getByText(`You are logged in. Press Buy now to pay for ${BUY_NOW}.`)).toBeVisible();
      await expect(page.getByTestId("cart-count")).toHaveText("1");
      await page.getByRole("button", { name: "Buy now" }).click();
      await expect(page.getByRole("cell", { name: BUY_NOW })).toBeVisible();
      await page.getByRole("button", { name: "Pay $99.00" }).click();
      await expect(page.getByTestId("checkout-result")).toHaveAttribute("data-status", "PAID");
    });

    test("an owned product says In your library on the catalog and its page; one in the cart says so", async ({ page }) => {
      await signUp(page);
      await openProduct(page, BUY_NOW);
      await page.getByRole("button", { name: "Buy now" }).click();
      await page.getByRole("button", { name: "Pay $99.00" }).click();
      await expect(page.getByTestId("checkout-result")).toHaveAttribute("data-status", "PAID");

      await page.goto(catalogSearch(BUY_NOW));
      await expect(page.getByRole("link", { name: `${BUY_NOW} is in your library` })).toBeVisible();
      await expect(page.getByRole("button", { name: `Add ${BUY_NOW} to cart` })).toHaveCount(0);
      await openProduct(page, BUY_NOW);
      await expect(page.getByText("You own this product")).toBeVisible();
      await expect(page.getByRole("button", { name: "Buy now" })).toHaveCount(0);

      await page.goto("/");
      await addFromCatalog(page, USD_B, javaScriptEnabled);
      await expect(page.getByRole("link", { name: `${USD_B} is in your cart` })).toBeVisible();
      // Without JavaScript the page came back at the product, not at its top.
      if (!javaScriptEnabled) expect(new URL(page.url()).hash).toMatch(/^#add-[0-9a-f-]+$/);
    });
  });
}

test("an open checkout offers to continue or cancel, and says nothing of processing", async ({ page }) => {
  await signUp(page);
  await page.goto("/");
  await addFromCatalog(page, USD_A, true);
  await openStripePage(page);

  await page.goto("/account/purchases");
  await page.getByTestId("past-checkout").getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Waiting for your payment" })).toBeVisible();
  await expect(page.getByText(/processing/i)).toHaveCount(0);
  await page.getByRole("link", { name: "Continue to payment" }).click();
  await expect(page.getByRole("button", { name: /^Pay / })).toBeVisible();
  await page.goBack();
  await page.getByRole("button", { name: "Cancel this checkout" }).click();
  await expect(page).toHaveURL(/\/cart\?canceled=/);
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
});

test("a checkout replaced by one of a changed cart says so on its page, without an error's alarm", async ({ page }) => {
  await signUp(page);
  await page.goto("/");
  await addFromCatalog(page, USD_A, true);
  await openStripePage(page);
  await page.goto("/");
  await addFromCatalog(page, USD_B, true);
  await openStripePage(page);

  await page.goto("/account/purchases");
  const first = page.getByTestId("past-checkout").filter({ hasNotText: USD_B });
  await expect(first).toContainText("Expired, nothing charged");
  await first.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: "This checkout was replaced" })).toBeVisible();
  await expect(page.getByText("A newer checkout of a changed cart replaced this one; nothing was charged for it.")).toBeVisible();
  await expect(page.locator(".alert")).toHaveCount(0);
});
