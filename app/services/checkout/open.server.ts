import { env } from "~/env.server";
import { advanceOpenAttempt, discardUnopenedCheckout, openCheckoutSession, recordProviderCheckout, type OpenedCheckout } from "~/models/checkout.server";
import { findCheckoutProgress, type CheckoutSummary } from "~/models/checkout-lookup.server";
import { endPendingCheckout } from "~/models/settlement.server";
import type { PublicUser } from "~/models/user.server";
import { parseCheckoutItems, type CheckoutItemInput } from "~/services/checkout/input";
import { limitCheckoutPosts } from "~/services/checkout/limits.server";
import { endOpenCheckout } from "~/services/checkout/settle.server";
import { byLineOrder } from "~/services/checkout/line-order";
import { paymentProvider, referenceChosenByUs } from "~/services/payments/index.server";
import { attemptKey } from "~/services/payments/provider";
import { quoteCart } from "~/services/checkout/quote.server";
import type { CheckoutPostOptions, CheckoutPostResult, OpenCheckout } from "~/services/checkout/post-result";

const NEEDS_JAVASCRIPT =
  "Paying in won opens TossPayments' window, which needs JavaScript: turn it on and press 결제하기 again. Nothing was charged, and your cart is as it was.";
const SDK_FAILED =
  "TossPayments' window could not be opened just now (its script did not load). Nothing was charged, and your cart is as it was; press 결제하기 again in a moment.";

/** How long a post waits for another request that is opening the same provider page. */
const WAIT_FOR_OTHER_REQUEST_MS = 8_000;
const WAIT_STEP_MS = 100;

/**
 * A shopper's checkout post, from the form or the JSON API. The items are
 * read first, so bad input changes nothing (not even the rate limit); then the
 * post counts against the limits; then the cart is priced and opened.
 */
export async function checkoutPost(
  request: Request,
  user: PublicUser,
  rawItems: unknown,
  options: CheckoutPostOptions = {},
): Promise<CheckoutPostResult> {
  const items = parseCheckoutItems(rawItems);
  if (!items.ok) return { kind: "invalid", problems: [items.message] };
  const limit = await limitCheckoutPosts(request, user);
  if (limit.limited) return { kind: "limited", problems: [limit.message], retryAfterSeconds: limit.retryAfterSeconds };
  return startCheckout(user, items.items, options);
}

/**
 * Turns a cart into one checkout session with an order per product and one
 * payment, then opens the provider's checkout for it. The same cart posted
 * again while its checkout is open goes back to that checkout; another cart
 * in the same currency first ends the open one (at the provider, then here),
 * so a buyer never holds two payable pages in one currency.
 */
async function startCheckout(user: PublicUser, items: readonly CheckoutItemInput[], options: CheckoutPostOptions): Promise<CheckoutPostResult> {
  let quoted = await quoteCart(user, items);
  for (let round = 0; round < 3; round++) {
    if (!quoted.ok) return { kind: quoted.reason, problems: quoted.problems };
    const { quote } = quoted;
    const provider = paymentProvider(quote.provider);
    const inBrowser = Boolean(options.inBrowser) && provider.opensInBrowser;
    // Nothing is written for a page that cannot be opened.
    if (!inBrowser && !provider.canOpenFromServer()) return { kind: "needs-javascript", problems: [options.sdkFailed ? SDK_FAILED : NEEDS_JAVASCRIPT] };

    const opened = await openCheckoutSession({
      buyerId: user.id,
      currency: quote.currency,
      total: quote.total,
      provider: quote.provider,
      quoteHash: quote.hash,
      expiresAt: new Date(Date.now() + env().CHECKOUT_TTL_MINUTES * 60_000),
      lines: quote.lines.map((line) => ({ productId: line.productId, title: line.title, amount: line.amount })),
      reference: (sessionId) => referenceChosenByUs(quote.provider, sessionId),
    });
    const { session } = opened;
    // A page that has not been opened yet must leave the provider its minimum lifetime.
    const usableUntil = Date.now() + (session.checkoutUrl ? 60_000 : provider.minimumCheckoutLifetimeMs + 60_000);
    if (opened.kind === "created" || (opened.kind === "existing" && session.expiresAt.getTime() > usableUntil)) {
      return openAtProvider(user, session, opened.kind === "existing", inBrowser, options);
    }
    // The open checkout is for another cart, or too old to use: end it first.
    const ended = await endOpenCheckout(
      session.id,
      "EXPIRED",
      opened.kind === "other" ? { code: "SUPERSEDED", message: "A newer checkout of a changed cart replaced this one; nothing was charged for it." } : undefined,
      summaryOf(session),
    );
    if (ended === "unavailable") {
      return {
        kind: "provider-unavailable",
        problems: ["Your earlier checkout could not be closed at the payment provider just now. Nothing was charged; please try again in a moment."],
      };
    }
    // It was paid meanwhile: price the cart again, now that the buyer owns those products.
    if (ended === "settled") quoted = await quoteCart(user, items);
  }
  return { kind: "changed", problems: ["Your open checkout kept changing while this one was being opened. Nothing was charged; press 결제하기 again."] };
}

