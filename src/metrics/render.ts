import {
  Registry,
  type MetricObjectWithValues,
  type MetricValue,
  type RegistryContentType,
} from 'prom-client';

/** Series rendered between two yields to the event loop. */
export const SLICE_SERIES = 2000;

type MetricData = MetricObjectWithValues<MetricValue<string>>;

/** What renderMetrics needs of a metric: its current data, read once. */
interface Readable {
  get(): Promise<MetricData> | MetricData;
  getForPromString?(): Promise<MetricData> | MetricData;
}

/**
 * prom-client's per-metric text renderer. It is public in the JavaScript (getSingleMetricAsString
 * calls it) but missing from the type declarations; the byte-for-byte test in render.test.ts
 * fails if an upgrade changes it.
 */
interface MetricTextRenderer {
  getMetricsAsString(metric: { get(): Promise<MetricData> }): Promise<string>;
}

/**
 * Renders `registry` in the Prometheus text format exactly as Registry.metrics() does, but
 * yielding to the event loop between metrics and, within a metric, every SLICE_SERIES series.
 * prom-client renders every metric in one chain of promises that never yields, so a scrape of
 * 50k series holds the event loop for hundreds of milliseconds and every probe due meanwhile
 * starts late; here the longest hold is reading the largest metric's values (Metric.get()).
 * OpenMetrics registries are rendered by prom-client.
 */
export async function renderMetrics(registry: Registry<RegistryContentType>): Promise<string> {
  if (registry.contentType !== Registry.PROMETHEUS_CONTENT_TYPE) return registry.metrics();
  const renderer = registry as unknown as MetricTextRenderer;
  const parts: string[] = [];
  // Limitation: series of different metrics are read up to a few milliseconds apart, so one
  // scrape is not an atomic snapshot across metrics (each metric's own series are).
  for (const metric of registry.getMetricsAsArray() as unknown as Readable[]) {
    const data = await (metric.getForPromString?.() ?? metric.get());
    parts.push(await renderSliced(renderer, data));
    await nextTurn();
  }
  return `${parts.join('\n\n')}\n`;
}

// One metric's text, SLICE_SERIES series at a time; the HELP and TYPE lines come first, once.
async function renderSliced(renderer: MetricTextRenderer, data: MetricData): Promise<string> {
  const render = (values: MetricData['values']) =>
    renderer.getMetricsAsString({ get: () => Promise.resolve({ ...data, values }) });
  if (data.values.length <= SLICE_SERIES) return render(data.values);
  const lines: string[] = [];
  for (let i = 0; i < data.values.length; i += SLICE_SERIES) {
    const text = await render(data.values.slice(i, i + SLICE_SERIES));
    // Every slice repeats the two header lines; help and names are escaped, so never multi-line.
    lines.push(i === 0 ? text : text.slice(headerLength(text)));
    await nextTurn();
  }
  return lines.join('\n');
}

function headerLength(text: string): number {
  return text.indexOf('\n', text.indexOf('\n') + 1) + 1;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
