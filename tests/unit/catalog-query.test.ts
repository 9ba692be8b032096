import { describe, expect, it } from "vitest";
import { catalogHref, pageLinks, parseCatalogQuery, searchWords } from "~/services/catalog/query";

const parse = (search: string) => parseCatalogQuery(new URLSearchParams(search));

describe("reading the catalog's query string", () => {
  it("takes no parameters as the first page of everything", () => {
    expect(parse("")).toEqual({ ok: true, query: { q: "", kind: null, currency: null, page: 1 } });
    expect(parse("q=&kind=&currency=&page=")).toEqual({ ok: true, query: { q: "", kind: null, currency: null, page: 1 } });
  });

  it("trims the search and reads kind and currency in any case", () => {
    expect(parse("q=%20%20sql%20copilot%20&kind=prompt_pack&currency=krw&page=3")).toEqual({
      ok: true,
      query: { q: "sql copilot", kind: "PROMPT_PACK", currency: "KRW", page: 3 },
    });
  });

  it("refuses an unknown kind, an unknown currency, a search over 100 characters and a page that is not a whole number from 1, naming each", () => {
    const refused = parse(`q=${"x".repeat(101)}&kind=SPACESHIP&currency=EUR&page=0`);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.problems).toEqual([
      "Search for at most 100 characters.",
      "There is no such kind of product: choose Model, Prompt pack, Dataset, Agent, or all kinds.",
      "Prices are in USD or KRW: choose one of them, or any currency.",
      "The page number must be from 1 to 10000.",
    ]);
    expect(refused.filters).toEqual({ q: "x".repeat(101), kind: "", currency: "" });
  });

  it("accepts a search of exactly 100 characters", () => {
    expect(parse(`q=${"x".repeat(100)}`).ok).toBe(true);
  });

  it("refuses pages such as -1, 1.5, abc and 10001", () => {
    for (const page of ["-1", "1.5", "abc", "10001", "1e3"]) expect(parse(`page=${page}`).ok, page).toBe(false);
  });

  it("keeps the valid filters of a refused query for the form", () => {
    const refused = parse("q=dataset&kind=DATASET&currency=EUR");
    expect(refused).toEqual({ ok: false, problems: [expect.stringMatching(/USD or KRW/)], filters: { q: "dataset", kind: "DATASET", currency: "" } });
  });
});

describe("the words of a search", () => {
  it("splits on any white space and keeps each word once, whatever its case", () => {
    expect(searchWords("  Korean\tlegal  KOREAN qa ")).toEqual(["Korean", "legal", "qa"]);
    expect(searchWords("")).toEqual([]);
  });
});

describe("the catalog's addresses", () => {
  it("leave out empty filters and page 1", () => {
    expect(catalogHref({ q: "", kind: "", currency: "" })).toBe("/");
    expect(catalogHref({ q: "", kind: "", currency: "" }, 1)).toBe("/");
    expect(catalogHref({ q: "sql & more", kind: "DATASET", currency: "KRW" }, 2)).toBe("/?q=sql+%26+more&kind=DATASET&currency=KRW&page=2");
  });

  it("read back as the query they were built from", () => {
    const href = catalogHref({ q: "한국어 팩", kind: "PROMPT_PACK", currency: "USD" }, 4);
    expect(parse(href.slice(2))).toEqual({ ok: true, query: { q: "한국어 팩", kind: "PROMPT_PACK", currency: "USD", page: 4 } });
  });
});

describe("the page links", () => {
  it("list every page of a short result", () => {
    expect(pageLinks(1, 1)).toEqual([1]);
    expect(pageLinks(3, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("show the first, the last and the current page with its neighbours, and mark what is left out", () => {
    expect(pageLinks(1, 20)).toEqual([1, 2, null, 20]);
    expect(pageLinks(10, 20)).toEqual([1, null, 9, 10, 11, null, 20]);
    expect(pageLinks(20, 20)).toEqual([1, null, 19, 20]);
    expect(pageLinks(4, 20)).toEqual([1, 2, 3, 4, 5, null, 20]);
  });
});
