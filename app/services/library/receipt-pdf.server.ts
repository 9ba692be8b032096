import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import PDFDocument from "pdfkit";
import { formatDateTime, providerName } from "~/components/format";
import type { CheckoutSessionStatus, PaymentProvider } from "~/generated/prisma/enums";
import type { requireOwnCheckout } from "~/services/checkout/purchase.server";
import { formatMoney, type CurrencyCode } from "~/services/money";

// The receipt as a PDF, drawn on the server so it downloads without
// JavaScript. Text is set in Noto Sans KR (SIL Open Font License, shipped by
// the @embedpdf/fonts-kr package), which covers Hangul and Latin alike;
// PDFKit embeds only the glyphs the receipt uses.

export interface ReceiptForPdf {
  receiptNumber: string;
  paidAt: Date | string;
  status: CheckoutSessionStatus;
  provider: PaymentProvider;
  providerReference: string | null;
  currency: CurrencyCode;
  total: number;
  buyer: { displayName: string; email: string };
  lines: Array<{ title: string; seller: string; amount: number }>;
}

/** The receipt of a buyer's checkout, or null until its payment is confirmed (no receipt number yet). */
export function receiptOf(checkout: Awaited<ReturnType<typeof requireOwnCheckout>>): ReceiptForPdf | null {
  if (!checkout.receiptNumber || !checkout.paidAt) return null;
  return {
    receiptNumber: checkout.receiptNumber,
    paidAt: checkout.paidAt,
    status: checkout.status,
    provider: checkout.provider,
    providerReference: checkout.providerReference,
    currency: checkout.currency,
    total: checkout.total,
    buyer: checkout.buyer,
    lines: checkout.orders.map((order) => ({ title: order.product.title, seller: order.product.seller.displayName, amount: order.amount })),
  };
}

const fonts = new Map<string, Buffer>();

/** One weight's OpenType file from the font package (its entry point sits in dist/), read once. */
function font(weight: "Regular" | "Bold"): Buffer {
  let data = fonts.get(weight);
  if (!data) {
    const folder = path.join(path.dirname(createRequire(import.meta.url).resolve("@embedpdf/fonts-kr")), "..", "fonts");
    data = readFileSync(path.join(folder, `NotoSansKR-${weight}.otf`));
    fonts.set(weight, data);
  }
  return data;
}

const PAGE = { size: "A4" as const, margin: 56 };
const COLUMNS = { product: 0.5, seller: 0.3, amount: 0.2 };

export function buildReceiptPdf(receipt: ReceiptForPdf): Promise<Buffer> {
  const doc = new PDFDocument({
    size: PAGE.size,
    margin: PAGE.margin,
    info: { Title: `Receipt ${receipt.receiptNumber}`, Author: "AI Marketplace" },
  });
  doc.registerFont("body", font("Regular"));
  doc.registerFont("strong", font("Bold"));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  doc.font("strong").fontSize(11).fillColor("#555555").text("AI Marketplace");
  doc.moveDown(0.3).font("strong").fontSize(20).fillColor("#000000").text(`Receipt ${receipt.receiptNumber}`);
  doc.moveDown(0.8);

  const details: Array<[string, string]> = [
    ["Sold by", "AI Marketplace, on behalf of the sellers below"],
    ["Billed to", `${receipt.buyer.displayName} <${receipt.buyer.email}>`],
    ["Date paid", formatDateTime(receipt.paidAt)],
    ["Paid with", receipt.providerReference ? `${providerName(receipt.provider)}, reference ${receipt.providerReference}` : providerName(receipt.provider)],
    ["Status", receipt.status === "REFUNDED" ? "Refunded" : "Paid"],
  ];
  for (const [label, value] of details) {
    const y = doc.y;
    doc.font("body").fontSize(10).fillColor("#555555").text(label, left, y, { width: 90 });
    doc.font("body").fontSize(10).fillColor("#000000").text(value, left + 100, y, { width: width - 100 });
    doc.moveDown(0.4);
  }
  doc.moveDown(0.8);

  const x = {
    product: left,
    seller: left + width * COLUMNS.product,
    amount: left + width * (COLUMNS.product + COLUMNS.seller),
  };
  const w = { product: width * COLUMNS.product - 8, seller: width * COLUMNS.seller - 8, amount: width * COLUMNS.amount };

  const row = (cells: { product: string; seller: string; amount: string }, font: "body" | "strong") => {
    doc.font(font).fontSize(10).fillColor("#000000");
    const height = Math.max(
      doc.heightOfString(cells.product, { width: w.product }),
      doc.heightOfString(cells.seller, { width: w.seller }),
      doc.heightOfString(cells.amount, { width: w.amount }),
    );
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    doc.text(cells.product, x.product, y, { width: w.product });
    doc.text(cells.seller, x.seller, y, { width: w.seller });
    doc.text(cells.amount, x.amount, y, { width: w.amount, align: "right" });
    doc.y = y + height + 6;
    doc.moveTo(left, doc.y - 3).lineTo(left + width, doc.y - 3).lineWidth(0.5).strokeColor("#cccccc").stroke();
  };

  row({ product: "Product", seller: "Seller", amount: "Amount" }, "strong");
  for (const line of receipt.lines) {
    row({ product: line.title, seller: line.seller, amount: formatMoney(line.amount, receipt.currency) }, "body");
  }
  row({ product: `Total (${receipt.currency})`, seller: "", amount: formatMoney(receipt.total, receipt.currency) }, "strong");

  doc.end();
  return done;
}
