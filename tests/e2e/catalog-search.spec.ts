import { expect, test, type Page } from "@playwright/test";
import { signUp } from "./support";

// The catalog's search form, filters and pages, its generated covers and the
// header's way to sign up. The database may hold more products than the seed
// (other test suites add some), so nothing here counts on an exact total:
// every check compares what the page says with what it shows.

const cards = (page: Page) => page.getByTestId("product-card");
const resultCount = (page: Page) => page.getByTestId("result-count");
const pages = (page: Page) => page.getByRole("navigation", { name: "Pages of results" });

async function shownTotal(page: Page): Promise<number> {
  const text = (await resultCount(page).textContent()) ?? "";
  const match = /^(\d+) products?$/.exec(text.trim());
  if (!match) throw new Error(`no result count in "${text}"`);
  return Number(match[1]);
}

/** Fills the search form as a shopper would and sends it. */
async function search(page: Page, fields: { q?: string; kind?: string; currency?: string }) {
  const form = page.getByRole("search");
  if (fields.q !== undefined) await form.getByRole("searchbox", { name: "Search" }).fill(fields.q);
  if (fields.kind !== undefined) await form.getByLabel("Kind").selectOption({ label: fields.kind });
  if (fields.currency !== undefined) await form.getByLabel("Currency").selectOption(fields.currency);
  await form.getByRole("button", { name: "Search" }).click();
}

/**
 * Waits until the catalog at an address matching `url` is on screen: the
 * document is parsed (JavaScript off) and the form shows that address's
 * filters, which render together with the cards (JavaScript on).
 */
async function shows(page: Page, url: RegExp) {
  await expect(page).toHaveURL(url);
  await page.waitForLoadState("domcontentloaded");
  const params = new URL(page.url()).searchParams;
  await expect(page.getByRole("searchbox", { name: "Search" })).toHaveValue(params.get("q") ?? "");
  await expect(page.getByLabel("Kind")).toHaveValue(params.get("kind") ?? "");
  await expect(page.getByLabel("Currency")).toHaveValue(params.get("currency") ?? "");
}

async function kindsShown(page: Page) {
  return new Set(await page.getByTestId("product-kind").allTextContents());
}

