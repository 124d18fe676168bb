import { useId } from 'react';

export interface Option { value: string; label: string }

export function SelectField({ label, value, options, onChange, help, name }: {
  label: string; value: string; options: readonly Option[]; onChange: (value: string) => void; help?: string; name?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={help ? `${id}-help` : undefined}>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      {help && <p className="help" id={`${id}-help`}>{help}</p>}
    </div>
  );
}

/** A small set of mutually exclusive choices as a radio group (a segmented control). */
export function RadioField({ label, value, options, onChange, name, disabled }: {
  label: string; value: string; options: readonly Option[]; onChange: (value: string) => void; name: string; disabled?: boolean;
}) {
  return (
    <fieldset className="field segmented" disabled={disabled}>
      <legend>{label}</legend>
      <div className="segments">
        {options.map((o) => (
          <label key={o.value} className={o.value === value ? 'on' : undefined}>
            <input type="radio" name={name} value={o.value} checked={o.value === value} onChange={() => onChange(o.value)} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
