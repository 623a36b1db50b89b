ALTER TABLE `outbox` ADD `line` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `pack_id` integer;--> statement-breakpoint
ALTER TABLE `outbox` ADD `pack_body` text;--> statement-breakpoint
CREATE INDEX `outbox_pack` ON `outbox` (`pack_id`);