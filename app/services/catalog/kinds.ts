import type { ProductKind } from "~/generated/prisma/enums";

// What the shop sells, in its own words. Keyed by the schema's enum, so a new
// kind in prisma/schema.prisma does not type-check until it has a label here.
const KIND_LABELS: Record<ProductKind, string> = {
  MODEL: "Model",
  PROMPT_PACK: "Prompt pack",
  DATASET: "Dataset",
  AGENT: "Agent",
};

export const PRODUCT_KINDS = Object.keys(KIND_LABELS) as ProductKind[];

export function isProductKind(value: string): value is ProductKind {
  return Object.hasOwn(KIND_LABELS, value);
}

export function productKindLabel(kind: string): string {
  return isProductKind(kind) ? KIND_LABELS[kind] : kind;
}
