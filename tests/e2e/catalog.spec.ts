import { expect, test } from "@playwright/test";
import { catalogSearch } from "./support";

for (const javaScriptEnabled of [true, false]) {
  test.describe(`catalog with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("lists at least 12 products with seller, badge and formatted price", async ({ page }) => {
      await page.goto("/");
      await expect(page).toHaveTitle(/AI Marketplace/);
      const cards = page.getByTestId("product-card");
      expect(await cards.count()).toBeGreaterThanOrEqual(12);
      await page.goto(catalogSearch("SQL Copilot Prompt Pack"));
      const sql = cards.filter({ hasText: "SQL Copilot Prompt Pack" });
      await expect(sql).toContainText("$12.50");
      await expect(sql).toContainText("Prompt Atelier");
      await expect(sql).toContainText("Verified");
      await page.goto(catalogSearch("한국어 마케팅 카피 프롬프트 팩"));
      await expect(cards.filter({ hasText: "한국어 마케팅 카피 프롬프트 팩" })).toContainText("₩15,000");
      await page.goto(catalogSearch("Experimental Voice Clone Model"));
      await expect(page.getByText("No products match your search.")).toBeVisible();
      await expect(page.getByText("Experimental Voice Clone Model")).toHaveCount(0);
    });

    test("opens a product page with its description, files and price", async ({ page }) => {
      await page.goto(catalogSearch("Korean Legal QA Pairs (8k)"));
      await page.getByRole("link", { name: "Korean Legal QA Pairs (8k)" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Korean Legal QA Pairs (8k)");
      await expect(page).toHaveTitle("Korean Legal QA Pairs (8k) · AI Marketplace");
      await expect(page.getByText("₩60,000")).toBeVisible();
      await expect(page.getByText("qa-sample.csv")).toBeVisible();
      await expect(page.getByText("splits.json")).toBeVisible();
    });

    test("answers an unknown product with a real 404 page", async ({ page }) => {
      const response = await page.goto("/products/00000000-0000-4000-8000-000000000000");
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("heading", { name: "Product not found" })).toBeVisible();
      await expect(page.getByText("This product is not in the catalog, or is no longer for sale.")).toBeVisible();
      await expect(page.getByRole("link", { name: "Back to the catalog" })).toBeVisible();
      expect((await page.goto("/products/not-a-product-id"))?.status()).toBe(404);
    });
  });
}

test("the health check answers 200 with a database round trip", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", database: "ok" });
});
