CREATE TABLE "threads" (
	"hook_id" text NOT NULL,
	"subject_key" text NOT NULL,
	"channel_id" text NOT NULL,
	"name" text NOT NULL,
	"url" text,
	"starter_message_id" text,
	"thread_id" text,
	"archived" boolean DEFAULT false NOT NULL,
	"forum" boolean DEFAULT false NOT NULL,
	"fallback_at" bigint,
	"head_branch" text,
	"created_at" text NOT NULL,
	CONSTRAINT "threads_hook_id_subject_key_pk" PRIMARY KEY("hook_id","subject_key")
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "thread_key" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "thread" json;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "threads" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "threads_thread" ON "threads" USING btree ("thread_id");--> statement-breakpoint
CREATE INDEX "threads_branch" ON "threads" USING btree ("hook_id","head_branch");