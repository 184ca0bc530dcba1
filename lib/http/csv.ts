import { stringify } from "csv-stringify/sync";

/** Spreadsheets run cells starting with these as formulas: prefix a quote so they stay text. */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Every CSV export's text goes through here, header included: a column label is a value too (an
 * admin names CDR fields, per account), so no cell reaches a spreadsheet without the quote above.
 * `header` starts a download; its later chunks pass none.
 */
export function csvText(rows: readonly (readonly string[])[], header?: readonly string[]): string {
  return stringify(
    rows.map((row) => row.map(neutraliseFormula)),
    header ? { header: true, columns: header.map(neutraliseFormula) } : {},
  );
}
