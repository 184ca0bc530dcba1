import { z } from "zod";
import { operation } from "@/lib/actions/operation";
import { runVerification, verificationMessage } from "@/lib/audit/chain/verification";
import { checkpointTargets } from "./targets";

const INTEGRITY_PAGE = "/audit-log/integrity";

export type VerifyNowResult = {
  verificationId: number;
  ok: boolean;
  checkedEntries: number;
  unsealedEntries: number;
  problemCount: number;
};

/**
 * "Verify now" on the integrity page. It deliberately does not seal what is pending first: a
 * verification that sealed would bless entries nobody had yet proven, so the entries the sealer
 * has not reached are counted as unsealed instead. The run and its audit entry (GENERATE on
 * audit_log) are written together by runVerification.
 */
export const verifyAuditLogOperation = operation({
  // The button carries no input; a schema still checks the form brings nothing unexpected along.
  schema: z.object({}),
  permission: "audit:verify",
  audience: "staff",
  run: async (_input, { db, actor }) => {
    const { report, verificationId } = await runVerification(db, checkpointTargets(), {
      label: actor.label,
      actor,
    });
    return {
      data: {
        verificationId,
        ok: report.ok,
        checkedEntries: report.checkedEntries,
        unsealedEntries: report.unsealedEntries,
        problemCount: report.problemCount,
      } satisfies VerifyNowResult,
      message: verificationMessage(report),
    };
  },
  revalidate: () => [INTEGRITY_PAGE],
});
