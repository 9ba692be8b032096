/**
 * A provider's reference (cs_test_…, a Toss paymentKey): long and unbroken,
 * so it wraps anywhere, and it can be selected whole to copy.
 */
export function Reference({ value }: { value: string }) {
  return <code className="reference">{value}</code>;
}
