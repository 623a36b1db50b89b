CREATE TABLE `threads` (
	`hook_id` text NOT NULL,
	`subject_key` text NOT NULL,
	`channel_id` text NOT NULL,
	`name` text NOT NULL,
	`url` text,
	`starter_message_id` text,
	`thread_id` text,
	`archived` integer DEFAULT false NOT NULL,
	`forum` integer DEFAULT false NOT NULL,
	`fallback_at` integer,
	`head_branch` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`hook_id`, `subject_key`)
);
--> statement-breakpoint
CREATE INDEX `threads_thread` ON `threads` (`thread_id`);--> statement-breakpoint
CREATE INDEX `threads_branch` ON `threads` (`hook_id`,`head_branch`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `thread_key` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `thread` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `threads` integer DEFAULT false NOT NULL;