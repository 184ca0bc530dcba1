/** A form field as zod sees it: text, repeated text, or an uploaded file. */
export type FormValue = string | string[] | File;

/**
 * FormData → plain object for zod: repeated keys become arrays, empty strings stay strings so
 * schemas decide what "empty" means (FormData never carries numbers: coerce in the schema).
 * A single file stays a File; an empty file input (a browser sends a nameless 0-byte file) is
 * left out, so an optional upload field is simply absent.
 */
export function formDataToObject(formData: FormData): Record<string, FormValue> {
  const out: Record<string, FormValue> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith("$ACTION")) continue; // React's own fields
    const all = formData.getAll(key);
    const file = all.find((v): v is File => typeof v !== "string");
    if (file) {
      if (file.size > 0 || file.name !== "") out[key] = file;
      continue;
    }
    const values = all.filter((v): v is string => typeof v === "string");
    out[key] = key.endsWith("[]") || values.length > 1 ? values : (values[0] ?? "");
  }
  return out;
}
