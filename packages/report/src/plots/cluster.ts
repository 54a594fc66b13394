import { formatNumber } from '../format.js';
import { type VegaLiteSpec } from '../render.js';
import { INK_COLOR, seriesColors } from '../theme.js';
import { finiteArray, invalid, nonEmpty, sameLength, uniqueNames, type NumberArray } from '../validate.js';
import { layered } from './common.js';
import { ellipsePolyline, type Cov2, type Vec2 } from './ellipse.js';

export interface ClusterEllipse {
  /** Component name; when it equals a group name the ellipse takes that group's colour. */
  name: string;
  mean: Vec2;
  cov: Cov2;
  /** Mixture weight, listed in the subtitle. */
  weight?: number;
}

export interface ClusterPlotInput {
  x: NumberArray;
  y: NumberArray;
  /** Cluster or class of each point. */
  group: readonly (string | number)[];
  xTitle: string;
  yTitle: string;
  ellipses?: readonly ClusterEllipse[];
  /** Mahalanobis radii of the drawn contours, default [1, 2]. */
  levels?: readonly number[];
  /** Larger samples are thinned to every n-th point (deterministically) to keep the SVG light. */
  maxPoints?: number;
  title?: string;
  width?: number;
  height?: number;
}

const DASHES: readonly (readonly number[])[] = [[1, 0], [7, 4], [2, 3], [10, 3, 2, 3]];

/** A 2-D scatter coloured by cluster or class, with the mixture components' kσ ellipses drawn over it. */
export function clusterPlot(input: ClusterPlotInput): VegaLiteSpec {
  sameLength(input.x, input.y, 'x', 'y');
  sameLength(input.x, input.group, 'x', 'group');
  nonEmpty(input.x, 'cluster plot data');
  const xs = finiteArray(input.x, 'x');
  const ys = finiteArray(input.y, 'y');
  const levels = [...(input.levels ?? [1, 2])];
  if (levels.length === 0 || levels.length > DASHES.length) throw invalid(`levels must list 1 to ${DASHES.length} radii; got ${levels.length}`, { levels });
  const ellipses = input.ellipses ?? [];
  uniqueNames(
    ellipses.map((e) => e.name),
    'ellipse',
  );

  const maxPoints = input.maxPoints ?? 5000;
  if (!Number.isInteger(maxPoints) || maxPoints < 1) throw invalid(`maxPoints must be a positive integer; got ${maxPoints}`, { maxPoints });
  const stride = Math.ceil(xs.length / maxPoints);
  const points: { x: number; y: number; group: string }[] = [];
  for (let i = 0; i < xs.length; i += stride) points.push({ x: xs[i] as number, y: ys[i] as number, group: String(input.group[i]) });

  // One colour scale over groups and components, so "component 1" and cluster "component 1" match.
  const domain = [...new Set([...input.group.map(String), ...ellipses.map((e) => e.name)])].sort(naturalOrder);
  const color = { field: 'group', type: 'nominal', scale: { domain, range: seriesColors(domain.length) }, legend: { title: 'Group', symbolOpacity: 1 } };

  const contour: { group: string; level: string; id: string; x: number; y: number; i: number }[] = [];
  const means: { group: string; x: number; y: number }[] = [];
  const levelNames = levels.map((k) => `${formatNumber(k)}σ`);
  ellipses.forEach((e, ei) => {
    levels.forEach((k, li) => {
      ellipsePolyline(e.mean, e.cov, k, 72, `covariance of "${e.name}"`).forEach(([px, py], i) =>
        contour.push({ group: e.name, level: levelNames[li] as string, id: `${ei}-${li}`, x: px, y: py, i }),
      );
    });
    means.push({ group: e.name, x: e.mean[0], y: e.mean[1] });
  });
  const weights = ellipses.filter((e) => e.weight !== undefined);
  for (const e of weights) {
    const w = e.weight as number;
    if (!Number.isFinite(w) || w < 0 || w > 1) throw invalid(`weight of "${e.name}" must be in [0, 1]; got ${w}`, { name: e.name, weight: w });
  }

  const x = { field: 'x', type: 'quantitative', title: input.xTitle, scale: { zero: false } };
  const y = { field: 'y', type: 'quantitative', title: input.yTitle, scale: { zero: false } };
  const layer: unknown[] = [
    {
      data: { values: points },
      mark: { type: 'circle', size: 22, opacity: 0.55 },
      encoding: { x, y, color },
    },
  ];
  if (contour.length > 0) {
    layer.push(
      {
        data: { values: contour },
        mark: { type: 'line', strokeWidth: 2.2 },
        encoding: {
          x,
          y,
          color,
          detail: { field: 'id' },
          // Keep the polyline in drawing order; sorting by x would scramble the ellipse.
          order: { field: 'i', type: 'quantitative' },
          strokeDash: {
            field: 'level',
            type: 'nominal',
            scale: { domain: levelNames, range: levelNames.map((_, i) => [...(DASHES[i] as number[])]) },
            legend: { title: 'Contour', symbolType: 'stroke', symbolStrokeColor: INK_COLOR, symbolStrokeWidth: 2, symbolSize: 500 },
          },
        },
      },
      {
        data: { values: means },
        mark: { type: 'point', shape: 'cross', filled: true, size: 160, stroke: 'white', strokeWidth: 1, opacity: 1 },
        encoding: { x, y, color },
      },
    );
  }
  const subtitle: string[] = [];
  if (weights.length > 0) subtitle.push(`Mixture weights: ${weights.map((e) => `${e.name} ${formatNumber(e.weight as number)}`).join(', ')}`);
  if (stride > 1) subtitle.push(`Showing ${points.length} of ${xs.length} points (1 in ${stride})`);
  if (ellipses.length > 0) subtitle.push(`Ellipses: ${levelNames.join(', ')} contours of each component (+ marks the mean)`);
  return layered({ title: input.title ?? 'Clusters', subtitle, width: input.width, height: input.height }, layer);
}

