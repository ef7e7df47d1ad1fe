// Find a patient as you type: name, email or phone (the patients subgraph matches all
// three), a few at a time.
import { useEffect, useId, useState } from "react";
import { useQuery } from "urql";
import { problemOf } from "./problems";
import { graphql } from "./gql";
import type { PatientSearchQuery } from "./gql/graphql";

const Search = graphql(`
  query PatientSearch($search: String, $first: Int) {
    patients(search: $search, first: $first) {
      nodes {
        id
        name
        email
        phone
        dateOfBirth
      }
      totalCount
    }
  }
`);

const One = graphql(`
  query OnePatient($id: ID!) {
    patient(id: $id) {
      id
      name
      email
      phone
      dateOfBirth
    }
  }
`);

export type FoundPatient = PatientSearchQuery["patients"]["nodes"][number];

/** One patient by id (a patient signed in books for themself). */
export function usePatient(id: string | undefined): FoundPatient | null {
  const [{ data }] = useQuery({ query: One, variables: { id: id ?? "" }, pause: !id });
  return data?.patient ?? null;
}

/** `text` once it has not changed for `milliseconds`. */
export function useSettled(text: string, milliseconds = 250) {
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(text), milliseconds);
    return () => clearTimeout(timer);
  }, [text, milliseconds]);
  return settled;
}

export function usePatientSearch(text: string, first: number) {
  const search = useSettled(text.trim());
  const [result] = useQuery({
    query: Search,
    variables: { search: search || null, first },
    requestPolicy: "cache-and-network",
  });
  return result;
}

export function PatientPicker({
  label,
  picked,
  onPick,
}: {
  label: string;
  picked: FoundPatient | null;
  onPick: (patient: FoundPatient | null) => void;
}) {
  const [text, setText] = useState("");
  const id = useId();
  const { data, fetching, error } = usePatientSearch(text, 8);
  if (picked) {
    return (
      <div className="field">
        <span className="label">{label}</span>
        <p className="picked">
          <strong>{picked.name}</strong> {picked.email}{" "}
          <button type="button" onClick={() => onPick(null)}>
            Change
          </button>
        </p>
      </div>
    );
  }
  const found = data?.patients.nodes ?? [];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        value={text}
        placeholder="Name, email or phone"
        autoComplete="off"
        onChange={(event) => setText(event.target.value)}
      />
      {error && (
        <p className="problem" role="alert">
          {problemOf(error)}
        </p>
      )}
      <ul className="choices" aria-label={`${label}: matches`} aria-busy={fetching}>
        {found.map((patient) => (
          <li key={patient.id}>
            <button type="button" onClick={() => onPick(patient)}>
              <strong>{patient.name}</strong> {patient.email} {patient.phone}
            </button>
          </li>
        ))}
        {!fetching && text.trim() && found.length === 0 && <li>No active patient matches.</li>}
      </ul>
    </div>
  );
}
