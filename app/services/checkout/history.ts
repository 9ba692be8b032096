// The library's list of past checkouts, as a shopper thinks of them: one
// purchase per cart, however many times it was tried. Attempts at the same
// quote (its hash names the buyer, the currency, the products and their
// prices) made one after another are one entry, with the latest one's state.

export interface PastCheckout {
  id: string;
  status: string;
  quoteHash: string;
  createdAt: string | Date;
}

export interface Purchase<T extends PastCheckout> {
  /** The latest attempt: its state is the purchase's. */
  latest: T;
  attempts: number;
}

/** Groups `sessions`, newest first, into purchases; a paid attempt always starts its own entry. */
export function groupAttempts<T extends PastCheckout>(sessions: readonly T[]): Purchase<T>[] {
  const purchases: Purchase<T>[] = [];
  for (const session of sessions) {
    const last = purchases.at(-1);
    const sameCart = last && last.latest.quoteHash === session.quoteHash;
    if (sameCart && session.status !== "PAID" && session.status !== "REFUNDED") last.attempts += 1;
    else purchases.push({ latest: session, attempts: 1 });
  }
  return purchases;
}
