import { refresh, revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { getDb } from "@/db/client";
import { actorFor, getCurrentUser, getSignedInUser } from "@/lib/auth/session";
import { signInAgain } from "@/lib/auth/sign-in-again";
import { requestBaseUrl } from "@/lib/http/request-base-url";
import { AUDIT_COMMENT_FIELD } from "./audit-comment";
import { formDataToObject } from "./form-data";
import { performOperation, type Operation, type PagePath } from "./operation";
import type { FormAction } from "./result";

const revalidate = (page: PagePath) =>
  typeof page === "string" ? revalidatePath(page) : revalidatePath(page.layout, "layout");

/**
 * The form door: binds an operation as a server action for `useActionState`. After a change the
 * pages that show it are revalidated and the one the form is on re-rendered (after a stale save
 * too, so it shows what is stored now), unless the operation sends the browser elsewhere.
 */
export function formAction<S extends z.ZodType, T>(op: Operation<S, T>): FormAction<T> {
  return async (_prev, formData) => {
    const user = op.beforeEnrolment ? await getSignedInUser() : await getCurrentUser();
    // The reason is the pipeline's to check and attach, not the operation's input.
    const { [AUDIT_COMMENT_FIELD]: comment, ...raw } = formDataToObject(formData);
    const { result, input, failure } = await performOperation(
      op,
      {
        user,
        actor: actorFor,
        db: await getDb(),
        baseUrl: requestBaseUrl,
        passThrough: unstable_rethrow,
        auditComment: {
          value: typeof comment === "string" ? comment : null,
          encoding: "plain",
          field: AUDIT_COMMENT_FIELD,
        },
      },
      raw,
    );
    if (result.status === "ok") {
      op.revalidate?.(result.data).forEach(revalidate);
      if (user && input !== undefined && op.renewsSession) {
        await signInAgain(user.email, op.renewsSession(input));
      }
      if (op.redirect) redirect(op.redirect(result.data));
    }
    if (result.status === "ok" || failure === "stale") refresh();
    return result;
  };
}
