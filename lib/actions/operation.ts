import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Db } from "@/db/client";
import { pgErrorOf } from "@/db/errors";
import type { ActorContext } from "@/lib/audit/actor";
import { RecordNotFoundError } from "@/lib/audit/core";
import { StaleEditError } from "@/lib/audit/stale-edit";
import { can, type Permission } from "@/lib/auth/permissions";
import type { CurrentUser } from "@/lib/auth/session";
import type { PortalFeature } from "@/lib/branding/fields";
import { AppError } from "@/lib/errors";
import { HIDDEN_SECTION_MESSAGE, portalFeatures } from "@/lib/portal/features";
import {
  AUDIT_COMMENT_FIELD,
  auditCommentModeFor,
  checkAuditComment,
  type AuditCommentInput,
} from "./audit-comment";
import type { ActionResult } from "./result";

/**
 * A mutation, declared once beside its domain function: input schema, permission, audience, the
 * call, and what a browser should see after it. Doors (the form's server action, the REST API)
 * bind a declaration and add only transport; `runOperation` is the part every door shares.
 */

/** The Control Panel's staff, the Customer Portal's account users, or either. */
export type Audience = "staff" | "portal" | "any";

/** Whether `user` may do what needs `permission` in `audience`: every door asks this. */
export function allows(
  user: Pick<CurrentUser, "role" | "accountId">,
  permission: Permission,
  audience: Audience,
): boolean {
  const portalUser = user.accountId !== null;
  const audienceOk = audience === "any" || (audience === "portal") === portalUser;
  return audienceOk && can(user.role, permission);
}

type OperationContext = {
  user: CurrentUser;
  actor: ActorContext;
  db: Db;
  /** Where links in emails point: APP_URL, else the request's own origin. */
  baseUrl: () => Promise<string>;
};

/** A page that shows the change: one path, or a layout and every page under it. */
export type PagePath = string | { layout: string };

export type Operation<S extends z.ZodType, T> = {
  schema: S;
  permission: Permission;
  audience: Audience;
  run: (input: z.infer<S>, ctx: OperationContext) => Promise<{ data: T; message: string }>;
  /** Pages whose render shows the change (the page the form is on is always refreshed). */
  revalidate?: (data: T) => PagePath[];
  /** Where the browser goes next: a created record's page, the list after a delete. */
  redirect?: (data: T) => string;
  /** A stale save answers with the record as it is now, as the form's fields. */
  latestValues?: (latest: Record<string, unknown>) => Record<string, string>;
  /**
   * The change ended the signed-in user's sessions (a password change): the browser that made it
   * signs in again with the password this returns, rather than being signed out.
   */
  renewsSession?: (input: z.infer<S>) => string;
  /**
   * Open also to a user who must enrol a second factor before anything else (lib/auth/session.ts
   * getSignedInUser): the enrolment itself. Every other operation refuses them as signed out.
   */
  beforeEnrolment?: true;
  /**
   * The portal section the operation belongs to: while the published branding hides it, portal
   * users are refused as if it did not exist (lib/portal/features.ts). Staff are unaffected.
   */
  portalFeature?: PortalFeature;
};

/** Declares an operation (an identity function: it only fixes the types). */
export const operation = <S extends z.ZodType, T>(op: Operation<S, T>): Operation<S, T> => op;

/** Who asks, as a door has established it (`user` null: no session). */
export type Caller = {
  user: CurrentUser | null;
  actor: (user: CurrentUser) => Promise<ActorContext>;
  db: Db;
  baseUrl: () => Promise<string>;
  /**
   * Rethrows the door's own control-flow signals (Next's redirect and notFound are thrown) so a
   * redirect inside an operation is not reported as a failure. The pipeline itself knows no
   * framework: scripts and the seed import operations' modules outside Next.
   */
  passThrough?: (err: unknown) => void;
  /**
   * The reason for the change as the door received it (the form's field, the API's header): the
   * pipeline checks it against the setting and puts it on the actor. Nothing else sets a comment.
   */
  auditComment?: AuditCommentInput;
};

/**
 * Why a run failed, for doors that answer with a status (the REST API): no session, role or
 * audience refused, invalid input, no such record, a conflict, a stale save, or our own fault.
 */
export type Failure =
  "unauthenticated" | "forbidden" | "invalid" | "not_found" | "conflict" | "stale" | "internal";

/** A door's view of one run: the answer, the parsed input and, when it failed, why. */
export type Performed<S extends z.ZodType, T> = {
  result: ActionResult<T>;
  input?: z.infer<S>;
  failure?: Failure;
  /** The failure's machine-readable detail (AppError's extensions), for the API's problem. */
  extensions?: Record<string, unknown>;
};

// Never echo secrets back into the page.
const SECRET_FIELD = /password|secret|token/i;

function typedValues(raw: Record<string, unknown>): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(raw).filter(
      ([k, v]) => !SECRET_FIELD.test(k) && (typeof v === "string" || Array.isArray(v)),
    ),
  ) as Record<string, string | string[]>;
}

function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    (fieldErrors[issue.path.join(".") || "_form"] ??= []).push(issue.message);
  }
  return fieldErrors;
}

