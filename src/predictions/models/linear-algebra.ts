/**
 * Solves A·x = b for a symmetric positive-definite matrix A by the Cholesky factorisation
 * A = L·Lᵀ, then forward substitution L·z = b and back substitution Lᵀ·x = z (Golub & Van Loan,
 * Matrix Computations, 4th ed., §4.2). Only the lower triangle of `matrix` is read; neither
 * argument is modified. Returns `null` when A is not (numerically) positive definite, i.e. a
 * pivot L_jj² = A_jj − Σ_k L_jk² is not strictly positive or not finite, or when the
 * dimensions disagree.
 */
export function solveSymmetric(matrix: number[][], rhs: number[]): number[] | null {
  const n = rhs.length;
  if (matrix.length !== n || matrix.some((row) => row.length !== n)) {
    return null;
  }
  // L is stored row-major in one typed array: n² doubles, no per-row allocation.
  const lower = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let pivot = matrix[j][j];
    for (let k = 0; k < j; k++) {
      pivot -= lower[j * n + k] * lower[j * n + k];
    }
    if (!(pivot > 0) || !Number.isFinite(pivot)) {
      return null;
    }
    const diagonal = Math.sqrt(pivot);
    lower[j * n + j] = diagonal;
    for (let i = j + 1; i < n; i++) {
      let sum = matrix[i][j];
      for (let k = 0; k < j; k++) {
        sum -= lower[i * n + k] * lower[j * n + k];
      }
      lower[i * n + j] = sum / diagonal;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = rhs[i];
    for (let k = 0; k < i; k++) {
      sum -= lower[i * n + k] * z[k];
    }
    z[i] = sum / lower[i * n + i];
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i];
    for (let k = i + 1; k < n; k++) {
      sum -= lower[k * n + i] * x[k];
    }
    x[i] = sum / lower[i * n + i];
  }

  return x.every(Number.isFinite) ? x : null;
}
