import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { DatabaseUnavailableError } from "@/db/client";
import { openMigratedDatabase } from "@/db/migrate";
import { RuntimeRoleError } from "@/db/roles";
import { users } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { hashPassword } from "@/lib/auth/password";

/**
 * `npm run create-admin -- --email you@example.com --name "Your Name"`: the first admin of a real
 * database. The password comes from ADMIN_PASSWORD, or a random one is generated and printed once.
 */
const argsSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(12, "ADMIN_PASSWORD must have at least 12 characters").max(1024),
});

async function main() {
  const { values } = parseArgs({
    options: { email: { type: "string" }, name: { type: "string" } },
  });
  const generated = !process.env.ADMIN_PASSWORD;
  const parsed = argsSchema.safeParse({
    email: values.email,
    name: values.name ?? "Administrator",
    password: process.env.ADMIN_PASSWORD ?? randomBytes(12).toString("base64url"),
  });
  if (!parsed.success) {
    console.error(
      "Usage: npm run create-admin -- --email you@example.com [--name 'Your Name']\n" +
        parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n"),
    );
    process.exit(2);
  }
  const { email, name, password } = parsed.data;
  const database = await openMigratedDatabase();
  try {
    const [existing] = await database.db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`);
    if (existing) {
      console.error(`A user with email ${email} already exists.`);
      process.exitCode = 1;
      return;
    }
    const passwordHash = await hashPassword(password);
    await auditedMutation(database.db, systemActor("create-admin"), {
      table: "users",
      action: "CREATE",
      change: async (tx) => {
        const [row] = await tx
          .insert(users)
          .values({ email, name, role: "admin", status: "active", passwordHash })
          .returning({ id: users.id });
        return row!.id;
      },
    });
    console.log(`Created admin ${email}.`);
    if (generated) console.log(`Password (shown once): ${password}`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  const known = err instanceof DatabaseUnavailableError || err instanceof RuntimeRoleError;
  console.error(known ? `Cannot connect: ${err.message}` : err);
  process.exit(1);
});
