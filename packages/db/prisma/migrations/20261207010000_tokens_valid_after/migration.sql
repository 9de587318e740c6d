-- Access tokens (stateless JWTs) issued before this instant are refused:
-- set when the user logs out or resets the password, so a token that leaked
-- stops working at once instead of at its expiry.

-- AlterTable
ALTER TABLE "users" ADD COLUMN "tokens_valid_after" TIMESTAMPTZ(3);
