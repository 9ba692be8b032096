import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { findPublishedCoverSubject } from "~/models/product.server";
import { productCover } from "~/services/catalog/covers.server";
import { guard } from "~/services/web/route-guard.server";

// `/products/<id>/cover.svg?v=<version>`: the product's generated cover. The
// version is part of the address, so the picture at one address never
// changes and may be kept for a year; an address with any other version is
// sent on to the current one (and not cached), so only current pictures are
// ever stored. The guard adds the resource routes' policy (`default-src
// 'none'; sandbox`): opened on its own the SVG can load and run nothing,
// and an <img> draws it all the same.

const Params = z.object({ productId: z.string().uuid() });

async function load({ request, params }: LoaderFunctionArgs) {
  const parsed = Params.safeParse(params);
  const product = parsed.success ? await findPublishedCoverSubject(parsed.data.productId) : null;
  if (!product) {
    return new Response("No product on sale has this id.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const cover = productCover(product);
  if (new URL(request.url).searchParams.get("v") !== cover.version) return redirect(cover.url, 302);
  return new Response(cover.svg, {
    headers: {
      "Content-Type": "image/svg+xml; charset=utf-8",
      "Cache-Control": "public, max-age=31536000, immutable",
    },
  });
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);
