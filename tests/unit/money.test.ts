import { describe, expect, it } from "vitest";
import {
  assertMinorUnits,
  formatMoney,
  MoneyError,
  parseMajorUnits,
  sumMinorUnits,
  toStripeAmount,
  toTossAmount,
} from "~/services/money";

describe("money", () => {
  it("formats USD cents with two decimals and a dollar sign", () => {
    expect(formatMoney(1250, "USD")).toBe("$12.50");
    expect(formatMoney(4900, "USD")).toBe("$49.00");
    expect(formatMoney(0, "USD")).toBe("$0.00");
    expect(formatMoney(123456789, "USD")).toBe("$1,234,567.89");
  });

  it("formats KRW as whole won, since KRW has no minor unit", () => {
    expect(formatMoney(15000, "KRW")).toBe("₩15,000");
    expect(formatMoney(9900, "KRW")).toBe("₩9,900");
  });

  it("rejects amounts that are not whole, non-negative minor units", () => {
    for (const bad of [12.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(() => assertMinorUnits(bad)).toThrow(MoneyError);
      expect(() => formatMoney(bad, "USD")).toThrow(/whole, non-negative number of minor units/);
    }
  });

  it("parses major units into minor units per currency", () => {
    expect(parseMajorUnits("12.50", "USD")).toBe(1250);
    expect(parseMajorUnits("12.5", "USD")).toBe(1250);
    expect(parseMajorUnits("12", "USD")).toBe(1200);
    expect(parseMajorUnits("15000", "KRW")).toBe(15000);
  });

  it("refuses decimals a currency does not have", () => {
    expect(() => parseMajorUnits("12.505", "USD")).toThrow(/at most 2 decimals/);
    expect(() => parseMajorUnits("150.5", "KRW")).toThrow(/whole numbers with no decimals/);
    expect(() => parseMajorUnits("-3", "USD")).toThrow(MoneyError);
    expect(() => parseMajorUnits("abc", "KRW")).toThrow(MoneyError);
  });

  it("sums only valid minor units", () => {
    expect(sumMinorUnits([1250, 4900, 0])).toBe(6150);
    expect(() => sumMinorUnits([100, 0.5])).toThrow(MoneyError);
  });

  it("gives Stripe minor units with a lowercase currency, KRW as zero-decimal", () => {
    expect(toStripeAmount(1250, "USD")).toEqual({ unit_amount: 1250, currency: "usd" });
    expect(toStripeAmount(15000, "KRW")).toEqual({ unit_amount: 15000, currency: "krw" });
  });

  it("gives TossPayments whole won and refuses other currencies", () => {
    expect(toTossAmount(15000, "KRW")).toBe(15000);
    expect(() => toTossAmount(1250, "USD")).toThrow(/KRW only/);
  });
});
