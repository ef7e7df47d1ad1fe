// A labelled form field with its problem beside it, told to screen readers.
import { type InputHTMLAttributes, useId } from "react";

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  problem?: string;
}

export function Field({ label, problem, ...input }: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        {...input}
      />
      {problem && (
        <span className="field-problem" id={`${id}-problem`}>
          {problem}
        </span>
      )}
    </div>
  );
}
