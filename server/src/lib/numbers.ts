/** Small numeric helpers shared by the statistics of every channel. */

/** `n` rounded half up to `decimals` places (figures shown to people: 2.35 working days, 0.9333). */
export function roundTo(n: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(n * scale) / scale;
}
