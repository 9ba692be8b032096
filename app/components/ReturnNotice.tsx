/** What the login and sign-up pages say about where the shopper goes back to. */
export function ReturnNotice({ redirectTo, action }: { redirectTo: string; action: "Log in" | "Create an account" }) {
  // Only read here to choose a sentence; the server checks the target itself.
  let target: URL;
  try {
    target = new URL(redirectTo, "http://shop.invalid");
  } catch {
    return null;
  }
  if (target.pathname === "/cart") {
    return <p className="notice">{action} to pay for your cart. It is kept while you do.</p>;
  }
  if (target.pathname.startsWith("/products/") && target.searchParams.get("buy") === "1") {
    return <p className="notice">{action} to buy this product; you come back to it afterwards, and your cart is kept.</p>;
  }
  return null;
}
