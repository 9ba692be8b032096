// The one order of a checkout's lines wherever they are shown or sent: the
// provider's page, Toss's order name ("<first> 외 N건"), the success page and the
// receipt. Dearest first, then by title, then by product id: the same for the same
// cart on every server, so a repeated provider call sends the same parameters
// under the same idempotency key.

export interface OrderedLine {
  amount: number;
  productId: string;
  product: { title: string };
}

export function byLineOrder(a: OrderedLine, b: OrderedLine): number {
  if (a.amount !== b.amount) return b.amount - a.amount;
  if (a.product.title !== b.product.title) return a.product.title < b.product.title ? -1 : 1;
  return a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;
}
