/** Plain catalogue rows for the settings forms (the catalogue itself holds Drizzle columns). */
type FieldDefault = "D" | "O" | "N";

export type CatalogueRow = {
  key: string;
  label: string;
  type: string;
  unit?: string;
  defaults: { customer: FieldDefault; carrier: FieldDefault; staff: FieldDefault };
};
