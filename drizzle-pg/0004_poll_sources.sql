CREATE TABLE "poll_seen" (
	"hook_id" text NOT NULL,
	"item_id" text NOT NULL,
	"seen_at" bigint NOT NULL,
	CONSTRAINT "poll_seen_hook_id_item_id_pk" PRIMARY KEY("hook_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "poll_sources" (
	"hook_id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"url" text,
	"every_seconds" integer NOT NULL,
	"items_path" text,
	"id_field" text,
	"baselined" boolean DEFAULT false NOT NULL,
	"etag" text,
	"last_modified" text,
	"fresh_until" bigint DEFAULT 0 NOT NULL,
	"next_poll_at" bigint NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"failing_since" bigint,
	"paused" boolean DEFAULT false NOT NULL,
	"last_polled_at" bigint,
	"last_ok_at" bigint,
	"last_result" text,
	"item_count" integer,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "poll_seen_age" ON "poll_seen" USING btree ("hook_id","seen_at");--> statement-breakpoint
CREATE INDEX "poll_sources_due" ON "poll_sources" USING btree ("paused","next_poll_at");