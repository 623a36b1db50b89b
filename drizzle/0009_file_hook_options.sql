ALTER TABLE `webhooks` ADD `ip_allowlist` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `rate_burst` integer;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `quiet_hours` text;