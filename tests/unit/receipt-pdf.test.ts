import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatDateTime } from "~/components/format";
import { buildReceiptPdf, type ReceiptForPdf } from "~/services/library/receipt-pdf.server";
import { formatMoney } from "~/services/money";

const receipt = (lines: ReceiptForPdf["lines"]): ReceiptForPdf => ({
  receiptNumber: "R-2026-000042",
  paidAt: "2026-11-28T12:34:00.000Z",
  status: "PAID",
  provider: "TOSS",
  providerReference: "tviva20261128123400aBcDe",
  currency: "KRW",
  total: lines.reduce((sum, line) => sum + line.amount, 0),
  buyer: { displayName: "김하늘", email: "sky@example.test" },
  lines,
});

/** The PDF's text as poppler reads it. */
function textOf(pdf: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "receipt-")), "receipt.pdf");
  writeFileSync(file, pdf);
  return execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
}

function pageCount(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type \/Page\b/g)?.length ?? 0;
}

describe("the PDF receipt", () => {
  it("holds the number, the Korean and Latin titles, the amounts and the date in UTC, with only the glyphs it uses embedded", async () => {
    const pdf = await buildReceiptPdf(
      receipt([
        { title: "한국어 마케팅 카피 프롬프트 팩", seller: "프롬프트공방 Prompt Atelier", amount: 15000 },
        { title: "Korean Speech Commands Dataset", seller: "Neural Forge Labs", amount: 39900 },
      ]),
    );
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    // A whole Noto Sans KR weight is about 4.7 MB; the subset is a small part of it.
    expect(pdf.byteLength).toBeLessThan(150_000);
    const text = textOf(pdf);
    const paid = formatDateTime("2026-11-28T12:34:00.000Z");
    expect(paid).toMatch(/12:34.*UTC/);
    for (const expected of ["Receipt R-2026-000042", "한국어 마케팅 카피 프롬프트 팩", "프롬프트공방", "₩15,000", "₩54,900", "김하늘", paid, "TossPayments"]) {
      expect(text).toContain(expected);
    }
  });

  it("wraps long titles and flows 50 lines onto further pages without losing one", async () => {
    const lines = Array.from({ length: 50 }, (_, i) => ({
      title: `${"아주 긴 상품 이름 ".repeat(6)}${i + 1}`,
      seller: "Seller with a rather long display name",
      amount: 1000 + i,
    }));
    const pdf = await buildReceiptPdf(receipt(lines));
    expect(pageCount(pdf)).toBeGreaterThan(1);
    const text = textOf(pdf);
    // Each line has an amount of its own: every one of the 50 is on some page.
    for (const line of lines) expect(text).toContain(formatMoney(line.amount, "KRW"));
    expect(text).toContain("Total (KRW)");
  });
});
