CREATE TABLE `ci_branches` (
	`hook_id` text NOT NULL,
	`branch_key` text NOT NULL,
	`result` text NOT NULL,
	`streak` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`hook_id`, `branch_key`)
);
--> statement-breakpoint
CREATE TABLE `ci_runs` (
	`hook_id` text NOT NULL,
	`run_key` text NOT NULL,
	`state` text NOT NULL,
	`live_outbox_id` integer,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`hook_id`, `run_key`)
);
--> statement-breakpoint
CREATE INDEX `ci_runs_updated` ON `ci_runs` (`updated_at`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `edit_of` integer;