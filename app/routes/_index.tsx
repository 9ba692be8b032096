import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ProductCard } from "~/components/ProductCard";
import { listPublishedProducts } from "~/models/product.server";
import { guard } from "~/services/route-guard.server";

export const meta: MetaFunction = () => [
  { title: "AI Marketplace: models, prompt packs, datasets and agents" },
  { name: "description", content: "Buy AI models, prompt packs, datasets and agents from independent sellers." },
];

async function load() {
  return json({ products: await listPublishedProducts() });
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);

export default function Catalog() {
  const { products } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Catalog</h1>
      {products.length === 0 ? (
        <p>No products are on sale yet.</p>
      ) : (
        <ul className="catalog">
          {products.map((product) => (
            <li key={product.id}>
              <ProductCard product={product} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
