import { describe, expect, it } from "vitest";
import { normalizeIpOrCidr } from "./normalize-ip";

describe("normalizeIpOrCidr", () => {
  it("canonicalises and refuses", () => {
    expect(normalizeIpOrCidr(" 10.0.0.1 ")).toBe("10.0.0.1");
    expect(normalizeIpOrCidr("0.0.0.0/0")).toBe("0.0.0.0/0");
    expect(normalizeIpOrCidr("::/0")).toBe("::/0");
    expect(normalizeIpOrCidr("2001:0db8:0000::0001/128")).toBe("2001:db8::1");
    expect(normalizeIpOrCidr("::ffff:10.1.2.3/120")).toBe("10.1.2.0/24");
    expect(normalizeIpOrCidr("::ffff:0:0/80")).toBe("::/80");
    expect(normalizeIpOrCidr("10.0.0.1/8/8")).toBeNull();
    expect(normalizeIpOrCidr("10.0.0.1/08x")).toBeNull();
    expect(normalizeIpOrCidr("[::1]/64")).toBeNull();
    expect(normalizeIpOrCidr("1")).toBeNull();
    expect(normalizeIpOrCidr("")).toBeNull();
  });
});