async function pricesShown(page: Page) {
  return page.locator("[data-testid=product-card] .price").allTextContents();
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`catalog search with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("a search narrows the catalog to the matching products and can be cleared", async ({ page }) => {
      await page.goto("/");
      const everything = await shownTotal(page);
      expect(everything).toBeGreaterThan(12);

      await search(page, { q: "sql copilot" });
      await shows(page, /\/\?q=sql\+copilot&kind=&currency=$/);
      await expect(resultCount(page)).toHaveText("1 product");
      await expect(cards(page)).toHaveCount(1);
      await expect(cards(page)).toContainText("SQL Copilot Prompt Pack");
      await expect(page.getByRole("searchbox", { name: "Search" })).toHaveValue("sql copilot");

      await search(page, { q: "zebra xylophone" });
      await shows(page, /q=zebra\+xylophone/);
      await expect(page.getByText("No products match your search.")).toBeVisible();
      await expect(cards(page)).toHaveCount(0);
      await page.getByRole("link", { name: "Show all products" }).click();
      await shows(page, /\/$/);
      await expect(resultCount(page)).toHaveText(`${everything} products`);
    });

    test("the kind and currency filters narrow the results, alone and together", async ({ page }) => {
      await page.goto("/");
      await search(page, { q: "Korean" });
      await shows(page, /q=Korean&kind=&currency=$/);
      await expect(cards(page).filter({ hasText: "KoBERT 리뷰 감성 분류 모델" })).toHaveCount(1);
      const korean = await shownTotal(page);

      await search(page, { kind: "Dataset" });
      await shows(page, /q=Korean&kind=DATASET&currency=$/);
      expect(await shownTotal(page)).toBeLessThan(korean);
      expect(await kindsShown(page)).toEqual(new Set(["Dataset"]));
      await expect(cards(page).filter({ hasText: "Korean Legal QA Pairs (8k)" })).toHaveCount(1);
      await expect(cards(page).filter({ hasText: "KoBERT 리뷰 감성 분류 모델" })).toHaveCount(0);

      await search(page, { currency: "KRW" });
      await shows(page, /q=Korean&kind=DATASET&currency=KRW$/);
      expect(await kindsShown(page)).toEqual(new Set(["Dataset"]));
      const wonPrices = await pricesShown(page);
      expect(wonPrices.length).toBeGreaterThan(0);
      for (const price of wonPrices) expect(price).toMatch(/^₩/);

      await search(page, { q: "", kind: "All kinds", currency: "USD" });
      await shows(page, /\/\?q=&kind=&currency=USD$/);
      const dollarPrices = await pricesShown(page);
      expect(dollarPrices.length).toBeGreaterThan(0);
      for (const price of dollarPrices) expect(price).toMatch(/^\$/);
    });

    test("Next and Previous page through the results and keep the filters", async ({ page }) => {
      await page.goto("/");
      await search(page, { currency: "KRW" });
      await shows(page, /\/\?q=&kind=&currency=KRW$/);
      expect(await shownTotal(page)).toBeGreaterThan(12);
      await expect(cards(page)).toHaveCount(12);
      await expect(pages(page).getByRole("link", { name: "Page 1", exact: true })).toHaveAttribute("aria-current", "page");
      await expect(pages(page).getByRole("link", { name: "Previous" })).toHaveCount(0);
      const firstPage = await cards(page).getByRole("heading").allTextContents();

      await pages(page).getByRole("link", { name: "Next" }).click();
      await shows(page, /\/\?currency=KRW&page=2$/);
      await expect(pages(page).getByRole("link", { name: "Page 2", exact: true })).toHaveAttribute("aria-current", "page");
      await expect(pages(page).getByRole("link", { name: "Page 1", exact: true })).not.toHaveAttribute("aria-current");
      const secondPage = await cards(page).getByRole("heading").allTextContents();
      expect(secondPage.length).toBeGreaterThan(0);
      expect(secondPage.filter((title) => firstPage.includes(title))).toEqual([]);
      for (const price of await pricesShown(page)) expect(price).toMatch(/^₩/);

      await pages(page).getByRole("link", { name: "Previous" }).click();
      await shows(page, /\/\?currency=KRW$/);
      await expect(pages(page).getByRole("link", { name: "Page 1", exact: true })).toHaveAttribute("aria-current", "page");
      expect(await cards(page).getByRole("heading").allTextContents()).toEqual(firstPage);
    });

    test("refuses a query it cannot run with 400 and says why; a page past the end points to the last one", async ({ page }) => {
      let response = await page.goto("/?kind=SPACESHIP");
      expect(response?.status()).toBe(400);
      await expect(page.getByRole("alert")).toContainText("There is no such kind of product");
      await expect(cards(page)).toHaveCount(0);

      response = await page.goto(`/?q=${"x".repeat(101)}`);
      expect(response?.status()).toBe(400);
      await expect(page.getByRole("alert")).toContainText("Search for at most 100 characters.");

      response = await page.goto("/?currency=KRW&page=999");
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("alert")).toContainText("There is no page 999");
      await page.getByRole("link", { name: "Go to the last page" }).click();
      await shows(page, /\/\?currency=KRW&page=\d+$/);
      await expect(cards(page).first()).toBeVisible();
      for (const price of await pricesShown(page)) expect(price).toMatch(/^₩/);
    });

    test("every card and the product page show a cover that loads, at a fixed size", async ({ page }) => {
      await page.goto("/");
      // A full first page (the seeded catalog holds more than 12), one cover per card.
      await expect(cards(page)).toHaveCount(12);
      const covers = page.getByTestId("product-cover");
      await expect(covers).toHaveCount(12);
      for (const cover of await covers.all()) {
        await expect(cover).toHaveAttribute("alt", "");
        await expect(cover).toHaveAttribute("width", "400");
        await expect(cover).toHaveAttribute("height", "240");
        await expect.poll(() => cover.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0))).toBeGreaterThan(0);
      }

      await page.goto(`/?${new URLSearchParams({ q: "Korean Legal QA Pairs (8k)" })}`);
      await page.getByRole("link", { name: "Korean Legal QA Pairs (8k)" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Korean Legal QA Pairs (8k)");
      const large = page.getByTestId("product-cover");
      await expect(large).toHaveAttribute("width", "800");
      await expect.poll(() => large.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0))).toBeGreaterThan(0);
    });

    test("Sign up is in the header next to Log in until the visitor has an account", async ({ page }) => {
      await page.goto("/");
      const header = page.getByRole("navigation", { name: "Main" });
      await expect(header.getByRole("link", { name: "Log in" })).toBeVisible();
      await header.getByRole("link", { name: "Sign up" }).click();
      await expect(page).toHaveURL(/\/signup$/);
      await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();

      await signUp(page);
      await page.goto("/");
      await expect(header.getByRole("link", { name: "Sign up" })).toHaveCount(0);
      await expect(header.getByRole("link", { name: "Log in" })).toHaveCount(0);
    });
  });
}

test("a cover's address answers with the SVG, cached for a year, under the resource policy", async ({ page, request }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  const shown = await page.goto("/");
  expect(shown?.headers()["content-security-policy"]).toMatch(/img-src 'self'/);
  const src = await page.getByTestId("product-cover").first().getAttribute("src");
  expect(src).toMatch(/^\/products\/[0-9a-f-]{36}\/cover\.svg\?v=[0-9a-f]{12}$/);

  const response = await request.get(src!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("image/svg+xml; charset=utf-8");
  expect(response.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(response.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  expect(await response.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);

  const stale = await request.get(src!.replace(/v=[0-9a-f]+/, "v=000000000000"), { maxRedirects: 0 });
  expect(stale.status()).toBe(302);
  expect(stale.headers()["location"]).toBe(src);
  expect(stale.headers()["cache-control"]).toBe("private, no-store");
  expect(violations).toEqual([]);
});

for (const width of [320, 390]) {
  test(`at ${width} pixels wide the search form, cards and covers fit the screen`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    await page.goto("/?currency=KRW");
    const main = page.locator("main");
    expect(await main.evaluate((element) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);
    for (const box of [page.getByRole("search"), cards(page).first(), page.getByTestId("product-cover").first()]) {
      const bounds = await box.boundingBox();
      expect(bounds).not.toBeNull();
      expect(bounds!.x).toBeGreaterThanOrEqual(0);
      expect(bounds!.x + bounds!.width).toBeLessThanOrEqual(width);
    }
  });
}
