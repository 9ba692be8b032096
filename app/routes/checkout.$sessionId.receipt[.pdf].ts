import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/services/web/auth.server";
import { requireOwnCheckout } from "~/services/checkout/purchase.server";
import { buildReceiptPdf } from "~/services/library/receipt-pdf.server";
import { guard } from "~/services/web/route-guard.server";

// The receipt as a PDF download: for the buyer only, once the payment is
// confirmed, exactly as the receipt page.
async function load({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const checkout = await requireOwnCheckout(params.sessionId, user.id);
  if (!checkout.receiptNumber || !checkout.paidAt) {
    throw new Response("A receipt is issued when the payment is confirmed.", { status: 404 });
  }
  const pdf = await buildReceiptPdf({
    receiptNumber: checkout.receiptNumber,
    paidAt: checkout.paidAt,
    status: checkout.status,
    provider: checkout.provider,
    providerReference: checkout.providerReference,
    currency: checkout.currency,
    total: checkout.total,
    buyer: checkout.buyer,
    lines: checkout.orders.map((order) => ({ title: order.product.title, seller: order.product.seller.displayName, amount: order.amount })),
  });
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="receipt-${checkout.receiptNumber}.pdf"`,
      "Content-Length": String(pdf.byteLength),
      "Cache-Control": "private, no-store",
    },
  });
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);
