CREATE TABLE `poll_seen` (
	`hook_id` text NOT NULL,
	`item_id` text NOT NULL,
	`seen_at` integer NOT NULL,
	PRIMARY KEY(`hook_id`, `item_id`)
);
--> statement-breakpoint
CREATE INDEX `poll_seen_age` ON `poll_seen` (`hook_id`,`seen_at`);--> statement-breakpoint
CREATE TABLE `poll_sources` (
	`hook_id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`url` text,
	`every_seconds` integer NOT NULL,
	`items_path` text,
	`id_field` text,
	`baselined` integer DEFAULT false NOT NULL,
	`etag` text,
	`last_modified` text,
	`fresh_until` integer DEFAULT 0 NOT NULL,
	`next_poll_at` integer NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`failing_since` integer,
	`paused` integer DEFAULT false NOT NULL,
	`last_polled_at` integer,
	`last_ok_at` integer,
	`last_result` text,
	`item_count` integer,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `poll_sources_due` ON `poll_sources` (`paused`,`next_poll_at`);