CREATE TABLE `forwards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`hook_id` text NOT NULL,
	`event_id` integer,
	`message_id` text NOT NULL,
	`url` text NOT NULL,
	`body` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`last_status` integer,
	`last_error` text,
	`created_at` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE INDEX `forwards_pending` ON `forwards` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `forwards_message` ON `forwards` (`message_id`);--> statement-breakpoint
ALTER TABLE `webhooks` ADD `forward_secret` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `forward_events` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `forward_state` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `rate_limit` integer DEFAULT 60 NOT NULL;