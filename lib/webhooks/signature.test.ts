import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhookSignature } from "./signature";

const at = new Date("2026-11-30T12:00:00Z");

describe("webhook signatures", () => {
  it("verifies what it signed, within the window", () => {
    const header = signWebhook("s3cret", '{"id":1}', at);
    expect(header).toMatch(/^t=1796040000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature("s3cret", '{"id":1}', header, { now: at })).toEqual({
      ok: true,
      timestamp: 1796040000,
    });
  });

  it("refuses another body, another secret, a stale or future time, and garbage", () => {
    const header = signWebhook("s3cret", '{"id":1}', at);
    expect(verifyWebhookSignature("s3cret", '{"id":2}', header, { now: at })).toMatchObject({
      reason: "mismatch",
    });
    expect(verifyWebhookSignature("other", '{"id":1}', header, { now: at })).toMatchObject({
      reason: "mismatch",
    });
    const later = new Date(at.getTime() + 301_000);
    expect(verifyWebhookSignature("s3cret", '{"id":1}', header, { now: later })).toMatchObject({
      reason: "stale",
    });
    const earlier = new Date(at.getTime() - 301_000);
    expect(verifyWebhookSignature("s3cret", '{"id":1}', header, { now: earlier })).toMatchObject({
      reason: "stale",
    });
    const justInside = new Date(at.getTime() + 300_000);
    expect(verifyWebhookSignature("s3cret", '{"id":1}', header, { now: justInside }).ok).toBe(true);
    for (const bad of [null, "", "t=1,v1=zz", `${header},extra`, header.replace("v1", "v0")]) {
      expect(verifyWebhookSignature("s3cret", '{"id":1}', bad, { now: at })).toMatchObject({
        reason: "malformed",
      });
    }
  });
});
