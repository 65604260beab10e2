CREATE TABLE "item_fingerprint_keys" (
	"key" integer NOT NULL,
	"item_id" bigint NOT NULL,
	CONSTRAINT "item_fingerprint_keys_key_item_id_pk" PRIMARY KEY("key","item_id")
);
--> statement-breakpoint
DROP INDEX "items_fp_band0_idx";--> statement-breakpoint
DROP INDEX "items_fp_band1_idx";--> statement-breakpoint
DROP INDEX "items_fp_band2_idx";--> statement-breakpoint
DROP INDEX "items_fp_band3_idx";--> statement-breakpoint
DROP INDEX "items_fp_band4_idx";--> statement-breakpoint
DROP INDEX "items_fp_band5_idx";--> statement-breakpoint
DROP INDEX "items_fp_band6_idx";--> statement-breakpoint
DROP INDEX "items_fp_band7_idx";--> statement-breakpoint
ALTER TABLE "item_fingerprint_keys" ADD CONSTRAINT "item_fingerprint_keys_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_fingerprint_keys_item_idx" ON "item_fingerprint_keys" USING btree ("item_id");--> statement-breakpoint
ALTER TABLE "items" DROP COLUMN "fp_band0";--> statement-breakpoint
ALTER TABLE "items" DROP COLUMN "fp_band1";--> statement-breakpoint
ALTER TABLE "items" DROP COLUMN "fp_band2";--> statement-breakpoint
ALTER TABLE "items" DROP COLUMN "fp_band3";--> statement-breakpoint
ALTER TABLE "items" DROP COLUMN "fp_band4";--> statement-breakpoint
ALTER TABLE "items" DROP COLUMN "fp_band5";--> statement-breakpoint
ALTER TABLE "items" DROP COLUMN "fp_band6";--> statement-breakpoint
ALTER TABLE "items" DROP COLUMN "fp_band7";--> statement-breakpoint
-- Items stored before this migration get their keys from their fingerprint, as
-- normalize/fingerprint.ts fingerprintKeys computes them: one key per pair of 8-bit bands.
INSERT INTO "item_fingerprint_keys" ("key", "item_id")
SELECT DISTINCT (p.n * 65536 + ((i.fingerprint >> (8 * p.i)) & 255) * 256 + ((i.fingerprint >> (8 * p.j)) & 255))::int, i.id
FROM "items" i,
  (SELECT (row_number() OVER (ORDER BY a, b) - 1) AS n, a AS i, b AS j FROM generate_series(0, 7) a, generate_series(0, 7) b WHERE a < b) p
WHERE i.fingerprint IS NOT NULL;
