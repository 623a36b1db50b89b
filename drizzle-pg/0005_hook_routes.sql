ALTER TABLE "webhooks" ADD COLUMN "routes" json DEFAULT '[]'::json NOT NULL;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "unrouted" text DEFAULT 'channel' NOT NULL;