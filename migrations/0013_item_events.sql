ALTER TABLE "items" ADD COLUMN "event_start_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "event_end_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "event_start" text;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "event_end" text;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "event_all_day" boolean;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "event_timezone" text;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "event_place" jsonb;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "event_online" boolean;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "event_registration_url" text;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "event_sequence" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "items_event_start_idx" ON "items" USING btree ("event_start_at","id","event_end_at","language","type","province","source_id","cluster_id","regions","topics") WHERE "items"."event_start_at" is not null;