/**
 * A generic JSON alert for custom hooks (`hmac`, `token`, `none`): the common fields hookbot's custom parser reads
 * (`title`, `message`, `severity`, `status`, `service`, `url`), as a monitoring script or Alertmanager-style sender
 * would post them.
 */
export function sampleCustomAlert(nowMs: number): Record<string, unknown> {
  return {
    title: 'High error rate on checkout',
    message: '5xx responses at 7.2% over the last 5 minutes (threshold 5%).',
    severity: 'warning',
    status: 'firing',
    service: 'checkout-api',
    environment: 'production',
    url: 'https://grafana.example.com/d/checkout/errors',
    started_at: new Date(nowMs - 300_000).toISOString(),
  };
}
