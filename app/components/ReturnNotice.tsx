/** What the login and sign-up pages say about where the shopper goes back to. */
export function ReturnNotice({ redirectTo, action }: { redirectTo: string; action: "Log in" | "Create an account" }) {
  const path = redirectTo.split(/[?#]/)[0];
  if (path === "/cart") {
    return <p className="notice">{action} to pay for your cart. It is kept while you do.</p>;
  }
  if (path.startsWith("/products/") && new URLSearchParams(redirectTo.split("?")[1] ?? "").get("buy") === "1") {
    return <p className="notice">{action} to buy this product; you come back to it afterwards, and your cart is kept.</p>;
  }
  return null;
}
