/** Spreadsheets run cells starting with these as formulas: prefix a quote so they stay text. */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
