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
