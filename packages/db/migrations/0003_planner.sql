CREATE TABLE "policy_tables" (
	"version" text PRIMARY KEY NOT NULL,
	"table" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "policy_tables_active_idx" ON "policy_tables" USING btree ("active","created_at");