const NUL_MESSAGE = "Contains a NUL character (U+0000), which cannot be stored.";

/**
 * Postgres refuses U+0000 in text and jsonb, so a NUL that passed the schema failed the
 * statement later as a 500. Checked here, on the validated input (what would be stored), it is
 * a field error for every operation and door. Iterative: a JSON body may nest deeply.
 */
function nulErrorsOf(input: unknown): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  // One native pass first (JSON writes U+0000 as \u0000): a CDR batch is a million values, and
  // almost never holds a NUL, so the walk that names the fields runs only when one is there.
  let json: string | undefined;
  try {
    json = JSON.stringify(input ?? null);
  } catch {
    // Not JSON-able (a BigInt): walk it.
  }
  if (json !== undefined && !json.includes("\\u0000")) return fieldErrors;
  const flag = (path: readonly string[]) => {
    const errors = (fieldErrors[path.join(".") || "_form"] ??= []);
    if (errors.length === 0) errors.push(NUL_MESSAGE);
  };
  const stack: [unknown, string[]][] = [[input, []]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [value, path] = item;
    if (typeof value === "string") {
      if (value.includes("\u0000")) flag(path);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, [...path, String(i)]]));
    } else if (value !== null && typeof value === "object") {
      // Plain objects only: files, dates and buffers are not text.
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) continue;
      for (const [k, v] of Object.entries(value)) {
        if (k.includes("\u0000")) flag([...path, k]);
        stack.push([v, [...path, k]]);
      }
    }
  }
  return fieldErrors;
}

/**
 * Session → audience and permission → zod (every field error at once) → actor → the domain
 * call. Expected failures come back as values for the caller to show; what the door's
 * `passThrough` rethrows (a redirect) passes through.
 */
export async function performOperation<S extends z.ZodType, T>(
  op: Operation<S, T>,
  caller: Caller,
  raw: Record<string, unknown>,
): Promise<Performed<S, T>> {
  const { user } = caller;
  const values = typedValues(raw);
  if (!user) {
    return {
      result: { status: "error", error: "Your session has ended. Sign in again." },
      failure: "unauthenticated",
    };
  }
  if (!allows(user, op.permission, op.audience)) {
    return {
      result: { status: "error", error: "Your role does not allow this action." },
      failure: "forbidden",
    };
  }
  if (
    op.portalFeature &&
    user.accountId !== null &&
    !(await portalFeatures(caller.db))[op.portalFeature]
  ) {
    return { result: { status: "error", error: HIDDEN_SECTION_MESSAGE }, failure: "not_found" };
  }
  const commentField = caller.auditComment?.field ?? AUDIT_COMMENT_FIELD;
  if (caller.auditComment?.encoding === "plain" && caller.auditComment.value !== null) {
    values[commentField] = caller.auditComment.value;
  }
  const commented = checkAuditComment(
    await auditCommentModeFor(caller.db, user),
    caller.auditComment,
  );
  const parsed = op.schema.safeParse(raw);
  if (!parsed.success || "error" in commented) {
    const fieldErrors = parsed.success ? {} : fieldErrorsOf(parsed.error);
    if ("error" in commented) (fieldErrors[commentField] ??= []).push(commented.error);
    return {
      result: { status: "error", error: "Check the highlighted fields.", fieldErrors, values },
      failure: "invalid",
    };
  }
  const input = parsed.data;
  const nulErrors = nulErrorsOf(input);
  if (Object.keys(nulErrors).length > 0) {
    return {
      result: {
        status: "error",
        error: "Check the highlighted fields.",
        fieldErrors: nulErrors,
        values,
      },
      failure: "invalid",
    };
  }
  try {
    const actor = { ...(await caller.actor(user)), comment: commented.comment };
    const { data, message } = await op.run(input, {
      user,
      actor,
      db: caller.db,
      baseUrl: caller.baseUrl,
    });
    return { result: { status: "ok", data, message }, input };
  } catch (err) {
    caller.passThrough?.(err);
    if (err instanceof StaleEditError) {
      const latest = op.latestValues?.(err.latest) ?? values;
      return {
        result: { status: "error", error: err.message, values: latest },
        input,
        failure: "stale",
      };
    }
    if (err instanceof AppError) {
      return {
        result: { status: "error", error: err.message, fieldErrors: err.fieldErrors, values },
        input,
        failure: err.kind,
        ...(err.extensions ? { extensions: err.extensions } : {}),
      };
    }
    if (err instanceof RecordNotFoundError) {
      return {
        result: { status: "error", error: "That record no longer exists.", values },
        input,
        failure: "not_found",
      };
    }
    const requestId = randomUUID();
    console.error(`[operation ${requestId}]`, pgErrorOf(err)?.message ?? err);
    return {
      result: { status: "error", error: `Something went wrong (reference ${requestId}).`, values },
      input,
      failure: "internal",
    };
  }
}

/** The answer alone: what tests and simple callers need. */
export async function runOperation<S extends z.ZodType, T>(
  op: Operation<S, T>,
  caller: Caller,
  raw: Record<string, unknown>,
): Promise<ActionResult<T>> {
  return (await performOperation(op, caller, raw)).result;
}
