/**
 * A Stripe `payment_intent.succeeded` event as Stripe posts it to a webhook endpoint: an `event` object whose
 * `data.object` is the PaymentIntent (https://docs.stripe.com/api/events/object,
 * https://docs.stripe.com/api/payment_intents/object). `id` makes the event id unique (`evt_…`): Stripe's event id
 * is what a receiver deduplicates on, so a fresh one per send is a new delivery.
 */
export function sampleStripePaymentSucceeded(nowMs: number, id: string): Record<string, unknown> {
  const created = Math.floor(nowMs / 1000);
  const pi = `pi_${id}`;
  return {
    id: `evt_${id}`,
    object: 'event',
    api_version: '2024-06-20',
    created,
    data: {
      object: {
        id: pi, object: 'payment_intent', amount: 4999, amount_capturable: 0, amount_received: 4999,
        application: null, application_fee_amount: null, automatic_payment_methods: { allow_redirects: 'always', enabled: true },
        canceled_at: null, cancellation_reason: null, capture_method: 'automatic_async', client_secret: `${pi}_secret_sample`,
        confirmation_method: 'automatic', created: created - 4, currency: 'usd', customer: 'cus_NffrFeUfNV2Hib',
        description: 'Order #1042 — Pro plan (annual)', invoice: null, last_payment_error: null, latest_charge: `ch_${id}`,
        livemode: false, metadata: { order_id: '1042' }, next_action: null, on_behalf_of: null,
        payment_method: 'pm_1MtwBwLkdIwHu7ixYPnuG8pd', payment_method_configuration_details: null,
        payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
        payment_method_types: ['card'], processing: null, receipt_email: 'jenny.rosen@example.com', review: null,
        setup_future_usage: null, shipping: null, source: null, statement_descriptor: null, statement_descriptor_suffix: null,
        status: 'succeeded', transfer_data: null, transfer_group: null,
      },
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_${id.slice(0, 14)}`, idempotency_key: `${id.slice(0, 8)}-sample` },
    type: 'payment_intent.succeeded',
  };
}
