/**
 * A Standard Webhooks event (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#payload-structure):
 * `{type, timestamp, data}`, the shape Svix-based senders use. The delivery's id travels in the `webhook-id` header,
 * not in the body.
 */
export function sampleStandardEvent(nowMs: number): Record<string, unknown> {
  return {
    type: 'invoice.paid',
    timestamp: new Date(nowMs).toISOString(),
    data: {
      id: 'in_1042', object: 'invoice', customer: 'acme-corp', amount_paid: 12900, currency: 'eur',
      status: 'paid', hosted_invoice_url: 'https://billing.example.com/invoices/in_1042',
    },
  };
}
