import type { ActionResult } from "@/lib/actions/result";

type Common = {
  name: string;
  label: string;
  /** The last action result: shows this field's errors and keeps what the user typed. */
  state?: ActionResult<unknown>;
  defaultValue?: string | number | null;
  hint?: string;
};

function fieldState({ name, state, defaultValue }: Common) {
  const errors = state?.status === "error" ? state.fieldErrors?.[name] : undefined;
  const typed = state?.status === "error" ? state.values?.[name] : undefined;
  const value = typeof typed === "string" ? typed : (defaultValue ?? "");
  return { errors, value: String(value) };
}

const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-brand focus:ring-2 focus:ring-brand/30 focus:outline-none aria-invalid:border-red-400";

/** A labelled input with its hint and field errors, wired for screen readers. */
export function Field(
  props: Common & Omit<React.InputHTMLAttributes<HTMLInputElement>, "name" | "defaultValue">,
) {
  const { name, label, state: _state, defaultValue: _d, hint, ...input } = props;
  const { errors, value } = fieldState(props);
  const id = `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        name={name}
        defaultValue={value}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={inputClass}
        {...input}
      />
      <FieldMessages id={id} errors={errors} hint={hint} />
    </div>
  );
}

export function SelectField(
  props: Common & { options: readonly { value: string; label: string }[] } & Omit<
      React.SelectHTMLAttributes<HTMLSelectElement>,
      "name" | "defaultValue"
    >,
) {
  const { name, label, state: _state, defaultValue: _d, hint, options, ...select } = props;
  const { errors, value } = fieldState(props);
  const id = `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select
        id={id}
        name={name}
        defaultValue={value}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={inputClass}
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldMessages id={id} errors={errors} hint={hint} />
    </div>
  );
}

export function TextAreaField(
  props: Common & Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, "name" | "defaultValue">,
) {
  const { name, label, state: _state, defaultValue: _d, hint, ...area } = props;
  const { errors, value } = fieldState(props);
  const id = `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        defaultValue={value}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={inputClass}
        {...area}
      />
      <FieldMessages id={id} errors={errors} hint={hint} />
    </div>
  );
}

function FieldMessages({ id, errors, hint }: { id: string; errors?: string[]; hint?: string }) {
  if (errors) {
    return (
      <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
        {errors.join(" ")}
      </p>
    );
  }
  return hint ? (
    <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
      {hint}
    </p>
  ) : null;
}
