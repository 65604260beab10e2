CREATE TABLE "item_twin_keys" (
	"key" text NOT NULL,
	"item_id" bigint NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	CONSTRAINT "item_twin_keys_key_published_at_item_id_pk" PRIMARY KEY("key","published_at","item_id")
);
--> statement-breakpoint
ALTER TABLE "item_twin_keys" ADD CONSTRAINT "item_twin_keys_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_twin_keys_item_idx" ON "item_twin_keys" USING btree ("item_id");