ALTER TABLE `webhooks` ADD `routes` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `unrouted` text DEFAULT 'channel' NOT NULL;