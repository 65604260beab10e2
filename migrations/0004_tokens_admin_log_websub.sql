CREATE TABLE "admin_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"token_id" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"action" text NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"read_only" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"use_count" integer DEFAULT 0 NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "websub_subscriptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"callback" text NOT NULL,
	"secret" text,
	"lease_seconds" integer NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_content_hash" text,
	"last_delivery_at" timestamp with time zone,
	"pending_since" timestamp with time zone,
	"next_attempt_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "admin_log" ADD CONSTRAINT "admin_log_token_id_api_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."api_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_log_at_idx" ON "admin_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_hash_key" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_name_key" ON "api_tokens" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "websub_topic_callback_key" ON "websub_subscriptions" USING btree ("topic","callback");--> statement-breakpoint
CREATE INDEX "websub_next_attempt_idx" ON "websub_subscriptions" USING btree ("next_attempt_at");