-- A search whose words the bilingual taxonomy reads also matches the other language's items by
-- their topics and language, so its walk tests those too: with only the text in the index, each
-- item walked cost a table page again (at 100,000 items, 'entrepreneurship' read 2,292 pages
-- instead of 132).
DROP INDEX IF EXISTS "items_search_walk_idx";--> statement-breakpoint
CREATE INDEX "items_search_walk_idx" ON "items" USING btree ("published_at" DESC NULLS LAST, "id" DESC NULLS LAST) INCLUDE ("search", "language", "topics");
