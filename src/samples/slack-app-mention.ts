/**
 * A Slack Events API delivery: the `event_callback` envelope around an `app_mention` event, shaped as Slack documents
 * it (https://api.slack.com/apis/events-api#callback-field, https://api.slack.com/events/app_mention). `id` makes
 * `event_id` unique, the field a receiver deduplicates Slack's retries on.
 */
export function sampleSlackAppMention(nowMs: number, id: string): Record<string, unknown> {
  const eventTime = Math.floor(nowMs / 1000);
  const ts = `${eventTime}.000200`;
  return {
    token: 'XXYYZZ',
    team_id: 'T123ABC456',
    api_app_id: 'A123ABC456',
    event: {
      type: 'app_mention', user: 'U061F7AUR', text: '<@U0LAN0Z89> is the deploy to production done?',
      ts, channel: 'C123ABC456', event_ts: ts,
    },
    type: 'event_callback',
    authorizations: [{ enterprise_id: null, team_id: 'T123ABC456', user_id: 'U0LAN0Z89', is_bot: true, is_enterprise_install: false }],
    event_context: `4-${id}`,
    event_id: `Ev${id.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 9).padEnd(9, '0')}`,
    event_time: eventTime,
    is_ext_shared_channel: false,
  };
}
