// Property-based tests of redaction: whatever shape a row has, a secret column's value never
// reaches the audit entry, and everything else arrives as it was.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REDACTED, REDACTED_CHANGED, redactPair } from "@/lib/audit/redact";
import { AUDITED_TABLES } from "@/lib/audit/tables";
import { rowToJson } from "@/lib/audit/to-json";

/*
 * redact.ts treats as secret the columns each audited table lists in `secretFields`: a secret is
 * a whole top-level field of the row (a hash, a token, an email body with a link), whatever its
 * value holds. So the secrets are inserted as columns, each with a value that may itself be
 * nested (a marker at a random depth), among columns holding arbitrarily nested JSON.
 */

const SECRET_NAMES = [
  ...new Set(Object.values(AUDITED_TABLES).flatMap((def) => def.secretFields)),
  "password",
  "apiToken",
];

/** Plain values that cannot contain a marker: markers hold a UUID no other value does. */
const plain = fc.jsonValue({ maxDepth: 4 });

/** A secret value: a unique marker, bare or buried at a random depth in objects and arrays. */
const secretValue = fc
  .tuple(
    fc.uuid(),
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.array(fc.tuple(fc.boolean(), fc.string({ maxLength: 6 })), { maxLength: 5 }),
  )
  .map(([uuid, noise, path]) => {
    const marker = `secret-${uuid}-${noise}`;
    let value: unknown = marker;
    for (const [asArray, key] of path) value = asArray ? [1, value, null] : { [key]: value };
    return { marker, value };
  });

/** A row: random columns (nested JSON), some secret columns with secret values (or null). */
const row = (secretFields: readonly string[]) =>
  fc
    .tuple(
      fc.dictionary(
        fc.string({ maxLength: 10 }).filter((k) => !secretFields.includes(k) && k !== "__proto__"),
        plain,
        { maxKeys: 8 },
      ),
      fc.array(fc.option(secretValue, { nil: null, freq: 4 }), {
        minLength: secretFields.length,
        maxLength: secretFields.length,
      }),
      fc.array(fc.boolean(), { minLength: secretFields.length, maxLength: secretFields.length }),
    )
    .map(([columns, secrets, present]) => {
      const out: Record<string, unknown> = { ...columns };
      const markers: string[] = [];
      secretFields.forEach((field, i) => {
        if (!present[i]) return;
        const secret = secrets[i] ?? null;
        out[field] = secret && secret.value;
        if (secret) markers.push(secret.marker);
      });
      return { row: out, markers };
    });

const pair = fc.subarray(SECRET_NAMES, { minLength: 1 }).chain((secretFields) =>
  fc.record({
    secretFields: fc.constant(secretFields),
    before: fc.option(row(secretFields), { nil: null }),
    after: fc.option(row(secretFields), { nil: null }),
  }),
);

describe("redactPair", () => {
  it("lets no secret value through, at any depth, and keeps every other field", () => {
    fc.assert(
      fc.property(pair, ({ secretFields, before, after }) => {
        const beforeRow = before && rowToJson(before.row);
        const afterRow = after && rowToJson(after.row);
        const redacted = redactPair(beforeRow, afterRow, secretFields);
        const text = JSON.stringify(redacted);
        for (const marker of [...(before?.markers ?? []), ...(after?.markers ?? [])]) {
          expect(text).not.toContain(JSON.stringify(marker).slice(1, -1));
        }
        for (const [input, output] of [
          [beforeRow, redacted.before],
          [afterRow, redacted.after],
        ] as const) {
          if (input === null) {
            expect(output).toBeNull();
            continue;
          }
          expect(Object.keys(output!).sort()).toEqual(Object.keys(input).sort());
          for (const [key, value] of Object.entries(input)) {
            if (secretFields.includes(key)) {
              // Presence and null are kept; a value becomes a marker that names no part of it.
              const out = output![key];
              if (value === null) expect(out).toBeNull();
              else expect([REDACTED, REDACTED_CHANGED]).toContain(out);
            } else {
              expect(output![key]).toEqual(value);
            }
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it("says whether a secret changed, without saying what it was", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SECRET_NAMES),
        fc.option(fc.string(), { nil: null }),
        fc.option(fc.string(), { nil: null }),
        (field, old, now) => {
          const { before, after } = redactPair({ [field]: old }, { [field]: now }, [field]);
          expect(before![field]).toBe(old === null ? null : REDACTED);
          expect(after![field]).toBe(
            now === null ? null : old === now ? REDACTED : REDACTED_CHANGED,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("does not change the rows it is given", () => {
    fc.assert(
      fc.property(pair, ({ secretFields, before, after }) => {
        const snapshot = structuredClone([before?.row ?? null, after?.row ?? null]);
        redactPair(before?.row ?? null, after?.row ?? null, secretFields);
        expect([before?.row ?? null, after?.row ?? null]).toEqual(snapshot);
      }),
      { numRuns: 200 },
    );
  });
});
