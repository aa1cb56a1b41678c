-- lint-case: a NOT NULL column without a default, quoted names and a comment between the words
-- expect: adding-not-nullable-field Error
-- oracle: fails
ALTER TABLE "public"."customer_emails" ADD COLUMN "Verified By" text /* who checked it */ NOT NULL;
