import { Counter, Gauge, type Registry } from 'prom-client'
import { CappedLabel } from './registry.ts'

/** Log stream series of the worker: events delivered and failed deliveries by destination type, lag per stream (at most 100 streams, then other). */
export class StreamMetrics {
  readonly delivered: Counter<'type'>
  readonly failures: Counter<'type'>
  readonly lag: Gauge<'stream'>
  private readonly streams = new CappedLabel(100)

  constructor (registry: Registry) {
    const registers = [registry]
    this.delivered = new Counter({ name: 'sillage_stream_events_delivered_total', help: 'Events delivered by log streams, by destination type', labelNames: ['type'], registers })
    this.failures = new Counter({ name: 'sillage_stream_delivery_failures_total', help: 'Failed log stream deliveries (the batch is sent again after a back-off)', labelNames: ['type'], registers })
    this.lag = new Gauge({ name: 'sillage_stream_lag_seconds', help: 'Per stream delivered by this worker: age of the oldest matching event not yet delivered', labelNames: ['stream'], registers })
    for (const type of ['http', 'syslog']) { this.delivered.inc({ type }, 0); this.failures.inc({ type }, 0) }
  }

  lagOf (stream: string, seconds: number): void {
    this.lag.set({ stream: this.streams.of(stream) }, seconds)
  }
}
