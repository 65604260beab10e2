DROP INDEX "digest_sends_subscription_idx";--> statement-breakpoint
CREATE INDEX "digest_sends_subscription_window_idx" ON "digest_sends" USING btree ("subscription_id","window_end");--> statement-breakpoint
CREATE INDEX "digest_sends_prepared_idx" ON "digest_sends" USING btree ("subscription_id") WHERE "digest_sends"."status" = 'prepared';