/** Milliseconds in a day: instants are UTC, so every day has this many. */
export const DAY_MS = 86_400_000;
