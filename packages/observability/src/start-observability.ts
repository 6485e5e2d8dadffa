import { configureLogging, type LogFormat, type LogLevel } from './logger';
import { configureMetrics } from './metrics';
import { startTracing } from './tracing';

/** What a process reads from its environment (LOG_LEVEL, LOG_FORMAT, METRICS_TOKEN, OTEL_*). */
export interface ObservabilitySettings {
  logLevel: LogLevel;
  logFormat: LogFormat;
  metricsToken: string | undefined;
  /** Traces are exported only when this is set. */
  otlpEndpoint: string | undefined;
  serviceName: string;
}

/** Once at process start, before any server listens. */
export async function startObservability(settings: ObservabilitySettings): Promise<void> {
  configureLogging({ level: settings.logLevel, format: settings.logFormat });
  configureMetrics({ token: settings.metricsToken });
  if (settings.otlpEndpoint) await startTracing({ endpoint: settings.otlpEndpoint, serviceName: settings.serviceName });
}
