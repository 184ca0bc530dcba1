/**
 * A strict RFC 5424 check, written from the RFC's ABNF (section 6), for the tests to hold the
 * formatter's lines against: HEADER SP STRUCTURED-DATA [SP MSG], PRIVAL 0..191, VERSION 1,
 * TIMESTAMP full-date "T" full-time with at most six fraction digits, the header fields
 * PRINTUSASCII within their lengths, SD-NAMEs without '=', SP, ']' or '"', PARAM-VALUEs with
 * '"', '\' and ']' escaped, and no line break anywhere.
 */

const PRINT = (max: number) => `[\\x21-\\x7e]{1,${max}}`;
const SD_NAME = `(?:(?![="\\]])[\\x21-\\x7e]){1,32}`;
const PARAM_VALUE = `(?:[^"\\\\\\]\\n]|\\\\["\\\\\\]])*`;
const SD_ELEMENT = `\\[${SD_NAME}(?: ${SD_NAME}="${PARAM_VALUE}")*\\]`;
const TIMESTAMP =
  "-|\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])T(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d{1,6})?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)";

const LINE = new RegExp(
  `^<(\\d{1,3})>([1-9]\\d{0,2}) (${TIMESTAMP}) (${PRINT(255)}) (${PRINT(48)}) (${PRINT(128)}) (${PRINT(32)}) (-|(?:${SD_ELEMENT})+)(?: ([^\\n]*))?$`,
  "u",
);

export type Rfc5424 = {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  params: Record<string, string>;
  msg: string | null;
};

/** The parsed line, or an Error saying which rule it breaks. */
export function parseRfc5424(line: string): Rfc5424 | Error {
  const m = LINE.exec(line);
  if (!m) return new Error(`not RFC 5424: ${line.slice(0, 200)}`);
  const pri = Number(m[1]);
  if (pri > 191) return new Error(`PRIVAL ${pri} > 191`);
  const params: Record<string, string> = {};
  for (const p of m[8]!.matchAll(new RegExp(` (${SD_NAME})="(${PARAM_VALUE})"`, "gu"))) {
    params[p[1]!] = p[2]!.replace(/\\(["\\\]])/g, "$1");
  }
  return {
    pri,
    version: Number(m[2]),
    timestamp: m[3]!,
    hostname: m[4]!,
    appName: m[5]!,
    procId: m[6]!,
    msgId: m[7]!,
    params,
    msg: m[9] ?? null,
  };
}

/** Splits an RFC 6587 octet-counted stream into messages; what is left is an incomplete frame. */
export function splitOctetCounted(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let offset = 0;
  for (;;) {
    const space = buffer.indexOf(0x20, offset);
    if (space < 0) break;
    const lengthText = buffer.subarray(offset, space).toString("ascii");
    if (!/^[1-9]\d{0,8}$/.test(lengthText)) throw new Error(`bad frame length "${lengthText}"`);
    const end = space + 1 + Number(lengthText);
    if (end > buffer.length) break;
    messages.push(buffer.subarray(space + 1, end).toString("utf8"));
    offset = end;
  }
  return { messages, rest: buffer.subarray(offset) };
}
