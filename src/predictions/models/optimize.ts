/** Options of `nelderMead`. */
export interface NelderMeadOptions {
  /** Maximum number of iterations (one reflection step each). Defaults to 200 × dimension. */
  maxIterations?: number;
  /**
   * Converged when both the spread of f over the simplex and the largest coordinate distance
   * from the best vertex are at most this. Defaults to 1e-10.
   */
  tolerance?: number;
  /** Edge length of the initial simplex along each axis. Defaults to 0.1. */
  initialStep?: number;
}

/** Best vertex found, its value, the iterations used and whether the tolerance was met. */
export interface NelderMeadResult {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

interface Vertex {
  x: number[];
  value: number;
}

// Standard coefficients (Lagarias, Reeds, Wright & Wright 1998, SIAM J. Optim. 9(1), §2).
const REFLECTION = 1;
const EXPANSION = 2;
const CONTRACTION = 0.5;
const SHRINK = 0.5;

/** centroid + coefficient·(centroid − worst). */
function along(centroid: number[], worst: number[], coefficient: number): number[] {
  return centroid.map((c, i) => c + coefficient * (c - worst[i]));
}

/**
 * Minimises f by the Nelder–Mead simplex method as specified by Lagarias et al. (1998): ordered
 * simplex, reflection (ρ = 1), expansion (χ = 2, greedy minimisation rule), outside and inside
 * contraction (γ = ½), shrink toward the best vertex (σ = ½). Ties keep the older vertex first
 * (stable sort), so a run is deterministic. Non-finite values of f count as +∞, so f may return
 * NaN or Infinity outside its domain. The initial simplex is `start` plus `initialStep` along
 * each axis.
 */
export function nelderMead(
  f: (x: number[]) => number,
  start: number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 200 * n;
  const tolerance = options.tolerance ?? 1e-10;
  const step = options.initialStep ?? 0.1;
  const evaluate = (x: number[]): Vertex => {
    const value = f(x);

    return { x, value: Number.isFinite(value) ? value : Infinity };
  };

  let simplex: Vertex[] = [evaluate([...start])];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] += step;
    simplex.push(evaluate(x));
  }

  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((p, q) => p.value - q.value);
    const best = simplex[0];
    const spread = Math.abs(simplex[n].value - best.value);
    const size = Math.max(
      ...simplex.slice(1).map((v) => Math.max(...v.x.map((xi, i) => Math.abs(xi - best.x[i])))),
    );
    if (spread <= tolerance && size <= tolerance) {
      converged = true;
      break;
    }

    const worst = simplex[n];
    const centroid = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        centroid[i] += simplex[j].x[i] / n;
      }
    }

    const reflected = evaluate(along(centroid, worst.x, REFLECTION));
    if (reflected.value < best.value) {
      const expanded = evaluate(along(centroid, worst.x, EXPANSION));
      simplex[n] = expanded.value < reflected.value ? expanded : reflected;
      continue;
    }
    if (reflected.value < simplex[n - 1].value) {
      simplex[n] = reflected;
      continue;
    }
    if (reflected.value < worst.value) {
      const outside = evaluate(along(centroid, worst.x, REFLECTION * CONTRACTION));
      if (outside.value <= reflected.value) {
        simplex[n] = outside;
        continue;
      }
    } else {
      const inside = evaluate(along(centroid, worst.x, -CONTRACTION));
      if (inside.value < worst.value) {
        simplex[n] = inside;
        continue;
      }
    }
    simplex = [
      best,
      ...simplex
        .slice(1)
        .map((v) => evaluate(v.x.map((xi, i) => best.x[i] + SHRINK * (xi - best.x[i])))),
    ];
  }
  simplex.sort((p, q) => p.value - q.value);

  return { x: simplex[0].x, value: simplex[0].value, iterations, converged };
}
