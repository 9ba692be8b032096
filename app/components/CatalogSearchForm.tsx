import { Form, Link } from "@remix-run/react";
import { PRODUCT_KINDS, productKindLabel } from "~/services/catalog/kinds";
import { isFiltered, MAX_SEARCH_LENGTH, type CatalogFilters } from "~/services/catalog/query";
import type { CurrencyCode } from "~/services/money";

const CURRENCY_LABELS: Record<CurrencyCode, string> = { USD: "US dollars (USD)", KRW: "Korean won (KRW)" };

/** The catalog's search: a GET form, so it works the same with JavaScript off. */
export function CatalogSearchForm({ filters }: { filters: CatalogFilters }) {
  return (
    <Form method="get" action="/" role="search" className="catalog-search">
      <label className="catalog-search-text">
        Search
        <input type="search" name="q" defaultValue={filters.q} maxLength={MAX_SEARCH_LENGTH} placeholder="Title or description" />
      </label>
      <label>
        Kind
        <select name="kind" defaultValue={filters.kind}>
          <option value="">All kinds</option>
          {PRODUCT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {productKindLabel(kind)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Currency
        <select name="currency" defaultValue={filters.currency}>
          <option value="">Any currency</option>
          {(Object.keys(CURRENCY_LABELS) as CurrencyCode[]).map((currency) => (
            <option key={currency} value={currency}>
              {CURRENCY_LABELS[currency]}
            </option>
          ))}
        </select>
      </label>
      <div className="catalog-search-actions">
        <button type="submit" className="button">
          Search
        </button>
        {isFiltered(filters) ? <Link to="/">Clear filters</Link> : null}
      </div>
    </Form>
  );
}