function summaryOf(session: OpenedCheckout): CheckoutSummary {
  return {
    id: session.id,
    status: "PENDING",
    total: session.total,
    currency: session.currency,
    provider: session.provider,
    expiresAt: session.expiresAt,
    checkoutUrl: session.checkoutUrl,
    payment: session.payment,
  };
}

function describe(session: OpenedCheckout, reference: string | null): OpenCheckout {
  const orders = [...session.orders].sort(byLineOrder);
  return { provider: session.provider, total: session.total, reference, titles: orders.map((order) => order.product.title) };
}

async function openAtProvider(
  user: PublicUser,
  session: OpenedCheckout,
  reused: boolean,
  inBrowser: boolean,
  options: CheckoutPostOptions,
): Promise<CheckoutPostResult> {
  if (session.checkoutUrl || inBrowser) {
    // Opened already, or the browser opens the provider's window itself from what the session holds.
    const reference = session.payment?.providerReference ?? null;
    return { kind: "opened", sessionId: session.id, redirectUrl: session.checkoutUrl, reused, checkout: describe(session, reference) };
  }
  // The lines go in their canonical order and every parameter comes from the
  // stored checkout, so every request for this session sends the same call.
  const provider = paymentProvider(session.provider);
  const orders = [...session.orders].sort(byLineOrder);
  const result = await provider.createCheckout({
    sessionId: session.id,
    buyer: { id: user.id, email: user.email, displayName: user.displayName },
    currency: session.currency,
    total: session.total,
    lines: orders.map((order) => ({ orderId: order.id, productId: order.productId, title: order.product.title, amount: order.amount })),
    expiresAt: session.expiresAt,
    reference: session.payment?.providerReference ?? null,
    idempotencyKey: attemptKey(`checkout-session-${session.id}`, session.openAttempt),
  });

  if (result.ok) {
    if (!(await recordProviderCheckout(session.id, result))) {
      // A newer cart replaced this checkout while its page was being opened.
      await provider.endCheckout({
        id: session.id,
        total: session.total,
        currency: session.currency,
        reference: result.reference,
        paymentId: null,
        confirmAttempt: 0,
      });
      return { kind: "changed", problems: ["Your cart changed in another tab while this payment was being prepared. Nothing was charged; press 결제하기 again."] };
    }
    return { kind: "opened", sessionId: session.id, redirectUrl: result.redirectUrl, reused, checkout: describe(session, result.reference) };
  }

  switch (result.kind) {
    case "busy":
      return waitForOtherRequest(session, reused);
    case "unavailable":
      console.warn(JSON.stringify({ event: "provider_checkout_unavailable", sessionId: session.id, code: result.code }));
      if (result.newKey) await advanceOpenAttempt(session.id, session.openAttempt);
      return {
        kind: "provider-unavailable",
        problems: [`The payment provider could not open the payment page (${result.message}). Nothing was charged and your cart is unchanged; please try again.`],
      };
    case "unsupported":
      // Nothing can be paid from here: a checkout this post wrote leaves no
      // trace; one an earlier post wrote stays open for the browser's window.
      if (!reused) await discardUnopenedCheckout(session.id);
      return { kind: "needs-javascript", problems: [options.sdkFailed ? SDK_FAILED : NEEDS_JAVASCRIPT] };
    case "refused":
      // Nothing was opened at the provider, so nothing is left payable.
      await endPendingCheckout(session.id, "FAILED", { code: result.code, message: result.message }, { seenCheckoutUrl: null });
      return {
        kind: "provider-refused",
        sessionId: session.id,
        problems: [`The payment provider refused to open the payment (${result.message}). Nothing was charged.`],
      };
  }
}

/**
 * Another request (perhaps on another server) holds this checkout's
 * idempotency key at the provider: it is opening the very page this post
 * wants. Waits a bounded time for it to record the page, then sends the
 * shopper there; otherwise says the page is still being prepared.
 */
async function waitForOtherRequest(session: OpenedCheckout, reused: boolean): Promise<CheckoutPostResult> {
  const deadline = Date.now() + Math.min(WAIT_FOR_OTHER_REQUEST_MS, env().PROVIDER_TIMEOUT_MS);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    const progress = await findCheckoutProgress(session.id);
    if (!progress || progress.status !== "PENDING") {
      return { kind: "changed", problems: ["This checkout ended while its payment page was being prepared. Nothing was charged; press 결제하기 again."] };
    }
    if (progress.checkoutUrl) {
      const reference = session.payment?.providerReference ?? null;
      return { kind: "opened", sessionId: session.id, redirectUrl: progress.checkoutUrl, reused, checkout: describe(session, reference) };
    }
  }
  return {
    kind: "preparing",
    sessionId: session.id,
    problems: ["The payment page is still being prepared. Nothing was charged; press 결제하기 again in a moment to continue to it."],
  };
}
