import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { loader as catalogLoader } from "~/routes/_index";
import { loader as coverLoader } from "~/routes/products.$productId_.cover[.svg]";
import { coverSvg } from "~/services/catalog/covers.server";
import { installSqlCounter } from "../../scripts/bench/sql-counter";
import { prepareDatabase, releaseDatabase } from "../support/database";
import { respond } from "../support/requests";
import { createUser } from "../support/shop";

// Every product made here carries one made-up word, and every search below
// includes it, so products that other test files make at the same time never
// show up in the counts.
const token = `zq${randomUUID().replace(/-/g, "").slice(0, 10)}`;

type Kind = "MODEL" | "PROMPT_PACK" | "DATASET" | "AGENT";
type Currency = "USD" | "KRW";

const listed: Array<{ title: string; kind: Kind; currency: Currency; summary?: string; description?: string }> = [
  { title: `${token} Alpha`, kind: "MODEL", currency: "USD" },
  { title: `${token} Beta`, kind: "MODEL", currency: "KRW" },
  { title: `${token} Gamma`, kind: "PROMPT_PACK", currency: "USD" },
  { title: `${token} Delta`, kind: "PROMPT_PACK", currency: "KRW" },
  { title: "Quietly titled agent", kind: "AGENT", currency: "USD", summary: `Its summary alone says ${token}.` },
  { title: "Plainly named agent", kind: "AGENT", currency: "KRW", description: `Its description alone says ${token.toUpperCase()}.` },
  { title: `${token} 100%_pure`, kind: "DATASET", currency: "USD" },
  ...Array.from({ length: 10 }, (_, i) => ({ title: `${token} Part ${String(i + 1).padStart(2, "0")}`, kind: "DATASET" as const, currency: "KRW" as const })),
];

interface Page {
  outcome: "page";
  products: Array<{ id: string; title: string; kind: Kind; currency: Currency; coverUrl: string }>;
  total: number;
  page: number;
  pageCount: number;
  filters: { q: string; kind: string; currency: string };
}

async function visit(search: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await respond(() => catalogLoader({ request: new Request(`http://localhost/${search}`), params: {}, context: {} }));
  return { status: response.status, body: await response.json() };
}

async function catalogPage(search: string): Promise<Page> {
  const { status, body } = await visit(search);
  expect(status, JSON.stringify(body)).toBe(200);
  return body as unknown as Page;
}

const q = (words = "") => `q=${encodeURIComponent(`${token} ${words}`.trim())}`;

let draftId = "";

beforeAll(async () => {
  await prepareDatabase();
  const seller = await createUser("seller", { isSeller: true });
  await db().product.createMany({
    data: [...listed, { title: `${token} hidden draft`, kind: "MODEL" as const, currency: "USD" as const, published: false }].map((product, i) => ({
      slug: `${token}-${i}`,
      summary: "Made by the catalog search test.",
      description: "Made by the catalog search test.",
      price: 1000 + i,
      verificationLevel: "VERIFIED" as const,
      sellerId: seller.id,
      published: true,
      ...product,
    })),
  });
  draftId = (await db().product.findUniqueOrThrow({ where: { slug: `${token}-${listed.length}` } })).id;
});
afterAll(releaseDatabase);

describe("searching the catalog", () => {
  it("finds every published product whose title, summary or description holds the word, in any case", async () => {
    for (const search of [q(), `q=${token.toUpperCase()}`]) {
      const page = await catalogPage(`?${search}`);
      expect(page.total).toBe(listed.length);
      // One holds the word in its summary only, one in its description only.
      expect(page.products.map((p) => p.title)).toEqual(expect.arrayContaining(["Quietly titled agent", "Plainly named agent"]));
    }
  });

  it("requires every word of the search, in any order", async () => {
    expect((await catalogPage(`?${q("alpha")}`)).products.map((p) => p.title)).toEqual([`${token} Alpha`]);
    expect((await catalogPage(`?q=ALPHA+${token}`)).products.map((p) => p.title)).toEqual([`${token} Alpha`]);
    expect((await catalogPage(`?q=plainly+${token}`)).products.map((p) => p.title)).toEqual(["Plainly named agent"]);
  });

  it("leaves unpublished products out", async () => {
    const page = await catalogPage(`?${q("hidden")}`);
    expect(page.total).toBe(0);
    expect((await catalogPage(`?${q()}&page=2`)).products.map((p) => p.id)).not.toContain(draftId);
  });

  it("treats % and _ as the characters themselves, not as wildcards", async () => {
    expect((await catalogPage(`?${q("%")}`)).products.map((p) => p.title)).toEqual([`${token} 100%_pure`]);
    expect((await catalogPage(`?${q("_")}`)).products.map((p) => p.title)).toEqual([`${token} 100%_pure`]);
  });

  it("answers a search that matches nothing with an empty first page", async () => {
    const page = await catalogPage(`?${q("nosuchword")}`);
    expect(page).toMatchObject({ total: 0, products: [], page: 1, pageCount: 1 });
  });
});

