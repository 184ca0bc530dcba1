/** RFC 4180 fields (quotes doubled, fields with commas, quotes or line breaks quoted). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      rows.push([...row, field]);
      row = [];
      field = "";
    } else if (c !== "\r" || text[i + 1] !== "\n") field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** What a spreadsheet would run: a cell starting with = + - @, a tab or a carriage return. */
export const liveFormulas = (cells: readonly string[]) =>
  cells.filter((c) => /^[=+\-@\t\r]/.test(c));

/** One value per prefix a spreadsheet runs as a formula. */
export const FORMULAS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1+1", "-2+3", "\t=1", "\r=1"];
