import { createHash } from "node:crypto";
import { COVER_HEIGHT, COVER_WIDTH } from "./cover-size";
import { productKindLabel } from "./kinds";

// Every product's cover is drawn from its id and kind alone: the same product
// always gets the same picture, on every server, without storing anything.
// The colours and shapes come from a hash of the id; the kind picks the
// palette and the motif and is written on the cover. No text a seller wrote
// goes into the picture, and the one label that does is escaped all the same:
// an SVG is an XML document wherever it is opened.

export interface CoverSubject {
  id: string;
  kind: string;
}

export interface Cover {
  svg: string;
  /** Changes whenever the picture does, so its URL can be cached for good. */
  version: string;
  url: string;
}

const KIND_HUES: Record<string, number> = { MODEL: 252, PROMPT_PACK: 328, DATASET: 188, AGENT: 146 };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Numbers in [0, 1) drawn from the SHA-256 of the id, as many as asked for. */
function drawsFrom(id: string): () => number {
  let block = 0;
  let bytes = createHash("sha256").update(`${id}/${block}`).digest();
  let offset = 0;
  return () => {
    if (offset + 2 > bytes.length) {
      block += 1;
      bytes = createHash("sha256").update(`${id}/${block}`).digest();
      offset = 0;
    }
    const value = bytes.readUInt16BE(offset) / 65536;
    offset += 2;
    return value;
  };
}

function between(draw: () => number, low: number, high: number): number {
  return Math.round(low + draw() * (high - low));
}

function hex(hue: number, saturation: number, lightness: number): string {
  const s = saturation / 100;
  const l = lightness / 100;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    const value = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

const WHITE = 'fill="#ffffff"';

/** Nodes joined by edges: a model. */
function network(draw: () => number): string {
  const nodes = Array.from({ length: 7 }, (_, i) => ({
    x: 150 + i * 34 + between(draw, -12, 12),
    y: between(draw, 36, 164),
    r: between(draw, 5, 11),
  }));
  const edges = nodes.slice(1).map((node, i) => [nodes[i], node]);
  for (let i = 0; i + 3 < nodes.length; i += 2) edges.push([nodes[i], nodes[i + 3]]);
  return [
    ...edges.map(([a, b]) => `<line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" stroke="#ffffff" stroke-opacity="0.45" stroke-width="2"/>`),
    ...nodes.map((node) => `<circle cx="${node.x}" cy="${node.y}" r="${node.r}" ${WHITE} fill-opacity="0.85"/>`),
  ].join("");
}

/** A stack of cards with lines of text: a prompt pack. */
function cardStack(draw: () => number): string {
  const x = between(draw, 170, 210);
  const y = between(draw, 30, 50);
  const cards = [2, 1, 0].map(
    (depth) =>
      `<rect x="${x + depth * 18}" y="${y + depth * 14}" width="150" height="110" rx="10" ${WHITE} fill-opacity="${(0.25 + (2 - depth) * 0.25).toFixed(2)}"/>`,
  );
  const lines = [0, 1, 2, 3].map(
    (row) => `<rect x="${x + 16}" y="${y + 20 + row * 20}" width="${between(draw, 60, 118)}" height="8" rx="4" fill="#000000" fill-opacity="0.18"/>`,
  );
  return cards.join("") + lines.join("");
}

/** A grid of cells of different strength: a dataset. */
function grid(draw: () => number): string {
  const cells: string[] = [];
  for (let row = 0; row < 5; row++) {
    for (let column = 0; column < 7; column++) {
      const opacity = (0.1 + draw() * 0.7).toFixed(2);
      cells.push(`<rect x="${170 + column * 30}" y="${24 + row * 30}" width="24" height="24" rx="4" ${WHITE} fill-opacity="${opacity}"/>`);
    }
  }
  return cells.join("");
}

/** Rings with bodies on them: an agent at work. */
function orbits(draw: () => number): string {
  const cx = between(draw, 270, 320);
  const cy = between(draw, 96, 124);
  const rings = [34, 62, 90].map(
    (r) => `<circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="#ffffff" stroke-opacity="0.5" stroke-width="2"/>`,
  );
  const bodies = [34, 62, 90].map((r) => {
    const angle = draw() * Math.PI * 2;
    return `<circle cx="${Math.round(cx + r * Math.cos(angle))}" cy="${Math.round(cy + r * Math.sin(angle))}" r="${between(draw, 6, 10)}" ${WHITE} fill-opacity="0.9"/>`;
  });
  return `<circle cx="${cx}" cy="${cy}" r="14" ${WHITE} fill-opacity="0.9"/>` + rings.join("") + bodies.join("");
}

/** Soft discs, for a kind without a motif of its own. */
function discs(draw: () => number): string {
  return Array.from(
    { length: 4 },
    () => `<circle cx="${between(draw, 60, 360)}" cy="${between(draw, 30, 190)}" r="${between(draw, 30, 80)}" ${WHITE} fill-opacity="0.2"/>`,
  ).join("");
}

const MOTIFS: Record<string, (draw: () => number) => string> = {
  MODEL: network,
  PROMPT_PACK: cardStack,
  DATASET: grid,
  AGENT: orbits,
};

/** The cover of a product as an SVG document. */
export function coverSvg(product: CoverSubject): string {
  const draw = drawsFrom(product.id);
  const baseHue = KIND_HUES[product.kind] ?? between(draw, 0, 359);
  const hueFrom = (baseHue + between(draw, -18, 18) + 360) % 360;
  const hueTo = (hueFrom + between(draw, 24, 64)) % 360;
  const angle = draw() * Math.PI * 2;
  const point = (sign: number) =>
    [0.5 + (sign * Math.cos(angle)) / 2, 0.5 + (sign * Math.sin(angle)) / 2].map((value) => value.toFixed(3));
  const [x1, y1] = point(-1);
  const [x2, y2] = point(1);
  const motif = (MOTIFS[product.kind] ?? discs)(draw);
  const labelText = productKindLabel(product.kind).slice(0, 24);
  const label = escapeXml(labelText);
  const labelWidth = 28 + labelText.length * 11;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${COVER_WIDTH}" height="${COVER_HEIGHT}" viewBox="0 0 ${COVER_WIDTH} ${COVER_HEIGHT}">` +
    `<title>${label}</title>` +
    `<defs><linearGradient id="shade" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}">` +
    `<stop offset="0" stop-color="${hex(hueFrom, 68, 40)}"/><stop offset="1" stop-color="${hex(hueTo, 74, 60)}"/>` +
    `</linearGradient></defs>` +
    `<rect width="${COVER_WIDTH}" height="${COVER_HEIGHT}" fill="url(#shade)"/>` +
    motif +
    `<rect x="16" y="188" width="${labelWidth}" height="36" rx="18" fill="#000000" fill-opacity="0.28"/>` +
    `<text x="30" y="212" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="18" font-weight="600" ${WHITE}>${label}</text>` +
    `</svg>`
  );
}

export function productCover(product: CoverSubject): Cover {
  const svg = coverSvg(product);
  const version = createHash("sha256").update(svg).digest("hex").slice(0, 12);
  return { svg, version, url: `/products/${encodeURIComponent(product.id)}/cover.svg?v=${version}` };
}

export function coverUrl(product: CoverSubject): string {
  return productCover(product).url;
}
