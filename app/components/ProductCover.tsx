import { COVER_HEIGHT, COVER_WIDTH } from "~/services/catalog/cover-size";

/**
 * A product's generated cover. It only repeats the kind written beside it,
 * so it is decorative (empty alt); its size is fixed so the page does not
 * move when it arrives.
 */
export function ProductCover({ src, large = false }: { src: string; large?: boolean }) {
  const scale = large ? 2 : 1;
  return (
    <img
      src={src}
      alt=""
      width={COVER_WIDTH * scale}
      height={COVER_HEIGHT * scale}
      decoding="async"
      className={large ? "cover cover-large" : "cover"}
      data-testid="product-cover"
    />
  );
}
