/** Deciles by rank: 1 for the lowest tenth of scores, 10 for the highest. */
export function decilesOf(scores: readonly number[]): Uint8Array {
  const order = scores.map((_, index) => index).sort((a, b) => scores[a] - scores[b]);
  const deciles = new Uint8Array(scores.length);
  order.forEach((index, rank) => {
    deciles[index] = Math.floor((rank * 10) / scores.length) + 1;
  });

  return deciles;
}

/**
 * The decile a score falls in given the lowest score of deciles 2 to 10 (ascending): how a
 * pass places its rows before it has seen every score, by the previous pass's boundaries.
 */
export function decileBetween(score: number, lowestOfDeciles2To10: readonly number[]): number {
  let decile = 1;
  for (const low of lowestOfDeciles2To10) {
    if (score >= low) {
      decile += 1;
    }
  }

  return decile;
}
