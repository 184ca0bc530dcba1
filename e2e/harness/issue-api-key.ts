import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { openPostgres } from "@/db/client";
import { users } from "@/db/schema";
import { generateApiKey } from "@/lib/api-keys/keys";
import { actorForUser } from "@/lib/auth/actor-for-user";

/**
 * `tsx --conditions=react-server e2e/harness/issue-api-key.ts <owner email> <read|read_write>
 * <name>`: generates an API key owned by that user in the e2e database (DATABASE_URL) through
 * the product's own generateApiKey, acting as the owner (so the GENERATE entry is theirs), and
 * prints the secret. For owners the /api-keys page refuses (api-keys:manage is admin only):
 * support and portal users. Admin keys are generated in the browser, as a person would.
 */
async function main() {
  const [email, scope, name] = process.argv.slice(2);
  const url = process.env.DATABASE_URL;
  if (!email || (scope !== "read" && scope !== "read_write") || !name || !url) {
    throw new Error("usage: DATABASE_URL=… issue-api-key.ts <email> <read|read_write> <name>");
  }
  const database = await openPostgres(url);
  try {
    const [owner] = await database.db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
    if (!owner) throw new Error(`no user ${email}`);
    const key = await generateApiKey(
      database.db,
      actorForUser(owner, { ip: null, userAgent: "e2e harness", requestId: randomUUID() }),
      { name, scope, expiresAt: null },
    );
    process.stdout.write(`${key.secret}\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
