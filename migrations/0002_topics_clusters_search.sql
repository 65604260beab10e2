ALTER TABLE "items" ADD COLUMN "topics" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "type" text DEFAULT 'news' NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "regions" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "province" text;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "canonical_url" text;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "translation_key" text;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "alternate_urls" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "fingerprint" bigint;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "fp_band0" smallint;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "fp_band1" smallint;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "fp_band2" smallint;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "fp_band3" smallint;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "fp_band4" smallint;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "fp_band5" smallint;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "fp_band6" smallint;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "fp_band7" smallint;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "cluster_id" bigint;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "translation_of" bigint;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector(
  case language when 'fr' then 'passerelle_fr'::regconfig when 'en' then 'passerelle_en'::regconfig else 'passerelle_simple'::regconfig end,
  coalesce(title, '') || ' ' || coalesce(summary, ''))) STORED;--> statement-breakpoint
CREATE INDEX "items_cluster_idx" ON "items" USING btree ("cluster_id");--> statement-breakpoint
CREATE INDEX "items_canonical_url_idx" ON "items" USING btree ("canonical_url");--> statement-breakpoint
CREATE INDEX "items_translation_key_idx" ON "items" USING btree ("translation_key");--> statement-breakpoint
CREATE INDEX "items_fp_band0_idx" ON "items" USING btree ("fp_band0");--> statement-breakpoint
CREATE INDEX "items_fp_band1_idx" ON "items" USING btree ("fp_band1");--> statement-breakpoint
CREATE INDEX "items_fp_band2_idx" ON "items" USING btree ("fp_band2");--> statement-breakpoint
CREATE INDEX "items_fp_band3_idx" ON "items" USING btree ("fp_band3");--> statement-breakpoint
CREATE INDEX "items_fp_band4_idx" ON "items" USING btree ("fp_band4");--> statement-breakpoint
CREATE INDEX "items_fp_band5_idx" ON "items" USING btree ("fp_band5");--> statement-breakpoint
CREATE INDEX "items_fp_band6_idx" ON "items" USING btree ("fp_band6");--> statement-breakpoint
CREATE INDEX "items_fp_band7_idx" ON "items" USING btree ("fp_band7");--> statement-breakpoint
CREATE INDEX "items_topics_idx" ON "items" USING gin ("topics");--> statement-breakpoint
CREATE INDEX "items_alternate_urls_idx" ON "items" USING gin ("alternate_urls");--> statement-breakpoint
CREATE INDEX "items_regions_idx" ON "items" USING gin ("regions");--> statement-breakpoint
CREATE INDEX "items_search_idx" ON "items" USING gin ("search");