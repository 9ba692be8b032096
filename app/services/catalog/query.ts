import { z } from "zod";
import type { ProductKind } from "~/generated/prisma/enums";
import { CURRENCIES, type CurrencyCode } from "~/services/money";
import { isProductKind, PRODUCT_KINDS, productKindLabel } from "./kinds";

// The catalog's address is its query: `/?q=&kind=&currency=&page=`. The search
// form is a plain GET form, so these are exactly what a browser without
// JavaScript sends, and the links between pages are built from them again.

export const CATALOG_PAGE_SIZE = 12;
export const MAX_SEARCH_LENGTH = 100;
/** Far past any real catalog; it only keeps OFFSET bounded. */
const MAX_PAGE = 10_000;

export interface CatalogQuery {
  q: string;
  kind: ProductKind | null;
  currency: CurrencyCode | null;
  page: number;
}

/** The filters of a query, as the search form shows them (empty: any). */
export interface CatalogFilters {
  q: string;
  kind: string;
  currency: string;
}

const isCurrency = (value: string): value is CurrencyCode => (CURRENCIES as readonly string[]).includes(value);

const Kind = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .refine((value) => value === "" || isProductKind(value), {
    message: `There is no such kind of product: choose ${PRODUCT_KINDS.map(productKindLabel).join(", ")}, or all kinds.`,
  })
  .transform((value) => (value === "" ? null : (value as ProductKind)));

const Currency = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .refine((value) => value === "" || isCurrency(value), {
    message: `Prices are in ${CURRENCIES.join(" or ")}: choose one of them, or any currency.`,
  })
  .transform((value) => (value === "" ? null : (value as CurrencyCode)));

const Page = z
  .string()
  .trim()
  .regex(/^\d+$/, "The page number must be a whole number, 1 or more.")
  .transform(Number)
  .refine((page) => page >= 1 && page <= MAX_PAGE, `The page number must be from 1 to ${MAX_PAGE}.`);

const CatalogQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .max(MAX_SEARCH_LENGTH, `Search for at most ${MAX_SEARCH_LENGTH} characters.`),
  kind: Kind,
  currency: Currency,
  page: Page,
});

export type ParsedCatalogQuery =
  | { ok: true; query: CatalogQuery }
  | { ok: false; problems: string[]; filters: CatalogFilters };

/** Reads the catalog's query string; the first value of each field counts, unknown fields are ignored. */
export function parseCatalogQuery(params: URLSearchParams): ParsedCatalogQuery {
  const raw = {
    q: params.get("q") ?? "",
    kind: params.get("kind") ?? "",
    currency: params.get("currency") ?? "",
    page: params.get("page") || "1",
  };
  const parsed = CatalogQuerySchema.safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  const fields = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
  const problems = [...new Set(parsed.error.issues.map((issue) => issue.message))];
  return {
    ok: false,
    problems,
    filters: {
      q: raw.q,
      kind: fields.has("kind") ? "" : raw.kind.trim().toUpperCase(),
      currency: fields.has("currency") ? "" : raw.currency.trim().toUpperCase(),
    },
  };
}

export function filtersOf(query: CatalogQuery): CatalogFilters {
  return { q: query.q, kind: query.kind ?? "", currency: query.currency ?? "" };
}

export function isFiltered(filters: CatalogFilters): boolean {
  return filters.q !== "" || filters.kind !== "" || filters.currency !== "";
}

/** The words a product must all contain (in its title, summary or description), each once. */
export function searchWords(q: string): string[] {
  const seen = new Map<string, string>();
  for (const word of q.split(/\s+/)) {
    if (word && !seen.has(word.toLowerCase())) seen.set(word.toLowerCase(), word);
  }
  return [...seen.values()];
}

/** The catalog's address for these filters and page; empty filters and page 1 are left out. */
export function catalogHref(filters: CatalogFilters, page = 1): string {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.kind) params.set("kind", filters.kind);
  if (filters.currency) params.set("currency", filters.currency);
  if (page > 1) params.set("page", String(page));
  const search = params.toString();
  return search ? `/?${search}` : "/";
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / CATALOG_PAGE_SIZE));
}

/**
 * The page links to show: the first and last page, and the current one with
 * its neighbours; `null` stands for the pages left out between them.
 */
export function pageLinks(current: number, last: number): Array<number | null> {
  if (last <= 7) return Array.from({ length: last }, (_, i) => i + 1);
  const shown = new Set([1, last, current - 1, current, current + 1].filter((page) => page >= 1 && page <= last));
  const pages = [...shown].sort((a, b) => a - b);
  const links: Array<number | null> = [];
  pages.forEach((page, i) => {
    if (i > 0 && page - pages[i - 1] > 1) links.push(page - pages[i - 1] === 2 ? page - 1 : null);
    links.push(page);
  });
  return links;
}
