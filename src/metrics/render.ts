import { Registry, type RegistryContentType } from 'prom-client';

/**
 * Renders `registry` in the Prometheus text format exactly as Registry.metrics() does, but one
 * metric at a time, yielding to the event loop between metrics. prom-client renders every
 * metric in one chain of promises that never yields, so a scrape of 50k series holds the event
 * loop for hundreds of milliseconds and every probe due meanwhile starts late; here the longest
 * hold is the largest single metric. OpenMetrics registries are rendered by prom-client.
 */
export async function renderMetrics(registry: Registry<RegistryContentType>): Promise<string> {
  if (registry.contentType !== Registry.PROMETHEUS_CONTENT_TYPE) return registry.metrics();
  const parts: string[] = [];
  // Limitation: series of different metrics are read up to a few milliseconds apart, so one
  // scrape is not an atomic snapshot across metrics (each metric's own series are).
  for (const metric of registry.getMetricsAsArray()) {
    parts.push(await registry.getSingleMetricAsString(metric.name));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return `${parts.join('\n\n')}\n`;
}
