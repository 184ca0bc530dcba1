import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { auditLog } from "@/db/schema";
import { matchesText } from "./like";

const render = (...args: Parameters<typeof matchesText>) =>
  new PgDialect().sqlToQuery(matchesText(...args));

describe("matchesText", () => {
  it("takes the text literally: %, _ and \\ are escaped under the spelled-out escape character", () => {
    const { sql, params } = render(auditLog.message, "50%_off\\x", "whole");
    expect(sql).toBe(`"audit_log"."message" ilike $1 escape '\\'`);
    expect(params).toEqual(["50\\%\\_off\\\\x"]);
  });

  it("anchors the pattern by match kind", () => {
    expect(render(auditLog.message, "ab", "prefix").params).toEqual(["ab%"]);
    expect(render(auditLog.message, "ab", "contains").params).toEqual(["%ab%"]);
  });

  it("matches nothing, without a parameter, for text holding U+0000", () => {
    expect(render(auditLog.message, "a\u0000b", "contains")).toEqual({ sql: "false", params: [] });
  });
});
