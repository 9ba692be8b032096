import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";

export const PASSWORD = "correct horse battery";

export function uniqueEmail(label = "shopper"): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.test`;
}

export async function signUp(page: Page, email = uniqueEmail(), displayName = "E2E Shopper"): Promise<string> {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name").fill(displayName);
  await page.getByLabel("Password (at least 8 characters)").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
  return email;
}

export async function logIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

export async function logOut(page: Page) {
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
}

/** The catalog searched for one title: the catalog is paged, so this is where a product's card surely is. */
export function catalogSearch(title: string): string {
  return `/?${new URLSearchParams({ q: title })}`;
}

/** Adds a product from the catalog; with JavaScript off the page reloads with a notice. */
export async function addFromCatalog(page: Page, title: string, javaScriptEnabled: boolean) {
  const url = new URL(page.url());
  if (`${url.pathname}${url.search}` !== catalogSearch(title)) await page.goto(catalogSearch(title));
  const count = Number(await page.getByTestId("cart-count").textContent());
  await page.getByRole("button", { name: `Add ${title} to cart` }).click();
  if (!javaScriptEnabled) await expect(page.getByRole("status").filter({ hasText: `Added ${title} to your cart.` })).toBeVisible();
  await expect(page.getByTestId("cart-count")).toHaveText(String(count + 1));
}

export const SANDBOX_URL = `http://127.0.0.1:${process.env.E2E_SANDBOX_PORT ?? 4110}`;

/** Sets a fault in the e2e payment sandbox (see sandbox/README.md). */
export async function sandboxFault(fault: Record<string, unknown>) {
  const response = await fetch(`${SANDBOX_URL}/_sandbox/faults`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(fault),
  });
  expect(response.ok).toBe(true);
}

/** 결제하기 in the cart's USD group, as far as Stripe's page. */
export async function openStripePage(page: Page) {
  await page.goto("/cart");
  await page.getByTestId("cart-group-USD").getByRole("button", { name: "결제하기" }).click();
  await expect(page.getByRole("button", { name: /^Pay / })).toBeVisible();
}
