import { z } from "zod";
import { problem } from "@/lib/http/problem";

/** A numeric record id in the path; anything else names no record (404). */
export const idParams = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 53 - 1),
});

/** A page of a list: the rows and the cursor of the next page (null on the last). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export const notFoundProblem = () => problem({ status: 404, detail: "No such record." });

/** The `cursor` query parameter of a keyset list: the nextCursor of the page before. */
export const cursorParam = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 53 - 1)
  .optional()
  .describe("nextCursor of the last page");

/** A keyset page of a query (`nextAfter`: the last id, null on the last page) as the API's page. */
export const pageBody = <R, T>(
  page: { rows: R[]; nextAfter: number | null },
  pick: (row: R) => T,
) => ({
  data: page.rows.map(pick),
  nextCursor: page.nextAfter === null ? null : String(page.nextAfter),
});

/** A short list answered whole (no cursor): an account's ingress routes. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });
