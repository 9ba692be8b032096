import type { LinksFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import stylesHref from "~/styles/app.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesHref }];

function SiteHeader() {
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        AI Marketplace
      </Link>
      <nav aria-label="Main">
        <NavLink to="/" end>
          Catalog
        </NavLink>
        <NavLink to="/cart" aria-label="Cart">
          Cart <span className="cart-count" data-testid="cart-count">0</span>
        </NavLink>
        <NavLink to="/login">Log in</NavLink>
      </nav>
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <SiteHeader />
        <main className="page">{children}</main>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    const title = error.status === 404 ? "Page not found" : `Something went wrong (${error.status})`;
    const advice =
      error.status === 404
        ? "The page you asked for does not exist or is no longer available."
        : typeof error.data === "string"
          ? error.data
          : "The request could not be completed.";
    return (
      <section className="error-page">
        <title>{title}</title>
        <h1>{title}</h1>
        <p>{advice}</p>
        <p>
          <Link to="/">Back to the catalog</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="error-page">
      <title>Something went wrong</title>
      <h1>Something went wrong</h1>
      <p>An unexpected error stopped this page. Nothing was charged. Please try again in a moment.</p>
      <p>
        <Link to="/">Back to the catalog</Link>
      </p>
    </section>
  );
}
