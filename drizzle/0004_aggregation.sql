CREATE TABLE `digest_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`hook_id` text NOT NULL,
	`window_end` integer NOT NULL,
	`window_seconds` integer NOT NULL,
	`item` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `digest_items_window` ON `digest_items` (`window_end`);--> statement-breakpoint
ALTER TABLE `webhooks` ADD `aggregate_seconds` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `aggregate_except` text DEFAULT 'failed' NOT NULL;