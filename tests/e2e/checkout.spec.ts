import { expect, test, type Page } from "@playwright/test";
import { addFromCatalog, catalogSearch, signUp } from "./support";

const USD_CART = ["SQL Copilot Prompt Pack", "Multilingual Sentiment Dataset (120k)", "Product Photo Background Remover v2"];
const KRW_CART = ["한국어 마케팅 카피 프롬프트 팩", "Korean Speech Commands Dataset", "유튜브 쇼츠 대본 프롬프트 모음"];

async function fillCart(page: Page, titles: string[], javaScriptEnabled: boolean) {
  await page.goto("/");
  for (const title of titles) await addFromCatalog(page, title, javaScriptEnabled);
  await page.goto("/cart");
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`checkout with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("pays a 3-product USD cart once through Stripe and every order is PAID", async ({ page }) => {
      await signUp(page);
      await fillCart(page, USD_CART, javaScriptEnabled);
      await page.getByTestId("cart-group-USD").getByRole("button", { name: "결제하기" }).click();

      await expect(page.getByRole("heading", { name: "Pay Sandbox Marketplace" })).toBeVisible();
      for (const title of USD_CART) await expect(page.getByRole("cell", { name: title })).toBeVisible();
      await page.getByRole("button", { name: "Pay $76.50" }).click();

      await expect(page).toHaveURL(/\/checkout\/[0-9a-f-]+\/success/);
      await expect(page.getByTestId("checkout-result")).toHaveAttribute("data-status", "PAID");
      await expect(page.getByTestId("order-line")).toHaveCount(3);
      await expect(page.getByTestId("order-status")).toHaveText(Array(3).fill("Paid"));
    });

    test("pays a 3-product KRW cart once through TossPayments and every order is PAID", async ({ page }) => {
      await signUp(page);
      await fillCart(page, KRW_CART, javaScriptEnabled);
      await page.getByTestId("cart-group-KRW").getByRole("button", { name: "결제하기" }).click();

      await expect(page.getByRole("cell", { name: "₩69,900" })).toBeVisible();
      await expect(page.getByRole("cell", { name: "Korean Speech Commands Dataset 외 2건" })).toBeVisible();
      await page.getByRole("button", { name: "결제 승인" }).click();

      await expect(page).toHaveURL(/\/checkout\/[0-9a-f-]+\/success/);
      await expect(page.getByTestId("checkout-result")).toHaveAttribute("data-status", "PAID");
      await expect(page.getByTestId("order-line")).toHaveCount(3);
      await expect(page.getByTestId("order-status")).toHaveText(Array(3).fill("Paid"));
    });

    test("a declined card and a canceled Stripe payment leave the cart intact with a clear message", async ({ page }) => {
      await signUp(page);
      await fillCart(page, USD_CART.slice(0, 2), javaScriptEnabled);
      await page.getByRole("button", { name: "결제하기" }).click();
      await page.getByRole("button", { name: "Decline card" }).click();
      await expect(page.getByText(/declined/i).first()).toBeVisible();
      await page.getByRole("button", { name: "Cancel and return" }).click();

      await expect(page).toHaveURL(/\/cart\?canceled=/);
      await expect(page.getByText("Payment canceled. Nothing was charged, and your cart is as you left it.")).toBeVisible();
      await expect(page.getByTestId("cart-line")).toHaveCount(2);
    });

    test("a declined Toss card says what happened and keeps the cart", async ({ page }) => {
      await signUp(page);
      await fillCart(page, KRW_CART.slice(0, 2), javaScriptEnabled);
      await page.getByRole("button", { name: "결제하기" }).click();
      await page.getByRole("button", { name: "카드 거절" }).click();

      await expect(page.getByTestId("checkout-result")).toHaveAttribute("data-status", "FAILED");
      await expect(page.getByText("The payment did not go through")).toBeVisible();
      await page.goto("/cart");
      await expect(page.getByTestId("cart-line")).toHaveCount(2);
    });
  });
}

test("Buy now on a product page runs the same checkout with a cart of one", async ({ page }) => {
  await signUp(page);
  await page.goto(catalogSearch("Invoice Extraction Agent"));
  await page.getByRole("link", { name: "Invoice Extraction Agent" }).click();
  await page.getByRole("button", { name: "Buy now" }).click();
  await expect(page.getByRole("cell", { name: "Invoice Extraction Agent" })).toBeVisible();
  await page.getByRole("button", { name: "Pay $99.00" }).click();
  await expect(page.getByTestId("checkout-result")).toHaveAttribute("data-status", "PAID");
  await expect(page.getByTestId("order-line")).toHaveCount(1);
});
