/** The sandbox's clock: real time plus an offset that tests can advance. */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  unixSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

/** Toss writes timestamps in Korea Standard Time with an explicit offset. */
export function kstIso(ms: number): string {
  const kst = new Date(ms + 9 * 60 * 60 * 1000);
  return kst.toISOString().replace(/\.\d{3}Z$/, "+09:00");
}
