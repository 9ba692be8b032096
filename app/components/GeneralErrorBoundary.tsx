import { isRouteErrorResponse, Link, useRouteError, type ErrorResponse } from "@remix-run/react";
import type { ReactNode } from "react";

// The one error page of every route. A route names what a status means on its
// page (a missing product is not a missing checkout); every other status gets
// the shop's general wording, and an unexpected error says only that nothing
// was charged: its details stay in the server's log.

type StatusHandler = (error: ErrorResponse) => { title: string; advice: ReactNode };

const GENERAL: Record<number, StatusHandler> = {
  403: (error) => ({ title: "This form could not be accepted", advice: textOf(error) ?? "Reload the page and try again." }),
  404: () => ({ title: "Page not found", advice: "The page you asked for does not exist or is no longer available." }),
  429: (error) => ({ title: "Too many attempts", advice: textOf(error) ?? "Wait a moment and try again." }),
  503: (error) => ({ title: "The shop is briefly unavailable", advice: textOf(error) ?? "Please try again in a moment." }),
};

function textOf(error: ErrorResponse): string | null {
  return typeof error.data === "string" && error.data ? error.data : null;
}

/** For the pages of one checkout: another shopper's, or a wrong id, is simply not there. */
export const CHECKOUT_NOT_FOUND: Partial<Record<number, StatusHandler>> = {
  404: () => ({ title: "Checkout not found", advice: "There is no such checkout in your account." }),
};

const fallback: StatusHandler = (error) => ({
  title: `Something went wrong (${error.status})`,
  advice: textOf(error) ?? "The request could not be completed.",
});

export function GeneralErrorBoundary({ statusHandlers = {} }: { statusHandlers?: Partial<Record<number, StatusHandler>> }) {
  const error = useRouteError();
  const { title, advice } = isRouteErrorResponse(error)
    ? (statusHandlers[error.status] ?? GENERAL[error.status] ?? fallback)(error)
    : { title: "Something went wrong", advice: "An unexpected error stopped this page. Nothing was charged. Please try again in a moment." };
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