/** A fitted mixture as plain data: per component its mean (p values), covariance (p×p, row-major) and weight. */
export interface MixtureComponents {
  means: readonly NumberArray[];
  covariances: readonly NumberArray[];
  weights: NumberArray;
}

export interface MixtureEllipsesOptions {
  /** The two features drawn, as indices into the p dimensions: [x, y]. */
  features: readonly [number, number];
  /**
   * For a mixture fitted on standardised features: per feature the mean and scale that undo the standardisation
   * (x = z·scale + mean), so the ellipses are drawn in raw units: μ' = μ·s + m, Σ' = S Σ S.
   */
  unstandardize?: { mean: NumberArray; scale: NumberArray };
  /** Component names, default "component 1", "component 2", … */
  names?: readonly string[];
}

/**
 * The components of a mixture projected onto two features, as clusterPlot's ellipses: each component's mean and
 * the 2×2 block of its covariance (the marginal of a normal distribution is the block of its covariance).
 */
export function mixtureEllipses(mixture: MixtureComponents, options: MixtureEllipsesOptions): ClusterEllipse[] {
  const K = mixture.means.length;
  if (mixture.covariances.length !== K || mixture.weights.length !== K) {
    throw invalid(`a mixture needs one mean, covariance and weight per component; got ${K} means, ${mixture.covariances.length} covariances and ${mixture.weights.length} weights`, {
      means: K,
      covariances: mixture.covariances.length,
      weights: mixture.weights.length,
    });
  }
  const p = K > 0 ? mixture.means[0]!.length : 0;
  const [a, b] = options.features;
  for (const f of [a, b]) if (!(Number.isInteger(f) && f >= 0 && f < p)) throw invalid(`features must be two indices in [0, ${p}); got [${a}, ${b}]`, { features: [a, b] });
  if (a === b) throw invalid(`features must be two different indices; got [${a}, ${b}]`, { features: [a, b] });
  const names = options.names ?? Array.from({ length: K }, (_, k) => `component ${k + 1}`);
  if (names.length !== K) throw invalid(`names must name each of the ${K} components; got ${names.length}`, { names: names.length });
  const u = options.unstandardize;
  if (u && (u.mean.length !== p || u.scale.length !== p)) throw invalid(`unstandardize needs a mean and a scale per feature (${p}); got ${u.mean.length} and ${u.scale.length}`, {});
  const sa = u ? u.scale[a]! : 1, sb = u ? u.scale[b]! : 1;
  const ma = u ? u.mean[a]! : 0, mb = u ? u.mean[b]! : 0;
  return mixture.means.map((mean, k) => {
    const C = mixture.covariances[k]!;
    if (mean.length !== p || C.length !== p * p) throw invalid(`component ${k} has a mean of ${mean.length} and a covariance of ${C.length} values; expected ${p} and ${p * p}`, { component: k });
    return {
      name: names[k]!,
      mean: [mean[a]! * sa + ma, mean[b]! * sb + mb],
      cov: [
        [C[a * p + a]! * sa * sa, C[a * p + b]! * sa * sb],
        [C[b * p + a]! * sa * sb, C[b * p + b]! * sb * sb],
      ],
      weight: mixture.weights[k]!,
    };
  });
}

/** "cluster 2" before "cluster 10". */
function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true });
}
