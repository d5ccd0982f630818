/** Least-squares straight line through points: how a cost grows with the number of connections. */

export interface Point {
  x: number;
  y: number;
}

export interface LineFit {
  /** y per unit of x. */
  slope: number;
  intercept: number;
  /** Coefficient of determination, 0..1 (1: the points lie on the line); NaN with fewer than 3 points. */
  r2: number;
  points: number;
}

export function fitLine(points: readonly Point[]): LineFit | undefined {
  const finite = points.filter((point) => Number.isFinite(point.x) && Number.isFinite(point.y));
  const n = finite.length;
  if (n < 2) return undefined;
  const meanX = finite.reduce((sum, point) => sum + point.x, 0) / n;
  const meanY = finite.reduce((sum, point) => sum + point.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const { x, y } of finite) {
    sxx += (x - meanX) ** 2;
    sxy += (x - meanX) * (y - meanY);
    syy += (y - meanY) ** 2;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const r2 = n < 3 ? Number.NaN : syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept: meanY - slope * meanX, r2, points: n };
}
