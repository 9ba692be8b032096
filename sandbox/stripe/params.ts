import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FormValue } from "../http.ts";
import { invalid, missing } from "./errors.ts";

// Reading and checking a Checkout Session request's form parameters, with
// Stripe's answers for what is missing, unknown or malformed.

export type Metadata = Record<string, string>;

export interface LineItem {
  name: string;
  description: string | null;
  currency: string;
  unitAmount: number;
  quantity: number;
  productId: string;
  priceId: string;
  id: string;
}


const CREATE_PARAMS = [
  "mode", "line_items", "success_url", "cancel_url", "expires_at", "metadata", "client_reference_id",
  "customer_email", "payment_intent_data", "payment_method_types", "locale", "submit_type", "expand",
  "ui_mode", "billing_address_collection", "allow_promotion_codes", "adaptive_pricing",
];

/** Refuses a parameter the endpoint does not take, as Stripe does: `parameter_unknown`, named in full (`base[key]`). */
export function rejectUnknown(params: object, allowed: readonly string[], base?: string): void {
  for (const key of Object.keys(params)) {
    if (allowed.includes(key)) continue;
    const name = base ? `${base}[${key}]` : key;
    throw invalid(`Received unknown parameter: ${name}`, name, "parameter_unknown");
  }
}

/**
 * Stripe's smallest charge per currency, in minor units
 * (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
 * A currency not listed here has no minimum in the sandbox.
 */
export const MINIMUM_CHARGE: Record<string, number> = {
  usd: 50, aud: 50, brl: 50, cad: 50, chf: 50, eur: 50, inr: 50, nzd: 50, sgd: 50,
  gbp: 30, jpy: 50, hkd: 400, mxn: 1000, dkk: 250, nok: 300, sek: 300, pln: 200,
};

/** Stripe's Checkout Session API, the subset this shop uses, kept in memory. */


export function validateCreateParams(nowSeconds: number, params: Record<string, FormValue>) {
  rejectUnknown(params, CREATE_PARAMS);
  const mode = optionalString(params, "mode");
  if (mode === undefined) throw missing("mode");
  if (!["payment", "setup", "subscription"].includes(mode)) {
    throw invalid("Invalid mode: must be one of payment, setup, or subscription", "mode");
  }
  if (mode !== "payment") {
    throw invalid(`The payment sandbox supports only mode=payment, got mode=${mode}.`, "mode");
  }
  const uiMode = optionalString(params, "ui_mode");
  if (uiMode !== undefined && uiMode !== "hosted") {
    throw invalid("The payment sandbox supports only ui_mode=hosted.", "ui_mode");
  }
  const rawItems = params.line_items;
  if (rawItems === undefined || rawItems === "") throw missing("line_items");
  if (!Array.isArray(rawItems)) throw invalid("Invalid array", "line_items", "parameter_invalid_array");
  if (rawItems.length === 0) throw missing("line_items");
  if (rawItems.length > 100) {
    throw invalid("line_items: you may pass at most 100 line items.", "line_items", "parameter_invalid_array");
  }
  const lineItems = rawItems.map((raw, index) => parseLineItem(raw, index));
  const currencies = new Set(lineItems.map((item) => item.currency));
  if (currencies.size > 1) {
    throw invalid("All line_items must share the same currency.", "line_items[1][price_data][currency]");
  }
  const total = lineItems.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
  const minimum = MINIMUM_CHARGE[lineItems[0].currency] ?? 0;
  if (total < minimum) {
    const shown = (amount: number) => (lineItems[0].currency === "jpy" ? String(amount) : (amount / 100).toFixed(2));
    throw invalid(
      `The Checkout Session's total amount due must add up to at least ${shown(minimum)} ${lineItems[0].currency}; it is ${shown(total)}.`,
      "line_items",
      "amount_too_small",
    );
  }
  const adaptive = params.adaptive_pricing;
  // Unset, Stripe follows the account's dashboard setting (API reference, adaptive_pricing.enabled): taken as on here.
  let adaptivePricing = true;
  if (adaptive !== undefined) {
    if (typeof adaptive !== "object" || Array.isArray(adaptive)) throw invalid("Invalid object", "adaptive_pricing", "parameter_invalid_object");
    rejectUnknown(adaptive, ["enabled"], "adaptive_pricing");
    if (adaptive.enabled !== undefined && adaptive.enabled !== "true" && adaptive.enabled !== "false") {
      throw invalid("Invalid boolean: adaptive_pricing[enabled]", "adaptive_pricing[enabled]", "parameter_invalid_boolean");
    }
    adaptivePricing = adaptive.enabled !== "false";
  }
  const successUrl = requiredUrl(params, "success_url");
  const cancelUrl = optionalString(params, "cancel_url") === undefined ? null : requiredUrl(params, "cancel_url");
  let expiresAt: number | undefined;
  if (params.expires_at !== undefined) {
    expiresAt = parseInteger(params.expires_at, "expires_at");
    const now = nowSeconds;
    if (expiresAt < now + 30 * 60) {
      throw invalid("The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.", "expires_at");
    }
    if (expiresAt > now + 24 * 60 * 60) {
      throw invalid("The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.", "expires_at");
    }
  }
  const clientReferenceId = optionalString(params, "client_reference_id") ?? null;
  if (clientReferenceId !== null && clientReferenceId.length > 200) {
    throw invalid("client_reference_id must be at most 200 characters.", "client_reference_id", "string_length_exceeds_maximum");
  }
  const customerEmail = optionalString(params, "customer_email") ?? null;
  if (customerEmail !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(customerEmail)) {
    throw invalid(`Invalid email address: ${customerEmail}`, "customer_email", "email_invalid");
  }
  const intentData = params.payment_intent_data;
  let paymentIntentMetadata: Metadata = {};
  let paymentIntentDescription: string | null = null;
  if (intentData !== undefined) {
    if (typeof intentData !== "object" || Array.isArray(intentData)) {
      throw invalid("Invalid object", "payment_intent_data", "parameter_invalid_object");
    }
    rejectUnknown(intentData, ["metadata", "description", "receipt_email", "statement_descriptor_suffix"], "payment_intent_data");
    paymentIntentMetadata = parseMetadata(intentData.metadata, "payment_intent_data[metadata]");
    paymentIntentDescription = typeof intentData.description === "string" ? intentData.description : null;
  }
  const expand = params.expand === undefined ? [] : (Array.isArray(params.expand) ? params.expand : [params.expand]);
  return {
    lineItems,
    successUrl,
    cancelUrl,
    expiresAt,
    clientReferenceId,
    customerEmail,
    metadata: parseMetadata(params.metadata, "metadata"),
    paymentIntentMetadata,
    paymentIntentDescription,
    locale: optionalString(params, "locale") ?? null,
    submitType: optionalString(params, "submit_type") ?? null,
    billingAddressCollection: optionalString(params, "billing_address_collection") ?? null,
    allowPromotionCodes: optionalString(params, "allow_promotion_codes") === "true" ? true : null,
    adaptivePricing,
    expand: expand.filter((v): v is string => typeof v === "string"),
  };
}


