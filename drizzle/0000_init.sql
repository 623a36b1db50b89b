CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer,
	`hook_id` text,
	`channel_id` text NOT NULL,
	`body` text NOT NULL,
	`nonce` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`message_id` text,
	`last_error` text,
	`created_at` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`state`,`channel_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`hook_id` text NOT NULL,
	`delivery_id` text NOT NULL,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`received_at` text NOT NULL,
	`processed` integer DEFAULT false NOT NULL,
	`processed_at` text,
	`outcome` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_delivery` ON `webhook_events` (`hook_id`,`delivery_id`);--> statement-breakpoint
CREATE INDEX `webhook_events_unprocessed` ON `webhook_events` (`processed`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`user_id` text NOT NULL,
	`service` text NOT NULL,
	`url` text,
	`secret` text NOT NULL,
	`verify` text DEFAULT 'github' NOT NULL,
	`events` text NOT NULL,
	`filters` text NOT NULL,
	`templates` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`status` text DEFAULT 'ok' NOT NULL,
	`status_reason` text,
	`last_delivery_at` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhooks_channel` ON `webhooks` (`channel_id`);--> statement-breakpoint
CREATE INDEX `webhooks_guild` ON `webhooks` (`guild_id`);