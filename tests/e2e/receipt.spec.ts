import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { addFromCatalog, signUp } from "./support";

const KRW_CART = ["한국어 마케팅 카피 프롬프트 팩", "Korean Speech Commands Dataset"];

for (const javaScriptEnabled of [true, false]) {
  test.describe(`the receipt with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("downloads as a PDF holding the receipt number and the Korean title, prints without the site around it, and is the buyer's only", async ({ page, browser }) => {
      await signUp(page);
      for (const title of KRW_CART) await addFromCatalog(page, title, javaScriptEnabled);
      await page.goto("/cart");
      await page.getByTestId("cart-group-KRW").getByRole("button", { name: "결제하기" }).click();
      await page.getByRole("button", { name: "결제 승인" }).click();
      await expect(page.getByTestId("checkout-result")).toHaveAttribute("data-status", "PAID");
      const number = (await page.getByTestId("receipt-number").textContent())!.trim();

      await page.getByRole("link", { name: "View receipt" }).click();
      await expect(page.getByRole("heading", { name: `Receipt ${number}` })).toBeVisible();
      await expect(page.getByRole("button", { name: "Print" })).toHaveCount(javaScriptEnabled ? 1 : 0);
      const total = (await page.getByTestId("receipt-total").textContent())!.trim();

      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PDF" }).click()]);
      expect(download.suggestedFilename()).toBe(`receipt-${number}.pdf`);
      const file = await download.path();
      const text = execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
      expect(text).toContain(`Receipt ${number}`);
      expect(text).toContain(KRW_CART[0]);
      expect(text).toContain(total);

      const pdfUrl = new URL((await page.getByRole("link", { name: "Download PDF" }).getAttribute("href"))!, page.url()).toString();
      await page.emulateMedia({ media: "print" });
      await expect(page.getByRole("banner")).toBeHidden();
      await expect(page.getByRole("link", { name: "Download PDF" })).toBeHidden();
      await expect(page.getByRole("heading", { name: `Receipt ${number}` })).toBeVisible();

      const stranger = await browser.newContext({ javaScriptEnabled });
      const other = await stranger.newPage();
      await signUp(other);
      expect((await other.request.get(pdfUrl)).status()).toBe(404);
      await stranger.close();
    });
  });
}
