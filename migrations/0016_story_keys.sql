CREATE TABLE "item_story_keys" (
	"key" text NOT NULL,
	"item_id" bigint NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	CONSTRAINT "item_story_keys_key_published_at_item_id_pk" PRIMARY KEY("key","published_at","item_id")
);
--> statement-breakpoint
ALTER TABLE "item_story_keys" ADD CONSTRAINT "item_story_keys_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_story_keys_item_idx" ON "item_story_keys" USING btree ("item_id");