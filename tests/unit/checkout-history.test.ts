import { describe, expect, it } from "vitest";
import { groupAttempts, type PastCheckout } from "~/services/checkout/history";

let clock = Date.UTC(2026, 10, 28, 12);
function attempt(quoteHash: string, status: string): PastCheckout {
  clock -= 60_000;
  return { id: `s-${clock}`, status, quoteHash, createdAt: new Date(clock).toISOString() };
}

describe("grouping past checkouts into purchases", () => {
  it("shows three canceled tries and the paid one of the same cart as one purchase", () => {
    const sessions = [attempt("a", "PAID"), attempt("a", "CANCELED"), attempt("a", "FAILED"), attempt("a", "EXPIRED")];
    const purchases = groupAttempts(sessions);
    expect(purchases).toHaveLength(1);
    expect(purchases[0]).toEqual({ latest: sessions[0], attempts: 4 });
  });

  it("keeps different carts, a try after a paid one, and two paid purchases of one cart apart", () => {
    const sessions = [attempt("a", "CANCELED"), attempt("b", "CANCELED"), attempt("b", "PAID"), attempt("b", "PAID"), attempt("a", "FAILED")];
    expect(groupAttempts(sessions).map((p) => [p.latest.quoteHash, p.latest.status, p.attempts])).toEqual([
      ["a", "CANCELED", 1],
      ["b", "CANCELED", 1],
      ["b", "PAID", 1],
      ["b", "PAID", 1],
      ["a", "FAILED", 1],
    ]);
  });

  it("gives nothing for no checkouts", () => {
    expect(groupAttempts([])).toEqual([]);
  });
});
