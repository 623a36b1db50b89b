CREATE TABLE `idempotency_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`fingerprint` text NOT NULL,
	`hook_id` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rejected_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`hook_id` text NOT NULL,
	`service` text NOT NULL,
	`status` integer NOT NULL,
	`reason` text NOT NULL,
	`source_ip` text,
	`event_type` text,
	`delivery_id` text,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rejected_deliveries_hook` ON `rejected_deliveries` (`hook_id`,`id`);--> statement-breakpoint
CREATE INDEX `rejected_deliveries_received` ON `rejected_deliveries` (`received_at`);--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `headers` text;--> statement-breakpoint
CREATE INDEX `webhook_events_hook` ON `webhook_events` (`hook_id`,`id`);--> statement-breakpoint
ALTER TABLE `webhooks` ADD `source` text DEFAULT 'chat' NOT NULL;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `source_file` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `forward_headers` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `forward_retry` text;