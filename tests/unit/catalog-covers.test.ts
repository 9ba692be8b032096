import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { coverSvg, escapeXml, productCover } from "~/services/catalog/covers.server";
import { PRODUCT_KINDS, productKindLabel } from "~/services/catalog/kinds";

const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="(?:[^"<&]|&#\d+;|&(?:amp|lt|gt|quot|apos);)*")*)\s*(\/?)>/y;
const TEXT = /(?:[^<&]|&#\d+;|&(?:amp|lt|gt|quot|apos);)+/y;
const ATTRIBUTE = /([\w:.-]+)="/g;

/**
 * Reads the document the way an XML parser would and returns its text
 * content; throws at the first thing a parser would refuse: an unknown or
 * bare `&`, a `<` that starts no tag, a tag closed out of order, a repeated
 * attribute, more than one root element.
 */
function readXml(xml: string): { root: string; texts: string[] } {
  const open: string[] = [];
  const texts: string[] = [];
  let root = "";
  let position = 0;
  while (position < xml.length) {
    TAG.lastIndex = position;
    const tag = TAG.exec(xml);
    if (tag) {
      const [whole, closing, name, attributes, selfClosing] = tag;
      const names = [...attributes.matchAll(ATTRIBUTE)].map((match) => match[1]);
      if (new Set(names).size !== names.length) throw new Error(`repeated attribute in ${whole}`);
      if (closing) {
        if (open.pop() !== name) throw new Error(`</${name}> closes nothing open at ${position}`);
      } else {
        if (open.length === 0 && root) throw new Error(`a second root element <${name}>`);
        if (open.length === 0) root = name;
        if (!selfClosing) open.push(name);
      }
      position += whole.length;
      continue;
    }
    TEXT.lastIndex = position;
    const text = TEXT.exec(xml);
    if (!text) throw new Error(`not well-formed at ${position}: ${xml.slice(position, position + 30)}`);
    if (open.length === 0) throw new Error(`text outside the root element at ${position}`);
    texts.push(text[0]);
    position += text[0].length;
  }
  if (open.length > 0) throw new Error(`<${open.join("><")}> never closed`);
  return { root, texts };
}

describe("a product's generated cover", () => {
  it("is the same picture every time for the same product", () => {
    const id = randomUUID();
    expect(coverSvg({ id, kind: "DATASET" })).toBe(coverSvg({ id, kind: "DATASET" }));
    expect(productCover({ id, kind: "DATASET" })).toEqual(productCover({ id, kind: "DATASET" }));
  });

  it("differs between products, and between kinds of the same id", () => {
    const covers = new Set(Array.from({ length: 50 }, () => coverSvg({ id: randomUUID(), kind: "MODEL" })));
    expect(covers.size).toBe(50);
    const id = randomUUID();
    expect(new Set(PRODUCT_KINDS.map((kind) => coverSvg({ id, kind }))).size).toBe(PRODUCT_KINDS.length);
  });

  it("is a well-formed SVG document of 400 by 240 whose only text is the kind's label", () => {
    for (const kind of PRODUCT_KINDS) {
      const svg = coverSvg({ id: randomUUID(), kind });
      const { root, texts } = readXml(svg);
      expect(root).toBe("svg");
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="400" height="240" viewBox="0 0 400 240">/);
      expect(new Set(texts)).toEqual(new Set([productKindLabel(kind)]));
    }
  });

  it("loads nothing and runs nothing: no script, no link, no style, no event handler", () => {
    for (const kind of PRODUCT_KINDS) {
      const svg = coverSvg({ id: randomUUID(), kind });
      expect(svg).not.toMatch(/<script|<style|<foreignObject|<image|href=|\bon[a-z]+=/i);
      expect(svg.match(/https?:\/\/[^"]*/g)).toEqual(["http://www.w3.org/2000/svg"]);
    }
  });

  it("escapes a label that is not one of the shop's kinds, and never writes the id into the picture", () => {
    const hostile = `</text><script>&"'`;
    const id = `"><script>alert(1)</script>`;
    const svg = coverSvg({ id, kind: hostile });
    expect(() => readXml(svg)).not.toThrow();
    expect(svg).not.toContain("<script");
    expect(svg).not.toContain(id);
    expect(svg).toContain(">&#60;/text&#62;&#60;script&#62;&#38;&#34;&#39;</text>");
    expect(productCover({ id, kind: hostile }).url).toMatch(/^\/products\/%22%3E%3Cscript%3E[^/]*\/cover\.svg\?v=[0-9a-f]{12}$/);
  });

  it("is served at an address whose version follows the picture", () => {
    const id = randomUUID();
    const model = productCover({ id, kind: "MODEL" });
    const agent = productCover({ id, kind: "AGENT" });
    expect(model.url).toBe(`/products/${id}/cover.svg?v=${model.version}`);
    expect(model.version).toMatch(/^[0-9a-f]{12}$/);
    expect(agent.version).not.toBe(model.version);
  });
});

describe("escaping text for XML", () => {
  it("replaces the five characters XML gives a meaning to, and nothing else", () => {
    expect(escapeXml(`a<b>c&d"e'f 한국어`)).toBe("a&#60;b&#62;c&#38;d&#34;e&#39;f 한국어");
    expect(escapeXml("&#60;")).toBe("&#38;#60;");
  });
});
