import type { z } from "zod";
import type { ActionConfig, ActionHandler } from "@/lib/actions/define-action";
import { createIngressRoute, deleteIngressRoute, updateIngressRoute } from "./ingress-routes";
import { createIngressSchema, deleteIngressSchema, updateIngressSchema } from "./schemas";

/** Config and handler of each ingress-route action (see lib/accounts/actions.ts for why here). */

type Def<S extends z.ZodType, T> = { config: ActionConfig<S>; handler: ActionHandler<S, T> };
const manage = <S extends z.ZodType>(schema: S): ActionConfig<S> => ({
  schema,
  permission: "accounts:manage",
  audience: "staff",
});

export type SavedIngress = { id: number; accountId: number; version: number };

export const createIngressDef: Def<typeof createIngressSchema, SavedIngress> = {
  config: manage(createIngressSchema),
  handler: async (input, { db, actor }) => {
    const row = await createIngressRoute(db, actor, input);
    return {
      data: { id: row.id, accountId: row.accountId, version: row.version },
      message: `Added ingress route ${row.name} (Ingress ID ${row.id}).`,
    };
  },
};

export const updateIngressDef: Def<typeof updateIngressSchema, SavedIngress> = {
  config: manage(updateIngressSchema),
  handler: async (input, { db, actor }) => {
    const row = await updateIngressRoute(db, actor, input);
    return {
      data: { id: row.id, accountId: row.accountId, version: row.version },
      message: "Saved the ingress route.",
    };
  },
};

export const deleteIngressDef: Def<typeof deleteIngressSchema, { id: number; accountId: number }> =
  {
    config: manage(deleteIngressSchema),
    handler: async (input, { db, actor }) => {
      const row = await deleteIngressRoute(db, actor, input.id);
      return {
        data: { id: row.id, accountId: row.accountId },
        message: `Deleted ingress route ${row.name} (${row.id}).`,
      };
    },
  };
