import fs from "node:fs";
import path from "node:path";

/**
 * What a child process wrote to stdout and stderr, kept in memory over all
 * its starts and, when a file is named, appended to it (stderr lines marked).
 */
export class ProcessLog {
  private chunks: string[] = [];

  constructor(private readonly file: string | null) {
    if (file) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, "");
    }
  }

  record(stream: "stdout" | "stderr", chunk: Buffer): void {
    const text = chunk.toString("utf8");
    this.chunks.push(text);
    if (this.file) fs.appendFileSync(this.file, stream === "stderr" ? text.replace(/^(?=.)/gm, "[stderr] ") : text);
  }

  text(): string {
    return this.chunks.join("");
  }

  /** What was written after `mark` (a value of `text().length`). */
  since(mark: number): string {
    return this.text().slice(mark);
  }
}
