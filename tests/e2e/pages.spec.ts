import AxeBuilder from "@axe-core/playwright";
import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { addFromCatalog, catalogSearch, openStripePage, signUp } from "./support";

// Every page at a desktop and a phone width, signed out and signed in:
// nothing wider than the screen, no accessibility violation axe can find,
// and a screenshot in screenshots/ (not committed) for a reviewer.

const WIDTHS = [1280, 390, 320] as const;
const SCREENSHOTS = "screenshots";

const USD = ["SQL Copilot Prompt Pack", "Product Photo Background Remover v2"];
const KRW = "한국어 마케팅 카피 프롬프트 팩";

interface Visit {
  name: string;
  path: string;
}

async function checkPage(page: Page, visit: Visit) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 1280 ? 900 : 800 });
    const response = await page.goto(visit.path);
    expect(response?.status(), `${visit.name} answered`).toBeLessThan(500);
    await page.waitForLoadState("networkidle");

    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth, `${visit.name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(innerWidth);

    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
    const violations = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(violations, `${visit.name} at ${width} px`).toEqual([]);

    if (width !== 320) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOTS}/${visit.name}-${width}.png`, fullPage: true });
    }
  }
}

test("every page signed out fits a phone and passes axe", async ({ page }) => {
  await page.goto(catalogSearch(USD[0]));
  const productPath = await page.getByRole("link", { name: USD[0], exact: true }).getAttribute("href");
  await addFromCatalog(page, USD[0], true);
  await addFromCatalog(page, KRW, true);
  for (const visit of [
    { name: "catalog", path: "/" },
    { name: "catalog-search", path: "/?kind=DATASET&currency=KRW" },
    { name: "catalog-no-match", path: "/?q=nothing-like-this" },
    { name: "product", path: productPath! },
    { name: "cart", path: "/cart" },
    { name: "login", path: "/login?redirectTo=%2Fcart" },
    { name: "signup", path: "/signup" },
    { name: "not-found", path: "/products/00000000-0000-4000-8000-000000000000" },
  ]) {
    await checkPage(page, visit);
  }
});

test("every page signed in fits a phone and passes axe", async ({ page }) => {
  // A long display name must not break the header.
  await signUp(page, undefined, "Dr. Seo-yeon Park-Kimberly, Principal ML Platform Engineer");
  await page.goto("/");
  for (const title of USD) await addFromCatalog(page, title, true);
  await openStripePage(page);
  await page.getByRole("button", { name: /^Pay / }).click();
  await expect(page.getByTestId("checkout-result")).toHaveAttribute("data-status", "PAID");
  const success = new URL(page.url()).pathname;
  const id = success.split("/")[2];

  // An open checkout, left on the provider's page.
  await page.goto("/");
  await addFromCatalog(page, KRW, true);
  await page.goto("/cart");
  await page.getByTestId("cart-group-KRW").getByRole("button", { name: "결제하기" }).click();
  await expect(page.getByRole("button", { name: "결제 승인" })).toBeVisible();
  await page.goto("/account/purchases");
  const open = await page.locator('[data-testid="past-checkout"][data-status="PENDING"] a').getAttribute("href");

  await page.goto(catalogSearch(USD[0]));
  const productPath = await page.getByRole("link", { name: USD[0], exact: true }).getAttribute("href");
  for (const visit of [
    { name: "catalog-signed-in", path: "/" },
    { name: "product-owned", path: productPath! },
    { name: "cart-signed-in", path: "/cart" },
    { name: "library", path: "/account/purchases" },
    { name: "success", path: success },
    { name: "receipt", path: `/checkout/${id}/receipt` },
    { name: "open-checkout", path: open! },
  ]) {
    await checkPage(page, visit);
  }
});
