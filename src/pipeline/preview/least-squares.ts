/**
 * Ridge least squares: the W (features × outputs) minimising |X·W − Y|² + λ|W|², from the
 * normal equations (XᵀX + λI)·W = XᵀY. Rows of `x` and `y` are samples. Small systems only
 * (tens of features): it forms XᵀX and eliminates with partial pivoting.
 */
export function ridgeLeastSquares(x: readonly Float64Array[], y: readonly Float64Array[], lambda: number): Float64Array[] {
  const features = x[0]?.length ?? 0;
  const outputs = y[0]?.length ?? 0;
  if (x.length !== y.length || features === 0 || outputs === 0) throw new RangeError('least squares needs as many target rows as sample rows, all non-empty');
  const width = features + outputs;
  const system = Array.from({ length: features }, () => new Float64Array(width));
  x.forEach((row, s) => {
    for (let i = 0; i < features; i++) {
      const target = system[i]!;
      for (let j = 0; j < features; j++) target[j]! += row[i]! * row[j]!;
      for (let k = 0; k < outputs; k++) target[features + k]! += row[i]! * y[s]![k]!;
    }
  });
  for (let i = 0; i < features; i++) system[i]![i]! += lambda;

  for (let col = 0; col < features; col++) {
    let pivot = col;
    for (let r = col + 1; r < features; r++) if (Math.abs(system[r]![col]!) > Math.abs(system[pivot]![col]!)) pivot = r;
    [system[col], system[pivot]] = [system[pivot]!, system[col]!];
    const lead = system[col]!;
    if (lead[col] === 0) throw new RangeError('least squares: the system is singular (add regularisation)');
    for (let r = 0; r < features; r++) {
      if (r === col) continue;
      const row = system[r]!;
      const factor = row[col]! / lead[col]!;
      if (factor !== 0) for (let j = col; j < width; j++) row[j]! -= factor * lead[j]!;
    }
  }
  return system.map((row, i) => row.subarray(features).map((value) => value / row[i]!));
}
