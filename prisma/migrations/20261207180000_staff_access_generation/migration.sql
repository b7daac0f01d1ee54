-- Staff access tokens carry the member's access generation; every change of role, restaurants,
-- activation or password bumps it, so a token minted before the change is refused at once.
-- AlterTable
ALTER TABLE "staff_users" ADD COLUMN "access_generation" INTEGER NOT NULL DEFAULT 0;
