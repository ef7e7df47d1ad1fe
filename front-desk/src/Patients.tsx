// Patients: search as you type, register a new one; the list links to each patient's page.
import { useState } from "react";
import { useMutation } from "urql";
import { ContactForm } from "./ContactForm";
import { Field } from "./Field";
import { graphql } from "./gql";
import { usePatientSearch } from "./PatientPicker";
import { problemOf } from "./problems";
import { go, href } from "./route";

const Register = graphql(`
  mutation RegisterPatient($input: CreatePatientInput!) {
    createPatient(input: $input) {
      id
    }
  }
`);

export function Patients({ mayWrite }: { mayWrite: boolean }) {
  const [text, setText] = useState("");
  const { data, fetching, error } = usePatientSearch(text, 50);
  const [registering, setRegistering] = useState(false);
  const found = data?.patients.nodes ?? [];
  return (
    <section aria-labelledby="patients-title">
      <h2 id="patients-title">Patients</h2>
      <div className="row">
        <Field
          label="Find a patient"
          type="search"
          placeholder="Name, email or phone"
          value={text}
          autoComplete="off"
          onChange={(event) => setText(event.target.value)}
        />
        {mayWrite && !registering && (
          <button type="button" onClick={() => setRegistering(true)}>
            Register a patient…
          </button>
        )}
      </div>
      {registering && <RegisterForm onCancel={() => setRegistering(false)} />}
      {error && (
        <p className="problem" role="alert">
          {problemOf(error)}
        </p>
      )}
      <p role="status" aria-live="polite">
        {fetching ? "Searching…" : `${data?.patients.totalCount ?? 0} active patients${text.trim() ? " match" : ""}`}
      </p>
      <table className="list">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Phone</th>
          </tr>
        </thead>
        <tbody>
          {found.map((patient) => (
            <tr key={patient.id}>
              <td>
                <a href={href("patients", patient.id)}>{patient.name}</a>
              </td>
              <td>{patient.email}</td>
              <td>{patient.phone}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RegisterForm({ onCancel }: { onCancel: () => void }) {
  const [result, register] = useMutation(Register);
  return (
    <ContactForm
      title="Register a patient"
      submitLabel="Register"
      busy={result.fetching}
      error={result.error}
      onCancel={onCancel}
      onSubmit={async (input) => {
        const registered = await register({ input });
        const id = registered.data?.createPatient.id;
        if (id) go("patients", id);
      }}
    />
  );
}
