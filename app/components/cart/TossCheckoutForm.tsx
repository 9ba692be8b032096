import { useFetcher, useSubmit } from "@remix-run/react";
import { loadTossPayments } from "@tosspayments/payment-sdk";
import { useEffect, useRef, useState } from "react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { useHydrated } from "remix-utils/use-hydrated";
import { serializeCheckoutItems, type CartItem } from "~/services/cart/cart";
import type { BrowserCheckout } from "~/services/payments/browser-checkout.server";

// 결제하기 for the KRW group. With JavaScript the post (marked `enhanced`)
// answers what TossPayments' SDK needs, and the page opens the window through
// the SDK: Toss's documented way, with no server-side window call. Without
// JavaScript it is the plain form post, which the server answers with the
// window it creates (TOSS_SERVER_WINDOW) or a page asking for JavaScript. If
// the SDK cannot be loaded or refuses, the page sends that plain post
// (marked `fallback`) for the same checkout.

type CheckoutAnswer = BrowserCheckout | { ok: false; message: string; problems?: string[] };

/** How long the SDK script may take to load before the server-created window is used. */
const SDK_LOAD_TIMEOUT_MS = 8_000;

/** The shopper closed Toss's window: not a failure to fall back from. */
const CANCEL_CODES = new Set(["USER_CANCEL", "PAY_PROCESS_CANCELED"]);

function errorCode(error: unknown): string | null {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : null;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The TossPayments SDK did not load within ${ms} ms.`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function openPaymentWindow(answer: BrowserCheckout): Promise<"leaving" | "canceled" | "fallback"> {
  const { toss } = answer;
  if (toss) {
    try {
      const payments = await withTimeout(loadTossPayments(toss.clientKey, { src: toss.sdkUrl }), SDK_LOAD_TIMEOUT_MS);
      await payments.requestPayment(toss.method, toss.payment);
      return "leaving";
    } catch (error) {
      if (CANCEL_CODES.has(errorCode(error) ?? "")) return "canceled";
      console.warn("TossPayments SDK unavailable; asking the server for its payment window instead.", error);
    }
  }
  if (answer.redirectUrl) {
    window.location.assign(answer.redirectUrl);
    return "leaving";
  }
  return "fallback";
}

export function TossCheckoutForm({ items }: { items: CartItem[] }) {
  const fetcher = useFetcher<CheckoutAnswer>();
  const submit = useSubmit();
  const hydrated = useHydrated();
  const [opening, setOpening] = useState(false);
  const [canceled, setCanceled] = useState(false);
  const handled = useRef<CheckoutAnswer | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const answer = fetcher.data;

  useEffect(() => {
    if (!answer || fetcher.state !== "idle" || handled.current === answer || !answer.ok) return;
    handled.current = answer;
    setOpening(true);
    setCanceled(false);
    void openPaymentWindow(answer).then((outcome) => {
      if (outcome === "canceled") {
        setOpening(false);
        setCanceled(true);
      } else if (outcome === "fallback" && formRef.current) {
        // The same post as without JavaScript, for the same checkout: the server's window, or its explanation.
        const form = new FormData(formRef.current);
        form.delete("enhanced");
        form.set("fallback", "1");
        submit(form, { method: "post", action: "/cart" });
      }
    });
  }, [answer, fetcher.state, submit]);

  const busy = fetcher.state !== "idle" || opening;
  return (
    <fetcher.Form ref={formRef} method="post" action="/cart" className="checkout-form" onSubmit={() => setCanceled(false)}>
      <AuthenticityTokenInput />
      <input type="hidden" name="intent" value="checkout" />
      <input type="hidden" name="items" value={serializeCheckoutItems(items)} />
      {hydrated ? <input type="hidden" name="enhanced" value="1" /> : null}
      <button type="submit" className="button" disabled={busy}>
        <span lang="ko">{busy ? "결제 준비 중…" : "결제하기"}</span>
      </button>
      {answer && !answer.ok && fetcher.state === "idle" ? (
        <div className="alert" role="alert">
          <p>{answer.message}</p>
          {answer.problems ? (
            <ul>
              {answer.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {canceled ? (
        <p className="notice" role="status">
          <span lang="ko">결제를 취소했습니다.</span> Nothing was charged; press <span lang="ko">결제하기</span> to try again.
        </p>
      ) : null}
    </fetcher.Form>
  );
}
