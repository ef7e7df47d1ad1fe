// A labelled choice among values, shown in words (`CARDIOLOGY` -> "Cardiology") unless given
// labels; `none` adds a first choice meaning "none of them" (the empty value).
import { useId } from "react";
import { words } from "./format";

export interface Option {
  value: string;
  label?: string;
}

export function Select<T extends string>({
  label,
  value,
  options,
  none,
  onChange,
}: {
  label: string;
  value: T | "";
  options: readonly (T | Option)[];
  none?: string;
  onChange: (value: T | "") => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as T | "")}>
        {none !== undefined && <option value="">{none}</option>}
        {options.map((option) => {
          const { value: key, label: shown } = typeof option === "string" ? { value: option, label: undefined } : option;
          return (
            <option key={key} value={key}>
              {shown ?? words(key)}
            </option>
          );
        })}
      </select>
    </div>
  );
}
