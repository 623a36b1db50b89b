import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/** Prometheus metrics for `/metrics`; one registry per app so tests stay isolated. */
export function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    deliveries: new Counter({
      name: 'hookbot_deliveries_total', help: 'Webhook deliveries by service and HTTP status',
      labelNames: ['service', 'status'] as const, registers: [registry],
    }),
    messagesSent: new Counter({ name: 'hookbot_messages_sent_total', help: 'Messages posted to Discord', registers: [registry] }),
    messagesEdited: new Counter({ name: 'hookbot_messages_edited_total', help: 'Live messages (CI runs) edited in Discord', registers: [registry] }),
    eventsPosted: new Counter({
      name: 'hookbot_events_posted_total', help: 'Queued messages delivered (several may share one Discord message)', registers: [registry],
    }),
    retries: new Counter({ name: 'hookbot_retries_total', help: 'Discord posts retried', registers: [registry] }),
    permanentFailures: new Counter({
      name: 'hookbot_permanent_failures_total', help: 'Discord posts given up on', registers: [registry],
    }),
    queueDepth: new Gauge({ name: 'hookbot_queue_depth', help: 'Messages waiting in the outbox', registers: [registry] }),
    deliveryLatency: new Histogram({
      name: 'hookbot_delivery_latency_seconds', help: 'From outbox insert to Discord accepting the message',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers: [registry],
    }),
  };
}
