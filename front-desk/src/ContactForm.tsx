// A patient's contact details as a form, for registering and for editing: each problem
// the server names (`input.email`, ...) beside its field.
import { type FormEvent, useState } from "react";
import type { CombinedError } from "urql";
import { Field } from "./Field";
import { problemsOf } from "./problems";

export interface Contact {
  name: string;
  email: string;
  phone: string;
  dateOfBirth: string | null;
  address: string | null;
}

export function ContactForm({
  title,
  initial,
  submitLabel,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  title: string;
  initial?: Contact;
  submitLabel: string;
  busy: boolean;
  error: CombinedError | undefined;
  onSubmit: (contact: Contact) => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState({
    name: initial?.name ?? "",
    email: initial?.email ?? "",
    phone: initial?.phone ?? "",
    dateOfBirth: initial?.dateOfBirth ?? "",
    address: initial?.address ?? "",
  });
  const problems = problemsOf(error);
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [key]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({
      name: form.name,
      email: form.email,
      phone: form.phone,
      dateOfBirth: form.dateOfBirth || null,
      address: form.address.trim() || null,
    });
  };
  return (
    <form onSubmit={submit} className="card" aria-label={title}>
      <h3>{title}</h3>
      {problems.general && (
        <p className="problem" role="alert">
          {problems.general}
        </p>
      )}
      <Field label="Name" value={form.name} onChange={set("name")} problem={problems.fields.name} required />
      <Field label="Email" type="email" value={form.email} onChange={set("email")} problem={problems.fields.email} required />
      <Field label="Phone" type="tel" value={form.phone} onChange={set("phone")} problem={problems.fields.phone} required />
      <Field
        label="Date of birth"
        type="date"
        value={form.dateOfBirth}
        onChange={set("dateOfBirth")}
        problem={problems.fields.dateOfBirth}
      />
      <Field label="Address" value={form.address} onChange={set("address")} problem={problems.fields.address} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
