ALTER TABLE "webhooks" ADD COLUMN "ip_allowlist" json;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "rate_burst" integer;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "quiet_hours" json;