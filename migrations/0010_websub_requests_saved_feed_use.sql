-- WebSub verifications and denials become rows any worker can lease (websub_requests); the
-- subscriptions table keeps verified subscriptions only, with the callback's host (caps and
-- delivery slots are counted per host) and a delivery lease. Saved feeds remember when they were
-- last used, so retention can remove the ones nobody reads.
CREATE TABLE "websub_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"topic" text NOT NULL,
	"requested_topic" text NOT NULL,
	"callback" text NOT NULL,
	"callback_host" text NOT NULL,
	"lease_seconds" integer NOT NULL,
	"secret" text,
	"content_hash" text,
	"reason" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone
);
--> statement-breakpoint
-- Placeholders of verifications in flight: the subscriber asks again when it hears nothing.
DELETE FROM "websub_subscriptions" WHERE "state" <> 'active' OR "expires_at" IS NULL;--> statement-breakpoint
ALTER TABLE "websub_subscriptions" ALTER COLUMN "expires_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "saved_feeds" ADD COLUMN "last_used_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "websub_subscriptions" ADD COLUMN "callback_host" text;--> statement-breakpoint
-- The host as the WHATWG URL parser gives it (callbacks carry no user name, by validation).
UPDATE "websub_subscriptions" SET "callback_host" = lower(coalesce(substring("callback" from '^[A-Za-z][A-Za-z0-9+.-]*://(\[[^]/?#]*\]|[^/?#:]*)'), ''));--> statement-breakpoint
ALTER TABLE "websub_subscriptions" ALTER COLUMN "callback_host" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "websub_subscriptions" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "websub_requests_topic_callback_key" ON "websub_requests" USING btree ("topic","callback");--> statement-breakpoint
CREATE INDEX "websub_requests_host_idx" ON "websub_requests" USING btree ("callback_host");--> statement-breakpoint
CREATE INDEX "saved_feeds_last_used_idx" ON "saved_feeds" USING btree ("last_used_at");--> statement-breakpoint
CREATE INDEX "websub_callback_host_idx" ON "websub_subscriptions" USING btree ("callback_host");--> statement-breakpoint
ALTER TABLE "websub_subscriptions" DROP COLUMN "state";
