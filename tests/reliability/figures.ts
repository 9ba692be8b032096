import fs from "node:fs";
import path from "node:path";

// Each reliability test adds what it tried and what it found; the report
// script prints the totals and writes them into docs/RELIABILITY.md.
export const FIGURES_FILE = path.resolve(".data/reliability/figures.json");

export type Figures = Record<string, number>;

export function readFigures(): Figures {
  try {
    return JSON.parse(fs.readFileSync(FIGURES_FILE, "utf8")) as Figures;
  } catch {
    return {};
  }
}

/** Adds `values` to the running totals (files run one after another). */
export function addFigures(values: Figures): void {
  const figures = readFigures();
  for (const [name, value] of Object.entries(values)) figures[name] = (figures[name] ?? 0) + value;
  fs.mkdirSync(path.dirname(FIGURES_FILE), { recursive: true });
  fs.writeFileSync(FIGURES_FILE, `${JSON.stringify(figures, null, 2)}\n`);
}
