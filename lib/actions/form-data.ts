/**
 * FormData → plain object for zod: repeated keys become arrays, empty strings stay strings so
 * schemas decide what "empty" means (FormData never carries numbers: coerce in the schema).
 */
export function formDataToObject(formData: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith("$ACTION")) continue; // React's own fields
    const values = formData.getAll(key).filter((v): v is string => typeof v === "string");
    out[key] = key.endsWith("[]") || values.length > 1 ? values : (values[0] ?? "");
  }
  return out;
}
