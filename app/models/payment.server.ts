import { db } from "~/db.server";

// The payment row's bookkeeping between opening a checkout and settling it.

/** Keeps the provider's payment id the shopper came back with (Toss's paymentKey), before confirming it. */
export async function recordProviderPaymentId(sessionId: string, paymentId: string): Promise<void> {
  await db().payment.updateMany({ where: { checkoutSessionId: sessionId, status: "PENDING" }, data: { providerPaymentId: paymentId } });
}

/** A confirm met a transient error: the next one uses a new idempotency key. Moves once per attempt. */
export async function advanceConfirmAttempt(sessionId: string, seenAttempt: number): Promise<void> {
  await db().payment.updateMany({ where: { checkoutSessionId: sessionId, confirmAttempt: seenAttempt }, data: { confirmAttempt: seenAttempt + 1 } });
}
