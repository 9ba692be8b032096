import { z } from "zod";
import { MAX_CART_ITEMS } from "~/services/cart/cart";
import { CURRENCIES } from "~/services/money";

// What a checkout post must carry: the items the shopper saw. Prices here are
// only compared with the database's; they never set what is charged.

export const CheckoutItem = z.object({
  id: z.string().uuid("Each item needs a product id."),
  price: z
    .number({ invalid_type_error: "Each price must be a number." })
    .int("Prices are whole numbers of cents or won.")
    .nonnegative("Prices cannot be negative.")
    .safe(),
  currency: z.enum(CURRENCIES, { errorMap: () => ({ message: "Currency must be USD or KRW." }) }),
  // Digital products are bought once: a quantity may be sent, but only 1.
  quantity: z
    .literal(1, { errorMap: () => ({ message: "Each product is bought once: quantity must be 1 (or left out)." }) })
    .optional(),
});

export const CheckoutItems = z
  .array(CheckoutItem)
  .min(1, "The cart is empty: add a product before paying.")
  .max(MAX_CART_ITEMS, `A checkout holds at most ${MAX_CART_ITEMS} products.`)
  .refine((items) => new Set(items.map((item) => item.id)).size === items.length, {
    message: "Each product can be in a checkout once; reload the cart page and try again.",
  });

export type CheckoutItemInput = z.infer<typeof CheckoutItem>;

export type ParsedItems = { ok: true; items: CheckoutItemInput[] } | { ok: false; message: string };

/**
 * Parses the `items` field (JSON text from the form, or a value from a JSON
 * body). Its size is bounded by the request body limit (request-body.server.ts).
 */
export function parseCheckoutItems(value: unknown): ParsedItems {
  if (value === undefined || value === null || value === "") {
    return { ok: false, message: "No items were sent with this checkout. Reload the cart page and try again." };
  }
  let data = value;
  if (typeof value === "string") {
    try {
      data = JSON.parse(value);
    } catch {
      return { ok: false, message: "The cart could not be read. Reload the cart page and try again." };
    }
  }
  const parsed = CheckoutItems.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.path.length === 0 && issue.code === "invalid_type") {
      return { ok: false, message: "The items must be a list of {id, price, currency}. Reload the cart page and try again." };
    }
    const where = issue.path.length > 0 && typeof issue.path[0] === "number" ? `Item ${issue.path[0] + 1}: ` : "";
    return { ok: false, message: `${where}${issue.message}` };
  }
  return { ok: true, items: parsed.data };
}
