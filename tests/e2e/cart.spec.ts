import { expect, test } from "@playwright/test";
import { addFromCatalog, logIn, logOut, signUp } from "./support";

const USD_A = "SQL Copilot Prompt Pack"; // $12.50
const USD_B = "Multilingual Sentiment Dataset (120k)"; // $35.00
const KRW_A = "한국어 마케팅 카피 프롬프트 팩"; // ₩15,000

for (const javaScriptEnabled of [true, false]) {
  test.describe(`the cart with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("fills, groups, removes, survives a reload and the login detour", async ({ page }) => {
      const email = await signUp(page);
      await logOut(page);
      await page.goto("/login");
      await logIn(page, email);
      await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();

      await page.goto("/");
      for (const title of [USD_A, USD_B, KRW_A]) await addFromCatalog(page, title, javaScriptEnabled);
      if (javaScriptEnabled) expect(new URL(page.url()).pathname).toBe("/");

      await page.goto("/cart");
      const usd = page.getByTestId("cart-group-USD");
      const krw = page.getByTestId("cart-group-KRW");
      await expect(usd.getByTestId("cart-line")).toHaveCount(2);
      await expect(usd.getByTestId("subtotal")).toContainText("$47.50");
      await expect(krw.getByTestId("cart-line")).toHaveCount(1);
      await expect(krw.getByTestId("subtotal")).toContainText("₩15,000");
      await expect(page.getByRole("button", { name: "결제하기" })).toHaveCount(2);

      await page.getByRole("button", { name: `Remove ${USD_A} from cart` }).click();
      await expect(usd.getByTestId("cart-line")).toHaveCount(1);
      await expect(usd.getByTestId("subtotal")).toContainText("$35.00");

      await page.reload();
      await expect(usd.getByTestId("cart-line")).toHaveCount(1);
      await expect(usd).toContainText(USD_B);
      await expect(krw).toContainText(KRW_A);
      await expect(page.getByTestId("cart-count")).toHaveText("2");

      // Logged out, 결제하기 goes to login and comes back to the same cart.
      await logOut(page);
      await page.goto("/cart");
      await usd.getByRole("button", { name: "결제하기" }).click();
      await expect(page).toHaveURL(/\/login\?redirectTo=%2Fcart$/);
      await logIn(page, email);
      await expect(page).toHaveURL(/\/cart$/);
      await expect(usd.getByTestId("cart-line")).toHaveCount(1);
      await expect(krw.getByTestId("cart-line")).toHaveCount(1);
    });

    test("shows an empty cart with a way back, and survives a garbled cookie", async ({ page, context, baseURL }) => {
      await context.addCookies([{ name: "ai_marketplace_cart", value: "%%%not-base64{", url: baseURL! }]);
      const response = await page.goto("/cart");
      expect(response?.status()).toBe(200);
      await expect(page.getByText("Your cart is empty.")).toBeVisible();
      await page.getByRole("link", { name: "Browse the catalog" }).click();
      await expect(page).toHaveURL(/\/$/);
    });
  });
}

test.describe("the cart with JavaScript on", () => {
  test("follows changes made in another tab", async ({ context }) => {
    const first = await context.newPage();
    const second = await context.newPage();
    await first.goto("/");
    await second.goto("/cart");
    await expect(second.getByText("Your cart is empty.")).toBeVisible();

    await addFromCatalog(first, USD_A, true);
    await expect(second.getByTestId("cart-count")).toHaveText("1");
    await expect(second.getByTestId("cart-line")).toContainText(USD_A);
  });

  test("discards a broken localStorage cart without an error", async ({ page }) => {
    await page.goto("/");
    await page.evaluate(() => localStorage.setItem("ai_marketplace_cart", "{broken"));
    await page.reload();
    await expect(page.getByTestId("cart-count")).toHaveText("0");
    await addFromCatalog(page, USD_A, true);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("ai_marketplace_cart") ?? "[]"));
    expect(stored).toEqual([expect.objectContaining({ title: USD_A, price: 1250, currency: "USD", seller: expect.objectContaining({ name: "프롬프트공방 Prompt Atelier" }) })]);
  });

  test("a seller's own product stays in the cart but is left out of checkout", async ({ page }) => {
    await page.goto("/login");
    await logIn(page, "promptatelier@example.com", "marketplace-demo");
    await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
    await page.goto("/");
    await addFromCatalog(page, USD_A, true);
    await page.goto("/cart");
    await expect(page.getByTestId("cart-line")).toContainText("Your own product: left out of checkout");
    await expect(page.getByRole("button", { name: "결제하기" })).toHaveCount(0);
  });
});
