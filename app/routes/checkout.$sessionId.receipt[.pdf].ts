import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/services/web/auth.server";
import { requireOwnCheckout } from "~/services/checkout/purchase.server";
import { buildReceiptPdf, receiptOf } from "~/services/library/receipt-pdf.server";
import { guard } from "~/services/web/route-guard.server";

// The receipt as a PDF download: for the buyer only, once the payment is
// confirmed, exactly as the receipt page.
async function load({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const checkout = await requireOwnCheckout(params.sessionId, user.id);
  const receipt = receiptOf(checkout);
  if (!receipt) throw new Response("A receipt is issued when the payment is confirmed.", { status: 404 });
  const pdf = await buildReceiptPdf(receipt);
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="receipt-${receipt.receiptNumber}.pdf"`,
      "Content-Length": String(pdf.byteLength),
      "Cache-Control": "private, no-store",
    },
  });
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);
