import { expect, test } from "@playwright/test";
import { addFromCatalog, PASSWORD, uniqueEmail } from "./support";

test("shows script and SQL fragments in a name as text, and runs no injected script", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  const name = `<script>alert(1)</script><img src=x onerror=alert(2)>'--`;
  await page.goto("/signup");
  await page.getByLabel("Email").fill(uniqueEmail("xss"));
  await page.getByLabel("Display name").fill(name);
  await page.getByLabel("Password (at least 8 characters)").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText(name, { exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByText(name, { exact: true })).toBeVisible();
  expect(dialogs).toEqual([]);
});

test("works with JavaScript under the Content-Security-Policy, with no violations", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto("/");
  expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-/);
  await addFromCatalog(page, "SQL Copilot Prompt Pack", true);
  expect(new URL(page.url()).pathname).toBe("/");
  expect(violations).toEqual([]);
});
