import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { getDb, type Db } from "@/db/client";
import { pgErrorOf } from "@/db/errors";
import type { ActorContext } from "@/lib/audit/actor";
import { RecordNotFoundError } from "@/lib/audit/core";
import { can, type Permission } from "@/lib/auth/permissions";
import type { CurrentUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { formDataToObject } from "./form-data";
import type { ActionResult } from "./result";

/**
 * One wrapper for every mutation: session → permission → zod validation (all field errors) →
 * actor context → domain function. Expected failures come back as values for the form to show.
 */

export type { ActionResult } from "./result";
type ActionContext = { user: CurrentUser; actor: ActorContext; db: Db };

export type ActionConfig<S extends z.ZodType> = {
  schema: S;
  permission: Permission;
  /** Whether the action belongs to the Control Panel (staff), the Portal (account users) or both. */
  audience: "staff" | "portal" | "any";
};

export type ActionHandler<S extends z.ZodType, T> = (
  input: z.infer<S>,
  ctx: ActionContext,
) => Promise<T | { data: T; message: string }>;

/**
 * An action's config and handler kept together outside its "use server" file, so the server
 * action (defineAction) and the tests (runAction) run the same role checks.
 */
export type ActionSpec<S extends z.ZodType, T> = {
  config: ActionConfig<S>;
  handler: ActionHandler<S, T>;
};

/** The part of an action that does not need a request: testable with a user and a database. */
export async function runAction<S extends z.ZodType, T>(
  config: ActionConfig<S>,
  handler: ActionHandler<S, T>,
  session: {
    user: CurrentUser | null;
    actor: (user: CurrentUser) => Promise<ActorContext>;
    db: Db;
  },
  raw: Record<string, unknown>,
): Promise<ActionResult<T>> {
  const { user } = session;
  const values = Object.fromEntries(
    // Never echo secrets back into the page.
    Object.entries(raw).filter(
      ([k, v]) => !/password|secret|token/i.test(k) && (typeof v === "string" || Array.isArray(v)),
    ),
  ) as Record<string, string | string[]>;
  if (!user) return { status: "error", error: "Your session has ended. Sign in again." };
  const portalUser = user.accountId !== null;
  const audienceOk = config.audience === "any" || (config.audience === "portal") === portalUser;
  if (!audienceOk || !can(user.role, config.permission)) {
    return { status: "error", error: "Your role does not allow this action." };
  }
  const parsed = config.schema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path.join(".") || "_form";
      (fieldErrors[key] ??= []).push(issue.message);
    }
    return { status: "error", error: "Check the highlighted fields.", fieldErrors, values };
  }
  try {
    const result = await handler(parsed.data, {
      user,
      actor: await session.actor(user),
      db: session.db,
    });
    if (result && typeof result === "object" && "message" in result && "data" in result) {
      return { status: "ok", data: result.data, message: result.message };
    }
    return { status: "ok", data: result as T };
  } catch (err) {
    if (err instanceof AppError) {
      return { status: "error", error: err.message, fieldErrors: err.fieldErrors, values };
    }
    if (err instanceof RecordNotFoundError) {
      return { status: "error", error: "That record no longer exists.", values };
    }
    const requestId = randomUUID();
    console.error(`[action ${requestId}]`, pgErrorOf(err)?.message ?? err);
    return { status: "error", error: `Something went wrong (reference ${requestId}).`, values };
  }
}

/** Builds a server action for `useActionState(action, IDLE)` from a config and a domain call. */
export function defineAction<S extends z.ZodType, T>(
  config: ActionConfig<S>,
  handler: ActionHandler<S, T>,
) {
  return async (_prev: ActionResult<T>, formData: FormData): Promise<ActionResult<T>> => {
    // Imported lazily: next/headers exists only inside a request.
    const { getCurrentUser, actorFor } = await import("@/lib/auth/session");
    const comment = formData.get("auditComment");
    return runAction(
      config,
      handler,
      {
        user: await getCurrentUser(),
        actor: (user) => actorFor(user, typeof comment === "string" ? comment : null),
        db: await getDb(),
      },
      formDataToObject(formData),
    );
  };
}
