/** Order statistics for bench reports. */

/** The value at fraction `p` (0..1) of the sorted values, linearly interpolated between neighbours. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * p;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/** The middle value; the mean of the two middle values for an even count (not the upper one, which flatters). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** First and third quartiles: the spread a median alone hides. */
export function interquartile(values: readonly number[]): [number, number] {
  return [quantile(values, 0.25), quantile(values, 0.75)];
}
