/** Rounds `value` to `digits` decimal places (prices in USD/hour are kept to 4). Pure. */
export function roundTo(value: number, digits = 4): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
