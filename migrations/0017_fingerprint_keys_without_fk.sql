ALTER TABLE "item_fingerprint_keys" DROP CONSTRAINT "item_fingerprint_keys_item_id_items_id_fk";