describe("filtering the catalog", () => {
  const cases: Array<[string, number, (p: Page["products"][number]) => boolean]> = [
    ["kind=MODEL", 2, (p) => p.kind === "MODEL"],
    ["kind=PROMPT_PACK", 2, (p) => p.kind === "PROMPT_PACK"],
    ["kind=AGENT", 2, (p) => p.kind === "AGENT"],
    ["kind=DATASET", 11, (p) => p.kind === "DATASET"],
    ["currency=USD", 4, (p) => p.currency === "USD"],
    ["currency=KRW", 13, (p) => p.currency === "KRW"],
    ["kind=DATASET&currency=KRW", 10, (p) => p.kind === "DATASET" && p.currency === "KRW"],
    ["kind=MODEL&currency=KRW", 1, (p) => p.kind === "MODEL" && p.currency === "KRW"],
    ["kind=agent&currency=usd", 1, (p) => p.kind === "AGENT" && p.currency === "USD"],
  ];
  for (const [filter, total, fits] of cases) {
    it(`${filter} keeps only the ${total} products that fit`, async () => {
      const page = await catalogPage(`?${q()}&${filter}`);
      expect(page.total).toBe(total);
      expect(page.products.length).toBe(Math.min(total, 12));
      expect(page.products.every(fits)).toBe(true);
    });
  }

  it("combines a search word with both filters", async () => {
    const page = await catalogPage(`?${q("part 07")}&kind=DATASET&currency=KRW`);
    expect(page.products.map((p) => p.title)).toEqual([`${token} Part 07`]);
    expect(page.filters).toEqual({ q: `${token} part 07`, kind: "DATASET", currency: "KRW" });
  });
});

describe("paging through the catalog", () => {
  it("shows 12 products a page, every product on exactly one page", async () => {
    const first = await catalogPage(`?${q()}`);
    const second = await catalogPage(`?${q()}&page=2`);
    expect(first).toMatchObject({ page: 1, pageCount: 2, total: listed.length });
    expect(first.products).toHaveLength(12);
    expect(second).toMatchObject({ page: 2, pageCount: 2 });
    expect(second.products).toHaveLength(listed.length - 12);
    const ids = [...first.products, ...second.products].map((p) => p.id);
    expect(new Set(ids).size).toBe(listed.length);
  });

  it("pages a filtered result within the filter", async () => {
    const second = await catalogPage(`?${q()}&currency=KRW&page=2`);
    expect(second).toMatchObject({ page: 2, pageCount: 2, total: 13 });
    expect(second.products).toHaveLength(1);
    expect(second.products[0].currency).toBe("KRW");
    expect(second.filters).toEqual({ q: token, kind: "", currency: "KRW" });
  });

  it("answers a page past the last with 404, saying how many pages there are", async () => {
    const { status, body } = await visit(`?${q()}&page=3`);
    expect(status).toBe(404);
    expect(body).toEqual({ outcome: "past-the-end", page: 3, total: listed.length, pageCount: 2, filters: { q: token, kind: "", currency: "" } });
  });

  it("reads each page with one count and one query, whatever the filters", async () => {
    const counter = installSqlCounter();
    try {
      await catalogPage(`?${q()}`); // Prisma prepares its query plans on first use
      for (const search of ["", `?${q()}&page=2`, `?${q("part")}&kind=DATASET&currency=KRW`, "?kind=MODEL"]) {
        const { statements } = await counter.measure(() => visit(search));
        expect(statements, statements.join("\n")).toHaveLength(2);
        expect(statements.filter((sql) => /COUNT\(/i.test(sql))).toHaveLength(1);
      }
    } finally {
      counter.uninstall();
    }
  });
});

describe("a catalog query the shop cannot run", () => {
  const refusals: Array<[string, RegExp]> = [
    ["kind=SPACESHIP", /no such kind of product: choose Model, Prompt pack, Dataset, Agent/],
    ["currency=EUR", /Prices are in USD or KRW/],
    [`q=${"x".repeat(101)}`, /at most 100 characters/],
    ["page=0", /from 1 to/],
    ["page=abc", /whole number/],
  ];
  for (const [search, message] of refusals) {
    it(`answers ?${search.slice(0, 20)} with 400, a message and no products`, async () => {
      const counter = installSqlCounter();
      try {
        const { result, statements } = await counter.measure(() => visit(`?${search}`));
        expect(result.status).toBe(400);
        expect(result.body.outcome).toBe("refused");
        expect((result.body.problems as string[]).join(" ")).toMatch(message);
        expect(result.body).not.toHaveProperty("products");
        expect(statements).toEqual([]);
      } finally {
        counter.uninstall();
      }
    });
  }
});

describe("product covers", () => {
  it("are linked from every card at a versioned address", async () => {
    const page = await catalogPage(`?${q()}`);
    for (const product of page.products) expect(product.coverUrl).toMatch(new RegExp(`^/products/${product.id}/cover\\.svg\\?v=[0-9a-f]{12}$`));
  });

  it("are served as SVG for a year under the resource policy at their address", async () => {
    const [product] = (await catalogPage(`?${q("alpha")}`)).products;
    const response = await respond(() =>
      coverLoader({ request: new Request(`http://localhost${product.coverUrl}`), params: { productId: product.id }, context: {} }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("Content-Security-Policy")).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(await response.text()).toBe(coverSvg({ id: product.id, kind: "MODEL" }));
  });

  it("send an address with another version on to the current one, uncached", async () => {
    const [product] = (await catalogPage(`?${q("alpha")}`)).products;
    for (const search of ["?v=0123456789ab", ""]) {
      const response = await respond(() =>
        coverLoader({ request: new Request(`http://localhost/products/${product.id}/cover.svg${search}`), params: { productId: product.id }, context: {} }),
      );
      expect(response.status).toBe(302);
      expect(response.headers.get("Location")).toBe(product.coverUrl);
      expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    }
  });

  it("are not found for an unpublished product or an id that is not one", async () => {
    for (const productId of [draftId, "not-a-uuid", randomUUID()]) {
      const response = await respond(() =>
        coverLoader({ request: new Request(`http://localhost/products/${productId}/cover.svg`), params: { productId }, context: {} }),
      );
      expect(response.status).toBe(404);
      expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    }
  });
});
