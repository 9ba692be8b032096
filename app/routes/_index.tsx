import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { CatalogPagination } from "~/components/CatalogPagination";
import { CatalogSearchForm } from "~/components/CatalogSearchForm";
import { ProductCard } from "~/components/ProductCard";
import { browseCatalog } from "~/services/catalog/browse.server";
import { catalogHref, filtersOf, isFiltered, parseCatalogQuery } from "~/services/catalog/query";
import { guard } from "~/services/web/route-guard.server";
import { passRetryAfter } from "~/services/web/route-headers";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

export const meta: MetaFunction = () => [
  { title: "AI Marketplace: models, prompt packs, datasets and agents" },
  { name: "description", content: "Buy AI models, prompt packs, datasets and agents from independent sellers." },
];

async function load({ request }: LoaderFunctionArgs) {
  const asked = parseCatalogQuery(new URL(request.url).searchParams);
  if (!asked.ok) {
    return json({ outcome: "refused", filters: asked.filters, problems: asked.problems } as const, { status: 400 });
  }
  const filters = filtersOf(asked.query);
  const answer = await browseCatalog(asked.query);
  switch (answer.kind) {
    case "page":
      return json({ outcome: "page", filters, ...answer } as const);
    case "past-the-end":
      return json(
        { outcome: "past-the-end", filters, page: asked.query.page, total: answer.total, pageCount: answer.pageCount } as const,
        { status: 404 },
      );
  }
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);

function productCount(total: number): string {
  return `${total} ${total === 1 ? "product" : "products"}`;
}

export default function Catalog() {
  const view = useLoaderData<typeof loader>();
  const { search } = useLocation();
  return (
    <>
      <h1>Catalog</h1>
      {/* A new address is a new form: the fields show what the page shows, also after a link cleared them. */}
      <CatalogSearchForm key={search} filters={view.filters} />
      {view.outcome === "refused" ? (
        <div className="alert" role="alert">
          <p>This search could not be run:</p>
          <ul>
            {view.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
          <p>
            <Link to="/">Show all products</Link>
          </p>
        </div>
      ) : view.outcome === "past-the-end" ? (
        <div className="alert" role="alert">
          <p>
            There is no page {view.page}: the {productCount(view.total)} found fill {view.pageCount}{" "}
            {view.pageCount === 1 ? "page" : "pages"}.
          </p>
          <p>
            <Link to={catalogHref(view.filters, view.pageCount)}>Go to the last page</Link>
          </p>
        </div>
      ) : view.products.length === 0 ? (
        isFiltered(view.filters) ? (
          <p className="catalog-empty">
            No products match your search. <Link to="/">Show all products</Link>
          </p>
        ) : (
          <p className="catalog-empty">No products are on sale yet.</p>
        )
      ) : (
        <>
          <p className="result-count" role="status" data-testid="result-count">
            {productCount(view.total)}
          </p>
          <ul className="catalog">
            {view.products.map((product) => (
              <li key={product.id}>
                <ProductCard product={product} />
              </li>
            ))}
          </ul>
          <CatalogPagination filters={view.filters} page={view.page} pageCount={view.pageCount} />
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

export const headers = passRetryAfter;
