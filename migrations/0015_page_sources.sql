ALTER TABLE "sources" ADD COLUMN "kind" text DEFAULT 'feed' NOT NULL;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "selectors" jsonb;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "last_items_found" integer;