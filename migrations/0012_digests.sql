-- Email digests: subscriptions (address, selection, consent, where the next digest stands, a lease),
-- the send log written before each message goes and settled after (the stories it held, its
-- Message-ID), and the last confirmation each address was sent (one a day at most).
CREATE TABLE "digest_confirmation_limits" (
	"address_key" text PRIMARY KEY NOT NULL,
	"last_sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "digest_sends" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subscription_id" integer,
	"selection" text NOT NULL,
	"ui" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"story_ids" bigint[] NOT NULL,
	"covered_ids" bigint[] NOT NULL,
	"more_count" integer DEFAULT 0 NOT NULL,
	"message_id" text NOT NULL,
	"status" text DEFAULT 'prepared' NOT NULL,
	"response" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "digest_subscriptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"address_key" text NOT NULL,
	"selection" text NOT NULL,
	"ui" text NOT NULL,
	"frequency" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"token" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"requested_from" text,
	"confirmation_sent_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"confirmed_from" text,
	"window_start" timestamp with time zone,
	"next_due_at" timestamp with time zone,
	"next_attempt_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"failures" integer DEFAULT 0 NOT NULL,
	"bounces" integer DEFAULT 0 NOT NULL,
	"last_sent_at" timestamp with time zone,
	"last_error" text,
	"suspended_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "digest_sends" ADD CONSTRAINT "digest_sends_subscription_id_digest_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."digest_subscriptions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "digest_sends_subscription_idx" ON "digest_sends" USING btree ("subscription_id","status");--> statement-breakpoint
CREATE INDEX "digest_sends_selection_idx" ON "digest_sends" USING btree ("selection","id");--> statement-breakpoint
CREATE INDEX "digest_sends_created_idx" ON "digest_sends" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "digest_subscriptions_address_selection_key" ON "digest_subscriptions" USING btree ("address_key","selection");--> statement-breakpoint
CREATE INDEX "digest_subscriptions_due_idx" ON "digest_subscriptions" USING btree ("next_attempt_at") WHERE "digest_subscriptions"."status" = 'active';--> statement-breakpoint
CREATE INDEX "digest_subscriptions_pending_idx" ON "digest_subscriptions" USING btree ("requested_at") WHERE "digest_subscriptions"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "digest_subscriptions_selection_idx" ON "digest_subscriptions" USING btree ("selection");