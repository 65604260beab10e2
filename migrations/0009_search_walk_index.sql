-- A search for a common word ranks its newest matches, found by walking items newest first and
-- testing each one's text. With the text in the index (INCLUDE; drizzle cannot spell it, so the
-- index lives here and not in schema.ts) the walk reads this index alone instead of one table
-- page per item walked: at 1,000,000 items, 'webinaire' went from 300 ms to 47 ms cold.
CREATE INDEX "items_search_walk_idx" ON "items" USING btree ("published_at" DESC NULLS LAST, "id" DESC NULLS LAST) INCLUDE ("search");
