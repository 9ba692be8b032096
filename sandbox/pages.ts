import { escapeHtml as e } from "./http.ts";

/** Formats an amount in the currency's minor unit (cents for USD, won for KRW). */
export function formatMinor(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  const locale = code === "KRW" ? "ko-KR" : "en-US";
  const format = new Intl.NumberFormat(locale, { style: "currency", currency: code });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

function layout(title: string, body: string, lang = "en"): string {
  return `<!doctype html>
<html lang="${e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; color: #1a1f36; }
  .banner { background: #fff4e5; border: 1px solid #f5a623; padding: .5rem .75rem; border-radius: 6px; font-size: .9rem; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
  td, th { padding: .4rem 0; border-bottom: 1px solid #e3e8ee; text-align: left; }
  td.num, th.num { text-align: right; }
  .total { font-weight: 700; font-size: 1.2rem; }
  .error { background: #fde8e8; border: 1px solid #e25950; padding: .75rem; border-radius: 6px; }
  form { display: inline-block; margin: .5rem .5rem 0 0; }
  button { font-size: 1rem; padding: .6rem 1.2rem; border-radius: 6px; border: 1px solid #8792a2; background: #fff; cursor: pointer; }
  button.primary { background: #635bff; color: #fff; border-color: #635bff; }
</style>
</head>
<body>
<header><p class="banner">Payment sandbox — no real money moves.</p></header>
<main>
${body}
</main>
</body>
</html>`;
}

export interface CheckoutLine {
  name: string;
  quantity: number;
  unitAmount: number;
  currency: string;
}

export function stripeCheckoutPage(input: {
  sessionId: string;
  lines: CheckoutLine[];
  total: number;
  currency: string;
  email: string | null;
  error?: string;
}): string {
  const base = `/c/pay/${encodeURIComponent(input.sessionId)}`;
  const rows = input.lines
    .map(
      (line) => `<tr>
  <td>${e(line.name)}</td>
  <td class="num">${e(line.quantity)} × ${e(formatMinor(line.unitAmount, line.currency))}</td>
  <td class="num">${e(formatMinor(line.unitAmount * line.quantity, line.currency))}</td>
</tr>`,
    )
    .join("\n");
  const error = input.error ? `<p class="error" role="alert">${e(input.error)}</p>` : "";
  return layout(
    "Checkout (Stripe sandbox)",
    `<h1>Pay Sandbox Marketplace</h1>
${error}
<table aria-label="Order summary">
<thead><tr><th>Item</th><th class="num">Qty × price</th><th class="num">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><td colspan="2">Total due</td><td class="num total" data-testid="total">${e(formatMinor(input.total, input.currency))}</td></tr></tfoot>
</table>
${input.email ? `<p>Email: ${e(input.email)}</p>` : ""}
<p>Card: 4242 4242 4242 4242 (sandbox)</p>
<form method="post" action="${e(base)}/pay"><button class="primary" type="submit">Pay ${e(formatMinor(input.total, input.currency))}</button></form>
<form method="post" action="${e(base)}/decline"><button type="submit">Decline card</button></form>
<form method="post" action="${e(base)}/cancel"><button type="submit">Cancel and return</button></form>`,
  );
}

export function tossWindowPage(input: {
  paymentKey: string;
  orderName: string;
  amount: number;
}): string {
  const base = `/v1/payments/${encodeURIComponent(input.paymentKey)}/checkout`;
  return layout(
    "토스페이먼츠 결제 (sandbox)",
    `<h1>토스페이먼츠 결제창</h1>
<table aria-label="주문 요약">
<tr><th>주문</th><td>${e(input.orderName)}</td></tr>
<tr><th>결제 금액</th><td class="total" data-testid="total">${e(formatMinor(input.amount, "KRW"))}</td></tr>
<tr><th>결제 수단</th><td>카드</td></tr>
</table>
<form method="post" action="${e(base)}/approve"><button class="primary" type="submit">결제 승인</button></form>
<form method="post" action="${e(base)}/decline"><button type="submit">카드 거절</button></form>
<form method="post" action="${e(base)}/cancel"><button type="submit">결제 취소</button></form>`,
    "ko",
  );
}

/**
 * An end page. `shopUrl`: where the shop that sent the shopper lives (the
 * origin of its return URLs); the page links back to it.
 */
export function messagePage(title: string, message: string, lang = "en", shopUrl: string | null = null): string {
  const back = shopUrl ? `\n<p><a href="${e(shopUrl)}">${lang === "ko" ? "상점으로 돌아가기" : "Return to the shop"}</a></p>` : "";
  return layout(title, `<h1>${e(title)}</h1>\n<p class="error" role="alert">${e(message)}</p>${back}`, lang);
}

/** The shop's home page for a return URL the shop gave, or null. */
export function shopHome(returnUrl: string | null | undefined): string | null {
  if (!returnUrl) return null;
  try {
    return `${new URL(returnUrl).origin}/`;
  } catch {
    return null;
  }
}
