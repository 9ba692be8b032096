import { findCatalogPage } from "~/models/product.server";
import { coverUrl } from "./covers.server";
import { CATALOG_PAGE_SIZE, pageCount, searchWords, type CatalogQuery } from "./query";

export type CatalogAnswer =
  | {
      kind: "page";
      products: Array<Awaited<ReturnType<typeof findCatalogPage>>["products"][number] & { coverUrl: string }>;
      /** Products matching the query, on every page. */
      total: number;
      page: number;
      pageCount: number;
    }
  | { kind: "past-the-end"; total: number; pageCount: number };

/**
 * One page of the catalog for a query. A page past the last one of a
 * non-empty result is answered as such rather than with the last page, so an
 * address never shows other products than the ones it names.
 */
export async function browseCatalog(query: CatalogQuery): Promise<CatalogAnswer> {
  const { total, products } = await findCatalogPage(
    { words: searchWords(query.q), kind: query.kind, currency: query.currency },
    { skip: (query.page - 1) * CATALOG_PAGE_SIZE, take: CATALOG_PAGE_SIZE },
  );
  const pages = pageCount(total);
  if (total > 0 && query.page > pages) return { kind: "past-the-end", total, pageCount: pages };
  return {
    kind: "page",
    products: products.map((product) => ({ ...product, coverUrl: coverUrl(product) })),
    total,
    page: query.page,
    pageCount: pages,
  };
}
