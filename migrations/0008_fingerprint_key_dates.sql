-- Each fingerprint key row carries its item's date, so a near-duplicate lookup reads only the
-- keys inside an item's time window instead of every item that ever shared a key.
ALTER TABLE "item_fingerprint_keys" ADD COLUMN "published_at" timestamp with time zone;--> statement-breakpoint
UPDATE "item_fingerprint_keys" k SET "published_at" = i."published_at" FROM "items" i WHERE i."id" = k."item_id";--> statement-breakpoint
ALTER TABLE "item_fingerprint_keys" ALTER COLUMN "published_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "item_fingerprint_keys" DROP CONSTRAINT "item_fingerprint_keys_key_item_id_pk";--> statement-breakpoint
ALTER TABLE "item_fingerprint_keys" ADD CONSTRAINT "item_fingerprint_keys_key_published_at_item_id_pk" PRIMARY KEY("key","published_at","item_id");
--> statement-breakpoint
-- Every ingest probes the alternates index; entries go straight into it instead of a pending
-- list that each probe would read in full.
ALTER INDEX "items_alternate_urls_idx" SET (fastupdate = off);
--> statement-breakpoint
SELECT gin_clean_pending_list('items_alternate_urls_idx');