export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function optionalString(params: Record<string, FormValue>, key: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalid(`Invalid string: ${key}`, key, "parameter_invalid_string");
  return value;
}

export function parseInteger(value: FormValue | undefined, param: string): number {
  if (typeof value !== "string" || !/^-?\d+$/.test(value)) {
    throw invalid(`Invalid integer: ${typeof value === "string" ? value : "object"}`, param, "parameter_invalid_integer");
  }
  return Number(value);
}

export function requiredUrl(params: Record<string, FormValue>, key: string): string {
  const value = optionalString(params, key);
  if (value === undefined || value === "") throw missing(key);
  let parsed: URL;
  try {
    parsed = new URL(value.replace("{CHECKOUT_SESSION_ID}", "cs"));
  } catch {
    throw invalid("Not a valid URL", key, "url_invalid");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw invalid("Not a valid URL", key, "url_invalid");
  return value;
}

export function parseMetadata(value: FormValue | undefined, param: string): Metadata {
  if (value === undefined || value === "") return {};
  if (typeof value !== "object" || Array.isArray(value)) throw invalid("Invalid object", param, "parameter_invalid_object");
  const entries = Object.entries(value);
  if (entries.length > 50) throw invalid("Metadata can have at most 50 keys.", param);
  const metadata: Metadata = {};
  for (const [key, raw] of entries) {
    if (typeof raw !== "string") throw invalid("Metadata values must be strings.", `${param}[${key}]`);
    if (key.length > 40) throw invalid("Metadata keys can be at most 40 characters.", `${param}[${key}]`);
    if (raw.length > 500) throw invalid("Metadata values can be at most 500 characters.", `${param}[${key}]`);
    if (raw !== "") metadata[key] = raw;
  }
  return metadata;
}

export function parseLineItem(raw: FormValue, index: number) {
  const base = `line_items[${index}]`;
  if (typeof raw !== "object" || Array.isArray(raw)) throw invalid("Invalid object", base, "parameter_invalid_object");
  if ("price" in raw) throw invalid("The payment sandbox supports only price_data, not Price ids.", `${base}[price]`);
  rejectUnknown(raw, ["price_data", "quantity", "adjustable_quantity", "tax_rates"], base);
  const priceData = raw.price_data;
  if (priceData === undefined) throw invalid("You must specify either `price` or `price_data` in each line item.", `${base}[price_data]`, "parameter_missing");
  if (typeof priceData !== "object" || Array.isArray(priceData)) throw invalid("Invalid object", `${base}[price_data]`, "parameter_invalid_object");
  const currencyRaw = priceData.currency;
  if (currencyRaw === undefined) throw missing(`${base}[price_data][currency]`);
  if (typeof currencyRaw !== "string" || !/^[a-zA-Z]{3}$/.test(currencyRaw)) {
    throw invalid(`Invalid currency: ${String(currencyRaw)}`, `${base}[price_data][currency]`, "parameter_invalid_string");
  }
  if (priceData.unit_amount === undefined) throw missing(`${base}[price_data][unit_amount]`);
  const unitAmount = parseInteger(priceData.unit_amount, `${base}[price_data][unit_amount]`);
  if (unitAmount < 1) {
    throw invalid("This value must be greater than or equal to 1.", `${base}[price_data][unit_amount]`, "parameter_invalid_integer");
  }
  const productData = priceData.product_data;
  if (productData === undefined) {
    throw invalid("You must specify either `product` or `product_data` when creating a price.", `${base}[price_data][product_data]`, "parameter_missing");
  }
  if (typeof productData !== "object" || Array.isArray(productData)) {
    throw invalid("Invalid object", `${base}[price_data][product_data]`, "parameter_invalid_object");
  }
  const name = productData.name;
  if (typeof name !== "string" || name.trim() === "") throw missing(`${base}[price_data][product_data][name]`);
  if (raw.quantity === undefined) throw missing(`${base}[quantity]`);
  const quantity = parseInteger(raw.quantity, `${base}[quantity]`);
  if (quantity < 1) throw invalid("This value must be greater than or equal to 1.", `${base}[quantity]`, "parameter_invalid_integer");
  return {
    name,
    description: typeof productData.description === "string" ? productData.description : null,
    currency: currencyRaw.toLowerCase(),
    unitAmount,
    quantity,
  };
}
