import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TOSS_ORDER_ID, tossOrderId, tossOrderName } from "~/services/payments/toss-params";

describe("TossPayments parameters", () => {
  it("derives an orderId of 6 to 64 characters of [A-Za-z0-9_-] from the session id", () => {
    for (let i = 0; i < 100; i++) {
      const orderId = tossOrderId(randomUUID());
      expect(orderId).toMatch(TOSS_ORDER_ID);
      expect(orderId).toHaveLength(38);
    }
  });

  it("names a one-product order by its title", () => {
    expect(tossOrderName(["한국어 마케팅 카피 프롬프트 팩"])).toBe("한국어 마케팅 카피 프롬프트 팩");
  });

  it("names a larger order '<first> 외 N건'", () => {
    expect(tossOrderName(["KoBERT 리뷰 감성 분류 모델", "b", "c"])).toBe("KoBERT 리뷰 감성 분류 모델 외 2건");
  });

  it("cuts the name to 100 characters, keeping the count and whole characters", () => {
    const name = tossOrderName(["가".repeat(150), "b", "c", "d"]);
    expect([...name]).toHaveLength(100);
    expect(name.endsWith("… 외 3건")).toBe(true);
    expect([...tossOrderName(["😀".repeat(120)])]).toHaveLength(100);
  });
});

describe("the order of a checkout's lines", () => {
  it("puts the dearest product first, then sorts by title, whatever order the cart had", async () => {
    const { byLineOrder } = await import("~/services/checkout/line-order");
    const line = (amount: number, title: string, productId: string) => ({ amount, productId, product: { title } });
    const lines = [line(15000, "한국어 마케팅 카피 프롬프트 팩", "c"), line(9900, "유튜브 쇼츠", "a"), line(45000, "Korean Speech Commands Dataset", "b"), line(9900, "Webtoon", "d")];
    expect([...lines].sort(byLineOrder).map((l) => l.product.title)).toEqual([
      "Korean Speech Commands Dataset",
      "한국어 마케팅 카피 프롬프트 팩",
      "Webtoon",
      "유튜브 쇼츠",
    ]);
    expect(tossOrderName([...lines].reverse().sort(byLineOrder).map((l) => l.product.title))).toBe("Korean Speech Commands Dataset 외 3건");
  });
});
