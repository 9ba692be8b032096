import { Link } from "@remix-run/react";
import { catalogHref, pageLinks, type CatalogFilters } from "~/services/catalog/query";

/** Links between the pages of one result; every link keeps the filters. */
export function CatalogPagination({ filters, page, pageCount }: { filters: CatalogFilters; page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  return (
    <nav className="pagination" aria-label="Pages of results">
      {page > 1 ? (
        <Link to={catalogHref(filters, page - 1)} rel="prev" className="pagination-step">
          Previous
        </Link>
      ) : (
        <span className="pagination-step muted">Previous</span>
      )}
      <ol>
        {pageLinks(page, pageCount).map((link, i) =>
          link === null ? (
            <li key={`gap-${i}`} className="muted">
              …
            </li>
          ) : (
            <li key={link}>
              <Link to={catalogHref(filters, link)} aria-label={`Page ${link}`} aria-current={link === page ? "page" : undefined}>
                {link}
              </Link>
            </li>
          ),
        )}
      </ol>
      {page < pageCount ? (
        <Link to={catalogHref(filters, page + 1)} rel="next" className="pagination-step">
          Next
        </Link>
      ) : (
        <span className="pagination-step muted">Next</span>
      )}
      <span className="pagination-where">
        Page {page} of {pageCount}
      </span>
    </nav>
  );
}
