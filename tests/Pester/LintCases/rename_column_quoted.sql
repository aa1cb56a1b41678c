-- lint-case: the same without the COLUMN keyword, names quoted
-- expect: renaming-column Warning
ALTER TABLE "public"."customers" RENAME "email" TO "Email";
