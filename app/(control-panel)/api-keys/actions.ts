"use server";

import { refresh, revalidatePath } from "next/cache";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { generateApiKeySpec, revokeApiKeySpec, type GeneratedKey } from "@/lib/api-keys/actions";

const generate = defineAction(generateApiKeySpec.config, generateApiKeySpec.handler);
const revoke = defineAction(revokeApiKeySpec.config, revokeApiKeySpec.handler);

// The list re-renders with the change; the new secret stays only in the form's action state.
export async function generateApiKeyAction(
  prev: ActionResult<GeneratedKey>,
  formData: FormData,
): Promise<ActionResult<GeneratedKey>> {
  const result = await generate(prev, formData);
  if (result.status === "ok") {
    revalidatePath("/api-keys");
    refresh();
  }
  return result;
}

export async function revokeApiKeyAction(
  prev: ActionResult<number>,
  formData: FormData,
): Promise<ActionResult<number>> {
  const result = await revoke(prev, formData);
  if (result.status === "ok") {
    revalidatePath("/api-keys");
    refresh();
  }
  return result;
}
