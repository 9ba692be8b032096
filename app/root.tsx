import { json, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { AuthenticityTokenInput, AuthenticityTokenProvider } from "remix-utils/csrf/react";
import { CartProvider, useCart } from "~/components/cart/useCart";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { useNonce } from "~/components/nonce";
import { loadLayout } from "~/services/web/layout.server";
import { guard } from "~/services/web/route-guard.server";
import { passRetryAfter } from "~/services/web/route-headers";
import stylesHref from "~/styles/app.css";

export const headers = passRetryAfter;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "icon", href: "/favicon.ico", sizes: "32x32" },
];

async function load({ request }: LoaderFunctionArgs) {
  const { data, headers } = await loadLayout(request);
  return json(data, { headers });
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);

export type RootData = Awaited<ReturnType<typeof loadLayout>>["data"];

export function useRootData(): RootData | undefined {
  return useRouteLoaderData<typeof loader>("root") as RootData | undefined;
}

function CartLink() {
  const { count } = useCart();
  return (
    <NavLink to="/cart" aria-label={`Cart, ${count} ${count === 1 ? "item" : "items"}`}>
      Cart <span className="cart-count" data-testid="cart-count">{count}</span>
    </NavLink>
  );
}

function SiteHeader({ user }: { user: RootData["user"] | null }) {
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        AI Marketplace
      </Link>
      <nav aria-label="Main">
        <NavLink to="/" end>
          Catalog
        </NavLink>
        <CartLink />
        {user ? (
          <>
            <NavLink to="/account/purchases">Library</NavLink>
            <span className="user-name muted" title={user.displayName}>
              {user.displayName}
            </span>
            <Form method="post" action="/logout" className="inline-form">
              <AuthenticityTokenInput />
              <button type="submit" className="link-button">
                Log out
              </button>
            </Form>
          </>
        ) : (
          <>
            <NavLink to="/login">Log in</NavLink>
            <NavLink to="/signup">Sign up</NavLink>
          </>
        )}
      </nav>
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRootData();
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <AuthenticityTokenProvider token={data?.csrfToken ?? ""}>
          <CartProvider serverItems={data?.cart.items ?? []}>
            <SiteHeader user={data?.user ?? null} />
            <main className="page">
              {data?.notices.map((notice) => (
                <p key={notice} className="notice" role="status">
                  {notice}
                </p>
              ))}
              {children}
            </main>
          </CartProvider>
        </AuthenticityTokenProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
